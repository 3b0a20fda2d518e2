"""Markdown with YAML front matter: the native format for notes and takeaways.

    ---
    title: "Episode title | Show #490"
    episode: 490                      # optional; else taken from the title
    date: 2026-01-31                  # or source: {url, date, title, author}
    guests: [Nathan Lambert, Sebastian Raschka]
    links: {video: https://youtube.com/watch?v=..., page: https://...}
    tags: [ai, llm]
    ---
    ## Section
    - bullet            (one passage each, in that section)
    > "quote" — Speaker (a block quote with an attribution is a notable quote)
    [1:02:38] text      (a leading time gives the passage its moment)
    ## Key takeaways
    - **Headline**: explanation   (a bold lead is the takeaway's headline)
    ## Chapters
    - [0:00] Introduction         (timed lines under Chapters/Timestamps are chapters)

docs/seed-format.md documents this format for admins.
"""

from __future__ import annotations

import datetime as dt
import re

import yaml

from ..models import Chapter, Link, Quote
from ..languages import normalize as normalize_language
from ..text import clean_line, parse_time
from .base import ParsedDocument, Problem, parse_date, split_people, split_title

NAME = "markdown"

_BULLET_RE = re.compile(r"^(?:[-*+]|\d+[.)])\s+(.*)$")
_LEAD_TIME_RE = re.compile(r"^\[?\(?(\d{1,2}:\d{2}(?::\d{2})?)\)?\]?\s*[–—:-]?\s*(.*)$")
_QUOTE_RE = re.compile(r"^[\"“](.+?)[\"”]\s*[—–-]+\s*([^()]+?)\s*(?:\((.*)\))?$")
_HEADLINE_RE = re.compile(r"^\*\*(.+?)\*\*\s*[:.–—-]?\s*(.*)$")
_MDLINK_RE = re.compile(r"\[([^\]]+)\]\((https?://[^)\s]+)\)")
_CHAPTER_SECTIONS = {"chapters", "timestamps", "chapter list", "outline",
                     # the same headings in the languages episodes are written in (bot/languages.py)
                     "главы", "содержание", "таймкоды", "kapitel", "zeitstempel", "capítulos", "chapitres",
                     "horodatages", "marcas de tiempo", "marcações"}
_SECTION_KINDS = {"takeaways": "takeaway", "key takeaways": "takeaway", "highlights": "highlight",
                  "summary": "summary", "tl;dr": "summary", "tldr": "summary", "description": "description",
                  "кратко": "summary", "краткое содержание": "summary", "выводы": "takeaway",
                  "главное": "takeaway", "описание": "description", "zusammenfassung": "summary",
                  "erkenntnisse": "takeaway", "beschreibung": "description", "resumen": "summary",
                  "conclusiones": "takeaway", "descripción": "description", "résumé": "summary",
                  "à retenir": "takeaway", "resumo": "summary", "conclusões": "takeaway",
                  "descrição": "description"}
_QUOTE_SECTIONS = ("quote", "цитат", "zitat", "cita")  # Quotes, Цитаты, Zitate, Citas/Citations/Citações


def sniff(text: str, name: str) -> int:
    score = 0
    if text.lstrip("\ufeff").startswith("---\n") or text.startswith("---\r\n"):
        score += 50
    if name.lower().endswith((".md", ".markdown")):
        score += 30
    if re.search(r"^#{1,3} \S", text, re.M):
        score += 10
    return score


