"""Text helpers shared by the parsers and the search: cleaning, times, tokens."""

from __future__ import annotations

import re
import threading
import unicodedata
from contextlib import contextmanager
from contextvars import ContextVar
from functools import lru_cache
from typing import Iterator

import snowballstemmer

from . import languages

# Characters that change how text is shown without being text: zero-width
# joiners, bidi overrides and isolates, the BOM, soft hyphen.
_INVISIBLE = dict.fromkeys(
    map(
        ord,
        "\u200b\u200c\u200d\u2060\ufeff\u00ad"
        "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f",
    )
)

_TIME_RE = re.compile(r"^(?:(\d{1,2}):)?(\d{1,3}):(\d{2})$")
_HMS_RE = re.compile(r"^(?:(\d+)\s*h)?\s*(?:(\d+)\s*m(?:in)?)?\s*(?:(\d+)\s*s)?$", re.I)
_H_MM_RE = re.compile(r"^(\d+)\s*h\s*(\d{1,2})$", re.I)  # '2h45': minutes after the hours, unmarked
_WORD_RE = re.compile(r"[^\W_]+", re.UNICODE)

STOPWORDS = frozenset(
    """
    a about above after again against all also am an and any are aren as at be
    because been before being below between both but by can could did do does
    doing don down during each either else ever few for from further get gets
    got had has have having he her here hers herself him himself his how i if
    in into is isn it its itself just let lets like ll me more most much must my
    myself no nor not now of off on once only or other ought our ours ourselves
    out over own re s same say says said she should so some such t than that the
    their theirs them themselves then there these they this those through to
    too under until up us ve very was wasn we were what whats when where which
    while who whom whose why will with would you your yours yourself yourselves
    tell told talk talked talking mention mentioned mentions discuss discussed
    discussion explain explained think thought guy guys
    according anything something someone really way ways kind sort thing things
    today nowadays currently actually basically good many even
    behind beyond across along around toward towards upon via within without among getting
    doesn didn hasn haven hadn shouldn wouldn couldn weren mustn needn
    dont doesnt didnt isnt arent wasnt werent havent hasnt hadnt shouldnt wouldnt couldnt aint
    im ive youre theyre weve youve theyve hes shes thats theres wheres hows whos whens whys heres
    """.split()  # the last two lines: a negation's or a pronoun's contraction, with or without its apostrophe
)

# Words of a chat ask that say how it is asked, not what about: "thoughts on world models",
# "timestamp for the X bit", "anyone know what GRPO is", "tldr on X lol". Left out of a
# question's search words (never of the index), so they cannot lower its coverage.
CHAT_FILLER = frozenset(
    """
    thoughts opinion opinions take takes timestamp timestamps anyone anybody somebody bit bits part
    segment exactly precisely lol lmao lmfao rofl haha hahaha tldr tl dr pls plz please btw imo imho ish
    tbh ngl idk fr hey hi hello yo ok okay yeah yep thanks thank thx ty cheers deal story stuff
    know remember recall wondering curious quick quickly explained real really whole versus vs
    bring brought hot summary recap gist rundown overview wait hmm omg wow huh bruh dude nah nope yea ya lmk
    summarize summarise summarized summarised nutshell eli5 vibes lowkey literally honestly smh tbf iirc afaik
    tf wtf wanna gonna gotta kinda sorta lemme dunno gimme tryna though section sections everyone everybody
    list listed supposedly apparently legit anywhere conversation conversations ballpark
    """.split()
)

