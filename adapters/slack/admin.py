"""Slack's /episodebot (admins only), 👍/👎 on answers and the 👎 reason modal.

Admins are the user ids in EPISODE_BOT_SLACK_ADMINS and the workspace's
admins and owners (asked with `users.info`, scope `users:read`, remembered
for a few minutes).
"""

from __future__ import annotations

import asyncio
import logging
import time
from typing import TYPE_CHECKING, Any, Awaitable, Callable

from slack_sdk.errors import SlackApiError

from bot.commands import ADMIN_BY_NAME, ADMIN_COMMANDS, ADMIN_GROUP, Caller
from bot.errors import UserError
from bot.i18n import N_, _
from bot.replies import Action

from . import render, syntax

if TYPE_CHECKING:
    from slack_sdk.web.async_client import AsyncWebClient

    from .app import SlackAnswers

log = logging.getLogger(__name__)

ADMIN_CACHE = 300.0  # seconds a users.info answer is trusted
REASON_VIEW = "episode_bot_reason"
REASON_LENGTH = 300
NOTED = N_("Thanks, noted.")
NOT_ADMIN = N_("Only the workspace's admins and owners (and the bot's listed admins) can use this command.")


def group_name(prefix: str = "") -> str:
    """The Slack command of the admin group: /episodebot, or /pod-episodebot with a prefix."""
    return f"/{prefix}-{ADMIN_GROUP}" if prefix else f"/{ADMIN_GROUP}"


def group_usage(prefix: str = "") -> str:
    return f"{group_name(prefix)} " + "|".join(c.name for c in ADMIN_COMMANDS) + " …"


def group_hint() -> str:
    return "|".join(c.name for c in ADMIN_COMMANDS) + " [days]"


def reason_view(record_id: str) -> dict[str, Any]:
    """The modal a 👎 opens: one optional 300-character field."""
    return {"type": "modal", "callback_id": REASON_VIEW, "private_metadata": record_id[:100],
            "title": {"type": "plain_text", "text": _("What was wrong?")[:24]},  # Slack's limit for titles
            "submit": {"type": "plain_text", "text": _("Send")[:24]},
            "close": {"type": "plain_text", "text": _("Skip")[:24]},
            "blocks": [{"type": "input", "block_id": "reason", "optional": True,
                        "label": {"type": "plain_text", "text": _("Tell us more (optional)")},
                        "element": {"type": "plain_text_input", "action_id": "reason", "multiline": True,
                                    "max_length": REASON_LENGTH}}]}


class Admins:
    """Decide who may run /episodebot: listed ids, then workspace admins and owners."""

    def __init__(self, listed: list[str]) -> None:
        self.listed = set(listed)
        self._seen: dict[str, tuple[bool, float]] = {}

    async def allowed(self, user: str | None, client: AsyncWebClient) -> bool:
        if not user:
            return False
        if user in self.listed:
            return True
        known = self._seen.get(user)
        if known and known[1] > time.monotonic():
            return known[0]
        try:
            result = await client.users_info(user=user)
        except SlackApiError as exc:
            log.warning("users.info failed (%s): treating %s as a member; is the users:read scope granted?",
                        exc.response.get("error") if exc.response else exc, user)
            return False
        except Exception as exc:
            log.warning("users.info failed (%s): treating %s as a member", type(exc).__name__, user)
            return False
        info = result.get("user") or {}
        ok = bool(info.get("is_admin") or info.get("is_owner") or info.get("is_primary_owner"))
        self._seen[user] = (ok, time.monotonic() + ADMIN_CACHE)
        return ok


