"""Speed on the seeds: load-and-index, per-command latency and CLI cold start, beside baselines.

Every figure is measured in the same run for the bot and for the baselines
(BM25 and rapidfuzz over lines), so the ratio compares like with like.
"""

from __future__ import annotations

import logging
import math
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable

log = logging.getLogger(__name__)

TARGET_LOAD_S = 0.5
TARGET_P99_MS = 2.0
TARGET_CLI_S = 1.0
CLI_QUESTION = "What is RLVR?"
# Words no episode holds: the English word list and the model's whole words are consulted (bot/kept.py).
CLI_QUESTION_ELSEWHERE = "What's the weather in Paris?"


def percentile(values: list[float], pct: float) -> float:
    """Return the pct-th percentile of values by nearest rank (p99 of 100 is the 99th); 0 for none."""
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[max(0, min(len(ordered) - 1, math.ceil(pct / 100 * len(ordered)) - 1))]


@dataclass
class Timing:
    """Seconds measured for one thing, several times."""

    samples: list[float] = field(default_factory=list)

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) if self.samples else 0.0

    @property
    def p99(self) -> float:
        return percentile(self.samples, 99)

    @property
    def worst(self) -> float:
        return max(self.samples, default=0.0)


def time_calls(fn: Callable[[], Any], repeats: int) -> Timing:
    """Call fn `repeats` times and keep each duration."""
    timing = Timing()
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        timing.samples.append(time.perf_counter() - start)
    return timing


def load_times(seeds: Path, repeats: int = 5) -> dict[str, Timing]:
    """Time building the bot and each baseline from the seed files."""
    from bot.core import EpisodeBot

    from .baselines import BM25Lines, FuzzLines

    out = {"Episode Bot": time_calls(lambda: EpisodeBot(seeds), repeats)}
    with tempfile.TemporaryDirectory() as cache:
        EpisodeBot(seeds, cache_dir=cache)  # the first start fills the index cache
        out["Episode Bot, restart with its index cache"] = time_calls(
            lambda: EpisodeBot(seeds, cache_dir=cache), repeats)
    out[BM25Lines.name] = time_calls(lambda: BM25Lines(seeds), repeats)
    out[FuzzLines.name] = time_calls(lambda: FuzzLines(seeds), repeats)
    return out


def query_latency(engines: list[Any], cases: list[dict[str, Any]], repeats: int = 20
                  ) -> dict[str, dict[str, Timing]]:
    """Time every engine's answer to every case, per command: {engine: {command: Timing}}."""
    out: dict[str, dict[str, Timing]] = {}
    for engine in engines:
        per: dict[str, Timing] = {}
        for case in cases:
            engine.answer(case)  # the first call warms caches; it is not counted
            timing = time_calls(lambda: engine.answer(case), repeats)
            per.setdefault(case["command"], Timing()).samples.extend(timing.samples)
            per.setdefault("all", Timing()).samples.extend(timing.samples)
        out[engine.name] = per
    return out


def _run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=120)
    took = time.perf_counter() - start
    if proc.returncode not in (0, 2):
        log.warning("%s exited %d: %s", argv[0], proc.returncode, proc.stderr[-300:])
    return took


def cli_cold_start(seeds: Path, repeats: int = 5, state_dir: Path | None = None) -> dict[str, Timing]:
    """Time `episode-bot ask` (a question in the episode's words, and one in words it lacks) and the
    baselines' one-question scripts, each a fresh process."""
    python = sys.executable
    exe = Path(python).with_name("episode-bot")
    bot = [str(exe)] if exe.exists() else [python, "-m", "bot.cli"]
    bot_cmd = bot + ["ask", CLI_QUESTION, "--seeds", str(seeds)]
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    if state_dir is not None:
        env["EPISODE_BOT_STATE_DIR"] = str(state_dir)
    commands = {
        "Episode Bot": bot_cmd,
        f'Episode Bot, "{CLI_QUESTION_ELSEWHERE}" (declined)': bot + ["ask", CLI_QUESTION_ELSEWHERE,
                                                                       "--seeds", str(seeds)],
        "BM25 over lines": [python, "-m", "bench.baselines", CLI_QUESTION, "--seeds", str(seeds)],
        "rapidfuzz over lines": [python, "-m", "bench.baselines", CLI_QUESTION, "--seeds", str(seeds),
                                 "--engine", "fuzz"],
    }
    out = {}
    for name, argv in commands.items():
        _run(argv, env)  # the first run fills the OS file cache; a person's second question is like this
        out[name] = Timing([_run(argv, env) for _ in range(repeats)])
    return out
