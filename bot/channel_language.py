"""A channel's own reply language, set by an admin (`/episodebot channel-language ru`).

Slack sends no locale with a slash command, so a Slack channel answers in
EPISODE_BOT_LANGUAGE unless an admin picked another for it. Kept in the state
database: scope "channel-language", key `<platform>:<channel id>`, value a
language code from bot.i18n.LANGUAGES.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from . import i18n
from .errors import UserError
from .i18n import _
from .replies import Reply

if TYPE_CHECKING:
    from .commands import Caller
    from .core import EpisodeBot

log = logging.getLogger(__name__)

SCOPE = "channel-language"
_CLEAR = {"clear", "reset", "default", "none", "off"}


def channel_language(bot: EpisodeBot, caller: Caller) -> str | None:
    """Return the language an admin set for the caller's channel, or None."""
    if bot.records is None or not caller.channel:
        return None
    try:
        value = bot.records.kv_get(SCOPE, f"{caller.platform}:{caller.channel}")
    except Exception as exc:  # the state database is down: the bot's language answers
        log.warning("could not read the channel's language: %s", exc)
        return None
    return i18n.match(value) if value else None


def set_channel_language(bot: EpisodeBot, caller: Caller, values: dict[str, str]) -> Reply:
    """Set, show or clear the language this channel is answered in (an admin's command)."""
    wanted = values.get("language", "").strip()
    reply = Reply(command="channel-language", query=wanted, title=_("This channel's language"))
    if bot.records is None:
        raise UserError(_("This bot keeps no state database, so it can't remember a channel's language."))
    if not caller.channel:
        raise UserError(_("Run this in the channel whose language you want to set."))
    key = f"{caller.platform}:{caller.channel}"
    languages = ", ".join(i18n.available())
    if not wanted:
        current = channel_language(bot, caller)
        reply.message = reply.body = (
            _("This channel is answered in {language} ({code}).", language=i18n.language_name(current),
              code=current) if current else
            _("This channel is answered in the bot's language, {language} ({code}). Languages: {languages}.",
              language=i18n.language_name(bot.language), code=bot.language, languages=languages))
        reply.details = {"language": current or bot.language, "set": current is not None}
        return reply
    if wanted.lower() in _CLEAR:
        bot.records.kv_set(SCOPE, key, None)
        with i18n.speaking(bot.language):
            reply.title = _("This channel's language")
            reply.message = reply.body = _("This channel is answered in the bot's language again.")
        reply.details = {"language": bot.language, "set": False}
        return reply
    code = i18n.match(wanted)
    if code is None:
        raise UserError(_("There is no catalogue for {language!r}.", language=wanted),
                        _("Languages: {languages}.", languages=languages))
    bot.records.kv_set(SCOPE, key, code)
    log.info("channel %s now answered in %s", caller.channel, code)
    with i18n.speaking(code):  # said in the new language, which shows it works
        reply.title = _("This channel's language")
        reply.message = reply.body = _("This channel is now answered in {language}.",
                                       language=i18n.language_name(code))
    reply.details = {"language": code, "set": True}
    return reply
