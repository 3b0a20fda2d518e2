"""Answer quality: top-1 and hit@3 per command for the bot and for the baselines.

The pass check is the one `shared/eval/run_eval.py` applies to `episode-bot ...
--json` (the top result's text, title, speaker, timestamp, section and
chapter, joined; every `all_of` group needs one of its strings; a `none`
question passes only on an empty result list). It is repeated here so the
benchmark can run the bot in process; tests/bench/test_quality_check.py
checks that both give the same verdicts whenever shared/ is beside the
checkout.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Callable, Protocol

if TYPE_CHECKING:
    from bot.core import EpisodeBot

log = logging.getLogger(__name__)

FIELDS = ("text", "title", "speaker", "timestamp", "section", "chapter")
K = 3


class Engine(Protocol):
    """Something that answers a question case with a list of result dicts, best first."""

    name: str

    def answer(self, case: dict[str, Any]) -> list[dict[str, Any]]: ...


def load_cases(path: Path | str) -> list[dict[str, Any]]:
    """Read a question file (one JSON object a line; blank lines skipped)."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def fields(result: dict[str, Any]) -> str:
    """Join the fields of a result that a check may match, as run_eval.py does."""
    out = []
    for key in FIELDS:
        value = result.get(key)
        if isinstance(value, dict):
            value = " ".join(str(x) for x in value.values() if x)
        if value:
            out.append(str(value))
    return " | ".join(out)


def passes(case: dict[str, Any], results: list[dict[str, Any]]) -> bool:
    """Return True when the top result answers the case (or a `none` case got nothing)."""
    if case["none"]:
        return not results
    if not results:
        return False
    text = fields(results[0]).lower()
    return all(any(s.lower() in text for s in group) for group in case["all_of"])


def passes_k(case: dict[str, Any], results: list[dict[str, Any]], k: int = K) -> bool:
    """Return True when one of the first k results answers the case."""
    if case["none"]:
        return not results
    return any(passes(case, [r]) for r in results[:k])


def query_option(command: str) -> str | None:
    """Return the option of a command that takes the query: its first non-episode option."""
    from bot.commands import BY_NAME

    return BY_NAME[command].query_option


class BotEngine:
    """The bot through EpisodeBot.run, the same path as `episode-bot ... --json`."""

    name = "Episode Bot"

    def __init__(self, bot: EpisodeBot) -> None:
        self.bot = bot

    def args(self, case: dict[str, Any]) -> dict[str, str]:
        args: dict[str, str] = {}
        option = query_option(case["command"])
        if option and case.get("query"):
            args[option] = case["query"]
        if case.get("episode"):
            args["episode"] = str(case["episode"])
        return args

    def answer(self, case: dict[str, Any]) -> list[dict[str, Any]]:
        reply = self.bot.run(case["command"], self.args(case))
        return reply.to_json()["results"]


@dataclass
class Score:
    """Counts for one engine on one group of cases."""

    cases: int = 0
    top1: int = 0
    hit_k: int = 0
    declined: int = 0  # empty answers, wanted or not
    failures: list[str] = field(default_factory=list)

    def add(self, case: dict[str, Any], results: list[dict[str, Any]]) -> None:
        self.cases += 1
        good = passes(case, results)
        self.top1 += good
        self.hit_k += passes_k(case, results)
        self.declined += not results
        if not good:
            got = fields(results[0])[:120] if results else "<no result>"
            self.failures.append(f"{case.get('id', '?')} {case['command']} {case.get('query', '')!r}: {got}")

    def pct(self, n: int) -> str:
        return f"{100 * n / self.cases:.0f}%" if self.cases else "-"


def group_of(case: dict[str, Any]) -> str:
    """Return a case's row: its kind where the file names kinds (natural.jsonl), else its command."""
    kind = case.get("kind")
    if kind:
        return "out of scope" if kind.startswith("oos") else kind
    return case["command"] + (" (decline)" if case["none"] else "")


class MeaningOnly:
    """The semantic layer alone: the items (and chapters) closest in meaning, no words, never declining.

    It uses the bot's own model and vectors, so it shows what meaning adds and why it can't decline alone.
    """

    name = "meaning alone (cosine)"

    def __init__(self, bot: EpisodeBot) -> None:
        self.bot = bot

    def answer(self, case: dict[str, Any]) -> list[dict[str, Any]]:
        from bot.commands import _result
        from bot.search import Hit

        index = self.bot.snapshot.index
        episode = self.bot.snapshot.library.episodes[0]
        q = index.parse(case.get("query") or "")
        if case["command"] == "chapter":
            return [{"text": c.title, "title": c.title, "timestamp": _hms(c.start)}
                    for c, _ in index.chapters_by_meaning(q, episode)[:K]]
        rows = index.similar(q, episode, limit=K)
        sims = index.meaning(q, rows)
        hits = [Hit(item=index.items[r][1], episode=index.items[r][0], score=sims.get(r, 0.0)) for r in rows]
        return [_result(h).model_dump() for h in hits]


def _hms(seconds: float | None) -> str | None:
    from bot.text import format_time

    return format_time(seconds)


def evaluate(engine: Engine, cases: list[dict[str, Any]]) -> dict[str, Score]:
    """Score an engine per command group and overall (key 'all')."""
    scores: dict[str, Score] = {"all": Score()}
    for case in cases:
        results = engine.answer(case)
        for key in (group_of(case), "all"):
            scores.setdefault(key, Score()).add(case, results)
    return scores


def quality_table(engines: list[Engine], cases: list[dict[str, Any]],
                  progress: Callable[[str], None] | None = None) -> dict[str, dict[str, Score]]:
    """Evaluate every engine on the same cases: {engine name: {group: Score}}."""
    out = {}
    for engine in engines:
        if progress:
            progress(f"quality: {engine.name}")
        out[engine.name] = evaluate(engine, cases)
    return out
