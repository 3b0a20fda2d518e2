"""Handlers of the admin subcommands (/episodebot ...), declared in `commands.ADMIN_COMMANDS`.

Each takes (bot, caller, values) and returns a Reply; the front end has
already checked that the caller is an admin. Structured figures go in
`reply.details`, so `--json` and tests read them without parsing text.
"""

from __future__ import annotations

import logging
import re
from typing import TYPE_CHECKING

from .errors import UserError
from .i18n import N_, _, ngettext
from .replies import Action, Button, Field_, Reply, Result
from .text import format_time, parse_time, shorten

if TYPE_CHECKING:
    from .commands import Caller
    from .core import EpisodeBot
    from .models import Episode
    from .records import Records

log = logging.getLogger(__name__)

DEFAULT_DAYS = 7
MAX_DAYS = 3650
PICK = 5  # results offered to pick from when teaching
CHOSEN = N_("chosen by the admins")  # stored in English; shown with _()
_ARROW = re.compile(r"\s*(?:→|->|=>)\s*")
MAX_LINES = 20
NEAR = 60  # seconds: a passage this close to a taught time is what was meant; else its chapter


def _records(bot: EpisodeBot) -> Records:
    if bot.records is None:
        raise UserError(_("The question log is off on this bot, so there is nothing to show."),
                        _("The host can turn it on with EPISODE_BOT_RECORD_QUESTIONS=true."))
    bot.records.log.flush(1.0)  # what was asked a moment ago is written before an admin reads the log
    return bot.records


def _days(values: dict[str, str]) -> int:
    raw = values.get("days", "").strip()
    if not raw:
        return DEFAULT_DAYS
    if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= MAX_DAYS:
        raise UserError(_("{value!r} is not a number of days.", value=raw),
                        _("Give a whole number from 1 to {max}, e.g. 7.", max=MAX_DAYS))
    return int(raw)


def _admin_reply(name: str, title: str, query: str = "") -> Reply:
    return Reply(command=name, query=query, title=title)


def _lines(items: list[str], more: int) -> str:
    return "\n".join(items + ([_("… and {n} more", n=more)] if more > 0 else []))


# -- what people ask ----------------------------------------------------------------

def stats(bot: EpisodeBot, caller: Caller, values: dict[str, str]) -> Reply:
    from .records import queries

    records, days = _records(bot), _days(values)
    counts = queries.daily(records.db, days)
    up, down = queries.votes(records.db, days)
    p50, p95 = queries.latency(records.db, days)
    reply = _admin_reply("stats", ngettext("Episode Bot: the last {n} day", "Episode Bot: the last {n} days", days))
    asked, declined = counts["questions"], counts["declined"]
    rate = f"{declined / asked:.0%}" if asked else "-"
    reply.body = ngettext("{n} question, {declined} declined ({rate}); 👍 {up} · 👎 {down}.",
                          "{n} questions, {declined} declined ({rate}); 👍 {up} · 👎 {down}.", asked,
                          declined=declined, rate=rate, up=up, down=down)
    per_day = [_("{day}: {questions} ({declined} declined)", day=day, questions=c["questions"],
                 declined=c["declined"]) for day, c in counts["per_day"].items()]
    reply.fields = [
        Field_(name=_("Questions"), value=str(asked), inline=True),
        Field_(name=_("Decline rate"), value=rate, inline=True),
        Field_(name=_("Votes"), value=f"👍 {up} · 👎 {down}", inline=True),
        Field_(name=_("Latency"), value=f"p50 {p50} ms · p95 {p95} ms" if p50 is not None else "-", inline=True),
        Field_(name=_("Top commands"), value=", ".join(f"{c} {n}" for c, n in list(counts["by_command"].items())[:8])
               or "-"),
        Field_(name=_("Per day"), value=_lines(per_day[-14:], 0) or "-"),
    ]
    reply.details = {"days": days, "questions": asked, "declined": declined, "up": up, "down": down,
                     "p50_ms": p50, "p95_ms": p95, "by_command": counts["by_command"],
                     "per_day": counts["per_day"]}
    return reply


def unanswered(bot: EpisodeBot, caller: Caller, values: dict[str, str]) -> Reply:
    from .records import queries

    records, days = _records(bot), _days(values)
    groups = queries.unanswered(records.db, days)
    reply = _admin_reply("unanswered", ngettext("Unanswered questions, last {n} day",
                                                "Unanswered questions, last {n} days", days))
    if not groups:
        reply.body = _("No question was declined in that time.")
    else:
        reply.body = _("Questions the bot declined, grouped by similar wording (teach one with /episodebot teach):")
        reply.fields = [Field_(name=f"{g['count']}× {shorten(g['query'], 200)}",
                               value=_("last asked {when}", when=g["last_asked"])
                               + (" · " + _("episode {episode}", episode=g["episode"]) if g["episode"] else ""))
                        for g in groups[:MAX_LINES]]
    reply.details = {"days": days, "unanswered": groups}
    return reply


