"""Search the library: SQLite FTS5 (BM25) finds candidates, rapidfuzz re-ranks them.

The ranking has three parts, each done by a library:
- candidates and their BM25 score come from an FTS5 index (porter stemming);
- misspelt query words are corrected against the index's vocabulary with a
  rapidfuzz edit distance;
- candidates are re-ranked by how much of the question they cover (weighted
  by each word's rarity, from the same index) and by rapidfuzz similarity.
When the best candidate covers too little of the question, the search
declines instead of guessing.
"""

from __future__ import annotations

import bisect
import functools
import heapq
import itertools
import logging
import math
import re
import sqlite3
import threading
from collections import Counter
from dataclasses import dataclass, field
from functools import cached_property, lru_cache

from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from typing import TYPE_CHECKING, Callable, Iterator

from . import languages, progress
from .answerable import Evidence
from .english import COMMON, common_slip, english_count, is_common_english, is_english
from .episode_guides import GUIDES, EpisodeGuides, guides
from .episode_terms import EpisodeTerms
from .library import Library
from .lru import LRU
from .meaning import StaticModel, WordTable, load_model
from .models import Chapter, Episode, Passage, Quote, rowid_of, stems_of
from .indexer import Prepared, prepare
from .items import MemoryItems, StoredItems
from .episode_bm25 import EpisodeBM25
from .store import FTS_SCHEMA, INSERT_ROWS, SLOT_BITS, Record, paused_gc, slot_range
from .vectors import VectorCache, text_digest
from .token_set import Words, question_words, token_set_ratio
from .text import (ABBREVIATIONS, CHAT_FILLER, IRREGULAR, NAME_AND_VERSION_RE, STOPWORDS, clean_line, content_words,
                   normalize_query, number_aliases, lend_stems, query_words, read_time, search_language, searching,
                   sentences, stem, strip_mentions, words)

if TYPE_CHECKING:  # numpy comes with the first question's meaning: a restart doesn't wait for it
    import numpy as np

log = logging.getLogger(__name__)

# How much each kind of passage is worth as an answer, all else equal: notes
# and takeaways are written to answer questions; an overview is vaguer.
KIND_PRIOR = {"note": 0.06, "takeaway": 0.05, "highlight": 0.04, "transcript": 0.03, "quote": 0.03,
              "info": 0.06, "summary": 0.0, "description": 0.0}
CANDIDATES = 60
# A search of the whole catalogue reads the FTS tables of the CATALOGUE_EPISODES episodes most about the
# question's words (catalogue_episodes()), and compares by meaning the items of the MEANING_EPISODES
# episodes closest in meaning (by their chapters and centroid) plus the first MEANING_WORD_EPISODES of
# those: its cost stays that of a few episodes however large the catalogue. Catalogues of at most
# CATALOGUE_EPISODES episodes are searched whole, as before.
CATALOGUE_EPISODES = 8
MEANING_EPISODES = 6
MEANING_WORD_EPISODES = 4
VECTOR_EPISODES = 32  # episodes whose item vectors, read back from the cache, stay in memory (least recent go)
QUOTE_CANDIDATES = 40  # quotes and turns compared word by word with the words of a quote
QUOTE_COVERS = 0.5  # share of the words' weight a quote or turn must hold to be found by its words
QUOTE_SCORE = 0.6  # a quote or turn found by its words is returned from this score (similarity, coverage)
DECLINE_BELOW = 0.55  # share of the question (by word rarity) the best answer must cover
CORRECTIONS_KEPT = 4096  # misspelt words whose correction (or lack of one) is remembered
ACRONYM_SEEN = 2  # an acronym's words count when this many items write them so (or one with capitals)
ACRONYM_ROWS = 200  # items read to find an acronym's words
CORRECTED_WEIGHT = 0.85  # a corrected word's weight beside a word typed as the index holds it
# Meaning beside words (see accepted() and rank()), each figure from the sweep in
# docs/benchmarks.md ("Meaning-aware search"), run on tests/eval/*.jsonl:
# - MEANING_WEIGHT, cosine's share of the blend: 0, 0.1 and 0.15 score the same on every set
#   but our typo set (19/20 up to 0.1, 18/20 at 0.3); 0.45 loses an ours.jsonl answer. Kept
#   above 0 so that of two candidates with the same words, the closer in meaning leads.
# - MEANING_FLOOR: cosines under it add nothing (unrelated texts reach 0.2 with this model).
# - Whether a passage carried by meaning answers is bot/answerable.py's to say (a model of
#   several figures at once, fitted on our sets): no single bar separates paraphrases' right
#   passages from off-topic questions' closest ones with this model.
MEANING_WEIGHT = 0.1
MEANING_FLOOR = 0.2
MEANING_COVER = 0.5  # how much a share of the question's words counts beside cosine, to pick meaning's lead
# ... and how much the blend's own score counts in that pick: it breaks near ties with what the words
# say besides their share (BM25, a count for 'how many'). 0.15-0.3 give the same answers; at 0.2
# 'how many users does chatgpt have per week' is declined, no longer led by a passage without a count.
MEANING_LEAD_BLEND = 0.2
MEANING_AGREES = 0.35  # a words match whose cosine is at least this is a match of "both"
# A passage carried by meaning that holds none of what a question asks of a thing it names (Query.attribute)
# answers only from this cosine: of the 14 such leads of every set, the 9 out-of-scope ones reach 0.36-0.49
# ('what batch size did ai2 use ...' 0.48), the right ones 0.41-0.53 ('What window did the authors ...' 0.53).
ATTRIBUTE_MEANING = 0.5
# A passage found by meaning that holds none of what a question asks about the names in it (Query.asked)
# answers only when what is asked is at least this share of the question's weight.
ASKED_ALONE = 0.5
# A word typed in lowercase is a name when the episodes write it capitalized mid-sentence this often, in
# the first NAME_SAMPLE passages holding it (SearchIndex._written_as_names).
NAME_WRITTEN = 0.8
NAME_SAMPLE = 8
SHOUTED = 0.8  # a question with this share of its letters in capitals may be typed in capitals throughout
# A real word beside a phrase it misspells (_beside_a_neighbour) is read as that phrase's word when it is rare
# (under english.COMMON: 'harts', 'highflier') or the phrase's word is this many times commoner ('hose': 'house').
SLIP_COMMONER = 10
# How often the English word list counts each of two capitalized words read as their initials ('Computer Science':
# 80,837 and 57,649); a first name is rarer ('Claude' 580, 'Shannon' 282).
INITIALS_WORD = 2000
PHRASE_GAP = 2  # words a name of several capitalized words may have between two of its own (_gives_phrase)
MEANING_RESULTS = 3  # a hit carried by meaning alone is returned only from this high in the ranking
MOMENT_MARGIN = 0.15  # asked when, a timed answer this much less covering leads an untimed one (Query.moment)
ITEM_WORDS = 20000  # items whose words' rows in the word table are remembered (soft_coverage)
ITEM_FACTS = 8192  # items whose stem line, first stems and kind rank() keeps (as many as the item cache)
MEANING_CANDIDATES = 10  # items closest in meaning, added to FTS5's candidates (20 scored the same)
# Soft coverage (see soft_coverage()): a question word the passage lacks earns part of its weight
# from the passage's word closest to it in meaning, nothing at SOFT_FROM cosine or under, up to
# SOFT_CAP of its weight at SOFT_TO ('cheaper' and 'cost', 'faculty' and 'professors').
SOFT_FROM = 0.45
SOFT_TO = 0.8
SOFT_CAP = 0.8
MEANING_LEADERS = 5  # with no answer first, the hits closest in meaning (by cosine + MEANING_COVER x coverage)
# whose soft coverage is worked out, and of which the best may lead: 5, 10, 20 and all lead with the same
SOFT_WORDS = 200  # a passage's first words compared one by one (a long one's main point comes early)
QUOTE_FULLER = 10  # a note's longer quoted line this near the best one's score is preferred (_fullest)
QUOTED_WORDS = 3  # a note's quoted words are a line someone said from this many words ('let me reconsider')
QUOTE_MEANING_BAR = 0.3  # paraphrased lines' own quote reaches 0.33-0.58; unknown lines ('ask not...') 0.09-0.15
# One sentence of a turn against the question: a rearranged line's own sentence reaches 0.52-0.66;
# the closest sentence to any out-of-scope question of tests/eval, asked as a quote, 0.38.
QUOTE_SENTENCE_BAR = 0.5
QUOTE_MEANING_POOL = 10  # lines sharing a word with the question, compared sentence by sentence too
QUOTE_WINDOWS = 60  # a turn's first sentences and pairs compared (a remembered line is rarely deep in a monologue)
CHAPTER_MEANING_BAR = 0.3  # chapter paraphrases reach 0.31-0.38, off-topic asks 0.16
SUGGEST_MEANING_BAR = 0.15  # a declined question's suggested chapters are at least this close in meaning
CHAPTER_CONTENT_WEIGHT = 0.5  # a chapter's vector: its title, plus this much of what is said in it
SUMMARY_KINDS = ("takeaway", "summary", "note", "highlight")
CHAPTER_TOPIC = 0.5  # a summary's topic no note holds is a chapter's whose title holds this share of it
# The episode's own facts answer questions that ask for one of them by name.
FACT_STEMS = {stem(w) for w in ("host", "guest", "guests", "released", "release", "date", "number", "aired", "link",
                                 "links", "url", "transcript")}
FACT_BONUS = 0.1
LEAD_BONUS = 0.1  # for a passage that opens with what the question is about
# For a passage holding the question's words side by side as typed ('a tool or an adversary', 'education/learning'):
# times the share of the question's neighbouring word pairs (by weight) it holds so. Among passages holding
# the same words, the one saying the phrase is about it; the others hold its words apart.
PHRASE_BONUS = 0.1
DEFINITION_BONUS = 0.12  # for a passage that defines what a 'what is X?' question asks about
# For a passage holding a date (a year, a month) when the question asks when: rank only, so it
# never turns a decline into an answer. 0.1 changes nothing on tests/eval; 0.2 and 0.3 put the
# dated passage first for a typo'd 'when did ... start' whose words another passage holds.
WHEN_BONUS = 0.2
AMOUNT_BONUS = 0.15  # for a passage that holds an amount, when the question asks 'how much' or 'how many'
LIMIT_BONUS = 0.1  # for a passage that sets a limit ('no more than a month'), when the question asks one ('max')
# A question for a measure or a date ('how many', 'how long', 'when', 'what year'): only a passage that holds
# what is measured answers it, not one that says something else about the thing named (Query.asked).
_MEASURE_RE = re.compile(r"\b(?:how (?:many|much|long|old|big|large|tall|often|fast|far|soon)|when|(?:what|which) "
                         r"(?:year|month|date|day))\b", re.I)
# What a 'how many' counts: the word after it ('How many GPUs does Meta own?').
_COUNTED_RE = re.compile(r"\bhow many\s+([\w-]+)", re.I)
# A clause joined on ('... and how fast is it?'): what comes before it is asked too.
_JOINED_RE = re.compile(r"\w.*\band\s+$", re.I)
# Words of a question's form, not of what it asks (Query.asked): the measure's own ('how long', 'how old'),
# what any event does ('when will AGI arrive', 'when did R1 come out': the time of the thing named is asked)
# and the calendar's units ('what year': a passage answers with a date, not the word), money ('how much
# money': with a sum), and a comparison's ('how fast is X compared to Y': X's speed answers).
_EVENT_STEMS = frozenset({"happen", "occur", "go", "come"})  # what any event does ('what happened with X')
_FORM_STEMS = _EVENT_STEMS | frozenset({"long", "old", "big", "larg", "tall", "often", "fast", "far", "soon",
                                        "arriv", "start", "begin", "becom", "appear", "get",
                                        "year", "month", "date", "day", "money", "compar"})
# A question for what something is called: the passage naming the thing answers, without the word
# 'title' or 'called' ('What is the title of Nathan's book?', 'What's Sebastian's first book called?'), when
# it gives a name beside what the question says of it (Query.name_of).
_THE_NAME_OF = r"\bthe (?:title|name)s? of\b"
_NAME_ASKED_RE = re.compile(_THE_NAME_OF + r"|\b(?:is|was|are|were)\s+(?:(?:it|this|that|they)\s+)?"
                            r"(?:called|named|titled)\b|\bcalled(?=\s*[?.!]*\s*$)", re.I)
# The chat and stop words a typo may have meant (_chat_typo): long enough that one edit still says which.
_CHAT_WORDS = sorted(w for w in STOPWORDS | CHAT_FILLER if len(w) >= 5)
COMPLETIONS = 64  # the indexed words a word cut short may complete to that are looked at (_completion)
RUN_TOGETHER = 4  # the fewest letters of each of two words typed without a space between (_run_together)
# 'What is the knowledge cutoff for X?', 'What license is X released under?', 'which publisher is putting out
# X' (its verb may be left out): what is asked of the thing named (_attribute).
_WHAT_OR_WHICH = r"(?:what|(?P<which>which))(?:'s|’s|s|\s+is|\s+was|\s+are|\s+were)"  # 'what is', 'which was'
_SO_OPENING = r"^\s*(?:(?:so|ok|okay|wait|and|but)[\s,]+)*"  # 'so what is ...', 'ok, which ...'
_ATTRIBUTE_RE = re.compile(_SO_OPENING + _WHAT_OR_WHICH +
                           r"?\s+(?:the\s+|a\s+|an\s+)?(?P<attr>(?:[a-z][\w-]*\s+){0,2}?[a-z][\w-]*)\s+"
                           r"(?:of|for|on|behind|does|did|do|is|was|are|were|has|had)\s+(?P<rest>.+)", re.I)
# 'Which foundry fabricates Google's TPUs?': a kind of thing asked by what it does to the thing named (not
# 'which closely guarded records': an adverb, then the thing).
_WHICH_DOES_RE = re.compile(_SO_OPENING + r"(?P<which>which)\s+(?P<attr>[a-z][\w-]*(?<!ly))\s+"
                            r"(?!(?:is|was|are|were|has|had|does|did|do)\b)[a-z]+(?:s|ed)\s+(?P<rest>.+)", re.I)
# Words of the form of such a question, not what it asks ('what share of', 'what kinds of', 'what's the view on',
# 'what's the downside of': a passage weighing it says so in its own words).
_ASKED_FORM_STEMS = frozenset(stem(w) for w in """kind kinds type types sort sorts piece pieces part parts bit share
percentage proportion fraction view views take takes consensus opinion opinions thought thoughts stance verdict
deal point idea gist role downside downsides upside upsides drawback drawbacks benefit benefits advantage
advantages catch""".split())
# 'What is Nvidia's market capitalization?': the same asked with a possessive.
_OWNED_RE = re.compile(r"^\s*" + _WHAT_OR_WHICH + r"\s+(?P<rest>.+?)(?:'s|’s|s')\s+"
                       r"(?P<attr>(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)(?:\s+(?:in|per|on|at)\s+[\w-]+)?\s*[?.!]*\s*$",
                       re.I)
# What a question says it is about ('a podcast about history'): a words answer must hold some of it (_topic).
_ABOUT_RE = re.compile(r"\babout\b(?!\s+\d)([^?.!]+)", re.I)  # not 'about 30 percent': roughly
# Not a 'when' of circumstance: 'When comparing coding helpers, what label ...?', 'when training a model, ...'.
_WHEN_RE = re.compile(r"\s*(?:when\b(?!\s+\w+ing\b)(?![^?]*,\s*(?:what|which|how|who|why|where)\b)|since when\b|"
                      r"(?:what|which) (?:year|month|date|day)\b)", re.I)
# 'how much did it cost', 'how many developers': an amount, not a year ('$5 million', '80%', '791 developers',
# '10K to 13K', 'five days').
_HOW_MUCH_RE = re.compile(r"\bhow (?:much|many)\b", re.I)
# 'how many developers were surveyed': a count, not a share or a sum ('791', 'five days'; not '80%', '$5 million').
_HOW_MANY_RE = re.compile(r"\bhow many\b", re.I)
_COUNT_RE = re.compile(r"(?<![\w.,$€£-])(?!(?:1[89]|20)\d\d\b)\d[\d,.]*[kmb]?(?![\w%])(?!\s?percent)|"
                       r"(?<=-)\d+[kmb](?![\w%])|"
                       r"\b(?:two|three|four|five|six|seven|eight|nine|ten|dozen|hundreds?|thousands|millions|"
                       r"billions)\b", re.I)
_AMOUNT_RE = re.compile(r"[$€£]\s?\d|\d\s?%|\b\d[\d,.]*\s?(?:[kmbx]\b|thousand|million|billion|trillion|percent)|"
                        r"(?<![\w.-])(?!(?:1[89]|20)\d\d\b)\d[\d,.]*\b|"
                        r"\b(?:two|three|four|five|six|seven|eight|nine|ten|dozen|hundreds?|thousands|millions|"
                        r"billions)\b", re.I)
_DATE_RE = re.compile(r"\b(?:1[89]|20)\d\d\b|\b(?:January|February|March|April|June|July|August|September|"
                      r"October|November|December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.? \d|"
                      r"\b(?:January|February|March|April|June|July|August|September|October|November|December)\b")
# A stretch of time ('five days', '10 years', 'a decade'): with a date, what answers 'when?'.
_SPAN_NUMBER = r"(?:\d[\d,.]*|a|an|one|two|three|four|five|six|seven|eight|nine|ten|few|couple of|several)"
_SPAN_RE = re.compile(r"\b" + _SPAN_NUMBER + r"[\s-]+(?:hours?|days?|weeks?|months?|years?|decades?)\b", re.I)
# 'When is X better than Y?', 'when should I ...': a 'when' asking in what case, not at what time.
_CONDITION_RE = re.compile(r"\b(?:better|worse|best|worth|should|useful|helpful|makes? sense|good idea)\b", re.I)
# A name and its version ('Gemini 3', 'GPT-2', 'Claude Opus 4.5'): the number says which one only beside
# that name ('3' of 'OLMo 3' is no answer about Gemini 3).
_VERSIONED_RE = re.compile(r"\b([a-z][a-z]+)[ -]?v?(\d+(?:\.\d+)?)(?![\w.]*\d)\b", re.I)
# A people's adjective starts no name of several capitalized words ('Chinese AI labs': _capitalized_runs).
_PEOPLES = frozenset("""us usa uk eu american americans chinese european western eastern japanese korean french
german british english indian russian canadian israeli taiwanese australian african asian global""".split())
# Stop words in capitals say a question is shouted; 'US' and 'IT' are acronyms as often (_capitals_say_nothing).
_SHOUTED_STOPWORDS = STOPWORDS - {"us", "it"}
# Two capitalized words in a row: the cheap test before _capitalized_runs reads a question word by word.
_TWO_CAPITALS_RE = re.compile(r"\b[A-Z][^\s]*\s+[\"“(]?[A-Z]")
# What follows a number that is an amount, not a version ('5 million', '72 hours', '30%').
_UNIT_AFTER_RE = re.compile(r"\s*(?:%|percent|thousand|million|billion|trillion|[kmb]\b|hours?|days?|weeks?|"
                            r"months?|years?|minutes?|seconds?|times|x\b|(?:giga|mega|kilo)?watts?|gw\b|mw\b|"
                            r"tokens|param(?:eter)?s|users|people|employees|dollars|bucks|gpus|chips|layers|steps)",
                            re.I)