# Community shorthand, read as what it stands for.
ABBREVIATIONS = {
    "recs": "recommendations", "rec": "recommendation", "ep": "episode", "eps": "episodes",
    "vs": "versus", "govt": "government", "gov": "government", "w/": "with",
    "bc": "because", "cuz": "because", "u": "you", "ur": "your", "abt": "about", "rn": "now",
    "devs": "developers", "params": "parameters", "convo": "conversation", "pod": "podcast",
    "algo": "algorithm", "algos": "algorithms", "fav": "favorite", "fave": "favorite", "approx": "approximately",
    "mins": "minutes", "hrs": "hours", "yr": "year", "yrs": "years", "ppl": "people", "w/o": "without",
    "b/c": "because", "subs": "subscriptions", "mil": "million", "bn": "billion", "perf": "performance",
    "intro": "introduction", "ctx": "context", "infra": "infrastructure", "eval": "evaluation",
    "evals": "evaluations", "ts": "timestamp",
    "sv": "silicon valley", "tho": "though", "thru": "through", "wat": "what", "wut": "what", "wot": "what",
    "wats": "what's", "wich": "which", "avg": "average", "smth": "something", "sth": "something",
    "w": "with", "n": "and", "dev": "developer", "diff": "different",
    "ads": "advertising", "m&a": "mergers and acquisitions", "dl": "deep learning",
    "org": "organization", "orgs": "organizations", "gw": "gigawatt", "gws": "gigawatts", "mw": "megawatts",
    # Months as members shorten them ('back in jan 2025'); not 'mar' or 'may', which are words.
    "jan": "january", "feb": "february", "apr": "april", "jun": "june", "jul": "july", "aug": "august",
    "sep": "september", "sept": "september", "oct": "october", "nov": "november", "dec": "december",
    "til": "until", "till": "until",  # 'stay loyal to one model til it does something dumb': a stop word
}
# 'in the episode', 'in this ep': where a member asks about, said of the episode asked already.
_IN_THE_EPISODE_RE = re.compile(r"\b(?:in|during|from|on|before|after|throughout) (?:the|this) (?:episode|ep)\b", re.I)
# Small talk, and 'right now', 'these days', 'going forward', 'is that right': how a member greets or asks, never
# what about ('hey how's it going', "what's new with nvidia", 'who made you'). Left out; a question of nothing else
# finds nothing.
_SMALL_TALK_RE = re.compile(
    r"\b(?:how(?:'s|’s|s| is| are| r) (?:it|things|everyone|everybody|you(?: all)?|ya|u)(?: going| doing| been)?|"
    r"good (?:morning|afternoon|evening|night)|"
    r"how have you been|what(?:'s| is) (?:going on|new|up|your name)|what time is it|"
    r"who (?:made|built|created|are) (?:you|this bot)|can you (?:hear|see) me|right now|these days|"
    r"(?:going|moving) forward|is (?:that|this|it) (?:right|correct|true)|any love for|the big deal(?: with| about)?|"
    r"back(?= (?:in|then|when)\b))\b", re.I)
# A question tag at the end ('opus is anthropic's, right?', 'multiple times a day or what'): how it is asked (not
# 'the attempts that got graded right').
_QUESTION_TAG_RE = re.compile(r"(?:\s*,\s*right|[\s,]+or (?:what|not|no))\s*[?!.]*\s*$", re.I)
# A member's doubt, put as the other answer ('996 at sf labs, real thing or just a meme'): how they ask, not what
# about. Only after 'real' or 'legit': in 'does thinking longer help or is that hype' the rest is a paraphrase that
# 'hype' kept from being answered wrongly.
_DOUBT_RE = re.compile(r"[\s,]+(?:(?:is (?:it|that|this) )?(?:a )?real(?: thing)?|for real|legit)[\s,]+or (?:is "
                       r"(?:it|that|this) |(?:it's|that's|its|thats) )?(?:just |only |mostly |all )?(?:a |an )?(?:meme|hype|"
                       r"cope|marketing|vibes|joke|nonsense|bs|overblown|overhyped|exaggeration|nah)\s*[?!.]*\s*$", re.I)
# A question about the bot itself ('who built this bot and which model does it run on'): nothing of it is about
# an episode, whatever else it names.
_ABOUT_THE_BOT_RE = re.compile(r"\b(?:(?:this|the|you|ur|your) bot|who (?:made|built|created|programmed) you|"
                               r"are you (?:a bot|an ai|chatgpt|human|real)|"
                               r"(?:what|which) (?:model|llm|ai) (?:are you|do you)|^\W*(?:what|who) are you)\b", re.I)
# 'when do they talk about the atom project', 'what minute do they get into data quality': the moment in the
# episode, which every answer gives, not a date of what is named.
# How short an answer is wanted ('atom's whole argument in one line?', "when's agi, short version", 'sum up'): not
# asked about.
_BRIEFLY_RE = re.compile(r"\b(?:sum(?:s|med|ming)? (?:(?:it|this|that|them) )?up|in (?:one|a single|a|1) "
                         r"(?:line|sentence|paragraph)|(?:the )?(?:short|shorter|quick|brief) version|in short|"
                         r"in brief|briefly|in a few words)\b", re.I)
