"""A local stand-in for Slack: the Web API, response_urls and the Socket Mode websocket.

It is a real aiohttp server on 127.0.0.1 (a free port): the app under test
reaches it through SLACK_API_URL and the response_url in each request, exactly
as it would reach Slack. Tests read what arrived and can make it answer 429,
close the socket, or turn the socket into a "zombie" that ignores pings.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import itertools
import json
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from aiohttp import WSMsgType, web

SECRET = "8f742231b10e8888abcd99yyyzzz85a5"  # a test signing secret
BOT_TOKEN = "xoxb-1111-2222-testtoken"
APP_TOKEN = "xapp-1-A111-2222-testtoken"


@dataclass
class Posted:
    """One message posted to a response_url."""

    key: str
    message: dict[str, Any]


@dataclass
class SlackStandIn:
    host: str = "127.0.0.1"
    port: int = 0
    calls: list[tuple[str, str]] = field(default_factory=list)  # (method, Authorization header)
    posted: list[Posted] = field(default_factory=list)
    acks: list[dict[str, Any]] = field(default_factory=list)  # Socket Mode acknowledgements
    too_many: dict[str, int] = field(default_factory=dict)  # method or "respond" -> 429s still to give
    zombie: bool = False  # new sockets ignore pings and never answer
    refuse_sockets: bool = False  # apps.connections.open fails
    sockets: list[web.WebSocketResponse] = field(default_factory=list)
    connections: int = 0
    admins: set[str] = field(default_factory=set)  # users.info says is_admin for these ids
    views: list[dict[str, Any]] = field(default_factory=list)  # modals opened with views.open
    _runner: web.AppRunner | None = None
    _ids: itertools.count = field(default_factory=lambda: itertools.count(1))
    _changed: asyncio.Condition | None = None

    # -- life cycle ---------------------------------------------------------------

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/api/{method}", self.web_api)
        app.router.add_get("/api/{method}", self.web_api)  # users.info is a GET in slack-sdk
        app.router.add_post("/respond/{key}", self.respond)
        app.router.add_get("/socket", self.socket)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, self.host, 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]
        self._changed = asyncio.Condition()

    async def stop(self) -> None:
        for ws in list(self.sockets):
            await ws.close()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def api_url(self) -> str:
        return f"http://{self.host}:{self.port}/api/"

    def response_url(self) -> tuple[str, str]:
        """Return a fresh response_url and its key."""
        key = f"r{next(self._ids)}"
        return f"http://{self.host}:{self.port}/respond/{key}", key

    async def _notify(self) -> None:
        assert self._changed is not None
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate, timeout: float = 10.0) -> None:
        """Wait until predicate() holds; fail after timeout (a bound, not a speed check)."""
        assert self._changed is not None

        async def until() -> None:
            async with self._changed:
                await self._changed.wait_for(predicate)

        await asyncio.wait_for(until(), timeout)

    def posts(self, key: str) -> list[dict[str, Any]]:
        return [p.message for p in self.posted if p.key == key]

    async def answer(self, key: str, count: int = 1, timeout: float = 10.0) -> list[dict[str, Any]]:
        """Wait for `count` messages on one response_url and return them."""
        await self.wait_for(lambda: len(self.posts(key)) >= count, timeout)
        return self.posts(key)

    # -- handlers ---------------------------------------------------------------

    def _limited(self, name: str) -> web.Response | None:
        if self.too_many.get(name, 0) > 0:
            self.too_many[name] -= 1
            return web.json_response({"ok": False, "error": "ratelimited"}, status=429,
                                     headers={"Retry-After": "0"})
        return None

    async def web_api(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        self.calls.append((method, request.headers.get("Authorization", "")))
        await self._notify()
        limited = self._limited(method)
        if limited is not None:
            return limited
        if method == "auth.test":
            if request.headers.get("Authorization") != f"Bearer {BOT_TOKEN}":
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": "https://test.slack.com/", "team": "Test",
                                      "user": "episodebot", "team_id": "T0TEST", "user_id": "U0BOT",
                                      "bot_id": "B0BOT", "is_enterprise_install": False})
        if method == "apps.connections.open":
            if request.headers.get("Authorization") != f"Bearer {APP_TOKEN}" or self.refuse_sockets:
                return web.json_response({"ok": False, "error": "invalid_auth"})
            return web.json_response({"ok": True, "url": f"ws://{self.host}:{self.port}/socket"})
        if method == "users.info":
            form = dict(request.query) | dict(await request.post())
            user = str(form.get("user", ""))
            return web.json_response({"ok": True, "user": {"id": user, "is_admin": user in self.admins,
                                                           "is_owner": False, "is_primary_owner": False}})
        if method == "views.open":
            sent = await request.json()
            if not sent.get("trigger_id"):
                return web.json_response({"ok": False, "error": "invalid_trigger_id"})
            self.views.append(sent["view"] if isinstance(sent["view"], dict) else json.loads(sent["view"]))
            await self._notify()
            return web.json_response({"ok": True, "view": {"id": "V0001"}})
        return web.json_response({"ok": False, "error": "unknown_method"})

    async def respond(self, request: web.Request) -> web.Response:
        limited = self._limited("respond")
        if limited is not None:
            return limited
        self.posted.append(Posted(request.match_info["key"], await request.json()))
        await self._notify()
        return web.Response(text="ok")

    async def socket(self, request: web.Request) -> web.WebSocketResponse:
        zombie = self.zombie
        ws = web.WebSocketResponse(autoping=not zombie)
        await ws.prepare(request)
        self.connections += 1
        self.sockets.append(ws)
        if not zombie:
            await ws.send_json({"type": "hello", "num_connections": 1,
                                "connection_info": {"app_id": "A0TEST"}})
        await self._notify()
        try:
            async for msg in ws:
                if msg.type == WSMsgType.TEXT:
                    self.acks.append(json.loads(msg.data))
                    await self._notify()
                # A zombie receives pings (autoping off) and never answers them.
        finally:
            self.sockets.remove(ws)
            await self._notify()
        return ws

    async def send_envelope(self, kind: str, payload: dict[str, Any]) -> str:
        """Send an event to the newest socket the way Slack does; return its envelope_id."""
        envelope_id = f"env-{next(self._ids)}"
        await self.sockets[-1].send_json({"envelope_id": envelope_id, "type": kind, "payload": payload,
                                          "accepts_response_payload": kind != "events_api",
                                          "retry_attempt": 0, "retry_reason": ""})
        return envelope_id


# -- requests signed as Slack signs them ---------------------------------------------


def signed_headers(body: str, secret: str = SECRET, timestamp: str | None = None) -> dict[str, str]:
    """Return Slack's headers for body: `v0=` + HMAC-SHA256 of `v0:{ts}:{body}`."""
    ts = timestamp if timestamp is not None else str(int(time.time()))
    digest = hmac.new(secret.encode(), f"v0:{ts}:{body}".encode(), hashlib.sha256).hexdigest()
    return {"Content-Type": "application/x-www-form-urlencoded",
            "X-Slack-Request-Timestamp": ts, "X-Slack-Signature": f"v0={digest}"}


