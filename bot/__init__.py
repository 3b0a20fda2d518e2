"""Episode Bot's platform-neutral core: episodes, search, commands, replies."""

from __future__ import annotations

from .commands import COMMANDS, Command, Option
from .core import Choice, EpisodeBot
from .errors import RateLimited, SeedsError, UserError
from .replies import Action, Button, Reply, Result

__all__ = ["COMMANDS", "Command", "Option", "EpisodeBot", "Choice", "UserError", "RateLimited",
           "SeedsError", "Action", "Button", "Reply", "Result"]