# A moment in the episode named in a question ('the line at 1:24', '2:51 ish, what is ...'): where, not what about.
_CLOCK_MENTION_RE = re.compile(r"(?:\b(?:at|around|near|about|like)\s+|~\s*)?(?<![\w:/.$])(\d{1,2}:\d\d(?::\d\d)?)"
                               r"(?![\w:/.%])(?:\s*(?:ish|mark|in)\b)?", re.I)
_WHEN_SAID_RE = re.compile(
    r"\b(?:(?:at )?what (?:minute|min|point|time|timestamp)|when)\b(?= (?:do|does|did) \w+ (?:(?:talk|discuss|mention|"
    r"say|speak|cover|explain|describ)\w*|(?:get|go|dive)\w* into|go\w* over|break\w* down|bring\w* up)\b)|"
    r"\bwhat (?:minute|min)\b", re.I)
# 'what does the atom project acronym stand for': what the project's name stands for ('acronym' says how).
_ACRONYM_WORD_RE = re.compile(r"\s+(?:acronym|abbreviation|initials)(?=\s+(?:stands?\s+for|means?)\b)", re.I)
# 'explain like i'm 5', as 'eli5': how it is asked, not what about.
_LIKE_FIVE_RE = re.compile(r"\b(?:explain(?:ed)?\s+)?like\s+i['’]?m\s+(?:5|five)\b", re.I)
# A verb's contraction ("why'd", "they'll", "we've", "you're", "i'm"): not a word of its own.
_CONTRACTED_RE = re.compile(r"(?<=[a-z])['’](?:d|ll|ve|re|m)\b", re.I)
# 'did hbm come up at all', 'do they touch on X': whether the episode speaks of it, not what about ('come up with'
# stays: what someone thought of).
_CAME_UP_RE = re.compile(r"\b(?:(?:come|comes|came|coming)\s+up|touch(?:es|ed)?\s+(?:on|upon))\b(?!\s+with\b)", re.I)
# 'which guest said X', 'which of the two guests ...': who, one of the episode's people (not its guest list).
_WHICH_GUEST_RE = re.compile(r"\b(?:which|what) (?:guest|of the (?:two |2 )?guests)\b", re.I)
_CAME_OUT_RE = re.compile(r"\b(?:come|comes|came|coming) out\b", re.I)
# 'when did nathan kick off the atom thing': start it ('kick-started' too).
_KICKED_OFF_RE = re.compile(r"\bkick(?:s|ed|ing)?[ -](?:off|start(?:s|ed|ing)?)\b", re.I)
# 'when's agi per these guys': according to the episode's people, whom every passage is.
_PER_THEM_RE = re.compile(r"\bper (?:these|those|the) (?:guys|two|hosts?|guests?|experts|pod)\b|\bper them\b", re.I)
# 'anyone catch what nathan said abt burnout', 'did u catch the part on tpus': whether it was heard, not what of.
_CAUGHT_RE = re.compile(r"\b(?:did\s+)?(?:any(?:one|body)|some(?:one|body)|you|u|ya|y'?all)(?:\s+else)?\s+"
                        r"(?:catch|hear|notice)\b", re.I)
# '72 hr weeks', '2hr mark', '1gw now and 2gw later': a number's unit, written out as the index holds it.
_UNITS = {"hr": "hours", "gw": "gigawatts", "mw": "megawatts"}
_UNIT_RE = re.compile(r"\b(\d+(?:\.\d+)?)\s?(hr|gw|mw)s?\b", re.I)
# 'marine community project? never heard of it, what is it': the asker's own surprise, then the question again.
_NEVER_HEARD_RE = re.compile(r"\b(?:i(?:'ve|’ve| have)?\s+)?never\s+heard\s+of\s+(?:it|that|this|them|him|her)\b|"
                             r"[,?!]\s*what(?:'s|’s|s| is)\s+(?:it|that|this)\s*[?!.]*\s*$", re.I)
# 'when did this ep drop': when it was released (only a question for a time ending on it: 'did the price drop').
# 'when did deepseek drop r1' too: a name of up to three words after it (not 'when did the price drop to $1').
_DROPPED_RE = re.compile(r"^(\s*when\b.*)\b(?:drop|drops|dropped)((?:\s+(?!(?:to|by|from|in|off|out|below|under|"
                         r"of|after|over|down|sharply)\b)[\w.-]+(?:\s+[\w.-]+){0,2})?\s*[?.!]*\s*)$", re.I)
# Not a letter of a word joined by a hyphen ('n-gram', 'u-turn').
_ABBREVIATION_RE = re.compile(r"(?<![\w/-])(" + "|".join(map(re.escape, ABBREVIATIONS)) + r")(?![\w/-])", re.I)

