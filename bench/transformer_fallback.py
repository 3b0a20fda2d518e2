"""Would a transformer sentence model help where words fail? A dev-time measurement, never run by the bot.

usage: python -m bench.transformer_fallback MINILM_FOLDER [SET.jsonl ...] [--seeds seeds]

MINILM_FOLDER holds sentence-transformers/all-MiniLM-L6-v2 as published (see
bench/distill_meaning.py; the weights are checked against the published
checksum). The question is the one issue 11 leaves open: the bot declines most
paraphrases, and MiniLM places paraphrases' right passages first far more often
than the packaged static model. Its passes cost too much to run on every
question or to embed every passage at indexing, but it could run only when the
bot declines an `ask` question, over the episode's passages. That helps only if
something can tell, among those declined questions, the ones MiniLM answers
rightly from the out-of-scope ones, which must stay declined.

For every `ask` question the bot declines (sets with a `kind` each, by default
every such set in tests/eval), this prints:
- MiniLM's lead (its closest passage) right / wrong / out of scope;
- a flat cosine bar: what answering every lead at or above it gains and costs;
- a logistic model over the lead's evidence (cosine, the cosine's margin over
  the second passage, the share of the question's words the lead holds, how
  much of the question the episode knows, the evidence's mass, whether the
  question names something the episode never mentions), each batch of
  questions scored by a model fitted on the other batches: a fair estimate
  for questions not yet written.

The transformer runs here with bench/distill_meaning.py's numpy forward pass
(no torch): about 20 ms a question and 50 ms a passage on a quiet 2-core
machine.
"""

from __future__ import annotations

import argparse
import glob
import json
import math
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from bench.distill_meaning import forward, load_minilm
from bench.fit_answerable import fit, probability
from bench.quality import BotEngine, load_cases, passes

FEATURES = ["cosine", "margin", "soft", "known", "mass", "stranger"]
THRESHOLDS = (0.5, 0.6, 0.7, 0.8, 0.9)
BARS = (0.45, 0.5, 0.55, 0.6, 0.65)


class SentenceModel:
    """A BERT sentence model: mean of the last hidden states, unit length (sentence-transformers' pooling)."""

    def __init__(self, weights: dict[str, np.ndarray], tokenizer: Any, max_tokens: int = 256) -> None:
        self.w = {k.removeprefix("bert."): v.astype(np.float32) for k, v in weights.items()}
        self.tokenizer = tokenizer
        self.tokenizer.no_padding()
        self.tokenizer.enable_truncation(max_tokens)

    def embed(self, text: str) -> np.ndarray:
        hidden = forward(self.w, np.array([self.tokenizer.encode(text).ids])).mean(axis=1)[0]
        return hidden / max(float(np.linalg.norm(hidden)), 1e-9)


@dataclass
class Declined:
    """A declined `ask` question, MiniLM's lead for it, and the lead's evidence."""

    case: dict[str, Any]
    batch: str
    right: bool  # MiniLM's lead answers it
    features: dict[str, float]

    @property
    def out_of_scope(self) -> bool:
        return bool(self.case["none"])


def batch_of(path: str, case: dict[str, Any]) -> str:
    """Return the batch a case was written in: its file, and in blind.jsonl its id's letters (one writer's batch)."""
    name = Path(path).name
    return f"{name}:{case['id'].rstrip('0123456789')}" if name == "blind.jsonl" else name


