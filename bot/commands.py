"""Every command, declared once: options, limits, autocomplete and handler.

The Discord command tree, the Slack manifest, the CLI and the help text are
all built from COMMANDS; nothing about a command is written anywhere else.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable, Literal, Sequence

from . import examples as _examples
from . import i18n, listening, spoilers
from .catalogue import catalogue_of, short_label
from .errors import UserError
from .i18n import N_, _, ngettext
from .library import describe_time
from .models import Chapter, Episode, Quote, moment_url
from .replies import Action, Button, Citation, Field_, Reply, Result
from .search import DECLINE_BELOW, Hit, chapter_for_time, quotable
from .text import clock_mentioned, format_time, is_time_line, normalize_query, one_slip_from, query_words, shorten

# 'the beginning', 'the end', 'last part': a chapter by its place, not its title.
_PART = r"(?:part|chapter|bit|section|segment|one)"
_FIRST_CHAPTER = re.compile(rf"(?:the )?(?:very )?(?:beginning|start|opening|first {_PART})", re.I)
_LAST_CHAPTER = re.compile(rf"(?:the )?(?:very )?(?:end|ending|outro|closing|(?:last|final) {_PART})", re.I)
# The words for the episode itself, as members write them.
_EPISODE_WORDS = r"episode|ep|pod|podcast|show|convo|conversation|interview"
# 'tldr', 'the whole thing', 'summarize the episode': the episode's own summary, not a topic.
_WHOLE_EPISODE = re.compile(rf"(?:(?:of|on|for|the|this|that|whole|entire|full|overall)\s+)*(?:thing|everything|"
                            rf"{_EPISODE_WORDS})", re.I)
# 'list the chapters', 'toc': the list, asked for in words; 'the tool calling section': a chapter, asked for so.
_ALL_CHAPTERS = re.compile(r"(?:(?:list|show|see|give|me|all|the|every|of)\s+)*(?:chapters|sections|segments|"
                           r"chapter list|table of contents|toc)", re.I)
# 'chapter 5', 'ch. 5', '5th chapter': a chapter by its number in the list (group 1 or 2).
_NUMBERED_CHAPTER = re.compile(r"(?:the )?(?:(?:chapter|ch\.?|part|section|segment|#)\s*(\d{1,3})|"
                               r"(\d{1,3})(?:st|nd|rd|th) (?:chapter|part|section|segment))", re.I)
_CHAPTER_WORD = re.compile(r"\b(?:section|chapter|segment)\b", re.I)
# How a member says where they want to go in the episode, not what about ('sponsors section, want to skip it').
_NAVIGATING = re.compile(r"\b(?:(?:i )?(?:want|wanna|need) to|skip(?:ping)?(?: (?:it|this|that|past|over|ahead))?|"
                         r"jump(?:ing)? (?:to|ahead to|past)|take me to|fast[- ]?forward(?: to)?)\b", re.I)
_CLOCK_RE = re.compile(r"(?<![\d:])(\d{1,2}):([0-5]\d)(?![\d:])")  # a clock of two parts: '3:52', '54:41'
# 'second chapter', 'the secnd to last chaptr', 'penultimate section': a chapter by its place in words.
_ORDINALS = {"first": 1, "second": 2, "third": 3, "fourth": 4, "fifth": 5, "sixth": 6, "seventh": 7, "eighth": 8,
             "ninth": 9, "tenth": 10}
_ORDINAL_CHAPTER = re.compile(rf"(?:the )?({'|'.join(_ORDINALS)}) {_PART}", re.I)
_FROM_THE_END = re.compile(rf"(?:the )?(?:(?:({'|'.join(_ORDINALS)}) to (?:the )?last)|penultimate) {_PART}", re.I)
# How a member asks for a place, around what they ask: 'whats the last chapter', 'ok so second chapter pls'.
_ASKING_FOR_A_PLACE = frozenset("what whats wat which is was the show me give ok so wait lol pls please that it "
                                "tell".split())
# ... and after it: 'whats the last chapter about', 'the second chapter called again'.
_ASKING_AFTER_A_PLACE = frozenset("about abt on called named titled again".split())
# A place, then which chapter it is in other words: 'the very last chaptr, the big-picture future one'.
_PLACE_THEN_WHICH = re.compile(r"\s*([^,;(]+?)\s*(?:[,;(]| - | – | — )")
# The words of a place, as typed with a letter wrong ('chaptr', 'secnd').
_PLACE_NAMES = sorted({"chapter", "chapters", "section", "segment", "beginning", "final", *_ORDINALS})
# 'a nathan quote', 'quotes by sebastian', 'random quote': a notable quote, by someone or anyone, asked for
# in words rather than with the speaker option (group 'by': who, if anyone).
_PRAISED = r"(?:give me|show me|got|any|an?|some|the|random|good|best|top|fav(?:ou?rite)?|notable|famous|another)"
_QUOTE_BY = re.compile(rf"(?:{_PRAISED}\s+)*(?:(?P<by>[^\s].*?)(?:'s)?\s+)?(?:{_PRAISED}\s+)*quotes?(?: of the day)?"
                       r"(?:\s+(?:from|by|in)\s+(?P<from>.+?))?", re.I)
# How a line is asked for, not its words: 'sebastian quote about ...', 'the line about ...', "lex line abt it
# getting super technical", "nathans line that agent mistakes are ...", 'sebastian no winner takes all line' (the
# speaker's name is left to weigh).
_QUOTE_WORD = re.compile(r"\bquot(?:e|es|ed)\b(?:\s+(?:about|on|where|when|from|by)\b)?|"
                         r"(?:^\s*(?:the|that)\s+|\b)(?:line|bit|part)\s+(?:about|abt|where|when|on|from|that|saying)\b|"
                         r"^\s*who said\b|\s(?:line|quote)\s*[?!.]*\s*$", re.I)
# The words of a line, in quotes of any kind within a description of it ("the 'saving marriage' line").
_QUOTED_WORDS = re.compile(r"""(?:^|(?<=[\s(]))['"“‘](?P<said>[^'"“”‘’]*\w[^"“”‘’]*?)(?:['"”’])(?=[\s,.?!)]|$)""")
# 'best quote from the episode': from anyone in it.
_THE_EPISODE = re.compile(rf"(?:the |this |that )?(?:{_EPISODE_WORDS})", re.I)

if TYPE_CHECKING:
    from .core import EpisodeBot, Snapshot

PAGE_SIZE = 5
MAX_QUERY = 300  # characters in a question or topic

Complete = Literal["episode", "chapter", "speaker", "before"]
EPISODES_PAGE = 10  # episodes listed a page


@dataclass(frozen=True)
class Option:
    name: str
    description: str
    required: bool = False
    max_length: int = MAX_QUERY
    autocomplete: Complete | None = None
    positional: bool = True  # the CLI takes it as an argument, not --name


@dataclass(frozen=True)
class Caller:
    """Who runs a command, and where: platform ids as they arrive (hashed before anything is stored)."""

    platform: str = "cli"  # cli, discord, slack
    user: str | None = None
    channel: str | None = None
    workspace: str | None = None  # Discord guild or Slack team


@dataclass(frozen=True)
class Command:
    """A command, declared once. `admin=True` marks a subcommand of /episodebot (ADMIN_GROUP).

    A member command's handler takes (bot, snapshot, episode, values, page); an
    admin subcommand's takes (bot, caller, values), since what it does depends
    on who and where (a channel's default episode), not on one episode. Each
    front end checks the caller is an admin before running one.
    """

    name: str
    description: str
    example: str
    options: tuple[Option, ...]
    handler: Callable[..., Reply]
    usage_hint: str = ""
    admin: bool = False
    personal: bool = False  # its handler also takes the Caller: it answers per member (/progress)

    @property
    def query_option(self) -> str | None:
        """The option that takes what the user typed: the first one that is not the episode."""
        return next((o.name for o in self.options if o.name != "episode"), None)

    @property
    def usage(self) -> str:
        parts = [f"<{o.name}>" if o.required else f"[{o.name}]" for o in self.options]
        return " ".join([*([ADMIN_GROUP] if self.admin else []), self.name, *parts])


BEFORE = Option("before", N_("Spoiler-safe: use only what starts before this time, e.g. 45:00"), max_length=20,
                autocomplete="before", positional=False)
EPISODE = Option("episode", N_("Episode number, part of its title, or 'latest'"), max_length=100,
                 autocomplete="episode", positional=False)


# -- handlers -----------------------------------------------------------------

def ask(bot: EpisodeBot, snap: Snapshot, episode: Episode, args: dict[str, str], page: int) -> Reply:
    question = asked = args["question"]
    if not args.get("episode"):  # "... in the AI 2026 episode" picks that episode
        named = catalogue_of(snap.index, snap.library).named_in(question)
        if named is not None:
            episode, question = named
    speaker, before = args.get("speaker", ""), _before(args)
    if speaker:
        _check_speaker(snap, episode, speaker)
    hits, q = snap.index.ask(question, episode)
    hits = _kept(hits, before, speaker)
    reply = _reply("ask", asked, episode, f"{episode.label}")
    if not hits:
        found = _elsewhere(snap, episode, question, asked, before, speaker, page)
        return found or _decline(reply, snap, episode, question, "that")
    if hits[0].match == "meaning":
        # Only something close in meaning here ('Haskorek' for 'Haskorane'): an episode that holds the
        # question's own words answers it better.
        found = _elsewhere(snap, episode, question, asked, before, speaker, page, words_only=True)
        if found is not None:
            return found
    return _page(reply, hits, page, q.corrected, extra=speaker)


def quote(bot: EpisodeBot, snap: Snapshot, episode: Episode, args: dict[str, str], page: int) -> Reply:
    text, speaker = args.get("text", ""), args.get("speaker", "")
    before = _before(args)
    reply = _reply("quote", text, episode, _("Quote from {episode}", episode=episode.label))
    asked = _QUOTE_BY.fullmatch(_said(text))
    if asked and not speaker:  # 'a nathan quote': a notable quote by Nathan, not a line with his name in it
        who = asked.group("by") or asked.group("from") or ""
        who = "" if _THE_EPISODE.fullmatch(who) else who
        if not who or any(_is(who, s) for s in snap.speakers(episode)):
            text, speaker = "", who
    if speaker:
        _check_speaker(snap, episode, speaker)
    if not text:
        pool = [q for q in spoilers.items_before(snap.library.full(episode).quotes, before)
                if not speaker or (q.speaker and _is(speaker, q.speaker))]
        if not pool:
            reply.message = (_("This episode has no notable quotes from {speaker}.", speaker=speaker) if speaker
                             else _("This episode has no notable quotes."))
            return reply
        chosen = random.choice(pool)
        hit = Hit(item=chosen, episode=episode, score=1.0, coverage=1.0)
        return _page(reply, [hit], 1, {})
    described = _QUOTE_WORD.sub(" ", text)
    hits = spoilers.hits_before(snap.index.quotes(described, episode, speaker or None), before)
    said = _QUOTED_WORDS.search(text)
    if not hits and said:
        # "sam altman 'our gpus are hurting' line", "the one about ai being 'jagged'": the words in quotes are
        # the line; around them, who is said to have said it or where, which the line may not hold.
        hits = spoilers.hits_before(snap.index.quotes(said.group("said"), episode, speaker or None), before)
    if not hits and not said:
        # A line described in other words ('the sam altman gpu line nathan paraphrased'): the answer to the
        # description asked as a question, when that answer is a line someone said. Words typed in quotes are
        # remembered ones: when no line holds them, none is found by a looser search for them.
        found, _q = snap.index.ask(described, episode)
        hits = [h for h in _kept(found, before, speaker)[:1] if h.match and quotable(h.item)]
    if not hits and not said and not speaker and (named := _speaker_named(snap, episode, described)):
        # 'lex saying r1 shocked the whole field', "seb quote about ppl moving between labs": the person named is
        # who said it; their lines alone are looked through, for the rest of the description.
        who, rest = named
        hits = spoilers.hits_before(snap.index.quotes(rest, episode, who), before)
    if not hits:
        return _from_another(bot, snap, episode, "quote", args, page, text) or \
            _decline(reply, snap, episode, text, _("that quote"))
    return _page(reply, hits, page, {}, extra=speaker)


def chapter(bot: EpisodeBot, snap: Snapshot, episode: Episode, args: dict[str, str], page: int) -> Reply:
    wanted, before = args.get("title_or_time", ""), _before(args)
    reply = _reply("chapter", wanted, episode, _("Chapters of {episode}", episode=episode.label))
    if not episode.chapters:
        reply.message = _("This episode has no chapter list.")
        return reply
    shown = spoilers.chapters_before(episode.chapters, before)
    if not shown:
        reply.message = _("No chapter starts before then.")
        return reply
    place = _place(wanted)
    if not _by_place(place) and (head := _PLACE_THEN_WHICH.match(wanted)) and _by_place(said := _place(head.group(1))):
        place = said  # 'the very last chaptr, the big-picture future one': the place is asked
    if not wanted or _ALL_CHAPTERS.fullmatch(place):
        reply.results = [_chapter_result(episode, c) for c in shown]
        reply.body = "\n".join(f"`{format_time(c.start)}` {c.title}" for c in shown)
        return reply
    if _FIRST_CHAPTER.fullmatch(place):
        return _chapter_reply(snap, episode, reply, shown[0], shown, before)
    if _LAST_CHAPTER.fullmatch(place):
        return _chapter_reply(snap, episode, reply, shown[-1], shown, before)
    if (from_end := _FROM_THE_END.fullmatch(place)) is not None:
        back = _ORDINALS[from_end.group(1).lower()] if from_end.group(1) else 2
        return _chapter_reply(snap, episode, reply, shown[max(0, len(shown) - back)], shown, before)
    numbered = _NUMBERED_CHAPTER.fullmatch(place) or _ORDINAL_CHAPTER.fullmatch(place)
    if numbered:
        number = int(numbered.group(1) or numbered.group(2)) if numbered.re is _NUMBERED_CHAPTER else \
            _ORDINALS[numbered.group(1).lower()]
        if not 1 <= number <= len(episode.chapters):
            raise UserError(_("This episode has chapters 1 to {count}.", count=len(episode.chapters)),
                            _("Leave the title out to see them all."))
        if number > len(shown):
            raise UserError(_("{time} is after your spoiler-safe limit ({limit}).",
                              time=format_time(episode.chapters[number - 1].start), limit=spoilers.short(before)),
                            _("Ask about an earlier time, or leave the limit out."))
        return _chapter_reply(snap, episode, reply, shown[number - 1], shown, before)
    at = _time_asked(wanted, episode, before)
    if at is not None and (clock := at[2]) is not None:
        # '3:52 what chapter is that' in a four-hour episode: hours and minutes, said so.
        reply.message = _("Read {typed} as {time}, hours and minutes; for minutes and seconds, ask for {other}.",
                          typed=f"{clock // 60}:{clock % 60:02d}", time=format_time(at[0]), other=format_time(clock))
    if at is None and is_time_line(wanted.replace(" ", "")):  # 9:99:99: time-shaped, but no clock shows it
        raise UserError(_("{time} is not a possible time: minutes and seconds go up to 59.", time=wanted),
                        _("Try e.g. 1:30:00 or 90:00."))
    if at is not None:
        seconds, found, _clock = at
        if found is None:
            raise UserError(_("{time} is before the first chapter.", time=format_time(seconds)))
        last = episode.chapters[-1]
        if found is last and seconds > last.start + 4 * 3600:
            raise UserError(_("{time} is past the end of the episode.", time=format_time(seconds)))
        if before is not None and seconds >= before:
            raise UserError(_("{time} is after your spoiler-safe limit ({limit}).", time=format_time(seconds),
                              limit=spoilers.short(before)),
                            _("Ask about an earlier time, or leave the limit out."))
        chosen = found
    else:
        # Its words as typed (capitals mark names), a place word's slip mended: 'the burnuot and overwork chaptr'.
        typed = " ".join(w if (mended := _as_place_word(w.lower())) == w.lower() else mended for w in wanted.split())
        sought = _NAVIGATING.sub(" ", _CHAPTER_WORD.sub(" ", typed)).strip() or wanted
        ranked = [(c, s) for c, s in snap.index.chapters(sought, episode) if c in shown]
        chosen = ranked[0][0] if ranked else _chapter_about(snap, episode, sought)
        if chosen not in shown:
            chosen = None
        if chosen is None:
            return _from_another(bot, snap, episode, "chapter", args, page, wanted) or \
                _decline(reply, snap, episode, wanted, _("a chapter like that"))
        if not ranked:
            reply.message = _("No chapter title matches {wanted!r}; this is the chapter where it comes up.",
                              wanted=wanted)
    return _chapter_reply(snap, episode, reply, chosen, shown, before)


def _time_asked(wanted: str, episode: Episode, before: int | None
                ) -> tuple[int, Chapter | None, int | None] | None:
    """Return (seconds, the chapter at them, the clock's minutes and seconds when read as hours and minutes instead)
    for a time a member typed ('1:02:38', '2 hours in', '3:52' in a four-hour episode), else None."""
    at = chapter_for_time(wanted, episode)
    if at is None:
        return None
    hours = _hours_meant(wanted, at[0], episode, before)
    return (hours, episode.chapter_at(hours), at[0]) if hours is not None else (*at, None)


def _hours_meant(wanted: str, seconds: int, episode: Episode, before: int | None) -> int | None:
    """Return the time in hours and minutes a clock of two parts means ('3:52': 3:52:00) when the episode
    runs that long, else None: minutes and seconds then ('54:41'), as a chapter list writes them, as
    copied from it ('1:39', where a chapter starts), and within a spoiler-safe limit the hours pass.

    A member typing a time into a long episode from memory writes its hours and minutes; as minutes and
    seconds it would fall among the first chapters, rarely what is asked about.
    """
    clocks = _CLOCK_RE.findall(wanted)
    if len(clocks) != 1:
        return None
    first, second = map(int, clocks[0])
    if first * 60 + second != seconds:  # the time read was not this clock's minutes and seconds
        return None
    hours = seconds * 60
    last = episode.chapters[-1]
    if any(c.start == seconds for c in episode.chapters) or hours >= (last.end or last.start) or (
            before is not None and hours >= before):
        return None
    return hours


def _by_place(place: str) -> bool:
    """Return True when what a member typed (see _place) names a chapter by its place or number."""
    return any(pattern.fullmatch(place) for pattern in (_FIRST_CHAPTER, _LAST_CHAPTER, _FROM_THE_END,
                                                        _NUMBERED_CHAPTER, _ORDINAL_CHAPTER))


def _place(text: str) -> str:
    """Return what a member typed for a chapter, without the asking around it ('whats the last chapter' is 'last
    chapter') and with the words of a place as meant ('chaptr', 'secnd')."""
    said = [_as_place_word(w) for w in _said(text).lower().split()]
    while said and _unquoted(said[0]) in _ASKING_FOR_A_PLACE:
        said.pop(0)
    while said and (_unquoted(said[-1]) in _ASKING_FOR_A_PLACE or said[-1] in _ASKING_AFTER_A_PLACE):
        said.pop()
    return " ".join(said)


def _unquoted(word: str) -> str:
    """Return a word without its apostrophes ("what's" is 'whats')."""
    return word.replace("’", "").replace("'", "")


def _as_place_word(word: str) -> str:
    """Return the word of a place a word is one slip from ('chaptr': 'chapter'), else the word."""
    return word if word in _PLACE_NAMES else one_slip_from(word, _PLACE_NAMES) or word


def _said(text: str) -> str:
    """Return what a member typed, its spaces folded and its closing '?!.' dropped, for the patterns above
    (which ignore case) to match whole."""
    return " ".join(text.split()).rstrip("?!.")


def _chapter_reply(snap: Snapshot, episode: Episode, reply: Reply, chosen: Chapter, shown: list[Chapter],
                   before: int | None) -> Reply:
    """Fill a chapter reply: the chapter, what is said in it, and buttons to the chapters beside it."""
    reply.title = chosen.title
    reply.results = [_chapter_result(episode, chosen)]
    reply.body = _chapter_body(snap.library.full(episode), chosen, before)
    index = episode.chapters.index(chosen)
    if index > 0:
        reply.buttons.append(Button(label=_("Previous chapter"), action=Action(
            kind="prev", command="chapter", episode=episode.id, query=str(episode.chapters[index - 1].start))))
    if index + 1 < len(shown):
        reply.buttons.append(Button(label=_("Next chapter"), action=Action(
            kind="next", command="chapter", episode=episode.id, query=str(episode.chapters[index + 1].start))))
    return reply


def summary(bot: EpisodeBot, snap: Snapshot, episode: Episode, args: dict[str, str], page: int) -> Reply:
    topic, before = args.get("topic", ""), _before(args)
    reply = _reply("summary", topic, episode, _("Summary of {episode}", episode=episode.label))
    if not topic or _WHOLE_EPISODE.fullmatch(_said(topic)) or not query_words(normalize_query(topic)):
        # A TL;DR first, then the overview lines, then the takeaways.
        chosen = sorted((p for p in spoilers.items_before(snap.library.full(episode).passages, before)
                         if p.kind in ("summary", "takeaway")),
                        key=lambda p: (p.kind != "summary", p.section != "TL;DR"))
        if not chosen:
            reply.message = (_("The TL;DR and takeaways cover the whole episode, so none is spoiler-safe; "
                               "ask about a topic instead.") if before is not None else
                             _("This episode has no TL;DR or takeaways; ask about a topic instead."))
            return reply
        hits = [Hit(item=p, episode=episode, score=1.0, coverage=1.0) for p in chosen]
        return _page(reply, hits, page, {})
    reply.title = _("{episode}: on {topic}", episode=episode.label, topic=topic)
    hits = spoilers.hits_before(snap.index.summary(topic, episode), before)
    if not hits:
        return _from_another(bot, snap, episode, "summary", args, page, topic) or \
            _decline(reply, snap, episode, topic, _("anything on that topic"))
    return _page(reply, hits, page, {})


def episode_info(bot: EpisodeBot, snap: Snapshot, episode: Episode, args: dict[str, str], page: int
                 ) -> Reply:
    reply = _reply("episode", args.get("episode", ""), episode, episode.label)
    reply.body = episode.description or ""
    facts = [(_("Number"), str(episode.number) if episode.number is not None else None, True),
             (_("Show"), episode.show, False), (_("Date"), _date(episode), True), (_("Host"), episode.host, True),
             (_("Language"), i18n.language_name(episode.language) if getattr(episode, "language", None)
              else None, True),
             (_("Guests"), ", ".join(episode.guests) or None, False),
             (_("Links"), "\n".join(f"{l.label}: {l.url}" for l in episode.links) or None, False),
             (_("Chapters"), ngettext("{n} (see the chapter command)", "{n} (see the chapter command)",
                                      len(episode.chapters)) if episode.chapters else None, False),
             (_("Sources"), "\n".join(episode.sources), False)]
    reply.fields = [Field_(name=n, value=v, inline=inline) for n, v, inline in facts if v]
    reply.details = episode.model_dump(mode="json", include={
        "id", "number", "title", "show", "date", "host", "guests", "links", "tags", "description", "chapters",
        "sources", "conflicts"})
    reply.results = [Result(text=f"{episode.label}. {episode.description or ''}".strip(), kind="episode",
                            title=episode.title, source="; ".join(episode.sources),
                            link=episode.page_url, score=1.0)]
    return reply


def help_(bot: EpisodeBot, snap: Snapshot, episode: Episode, args: dict[str, str], page: int) -> Reply:
    reply = Reply(command="help", title=_("What I can do"),
                  body=_("Ask about an episode; I answer from its notes and transcript and say when it was said."))
    examples = _examples.examples(snap.index, episode)  # written for the episode members ask about
    for command in COMMANDS:
        example = examples.get(command.name, command.example)
        reply.fields.append(Field_(name=command.usage, value=_("{description}\nExample: {example}",
                                                                description=_(command.description),
                                                                example=example)))
        reply.results.append(Result(text=_(command.description), kind="command", title=command.usage,
                                    section=example))
    if "chapter" in examples:
        at = examples["chapter"].removeprefix("chapter ")
        reply.body += "\n" + _("Still listening? Give a time (the before option: `before:{at}` in Slack, "
                               "`--before {at}` on the command line) and answers use only what comes before it.",
                               at=at)
    return reply


def episodes(bot: EpisodeBot, snap: Snapshot, episode: Episode, args: dict[str, str], page: int) -> Reply:
    query = args.get("query", "")
    catalogue = catalogue_of(snap.index, snap.library)
    found = catalogue.find(query) if query else catalogue.entries
    reply = Reply(command="episodes", query=query, title=_("Episodes matching {query!r}", query=query) if query else _("Episodes"))
    if not found:
        reply.message = reply.body = _("No episode's title, guests or topics match {query!r}.", query=query)
        reply.suggestions = ["episodes"]
        return reply
    start = (page - 1) * EPISODES_PAGE
    shown = found[start:start + EPISODES_PAGE]
    reply.page, reply.more = page, len(found) > start + EPISODES_PAGE
    if not shown:
        reply.message = reply.body = _("No more episodes.")
        return reply
    reply.results = [Result(text=x.line(), kind="episode", title=x.episode.title, episode=x.episode.id,
                            link=x.episode.page_url, score=1.0) for x in shown]
    reply.body = "\n".join(x.line() for x in shown)
    reply.message = (ngettext("{n} episode, newest first (page {page} of {pages}).",
                              "{n} episodes, newest first (page {page} of {pages}).", len(found),
                              page=page, pages=-(-len(found) // EPISODES_PAGE)) if len(found) > EPISODES_PAGE
                     else ngettext("{n} episode, newest first.", "{n} episodes, newest first.", len(found)))
    reply.details = {"episodes": [{
        "id": x.episode.id, "number": x.episode.number, "title": x.episode.title,
        "date": x.episode.date.isoformat() if x.episode.date else None,
        "length": format_time(x.length), "chapters": len(x.episode.chapters)} for x in shown]}
    if reply.more:
        reply.buttons.append(Button(label=_("More episodes"), action=Action(
            kind="more", command="episodes", page=page + 1, query=query)))
    return reply


# -- building replies -----------------------------------------------------------

def _reply(command: str, query: str, episode: Episode, title: str) -> Reply:
    return Reply(command=command, query=query, episode=episode.id, episode_label=episode.label, title=title)


def _result(hit: Hit) -> Result:
    item, episode = hit.item, hit.episode
    kind = "quote" if isinstance(item, Quote) else item.kind
    text = hit.excerpt or item.text
    return Result(
        text=text, kind=kind, title=getattr(item, "title", None), speaker=item.speaker,
        timestamp=format_time(item.time), chapter=item.chapter, section=getattr(item, "section", None),
        source="; ".join(str(s) for s in item.sources), score=round(hit.score, 4),
        link=moment_url(episode.video_url or episode.page_url, item.time),
        seconds=item.time, time_basis=item.time_basis, remark=getattr(item, "remark", None),
        episode=episode.id, match=hit.match,
    )


def _chapter_about(snap: Snapshot, episode: Episode, topic: str) -> Chapter | None:
    """Return the chapter of the best answer about a topic, when one is found."""
    hits, _q = snap.index.ask(topic, episode)
    # A passage with its own time is a surer guide than one placed by topic.
    hits.sort(key=lambda h: h.item.time_basis == "chapter")
    titles = [h.item.chapter for h in hits if h.item.chapter]
    return next((c for c in episode.chapters if titles and c.title == titles[0]), None)


def _chapter_result(episode: Episode, c: Chapter) -> Result:
    span = (_("{start} to {end}", start=format_time(c.start), end=format_time(c.end)) if c.end is not None
            else format_time(c.start))
    return Result(text=f"{c.title} ({span})", kind="chapter", title=c.title,
                  timestamp=format_time(c.start), chapter=c.title,
                  source=str(c.source) if c.source else None, score=1.0,
                  link=moment_url(episode.video_url or episode.page_url, c.start),
                  seconds=c.start, time_basis="own", episode=episode.id)


def _chapter_body(episode: Episode, c: Chapter, before: int | None = None) -> str:
    lines = [_("Starts at {start} and ends at {end}.", start=format_time(c.start), end=format_time(c.end))
             if c.end is not None else _("Starts at {start}.", start=format_time(c.start))]
    said = [p for p in spoilers.items_before(episode.passages, before)
            if p.chapter == c.title and p.time_basis == "own"]
    for p in said[:3]:
        lines.append(f"`{format_time(p.time)}` {shorten(p.text, 200)}")
    return "\n".join(lines)


def _page(reply: Reply, results: Sequence[Result | Hit], page: int, corrected: dict[str, str],
          extra: str = "") -> Reply:
    """Show one page of results; `extra` is what the More button must keep (a quote's speaker).

    Hits are made into results for the page shown only (an answer may have dozens).
    """
    start = (page - 1) * PAGE_SIZE
    reply.results = [r if isinstance(r, Result) else _result(r) for r in results[start:start + PAGE_SIZE]]
    reply.page = page
    reply.more = len(results) > start + PAGE_SIZE
    if not reply.results:
        reply.message = _("No more results.")
        return reply
    if corrected:
        reply.message = _("Searched for {words}", words=", ".join(
            _("{word!r} (you typed {typed!r})", word=b, typed=a) for a, b in corrected.items()))
    top = reply.results[0]
    when = describe_time(top.seconds, top.time_basis)
    reply.body = top.text + (f"\n— {top.speaker}" if top.speaker and top.kind in ("quote", "transcript") else "")
    if when:
        reply.body += f"\n{when}" + (f" · {top.chapter}" if top.chapter else "")
    for r in reply.results[1:]:
        when = describe_time(r.seconds, r.time_basis)
        name = f"{when} · {r.chapter}" if when and r.chapter else (r.section or _kind_name(r.kind))
        reply.fields.append(Field_(name=name, value=r.text))
    reply.citations = [Citation(source=r.source or "", timestamp=r.timestamp, link=r.link) for r in reply.results]
    if reply.more:
        reply.buttons.append(Button(label=_("More results"), action=Action(
            kind="more", command=reply.command, episode=reply.episode or "", page=page + 1, query=reply.query,
            extra=extra)))
    return reply


_KIND_NAMES = {"quote": N_("Quote"), "transcript": N_("Transcript"), "summary": N_("Summary"),
               "takeaway": N_("Takeaway"), "description": N_("Description"), "chapter": N_("Chapter"),
               "note": N_("Note"), "highlight": N_("Highlight"), "episode": N_("Episode")}


def _kind_name(kind: str) -> str:
    """A result's kind as a field name, in the reply's language (`kind` itself stays English in --json)."""
    return _(_KIND_NAMES[kind]) if kind in _KIND_NAMES else kind.capitalize()


def _before(args: dict[str, str]) -> int | None:
    """Return the spoiler-safe limit the core checked and put in args (seconds), or None."""
    value = args.get("before", "")
    return int(value) if value.isdecimal() else None


def _speaker_named(snap: Snapshot, episode: Episode, described: str) -> tuple[str, str] | None:
    """Return (the speaker, the description without their name) for the first of an episode's speakers a
    description of a line names ("sebastian's line that ...", 'seb quote about ...'), else None."""
    nicknames = snap.index.nicknames
    for found in _NAME_IN_DESCRIPTION.finditer(described):
        word = found.group(1).lower()
        word = nicknames.get(word, word)
        who = next((s for s in snap.speakers(episode) if len(word) >= 3 and _is(word, s)), None)
        if who is not None:
            rest = " ".join(f"{described[:found.start()]} {described[found.end():]}".split())
            return (who, rest) if rest else None
    return None


# A word of a description and its possessive ("sebastian's", 'nathans' stays a word: it may be the name).
_NAME_IN_DESCRIPTION = re.compile(r"\b([a-z]+)(?:['’]s)?\b", re.I)


def _check_speaker(snap: Snapshot, episode: Episode, speaker: str) -> None:
    if not any(_is(speaker, s) for s in snap.speakers(episode)):
        raise UserError(_("No one called {speaker!r} speaks in this episode.", speaker=speaker),
                        _("Try one of: {names}.", names=", ".join(snap.speakers(episode)[:8])))


def _kept(hits: list[Hit], before: int | None, speaker: str) -> list[Hit]:
    """Keep the hits before the spoiler-safe limit and by the speaker; none when too little is left."""
    if before is None and not speaker:
        return hits
    kept = spoilers.hits_before(hits, before)
    if speaker:
        kept = [h for h in kept if h.item.speaker and _is(speaker, h.item.speaker)]
    # What is left must still answer the question as well as an unfiltered answer must.
    return kept if kept and (max(h.coverage for h in kept) >= DECLINE_BELOW or kept[0].match == "meaning") else []


def _elsewhere(snap: Snapshot, asked: Episode, question: str, typed: str, before: int | None, speaker: str,
               page: int, words_only: bool = False) -> Reply | None:
    """Answer from another episode of the catalogue when the one asked about has nothing.

    The results keep the episode they came from; the message says so, and a
    button asks the question in that episode. `words_only`: only an answer
    carried by the question's words counts (not one close in meaning alone).
    """
    if len(snap.library.episodes) < 2:
        return None
    hits, q = snap.index.ask(question, None)
    hits = _kept([h for h in hits if h.episode is not asked], before, speaker)
    if not hits or (words_only and hits[0].match not in ("words", "both")):
        return None
    other = hits[0].episode
    hits = [h for h in hits if h.episode is other]
    reply = _page(_reply("ask", typed, asked, other.label), hits, page, q.corrected,
                  extra=speaker)
    if reply.results:
        top = reply.results[0]
        when = f" ({top.timestamp})" if top.timestamp else ""
        found = _("Not in {asked}. In {other}{when}: {text}", asked=short_label(asked), other=short_label(other),
              when=when, text=shorten(top.text, 200))
        reply.message = f"{found} {reply.message}" if reply.message else found
    reply.buttons.append(Button(label=_("Ask in {episode}", episode=short_label(other)), action=Action(
        kind="open", command="ask", episode=other.id, query=question, extra=speaker)))
    return reply


def taught_first(reply: Reply, taught: Result, episode: Episode) -> Reply:
    """Put the answer admins chose for this question first (page 1), above the bot's own results."""
    same = (taught.source, taught.timestamp)
    others = [r for r in reply.results if (r.source, r.timestamp) != same]
    fresh = _reply(reply.command, reply.query, episode, reply.title or episode.label)
    fresh = _page(fresh, [taught, *others], 1, {})
    fresh.results = fresh.results[:PAGE_SIZE]
    fresh.more = reply.more
    fresh.buttons = [b for b in reply.buttons if b.action.kind not in ("prev", "next")] if reply.results else []
    return fresh


_HERE_ONLY = "_here_only"  # set on a command re-run in another episode: it must not look further


def _from_another(bot: EpisodeBot, snap: Snapshot, asked: Episode, command: str, args: dict[str, str],
                  page: int, query: str) -> Reply | None:
    """Run a command in the episode of the catalogue that answers it, when the one asked about can't.

    The episode is the one holding the best passage on the query (the same
    search as ask's fallback); the command then answers there as usual, and
    the message says where the answer came from.
    """
    if args.get(_HERE_ONLY) or len(snap.library.episodes) < 2:
        return None
    hits, _q = snap.index.ask(query, None)
    hits = spoilers.hits_before([h for h in hits if h.episode is not asked], _before(args))
    if not hits:
        return None
    other = hits[0].episode
    try:
        reply = BY_NAME[command].handler(bot, snap, other, {**args, "episode": other.id, _HERE_ONLY: "1"}, page)
    except UserError:
        return None
    if reply.error or not reply.results:
        return None
    top = reply.results[0]
    when = f" ({top.timestamp})" if top.timestamp else ""
    found = _("Not in {asked}. In {other}{when}: {text}", asked=short_label(asked), other=short_label(other),
              when=when, text=shorten(top.text, 200))
    reply.message = f"{found} {reply.message}" if reply.message else found
    # As for ask: the reply is about the episode asked; each result names the one it came from.
    reply.episode, reply.episode_label = asked.id, asked.label
    return reply


def _decline(reply: Reply, snap: Snapshot, episode: Episode, query: str, what: str) -> Reply:
    reply.results = []
    reply.message = _("I couldn't find {what} in {episode}.", what=what, episode=episode.label)
    ranked = snap.index.chapters(query, episode) if episode.chapters else []
    near = [c.title for c, score in ranked[:3] if score >= 0.55] or _near_by_meaning(snap, episode, query)
    if (at := _moment_named(query, episode)) is not None:  # 'what did they say at 1:24': that moment's chapter
        near = [at.title, *(t for t in near if t != at.title)][:3]
    reply.suggestions = [f"chapter {t}" for t in near] or _examples.suggestions(snap.index, episode)
    reply.body = reply.message
    return reply


def _moment_named(query: str, episode: Episode) -> Chapter | None:
    """Return the chapter at the moment a question names ('the line at 1:24', read as the chapter command
    reads a clock), or None."""
    clock = clock_mentioned(query)
    at = _time_asked(clock, episode, None) if clock and episode.chapters else None
    return at[1] if at is not None else None


def _near_by_meaning(snap: Snapshot, episode: Episode, query: str) -> list[str]:
    """Return the titles of the episode's chapters closest in meaning to a declined question (up to 3)."""
    from .search import SUGGEST_MEANING_BAR

    ranked = snap.index.chapters_by_meaning(snap.index.parse(query), episode) if episode.chapters else []
    return [c.title for c, sim in ranked[:3] if sim >= SUGGEST_MEANING_BAR]


def _date(episode: Episode) -> str | None:
    if not episode.date:
        return None
    conflict = next((c for c in episode.conflicts if c.field == "date"), None)
    if not conflict:
        return i18n.format_date(episode.date)
    others = sorted({v for v, _ in conflict.values} - {episode.date.isoformat()})
    return _("{date} (other sources say {others})", date=i18n.format_date(episode.date), others=", ".join(others))


def _is(asked: str, name: str) -> bool:
    from .search import _same_person
    return _same_person(asked, name)


COMMANDS: tuple[Command, ...] = (
    Command("ask", N_("Ask a question about an episode"), 'ask "What is RLVR?"',
            (Option("question", N_("Your question"), required=True),
             Option("speaker", N_("Only what this person said"), max_length=100, autocomplete="speaker",
                    positional=False), EPISODE, BEFORE), ask,
            usage_hint=N_("Type a question after the command.")),
    Command("quote", N_("Find a quote, or get a random notable one"), "quote calculator",
            (Option("text", N_("Words from the quote (leave empty for a random one)")),
             Option("speaker", N_("Who said it"), max_length=100, autocomplete="speaker", positional=False),
             EPISODE, BEFORE), quote),
    Command("chapter", N_("Find a chapter by title or time, or list them all"), "chapter 1:30:00",
            (Option("title_or_time", N_("A chapter title or a time like 1:02:38"), max_length=100,
                    autocomplete="chapter"), EPISODE, BEFORE), chapter),
    Command("summary", N_("The episode's TL;DR and takeaways, or what it says on a topic"),
            'summary "work culture"', (Option("topic", N_("A topic (leave empty for the TL;DR)")),
                                       EPISODE, BEFORE), summary),
    Command("episode", N_("Title, date, guests, links and sources of an episode"), "episode 490",
            (Option("episode", N_("Episode number, part of its title, or 'latest'"), max_length=100,
                    autocomplete="episode"),), episode_info),
    Command("episodes", N_("The episodes, newest first, or those whose title, guests or topics match"),
            "episodes scaling", (Option("query", N_("Words of a title, a guest's name or a topic (leave empty "
                                           "for all)"), max_length=100),), episodes),
    Command("progress", N_("Remember where you are in an episode; answers then stop there (spoiler-safe)"),
            "progress 45:00", (Option("time", N_("Where you are, e.g. 45:00 ('clear' forgets it; empty shows it)"),
                                      max_length=20, autocomplete="before"), EPISODE), listening.progress,
            personal=True),
    Command("help", N_("What the bot can do, with an example of each command"), "help", (), help_),
)

BY_NAME = {c.name: c for c in COMMANDS}

# -- admin subcommands: /episodebot SUBCOMMAND ------------------------------------------
# Discord shows the group only to members with Manage Server (and the handler checks
# again); Slack allows EPISODE_BOT_SLACK_ADMINS and workspace admins/owners; the CLI is
# the host's own. To add one: write its handler (bot, caller, values) -> Reply and
# declare it here with admin=True.

ADMIN_GROUP = "episodebot"
ADMIN_GROUP_DESCRIPTION = N_("Admin tools: what people ask, what goes unanswered, feedback, teaching")
DAYS = Option("days", N_("How many days back (default 7)"), max_length=4)

from . import admin as _admin  # noqa: E402  (its handlers use the helpers above)

ADMIN_COMMANDS: tuple[Command, ...] = (
    Command("stats", N_("Questions per day, decline rate, votes, latency and top commands"), "stats 7",
            (DAYS,), _admin.stats, admin=True),
    Command("unanswered", N_("Declined questions, grouped by similar wording, with counts"), "unanswered 30",
            (DAYS,), _admin.unanswered, admin=True),
    Command("feedback", N_("Answers people marked 👎, with the question, the source and reasons"), "feedback 30",
            (DAYS,), _admin.feedback, admin=True),
    Command("teach", N_("Give a question the answer it should get first (QUESTION → ANSWER)"),
            'teach "What is RLVR? → 1:02:38"',
            (Option("question", N_("The question, then → and a time, a chapter or a result number "
                       "(leave the answer out to pick from the bot's results)"), required=True),
             Option("answer", N_("A time (1:02:38), 'chapter TITLE', or the number of one of the bot's results"),
                    max_length=100, positional=False), EPISODE), _admin.teach,
            usage_hint=N_("Type the question, an arrow and the answer, e.g. What is RLVR? → 1:02:38"),
            admin=True),
    Command("untaught", N_("List taught answers, or remove one by its number"), "untaught 2",
            (Option("number", N_("The number of a taught answer to remove (leave empty to list them)"),
                    max_length=12),), _admin.untaught, admin=True),
    Command("reload", N_("Read the episodes again from the seeds folder"), "reload", (), _admin.reload,
            admin=True),
    Command("episodes", N_("The episodes the bot knows, with what each holds"), "episodes", (), _admin.episodes,
            admin=True),
)

ADMIN_COMMANDS += (
    Command("channel-episode", N_("The episode this channel answers from when a command names none"),
            "channel-episode 490", (Option("episode", N_("Episode number, part of its title, or 'clear' (leave "
                                              "empty to see it)"), max_length=100, autocomplete="episode"),),
            listening.set_channel_episode, admin=True),
)

from . import channel_language as _channel_language  # noqa: E402

ADMIN_COMMANDS += (
    Command("channel-language", N_("The language this channel is answered in (Slack sends none with a command)"),
            "channel-language ru", (Option("language", N_("A language code such as ru, de or pt-BR, or 'clear' "
                                                           "(leave empty to see it)"), max_length=20),),
            _channel_language.set_channel_language, admin=True),
)

ADMIN_BY_NAME = {c.name: c for c in ADMIN_COMMANDS}