# snowballstemmer hands its work to PyStemmer's C stemmers when that is installed: the same stems,
# and an import of 1 ms instead of 10 (every one-shot `episode-bot ask` pays it).
_stemmer = snowballstemmer.stemmer("english")


# A zero-width joiner between two pictographs builds one emoji (👨‍👩‍👧); anywhere else it only hides text.
_EMOJI_ZWJ = re.compile("(?<=[\u2600-\u27bf\ufe0f\U0001f000-\U0001faff])\u200d"
                        "(?=[\u2600-\u27bf\U0001f000-\U0001faff])")


def clean(text: str) -> str:
    """Return text with invisible and control characters removed, spaces folded."""
    if _plain(text):
        return " ".join(text.split())
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = "\u200d".join(_visible(part) for part in _EMOJI_ZWJ.split(text))
    text = re.sub(r"[ \t]+", " ", text)
    return re.sub(r" ?\n ?", "\n", text).strip()


def _plain(text: str) -> bool:
    """Return True for text clean() would only fold the spaces of (most lines: a first build cleans millions).

    Printable text holds no control, format or separator character but the
    plain space, so no newline, tab, zero-width joiner or other space; already
    NFC, normalizing changes nothing.
    """
    return text.isprintable() and unicodedata.is_normalized("NFC", text)


def _visible(text: str) -> str:
    if text.isprintable():  # no control, format (zero-width, bidi) or separator character: nothing to do
        return text
    text = text.translate(_INVISIBLE)
    return "".join(ch if ch in "\n\t" or unicodedata.category(ch)[0] != "C" else " " for ch in text)


def clean_line(text: str) -> str:
    """Return one line of clean text (newlines folded into spaces)."""
    if _plain(text):
        return " ".join(text.split())
    return re.sub(r"\s+", " ", clean(text)).strip()


def parse_time(value: str) -> int | None:
    """Parse `1:02:38`, `62:38`, `00:16:29`, `1h02m`, `3758` or `3758s` into seconds."""
    value = value.strip().lower()
    if not value:
        return None
    m = _TIME_RE.match(value)
    if m:
        hours, minutes, seconds = (int(g) if g else 0 for g in m.groups())
        if seconds >= 60 or (hours and minutes >= 60):
            return None
        return hours * 3600 + minutes * 60 + seconds
    if value.isdecimal():
        return int(value)
    m = _HMS_RE.match(value) or _H_MM_RE.match(value)
    if m and m.re is _H_MM_RE:
        return int(m.group(1)) * 3600 + int(m.group(2)) * 60 if int(m.group(2)) < 60 else None
    if m and any(m.groups()):
        hours, minutes, seconds = (int(g) if g else 0 for g in m.groups())
        return hours * 3600 + minutes * 60 + seconds
    return None


# A time said the way a member says it: '2 hours in', 'at the 2 hour mark', 'around 3 and a half hours',
# '1.5 hours', '90 minutes', 'an hour and 10 minutes'. The words around it say only where to look.
_SPOKEN_AROUND = frozenset("at around about approx approximately roughly like just the mark in into ish "
                           "timestamp time right rite exactly near".split())  # 'rite': 'right around 3h05'
_PLACE_WORDS = frozenset("chapter chapters part section segment point happening happens going talking "
                         "discussing covering cover covers covered contains include includes spans "
                         "start starts started starting begin begins began kick kicks off".split())
_SLIPPABLE = sorted(w for w in _PLACE_WORDS | _SPOKEN_AROUND if len(w) >= 5)
_CLOCK_IN_TEXT_RE = re.compile(r"(?<![\w:])(?:\d{1,2}:)?\d{1,3}:\d{2}(?![\w:])|\b\d+h(?:\s?\d{1,2}(?:m|min)?)?\b",
                               re.I)
_SPOKEN_NUMBERS = {"a": 1, "an": 1, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6}
_SPOKEN_TIME_RE = re.compile(
    r"(?:(?P<h>\d+(?:\.\d+)?|an?|one|two|three|four|five|six)(?P<half> and a half)? ?(?:h|hrs?|hours?)"
    r"(?: and)? ?)?(?:(?P<m>\d+) ?(?:m|mins?|minutes?))?")


