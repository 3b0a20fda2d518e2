"""`episode-bot reload` signals only the bot that wrote the pid file, never a process that took its pid."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from bot import pidfile
from bot.health import reload_main

pytestmark = pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="the checks read /proc (Linux)")


@pytest.fixture
def stranger():
    """An unrelated long-running process: SIGHUP would end it.

    It says when it is running, so the test never reads its /proc entry in the instant between
    fork and exec, when its command line is still this test runner's.
    """
    proc = subprocess.Popen([sys.executable, "-c", "import time; print('running', flush=True); time.sleep(60)"],
                            stdout=subprocess.PIPE)
    assert proc.stdout.readline() == b"running\n"
    yield proc
    proc.kill()
    proc.wait(5)
    proc.stdout.close()


def _still_running(proc: subprocess.Popen) -> bool:
    try:
        proc.wait(0.5)
    except subprocess.TimeoutExpired:
        return True
    return False


def test_a_stale_plain_pid_file_is_not_signalled(tmp_path, stranger, capsys):
    (tmp_path / "episode-bot.pid").write_text(f"{stranger.pid}\n")  # what an older bot or a crash left
    assert reload_main(["--run-dir", str(tmp_path), "--wait", "0"]) == 1
    assert _still_running(stranger)
    assert "no running bot found" in capsys.readouterr().err


def test_a_forged_pid_file_is_not_signalled(tmp_path, stranger, capsys):
    """Command line and start time can be copied from /proc; holding the file open can't be faked."""
    forged = {"pid": stranger.pid, "token": "0" * 32, "cmdline": pidfile.command_line(stranger.pid),
              "started": pidfile.start_time(stranger.pid)}
    (tmp_path / "episode-bot.pid").write_text(json.dumps(forged))
    assert reload_main(["--run-dir", str(tmp_path), "--wait", "0"]) == 1
    assert _still_running(stranger)
    assert "does not hold this pid file open" in capsys.readouterr().err


def test_a_pid_reused_by_another_program_is_not_signalled(tmp_path, stranger, capsys):
    record = {"pid": stranger.pid, "token": "1" * 32, "cmdline": "episode-bot slack", "started": 1}
    (tmp_path / "episode-bot.pid").write_text(json.dumps(record))
    assert reload_main(["--run-dir", str(tmp_path), "--wait", "0"]) == 1
    assert _still_running(stranger)
    assert "is another program now" in capsys.readouterr().err


def test_the_pid_file_of_a_running_bot_passes_the_checks(tmp_path):
    path = pidfile.write(tmp_path / "episode-bot.pid")
    try:
        record = pidfile.read(path)
        assert record is not None and pidfile.problem(path, record) is None
    finally:
        pidfile.release(path)
    assert "does not hold" in pidfile.problem(path, record)  # closed: as after the bot exited
