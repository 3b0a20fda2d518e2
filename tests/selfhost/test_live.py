"""A running bot: health, live reload (watch and `episode-bot reload`), graceful SIGTERM.

The bot is a real process (tests/selfhost/http_frontend.py: the runtime around a
local HTTP front end); the checks go through the real `episode-bot health` and
`episode-bot reload` commands, as an admin or Docker's health check would.
"""

from __future__ import annotations

import json
import os
import re
import signal
import subprocess
import sys
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from .conftest import HONEY_ANSWER, HONEY_QUESTION, SECOND_EPISODE, run_cli

FRONTEND = Path(__file__).with_name("http_frontend.py")
POLL = 0.05


def wait_for(check, what: str, limit: float = 30.0):
    """Poll check() until it returns something truthy; fail naming what never happened."""
    for _ in range(int(limit / POLL)):
        result = check()
        if result:
            return result
        time.sleep(POLL)
    pytest.fail(f"timed out waiting for {what}")


class RunningBot:
    """One front-end process with its log, port and helpers."""

    def __init__(self, tmp_path: Path, seeds: Path, **env: str) -> None:
        self.port_file = tmp_path / "port"
        self.log_path = tmp_path / "bot.log"
        self.env = {**os.environ, "EPISODE_BOT_SEEDS_DIR": str(seeds), "EPISODE_BOT_LOG_LEVEL": "INFO", **env}
        self.log_file = self.log_path.open("w")
        self.proc = subprocess.Popen([sys.executable, str(FRONTEND), str(self.port_file)], cwd=tmp_path,
                                     env=self.env, stdout=self.log_file, stderr=subprocess.STDOUT)
        self.port = int(wait_for(lambda: self.port_file.is_file() and self.port_file.read_text(), "the port"))
        wait_for(lambda: Path(os.environ["EPISODE_BOT_HEARTBEAT_PATH"]).is_file() or self._died(),
                 "the first heartbeat")

    def _died(self) -> bool:
        if self.proc.poll() is not None:
            pytest.fail(f"the bot exited with {self.proc.returncode}:\n{self.log()}")
        return False

    def log(self) -> str:
        return self.log_path.read_text()

    def ask(self, question: str, episode: str | None = None, delay: float = 0) -> dict:
        query = {"q": question, "delay": str(delay), **({"episode": episode} if episode else {})}
        url = f"http://127.0.0.1:{self.port}/ask?{urllib.parse.urlencode(query)}"
        with urllib.request.urlopen(url, timeout=30) as response:
            return json.loads(response.read())

    def stop(self) -> None:
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait(timeout=10)
        self.log_file.close()


@pytest.fixture
def running(tmp_path: Path, scratch_seeds: Path):
    bots: list[RunningBot] = []

    def start(**env: str) -> RunningBot:
        bots.append(RunningBot(tmp_path, scratch_seeds, **env))
        return bots[-1]

    yield start
    for bot in bots:
        bot.stop()


def honey(bot: RunningBot) -> bool:
    answer = bot.ask(HONEY_QUESTION, episode="491")
    return not answer["error"] and any(HONEY_ANSWER in r["text"] for r in answer["results"])


def test_new_episode_then_broken_file_while_running(running, scratch_seeds: Path, tmp_path: Path):
    bot = running(EPISODE_BOT_WATCH_SEEDS="true")
    health = run_cli("health", cwd=tmp_path)
    assert health.returncode == 0, health.stdout + health.stderr
    assert "healthy" in health.stdout

    before = bot.ask(HONEY_QUESTION, episode="491")
    assert before["error"] and "491" in before["body"]  # no such episode yet, and the user is told so

    (scratch_seeds / "491-rooftop-bees.md").write_text(SECOND_EPISODE)
    wait_for(lambda: honey(bot), "the new episode to be answered")
    assert "reloaded 2 episode(s)" in bot.log()

    # A broken file: not UTF-8. The reload that reads it must keep both episodes answering.
    (scratch_seeds / "492-broken.txt").write_bytes(b"# Episode 492\n\xff\xfe\xfa not text\n")
    wait_for(lambda: "492-broken.txt" in bot.log(), "the broken file to be reported")
    assert "is not valid UTF-8" in bot.log()
    assert honey(bot)
    first = bot.ask("What is RLVR?", episode="490")
    assert not first["error"] and first["results"]

    # `episode-bot reload` signals the same process and reports what it serves.
    reload = run_cli("reload", "--wait", "20", cwd=tmp_path)
    assert reload.returncode == 0, reload.stdout + reload.stderr
    assert f"pid {bot.proc.pid} now serves 2 episode(s)" in reload.stdout


