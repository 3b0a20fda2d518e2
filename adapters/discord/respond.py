"""Answer interactions: run the core off the event loop, send the rendered reply, report errors."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING, Any, Callable

import discord
from discord import app_commands

from bot import i18n
from bot.errors import UserError
from bot.i18n import N_, _
from bot.commands import Caller
from bot.replies import Action, Reply

from .buttons import SHARE_ID
from .feedback import NOT_ADMIN, is_admin, vote
from .locale import member_language
from .render import NO_MENTIONS, ButtonSpec, Rendered, fit_escaped, is_spoiler_safe, render, spoil

if TYPE_CHECKING:
    from .client import EpisodeClientMixin

log = logging.getLogger(__name__)

DEFER_AFTER = 2.0  # seconds; Discord drops an interaction not answered within 3 s
CALLBACK_WAIT = 30.0  # seconds an answer may wait out Discord's rate limits (as max_ratelimit_timeout)
APOLOGY = N_("Sorry, something went wrong on my side. Please try again in a moment.")
OUT_OF_DATE = N_("This command was just updated. Please try again in a minute.")
UNKNOWN_INTERACTION = 10062


async def run_core(interaction: discord.Interaction, work: Callable[[], Reply], *, private: bool,
                   update: bool = False) -> Reply:
    """Run a core call in a thread; defer the interaction if it takes long, so the token stays alive."""
    task = asyncio.ensure_future(asyncio.to_thread(work))
    done, _ = await asyncio.wait({task}, timeout=DEFER_AFTER)
    if not done and not interaction.response.is_done():
        log.info("answer is slow; deferring interaction %s", interaction.id)
        if update:
            await interaction.response.defer()
        else:
            await interaction.response.defer(ephemeral=private, thinking=True)
    return await task


async def send(interaction: discord.Interaction, rendered: Rendered, *, private: bool,
               update: bool = False) -> None:
    """Send a rendered reply; give up after CALLBACK_WAIT with one warning.

    discord.py sends interaction answers through its webhook path, which sleeps
    out any 429 however long (max_ratelimit_timeout does not apply there), up
    to five times: without a cap one answer could wait ten minutes.
    """
    try:
        await asyncio.wait_for(_deliver(interaction, rendered, private=private, update=update), CALLBACK_WAIT)
    except asyncio.TimeoutError:
        log.warning("answer to interaction %s dropped: Discord kept it rate limited for over %g s",
                    interaction.id, CALLBACK_WAIT)


async def _deliver(interaction: discord.Interaction, rendered: Rendered, *, private: bool, update: bool) -> None:
    """Send as a new message, or by editing the message a button sits on."""
    kwargs = rendered.kwargs()
    response = interaction.response
    if update:
        if response.is_done():
            await interaction.edit_original_response(**kwargs)
        else:
            await response.edit_message(**kwargs)
    elif response.is_done():
        await interaction.edit_original_response(**kwargs)
    else:
        if kwargs["view"] is None:
            del kwargs["view"]
        await response.send_message(ephemeral=private, **kwargs)


async def answer_command(interaction: discord.Interaction, name: str, values: dict[str, Any]) -> None:
    """Run a slash command through the core and answer with its reply."""
    client: EpisodeClientMixin = interaction.client  # type: ignore[assignment]
    with client.track(), i18n.speaking(member_language(interaction)):  # the core and render run inside it
        await _answer_command(client, interaction, name, values)


async def _answer_command(client: EpisodeClientMixin, interaction: discord.Interaction, name: str,
                          values: dict[str, Any]) -> None:
    args = {k: str(v) for k, v in values.items() if v is not None}
    private = client.private
    reply = await run_core(interaction, lambda: client.core.run(
        name, args, user=str(interaction.user.id), channel=str(interaction.channel_id), platform="discord",
        workspace=str(interaction.guild_id) if interaction.guild_id else None, language=i18n.current()),
        private=private)
    log.info("/%s by %s in %s: %s", name, interaction.user.id, interaction.guild_id or "DM",
             "error" if reply.error else f"{len(reply.results)} result(s)")
    # Rendering walks the whole reply: off the event loop, like the core call.
    rendered = await asyncio.to_thread(render, reply, share=private and not reply.error, refs=client.refs)
    if not private and reply.before is not None:  # posted to the channel: hide what may spoil others
        for embed in rendered.embeds:
            spoil(embed)
    await send(interaction, rendered, private=private or reply.error)


async def answer_admin(interaction: discord.Interaction, name: str, values: dict[str, Any]) -> None:
    """Run an /episodebot subcommand for a member with Manage Server; answer privately."""
    client: EpisodeClientMixin = interaction.client  # type: ignore[assignment]
    with client.track(), i18n.speaking(member_language(interaction)):
        if not is_admin(interaction):
            log.warning("/episodebot %s refused: %s lacks Manage Server", name, interaction.user.id)
            await interaction.response.send_message(_(NOT_ADMIN), ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
        args = {k: str(v) for k, v in values.items() if v is not None}
        caller = Caller("discord", str(interaction.user.id), str(interaction.channel_id),
                        str(interaction.guild_id) if interaction.guild_id else None)
        reply = await run_core(interaction, lambda: client.core.run_admin(name, args, caller, language=i18n.current()),
                               private=True)
        log.info("/episodebot %s by %s", name, interaction.user.id)
        await send(interaction, await asyncio.to_thread(render, reply, share=False, refs=client.refs), private=True)


async def handle_button(interaction: discord.Interaction, custom_id: str) -> None:
    """Answer a button click: share the message, or run the action its custom_id carries."""
    with i18n.speaking(member_language(interaction)):  # the clicker's language, not the asker's
        await _handle_button(interaction, custom_id)


async def _handle_button(interaction: discord.Interaction, custom_id: str) -> None:
    client: EpisodeClientMixin = interaction.client  # type: ignore[assignment]
    try:
        if custom_id == SHARE_ID:
            await share(interaction)
            return
        token = client.refs.token(custom_id)
        action = Action.decode(token or "")
        if action is not None and action.kind in ("up", "down"):
            await vote(interaction, action)
            return
        # A click on a private answer updates it in place; one on a public message answers privately.
        on_private = bool(interaction.message and interaction.message.flags.ephemeral)
        reply = await run_core(interaction, lambda: client.core.run_action(
            token or "", user=str(interaction.user.id), channel=str(interaction.channel_id), platform="discord",
            workspace=str(interaction.guild_id) if interaction.guild_id else None, is_admin=is_admin(interaction),
            language=i18n.current()),
            private=True, update=on_private)
        log.info("button %s by %s: %s", custom_id[:40], interaction.user.id,
                 "error" if reply.error else f"{reply.command} page {reply.page}")
        rendered = await asyncio.to_thread(render, reply, share=not reply.error, refs=client.refs)
        await send(interaction, rendered, private=True, update=on_private and not reply.error)
    except Exception as exc:  # one place for errors, as for commands
        await report_error(interaction, exc)


async def share(interaction: discord.Interaction) -> None:
    """Post the private answer the button sits on to the channel, for everyone.

    A public post counts against the member's and the channel's rate limits
    like a command, so a Share button cannot flood a channel.
    """
    client: EpisodeClientMixin = interaction.client  # type: ignore[assignment]
    message = interaction.message
    if client.core.limiter is not None:
        try:
            client.core.limiter.check(str(interaction.user.id), str(interaction.channel_id))
        except UserError as exc:
            await interaction.response.send_message(str(exc), ephemeral=True, allowed_mentions=NO_MENTIONS)
            return
    if message is None or not message.embeds:
        await interaction.response.send_message(_("There is nothing to share here."), ephemeral=True,
                                                allowed_mentions=NO_MENTIONS)
        return
    embeds = [e.copy() for e in message.embeds]
    who = interaction.user.display_name[:80]  # footers show plain text: no escaping needed
    footer = embeds[0].footer.text or ""
    embeds[0].set_footer(text=_("Shared by {name}", name=who) + (f" · {footer}" if footer else ""))
    if is_spoiler_safe(embeds[0]):  # the member is past that point; the channel may not be
        for embed in embeds:
            spoil(embed)
    others = [(c.label or "", c.custom_id or "") for row in message.components
              for c in getattr(row, "children", []) if getattr(c, "custom_id", None) not in (None, SHARE_ID)]
    # The copy keeps the paging buttons; on a public message they answer each clicker privately.
    rendered = Rendered(embeds=embeds, buttons=[ButtonSpec(label, cid, "") for label, cid in others])
    await send(interaction, rendered, private=False)
    log.info("answer shared by %s in %s", interaction.user.id, interaction.channel_id)


async def report_error(interaction: discord.Interaction, error: BaseException) -> None:
    """Tell the user what went wrong in words they can use; log the rest; never raise."""
    with i18n.speaking(member_language(interaction)):
        await _report_error(interaction, error)


async def _report_error(interaction: discord.Interaction, error: BaseException) -> None:
    original = getattr(error, "original", None) or error
    if isinstance(original, discord.NotFound) and original.code == UNKNOWN_INTERACTION:
        log.warning("interaction %s expired before it was answered (Discord error 10062: "
                    "answer took longer than 3 s)", interaction.id)
        return
    if isinstance(original, UserError):
        message = str(original)
    elif isinstance(error, app_commands.CommandSignatureMismatch):
        log.warning("Discord sent /%s with options this version does not know: run "
                    "`episode-bot discord sync`", getattr(error.command, "name", "?"))
        message = _(OUT_OF_DATE)
    elif isinstance(error, app_commands.CommandNotFound):
        log.warning("Discord sent an unknown command %r: run `episode-bot discord sync`", error.name)
        message = _(OUT_OF_DATE)
    else:
        command = interaction.command.name if interaction.command else "button"
        log.error("%s failed for interaction %s", command, interaction.id, exc_info=original)
        message = _(APOLOGY)
    if interaction.type is discord.InteractionType.autocomplete:
        if not interaction.response.is_done():
            try:
                await interaction.response.autocomplete([])
            except discord.HTTPException:
                pass
        return
    try:
        text = fit_escaped("⚠️ " + message, 2000)
        if interaction.response.is_done():
            await interaction.followup.send(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
        else:
            await interaction.response.send_message(text, ephemeral=True, allowed_mentions=NO_MENTIONS)
    except discord.HTTPException as exc:
        log.warning("could not tell the user about the error on interaction %s: %s", interaction.id, exc)