def declined(bot: Any, model: SentenceModel, files: list[str]) -> list[Declined]:
    """Return every `ask` question of the files that the bot declines, with MiniLM's lead and its evidence."""
    from bot.commands import _result
    from bot.search import Hit, _meaning_text

    index = bot.snapshot.index
    episode = bot.snapshot.library.episodes[0]
    full = index.library.full(episode)
    items = [*full.passages, *full.quotes]
    started = time.perf_counter()
    vectors = np.array([model.embed(_meaning_text(item)) for item in items])
    print(f"{len(items)} passages and quotes embedded in {time.perf_counter() - started:.1f} s", file=sys.stderr)
    engine = BotEngine(bot)
    out = []
    for path in files:
        for case in load_cases(path):
            if case.get("kind") is None or case["command"] != "ask" or engine.answer(case):
                continue
            q = index.parse(case["query"])
            cosines = vectors @ model.embed(case["query"])
            first, second = np.argsort(-cosines)[:2]
            lead = items[int(first)]
            coverage = index.coverage(q, lead)
            soft = index.soft_coverage(q, lead, coverage) if q.vector is not None else coverage
            held = index._held_in(episode, list(q.weights))
            known = sum(w for s, w in q.weights.items() if s in held or s in q.prefixes) / q.total if q.total else 0.0
            result = _result(Hit(item=lead, episode=episode, score=float(cosines[first]))).model_dump()
            out.append(Declined(case, batch_of(path, case), not case["none"] and passes(case, [result]), {
                "cosine": float(cosines[first]), "margin": float(cosines[first] - cosines[second]),
                "soft": soft, "known": known, "mass": math.log1p(soft * q.total),
                "stranger": float(bool(q.total and index.strangers(q)))}))
    return out


def group(row: Declined) -> str:
    kind = row.case["kind"]
    return "out of scope" if kind.startswith("oos") else kind


def tally(rows: list[Declined], chosen: list[bool]) -> str:
    """Return what answering the chosen rows would do: right answers gained by kind, wrong and out-of-scope answers."""
    gained = Counter(group(r) for r, c in zip(rows, chosen) if c and r.right)
    wrong = sum(1 for r, c in zip(rows, chosen) if c and not r.right and not r.out_of_scope)
    oos = sum(1 for r, c in zip(rows, chosen) if c and r.out_of_scope)
    kinds = ", ".join(f"{k} +{n}" for k, n in sorted(gained.items())) or "none"
    return f"right: {kinds}; wrong answers {wrong}; out-of-scope answered {oos}"


def held_out_probabilities(rows: list[Declined]) -> list[float]:
    """Return each row's probability of a right lead from a model fitted on the other batches."""
    probs = [0.0] * len(rows)
    for batch in sorted({r.batch for r in rows}):
        train = [(r.case, r.features, int(r.right)) for r in rows if r.batch != batch]
        intercept, coef = fit(train, FEATURES)
        for i, r in enumerate(rows):
            if r.batch == batch:
                probs[i] = probability(intercept, coef, r.features)
    return probs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.transformer_fallback", description=__doc__.split("\n")[0])
    parser.add_argument("source", type=Path, help="a folder holding all-MiniLM-L6-v2")
    parser.add_argument("sets", nargs="*", help="question files with kinds (default: tests/eval's)")
    parser.add_argument("--seeds", type=Path, default=Path("seeds"))
    args = parser.parse_args(argv)
    from bot.core import EpisodeBot

    loaded = load_minilm(args.source)
    if loaded is None:
        return 2
    model = SentenceModel(*loaded)
    files = args.sets or [f for f in sorted(glob.glob("tests/eval/*.jsonl"))
                          if any(c.get("kind") for c in load_cases(f))]
    rows = declined(EpisodeBot(args.seeds), model, files)
    leads = Counter("out of scope" if r.out_of_scope else ("right" if r.right else "wrong") for r in rows)
    print(f"declined 'ask' questions: {len(rows)}; MiniLM's lead: {dict(leads)}")
    print(json.dumps({k: round(float(np.median([r.features[k] for r in rows if r.right])), 3)
                      for k in FEATURES}), "(medians, right leads)")
    print("\nflat cosine bar (answer every lead at or above it):")
    for bar in BARS:
        print(f"  {bar:.2f}: {tally(rows, [r.features['cosine'] >= bar for r in rows])}")
    if len({r.batch for r in rows}) < 2 or len({r.right for r in rows}) < 2:
        print("\n(one batch, or no right lead: no model can be fitted on other batches)")
        return 0
    probs = held_out_probabilities(rows)
    print("\nlogistic model over the lead's evidence, each batch scored by a fit on the others:")
    for threshold in THRESHOLDS:
        print(f"  p >= {threshold:.1f}: {tally(rows, [p >= threshold for p in probs])}")
    natural = [i for i, r in enumerate(rows) if r.batch == "natural.jsonl"]
    if natural:
        print(f"\nnatural.jsonl alone at p >= 0.5: {tally([rows[i] for i in natural], [probs[i] >= 0.5 for i in natural])}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
