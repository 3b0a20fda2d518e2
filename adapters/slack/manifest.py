"""The Slack app manifest, generated from the command registry.

An admin pastes it at api.slack.com/apps ("Create New App" > "From a
manifest"); adding a command to the registry adds it here too.
"""

from __future__ import annotations

from typing import Any

import yaml

from bot.commands import ADMIN_COMMANDS, COMMANDS

from . import syntax
from .server import EVENTS_PATH

# Slash commands, and nothing more: answers and shares go to each request's response_url,
# which needs no scope (chat:write is only for chat.postMessage, which the bot never calls).
SCOPES = ["commands"]
NAME = "Episode Bot"
DESCRIPTION = "Answers questions about podcast episodes, with the moment it was said."


def events_url(http_url: str) -> str:
    """Return the request URL for HTTP mode from the public base URL (https only, as Slack requires)."""
    base = http_url.strip().rstrip("/")
    if not base.startswith("https://") or len(base) <= len("https://"):
        raise ValueError("--http-url must be the public https:// address of the bot, e.g. https://bot.example.org")
    return base if base.endswith(EVENTS_PATH) else base + EVENTS_PATH


def build_manifest(prefix: str = "", http_url: str | None = None, name: str = NAME) -> dict[str, Any]:
    """Return the manifest: Socket Mode, or request URLs when http_url is given."""
    url = events_url(http_url) if http_url else None
    commands = []
    for command in COMMANDS:
        entry: dict[str, Any] = {"command": syntax.slash_name(command, prefix),
                                 "description": command.description[:100],
                                 "should_escape": False}
        hint = syntax.usage_hint(command)
        if hint:
            entry["usage_hint"] = hint
        if url:
            entry["url"] = url
        commands.append(entry)
    scopes = list(SCOPES)
    if ADMIN_COMMANDS:  # /episodebot: admins are found with users.info, which needs users:read
        from .admin import group_hint, group_name

        entry = {"command": group_name(prefix), "description": "Admin tools: stats, unanswered, feedback, teach",
                 "usage_hint": group_hint(), "should_escape": False}
        if url:
            entry["url"] = url
        commands.append(entry)
        scopes.append("users:read")
    interactivity: dict[str, Any] = {"is_enabled": True}
    if url:
        interactivity["request_url"] = url
    return {
        "_metadata": {"major_version": 1, "minor_version": 1},
        "display_information": {"name": name[:35], "description": DESCRIPTION},
        "features": {
            "bot_user": {"display_name": name[:80], "always_online": True},
            "slash_commands": commands,
        },
        "oauth_config": {"scopes": {"bot": scopes}},
        "settings": {
            "interactivity": interactivity,
            "org_deploy_enabled": False,
            "socket_mode_enabled": url is None,
            "token_rotation_enabled": False,
        },
    }


def manifest_yaml(prefix: str = "", http_url: str | None = None, name: str = NAME) -> str:
    """The manifest as YAML, ready to paste."""
    return yaml.safe_dump(build_manifest(prefix, http_url, name), sort_keys=False, allow_unicode=True, width=100)