def read(doc: ParsedDocument, lines: list[str]) -> None:
    body_start = _read_front_matter(doc, lines)
    section = None
    kind = "note"
    quote_lines: list[tuple[int, str]] = []
    for n, raw in enumerate(lines[body_start:], start=body_start + 1):
        line = raw.strip()
        if line.startswith(">"):
            quote_lines.append((n, line.lstrip("> ").strip()))
            continue
        if quote_lines:
            _flush_quote(doc, quote_lines, section)
            quote_lines = []
        if not line:
            continue
        if line[:1] == "\\" and line[1:2] in ("#", ">", "-", "*", "+", "["):  # escaped: a plain line
            doc.add(line[1:], kind, n, section=section)
            continue
        if line.startswith("# "):
            if doc.title is None:
                doc.title, number, show = split_title(line)
                doc.number = doc.number or number
                doc.show = doc.show or show
            continue
        if line.startswith("#"):
            section = clean_line(line.lstrip("#"))
            kind = _SECTION_KINDS.get(section.lower(), "note")
            continue
        bullet = _BULLET_RE.match(line)
        text = _MDLINK_RE.sub(r"\1", bullet.group(1) if bullet else line)
        time, text = _lead_time(text)
        if section and section.lower() in _CHAPTER_SECTIONS:
            if time is None:
                doc.warn(n, "a chapter line needs a time first, like '- [12:40] Title'; read as a note")
            else:
                doc.chapters.append(Chapter(title=clean_line(text), start=time, source=doc.at(n)[0]))
                continue
        title = None
        headline = _HEADLINE_RE.match(text)
        if headline and headline.group(2):
            title, text = clean_line(headline.group(1)).rstrip(":."), headline.group(2)
        quote = _QUOTE_RE.match(clean_line(text))
        if quote and kind == "note" and section and any(q in section.lower() for q in _QUOTE_SECTIONS):
            doc.quotes.append(Quote(text=quote.group(1), speaker=quote.group(2), remark=quote.group(3),
                                    time=time, time_basis="own" if time is not None else None,
                                    sources=doc.at(n)))
            continue
        doc.add(text, kind, n, section=section, time=time, title=title,
                time_basis="own" if time is not None else None)
    if quote_lines:
        _flush_quote(doc, quote_lines, section)


def _flush_quote(doc: ParsedDocument, lines: list[tuple[int, str]], section: str | None) -> None:
    time, text = _lead_time(clean_line(" ".join(t for _, t in lines)))
    basis = "own" if time is not None else None
    m = _QUOTE_RE.match(text)
    if m:
        doc.quotes.append(Quote(text=m.group(1), speaker=m.group(2), remark=m.group(3), time=time,
                                time_basis=basis, sources=doc.at(lines[0][0])))
    else:
        doc.add(text, "note", lines[0][0], section=section, time=time, time_basis=basis)


def _lead_time(text: str) -> tuple[int | None, str]:
    """Split a leading `[1:02:38]` (or `1:02:38 -`) off a line."""
    lead = _LEAD_TIME_RE.match(text)
    if lead and parse_time(lead.group(1)) is not None and lead.group(2):
        return parse_time(lead.group(1)), lead.group(2)
    return None, text


# Front matter is a few facts about an episode. Anything far bigger is an attack
# (an alias bomb expands 389 bytes into gigabytes) or a mistake: the file is skipped.
MAX_FRONT_MATTER = 64_000  # characters of the whole block
MAX_FIELD = 10_000  # characters of one value
MAX_ITEMS = 1_000  # entries of one list or mapping
MAX_DEPTH = 20  # nesting of lists and mappings


class RefusedFrontMatter(Exception):
    """Front matter the bot will not read; carries the line (within the block) and why."""

    def __init__(self, line: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.message = message


class _FrontMatterLoader(yaml.SafeLoader):
    """YAML's safe loader, but dates stay text: parse_date() reads them and a bad one is
    a warning about that field, not a document that cannot be read.

    Aliases are refused (each one can multiply the document: the alias bomb) and
    nesting is capped before anything is built.
    """

    _depth = 0

    def compose_node(self, parent, index):  # type: ignore[no-untyped-def]
        if self.check_event(yaml.AliasEvent):
            mark = self.peek_event().start_mark
            raise RefusedFrontMatter(mark.line, "uses a YAML alias (*name), which front matter may not")
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                raise RefusedFrontMatter(self.peek_event().start_mark.line,
                                         f"is nested more than {MAX_DEPTH} levels deep")
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _oversized(value: object, depth: int = 0) -> str | None:
    """Say what in a front-matter value is over the caps; None when all is within them."""
    if isinstance(value, str):
        return f"has a value of {len(value):,} characters (at most {MAX_FIELD:,})" if len(value) > MAX_FIELD else None
    if isinstance(value, (list, dict)):
        if len(value) > MAX_ITEMS:
            return f"has a list or mapping of {len(value):,} entries (at most {MAX_ITEMS:,})"
        items = value.items() if isinstance(value, dict) else enumerate(value)
        for key, item in items:
            problem = _oversized(key, depth + 1) if isinstance(key, str) else None
            problem = problem or _oversized(item, depth + 1)
            if problem:
                return problem
    return None


def _value_line(lines: list[str], meta: dict) -> int | None:
    """Return the 1-based line of the first top-level key whose value is over the caps."""
    for key, value in meta.items():
        if _oversized(key) or _oversized(value):
            return _key_line(lines, str(key))
    return None


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()}


