"""HTTP mode: an aiohttp server with POST /slack/events and GET /healthz.

Every request is checked here before bolt sees it: a missing, malformed or
stale timestamp, or a bad signature, gets 401 (bolt alone answers 500 to a
non-numeric timestamp, and logs the rejected body, response_url included).
The signature is checked over the bytes as received, before anything is
decoded (slack-sdk decodes first, so a non-UTF-8 body was a 500); a signed
body that is compressed, not UTF-8 or not a well-formed Slack payload gets
400. Refused requests are logged once a minute per reason, with a count, so
a flood of them can't flood the log.

Slow clients: the connection's first request must arrive within
HEADER_TIMEOUT (aiohttp's keep-alive timer, which runs from the connection's
start) and its body within BODY_TIMEOUT, so slowloris connections are closed.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from typing import TYPE_CHECKING, Callable
from urllib.parse import parse_qs

from aiohttp import ClientPayloadError, web
from slack_bolt.adapter.aiohttp import to_aiohttp_response
from slack_bolt.request.async_request import AsyncBoltRequest

from bot import metrics, progress

if TYPE_CHECKING:
    from slack_bolt.app.async_app import AsyncApp

    from bot.probe import Liveness

log = logging.getLogger(__name__)

EVENTS_PATH = "/slack/events"
MAX_AGE = 300  # seconds; Slack's own rule for replayed requests
MAX_BODY = 256 * 1024  # slash commands and button payloads are a few kB
HEADER_TIMEOUT = 10.0  # seconds from connecting until a request's headers are in (and idle keep-alive)
BODY_TIMEOUT = 10.0  # seconds for the body once the headers are in
REFUSAL_LOG_EVERY = 60.0  # seconds between log lines for one reason of refusal
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
    # Over the raw bytes: slack-sdk's verifier decodes the body first (a 500 for non-UTF-8).
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body,
                                hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected, signature):
        return "bad signature"
    return None


def payload_problem(text: str, content_type: str) -> str | None:
    """Return why a signed body is not a Slack request bolt can take, or None."""
    if content_type == "application/json":
        try:
            return None if isinstance(json.loads(text), dict) else "JSON body is not an object"
        except ValueError:
            return "malformed JSON body"
    form = parse_qs(text, keep_blank_values=True)
    if "payload" not in form:
        return None if "command" in form or "ssl_check" in form else "neither a command nor a payload"
    try:
        payload = json.loads(form["payload"][0])
    except ValueError:
        return "malformed interactivity payload"
    if not isinstance(payload, dict) or not isinstance(payload.get("type"), str):
        return "interactivity payload without a type"
    return None


class RefusalLog:
    """Log refused requests at most once per interval per reason, with how many there were."""

    def __init__(self, logger: logging.Logger, every: float = REFUSAL_LOG_EVERY,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.logger, self.every, self.clock = logger, every, clock
        self._last: dict[str, float] = {}
        self._count: dict[str, int] = {}

    def refused(self, reason: str) -> None:
        """Count one refused request; log the count when the reason's interval has passed."""
        self._count[reason] = self._count.get(reason, 0) + 1
        now = self.clock()
        last = self._last.get(reason)
        if last is not None and now - last < self.every:
            return
        count, self._count[reason] = self._count[reason], 0
        self._last[reason] = now
        # Only the reason: the body holds a response_url, a credential.
        if last is None:
            self.logger.warning("rejected a request on %s: %s", EVENTS_PATH, reason)
        else:
            self.logger.warning("rejected %d request(s) on %s in the last %.0f s: %s", count, EVENTS_PATH,
                                now - last, reason)


