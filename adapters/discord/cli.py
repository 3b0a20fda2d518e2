"""`episode-bot discord`: run the bot, sync its commands, or print its invite URL."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
import discord

from bot.errors import SeedsError
from bot.logs import mask, settings_secrets, setup_logging
from bot.runtime import Shutdown, run_service
from bot.settings import ConfigError, load_settings, report
from bot.statedir import read_json_object

from .client import FAILURES_STATE, SYNC_STATE, client_options, make_client, use_api_base
from .tree import definitions_hash

if TYPE_CHECKING:
    from bot.core import EpisodeBot
    from bot.settings import Settings

log = logging.getLogger(__name__)

BACKOFF_BASE = 15.0  # seconds before exiting after the first failed start
BACKOFF_MAX = 900.0  # a crash loop then identifies at most ~100 times a day (Discord allows 1000)
SCOPES = ("bot", "applications.commands")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="episode-bot discord", description="Run the Discord bot.")
    parser.add_argument("--backoff", type=float, default=BACKOFF_BASE, metavar="SECONDS",
                        help="wait before exiting after a failed start; doubles on each failure in a row "
                             f"(default {BACKOFF_BASE:.0f})")
    sub = parser.add_subparsers(dest="cmd", metavar="COMMAND")
    sync = sub.add_parser("sync", help="Upload the slash commands to Discord and exit")
    sync.add_argument("--guild", type=int, action="append", metavar="ID",
                      help="sync to this server only (repeatable); without it, sync globally")
    sync.add_argument("--clear", action="store_true",
                      help="remove the bot's commands instead (e.g. global ones, after moving to --guild)")
    invite = sub.add_parser("invite-url", help="Print the URL that adds the bot to a server")
    invite.add_argument("--client-id", type=int, metavar="ID",
                        help="the application id (default: asked from Discord with DISCORD_TOKEN)")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point for `episode-bot discord ...`; returns the exit code."""
    args = build_parser().parse_args(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
        if not (args.cmd == "invite-url" and args.client_id):
            settings.require("discord_token")
    except ConfigError as exc:
        if args.cmd == "invite-url":  # the token is only one way to learn the application id
            exc.problems = [p.rstrip(".") + "; or give the application id instead: episode-bot discord invite-url "
                            "--client-id ID (Developer Portal > General Information > Application ID)"
                            for p in exc.problems]
        return report(exc)
    setup_logging(settings.log_level, settings.log_format, secrets=settings_secrets(settings))
    if args.cmd == "invite-url":
        return asyncio.run(invite_url(settings, args.client_id))
    from bot.core import EpisodeBot
    from bot.runtime import publish_progress

    if args.cmd is None:  # the service: `episode-bot health` shows how far a long first build is
        publish_progress(settings)
    try:
        core = EpisodeBot.from_settings(settings, platform="discord")  # the question log is on by default
    except SeedsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:  # e.g. a default episode that matches none
        return report(exc)
    if args.cmd == "sync":
        return asyncio.run(sync(core, settings, args.guild or [], clear=args.clear))
    return asyncio.run(run(core, settings, backoff=args.backoff))


async def run(core: EpisodeBot, settings: Settings, *, backoff: float = BACKOFF_BASE) -> int:
    """Run the bot until SIGTERM/SIGINT; after a failed start, wait (back-off) and return 1."""
    try:
        client = make_client(core, settings)
    except (discord.ClientException, ValueError) as exc:  # e.g. shard ids without a shard count
        print(f"config error: {exc}", file=sys.stderr)
        return 2
    shutdown = Shutdown(settings.stop_grace)
    client.shutdown = shutdown  # type: ignore[attr-defined]
    failure: list[str] = []

    async def connect() -> None:
        try:
            await client.start(settings.discord_token.get_secret_value())  # type: ignore[union-attr]
        except Exception as exc:  # explained in one line below; run_service sees a plain end
            failure.append(explain(exc, settings))

    code = await run_service("discord", core, settings, connect, client.is_connected,  # type: ignore[attr-defined]
                             disconnect=client.close, shutdown=shutdown,
                             heartbeat_interval=max(1.0, settings.heartbeat_max_age / 4))
    if not client.is_closed():
        await client.close()
    if not failure:
        return code
    delay = next_backoff(Path(settings.state_dir), backoff)
    print(f"episode-bot discord: {failure[0]}; exiting in {delay:g} s so that restarts cannot use up "
          "Discord's 1000 logins a day", file=sys.stderr, flush=True)
    shutdown.install()  # a stop request ends the wait early
    try:
        await asyncio.wait_for(shutdown.requested.wait(), timeout=delay)
    except asyncio.TimeoutError:
        pass
    return 1


def explain(exc: BaseException, settings: Settings) -> str:
    """One line an admin can act on, for an error that ended the connection; never a secret."""
    if isinstance(exc, discord.LoginFailure):
        return ("Discord rejected DISCORD_TOKEN (401): copy a fresh token from the Developer Portal "
                "(Bot > Reset Token)")
    if isinstance(exc, discord.PrivilegedIntentsRequired):
        return "Discord refused the gateway intents (close code 4014); this bot needs no privileged intent"
    if isinstance(exc, discord.ConnectionClosed):
        if exc.code == 4004:
            return "Discord rejected DISCORD_TOKEN at the gateway (close code 4004): reset the token"
        if exc.code in (4010, 4011):
            return (f"Discord refused the shard settings (close code {exc.code}): check "
                    "EPISODE_BOT_DISCORD_SHARD_COUNT and EPISODE_BOT_DISCORD_SHARD_IDS")
        return f"the gateway closed the connection with code {exc.code}"
    if isinstance(exc, discord.HTTPException):
        return f"Discord answered {exc.status} at start-up: {mask(exc.text or '')[:200]}"
    if isinstance(exc, (discord.GatewayNotFound, aiohttp.ClientError, OSError, asyncio.TimeoutError)):
        return f"cannot reach Discord at {settings.discord_api_base} ({type(exc).__name__}: {mask(str(exc))[:200]})"
    log.error("the Discord client stopped", exc_info=exc)
    return f"the Discord client stopped unexpectedly ({type(exc).__name__})"


def next_backoff(state_dir: Path, base: float) -> float:
    """Count this failure and return how long to wait: base, doubling for each failure in a row."""
    path = state_dir / FAILURES_STATE
    try:
        failures = int(path.read_text().strip())
    except (OSError, ValueError):
        failures = 0
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"{failures + 1}\n")
    except OSError as exc:
        log.warning("cannot record the failed start in %s: %s", path, exc)
    return min(BACKOFF_MAX, base * 2 ** min(failures, 16))


