"""Many episodes: the cross-catalogue fallback and the spoiler-safe filter, beside baselines.

    python -m bench.episodes                     # 100 and 500 generated episodes, then the seeds
    python -m bench.episodes --sizes 2 --words 2000 --repeats 1   # CI's smoke run

Fallback: a member asks the newest episode (the default) about a fact planted
in an older one; the bot finds nothing there, searches the rest of the
catalogue and answers from the right episode. Beside it, in the same run:
- "named episode": the same question asked in the right episode (what a member
  who knew where to look pays: the floor);
- "episode by episode": a fallback without the catalogue-wide index, asking
  each other episode in turn, newest first, until one answers.
Spoiler filter: the time `spoilers.hits_before` adds to an answer on the
seeds, per call, and `ask` with and without `before` end to end.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any, Callable

from . import QUESTIONS, SEEDS
from .catalogue import BROAD, OUT_OF_SCOPE, WORDS_PER_EPISODE, build, cache_dir
from .speed import Timing

TARGET_FALLBACK_P99_MS = 50.0
TARGET_FILTER_MS = 0.5


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _timed(fn: Callable[[], Any], timing: Timing) -> Any:
    start = time.perf_counter()
    out = fn()
    timing.samples.append(time.perf_counter() - start)
    return out


def fallback(size: int, repeats: int, words: int = WORDS_PER_EPISODE) -> dict[str, Any]:
    """Measure the fallback on a generated catalogue of `size` episodes."""
    from bot.commands import _elsewhere  # the fallback's search of the other episodes
    from bot.core import EpisodeBot

    seeds, questions = build(size, SEEDS, words=words, sample=min(size, 20))
    _say(f"episodes: loading {size} episodes")
    started = time.perf_counter()
    # The index is kept between runs like a restarted bot's: only the first run builds it.
    bot = EpisodeBot(seeds, cache_dir=cache_dir() / f"index-{seeds.parent.name}-{words}")
    load_s = time.perf_counter() - started
    episodes = bot.library.episodes
    newest = episodes[-1]
    cases = [json.loads(line) for line in questions.read_text().splitlines() if line.strip()]
    cases = [c for c in cases if c["command"] == "ask" and not c["none"] and c["scope"] == "episode"
             and c["episode"] != newest.id]
    ours, named, naive, broad, declines = Timing(), Timing(), Timing(), Timing(), Timing()
    right = declined = 0
    snap = bot.snapshot
    broad_questions = [q["query"] for q in BROAD if q["command"] == "ask"]
    _say(f"episodes: {len(cases)} questions x {repeats} at {size} episodes")
    for _ in range(repeats):
        for case in cases:
            reply = _timed(lambda: bot.run("ask", {"question": case["query"], "episode": newest.id}), ours)
            right += bool(reply.results) and reply.results[0].episode == case["episode"]
            _timed(lambda: bot.run("ask", {"question": case["query"], "episode": case["episode"]}), named)
            _timed(lambda: _episode_by_episode(snap.index, case["query"], episodes), naive)
        # Every generated episode speaks of RLVR, so none lacks it: time the fallback's search of the
        # other episodes directly, as if the newest one had nothing (the worst case: common words).
        for question in broad_questions:
            _timed(lambda: _elsewhere(snap, newest, question, question, None, "", 1), broad)
        for question in OUT_OF_SCOPE:  # searched in the episode, then everywhere, and still declined
            reply = _timed(lambda: bot.run("ask", {"question": question, "episode": newest.id}), declines)
            declined += not reply.results
    return {"episodes": size, "words": words, "load_s": load_s, "questions": len(cases), "repeats": repeats,
            "right_episode": right, "asked": len(cases) * repeats,
            "declined": declined, "out_of_scope": len(OUT_OF_SCOPE) * repeats,
            "fallback": ours, "named episode": named, "episode by episode": naive,
            "fallback, broad question": broad, "out of scope (declined)": declines}


def _episode_by_episode(index: Any, question: str, episodes: list[Any]) -> Any:
    for episode in reversed(episodes):
        hits, _ = index.ask(question, episode)
        if hits:
            return hits
    return []


def spoiler_filter(repeats: int) -> dict[str, Any]:
    """Measure what the spoiler-safe filter adds on the seeds' questions."""
    from bot import spoilers
    from bot.core import EpisodeBot

    bot = EpisodeBot(SEEDS)
    episode = bot.library.episodes[-1]
    cases = [json.loads(line) for line in QUESTIONS.read_text().splitlines() if line.strip()]
    asks = [c["query"] for c in cases if c["command"] == "ask" and c["query"]]
    per_call, plain, safe = Timing(), Timing(), Timing()
    limit = 45 * 60
    for _ in range(repeats):
        for question in asks:
            hits, _ = bot.snapshot.index.ask(question, episode)
            _timed(lambda: spoilers.hits_before(hits, limit), per_call)
            _timed(lambda: bot.run("ask", {"question": question}), plain)
            _timed(lambda: bot.run("ask", {"question": question, "before": "45:00"}), safe)
    return {"questions": len(asks), "repeats": repeats, "filter per call": per_call, "ask": plain,
            "ask before 45:00": safe}


