"""The reliability script, small: both real bot processes answer every command, nothing lost or leaked.

The full run (1,000 + 1,000 and a soak) is `python -m bench.reliability`; CI runs
only this short version, and asserts counts, never times.
"""

from __future__ import annotations

from bench.reliability import percentile, run


async def test_short_reliability_run_loses_nothing():
    figures = await run(n_slack=30, concurrency=10, n_discord=30, burst=10, soak_seconds=0, rate=10)
    for name in ("slack", "discord"):
        f = figures[name]
        assert f["sent"] == 30 and f["answered"] == 30 and f["lost"] == 0, f
        assert f["http_5xx"] == 0 and f["slowed"] == 0 and f["user_errors"] == 0, f
        assert f["still_running"] and f["exit_code"] == 0, f  # a clean SIGTERM stop
        assert f["log"]["tracebacks"] == 0 and f["log"]["secrets_in_log"] == 0, f["log"]
        assert f["peak_rss_mb"] > 0
    assert figures["discord"]["violations"] == 0


def test_percentile_is_nearest_rank():
    assert percentile([], 50) == 0.0
    assert percentile([5.0], 99) == 5.0
    values = [float(v) for v in range(1, 101)]
    assert percentile(values, 50) == 50.0 and percentile(values, 99) == 99.0 and percentile(values, 100) == 100.0