def spoken_time(text: str) -> int | None:
    """Parse a time as a member writes it ('2 hours in', 'at the 90 minute mark', 'half an hour') into seconds."""
    kept = [w for w in re.findall(r"[a-z0-9.]+", text.lower()) if not _asking_word(w)]
    said = " ".join(kept)
    if said in ("half hour", "half an hour"):
        return 1800
    m = _SPOKEN_TIME_RE.fullmatch(said)
    if not said or not m or not (m.group("h") or m.group("m")):
        return None
    hours = m.group("h") or "0"
    hours_f = float(_SPOKEN_NUMBERS.get(hours, hours)) + (0.5 if m.group("half") else 0.0)
    return int(round(hours_f * 3600)) + int(m.group("m") or 0) * 60


def read_time(text: str) -> int | None:
    """Parse a time written as a clock ('1:02:38', '1h02m', '3758') or as a member says it ('2 hours in'),
    alone or in a question that asks nothing else ('wait what chapter is 2:00:00', 'what part is at like 3h10m')."""
    seconds = parse_time(text.replace(" ", ""))
    if seconds is None:
        seconds = spoken_time(text)
    if seconds is None and (clock := _CLOCK_IN_TEXT_RE.search(text)) is not None:
        rest = text[:clock.start()] + " " + text[clock.end():]
        if all(map(_asking_word, words(rest))):
            seconds = parse_time(clock.group())
    return seconds


def _asking_word(word: str) -> bool:
    """Return True for a word of how a time is asked for, not a time's own ('what', 'chapter', 'lol'; not 'an'),
    as typed in shorthand ('wat') or with a letter wrong ('chaptr', 'arond')."""
    word = ABBREVIATIONS.get(word, word).replace("'", "")  # 'wats': "what's", a stop word as 'whats'
    if word in _SPOKEN_NUMBERS or word in ("and", "half"):
        return False
    return (word in STOPWORDS or word in CHAT_FILLER or word in _PLACE_WORDS or word in _SPOKEN_AROUND
            or _near_place_word(word))


def _near_place_word(word: str) -> bool:
    """Return True for a word one slip from a word of place ('chaptr', 'secton', 'arond')."""
    return one_slip_from(word, _SLIPPABLE) is not None


def one_slip_from(word: str, choices: list[str]) -> str | None:
    """Return the word of `choices` that `word` is one letter from (left out, added, changed or two swapped:
    'chaptr', 'secnd'), for words of five letters or more; else None."""
    from rapidfuzz import process
    from rapidfuzz.distance import OSA

    if len(word) < 5:
        return None
    near = process.extractOne(word, choices, scorer=OSA.distance, score_cutoff=1)
    return near[0] if near else None


def is_time_line(line: str) -> bool:
    """Return True for a line that is only a time such as `1:02:38` or `00:00`."""
    return bool(_TIME_RE.match(line.strip()))


def format_time(seconds: int | float | None) -> str | None:
    """Format seconds as `H:MM:SS` (`1:02:38`, `0:16:29`)."""
    if seconds is None:
        return None
    seconds = int(seconds)
    return f"{seconds // 3600}:{seconds % 3600 // 60:02d}:{seconds % 60:02d}"


# Platform mention markup: Slack <!channel> <@U1> <#C1|x> <!subteam^S1>, Discord <@1> <@&1> <#1>, @everyone.
_MENTION_RE = re.compile(r"<[!@#][^>\s]{0,80}>|(?<!\w)@(?:everyone|here|channel)\b", re.I)


def strip_mentions(text: str) -> str:
    """Remove mentions from a question: they name people or channels, not what is asked."""
    return _MENTION_RE.sub(" ", text)


def words(text: str) -> list[str]:
    """Split text into lowercase word tokens the way the search index does."""
    return _WORD_RE.findall(text.lower())


