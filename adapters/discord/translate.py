"""Localize the synced slash commands: descriptions in every language the catalogue has.

Command, group and option NAMES stay English (stable for muscle memory and
the docs); descriptions (and choice names, should a command get fixed
choices) go to Discord as `description_localizations`, so a member's client
shows them in its own language.
"""

from __future__ import annotations

import hashlib
import logging

import discord
from discord import app_commands
from discord.app_commands import TranslationContextLocation as Where

from bot import i18n

log = logging.getLogger(__name__)

DESCRIPTION = 100  # Discord's limit for descriptions and choice names
_KEEP_ENGLISH = {Where.command_name, Where.group_name, Where.parameter_name}


def described(text: str) -> app_commands.locale_str:
    """A description Discord shows in the member's language; the English text is also the catalogue's key."""
    return app_commands.locale_str(text[:DESCRIPTION], msgid=text)


class CatalogueTranslator(app_commands.Translator):
    """discord.py's translator hook, answered from the bot's gettext catalogues."""

    async def translate(self, string: app_commands.locale_str, locale: discord.Locale,
                        context: app_commands.TranslationContextTypes) -> str | None:
        if context.location in _KEEP_ENGLISH:
            return None
        return localized(string.extras.get("msgid", string.message), locale.value)


def localized(msgid: str, locale: str) -> str | None:
    """The text for a Discord locale ('ru', 'pt-BR', 'es-419'), or None where English is what it gets."""
    lang = i18n.match(locale)
    if lang is None or lang == i18n.DEFAULT:
        return None
    text = i18n.translations(msgid).get(lang)
    if not text:
        return None
    if len(text) > DESCRIPTION:  # a catalogue test keeps these short; never let one fail a sync
        log.warning("the %s description %r is over %d characters; cut", lang, text[:40], DESCRIPTION)
        text = text[:DESCRIPTION - 1].rstrip() + "…"
    return text


def catalogue_digest() -> str:
    """A fingerprint of the catalogues, so changed translations sync the commands again."""
    h = hashlib.sha256()
    for path in sorted(i18n.LOCALES_DIR.glob("*/LC_MESSAGES/*.po")):
        h.update(path.parent.parent.name.encode())
        h.update(path.read_bytes())
    return h.hexdigest()
