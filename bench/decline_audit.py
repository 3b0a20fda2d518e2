"""Audit the questions meaning decides: where their right passage sits, and what answering more would cost.

usage: python -m bench.decline_audit [--seeds DIR] [SET.jsonl ...]

For every `ask` question of the sets (default: every tests/eval set) whose
best-scored passage holds too little of its words (the questions that
bot/answerable.py decides), it prints one line: whether the question is in
scope, whether the bot answers it, where its right passage sits among the
ranked candidates (by the blend's score, and in the order meaning picks its
lead: cosine + MEANING_COVER x soft coverage; '-' when no candidate is right),
and the lead's evidence. Then two summaries:

- how many in-scope questions, answered or declined, have their right passage
  first, in the first five, or nowhere among the candidates, in each order:
  a better answer decision cannot gain more than the first of these;
- a sweep of the answer decision (the model's bar ANSWER_FROM, and the floor
  SOFT_FLOOR) over the questions meaning decides: right leads answered and
  out-of-scope questions answered at each setting, beside the shipped one.

It reads the bot's own search (SearchIndex.rank, meaning_lead), so it measures
the code in the checkout. Use it before changing how meaning decides, and to
judge a new meaning model (EPISODE_BOT_MEANING_MODEL) on both sides at once.
"""

from __future__ import annotations

import argparse
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "eval"
BARS = (0.8, 0.7, 0.6, 0.5, 0.4, 0.3, 0.2)
FLOORS = (0.2, 0.1, 0.0)


@dataclass
class Row:
    """One question meaning decides, and what the bot's search found for it."""

    set: str
    case: dict[str, Any]
    answered: bool  # the bot's reply has results
    right_by_score: int | None  # the right passage's place in the blend's order (None: not a candidate)
    right_by_meaning: int | None  # its place in the order meaning picks its lead from
    lead_right: bool
    led: bool = False  # meaning leads it at all (not: a name the episodes never mention)
    cosine: float = 0.0
    soft: float = 0.0
    coverage: float = 0.0
    probability: float = 0.0
    flat: float = 0.0  # cosine + SOFT_SHARE x soft: the flat bar's measure

    @property
    def in_scope(self) -> bool:
        return not self.case["none"]


def rows(bot: Any, name: str) -> list[Row]:
    """Return a Row for each `ask` case of a set whose best-scored passage is no answer by its words."""
    from bench.fit_answerable import meaning_decided
    from bench.quality import passes
    from bot import answerable
    from bot.commands import _result
    from bot.search import MEANING_COVER

    index = bot.snapshot.index
    out = []
    for case, q, hits, lead in meaning_decided(bot, name):
        for hit in hits:  # every candidate's soft coverage, for the order meaning picks from
            hit.soft = index.soft_coverage(q, hit.item, hit.coverage) if q.vector is not None else hit.coverage
        answered = bool(bot.run("ask", {"question": case["query"]}).to_json().get("results"))
        right = [not case["none"] and passes(case, [_result(h).model_dump()]) for h in hits]
        by_meaning = sorted(range(len(hits)), key=lambda i: -(hits[i].meaning + MEANING_COVER * hits[i].soft))
        row = Row(set=Path(name).name, case=case, answered=answered,
                  right_by_score=right.index(True) if any(right) else None,
                  right_by_meaning=next((n for n, i in enumerate(by_meaning) if right[i]), None),
                  lead_right=False)
        if lead is not None:
            hit, _near, evidence = lead
            ev = evidence(hit)
            row.led, row.lead_right = True, right[hits.index(hit)]
            row.cosine, row.soft, row.coverage = ev.cosine, ev.soft, hit.coverage
            row.probability = ev.probability()
            row.flat = ev.cosine + answerable.SOFT_SHARE * ev.soft
        out.append(row)
    return out


def answers(row: Row, bar: float, floor: float) -> bool:
    """Return whether the lead would answer with this model bar and soft floor (the rest as shipped)."""
    from bot import answerable

    if not row.led or row.coverage <= 0 or row.soft < floor:
        return False
    return row.flat >= answerable.FLAT_BAR or row.probability >= bar


def placed(data: list[Row], attr: str) -> str:
    """Return how many in-scope rows have their right passage first, in the first five, or nowhere."""
    places = [getattr(r, attr) for r in data if r.in_scope]
    first = sum(p == 0 for p in places)
    five = sum(p is not None and p < 5 for p in places)
    return f"first {first}, first five {five}, not a candidate {sum(p is None for p in places)} (of {len(places)})"


def sweep(data: list[Row]) -> list[tuple[float, float, int, int, int]]:
    """Return (bar, floor, right leads answered, wrong leads answered, out-of-scope answered) per setting."""
    out = []
    for floor in FLOORS:
        for bar in BARS:
            said = [r for r in data if answers(r, bar, floor)]
            out.append((bar, floor, sum(r.in_scope and r.lead_right for r in said),
                        sum(r.in_scope and not r.lead_right for r in said), sum(not r.in_scope for r in said)))
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.decline_audit", description=__doc__.split("\n")[0])
    parser.add_argument("sets", nargs="*", help="question files (default: every tests/eval set)")
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    args = parser.parse_args(argv)
    from bot import answerable
    from bot.core import EpisodeBot

    bot = EpisodeBot(args.seeds)
    names = args.sets or sorted(p.name for p in EVAL.glob("*.jsonl"))
    data = [r for name in names for r in rows(bot, name)]
    print(f"{len(data)} questions meaning decides ({sum(r.in_scope for r in data)} in scope)")
    for r in sorted(data, key=lambda r: (r.set, -r.probability)):
        scope = "in scope" if r.in_scope else "out of scope"
        lead = "no lead" if not r.led else "right lead" if r.lead_right else "wrong lead" if r.in_scope else "-"
        place = "/".join("-" if p is None else str(p) for p in (r.right_by_score, r.right_by_meaning))
        print(f"  {r.set:14} {r.case['id']:5} {scope:12} {'answered' if r.answered else 'declined':8} "
              f"right at {place:7} {lead:10} cos={r.cosine:.3f} soft={r.soft:.3f} p={r.probability:.3f} "
              f"{r.case['query'][:56]!r}")
    print("in scope, right passage by the blend's score:", placed(data, "right_by_score"))
    print("in scope, right passage in meaning's order:  ", placed(data, "right_by_meaning"))
    reach = sum(r.in_scope and not r.answered and r.right_by_meaning == 0 for r in data)
    print(f"in scope, declined, right passage first in meaning's order (the most a better decision gains): {reach}")
    shipped = (answerable.ANSWER_FROM, answerable.SOFT_FLOOR)
    print("bar   floor  right leads answered  wrong leads answered  out of scope answered")
    for bar, floor, right, wrong, oos in sweep(data):
        mark = "  (shipped)" if (bar, floor) == shipped else ""
        print(f"{bar:<5} {floor:<6} {right:<21} {wrong:<21} {oos}{mark}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