# Spellings that tokenize apart but mean one word: '9/9/6' and '996', 'pre-fill' and
# 'prefill', '100,000' and '100000'.
_JOINABLE_RE = re.compile(r"\b\d(?:/\d)+\b|\b[^\W_]+(?:-[^\W_]+)+\b|\b\d{1,3}(?:,\d{3})+\b")
_DIGIT_SEP_RE = re.compile(r"\d[/,]\d")
_THOUSANDS_RE = re.compile(r"\b(\d+)k\b", re.I)
_MONEY_RE = re.compile(r"\$(\d+(?:\.\d+)?)\s?([mb])n?\b", re.I)
_MAGNITUDES = {"m": "million", "b": "billion", "t": "trillion"}  # what '$5M', '5m', '50t' stand for
# '5m', '1.5mn' in a question: an amount (a time such as '5m' is read before any search). Not
# '120b', which names a model's size the way the episode writes it ('gpt-oss-120b').
_AMOUNT_RE = re.compile(r"(?<![\w$.-])(\d+(?:\.\d+)?)([mt])n?\b", re.I)  # '50t tokens': 50 trillion
# '2b raise', '1.5b lawsuit': billions of money, which the word after says ('120b model' stays a size).
_BILLIONS_RE = re.compile(r"(?<![\w$.-])(\d+(?:\.\d+)?)bn?(?=\s+(?:raise|raised|fundraise|fundraising|round|funding|"
                          r"deal|lawsuit|settlement|valuation|investment|grant|fine|payout|buyout|acquisition)\b)",
                          re.I)
# '10K' in a text: the '10000' a question's '10k' is written as (normalize_query), held beside it.
_THOUSANDS_IN_TEXT_RE = re.compile(r"(?<![\w.,-])(\d{1,3})[kK]\b")


# A small number written out before what it counts ('two gigawatts'), held as a question may type it ('2 gigawatts').
_NUMBER_WORDS = {w: str(n) for n, w in
                 enumerate("two three four five six seven eight nine ten eleven twelve".split(), 2)}
_NUMBER_WORDS_TYPED = (*_NUMBER_WORDS, *(w.capitalize() for w in _NUMBER_WORDS))
_COUNTING_WORD_RE = re.compile(r"\b(" + "|".join(_NUMBER_WORDS) + r")[\s-]+(?=[a-z])", re.I)


# A name and its version apart ('Qwen 3', 'Llama 4', 'Claude Opus 4.5'), held run together as members type them
# ('qwen3', 'llama4'), as 'GPT-5' is held as 'gpt5'. Not an amount ('Anthropic 50 percent').
NAME_AND_VERSION_RE = re.compile(r"\b([A-Z][A-Za-z]+) (\d{1,2}(?:\.\d)?)\b(?![.,]?\d|\s*(?:%|percent|[kmb]\b))")


# Places written in full, held by the short forms members type too ('sf history book': 'San Francisco history').
# The other way round a question's 'sv' is read as 'silicon valley' (ABBREVIATIONS); 'sf' can't be, since the
# episodes write 'SF' themselves.
_SHORT_NAMES = {"san francisco": "sf", "new york": "nyc"}
_SHORT_NAMES_TYPED = ("Francisco", "York", "francisco", "york")  # what a text holding one holds, looked for first
_DIGIT_RE = re.compile(r"\d")
_SHORT_NAMED_RE = re.compile(r"\b(" + "|".join(_SHORT_NAMES) + r")\b", re.I)


def number_aliases(text: str) -> str:
    """Return the joined forms of split spellings in text ('9/9/6' -> '996', 'Qwen 3' -> 'qwen3'), so both
    match, thousands written with a K as a question's are written ('10K' -> '10000'), small numbers written
    out as digits ('two gigawatts' -> '2') and places by their short names ('San Francisco' -> 'sf')."""
    spelled = [f"{m}000" for m in _THOUSANDS_IN_TEXT_RE.findall(text)]
    # Each pattern is run only over a text holding what it looks for: a build asks this of every item.
    if any(w in text for w in _NUMBER_WORDS_TYPED):
        spelled += [_NUMBER_WORDS[m.lower()] for m in _COUNTING_WORD_RE.findall(text)]
    if _DIGIT_RE.search(text):
        spelled += [f"{name.lower()}{version}" for name, version in NAME_AND_VERSION_RE.findall(text)]
    if any(name in text for name in _SHORT_NAMES_TYPED):
        spelled += [_SHORT_NAMES[m.lower()] for m in _SHORT_NAMED_RE.findall(text)]
    # Each form holds a hyphen, or a slash or comma between digits: most text has none (a build asks of every line).
    if "-" not in text and (("/" not in text and "," not in text) or not _DIGIT_SEP_RE.search(text)):
        return " ".join(spelled)
    # No form spans whitespace (which is never part of a word either), so the pattern is run over the few
    # whitespace-separated pieces that could hold one: the same matches, in the same order, as over the
    # whole text, at a third of the cost (the pattern tried at every word was a tenth of a first build).
    digits = ("/" in text or "," in text) and _DIGIT_SEP_RE.search(text) is not None
    found: list[str] = []
    for piece in text.split():
        if "-" in piece or (digits and ("/" in piece or "," in piece) and _DIGIT_SEP_RE.search(piece)):
            found += _JOINABLE_RE.findall(piece)
    return " ".join([*(m.translate(_SEPARATORS) for m in found), *spelled])