def build_server(app: AsyncApp, signing_secret: str, *,
                 is_ready: Callable[[], bool] = lambda: True, liveness: Liveness | None = None) -> web.Application:
    """Wrap the bolt app in an aiohttp application with health checks and /metrics.

    `/readyz`: 200 while the server takes requests (503 while starting or stopping), for a
    load balancer. `/healthz`: 200 only when a small command runs through the core
    (`liveness`), for the container's health check; 503 says the bot no longer answers.
    """
    if not signing_secret:
        raise ValueError("HTTP mode needs the signing secret")

    refusals = RefusalLog(log)

    def refuse(status: int, reason: str) -> web.Response:
        refusals.refused(reason)
        return web.json_response({"error": "invalid request signature" if status == 401 else reason},
                                 status=status)

    async def events(request: web.Request) -> web.StreamResponse:
        try:
            body = await asyncio.wait_for(request.read(), BODY_TIMEOUT)
        except asyncio.TimeoutError:
            request.protocol.force_close()  # a slow body holds a connection: let it go
            return refuse(408, "body not received in time")
        except (ConnectionError, ClientPayloadError, asyncio.IncompleteReadError):
            return refuse(400, "client closed the connection mid-body")  # nobody reads this answer
        problem = check_request(signing_secret, body, request.headers.get("X-Slack-Request-Timestamp"),
                                request.headers.get("X-Slack-Signature"))
        if problem:
            return refuse(401, problem)
        if request.headers.get("Content-Encoding", "identity").strip().lower() != "identity":
            return refuse(400, "compressed body (Slack never compresses requests)")
        try:
            text = body.decode("utf-8")
        except UnicodeDecodeError:
            return refuse(400, "body is not UTF-8")
        problem = payload_problem(text, request.content_type)
        if problem:
            return refuse(400, problem)
        try:
            bolt_request = AsyncBoltRequest(body=text, query=request.query_string,
                                            headers=dict(request.headers))  # type: ignore[arg-type]
        except (ValueError, TypeError, KeyError, AttributeError):  # signed, but not a shape bolt reads
            return refuse(400, "malformed Slack payload")
        bolt_response = await app.async_dispatch(bolt_request)
        return await to_aiohttp_response(bolt_response)

    async def readyz(request: web.Request) -> web.Response:
        if is_ready():
            return web.json_response({"status": "ok"})
        return web.json_response({"status": "not ready"}, status=503)

    async def healthz(request: web.Request) -> web.Response:
        if not is_ready():
            return web.json_response({"status": "not ready"}, status=503)
        if liveness is None:
            return web.json_response({"status": "ok"})
        answering, details = await liveness.check()
        return web.json_response(details, status=200 if answering else 503)

    server = web.Application(client_max_size=MAX_BODY)
    server.router.add_post(EVENTS_PATH, events)
    server.router.add_get("/healthz", healthz)
    server.router.add_get("/readyz", readyz)
    server.router.add_get("/metrics", metrics.handler)  # Prometheus text: commands, latency, reloads
    return server


def starting_server() -> web.Application:
    """Answer the health checks while the episodes are read and indexed, before the Slack app exists.

    `/healthz` and `/readyz` answer 503 with where the build stands ("indexing 120/500
    episodes"): the bot cannot answer a command yet, and during the health check's start
    period Docker counts a failure as "starting", not as unhealthy. Slack's requests get 503
    too, and Slack shows the user that the app did not respond.
    """
    async def starting(request: web.Request) -> web.Response:
        status = progress.current()
        body = {"status": "starting", "message": "starting", **(status.to_json() if status else {})}
        return web.json_response(body, status=503)

    async def events(request: web.Request) -> web.Response:
        return web.json_response({"error": "starting: the episodes are still being indexed"}, status=503)

    server = web.Application(client_max_size=MAX_BODY)
    server.router.add_post(EVENTS_PATH, events)
    server.router.add_get("/healthz", starting)
    server.router.add_get("/readyz", starting)
    return server


async def start_server(server: web.Application, host: str, port: int,
                       starting: bool = False) -> tuple[web.AppRunner, int]:
    """Start serving; return the runner (to stop it) and the port bound (port 0 picks a free one).

    `starting`: the `starting_server()`, stopped within a second when the real one takes the port.
    """
    # auto_decompress=False: the signature is over the bytes as sent, and Slack never compresses.
    # keepalive_timeout runs from the connection's start: it is also the header timeout.
    runner = web.AppRunner(server, access_log=None,  # access lines would add noise, not insight
                           auto_decompress=False, keepalive_timeout=HEADER_TIMEOUT,
                           **({"shutdown_timeout": 1.0} if starting else {}))
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    sockets = getattr(site._server, "sockets", None) or []
    bound = sockets[0].getsockname()[1] if sockets else port
    if starting:
        log.info("answering /healthz on http://%s:%d while the episodes load", host, bound)
    else:
        log.info("Slack HTTP mode listening on http://%s:%d%s", host, bound, EVENTS_PATH)
    return runner, bound
