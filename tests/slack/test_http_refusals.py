"""HTTP mode refuses what isn't a Slack request with 401/400, never 500, and keeps the log short."""

from __future__ import annotations

import asyncio
import gzip
import hashlib
import hmac
import json
import logging
import time
from urllib.parse import urlencode

import pytest

from adapters.slack import server as server_module

from .standin import SECRET, signed_headers


def _signed(body: bytes, **extra: str) -> dict[str, str]:
    ts = str(int(time.time()))
    digest = hmac.new(SECRET.encode(), b"v0:" + ts.encode() + b":" + body, hashlib.sha256).hexdigest()
    return {"Content-Type": "application/x-www-form-urlencoded", "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": f"v0={digest}", **extra}


async def _post(http_slack, body: bytes, headers: dict[str, str]) -> tuple[int, str]:
    async with http_slack.session.post(http_slack.base + "/slack/events", data=body, headers=headers) as resp:
        return resp.status, await resp.text()


def _no_errors(caplog) -> None:
    bad = [r for r in caplog.records if r.levelno >= logging.ERROR or r.exc_info]
    assert not bad, [r.getMessage() for r in bad]


async def test_non_utf8_bodies_get_401_or_400_not_500(http_slack, caplog):
    body = b"command=%2Fask&text=caf\xe9"
    fake = {**_signed(body), "X-Slack-Signature": "v0=" + "0" * 64}  # well-formed, wrong
    assert (await _post(http_slack, body, fake))[0] == 401
    assert (await _post(http_slack, body, _signed(body)))[0] == 400
    _no_errors(caplog)


async def test_bad_gzip_bodies_get_401_or_400_not_500(http_slack, caplog):
    junk = b"\x1f\x8b\x08\x00 this is not really gzip"
    assert (await _post(http_slack, junk, {**signed_headers("x"), "Content-Encoding": "gzip"}))[0] == 401
    assert (await _post(http_slack, junk, _signed(junk, **{"Content-Encoding": "gzip"})))[0] == 400
    real = gzip.compress(b"command=%2Fhelp&text=")
    assert (await _post(http_slack, real, _signed(real, **{"Content-Encoding": "gzip"})))[0] == 400
    _no_errors(caplog)


@pytest.mark.parametrize("payload", ["not json", "[1, 2]", '{"no": "type"}', '"text"'])
async def test_signed_but_malformed_interactivity_payloads_get_400(http_slack, caplog, payload):
    body = urlencode({"payload": payload}).encode()
    status, text = await _post(http_slack, body, _signed(body))
    assert status == 400, text
    _no_errors(caplog)


async def test_a_client_dropping_mid_body_logs_no_traceback(http_slack, caplog):
    caplog.set_level(logging.DEBUG)
    host, port = http_slack.base.removeprefix("http://").split(":")
    for _ in range(50):
        reader, writer = await asyncio.open_connection(host, int(port))
        writer.write(b"POST /slack/events HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n"
                     b"Content-Type: application/x-www-form-urlencoded\r\n\r\ncommand=%2Fask")
        await writer.drain()
        writer.close()
        await writer.wait_closed()
    status, _ = await _post(http_slack, b"x", signed_headers("y"))  # still serving
    assert status == 401
    await asyncio.sleep(0.2)
    _no_errors(caplog)
    assert not [r for r in caplog.records if r.name.startswith("aiohttp") and r.levelno >= logging.WARNING]


async def test_a_flood_of_refusals_is_logged_once_a_minute_per_reason(http_slack, caplog):
    caplog.set_level(logging.INFO)
    for _ in range(300):
        assert (await _post(http_slack, b"text=x", {**signed_headers("other")}))[0] == 401
    lines = [r.getMessage() for r in caplog.records if r.name == "adapters.slack.server"]
    assert len(lines) == 1 and "bad signature" in lines[0]


def test_the_refusal_log_counts_what_it_held_back(caplog):
    from adapters.slack.server import RefusalLog

    now = [0.0]
    refusals = RefusalLog(logging.getLogger("test.refusals"), every=60, clock=lambda: now[0])
    with caplog.at_level(logging.WARNING, "test.refusals"):
        for _ in range(5):
            refusals.refused("bad signature")
        refusals.refused("stale timestamp")
        now[0] = 61
        refusals.refused("bad signature")
    lines = [r.getMessage() for r in caplog.records]
    assert lines == ["rejected a request on /slack/events: bad signature",
                     "rejected a request on /slack/events: stale timestamp",
                     "rejected 5 request(s) on /slack/events in the last 61 s: bad signature"]


CONNECTIONS = 300  # bounded: half drip headers, half drip a body
LIMIT = 30.0  # seconds within which the server must have closed every slow connection


async def _slow_client(host: str, port: int, kind: str) -> float | None:
    """Drip a request forever; return seconds until the server closed the connection (None: never)."""
    loop = asyncio.get_running_loop()
    start = loop.time()
    reader, writer = await asyncio.open_connection(host, port)
    head = b"POST /slack/events HTTP/1.1\r\nHost: x\r\n"
    writer.write(head + (b"Content-Length: 100000\r\n\r\n" if kind == "body" else b""))
    try:
        await writer.drain()
        while loop.time() - start < LIMIT + 5:
            try:
                if await asyncio.wait_for(reader.read(4096), 1.0) == b"":
                    return loop.time() - start
            except asyncio.TimeoutError:
                writer.write(b"X-Drip: 1\r\n" if kind == "header" else b"a")
                await writer.drain()
        return None
    except ConnectionError:
        return loop.time() - start
    finally:
        writer.close()


async def test_slowloris_connections_are_closed_within_30_s(http_slack, caplog):
    host, port = http_slack.base.removeprefix("http://").split(":")
    kinds = ["header", "body"] * (CONNECTIONS // 2)
    closed = await asyncio.gather(*(_slow_client(host, int(port), k) for k in kinds))
    assert None not in closed, f"{closed.count(None)} slow connection(s) still open after {LIMIT + 5} s"
    assert max(closed) <= LIMIT
    assert max(closed) >= min(server_module.HEADER_TIMEOUT, server_module.BODY_TIMEOUT) - 1  # timed out, not refused
    _no_errors(caplog)


async def test_an_oversized_body_is_refused(http_slack, caplog):
    body = b"text=" + b"a" * 300_000
    status, _ = await _post(http_slack, body, _signed(body))
    assert status == 413
    _no_errors(caplog)
