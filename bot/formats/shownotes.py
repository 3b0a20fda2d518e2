"""Show notes: highlights (a time line, then its text), chapters (a title line,
then its time line), and the start of a transcript (`Speaker: words`).

    #490 – Title
    Shownote
    Highlights
    16:29
    DeepSeek R1 surprised the AI world ...
    Chapters
    Introduction
    00:00
    Transcript
    Lex Fridman: The following is ...
"""

from __future__ import annotations

import re

from ..models import Chapter
from ..text import clean_line, is_time_line, parse_time
from .base import ParsedDocument, is_boilerplate, split_title

NAME = "show-notes"

_HEADINGS = {"shownote": "notes", "shownotes": "notes", "show notes": "notes", "description": "notes",
             "highlights": "highlights", "chapters": "chapters", "timestamps": "chapters",
             "transcript": "transcript"}
_SPEAKER_RE = re.compile(r"^([A-Z][\w.'-]*(?: [A-Z][\w.'-]*){0,3}):\s+(.+)$")


def sniff(text: str, name: str) -> int:
    times = len(re.findall(r"^\d{1,2}:\d{2}(?::\d{2})?\s*$", text, re.M))
    # The plain `in` first: a heading the text never mentions needs no regex over every line of a transcript.
    has = sum(1 for h in ("Highlights", "Chapters") if h in text and re.search(rf"^{h}\s*$", text, re.M))
    return min(40, times) + 25 * has


def read(doc: ParsedDocument, lines: list[str]) -> None:
    part = "head"
    held: tuple[int, str] | None = None  # a time (highlights) or title (chapters)
    for n, raw in enumerate(lines, start=1):
        line = clean_line(raw)
        if not line or is_boilerplate(line):
            continue
        heading = _HEADINGS.get(line.lower().rstrip(":"))
        if heading:
            part, held = heading, None
            continue
        if part == "head":
            if doc.title is None and (line.startswith("#") or re.search(r"#\d+", line)):
                doc.title, doc.number, doc.show = split_title(line)
        elif part == "notes":
            doc.add(line, "description", n, section="Show notes")
            doc.description = doc.description or line
        elif part == "highlights":
            if is_time_line(line):
                held = (n, line)
            elif held:
                doc.add(line, "highlight", n, time=parse_time(held[1]), time_basis="own",
                        section="Highlights")
                held = None
            else:
                doc.add(line, "summary", n, section="Highlights")
        elif part == "chapters":
            if is_time_line(line) and held:
                doc.chapters.append(Chapter(title=held[1], start=parse_time(line) or 0,
                                            source=doc.at(held[0])[0]))
                held = None
            elif is_time_line(line):
                doc.warn(n, f"chapter time {line!r} has no title line before it")
            else:
                if held:
                    doc.warn(held[0], f"chapter {held[1]!r} has no time line after it; skipped")
                held = (n, line)
        elif part == "transcript":
            m = _SPEAKER_RE.match(line)
            speaker, text = (m.group(1), m.group(2)) if m else (None, line)
            doc.add(text.rstrip(".…") if text.endswith("...") else text, "transcript", n,
                    speaker=speaker, section="Transcript")
    if part == "chapters" and held:
        doc.warn(held[0], f"chapter {held[1]!r} has no time line after it; skipped")
