"""Where each member is in an episode (/progress) and each channel's own episode.

Both live in the records' key/value state (SQLite in the state folder, or
PostgreSQL), so they survive a restart and cost no memory per member:
- scope "progress": key `<hashed user>:<episode id>`, value seconds;
- scope "channel-episode": key `<platform>:<channel id>`, value an episode id.
"""

from __future__ import annotations

import logging
from typing import TYPE_CHECKING

from . import spoilers
from .catalogue import catalogue_of, short_label
from .errors import UserError
from .i18n import _
from .replies import Reply

if TYPE_CHECKING:
    from .commands import Caller
    from .core import EpisodeBot, Snapshot
    from .models import Episode
    from .records import Records

log = logging.getLogger(__name__)

PROGRESS = "progress"
CHANNEL_EPISODE = "channel-episode"
_CLEAR = {"clear", "reset", "forget", "none", "off"}


def progress_key(records: Records, caller: Caller, episode: Episode) -> str | None:
    if not caller.user:
        return None
    return f"{records.user_key(caller.platform, caller.user)}:{episode.id}"


def progress_of(bot: EpisodeBot, caller: Caller, episode: Episode) -> int | None:
    """Return the place a member saved in an episode (seconds), or None."""
    records = bot.records
    key = progress_key(records, caller, episode) if records is not None else None
    if key is None:
        return None
    try:
        value = records.kv_get(PROGRESS, key)  # type: ignore[union-attr]
    except Exception as exc:  # the state database is down: answer without the limit, say so in the log
        log.warning("could not read a member's progress: %s", exc)
        return None
    return int(value) if value and value.isdecimal() else None


def channel_episode(bot: EpisodeBot, caller: Caller) -> str | None:
    """Return the episode an admin set for this channel, or None."""
    if bot.records is None or not caller.channel:
        return None
    try:
        return bot.records.kv_get(CHANNEL_EPISODE, f"{caller.platform}:{caller.channel}")
    except Exception as exc:
        log.warning("could not read the channel's episode: %s", exc)
        return None


def progress(bot: EpisodeBot, snap: Snapshot, episode: Episode, args: dict[str, str], caller: Caller) -> Reply:
    """Remember, show or forget where a member is in an episode."""
    reply = Reply(command="progress", query=args.get("time", ""), episode=episode.id,
                  episode_label=episode.label, title=_("Your place in {episode}", episode=short_label(episode)))
    records = bot.records
    key = progress_key(records, caller, episode) if records is not None else None
    if records is None or key is None:  # not a mistake of the member's: say what works instead
        reply.message = reply.body = _("This bot keeps no state database, so it can't remember your place. "
                                       "Give the time with each command instead (the before option).")
        return reply
    wanted = args.get("time", "").strip()
    if not wanted:
        saved = progress_of(bot, caller, episode)
        reply.message = reply.body = (_("You are at {time}: answers about this episode use "
                                        "only what comes before it.", time=spoilers.short(saved))
                                      if saved is not None else
                                      _("No place saved: answers use the whole episode. "
                                        "Save one with e.g. progress 45:00."))
        return reply
    if wanted.lower() in _CLEAR:
        records.kv_set(PROGRESS, key, None)
        reply.message = reply.body = _("Forgotten: answers use the whole episode again.")
        return reply
    length = catalogue_of(snap.index, snap.library).length(episode)
    seconds = spoilers.parse_before(wanted, episode, length)
    records.kv_set(PROGRESS, key, str(seconds))
    reply.before = seconds
    reply.message = reply.body = _("Saved: you are at {time}. Your answers about {episode} now use only what "
                                   "comes before it (progress clear forgets it).", time=spoilers.short(seconds),
                                   episode=short_label(episode))
    return reply


def set_channel_episode(bot: EpisodeBot, caller: Caller, values: dict[str, str]) -> Reply:
    """Set, show or clear the episode this channel answers from (an admin's command)."""
    reply = Reply(command="channel-episode", query=values.get("episode", ""), title=_("This channel's episode"))
    if bot.records is None:
        raise UserError(_("This bot keeps no state database, so it can't remember a channel's episode."))
    if not caller.channel:
        raise UserError(_("Run this in the channel whose episode you want to set."))
    key = f"{caller.platform}:{caller.channel}"
    wanted = values.get("episode", "").strip()
    if not wanted:
        current = bot.records.kv_get(CHANNEL_EPISODE, key)
        reply.message = reply.body = (_("This channel answers from episode {episode}.", episode=current)
                                      if current else _("This channel answers from the bot's default episode."))
        return reply
    if wanted.lower() in _CLEAR:
        bot.records.kv_set(CHANNEL_EPISODE, key, None)
        reply.message = reply.body = _("This channel answers from the bot's default episode again.")
        return reply
    episode = bot.resolve_episode(wanted)
    bot.records.kv_set(CHANNEL_EPISODE, key, episode.id)
    log.info("channel %s now answers from episode %s", caller.channel, episode.id)
    reply.episode, reply.episode_label = episode.id, episode.label
    reply.message = reply.body = _("This channel now answers from {episode} when a command names no episode.",
                                   episode=episode.label)
    return reply
