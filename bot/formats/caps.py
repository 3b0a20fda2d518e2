"""Caps on the size of what one seed gives: no passage, quote or label is unbounded.

A transcript imported as plain text can be one 15 MB line. Read as one
passage it would be indexed, ranked and rendered whole on every question that
touches it; here it becomes windows of whole sentences instead, each found
and shown on its own. Every step is linear in the text's length.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from .base import ParsedDocument

MAX_PASSAGE = 1500  # characters; the longest passage in the real seeds is under 1000
WINDOW = 1000  # characters a long paragraph's sentence windows aim at
MAX_QUOTE = 1500  # a quote is cut, not split: half a quote is still the speaker's words
MAX_LABEL = 300  # titles, chapter titles, speakers, names
HUGE_PARAGRAPH = 30_000  # characters: a paragraph this long is worth a word in `check` (a one-line file)
_SENTENCE_END = re.compile(r"(?<=[.!?…])\s+")


def pieces(text: str, size: int = WINDOW) -> list[str]:
    """Cut text into pieces of at most `size`, at a space when one is in the second half."""
    out = []
    start, n = 0, len(text)
    while n - start > size:
        cut = text.rfind(" ", start + size // 2, start + size)
        end = cut if cut != -1 else start + size
        out.append(text[start:end])
        start = end + (1 if cut != -1 else 0)
    if start < n:
        out.append(text[start:])
    return out


def windows(text: str) -> list[str]:
    """Return text whole when short, else windows of whole sentences of about WINDOW characters."""
    if len(text) <= MAX_PASSAGE:
        return [text]
    out: list[str] = []
    buf: list[str] = []
    size = 0
    for sentence in _SENTENCE_END.split(text):
        for part in pieces(sentence) if len(sentence) > WINDOW else [sentence]:
            if buf and size + len(part) + 1 > WINDOW:
                out.append(" ".join(buf))
                buf, size = [], 0
            buf.append(part)
            size += len(part) + 1
    if buf:
        out.append(" ".join(buf))
    return out


def clip(text: str | None, limit: int = MAX_LABEL) -> str | None:
    """Cut a label to `limit` characters (with an ellipsis)."""
    if text is None or len(text) <= limit:
        return text
    return text[:limit - 1].rstrip() + "…"


def cap_document(doc: ParsedDocument) -> int:
    """Split over-long passages into sentence windows and clip over-long quotes and labels.

    Return the length of the longest passage that was split (0: none), so the
    reader can name a paragraph far beyond any real one.
    """
    longest = 0
    passages = []
    for passage in doc.passages:
        parts = windows(passage.text)
        if len(parts) == 1:
            passages.append(passage)
            continue
        longest = max(longest, len(passage.text))
        passages.extend(passage.model_copy(update={"text": part, "sources": list(passage.sources)})
                        for part in parts)
    doc.passages = passages
    for passage in doc.passages:
        passage.title, passage.speaker = clip(passage.title), clip(passage.speaker)
        passage.chapter, passage.section = clip(passage.chapter), clip(passage.section)
    for quote in doc.quotes:
        quote.text = clip(quote.text, MAX_QUOTE) or ""
        quote.speaker, quote.remark, quote.chapter = clip(quote.speaker), clip(quote.remark), clip(quote.chapter)
    for chapter in doc.chapters:
        chapter.title = clip(chapter.title) or ""
    doc.title, doc.show, doc.host = clip(doc.title), clip(doc.show), clip(doc.host)
    doc.guests = [clip(g) or "" for g in doc.guests]
    doc.tags = [clip(t) or "" for t in doc.tags]
    return longest


__all__ = ["HUGE_PARAGRAPH", "MAX_PASSAGE", "WINDOW", "MAX_QUOTE", "MAX_LABEL", "windows", "pieces", "clip", "cap_document"]