# Words a note quotes ('no agency — "you still have to tell it what to do"'): see _quoted.
_QUOTED_RE = re.compile(r'"([^"]+)"|“([^”]+)”')
_YEAR_RE = re.compile(r"(?:1[89]|20)\d\d")  # a year: a date, not a name or a version
# 'Who founded X?', 'who invented X', 'who wrote X': the deed is what is asked of the thing named.
# 'Who wrote X?' is answered by a passage naming X's author in other words: 'X by Patrick McGee', 'its author'.
_WRITE = frozenset({"write"})
_AUTHORED_RE = re.compile(r"\b(?i:author)|\b(?:written |edited )?by (?:[A-Z][\w.'-]+ ){0,2}[A-Z][\w.'-]+")
# What a work is asked as ('what sf history book did they recommend'), and a text naming one by its title in quotes
# ("'The Season of the Witch' reveals ..."), which answers though it never says 'book'.
_WORKS = frozenset(stem(w) for w in "book books novel novels film films movie movies documentary paper papers essay "
                   "article album song".split())
_TITLE_RE = re.compile(r"""(?<![\w'’])['‘"“][A-Z][^'’"”\n]{1,80}?['’"”](?![\w'’])""")
# Of the irregular past forms (bot/text.py's IRREGULAR), only those whose deed a passage names when it answers
# ('X wrote Y'; not 'made', 'built' or 'led': 'OLMo 3 from AI2' says who made it).
_IRREGULAR_DEEDS = tuple(past for past, verb in IRREGULAR.items() if verb in ("write", "buy", "sell", "teach"))
_WHO_DID_RE = re.compile(r"\s*who\s+(?:(?:actually|really|originally|first|even)\s+)?"
                         r"(?!(?:is|was|are|were|does|did|do|has|have|had|will|would|can|could|should|"
                         r"said|says|say|thinks?|thought)\b)([a-z]+(?:ed|s)|" + "|".join(_IRREGULAR_DEEDS) + r")\b",
                         re.I)
# A short word that may be an acronym: 'gqa', 'MLA' (see SearchIndex._spelled_out).
_ACRONYM_RE = re.compile(r"(?<![\w-])[A-Za-z]{3,5}(?![\w-])")
# Chat words ending a question ('what does olmo stand for lol'): left off before its form is read.
_TRAILING_CHAT_RE = re.compile(r"(?:[\s,!?.]+(?:" + "|".join(sorted(CHAT_FILLER | {"again"})) + r"))+[\s!?.]*$", re.I)
# 'What does OLMo stand for?': its letters' words, which only a passage spelling it out gives.
_STANDS_FOR_RE = re.compile(r"\bstands? for\b", re.I)
# ... also where it is said ('what does atom stand for in lamberts project'), as _WHAT_IS_RE reads it.
# ... and "what's 'jagged' supposed to mean here".
_ASKS_MEANING_RE = re.compile(r"^\s*(?:(?:so|ok|okay|wait)[\s,]+)*what(?: (?:does|do) .+ |(?:'s|’s| is| are) .+ supposed to )"
                              r"(?:stands? for(?:\s+(?:in|from|of|on)\b[^?]*)?|mean(?: here| in this context)?)\s*\??$",
                              re.I)
_MEANING_FORM = frozenset({"stand", "stands", "mean", "supposed"})
_PARTICLES = frozenset("out up off in on over down through back away".split())  # 'burned out', 'look up'
_INFLECTED_RE = re.compile(r"(?:ing|ed|es|s|er|ers)$")  # 'cooking': an inflection of a word the model may know
_AND_RE = re.compile(r"\s+(?:and|&|\+)\s+|\s*[,/]\s*", re.I)  # 'ipos and acquisitions', 'nvidia / compute'
_NEXT_WORD_RE = re.compile(r"^\s*(\w+)")  # the word after a number ('5 milion'): see _named_versions
_OWNER_RE = re.compile(r"\b([a-z][a-z0-9-]+)(?:'s|’s)(?!\w)")  # "graphcore's": an owner, typed in lowercase
_CAMEL_RE = re.compile(r"\b[A-Za-z]*[a-z][A-Z][A-Za-z]*\b")  # a name typed with capitals inside: 'DeepSpeed'
_FOCUS_RE = re.compile(r"(?<!^)(?<![.?!] )\b(?:[A-Z][\w.-]*|[a-z]+[A-Z][\w.-]*|\w*\d\w*)")  # 'xAI' too
# 'What is X?' with X of at most three words: a request for a definition.
# 'grpo explained pls', 'explain rlvr', 'mla eli5': asked what it is (the term alone once chat words are left off).
_EXPLAIN_RE = re.compile(r"^\s*explain\b|\b(?:explained|eli5|explain like)\b", re.I)
_BARE_TERM_RE = re.compile(r"^(?:explain\s+(?:an? |the )?)?([^\s?]+(?: [^\s?]+){0,2}?)\s*\??$", re.I)
_WHAT_IS_RE = re.compile(r"^(?:what|who)(?:'s| is| are| was| were) (?:an? |the )?(\S+(?: \S+){0,2}?)\s*\??$|"
                         r"^what does (\S+(?: \S+){0,2}?) (?:mean|stand for(?:\s+(?:in|from|of|on)\b[^?]*)?|do)\s*\??$",
                         re.I)


@dataclass
class Hit:
    """A passage or quote found for a query, with its score."""

    item: Passage | Quote
    episode: Episode
    score: float
    coverage: float = 0.0
    excerpt: str | None = None  # the sentence of a long passage that matched
    meaning: float = 0.0  # cosine between the question's meaning vector and the item's
    soft: float = 0.0  # coverage with near words counted in part (soft_coverage); = coverage without a model
    match: str | None = "words"  # what carries the answer: "words", "meaning", "both"; None: neither
    holds_ask: bool = True  # holds some of what the question asks beyond the names it asks about (Query.asked)
    # Gives what the question asks for: a value of its kind (Query.value), someone asked who (Query.who); None
    # where not looked for (_gives)
    gives: bool | None = True


@dataclass
class Query:
    """A question split into the words that matter, typos corrected."""

    raw: str
    terms: list[str]  # surface words, corrected
    stems: list[str]
    weights: dict[str, float] = field(default_factory=dict)  # stem -> rarity weight
    corrected: dict[str, str] = field(default_factory=dict)
    prefixes: set[str] = field(default_factory=set)  # words typed short: match as prefixes
    vector: np.ndarray | None = None  # the question's meaning, once asked for (SearchIndex.query_vector)
    focus: set[str] = field(default_factory=set)  # names, acronyms, words with digits, as typed (lowercase)
    # The stems of what a question for a measure or date asks of the names in it ('parameters' in 'How many
    # parameters does GPT-2 have?'): its words that are neither those names nor a speaker's; empty for any
    # other question, and when there is no such split (no names, or nothing but names).
    asked: frozenset[str] = frozenset()
    # For a question for a measure or date of the names alone, nothing else asked ('How old is Jensen Huang?'):
    # "amount" or "date", what a passage must hold to answer it; "" for any other question.
    measure: str = ""
    # For any question opening with a measure or a date: the kind of value a passage must give to answer it
    # (_value_asked and parse: "count", "date", "past", "amount", "money", "share", "span", "rate"; "" for any
    # other), the numbers the question gives itself, which are no answer ('How many layers does OLMo 3 have?'
    # is not answered by the '3' of 'OLMo 3'), and the stem of what 'how many' counts ('gpu'), beside which a
    # passage naming it counts, or of what a price is per ('hour'), which a passage must name.
    value: str = ""
    given: frozenset[str] = frozenset()
    counted: str = ""
    # The words of a question asking who ('Who wrote X?', 'which judge ruled on X?'), lowercase: a passage answers
    # it only by naming someone the question doesn't (_names_someone) or by saying what was done (`deed`); None
    # for any other question.
    who: frozenset[str] | None = None
    deed: str = ""  # the stem of what a question asking who says was done ('audit' of 'who audited X?')
    # For 'which lab ...', 'which long-context benchmark ...': the stems of the kind of thing asked (its plural's
    # too, 'axis' and 'axes'), which a name answers without the word (_attribute); a passage must hold the word
    # or name something the question doesn't (_names_someone). Empty for any other question.
    which: tuple[str, ...] = ()
    # The stems of the names of a measure question typed without capitals, known by how the episodes write
    # them ('anthropic': SearchIndex._written_as_names); they split what is asked as `focus` does.
    written_names: frozenset[str] = frozenset()
    # Each name-and-version of the question ('gemini 3'): what finds the two together in an item's text,
    # and the version's stems, which count only where they stand together (Query.unversioned).
    versions: tuple[tuple[re.Pattern[str], frozenset[str]], ...] = ()
    # True when `asked` is what the question asks of a thing it names ('the license of OLMo 3': _attribute):
    # a words answer must hold it; one carried by meaning too, unless it is close in meaning (ATTRIBUTE_MEANING),
    # which may say it in other words ('what window did they predict': '2027-2028').
    attribute: bool = False
    # For a question asking a name ("what's the name of Nathan's podcast", 'what is the section called') or a
    # place ('where is X based'): the stems a name must stand beside in a passage (its words but the names it
    # gives itself: _names_beside); None for any other question.
    name_of: frozenset[str] | None = None
    # True when the question asks the moment in the episode ('timestamp?', 'when does lex first bring up X'): an
    # answer with a time is shown before one as near without (an overview line).
    moment: bool = False
    # The versions and capitalized names of `versions` that no episode gives ('llama 3', 'chatgpt plus').
    unknown: tuple[str, ...] = ()
    strangers: set[str] | None = None  # the focus words the index never mentions (SearchIndex.strangers)
    soft_terms: tuple[list[str], np.ndarray] | None = None  # (stems, their words' vectors): soft_coverage()
    language: str = "en"  # whose stemmer made the stems (bot/text.py searching()); meaning and typos: en only
    episodes: list[int] | None = None  # slots a catalogue-wide search picked by the words (catalogue_episodes)
    # slot -> the cosines of every item of the episode with `vector` (SearchIndex.cosines): the candidates
    # of a search come mostly from the episodes already compared by meaning, so each is compared once
    sims: dict[int, np.ndarray] = field(default_factory=dict)

    @cached_property
    def total(self) -> float:
        return sum(self.weights.values())  # weights are set once, in parse()

    @cached_property
    def needles(self) -> list[tuple[str, str, str, float]]:
        """Return what _covered_line looks for in a stem line, per stem: itself, as a word's start and
        end ("" for a stem too short to count inside a longer word), and its weight."""
        return [("\n" + s + "\n", "\n" + s if len(s) >= 4 else "", s + "\n", wt) for s, wt in self.weights.items()]

    @cached_property
    def form(self) -> str:
        """Return the question as typed without the chat words ending it ('what does olmo stand for lol'):
        what its form (_WHAT_IS_RE) is read from."""
        return _without_trailing_chat(self.raw)

    @cached_property
    def pairs(self) -> dict[tuple[str, str], float]:
        """Return the stems of the question's neighbouring search words, in order, each pair weighing as its
        lighter word: what a passage saying the phrase holds side by side (PHRASE_BONUS)."""
        typed = self.raw.lower()
        return {(a, b): min(self.weights.get(a, 0.0), self.weights.get(b, 0.0))
                for (x, a), (y, b) in itertools.pairwise((t, stem(t)) for t in self.terms)
                # a word joined by a hyphen ('post-training') is one, which the passages write so too
                if a != b and self.weights.get(a) and self.weights.get(b) and f"{x}-{y}" not in typed}

    @cached_property
    def pair_total(self) -> float:
        return sum(self.pairs.values())

    @cached_property
    def asked_share(self) -> float:
        """Return the share of the question's weight that `asked` holds (1.0 with no split)."""
        if self.measure:
            return 0.0  # all that is asked is the measure, which closeness in meaning can't vouch for
        if not self.asked or not self.total:
            return 1.0
        # Names weigh double here even where the question was typed without capitals (`written_names`).
        doubled = sum(wt for s, wt in self.weights.items() if s in self.written_names)
        return sum(wt for s, wt in self.weights.items() if s in self.asked) / (self.total + doubled)

    def apart(self, text: str, line: str) -> frozenset[str]:
        """Return the stems of `versions` an item holds where its text lacks them together: they don't count."""
        lost: frozenset[str] = frozenset()
        for together, needles in self._version_needles:
            held = frozenset(s for needle, s in needles if needle in line)
            if held and not together.search(text):  # the text is searched only when the line holds the stems
                lost |= held
        return lost

    def unversioned(self, text: str, line: str) -> float:
        """Return the weight of what an item holds of `versions` apart (see apart())."""
        return sum(self.weights.get(s, 0.0) for s in self.apart(text, line))

    @cached_property
    def typed_words(self) -> frozenset[str]:
        """Return the question's words as typed, lowercase: a name among them is no answer (_names_someone)."""
        return frozenset(words(self.raw.lower()))

    @cached_property
    def _version_needles(self) -> tuple[tuple[re.Pattern[str], tuple[tuple[str, str], ...]], ...]:
        """Return each version's pattern and, per stem it counts only beside, what a stem line holds and the stem."""
        return tuple((together, tuple(("\n" + s + "\n", s) for s in stems)) for together, stems in self.versions)

    def holds_ask(self, line: str, apart: frozenset[str] = frozenset()) -> bool:
        """Return True when a stem line (stem_line) holds some of what is asked (a word of `asked`, or part of
        one), not counting the stems it holds `apart` (a passage on GPT-5 holds no 'gpt' of 'about GPT-6')."""
        if not self.asked:
            return True
        for whole, start, end in self._asked_needles:
            if whole[1:-1] in apart:
                continue
            if whole in line or (start and (start in line or end in line)):
                return True
        return False

    @cached_property
    def _asked_needles(self) -> tuple[tuple[str, str, str], ...]:
        """Return the needles (see `needles`) of the stems in `asked`."""
        return tuple((whole, start, end) for whole, start, end, _ in self.needles if whole[1:-1] in self.asked)


def _in_language(method):
    """Search in the language of the episode asked about; the question's own when no episode is named."""

    @functools.wraps(method)
    def in_language(self, text, episode, *args, **kwargs):
        lang = getattr(episode, "language", None) if episode is not None else languages.detect(text)
        with searching(lang):
            return method(self, text, episode, *args, **kwargs)

    return in_language


