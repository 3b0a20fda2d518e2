"""/healthz runs a command through the core; /readyz only says the server takes requests."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys

import aiohttp

from adapters.slack.app import build_app
from adapters.slack.server import build_server, start_server
from bot.core import EpisodeBot
from bot.probe import Liveness

from .conftest import make_settings
from .standin import SECRET
from .test_cli_run import _env, _start, _stop


async def _serve(standin, bot, **kw):
    app = build_app(bot, make_settings(standin))
    runner, port = await start_server(build_server(app, SECRET, **kw), "127.0.0.1", 0)
    return runner, f"http://127.0.0.1:{port}"


async def _get(session, url) -> tuple[int, dict]:
    async with session.get(url) as resp:
        return resp.status, await resp.json()


async def test_healthz_answers_a_command_and_readyz_does_not(standin, seeds_dir):
    bot = EpisodeBot(seeds_dir)
    runner, base = await _serve(standin, bot, liveness=Liveness(bot))
    try:
        async with aiohttp.ClientSession() as session:
            status, body = await _get(session, base + "/healthz")
            assert status == 200 and body["status"] == "ok" and body["episodes"] == 1
            assert body["outcome"] in ("answered", "declined") and body["probe_ms"] >= 0
            status, body = await _get(session, base + "/readyz")
            assert status == 200 and body == {"status": "ok"}
            # A broken core: the index's database is gone. The server still runs, so /readyz
            # says ready, but the bot cannot answer, and /healthz says so.
            bot.snapshot.index.db.close()
            await asyncio.sleep(0.01)
            liveness_fresh = Liveness(bot)  # no reused result
            runner2, base2 = await _serve(standin, bot, liveness=liveness_fresh)
            try:
                status, body = await _get(session, base2 + "/healthz")
                assert status == 503 and body["status"] == "failing" and body["error"]
                status, _ = await _get(session, base2 + "/readyz")
                assert status == 200
                # `episode-bot health` reads the same answer and says why
                from bot.health import _ask_healthz

                problem, _ = await asyncio.to_thread(_ask_healthz, base2 + "/healthz")
                assert problem and problem.startswith("the bot does not answer commands (ProgrammingError")
            finally:
                await runner2.cleanup()
    finally:
        await runner.cleanup()


async def test_a_hung_core_is_unhealthy_within_the_timeout(seeds_dir, monkeypatch):
    bot = EpisodeBot(seeds_dir)

    def stuck():
        import time

        time.sleep(0.5)  # longer than the probe's limit below
        return {}

    monkeypatch.setattr(bot, "probe", stuck)
    ok, details = await Liveness(bot, timeout=0.1).check()
    assert not ok and "no answer within" in details["error"]


async def test_probes_are_shared_and_reused(seeds_dir, monkeypatch):
    bot = EpisodeBot(seeds_dir)
    runs = []
    real = bot.probe

    def counted():
        runs.append(1)
        return real()

    monkeypatch.setattr(bot, "probe", counted)
    liveness = Liveness(bot, reuse=60)
    results = await asyncio.gather(*(liveness.check() for _ in range(20)))
    assert all(ok for ok, _ in results) and len(runs) == 1


async def test_probes_change_no_metric_and_take_no_token(seeds_dir):
    from bot import metrics
    from bot.limits import RateLimiter, Rule

    bot = EpisodeBot(seeds_dir, limiter=RateLimiter(Rule(0.01, 1), Rule(0.01, 1)))
    before = metrics.REGISTRY.get_sample_value("episode_bot_command_seconds_count", {"command": "ask"}) or 0
    for _ in range(3):
        bot.probe()
    after = metrics.REGISTRY.get_sample_value("episode_bot_command_seconds_count", {"command": "ask"}) or 0
    assert after == before


async def test_episode_bot_health_asks_healthz_in_http_mode(standin, seeds_dir, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = _env(standin, tmp_path, SLACK_SIGNING_SECRET=SECRET)
    proc = await _start(["--http", "--host", "127.0.0.1", "--port", str(port)], env, seeds_dir.parent)
    try:
        for _ in range(300):  # bounded wait for the first heartbeat
            if (tmp_path / "hb").exists():
                break
            assert proc.returncode is None
            await asyncio.sleep(0.1)
        heartbeat = (tmp_path / "hb").read_text().split()
        assert heartbeat[2] == f"http://127.0.0.1:{port}/healthz"
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bot.cli", "health"], env=env,
                                       capture_output=True, text=True, timeout=30)
        assert done.returncode == 0, done.stdout + done.stderr
        assert "healthy" in done.stdout and "a test command answered in" in done.stdout
    finally:
        code, err = await _stop(proc)
    assert code == 0, err
