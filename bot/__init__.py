"""Episode Bot's platform-neutral core: episodes, search, commands, replies."""

from __future__ import annotations

import importlib
from typing import Any

# Where each public name lives. They are imported on first use (PEP 562), so a
# small tool such as `episode-bot health` (the container's health check, every
# 30 s) doesn't load the search, the replies and the question log.
_EXPORTS = {"COMMANDS": "commands", "Command": "commands", "Option": "commands",
            "Choice": "core", "EpisodeBot": "core",
            "RateLimited": "errors", "SeedsError": "errors", "UserError": "errors",
            "Action": "replies", "Button": "replies", "Reply": "replies", "Result": "replies"}


def __getattr__(name: str) -> Any:
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f".{module}", __name__), name)
    globals()[name] = value  # once: later lookups don't come back here
    return value

__all__ = ["COMMANDS", "Command", "Option", "EpisodeBot", "Choice", "UserError", "RateLimited",
           "SeedsError", "Action", "Button", "Reply", "Result"]
