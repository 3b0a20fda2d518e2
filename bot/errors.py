"""The errors whose message is written for the person who caused them."""

from __future__ import annotations

from .i18n import ngettext


class UserError(Exception):
    """A problem with what the user asked; its message is shown to them as is."""

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return f"{self.message} {self.hint}" if self.hint else self.message


class RateLimited(UserError):
    """The user or channel asked too often; says when to try again."""

    def __init__(self, retry_after: float) -> None:
        seconds = max(1, round(retry_after + 0.49))
        super().__init__(ngettext("Slow down a little: try again in {n} second.",
                                  "Slow down a little: try again in {n} seconds.", seconds))
        self.retry_after = retry_after


class SeedsError(Exception):
    """The seeds folder cannot give the bot any episode; says what to fix."""
