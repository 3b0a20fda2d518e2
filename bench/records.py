"""What the question log costs: answer latency with recording on vs off, and `report` over 1,000,000 rows.

    python -m bench.records                  # SQLite, and PostgreSQL when initdb/pg_ctl are installed
    python -m bench.records --database-url postgresql://...   # an existing server (a scratch database!)

The baseline is the same bot with recording off, measured in the same run
and interleaved with the recording runs, so machine load affects both alike.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

from . import ROOT, SEEDS
from .speed import percentile

QUESTIONS = ["What is RLVR?", "How much did it cost to pretrain OLMo 3?", "Who won the world cup in 1966?",
             "What do they say about China?", "scaling laws", "Is there a transcript?"]
COMMANDS, AT_ONCE = 1000, 50


def latencies(bot: Any, n: int = COMMANDS, at_once: int = AT_ONCE) -> list[float]:
    """Run n /ask commands, at_once at a time, each timed from call to reply (ms)."""
    def one(i: int) -> float:
        start = time.perf_counter()
        bot.run("ask", {"question": QUESTIONS[i % len(QUESTIONS)]}, user=f"u{i % 97}", channel="c",
                platform="slack")
        return (time.perf_counter() - start) * 1000

    with ThreadPoolExecutor(at_once) as pool:
        return list(pool.map(one, range(n)))


def bench_latency(pg_url: str | None, rounds: int) -> list[dict[str, Any]]:
    from bot.core import EpisodeBot
    from bot.records import Records
    from bot.records.db import PostgresDatabase, SQLiteDatabase

    folder = Path(tempfile.mkdtemp(prefix="bench-records-"))
    bots: dict[str, Any] = {"recording off (baseline)": EpisodeBot(SEEDS)}
    logs: dict[str, Any] = {}
    sqlite = Records(SQLiteDatabase(folder / "records.sqlite3"), b"k" * 32)
    bots["recording on, SQLite"] = EpisodeBot(SEEDS, records=sqlite)
    logs["recording on, SQLite"] = sqlite
    if pg_url:
        pg = Records(PostgresDatabase(pg_url), b"k" * 32)
        bots["recording on, PostgreSQL"] = EpisodeBot(SEEDS, records=pg)
        logs["recording on, PostgreSQL"] = pg
    samples: dict[str, list[float]] = {name: [] for name in bots}
    cpu: dict[str, float] = {name: 0.0 for name in bots}  # this process's CPU time (all threads), seconds
    for bot in bots.values():
        latencies(bot, 100)  # warm caches and connections
    order = list(bots.items())
    for round_ in range(rounds):
        random.Random(round_).shuffle(order)  # no run always goes first (or last) on a busy machine
        for name, bot in order:
            started = time.process_time()
            samples[name] += latencies(bot)
            if name in logs:
                logs[name].log.flush(30)  # the writer's work counts too
            cpu[name] += time.process_time() - started
    rows = []
    base = samples["recording off (baseline)"]
    for name, values in samples.items():
        log = logs.get(name)
        rows.append({"run": name, "n": len(values), "p50": percentile(values, 50), "p99": percentile(values, 99),
                     "p99_delta": percentile(values, 99) - percentile(base, 99),
                     "cpu_ms": cpu[name] * 1000 / len(values),
                     "written": log.log.written - 100 if log else None, "lost": log.log.lost if log else None})
    for records in logs.values():
        records.close()
    return rows


def bench_in_path(n: int = 2000) -> dict[str, float]:
    """One command at a time, recording off and on alternately: what recording adds to one answer (ms)."""
    from bot.core import EpisodeBot
    from bot.records import Records
    from bot.records.db import SQLiteDatabase

    records = Records(SQLiteDatabase(Path(tempfile.mkdtemp(prefix="bench-path-")) / "r.sqlite3"), b"k" * 32)
    off, on = EpisodeBot(SEEDS), EpisodeBot(SEEDS, records=records)
    times: dict[str, list[float]] = {"off": [], "on": []}
    cpu: dict[str, list[float]] = {"off": [], "on": []}  # the answering thread's own CPU time
    for i in range(n):
        for name, bot in (("off", off), ("on", on)) if i % 2 else (("on", on), ("off", off)):
            start, start_cpu = time.perf_counter(), time.thread_time()
            bot.run("ask", {"question": QUESTIONS[i % len(QUESTIONS)]}, user=f"u{i}", platform="slack")
            times[name].append((time.perf_counter() - start) * 1000)
            cpu[name].append((time.thread_time() - start_cpu) * 1000)
    records.close()
    return {"off_p50": percentile(times["off"], 50), "off_p99": percentile(times["off"], 99),
            "on_p50": percentile(times["on"], 50), "on_p99": percentile(times["on"], 99),
            "off_cpu": statistics.median(cpu["off"]), "on_cpu": statistics.median(cpu["on"])}


def fill(records: Any, rows: int, days: int = 90) -> float:
    """Write `rows` logged questions over `days` days (10% declined, 2% voted); return seconds taken."""
    from bot.records.questions import day_of, normalise

    rng = random.Random(12)
    now = time.time()
    declined = [f"who won the world cup in {1930 + i % 90} {w}" for i, w in
                enumerate(rng.choices(["please", "exactly", "again", "", "lol"], k=5000))]
    answered = ["What is RLVR?", "How much did it cost to pretrain OLMo 3?", "scaling laws", "china"]
    start = time.perf_counter()
    batch: list[tuple] = []
    votes: list[tuple] = []

    def flush() -> None:
        records.db.executemany(
            "INSERT INTO questions (id, asked_at, day, platform, workspace, channel, user_key, command, via, "
            "query, norm, episode, declined, failed, top_source, top_time, taught_id, latency_ms) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", batch)
        if votes:
            records.db.executemany("INSERT INTO votes (question_id, user_key, vote, reason, voted_at) "
                                   "VALUES (?, ?, ?, ?, ?)", votes)
        batch.clear()
        votes.clear()

    for i in range(rows):
        at = now - rng.random() * days * 86400
        is_declined = rng.random() < 0.10
        query = rng.choice(declined) if is_declined else rng.choice(answered)
        qid = f"q{i}"
        batch.append((qid, at, day_of(at), "discord", "g", "c", f"user{i % 5000}", rng.choice(["ask", "quote",
                      "chapter", "summary"]), "command", query, normalise(query), "490", int(is_declined), 0,
                      None if is_declined else "notes.md:3", None if is_declined else "1:02:38", None,
                      rng.random() * 20))
        if rng.random() < 0.02:
            votes.append((qid, f"user{i % 5000}", rng.choice([1, -1]), rng.choice([None, "wrong time"]), at))
        if len(batch) >= 20_000:
            flush()
    if batch:
        flush()
    return time.perf_counter() - start


def bench_report(pg_url: str | None, rows: int) -> list[dict[str, Any]]:
    from bot.records import Records, queries
    from bot.records.db import PostgresDatabase, SQLiteDatabase

    targets = [("SQLite", lambda: SQLiteDatabase(Path(tempfile.mkdtemp(prefix="bench-report-")) / "r.sqlite3"))]
    if pg_url:
        targets.append(("PostgreSQL", lambda: PostgresDatabase(pg_url)))
    out = []
    for name, make in targets:
        records = Records(make(), b"k" * 32)
        filled = fill(records, rows)
        if records.db.kind == "postgresql":
            records.db.execute("ANALYZE")
        times = []
        for _ in range(3):
            start = time.perf_counter()
            doc = queries.report(records.db, 90, records.taught.all())
            times.append(time.perf_counter() - start)
        out.append({"database": name, "rows": rows, "fill_s": filled, "report_s": statistics.median(times),
                    "questions": doc["questions"], "unanswered_groups": len(doc["unanswered"])})
        records.close()
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.records", description=__doc__.splitlines()[0])
    p.add_argument("--database-url", help="a scratch PostgreSQL database (default: a throwaway cluster)")
    p.add_argument("--rows", type=int, default=1_000_000, help="logged questions for the report benchmark")
    p.add_argument("--rounds", type=int, default=2, help="interleaved rounds of 1,000 commands per run")
    args = p.parse_args(argv)
    cluster = None
    url = args.database_url
    if url is None:
        sys.path.insert(0, str(ROOT / "tests"))
        from pgserver import PostgresCluster, find_bindir  # the tests' throwaway cluster

        bindir = find_bindir()
        if bindir is None:
            print("PostgreSQL's initdb is not installed: measuring SQLite only", file=sys.stderr)
        else:
            cluster = PostgresCluster(bindir)
            cluster.init()
            cluster.start()
    try:
        if cluster is not None:
            url = cluster.new_database()
        print(f"Answer latency, {COMMANDS} /ask commands at {AT_ONCE} at once, x{args.rounds} rounds (ms)")
        print(f"{'run':28} {'n':>6} {'p50':>8} {'p99':>8} {'p99 vs off':>11} {'bot CPU/cmd':>12} {'rows written':>13} "
              f"{'lost':>6}")
        for r in bench_latency(url, args.rounds):
            print(f"{r['run']:28} {r['n']:6d} {r['p50']:8.2f} {r['p99']:8.2f} {r['p99_delta']:+11.2f} "
                  f"{r['cpu_ms']:12.3f} "
                  f"{'' if r['written'] is None else r['written']:>13} {'' if r['lost'] is None else r['lost']:>6}")
        path = bench_in_path()
        print("\nOne command at a time, recording off and on alternately, SQLite (ms)")
        print(f"{'':28} {'p50':>8} {'p99':>8} {'CPU median':>11}")
        print(f"{'recording off (baseline)':28} {path['off_p50']:8.2f} {path['off_p99']:8.2f} {path['off_cpu']:11.3f}")
        print(f"{'recording on':28} {path['on_p50']:8.2f} {path['on_p99']:8.2f} {path['on_cpu']:11.3f}   "
              f"p99 {path['on_p99'] - path['off_p99']:+.2f}, CPU {path['on_cpu'] - path['off_cpu']:+.3f}")
        if cluster is not None:
            url = cluster.new_database()
        print(f"\n`report` over {args.rows:,} logged questions (90 days; median of 3)")
        print(f"{'database':12} {'fill (s)':>9} {'report (s)':>11} {'questions':>10} {'groups':>7}")
        for r in bench_report(url, args.rows):
            print(f"{r['database']:12} {r['fill_s']:9.1f} {r['report_s']:11.3f} {r['questions']:10d} "
                  f"{r['unanswered_groups']:7d}")
    finally:
        if cluster is not None:
            cluster.remove()
    return 0


if __name__ == "__main__":
    sys.exit(main())
