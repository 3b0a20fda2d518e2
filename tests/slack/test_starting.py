"""While the first build runs, HTTP mode answers /healthz with how far it is, and `episode-bot health` says "starting"."""

from __future__ import annotations

import asyncio
import os
import socket
import subprocess
import sys
import threading
from pathlib import Path

import aiohttp
import pytest

from adapters.slack.cli import serve_http_after_build
from bot import progress
from bot.runtime import progress_file, publish_progress

from .conftest import make_settings
from .standin import signed_headers

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def _progress_defaults():
    yield
    progress.configure(every=progress.EVERY, status_file=None)


async def _get(session: aiohttp.ClientSession, url: str) -> tuple[int, dict]:
    async with session.get(url, timeout=aiohttp.ClientTimeout(total=5)) as resp:
        return resp.status, await resp.json()


async def test_healthz_says_indexing_while_a_held_build_runs_then_ok(standin, generated_catalogue, tmp_path):
    with socket.socket() as probe:  # a free port
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    settings = make_settings(standin, progress_every=0)
    publish_progress(settings)  # what `episode-bot slack --http` does first
    held, release = threading.Event(), threading.Event()

    def hold(p: progress.Progress) -> None:  # runs in the build's thread: the build waits here
        if p.step == "indexing" and p.done == 2:
            held.set()
            release.wait(60)

    undo = progress.listen(hold)
    service = asyncio.create_task(serve_http_after_build(settings, str(generated_catalogue), host="127.0.0.1",
                                                         port=port, heartbeat_interval=1.0))
    base = f"http://127.0.0.1:{port}"
    try:
        assert await asyncio.to_thread(held.wait, 120), "the build never reached indexing 2/8"
        async with aiohttp.ClientSession() as session:
            status, body = await _get(session, base + "/healthz")
            assert status == 503
            assert body["status"] == "starting" and body["message"] == "indexing 2/8 episodes"
            assert (body["done"], body["total"], body["percent"]) == (2, 8, 25)
            # /readyz says the same; only the estimate of what is left moves while the build is held.
            ready_status, ready = await _get(session, base + "/readyz")
            assert ready_status == 503 and (ready["eta_s"] is None or ready["eta_s"] >= 0)
            ready.pop("eta_s")
            assert ready == {k: v for k, v in body.items() if k != "eta_s"}
            async with session.post(base + "/slack/events", data=b"x", headers=signed_headers("x")) as resp:
                assert resp.status == 503  # Slack shows "did not respond"; nothing reaches a half-built bot

            # The container's health check, as Docker runs it: starting, with where the build is.
            done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "bot.cli", "health"],
                                           env={**os.environ, "PYTHONPATH": str(ROOT)}, cwd=ROOT,
                                           capture_output=True, text=True, timeout=60)
            assert done.returncode == 1
            assert done.stdout.startswith("starting: indexing 2/8 episodes, 25%"), done.stdout
            assert f"pid {os.getpid()}" in done.stdout

            release.set()
            for _ in range(600):  # bounded: the build ends, then the Slack app takes the port
                assert not service.done(), service.result()
                try:
                    status, body = await _get(session, base + "/healthz")
                except aiohttp.ClientConnectionError:  # the moment between the two servers
                    status = 0
                if status == 200:
                    break
                await asyncio.sleep(0.1)
            assert status == 200 and body["status"] == "ok"
        assert not progress_file(settings.heartbeat_path).exists()  # serving: the heartbeat speaks now
    finally:
        release.set()
        undo()
        service.cancel()
        await asyncio.gather(service, return_exceptions=True)
