"""Examples taken from the episode in question: its terms, quotes, chapters and topics.

Help, usage hints and the suggestions of a decline show these, so a member of
a show about transistors is never told to try "What is RLVR?". Every example
is checked against the episode (the command it suggests must answer) and
kept per snapshot, so each episode's are worked out once.
"""

from __future__ import annotations

import re
import weakref
from collections import Counter
from typing import TYPE_CHECKING, Callable

from . import i18n
from .i18n import _
from .text import STOPWORDS, content_words, format_time, searching, words

if TYPE_CHECKING:
    from .models import Episode
    from .search import SearchIndex

_TERM_RE = re.compile(r"\b[A-Z][A-Z0-9]{2,7}s?\b")  # RLVR, GPUs, LLM
# Section headings that name a kind of note, not a topic.
_GENERIC = {"notes", "show notes", "summary", "highlights", "takeaways", "key takeaways", "quotes", "overview",
            "tl dr", "tldr", "introduction", "links", "guests", "chapters", "timestamps", ""}
_CANDIDATES = 6  # terms tried per example, so a strange episode costs a few searches at most

_CACHE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def examples(index: SearchIndex, episode: Episode) -> dict[str, str]:
    """Return, per command, an example written for this episode (`ask "What is RLVR?"`)."""
    found: dict[str, str] = {}
    for part in _PARTS:
        found.update(_part(index, episode, part))
    return found


def question(index: SearchIndex, episode: Episode) -> str:
    """Return a question this episode answers, e.g. 'What is RLVR?'."""
    return _unquote(examples(index, episode)["ask"].removeprefix("ask "))


def suggestions(index: SearchIndex, episode: Episode) -> list[str]:
    """Return where else to look in this episode when a search found nothing."""
    # Only these two parts: a declined question waits for no example question or quote being tried.
    ex = {**_part(index, episode, "chapter"), **_part(index, episode, "summary")}
    return [ex[name] for name in ("summary", "chapter") if name in ex]


def _part(index: SearchIndex, episode: Episode, part: str) -> dict[str, str]:
    """Return one part of an episode's examples, worked out the first time it is asked for."""
    parts = _CACHE.setdefault(index, {}).setdefault(episode.id, {})
    found = parts.get(part)
    if found is None:
        with searching(episode.language):  # its stop words: no 'quote который' for a Russian episode
            found = parts[part] = _PARTS[part](index, episode)
    return found


def _ask_part(index: SearchIndex, episode: Episode) -> dict[str, str]:
    ask = _ask(index, episode)
    return {"ask": f'ask "{ask}"'} if ask else {}


def _quote_part(index: SearchIndex, episode: Episode) -> dict[str, str]:
    quote = _quote_words(index, episode)
    return {"quote": f"quote {quote}" if quote else "quote"}


def _chapter_part(index: SearchIndex, episode: Episode) -> dict[str, str]:
    if not episode.chapters:
        return {}
    middle = episode.chapters[len(episode.chapters) // 2]
    return {"chapter": f"chapter {format_time(middle.start)}", "progress": f"progress {format_time(middle.start)}"}


def _summary_part(index: SearchIndex, episode: Episode) -> dict[str, str]:
    topic = _topic(index, episode)
    return {"summary": f'summary "{topic}"' if topic else "summary"}


def _rest_part(index: SearchIndex, episode: Episode) -> dict[str, str]:
    ex = {"episode": f"episode {episode.number if episode.number is not None else episode.id}"}
    people = [n for n in [*episode.guests, episode.host] if n]
    ex["episodes"] = f"episodes {words(people[0])[-1]}" if people and words(people[0]) else "episodes"
    ex["help"] = "help"
    return ex


# The parts of an episode's examples, in the order help lists them; each is worked out when first needed.
_PARTS: dict[str, Callable[[SearchIndex, Episode], dict[str, str]]] = {
    "ask": _ask_part, "quote": _quote_part, "chapter": _chapter_part, "summary": _summary_part, "rest": _rest_part}


def _ask(index: SearchIndex, episode: Episode) -> str | None:
    """A 'What is X?' for a term the notes spell out or name most, else a question about its guests."""
    written = [p.text for p in index.library.full(episode).passages if p.kind in ("takeaway", "summary", "note", "highlight")]
    counts = Counter(m.rstrip("s") if m.endswith("s") and m[:-1].isupper() else m
                     for text in written for m in _TERM_RE.findall(text))
    # Terms the notes spell out first ('What is RLVR?' has a definition to answer with), then the most named.
    spelled = {t for t in counts if any(re.search(rf"\b{t}s? \((?:[A-Z][\w-]*\s+){{1,6}}", x) for x in written)}
    terms = sorted(counts, key=lambda t: (t not in spelled, -counts[t]))[:_CANDIDATES]
    chapters = [c.title for c in episode.chapters[1:]][:_CANDIDATES]
    with i18n.speaking(episode.language):  # asked in the episode's language (English where we lack it)
        tried = [_("What is {term}?", term=t) for t in terms] + [
            _("What did they say about {topic}?", topic=_phrase(c)) for c in chapters if _phrase(c)]
        if episode.guests:
            tried.append(_("Who are the guests?"))
    for text in tried:
        hits, _q = index.ask(text, episode)
        if hits:
            return text
    return None


def _quote_words(index: SearchIndex, episode: Episode) -> str | None:
    """The rarest word of a notable quote, so `quote WORD` finds that quote."""
    for q in index.library.full(episode).quotes[:_CANDIDATES]:
        candidates = [w for w in content_words(q.text) if len(w) >= 5 and w.isalpha()]
        candidates.sort(key=lambda w: index.vocab_df.get(w, 0) or 1_000_000)
        for word in candidates[:2]:
            if index.quotes(word, episode, None):
                return word
    return None


def _topic(index: SearchIndex, episode: Episode) -> str | None:
    """A topic the summary command answers: a notes section's first words, else a tag."""
    sections = index.library.facts(episode).sections
    tried = [_phrase(s) for s in sections if _phrase(s) not in _GENERIC][:_CANDIDATES]
    tried += [t.replace("-", " ") for t in episode.tags[:_CANDIDATES]]
    for topic in tried:
        if topic and index.summary(topic, episode):
            return topic
    return None


def _phrase(title: str) -> str:
    """The head of a title, before a comma or colon, in lower case: 'Work Culture, Silicon...' -> 'work culture'."""
    head = re.split(r"[,:;(?]| vs\.? | - | – ", title, maxsplit=1)[0]
    kept = words(head)[:4]
    while kept and kept[-1] in STOPWORDS:
        kept.pop()
    return " ".join(kept)


def _unquote(text: str) -> str:
    return text[1:-1] if len(text) > 1 and text[0] == text[-1] == '"' else text
