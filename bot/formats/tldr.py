"""A TL;DR page: show, title, guests, date, a TL;DR paragraph, numbered takeaways.

    Show name
    #490 – Title
    with A & B
    1 Feb 2026
    TL;DR
    paragraph(s)
    Takeaways
    1
    Takeaway text
"""

from __future__ import annotations

import re

from ..text import clean_line
from .base import ParsedDocument, is_boilerplate, parse_date, split_people, split_title

NAME = "tldr-page"

_DURATION_RE = re.compile(r"^(\d+h\s*)?\d+m$|^\d+h$")


def sniff(text: str, name: str) -> int:
    score = 0
    # Plain `in` tests first: a text without the heading's letters needs no regex over every line.
    # (Under re.I only t/T and l/L match 't' and 'l': no other character folds to them.)
    if any(tl in text for tl in ("TL", "tl", "Tl", "tL")) and re.search(r"^TL;?DR:?\s*$", text, re.M | re.I):
        score += 50
    if "Takeaways" in text and re.search(r"^Takeaways\s*$", text, re.M):
        score += 20
    return score


def read(doc: ParsedDocument, lines: list[str]) -> None:
    part = "head"
    number_line: int | None = None
    for n, raw in enumerate(lines, start=1):
        line = clean_line(raw)
        if not line or is_boilerplate(line):
            continue
        low = line.lower().rstrip(":")
        if low in ("tl;dr", "tldr"):
            part = "tldr"
            continue
        if low in ("takeaways", "key takeaways"):
            part = "takeaways"
            continue
        if part == "head":
            _read_head(doc, line)
        elif part == "tldr":
            if doc.passages and doc.passages[-1].kind == "summary":
                # The paragraph after the TL;DR introduces the guests.
                doc.add(line, "description", n, section="Guests")
            else:
                doc.add(line, "summary", n, section="TL;DR")
        elif part == "takeaways":
            if line.isdigit():
                number_line = n
            else:
                doc.add(line, "takeaway", number_line or n, section="Takeaways")
                number_line = None


def _read_head(doc: ParsedDocument, line: str) -> None:
    if line.startswith("#") or re.match(r"^#?\d+\s*[–—-]", line):
        doc.title, number, show = split_title(line)
        doc.number = doc.number or number
        doc.show = doc.show or show
    elif line.lower().startswith("with "):
        doc.guests = split_people(line[5:])
    elif parse_date(line):
        doc.date = parse_date(line)
    elif _DURATION_RE.match(line):
        return  # a reading or listening time, not about the episode's content
    elif doc.title is None and doc.show is None:
        doc.show = line
