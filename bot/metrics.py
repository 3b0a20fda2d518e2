"""Prometheus metrics: what the bot answered, how fast, and whether it is connected.

Commands are counted in one place, `EpisodeBot.run()`, so Discord and Slack
are counted the same way; `episode-bot ask` and the other one-shot commands
serve no /metrics and count nothing (`EpisodeBot(counted=False)`), so they
don't load the Prometheus client. The text format is served at
`/metrics`: by the Slack HTTP server on its own port, and by `serve()` on
`EPISODE_BOT_METRICS_PORT` for the other modes (off unless set).
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING, Callable

from prometheus_client import (
    CONTENT_TYPE_LATEST,
    CollectorRegistry,
    Counter,
    Gauge,
    Histogram,
    PlatformCollector,
    ProcessCollector,
    generate_latest,
)

if TYPE_CHECKING:
    from aiohttp import web

    from .replies import Reply

log = logging.getLogger(__name__)

OUTCOMES = ("answered", "declined", "error", "rate_limited")
# A command answers in a few ms from the seeds; a big catalogue or a slow disk shows in the upper buckets.
BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0)

# One registry for the bot (not the library-wide default), so nothing else lands on /metrics.
REGISTRY = CollectorRegistry()
ProcessCollector(registry=REGISTRY)  # memory, CPU, open files: process_*
PlatformCollector(registry=REGISTRY)

COMMANDS = Counter("episode_bot_commands", "Commands run, by command, platform and outcome",
                   ["command", "platform", "outcome"], registry=REGISTRY)
COMMAND_SECONDS = Histogram("episode_bot_command_seconds", "Time to answer a command, in seconds",
                            ["command"], buckets=BUCKETS, registry=REGISTRY)
EPISODES = Gauge("episode_bot_episodes", "Episodes the bot is answering from", registry=REGISTRY)
RELOADS = Counter("episode_bot_reloads", "Reloads of the seeds folder, by result (ok, failed)", ["result"],
                  registry=REGISTRY)
GATEWAY = Gauge("episode_bot_gateway_connected",
                "1 while the platform connection is live (Discord gateway, Slack socket or HTTP server)",
                registry=REGISTRY)


def outcome(reply: Reply) -> str:
    """Name how a command ended: answered, declined (nothing found), error or rate_limited."""
    if reply.retry_after is not None:
        return "rate_limited"
    if reply.error:
        return "error"
    return "answered" if reply.results else "declined"


def observe(command: str, platform: str, result: str, seconds: float) -> None:
    """Count one command and its time; `command` should be a registry name (bounded labels)."""
    COMMANDS.labels(command=command, platform=platform, outcome=result).inc()
    COMMAND_SECONDS.labels(command=command).observe(seconds)


def track_episodes(count: Callable[[], int]) -> None:
    """Report the episode count by asking `count()` at every scrape (always the live snapshot)."""
    EPISODES.set_function(lambda: float(count()))


def track_connection(is_alive: Callable[[], bool]) -> None:
    """Report the platform connection by asking `is_alive()` at every scrape."""

    def connected() -> float:
        try:
            return 1.0 if is_alive() else 0.0
        except Exception:  # a scrape must never fail because a client is half torn down
            return 0.0

    GATEWAY.set_function(connected)


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus text format, and its content type."""
    return generate_latest(REGISTRY), CONTENT_TYPE_LATEST


async def handler(request: web.Request) -> web.Response:
    """aiohttp handler for GET /metrics."""
    from aiohttp import web

    body, content_type = exposition()
    # aiohttp wants the charset apart from the content type
    mime, _, params = content_type.partition(";")
    charset = params.split("=", 1)[1].strip() if "charset=" in params else None
    return web.Response(body=body, content_type=mime.strip(), charset=charset)


async def serve(host: str, port: int) -> tuple[web.AppRunner, int]:
    """Serve /metrics on host:port (port 0 picks a free one); return the runner and the bound port."""
    from aiohttp import web

    app = web.Application()
    app.router.add_get("/metrics", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    log.info("metrics at http://%s:%d/metrics", host, bound)
    return runner, bound


__all__ = ["REGISTRY", "COMMANDS", "COMMAND_SECONDS", "EPISODES", "RELOADS", "GATEWAY", "OUTCOMES", "outcome",
           "observe", "track_episodes", "track_connection", "exposition", "handler", "serve"]
