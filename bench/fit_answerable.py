"""Fit bot/answerable.py's model: does the passage meaning leads with answer the question?

usage: python -m bench.fit_answerable [--seeds DIR]

For every `ask` question of the fitting sets whose best-scored passage holds too
little of its words (the only questions the model decides), the passage meaning
leads with (SearchIndex.meaning_lead, the bot's own code) gives one row: its
evidence, and whether it is a right answer (1) or not (0: a wrong passage, or any
passage for a question the episode does not answer). A logistic regression
(Newton's method, a little L2, numpy) is fitted on FIT_SETS; the figures are then
shown on VALIDATE_SETS, which the fit never sees, and the coefficients are printed
in raw-feature form for bot/answerable.py. The bar (ANSWER_FROM) is set by hand
above the most answer-like out-of-scope question of the fitting sets. (The bot
also answers when the flat bar of before is cleared: see Evidence.answers.)

Last run (commit bf3e69b): 34 questions fitted, 17 right leads; the worst
out-of-scope question fitted on at 0.730, natural.jsonl's worst at 0.687.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import Any, Iterator

ROOT = Path(__file__).resolve().parents[1]
EVAL = ROOT / "tests" / "eval"
FIT_SETS = ("meaning.jsonl", "heldout.jsonl", "ours.jsonl", "dev.jsonl")  # ours, plus the shared dev set
VALIDATE_SETS = ("natural.jsonl", "nearby.jsonl")  # the shared set written blind, and our near-domain probes: never fitted on
L2 = 0.1


def meaning_decided(bot: Any, name: str) -> Iterator[tuple[dict, Any, list, Any]]:
    """Yield (case, parsed question, ranked hits, meaning's lead) for each `ask` case of a set meaning decides.

    Those whose best-scored passage holds too little of their words (the bot's own
    SearchIndex.rank and meaning_lead); the consumer runs in the case episode's language.
    """
    from bench.quality import load_cases
    from bot.text import searching

    index = bot.snapshot.index
    for case in load_cases(EVAL / name if not Path(name).is_file() else name):
        if case["command"] != "ask":
            continue
        episode = bot.resolve_episode(case.get("episode"))
        with searching(getattr(episode, "language", None)):
            q = index.parse(case["query"])
            found = index.candidates(q, episode)
            seen = {rowid for rowid, _ in found}
            found += [(rowid, 0.0) for rowid in index.similar(q, episode) if rowid not in seen]
            hits = index.rank(q, found)
            if not hits or hits[0].match is not None:
                continue  # answered by its words, or nothing found: not meaning's to decide
            yield case, q, hits, index.meaning_lead(q, hits)


def rows(bot: Any, name: str) -> list[tuple[dict, dict[str, float], int]]:
    """Return (case, features, label) for each `ask` case meaning would decide."""
    from bench.quality import passes
    from bot.commands import _result

    out = []
    for case, _q, _hits, lead in meaning_decided(bot, name):
        if lead is None or lead[0].coverage <= 0:
            continue  # a name the episodes never mention, or no word held: declined before the model
        hit, _near, evidence = lead
        right = not case["none"] and passes(case, [_result(hit).model_dump()])
        out.append((case, evidence(hit).features(), int(right)))
    return out


def fit(data: list[tuple[dict, dict[str, float], int]], keys: list[str]):
    """Return (intercept, {feature: coefficient}) on raw features, fitted on standardised ones."""
    import numpy as np

    x = np.array([[f[k] for k in keys] for _, f, _ in data])
    y = np.array([label for _, _, label in data], float)
    mu, sd = x.mean(0), x.std(0) + 1e-9
    z = np.c_[np.ones(len(x)), (x - mu) / sd]
    w = np.zeros(z.shape[1])
    ridge = L2 * np.diag(np.r_[0.0, np.ones(len(keys))])
    for _ in range(100):
        p = 1 / (1 + np.exp(-z @ w))
        step = np.linalg.solve(z.T @ (z * (p * (1 - p))[:, None]) + ridge, z.T @ (p - y) + ridge @ w)
        w -= step
        if np.abs(step).max() < 1e-10:
            break
    coef = w[1:] / sd
    return float(w[0] - (coef * mu).sum()), dict(zip(keys, map(float, coef)))


def probability(intercept: float, coef: dict[str, float], features: dict[str, float]) -> float:
    return 1 / (1 + math.exp(-(intercept + sum(coef[k] * features[k] for k in coef))))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.fit_answerable", description=__doc__.split("\n")[0])
    parser.add_argument("--seeds", type=Path, default=ROOT / "seeds")
    args = parser.parse_args(argv)
    from bot import answerable
    from bot.core import EpisodeBot

    bot = EpisodeBot(args.seeds)
    fitting = [r for name in FIT_SETS for r in rows(bot, name)]
    keys = list(answerable.Evidence(0, 0, 0, 0).features())
    intercept, coef = fit(fitting, keys)
    print(f"fitted on {', '.join(FIT_SETS)}: {len(fitting)} questions, {sum(r[2] for r in fitting)} right leads")
    print(f"INTERCEPT = {intercept:.4f}")
    print("COEFFICIENTS = " + json.dumps({k: round(v, 4) for k, v in coef.items()}))
    worst = max((probability(intercept, coef, f), c["query"]) for c, f, _ in fitting if c["none"])
    print(f"most answer-like out-of-scope question fitted on: {worst[0]:.3f} {worst[1]!r}")
    bar = answerable.ANSWER_FROM
    for label, names in (("fitted", FIT_SETS), ("validation", VALIDATE_SETS)):
        data = fitting if label == "fitted" else [r for name in names for r in rows(bot, name)]
        for case, features, right in sorted(data, key=lambda r: -probability(intercept, coef, r[1])):
            p = probability(intercept, coef, features)
            verdict = "answers" if p >= bar else "declines"
            what = "out of scope" if case["none"] else ("right" if right else "wrong passage")
            print(f"  {label:10} {case['id']:5} p={p:.3f} {verdict:8} {what:13} {case['query'][:60]!r}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
