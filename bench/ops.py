"""What running it for real costs: shared rate limits in Redis and the metrics, beside their baselines.

    python -m bench.ops            # needs redis-server (Debian package redis-server) for the Redis rows

Measured in one run, each beside its baseline: a rate-limit check in process
vs. through a throwaway redis-server on a unix socket (what a replica pays for
sharing); a command with metrics as it runs vs. the same command's own work;
and one scrape of /metrics.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, Callable

from . import SEEDS
from .speed import percentile


def _timed(fn: Callable[[], Any], repeats: int) -> dict[str, float]:
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    return {"p50_ms": round(percentile(samples, 50), 4), "p99_ms": round(percentile(samples, 99), 4)}


def _redis(folder: Path) -> tuple[subprocess.Popen, str] | None:
    binary = shutil.which("redis-server")
    if binary is None:
        return None
    sock = folder / "redis.sock"
    proc = subprocess.Popen([binary, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
                             "--save", "", "--appendonly", "no", "--dir", str(folder)],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    for _ in range(100):
        if sock.exists():
            return proc, f"unix://{sock}"
        time.sleep(0.05)
    proc.terminate()
    return None


def measure(repeats: int = 2000) -> dict[str, Any]:
    from bot import metrics
    from bot.core import EpisodeBot
    from bot.limits import RateLimiter, Rule
    from bot.redis_limits import SharedRateLimiter

    roomy = Rule(1e6, 10**9)  # never refuses: this measures the check, not the refusals
    users = [f"U{i}" for i in range(500)]
    out: dict[str, Any] = {"repeats": repeats}
    counter = iter(range(10**9))

    local = RateLimiter(roomy, roomy)
    out["limit_check_in_process"] = _timed(lambda: local.check(users[next(counter) % 500], "C1"), repeats)
    with tempfile.TemporaryDirectory() as tmp:
        started = _redis(Path(tmp))
        if started is None:
            out["limit_check_redis"] = "skipped: redis-server is not installed"
        else:
            proc, url = started
            try:
                shared = SharedRateLimiter.from_url(url, roomy, roomy)
                shared.check("warm", "up")
                out["limit_check_redis"] = _timed(lambda: shared.check(users[next(counter) % 500], "C1"), repeats)
            finally:
                proc.terminate()
                proc.wait(5)

    bot = EpisodeBot(SEEDS)
    question = {"question": "What is RLVR?"}
    out["ask_core_only"] = _timed(lambda: bot._answer("ask", question), repeats // 10)
    out["ask_through_run_with_metrics"] = _timed(lambda: bot.run("ask", question, platform="bench"),
                                                repeats // 10)
    out["metrics_observe_only"] = _timed(lambda: metrics.observe("ask", "bench", "answered", 0.001), repeats)
    body, _ = metrics.exposition()
    out["scrape"] = {**_timed(metrics.exposition, 200), "bytes": len(body)}
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.ops", description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=2000)
    args = parser.parse_args(argv)
    print(json.dumps(measure(args.repeats), indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