def feedback(bot: EpisodeBot, caller: Caller, values: dict[str, str]) -> Reply:
    from .records import queries

    records, days = _records(bot), _days(values)
    fb = queries.feedback(records.db, days)
    reply = _admin_reply("feedback", ngettext("Feedback, last {n} day", "Feedback, last {n} days", days))
    reply.body = f"👍 {fb['up']} · 👎 {fb['down']}" + ("" if fb["answers"] else "\n" + _("No answer was marked 👎."))
    for a in fb["answers"][:MAX_LINES]:
        where = (_("{source} at {time}", source=a["source"], time=a["time"]) if a["source"] and a["time"]
                 else a["source"] or a["time"] or _("no source"))
        reasons = "; ".join(shorten(r, 150) for r in a["reasons"][:3])
        reply.fields.append(Field_(name=f"👎 {a['down']} · /{a['command']} {shorten(a['query'], 180)}",
                                   value=_("answered from {where}", where=where)
                                   + ("\n" + _("reasons: {reasons}", reasons=reasons) if reasons else "")))
    reply.details = {"days": days, **fb}
    return reply


# -- teaching ----------------------------------------------------------------------

def teach(bot: EpisodeBot, caller: Caller, values: dict[str, str]) -> Reply:
    """Link a question to an answer: a time, a chapter, or one of the bot's own results."""
    question, answer = values.get("question", ""), values.get("answer", "")
    if not answer:
        parts = _ARROW.split(question, maxsplit=1)
        if len(parts) == 2:
            question, answer = parts
    question, answer = question.strip(), answer.strip()
    if not question:
        raise UserError(_("Please give the question to teach."),
                        _("Write the question, an arrow and the answer, e.g. What is RLVR? → 1:02:38"))
    records = _records(bot)
    snap = bot.snapshot
    episode = bot.resolve_episode(values.get("episode") or None, snap)
    if not answer:
        return _offer(bot, question, episode)
    result, label = _answer_for(bot, question, episode, answer)
    result.remark = CHOSEN
    taught = records.taught.add(records.new_id(), question, episode.id, result.model_dump(), label,
                                records.user_key(caller.platform, caller.user) if caller.user else None)
    reply = _admin_reply("teach", _("Taught"), question)
    reply.body = (_("“{question}” → {answer} in {episode}.", question=shorten(question, 200), answer=label,
                    episode=episode.label) + "\n"
                  + _("Questions that mean the same now get this answer first, marked “chosen by the admins”."))
    reply.fields = [Field_(name=f"{result.timestamp or ''} {result.chapter or ''}".strip() or _("Answer"),
                           value=shorten(result.text, 900))]
    reply.details = {"taught": {"id": taught.id, "question": question, "episode": episode.id, "answer": label}}
    return reply


def _hits(bot: EpisodeBot, question: str, episode: Episode) -> list[Result]:
    from .commands import _result

    hits, _q = bot.snapshot.index.ask(question, episode)
    return [_result(h) for h in hits[:PICK]]


def _offer(bot: EpisodeBot, question: str, episode: Episode) -> Reply:
    """Show the bot's own results for the question, each with a button that teaches it."""
    results = _hits(bot, question, episode)
    reply = _admin_reply("teach", _("Pick the answer to teach"), question)
    if not results:
        reply.body = _("I found nothing for that question. Give the answer as a time or a chapter, e.g. "
                       "{question} → 1:02:38, or {question} → chapter TITLE.", question=question)
        return reply
    reply.body = _("Which answer should “{question}” get first?", question=shorten(question, 200))
    for i, r in enumerate(results, 1):
        reply.fields.append(Field_(name=f"{i}. {r.timestamp or ''} {r.chapter or ''}".strip(),
                                   value=shorten(r.text, 400)))
        reply.buttons.append(Button(label=_("Teach {number}", number=i), action=Action(
            kind="teach", command="teach", query=question, episode=episode.id, page=i)))
    reply.results = results
    return reply


