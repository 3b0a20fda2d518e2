"""Pick the best transcript a feed item links, and turn it into a seed file.

`<podcast:transcript>` may appear several times per item, one per format.
JSON, WebVTT and SRT carry times and speakers and are kept as they are.
An HTML transcript (`<cite>Speaker:</cite> <time>0:05</time> <p>words</p>`)
is rewritten as `**Speaker (0:00:05)** words` lines, which the labeled-page
reader reads as timed turns; plain text is kept as notes.
"""

from __future__ import annotations

import logging
import re
from html.parser import HTMLParser
from pathlib import Path

from ..formats.captions import sniff_srt, sniff_vtt
from ..formats.podcast_json import sniff_transcript
from ..text import clean_line, format_time, parse_time
from .notes import html_to_lines

log = logging.getLogger(__name__)

# Transcript types we can read, best first, and the file name each is saved as.
TYPES = {
    "application/json": "transcript.json",
    "text/vtt": "transcript.vtt",
    "application/x-subrip": "transcript.srt",
    "application/srt": "transcript.srt",
    "text/srt": "transcript.srt",
    "text/html": "transcript.txt",
    "text/plain": "transcript.txt",
}
_SUFFIXES = {".json": "application/json", ".vtt": "text/vtt", ".srt": "application/x-subrip",
             ".html": "text/html", ".htm": "text/html", ".txt": "text/plain"}
_SNIFF = {"transcript.json": sniff_transcript, "transcript.vtt": sniff_vtt, "transcript.srt": sniff_srt}


def media_type(url: str, declared: str) -> str:
    """Return the transcript's type: as the feed declares it, else by the file's suffix."""
    declared = (declared or "").split(";")[0].strip().lower()
    if declared in TYPES:
        return declared
    return _SUFFIXES.get(Path(url.split("?")[0]).suffix.lower(), declared)


def ranked(refs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """Order (url, type) links best first; types we cannot read come last."""
    order = list(TYPES)
    return sorted(refs, key=lambda r: order.index(media_type(*r)) if media_type(*r) in order else len(order))


def decode(data: bytes) -> str:
    """Decode a fetched file as UTF-8, else Windows-1252 (old SRT files)."""
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return data.decode("cp1252", errors="replace")


def to_seed(text: str, kind: str) -> tuple[str, str] | None:
    """Return (file name, text) for a transcript of a type; None when it is not that type."""
    name = TYPES[kind]
    if kind == "text/html":  # timed turns when the page has them, else its text as notes
        turns = html_transcript(text)
        body = turns or "\n\n".join(html_to_lines(text)) + "\n"
        return (name, body) if turns or looks_like_speech(body) else None
    if kind == "text/plain":
        return (name, text) if looks_like_speech(text) else None
    sniff = _SNIFF.get(name)
    if sniff and sniff(text, "") < 100:
        return None
    return name, text


MIN_WORDS = 50  # a transcript of an episode is thousands of words; an error page is a few
_MARKUP = re.compile(r"^\s*(?:<|\{|\[\s*[\[{\"]|[\w.-]+\s*[:=]\s*\S+\s*$)", re.S)
_WORD = re.compile(r"[^\W\d_]{2,}")
_SYMBOLS = ":/=<>{}[];|\\@#$%^&*~`_"


def looks_like_speech(text: str) -> bool:
    """Return True for text that reads like a spoken transcript: prose, not markup, data or a short page.

    A feed's "transcript" link can point anywhere; only what looks like one is
    saved where every member can read it.
    """
    sample = text[:200_000]
    if _MARKUP.match(sample) or "\x00" in sample:
        return False
    words = _WORD.findall(sample)
    if len(words) < MIN_WORDS:
        return False
    letters = sum(len(w) for w in words)
    visible = len(sample) - sum(map(sample.count, " \n\t\r"))
    symbols = sum(map(sample.count, _SYMBOLS))
    # Mostly words, few of the symbols of code, config, paths and key=value files (a timestamp's
    # colons are a few per line of speech).
    return visible > 0 and letters / visible >= 0.6 and symbols / visible < 0.08


class _Turns(HTMLParser):
    """Collect (speaker, time, text) from the Podcasting 2.0 HTML transcript layout."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.turns: list[tuple[str | None, int | None, str]] = []
        self.speaker: str | None = None
        self.time: int | None = None
        self.tag: str | None = None
        self.buf = ""

    def handle_starttag(self, tag, attrs):
        if tag in ("cite", "time", "p"):
            self.tag, self.buf = tag, ""

    def handle_endtag(self, tag):
        if tag != self.tag:
            return
        text = clean_line(self.buf)
        if tag == "cite":
            self.speaker = text.rstrip(":") or None
        elif tag == "time":
            self.time = parse_time(text)
        elif text:
            self.turns.append((self.speaker, self.time, text))
        self.tag = None

    def handle_data(self, data):
        if self.tag:
            self.buf += data


def html_transcript(html: str) -> str:
    """Rewrite an HTML transcript as `**Speaker (H:MM:SS)** words` lines."""
    parser = _Turns()
    parser.feed(html)
    parser.close()
    lines = []
    for speaker, time, text in parser.turns:
        name = re.sub(r"[*()]", "", speaker or "")
        if name and time is not None:
            lines.append(f"**{name} ({format_time(time)})** {text}")
        else:
            lines.append(f"{name}: {text}" if name else text)
    return "\n\n".join(lines) + "\n" if lines else ""
