"""The runtime's pieces on their own: health verdicts, reload without a bot, stop and drain, CI script."""

from __future__ import annotations

import asyncio
import json
import os
import re
import subprocess
import time
from pathlib import Path


from bot.core import EpisodeBot
from bot.runtime import Heartbeat, Shutdown, _is_seed_change, reload_now, run_service, watch_seeds
from bot.settings import load_settings

from .conftest import HONEY_ANSWER, HONEY_QUESTION, SECOND_EPISODE, run_cli

ROOT = Path(__file__).resolve().parents[2]


def heartbeat_path() -> Path:
    return Path(os.environ["EPISODE_BOT_HEARTBEAT_PATH"])


def test_health_follows_the_heartbeat(workdir):
    missing = run_cli("health", cwd=workdir)
    assert missing.returncode == 1 and "no heartbeat" in missing.stdout

    Heartbeat(heartbeat_path()).beat()
    fresh = run_cli("health", cwd=workdir)
    assert fresh.returncode == 0 and f"pid {os.getpid()}" in fresh.stdout

    old = time.time() - 120
    os.utime(heartbeat_path(), (old, old))
    stale = run_cli("health", cwd=workdir)
    assert stale.returncode == 1 and "limit 60 s" in stale.stdout
    assert run_cli("health", "--max-age", "300", cwd=workdir).returncode == 0


def test_health_fails_when_the_writer_has_exited(workdir):
    gone = subprocess.Popen(["true"])
    gone.wait()
    heartbeat_path().parent.mkdir(parents=True, exist_ok=True)
    heartbeat_path().write_text(f"{time.time():.0f} {gone.pid}\n")
    result = run_cli("health", cwd=workdir)
    assert result.returncode == 1 and "has exited" in result.stdout


def test_reload_without_a_running_bot(workdir):
    result = run_cli("reload", cwd=workdir)
    assert result.returncode == 1 and "no running bot found" in result.stderr


def test_seed_change_filter_ignores_editor_files():
    assert _is_seed_change("/seeds/491/notes.md")
    assert not any(_is_seed_change(p) for p in ["/seeds/.notes.md.swp", "/seeds/notes.md~", "/seeds/#notes.md#",
                                                "/seeds/x.tmp", "/seeds/.DS_Store"])


async def test_drain_waits_for_replies_and_a_second_signal_stops_waiting():
    shutdown = Shutdown(grace=30)
    release = asyncio.Event()

    async def reply() -> None:
        with shutdown.track():
            await release.wait()

    task = asyncio.create_task(reply())
    await asyncio.sleep(0)
    assert shutdown.in_flight == 1
    shutdown.request()
    drain = asyncio.create_task(shutdown.drain())
    await asyncio.sleep(0.05)
    assert not drain.done()  # still waiting for the reply
    release.set()
    assert await drain is True and shutdown.in_flight == 0
    await task

    stuck = Shutdown(grace=30)
    with stuck.track():
        stuck.request()
        waiting = asyncio.create_task(stuck.drain())
        await asyncio.sleep(0.05)
        stuck.request()  # the admin presses Ctrl-C again
        assert await asyncio.wait_for(waiting, 5) is False


async def test_a_connection_that_ends_on_its_own_exits_1_and_cleans_up(episode_bot):
    settings = load_settings(env_file=None, secrets_dir=None, watch_seeds=False)
    seen_heartbeat = []

    async def connect() -> None:
        for _ in range(200):  # until the first heartbeat, then the "platform" hangs up
            if heartbeat_path().is_file():
                seen_heartbeat.append(True)
                return
            await asyncio.sleep(0.01)

    code = await run_service("test", episode_bot, settings, connect, lambda: True, heartbeat_interval=0.01)
    assert code == 1 and seen_heartbeat
    assert not heartbeat_path().exists()
    assert not list(settings.runtime_dir.glob("*.pid"))


async def test_watch_reloads_and_keeps_answering(scratch_seeds, tmp_path):
    bot = EpisodeBot(scratch_seeds)
    watcher = asyncio.create_task(watch_seeds(bot, debounce_ms=50, state_dir=tmp_path / "run"))
    try:
        await asyncio.sleep(0.2)  # let the watch start before the change
        (scratch_seeds / "491.md").write_text(SECOND_EPISODE)
        # The new episodes are served as soon as the reload swaps them in; its status file is written
        # after the reload returns, so wait for both.
        for _ in range(400):
            if len(bot.library.episodes) == 2 and list((tmp_path / "run").glob("reload.*.json")):
                break
            await asyncio.sleep(0.05)
        reply = bot.run("ask", {"question": HONEY_QUESTION, "episode": "491"})
        assert not reply.error and HONEY_ANSWER in reply.results[0].text
        assert list((tmp_path / "run").glob("reload.*.json"))
    finally:
        watcher.cancel()
        await asyncio.gather(watcher, return_exceptions=True)


async def test_reload_now_keeps_the_old_library_when_the_folder_is_gone(scratch_seeds, tmp_path):
    bot = EpisodeBot(scratch_seeds)
    before = bot.library
    scratch_seeds.rename(tmp_path / "elsewhere")
    assert await reload_now(bot, tmp_path / "run") is False
    assert bot.library is before
    assert not bot.run("ask", {"question": "What is RLVR?"}).error


def test_ci_script_validates_compose_and_ends_with_pytest():
    script = (ROOT / ".ci" / "run").read_text()
    assert subprocess.run(["bash", "-n", str(ROOT / ".ci" / "run")]).returncode == 0
    assert "set -euo pipefail" in script
    commands = [line.strip() for line in script.splitlines() if line.strip() and not line.strip().startswith("#")]
    assert re.fullmatch(r"(exec )?\.venv/bin/python -m pytest", commands[-1])  # its exit code is the script's
    assert "docker-compose config -q" in script and "apt-get install -y" in script and "docker-compose" in script
    assert script.index("docker-compose config -q") < script.index(".venv/bin/python -m pytest")


def test_health_says_starting_while_a_live_bot_builds_and_not_after(workdir):
    from bot import progress
    from bot.runtime import progress_file

    status_file = progress_file(heartbeat_path())
    status_file.parent.mkdir(parents=True, exist_ok=True)
    clock = [0.0]
    build = progress.Progress("indexing", 500, every=5, clock=lambda: clock[0], stream=open(os.devnull, "w"))
    for _ in range(120):
        clock[0] += 0.125
        build.advance()
    progress.write_status(status_file, build.status())  # this test's process is the live bot
    starting = run_cli("health", cwd=workdir)
    assert starting.returncode == 1  # not healthy yet: Docker's start period shows it as "starting"
    assert starting.stdout.startswith("starting: indexing 120/500 episodes, 24%, about 48 s left")

    record = progress.read_status(status_file)
    gone = subprocess.Popen(["true"])
    gone.wait()
    status_file.write_text(json.dumps({**record, "pid": gone.pid}))  # the bot died mid-build
    assert "no heartbeat" in run_cli("health", cwd=workdir).stdout
    status_file.write_text(json.dumps({**record, "time": time.time() - 600}))  # a leftover from long ago
    assert "no heartbeat" in run_cli("health", cwd=workdir).stdout
