"""The language a Discord member reads: their client's, else the server's, else the bot's."""

from __future__ import annotations

from typing import Any

import discord

from bot import i18n


def member_language(interaction: discord.Interaction) -> str:
    """Negotiate the reply language for an interaction (a locale we lack falls through, silently)."""
    core: Any = getattr(interaction.client, "core", None)
    return i18n.negotiate(_tag(getattr(interaction, "locale", None)), _tag(getattr(interaction, "guild_locale", None)),
                          getattr(core, "language", None))


def _tag(locale: discord.Locale | str | None) -> str | None:
    return None if locale is None else str(getattr(locale, "value", locale))
