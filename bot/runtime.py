"""What a long-running adapter shares: heartbeat, live reload, graceful stop."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import time
from pathlib import Path
from typing import TYPE_CHECKING, Callable

if TYPE_CHECKING:
    from .core import EpisodeBot

log = logging.getLogger(__name__)


class Heartbeat:
    """A file whose modification time says the platform connection is live."""

    def __init__(self, path: Path | str, interval: float = 10.0) -> None:
        self.path = Path(path)
        self.interval = interval

    def beat(self) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_name(self.path.name + ".tmp")
        tmp.write_text(f"{time.time():.0f} {os.getpid()}\n")
        os.replace(tmp, self.path)

    def clear(self) -> None:
        try:
            self.path.unlink()
        except FileNotFoundError:
            pass

    async def run(self, is_alive: Callable[[], bool]) -> None:
        """Beat every interval while is_alive() says the connection is up."""
        while True:
            if is_alive():
                self.beat()
            await asyncio.sleep(self.interval)


def is_fresh(path: Path | str, max_age: float) -> bool:
    """Return True when the heartbeat file exists and is younger than max_age seconds."""
    try:
        return time.time() - Path(path).stat().st_mtime <= max_age
    except OSError:
        return False


async def watch_seeds(bot: EpisodeBot, debounce_ms: int = 800) -> None:
    """Reload the episodes whenever files in the seeds folder change."""
    from watchfiles import awatch

    async for changes in awatch(bot.seeds_dir, debounce=debounce_ms, recursive=True):
        log.info("seeds folder changed (%d file(s)); reloading", len(changes))
        await asyncio.to_thread(bot.reload)


def install_reload_signal(bot: EpisodeBot) -> None:
    """Reload the episodes on SIGHUP (what `episode-bot reload` sends)."""
    loop = asyncio.get_running_loop()
    try:
        loop.add_signal_handler(signal.SIGHUP, lambda: loop.create_task(asyncio.to_thread(bot.reload)))
    except (NotImplementedError, RuntimeError):  # not on the main thread, or no SIGHUP
        log.debug("SIGHUP reload not available here")
