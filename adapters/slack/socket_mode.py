"""Socket Mode: the app over Slack's websocket, with a heartbeat that is fresh only while it is live.

A "zombie" connection (open, but no longer answering pings; bolt-python
#1529) must make the heartbeat go stale so the health check notices, so the
heartbeat asks the socket client, not merely whether the process runs.
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

if TYPE_CHECKING:
    from slack_bolt.app.async_app import AsyncApp

log = logging.getLogger(__name__)


class SocketMode:
    """Connect the app through Socket Mode and report whether the connection is live."""

    def __init__(self, app: AsyncApp, app_token: str, *, ping_interval: float = 10.0) -> None:
        self.ping_interval = ping_interval
        self.handler = AsyncSocketModeHandler(app, app_token, ping_interval=ping_interval)
        self.client = self.handler.client
        self._in_flight = 0
        self._idle = asyncio.Event()
        self._idle.set()
        self._count_messages()

    def _count_messages(self) -> None:
        """Count envelopes still being handled (acked and answered), so close() can wait for them.

        slack-sdk runs each envelope as a task it does not keep; closing the
        socket under one that is still sending its ack logs a traceback.
        """
        run = self.client.run_message_listeners

        async def counted(message: dict, raw_message: str) -> None:
            self._in_flight += 1
            self._idle.clear()
            try:
                await run(message, raw_message)
            finally:
                self._in_flight -= 1
                if not self._in_flight:
                    self._idle.set()

        self.client.run_message_listeners = counted  # type: ignore[method-assign]

    async def start(self) -> None:
        """Open the connection (apps.connections.open, then the websocket); reconnects are automatic.

        A refused app token raises SlackApiError here, once, instead of being
        retried forever inside the socket client.
        """
        if self.client.wss_uri is None:
            self.client.wss_uri = await self.client.issue_new_wss_url()
        await self.handler.connect_async()

    async def close(self, grace: float = 3.0) -> None:
        """Let envelopes in flight finish (at most `grace` seconds), then close the socket."""
        try:
            await asyncio.wait_for(self._idle.wait(), grace)
        except asyncio.TimeoutError:
            log.warning("closing Slack Socket Mode with %d envelope(s) still in flight", self._in_flight)
        await self.handler.close_async()

    def alive(self) -> bool:
        """True while the websocket is open and has answered a ping recently.

        The same checks as slack-sdk's async is_connected(), but synchronous (for
        the heartbeat) and stricter: slack-sdk calls a silent socket stale only
        after 4 ping intervals.
        """
        client = self.client
        session = client.current_session
        if client.closed or client.stale or session is None or session.closed:
            return False
        last = client.last_ping_pong_time
        return last is not None and time.time() - last <= 2 * self.ping_interval + 1

    async def watch(self, every: float = 1.0) -> None:
        """Run until cancelled, logging each change between connected and not."""
        was_alive: bool | None = None
        while True:
            now_alive = self.alive()
            if now_alive != was_alive:
                if now_alive:
                    log.info("Slack Socket Mode connected")
                elif was_alive is not None:
                    log.warning("Slack Socket Mode connection lost; reconnecting (heartbeat paused)")
                was_alive = now_alive
            await asyncio.sleep(every)
