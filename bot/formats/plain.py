"""Any other text: each paragraph is a passage, so nothing an admin drops in is lost."""

from __future__ import annotations

import re

from .base import ParsedDocument, paragraphs, split_title

NAME = "plain-text"


def sniff(text: str, name: str) -> int:
    return 1


def read(doc: ParsedDocument, lines: list[str]) -> None:
    for n, para in paragraphs(lines):
        first = doc.title is None and not doc.passages
        if first and len(para) < 150 and (para.startswith("# ") or re.match(r"^#\d+\b", para)):
            doc.title, doc.number, doc.show = split_title(para)
            continue
        doc.add(para.lstrip("#").strip(), "note", n)
