"""`episode-bot episodebot SUBCOMMAND ...`: the admin subcommands for the host, from the registry.

The host runs these against the same question log the bot writes (the state
folder's SQLite file, or EPISODE_BOT_DATABASE_URL): whoever can run the CLI
on the host is an admin.
"""

from __future__ import annotations

import argparse
import getpass
import json
import logging
import sys

from .commands import ADMIN_COMMANDS, ADMIN_GROUP, Caller, Command
from .errors import SeedsError
from .replies import Reply
from .settings import ConfigError, load_settings, report

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog=f"episode-bot {ADMIN_GROUP}",
                                     description="Admin tools: what people ask, what goes unanswered, feedback, "
                                                 "teaching.")
    sub = parser.add_subparsers(dest="sub", metavar="SUBCOMMAND", required=True)
    for command in ADMIN_COMMANDS:
        p = sub.add_parser(command.name, help=command.description,
                           description=f"{command.description}. Example: episode-bot {ADMIN_GROUP} {command.example}")
        for option in command.options:
            if option.positional and option.name != "episode":
                p.add_argument(option.name, nargs="*", help=option.description)
            else:
                p.add_argument(f"--{option.name}", help=option.description)
        p.add_argument("--json", action="store_true", help="print the figures as JSON")
        p.add_argument("--seeds", metavar="DIR", help="folder of episode documents")
    return parser


def values_of(args: argparse.Namespace, command: Command) -> dict[str, str]:
    values = {}
    for option in command.options:
        raw = getattr(args, option.name, None)
        if isinstance(raw, list):
            raw = " ".join(raw)
        if raw:
            values[option.name] = raw
    return values


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    command = next(c for c in ADMIN_COMMANDS if c.name == args.sub)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return report(exc)
    logging.basicConfig(level="WARNING", format="%(levelname)s %(name)s: %(message)s")
    from .core import EpisodeBot

    try:
        bot = EpisodeBot.from_settings(settings, args.seeds, rate_limited=False, platform="cli")
    except SeedsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:
        return report(exc)
    reply = bot.run_admin(command.name, values_of(args, command), Caller("cli", getpass.getuser()))
    if bot.records is not None:
        bot.records.close()
    if args.json and not reply.error:
        print(json.dumps(reply.details or {}, ensure_ascii=False, indent=2))
    else:
        print(render_text(reply), file=sys.stderr if reply.error else sys.stdout)
    return 2 if reply.error else 0


def render_text(reply: Reply) -> str:
    if reply.error:
        return f"error: {reply.body}"
    lines = [reply.title, "=" * min(len(reply.title), 72)]
    if reply.body:
        lines.append(reply.body)
    for f in reply.fields:
        lines += [f"{f.name}:", *("  " + v for v in f.value.splitlines())]
    if reply.buttons:
        lines.append("Pick one: add → and its number to the command, e.g. → 1")
    return "\n".join(lines)
