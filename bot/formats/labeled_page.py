"""A markdown page with bold labels and timed transcript turns.

    # Title
    **Source:** [Show #490](https://...)      (labels may be Russian: Источник, Гости)
    **Guests:** A & B
    Description paragraph.
    ### Section
    **Speaker (HH:MM:SS)** words spoken
"""

from __future__ import annotations

import re

from ..models import Link
from ..text import clean_line, parse_time
from .base import ParsedDocument, find_date, split_people, split_title

NAME = "labeled-page"

_LABEL_RE = re.compile(r"^\*\*([^*]{1,40}?):?\*\*:?\s*(.*)$")
_TURN_RE = re.compile(r"^\*\*([^*(]{1,60}?)\s*\((\d{1,2}:\d{2}(?::\d{2})?)\)\*\*\s*(.*)$")
_MDLINK_RE = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_URL_RE = re.compile(r"https?://\S+")

_LABELS = {
    "source": "source", "источник": "source",
    "guests": "guests", "guest": "guests", "гости": "guests", "гость": "guests",
    "host": "host", "ведущий": "host",
    "date": "date", "дата": "date",
    "full transcript": "transcript", "полный транскрипт": "transcript", "transcript": "transcript",
    "video": "video", "видео": "video",
}


def sniff(text: str, name: str) -> int:
    score = 0
    if re.search(r"^\*\*[^*]+\(\d{1,2}:\d{2}(?::\d{2})?\)\*\*", text, re.M):
        score += 60
    if re.search(r"^\*\*[^*]{1,40}:\*\*", text, re.M):
        score += 30
    return score


def read(doc: ParsedDocument, lines: list[str]) -> None:
    section = None
    for n, raw in enumerate(lines, start=1):
        line = raw.strip()
        if not line or line == "---":
            continue
        if line.startswith("# ") and doc.title is None:
            doc.title, number, doc.show = split_title(line)
            doc.number = doc.number or number
            continue
        if line.startswith("#"):
            section = clean_line(line.lstrip("#"))
            continue
        turn = _TURN_RE.match(line)
        if turn:
            speaker, time, text = turn.groups()
            doc.add(text, "transcript", n, speaker=speaker.strip(), time=parse_time(time),
                    time_basis="own", section=section)
            continue
        label = _LABEL_RE.match(line)
        if label and label.group(1).strip().lower() in _LABELS:
            _read_label(doc, _LABELS[label.group(1).strip().lower()], label.group(2), n)
            continue
        if line.startswith("*(") and line.endswith(")*"):
            line = line[2:-2]
        doc.add(_MDLINK_RE.sub(r"\1", line), "description" if section is None else "note", n,
                section=section)
        if section is None and doc.description is None:
            doc.description = clean_line(line)


def _read_label(doc: ParsedDocument, key: str, value: str, n: int) -> None:
    links = _MDLINK_RE.findall(value) or [(key, u) for u in _URL_RE.findall(value)]
    if key == "source":
        for label, url in links:
            _, number, _ = split_title(label)
            doc.number = doc.number or number
            doc.show = doc.show or re.sub(r"\s*#\s?\d+.*$", "", label).strip() or None
            doc.links.append(Link(label="Episode page", url=url))
    elif key == "guests":
        doc.guests.extend(split_people(value))
    elif key == "host":
        doc.host = clean_line(value)
    elif key == "date":
        doc.date = find_date(value)
    else:
        for _, url in links:
            doc.links.append(Link(label="Full transcript" if key == "transcript" else "Video", url=url))