def _key_line(lines: list[str], key: str) -> int | None:
    """Return the 1-based line of `key:` in front matter, if it is there."""
    return next((i for i, line in enumerate(lines, 1) if line.lstrip().startswith(f"{key}:")), None)


def _read_front_matter(doc: ParsedDocument, lines: list[str]) -> int:
    """Read the YAML block at the top; return the index of the first body line."""
    if not lines or lines[0].strip().lstrip("\ufeff") != "---":
        return 0
    end = next((i for i in range(1, len(lines)) if lines[i].strip() in ("---", "...")), None)
    if end is None:
        doc.warn(1, "front matter starts with '---' but never ends; read as plain markdown")
        return 1
    block = "\n".join(lines[1:end])
    try:
        if len(block) > MAX_FRONT_MATTER:
            raise RefusedFrontMatter(0, f"is {len(block):,} characters long (at most {MAX_FRONT_MATTER:,})")
        meta = yaml.load(block, Loader=_FrontMatterLoader) or {}
        problem = _oversized(meta)
        if problem:
            raise RefusedFrontMatter(None, problem)
    except RefusedFrontMatter as exc:
        line = exc.line + 2 if exc.line is not None else (_value_line(lines, meta) or 2)
        doc.problems.append(Problem(doc.file, line, f"front matter {exc.message}; file skipped", "error"))
        return len(lines)  # nothing of this file is read
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark else 1
        doc.warn(line, f"broken front matter ({getattr(exc, 'problem', None) or 'not YAML'}); "
                       "the body is read without it")
        return end + 1
    if not isinstance(meta, dict):
        doc.warn(2, "front matter is not a mapping of keys to values; the body is read without it")
        return end + 1
    apply_metadata(doc, meta, lines)
    return end + 1


def apply_metadata(doc: ParsedDocument, meta: dict, lines: list[str] | None = None) -> None:
    """Fill a document's episode facts from a front-matter mapping.

    A value of the wrong kind is left out with a warning naming its line
    (`lines` are the document's lines, to find it); the rest still counts.
    """
    lines = lines or []
    source = meta.get("source") if isinstance(meta.get("source"), dict) else {}
    if meta.get("title"):
        doc.title, number, show = split_title(str(meta["title"]))
        doc.number = doc.number or number
        doc.show = doc.show or show
    episode = meta.get("episode", meta.get("number"))
    if isinstance(episode, int) or (isinstance(episode, str) and episode.strip().lstrip("#").isdecimal()):
        doc.number = int(str(episode).strip().lstrip("#"))
    elif isinstance(episode, str) and episode.strip():
        doc.episode_key = episode.strip()
    doc.show = doc.show or meta.get("show") or source.get("title")
    doc.host = meta.get("host") or source.get("author") or doc.host
    doc.language = normalize_language(meta.get("language") or source.get("language")) or doc.language
    date = meta.get("date", source.get("date"))
    if isinstance(date, dt.datetime):
        date = date.date()
    doc.date = date if isinstance(date, dt.date) else parse_date(str(date)) if date else None
    if date and doc.date is None:
        doc.warn(_key_line(lines, "date"), f"date {str(date)!r} is not a date like 2026-01-31; left out")
    guests = meta.get("guests") or []
    if isinstance(guests, str):
        doc.guests = split_people(guests)
    elif isinstance(guests, list):
        doc.guests = [clean_line(str(g)) for g in guests if isinstance(g, (str, int)) and str(g).strip()]
    else:
        doc.warn(_key_line(lines, "guests"), "guests should be a list of names; left out")
    if meta.get("description"):
        doc.description = clean_line(str(meta["description"]))
        doc.add(doc.description, "description", 2)
    tags = meta.get("tags") or []
    doc.tags = [str(t) for t in tags if isinstance(t, (str, int, float))] if isinstance(tags, list) \
        else split_people(str(tags))
    links = meta.get("links") or {}
    if isinstance(links, dict):
        doc.links.extend(Link(label=str(k).capitalize(), url=str(v)) for k, v in links.items() if v)
    elif isinstance(links, list):
        for item in links:
            if isinstance(item, dict) and item.get("url"):
                doc.links.append(Link(label=str(item.get("label", "Link")), url=str(item["url"])))
            elif isinstance(item, str):
                doc.links.append(Link(label="Link", url=item))
    for key in ("video", "url"):
        if meta.get(key):
            doc.links.append(Link(label=key.capitalize(), url=str(meta[key])))
    if source.get("url"):
        doc.links.append(Link(label="Episode page", url=str(source["url"])))
