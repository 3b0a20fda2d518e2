"""The Discord front end: slash commands, autocomplete, embeds and buttons on discord.py.

Only this package imports discord; it calls the core (`bot.core.EpisodeBot`)
for every answer and renders the neutral reply the Discord way.
"""

from __future__ import annotations

from .client import EpisodeClient, ShardedEpisodeClient, make_client
from .render import Rendered, render
from .tree import build_tree

__all__ = ["EpisodeClient", "ShardedEpisodeClient", "Rendered", "build_tree", "make_client", "render"]
