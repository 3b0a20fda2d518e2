"""Podcasting 2.0 JSON chapters and JSON transcripts (podcastindex.org namespace).

    {"version": "1.2.0", "title": "Episode title",
     "chapters": [{"startTime": 0, "title": "Introduction"},
                  {"startTime": 95.5, "title": "Sponsor", "toc": false}]}

    {"version": "1.0.0",
     "segments": [{"speaker": "Lex Fridman", "startTime": 0.8, "endTime": 3.1,
                   "body": "The following is a conversation with ..."}]}

Chapters marked `"toc": false` are hidden in podcast apps, so they are not
listed here either. Transcript segments (often one word each) are joined
into readable passages by fragments.merge().
"""

from __future__ import annotations

import json
import math
import logging
import re
from typing import Any

from ..models import Chapter
from ..text import clean_line, format_time
from .base import ParsedDocument, Problem, split_title
from .fragments import Fragment, Reader, clean_fragment, clean_name, merge

log = logging.getLogger(__name__)

_OPEN_RE = re.compile(r"^\s*\{")


def sniff_chapters(text: str, name: str) -> int:
    if _OPEN_RE.match(text) and re.search(r'"chapters"\s*:\s*\[', text[:20000]):
        return 100 + (20 if name.lower().endswith(".json") else 0)
    return 0


def sniff_transcript(text: str, name: str) -> int:
    if _OPEN_RE.match(text) and re.search(r'"segments"\s*:\s*\[', text[:20000]):
        return 100 + (20 if name.lower().endswith(".json") else 0)
    return 0


def read_chapters(doc: ParsedDocument, lines: list[str]) -> None:
    text = "\n".join(lines)
    data = _load(doc, text)
    if data is None:
        return
    if isinstance(data.get("title"), str) and data["title"].strip():
        doc.title, doc.number, show = split_title(data["title"])
        doc.show = show
    if isinstance(data.get("podcastName"), str):
        doc.show = clean_line(data["podcastName"]) or doc.show
    if isinstance(data.get("author"), str):
        doc.host = clean_line(data["author"]) or None
    hidden = 0
    for item, line in _items(doc, text, data, "chapters"):
        start = _seconds(item.get("startTime"))
        if start is None:
            doc.warn(line, f"chapter has no usable startTime ({item.get('startTime')!r}); skipped")
            continue
        if item.get("toc") is False:
            hidden += 1
            continue
        title = clean_line(str(item.get("title") or ""))
        if not title:
            title = f"Chapter at {format_time(start)}"
            doc.warn(line, f"chapter at {format_time(start)} has no title; called {title!r}")
        doc.chapters.append(Chapter(title=title, start=int(start), source=doc.at(line)[0]))
    if hidden:
        log.debug("%s: %d chapters marked toc=false left out", doc.file, hidden)


def read_transcript(doc: ParsedDocument, lines: list[str]) -> None:
    text = "\n".join(lines)
    data = _load(doc, text)
    if data is None:
        return
    fragments = []
    for item, line in _items(doc, text, data, "segments"):
        start = _seconds(item.get("startTime"))
        body = item.get("body")
        if start is None or not isinstance(body, str):
            doc.warn(line, "segment needs a numeric startTime and a text body; skipped")
            continue
        speaker = item.get("speaker")
        speaker = clean_name(speaker) if isinstance(speaker, str) else None
        fragments.append(Fragment(start=start, end=_seconds(item.get("endTime")), text=clean_fragment(body),
                                  line=line, speaker=speaker))
    merge(doc, fragments)


def _load(doc: ParsedDocument, text: str) -> dict | None:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        doc.problems.append(Problem(doc.file, exc.lineno, f"is not valid JSON ({exc.msg}, column "
                                    f"{exc.colno}); skipped", "error"))
        return None
    if not isinstance(data, dict):
        doc.problems.append(Problem(doc.file, 1, "JSON must be an object with 'chapters' or 'segments'; "
                                    "skipped", "error"))
        return None
    return data


def _items(doc: ParsedDocument, text: str, data: dict, key: str) -> list[tuple[dict, int]]:
    """Return the objects of data[key], each with the line it starts on."""
    items = data.get(key)
    if not isinstance(items, list):
        doc.problems.append(Problem(doc.file, 1, f"'{key}' must be a list; skipped", "error"))
        return []
    lines = _element_lines(text, key, len(items))
    out = []
    for i, item in enumerate(items):
        line = lines[i] if i < len(lines) else 1
        if isinstance(item, dict):
            out.append((item, line))
        else:
            doc.warn(line, f"{key} entry {i + 1} is not an object; skipped")
    return out


def _element_lines(text: str, key: str, count: int) -> list[int]:
    """Find the line each element of the top-level array `key` starts on.

    json does not report positions, so the array is walked with raw_decode.
    Any surprise gives up and the caller falls back to line 1.
    """
    m = re.search(rf'"{re.escape(key)}"\s*:\s*\[', text)
    if not m:
        return []
    decoder = json.JSONDecoder()
    pos, out = m.end(), []
    line, counted = text.count("\n", 0, pos) + 1, pos
    try:
        for _ in range(count):
            while text[pos] in " \t\r\n,":
                pos += 1
            line += text.count("\n", counted, pos)  # count each stretch once: big files stay linear
            counted = pos
            out.append(line)
            _, pos = decoder.raw_decode(text, pos)
    except (IndexError, ValueError):
        return out
    return out


def _seconds(value: Any) -> float | None:
    """Return a time in seconds: a finite number from 0 to 100 hours, else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str):
        try:
            value = float(value)
        except ValueError:
            return None
    if isinstance(value, (int, float)) and math.isfinite(value) and 0 <= value <= 100 * 3600:
        return float(value)
    return None


CHAPTERS = Reader("podcast-chapters", sniff_chapters, read_chapters)
TRANSCRIPT = Reader("podcast-transcript", sniff_transcript, read_transcript)
