"""What every reader of a seed document returns, and the helpers they share."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass, field

from ..models import Chapter, Link, Passage, Provenance, Quote
from ..text import clean_line

# Promotional lines scraped along with the episode pages: the pages' own, never said in the
# episode. Matched against a whole line (or a whole sentence of a transcript), case-insensitively.
_PAGE_PROMOS = [
    r"get the full analysis with \w+ ai",
    r"install \w+ to search the full transcript.*",
    r"add to chrome.*",
    r"get full transcript.*",
    r"ai summaries, searchable transcripts, and fact-checking.*",
    r"\d+ min read",
    r"scripod\.com",
]
# Ad reads: dropped from show notes, kept where they are spoken (a transcript's words are what was
# said, and when: "where does he mention the sponsors?" has an answer, at 0:00:51 in the seeds).
_AD_READS = [
    r"(to support it, )?please check out our sponsors.*",
    r"this episode is (brought to you|sponsored) by.*",
    r"use (the )?code \w+ (at|for) .*",
]


def _whole_line(patterns: list[str]) -> re.Pattern[str]:
    """Compile patterns that must match a whole line (or sentence), case-insensitively."""
    return re.compile(r"^\s*(?:" + "|".join(patterns) + r")\s*$", re.I)


_BOILERPLATE_RE = _whole_line(_PAGE_PROMOS + _AD_READS)
_PAGE_PROMO_RE = _whole_line(_PAGE_PROMOS)
_NUMBER_RE = re.compile(r"#\s?(\d{1,6})\b")
_DATE_FORMATS = ("%Y-%m-%d", "%d %b %Y", "%d %B %Y", "%b %d, %Y", "%B %d, %Y", "%Y/%m/%d")
_DATE_RE = re.compile(
    r"\b(\d{4}-\d{2}-\d{2}|\d{1,2} [A-Z][a-z]+ \d{4}|[A-Z][a-z]+ \d{1,2}, \d{4})\b"
)


@dataclass
class Problem:
    """Something a reader could not understand, with where it was."""

    file: str
    line: int | None
    message: str
    severity: str = "warning"  # or "error"

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}" if self.line else self.file
        return f"{where}: {self.message}"


@dataclass
class ParsedDocument:
    """What one seed file holds, before documents are grouped into episodes."""

    file: str  # name relative to the seeds folder
    format: str
    title: str | None = None
    number: int | None = None
    show: str | None = None
    date: dt.date | None = None
    host: str | None = None
    language: str | None = None  # ISO 639-1, from front matter (`language: ru`) or the feed it came from
    guests: list[str] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)
    tags: list[str] = field(default_factory=list)
    description: str | None = None
    chapters: list[Chapter] = field(default_factory=list)
    passages: list[Passage] = field(default_factory=list)
    quotes: list[Quote] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    episode_key: str | None = None  # set when a folder or front matter names the episode

    def at(self, line: int) -> list[Provenance]:
        return [Provenance(file=self.file, line=line)]

    def add(self, text: str, kind: str, line: int, **extra) -> None:
        text = clean_line(text)
        if text and not is_boilerplate(text, spoken=kind == "transcript"):
            self.passages.append(Passage(text=text, kind=kind, sources=self.at(line), **extra))

    def warn(self, line: int | None, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))


def is_boilerplate(line: str, spoken: bool = False) -> bool:
    """Return True for a promotional line that is not about the episode (spoken: only the pages' own)."""
    return bool((_PAGE_PROMO_RE if spoken else _BOILERPLATE_RE).match(line))


def split_title(raw: str) -> tuple[str, int | None, str | None]:
    """Split `#490 – Title` or `Title | Show #490` into (title, number, show)."""
    text = clean_line(raw).lstrip("# ").strip()
    number = None
    show = None
    m = _NUMBER_RE.search(raw)
    if m:
        number = int(m.group(1))
    # "Title | Lex Fridman Podcast #490"
    if " | " in text:
        head, tail = text.rsplit(" | ", 1)
        if _NUMBER_RE.search(tail):
            text, show = head, _NUMBER_RE.sub("", tail).strip(" -–—")
    # "#490 – Title"
    if number is not None:
        text = re.sub(r"^#?\s?\d{1,6}\s*[–—:-]\s*", "", text)  # "#490 – Title"
        text = re.sub(r"\s*[|–—-]?\s*#\s?\d{1,6}\s*$", "", text)  # "Title #490"
    return text.strip(), number, show or None


def parse_date(value: str) -> dt.date | None:
    """Parse a date written `2026-01-31`, `1 Feb 2026` or `January 31, 2026`."""
    value = value.strip()
    for fmt in _DATE_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date()
        except ValueError:
            continue
    return None


def find_date(text: str) -> dt.date | None:
    for m in _DATE_RE.finditer(text):
        date = parse_date(m.group(1))
        if date:
            return date
    return None


def split_people(value: str) -> list[str]:
    """Split `A & B`, `A and B`, `A, B` into names."""
    parts = re.split(r"\s*(?:,|&|\band\b|\bи\b)\s*", clean_line(value))
    return [p.strip(" .") for p in parts if p.strip(" .")]


def paragraphs(lines: list[str], start: int = 0) -> list[tuple[int, str]]:
    """Group lines into (first line number, paragraph) pairs, 1-based."""
    out: list[tuple[int, str]] = []
    buf: list[str] = []
    first = 0
    for i, line in enumerate(lines[start:], start=start + 1):
        if line.strip():
            if not buf:
                first = i
            buf.append(line.strip())
        elif buf:
            out.append((first, " ".join(buf)))
            buf = []
    if buf:
        out.append((first, " ".join(buf)))
    return out
