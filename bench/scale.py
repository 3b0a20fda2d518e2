"""Scale: start-up, memory, index size, latency and top-1 on generated catalogues.

Each size is measured in fresh processes (`python -m bench scale-one ...`), so
peak RSS is that of one bot serving that catalogue and nothing else, on a copy
of the catalogue made of hard links (so an added episode changes nothing
shared). The first process starts from nothing (the first build); the second
starts the way a restarted bot does, with the index the first left on disk,
and answers the questions; the third starts after one seed file changed (only
its episode is rebuilt); the fourth restarts, then a new episode folder is
added and the running bot reloads (the time of that reload).
"""

from __future__ import annotations

import json
import logging
import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

from .quality import BotEngine, load_cases, passes
from .speed import Timing, percentile

log = logging.getLogger(__name__)

SIZES = (1, 10, 100, 500)
# The targets of issue 16, by catalogue size: the first row at or above a size applies.
TARGETS = {
    500: {"start_s": 1.5, "rss_serving_mb": 250.0, "rss_build_mb": 500.0, "build_s": 60.0,
          "p99_episode_ms": 10.0, "p99_catalogue_ms": 30.0, "add_s": 2.0},
    2500: {"start_s": 3.0, "rss_serving_mb": 400.0, "rss_build_mb": 600.0, "build_s": 300.0,
           "p99_episode_ms": 10.0, "p99_catalogue_ms": 50.0, "add_s": 2.0},
}


class CatalogueEngine:
    """The index searching every episode at once (what `ask`/`quote` do with no episode scope)."""

    name = "index, all episodes"

    def __init__(self, bot: Any) -> None:
        self.bot = bot

    def answer(self, case: dict[str, Any]) -> list[dict[str, Any]]:
        from bot.commands import _result  # the bot's own conversion of a hit into a result

        index = self.bot.snapshot.index
        if case["command"] == "ask":
            hits, _ = index.ask(case["query"], None)
        elif case["command"] == "quote":
            hits = index.quotes(case["query"], None, None)
        else:
            raise ValueError(f"{case['command']} searches one episode only")
        return [_result(h).model_dump() for h in hits[:5]]


