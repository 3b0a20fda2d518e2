"""Secrets never reach a log line: tokens, signing secrets, response_urls, tracebacks, JSON logs."""

from __future__ import annotations

import base64
import io
import json
import logging
import time
from urllib.parse import urlencode

import pytest

from bot import logs
from bot.logs import JsonFormatter, SecretFilter, TextFormatter, add_secrets, mask, settings_secrets
from bot.settings import load_settings

DISCORD_TOKEN = (base64.b64encode(b"1234567890123456789").decode().rstrip("=") + ".GhIjKl."
                 + "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKL")
SECRETS = {
    "slack bot token": "xoxb-1234567890-0987654321-AbCdEfGhIjKlMnOpQrStUvWx",
    "slack user token": "xoxp-1234567890-0987654321-1122334455-abcdef0123456789abcdef0123456789",
    "slack app token": "xapp-1-A0123456789-1234567890123-abcdef0123456789abcdef0123456789",
    "slack refresh token": "xoxe-1-My0xLTEyMzQ1Njc4OTAtMTIzNDU2Nzg5MDEyMy0xMjM0NTY3ODkwMTIz",
    "discord token": DISCORD_TOKEN,
}
# text -> the secret part that must disappear from it
SHAPES = {
    "response_url": ("https://hooks.slack.com/commands/T0001/1234567890/AbCdEfGhIjKlMnOp", "AbCdEfGhIjKlMnOp"),
    "gov response_url": ("see https://hooks.slack-gov.com/actions/T1/22/SeCrEtPaRt ok", "SeCrEtPaRt"),
    "form body": ("command=%2Fask&response_url=https%3A%2F%2Fhooks.slack.com%2Fcommands%2FT1%2F1%2FZzTop99",
                  "ZzTop99"),
    "local response_url": ("{'response_url': 'http://127.0.0.1:5555/respond/abc123secret'}", "abc123secret"),
    "json response_url": ('{"response_url": "http://127.0.0.1:5555/respond/abc123secret"}', "abc123secret"),
    "discord webhook": ("POST https://discord.com/api/v10/webhooks/1111/aW50ZXJhY3Rpb246MTIzNDU2/messages/@original",
                        "aW50ZXJhY3Rpb246MTIzNDU2"),
    "discord callback": ("POST /api/v10/interactions/2222/aW50ZXJhY3Rpb246OTg3/callback?with_response=1",
                         "aW50ZXJhY3Rpb246OTg3"),
    "interaction payload": ("{'id': '1', 'token': 'aW50ZXJhY3Rpb246OTg3NjU0', 'type': 2}", "aW50ZXJhY3Rpb246OTg3NjU0"),
    "verification token": ("token=verif1234567&command=%2Fask", "verif1234567"),
    "authorization header": ("{'Authorization': 'Bot abc.def.ghi-jkl'}", "abc.def.ghi-jkl"),
    "bearer header": ("Authorization: Bearer zzz-secret-zzz", "zzz-secret-zzz"),
    "signing secret": ("SLACK_SIGNING_SECRET signing_secret=8f7e6d5c4b3a29180f7e6d5c4b3a2918", "8f7e6d5c4b3a"),
    "client secret": ('{"client_secret": "cs-0123456789"}', "cs-0123456789"),
}


@pytest.fixture
def capture():
    """A logger whose output goes through the secret filter into a string, like the real set-up."""
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretFilter())
    handler.setFormatter(TextFormatter())
    logger = logging.getLogger("hardening.capture")
    logger.handlers[:] = [handler]
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    yield logger, stream, handler
    logger.handlers[:] = []


@pytest.mark.parametrize("name", list(SECRETS))
def test_token_shapes_are_masked(name):
    secret = SECRETS[name]
    for text in (secret, f"token {secret} used", f"'{secret}'", f"x={secret}&y=1", f'{{"t": "{secret}"}}'):
        out = mask(text)
        assert secret not in out and secret[8:20] not in out, out
        assert logs.MASK in out


@pytest.mark.parametrize("name", list(SHAPES))
def test_credential_shapes_are_masked(name):
    text, secret = SHAPES[name]
    out = mask(text)
    assert secret not in out, out
    assert logs.MASK in out


@pytest.mark.parametrize("text", [
    "reloaded 3 episode(s) from seeds", "rate limited for 2.0 s", "max tokens 5, burst 20",
    "What is RLVR? the token bucket refills", "GET /api/v10/applications/123/commands 200",
    "user U0123ABCD in C0456EFGH asked /ask", "episode 490: 0:16:29",
])
def test_ordinary_lines_are_left_alone(text):
    assert mask(text) == text


