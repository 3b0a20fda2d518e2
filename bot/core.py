"""The bot's one object: a library snapshot, the commands, and safe entry points."""

from __future__ import annotations

import logging
import sqlite3
import threading
import time
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from rapidfuzz import fuzz, process

from . import collector, english
from . import examples as _examples
from . import indexer, spoilers
from . import i18n, kept, listening
from .catalogue import catalogue_of
from .commands import BY_NAME, COMMANDS, Command
from .commands import ADMIN_BY_NAME, Caller, taught_first
from .errors import RateLimited, SeedsError, UserError
from .formats import MAX_BYTES
from .i18n import _, ngettext
from .library import Library, load_library
from .limits import Limiter, RateLimiter
from .models import Episode
from .replies import Action, Reply, error_reply
from .replies import Button, Result
from .records import Question, Records, normalise
from .records.questions import day_of
from .meaning import load_model
from .search import SearchIndex, index_episode
from .store import CachedLibrary, Store, load_cached
from .text import clean_line, format_time

if TYPE_CHECKING:
    from types import ModuleType

    from .settings import Settings

log = logging.getLogger(__name__)

MAX_CHOICES = 25  # Discord's limit for autocomplete, and plenty for a person


@dataclass
class Choice:
    name: str  # what the user sees
    value: str  # what is submitted


@dataclass
class Snapshot:
    """A library and its index, built together and swapped in together."""

    library: Library
    index: SearchIndex
    built_at: float = field(default_factory=time.time)
    _speakers: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def build(cls, seeds_dir: Path, max_bytes: int = MAX_BYTES, store: Store | None = None,
              previous: Snapshot | None = None) -> Snapshot:
        """Load the seeds and index them; with a store, index each new episode as it is built.

        `previous`, the snapshot serving, lends the episodes it holds unchanged: a reload
        reads, indexes and sums the counts of the new and changed episodes only.
        """
        if store is not None:  # read unchanged episodes and their search rows back from the cache
            try:
                with indexer.Workers(load_model) as workers:  # new files read and built on every core
                    library = load_cached(
                        seeds_dir, max_bytes, store, previous=previous.library if previous is not None else None,
                        reader=workers.headers, builder=workers.build, scout=workers.scout,
                        on_built=lambda episode, slot, prepared: index_episode(store, episode, slot, load_model(),
                                                                               prepared))
                return cls(library=library, index=SearchIndex(
                    library, previous=previous.index if previous is not None else None))
            except sqlite3.Error as exc:  # a full disk, a file pulled away: the cache is only a cache
                log.warning("index cache failed (%s); building the index in memory", exc)
        library = load_library(seeds_dir, max_bytes=max_bytes)
        return cls(library=library, index=SearchIndex(library))

    def settle(self) -> None:
        """Now that this snapshot serves, let the index cache drop what only older ones used."""
        if isinstance(self.library, CachedLibrary):
            try:
                self.library.forget_others()
            except sqlite3.Error as exc:  # the cache is only a cache
                log.warning("index cache clean-up failed: %s", exc)

    def by_key(self, key: str) -> Episode | None:
        """Return the first episode whose id is `key` (any case) or whose number it is, or None.

        Two lookups instead of a scan of the catalogue on every command naming an episode.
        """
        ids, numbers = self._keys
        places = [found for found in (ids.get(key.lower()),
                                      numbers.get(int(key)) if key.isdecimal() else None) if found is not None]
        return min(places, key=lambda found: found[0])[1] if places else None

    @cached_property
    def _keys(self) -> tuple[dict[str, tuple[int, Episode]], dict[int, tuple[int, Episode]]]:
        """{id: (place, episode)} and {number: (place, episode)}, the first episode of each."""
        ids: dict[str, tuple[int, Episode]] = {}
        numbers: dict[int, tuple[int, Episode]] = {}
        for place, e in enumerate(self.library.episodes):
            ids.setdefault(e.id, (place, e))
            if e.number is not None:
                numbers.setdefault(e.number, (place, e))
        return ids, numbers

    def speakers(self, episode: Episode) -> list[str]:
        if episode.id not in self._speakers:
            names = list(self.library.facts(episode).speakers)
            names += [n for n in [episode.host, *episode.guests] if n]
            self._speakers[episode.id] = list(dict.fromkeys(names))
        return self._speakers[episode.id]