_SEPARATORS = str.maketrans("", "", "/,-")


def clock_mentioned(text: str) -> str | None:
    """Return the clock a question names a moment by ('the line at 1:24': '1:24'), or None."""
    found = _CLOCK_MENTION_RE.search(text)
    return found.group(1) if found else None


def normalize_query(text: str) -> str:
    """Write numbers and shorthand in a question the way the index holds them ('100k' ->
    '100000', '$5M' -> '$5 million', '5m' -> '5 million', 'recs' -> 'recommendations')."""
    text = _LIKE_FIVE_RE.sub(" explained ", text)  # how it is asked: a chat word, which says a term is asked
    text = _ACRONYM_WORD_RE.sub("", text)
    text = _CONTRACTED_RE.sub("", text)  # "why'd", "they'll": the verb left off says nothing asked
    text = _MONEY_RE.sub(lambda m: f"${m.group(1)} {_MAGNITUDES[m.group(2).lower()]}", text)
    text = _AMOUNT_RE.sub(lambda m: f"{m.group(1)} {_MAGNITUDES[m.group(2).lower()]}", text)
    text = _BILLIONS_RE.sub(r"\1 billion", text)
    text = _ABBREVIATION_RE.sub(_spelled_out, text)
    if _ABOUT_THE_BOT_RE.search(text):
        return ""
    text = _SMALL_TALK_RE.sub(" ", text)
    text = _DOUBT_RE.sub(" ", text)
    text = _QUESTION_TAG_RE.sub(" ", text)
    text = _WHEN_SAID_RE.sub(" ", text)
    text = _CLOCK_MENTION_RE.sub(" ", text)
    text = _BRIEFLY_RE.sub(" ", text)
    text = _WHICH_GUEST_RE.sub("who", text)
    text = _CAME_UP_RE.sub(" mentioned ", text)  # a stop word, and 'when does X come up' still asks the moment
    text = _CAME_OUT_RE.sub("released", text)
    text = _KICKED_OFF_RE.sub("started", text)
    text = _PER_THEM_RE.sub(" ", text)  # 'when did R1 come out': when was it released
    text = _NEVER_HEARD_RE.sub(" ", text)
    text = _CAUGHT_RE.sub(" ", text)
    text = _UNIT_RE.sub(lambda m: f"{m.group(1)} {_UNITS[m.group(2).lower()]}", text)
    text = _DROPPED_RE.sub(r"\1released\2", text)
    placed, found = _IN_THE_EPISODE_RE.subn(" ", text)
    # 'where in the ep do they talk about tpus': where, not what ('what is in this episode' stays)
    if found and query_words(placed):
        text = " ".join(placed.split())
    return _THOUSANDS_RE.sub(lambda m: m.group(1) + "000", text)


def _spelled_out(m: re.Match[str]) -> str:
    """Return the shorthand matched spelled out, in capitals if typed so ('SUBS': 'SUBSCRIPTIONS'): a question
    typed in capitals throughout stays so, and its capitals still say nothing of its names."""
    typed = m.group(1)
    whole = ABBREVIATIONS[typed.lower()]
    return whole.upper() if typed.isupper() and len(typed) > 1 else whole


def query_words(text: str) -> list[str]:
    """Return the words of a question that say what it is about: no stopwords, no chat filler."""
    extra = languages.stopwords(_language.get())
    return [w for w in words(text) if w not in STOPWORDS and w not in CHAT_FILLER and w not in extra]


# The language whose stemmer and stop words search uses right now: an episode's, set by the
# search for the episode it reads or indexes (a context variable: each thread and task its own).
_language: ContextVar[str] = ContextVar("search_language", default="en")
_CYRILLIC_RE = re.compile(r"[\u0400-\u04ff]")
_other_stemmers: dict[str, object] = {}
# word -> stem(word) in English, as the serving index worked them out for its vocabulary (lend_stems):
# a new episode added to a running bot mostly repeats known words, and stemming them again was a
# tenth of adding one.
_known_english: dict[str, str] = {}
_stemmer_lock = threading.Lock()  # a Snowball stemmer keeps state while it works: one word at a time


