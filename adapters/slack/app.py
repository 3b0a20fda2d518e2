"""The slack-bolt AsyncApp: one slash command per registry command, buttons, one error handler.

Every listener acks first (usage mistakes go in the ack itself) and then
posts the answer to the command's `response_url`, so Slack never waits on
the search. The same app serves Socket Mode and HTTP mode.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import re
from typing import TYPE_CHECKING, Any, Awaitable, Callable
from urllib.parse import urlsplit

from slack_bolt.app.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from bot.commands import BY_NAME, COMMANDS, Command
from bot.commands import ADMIN_COMMANDS, Caller
from bot import i18n
from bot.errors import UserError
from bot.i18n import N_, _
from bot.logs import SecretFilter
from bot.replies import Action, Field_

from . import admin as slack_admin
from . import render, syntax

if TYPE_CHECKING:
    from bot.core import EpisodeBot
    from bot.replies import Reply
    from bot.runtime import Shutdown
    from bot.settings import Settings

log = logging.getLogger(__name__)

APOLOGY = N_("Sorry, something went wrong on my side. Please try again in a moment.")
AUTH_FAILED = (":warning: I can't reach Slack right now. Please try again in a moment; "
               "if this keeps happening, tell the admin who runs Episode Bot.")
_RECORD_ACTIONS = re.compile(rf"^{render.ACTION_PREFIX}(up|down|teach)$")  # votes, an admin's pick
_ACTIONS = re.compile(rf"^{render.ACTION_PREFIX}(share|more|prev|next|open)$")


def retry_handlers() -> list:
    """Retry Slack's 429s (after Retry-After) and one dropped connection; slack-sdk does neither by default."""
    return [AsyncRateLimitErrorRetryHandler(max_retry_count=2), AsyncConnectionErrorRetryHandler()]


def quiet_logger(name: str) -> logging.Logger:
    """A redacting logger at WARNING for the Slack libraries.

    Their DEBUG and INFO lines carry whole requests: response_urls (live
    credentials), users' questions. bolt logs the whole body at INFO on a bad
    signature and copies the root level onto its loggers when the app is built,
    so it gets this logger as its base logger.
    """
    logger = logging.getLogger(f"adapters.slack.{name}")
    logger.setLevel(logging.WARNING)
    if not any(isinstance(f, SecretFilter) for f in logger.filters):
        logger.addFilter(SecretFilter())
        logger.addFilter(_not_token_unused)
    return logger


def _not_token_unused(record: logging.LogRecord) -> bool:
    """Drop bolt's "`token` will be unused" warning: it reads SLACK_BOT_TOKEN from the
    environment by itself even though the client we pass already holds that token."""
    return "`token` will be unused" not in str(record.msg)


def build_app(bot: EpisodeBot, settings: Settings, *, shutdown: Shutdown | None = None) -> AsyncApp:
    """Build the app from the registry, with tokens and API URL passed explicitly."""
    settings.require("slack_bot_token")
    assert settings.slack_bot_token is not None
    allow_response_hosts(settings.slack_api_url)
    client = AsyncWebClient(token=settings.slack_bot_token.get_secret_value(), base_url=settings.slack_api_url,
                            retry_handlers=retry_handlers(), logger=quiet_logger("web"))
    secret = settings.slack_signing_secret.get_secret_value() if settings.slack_signing_secret else ""
    app = AsyncApp(name="episode-bot", client=client, signing_secret=secret,
                   # Socket Mode requests are not signed; HTTP mode always has a secret (the CLI checks).
                   request_verification_enabled=bool(secret), logger=quiet_logger("bolt"),
                   # bolt's default says "reinstall this app", even when auth.test was only rate limited
                   user_facing_authorize_error_message=AUTH_FAILED)
    slack = SlackAnswers(bot, prefix=settings.slack_command_prefix,
                         private=settings.reply_visibility == "private", shutdown=shutdown)
    for command in COMMANDS:
        app.command(syntax.slash_name(command, slack.prefix))(slack.command_listener(command))
    app.action(_ACTIONS)(slack.action_listener())
    admins = slack_admin.Admins(settings.slack_admins)
    if ADMIN_COMMANDS:
        app.command(slack_admin.group_name(slack.prefix))(slack_admin.admin_listener(slack, admins))
    app.action(_RECORD_ACTIONS)(slack_admin.record_action_listener(slack, admins))
    app.view(slack_admin.REASON_VIEW)(slack_admin.reason_listener(slack))
    app.error(slack.on_error)
    return app


