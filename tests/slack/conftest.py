"""Fixtures: the Slack stand-in, settings pointing at it, and the app served over HTTP."""

from __future__ import annotations

import json
import re
from typing import Any

import aiohttp
import pytest

from adapters.slack.app import build_app
from adapters.slack.server import build_server, start_server
from bot.settings import load_settings

from .standin import APP_TOKEN, BOT_TOKEN, SECRET, SlackStandIn, command_body, signed_headers

ACK_TIMEOUT = aiohttp.ClientTimeout(total=3)  # Slack's deadline for the ack: a slower ack fails the request


@pytest.fixture
async def standin():
    server = SlackStandIn()
    await server.start()
    yield server
    await server.stop()


def make_settings(standin: SlackStandIn, **overrides):
    values = dict(slack_bot_token=BOT_TOKEN, slack_signing_secret=SECRET, slack_app_token=APP_TOKEN,
                  slack_api_url=standin.api_url, watch_seeds=False)
    values.update(overrides)
    return load_settings(env_file=None, secrets_dir=None, **values)


class HttpSlack:
    """The app in HTTP mode on a free port, and a client that signs requests like Slack."""

    def __init__(self, standin: SlackStandIn, base: str, session: aiohttp.ClientSession) -> None:
        self.standin = standin
        self.base = base
        self.session = session

    async def post(self, body: str, headers: dict[str, str] | None = None) -> tuple[int, str]:
        headers = signed_headers(body) if headers is None else headers
        async with self.session.post(self.base + "/slack/events", data=body.encode(), headers=headers,
                                     timeout=ACK_TIMEOUT) as resp:
            return resp.status, await resp.text()

    async def command(self, command: str, text: str, **kw: str) -> tuple[int, str, str]:
        """Send a signed slash command; return status, ack body and the response_url key."""
        url, key = self.standin.response_url()
        status, ack = await self.post(command_body(command, text, url, **kw))
        return status, ack, key


async def serve_http(standin: SlackStandIn, bot, **overrides):
    settings = make_settings(standin, **overrides)
    app = build_app(bot, settings)
    runner, port = await start_server(build_server(app, SECRET), "127.0.0.1", 0)
    return runner, f"http://127.0.0.1:{port}"


@pytest.fixture
async def http_slack(standin, episode_bot):
    runner, base = await serve_http(standin, episode_bot)
    async with aiohttp.ClientSession() as session:
        yield HttpSlack(standin, base, session)
    await runner.cleanup()


# -- Block Kit checks ---------------------------------------------------------------

def mrkdwn_texts(message: dict[str, Any]) -> list[str]:
    """Every mrkdwn string in a message, the notification `text` included."""
    out = [message.get("text", "")]
    for block in message.get("blocks", []):
        if block["type"] == "section":
            out.append(block["text"]["text"])
        elif block["type"] == "context":
            out += [e["text"] for e in block["elements"] if e["type"] == "mrkdwn"]
    return out


def check_limits(message: dict[str, Any]) -> None:
    """Assert every Block Kit limit Slack enforces."""
    blocks = message["blocks"]
    assert 1 <= len(blocks) <= 50
    assert len(message["text"]) <= 40000
    total = 0
    for block in blocks:
        if block["type"] == "header":
            assert block["text"]["type"] == "plain_text" and 1 <= len(block["text"]["text"]) <= 150
        elif block["type"] == "section":
            assert block["text"]["type"] == "mrkdwn" and 1 <= len(block["text"]["text"]) <= 3000
            total += len(block["text"]["text"])
        elif block["type"] == "context":
            assert 1 <= len(block["elements"]) <= 10
            total += sum(len(e["text"]) for e in block["elements"])
        elif block["type"] == "actions":
            assert 1 <= len(block["elements"]) <= 25
            ids = [e["action_id"] for e in block["elements"]]
            assert len(ids) == len(set(ids))
            for e in block["elements"]:
                assert len(e["text"]["text"]) <= 75 and len(e["value"]) <= 2000 and len(e["action_id"]) <= 255
        else:
            raise AssertionError(f"unexpected block {block['type']}")
    assert total < 13000


_LIVE = re.compile(r"<[!@#][^>]*>")


def live_mentions(message: dict[str, Any], allowed: tuple[str, ...] = ()) -> list[str]:
    """Mentions and special commands Slack would act on (the bot's own allowed ones excluded)."""
    return [m for t in mrkdwn_texts(message) for m in _LIVE.findall(t) if m not in allowed]


def buttons(message: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """The message's buttons by action_id."""
    return {e["action_id"]: e for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}


def flat(message: dict[str, Any]) -> str:
    return "\n".join(mrkdwn_texts(message) + [b["text"]["text"] for b in message["blocks"]
                                               if b["type"] == "header"])


async def serve_with_admin(standin: SlackStandIn, bot, admin: str = "U0ADMIN"):
    """Serve `bot` in HTTP mode with one listed admin; return its runner, a client session and an HttpSlack."""
    runner, base = await serve_http(standin, bot, slack_admins=admin)
    session = aiohttp.ClientSession()
    return runner, session, HttpSlack(standin, base, session)


async def said(http: HttpSlack, command: str, text: str, user: str, channel: str = "C0CHAN") -> str:
    """What the member reads back, as JSON text: the ack when the command was answered in it, else the answer."""
    status, ack, key = await http.command(command, text, user=user, channel=channel)
    assert status == 200
    if ack:  # a usage mistake is answered in the ack itself
        return json.dumps(json.loads(ack), ensure_ascii=False)
    return json.dumps(await http.standin.answer(key), ensure_ascii=False)
