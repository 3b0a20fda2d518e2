"""The platform-neutral reply every command returns, and the buttons on it."""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, Field

from .text import format_time

ActionKind = Literal["share", "more", "prev", "next", "open"]  # open: the same question in another episode
_SEP = "\x1f"  # never in cleaned user text (control characters are stripped)
# 👍/👎 on an answer (the action's query is the answer's record id in the question log),
# and an admin's pick of the answer to teach (query: the question; page: the result's number).
RecordKind = Literal["up", "down", "teach"]
RECORD_KINDS = ("up", "down", "teach")


class Result(BaseModel):
    """One answer: the fields of `episode-bot COMMAND --json` results."""

    text: str
    kind: str
    title: str | None = None
    speaker: str | None = None
    timestamp: str | None = None  # H:MM:SS
    chapter: str | None = None
    section: str | None = None
    source: str | None = None  # "file:line; file:line"
    score: float = 0.0
    link: str | None = None
    seconds: int | None = None
    time_basis: str | None = None  # own, matched, nearby, chapter
    remark: str | None = None
    episode: str | None = None  # id of the episode it came from (another one after a fallback)
    match: str | None = None  # what found it: "words", "meaning" or "both" (see SearchIndex.accepted)


class Field_(BaseModel):
    name: str
    value: str
    inline: bool = False


class Citation(BaseModel):
    source: str
    timestamp: str | None = None
    link: str | None = None


class Action(BaseModel):
    """What a button does, with everything needed to do it after a restart."""

    kind: ActionKind | RecordKind
    command: str
    query: str = ""
    episode: str = ""
    page: int = 1
    extra: str = ""  # e.g. the speaker of a quote
    before: str = ""  # a spoiler-safe answer's limit, e.g. 45:00

    def encode(self) -> str:
        """Return a compact token: `v1|kind|command|episode|page|extra|query`.

        A spoiler-safe action adds its limit after the page (`v2|...|page|before|extra|query`);
        the others keep the v1 form, so buttons already posted keep working.
        """
        if self.before:
            return "|".join(["v2", self.kind, self.command, self.episode, str(self.page),
                             self.before.replace("|", " "), self.extra.replace("|", " "), self.query])
        return "|".join(["v1", self.kind, self.command, self.episode, str(self.page),
                         self.extra.replace("|", " "), self.query])

    @classmethod
    def decode(cls, token: str) -> Action | None:
        """Read a token made by encode(); None when it is not one (or is from an old version)."""
        parts = token.split("|", 7 if token.startswith("v2|") else 6)
        # ASCII digits only, and few: int() raises on '²' and on more than 4300 digits
        if (len(parts), parts[0]) not in ((7, "v1"), (8, "v2")) or not (
                parts[4].isascii() and parts[4].isdigit() and len(parts[4]) <= 6):
            return None
        before = parts.pop(5) if parts[0] == "v2" else ""
        _, kind, command, episode, page, extra, query = parts
        if kind not in RECORD_KINDS and kind not in ("share", "more", "prev", "next", "open"):
            return None
        return cls(kind=kind, command=command, episode=episode, page=int(page), extra=extra, query=query,
                   before=before[:20])


class Button(BaseModel):
    label: str
    action: Action


class Reply(BaseModel):
    """What the bot says, before any platform decides how it looks."""

    command: str
    query: str = ""
    episode: str | None = None  # episode id
    episode_label: str | None = None
    title: str
    body: str = ""
    fields: list[Field_] = Field(default_factory=list)
    results: list[Result] = Field(default_factory=list)
    citations: list[Citation] = Field(default_factory=list)
    suggestions: list[str] = Field(default_factory=list)
    buttons: list[Button] = Field(default_factory=list)
    message: str | None = None  # a decline or a note for the user
    error: bool = False  # a user-safe error, shown privately
    retry_after: float | None = None  # rate limited: seconds until the asker may try again
    page: int = 1
    more: bool = False  # more results exist beyond this page
    record_id: str | None = None  # this answer's row in the question log (its 👍/👎 buttons carry it)
    details: dict[str, Any] | None = None  # structured facts (the episode command's), for --json
    before: int | None = None  # spoiler-safe: only what starts before this many seconds was used

    def to_json(self) -> dict[str, Any]:
        """The stable document printed by `--json`."""
        return {
            "command": self.command,
            "query": self.query,
            "episode": self.episode,
            "results": [r.model_dump(include={"text", "kind", "title", "speaker", "timestamp",
                                              "chapter", "section", "source", "score", "link", "episode",
                                              "match"}, exclude_none=False)
                        for r in self.results],
            "message": self.message,
            "suggestions": self.suggestions,
            **({"spoiler_safe_before": format_time(self.before)} if self.before is not None else {}),
            **({"details": self.details} if self.details is not None else {}),
        }

    @property
    def sources(self) -> list[str]:
        """The files the reply's results came from, each once."""
        files: dict[str, None] = {}
        for r in self.results:
            for part in (r.source or "").split("; "):
                if part:
                    files.setdefault(part.rsplit(":", 1)[0], None)
        return list(files)


def error_reply(command: str, message: str, query: str = "") -> Reply:
    return Reply(command=command, query=query, title="Sorry", body=message, message=message, error=True)