class SlackAnswers:
    """What the listeners share: the core, the command prefix, and private or public answers."""

    def __init__(self, bot: EpisodeBot, prefix: str = "", private: bool = True,
                 shutdown: Shutdown | None = None) -> None:
        self.bot = bot
        self.prefix = prefix
        self.private = private
        self.shutdown = shutdown

    def in_flight(self) -> contextlib.AbstractContextManager[None]:
        """Count a reply being made, so a stopping bot sends it before it exits."""
        return self.shutdown.track() if self.shutdown is not None else contextlib.nullcontext()

    # -- listeners (built by factories: bolt injects arguments by parameter name) --

    def command_listener(self, command: Command) -> Callable[..., Awaitable[None]]:
        usage = syntax.usage(command, self.prefix)

        async def on_command(ack: Any, body: dict[str, Any]) -> None:
            with i18n.speaking(await self.language(body)):
                try:
                    args = syntax.parse(command, body.get("text") or "")
                    self.bot.validate(command, args)
                except UserError as exc:  # empty or over-long input: the usage goes in the ack
                    await ack(response_type="ephemeral", **render.render_error(str(exc), usage))
                    return
            await ack()
            with self.in_flight():
                async with self.after_ack(body):
                    reply = await asyncio.to_thread(self.bot.run, command.name, args, user=body.get("user_id"),
                                                    channel=body.get("channel_id"), platform="slack",
                                                    workspace=body.get("team_id"))
                    await self.answer(body, reply, extra=args.get("speaker", ""))

        on_command.__name__ = f"on_{command.name}"
        return on_command

    def action_listener(self) -> Callable[..., Awaitable[None]]:
        async def on_button(ack: Any, body: dict[str, Any], action: dict[str, Any]) -> None:
            await ack()
            token = str(action.get("value") or "")
            user = (body.get("user") or {}).get("id")
            channel = (body.get("channel") or {}).get("id")
            decoded = Action.decode(token)
            with self.in_flight():
                async with self.after_ack(body):
                    reply = await asyncio.to_thread(self.bot.run_action, token, user=user, channel=channel,
                                                    platform="slack", workspace=(body.get("team") or {}).get("id"))
                    if decoded is not None and decoded.kind == "share" and not reply.error:
                        await self.share(body, reply, user)
                    else:
                        # Paging a shared (public) answer must not change it for everyone: the
                        # clicker gets their own private page instead.
                        on_public = not (body.get("container") or {}).get("is_ephemeral", False)
                        await self.answer(body, reply, extra=decoded.extra if decoded else "",
                                          replace=not (self.private and on_public))

        return on_button

    @contextlib.asynccontextmanager
    async def after_ack(self, body: dict[str, Any]):
        """Answer in the channel's language; send a failure after the ack to the error handler ourselves.

        bolt 1.30 forgets the ack when an acked listener raises (it resets
        `ack.response`), and then answers 404 after 3 s as if never acked.
        """
        with i18n.speaking(await self.language(body)):  # the core and render (threads) inherit it
            try:
                yield
            except Exception as exc:
                await self.on_error(exc, body, None)

    async def language(self, body: dict[str, Any]) -> str:
        """The channel's language (Slack sends no locale): an admin's channel-language, else the bot's."""
        channel = body.get("channel_id") or (body.get("channel") or {}).get("id")
        if not channel:
            return self.bot.language
        user = body.get("user_id") or (body.get("user") or {}).get("id")
        team = body.get("team_id") or (body.get("team") or {}).get("id")
        return await asyncio.to_thread(self.bot.language_for, Caller("slack", user, channel, team))

    async def on_error(self, error: Exception, body: dict[str, Any],
                       response: BoltResponse | None) -> BoltResponse | None:
        """Show user-safe errors as they are; log anything else and apologise."""
        if isinstance(error, UserError):
            message = str(error)
        else:
            log.error("Slack request failed (%s)", _describe(body), exc_info=error)
            message = _(APOLOGY)
        payload = {"response_type": "ephemeral", **render.render_error(message)}
        if response is not None:  # not acked yet: the message becomes the ack
            return BoltResponse(status=200, body=json.dumps(payload),
                                headers={"content-type": "application/json"})
        url = body.get("response_url") or _first_response_url(body)
        if url:
            await deliver(url, payload)
        return None

    # -- answering ------------------------------------------------------------------

    async def answer(self, body: dict[str, Any], reply: Reply, *, extra: str = "",
                     replace: bool | None = None) -> None:
        """Post a reply to the request's response_url, privately with a Share button or in public."""
        url = body.get("response_url") or _first_response_url(body)
        if not url:
            log.warning("Slack request has no response_url (%s); answer dropped", _describe(body))
            return
        if reply.command == "help" and not reply.error:
            reply = slack_help(reply, self.prefix)
        private = self.private or reply.error
        usage = syntax.usage(BY_NAME[reply.command], self.prefix) if reply.command in BY_NAME else None
        share = share_action(reply, extra) if private and not reply.error else None
        # Rendering walks the whole reply: off the event loop, like the core call.
        message = await asyncio.to_thread(render.render_reply, reply, share=share, usage=usage)
        message["response_type"] = "ephemeral" if private else "in_channel"
        if replace is not None:  # a button: replace its message, but keep it when showing a problem
            message["replace_original"] = replace and not reply.error
        await deliver(url, message)

    async def share(self, body: dict[str, Any], reply: Reply, user: str | None) -> None:
        """Post a public copy of a private answer, then remove the private one."""
        url = body.get("response_url") or _first_response_url(body)
        if not url:
            return
        if reply.command == "help":
            reply = slack_help(reply, self.prefix)
        message = await asyncio.to_thread(render.render_reply, reply, shared_by=user)
        message.update(response_type="in_channel", replace_original=False)
        if await deliver(url, message):
            await deliver(url, {"delete_original": True})


