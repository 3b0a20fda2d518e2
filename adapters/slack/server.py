"""HTTP mode: an aiohttp server with POST /slack/events and GET /healthz.

Every request is checked here before bolt sees it: a missing, malformed or
stale timestamp, or a bad signature, gets 401 (bolt alone answers 500 to a
non-numeric timestamp, and logs the rejected body, response_url included).
"""

from __future__ import annotations

import hmac
import logging
import re
import time
from typing import TYPE_CHECKING, Callable

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_sdk.signature import SignatureVerifier

from bot import metrics

if TYPE_CHECKING:
    from slack_bolt.app.async_app import AsyncApp

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_AGE = 300  # seconds; Slack's own rule for replayed requests
MAX_BODY = 256 * 1024  # slash commands and button payloads are a few kB
_TIMESTAMP = re.compile(r"[0-9]{1,12}")
_SIGNATURE = re.compile(r"v0=[0-9a-f]{64}")


def check_request(secret: str, body: bytes, timestamp: str | None, signature: str | None,
                  now: float | None = None) -> str | None:
    """Return why a request is not from Slack, or None when its signature is good and fresh."""
    if not timestamp or not signature:
        return "missing signature headers"
    if not _TIMESTAMP.fullmatch(timestamp):
        return "malformed timestamp"
    now = time.time() if now is None else now
    if abs(now - int(timestamp)) > MAX_AGE:
        return "stale timestamp"
    if not _SIGNATURE.fullmatch(signature):
        return "malformed signature"
    # slack-sdk's HMAC, compared here: its is_valid() would check the age again with its own clock.
    expected = SignatureVerifier(secret).generate_signature(timestamp=timestamp, body=body)
    if expected is None or not hmac.compare_digest(expected, signature):
        return "bad signature"
    return None


def build_server(app: AsyncApp, signing_secret: str, *,
                 is_ready: Callable[[], bool] = lambda: True) -> web.Application:
    """Wrap the bolt app in an aiohttp application with a health check."""
    if not signing_secret:
        raise ValueError("HTTP mode needs the signing secret")

    async def events(request: web.Request) -> web.StreamResponse:
        body = await request.read()
        problem = check_request(signing_secret, body, request.headers.get("X-Slack-Request-Timestamp"),
                                request.headers.get("X-Slack-Signature"))
        if problem:
            # Only the reason and the peer: the body holds a response_url, a credential.
            log.warning("rejected a request on %s from %s: %s", EVENTS_PATH, request.remote, problem)
            return web.json_response({"error": "invalid request signature"}, status=401)
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return web.json_response({"error": "body is not UTF-8"}, status=400)
        bolt_request = AsyncBoltRequest(body=text, query=request.query_string,
                                        headers=dict(request.headers))  # type: ignore[arg-type]
        bolt_response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def healthz(request: web.Request) -> web.Response:
        if is_ready():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "starting"}, status=503)

    server = web.Application(client_max_size=MAX_BODY)
    server.router.add_post(EVENTS_PATH, events)
    server.router.add_get("/healthz", healthz)
    server.router.add_get("/metrics", metrics.handler)  # Prometheus text: commands, latency, reloads
    return server


async def start_server(server: web.Application, host: str, port: int) -> tuple[web.AppRunner, int]:
    """Start serving; return the runner (to stop it) and the port bound (port 0 picks a free one)."""
    runner = web.AppRunner(server, access_log=None)  # access lines would add noise, not insight
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    log.info("Slack HTTP mode listening on http://%s:%d%s", host, bound, EVENTS_PATH)
    return runner, bound