def measure_one(seeds: Path, questions: Path, repeats: int, add: Path | None = None) -> dict[str, Any]:
    """Start a bot on a catalogue and measure it (runs inside the child process).

    With `add`, a folder of seed files: once started, copy it into the seeds and
    time the running bot's reload.
    """
    from bot.core import EpisodeBot
    from bot.settings import load_settings
    from bot.store import default_folder

    cache = default_folder(load_settings(env_file=None).state_dir)  # as `episode-bot` and the adapters
    start, own, workers = time.perf_counter(), _cpu(resource.RUSAGE_SELF), _cpu(resource.RUSAGE_CHILDREN)
    bot = EpisodeBot(seeds, cache_dir=cache)
    started = time.perf_counter() - start
    # CPU seconds beside the wall clock: a wall-clock outlier with as much CPU is the process's own work (or a
    # slow host: on a shared virtual machine the same build's CPU seconds moved twofold within an hour).
    cpu = {"start_cpu_s": round(_cpu(resource.RUSAGE_SELF) - own, 2),
           "start_cpu_workers_s": round(_cpu(resource.RUSAGE_CHILDREN) - workers, 2)}  # a first build's workers
    if add is not None:
        rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        dest = seeds / add.name
        shutil.copytree(add, dest, copy_function=os.link, ignore=shutil.ignore_patterns("planted.json"))
        t, c = time.perf_counter(), _cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN)
        ok = bot.reload()
        added = time.perf_counter() - t
        cpu["add_cpu_s"] = round(_cpu(resource.RUSAGE_SELF) + _cpu(resource.RUSAGE_CHILDREN) - c, 2)
        shutil.rmtree(dest)
        return {**cpu, "start_s": round(started, 3), "add_s": round(added, 3), "reloaded": ok,
                "built": getattr(bot.library, "built", None), "episodes": len(bot.library.episodes),
                "rss_mb": round(rss_before / 1024, 1),
                "rss_add_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}
    if repeats == 0:  # a start-up measurement only; a first build's index workers are children
        return {**cpu, "start_s": round(started, 3), "built": getattr(bot.library, "built", None),
                "rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
                "rss_worker_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}
    engines = {"episode": BotEngine(bot), "catalogue": CatalogueEngine(bot)}
    latency: dict[str, Timing] = {}
    cpu_time: dict[str, Timing] = {}  # the same answers' CPU time (the process's: any thread it starts counts)
    top1: dict[str, list[int]] = {}
    for case in load_cases(questions):
        engine = engines[case["scope"]]
        key = f"{case['command']}{' (decline)' if case['none'] else ''} / {case['scope']}"
        results = engine.answer(case)
        score = top1.setdefault(key, [0, 0])
        score[0] += passes(case, results)
        score[1] += 1
        timing = latency.setdefault(f"{case['command']} / {case['scope']}", Timing())
        used = cpu_time.setdefault(f"{case['command']} / {case['scope']}", Timing())
        for _ in range(repeats):
            c, t = time.process_time(), time.perf_counter()
            engine.answer(case)
            timing.samples.append(time.perf_counter() - t)
            used.samples.append(time.process_time() - c)
    rss_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return {
        "episodes": len(bot.library.episodes),
        "items": len(bot.snapshot.index.items),
        "start_s": round(started, 3),
        **cpu,
        "built": getattr(bot.library, "built", None),
        "rss_mb": round(rss_kb / 1024, 1),
        "latency_ms": {k: {"p50": round(t.p50 * 1000, 3), "p99": round(percentile(t.samples, 99) * 1000, 3),
                           "cpu_p99": round(percentile(cpu_time[k].samples, 99) * 1000, 3),
                           "n": len(t.samples)} for k, t in sorted(latency.items())},
        "top1": {k: v for k, v in sorted(top1.items())},
    }


def _cpu(who: int) -> float:
    """Return the CPU seconds (user + system) of this process (RUSAGE_SELF) or of its reaped children."""
    used = resource.getrusage(who)
    return used.ru_utime + used.ru_stime


def _workers() -> int:
    from bot.indexer import workers

    return workers()


def _folder_bytes(path: Path) -> int:
    return sum(f.stat().st_size for f in path.rglob("*") if f.is_file()) if path.exists() else 0


def run_size(size: int, seeds_src: Path, words: int, repeats: int, work: Path) -> dict[str, Any]:
    """Generate (or reuse) a catalogue of `size` episodes and measure it in four fresh processes."""
    from .catalogue import build, extra_episode

    t = time.perf_counter()
    shared, questions = build(size, seeds_src, words=words)
    extra = extra_episode(size + 1, seeds_src, words=words)  # the episode added to a running bot
    generated = time.perf_counter() - t
    state = work / f"state-{size}"
    shutil.rmtree(state, ignore_errors=True)
    state.mkdir(parents=True)
    seeds = work / f"seeds-{size}"  # hard links: the changed and added files touch no shared catalogue
    shutil.rmtree(seeds, ignore_errors=True)
    shutil.copytree(shared, seeds, copy_function=os.link)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    env["EPISODE_BOT_STATE_DIR"] = str(state)
    runs = []
    # First start (nothing cached), a restart, then a restart after one seed file changed.
    for phase, n in (("cold", 0), ("warm", repeats), ("one changed", 0), ("added", 0)):
        if phase == "one changed":
            changed = seeds / "ep0001" / "notes.md"
            os.utime(changed, ns=(time.time_ns(), time.time_ns()))  # looks edited: its episode is stale
        argv = [sys.executable, "-m", "bench", "scale-one", "--seeds", str(seeds),
                "--questions", str(questions), "--repeats", str(n)]
        if phase == "added":
            argv += ["--add", str(extra)]
        proc = subprocess.run(argv, capture_output=True, text=True, env=env, timeout=3600)
        if proc.returncode != 0:
            raise RuntimeError(f"scale run at {size} episodes failed: {proc.stderr[-800:]}")
        runs.append(json.loads(proc.stdout.strip().splitlines()[-1]))
    cold, warm, changed_run, added = runs
    if not added["reloaded"] or added["built"] != 1 or added["episodes"] != size + 1:
        raise RuntimeError(f"adding an episode at {size} episodes did not index it alone: {added}")
    size_on_disk, seed_bytes = _folder_bytes(state), _folder_bytes(seeds)
    shutil.rmtree(seeds, ignore_errors=True)
    return {**warm, "size": size, "words_per_episode": words, "generate_s": round(generated, 2),
            "start_cold_s": cold["start_s"], "start_warm_s": warm["start_s"],
            "build_cpu_s": cold.get("start_cpu_s"), "build_cpu_workers_s": cold.get("start_cpu_workers_s"),
            "add_cpu_s": added.get("add_cpu_s"),
            "start_changed_s": changed_run["start_s"], "rebuilt_after_change": changed_run["built"],
            "add_s": added["add_s"], "rss_add_mb": added["rss_add_mb"],
            "rss_worker_mb": cold.get("rss_worker_mb", 0.0), "workers": _workers(),
            "rss_mb": max(r["rss_mb"] for r in runs), "rss_cold_mb": cold["rss_mb"], "rss_warm_mb": warm["rss_mb"],
            "index_mb": round(size_on_disk / 1e6, 1), "seed_mb": round(seed_bytes / 1e6, 1)}


def main_one(argv: list[str]) -> int:
    """`python -m bench scale-one --seeds DIR --questions FILE --repeats N`: print one JSON line."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m bench scale-one")
    parser.add_argument("--seeds", required=True)
    parser.add_argument("--questions", required=True)
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument("--add", default=None, help="a folder of seed files to add once started, then reload")
    args = parser.parse_args(argv)
    logging.basicConfig(level="WARNING", stream=sys.stderr)
    result = measure_one(Path(args.seeds), Path(args.questions), args.repeats,
                         Path(args.add) if args.add else None)
    print(json.dumps(result))
    return 0


def targets_for(size: int) -> dict[str, float]:
    """Return the targets that apply to a catalogue size (the 500-episode ones up to 500)."""
    return next((t for top, t in sorted(TARGETS.items()) if size <= top), TARGETS[max(TARGETS)])


def figures(row: dict[str, Any]) -> dict[str, float]:
    """Return a measured row's figures under the names of TARGETS."""
    lat = row["latency_ms"]
    return {"start_s": row["start_warm_s"],
            "rss_serving_mb": max(row.get("rss_warm_mb", row["rss_mb"]), row.get("rss_add_mb", 0.0)),
            "rss_build_mb": row.get("rss_cold_mb", row["rss_mb"]), "build_s": row["start_cold_s"],
            "p99_episode_ms": max((v["p99"] for k, v in lat.items() if k.endswith("/ episode")), default=0.0),
            "p99_catalogue_ms": max((v["p99"] for k, v in lat.items() if k.endswith("/ catalogue")), default=0.0),
            "add_s": row.get("add_s", float("inf"))}


def cpu_figures(row: dict[str, Any]) -> dict[str, float]:
    """Return the CPU-time counterparts of figures() that a row measured (a row of an older run has none)."""
    lat, out = row["latency_ms"], {}
    for key, scope in (("p99_episode_ms", "/ episode"), ("p99_catalogue_ms", "/ catalogue")):
        cells = [v["cpu_p99"] for k, v in lat.items() if k.endswith(scope) and "cpu_p99" in v]
        if cells:
            out[key] = max(cells)
    if row.get("build_cpu_s") is not None:
        out["build_s"] = round(row["build_cpu_s"] + (row.get("build_cpu_workers_s") or 0.0), 2)
    if row.get("add_cpu_s") is not None:
        out["add_s"] = row["add_cpu_s"]
    return out


def meets(row: dict[str, Any]) -> dict[str, bool]:
    """Say which of its size's targets a measured row meets."""
    got, wanted = figures(row), targets_for(row["size"])
    return {k: got[k] < v for k, v in wanted.items()}