def _answer_for(bot: EpisodeBot, question: str, episode: Episode, answer: str) -> tuple[Result, str]:
    from .commands import _chapter_result

    if answer.isascii() and answer.isdigit() and len(answer) <= 2:
        results = _hits(bot, question, episode)
        n = int(answer)
        if not 1 <= n <= len(results):
            raise UserError(ngettext("There is no result {number} for that question (I have {n}).",
                                     "There is no result {number} for that question (I have {n}).",
                                     len(results), number=n),
                            _("Leave the answer out to see them."))
        return results[n - 1], f"result {n} ({results[n - 1].timestamp or results[n - 1].source})"
    lowered = answer.lower()
    if lowered.startswith("chapter "):
        title = answer[len("chapter "):].strip()
        ranked = bot.snapshot.index.chapters(title, episode) if title else []
        if not ranked:
            raise UserError(_("No chapter of {episode} is called {title!r}.", episode=episode.label, title=title),
                            _("Try /chapter to list them."))
        chosen = ranked[0][0]
        return _chapter_result(episode, chosen), f"chapter {chosen.title}"
    seconds = parse_time(answer)
    if seconds is None:
        raise UserError(_("I can't read {answer!r} as an answer.", answer=answer),
                        _("Give a time (1:02:38), 'chapter TITLE', or a result number (leave it out to pick)."))
    return _moment(bot.library.full(episode), seconds), format_time(seconds) or answer


def _moment(episode: Episode, seconds: int) -> Result:
    """The passage said at (or just before) a time; the chapter there when nothing has its own time."""
    from .commands import _chapter_result, _result
    from .search import Hit

    timed = [p for p in episode.passages if p.time is not None and p.time_basis == "own"
             and abs(p.time - seconds) <= NEAR]
    if timed:  # the nearest; on a tie the later one, since an admin names where a point starts
        best = min(timed, key=lambda p: (abs((p.time or 0) - seconds), -(p.time or 0)))
        return _result(Hit(item=best, episode=episode, score=1.0, coverage=1.0))
    chapter = next((c for c in reversed(episode.chapters) if c.start <= seconds), None)
    if chapter is None:
        raise UserError(_("Nothing in {episode} is at {time}.", episode=episode.label, time=format_time(seconds)),
                        _("Give a time within the episode."))
    return _chapter_result(episode, chapter)


def untaught(bot: EpisodeBot, caller: Caller, values: dict[str, str]) -> Reply:
    """List taught answers; with a number, remove that one."""
    records = _records(bot)
    items = records.taught.all()
    raw = values.get("number", "").strip()
    reply = _admin_reply("untaught", _("Taught answers"))
    if raw:
        if not (raw.isascii() and raw.isdigit()) or not 1 <= int(raw) <= len(items):
            raise UserError(_("There is no taught answer {value!r}.", value=raw),
                            _("Run /episodebot untaught to list them."))
        gone = items[int(raw) - 1]
        records.taught.remove(gone.id)
        reply.title = _("Untaught")
        reply.body = _("“{question}” no longer has a chosen answer.", question=shorten(gone.question, 200))
        reply.details = {"removed": gone.id}
        return reply
    if not items:
        reply.body = _("Nothing has been taught yet (see /episodebot teach).")
    else:
        reply.body = _("Remove one with /episodebot untaught NUMBER.")
        reply.fields = [Field_(name=f"{i}. {shorten(t.question, 200)}",
                               value=f"→ {t.label} · " + _("episode {episode}", episode=t.episode))
                        for i, t in enumerate(items[:25], 1)]
    from .records.queries import taught_json

    reply.details = {"taught": taught_json(items)}
    return reply


# -- running the bot -------------------------------------------------------------------

def reload(bot: EpisodeBot, caller: Caller, values: dict[str, str]) -> Reply:
    ok = bot.reload()
    reply = _admin_reply("reload", _("Reload"))
    count = len(bot.library.episodes)
    reply.body = (ngettext("Read the episodes again: {n} episode.", "Read the episodes again: {n} episodes.", count)
                  if ok else _("The reload failed; the bot still serves the episodes it had. The host's log says why."))
    reply.details = {"reloaded": ok, "episodes": count}
    return reply


def episodes(bot: EpisodeBot, caller: Caller, values: dict[str, str]) -> Reply:
    library = bot.library
    eps = library.episodes
    reply = _admin_reply("episodes", ngettext("{n} episode", "{n} episodes", len(eps)))
    lines = [f"{e.label}: " + ", ".join((ngettext("{n} passage", "{n} passages", library.facts(e).passages),
                                         ngettext("{n} chapter", "{n} chapters", len(e.chapters)),
                                         ngettext("{n} quote", "{n} quotes", library.facts(e).quotes),
                                         ngettext("{n} file", "{n} files", len(e.sources))))
             for e in reversed(eps)]
    reply.body = _lines(lines[:40], len(lines) - 40)
    reply.details = {"episodes": [{"id": e.id, "label": e.label, "passages": library.facts(e).passages,
                                   "chapters": len(e.chapters), "quotes": library.facts(e).quotes,
                                   "files": len(e.sources)}
                                  for e in eps]}
    return reply