class SearchIndex:
    """An FTS5 index over every passage and quote of a library."""

    def __init__(self, library: Library, model: StaticModel | None | bool = True,
                 previous: SearchIndex | None = None) -> None:
        """Index a library; `model` places passages by meaning (True: the configured one, None: words only).

        `previous`, the index serving the same store, lends what it worked out for the
        episodes both hold (word counts, meaning vectors read back): a reload after one
        new episode reads and sums no other episode's counts.
        """
        self.model = load_model() if model is True else (model or None)
        self._recent: LRU[int, tuple[np.ndarray, np.ndarray]] = LRU(VECTOR_EPISODES)  # slot_vectors()
        with paused_gc():
            self._build(library, previous)
            self._build_catalogue(previous if previous is not None and
                                  getattr(previous.library, "store", None) is getattr(library, "store", None) and
                                  previous.model is not None and self.model is not None and
                                  previous.model.digest == self.model.digest else None)

    def _build(self, library: Library, previous: SearchIndex | None = None) -> None:
        """Index every item, or find the rows in the library's store.

        An item's rowid is slot << SLOT_BITS | its place in the episode, so one
        episode's rows are one rowid range, whether built now or read back.
        """
        self.library = library
        store = getattr(library, "store", None)
        slots = getattr(library, "slots", None) or list(range(len(library.episodes)))
        self.slot_of: dict[int, int] = {id(e): slot for e, slot in zip(library.episodes, slots)}  # id(episode) -> slot
        self._live_slots = frozenset(self.slot_of.values())
        self._item_facts: dict[tuple[int, str], _ItemFacts] = {}  # (rowid, language) -> see _facts_of
        # (what was looked up, its words) -> the answer: a version or word pair some item holds (_known), words
        # the episodes write as a name (_written_as_name); bounded (_remembered)
        self._looked_up: dict[tuple[str, tuple[str, ...]], bool] = {}
        if previous is not None and getattr(previous.library, "store", None) is not store:
            previous = None
        if store is not None:  # the rows live in the cache file, shared with the next start
            self.db, self.lock = store.db, store.lock
            self.items: MemoryItems | StoredItems = StoredItems(library, store)
            indexed = store.indexed(slots)
            missing = [(e, slot) for e, slot in zip(library.episodes, slots) if slot not in indexed]
            for episode, slot in progress.track(missing, "indexing", total=len(missing)):
                # built by a load without on_built, or its rows dropped as damaged
                index_episode(store, library.full(episode), slot, None)
            counts = self._counts(store, slots, previous)
        else:
            self.db = sqlite3.connect(":memory:", check_same_thread=False)
            self.lock = threading.Lock()
            self.db.execute(FTS_SCHEMA.format(table="docs"))
            self.items = MemoryItems()
            counts = (Counter(), Counter())
            for episode, slot in progress.track(zip(library.episodes, slots), "indexing", total=len(slots)):
                base = slot_range(slot)[0]
                rows, df, surface, lines = _episode_rows(episode, base)
                for i, (item, line) in enumerate(zip([*episode.passages, *episode.quotes], lines)):
                    item._rowid, item._stems = base + i, line
                    self.items[base + i] = (episode, item)
                self.db.executemany(INSERT_ROWS.format(table="docs"), rows)
                counts[0].update(df)
                counts[1].update(surface)
        self.episode_bm25 = EpisodeBM25(self.db, self.lock)  # one episode's rows, by its own statistics
        self.df, vocab = counts  # stem -> number of items holding it; surface word -> the same
        self._slots_counted = list(slots)
        self.vocab_df = vocab
        # Each indexed word's stem: from the serving index or the store, stemming only new words.
        known = previous._stem_of if previous is not None else store.stems() if store is not None else {}
        new = [(w, stem(w)) for w in vocab if w not in known and len(w) >= 3 and not w.isdigit()]
        self._stem_of = {**known, **dict(new)} if new else known
        lend_stems(self._stem_of)  # each is stem(word) in English: the next episode built here asks again
        if store is not None:
            store.put_stems(new)
        # For typo correction: each stem and the surface word it is most often written as.
        self.surface: dict[str, str] = {}
        for w, _ in vocab.most_common():
            if len(w) >= 3 and not w.isdigit():
                self.surface.setdefault(self._stem_of[w], w)
        self.stems = list(self.surface)
        self.words = [w for w in vocab if len(w) >= 3 and not w.isdigit()]
        self.sorted_vocab = sorted(vocab)
        names = {name for e in library.episodes for name in [e.host, *e.guests, *library.facts(e).speakers] if name}
        self.people = {stem(w) for name in names for w in words(name)}
        # A first name cut to its first syllable is what members call them by: 'seb' is Sebastian.
        self.nicknames = _nicknames({words(name)[0] for name in names if words(name)}, self.vocab_df)
        self.n = max(1, len(self.items))
        self._build_meaning(library, slots, store, previous)

    @staticmethod
    def _counts(store, slots: list[int], previous: SearchIndex | None) -> tuple[Counter, Counter]:
        """Return the word counts of these slots summed: stored, or the serving index's adjusted, or summed."""
        totals = store.totals(slots)
        if totals is not None:
            return totals
        if previous is not None:  # a reload: add the new episodes' counts, take away the dropped ones'
            before, now = set(previous._slots_counted), set(slots)
            changed = store.stats((before - now) | (now - before))
            if len(changed) == len(before ^ now):
                df, vocab = Counter(previous.df), Counter(previous.vocab_df)
                for slot, (d, v) in changed.items():
                    if slot in now:
                        df.update(d)
                        vocab.update(v)
                    else:
                        df.subtract(d)
                        vocab.subtract(v)
                df, vocab = +df, +vocab  # words no episode holds any more are gone
                store.put_totals(slots, df, vocab)
                return df, vocab
        df, vocab = Counter(), Counter()
        for _, (d, v) in store.each_stats(slots):  # one episode's counts at a time: all at once is 0.2 MB each
            df.update(d)
            vocab.update(v)
        store.put_totals(slots, df, vocab)
        return df, vocab

    def _build_meaning(self, library: Library, slots: list[int], store, previous: SearchIndex | None = None) -> None:
        """Place every item and chapter by meaning: embed what the cache lacks and keep it there.

        Vectors the cache holds are read when a question first needs them, and the
        last VECTOR_EPISODES episodes' are kept (see slot_vectors).
        """
        # slot -> (items, chapters), unit rows, of a library without a store (with one: read back)
        self._vectors: dict[int, tuple[np.ndarray, np.ndarray]] = {}
        self._stored: dict[int, tuple[str, Episode]] = {}  # slot -> (text digest, episode): in the cache
        self._cache = VectorCache(store.db, store.lock) if store is not None and self.model is not None else None
        self.word_table = WordTable(self.model) if self.model is not None else None
        self._item_words: dict[int, tuple[int, np.ndarray]] = {}  # item rowid -> its words' rows in word_table
        if self.model is None:
            return
        identity = self._cache.identities(slots) if self._cache is not None else {}
        kept = self._cache.stored(self.model.digest) if self._cache is not None else {}
        for episode, slot in progress.track(zip(library.episodes, slots), "embedding", total=len(slots)):
            digest = identity.get(slot)
            if digest is not None and kept.get(slot) == digest:
                self._stored[slot] = (digest, episode)  # read when a question first needs it
                continue
            full = library.full(episode)
            texts = [_meaning_text(item) for item in [*full.passages, *full.quotes]]
            digest = digest or text_digest([*texts, "\0chapters", *(c.title for c in full.chapters)])
            vectors = self._embed_episode(full, texts)
            if self._cache is not None:
                self._cache.put(slot, self.model.digest, digest, *vectors)
                self._stored[slot] = (digest, episode)
            else:  # at the precision the cache keeps (float16): the same answers with a cache and without
                self._vectors[slot] = (_as_cached(vectors[0]), _as_cached(vectors[1]))

    def vector_slots(self) -> list[int]:
        """Return the slots whose items have meaning vectors."""
        return [*self._vectors, *(s for s in self._stored if s not in self._vectors)]

    def slot_vectors(self, slot: int) -> tuple[np.ndarray, np.ndarray] | None:
        """Return a slot's (item vectors, chapter vectors), reading them from the cache on first use."""
        kept = self._vectors.get(slot)
        if kept is None and (recent := self._recent.get(slot)) is not None:
            return recent
        if kept is None and slot in self._stored and self.model is not None:
            digest, episode = self._stored[slot]
            facts = self.library.facts(episode)
            kept = self._cache.get(slot, self.model.digest, digest, facts.passages + facts.quotes,
                                   len(episode.chapters)) if self._cache is not None else None
            if kept is None:  # gone or damaged since start-up: embed again
                full = self.library.full(episode)
                kept = self._embed_episode(full, [_meaning_text(i) for i in [*full.passages, *full.quotes]])
            # Kept among the few read last, not for good: a catalogue's vectors would fill the memory.
            self._recent.put(slot, kept)
        return kept

    # -- what picks the episodes a catalogue-wide search reads ----------------

    def _build_catalogue(self, previous: SearchIndex | None = None) -> None:
        """Keep which episodes hold which words, and each episode's guide vectors (see catalogue_episodes).

        `previous`, an index of the same store and model, lends the guide vectors of the episodes both hold.
        """
        slots = [self.slot_of[id(e)] for e in self.library.episodes]
        store = getattr(self.library, "store", None)
        self.episode_terms = EpisodeTerms(self.db, self.lock)
        keys = self._episode_keys(slots) if store is not None else {}
        keys = {slot: keys.get(slot, "memory") for slot in slots}
        filled = self.episode_terms.filled(keys) if store is not None else set()
        missing = [(e, s) for e, s in zip(self.library.episodes, slots) if s not in filled]
        if missing:
            # A few episodes at a time: every episode's word counts at once would hold 0.2 MB each.
            for i in range(0, len(missing), 50):
                part = missing[i:i + 50]
                stats = store.stats([s for _, s in part]) if store is not None else {}
                self.episode_terms.put({slot: (keys[slot], stats[slot][0] if slot in stats else
                                               self._episode_df(e, slot)) for e, slot in part})
                del stats
            if store is not None:
                self.episode_terms.forget_others(slots)
        self._build_guides(slots, previous)

    def _episode_keys(self, slots: list[int]) -> dict[int, str]:
        """Return {slot: the store's key of the episode}: what a slot's per-episode rows are valid for."""
        try:
            with self.lock:
                keys = dict(self.db.execute("SELECT slot, key FROM episodes"))
        except sqlite3.OperationalError:
            return {}
        return {slot: keys[slot] for slot in slots if slot in keys}

    def _episode_df(self, episode: Episode, slot: int) -> Counter[str]:
        """Return how many of an episode's items hold each stem (from their stem lines when kept)."""
        items = [*episode.passages, *episode.quotes]
        lines = [item._stems for item in items]
        if any(line is None for line in lines):
            return _episode_rows(episode, slot_range(slot)[0])[1]
        return Counter(s for line in lines for s in line.split("\n") if s)

    def _build_guides(self, slots: list[int], previous: SearchIndex | None = None) -> None:
        """Stack every episode's guide vectors (bot/episode_guides.py), computing those the cache lacks.

        The serving index's rows of an unchanged episode are taken as they are: a reload
        reads only the new episodes' rows (every episode's is a few MB at 2,500 episodes).
        """
        self._guides: np.ndarray | None = None
        self._guide_slots: list[int] = []
        self._guide_starts: np.ndarray | None = None
        self._guide_digests: dict[int, str] = {}  # slot -> the digest its rows were stored under
        if self.model is None:
            return
        import numpy as np

        digests = self._cache.stored(self.model.digest) if self._cache is not None else {}
        lent = previous._guide_rows() if previous is not None else {}
        wanted = {slot: f"{digests[slot]}|{GUIDES}" if slot in digests else None for slot in slots}
        lent = {slot: rows for slot, (digest, rows) in lent.items() if wanted.get(slot) == digest}
        cache = EpisodeGuides(self._cache.db, self._cache.lock) if self._cache is not None else None
        kept = cache.stored(self.model.digest, [s for s in slots if s not in lent] if lent else None) \
            if cache is not None else {}
        fresh: dict[int, tuple[str, np.ndarray]] = {}
        parts, owners = [], []
        for slot in slots:
            digest = wanted[slot]  # how many a stored row may hold is part of it
            if slot in lent:
                rows = lent[slot]
            elif digest is not None and slot in kept and kept[slot][0] == digest:
                rows = kept[slot][1]
            else:
                vectors = self.slot_vectors(slot)
                if vectors is None:
                    continue
                rows = guides(*vectors)
                if digest is not None:  # stored: served at the precision the cache keeps, as after a restart
                    rows = _as_cached(rows)
                    fresh[slot] = (digest, rows)
            if len(rows):
                parts.append(rows)
                owners.append(slot)
                if digest is not None:
                    self._guide_digests[slot] = digest
        if cache is not None:
            cache.put(self.model.digest, fresh)
        if parts:
            self._guides = np.vstack(parts)
            self._guide_slots = owners
            self._guide_starts = np.cumsum([0, *(len(p) for p in parts[:-1])])

    def _guide_rows(self) -> dict[int, tuple[str, np.ndarray]]:
        """Return {slot: (digest, its guide vectors)} of the episodes whose rows came from or went to the cache."""
        if self._guides is None or self._guide_starts is None:
            return {}
        ends = [*self._guide_starts[1:].tolist(), len(self._guides)]
        return {slot: (self._guide_digests[slot], self._guides[start:end])
                for slot, start, end in zip(self._guide_slots, self._guide_starts.tolist(), ends)
                if slot in self._guide_digests}

    def catalogue_episodes(self, q: Query, terms: list[str], limit: int = CATALOGUE_EPISODES
                           ) -> list[tuple[int, float]]:
        """Return (slot, bound beside the best's) of the episodes most about the question's words, best first.

        An episode's bound is the share of the words' weight it holds anywhere: no
        item of it can cover more. Episodes are ranked by that bound, then by how
        often they hold the words (each word's count saturating), so an episode
        holding a rare word the others lack always comes before them.
        """
        stems = {stem(t): t in q.prefixes for t in terms}
        held = self.episode_terms.holders([s for s, p in stems.items() if not p], [s for s, p in stems.items() if p])
        live = self._live_slots
        bound: dict[int, float] = {}
        often: dict[int, float] = {}
        for s, by_slot in held.items():
            w = q.weights.get(s, 0.0) or 1.0
            for slot, n in by_slot.items():
                if slot in live:
                    bound[slot] = bound.get(slot, 0) + w
                    often[slot] = often.get(slot, 0) + w * n / (n + 2.0)
        # The first `limit` of them all sorted (a common word is held by every episode: no need to sort them all).
        ranked = heapq.nlargest(limit, bound, key=lambda slot: (round(bound[slot], 6), often[slot], -slot))
        best = bound[ranked[0]] if ranked else 1.0
        return [(slot, bound[slot] / best) for slot in ranked]

    def meaning_episodes(self, q: Query, limit: int = MEANING_EPISODES) -> list[int]:
        """Return the slots of the episodes whose chapters (or centroid) are closest to the question's meaning."""
        if self._guides is None or q.vector is None:
            return []
        import numpy as np

        # einsum, not @: OpenBLAS splits a product this size over threads, which on a busy machine
        # wait for each other (16 ms for 500 episodes' 4,000 rows, against 0.2 ms in one thread).
        best = np.maximum.reduceat(np.einsum("ij,j->i", self._guides, q.vector), self._guide_starts)
        top = np.argsort(-best)[:limit] if len(best) > limit else np.argsort(-best)
        return [self._guide_slots[int(i)] for i in top]

    def _embed_episode(self, episode: Episode, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """Return an episode's item vectors and chapter vectors (see _embed)."""
        assert self.model is not None
        return _embed(self.model, episode, texts)

    # -- queries --------------------------------------------------------------

    def parse(self, text: str) -> Query:
        """Split a question into weighted stems, correcting words the index lacks.

        Names, acronyms and words with digits (RLHF, Qwen, gpt-5) say what a
        question is about, so they weigh double.
        """
        terms, corrected = [], {}
        moment = _asks_the_moment(text)
        text = normalize_query(strip_mentions(text))
        asks_name = bool(_NAME_OF_RE.search(_without_trailing_chat(text)) or _PLACE_ASKED_RE.match(text))
        text = _NAME_ASKED_RE.sub(" ", text)  # 'the title of Nathan's book': the book's passage says it
        # Names: capitalized words, acronyms and words with digits; in a question whose capitals say
        # nothing, only the last (its names are then found as in one typed without capitals, below).
        language = search_language()
        plain = language == "en" and _capitals_say_nothing(text)  # German writes every noun with a capital
        # Names of several capitalized words, read once: in English only (German writes every noun so).
        runs = _capitalized_runs(text) if language == "en" and not plain else []
        text, runs = self._as_acronyms(text, runs)
        if language == "en":
            text = self._spelled_out(text)
        focus = {w.lower() for w in _FOCUS_RE.findall(text) if not plain or any(c.isdigit() for c in w)}
        camel = {w.lower() for w in _CAMEL_RE.findall(text)}
        # Typed in lowercase, a name still owns things ("graphcore's ipu chips"): one no dictionary and no episode
        # knows is a name the episodes never mention (SearchIndex.strangers), unless it is a slip of one they do.
        owners = {w.lower() for w in _OWNER_RE.findall(text)} - focus
        prefixes = set()
        for w in dict.fromkeys(query_words(text)):
            nickname = self.nicknames.get(w) or (w[-1:] == "s" and self.nicknames.get(w[:-1]))
            if nickname:  # 'seb's take', 'sebs setup': Sebastian's
                terms.append(nickname)
                continue
            # Typo correction knows English only: another language's words are taken as typed.
            # ('befor' shares its stem with 'before', a stop word: a typo of it, not a known word)
            if len(w) == 3 and language == "en" and w not in self.vocab_df and (doubled := self._undoubled(w)):
                corrected[w] = doubled  # 'tel it what to do': 'tell', a doubled letter typed once
                terms.append(doubled)
                continue
            if w in self.vocab_df or (stem(w) in self.df and not _chat_typo(w)) or len(w) < 4 or w.isdigit() \
                    or language != "en":
                terms.append(w)
                continue
            if self._starts_a_word(w):  # 'intro' for 'introduction': a word cut short
                whole = self._completion(w)
                if whole in STOPWORDS or whole in CHAT_FILLER:
                    continue  # 'befor' is 'before': not a search word
                if w.startswith(stem(whole)):  # 'learnin' is 'learning' (stem 'learn') with its end left off
                    corrected[w] = whole
                    terms.append(whole)
                else:
                    prefixes.add(w)
                    terms.append(w)
                continue
            known = self.model is not None and (self.model.knows(w) or (
                _INFLECTED_RE.search(w) and self.model.knows(stem(w)))) and is_english(w)
            if known or is_common_english(w) or (w in focus and is_english(w)):
                # A real word or name the index lacks ('paris'; 'cooking', whose stem 'cook' the model's
                # vocabulary holds whole): not a typo of 'pairs' or 'looking'. Only an inflection's stem says
                # so: 'comunity' (stem 'comun', a Spanish word to the model) is 'community'. The English word
                # list must hold it too: the model's vocabulary also holds pieces and other languages' words
                # ('agnet' is 'agent', 'projekt' 'project'). A common English word is real on its own ('juggle',
                # 'foundry', which the model lacks).
                fix = self._beside_a_neighbour(w, text, corrected)  # ...unless a letter off a phrase: 'white hose'
                if fix:
                    corrected[w] = fix
                terms.append(fix or w)
                continue
            fix = self._correct(w)
            if not fix and w in owners and not is_english(w):
                focus.add(w)
            if fix and (w in camel or w in focus) and OSA.distance(w, fix) > 1:
                # A name as typed, capitals and all, is one slip from the episode's at most: 'DeepSeer' is
                # DeepSeek, 'DeepSpeed' and 'Apertium' (not 'Apertus') are names of their own.
                fix = None
            # Right after a first name, a surname: 'nathan lambret' is Lambert, 'nathan fillion' no 'million'.
            if fix and stem(fix) not in self.people and _after_a_name(text, w, self.people):
                fix = None
            if fix in STOPWORDS or fix in CHAT_FILLER or (_chat_typo(w) and (not fix or OSA.distance(w, fix) > 1)):
                continue  # 'actualy' meant 'actually', 'exaclty' 'exactly', 'acording' 'according' (not 'coding')
            if fix:
                corrected[w] = fix
                terms.append(fix)
            elif (apart := self._run_together(w)) is not None:  # 'textdiffusion': 'text diffusion'
                corrected[w] = " ".join(apart)
                terms.extend(apart)
            elif len(w) >= 4 and is_english(w) and w not in focus and w not in camel and (english := common_slip(w)):
                # A slip of a common word no episode writes as such ('rase': 'raise', held in 'fundraise').
                if english in STOPWORDS or english in CHAT_FILLER:
                    continue
                corrected[w] = english
                terms.append(english)
            else:
                terms.append(w)
        terms = self._compounds(text, terms)
        measured = _MEASURE_RE.search(text)
        if measured and _JOINED_RE.search(text, 0, measured.start()):
            # 'what is gemini diffusion and how fast is it': the measure is not all it asks, and the word
            # of its form ('fast') no search word (the passage on Gemini Diffusion speaks of its speed).
            form = stem(words(measured.group())[-1])
            terms = [t for t in terms if form not in _FORM_STEMS or stem(t) != form]
            measured = None
        if _ASKS_MEANING_RE.search(_without_trailing_chat(text)):
            terms = [t for t in terms if t not in _MEANING_FORM]  # 'what does rlvr stand for': 'stand' asks
        stems = list(dict.fromkeys(stem(t) for t in terms))
        focus_stems = {stem(corrected.get(w, w)) for w in focus}
        guessed = {stem(fix) for fix in corrected.values()}
        named = {stem(part) for w in focus for part in words(corrected.get(w, w))} | focus_stems
        choice = _CHOICE_RE.search(text) is not None  # 'who ..., nathan or sebastian': either named answers
        written, agent = frozenset(), None if choice else _WHO_DID_RE.match(text)
        if (measured or agent) and (plain or text == text.lower()) and language == "en":  # names as written
            written = frozenset(stem(w) for w in self._written_as_names(terms))
            named |= written
        asked = frozenset(s for s in stems if s not in named and s not in self.people and s not in _FORM_STEMS)
        if measured and (counted := _COUNTED_RE.search(text)):
            # 'How many GPUs does Meta own?': what is counted is asked, a name or not (a passage counting
            # Meta's open models is no answer).
            counts = {stem(corrected.get(w, w)) for w in words(counted.group(1))} & set(stems)
            if len(asked | counts) < len(stems):  # not the whole question: then nothing splits it
                asked |= counts
        value = _value_asked(text)
        counted = _counted(text, corrected) if value == "count" else ""
        if counted in _TIME_UNITS:
            value = "span"  # 'how many days did the run take': a number of days, not any count
        elif value == "money" and (rate := _RATE_RE.search(text)):
            value, counted = "rate", stem(rate.group(1).lower())  # '$2 million in GPU rental' is no price an hour
        elif value == "money":
            counted = _priced(text, corrected)
        asks_who = _ASKS_WHO_RE.match(text)
        deed = ""
        if asks_who and (choice or _WHAT_IS_RE.match(_without_trailing_chat(text)[asks_who.start(1):])):
            # ... or asks who someone named is ('who is sebastian raschka'): a passage on them answers
            asks_who = None
        elif asks_who and (done := _NEXT_WORD_RE.match(text[asks_who.end():])):
            verb = done.group(1).lower()
            deed = "" if verb in _AUXILIARIES else stem(corrected.get(verb, verb))
        if not named:
            measured = None
        weights = {}
        for s in stems:
            # A speaker's name says who, not what: "what did Lex say about X" is about X.
            # A year is a date, not a name: 'the 2024 election' is not answered by a passage holding 2024.
            factor = 0.5 if s in self.people else 2.0 if s in focus_stems and not _YEAR_RE.fullmatch(s) else 1.0
            if s in guessed:
                factor *= CORRECTED_WEIGHT  # a guess at what was meant counts for less than a word typed
            weights[s] = self.idf(s) * factor
        attribute, which = frozenset(), ""
        if agent and named and not measured:
            # 'Who founded the Allen Institute?': a passage naming the institute and not its founding says
            # nothing of who did (only the deed is asked: the rest of the question names the thing).
            asked = frozenset({stem(corrected.get(agent.group(1).lower(), agent.group(1).lower()))} & set(stems))
        elif not measured:
            asked = _topic(text, corrected, stems)
            if not asked:
                attribute, which = _attribute(text, corrected, stems, named, self._holds_word, self._written)
                asked = attribute
        versions, unknown = self._together(text, set(stems), runs, corrected)
        name_of = None
        if asks_name:
            name_of = frozenset(s for s in stems if s not in named and s not in self.people)
        return Query(raw=text, terms=terms, stems=stems, weights=weights, corrected=corrected, name_of=name_of,
                     prefixes=prefixes, focus=focus, language=language,
                     asked=asked if (measured or asked) and len(asked) < len(stems) else frozenset(),
                     measure=_measure(measured.group()) if measured and stems and not asked else "",
                     written_names=written, versions=versions, unknown=unknown, attribute=bool(attribute),
                     who=frozenset(words(text.lower())) if asks_who else None, deed=deed, moment=moment,
                     which=_kind_stems(which),
                     value=value, counted=counted,
                     given=frozenset(_NUMBER_RE.findall(text.replace(",", ""))) if value else frozenset())

    def strangers(self, q: Query) -> set[str]:
        """Return the names a question asks about that the index never mentions (worked out once).

        A name the episodes never mention ('Sora', 'AlphaFold', 'Character.AI' as a phrase)
        can't be said in other words: a question about it is not answered by meaning alone.
        """
        if q.strangers is None:
            found = {w for w in q.focus if w in q.terms and not self._holds_word(w) and w not in q.prefixes
                     and not w.isdigit() and not (is_common_english(w) and not _in_a_name(w, q.raw))}
            found |= {name for name in q.focus if len(words(name)) > 1 and not self._mentions(words(name))
                      and not self._describes_with(name, q.raw)}
            # So are a version of a name the episodes never give ('Llama 3' where they speak of Llama 4)
            # and a name of capitalized words they never write together ('ChatGPT Plus'): see _together.
            found |= set(q.unknown)
            # So is a word a 'what is X?' question asks to define that no episode says ('quantization'):
            # a passage near it in meaning defines something else.
            found |= {w for w in _defined(q) if w in q.terms and not self._holds_word(w) and w not in q.prefixes
                      and not w.isdigit()}
            q.strangers = found
        return q.strangers

    def _describes_with(self, name: str, text: str) -> bool:
        """Return True when a hyphenated word of a question joins a name to an ordinary word ('AI-written',
        'DeepSeek-level'): it describes with the name, of words the episodes hold, rather than naming a thing
        of its own ('SWE-bench', whose words no episode holds)."""
        typed = re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.I)
        return (typed is not None and "-" in name and typed.group().rsplit("-", 1)[1].islower()
                and all(map(self._holds_word, words(name))))

    def _names_the_unheard(self, q: Query) -> bool:
        """Return True when a name the question asks about has a word no episode holds ('SWE-bench').

        Not a stranger of known words: 'DeepSeek-level' or 'ChatGPT Plus' is asked of with its words
        counted only together (see _together), and 'GPT-6' with GPT only beside its version.
        """
        return any(not all(map(self._holds_word, words(name))) for name in self.strangers(q))

    def _together(self, text: str, stems: set[str], runs: list[tuple[str, ...]], corrected: dict[str, str]
                  ) -> tuple[tuple[tuple[re.Pattern[str], frozenset[str]], ...], tuple[str, ...]]:
        """Return what of a question counts only where an item holds it together (Query.versions), and the
        names of it no episode gives (Query.unknown).

        A version's number counts only beside its name ('3' of 'Gemini 3'); a version the episodes
        never give ('GPT-6') takes its name along (a passage on GPT-5 holds 'gpt', not GPT-6); and so
        do the words of a capitalized name (`runs`: _capitalized_runs) the episodes never write together
        ('ChatGPT Plus').
        """
        found, unknown = [], []
        for name, number in _named_versions(text, stems, corrected):
            counted = frozenset(stem(p) for p in number.split(".")) & stems
            if not self._gives_version(name, number):
                counted |= {stem(name)} & stems
                unknown.append(f"{name} {number}")
            found.append((_beside(name, number), counted))
        for run in runs:
            run = tuple(corrected.get(token.lower(), token) for token in run)  # 'White Hose': 'White house'
            if not self._gives_phrase(run):
                counted = frozenset(stem(w) for token in run for w in words(token)) & stems
                together = rf"\W+(?:\w+\W+){{0,{PHRASE_GAP}}}".join(map(re.escape, run))  # see _gives_phrase
                found.append((re.compile(rf"\b{together}\b", re.I), counted))
                unknown.append(" ".join(run).lower())
        return tuple(found), tuple(unknown)

    def _as_acronyms(self, text: str, runs: list[tuple[str, ...]]) -> tuple[str, list[tuple[str, ...]]]:
        """Return a question with a name the episodes give only by its initials written so ('the National
        Science Foundation' where they say 'NSF'), and the capitalized names (`runs`) left as they were."""
        kept = []
        for run in runs:
            initials = "".join(w[0] for token in run for w in words(token)[:1])
            # Not a name with a version ('DeepSeek R2' is no 'DR'): initials stand for words only. Two initials
            # stand for two common words ('Computer Science': CS), not a person's name ('Claude Shannon').
            if len(initials) >= 2 and initials in self.vocab_df and not any(map(str.isdigit, "".join(run))) \
                    and not self._gives_phrase(run) and (len(initials) > 2 or all(
                        english_count(w) >= INITIALS_WORD for token in run for w in words(token)[:1])):
                text = re.sub(r"\W+".join(map(re.escape, run)), initials.upper(), text)
            else:
                kept.append(run)
        return text, kept

    def _spelled_out(self, text: str) -> str:
        """Return a question with an acronym the episodes never say, only spell out, written as they do ('what's
        gqa': 'group query attention'; 'MLA': 'multi-head latent attention')."""
        for typed in dict.fromkeys(_ACRONYM_RE.findall(text)):
            word = typed.lower()
            if self._holds_word(word) or word in STOPWORDS or word in CHAT_FILLER or word in ABBREVIATIONS:
                continue
            if typed.islower() and is_common_english(word):
                continue  # 'a fixed bar' is a bar, not the 'build a reasoning' of an episode's book title
            whole = self._spellings.get(word)
            if whole is None:
                whole = self._spellings.put(word, self._spelling_of(word))
            if whole:
                text = re.sub(rf"\b{re.escape(typed)}\b", whole, text)
        return text

    @cached_property
    def _spellings(self) -> LRU[str, str]:
        return LRU(CORRECTIONS_KEPT)  # acronym -> its words as the episodes write them, "" for none

    def _spelling_of(self, acronym: str) -> str:
        """Work out _spelled_out's words for one acronym: words of the index starting with its letters in turn
        (a hyphenated word is one), written so in ACRONYM_SEEN items or once with capitals ('Group Query
        Attention'), neither end a stopword: not any words that happen to start so ('many large apps')."""
        near = "NEAR(" + " ".join(f'"{c}"*' for c in acronym) + f", {len(acronym)})"
        try:
            with self.lock:
                rows = self.db.execute("SELECT text FROM docs WHERE docs MATCH ? LIMIT ?",
                                       (f"{{text title}}: ({near})", ACRONYM_ROWS)).fetchall()
        except sqlite3.OperationalError:
            return ""
        pattern = re.compile(r"\b" + r"\s+".join(rf"({c}[\w'-]*)" for c in acronym) + r"\b", re.I)
        seen: dict[str, set[int]] = {}
        capitalized = set()
        for row, (found_text,) in enumerate(rows):
            for m in pattern.finditer(found_text or ""):
                said = m.groups()
                if said[0].lower() in STOPWORDS or said[-1].lower() in STOPWORDS:
                    continue
                phrase = " ".join(said).lower()
                seen.setdefault(phrase, set()).add(row)
                if all(w[0].isupper() for w in said):
                    capitalized.add(phrase)
        kept = [p for p, rows_of in seen.items() if len(rows_of) >= ACRONYM_SEEN or p in capitalized]
        return max(kept, key=lambda p: len(seen[p])) if kept else ""

    def _gives_version(self, name: str, number: str) -> bool:
        """Return True when some item holds this version of the name ('Qwen 3', also 'Qwen3', 'DeepSeek V3')."""
        first, *rest = number.split(".")
        return self._known((name, number), [name, first, *rest], [name + first, *rest], [name, "v" + first, *rest])

    def _gives_phrase(self, run: tuple[str, ...]) -> bool:
        """Return True when some item holds two of these capitalized words together, PHRASE_GAP words apart
        at most: 'White House AI Action Plan' is the episodes' though they write 'White House 2025 AI Action
        Plan', and so are "Cursor's Composer" and 'Tulu 3 paper'."""
        return any(self._known((a, b), words(a) + words(b), near=PHRASE_GAP) for a, b in zip(run, run[1:]))

    def _known(self, key: tuple[str, ...], *spellings: list[str], near: int = 0) -> bool:
        """Return _mentions(*spellings, near=near), remembered under `key` (_remembered)."""
        return self._remembered(("known", key), lambda: self._mentions(*spellings, near=near))

    def _remembered(self, key: tuple[str, tuple[str, ...]], look_up: Callable[[], bool]) -> bool:
        """Return look_up(), worked out once for the index's life (a table of ITEM_WORDS answers at most)."""
        known = self._looked_up.get(key)
        if known is None:
            if len(self._looked_up) >= ITEM_WORDS:
                self._looked_up.clear()
            known = self._looked_up[key] = look_up()
        return known

    def _written_as_names(self, terms: list[str]) -> set[str]:
        """Return the words of a question typed without capitals that the episodes write as names.

        'anthropic' is 'Anthropic' wherever a passage says it: in 'how many employees does
        anthropic have', it is the name asked about. Read from a few of the passages holding
        each word, its capitals mid-sentence counted (a sentence's first word says nothing).
        """
        found = {w for w in terms if len(w) >= 3 and w.isalpha() and self._written_as_name((w,))}
        # The rest of a name of two words: 'face' of 'hugging face', 'code' of 'claude code'.
        for a, b in zip(terms, terms[1:]):
            if (a in found) != (b in found) and self._written_as_name((a, b)):
                found |= {a, b}
        return found

    def _written_as_name(self, parts: tuple[str, ...]) -> bool:
        """Return True when the passages holding these words, one after the other, write them capitalized
        mid-sentence (see above); remembered (_remembered)."""
        return self._remembered(("name", parts), lambda: self._read_as_name(parts))

    def _read_as_name(self, parts: tuple[str, ...]) -> bool:
        """Work out _written_as_name's answer from NAME_SAMPLE of the passages holding the words."""
        try:
            with self.lock:
                rows = self.db.execute("SELECT coalesce(text, '') || ' . ' || coalesce(title, '') FROM docs "
                                       "WHERE docs MATCH ? LIMIT ?",
                                       ('{text title}: "' + " ".join(parts) + '"', NAME_SAMPLE)).fetchall()
        except sqlite3.OperationalError:
            return False
        phrase = r"\W+".join(rf"({re.escape(p)})" for p in parts)
        said = [all(g[0].isupper() for g in m.groups()) for (text,) in rows
                for m in re.finditer(rf"(?<![.!?:] )(?<!^)\b{phrase}\b", text, re.I)]
        return bool(said) and sum(said) >= NAME_WRITTEN * len(said)

    def _mentions(self, *spellings: list[str], near: int = 0) -> bool:
        """Return True when the index holds one of these spellings' words as one phrase ('Character.AI':
        'character ai'), or with `near` words at most between each two ('Tulu 3 paper' for 'tulu paper')."""
        if near:
            phrases = " OR ".join("NEAR(" + " ".join(f'"{p}"' for p in parts if p.isalnum()) + f", {near})"
                                  for parts in spellings)
        else:
            phrases = " OR ".join('"' + " ".join(p for p in parts if p.isalnum()) + '"' for parts in spellings)
        try:
            with self.lock:
                return self.db.execute("SELECT 1 FROM docs WHERE docs MATCH ? LIMIT 1",
                                       (f"{{text title speaker}}: ({phrases})",)).fetchone() is not None
        except sqlite3.OperationalError:
            return True  # a phrase FTS5 can't read: say nothing against the question

    def _covers_nowhere(self, q: Query) -> bool:
        """Return True when no item of the index can hold DECLINE_BELOW of the question's weight.

        A bound from the index's vocabulary, as _covered_line counts: a stem some item
        holds counts whole; one none holds, 0.7 if some indexed stem starts or ends with it.
        """
        if not q.total:
            return True
        reach = 0.0
        for s, wt in q.weights.items():
            if s in self.df:
                reach += wt
            elif len(s) >= 4 and self._inside_longer(s):
                reach += 0.7 * wt
        return reach / q.total < DECLINE_BELOW

    @cached_property
    def _stem_ends(self) -> tuple[list[str], list[str]]:
        """Every indexed stem sorted, and each written backwards sorted: what starts and ends with a stem."""
        return sorted(self.df), sorted(s[::-1] for s in self.df)

    def _inside_longer(self, s: str) -> bool:
        """Return True when some indexed stem other than `s` starts or ends with it."""
        for keys, key in zip(self._stem_ends, (s, s[::-1])):
            i = bisect.bisect_right(keys, key)  # past `s` itself: the next key is longer if it starts with it
            if i < len(keys) and keys[i].startswith(key):
                return True
        return False

    def _completion(self, prefix: str) -> str:
        """Return the commonest indexed word that starts with a prefix _starts_a_word found (of the first 64)."""
        i = bisect.bisect_left(self.sorted_vocab, prefix)
        found = [w for w in self.sorted_vocab[i:i + COMPLETIONS] if w.startswith(prefix)]
        return max(found, key=lambda w: self.vocab_df.get(w, 0))

    def _run_together(self, word: str) -> tuple[str, str] | None:
        """Return the two indexed words a word typed without its space is made of ('textdiffusion'), or None."""
        splits = [(word[:i], word[i:]) for i in range(RUN_TOGETHER, len(word) - RUN_TOGETHER + 1)
                  if word[:i] in self.vocab_df and word[i:] in self.vocab_df]
        return max(splits, key=lambda ab: min(self.vocab_df[ab[0]], self.vocab_df[ab[1]])) if splits else None

    def _beside_a_neighbour(self, word: str, text: str, corrected: dict[str, str]) -> str | None:
        """Return the indexed word a real word typed one letter off meant, when that word and the question's
        next or previous word make a phrase an episode holds ('the White Hose plan': 'White House'; 'winnig the
        harts': 'winning the hearts'), or None.

        A real word is taken as typed ('paris' is no 'pairs'), unless the words around it say otherwise: a
        neighbour must be a content word the index holds (as typed or as corrected), so 'weather in paris'
        stays about Paris.
        """
        fix = self._correct(word)
        if not fix or OSA.distance(word, fix) != 1:
            return None
        typed_count = english_count(word)
        # 'who founded X' is not 'funded': a common word a slip would seldom make, unless a version number
        # follows it as it follows the name ('lama 4': Llama 4).
        common = typed_count >= COMMON and english_count(fix) < SLIP_COMMONER * typed_count
        typed = [w for w in words(text.lower()) if w not in STOPWORDS and w not in CHAT_FILLER]
        for i, w in enumerate(typed):
            if w != word:
                continue
            for j in ((i + 1,) if common else (i - 1, i + 1)):
                n = corrected.get(typed[j], typed[j]) if 0 <= j < len(typed) else ""
                if common and not n.isdigit():
                    continue
                if (len(n) >= 3 or n.isdigit()) and n in self.vocab_df and \
                        self._known((n, fix), [n, fix], near=PHRASE_GAP):
                    return fix
        return None

    def _holds_word(self, word: str) -> bool:
        """Return True when some episode holds the word as typed or its stem."""
        return word in self.vocab_df or stem(word) in self.df

    def _written(self, word: str) -> bool:
        """Return True when some episode writes the word itself, in the singular or plural ('labs' for 'lab';
        not 'optimized' for 'optimizer', which only shares its stem)."""
        vocab = self.vocab_df
        return word in vocab or word + "s" in vocab or (word.endswith("s") and word[:-1] in vocab)

    def _compounds(self, text: str, terms: list[str]) -> list[str]:
        """Return the terms with a verb and its particle read as the one word the episodes write for them ('nathan
        was burned out': 'burnout'; 'look up': 'lookups'), where they write it (or its plural)."""
        typed = words(text.lower())
        for verb, particle in zip(typed, typed[1:]):
            if particle not in _PARTICLES or verb not in terms:
                continue
            joined = next((form for base in (verb, stem(verb)) for form in (base + particle, base + particle + "s")
                           if form in self.vocab_df), None)
            if joined:
                terms = [joined if t == verb else t for t in terms]
        return terms

    def _undoubled(self, word: str) -> str | None:
        """Return the indexed word a short word no dictionary knows is, typed with a doubled letter once ('tel':
        'tell'), when exactly one such word is indexed; else None."""
        if is_english(word):
            return None
        found = _doubled_forms(word) & self.vocab_df.keys()
        return found.pop() if len(found) == 1 else None

    def _starts_a_word(self, prefix: str) -> bool:
        i = bisect.bisect_left(self.sorted_vocab, prefix)
        return i < len(self.sorted_vocab) and self.sorted_vocab[i].startswith(prefix)

    def idf(self, s: str) -> float:
        return math.log((self.n + 1) / (self.df.get(s, 0) + 0.5))

    def _correct(self, word: str) -> str | None:
        """Return the indexed word a misspelling most likely meant, or None.

        Stems are compared, so 'suprise' finds 'surprised' (surpris) too, and
        so are the words as typed, so 'traning' (stem 'trane') finds 'training'
        and 'reflction' finds 'reflection': two edits in a word of 7 letters or more.
        """
        known = self._corrections.get(word)  # a question's words are parsed several times (fallback, decline)
        if known is None:
            known = self._corrections.put(word, self._find_correction(word) or "")
        return known or None

    @cached_property
    def _corrections(self) -> LRU[str, str]:
        return LRU(CORRECTIONS_KEPT)  # word -> its correction, "" for none (the vocabulary never changes)

    @cached_property
    def _near_stems(self) -> _ByLength:
        return _ByLength(self.stems)

    @cached_property
    def _near_words(self) -> _ByLength:
        return _ByLength(self.words)

    def _find_correction(self, word: str) -> str | None:
        """Work out _correct's answer (not remembered)."""
        target = stem(word)
        found = [(self.surface[s], d) for s, d in self._near_stems.nearest(target, 1 if len(target) < 7 else 2, 8)]
        found += self._near_words.nearest(word, 1 if len(word) < 7 else 2, 8)
        if not found:
            return None
        best = min(d for _, d in found)
        options = list(dict.fromkeys(w for w, d in found if d == best))
        if len(word) == 4:  # a short word: only a swapped pair of letters, a letter left out or one doubled
            options = [w for w in options if sorted(w) == sorted(word) or
                       (len(w) == 5 and w[:2] == word[:2] and _leaves_one_out(word, w)) or
                       w in _doubled_forms(word) or word in _doubled_forms(w)]
        else:  # ...and a longer one must still look like it ('aliens' is not 'allen'), or be one slip
            # from its stem ('rebiuld' is 'rebuilding', whose stem is 'rebuild'); a word three letters longer
            # is another word ('replit' is not 'replicate', though a letter from its stem 'replic')
            options = [w for w in options if (fuzz.ratio(word, w) >= 80 or OSA.distance(target, stem(w)) <= 1)
                       and (len(w) - len(word) < 3 or _slipped(target, stem(w)))]
        # A letter left out, added or swapped is a commoner slip than one changed: 'relased' is 'released', not
        # 'related'. Then typists get a word's start right ('faill' is 'fail' rather than 'fill', 'experst'
        # 'experts' rather than 'expert'); then the commoner word.
        return max(options, key=lambda w: (_slipped(word, w), _common_prefix(word, w), self.vocab_df[w]),
                   default=None)

    def candidates(self, q: Query, episode: Episode | None, limit: int = CANDIDATES,
                   kinds: tuple[str, ...] | None = None) -> list[tuple[int, float]]:
        """Return (rowid, bm25) for the items that share any word with the query."""
        if not q.terms:
            return []
        terms = q.terms if episode is not None else self._essential(q)
        phrases = [f'"{t}"*' if t in q.prefixes else f'"{t}"' for t in terms]
        if q.language != "en":  # FTS5's porter stems English only: another language's stems match as prefixes
            with searching(q.language):
                phrases += [f'"{s}"*' for s in sorted({stem(t) for t in terms} - set(terms)) if len(s) >= 3]
        wanted = limit * (3 if kinds else 1)
        if episode is None and len(self.slot_of) > CATALOGUE_EPISODES:
            picked = self.catalogue_episodes(q, terms)
            q.episodes = [slot for slot, _ in picked]
            return self._from_episodes(picked, phrases, limit, kinds)
        if episode is not None and id(episode) in self.slot_of:  # one episode: its rowid range, its statistics
            rows = self.episode_bm25.search(self.slot_of[id(episode)], phrases, wanted)
        else:  # a small catalogue (or an episode it does not hold, by its id): FTS5's BM25 over the table
            sql = "SELECT rowid, -bm25(docs, 1.0, 0.4, 0.5) FROM docs WHERE docs MATCH ?"
            args: list = [f"{{text title speaker}}: ({' OR '.join(phrases)})"]
            if episode is not None:
                sql += " AND ep = ?"
                args.append(episode.id)
            with self.lock:
                rows = self.db.execute(sql + " ORDER BY rank LIMIT ?", [*args, wanted]).fetchall()
        rows = [r for r in rows if r[0] in self.items]  # a shared cache may already hold a newer load's rows
        if kinds:
            rows = [r for r in rows if getattr(self.items[r[0]][1], "kind", "quote") in kinds][:limit]
        return rows

    def _from_episodes(self, slots: list[tuple[int, float]], phrases: list[str], limit: int,
                       kinds: tuple[str, ...] | None) -> list[tuple[int, float]]:
        """Return the best `limit` candidates of a few episodes, each scored by its own statistics.

        Each episode's BM25 counts a word's rarity in that episode, so one episode's
        scores are not another's: each row's is taken relative to its episode's best,
        times the episode's weight (its bound beside the best episode's, catalogue_episodes()).
        """
        wanted = limit * (3 if kinds else 1)
        found: list[tuple[float, int]] = []
        for slot, weight in slots:
            rows = [r for r in self.episode_bm25.search(slot, phrases, wanted) if r[0] in self.items]
            if kinds:
                rows = [r for r in rows if getattr(self.items[r[0]][1], "kind", "quote") in kinds]
            if not rows:
                continue
            top = max(score for _, score in rows) or 1.0
            found.extend((weight * score / top, rowid) for rowid, score in rows)
        found.sort(key=lambda sr: sr[0], reverse=True)
        return [(rowid, score) for score, rowid in found[:limit]]

    def _essential(self, q: Query) -> list[str]:
        """Return the query words of which every answer must hold at least one.

        An item with none of them covers less than DECLINE_BELOW * 0.8 of the
        question, which no search returns; leaving the common words out of the
        match spares scoring most of a large catalogue.
        """
        if not q.total:
            return q.terms
        heavy = sorted(q.terms, key=lambda t: q.weights.get(stem(t), 0.0), reverse=True)
        rest, seen = q.total, set()
        for i, term in enumerate(heavy):
            if stem(term) not in seen:  # two words of one stem weigh once
                seen.add(stem(term))
                rest -= q.weights.get(stem(term), 0.0)
            if rest < DECLINE_BELOW * 0.8 * q.total:
                return heavy[:i + 1]
        return q.terms

    def coverage(self, q: Query, item: Passage | Quote) -> float:
        """Return the share of the question's weight that an item's words hold."""
        return _covered_line(q, _line(item))

    # -- meaning -------------------------------------------------------------

    def query_vector(self, q: Query) -> np.ndarray | None:
        """Return the question's meaning vector (its search words, corrected), or None without a model."""
        if self.model is None or not q.terms or q.language != "en":  # the model knows English words only
            return None
        if q.vector is None:
            q.vector = self.model.embed([" ".join(q.terms)])[0]
        return q.vector

    def similar(self, q: Query, episode: Episode | None, limit: int = MEANING_CANDIDATES) -> list[int]:
        """Return the rowids of the items closest in meaning to the question, closest first."""
        qv = self.query_vector(q)
        if qv is None:
            return []
        import numpy as np

        if episode is not None:
            slots = [self.slot_of[id(episode)]] if id(episode) in self.slot_of else []
        elif len(self.slot_of) > CATALOGUE_EPISODES and self._guides is not None:
            # The episodes closest in meaning, and those the words picked: a meaning hit must hold a word.
            slots = list(dict.fromkeys([*self.meaning_episodes(q), *(q.episodes or [])[:MEANING_WORD_EPISODES]]))
        else:
            slots = self.vector_slots()
        best: list[tuple[float, int]] = []
        for slot in slots:
            sims = self.cosines(q, slot)
            if sims is None:
                continue
            top = np.argpartition(-sims, limit)[:limit] if len(sims) > limit else np.arange(len(sims))
            base = slot_range(slot)[0]
            best.extend((float(sims[i]), base + int(i)) for i in top)
        best.sort(reverse=True)
        return [rowid for _, rowid in best if rowid in self.items][:limit]

    def cosines(self, q: Query, slot: int) -> np.ndarray | None:
        """Return the cosine of every item of an episode with the question's meaning (None: no vectors).

        Kept on the query: ranking compares the candidates of the episodes similar() has just compared.
        """
        found = q.sims.get(slot)
        if found is None:
            kept = self.slot_vectors(slot)
            if kept is None or not len(kept[0]) or q.vector is None:
                return None
            found = q.sims[slot] = kept[0] @ q.vector
        return found

    def meaning(self, q: Query, rowids: list[int]) -> dict[int, float]:
        """Return the cosine between the question's meaning and each item's (none without a model).

        One matrix-vector product per episode: the cosines of all its items at once.
        """
        if q.vector is None:
            return {}
        out: dict[int, float] = {}
        by_slot: dict[int, list[int]] = {}
        live = self._live_slots
        for rowid in rowids:
            slot = rowid >> SLOT_BITS  # the slot of the item's episode (see _build)
            if slot in live:
                by_slot.setdefault(slot, []).append(rowid)
        for slot, rows in by_slot.items():
            found = self.cosines(q, slot)
            if found is None:
                continue
            sims = found.tolist()
            base = slot_range(slot)[0]
            out.update((r, sims[r - base]) for r in rows if 0 <= r - base < len(sims))
        return out

    def soft_coverage(self, q: Query, item: Passage | Quote, cov: float) -> float:
        """Return coverage counting, for each question word the item lacks, its nearest word's closeness.

        Names, acronyms and numbers earn nothing this way ('Sora' is not 'LoRA'): only
        ordinary words have near words. Computed for a question's candidates only:
        one small matrix product an item.
        """
        if self.word_table is None or q.vector is None or not q.total or cov >= 1.0:
            return cov
        import numpy as np

        if q.soft_terms is None:
            by_stem: dict[str, str] = {}
            for t in q.terms:
                s = stem(t)
                if s in q.weights and t not in q.focus and not t.isdigit() and s not in self.people:
                    by_stem.setdefault(s, t)
            q.soft_terms = (list(by_stem), self.word_table.vectors(list(by_stem.values())) if by_stem else
                            np.zeros((0, 1), np.float32))
        stems, vectors = q.soft_terms
        line = _line(item)
        missing = [i for i, s in enumerate(stems) if "\n" + s + "\n" not in line and
                   not (len(s) >= 4 and ("\n" + s in line or s + "\n" in line))]
        if not missing:
            return cov
        own = self._item_words.get(_key(item))
        table = None
        if own is not None:
            table = self.word_table.take(*own)
        if table is None:  # first time, or the table started over: the item's words' rows again
            ws = list(dict.fromkeys(w for w in words(f"{heading(item)} {item.text}")
                                    if len(w) >= 3 and not w.isdigit() and w not in STOPWORDS))[:SOFT_WORDS]
            if not ws:
                return cov
            if len(self._item_words) >= ITEM_WORDS:  # bounded: items come and go with the caches
                self._item_words.clear()
            own = self._item_words[_key(item)] = self.word_table.rows(ws)
            table = self.word_table.take(*own)
            if table is None:
                return cov
        best = (vectors[missing] @ table.T).max(axis=1)
        span = SOFT_TO - SOFT_FROM
        extra = sum(q.weights[stems[i]] * SOFT_CAP * min(1.0, max(0.0, (float(c) - SOFT_FROM) / span))
                    for i, c in zip(missing, best))
        return min(1.0, cov + extra / q.total)

    @staticmethod
    def accepted(hit: Hit) -> str | None:
        """Return what makes a hit an answer by its words: "words", "both" (close in meaning too), or None.

        Words: the hit holds most of the question's weight (DECLINE_BELOW). An answer
        carried by meaning alone is decided in _by_meaning, for the hits meaning leads.
        """
        if hit.coverage >= DECLINE_BELOW and hit.holds_ask:
            return "both" if hit.meaning >= MEANING_AGREES else "words"
        return None

    def rank(self, q: Query, rows: list[tuple[int, float]], prior: dict[str, float] | None = None
             ) -> list[Hit]:
        """Re-rank candidates by coverage, BM25, fuzzy similarity and meaning (the blend is here only)."""
        if not rows:
            return []
        prior = KIND_PRIOR if prior is None else prior
        top = max(score for _, score in rows) or 1.0
        wanted = question_words(" ".join(q.terms).lower())
        definition = _definition(q)
        when = bool(_WHEN_RE.match(q.raw))
        how_much = bool(_HOW_MUCH_RE.search(q.raw))
        how_many = how_much and bool(_HOW_MANY_RE.search(q.raw))
        limit = bool(_LIMIT_ASKED_RE.search(q.raw))
        about_episode = bool(FACT_STEMS & set(q.weights))
        rowids = [rowid for rowid, _ in rows]
        found = self.items.pairs(rowids)  # one query for the items no cache holds
        sims = self.meaning(q, rowids)
        language = search_language()
        weights = list(q.weights.items())
        total = q.total
        hits = []
        for (rowid, bm25), (episode, item) in zip(rows, found):
            facts = self._facts_of(rowid, item, language)
            cov = _covered_line(q, facts.line)
            apart = q.apart(item.text, facts.line) if q.versions and cov else frozenset()
            if apart:
                cov = max(0.0, cov - sum(q.weights.get(s, 0.0) for s in apart) / q.total)
            # fuzz.token_set_ratio(" ".join(q.terms), item.text, processor=str.lower), the item's words sorted once
            similar = token_set_ratio(wanted, facts.words) / 100
            kind = facts.kind
            score = 0.5 * cov + 0.3 * (bm25 / top) + 0.1 * similar + prior.get(kind, 0.0)
            if definition is not None:
                score += DEFINITION_BONUS * definition.score(item.text)
            if total:  # _leads_with, from the item's first stems worked out once
                score += LEAD_BONUS * (sum(wt for s, wt in weights if s in facts.lead) / total)
            if q.pair_total and cov:
                score += PHRASE_BONUS * (sum(wt for pair, wt in q.pairs.items() if pair in facts.pairs) / q.pair_total)
            if when and facts.holds(_DATE_RE, item.text):
                score += WHEN_BONUS  # 'when did ...?' is answered by a passage that holds a date
            if how_much and facts.holds(_COUNT_RE if how_many else _AMOUNT_RE, item.text):
                score += AMOUNT_BONUS  # 'how much/many ...?' by one that holds an amount
            if limit and facts.holds(_LIMIT_RE, item.text):
                score += LIMIT_BONUS  # 'max length of an rl run?' by one saying how long at most
            if kind == "info" and about_episode:
                score += FACT_BONUS  # a question about the episode itself: its host, guests, date
            sim = sims.get(rowid, 0.0)
            score += MEANING_WEIGHT * meaning_signal(sim)
            if q.measure:  # nothing asked but the measure: the passage must hold one ('How old is X?'); a
                # time is a date or an amount ('when will AGI arrive': 'in more than 10 years')
                holds = facts.holds(_AMOUNT_RE, item.text) or (q.measure == "date" and facts.holds(_DATE_RE, item.text))
            else:
                holds = q.holds_ask(facts.line, apart) or (
                    q.asked == _WRITE and facts.holds(_AUTHORED_RE, item.text)) or (  # 'Apple in China by Patrick McGee'
                    q.asked <= _WORKS and bool(q.asked) and facts.holds(_TITLE_RE, item.text))
            # Only a hit holding most of the question's words may be an answer by them: the value it gives is
            # looked for there (the few meaning leads with are looked at in _by_meaning).
            gives = _gives(q, item, facts) if cov >= DECLINE_BELOW and holds else None
            hits.append(Hit(item=item, episode=episode, score=round(score, 4), coverage=cov,
                            meaning=round(sim, 4), soft=cov, holds_ask=holds and gives is not False, gives=gives))
        hits.sort(key=lambda h: h.score, reverse=True)
        for hit in hits:
            hit.match = self.accepted(hit)
        return hits

    def _facts_of(self, rowid: int, item: Passage | Quote, language: str) -> _ItemFacts:
        """Return what ranking reads of an item every time it is a candidate, worked out on its first time.

        Kept for the last ITEM_FACTS items ranked (in each search language: stems differ).
        """
        key = (rowid, language)
        found = self._item_facts.get(key)
        if found is None:
            if len(self._item_facts) >= ITEM_FACTS:  # bounded: items come and go with the caches
                self._item_facts.clear()
            found = self._item_facts[key] = _ItemFacts(item)
        return found

    def meaning_lead(self, q: Query, hits: list[Hit]
                     ) -> tuple[Hit, list[Hit], Callable[[Hit], Evidence]] | None:
        """Return the hit meaning carries best, the few closest, and each one's evidence; None when meaning can't lead.

        The MEANING_LEADERS hits closest by cosine + MEANING_COVER x coverage get their
        soft coverage (one small product each); the best of them by cosine + MEANING_COVER x
        soft coverage leads. A question naming something the episodes never mention
        ('Sora', 'Character.AI') can't be said in other words: meaning never leads it.
        """
        if not hits or q.vector is None or not q.total or self.strangers(q):
            return None
        near = sorted(hits, key=lambda h: h.meaning + MEANING_COVER * h.coverage, reverse=True)[:MEANING_LEADERS]
        for hit in near:
            hit.soft = self.soft_coverage(q, hit.item, hit.coverage)
        near.sort(key=lambda h: h.meaning + MEANING_COVER * h.soft + MEANING_LEAD_BLEND * h.score, reverse=True)
        held = self._held_in(near[0].episode, list(q.weights))  # the lead's episode: a catalogue knows more words
        known = sum(wt for s, wt in q.weights.items() if s in held or s in q.prefixes) / q.total
        return near[0], near, lambda h: Evidence(cosine=h.meaning, soft=h.soft, known=known, total=q.total)

    def _held_in(self, episode: Episode, stems: list[str]) -> set[str]:
        """Return which of these stems some item of an episode holds.

        The per-episode stem table (bot/episode_terms.py) holds every stem of every
        episode's items, so an episode is not read whole for this (a declined question's
        first look at an episode did, some 10 ms of reading its every passage).
        """
        slot = self.slot_of.get(id(episode))
        if slot is not None:
            return self.episode_terms.held(slot, stems)
        full = self.library.full(episode)
        return {s for s in stems if any("\n" + s + "\n" in _line(item) for item in [*full.passages, *full.quotes])}

    def _by_meaning(self, q: Query, hits: list[Hit]) -> list[Hit]:
        """When the best-scored hit is no answer, lead with the one meaning carries best, if it answers.

        The blend ranks by words first; when no passage holds enough of the question's
        words, the passage with the most evidence of meaning answers if it holds at
        least one of the question's words and bot/answerable.py's model says it answers.
        """
        found = self.meaning_lead(q, hits)
        if found is None:
            return hits
        lead, near, evidence = found
        # 'When did it come out?' asks a time; 'when is asking a chatbot better?' a condition.
        when = bool(_WHEN_RE.match(q.raw)) and not _CONDITION_RE.search(q.raw)

        def answers(hit: Hit) -> bool:
            # Holding none of what is asked, a passage is near through the names alone, unless
            # what is asked is most of the question (then closeness speaks of it, in other words).
            # Asked when, it must hold a date or a stretch of time: a passage near 'when did Google
            # release Gemma' that gives no time is about Gemma, not its release.
            return (hit.coverage > 0 and (hit.holds_ask or (q.attribute and hit.meaning >= ATTRIBUTE_MEANING)
                                          or q.asked_share >= ASKED_ALONE)
                    and (not when or _DATE_RE.search(hit.item.text) or _SPAN_RE.search(hit.item.text))
                    and (hit.gives if hit.gives is not None else _gives(q, hit.item, _ItemFacts(hit.item)))
                    and evidence(hit).answers())

        if not answers(lead):
            return hits
        for hit in near:  # the lead, and those of the closest few that answer as surely
            if answers(hit):
                hit.match = "meaning"
        return [lead, *(h for h in hits if h is not lead)]

    # -- the commands' searches ----------------------------------------------

    @_in_language
    def ask(self, text: str, episode: Episode | None) -> tuple[list[Hit], Query]:
        """Answer a question from the items that match its words and those closest in meaning (fused)."""
        q = self.parse(text)
        if episode is None and q.language == "en" and self._covers_nowhere(q) and self.strangers(q):
            # A name no episode mentions, and too few of the other words anywhere: nothing can answer
            # (the usual outcome of a declined question's look through the other episodes).
            return [], q
        rows = self.candidates(q, episode)
        found = {rowid for rowid, _ in rows}
        rows += [(rowid, 0.0) for rowid in self.similar(q, episode) if rowid not in found]
        hits = self.rank(q, rows)
        if hits and hits[0].match is None and (q.measure or q.value in ("amount", "span", "money")):
            # Asked for a date or an amount ('how long would X have been delayed'), a passage that gives none
            # can't answer: the first that does leads. (Not for a count or a date asked of more than names:
            # the next passage then answers out-of-scope questions, 'when did nvidia release nemotron 3'.)
            held = next((h for h in hits[1:MEANING_RESULTS] if h.match), None)
            if held is not None:
                hits = [held, *(h for h in hits if h is not held)]
        if hits and hits[0].match is None:
            hits = self._by_meaning(q, hits)
        if not hits or hits[0].match is None or (q.language == "en" and self._names_the_unheard(q)) \
                or not _spells_out(q, hits[0]):
            # A question about something no episode names ('What did Claude Opus 4.5 score on SWE-bench?'):
            # a passage holding the rest of it (Opus 4.5's release) says nothing of it.
            return [], q
        if q.moment and hits[0].item.time is None:
            timed = next((h for h in hits[1:MEANING_RESULTS] if h.match and h.item.time is not None
                          and h.coverage >= hits[0].coverage - MOMENT_MARGIN), None)
            if timed is not None:  # asked when: the passage that says when, before an overview's line as near
                hits = [timed, *(h for h in hits if h is not timed)]
        # Hits carried by meaning alone join the answer only among the first few: further down,
        # closeness in meaning says little, and every result costs rendering.
        return [h for i, h in enumerate(hits)
                if h.coverage >= DECLINE_BELOW * 0.8 or (h.match and i < MEANING_RESULTS)], q

    @_in_language
    def quotes(self, text: str, episode: Episode | None, speaker: str | None) -> list[Hit]:
        """Find the notable quote or transcript line closest to the words given."""
        q = self.parse(text)
        pool = self._quote_pool(q, episode, speaker)
        if speaker:
            pool = [(ep, it) for ep, it in pool if it.speaker and _same_person(speaker, it.speaker)]
        wanted = clean_line(text).lower()
        hits = []
        for ep, item in pool:
            cov = self.coverage(q, item) if q.total else 1.0
            if cov < QUOTE_COVERS:  # never returned: spare comparing its every sentence (most of a quote's time)
                continue
            bonus = 5 if isinstance(item, Quote) else (2 if item.speaker else 0)
            # A line is returned when its score reaches QUOTE_SCORE; a sentence under what this one would need
            # can't make it so (a margin under it for the rounding), so the comparisons start from there.
            floor = (QUOTE_SCORE * 100 - 0.1 - cov * 30 - bonus) / 0.7
            best_sentence, best = None, max(0.0, floor)
            lines = _lines_of(item)
            for sentence in lines:
                # A sentence counts only if it beats the best so far: each ratio is asked only for what could
                # (a cutoff lets rapidfuzz stop early; below it, it returns 0 and the sentence can't win).
                line = sentence.lower()
                partial = fuzz.partial_ratio(wanted, line, score_cutoff=max(0.0, (best - 40) / 0.6 - 1e-6))
                if partial * 0.6 + 40 <= best:
                    continue
                s = partial * 0.6 + fuzz.token_set_ratio(wanted, line, score_cutoff=max(
                    0.0, (best - partial * 0.6) / 0.4 - 1e-6)) * 0.4
                if s > best:
                    best_sentence, best = sentence, s
            if best_sentence is None:
                continue  # no sentence reaches the score a returned line needs
            if isinstance(item, Passage) and item.kind == "note":
                best_sentence, best = _fullest(wanted, lines, best_sentence, best)
            score = best * 0.7 + cov * 30 + bonus
            hits.append(Hit(item=item, episode=ep, score=round(score / 100, 4), coverage=cov,
                            excerpt=None if isinstance(item, Quote) else best_sentence))
        hits.sort(key=lambda h: h.score, reverse=True)
        return [h for h in hits if h.score >= QUOTE_SCORE] or self._quotes_by_meaning(q, episode, speaker)

    def _quotes_by_meaning(self, q: Query, episode: Episode | None, speaker: str | None) -> list[Hit]:
        """Return the quotes and transcript lines closest in meaning to a line remembered in other words.

        Only when no line holds the words: a paraphrased line ('fantastic at explaining
        things' for 'great communicators') is found by meaning, if it is close enough. A
        line is one sentence (or two) of a long turn, so each candidate turn's sentences are
        compared one by one; the turn answers when the whole of it is close enough
        (QUOTE_MEANING_BAR) or one of its sentences is close (QUOTE_SENTENCE_BAR). A name the
        episodes never mention can't be said in other words: such a line is not looked for by meaning.
        """
        if self.query_vector(q) is None or self.model is None or self.strangers(q):
            return []
        rowids = [r for r in self.similar(q, episode, limit=QUOTE_CANDIDATES)
                  if isinstance(self.items[r][1], Quote) or self.items[r][1].kind == "transcript"]
        sims = self.meaning(q, rowids)
        lines = [(self.items[r], sims.get(r, 0.0)) for r in rowids[:MEANING_RESULTS]]
        seen = {_key(item) for (_, item), _ in lines}
        # Lines sharing a word with the question: a rearranged line's turn may be long, far in meaning as a whole.
        # (A note's quoted words are found by their words only: a note's meaning is mostly not the line's.)
        lines += [((ep, item), 0.0) for ep, item in self._quote_pool(q, episode, speaker)[:QUOTE_MEANING_POOL]
                  if _key(item) not in seen and not (isinstance(item, Passage) and item.kind == "note")]
        if speaker:
            lines = [(found, sim) for found, sim in lines if found[1].speaker and _same_person(speaker, found[1].speaker)]
        hits = []
        for (ep, item), whole in lines:
            windows = _lines_of(item)[:QUOTE_WINDOWS]
            if not windows:
                continue
            near = self.model.embed(windows) @ q.vector
            best = int(near.argmax())
            if whole < QUOTE_MEANING_BAR and float(near[best]) < QUOTE_SENTENCE_BAR:
                continue
            sim = round(max(whole, float(near[best])), 4)
            hits.append(Hit(item=item, episode=ep, score=sim, coverage=self.coverage(q, item), meaning=sim,
                            excerpt=None if isinstance(item, Quote) else windows[best], match="meaning"))
        hits.sort(key=lambda h: h.score, reverse=True)
        return hits[:MEANING_RESULTS]

    def _quote_pool(self, q: Query, episode: Episode | None, speaker: str | None
                    ) -> list[tuple[Episode, Passage | Quote]]:
        """Return the quotes and transcript turns worth comparing with the words given.

        Only an item holding half the words' weight is ever returned, so it
        shares a word with them: the index finds those, best BM25 first,
        instead of every turn of every episode being compared. Words that are
        all stopwords ("to be or not to be") are compared with every turn.
        """
        if not q.terms:
            return [(ep, it) for ep in self._episodes(episode) for full in [self.library.full(ep)]
                    for it in [*full.quotes, *(p for p in full.passages if p.kind == "transcript")]]
        limit = QUOTE_CANDIDATES * (4 if speaker else 1)  # others' lines must not crowd out the speaker's
        rows = self.candidates(q, episode, limit=limit * 3)
        pool = [self.items[rowid] for rowid, _ in rows]
        return [(ep, it) for ep, it in pool if quotable(it)][:limit]

    @_in_language
    def chapters(self, text: str, episode: Episode) -> list[tuple[Chapter, float]]:
        """Rank an episode's chapters by how well their titles match (typo tolerant)."""
        q = self.parse(text)
        wanted = " ".join(q.terms) or clean_line(text).lower()
        scored = []
        for chapter in episode.chapters:
            title = chapter.title.lower()
            cov = covered(q, title)
            similar = max(fuzz.token_set_ratio(wanted, title), fuzz.partial_ratio(wanted, title)) / 100
            scored.append((chapter, round(0.6 * cov + 0.4 * similar, 4)))
        scored.sort(key=lambda cs: cs[1], reverse=True)
        found = [cs for cs in scored if cs[1] >= 0.5]
        if not found and not self.strangers(q):  # no title has the words: the chapter closest in meaning, if
            near = self.chapters_by_meaning(q, episode)  # close enough (a name never mentioned: not by meaning)
            found = [(c, sim) for c, sim in near[:1] if sim >= CHAPTER_MEANING_BAR]
        return found

    def chapters_by_meaning(self, q: Query, episode: Episode) -> list[tuple[Chapter, float]]:
        """Return an episode's chapters by the cosine of their meaning (title and content) to the question."""
        qv = self.query_vector(q)
        kept = self.slot_vectors(self.slot_of.get(id(episode), -1))
        vectors = kept[1] if kept is not None else None
        if qv is None or vectors is None or len(vectors) != len(episode.chapters):
            return []
        sims = vectors @ qv
        return sorted(((c, round(float(x), 4)) for c, x in zip(episode.chapters, sims)),
                      key=lambda cs: cs[1], reverse=True)

    @_in_language
    def summary(self, topic: str, episode: Episode) -> list[Hit]:
        """What the episode says on one topic: the best-matching section first."""
        q = self.parse(topic)
        if not q.total:
            return []
        sections: dict[str, list[Passage]] = {}
        for p in self.library.full(episode).passages:
            if p.section and p.kind in ("note", "takeaway"):
                sections.setdefault(p.section, []).append(p)
        best_section, best_key = None, (0.0, 0.0)
        phrase = " ".join(words(" ".join(q.terms)))  # as searched: 'post-training stuff recap': 'post training'
        for name in sections:
            # Of two sections naming the topic, the one that names it first ('Post-Training and RLVR' for
            # 'post training', not 'Training Stages: Pre-training, ..., Post-training').
            at = " ".join(words(name)).find(phrase) if phrase else -1
            key = (covered(q, name), -at if at >= 0 else -1e9)
            if key[0] > 0 and key > best_key:
                best_section, best_key = name, key
        best_cov = best_key[0]
        hits = self.rank(q, self.candidates(q, episode, kinds=SUMMARY_KINDS))
        # No passage holds enough of the topic's words: what `ask` finds (by meaning too, with its honest
        # declines), as 'sumary of the data and copyrite lawsuit stuff' finds the authors' lawsuit.
        hits = [h for h in hits if h.coverage >= DECLINE_BELOW] or self.ask(topic, episode)[0] or \
            self._each_of(topic, episode) or self._in_chapter(q, episode)
        if best_section and best_cov >= 0.99:
            # A section about exactly this topic: its bullets, in the order
            # written (the first states the topic), lead the answer.
            lead = [Hit(item=p, episode=episode, score=round(1.0 + best_cov - i * 0.01, 4),
                        coverage=self.coverage(q, p))
                    for i, p in enumerate(sections[best_section])]
            lead.sort(key=lambda h: (h.coverage > 0, h.score), reverse=True)
            seen = {_key(h.item) for h in lead}
            hits = lead + [h for h in hits if _key(h.item) not in seen]
        return hits

    def _in_chapter(self, q: Query, episode: Episode) -> list[Hit]:
        """Return the notes and takeaways of the chapter whose title holds most of a topic, in the order said
        ('quick rundown of how these ai companies plan to make money': 'How AI will make money?'); nothing when
        no title holds CHAPTER_TOPIC of it ('quantum computing and robotics'), or the chapter has none."""
        share, best = max(((covered(q, c.title.lower()), c) for c in episode.chapters), key=lambda sc: sc[0],
                          default=(0.0, None))
        if best is None or share < CHAPTER_TOPIC:
            return []
        held = sorted((p for p in self.library.full(episode).passages if p.chapter == best.title
                       and p.kind in SUMMARY_KINDS), key=lambda p: p.time if p.time is not None else 1 << 30)
        return [Hit(item=p, episode=episode, score=round(1.0 - i * 0.001, 4), coverage=self.coverage(q, p))
                for i, p in enumerate(held)]

    def _each_of(self, topic: str, episode: Episode) -> list[Hit]:
        """Return what the episode says on each of two topics asked together ('ipos and acquisitions'), the
        first of each first; nothing when either finds nothing."""
        parts = [part for part in _AND_RE.split(topic) if query_words(part)]
        if len(parts) < 2:
            return []
        found = [self.summary(part, episode) for part in parts]
        if not all(found):
            return []
        firsts = [hits[0] for hits in found]
        seen = {_key(h.item) for h in firsts}
        return firsts + [h for hits in found for h in hits[1:] if _key(h.item) not in seen]

    def _episodes(self, episode: Episode | None) -> list[Episode]:
        return [episode] if episode is not None else self.library.episodes