@contextmanager
def searching(lang: str | None) -> Iterator[str]:
    """Stem and drop stop words as `lang` does inside the block (None or one we can't stem: English)."""
    chosen = lang if lang in languages.SNOWBALL else "en"
    token = _language.set(chosen)
    try:
        yield chosen
    finally:
        _language.reset(token)


def search_language() -> str:
    return _language.get()


def stem(word: str) -> str:
    """Return the stem of one lowercase word in the language being searched.

    A Cyrillic word is stemmed as Russian whatever the episode's language: the
    English stemmer would leave it whole, so both sides of a match agree.
    """
    lang = _language.get()
    if lang == "en":
        known = _known_english.get(word)
        if known is not None:
            return known
    if word.isascii() and lang == "en":
        return _english_stem(word)
    if _CYRILLIC_RE.search(word):
        return _stem_in("ru", word)
    return _english_stem(word) if lang == "en" else _stem_in(lang, word)


def lend_stems(stems: dict[str, str]) -> None:
    """Answer stem() in English from these {word: stem(word)} pairs, worked out before (not copied)."""
    global _known_english
    _known_english = stems


@lru_cache(maxsize=65536)
def _stem_in(lang: str, word: str) -> str:
    with _stemmer_lock:
        stemmer = _other_stemmers.get(lang)
        if stemmer is None:
            stemmer = _other_stemmers[lang] = snowballstemmer.stemmer(languages.SNOWBALL[lang])
        return stemmer.stemWord(word)  # type: ignore[attr-defined]


@lru_cache(maxsize=65536)
def _english_stem(word: str) -> str:
    """Return the English stem of one lowercase word.

    Snowball keeps the s of a short plural after a vowel ('gpus', 'tpus'), so
    'GPUs' and 'GPU' would not match; such stems lose it.
    """
    irregular = IRREGULAR.get(word)
    if irregular is not None:
        return irregular
    with _stemmer_lock:
        s = _stemmer.stemWord(word)
    return s[:-1] if s == word and len(s) <= 5 and s.endswith("us") else s


# Irregular forms Snowball leaves apart from their verb's ('died' and 'dying' it stems as 'die' itself):
# 'dead' is 'dying' ('is agi dead' is the chapter "Is the dream of AGI dying?"), and the past forms of irregular
# verbs that name nothing else ('what did lambert write about burnout': he 'wrote a post'). Not 'won' (the 'won'
# of "won't"), 'given', 'known' ('a given moment', 'known as'), 'led' (a 'lead'), 'left', 'saw', 'felt',
# 'thought', nor 'built', 'made', which would match unrelated passages ('building' held an aside's
# 'built').
IRREGULAR = {"dead": "die"}
IRREGULAR.update({past: verb for verb, forms in {
    "write": "wrote written", "speak": "spoke spoken", "teach": "taught", "run": "ran", "begin": "began begun",
    "choose": "chose chosen", "grow": "grew grown", "sell": "sold", "buy": "bought", "drive": "drove driven",
    "steal": "stole stolen", "forget": "forgot forgotten", "understand": "understood", "rise": "rose risen",
    "fight": "fought", "catch": "caught", "seek": "sought", "bring": "brought", "lose": "lost",
    "give": "gave", "take": "took taken", "know": "knew", "draw": "drew drawn", "fly": "flew flown",
    "throw": "threw thrown", "break": "broke broken", "eat": "ate eaten", "hide": "hid hidden",
    "find": "found",  # 'a survey found that' is no founding ('founded', 'founder' stay 'found')
}.items() for past in forms.split()})


def content_words(text: str) -> list[str]:
    """Return the words of text that carry meaning (no stopwords), in order."""
    extra = languages.stopwords(_language.get())
    return [w for w in words(text) if w not in STOPWORDS and w not in extra]


def sentences(text: str) -> list[str]:
    """Split a paragraph into sentences, keeping the punctuation."""
    parts = re.split(r"(?<=[.!?])\s+(?=[\"“A-Z\[(])", text.strip())
    return [p.strip() for p in parts if p.strip()]


def shorten(text: str, limit: int, ellipsis: str = "…") -> str:
    """Cut text to at most `limit` characters at a word boundary."""
    if len(text) <= limit:
        return text
    if limit <= len(ellipsis):
        return text[:limit]
    cut = text[: limit - len(ellipsis)]
    space = cut.rfind(" ")
    if space > limit // 2:
        cut = cut[:space]
    return cut.rstrip(" ,;:-–—") + ellipsis
