"""A small HTTP front end for the runtime tests, run as its own process.

It is built like a platform adapter: one EpisodeBot, replies counted in flight,
and the connection (a local aiohttp server) handed to `run_service`, which adds
the heartbeat, the pid file, the seeds watch, SIGHUP reload and graceful stop.
`GET /ask?q=...&episode=...&delay=...` answers like `/ask`; `delay` holds the
reply back so a test can stop the process while it is in flight. `GET /hold?seconds=...`
blocks a worker thread without counting a reply (a stuck library call), which
keeps Python from exiting until it returns.
"""

from __future__ import annotations

import asyncio
import logging
import sys
import time
from pathlib import Path

from aiohttp import web

from bot.core import EpisodeBot
from bot.logs import setup_logging
from bot.runtime import Shutdown, run_service
from bot.settings import load_settings

log = logging.getLogger(__name__)


async def serve(port_file: Path) -> int:
    """Serve answers over HTTP until stopped; write the bound port to port_file."""
    settings = load_settings(env_file=None, secrets_dir=None)
    setup_logging(settings.log_level, settings.log_format)
    bot = EpisodeBot(settings.seeds_dir, default_episode=settings.default_episode)
    shutdown = Shutdown(settings.stop_grace)

    async def ask(request: web.Request) -> web.Response:
        with shutdown.track():
            log.info("answering %r", request.query.get("q", ""))
            await asyncio.sleep(min(float(request.query.get("delay", 0)), 30))
            args = {"question": request.query.get("q", "")}
            if request.query.get("episode"):
                args["episode"] = request.query["episode"]
            reply = bot.run("ask", args)
            return web.json_response({**reply.to_json(), "error": reply.error, "body": reply.body})

    async def hold(request: web.Request) -> web.Response:
        seconds = min(float(request.query.get("seconds", 0)), 60)
        asyncio.get_running_loop().run_in_executor(None, time.sleep, seconds)
        log.info("holding a worker thread for %.0f s", seconds)
        return web.json_response({"held": seconds})

    app = web.Application()
    app.router.add_get("/ask", ask)
    app.router.add_get("/hold", hold)
    runner = web.AppRunner(app)
    listening = asyncio.Event()

    async def connect() -> None:
        await runner.setup()
        site = web.TCPSite(runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]
        port_file.write_text(str(port))
        listening.set()
        await asyncio.Event().wait()  # serve until cancelled

    return await run_service("http-frontend", bot, settings, connect, listening.is_set,
                             disconnect=runner.cleanup, shutdown=shutdown, heartbeat_interval=0.2)


if __name__ == "__main__":
    sys.exit(asyncio.run(serve(Path(sys.argv[1]))))
