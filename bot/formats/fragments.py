"""Turn timed transcript fragments (caption cues, JSON segments) into readable passages.

Caption files cut speech into two-second pieces, and Podcasting 2.0 JSON
transcripts are often one word per segment. A passage the bot can quote is a
few sentences by one speaker, so fragments are joined until the speaker
changes, a long pause falls, or the passage is long enough and a sentence ends.
Each passage keeps the start time and the line of its first fragment.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Callable

from ..text import clean_line
from .base import ParsedDocument

# A fragment at most this long after the last one starts a new passage anyway.
PAUSE = 6.0
# Passage length (characters): prefer to end after TARGET at a sentence end, never pass LIMIT.
TARGET = 320
LIMIT = 700

_TAG_RE = re.compile(r"<[^>]*>|\{\\[^}]*\}")  # HTML/VTT tags, ASS overrides like {\an8}
_SPEAKER_RE = re.compile(r"^([A-Z][\w.'’-]*(?: [A-Z0-9][\w.'’-]*){0,3}|[A-Z]{2,}(?: [A-Z]{2,}){0,2}):\s+(\S.*)$")
_NOT_SPEAKERS = {"note", "warning", "update", "edit", "ps", "p.s.", "q", "a", "http", "https"}
_SPACE_RE = re.compile(r"\s+")
_SOUND_RE = re.compile(r"^[\[(♪][^\])]*[\])♪]?$|^♪+$")  # [Music], (applause), ♪


@dataclass
class Reader:
    """A seed reader that is not a module of its own (one module may hold two formats)."""

    NAME: str
    sniff: Callable[[str, str], int]
    read: Callable[[ParsedDocument, list[str]], None]


@dataclass
class Fragment:
    """One timed piece of speech, as the file gives it."""

    start: float  # seconds
    end: float | None
    text: str
    line: int  # 1-based line in the file
    speaker: str | None = None
    turn: bool = False  # the file marks a new speaker here without naming them (">>", "- ")


def clean_fragment(raw: str) -> str:
    """Strip markup and entities from caption text; keep the words.

    Only spaces are folded here: doc.add() cleans the joined passage once,
    which is much faster than cleaning every two-second fragment.
    """
    return _SPACE_RE.sub(" ", html.unescape(_TAG_RE.sub("", raw))).strip()


@lru_cache(maxsize=1024)
def clean_name(name: str) -> str | None:
    """Return a speaker's name as shown (a file names the same few people thousands of times)."""
    return clean_line(name) or None


def split_speaker(text: str) -> tuple[str | None, str, bool]:
    """Split `Speaker: words`, `>> words` or `- words` into (speaker, words, new turn)."""
    text = text.strip()
    if text.startswith(">>"):
        text = text.lstrip("> ").strip()
        speaker, rest, _ = split_speaker(text)
        return speaker, rest, True
    if text.startswith(("- ", "– ")):
        return None, text[2:].strip(), True
    m = _SPEAKER_RE.match(text)
    if m and m.group(1).lower() not in _NOT_SPEAKERS and not m.group(1).isdigit():
        return clean_name(m.group(1)), m.group(2), True
    return None, text, False


def is_sound(text: str) -> bool:
    """Return True for a caption that only describes a sound: [Music], (laughs), ♪."""
    return bool(_SOUND_RE.match(text.strip()))


def merge(doc: ParsedDocument, fragments: list[Fragment], section: str = "Transcript") -> int:
    """Join fragments into transcript passages on doc; return how many were made.

    A fragment without a speaker continues the current speaker's turn, unless
    the file marks a new turn; that is how captions usually name people.
    """
    count = 0
    buf: list[Fragment] = []
    size = 0  # characters in buf, kept as we go: word-level files have thousands of fragments
    speaker: str | None = None

    def flush() -> None:
        nonlocal count, buf, size
        if buf:
            text = _join(f.text for f in buf)
            first = buf[0]
            before = len(doc.passages)
            doc.add(text, "transcript", first.line, speaker=first.speaker, time=int(first.start),
                    time_basis="own", section=section)
            count += len(doc.passages) - before
        buf, size = [], 0

    for frag in sorted(fragments, key=lambda f: f.start):
        if not frag.text or is_sound(frag.text):
            continue
        if frag.speaker is not None or frag.turn:
            new_speaker = frag.speaker
        else:
            new_speaker = speaker
        frag.speaker = new_speaker
        if buf:
            last = buf[-1]
            gap = frag.start - (last.end if last.end is not None else last.start)
            if (new_speaker != speaker or frag.turn or gap > PAUSE or size + len(frag.text) > LIMIT
                    or (size >= TARGET and _ends_sentence(last.text))):
                flush()
        speaker = new_speaker
        buf.append(frag)
        size += len(frag.text) + 1
    flush()
    return count


def dedupe_rolling(lines_per_cue: list[list[str]]) -> list[list[str]]:
    """Drop lines a cue repeats from the cue before it.

    YouTube's automatic captions scroll: each cue shows the previous cue's
    last line again above the new one, and tiny 10 ms cues repeat it alone.
    """
    out: list[list[str]] = []
    previous: set[str] = set()
    for lines in lines_per_cue:
        keys = [clean_fragment(line) for line in lines]
        out.append([line for line, key in zip(lines, keys) if key and key not in previous])
        spoken = {key for key in keys if key and not is_sound(key)}
        if spoken:  # a [Music] cue between two scrolling cues does not break the chain
            previous = spoken
    return out


def _ends_sentence(text: str) -> bool:
    return text.rstrip("\"'”’)]").endswith((".", "!", "?", "…"))


def _join(parts) -> str:
    text = " ".join(p.strip() for p in parts if p.strip())
    return re.sub(r"\s+([,.;:!?])", r"\1", text)
