"""The normalized, typed model of an episode library."""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, Field, PrivateAttr

PassageKind = Literal[
    "transcript",  # words spoken in the episode
    "highlight",  # a timed highlight from show notes
    "takeaway",  # a key takeaway (headline plus explanation)
    "summary",  # a TL;DR or overview paragraph
    "note",  # a bullet or paragraph of notes
    "quote",  # a notable quote
    "description",  # the episode's description or a guest's bio
    "info",  # facts about the episode itself (guests, date)
]

# Where a passage's time came from: its own document, a passage it was matched
# to (a transcript turn or a highlight), or the start of its chapter.
# "nearby" is an unattributed transcript line placed after the last one matched.
TimeBasis = Literal["own", "matched", "nearby", "chapter"]


class Provenance(BaseModel):
    """Where a piece of text was read: file name and 1-based line."""

    file: str
    line: int

    def __str__(self) -> str:
        return f"{self.file}:{self.line}"


class Link(BaseModel):
    label: str
    url: str


class Chapter(BaseModel):
    title: str
    start: int  # seconds
    end: int | None = None  # seconds; None for the last chapter
    source: Provenance | None = None


class Passage(BaseModel):
    text: str
    kind: PassageKind
    title: str | None = None  # a headline, for takeaways
    speaker: str | None = None
    time: int | None = None  # seconds into the episode
    time_basis: TimeBasis | None = None
    chapter: str | None = None
    section: str | None = None
    sources: list[Provenance] = Field(default_factory=list)
    # Set by the search index, never stored in the item's JSON: its rowid and its stem line
    # (bot/search.py stem_line), so an item read back from the index cache is found again.
    _rowid: int | None = PrivateAttr(default=None)
    _stems: str | None = PrivateAttr(default=None)


class Quote(BaseModel):
    text: str
    speaker: str | None = None
    remark: str | None = None  # e.g. "paraphrasing Sam Altman"
    time: int | None = None
    time_basis: TimeBasis | None = None
    chapter: str | None = None
    sources: list[Provenance] = Field(default_factory=list)
    _rowid: int | None = PrivateAttr(default=None)  # as Passage's
    _stems: str | None = PrivateAttr(default=None)


# Reading a private attribute (item._rowid) goes through pydantic's __getattr__, which asks the
# attribute's descriptor for __get__ and catches the AttributeError: about 2 µs a read, tens of
# reads an answer. These read the same values from the model's private dict directly.
def rowid_of(item: Passage | Quote) -> int | None:
    """Return the rowid the search index gave an item (item._rowid), or None."""
    return (item.__pydantic_private__ or {}).get("_rowid")


def stems_of(item: Passage | Quote) -> str | None:
    """Return the stem line the search index gave an item (item._stems), or None."""
    return (item.__pydantic_private__ or {}).get("_stems")


class Conflict(BaseModel):
    """Sources that disagree about one fact of an episode."""

    field: str
    values: list[tuple[str, str]]  # (value, source)


class Episode(BaseModel):
    id: str
    number: int | None = None
    title: str
    show: str | None = None
    date: dt.date | None = None
    host: str | None = None
    guests: list[str] = Field(default_factory=list)
    links: list[Link] = Field(default_factory=list)
    tags: list[str] = Field(default_factory=list)
    description: str | None = None
    language: str | None = None  # ISO 639-1: front matter, a feed's <language>, or detected from the text
    chapters: list[Chapter] = Field(default_factory=list)
    passages: list[Passage] = Field(default_factory=list)
    quotes: list[Quote] = Field(default_factory=list)
    sources: list[str] = Field(default_factory=list)  # file names
    conflicts: list[Conflict] = Field(default_factory=list)

    @property
    def label(self) -> str:
        return f"#{self.number} {self.title}" if self.number is not None else self.title

    @property
    def video_url(self) -> str | None:
        """Return the first link that can point at a moment (video or audio)."""
        for link in self.links:
            if is_media_url(link.url):
                return link.url
        return None

    @property
    def page_url(self) -> str | None:
        return self.links[0].url if self.links else None

    def chapter_at(self, seconds: int) -> Chapter | None:
        """Return the chapter that contains a time."""
        found = None
        for chapter in self.chapters:
            if chapter.start <= seconds:
                found = chapter
            else:
                break
        return found


def is_media_url(url: str) -> bool:
    lower = url.lower()
    return (
        "youtube.com/watch" in lower
        or "youtu.be/" in lower
        or lower.split("?")[0].endswith((".mp3", ".m4a", ".mp4", ".ogg", ".opus", ".webm"))
    )


def moment_url(url: str | None, seconds: int | None) -> str | None:
    """Return a link to a moment: `&t=<s>s` on YouTube, `#t=<s>` on a media file."""
    if not url:
        return None
    if seconds is None or not is_media_url(url):
        return url
    lower = url.lower()
    if "youtube.com/" in lower or "youtu.be/" in lower:
        return f"{url}{'&' if '?' in url else '?'}t={int(seconds)}s"
    return f"{url.split('#')[0]}#t={int(seconds)}"