def _key(item: Passage | Quote) -> int:
    """Return what names an item across reads from the index cache: its rowid (else the object)."""
    rowid = rowid_of(item)
    return rowid if rowid is not None else id(item)


def index_episode(store, episode: Episode | Record, slot: int, model: StaticModel | None,
                  prepared: Prepared | None = None) -> None:
    """Write a newly built episode's search rows (and, with a model, its meaning vectors) to the store.

    Called for each episode as a first build makes it (see store.load_cached's on_built),
    so the episode's text need not be kept until the index is built; `prepared`: the rows
    and vectors a worker made (bot/indexer.py), else they are made here. A worker sends
    the episode as its store Record: it is made whole again only when it must be prepared here.
    """
    if prepared is None or (model is not None and prepared.model != model.digest):
        episode = episode.episode() if isinstance(episode, Record) else episode
        prepared = prepare(episode, model)
    base = slot_range(slot)[0]
    rows = [(base + r[0], *r[1:]) for r in prepared.rows]
    store.put_rows(slot, rows, prepared.df, prepared.vocab, prepared.lines)
    if model is None or prepared.vectors is None:
        return
    cache = VectorCache(store.db, store.lock)
    digest = cache.identities([slot]).get(slot)
    if digest is None:  # a cache without the store's keys: named by its texts
        episode = episode.episode() if isinstance(episode, Record) else episode
        digest = text_digest([*(_meaning_text(item) for item in [*episode.passages, *episode.quotes]), "\0chapters",
                              *(c.title for c in episode.chapters)])
    # A bulk load (see Store.bulk) drops the vectors of dropped episodes once at its end, not at every episode.
    cache.put(slot, model.digest, digest, *prepared.vectors, tidy=not getattr(store, "bulk_on", False))


