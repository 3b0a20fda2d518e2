"""Requests not signed by Slack get 401 before bolt sees them, and nothing is answered or logged."""

from __future__ import annotations

import logging
import time

import pytest

from adapters.slack.server import check_request

from .standin import SECRET, command_body, signed_headers


def _cases(body: str, url: str) -> dict[str, tuple[str, dict[str, str]]]:
    now = int(time.time())
    good = signed_headers(body)
    return {
        "bad signature": (body, signed_headers(body, secret="not-the-secret")),
        "tampered body": (body.replace("scaling", "scolding"), good),
        # Well outside the 300 s window: the requests go out one by one on a loaded machine, and a
        # timestamp 301 s ahead falls inside the window a second later (the edges are checked below).
        "400 s old": (body, signed_headers(body, timestamp=str(now - 400))),
        "400 s ahead": (body, signed_headers(body, timestamp=str(now + 400))),
        "non-numeric timestamp": (body, signed_headers(body, timestamp="12e9")),
        "empty timestamp": (body, {**good, "X-Slack-Request-Timestamp": ""}),
        "no signature header": (body, {k: v for k, v in good.items() if k != "X-Slack-Signature"}),
        "no headers": (body, {"Content-Type": "application/x-www-form-urlencoded"}),
        "signature not hex": (body, {**good, "X-Slack-Signature": "v0=" + "z" * 64}),
    }


async def test_unsigned_requests_get_401_and_no_answer(http_slack, caplog):
    caplog.set_level(logging.DEBUG)
    url, key = http_slack.standin.response_url()
    body = command_body("/chapter", "scaling laws", url)
    for name, (sent, headers) in _cases(body, url).items():
        status, text = await http_slack.post(sent, headers)
        assert status == 401, name
        assert "scaling" not in text
    # A good request sent afterwards is answered, so the bad ones had their chance to be.
    good_url, good_key = http_slack.standin.response_url()
    status, _ = await http_slack.post(command_body("/chapter", "scaling laws", good_url))
    assert status == 200
    await http_slack.standin.answer(good_key)
    assert http_slack.standin.posts(key) == []
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert "rejected a request" in logged
    assert url not in logged and "respond/" not in logged  # a response_url is a credential


async def test_a_request_signed_within_300_s_is_accepted(http_slack):
    url, key = http_slack.standin.response_url()
    body = command_body("/help", "", url)
    # 240 s, not 299: the server reads its own clock later, after a loaded machine's scheduling delays.
    status, _ = await http_slack.post(body, signed_headers(body, timestamp=str(int(time.time()) - 240)))
    assert status == 200
    await http_slack.standin.answer(key)


@pytest.mark.parametrize("timestamp, expected", [
    ("1000", None), ("1299", None), ("1301", "stale timestamp"), ("699", "stale timestamp"),
    ("abc", "malformed timestamp"), ("-5", "malformed timestamp"), ("1000.5", "malformed timestamp"),
    ("1" * 40, "malformed timestamp"), (None, "missing signature headers"),
])
def test_check_request_timestamps(timestamp, expected):
    body = b"a=1"
    ts_for_sig = timestamp if timestamp and timestamp.isdigit() and len(timestamp) < 13 else "1000"
    signature = signed_headers(body.decode(), timestamp=ts_for_sig)["X-Slack-Signature"]
    assert check_request(SECRET, body, timestamp, signature, now=1000) == expected