def command_fields(command: str, text: str, response_url: str, user: str = "U0ASKER",
                   channel: str = "C0CHAN") -> dict[str, str]:
    """The fields of a slash command request, as Slack sends them."""
    return {"token": "legacy-verification-token", "team_id": "T0TEST", "team_domain": "test",
            "channel_id": channel, "channel_name": "podcasts", "user_id": user, "user_name": "asker",
            "command": command, "text": text, "api_app_id": "A0TEST", "is_enterprise_install": "false",
            "response_url": response_url, "trigger_id": "1337.42.abcdef"}


def command_body(command: str, text: str, response_url: str, **kw: str) -> str:
    return urlencode(command_fields(command, text, response_url, **kw))


def click_payload(value: str, action_id: str, response_url: str, user: str = "U0ASKER",
                  ephemeral: bool = True) -> dict[str, Any]:
    """A block_actions payload for a button (on an ephemeral message it has no `message`)."""
    return {"type": "block_actions", "user": {"id": user, "username": "asker", "team_id": "T0TEST"},
            "api_app_id": "A0TEST", "token": "legacy-verification-token",
            "container": {"type": "message", "message_ts": "1700000000.000100", "channel_id": "C0CHAN",
                          "is_ephemeral": ephemeral},
            "trigger_id": "1337.43.abcdef", "team": {"id": "T0TEST", "domain": "test"},
            "channel": {"id": "C0CHAN", "name": "podcasts"}, "response_url": response_url,
            "actions": [{"action_id": action_id, "block_id": "b1", "text": {"type": "plain_text", "text": "x"},
                         "value": value, "type": "button", "action_ts": "1700000001.000200"}]}


def view_submission_body(view: dict[str, Any], values: dict[str, dict[str, str]], user: str = "U0ASKER") -> str:
    """A view_submission payload for a modal the app opened, its inputs filled (block_id -> action_id -> text)."""
    state = {"values": {block: {action: {"type": "plain_text_input", "value": text}
                                for action, text in actions.items()} for block, actions in values.items()}}
    payload = {"type": "view_submission", "team": {"id": "T0TEST", "domain": "test"},
               "user": {"id": user, "username": "asker", "team_id": "T0TEST"}, "api_app_id": "A0TEST",
               "token": "legacy-verification-token", "trigger_id": "1337.44.abcdef",
               "view": {**view, "id": "V0001", "team_id": "T0TEST", "state": state, "hash": "1.abc"}}
    return urlencode({"payload": json.dumps(payload)})


def click_body(value: str, action_id: str, response_url: str, **kw: Any) -> str:
    return urlencode({"payload": json.dumps(click_payload(value, action_id, response_url, **kw))})
