"""Metrics: every command counted once in the core, reloads, and /metrics on EPISODE_BOT_METRICS_PORT."""

from __future__ import annotations

import asyncio
import shutil

import aiohttp
import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot import metrics
from bot.core import EpisodeBot
from bot.runtime import Shutdown, run_service
from bot.settings import load_settings


def sample(name: str, **labels: str) -> float:
    value = metrics.REGISTRY.get_sample_value(name, labels or None)
    return value or 0.0


def test_each_outcome_is_counted_once(seeds_dir):
    bot = EpisodeBot(seeds_dir)
    cases = [("ask", {"question": "What is RLVR?"}, "answered"),
             ("ask", {"question": "What is the capital of Australia?"}, "declined"),
             ("ask", {}, "error"),
             ("nonsense", {}, "error")]
    for name, args, outcome in cases:
        label = name if name != "nonsense" else "unknown"
        before = sample("episode_bot_commands_total", command=label, platform="test", outcome=outcome)
        bot.run(name, args, platform="test")
        after = sample("episode_bot_commands_total", command=label, platform="test", outcome=outcome)
        assert after == before + 1, (name, args, outcome)
    assert sample("episode_bot_command_seconds_count", command="ask") >= 3


def test_a_crash_is_counted_as_an_error_and_still_raised(seeds_dir, monkeypatch):
    bot = EpisodeBot(seeds_dir)

    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(bot, "_run", broken)
    before = sample("episode_bot_commands_total", command="ask", platform="test", outcome="error")
    with pytest.raises(RuntimeError):
        bot.run("ask", {"question": "x"}, platform="test")
    assert sample("episode_bot_commands_total", command="ask", platform="test", outcome="error") == before + 1


def test_reloads_and_episodes(tmp_path, seeds_dir):
    seeds = tmp_path / "seeds"
    shutil.copytree(seeds_dir, seeds)
    bot = EpisodeBot(seeds)
    assert sample("episode_bot_episodes") == len(bot.library.episodes)
    ok, failed = sample("episode_bot_reloads_total", result="ok"), sample("episode_bot_reloads_total", result="failed")
    assert bot.reload()
    shutil.rmtree(seeds)
    assert not bot.reload()  # the folder is gone: the old episodes keep serving
    assert sample("episode_bot_reloads_total", result="ok") == ok + 1
    assert sample("episode_bot_reloads_total", result="failed") == failed + 1


async def test_metrics_port_serves_the_text_format_while_the_service_runs(tmp_path, seeds_dir):
    settings = load_settings(env_file=None, secrets_dir=None, metrics_port=0, watch_seeds=False,
                             heartbeat_path=tmp_path / "hb", state_dir=tmp_path / "state")
    bot = EpisodeBot(seeds_dir)
    alive = {"up": True}
    shutdown = Shutdown(1.0)
    served = asyncio.Event()
    ports = []
    real_serve = metrics.serve

    async def serve_and_note(host: str, port: int):
        runner, bound = await real_serve(host, port)
        ports.append((host, bound))
        served.set()
        return runner, bound

    async def connect() -> None:
        await asyncio.Event().wait()

    metrics_serve, metrics.serve = metrics.serve, serve_and_note
    try:
        task = asyncio.create_task(run_service("test", bot, settings, connect, lambda: alive["up"],
                                               shutdown=shutdown))
        await asyncio.wait_for(served.wait(), 10)
        host, port = ports[0]
        assert host == "127.0.0.1"  # loopback unless configured
        bot.run("ask", {"question": "What is RLVR?"}, platform="discord")
        async with aiohttp.ClientSession() as session:
            async def scrape() -> dict:
                async with session.get(f"http://127.0.0.1:{port}/metrics") as resp:
                    text = await resp.text()
                return {(s.name, tuple(sorted(s.labels.items()))): s.value
                        for f in text_string_to_metric_families(text) for s in f.samples}

            first = await scrape()
            alive["up"] = False
            second = await scrape()
        assert first[("episode_bot_gateway_connected", ())] == 1.0
        assert second[("episode_bot_gateway_connected", ())] == 0.0
        assert first[("episode_bot_commands_total",
                      (("command", "ask"), ("outcome", "answered"), ("platform", "discord")))] >= 1
        shutdown.request()
        assert await asyncio.wait_for(task, 10) == 0
    finally:
        metrics.serve = metrics_serve
    async with aiohttp.ClientSession() as session:  # stopped with the service
        with pytest.raises(aiohttp.ClientConnectionError):
            await session.get(f"http://127.0.0.1:{port}/metrics")


def test_the_example_dashboard_reads_only_metrics_the_bot_exports():
    import json
    import re
    from pathlib import Path

    dashboard = json.loads((Path(__file__).resolve().parents[2] / "docs" / "grafana-dashboard.json").read_text())
    exprs = [t["expr"] for p in dashboard["panels"] for t in p["targets"]]
    names = {n for e in exprs for n in re.findall(r"\b((?:episode_bot|process)_[a-z_]+)", e)}
    exported = {s.name for family in metrics.REGISTRY.collect() for s in family.samples}
    exported |= {f"{n}_bucket" for n in ("episode_bot_command_seconds",)}
    assert names and names <= exported, names - exported


async def test_the_start_up_log_line_names_the_version(tmp_path, seeds_dir, caplog):
    import logging

    from bot.version import __version__

    settings = load_settings(env_file=None, secrets_dir=None, watch_seeds=False,
                             heartbeat_path=tmp_path / "hb", state_dir=tmp_path / "state")
    shutdown = Shutdown(1.0)

    async def connect() -> None:
        shutdown.request()  # stop at once: only the start-up line matters here
        await asyncio.Event().wait()

    with caplog.at_level(logging.INFO, logger="bot.runtime"):
        assert await run_service("test", EpisodeBot(seeds_dir), settings, connect, lambda: True,
                                 shutdown=shutdown) == 0
    assert f"Episode Bot {__version__} starting test with 1 episode(s)" in caplog.text
