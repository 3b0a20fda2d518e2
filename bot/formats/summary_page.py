"""A scraped summary page: overview, key takeaways, notable quotes, a preview.

    Title | Show #490
    Host (host), Guest (guest), ...
    Overview lines
    Key Takeaways            headline line, then its explanation
    Notable Quotes           “quoted line”, then — Speaker (remark)
    Questions Answered ...   questions followed by misaligned scraped text
    Transcript Preview       unattributed transcript paragraphs
"""

from __future__ import annotations

import re

from ..models import Quote
from ..text import clean_line, sentences
from .base import ParsedDocument, is_boilerplate, split_title

NAME = "summary-page"

_HEADINGS = {
    "key takeaways": "takeaways",
    "notable quotes": "quotes",
    "questions answered in this episode": "questions",
    "transcript preview": "transcript",
    "transcript": "transcript",
    "overview": "overview",
}
_ROLE_RE = re.compile(r"([^,(]+?)\s*\((host|guest|co-host)\)", re.I)
_ATTRIB_RE = re.compile(r"^[—–-]\s*([^()]+?)\s*(?:\((.*)\))?\s*$")
_QUOTE_CHARS = "“\"«„"
_CHUNK = 360  # characters per transcript passage built from a long paragraph


def sniff(text: str, name: str) -> int:
    # The plain `in` first: a heading the text never mentions needs no regex over every line of a transcript.
    found = sum(1 for h in ("Key Takeaways", "Notable Quotes", "Transcript Preview") if
                h in text and re.search(rf"^{h}\s*$", text, re.M))
    return 35 * found


def read(doc: ParsedDocument, lines: list[str]) -> None:
    part = "head"
    pending: tuple[int, str] | None = None  # a headline or quote waiting for its next line
    for n, raw in enumerate(lines, start=1):
        line = clean_line(raw)
        if not line or is_boilerplate(line):
            continue
        heading = _HEADINGS.get(line.lower().rstrip(":"))
        if heading:
            part, pending = heading, None
            continue
        if part == "head":
            _read_head(doc, line, n)
        elif part == "overview":
            doc.add(line, "summary", n, section="Overview")
        elif part == "takeaways":
            if pending is None:
                pending = (n, line)
            else:
                doc.add(f"{pending[1]} {line}", "takeaway", pending[0], title=pending[1],
                        section="Key Takeaways")
                pending = None
        elif part == "quotes":
            attrib = _ATTRIB_RE.match(line)
            if attrib and pending:
                speaker, remark = attrib.groups()
                doc.quotes.append(Quote(text=pending[1], speaker=speaker.strip(), remark=remark,
                                        sources=doc.at(pending[0])))
                pending = None
            elif line[0] in _QUOTE_CHARS:
                pending = (n, line.strip(_QUOTE_CHARS + "”»"))
        elif part == "questions":
            # The lines under each question are scraped from elsewhere on the
            # page and do not answer it: neither is kept as an answer.
            continue
        elif part == "transcript":
            _read_transcript(doc, line, n)
    if pending and part == "takeaways":
        doc.add(pending[1], "takeaway", pending[0], title=pending[1], section="Key Takeaways")


def _read_head(doc: ParsedDocument, line: str, n: int) -> None:
    if doc.title is None:
        doc.title, doc.number, doc.show = split_title(line)
        return
    roles = _ROLE_RE.findall(line)
    if roles and not doc.guests:
        for name, role in roles:
            name = name.strip()
            if role.lower() == "guest" and name not in doc.guests:
                doc.guests.append(name)
            elif role.lower() != "guest" and not doc.host:
                doc.host = name
        return
    if line.startswith("In this episode of"):
        # A generated sentence that repeats the title and the overview below it.
        return
    if doc.description is None:
        doc.description = line
    doc.add(line, "summary", n, section="Overview")


def _read_transcript(doc: ParsedDocument, line: str, n: int) -> None:
    """Cut an unattributed paragraph into passages of a few sentences."""
    chunk = ""
    for sentence in sentences(line):
        if is_boilerplate(sentence, spoken=True):
            continue
        if chunk and len(chunk) + len(sentence) > _CHUNK:
            doc.add(chunk, "transcript", n, section="Transcript")
            chunk = ""
        chunk = f"{chunk} {sentence}".strip()
    if chunk:
        doc.add(chunk, "transcript", n, section="Transcript")
