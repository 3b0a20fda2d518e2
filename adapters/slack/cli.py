"""`episode-bot slack`: run the Slack app (Socket Mode or HTTP mode) or print its manifest."""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from typing import Awaitable, Callable

from bot.errors import SeedsError
from bot.settings import ConfigError, Settings, load_settings, report

log = logging.getLogger(__name__)


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="episode-bot slack",
        description="Run Episode Bot in Slack. Socket Mode (the default) needs SLACK_BOT_TOKEN and "
                    "SLACK_APP_TOKEN; HTTP mode (--http) needs SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET.",
        epilog="`episode-bot slack manifest [--http-url https://host]` prints the app manifest to paste "
               "at api.slack.com/apps.")
    parser.add_argument("--http", action="store_true", help="serve POST /slack/events and GET /healthz")
    parser.add_argument("--port", type=int, help="port for --http (default: EPISODE_BOT_SLACK_PORT, 3000)")
    parser.add_argument("--host", default="0.0.0.0", help="address for --http (default: all)")
    parser.add_argument("--seeds", metavar="DIR", help="folder of episode documents (default: settings)")
    return parser


def manifest_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="episode-bot slack manifest",
                                     description="Print the Slack app manifest (YAML) built from the commands.")
    parser.add_argument("--http-url", metavar="URL",
                        help="public https:// address of the bot: request URLs instead of Socket Mode")
    parser.add_argument("--name", default=None, help="app name shown in Slack (default: Episode Bot)")
    return parser


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        settings = load_settings()
    except ConfigError as exc:
        return report(exc)
    if argv[:1] == ["manifest"]:
        return print_manifest(manifest_parser().parse_args(argv[1:]), settings)
    args = build_parser().parse_args(argv)
    try:
        settings.require("slack_bot_token", "slack_signing_secret" if args.http else "slack_app_token")
    except ConfigError as exc:
        return report(exc)
    from bot.logs import settings_secrets, setup_logging

    setup_logging(settings.log_level, settings.log_format, secrets=settings_secrets(settings))
    from bot.runtime import publish_progress

    publish_progress(settings)  # a first build of a large catalogue takes minutes: say how far it is
    port = args.port if args.port is not None else settings.slack_port
    # Beat a few times within the health check's window, at most every 10 s.
    interval = max(1.0, min(10.0, settings.heartbeat_max_age / 3))
    if args.http:
        try:
            return asyncio.run(serve_http_after_build(settings, args.seeds, host=args.host, port=port,
                                                      heartbeat_interval=interval))
        except KeyboardInterrupt:
            return 0
    try:
        bot = _load_bot(settings, args.seeds)
    except SeedsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except ConfigError as exc:  # e.g. a default episode that matches none
        return report(exc)
    try:
        return asyncio.run(serve(bot, settings, http=False, heartbeat_interval=interval))
    except KeyboardInterrupt:
        return 0


async def serve_http_after_build(settings: Settings, seeds: str | None, *, host: str = "0.0.0.0",
                                 port: int = 3000, heartbeat_interval: float = 10.0) -> int:
    """Load the episodes while /healthz answers "indexing 120/500", then serve Slack on the same port."""
    from bot.runtime import build_off_loop

    from .server import start_server, starting_server

    runner, bound = await start_server(starting_server(), host, port, starting=True)
    starting = {"runner": runner}

    async def stop_starting() -> None:
        if starting["runner"] is not None:
            runner, starting["runner"] = starting["runner"], None
            await runner.cleanup()

    try:
        try:
            bot = await build_off_loop(_load_bot, settings, seeds)
        except SeedsError as exc:
            print(f"error: {exc}", file=sys.stderr)
            return 1
        except ConfigError as exc:  # e.g. a default episode that matches none
            return report(exc)
        return await serve(bot, settings, http=True, host=host, port=bound,
                           heartbeat_interval=heartbeat_interval, before_listening=stop_starting)
    finally:
        await stop_starting()


