"""Liveness that means answering: run a tiny command through the core, not just "the server started".

`/healthz` (Slack HTTP mode) asks `Liveness.check()`, which runs
`EpisodeBot.probe()` in a worker thread with a time limit. Results are reused
for a moment and concurrent checks share one run, so a flood of health
requests costs one small command every few seconds at most.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .core import EpisodeBot

log = logging.getLogger(__name__)

TIMEOUT = 3.0  # seconds; a command takes a few ms, so this is a hung core (Docker allows the check 5 s)
REUSE = 2.0  # seconds a result is reused


class Liveness:
    """Run `bot.probe()` at most every `reuse` seconds; report whether the bot answers."""

    def __init__(self, bot: EpisodeBot, timeout: float = TIMEOUT, reuse: float = REUSE) -> None:
        self.bot = bot
        self.timeout = timeout
        self.reuse = reuse
        self._lock = asyncio.Lock()
        self._last: tuple[float, bool, dict[str, Any]] | None = None
        self._failing = False

    async def check(self) -> tuple[bool, dict[str, Any]]:
        """Return (answering, details) — details are safe to show: no question text, no paths."""
        async with self._lock:
            now = time.monotonic()
            if self._last is not None and now - self._last[0] < self.reuse:
                return self._last[1], self._last[2]
            ok, details = await self._run()
            self._last = (time.monotonic(), ok, details)
            if ok == self._failing:  # log changes only, once each
                self._failing = not ok
                if ok:
                    log.info("health probe answers again")
                else:
                    log.error("health probe failed: %s", details.get("error"))
            return ok, details

    async def _run(self) -> tuple[bool, dict[str, Any]]:
        started = time.perf_counter()
        try:
            details = await asyncio.wait_for(asyncio.to_thread(self.bot.probe), self.timeout)
        except asyncio.TimeoutError:
            return False, {"status": "failing", "error": f"no answer within {self.timeout:.0f} s"}
        except Exception as exc:  # whatever broke, the check says so instead of raising
            log.debug("health probe raised", exc_info=exc)
            return False, {"status": "failing", "error": type(exc).__name__}
        details = {"status": "ok", **details, "probe_ms": round((time.perf_counter() - started) * 1000, 1)}
        return True, details


__all__ = ["Liveness", "TIMEOUT", "REUSE"]