def _embed(model: StaticModel, episode: Episode, texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """Return an episode's item vectors and chapter vectors.

    A chapter is its title and, at half the weight, what is said in it: a
    title such as 'Sponsors, Comments, and Reflections' says little of the
    ad reads and listener mail inside.
    """
    import numpy as np

    items = model.embed(texts) if texts else np.zeros((0, model.dim), np.float32)
    titles = model.embed([c.title for c in episode.chapters]) if episode.chapters else \
        np.zeros((0, model.dim), np.float32)
    within: dict[str, list[int]] = {}
    for i, item in enumerate([*episode.passages, *episode.quotes]):
        if item.chapter and item.time_basis in ("own", "matched", "nearby"):
            within.setdefault(item.chapter, []).append(i)
    chapters = titles.copy()
    for j, chapter in enumerate(episode.chapters):
        if within.get(chapter.title):
            content = items[within[chapter.title]].mean(axis=0)
            chapters[j] = titles[j] + CHAPTER_CONTENT_WEIGHT * content / max(float(np.linalg.norm(content)), 1e-9)
    chapters /= np.maximum(np.linalg.norm(chapters, axis=1, keepdims=True), 1e-9)
    return items, chapters


def _as_cached(vectors: np.ndarray) -> np.ndarray:
    """Return vectors rounded as the index cache stores them (float16), kept as float32."""
    return vectors.astype("<f2").astype("float32")


def heading(item: Passage | Quote) -> str:
    """Return the words an item is filed under: its headline, section, and chapter, and a quote's remark.

    The chapter counts only when the item's own time puts it there; a chapter
    guessed from the topic would make words of the guess look like an answer.
    A quote's remark says whose words it carries ('paraphrasing Sam Altman'):
    'the altman line about their gpus' is that quote.
    """
    chapter = item.chapter if item.time_basis in ("own", "matched", "nearby") else None
    return " ".join(filter(None, [getattr(item, "title", None), getattr(item, "section", None), chapter,
                                  getattr(item, "remark", None)]))


def meaning_signal(sim: float) -> float:
    """Return what a cosine adds to a hit's score: nothing up to MEANING_FLOOR, then linearly to 1."""
    return max(0.0, sim - MEANING_FLOOR) / (1.0 - MEANING_FLOOR)


def _meaning_text(item: Passage | Quote) -> str:
    """Return what an item's meaning vector is made from: its headline and section, then its text.

    Cached vectors are reused while the episode's files and reading code are unchanged:
    a change here must bump bot/vectors.py's VERSION.
    """
    return " ".join(filter(None, [getattr(item, "title", None), getattr(item, "section", None), item.text]))


def _episode_rows(episode: Episode, base: int, joined: dict[str, str] | None = None
                  ) -> tuple[list[tuple], Counter[str], Counter[str], list[str]]:
    """Return an episode's search rows, per stem and per word how many of its items hold it,
    and each item's stem line (the words coverage() looks at: text, headings, speaker).

    `joined`: texts' words as the episode's build split them (library.build_episode), read
    instead of splitting the same texts again.
    """
    with searching(getattr(episode, "language", None)):  # its stems and stop words are its language's
        return _rows_in_language(episode, base, joined or {})


def _rows_in_language(episode: Episode, base: int, joined: dict[str, str]
                      ) -> tuple[list[tuple], Counter[str], Counter[str], list[str]]:
    rows: list[tuple] = []
    df: Counter[str] = Counter()
    vocab: Counter[str] = Counter()
    lines: list[str] = []
    stem_of: dict[str, str] = {}  # an episode says each word many times: stem it once (one language here)
    labels: dict[str, list[str]] = {}  # the words of each heading and speaker: they repeat item after item
    # A host's or guest's whole name, by each of its words: a passage saying 'Raschka argues' holds the
    # 'Sebastian' of 'what does sebastian think about X' (in its searched text too, for BM25).
    names = [set(words(n)) for n in [episode.host or "", *episode.guests] if len(words(n)) > 1]
    for i, item in enumerate([*episode.passages, *episode.quotes]):
        head = heading(item)
        speaker = item.speaker or ""
        aliases = number_aliases(item.text)
        text = f"{item.text} {aliases}"
        # The words of text, heading and speaker, as words() splits them joined by spaces (no word spans one):
        # the text's as the build split them when it did, and the aliases' own.
        split = joined.get(item.text)
        if split is None:
            surface = set(words(text))
        else:
            surface = set(split.split(" ")) if split else set()
            if aliases:
                surface.update(words(aliases))
        named = [w for name in names if not surface.isdisjoint(name) for w in sorted(name - surface)]
        if named:
            text = f"{text} {' '.join(named)}"
            surface.update(named)
        rows.append((base + i, text, head, speaker, episode.id))
        for label in (head, speaker):
            if label:
                found = labels.get(label)
                if found is None:
                    found = labels[label] = words(label)
                surface.update(found)
        vocab.update(surface)
        for w in surface.difference(stem_of):  # set operations in C: a Python step only for a new word
            stem_of[w] = stem(w)
        stems = set(map(stem_of.__getitem__, surface))
        df.update(stems)
        lines.append("\n" + "\n".join(stems) + "\n")  # stem_line(surface), its stems worked out above
    return rows, df, vocab, lines


def _line(item: Passage | Quote) -> str:
    """Return an item's stem line: the one made when it was indexed, else made now the same way."""
    line = stems_of(item)
    if line is None:
        line = stem_line(words(f"{item.text} {number_aliases(item.text)} {heading(item)} {item.speaker or ''}"))
    return line


def covered(q: Query, text: str) -> float:
    """Return the share of the question's weight (0 to 1) whose words text holds.

    A query word that is part of a longer word counts 0.7: 'raise' in
    'fundraise', or 'intro' typed for 'introduction'.
    """
    if not q.total:
        return 0.0
    return _covered_line(q, stem_line(words(text)))


def stem_line(surface) -> str:
    """Return the stems of some words, one a line: what coverage looks words up in."""
    return "\n" + "\n".join({stem(w) for w in surface}) + "\n"


def _covered_line(q: Query, line: str) -> float:
    """Return covered() for text whose stems are `line` (see stem_line)."""
    if not q.total:
        return 0.0
    got = 0.0
    for whole, start, end, wt in q.needles:
        if whole in line:
            got += wt
        # s itself is not there, so a word that starts or ends with s is longer than s.
        elif start and (start in line or end in line):
            got += 0.7 * wt
    return got / q.total


@lru_cache(maxsize=CORRECTIONS_KEPT)  # a question's words are read several times (parse, fallback, decline)
def _chat_typo(word: str) -> bool:
    """Return True when an unknown word is a typo of a chat or stop word ('exaclty', 'becuase')."""
    return len(word) >= 5 and process.extractOne(word, _CHAT_WORDS, scorer=OSA.distance, score_cutoff=1) is not None


COUNT_NEAR = 30  # characters between a count and what it counts ('2,048 Nvidia H800 GPUs')
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?")
# The chat words a member may open a question with ('ok so who ...', 'wait, how many ...').
_CHAT_OPENING = (r"^\s*(?:(?:so|ok|okay|wait|and|but|hey|yo|also|hmm|quick q(?:uestion)?|"
                 r"(?:does |do )?(?:any(?:one|body)|some(?:one|body)|you|u|ya) know)[\s,:]+)*")
# A question opening with a measure or a date (after chat words): what kind of value answers it (_value_asked).
# ('on what date', 'in which year'; 'what exact percentage')
_VALUE_ASKED_RE = re.compile(_CHAT_OPENING + r"(?:(?P<count>how many)|(?P<date>when|(?:(?:on|in|by) )?(?:what|which) "
                             r"(?:year|month|date|day)|how soon)|(?P<amount>how (?:long|old))|"
                             r"(?P<share>(?:by\s+)?what\s*(?:(?:exact|precise|rough|approximate)\s+)?"
                             r"(?:%|percent(?:age)?|share|fraction|proportion|portion)))(?!\w)", re.I)
# A question for a score: 'what did X score on Y', "what's X's score on Y" (not 'what did they say about scores').
_SCORE_ASKED_RE = re.compile(_CHAT_OPENING + r"what(?:(?:'s|’s| is| was)\s[^?,]{1,60}?\bscore\s+(?:on|in|at)\b|"
                             r"\s+(?:did|does|do)\s(?:(?!\b(?:say|said|think|thought|talk|mention|feel)\b)[^?,]){1,60}?"
                             r"\bscore\b(?!s))", re.I)
# What 'how much does X cost' prices: X.
_PRICED_RE = re.compile(r"\bhow much (?:does|did|do|would|will|is|was)\s+(.{1,60}?)\s+(?:cost|costs)\b", re.I)
# What answers 'how many days/hours ...': a number of them ('five days', '120 thousand hours of audio', '72-hour
# weeks', 'a few GPU hours').
_DURATION_RE = re.compile(r"\b(?:" + _SPAN_NUMBER + r"|hundreds of|thousands of)(?:\s?(?:hundred|thousand|million|"
                          r"billion|[kmb]))?[\s-]+(?:[\w-]+[\s-]+)?(?:seconds?|minutes?|hours?|days?|weeks?|months?|"
                          r"years?|decades?)\b", re.I)
# Words asking the moment in the episode: 'timestamp?', 'what minute', 'where in the ep' (read before
# normalize_query takes them out; a 'when' question of the moment is the other way: _asks_the_moment).
_MOMENT_ASKED_RE = re.compile(r"\btimestamps?\b|\bwhat (?:minute|min)\b|\bat what (?:point|time)\b|"
                              r"\bwhere in the (?:ep|episode|pod|podcast|convo)\b|\bhow far in(?:to)?\b", re.I)
# 'gpt-oss-120b has how many experts', a count asked after its subject.
_INVERTED_COUNT_RE = re.compile(r"\b(?:has|have|had|uses?|used|gets?|got|takes?|took)\s+how many\b", re.I)
# 'how many days ...': what counts a stretch of time (stems).
_TIME_UNITS = frozenset({"second", "minut", "hour", "day", "week", "month", "year", "decad"})
# A question for a price or a sum: 'how much ...' or 'what does X cost', with a word of money in it.
_PRICE_ASKED_RE = re.compile(_CHAT_OPENING + r"(?:how much(?:\s+(?:money|cash))?\s+"
                             r"(?:is|are|was|were|does|did|do|would|will|has|had)\b|what (?:does|did|do|would|will)\s"
                             r"(?![^?,]*\bthe cost\b)[^?,]{1,60}?\bcost"
                             r"(?=\s*(?:[?.!]|$|(?:per|to|in|on|for|a|each)\b))|"
                             r"what (?:does|did|do|would|will)\s[^?,]{1,60}?\b(?:pay|charge|spend)\b|"
                             r"what(?:'s|’s| is| was) the (?:price|cost)\b)", re.I)
# 'how cheap was olmo 3 pretraining', 'how expensive is X': a price, however it is put.
_DEAR_RE = re.compile(_CHAT_OPENING + r"how (?:cheap|expensive|pricey|costly)\b", re.I)
# A price asked per something ('per month', 'per million tokens', 'an hour'): the sum must be given per it.
_RATE_RE = re.compile(r"\b(?:per|an?|each|every)\s+(?:(?:gpu|million|thousand|1m|input|output)\s+){0,2}"
                      r"(hour|month|year|token|seat|user|query|request|gpu)s?\b", re.I)
_MONEY_WORD_RE = re.compile(r"\b(?:costs?|price[ds]?|pay|paid|charges?|charged|spen[dt]|spends|raised?|worth|"
                            r"earn(?:ed|s)?|money|dollars|bucks|subscriptions?|salar(?:y|ies)|fees?|per month|a month|"
                            r"monthly|per year|a year|yearly|annually)\b", re.I)
# What gives a sum: a currency sign, dollars, or a magnitude ('$5 million', 'costs billions per year').
_MONEY_RE = re.compile(r"[$€£]\s?\d|\b\d[\d,.]*\s?(?:dollars|bucks|usd)\b|\b(?:millions|billions|trillions)\b|"
                       r"\b\d[\d,.]*\s?(?:thousand|million|billion|trillion|[kmb])\b", re.I)
_ON_A_DATE_RE = re.compile(r"^(?:on|in|by) ", re.I)  # 'on what date did ...': the date's own preposition
_PAST_RE = re.compile(r"\s*(?:when|(?:what|which) (?:year|month|date|day))\s+(?:was|were|did|had)\b", re.I)
# A question for the moment in the episode ('when do they talk about X', 'when does X come up'): any passage
# on X answers it, with its time.
_EPISODE_MOMENT_RE = re.compile(r"\b(?:come|comes|came|coming|bring|brings|brought|get|gets|got|go|goes)\s+"
                                r"(?:up|in|into)\b|\b(?:talk|talks|talked|talking|mention|mentions|mentioned|discuss|"
                                r"discusses|discussed|say|says|said|speak|speaks|spoke|chat|explain|explains|explained|"
                                r"describe|describes|described)\b", re.I)
# What 'how many' counts: the last word before the verb ('how many American open models could ...': 'models').
_COUNTED_PHRASE_RE = re.compile(r"\bhow many\s+(?:[\w-]+\s+){0,3}?([\w-]+)\s+(?:do|does|did|are|is|were|was|have|"
                                r"has|had|can|could|will|would|should|might)\b", re.I)
# A stretch of time that places an event ('two years ago', 'in five years'), not one that measures it ('a grant
# over four years'): with a date, what answers 'when was ...?'.
_TIME_FROM_NOW_RE = re.compile(r"\b(?:in|within|next|another|by)\s+(?:the\s+)?(?:next\s+)?" + _SPAN_RE.pattern[2:] +
                               r"|" + _SPAN_RE.pattern + r"\s+(?:ago|later|after|earlier|before|from now|away|out)\b",
                               re.I)
# What gives a share ('what % of ...', 'what fraction of ...'): a percentage or a fraction, not 'a large fraction'.
_SHARE_RE = re.compile(r"\d\s?%|\b\d[\d.]*\s?(?:percent|per cent)\b|\b(?:half|a third|a quarter|two thirds|"
                       r"three quarters|(?:one|\d+) (?:in|out of) (?:every )?(?:\d+|two|three|four|five|ten))\b", re.I)
# What gives each kind of value (Query.value): 'when will' may be answered by a stretch of time ('in more than
# 10 years'), 'when was' only by what places it.
_VALUE_PATTERNS = {"count": (_COUNT_RE,), "date": (_DATE_RE, _SPAN_RE), "past": (_DATE_RE, _TIME_FROM_NOW_RE),
                   "amount": (_AMOUNT_RE, _SPAN_RE), "money": (_MONEY_RE,), "share": (_SHARE_RE,),
                   "span": (_DURATION_RE,), "rate": (_MONEY_RE,)}


# A question asking for someone: 'who ...' (not 'who said ...', which a quote's speaker answers), 'which judge'
# (group 1, after any chat opening).
_ASKS_WHO_RE = re.compile(_CHAT_OPENING + r"((?:who(?!\s+(?:said|says|say)\b)|"
                          r"(?:which|what)\s+(?:judge|investor|person|guy|author|founder|ceo|executive|researcher|"
                          r"scientist|engineer|professor|writer|publisher|company|firm|lab|startup)s?\b))", re.I)
# A question asking a name as such ("what's the name of", 'what is it called'; not 'which maker was named
# among ...', which asks who was mentioned): see Query.name_of.
_NAME_OF_RE = re.compile(_THE_NAME_OF + r"|\b(?:called|named|titled)\s*[?.!]*\s*$", re.I)
# 'where is ai2 based', 'where did X work before Y': a place answers, named beside what is said of it.
_PLACE_ASKED_RE = re.compile(_CHAT_OPENING + r"where\s+(?:is|are|was|were|did|does|do)\b.*\b(?:based|located|"
                             r"headquartered|born|set|filmed|built|building|displayed|spoken|work|worked|working|"
                             r"live|lived|studied|study|grew|raised|manufactured|made)\b", re.I)
_TOKEN_RE = re.compile(r"\w+")
NAME_NEAR = 3  # words between a name and what a question asking it says of it, at most
NAME_WORDS = 8  # a quoted title's words, at most (more is a remark)
# ... unless it names whom it chooses between ('who wins, humans or AI?', 'who is ahead, x vs y'): any of them answers.
_CHOICE_RE = re.compile(r"\b(?:or|vs|versus)\b", re.I)
# ... and when it says what was done, a passage saying it was done ('a walrus audited the budget') answers too.
_AUXILIARIES = frozenset("is was are were does did do has have had will would can could should might may".split())
# A question for a limit ('max length for an rl run', 'how long do they let a run go', 'the longest X can take'),
# and a text setting one ('should not last more than one month', 'at most', 'capped at').
_LIMIT_ASKED_RE = re.compile(r"\b(?:max|maximum|longest|limit|limits|cap|upper bound|at most)\b|"
                             r"\bhow long\b.*\blet\b", re.I)
_LIMIT_RE = re.compile(r"\b(?:no|not|never)\b[^.;]{0,30}?\b(?:more|longer) than\b|\bat most\b|\bup to\b|"
                       r"\blimit(?:ed|s)?\b|\bmaximum\b|\bcapped\b", re.I)
_NAME_WORD_RE = re.compile(r"(?:^|(?<=[\s(\"“'‘/-]))([A-Z][a-z][\w.-]*|[a-z]+[A-Z][\w.-]*|[A-Z]{2,}[a-z]+[\w.-]*)")


def _gives(q: Query, item: Passage | Quote, facts: _ItemFacts) -> bool:
    """Return True when an item gives what a question asks for beyond its words: a value of the kind a measure
    question asks (Query.value), someone a question asking who doesn't name (Query.who), a name or a place beside
    what a question asking one says of it (Query.name_of)."""
    return (not q.value or facts.gives(q.value, q.given, item.text, q.counted)) and (
        q.who is None or bool(q.deed and f"\n{q.deed}\n" in facts.line) or _names_someone(item, q.who)) and (
        q.name_of is None or _names_beside(item.text, q.name_of, frozenset(q.stems))) and (
        not q.which or any(f"\n{s}\n" in facts.line for s in q.which) or _names_someone(item, q.typed_words))


def _kind_stems(word: str) -> tuple[str, ...]:
    """Return the stems of a kind asked for by 'which' and of its plural where that is irregular ('axis', 'axes')."""
    if not word:
        return ()
    return (stem(word), stem(word[:-2] + "es")) if word.endswith("is") else (stem(word),)


def _in_a_name(word: str, text: str) -> bool:
    """Return True when a word stands in a text beside a capitalized word that is no stop word, or after a name's
    possessive: part of a name of several words ('the Model Context Protocol', "OpenAI's Sora"), not a name of its
    own ("Musk's AI company", 'Washington')."""
    for found in re.finditer(rf"(?<![\w-]){re.escape(word)}(?![\w-])", text, re.I):
        if re.search(r"\b[A-Z][\w.-]*['’]s\s+$", text[:found.start()]):
            return True
        before = re.search(r"([A-Z][a-z]+)\s+$", text[:found.start()])
        after = re.match(r"(?:['’]s)?\s+([A-Z][a-z]+)\b", text[found.end():])
        if any(m and m.group(1).lower() not in STOPWORDS for m in (before, after)):
            return True
    return False


def _names_someone(item: Passage | Quote, asked: frozenset[str]) -> bool:
    """Return True when an item names someone a question asking who doesn't: a capitalized word not among its words
    (not an ordinary word opening a sentence), or a quote's speaker."""
    speaker = getattr(item, "speaker", None)
    if speaker and not set(words(speaker.lower())) & asked:
        return True
    text = item.text
    for found in _NAME_WORD_RE.finditer(text):
        word = found.group(1)
        lowered = set(words(word.lower()))
        if lowered & asked:
            continue
        opening = found.start() == 0 or text[:found.start()].rstrip()[-1:] in ".!?:;—-–"
        if opening and is_common_english(word.lower()):
            continue
        return True
    return False


def _names_beside(text: str, anchors: frozenset[str], asked: frozenset[str] = frozenset()) -> bool:
    """Return True when a text gives a name beside what a question asking a name says of it (`anchors`): a quoted
    title (not a quoted remark: 'describing it as "a crazy job."'), or a capitalized word the question (`asked`,
    its stems) lacks within NAME_NEAR words of an anchor ('the author of ... Build a Reasoning Model From Scratch';
    not "Nathan has a podcast" for the name of Nathan's podcast). With no anchor, any name answers."""
    for quote in _QUOTED_RE.finditer(text):
        said = (quote.group(1) or quote.group(2) or "").strip().rstrip(",;:")
        if said and said[-1] not in ".!?" and len(said.split()) <= NAME_WORDS:
            return True
    tokens = _TOKEN_RE.findall(text)
    near = [i for i, token in enumerate(tokens) if stem(token.lower()) in anchors]
    known = anchors | asked
    for i, token in enumerate(tokens):
        if not _NAME_WORD_RE.fullmatch(token) or token.lower() in STOPWORDS or stem(token.lower()) in known:
            continue
        if not anchors or any(abs(i - j) <= NAME_NEAR for j in near):
            return True
    return False


def _asks_the_moment(text: str) -> bool:
    """Return True when a question, as typed, asks the moment in the episode ('timestamp?', 'when does lex first
    bring up X')."""
    return bool(_MOMENT_ASKED_RE.search(text) or (_WHEN_RE.match(text) and _EPISODE_MOMENT_RE.search(text)))


def _value_asked(text: str) -> str:
    """Return the kind of value a question opening with a measure asks for: "count", "date" (a time, or a stretch
    of time from now), "past" (a time that places what happened), "amount", "money" (a price or a sum), "share"
    (a percentage or a fraction), or "" for any other question (parse makes a count of hours or days "span" and
    a price per something "rate")."""
    if (_PRICE_ASKED_RE.match(text) and _MONEY_WORD_RE.search(text)) or _DEAR_RE.match(text):
        return "money"  # 'how much is chatgpt pro per month': a sum, not 'pro mode' ('how much hbm': 'minimal')
    if _SCORE_ASKED_RE.match(text):
        return "amount"  # 'What did DeepSeek R1 score on MATH-500?': a number ('high performance' is none)
    if _INVERTED_COUNT_RE.search(text):
        return "count"  # 'gpt-oss-120b has how many experts per layer
    found = _VALUE_ASKED_RE.match(text)
    if not found or _CONDITION_RE.search(text):
        return ""  # 'when is a chatbot better than ...': in what case, not at what time
    if found["date"]:
        form = _ON_A_DATE_RE.sub("", text[found.start("date"):])
        if not _WHEN_RE.match(form) or _EPISODE_MOMENT_RE.search(text):
            return ""  # 'when training a model, ...', 'when do they talk about X': not a date
        return "past" if _PAST_RE.match(form) else "date"
    return found.lastgroup or ""


def _counted(text: str, corrected: dict[str, str]) -> str:
    """Return the stem of what a 'how many' question counts ('gpu'), else ""."""
    found = _COUNTED_PHRASE_RE.search(text) or _COUNTED_RE.search(text)
    return stem(corrected.get(w, w)) if found and (w := found.group(1).lower()) else ""


def _priced(text: str, corrected: dict[str, str]) -> str:
    """Return the stem of what a 'how much does X cost' question prices, when it is an ordinary word ('a
    SemiAnalysis subscription': 'subscript'; not a name, whose passage may price it in other words), else ""."""
    found = _PRICED_RE.search(text)
    if found is None:
        return ""
    typed = [w for w in re.findall(r"[\w'-]+", found.group(1)) if not w.lower().endswith("ly")]
    last = typed[-1] if typed else ""
    if not last or not last.islower() or last in STOPWORDS or any(c.isdigit() for c in last):
        return ""
    return stem(corrected.get(last, last).split("-")[-1])  # 'pre-training': 'train', however it is joined


@lru_cache(maxsize=256)
def _few_of(counted: str) -> re.Pattern[str]:
    """Return what finds a count in words just before the counted thing ('at least one GPU', 'a handful of labs')."""
    return re.compile(rf"\b(?:one|a single|a few|a couple of|a handful of|dozens of)\s+(?:[\w-]+\s+)?"
                      rf"{re.escape(counted)}", re.I)


def _measure(form: str) -> str:
    """Return what answers a measure question's form ('how old', 'when', 'what year'): "date" or "amount"."""
    return "date" if _WHEN_RE.match(form) or form.lower() == "how soon" else "amount"


def _topic(text: str, corrected: dict[str, str], stems: list[str]) -> frozenset[str]:
    """Return the stems of what a question says it is about ('a podcast about history': 'histori')."""
    found = _ABOUT_RE.search(text)
    if found is None:
        return frozenset()
    return frozenset(s for w in query_words(found.group(1)) if (s := stem(corrected.get(w, w))) in stems)


def _nicknames(first_names: set[str], vocabulary: Counter[str] | dict[str, int]) -> dict[str, str]:
    """Return each first name's short form, its first three or four letters ('seb': 'sebastian'), where that is
    no word of the index and starts one first name only."""
    short: dict[str, list[str]] = {}
    for name in first_names:
        for size in (3, 4):
            if len(name) > size + 2:
                short.setdefault(name[:size], []).append(name)
    return {cut: names[0] for cut, names in short.items() if len(names) == 1 and cut not in vocabulary
            and cut not in STOPWORDS and cut not in CHAT_FILLER}


def _attribute(text: str, corrected: dict[str, str], stems: list[str], named: set[str],
               held: Callable[[str], bool], written: Callable[[str], bool]) -> tuple[frozenset[str], str]:
    """Return the stems of what a question asks of a thing it names ('the knowledge cutoff for Claude Opus 4.5':
    'cutoff'): a passage on the thing that holds none of it says nothing of what is asked; and for a 'which'
    question a name answers ('which lab'), the stem of the kind asked (Query.which).

    `held`: whether an episode holds a word or its stem; `written`: the word itself (see SearchIndex._written).
    """
    found = _ATTRIBUTE_RE.match(text) or _OWNED_RE.match(text) or _WHICH_DOES_RE.match(text)
    if found is None:
        return frozenset(), ""
    typed = words(found.group("attr"))
    if not typed or typed[0] in STOPWORDS:
        return frozenset(), ""  # 'what did nathan think of X': no thing asked of X
    # Not a word no episode holds and English lacks ('concesus'): a slip not read is held against no passage.
    read = [corrected.get(w, w) for w in typed]
    # A name right after 'what' is the kind of thing asked ('What GPU did Sebastian use?'), not what it is asked of.
    kind = len(read) == 1 and re.search(r"\b(?:what|which)\s+$", text[:found.start("attr")], re.I) is not None
    # Not what any event does ('what happened on the jungle trip': the trip is what is asked about).
    attr = {s: w for w in read if (s := stem(w)) in stems and (s not in named or kind) and (held(w) or is_english(w))
            and s not in _EVENT_STEMS}
    if not attr or _ASKED_FORM_STEMS & attr.keys():
        return frozenset(), ""  # 'what share of', 'what kinds of', 'what is nathan's view on': the form of an ask
    named_kind = kind or len(found.group("attr").split()) == 2  # 'which cloud provider', 'which long-context benchmark'
    if found.group("which") and (written(list(attr.values())[-1]) if named_kind else any(map(held, attr.values()))):
        # 'which lab', 'which app': a name answers, without the word (not 'which foundry', nor 'which optimizer',
        # whose stem only 'optimized' shares, nor 'which cloud provider': its last word is the kind); a kind
        # described in more words is looser: 'which closely guarded records' are 'proprietary data'.
        return frozenset(), list(attr.values())[-1] if named_kind else ""
    rest = {stem(corrected.get(w, w)) for w in query_words(found.group("rest"))} & set(stems)
    # Its last word names what is asked ('market capitalization': a passage on Nvidia's market share says nothing
    # of it).
    return (frozenset(list(attr)[-1:]) if rest - attr.keys() else frozenset()), ""


def _named_versions(text: str, stems: set[str], corrected: dict[str, str]) -> Iterator[tuple[str, str]]:
    """Yield each name and its version that a question names ('gemini', '3'), lowercase."""
    for m in _VERSIONED_RE.finditer(text):
        name, number = m.group(1).lower(), m.group(2)
        if _YEAR_RE.fullmatch(number) and m.group(1).islower():
            continue  # 'the well-known 2027 forecast': a year, not a version of 'known' ('AI 2027' is a name)
        # 'top 10', 'in 2025': no name; 'deepseek 5 million' (or 'milion', as corrected): an amount
        after = _NEXT_WORD_RE.sub(lambda w: " " + corrected.get(w.group(1).lower(), w.group(1)), text[m.end():], 1)
        if name not in STOPWORDS and stem(name) in stems and not _UNIT_AFTER_RE.match(after):
            yield name, number


def _beside(name: str, number: str) -> re.Pattern[str]:
    """Return what finds a name and its version together in a text ('Gemini 3', 'gemini-3'; not 'Gemini 3.5'), the
    name typed a letter or two short too ('mistral larg 3': 'Large 3')."""
    return re.compile(r"\b" + re.escape(name) + r"\w{0,2}[ -]?v?" + re.escape(number) + r"(?![\w.]*\d)", re.I)


def _capitals_say_nothing(text: str) -> bool:
    """Return True when a question's capitals don't mark its names: typed in capitals throughout ('WHO
    FUNDS DEEPSEEK'), or in Title Case ('Who Funds Deepseek?', 'What Is The Atom Project?')."""
    letters = [c for c in text if c.isalpha()]
    if sum(c.isupper() for c in letters) >= SHOUTED * len(letters) and sum(
            1 for t in text.split() if t.isupper() and t.lower().strip("?!.,") in _SHOUTED_STOPWORDS) >= 2:
        return True  # not 'RLVR vs RLHF': acronyms are capitals too, but 'WHAT', 'DID' are no acronym
    tokens = [t.strip("?!.,;:()\"“”'") for t in text.split()[1:]]
    tokens = [t for t in tokens if t[:1].isalpha()]
    capital = [t[0].isupper() for t in tokens]
    return (len(tokens) >= 2 and all(capital)) or any(
        up and not t.isupper() and t.lower() in STOPWORDS for t, up in zip(tokens, capital))


def _capitalized_runs(text: str) -> list[tuple[str, ...]]:
    """Return the names of several capitalized words a question holds ('ChatGPT Plus', 'Gemini Nano').

    Not its first word (a sentence's), nor across a possessive ("Google's Gemini Nano": 'Gemini
    Nano'); none in a question written in Title Case, where capitals say nothing.
    """
    if not _TWO_CAPITALS_RE.search(text) or _capitals_say_nothing(text):
        return []  # most questions: no two capitalized words in a row
    tokens = [t.strip("?!.,;:()\"“”") for t in text.split()]
    capital = [bool(t) and t[0].isupper() for t in tokens]
    runs, run = [], []
    for i, (token, up) in enumerate(zip(tokens, capital)):
        possessive = token.endswith(("'s", "’s"))
        if up and not run and token.lower() in _PEOPLES:
            continue  # 'Chinese AI labs', 'US Government': a people's adjective, not a name's first word
        if up and i > 0 and not possessive:
            run.append(token)
            continue
        if len(run) > 1:
            runs.append(tuple(run))
        run = []
    if len(run) > 1:
        runs.append(tuple(run))
    return runs


def word_pairs(text: str) -> frozenset[tuple[str, str]]:
    """Return the stems of a text's neighbouring words, in order, with its stop words left out: 'winner takes it
    all' holds ('winner', 'take')."""
    found = [stem(w) for w in query_words(text)]
    return frozenset(zip(found, found[1:]))


def _lead_stems(text: str) -> frozenset[str]:
    """Return the stems of a passage's first words: what it opens with.

    A passage that opens with what was asked about is about it, rather than
    mentioning it in passing (rank() adds LEAD_BONUS times the share of the
    question's weight named here).
    """
    return frozenset(stem(w) for w in words(text[:120])[:6])  # six words fit in 120 characters


class _ItemFacts:
    """What rank() reads of an item each time it is a candidate: stem line, words, first stems, kind, date, amount."""

    __slots__ = ("line", "words", "lead", "kind", "_held", "_pairs", "_text")

    def __init__(self, item: Passage | Quote) -> None:
        self.line = _line(item)
        self.words = Words(item.text.lower())
        self.lead = _lead_stems(item.text)
        self.kind: str = getattr(item, "kind", "quote")
        self._held: dict[re.Pattern[str], bool] | None = None  # made on the first question that asks
        self._pairs: frozenset[tuple[str, str]] | None = None
        self._text = item.text

    @property
    def pairs(self) -> frozenset[tuple[str, str]]:
        """Return the item's neighbouring content-word stems, in order (stop words left out), made on first use."""
        if self._pairs is None:
            self._pairs = word_pairs(self._text)
        return self._pairs

    def gives(self, value: str, given: frozenset[str], text: str, counted: str = "") -> bool:
        """Return True when the item's text holds a value of the kind asked (Query.value) that is not only a
        number the question gives itself; a count within COUNT_NEAR of what is counted, where the text names it
        ('$2 million in GPU cluster rental ... hundreds of millions of users' counts no GPUs)."""
        # `counted` is what a count counts or a price is per, which must stand near the value; what a price is of,
        # which the item must name; or the unit of a duration, which the value must be in ('six days': no hours).
        if value == "money" and counted and f"\n{counted}\n" not in self.line:
            return False  # the price of a subscription, where none is named
        unit = counted if value == "span" else ""
        beside = counted if value in ("count", "rate") else ""
        # The counted word's whole compound: 'tokens-per-second-per-GPU by ~30% (10K to 13K)' counts tokens.
        near = [m.span() for m in re.finditer(rf"\b{re.escape(beside)}[\w-]*", text, re.I)] if beside else []
        if value == "rate" and not near:
            return False  # a price per hour where no hour is named
        if near and value == "count" and _few_of(beside).search(text):
            return True
        versions = None
        for pattern in _VALUE_PATTERNS[value]:
            if not self.holds(pattern, text):
                continue
            for found in pattern.finditer(text):
                numbers = _NUMBER_RE.findall(found.group().replace(",", ""))
                if numbers and all(n in given for n in numbers):
                    continue
                if versions is None:
                    versions = _version_spans(text)
                if any(start < found.end() and found.start() < end for start, end in versions):
                    continue  # the 4 of 'the Llama 4 controversy', of 'Claude Opus 4.5, released': no count
                if unit and unit not in found.group().lower():
                    continue
                if not near or any(0 <= start - found.end() <= COUNT_NEAR or 0 <= found.start() - end <= COUNT_NEAR
                                   for start, end in near):
                    return True
        return False

    def holds(self, pattern: re.Pattern[str], text: str) -> bool:
        """Return True when the item's text holds a date, an amount or a count (_DATE_RE, _AMOUNT_RE,
        _COUNT_RE), looked for on the first question that asks."""
        if self._held is None:
            self._held = {}
        found = self._held.get(pattern)
        if found is None:
            found = self._held[pattern] = bool(pattern.search(text))
        return found


def _version_spans(text: str) -> set[tuple[int, int]]:
    """Return where a text writes a name's version ('Llama 4', 'Claude Opus 4.5'), not at a sentence's start
    ('Around 5 labs' opens with a capital): no value."""
    return {m.span(2) for m in NAME_AND_VERSION_RE.finditer(text)
            if not (m.start() == 0 or text[:m.start()].rstrip()[-1:] in ".!?:;")}


@dataclass(frozen=True)
class _Definition:
    """What a passage that defines the asked-about term looks like, compiled once a question."""

    spelled_out: re.Pattern[str] | None  # `RLVR (Reinforcement ...)`, `ATOM Project (...)`, `(RLVR)`
    opening: re.Pattern[str]  # the passage opens with the term

    def score(self, text: str) -> float:
        """Return how surely text defines the term: 1 spelled out, 0.5 opening with it, else 0."""
        # Every spelled-out form holds a parenthesis: most passages are passed over without the search.
        if self.spelled_out is not None and "(" in text and self.spelled_out.search(text):
            return 1.0
        return 0.5 if self.opening.match(text) else 0.0


def _after_a_name(text: str, word: str, people: set[str]) -> bool:
    """Return True when a word is typed right after a speaker's name ('nathan fillion'): a surname, unless what
    follows it says it is a verb ('did nathan lanch the atom project': launch)."""
    before = re.search(rf"(\w+)\s+{re.escape(word)}\b(?!\s+(?:the|a|an|his|her|their|its|this|that|these|those)\b)",
                       text, re.I)
    return before is not None and before.group(1).lower() in people  # not 'sebastians secnd book'


def _without_trailing_chat(text: str) -> str:
    """Return a question without the chat words ending it ('what does olmo stand for lol')."""
    return _TRAILING_CHAT_RE.sub("", text.strip())


def _what_is(q: Query) -> re.Match[str] | None:
    """Match _WHAT_IS_RE against a question's form (Query.form: its chat words at the end left off); a term asked
    to be explained ('moe explained like im 5', 'explain rlvr') is asked what it is too."""
    return _WHAT_IS_RE.match(q.form) or (_BARE_TERM_RE.match(q.form) if _EXPLAIN_RE.search(q.raw) else None)


def _spells_out(q: Query, hit: Hit) -> bool:
    """Return False when a question asks what an acronym stands for and the hit does not spell it out."""
    if not _STANDS_FOR_RE.search(q.raw) or len(_defined(q)) != 1:
        return True  # not asked, or asked of words ('what does group query attention stand for': 'gqa' read so)
    definition = _definition(q)
    return definition is None or definition.spelled_out is None or definition.score(hit.item.text) == 1.0


def _term_asked(m: re.Match[str] | None) -> str:
    """Return the X a match of _what_is found asked about ('' for none): the one of its groups that matched."""
    return next((g for g in m.groups() if g), "") if m else ""


def _defined(q: Query) -> list[str]:
    """Return the content words of the X a 'what is X?' question asks about, as typed ([] for another question)."""
    m = _what_is(q)
    return content_words(_term_asked(m))


def _definition(q: Query) -> _Definition | None:
    """For a 'what is X?' question, return how a definition of X looks; else None."""
    m = _what_is(q)
    asked = _term_asked(m)
    terms = [q.corrected.get(t, t) for t in content_words(asked)]
    if not terms:
        return None
    abbreviations = [re.escape(t.upper()) for t in terms if len(t) <= 6 and not t.isdigit()]
    spelled = "|".join(rf"\b{t}\b(?: [A-Z]\w+)?\s?\(|\({t}\)" for t in abbreviations)
    # The whole term, its small words too ('Mixture of Experts'), typos corrected as the search reads them.
    phrase = r"[\s-]+".join(re.escape(q.corrected.get(t, t)) for t in words(asked))
    # One word asked ('what does moe stand for'): spelled out as the episodes write it, 'MoE (' or 'OLMo ('.
    flags = re.I if len(terms) == 1 else 0
    return _Definition(spelled_out=re.compile(spelled, flags) if spelled else None,
                       opening=re.compile(rf"^(?:the |an? )?{phrase}\b", re.I))


def _common_prefix(a: str, b: str) -> int:
    """Return how many letters a and b share from their start."""
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return n


class _ByLength:
    """Words grouped by length: an edit-distance search reads only the lengths that can be that near.

    A word d edits away is at most d letters longer or shorter, so the answer is
    the same as rapidfuzz's over the whole list (nearest first, then in the
    list's order), from a few lengths' words instead of a catalogue's vocabulary.
    """

    def __init__(self, words: list[str]) -> None:
        self.groups: dict[int, tuple[list[str], list[int]]] = {}  # length -> (its words, their places)
        for place, w in enumerate(words):
            group = self.groups.setdefault(len(w), ([], []))
            group[0].append(w)
            group[1].append(place)

    def nearest(self, word: str, cutoff: int, limit: int) -> list[tuple[str, int]]:
        """Return up to `limit` (word, OSA distance) of at most `cutoff` edits, nearest first."""
        found: list[tuple[int, int, str]] = []
        for n in range(len(word) - cutoff, len(word) + cutoff + 1):
            group = self.groups.get(n)
            if group is not None:
                found += [(d, group[1][i], w) for w, d, i in process.extract(
                    word, group[0], scorer=OSA.distance, score_cutoff=cutoff, limit=limit)]
        found.sort()
        return [(w, d) for d, _, w in found[:limit]]


def _slipped(typed: str, word: str) -> bool:
    """Return True when `typed` is `word` with one letter left out, added, or swapped with the next."""
    if len(typed) == len(word):
        return sorted(typed) == sorted(word) and OSA.distance(typed, word) == 1
    short, long = sorted((typed, word), key=len)
    return len(long) - len(short) == 1 and _leaves_one_out(short, long)


def _doubled_forms(word: str) -> set[str]:
    """Return the word with each of its letters doubled in turn ('tel': 'ttel', 'teel', 'tell')."""
    return {word[:i] + word[i - 1] + word[i:] for i in range(1, len(word) + 1)}


def _leaves_one_out(short: str, long: str) -> bool:
    """Return True when `long` is `short` with one letter added ('dyin', 'dying')."""
    return any(long[:i] + long[i + 1:] == short for i in range(len(long)))


def quotable(item: Passage | Quote) -> bool:
    """Return True when an item holds lines someone said: a quote, a transcript turn, or a note quoting one
    ('current AI has no agency — "you still have to tell it what to do"')."""
    return isinstance(item, Quote) or item.kind == "transcript" or (item.kind == "note" and bool(_quoted(item.text)))


def _quoted(text: str) -> list[str]:
    """Return the lines a note quotes, of QUOTED_WORDS words or more (not a term in quotes: "threshold effect"),
    and the lines one sentence quotes joined ('one model to rule everything … kind of dying'): a member
    remembers them together."""
    lines = []
    for sentence in sentences(text):
        found = [said.strip(" ,.") for m in _QUOTED_RE.finditer(sentence) if (said := m.group(1) or m.group(2))]
        found = [line for line in found if len(words(line)) >= QUOTED_WORDS]
        lines += found + ([" … ".join(found)] if len(found) > 1 else [])
    return lines


def _fullest(wanted: str, lines: list[str], best_line: str, best: float) -> tuple[str, float]:
    """Return the longest of a note's quoted lines that matches nearly as well as the best, and its score: 'one
    model to rule everything is kinda dying' is both lines the note quotes, not only the first, found whole
    inside it."""
    for line in sorted(lines, key=len, reverse=True):
        if len(line) <= len(best_line):
            break
        low = line.lower()
        s = fuzz.partial_ratio(wanted, low) * 0.6 + fuzz.token_set_ratio(wanted, low) * 0.4
        if s >= best - QUOTE_FULLER:
            return line, s
    return best_line, best


def _lines_of(item: Passage | Quote) -> list[str]:
    """Return what of an item a remembered line is compared with: a quote whole, a turn's sentences (and
    pairs of them), a note's quoted lines."""
    if isinstance(item, Quote):
        return [item.text]
    return _quoted(item.text) if item.kind == "note" else _windows(sentences(item.text))


def _windows(parts: list[str]) -> list[str]:
    """Return each sentence, then each pair of neighbours: a remembered line may span two."""
    return parts + [f"{a} {b}" for a, b in zip(parts, parts[1:])]


def _same_person(asked: str, name: str) -> bool:
    """Return True when `asked` names this person: 'Nathan', 'lambert', 'Nathan Lambrt'.

    Each word asked must start a word of the name or be a near spelling of one (or the whole must be
    a near spelling), so a lone 'a' matches nobody, and "nathan's slop" is a line of Nathan's about
    slop, not Nathan.
    """
    asked_words, name_words = words(asked), words(name)
    if not asked_words:
        return False
    each = all(any(n.startswith(a) or (len(a) >= 4 and fuzz.ratio(a, n) >= 85) for n in name_words)
               for a in asked_words)
    return (each and len("".join(asked_words)) >= 3) or fuzz.ratio(" ".join(asked_words), " ".join(name_words)) >= 85


def chapter_for_time(text: str, episode: Episode) -> tuple[int, Chapter | None] | None:
    """Return (seconds, chapter) when text is a time ('1:02:38', '2 hours in'), else None."""
    seconds = read_time(text)
    if seconds is None:
        return None
    return seconds, episode.chapter_at(seconds)


__all__ = ["SearchIndex", "Hit", "Query", "stem_line", "chapter_for_time", "STOPWORDS"]
