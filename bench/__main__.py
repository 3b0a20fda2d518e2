"""`episode-bot bench` / `python -m bench`: measure, print the tables, write docs/benchmarks.md.

    episode-bot bench                      # quality, speed, and scale at 1, 10, 100, 500 episodes
    episode-bot bench --sizes 1,10         # the CI smoke run
    episode-bot bench --only scale --sizes 500
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import logging
import platform
import subprocess
import sys
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from . import QUESTIONS, ROOT, SEEDS

log = logging.getLogger(__name__)

INTRO = """# Benchmarks

Answer quality and speed of Episode Bot beside two naive baselines (BM25 and
rapidfuzz over the lines of the seed files), and how the bot scales from one
episode to a 500-episode back catalogue. Rerun everything with
`episode-bot bench` (or `python -m bench`); the tables below are rewritten,
the notes around them are kept.
"""


def _say(text: str) -> None:
    print(text, file=sys.stderr, flush=True)


def _timing(t: Any) -> dict[str, float]:
    return {"p50": t.p50, "p99": t.p99, "worst": t.worst, "n": len(t.samples)}


def run_quality(cases: list[dict[str, Any]], seeds: Path, file: str) -> dict[str, Any]:
    from bot.core import EpisodeBot

    from .baselines import BM25Lines, FuzzLines
    from .quality import BotEngine, MeaningOnly, quality_table

    bot = EpisodeBot(seeds)
    engines = [BotEngine(bot), BM25Lines(seeds), FuzzLines(seeds), MeaningOnly(bot)]
    scores = quality_table(engines, cases, progress=_say)
    out = {name: {g: {k: v for k, v in asdict(s).items() if k != "failures"} for g, s in groups.items()}
           for name, groups in scores.items()}
    failures = scores[engines[0].name]["all"].failures
    return {"cases": len(cases), "file": file, "engines": out, "bot_failures": failures}


def run_speed(cases: list[dict[str, Any]], seeds: Path, repeats: int, cli_repeats: int) -> dict[str, Any]:
    from bot.core import EpisodeBot

    from . import speed
    from .baselines import BM25Lines, FuzzLines
    from .quality import BotEngine

    _say("speed: load and index")
    load = speed.load_times(seeds, repeats=5)
    _say("speed: per-command latency")
    engines = [BotEngine(EpisodeBot(seeds)), BM25Lines(seeds), FuzzLines(seeds)]
    latency = speed.query_latency(engines, cases, repeats=repeats)
    _say("speed: CLI cold start")
    with tempfile.TemporaryDirectory() as state:
        cli = speed.cli_cold_start(seeds, repeats=cli_repeats, state_dir=Path(state))
    return {"load": {k: _timing(v) for k, v in load.items()},
            "latency": {e: {c: _timing(t) for c, t in per.items()} for e, per in latency.items()},
            "cli": {k: _timing(v) for k, v in cli.items()}, "repeats": repeats,
            "cli_question": speed.CLI_QUESTION,
            "targets": {"load_s": speed.TARGET_LOAD_S, "p99_ms": speed.TARGET_P99_MS, "cli_s": speed.TARGET_CLI_S}}


def _commit() -> str:
    try:
        return subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True,
                              text=True, timeout=10).stdout.strip() or "?"
    except OSError:
        return "?"


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else list(argv)
    if argv and argv[0] == "scale-one":
        from .scale import main_one

        return main_one(argv[1:])
    parser = argparse.ArgumentParser(prog="episode-bot bench", description="Measure answer quality, speed "
                                     "and scale beside naive baselines; write docs/benchmarks.md.")
    parser.add_argument("--only", choices=["quality", "speed", "scale"], action="append",
                        help="run only this part (repeatable); default: all")
    parser.add_argument("--sizes", default="1,10,100,500", help="catalogue sizes for the scale part")
    parser.add_argument("--words", type=int, default=None, help="words per generated episode (default 40000)")
    parser.add_argument("--repeats", type=int, default=20, help="timed repeats of each question")
    parser.add_argument("--seeds", default=str(SEEDS))
    parser.add_argument("--questions", default=str(QUESTIONS))
    parser.add_argument("--out", default=str(ROOT / "docs" / "benchmarks.md"),
                        help="document to write ('-' to write nothing)")
    args = parser.parse_args(argv)
    logging.basicConfig(level="WARNING", format="%(levelname)s %(name)s: %(message)s")
    parts = args.only or ["quality", "speed", "scale"]
    seeds, out = Path(args.seeds), None if args.out == "-" else Path(args.out)
    try:
        sizes = sorted({int(s) for s in args.sizes.split(",") if s.strip()})
    except ValueError:
        parser.error("--sizes takes numbers separated by commas, e.g. 1,10,100")
    if any(s < 1 or s > 3000 for s in sizes):
        parser.error("catalogue sizes run from 1 to 3000 episodes")
    from .quality import load_cases
    from .report import render, write_doc

    raw = out.with_suffix(".json") if out else None
    results: dict[str, Any] = json.loads(raw.read_text()) if raw and raw.exists() else {}
    results["meta"] = {"when": dt.datetime.now(dt.timezone.utc).strftime("%Y-%m-%d %H:%M UTC"),
                       "machine": f"{platform.machine()}, {platform.python_implementation()} "
                                  f"{platform.python_version()}, {_cpus()} CPUs", "commit": _commit()}
    cases = load_cases(args.questions)
    file = Path(args.questions).resolve()
    file_label = str(file.relative_to(ROOT)) if file.is_relative_to(ROOT) else file.name
    if "quality" in parts:
        results["quality"] = run_quality(cases, seeds, file_label)
        natural = ROOT / "tests" / "eval" / "natural.jsonl"  # community asks by kind (issue 11)
        if natural.exists() and file == QUESTIONS.resolve():
            results["natural"] = run_quality(load_cases(natural), seeds, str(natural.relative_to(ROOT)))
    if "speed" in parts:
        results["speed"] = run_speed(cases, seeds, args.repeats, cli_repeats=5)
    plot_name = None
    if "scale" in parts:
        from .catalogue import WORDS_PER_EPISODE
        from .scale import run_size

        words = args.words or WORDS_PER_EPISODE
        scale = results.get("scale", {}) if results.get("scale_words") == words else {}
        with tempfile.TemporaryDirectory(prefix="episode-bot-scale-") as work:
            for size in sizes:
                _say(f"scale: {size} episode(s) of {words} words")
                scale[str(size)] = run_size(size, seeds, words, max(1, args.repeats // 4), Path(work))
        results["scale"], results["scale_words"] = scale, words
    if results.get("scale") and out:
        from .plot import plot_scale

        plot_name = "scale.png"
        plot_scale(list(results["scale"].values()), out.parent / plot_name)
    block = render(results, plot_name)
    print(block)
    if out:
        write_doc(out, block, INTRO)
        raw.write_text(json.dumps(results, indent=1) + "\n")
        _say(f"wrote {out} and {raw}")
    return 0


def _cpus() -> int:
    import os

    return os.cpu_count() or 1


if __name__ == "__main__":
    sys.exit(main())
