"""Spoiler-safe answers: only what starts before a moment of the episode.

A listener half-way through an episode gives `before` (45:00) or sets their
place with /progress; every command that answers from the episode then uses
only passages, quotes and chapters that start before it. A passage with no
time could be from anywhere in the episode, so it is left out, except the
episode's own description (what a listener reads before pressing play).
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Iterable, TypeVar

from .catalogue import short_label
from .errors import UserError
from .i18n import _
from .text import format_time, is_time_line, read_time

if TYPE_CHECKING:
    from .models import Chapter, Episode, Passage, Quote
    from .replies import Reply
    from .search import Hit

# The last moment the documents name is a cue's or chapter's start, not the end of
# the audio: a place a few minutes after it is still inside the episode.
END_SLACK = 300
_NEGATIVE = re.compile(r"^\s*-\s*\d")

T = TypeVar("T")


def parse_before(text: str, episode: Episode, length: int | None) -> int:
    """Return the seconds a `before` value names, or raise a UserError that says what is wrong."""
    value = text.strip()
    if _NEGATIVE.match(value):
        raise UserError(_("{value!r} is before the start of the episode.", value=value),
                        _("Give the time you have listened up to, e.g. 45:00 or 1:02:38."))
    seconds = read_time(value)
    if seconds is None:
        if is_time_line(value.replace(" ", "")):
            raise UserError(_("{time} is not a possible time: minutes and seconds go up to 59.", time=value),
                            _("Try e.g. 45:00 or 1:02:38."))
        raise UserError(_("{value!r} is not a time.", value=value), _("Write it like 45:00, 1:02:38 or 1h02m."))
    if length is None:
        raise UserError(_("{episode} has no times in its notes or transcript, so I can't tell "
                          "what comes before a moment of it.", episode=episode.label), _("Ask without a time."))
    if seconds <= 0:
        raise UserError(_("Nothing has been said before 0:00."), _("Give a later time, e.g. 45:00."))
    if seconds > length + END_SLACK:
        raise UserError(_("{time} is past the end of {episode} (about {length} long).", time=short(seconds),
                          episode=short_label(episode), length=short(length)),
                        _("Give a time within the episode, or leave the time out."))
    return seconds


def short(seconds: int) -> str:
    """Write a time the way people say it: 45:00 under an hour, 1:02:38 over."""
    return format_time(seconds)[2:] if seconds < 3600 else format_time(seconds)  # type: ignore[index]


def allowed(item: Passage | Quote, before: int) -> bool:
    """Return True when an item starts before the limit (or is the episode's own description)."""
    if item.time is None:
        return getattr(item, "kind", None) == "description"
    return item.time < before


def hits_before(hits: list[Hit], before: int | None) -> list[Hit]:
    """Keep the hits that start before the limit.

    The description counts only when nothing with a moment of its own answers:
    an answer pinned to a time before the limit is the surer one.
    """
    if before is None:
        return hits
    kept = [h for h in hits if allowed(h.item, before)]
    timed = [h for h in kept if h.item.time is not None]
    return timed or kept


def items_before(items: Iterable[T], before: int | None) -> list[T]:
    return list(items) if before is None else [x for x in items if allowed(x, before)]  # type: ignore[arg-type]


def chapters_before(chapters: list[Chapter], before: int | None) -> list[Chapter]:
    return chapters if before is None else [c for c in chapters if c.start < before]


def mark(reply: Reply, before: int, from_progress: bool = False) -> None:
    """Say on the reply that it is spoiler-safe, and keep the limit on its buttons."""
    reply.before = before
    note = (_("Spoiler-safe: up to {time} (your saved place; `progress clear` forgets it).", time=short(before))
            if from_progress else _("Spoiler-safe: up to {time}.", time=short(before)))
    if reply.message:
        if reply.body == reply.message:
            reply.body = f"{note} {reply.body}"
        reply.message = f"{note} {reply.message}"
    else:
        reply.message = note
    for button in reply.buttons:
        if not button.action.before:
            button.action.before = short(before)