class EpisodeBot:
    """Answers commands from the episodes in a seeds folder.

    Every front end (CLI, Discord, Slack) calls run(), run_action() and
    complete(); none of them sees the library directly.
    """

    def __init__(self, seeds_dir: Path | str, default_episode: str | None = None,
                 max_bytes: int = MAX_BYTES, limiter: Limiter | None = None,
                 cache_dir: Path | str | None = None, records: Records | None = None,
                 counted: bool = True) -> None:
        """`cache_dir`: where to keep the index between runs (None: build it in memory each time).

        `records`: the question log, votes, taught answers and small state (None: none kept).
        `counted`: count commands and reloads for /metrics, and keep the catalogue out of
        the garbage collector's full passes (bot/collector.py): a long-running bot. A
        one-shot process such as the command line serves no /metrics and passes False,
        which also spares loading the Prometheus client (about 30 ms of every `episode-bot ask`).
        """
        self.metrics: ModuleType | None = None
        if counted:
            from . import metrics

            self.metrics = metrics
        self.records = records
        self.seeds_dir = Path(seeds_dir)
        self.limiter = limiter  # None: nobody is rate limited (CLI, scripts)
        self.default_episode = default_episode or None
        self.max_bytes = max_bytes
        self._reload_lock = threading.Lock()
        self.store = Store.open(cache_dir, self.seeds_dir)
        if self.store is not None:  # word lists a question may need, read back instead of derived
            kept.keep_in(self.store.path.parent)
        self.snapshot = Snapshot.build(self.seeds_dir, max_bytes, self.store)
        self.snapshot.settle()
        self._out_of_collections()
        if self.metrics is not None:
            self.metrics.track_episodes(lambda: len(self.snapshot.library.episodes))
            # A long-running bot reads its meaning model now, in the background: a restart from the
            # index cache needs none of it, and the first answer or reload would otherwise wait for it
            # (0.1-0.2 s of parsing the tokenizer).
            if self.snapshot.index.model is not None:
                self.snapshot.index.model.read_ahead()
                english.read_ahead()  # the word list that keeps real words from being 'corrected' (0.2-0.3 s)
        self._default_missing = False  # the default episode went away in a reload (logged once)
        self.language = i18n.DEFAULT  # replies' language when a call names none (EPISODE_BOT_LANGUAGE)
        self._check_default()

    @classmethod
    def from_settings(cls, settings: Settings, seeds_dir: Path | str | None = None, *,
                      rate_limited: bool = True, platform: str = "cli", counted: bool = True) -> EpisodeBot:
        """Build the bot a front end runs: seeds, default episode, limits and index cache from settings."""
        bot = cls(Path(seeds_dir or settings.seeds_dir), default_episode=settings.default_episode,
                  max_bytes=int(settings.max_seed_mb * 1e6),
                  limiter=RateLimiter.from_settings(settings) if rate_limited else None,
                  cache_dir=Path(settings.state_dir) / "index",  # a big catalogue starts fast
                  records=Records.open(settings, platform), counted=counted)  # type: ignore[arg-type]
        bot.language = settings.language
        return bot

    @property
    def library(self) -> Library:
        return self.snapshot.library

    # -- reload -------------------------------------------------------------

    def reload(self) -> bool:
        """Build a new library beside the old one and swap it in; keep the old on failure."""
        with self._reload_lock:
            try:
                fresh = Snapshot.build(self.seeds_dir, self.max_bytes, self.store, previous=self.snapshot)
            except (SeedsError, OSError) as exc:
                log.error("reload failed, still serving the previous episodes: %s", exc)
                self._count_reload("failed")
                return False
            except Exception:
                log.exception("reload failed, still serving the previous episodes")
                self._count_reload("failed")
                return False
            self._count_reload("ok")
            self.snapshot = fresh  # one reference swap: readers see old or new, never half
            fresh.settle()
            self._out_of_collections()
            log.info("reloaded %d episode(s) from %s", len(fresh.library.episodes), self.seeds_dir)
            self._default_found(fresh)
            return True

    def _out_of_collections(self) -> None:
        """In a long-running bot, keep the snapshot now serving out of the collector's full passes."""
        if self.metrics is not None:  # counted: a long-running bot (a one-shot command would only pay for it)
            collector.freeze_serving()

    def _count_reload(self, result: str) -> None:
        if self.metrics is not None:
            self.metrics.RELOADS.labels(result=result).inc()

    def _check_default(self) -> None:
        """Refuse to start with a default episode that matches none: say which ones exist, on one line."""
        if self.default_episode is None or self._default_found(self.snapshot, at_start=True):
            return
        from .settings import ConfigError  # settings sit above the core; only this start-up check needs them

        episodes = catalogue_of(self.snapshot.index, self.library).entries
        names = ", ".join(x.episode.label for x in episodes[:20])
        more = f" and {len(episodes) - 20} more (episode-bot episodes lists them)" if len(episodes) > 20 else ""
        raise ConfigError([f"EPISODE_BOT_DEFAULT_EPISODE={self.default_episode!r} matches no episode; "
                           f"the episodes are: {names}{more}"])

    def _default_found(self, snap: Snapshot, at_start: bool = False) -> bool:
        """Return True when the default episode is in a snapshot; log once when a reload removed it."""
        if self.default_episode is None:
            return True
        try:
            self._find_episode(self.default_episode, snap)
        except UserError:
            if not at_start and not self._default_missing:
                log.warning("the default episode %r is no longer in the seeds; answering from the latest, "
                            "%s, until it is back", self.default_episode, snap.library.episodes[-1].label)
            self._default_missing = True
            return False
        self._default_missing = False
        return True

    # -- commands -----------------------------------------------------------

    def run(self, name: str, args: dict[str, str] | None = None, page: int = 1, *,
            user: str | None = None, channel: str | None = None, platform: str = "cli",
            workspace: str | None = None, via: str = "command", language: str | None = None) -> Reply:
        """Run a command and, when the question log is on, log it and put 👍/👎 on the answer.

        `platform` and `workspace` (guild or team) say where it was asked; `via`
        is "button" for a page, chapter step or share, so stats count questions once.
        `language` is the reply's (a tag we lack, or None: the bot's own language).
        """
        with i18n.speaking(language or i18n.chosen() or self.language):
            return self._run_counted(name, args, page, user=user, channel=channel, platform=platform,
                                     workspace=workspace, via=via)

    def _run_counted(self, name: str, args: dict[str, str] | None, page: int, *, user: str | None,
                     channel: str | None, platform: str, workspace: str | None, via: str) -> Reply:
        started = time.perf_counter()
        counted = name if name in BY_NAME or name in ADMIN_BY_NAME else "unknown"  # bounded metric labels
        caller = Caller(platform, user, channel, workspace)
        try:
            reply = self._answer(name, args, page, user=user, channel=channel, caller=caller)
        except BaseException:
            if self.metrics is not None:
                self.metrics.observe(counted, platform, "error", time.perf_counter() - started)
            raise
        # A spoiler-safe answer (a given time, or the member's saved place) gets no taught answer first:
        # it could come from later in the episode.
        if name == "ask" and page <= 1 and not reply.error and reply.before is None:
            reply = self._taught_first(reply)
        if self.metrics is not None:
            self.metrics.observe(counted, platform, self.metrics.outcome(reply), time.perf_counter() - started)
        self._record(reply, name, args, started, caller, via)
        return reply

    def _record(self, reply: Reply, name: str, args: dict[str, str] | None, started: float, caller: Caller,
                via: str) -> None:
        """Queue the question's row (never blocks the answer) and add the vote buttons that point at it."""
        records = self.records
        if records is None or not records.record_questions or name == "help":
            return
        try:
            now = time.time()
            top = reply.results[0] if reply.results else None
            query = reply.query or _first_text(args)
            reply.record_id = records.new_id()
            records.record(Question(
                id=reply.record_id, asked_at=now, day=day_of(now), platform=caller.platform,
                workspace=caller.workspace, channel=caller.channel,
                user_key=records.user_key(caller.platform, caller.user) if caller.user else None,
                command=name, via=via, query=query, norm=normalise(query), episode=reply.episode,
                declined=int(not reply.error and not reply.results and reply.message is not None),
                failed=int(reply.error), top_source=top.source if top else None,
                top_time=top.timestamp if top else None,
                taught_id=None, latency_ms=(time.perf_counter() - started) * 1000))
            if not reply.error:
                reply.buttons += [Button(label="👍", action=Action(kind="up", command=name, query=reply.record_id)),
                                  Button(label="👎", action=Action(kind="down", command=name,
                                                                  query=reply.record_id))]
        except Exception:  # the log is an aid: the answer goes out whatever happens here
            log.exception("could not queue the question for the log")

    def _answer(self, name: str, args: dict[str, str] | None = None, page: int = 1, *,
                user: str | None = None, channel: str | None = None, caller: Caller | None = None) -> Reply:
        """Run a command; user mistakes come back as an error reply, never an exception.

        `user` and `channel` identify who asked where (platform ids), for rate limits.
        """
        try:
            if self.limiter is not None:
                self.limiter.check(user, channel)
            return self._run(name, dict(args or {}), page, caller or Caller(user=user, channel=channel))
        except UserError as exc:
            reply = error_reply(name, str(exc), query=_first_text(args))
            if isinstance(exc, RateLimited):
                reply.retry_after = exc.retry_after
            return reply

    def _run(self, name: str, args: dict[str, str], page: int, caller: Caller) -> Reply:
        command = BY_NAME.get(name)
        if command is None:
            raise UserError(_("There is no command {name!r}.", name=name),
                            _("Commands: {names}.", names=", ".join(c.name for c in COMMANDS)))
        values = self.validate(command, args)
        snap = self.snapshot
        episode = self._episode_for(command, values.get("episode"), caller, snap)
        before, saved = None, False
        if values.get("before"):  # spoiler-safe: checked once here, used by the handler as seconds
            length = catalogue_of(snap.index, snap.library).length(episode)
            before = spoilers.parse_before(values["before"], episode, length)
        elif any(o.name == "before" for o in command.options):  # the place the member saved with /progress
            before = listening.progress_of(self, caller, episode)
            saved = before is not None
        if before is not None:
            values["before"] = str(before)
        if command.personal:
            reply = command.handler(self, snap, episode, values, caller)
        else:
            reply = command.handler(self, snap, episode, values, max(1, page))
        if before is not None and not reply.error:
            spoilers.mark(reply, before, from_progress=saved)
        return reply

    def _episode_for(self, command: Command, wanted: str | None, caller: Caller, snap: Snapshot) -> Episode:
        """Return the episode a command asks about: its own option, else the channel's, else the default."""
        if not (wanted or "").strip() and any(o.name == "episode" for o in command.options):
            channel_default = listening.channel_episode(self, caller)
            if channel_default:
                try:
                    return self._find_episode(channel_default, snap)
                except UserError:  # the channel's episode left the seeds: the bot's default answers
                    log.info("channel %s's episode %r is gone; using the default", caller.channel, channel_default)
        return self.resolve_episode(wanted, snap)

    def validate(self, command: Command, args: dict[str, str]) -> dict[str, str]:
        """Check a command's options; a missing one is explained with an example from the episode asked about."""
        try:
            return validate(command, args)
        except UserError as exc:
            if not command.usage_hint or exc.hint != _(command.usage_hint):
                raise
            try:
                snap = self.snapshot
                episode = self.resolve_episode(args.get("episode"), snap)
            except UserError:
                raise exc from None
            example = _examples.examples(snap.index, episode).get(command.name, "")
            example = example.removeprefix(command.name).strip()
            if not example:
                raise
            raise UserError(exc.message, _("{hint}, e.g. {example}", hint=_(command.usage_hint).rstrip("."),
                                             example=example)) from None

    def probe(self) -> dict[str, object]:
        """Ask the latest episode about its own title through the members' path; raise if that fails.

        For liveness checks: no rate limit, question log or metrics, so a health
        check every few seconds changes nothing a member or an admin sees.
        """
        latest = self.snapshot.library.episodes[-1]
        reply = self._answer("ask", {"question": latest.title[:200], "episode": latest.id})
        if reply.error:
            raise RuntimeError(f"the probe command failed: {reply.message}")
        from .metrics import outcome  # the probe runs in a serving process, which counts anyway

        return {"episodes": len(self.snapshot.library.episodes), "outcome": outcome(reply)}

    def run_action(self, token: str, *, user: str | None = None, channel: str | None = None,
                   platform: str = "cli", workspace: str | None = None, is_admin: bool = False,
                   language: str | None = None) -> Reply:
        """Run what a button asks for (next page, another chapter, share, an admin's pick to teach)."""
        with i18n.speaking(language or i18n.chosen() or self.language):
            return self._run_action(token, user=user, channel=channel, platform=platform, workspace=workspace,
                                    is_admin=is_admin)

    def _run_action(self, token: str, *, user: str | None, channel: str | None, platform: str,
                    workspace: str | None, is_admin: bool) -> Reply:
        action = Action.decode(token)
        if action is not None and action.kind == "teach":
            if not is_admin:
                return error_reply("teach", _("Only the bot's admins can teach it answers."))
            return self.run_admin("teach", {"question": action.query, "answer": str(action.page),
                                            "episode": action.episode},
                                  Caller(platform, user, channel, workspace))
        if action is None or action.command not in BY_NAME:
            return error_reply("button", _("This button has expired: run the command again."))
        args = {"episode": action.episode} if action.episode else {}
        command = BY_NAME[action.command]
        first = command.query_option
        if first and action.query:
            args[first] = action.query
        if action.extra:
            args["speaker"] = action.extra
        if action.before and any(o.name == "before" for o in command.options):
            args["before"] = action.before
        return self.run(action.command, args, page=action.page, user=user, channel=channel,
                        platform=platform, workspace=workspace, via="button")

    # -- admins, votes, taught answers ------------------------------------------

    def run_admin(self, name: str, args: dict[str, str] | None, caller: Caller, *,
                  language: str | None = None) -> Reply:
        """Run an /episodebot subcommand; the front end has checked the caller is an admin."""
        with i18n.speaking(language or i18n.chosen() or self.language):
            return self._run_admin(name, args, caller)

    def _run_admin(self, name: str, args: dict[str, str] | None, caller: Caller) -> Reply:
        command = ADMIN_BY_NAME.get(name)
        try:
            if command is None:
                raise UserError(_("/episodebot has no subcommand {name!r}.", name=name),
                                _("Subcommands: {names}.", names=", ".join(ADMIN_BY_NAME)))
            return command.handler(self, caller, validate(command, dict(args or {})))
        except UserError as exc:
            return error_reply(name, str(exc), query=_first_text(args))

    def language_for(self, caller: Caller) -> str:
        """The language a channel is answered in when its platform sends no locale (Slack, the CLI)."""
        from .channel_language import channel_language

        return channel_language(self, caller) or self.language

    def vote(self, record_id: str, platform: str, user: str, up: bool, *, language: str | None = None) -> str:
        """Record a 👍/👎 on an answer; return what to tell the voter, privately."""
        return self.cast_vote(record_id, platform, user, up, language=language)[1]

    def cast_vote(self, record_id: str, platform: str, user: str, up: bool, *,
                  language: str | None = None) -> tuple[bool, str]:
        """Record a 👍/👎; return (kept, what to tell the voter). A kept 👎 may then get a reason."""
        with i18n.speaking(language or i18n.chosen() or self.language):
            if self.records is None:
                return False, _("Votes are not kept on this bot.")
            result = self.records.vote(record_id, self.records.user_key(platform, user), 1 if up else -1)
            return result.outcome in ("noted", "changed"), _(result.message)

    def vote_reason(self, record_id: str, platform: str, user: str, reason: str, *,
                    language: str | None = None) -> str:
        """Attach the reason given with a 👎; return what to tell the voter."""
        with i18n.speaking(language or i18n.chosen() or self.language):
            if self.records is None:
                return _("Votes are not kept on this bot.")
            return _(self.records.set_reason(record_id, self.records.user_key(platform, user),
                                             clean_line(reason)).message)

    def _taught_first(self, reply: Reply) -> Reply:
        if self.records is None or not reply.episode:
            return reply
        try:
            episode = self.resolve_episode(reply.episode)
        except UserError:
            return reply
        taught = self.taught_answer(reply.query, episode)
        if taught is None:
            return reply
        fresh = taught_first(reply, taught, episode)
        fresh.message = _("The first answer was chosen by the admins.")
        return fresh

    def taught_answer(self, question: str, episode: Episode) -> Result | None:
        """The answer admins chose for a question that means the same as this one, if any."""
        if self.records is None:
            return None
        try:
            taught = self.records.taught.match(question, episode.id)
            return Result.model_validate(taught.answer) if taught else None
        except Exception:  # a taught answer is extra: never cost the answer
            log.exception("taught answers could not be read")
            return None

    def resolve_episode(self, wanted: str | None, snap: Snapshot | None = None) -> Episode:
        """Find an episode by number, id, title fragment or 'latest'; else the default."""
        snap = snap or self.snapshot
        if (wanted or "").strip() or not self.default_episode:
            return self._find_episode(wanted or "", snap)
        try:
            return self._find_episode(self.default_episode, snap)
        except UserError:  # a reload removed it: the latest answers (logged once, in reload)
            self._default_found(snap)
            return snap.library.episodes[-1]

    def _find_episode(self, wanted: str, snap: Snapshot) -> Episode:
        episodes = snap.library.episodes
        wanted = wanted.strip()
        if not wanted or wanted.lower() == "latest":
            return episodes[-1]
        key = wanted.lstrip("#").strip()
        found = snap.by_key(key)
        if found is not None:
            return found
        # A word or phrase of a long title ("china") scores too low with WRatio alone.
        inside = [e for e in episodes if wanted.lower() in e.title.lower()]
        if inside:
            return inside[-1]  # the latest episode whose title holds it
        titles = {e.id: e.title for e in episodes}
        found = process.extractOne(wanted, titles, scorer=fuzz.WRatio, processor=str.lower, score_cutoff=70)
        if not found and len(wanted) >= 4:  # a misspelt fragment: "transistr", "scalng laws"
            found = process.extractOne(wanted, titles, scorer=fuzz.partial_ratio, processor=str.lower,
                                       score_cutoff=85)
        if found:
            return next(e for e in episodes if e.id == found[2])
        raise UserError(_("I don't know an episode {wanted!r}.", wanted=wanted),
                        _("Try a number, part of a title, or 'latest'."))

    # -- autocomplete -------------------------------------------------------

    def complete(self, kind: str, typed: str, episode: str | None = None) -> list[Choice]:
        """Suggest at most 25 values for an option as the user types."""
        typed = clean_line(typed)[:100]
        snap = self.snapshot
        if kind == "episode":
            options = {e.id: f"#{e.number} {e.title}" if e.number is not None else e.title
                       for e in reversed(snap.library.episodes)}
        else:
            try:
                ep = self.resolve_episode(episode, snap)
            except UserError:
                ep = snap.library.episodes[-1]
            if kind == "chapter":
                options = {c.title: f"{format_time(c.start)} {c.title}" for c in ep.chapters}
            elif kind == "speaker":
                options = {s: s for s in snap.speakers(ep)}
            elif kind == "before":  # spoiler-safe limits: the chapters' starts
                options = {spoilers.short(c.start): f"{spoilers.short(c.start)} {c.title}"
                           for c in ep.chapters if c.start > 0}
            else:
                return []
        if typed:
            ranked = process.extract(typed, options, scorer=fuzz.WRatio, processor=str.lower,
                                     limit=MAX_CHOICES, score_cutoff=40)
            keys = [k for _, _, k in ranked]
        else:
            keys = list(options)[:MAX_CHOICES]
        return [Choice(name=options[k][:100], value=str(k)[:100]) for k in keys]


def validate(command: Command, args: dict[str, str]) -> dict[str, str]:
    """Clean every option of a command and check it against its limits."""
    unknown = set(args) - {o.name for o in command.options}
    if unknown:
        raise UserError(_("/{command} has no option {option!r}.", command=command.name, option=sorted(unknown)[0]),
                        _("Usage: {usage}", usage=command.usage))
    values = {}
    for option in command.options:
        raw = args.get(option.name)
        value = clean_line(str(raw)) if raw is not None else ""
        if len(value) > option.max_length:
            raise UserError(ngettext("The {option} is {n} character long; the limit is {limit}.",
                                     "The {option} is {n} characters long; the limit is {limit}.", len(value),
                                     option=option.name, limit=option.max_length),
                            _("Please shorten it and try again."))
        if option.required and not value:
            raise UserError(_("Please give a {option}.", option=option.name),
                            _(command.usage_hint) if command.usage_hint else
                            _("Usage: {usage} (e.g. {example})", usage=command.usage, example=command.example))
        values[option.name] = value
    return values


def _first_text(args: dict[str, str] | None) -> str:
    return clean_line(next((str(v) for k, v in (args or {}).items() if k != "episode" and v), ""))[:300]
