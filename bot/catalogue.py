"""The back catalogue as a listener sees it: each episode's length and chapter count,
a filter by title, guest or topic, and the episode a question names.

Built once per library snapshot (see `catalogue_of`), so listing or filtering
500 episodes reads a few prepared sets instead of every passage.
"""

from __future__ import annotations

import re
import weakref
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from rapidfuzz import fuzz

from . import i18n
from .text import content_words, format_time, stem, words

if TYPE_CHECKING:
    from .library import EpisodeFacts, Library
    from .models import Episode

# "in episode 490", "from #490", "in the AI 2026 episode", "on the transistor show".
# "episode 490" / "ep 490" names an episode wherever it stands ("ep 490 what was said about fp8");
# a bare "#490" only after a preposition ("in #490"): "the #1 open model" is no episode.
_NAMED_NUMBER = re.compile(r"\s*\b(?:(?:in|on|from|during)\s+(?:the\s+)?)?(?:episode|ep\.?)\s*#?(\d{1,6})\b"
                           r"|\s*\b(?:in|on|from|during)\s+(?:the\s+)?#(\d{1,6})\b", re.I)
_NAMED_TITLE = re.compile(r"\s*\b(?:in|on|from|during)\s+(?:the\s+)?((?:[^\s?!.,;]+\s+){0,5}?[^\s?!.,;]+)"
                          r"\s+(?:episode|ep|show|podcast)\b", re.I)


@dataclass(frozen=True)
class Entry:
    """One episode of the catalogue, with what a listing shows and what a filter reads."""

    episode: Episode
    length: int | None  # seconds: the last moment the episode's documents name
    title_stems: frozenset[str]  # number, title, host and guests
    topic_stems: frozenset[str]  # tags, chapter titles, notes sections
    text: str  # the same words in one line, for typo-tolerant matching

    def line(self) -> str:
        """Return the listing line: number and title, date, length, chapters."""
        parts = [self.episode.label]
        if self.episode.date:
            parts.append(i18n.format_date(self.episode.date))
        if self.length:
            parts.append(format_time(self.length) or "")
        parts.append(i18n.ngettext("{n} chapter", "{n} chapters", len(self.episode.chapters)))
        return " · ".join(parts)


class Catalogue:
    """Every episode of a library, newest first."""

    def __init__(self, library: Library) -> None:
        self.library = library

    @cached_property
    def entries(self) -> list[Entry]:
        """Return every episode's entry, newest first, built on first use.

        Stemming every title and topic costs about 15 ms of a cold `episode-bot ask`,
        and a question that names no episode ('... in episode 490') needs none of it.
        """
        return [_entry(e, self.library.facts(e)) for e in reversed(self.library.episodes)]

    @cached_property
    def _by_id(self) -> dict[int, Entry]:
        return {id(x.episode): x for x in self.entries}

    def entry(self, episode: Episode) -> Entry:
        return self._by_id.get(id(episode)) or _entry(episode, self.library.facts(episode))

    def length(self, episode: Episode) -> int | None:
        return self.entry(episode).length

    def find(self, query: str) -> list[Entry]:
        """Return the episodes whose title, guests or topics hold every word of query, newest first.

        When no episode holds them all, a near spelling of the query in an
        episode's title, guests or topics counts (typos: 'transistr').
        """
        stems = {stem(w) for w in content_words(query)} or {stem(w) for w in words(query)}
        if not stems:
            return list(self.entries)
        exact = [x for x in self.entries if stems <= (x.title_stems | x.topic_stems)]
        if exact:
            return exact
        wanted = " ".join(words(query))
        return [x for x in self.entries if len(wanted) >= 4 and fuzz.partial_ratio(wanted, x.text) >= 85]

    def named_in(self, question: str) -> tuple[Episode, str] | None:
        """Return the episode a question names ('... in the AI 2026 episode') and the question without it.

        Only a name that picks one episode for sure counts (its number, or
        every word of the phrase in its title or guests), so an ordinary
        question ('... in the first episode of training') is left alone.
        """
        for m in _NAMED_NUMBER.finditer(question):
            number = int(m.group(1) or m.group(2))
            found = next((x.episode for x in self.entries if x.episode.number == number), None)
            if found is not None:
                return found, _without(question, m)
        for m in _NAMED_TITLE.finditer(question):
            phrase = {stem(w) for w in content_words(m.group(1))}
            if not phrase:
                continue
            found = next((x.episode for x in self.entries if phrase <= x.title_stems), None)
            if found is not None:
                return found, _without(question, m)
        return None


def _without(question: str, m: re.Match[str]) -> str:
    rest = (question[:m.start()] + question[m.end():]).strip()
    return rest or question


def _entry(e: Episode, facts: EpisodeFacts) -> Entry:
    title = [str(e.number) if e.number is not None else "", e.title, e.host or "", *e.guests]
    topics = [*e.tags, *(c.title for c in e.chapters), *facts.sections]
    return Entry(episode=e, length=facts.length,
                 title_stems=frozenset(stem(w) for t in title for w in words(t)),
                 topic_stems=frozenset(stem(w) for t in topics for w in words(t)),
                 text=" ".join(words(" ".join([*title, *topics]))))


_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def catalogue_of(index: object, library: Library) -> Catalogue:
    """Return the catalogue of a snapshot, built on first use and dropped with its index."""
    found = _CACHE.get(index)
    if found is None:
        found = _CACHE[index] = Catalogue(library)
    return found


def short_label(episode: Episode, limit: int = 40) -> str:
    """Return the episode's label cut at a subtitle: '#490 State of AI in 2026'."""
    title = episode.title
    if len(title) > limit:
        title = re.split(r"\s*[:|–—]\s+", title, maxsplit=1)[0]
    return f"#{episode.number} {title}" if episode.number is not None else title