def print_manifest(args: argparse.Namespace, settings: Settings) -> int:
    from .manifest import NAME, manifest_yaml

    try:
        print(manifest_yaml(settings.slack_command_prefix, args.http_url, args.name or NAME), end="")
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


async def serve(bot, settings: Settings, *, http: bool, host: str = "0.0.0.0", port: int = 3000,
                heartbeat_interval: float = 10.0, ping_interval: float = 10.0,
                before_listening: Callable[[], Awaitable[None]] | None = None) -> int:
    """Run the app until stopped; return the exit code.

    `before_listening`: in HTTP mode, frees the port (the server that answered while starting).
    """
    from slack_sdk.errors import SlackApiError

    from bot.runtime import Shutdown

    from .app import build_app

    shutdown = Shutdown(settings.stop_grace)
    app = build_app(bot, settings, shutdown=shutdown)
    try:
        who = await app.client.auth_test()  # fail fast, with a clear message, on a wrong token
    except SlackApiError as exc:
        log.error("Slack refused SLACK_BOT_TOKEN (%s): copy the xoxb- token from OAuth & Permissions again",
                  exc.response.get("error", "error"))
        return 1
    except Exception as exc:  # the network or SLACK_API_URL
        log.error("cannot reach the Slack Web API at %s: %s", settings.slack_api_url, exc)
        return 1
    log.info("signed in to Slack workspace %s as %s", who.get("team"), who.get("user"))
    if http:
        return await _serve_http(app, bot, settings, shutdown, host, port, heartbeat_interval, before_listening)
    return await _serve_socket(app, bot, settings, shutdown, heartbeat_interval, ping_interval)


async def _serve_http(app, bot, settings: Settings, shutdown, host: str, port: int, interval: float,
                      before_listening: Callable[[], Awaitable[None]] | None = None) -> int:
    from bot.runtime import run_service

    from .server import build_server, start_server

    from bot.probe import Liveness

    assert settings.slack_signing_secret is not None
    state: dict = {"runner": None, "url": None}

    async def connect() -> None:
        server = build_server(app, settings.slack_signing_secret.get_secret_value(),
                              is_ready=lambda: not shutdown.requested.is_set(), liveness=Liveness(bot))
        if before_listening is not None:
            await before_listening()
        state["runner"], bound = await start_server(server, host, port)
        # `episode-bot health` (the container's health check) asks /healthz at this address.
        local = "127.0.0.1" if host in ("0.0.0.0", "", "::") else host
        state["url"] = f"http://{local}:{bound}/healthz"
        await asyncio.Event().wait()  # serve until cancelled

    async def disconnect() -> None:
        if state["runner"] is not None:
            await state["runner"].cleanup()

    return await run_service("slack-http", bot, settings, connect, lambda: state["runner"] is not None,
                             disconnect=disconnect, shutdown=shutdown, heartbeat_interval=interval,
                             health_url=lambda: state["url"])


async def _serve_socket(app, bot, settings: Settings, shutdown, interval: float, ping_interval: float) -> int:
    from bot.runtime import run_service

    from .socket_mode import SocketMode

    from slack_sdk.errors import SlackApiError

    assert settings.slack_app_token is not None
    socket = SocketMode(app, settings.slack_app_token.get_secret_value(), ping_interval=ping_interval)
    try:
        await socket.start()
    except SlackApiError as exc:
        log.error("Slack refused SLACK_APP_TOKEN (%s): create an xapp- token with connections:write under "
                  "Basic Information > App-Level Tokens, and turn Socket Mode on", exc.response.get("error", "error"))
        await socket.close()
        return 1

    async def connect() -> None:
        await socket.watch()  # runs while the client reconnects on its own; logs each change

    return await run_service("slack", bot, settings, connect, socket.alive,
                             disconnect=socket.close, shutdown=shutdown, heartbeat_interval=interval)


def _load_bot(settings: Settings, seeds: str | None):
    from bot.core import EpisodeBot

    return EpisodeBot.from_settings(settings, seeds, platform="slack")  # the question log is on by default