def slack_help(reply: Reply, prefix: str = "") -> Reply:
    """Show the help with the Slack names, usage and examples (`/pod-ask <question> [episode:…]`).

    The examples are the core's, written for the episode in question; options
    are typed inline, so the help shows how.
    """
    derived = {(r.title or "").split(" ")[0]: r.section for r in reply.results if r.kind == "command"}
    fields = [Field_(name=syntax.usage(c, prefix),
                     value=_("{description}\nExample: {example}", description=_(c.description),
                             example=syntax.example(c, prefix, derived.get(c.name))))
              for c in COMMANDS]
    ask = BY_NAME["ask"]
    episode = syntax.example_text(derived.get("episode") or "episode latest")
    at = syntax.example_text(derived.get("chapter") or "chapter 45:00")
    fields.append(Field_(name=_("Options"), value=_(
        "Type options after your text: {options}, e.g. `{example}`. Quote a value with spaces: "
        "`episode:\"two words\"`. `before:` keeps an answer spoiler-safe: only what comes before that time.",
        options=syntax.known_options(ask),
        example=f"{syntax.slash_name(ask, prefix)} {syntax.example_text(derived.get('ask') or ask.example)} "
                f"episode:{episode} before:{at}")))
    return reply.model_copy(update={"fields": fields})


def share_action(reply: Reply, extra: str = "") -> Action:
    """The action that re-creates this answer in public (the private original is not sent back)."""
    query = reply.query
    if reply.command == "quote" and not query and reply.results:
        query = reply.results[0].text[:300]  # a random quote: share that quote, not another one
    return Action(kind="share", command=reply.command, query=query, episode=reply.episode or "",
                  page=reply.page, extra=extra)


SLACK_HOSTS = ("slack.com", "slack-gov.com")  # response_urls are https://hooks.slack.com/... (or GovSlack's)
DEFAULT_API_URL = "https://slack.com/api/"
_api_host: str | None = None  # the host of SLACK_API_URL when it is set to another one (build_app)


def response_url_problem(url: str, api_host: str | None = None) -> str | None:
    """Say why a response_url is not Slack's; None when answers may be posted to it.

    A response_url arrives in the request: answers (and the question's text)
    go only to Slack's own hosts over https, or to the host of SLACK_API_URL
    when an admin set one (GovSlack, a proxy, a local stand-in).
    """
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    if api_host and host == api_host and parts.scheme in ("http", "https"):
        return None
    if parts.scheme != "https":
        return "is not https"
    if any(host == h or host.endswith("." + h) for h in SLACK_HOSTS):
        return None
    return f"is on {host or 'no host'}, not Slack's"


def allow_response_hosts(api_url: str) -> None:
    """Also accept response_urls on SLACK_API_URL's host, when it is not Slack's default."""
    global _api_host
    _api_host = None if api_url.rstrip("/") == DEFAULT_API_URL.rstrip("/") else (urlsplit(api_url).hostname or "").lower()


async def deliver(url: str, message: dict[str, Any]) -> bool:
    """Post a message to a response_url; 429s and one dropped connection are retried."""
    problem = response_url_problem(url, _api_host)
    if problem:
        log.warning("answer not posted: the request's response_url %s", problem)
        return False
    client = AsyncWebhookClient(url=url, timeout=10, retry_handlers=retry_handlers(),
                                logger=quiet_logger("webhook"))
    try:
        result = await client.send_dict(message)
    except Exception as exc:  # network trouble must not crash the listener
        log.warning("could not post the answer to Slack: %s", type(exc).__name__)
        return False
    if result.status_code != 200:
        log.warning("Slack refused the answer: HTTP %s %s", result.status_code, (result.body or "")[:200])
        return False
    return True


def _first_response_url(body: dict[str, Any]) -> str | None:
    urls = body.get("response_urls") or []
    return urls[0].get("response_url") if urls else None


def _describe(body: dict[str, Any]) -> str:
    """Name a request for the log without its text or response_url."""
    kind = body.get("command") or body.get("type") or "request"
    user = body.get("user_id") or (body.get("user") or {}).get("id") or "?"
    return f"{kind} from {user}"