def _ms(t: Timing) -> str:
    return f"{t.p50 * 1000:.2f} / {t.p99 * 1000:.2f}"


def report(runs: list[dict[str, Any]], spoiler: dict[str, Any]) -> str:
    """Return the markdown tables of a run."""
    lines = ["| episodes | fallback p50 / p99 ms | named episode (floor) | episode by episode (baseline) | "
             "right episode | broad question, other episodes searched | out of scope (declined) | load s |",
             "|---|---|---|---|---|---|---|---|"]
    for r in runs:
        lines.append(f"| {r['episodes']} | **{_ms(r['fallback'])}** | {_ms(r['named episode'])} | "
                     f"{_ms(r['episode by episode'])} | {r['right_episode']}/{r['asked']} | "
                     f"{_ms(r['fallback, broad question'])} | {_ms(r['out of scope (declined)'])} "
                     f"({r['declined']}/{r['out_of_scope']}) | {r['load_s']:.1f} |")
    lines += ["", f"Target: fallback p99 under {TARGET_FALLBACK_P99_MS:.0f} ms.", "",
              "| spoiler-safe | p50 / p99 ms |", "|---|---|",
              f"| filter, per call | **{spoiler['filter per call'].p50 * 1000:.4f} / "
              f"{spoiler['filter per call'].p99 * 1000:.4f}** |",
              f"| ask | {_ms(spoiler['ask'])} |", f"| ask before 45:00 | {_ms(spoiler['ask before 45:00'])} |",
              "", f"Target: the filter under {TARGET_FILTER_MS} ms. {spoiler['questions']} questions of "
              f"dev.jsonl x {spoiler['repeats']}."]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.episodes", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default="100,500", help="catalogue sizes, comma-separated")
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--words", type=int, default=WORDS_PER_EPISODE, help="words per generated episode")
    parser.add_argument("--json", metavar="FILE", help="also write the figures as JSON")
    args = parser.parse_args(argv)
    runs = [fallback(int(s), args.repeats, args.words) for s in args.sizes.split(",") if s.strip()]
    spoiler = spoiler_filter(args.repeats)
    print(report(runs, spoiler))
    if args.json:
        def plain(value: Any) -> Any:
            return {"p50_ms": value.p50 * 1000, "p99_ms": value.p99 * 1000, "n": len(value.samples)} \
                if isinstance(value, Timing) else value
        Path(args.json).write_text(json.dumps({"fallback": [{k: plain(v) for k, v in r.items()} for r in runs],
                                               "spoiler": {k: plain(v) for k, v in spoiler.items()}}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
