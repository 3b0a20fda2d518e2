"""Episode Bot in Slack: slash commands from the registry, Block Kit answers, two connection modes.

`build_app()` makes the slack-bolt AsyncApp; `server` serves it over HTTP,
`socket_mode` over Socket Mode; `render` draws replies; `manifest` makes the
app manifest; `cli.main()` is `episode-bot slack`.
"""

from __future__ import annotations

from .app import build_app
from .manifest import build_manifest, manifest_yaml
from .render import escape, render_reply

__all__ = ["build_app", "build_manifest", "manifest_yaml", "escape", "render_reply"]
