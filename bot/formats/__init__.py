"""Readers for seed documents: each knows one format and says how sure it is."""

from __future__ import annotations

import functools
import logging
from pathlib import Path
from typing import Any

from .base import ParsedDocument, Problem
from .caps import HUGE_PARAGRAPH, WINDOW, cap_document
from .safety import UnsafeSeed, mask_document, read_seed_bytes

MAX_BYTES = 16_000_000  # EPISODE_BOT_MAX_SEED_MB's default: MB (10^6), as every message says

__all__ = ["READERS", "ParsedDocument", "Problem", "read_document", "readers", "MAX_BYTES"]


@functools.cache
def readers() -> list[Any]:
    """Return every reader: each has NAME, sniff(text, name) -> score and read(doc, lines).

    Imported on the first file read, not with the package: a start whose episodes all
    come from the index cache reads no seed file, and the readers' libraries (YAML,
    WebVTT, SRT) cost about 40 ms of every `episode-bot ask`.
    """
    from . import captions, labeled_page, markdown, plain, podcast_json, shownotes, summary_page, tldr

    return [labeled_page, summary_page, markdown, shownotes, tldr, plain,
            captions.WEBVTT, captions.SRT, podcast_json.CHAPTERS, podcast_json.TRANSCRIPT]


def __getattr__(name: str) -> Any:
    if name == "READERS":  # the list, as before readers() loaded it on first use (PEP 562)
        return readers()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def read_document(path: Path, name: str, max_bytes: int = MAX_BYTES) -> ParsedDocument:
    """Read one seed file with the reader that recognises it best.

    A file that cannot be read comes back with an error problem and no content.
    """
    doc = ParsedDocument(file=name, format="unreadable")
    try:
        data = read_seed_bytes(path, name, max_bytes)  # links out of the folder, /proc, FIFOs refused
    except UnsafeSeed as exc:
        doc.problems.append(Problem(name, None, str(exc), "error"))
        return doc
    except OSError as exc:
        doc.problems.append(Problem(name, None, f"could not be read ({exc.strerror or exc}); skipped",
                                    "error"))
        return doc
    text = decode(doc, data)
    if text is None:
        return doc
    if not text.strip():
        doc.format = "empty"
        doc.warn(None, "file is empty")
        return doc
    reader = max(readers(), key=lambda r: r.sniff(text, name))
    doc.format = reader.NAME
    try:
        reader.read(doc, text.splitlines())
    except Exception as exc:  # a reader's bug must cost one file, never the whole library
        logging.getLogger(__name__).exception("reader %s failed on %s", reader.NAME, name)
        doc.passages, doc.chapters, doc.quotes = [], [], []
        doc.problems.append(Problem(name, None, f"could not be read as {reader.NAME} "
                                    f"({type(exc).__name__}); skipped", "error"))
        return doc
    longest = cap_document(doc)  # one 15 MB line must not become one passage ranked and shown whole
    if longest > HUGE_PARAGRAPH:  # ordinary long paragraphs are split quietly
        doc.warn(None, f"has a paragraph of {longest:,} characters; read as windows of about "
                       f"{WINDOW:,} characters")
    if mask_document(doc):  # every member can read a seed: a pasted token must not reach them
        doc.warn(None, "held something shaped like a Slack or Discord token; masked")
    if not (doc.passages or doc.chapters or doc.quotes):
        doc.warn(None, f"read as {reader.NAME} but nothing usable was found")
    return doc


def decode(doc: ParsedDocument, data: bytes) -> str | None:
    """Decode UTF-8 text (a BOM is allowed); name the line of the first bad byte."""
    if b"\x00" in data[:8192]:
        doc.problems.append(Problem(doc.file, None, "looks binary (NUL bytes); skipped", "error"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        doc.problems.append(Problem(doc.file, line, f"is not valid UTF-8 (byte 0x{data[exc.start]:02x} "
                                    f"at offset {exc.start}); skipped", "error"))
        return None
