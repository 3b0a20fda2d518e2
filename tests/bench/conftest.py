"""Fixtures for the benchmark tests: generated catalogues kept in a per-session cache."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session", autouse=True)
def bench_cache(tmp_path_factory):
    """Keep generated episodes in this session's temporary folder (not EPISODE_BOT_*: those are scrubbed)."""
    path = tmp_path_factory.mktemp("bench-cache")
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("EPISODE_BENCH_CACHE", str(path))
        yield path
