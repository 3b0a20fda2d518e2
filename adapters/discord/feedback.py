"""👍/👎 on answers, the optional reason for a 👎 (a modal), and who counts as an admin."""

from __future__ import annotations

import asyncio
import logging
from typing import TYPE_CHECKING

import discord

from bot import i18n
from bot.i18n import N_, _

from .locale import member_language
from .render import NO_MENTIONS

if TYPE_CHECKING:
    from bot.replies import Action

    from .client import EpisodeClientMixin

log = logging.getLogger(__name__)

REASON_LENGTH = 300  # characters in a 👎 reason
NOTED = N_("Thanks, noted.")
NOT_ADMIN = N_("Only members with the Manage Server permission can use /episodebot.")


def is_admin(interaction: discord.Interaction) -> bool:
    """True for a member with Manage Server (or Administrator) in a server; never in a DM.

    Discord already hides /episodebot from others (default_member_permissions),
    but a server can widen that in its settings: the handler checks again.
    """
    if interaction.guild_id is None:
        return False
    perms = interaction.permissions
    return bool(perms.manage_guild or perms.administrator)


class ReasonModal(discord.ui.Modal):
    """One optional 300-character field: what was wrong with the answer."""

    def __init__(self, record_id: str) -> None:
        super().__init__(title=_("Thanks: tell us more?"), timeout=900, custom_id=f"reason:{record_id}"[:100])
        # Built per modal, in the voter's language (vote() speaks it).
        self.reason: discord.ui.TextInput[ReasonModal] = discord.ui.TextInput(
            label=_("What was wrong? (optional)"), style=discord.TextStyle.paragraph, required=False,
            max_length=REASON_LENGTH, placeholder=_("e.g. the time is off, or it answers another question"))
        self.add_item(self.reason)
        self.record_id = record_id

    async def on_submit(self, interaction: discord.Interaction) -> None:  # type: ignore[override]
        client: EpisodeClientMixin = interaction.client  # type: ignore[assignment]
        text = (self.reason.value or "").strip()
        language = member_language(interaction)
        with i18n.speaking(language):
            message = _(NOTED)
        if text:
            message = await asyncio.to_thread(client.core.vote_reason, self.record_id, "discord",
                                              str(interaction.user.id), text, language=language)
        await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_MENTIONS)

    async def on_error(self, interaction: discord.Interaction, error: Exception) -> None:  # type: ignore[override]
        log.error("👎 reason could not be saved", exc_info=error)
        if not interaction.response.is_done():
            with i18n.speaking(member_language(interaction)):
                sorry = _("Sorry, I couldn't note that right now.")
            await interaction.response.send_message(sorry, ephemeral=True,
                                                    allowed_mentions=NO_MENTIONS)


async def vote(interaction: discord.Interaction, action: Action) -> None:
    """Record a 👍/👎 for the clicker (once per person; a second click changes it), answered privately.

    A 👎 opens the reason modal; its submission says "Thanks, noted." No
    message ever goes to the channel.
    """
    client: EpisodeClientMixin = interaction.client  # type: ignore[assignment]
    up = action.kind == "up"
    kept, message = await asyncio.to_thread(client.core.cast_vote, action.query, "discord",
                                            str(interaction.user.id), up, language=i18n.current())
    log.info("%s on answer %s", "👍" if up else "👎", action.query)
    if not up and kept:  # by outcome, not by the (translated) words
        await interaction.response.send_modal(ReasonModal(action.query))
        return
    await interaction.response.send_message(message, ephemeral=True, allowed_mentions=NO_MENTIONS)
