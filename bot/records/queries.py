"""What admins read from the question log: stats, unanswered questions, feedback, the report.

Every figure comes from a few grouped queries, so a report over a million
questions reads aggregates, not rows.
"""

from __future__ import annotations

import math
import time
from collections import Counter
from typing import TYPE_CHECKING, Any

from rapidfuzz import fuzz, process

from .questions import day_of

if TYPE_CHECKING:
    from .db import Database
    from .teach import Taught

SIMILAR = 80  # token_set_ratio at which two declined questions count as one wording
MAX_GROUPS = 2000  # distinct wordings clustered (the most asked first)


def since(days: int, now: float | None = None) -> float:
    return (now or time.time()) - days * 86400


def daily(db: Database, days: int, now: float | None = None) -> dict[str, Any]:
    """Questions and declines per day and per command (members' commands, not button pages)."""
    # By whole days (the window's first day counted in full): the covering index answers it alone.
    rows = db.query("SELECT day, command, declined, COUNT(*) FROM questions WHERE day >= ? AND via = ? "
                    "GROUP BY day, command, declined", (day_of(since(days, now)), "command"))
    per_day: dict[str, dict[str, int]] = {}
    by_command: Counter[str] = Counter()
    questions = declined = 0
    for day, command, was_declined, count in rows:
        entry = per_day.setdefault(day, {"questions": 0, "declined": 0})
        entry["questions"] += count
        by_command[command] += count
        questions += count
        if was_declined:
            entry["declined"] += count
            declined += count
    # Every day of the window, so a chart shows quiet days as zero.
    start = since(days, now)
    for i in range(days + 1):
        per_day.setdefault(day_of(start + i * 86400), {"questions": 0, "declined": 0})
    return {"questions": questions, "declined": declined, "by_command": dict(by_command.most_common()),
            "per_day": dict(sorted(per_day.items()))}


def votes(db: Database, days: int, now: float | None = None) -> tuple[int, int]:
    """Return the (👍, 👎) given in the window."""
    rows = db.query("SELECT vote, COUNT(*) FROM votes WHERE voted_at >= ? GROUP BY vote", (since(days, now),))
    counts = {vote: n for vote, n in rows}
    return counts.get(1, 0), counts.get(-1, 0)


def latency(db: Database, days: int, now: float | None = None) -> tuple[float | None, float | None]:
    """Return the p50 and p95 answer latency in ms over the window."""
    values = sorted(v for (v,) in db.query("SELECT latency_ms FROM questions WHERE asked_at >= ? AND via = ?",
                                           (since(days, now), "command")))
    if not values:
        return None, None

    def pick(p: float) -> float:
        return round(values[min(len(values) - 1, max(0, math.ceil(p * len(values)) - 1))], 1)

    return pick(0.50), pick(0.95)


def unanswered(db: Database, days: int, now: float | None = None, limit: int = 20) -> list[dict[str, Any]]:
    """The declined questions, grouped by similar wording, most asked first."""
    rows = db.query("SELECT norm, MIN(query), COUNT(*), MAX(asked_at), MAX(episode) FROM questions "
                    "WHERE declined = 1 AND via = ? AND asked_at >= ? GROUP BY norm ORDER BY COUNT(*) DESC",
                    ("command", since(days, now)))
    groups: list[dict[str, Any]] = []
    keys: list[str] = []
    for norm, query, count, last, episode in rows[:MAX_GROUPS]:
        found = process.extractOne(norm, keys, scorer=fuzz.token_set_ratio, score_cutoff=SIMILAR) if keys else None
        if found:
            group = groups[found[2]]
            group["count"] += count
            if last > group["_last"]:
                group["_last"], group["episode"] = last, episode
            continue
        keys.append(norm)
        groups.append({"query": query, "count": count, "_last": last, "episode": episode})
    groups.sort(key=lambda g: (-g["count"], -g["_last"]))
    return [{"query": g["query"], "count": g["count"], "last_asked": _iso(g.pop("_last")),
             "episode": g["episode"]} for g in groups[:limit]]


def feedback(db: Database, days: int, now: float | None = None, limit: int = 20) -> dict[str, Any]:
    """👍 and 👎 counts, and the answers most marked 👎 in the window, with their question, source and reasons."""
    up, down = votes(db, days, now)
    # The most-👎 answers from the votes index alone; then only those few questions are read.
    top = db.query("SELECT question_id, COUNT(*) FROM votes WHERE vote = -1 AND voted_at >= ? GROUP BY question_id "
                   "ORDER BY COUNT(*) DESC, MAX(voted_at) DESC LIMIT ?", (since(days, now), limit))
    answers = []
    for qid, count in top:
        found = db.query("SELECT query, top_source, top_time, command, episode FROM questions WHERE id = ?", (qid,))
        if not found:  # purged since: nothing left to show
            continue
        query, source, at, command, episode = found[0]
        reasons = [r for (r,) in db.query("SELECT reason FROM votes WHERE question_id = ? AND vote = -1 AND "
                                          "reason IS NOT NULL ORDER BY voted_at DESC", (qid,))]
        answers.append({"query": query, "source": source, "time": at, "command": command, "episode": episode,
                        "down": count, "reasons": reasons})
    return {"up": up, "down": down, "answers": answers}


def taught_json(items: list[Taught]) -> list[dict[str, Any]]:
    return [{"id": t.id, "question": t.question, "episode": t.episode, "answer": t.label,
             "source": t.answer.get("source"), "timestamp": t.answer.get("timestamp"),
             "taught_at": _iso(t.taught_at)} for t in items]


def report(db: Database, days: int, taught: list[Taught], now: float | None = None) -> dict[str, Any]:
    """The `episode-bot report --json` document (per_day is kept apart for the charts)."""
    counts = daily(db, days, now)
    fb = feedback(db, days, now)
    return {
        "days": days,
        "questions": counts["questions"],
        "declined": counts["declined"],
        "by_command": counts["by_command"],
        "unanswered": unanswered(db, days, now),
        "feedback": {"up": fb["up"], "down": fb["down"],
                     "answers": [{"query": a["query"], "source": a["source"], "down": a["down"],
                                  "reasons": a["reasons"]} for a in fb["answers"]]},
        "taught": taught_json(taught),
    }


def _iso(ts: float) -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(ts))
