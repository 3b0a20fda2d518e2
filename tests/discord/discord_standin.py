"""A local stand-in for Discord's API: REST and a gateway websocket, on 127.0.0.1.

It speaks enough of the real protocol for the real discord.py to log in,
identify (or resume), receive READY and GUILD_CREATE, and then get
INTERACTION_CREATE dispatches shaped like Discord's documented payloads.
Every message the bot sends is checked against Discord's limits; a message
over a limit gets the same 400 (50035 Invalid Form Body) Discord would send,
and is listed in `violations` so a test can fail on it.
"""

from __future__ import annotations

import asyncio
import base64
import copy
import itertools
import json
import re
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

from aiohttp import WSMsgType, web

from discord_limits import check_choices, check_commands, check_message

DISCORD_EPOCH = 1420070400000
PRIVILEGED_INTENTS = (1 << 1) | (1 << 8) | (1 << 15)  # members, presences, message content
MEMBER = "2248473465835073"  # a member's usual permissions: no Manage Server
MANAGE_SERVER = str(int(MEMBER) | 1 << 5)


ROOT = Path(__file__).resolve().parents[2]


async def until(predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
    """Poll predicate() until it is truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        await asyncio.sleep(0.01)
    raise AssertionError(f"condition not met within {timeout} s")


def embed_text(message: dict) -> str:
    """Everything a member reads in a message (content, embeds' titles, descriptions, footers, fields), as one string."""
    parts = [message.get("content") or ""]
    for e in message.get("embeds") or []:
        parts += [e.get("title") or "", e.get("description") or "", (e.get("footer") or {}).get("text") or ""]
        for f in e.get("fields") or []:
            parts += [f["name"], f["value"]]
    return "\n".join(parts)


def labels(message: dict) -> list[str]:
    """The labels of a message's buttons, row by row."""
    return [b["label"] for row in message.get("components") or [] for b in row["components"]]


def snowflake(counter=itertools.count(1)) -> str:
    return str(((int(time.time() * 1000) - DISCORD_EPOCH) << 22) | (next(counter) & 0x3FFFFF))


@dataclass
class Call:
    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: Any
    status: int = 0


@dataclass
class Fault:
    method: str
    pattern: re.Pattern[str]
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)
    times: int = 1


@dataclass
class Connection:
    ws: web.WebSocketResponse
    path: str = "/gateway"
    shard: list[int] = field(default_factory=lambda: [0, 1])
    session_id: str | None = None


class FakeDiscord:
    """Discord's REST API and gateway, recorded and checked, for tests and benchmarks."""

    def __init__(self, guild_ids: tuple[int, ...] = (811112222333344445,)) -> None:
        self.app_id = snowflake()
        # Shaped like a real bot token (base64 of the bot's id, a timestamp, an HMAC) but worthless.
        self.token = base64.b64encode(self.app_id.encode()).decode().rstrip("=") + ".GsTand." + "x" * 38
        self.guild_ids = [str(g) for g in guild_ids]
        self.channel_id = snowflake()
        self.bot_user = _user(self.app_id, "Episode Bot", bot=True)
        self.calls: list[Call] = []
        self.violations: list[str] = []
        self.faults: list[Fault] = []
        self.commands: dict[str, list[dict[str, Any]]] = {}  # "global" or guild id -> commands
        self.messages: dict[str, dict[str, Any]] = {}
        self.interactions: dict[str, dict[str, Any]] = {}  # id -> payload, plus bookkeeping
        self.gateway_received: list[dict[str, Any]] = []
        self.identifies: list[dict[str, Any]] = []
        self.resumes: list[dict[str, Any]] = []
        self.connections: list[Connection] = []
        self.sessions: dict[str, list[dict[str, Any]]] = {}  # session id -> events sent, for RESUME
        self.identify_close_code: int | None = None  # e.g. 4014, to refuse every IDENTIFY
        self.gateway_open = asyncio.Event()
        self.gateway_open.set()
        self.dispatch_times: dict[str, float] = {}  # interaction id -> perf_counter at dispatch
        self.callback_times: dict[str, float] = {}  # interaction id -> perf_counter at callback POST
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.port = 0

    # -- server ---------------------------------------------------------------

    async def start(self) -> FakeDiscord:
        app = web.Application()
        app.router.add_get("/gateway", self._gateway)
        app.router.add_get("/resume-gateway", self._gateway)  # READY's resume_gateway_url, as Discord's differs
        app.router.add_route("*", "/api/v10/{tail:.*}", self._rest)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        return self

    async def close(self) -> None:
        for conn in self.connections:
            await conn.ws.close()
        if self._runner:
            await self._runner.cleanup()

    @property
    def api_base(self) -> str:
        return f"http://127.0.0.1:{self.port}/api/v10"

    @property
    def gateway_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/gateway"

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Wait until predicate() is truthy (checked whenever something arrives); return its value."""
        async with self._changed:
            return await asyncio.wait_for(self._changed.wait_for(predicate), timeout)

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    def fail(self, method: str, pattern: str, status: int, body: dict[str, Any], *, times: int = 1,
             headers: dict[str, str] | None = None) -> None:
        """Answer the next `times` matching requests with an error, as Discord would."""
        self.faults.append(Fault(method, re.compile(pattern), status, body, headers or {}, times))

    # -- REST -----------------------------------------------------------------

    async def _rest(self, request: web.Request) -> web.StreamResponse:
        path = "/" + request.match_info["tail"]
        body = await request.json() if request.can_read_body and request.content_type == "application/json" \
            else None
        call = Call(request.method, path, dict(request.query), dict(request.headers), body)
        self.calls.append(call)
        try:
            status, data, headers = self._handle(call)
        finally:
            await self._notify()
        call.status = status
        if data is None:
            return web.Response(status=status, headers=headers)
        # Exactly this content type: with "; charset=utf-8" discord.py reads the body as text.
        return web.Response(status=status, body=json.dumps(data).encode(),
                            headers={"Content-Type": "application/json", **headers})

    def _handle(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        for fault in self.faults:
            if fault.times > 0 and fault.method == call.method and fault.pattern.search(call.path):
                fault.times -= 1
                return fault.status, fault.body, fault.headers
        m, p = call.method, call.path
        if p.startswith("/interactions/"):
            return self._callback(call)
        if p.startswith("/webhooks/"):
            return self._webhook(call)
        if call.headers.get("Authorization") != f"Bot {self.token}":
            return 401, {"message": "401: Unauthorized", "code": 0}, {}
        if m == "GET" and p in ("/gateway/bot", "/gateway"):
            return 200, {"url": self.gateway_url, "shards": 1, "session_start_limit": {
                "total": 1000, "remaining": 999, "reset_after": 86_400_000, "max_concurrency": 1}}, {}
        if m == "GET" and p == "/users/@me":
            return 200, self.bot_user, {}
        if m == "GET" and p == "/oauth2/applications/@me":
            return 200, {"id": self.app_id, "name": "Episode Bot", "icon": None, "description": "",
                         "bot_public": True, "bot_require_code_grant": False, "owner": _user(snowflake(), "admin"),
                         "verify_key": "0" * 64, "flags": 0, "team": None, "summary": "",
                         "interactions_endpoint_url": None}, {}
        found = re.fullmatch(r"/applications/(\d+)(?:/guilds/(\d+))?/commands", p)
        if found and found[1] == self.app_id:
            scope = found[2] or "global"
            if m == "PUT":
                problems = check_commands(call.body)
                if problems:
                    self.violations += problems
                    return 400, {"code": 50035, "message": "Invalid Form Body", "errors": problems}, {}
                self.commands[scope] = [{**c, "id": snowflake(), "application_id": self.app_id, "version": snowflake(),
                                         **({"guild_id": scope} if found[2] else {})} for c in call.body]
                return 200, self.commands[scope], {}
            if m == "GET":
                return 200, self.commands.get(scope, []), {}
        self.violations.append(f"unexpected request {m} {p}")
        return 404, {"message": "404: Not Found", "code": 0}, {}

    def _callback(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        found = re.fullmatch(r"/interactions/(\d+)/([^/]+)/callback", call.path)
        record = self.interactions.get(found[1]) if found else None
        if record is None or record["token"] != found[2]:  # type: ignore[index]
            return 404, {"message": "Unknown interaction", "code": 10062}, {}
        if record["answered"]:
            return 400, {"message": "Interaction has already been acknowledged.", "code": 40060}, {}
        kind, data = call.body["type"], call.body.get("data") or {}
        problems = check_message(data) if kind in (4, 7) else check_choices(data) if kind == 8 else []
        if problems:
            self.violations += problems
            return 400, {"code": 50035, "message": "Invalid Form Body", "errors": problems}, {}
        record["answered"] = True
        record["callbacks"].append(call.body)
        self.callback_times.setdefault(found[1], time.perf_counter())  # type: ignore[index]
        message = None
        if kind in (4, 5):
            message = self._new_message(data if kind == 4 else {"content": "", "flags": (data.get("flags", 0) | 128)},
                                        interaction=record)
            record["original"] = message["id"]
        elif kind == 7:
            message = self.messages[record["message_id"]]
            self._update(message, data)
            record["original"] = message["id"]
        elif kind == 6:
            record["original"] = record.get("message_id")
        if call.query.get("with_response") not in ("1", "true"):
            return 204, None, {}
        out: dict[str, Any] = {"interaction": {
            "id": found[1], "type": record["type"], "response_message_id": message["id"] if message else None,  # type: ignore[index]
            "response_message_loading": kind == 5,
            "response_message_ephemeral": bool(message and message["flags"] & 64)}}
        out["resource"] = {"type": kind, **({"message": message} if message else {})}
        return 200, out, {}

    def _webhook(self, call: Call) -> tuple[int, Any, dict[str, str]]:
        found = re.fullmatch(r"/webhooks/(\d+)/([^/]+)(?:/messages/([^/]+))?", call.path)
        record = next((r for r in self.interactions.values() if found and r["token"] == found[2]), None)
        if not found or found[1] != self.app_id or record is None:
            return 404, {"message": "Unknown Webhook", "code": 10015}, {}
        if call.method == "POST" and not found[3]:
            problems = check_message(call.body or {})
            if problems:
                self.violations += problems
                return 400, {"code": 50035, "message": "Invalid Form Body", "errors": problems}, {}
            message = self._new_message(call.body, interaction=record)
            record["followups"].append(message["id"])
            return 200, message, {}
        message_id = record.get("original") if found[3] == "@original" else found[3]
        message = self.messages.get(message_id or "")
        if message is None:
            return 404, {"message": "Unknown Message", "code": 10008}, {}
        if call.method == "PATCH":
            problems = check_message(call.body or {}, partial=True)
            if problems:
                self.violations += problems
                return 400, {"code": 50035, "message": "Invalid Form Body", "errors": problems}, {}
            self._update(message, call.body or {})
            message["flags"] &= ~128  # no longer "thinking"
        return 200, message, {}

    def _new_message(self, data: dict[str, Any], interaction: dict[str, Any]) -> dict[str, Any]:
        message = {"id": snowflake(), "channel_id": self.channel_id, "guild_id": interaction.get("guild_id"),
                   "author": self.bot_user, "content": "", "embeds": [], "components": [], "attachments": [],
                   "flags": 0, "type": 20, "tts": False, "mention_everyone": False, "mentions": [],
                   "mention_roles": [], "pinned": False, "timestamp": _now(), "edited_timestamp": None,
                   "webhook_id": self.app_id, "application_id": self.app_id,
                   "allowed_mentions": None, "interaction_id": interaction["id"]}
        self._update(message, data)
        message["edited_timestamp"] = None
        self.messages[message["id"]] = message
        return message

    def _update(self, message: dict[str, Any], data: dict[str, Any]) -> None:
        for key in ("content", "embeds", "components", "flags", "allowed_mentions"):
            if key in data and data[key] is not None:
                message[key] = data[key]
        message["embeds"] = [{"type": "rich", **e} for e in message["embeds"]]
        message["edited_timestamp"] = _now()

    # -- gateway ----------------------------------------------------------------

    async def _gateway(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await self.gateway_open.wait()  # a test may hold reconnects here, "gateway down"
        conn = Connection(ws, path=request.path)
        self.connections.append(conn)
        await ws.send_json({"op": 10, "d": {"heartbeat_interval": 41250}, "s": None, "t": None})
        async for msg in ws:
            if msg.type is not WSMsgType.TEXT:
                continue
            payload = json.loads(msg.data)
            self.gateway_received.append(payload)
            await self._on_gateway(conn, payload)
            await self._notify()
        await self._notify()
        return ws

    async def _on_gateway(self, conn: Connection, payload: dict[str, Any]) -> None:
        op, d = payload.get("op"), payload.get("d")
        if op == 1:
            await conn.ws.send_json({"op": 11, "d": None, "s": None, "t": None})
        elif op == 2:
            self.identifies.append(d)
            if d.get("token") != self.token:
                await conn.ws.close(code=4004, message=b"Authentication failed.")
                return
            if d.get("intents", 0) & PRIVILEGED_INTENTS or self.identify_close_code == 4014:
                await conn.ws.close(code=4014, message=b"Disallowed intent(s).")
                return
            if self.identify_close_code:
                await conn.ws.close(code=self.identify_close_code, message=b"refused by the test")
                return
            conn.shard = d.get("shard") or [0, 1]
            conn.session_id = "session-" + snowflake()
            self.sessions[conn.session_id] = []
            guilds = [g for g in self.guild_ids if (int(g) >> 22) % conn.shard[1] == conn.shard[0]]
            await self._send(conn, "READY", {
                "v": 10, "user": self.bot_user, "guilds": [{"id": g, "unavailable": True} for g in guilds],
                "session_id": conn.session_id, "resume_gateway_url": self.gateway_url.replace("/gateway", "/resume-gateway"),
                "shard": conn.shard,
                "application": {"id": self.app_id, "flags": 0}, "private_channels": [], "relationships": []})
            for g in guilds:
                await self._send(conn, "GUILD_CREATE", self.guild(g))
        elif op == 6:
            self.resumes.append(d)
            events = self.sessions.get(d.get("session_id"))
            if events is None or d.get("token") != self.token:
                await conn.ws.send_json({"op": 9, "d": False, "s": None, "t": None})
                return
            conn.session_id = d["session_id"]
            for event in [e for e in events if e["s"] > (d.get("seq") or 0)]:
                await conn.ws.send_json(event)  # what the client missed while it was away
            await self._send(conn, "RESUMED", {})

    async def _send(self, conn: Connection, event: str, data: dict[str, Any]) -> None:
        events = self.sessions.setdefault(conn.session_id or "", [])
        payload = {"op": 0, "t": event, "s": len(events) + 1, "d": data}
        events.append(payload)
        if not conn.ws.closed:
            await conn.ws.send_json(payload)

    def connection_for(self, guild_id: str | None) -> Connection:
        """The connection whose session carries a guild's events (shard = (guild_id >> 22) % count).

        While the bot is away, events go into its session and are replayed when it resumes.
        """
        sessions = [c for c in self.connections if c.session_id]
        if not sessions:
            raise RuntimeError("the bot never connected to the gateway")
        candidates = [c for c in sessions if not c.ws.closed] or sessions
        for conn in reversed(candidates):
            if guild_id is None or (int(guild_id) >> 22) % conn.shard[1] == conn.shard[0]:
                return conn
        return sessions[-1]

    async def invalidate(self) -> None:
        """Send op 9 (invalid session, not resumable) on every live connection, as Discord sometimes does."""
        for conn in list(self.connections):
            if not conn.ws.closed:
                self.sessions.pop(conn.session_id or "", None)
                await conn.ws.send_json({"op": 9, "d": False, "s": None, "t": None})

    async def drop(self, code: int = 4000) -> None:
        """Close the gateway connection(s) the way a network blip or a gateway restart does."""
        for conn in list(self.connections):
            if not conn.ws.closed:
                await conn.ws.close(code=code, message=b"dropped by the test")

    def guild(self, guild_id: str) -> dict[str, Any]:
        return {"id": guild_id, "name": "Podcast fans", "icon": None, "owner_id": snowflake(), "features": [],
                "roles": [{"id": guild_id, "name": "@everyone", "permissions": "2248473465835073", "position": 0,
                           "color": 0, "hoist": False, "managed": False, "mentionable": False, "flags": 0}],
                "emojis": [], "stickers": [], "member_count": 2, "members": [], "voice_states": [],
                "presences": [], "threads": [], "stage_instances": [], "guild_scheduled_events": [],
                "channels": [{"id": self.channel_id, "type": 0, "name": "general", "position": 0,
                              "permission_overwrites": [], "guild_id": guild_id, "nsfw": False, "flags": 0}],
                "unavailable": False, "large": False, "joined_at": _now(), "mfa_level": 0, "verification_level": 0,
                "default_message_notifications": 0, "explicit_content_filter": 0, "afk_timeout": 300,
                "premium_tier": 0, "nsfw_level": 0, "preferred_locale": "en-US", "system_channel_flags": 0}

    # -- interactions -------------------------------------------------------------

    async def interact(self, kind: int, data: dict[str, Any], *, message: dict[str, Any] | None = None,
                       user_id: str | None = None, guild_id: str | None = None, dm: bool = False,
                       permissions: str = MEMBER, locale: str = "en-US", guild_locale: str = "en-US") -> str:
        """Dispatch an INTERACTION_CREATE as Discord does; return the interaction id.

        In a server the payload carries `member`; in a DM with the bot, `user` and a DM channel.
        """
        guild_id = None if dm else guild_id or self.guild_ids[0]
        interaction_id, token = snowflake(), "itoken-" + snowflake()
        user = _user(user_id or "223344556677889900", "listener")
        payload: dict[str, Any] = {
            "id": interaction_id, "application_id": self.app_id, "type": kind, "data": data, "token": token,
            "version": 1, "channel_id": self.channel_id, "locale": locale,
            "app_permissions": "2248473465835073", "entitlements": [], "attachment_size_limit": 10485760,
        }
        if dm:
            payload.update(user=user, context=1, authorizing_integration_owners={"0": "0"},
                           channel={"id": self.channel_id, "type": 1, "recipients": [user], "flags": 0})
        else:
            payload.update(
                guild_id=guild_id, guild_locale=guild_locale, context=0, authorizing_integration_owners={"0": guild_id},
                channel={"id": self.channel_id, "type": 0, "name": "general", "guild_id": guild_id, "position": 0,
                         "permission_overwrites": [], "nsfw": False, "flags": 0},
                member={"user": user, "roles": [], "joined_at": _now(), "deaf": False, "mute": False, "flags": 0,
                        "pending": False, "nick": None, "avatar": None, "permissions": permissions})
        if message is not None:
            payload["message"] = message
        self.interactions[interaction_id] = {**payload, "answered": False, "callbacks": [], "followups": [],
                                             "message_id": message["id"] if message else None}
        conn = self.connection_for(guild_id)
        self.dispatch_times[interaction_id] = time.perf_counter()
        await self._send(conn, "INTERACTION_CREATE", payload)
        return interaction_id

    async def slash(self, name: str, options: dict[str, str] | None = None, **kw: Any) -> str:
        command = next((c for scope in self.commands.values() for c in scope if c["name"] == name), None)
        data = {"id": command["id"] if command else snowflake(), "name": name, "type": 1,
                "options": [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items()]}
        if command and command.get("guild_id"):
            data["guild_id"] = command["guild_id"]  # Discord says where a server command was registered
        return await self.interact(2, data, **kw)

    async def admin(self, sub: str, options: dict[str, str] | None = None, **kw: Any) -> str:
        """Run `/episodebot SUB` (a subcommand of the admin group) as the member kw names."""
        group = next((c for scope in self.commands.values() for c in scope if c["name"] == "episodebot"), None)
        data = {"id": group["id"] if group else snowflake(), "name": "episodebot", "type": 1,
                "options": [{"name": sub, "type": 1,
                             "options": [{"name": k, "type": 3, "value": v} for k, v in (options or {}).items()]}]}
        return await self.interact(2, data, **kw)

    async def submit_modal(self, modal: dict[str, Any], values: list[str], **kw: Any) -> str:
        """Submit a modal the bot opened (a type 9 callback's data), its text inputs filled in order."""
        inputs = [c for row in modal["components"] for c in row["components"]]
        rows = [{"type": 1, "components": [{"type": 4, "custom_id": c["custom_id"], "value": v}]}
                for c, v in zip(inputs, values)]
        return await self.interact(5, {"custom_id": modal["custom_id"], "components": rows}, **kw)

    async def autocomplete(self, name: str, options: dict[str, str], focused: str, **kw: Any) -> str:
        data = {"id": snowflake(), "name": name, "type": 1,
                "options": [{"name": k, "type": 3, "value": v, **({"focused": True} if k == focused else {})}
                            for k, v in options.items()]}
        return await self.interact(4, data, **kw)

    async def click(self, message: dict[str, Any], label: str, **kw: Any) -> str:
        """Click the button with this label on a message the bot sent."""
        button = next(b for row in message["components"] for b in row["components"] if b.get("label") == label)
        return await self.interact(3, {"custom_id": button["custom_id"], "component_type": 2},
                                   message=message, **kw)

    async def answered(self, interaction_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for the bot's answer to an interaction; return the first callback body."""
        record = self.interactions[interaction_id]
        await self.wait_for(lambda: record["callbacks"], timeout)
        return record["callbacks"][0]

    async def message_for(self, interaction_id: str, timeout: float = 10.0) -> dict[str, Any]:
        """Wait for the message an interaction finally shows (after any defer and edit)."""
        record = self.interactions[interaction_id]

        def ready() -> dict[str, Any] | None:
            mid = record.get("original")
            msg = self.messages.get(mid or "")
            if msg is not None and not msg["flags"] & 128:
                return msg
            return None

        return copy.deepcopy(await self.wait_for(ready, timeout))  # a snapshot, as a user saw it


def _user(user_id: str, name: str, bot: bool = False) -> dict[str, Any]:
    return {"id": user_id, "username": name, "discriminator": "0", "global_name": name, "avatar": None,
            "bot": bot, "public_flags": 0, "flags": 0}


def _now() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S.000000+00:00", time.gmtime())