def admin_listener(slack: SlackAnswers, admins: Admins) -> Callable[..., Awaitable[None]]:
    """/episodebot SUBCOMMAND …: ack at once, check the caller, then answer privately."""
    usage = group_usage(slack.prefix)

    async def on_admin(ack: Any, body: dict[str, Any], client: AsyncWebClient) -> None:
        await ack()
        from .app import deliver

        url = body.get("response_url") or ""
        user = body.get("user_id")
        with slack.in_flight():
            async with slack.after_ack(body):
                if not await admins.allowed(user, client):
                    log.warning("%s refused for %s: not an admin", group_name(slack.prefix), user)
                    await deliver(url, {"response_type": "ephemeral", **render.render_error(_(NOT_ADMIN))})
                    return
                sub, _sep, rest = (body.get("text") or "").strip().partition(" ")
                command = ADMIN_BY_NAME.get(sub.lower())
                if command is None:
                    message = _("Unknown subcommand {name!r}.", name=sub) if sub else _("Which subcommand?")
                    await deliver(url, {"response_type": "ephemeral", **render.render_error(message, usage)})
                    return
                args = syntax.parse(command, rest)
                caller = Caller("slack", user, body.get("channel_id"), body.get("team_id"))
                reply = await asyncio.to_thread(slack.bot.run_admin, command.name, args, caller)
                message = render.render_reply(reply, usage=f"{group_name(slack.prefix)} {command.usage}")
                message["response_type"] = "ephemeral"
                await deliver(url, message)

    return on_admin


def record_action_listener(slack: SlackAnswers, admins: Admins) -> Callable[..., Awaitable[None]]:
    """👍/👎 (vote, privately acknowledged; 👎 opens the reason modal) and an admin's pick to teach."""

    async def on_record_button(ack: Any, body: dict[str, Any], action: dict[str, Any],
                               client: AsyncWebClient) -> None:
        await ack()
        from .app import deliver

        decoded = Action.decode(str(action.get("value") or ""))
        user = (body.get("user") or {}).get("id")
        url = body.get("response_url") or ""
        with slack.in_flight():
            async with slack.after_ack(body):
                if decoded is None or not user:
                    await deliver(url, {"response_type": "ephemeral", "replace_original": False,
                                        **render.render_error(_("This button has expired."))})
                    return
                if decoded.kind == "teach":
                    allowed = await admins.allowed(user, client)
                    reply = await asyncio.to_thread(
                        slack.bot.run_action, decoded.encode(), user=user,
                        channel=(body.get("channel") or {}).get("id"), platform="slack",
                        workspace=(body.get("team") or {}).get("id"), is_admin=allowed)
                    message = render.render_reply(reply)
                    message.update(response_type="ephemeral", replace_original=False)
                    await deliver(url, message)
                    return
                up = decoded.kind == "up"
                kept, said = await asyncio.to_thread(slack.bot.cast_vote, decoded.query, "slack", user, up)
                if not up and kept and body.get("trigger_id"):  # by outcome, not by the (translated) words
                    try:
                        await client.views_open(trigger_id=body["trigger_id"], view=reason_view(decoded.query))
                    except SlackApiError as exc:  # the vote counts; only the reason is lost
                        log.warning("could not open the 👎 reason form: %s",
                                    exc.response.get("error") if exc.response else exc)
                await deliver(url, {"response_type": "ephemeral", "replace_original": False, "text": said})

    return on_record_button


def reason_listener(slack: SlackAnswers) -> Callable[..., Awaitable[None]]:
    """Save the reason typed into the 👎 modal (the modal closes on the ack)."""

    async def on_reason(ack: Any, body: dict[str, Any], view: dict[str, Any]) -> None:
        await ack()
        record_id = str(view.get("private_metadata") or "")
        value = (((view.get("state") or {}).get("values") or {}).get("reason") or {}).get("reason") or {}
        text = str(value.get("value") or "").strip()
        user = (body.get("user") or {}).get("id")
        if text and user and record_id:
            said = await asyncio.to_thread(slack.bot.vote_reason, record_id, "slack", user, text)
            log.info("👎 reason on %s: %s", record_id, said)

    return on_reason


__all__ = ["Admins", "admin_listener", "record_action_listener", "reason_listener", "group_name",
           "group_usage", "group_hint", "reason_view", "UserError"]
