"""Write an episode's feed description as a markdown notes file (the native seed format).

Feed descriptions are HTML. They become markdown the markdown reader knows:
paragraphs, `- ` bullets, and, when the description lists timestamps and the
feed links no chapters file, a `## Chapters` section.
"""

from __future__ import annotations

import datetime as dt
import re
from html import unescape
from html.parser import HTMLParser

import yaml

_BLOCK = {"p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "tr"}
_TIMESTAMP_RE = re.compile(r"^[\[(]?(\d{1,2}:\d{2}(?::\d{2})?)[\])]?\s*[-–—:]?\s*(\S.*)$")


class _Text(HTMLParser):
    """Collect the text of HTML as lines: one per block, `- ` before list items."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.lines: list[str] = []
        self.current = ""
        self.href: str | None = None
        self.skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self.skip += 1
        elif tag in _BLOCK:
            self.newline()
            if tag == "li":
                self.current = "- "
            elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
                self.current = "### "
        elif tag == "a":
            self.href = dict(attrs).get("href")
            self.current += "["

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self.skip = max(0, self.skip - 1)
        elif tag in _BLOCK:
            self.newline()
        elif tag == "a":
            if self.href and self.href.startswith(("http://", "https://")):
                self.current += f"]({self.href})"
            else:
                self.current = self.current.replace("[", "", 1) if self.current.count("[") == 1 else self.current
            self.href = None

    def handle_data(self, data):
        if not self.skip:
            self.current += re.sub(r"\s+", " ", data)

    def newline(self):
        text = self.current.strip()
        if text and text not in ("-", "###"):
            self.lines.append(text)
        self.current = ""


def html_to_lines(value: str) -> list[str]:
    """Return the text lines of an HTML (or plain text) description."""
    if "<" not in value:
        lines = [line.strip() for line in unescape(value).splitlines() if line.strip()]
    else:
        parser = _Text()
        parser.feed(value)
        parser.close()
        parser.newline()
        lines = parser.lines
    # A body line starting with "#", ">" or "---" would read as markdown structure: escape it.
    return [("\\" + line) if line.startswith((">", "#", "---")) and not line.startswith("### ") else line
            for line in lines]


def notes_markdown(meta: dict, description: str, has_chapters: bool) -> str:
    """Build the notes file: YAML front matter, title, description, chapters."""
    lines = html_to_lines(description) if description else []
    chapters: list[str] = []
    if not has_chapters:
        lines, chapters = _split_timestamps(lines)
    front = yaml.safe_dump({k: v for k, v in meta.items() if v not in (None, "", [], {})},
                           sort_keys=False, allow_unicode=True, default_flow_style=False, width=1000)
    out = ["---", front.rstrip(), "---", "", f"# {meta['title']}", ""]
    if lines:
        out += ["## Description", ""]
        for line in lines:
            out += [line, ""] if not line.startswith("- ") else [line]
    if chapters:
        out += ["", "## Chapters", "", *chapters]
    return "\n".join(out).rstrip() + "\n"


def _split_timestamps(lines: list[str]) -> tuple[list[str], list[str]]:
    """Take a run of three or more timestamped lines out as chapter lines."""
    runs: list[tuple[int, int]] = []
    start = None
    for i, line in enumerate([*lines, ""]):
        timed = _TIMESTAMP_RE.match(line.removeprefix("- "))
        if timed and start is None:
            start = i
        elif not timed and start is not None:
            runs.append((start, i))
            start = None
    longest = max(runs, key=lambda r: r[1] - r[0], default=None)
    if not longest or longest[1] - longest[0] < 3:
        return lines, []
    chapters = []
    for line in lines[longest[0]:longest[1]]:
        m = _TIMESTAMP_RE.match(line.removeprefix("- "))
        chapters.append(f"- [{m.group(1)}] {m.group(2)}")
    return lines[:longest[0]] + lines[longest[1]:], chapters


def iso_date(parsed) -> dt.date | None:
    """Turn feedparser's time.struct_time into a date."""
    if not parsed:
        return None
    return dt.date(parsed.tm_year, parsed.tm_mon, parsed.tm_mday)