def test_known_secret_without_a_shape_is_masked(monkeypatch):
    monkeypatch.setattr(logs, "_known", set())
    monkeypatch.setattr(logs, "_known_re", None)
    secret = "0123456789abcdef0123456789abcdef"
    monkeypatch.setenv("SLACK_SIGNING_SECRET", secret)
    monkeypatch.setenv("SLACK_BOT_TOKEN", SECRETS["slack bot token"])
    add_secrets(settings_secrets(load_settings(env_file=None, secrets_dir=None)))
    assert mask(f"computed HMAC with {secret}!") == f"computed HMAC with {logs.MASK}!"
    add_secrets(["abc", "", None])  # too short to mask safely: ignored, ordinary words survive
    assert mask("abcdef") == "abcdef"


def test_message_args_and_traceback_are_masked(capture):
    logger, stream, _ = capture
    token = SECRETS["slack bot token"]
    logger.info("calling with %s and %r", token, {"token": DISCORD_TOKEN})
    try:
        raise RuntimeError(f"auth failed for {token} at https://hooks.slack.com/commands/T1/2/SeCrEt")
    except RuntimeError:
        logger.exception("request failed")
    logger.warning("where am I %s", token, stack_info=True)
    out = stream.getvalue()
    assert token not in out and DISCORD_TOKEN not in out and "SeCrEt" not in out
    assert "Traceback" in out and "RuntimeError: auth failed for [masked]" in out
    assert "Stack (most recent call last)" in out


def test_json_logs_are_masked_one_object_a_line(capture):
    logger, stream, handler = capture
    handler.setFormatter(JsonFormatter())
    token = SECRETS["slack app token"]
    logger.info("line one\nline two %s", token)
    try:
        raise ValueError(token)
    except ValueError:
        logger.error("boom", exc_info=True)
    logger.info("surrogate \ud800 from a payload")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 3
    docs = [json.loads(line) for line in lines]
    assert docs[0]["message"] == "line one\nline two [masked]"
    assert docs[0]["level"] == "INFO" and docs[0]["logger"] == "hardening.capture"
    assert "ValueError: [masked]" in docs[1]["exception"] and token not in lines[1]
    assert "surrogate" in docs[2]["message"]


def test_json_formatter_alone_still_masks():
    """A handler someone adds without the filter still gets masked JSON."""
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "token %s", (SECRETS["slack bot token"],), None)
    assert SECRETS["slack bot token"] not in JsonFormatter().format(record)


def test_text_lines_cannot_be_forged(capture):
    logger, stream, _ = capture
    logger.info("asked: %s", "hi\n2026-01-01 00:00:00,000 ERROR bot: admin password reset\r")
    lines = stream.getvalue().splitlines()
    assert len(lines) == 2 and lines[1].startswith("    ")


def test_bad_format_arguments_keep_the_line(capture):
    logger, stream, _ = capture
    logger.info("two %s %s", SECRETS["slack bot token"])
    out = stream.getvalue()
    assert "two" in out and SECRETS["slack bot token"] not in out


def test_setup_logging_installs_filter_and_format():
    root = logging.getLogger()
    saved = root.handlers[:], root.level
    try:
        logs.setup_logging("WARNING", "json", secrets=["my-very-own-secret"])
        (handler,) = root.handlers
        assert any(isinstance(f, SecretFilter) for f in handler.filters)
        assert isinstance(handler.formatter, JsonFormatter)
        assert root.level == logging.WARNING
        assert mask("my-very-own-secret") == logs.MASK
    finally:
        root.handlers[:], _ = saved[0], root.setLevel(saved[1])


async def test_bolt_bad_signature_body_is_masked():
    """bolt logs the whole body of a badly signed request at INFO, response_url included."""
    from slack_bolt.async_app import AsyncApp
    from slack_bolt.request.async_request import AsyncBoltRequest

    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.addFilter(SecretFilter())
    root = logging.getLogger()
    saved = root.level
    root.addHandler(handler)
    root.setLevel(logging.INFO)  # bolt copies the root level when the app is built
    try:
        app = AsyncApp(token=SECRETS["slack bot token"], signing_secret="0123456789abcdef0123456789abcdef")
        body = urlencode({"token": "verif1234567", "command": "/ask", "text": "hi", "user_id": "U1",
                          "channel_id": "C1", "team_id": "T1", "trigger_id": "1.2.3",
                          "response_url": "https://hooks.slack.com/commands/T1/123/LiveCredential"})
        response = await app.async_dispatch(AsyncBoltRequest(body=body, headers={
            "x-slack-request-timestamp": [str(int(time.time()))], "x-slack-signature": ["v0=bad"],
            "content-type": ["application/x-www-form-urlencoded"]}))
    finally:
        root.removeHandler(handler)
        root.setLevel(saved)
    out = stream.getvalue()
    assert response.status == 401
    assert "Invalid request signature" in out  # the line is still there, just masked
    assert "LiveCredential" not in out and "verif1234567" not in out
