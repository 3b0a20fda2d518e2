"""WebVTT and SRT transcripts: YouTube captions and most transcription tools.

    WEBVTT

    00:00:01.000 --> 00:00:04.000
    <v Lex Fridman>The following is a conversation with Nathan Lambert.

    2
    00:00:04,000 --> 00:00:07,500            (SRT: a number, times with commas)
    Nathan Lambert: Thanks for having me.

Speakers come from WebVTT voice tags (`<v Speaker>`) or `Speaker: text`
lines, and carry on until the next one; `>>` or a leading `- ` marks a new,
unnamed speaker. webvtt-py and srt parse the cues; fragments.merge() joins
them into passages that keep their start time.
"""

from __future__ import annotations

import logging
import re

import srt
import webvtt
from webvtt.errors import MalformedFileError

from ..text import clean_line
from .base import ParsedDocument, Problem
from .fragments import Fragment, Reader, clean_fragment, clean_name, dedupe_rolling, merge, split_speaker

log = logging.getLogger(__name__)

_VTT_TIMING_RE = re.compile(r"^\s*((?:\d+:)?\d{1,2}:\d{2}\.\d{3})\s+-->\s+((?:\d+:)?\d{1,2}:\d{2}\.\d{3})")
_SRT_TIMING_RE = re.compile(r"^\s*(\d{1,3}:\d{2}:\d{2}[,.]\d{1,3})\s*-->\s*(\d{1,3}:\d{2}:\d{2}[,.]\d{1,3})")
_ANY_TIMING_RE = re.compile(r"-->")
_VOICE_RE = re.compile(r"<v(?:\.[\w.-]+)?\s+([^>]+)>")


def sniff_vtt(text: str, name: str) -> int:
    score = 0
    if text.lstrip("\ufeff").startswith("WEBVTT"):
        score += 100
    if name.lower().endswith(".vtt"):
        score += 40
    return score


def read_vtt(doc: ParsedDocument, lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        captions = list(webvtt.from_string(text))
    except MalformedFileError as exc:
        doc.problems.append(_error(doc, f"is not a valid WebVTT file ({exc}); it must start with "
                                        "'WEBVTT' and hold cues like '00:00:01.000 --> 00:00:04.000'"))
        return
    timing_lines = _timing_lines(lines, _VTT_TIMING_RE, doc)
    cue_lines = _place_cues([c.start for c in captions], timing_lines, _vtt_key)
    texts = dedupe_rolling([c.raw_text.splitlines() for c in captions])
    fragments = []
    for caption, line, raw_lines in zip(captions, cue_lines, texts):
        for raw in raw_lines:
            voice = _VOICE_RE.search(raw)
            speaker, words, marked = split_speaker(clean_fragment(raw))
            if voice:  # the voice tag names the speaker; a "Name:" inside it is just words
                speaker, words, marked = clean_name(voice.group(1)), clean_fragment(raw), False
            fragments.append(Fragment(start=caption.start_in_seconds + _millis(caption.start),
                                      end=caption.end_in_seconds + _millis(caption.end), text=words,
                                      line=line, speaker=speaker, turn=marked))
    if merge(doc, fragments) == 0 and captions:
        doc.warn(None, f"{len(captions)} caption cues hold no words (only sounds or blank lines)")


def sniff_srt(text: str, name: str) -> int:
    score = 0
    head = text.lstrip("\ufeff").lstrip()[:500]
    if re.match(r"^\d+\s*\r?\n\s*\d{1,3}:\d{2}:\d{2},\d{1,3}\s*-->", head):
        score += 100
    if name.lower().endswith(".srt"):
        score += 40
    return score


def read_srt(doc: ParsedDocument, lines: list[str]) -> None:
    text = "\n".join(lines)
    try:
        subtitles = list(srt.parse(text))
    except srt.SRTParseError as exc:
        line = text[: exc.expected_start].count("\n") + 1
        bad = clean_line(exc.unmatched_content)[:60]
        doc.warn(line, f"{bad!r} is not an SRT cue (a number, a 'start --> end' line, then text); "
                       "skipped, the other cues were read")
        subtitles = list(srt.parse(text, ignore_errors=True))
    timing_lines = _timing_lines(lines, _SRT_TIMING_RE, doc)
    cue_lines = _place_cues([s.start.total_seconds() for s in subtitles], timing_lines, _srt_key)
    texts = dedupe_rolling([s.content.splitlines() for s in subtitles])
    fragments = [Fragment(start=s.start.total_seconds(), end=s.end.total_seconds(), text=words,
                          line=line, speaker=speaker, turn=marked)
                 for s, line, raw_lines in zip(subtitles, cue_lines, texts)
                 for speaker, words, marked in (split_speaker(clean_fragment(r)) for r in raw_lines)]
    if merge(doc, fragments) == 0 and subtitles:
        doc.warn(None, f"{len(subtitles)} subtitles hold no words (only sounds or blank lines)")


def _timing_lines(lines: list[str], good: re.Pattern, doc: ParsedDocument) -> list[tuple[int, str]]:
    """Return (line number, start) of every cue timing line; warn about broken ones."""
    found = []
    for n, line in enumerate(lines, start=1):
        m = good.match(line)
        if m:
            found.append((n, m.group(1)))
        elif _ANY_TIMING_RE.search(line) and not line.lstrip().startswith("NOTE"):
            doc.warn(n, f"cue timing {line.strip()[:60]!r} is not 'HH:MM:SS.mmm --> HH:MM:SS.mmm'; "
                        "that cue was skipped")
    return found


def _place_cues(starts: list, timing: list[tuple[int, str]], key) -> list[int]:
    """Give each parsed cue the line of its timing, matching in order by start time."""
    out = []
    i = 0
    for start in starts:
        while i < len(timing) and key(timing[i][1]) != key(start):
            i += 1
        out.append(timing[i][0] if i < len(timing) else (out[-1] if out else 1))
        i += 1 if i < len(timing) else 0
    return out


def _vtt_key(stamp: str) -> str:
    parts = stamp.split(":")
    return ":".join(["00"] * (3 - len(parts)) + [p.zfill(2) for p in parts[:-1]] + [parts[-1]])[-12:]


def _srt_key(value) -> float:
    if isinstance(value, str):
        h, m, rest = value.replace(".", ",").split(":")
        s, ms = rest.split(",")
        return round(int(h) * 3600 + int(m) * 60 + int(s) + int(ms.ljust(3, "0")) / 1000, 3)
    return round(float(value), 3)


def _millis(stamp: str) -> float:
    """webvtt-py rounds start_in_seconds down to whole seconds; keep the fraction."""
    return int(stamp.rsplit(".", 1)[1]) / 1000 if "." in stamp else 0.0


def _error(doc: ParsedDocument, message: str) -> Problem:
    return Problem(doc.file, None, message, "error")


WEBVTT = Reader("webvtt", sniff_vtt, read_vtt)
SRT = Reader("srt", sniff_srt, read_srt)
