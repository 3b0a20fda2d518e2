"""The `episode-bot` command's front door: tools that live beside the core start without loading it.

Docker runs `episode-bot health` every 30 s in each container. Loading the
search, the replies and the question log first cost about a second of CPU
each time, and on a loaded small server more than the check's 5 s timeout.
"""

from __future__ import annotations

import importlib
import os
import sys

# Subcommands that live beside the core: name -> (module, function, help).
EXTRA = {
    "discord": ("adapters.discord.cli", "main", "Run the Discord bot (also: sync, invite-url)"),
    "slack": ("adapters.slack.cli", "main", "Run the Slack app (also: manifest)"),
    "import": ("bot.importers.feed", "main", "Import episodes from a podcast RSS feed"),
    "bench": ("bench.__main__", "main", "Run the benchmarks (from a source checkout)"),
    "health": ("bot.health", "main", "Exit 0 while the running adapter's heartbeat is fresh"),
    "reload": ("bot.health", "reload_main", "Ask the running bot to reload the episodes"),
    "report": ("bot.report", "main", "What people asked, what went unanswered, feedback (--json, --csv, --html)"),
    "episodebot": ("bot.admin_cli", "main", "Admin tools: stats, unanswered, feedback, teach, untaught"),
}
NEEDS_CHECKOUT = {"bench"}  # found through bot.cli, which knows where a source checkout is


def run_extra(name: str, rest: list[str]) -> int:
    """Run one of EXTRA's subcommands with the arguments after its name."""
    module, func, _ = EXTRA[name]
    try:
        entry = getattr(importlib.import_module(module), func)
    except ImportError as exc:
        print(f"error: '{name}' is not available in this install ({exc})", file=sys.stderr)
        return 1
    return int(entry(rest) or 0)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] in EXTRA and argv[0] not in NEEDS_CHECKOUT:
        return run_extra(argv[0], argv[1:])
    if not (argv and argv[0] in NEEDS_CHECKOUT):
        # A command-line answer multiplies one vector by a few thousand rows: OpenBLAS's thread pool
        # would cost more to start (about 0.07 s of CPU at numpy's import) than it could save.
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
    from .cli import main as cli_main

    return cli_main(argv)


if __name__ == "__main__":
    sys.exit(main())