async def sync(core: EpisodeBot, settings: Settings, guild_ids: list[int], *, clear: bool = False) -> int:
    """Bulk-overwrite the commands globally or in each given guild, over REST only (no gateway login).

    With `clear`, upload an empty list instead: that removes the bot's commands there.
    """
    client = make_client(core, settings, connect=False)
    async with client:
        if not await _rest_login(client, settings, "sync"):
            return 1
        tree = client.tree  # type: ignore[attr-defined]
        digest = definitions_hash(tree)
        if clear:
            tree.clear_commands(guild=None)
        failed = 0
        for guild_id in guild_ids or [None]:
            guild = discord.Object(id=guild_id) if guild_id else None
            where = f"server {guild_id}" if guild_id else "all servers"
            if guild:
                tree.copy_global_to(guild=guild)
            try:
                synced = await tree.sync(guild=guild)
            except discord.RateLimited as exc:
                failed += 1
                print(f"could not sync to {where}: Discord rate-limits command updates; try again in "
                      f"{exc.retry_after:.0f} s", file=sys.stderr)
                continue
            except discord.HTTPException as exc:
                failed += 1
                print(f"could not sync to {where}: {exc.status} {mask(exc.text or '')[:200]} (is the bot "
                      "invited with the applications.commands scope?)", file=sys.stderr)
                continue
            finally:
                if guild:
                    tree.clear_commands(guild=guild)
            if clear:
                print(f"removed the bot's commands from {where}")
            else:
                print(f"synced {len(synced)} commands to {where}"
                      + ("" if guild_id else " (global commands can take a few minutes to show)")
                      + ": " + ", ".join(f"/{c.name}" for c in synced))
            if guild_id:
                _remember_sync(Path(settings.state_dir), guild_id, None if clear else digest)
    return 1 if failed else 0


async def _rest_login(client: discord.Client, settings: Settings, subcommand: str) -> bool:
    """Log in over REST only (no gateway session); on failure say why in one line."""
    try:
        await client.login(settings.discord_token.get_secret_value())  # type: ignore[union-attr]
    except (discord.HTTPException, discord.LoginFailure, aiohttp.ClientError, OSError) as exc:
        print(f"episode-bot discord {subcommand}: {explain(exc, settings)}", file=sys.stderr)
        return False
    return True


def _remember_sync(state_dir: Path, guild_id: int, digest: str | None) -> None:
    """Record a manual guild sync, so the next start does not sync the same definitions again."""
    path = state_dir / SYNC_STATE
    stored = read_json_object(path, "command sync record")
    if digest is None:
        stored.pop(str(guild_id), None)
    else:
        stored[str(guild_id)] = digest
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(stored), encoding="utf-8")
    except OSError as exc:
        log.warning("cannot record the sync in %s: %s", path, exc)


async def invite_url(settings: Settings, client_id: int | None) -> int:
    """Print the OAuth2 URL that adds the bot with its two scopes and no extra permission."""
    if client_id is None:
        use_api_base(settings.discord_api_base)
        client = discord.Client(**client_options({}))  # REST only: login() opens no gateway session
        async with client:
            if not await _rest_login(client, settings, "invite-url"):
                return 1
            client_id = client.application_id
    # Replies to slash commands and buttons need no channel permission, so none is asked for.
    print(discord.utils.oauth_url(client_id, permissions=discord.Permissions.none(), scopes=SCOPES))
    return 0
