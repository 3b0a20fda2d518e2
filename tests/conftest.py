"""Shared fixtures: a clean environment and the real seeds."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch, tmp_path):
    """Scrub platform tokens and bot settings so a developer's real ones are never used."""
    for name in list(os.environ):
        if name.startswith(("DISCORD_", "SLACK_", "EPISODE_BOT_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EPISODE_BOT_HEARTBEAT_PATH", str(tmp_path / "heartbeat"))
    monkeypatch.setenv("EPISODE_BOT_STATE_DIR", str(tmp_path / "state"))


# A throwaway PostgreSQL, and the question log on SQLite and on PostgreSQL (tests/pgserver.py).
from pgserver import postgres_server, records_backend  # noqa: E402,F401


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture
def two_episodes(tmp_path) -> Path:
    """A seeds folder with the shared seeds (#490) and #491, a 20-minute episode about the transistor, released later."""
    root = tmp_path / "two-episodes"
    root.mkdir()
    for path in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(path, root / path.name)
    shutil.copytree(ROOT / "tests" / "formats" / "data" / "491-transistor", root / "491-transistor")
    return root


@pytest.fixture(scope="session")
def episode_bot():
    """One bot over the real seeds, shared by read-only tests."""
    from bot.core import EpisodeBot

    return EpisodeBot(SEEDS)


# -- a throwaway Redis (shared rate limits) ------------------------------------------------------

def _need_server(binary: str, package: str) -> str:
    """Return the server binary's path; skip without it, but fail in CI (CI=true) so it can't go green hollowly."""
    import shutil

    path = shutil.which(binary)
    if path is None:
        message = f"{binary} is not installed (Debian package {package}; .ci/run installs it)"
        if os.environ.get("CI") == "true":
            pytest.fail(message)
        pytest.skip(message)
    return path


@pytest.fixture
def redis_server(tmp_path_factory):
    """Start a private redis-server on a unix socket in a temporary folder; yield its unix:// URL.

    No TCP port (so no clash with anything), no persistence; stopped at the end of the test.
    """
    import subprocess
    import time

    binary = _need_server("redis-server", "redis-server")
    folder = tmp_path_factory.mktemp("redis")
    sock = folder / "redis.sock"
    proc = subprocess.Popen([binary, "--port", "0", "--unixsocket", str(sock), "--unixsocketperm", "700",
                             "--save", "", "--appendonly", "no", "--dir", str(folder), "--loglevel", "warning"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"unix://{sock}"
    try:
        import redis

        client = redis.Redis.from_url(url, socket_connect_timeout=0.2)
        for _ in range(100):  # up to ~5 s for the server to listen
            if proc.poll() is not None:
                pytest.fail(f"redis-server exited: {proc.stdout.read().decode(errors='replace')[-500:]}")
            try:
                if client.ping():
                    break
            except redis.RedisError:
                time.sleep(0.05)
        else:
            pytest.fail("redis-server did not answer within 5 s")
        client.close()
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(5)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def generated_catalogue(tmp_path_factory) -> Path:
    """A seeds folder of 8 generated episodes (3 documents each, short), from the scale benchmark's generator."""
    from bench.catalogue import build

    seeds, _ = build(8, SEEDS, words=800, cache=tmp_path_factory.mktemp("catalogue"))
    return seeds
