"""The container's health check starts without loading the core (it runs every 30 s in each container)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
HEAVY = ("bot.core", "bot.search", "bot.commands", "bot.replies", "bot.records", "bot.library", "numpy")


def test_health_and_reload_do_not_load_the_search_or_the_replies(tmp_path: Path):
    probe = ("import json, sys\n"
             "from bot import launch\n"
             "code = launch.main(['health'])\n"
             f"print(json.dumps({{'code': code, 'loaded': [m for m in {HEAVY!r} if m in sys.modules]}}))\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "EPISODE_BOT_STATE_DIR": str(tmp_path / "state"),
           "EPISODE_BOT_HEARTBEAT_PATH": str(tmp_path / "heartbeat")}
    done = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, env=env, capture_output=True, text=True,
                          timeout=60)
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["code"] == 1  # no bot is running here: unhealthy, and said so
    assert "no heartbeat" in done.stdout
    assert result["loaded"] == []


def test_the_core_still_answers_through_the_same_front_door(tmp_path: Path):
    done = subprocess.run([sys.executable, "-m", "bot.launch", "ask", "What is RLVR?", "--json",
                           "--seeds", str(ROOT / "seeds")], cwd=tmp_path, capture_output=True, text=True,
                          timeout=120, env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT),
                                            "EPISODE_BOT_STATE_DIR": str(tmp_path / "state")})
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout)["results"]
