"""Catalogue-wide search alone, on a catalogue whose index is already built.

    python -m bench.catsearch --size 100              # builds the catalogue and its index the first time
    python -m bench.catsearch --size 500 --repeats 10 --profile
    python -m bench.catsearch --size 500 --whole         # the baseline: every episode searched, as before

`ask`/`quote` with no episode (what the scale benchmark's "/ catalogue" rows
time), the cross-catalogue fallback's search (`ask` in the newest episode about
a fact planted in another), and `ask` with an episode given, each with p50/p99
and top-1 on the planted facts. The index is kept between runs under the
benchmark's cache folder (like `bench.episodes`), so a change to the search
is re-measured without rebuilding 500 episodes; a change to the code that
makes the index's rows (bot/store.py's code fingerprint) rebuilds it once.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import sys
import time
from pathlib import Path
from typing import Any

from . import SEEDS
from .catalogue import WORDS_PER_EPISODE, build, cache_dir
from .quality import BotEngine, load_cases, passes
from .scale import CatalogueEngine
from .speed import Timing


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _keep_index() -> None:
    """Leave bot/search.py out of the index cache's code fingerprint, so editing the search keeps the index.

    For measuring a change to how the index is searched, not to how its rows are made
    (search.py's _episode_rows): with this, such a change would be measured on old rows.
    """
    import hashlib

    import bot.store as store

    here = Path(store.__file__).resolve().parent

    def fingerprint() -> str:
        h = hashlib.sha256(b"catsearch")
        for name in store._CODE:
            path = here / name
            for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
                if file.name != "search.py":
                    h.update(file.name.encode())
                    h.update(file.read_bytes())
        return h.hexdigest()[:16]

    store.code_fingerprint = fingerprint


def run(size: int, repeats: int, words: int = WORDS_PER_EPISODE, profile: bool = False,
        keep_index: bool = False, whole: bool = False) -> dict[str, Any]:
    """Load (or build) a catalogue of `size` episodes and time its searches."""
    from bot import search
    from bot.core import EpisodeBot

    if keep_index:
        _keep_index()
    if whole:  # the baseline: every episode's passages and vectors searched, every vector kept once read
        search.CATALOGUE_EPISODES = search.VECTOR_EPISODES = 10**9

    seeds, questions = build(size, SEEDS, words=words)
    started = time.perf_counter()
    bot = EpisodeBot(seeds, cache_dir=cache_dir() / f"index-{seeds.parent.name}-{words}")
    load_s = time.perf_counter() - started
    _say(f"catsearch: {size} episodes loaded in {load_s:.1f} s")
    newest = bot.library.episodes[-1]
    cases = load_cases(questions)
    engines = {"episode": BotEngine(bot), "catalogue": CatalogueEngine(bot)}
    rows: list[tuple[str, dict[str, Any]]] = []
    for case in cases:
        if case["command"] not in ("ask", "quote"):
            continue
        key = f"{case['command']} / {case['scope']}"
        rows.append((key, case))
        if case["command"] == "ask" and case["scope"] == "episode" and not case["none"] \
                and case["episode"] != newest.id:  # asked in the newest episode: the fallback finds it
            rows.append(("ask / fallback", dict(case, episode=newest.id)))
    timings: dict[str, Timing] = {}
    cpu: dict[str, Timing] = {}  # this thread's CPU time: steadier than wall time on a shared machine
    top1: dict[str, list[int]] = {}
    failed: list[str] = []
    for key, case in rows:
        engine = engines["episode" if key.endswith(("/ episode", "/ fallback")) else "catalogue"]
        ok = passes(case, engine.answer(case))
        score = top1.setdefault(key, [0, 0])
        score[0] += ok
        score[1] += 1
        if not ok:
            failed.append(f"{key}: {case['query']}")
    prof = cProfile.Profile() if profile else None
    per_query: dict[str, float] = {}  # the slowest CPU time each catalogue-wide question took
    for _ in range(repeats):
        for key, case in rows:
            engine = engines["episode" if key.endswith(("/ episode", "/ fallback")) else "catalogue"]
            if prof is not None and key.endswith("/ catalogue"):
                prof.enable()
            t, c = time.perf_counter(), time.thread_time()
            engine.answer(case)
            timings.setdefault(key, Timing()).samples.append(time.perf_counter() - t)
            cpu.setdefault(key, Timing()).samples.append(time.thread_time() - c)
            if not key.endswith("/ episode"):
                name = f"{key}: {case['query']}"
                per_query[name] = max(per_query.get(name, 0.0), cpu[key].samples[-1])
            if prof is not None:
                prof.disable()
    if prof is not None:
        pstats.Stats(prof, stream=sys.stderr).sort_stats("cumulative").print_stats(25)
    # The only parts whose cost grows with the catalogue: picking the episodes by words and by meaning.
    index = bot.snapshot.index
    for _ in range(repeats if not whole else 0):
        for key, case in rows:
            if not key.endswith("/ catalogue"):
                continue
            q = index.parse(case["query"])
            index.query_vector(q)
            t = time.perf_counter()
            index.catalogue_episodes(q, index._essential(q))
            timings.setdefault("pick by words", Timing()).samples.append(time.perf_counter() - t)
            t = time.perf_counter()
            index.meaning_episodes(q)
            timings.setdefault("pick by meaning", Timing()).samples.append(time.perf_counter() - t)
    cpu.update({k: timings[k] for k in ("pick by words", "pick by meaning") if k in timings})
    top1.update({k: [0, 0] for k in ("pick by words", "pick by meaning") if k in timings})
    return {"episodes": size, "words": words, "whole": whole, "load_s": round(load_s, 2), "repeats": repeats,
            "latency_ms": {k: {"p50": round(t.p50 * 1000, 2), "p99": round(t.p99 * 1000, 2),
                               "worst": round(t.worst * 1000, 2), "n": len(t.samples),
                               "cpu_p50": round(cpu[k].p50 * 1000, 2), "cpu_p99": round(cpu[k].p99 * 1000, 2)}
                           for k, t in sorted(timings.items())},
            "top1": {k: f"{a}/{b}" if b else "-" for k, (a, b) in sorted(top1.items())}, "failed": failed,
            "slowest_cpu_ms": {k: round(v * 1000, 2) for k, v in sorted(per_query.items(), key=lambda kv: -kv[1])[:5]}}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.catsearch", description=__doc__.splitlines()[0])
    parser.add_argument("--size", type=int, default=100, help="episodes in the generated catalogue")
    parser.add_argument("--words", type=int, default=WORDS_PER_EPISODE, help="words per episode")
    parser.add_argument("--repeats", type=int, default=10, help="timed repeats of each question")
    parser.add_argument("--profile", action="store_true", help="print where catalogue-wide searches spend time")
    parser.add_argument("--keep-index", action="store_true",
                        help="keep the index when only bot/search.py's searching changed (not how rows are made)")
    parser.add_argument("--whole", action="store_true",
                        help="the baseline: search every episode, as before episodes were picked first")
    args = parser.parse_args(argv)
    result = run(args.size, args.repeats, args.words, args.profile, args.keep_index, args.whole)
    print(f"{'search':<20} {'p50 ms':>8} {'p99 ms':>8} {'worst ms':>9} {'CPU p50':>8} {'CPU p99':>8} {'top-1':>7}")
    for key, t in result["latency_ms"].items():
        print(f"{key:<20} {t['p50']:>8} {t['p99']:>8} {t['worst']:>9} {t['cpu_p50']:>8} {t['cpu_p99']:>8} "
              f"{result['top1'][key]:>7}")
    for name, ms in result["slowest_cpu_ms"].items():
        print(f"slowest (CPU ms): {ms:>7}  {name}")
    for line in result["failed"]:
        print(f"not top-1: {line}")
    print(json.dumps(result))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