def test_failed_reload_keeps_serving_the_old_episodes(running, scratch_seeds: Path, tmp_path: Path):
    (scratch_seeds / "491-rooftop-bees.md").write_text(SECOND_EPISODE)
    bot = running(EPISODE_BOT_WATCH_SEEDS="false")
    assert honey(bot)

    # The seeds folder vanishes (an unmounted volume, a half-done rsync): the reload fails.
    away = scratch_seeds.with_name("seeds-away")
    scratch_seeds.rename(away)
    reload = run_cli("reload", "--wait", "20", cwd=tmp_path)
    assert reload.returncode == 1
    assert "reload failed" in reload.stdout and "previous 2 episode(s)" in reload.stdout
    assert "reload failed, still serving the previous episodes" in bot.log()
    assert honey(bot)
    assert bot.proc.poll() is None

    away.rename(scratch_seeds)
    reload = run_cli("reload", "--wait", "20", cwd=tmp_path)
    assert reload.returncode == 0, reload.stdout + reload.stderr


def test_sigterm_finishes_the_reply_in_flight(running, tmp_path: Path):
    bot = running(EPISODE_BOT_WATCH_SEEDS="false", EPISODE_BOT_STOP_GRACE="8")
    answers: list[dict] = []
    slow = threading.Thread(target=lambda: answers.append(bot.ask("What is RLVR?", delay=1.5)))
    slow.start()
    wait_for(lambda: "answering 'What is RLVR?'" in bot.log(), "the reply to be in flight")

    started = time.monotonic()
    bot.proc.send_signal(signal.SIGTERM)
    code = bot.proc.wait(timeout=20)
    took = time.monotonic() - started
    slow.join(timeout=20)

    assert code == 0, bot.log()
    assert answers and not answers[0]["error"] and answers[0]["results"]  # the user got the answer
    assert "finishing 1 repl(ies) in flight" in bot.log()
    assert "http-frontend stopped" in bot.log()
    print(f"SIGTERM with one reply in flight (1.5 s left): stopped after {took:.2f} s")

    health = run_cli("health", cwd=tmp_path)
    assert health.returncode == 1 and "unhealthy" in health.stdout
    assert not list(Path(os.environ["EPISODE_BOT_STATE_DIR"]).glob("*.pid"))


def test_sigterm_stops_waiting_after_the_grace_period(running):
    bot = running(EPISODE_BOT_WATCH_SEEDS="false", EPISODE_BOT_STOP_GRACE="0.5")
    slow = threading.Thread(target=lambda: _ignore_errors(bot.ask, "What is RLVR?", delay=30))
    slow.start()
    wait_for(lambda: "answering" in bot.log(), "the reply to be in flight")

    bot.proc.send_signal(signal.SIGTERM)
    code = bot.proc.wait(timeout=20)
    slow.join(timeout=20)
    assert code == 0
    assert "stopped waiting with 1 repl(ies) still in flight" in bot.log()


def _ignore_errors(func, *args, **kwargs) -> None:
    try:
        func(*args, **kwargs)
    except OSError:  # the server went away mid-reply, as this test intends
        pass


def test_a_stop_that_hangs_ends_before_docker_kills_it_and_says_why(running):
    """A stuck worker thread keeps Python from exiting; the bot exits by itself within its deadline."""
    bot = running(EPISODE_BOT_WATCH_SEEDS="false", EPISODE_BOT_STOP_GRACE="0.5")
    with urllib.request.urlopen(f"http://127.0.0.1:{bot.port}/hold?seconds=60", timeout=30) as response:
        assert json.loads(response.read())["held"] == 60
    wait_for(lambda: "holding a worker thread" in bot.log(), "the worker thread to be held")

    bot.proc.send_signal(signal.SIGTERM)
    code = bot.proc.wait(timeout=30)  # the held thread alone would keep it for 60 s
    assert code == 0
    log = bot.log()
    assert re.search(r"still stopping [0-9.]+ s after SIGTERM: exiting now", log)
    assert log.count("(most recent call first)") >= 2  # each thread's stack, the held one among them
