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


# What a question from the command line never needs once the index cache holds the episodes: the
# Prometheus client (a one-shot process serves no /metrics), the seed readers' parsers, the indexing
# process pool, and babel's dates and .po reader (English answers).
NOT_FOR_A_CACHED_ASK = ("bot.metrics", "prometheus_client", "bot.formats.markdown", "bot.formats.captions", "yaml",
                        "webvtt", "srt", "multiprocessing", "concurrent.futures.process", "babel.dates",
                        "babel.messages.pofile", "discord", "slack_bolt", "aiohttp")


def test_a_question_from_the_command_line_loads_only_what_it_answers_with(tmp_path: Path):
    probe = ("import json, sys\n"
             "from bot import launch\n"
             "code = launch.main(sys.argv[1:])\n"
             f"print(json.dumps({{'code': code, 'loaded': [m for m in {NOT_FOR_A_CACHED_ASK!r} "
             "if m in sys.modules]}))\n")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "EPISODE_BOT_STATE_DIR": str(tmp_path / "state")}
    runs = []
    for argv in (["ask", "What is RLVR?"], ["ask", "What is RLVR?"], ["quote", "reinforcement learning"],
                 ["chapter", "RLVR", "--json"]):  # the first fills the index cache; the others read it
        done = subprocess.run([sys.executable, "-c", probe, *argv, "--seeds", str(ROOT / "seeds")], cwd=tmp_path,
                              env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        *answer, last = done.stdout.strip().splitlines()
        assert "RLVR" in "\n".join(answer) or argv[0] == "quote"
        runs.append(json.loads(last))
    assert [r["code"] for r in runs] == [0, 0, 0, 0]
    for run in runs[1:]:
        assert run["loaded"] == []


def test_a_question_that_never_reads_the_model_still_exits_cleanly(tmp_path: Path):
    # `ask` reads the meaning model in a background thread; a question in another language
    # never uses it, so the process reaches its exit while the tokenizer may still be loading.
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "EPISODE_BOT_STATE_DIR": str(tmp_path / "state")}
    for _ in range(3):
        done = subprocess.run([sys.executable, "-m", "bot.launch", "ask", "что такое RLVR?", "--seeds",
                               str(ROOT / "seeds")], cwd=tmp_path, env=env, capture_output=True, text=True,
                              timeout=120)
        assert done.returncode == 0, done.stderr
        assert "FATAL" not in done.stderr and "Traceback" not in done.stderr


def test_a_question_from_the_command_line_runs_numpy_without_a_thread_pool_unless_the_admin_sets_one(
        tmp_path: Path):
    # OpenBLAS starts its threads when numpy loads: a one-shot answer's products are too small to use them.
    probe = ("import os, sys\n"
             "from bot import launch\n"
             "code = launch.main(sys.argv[1:])\n"
             "print(code, os.environ.get('OPENBLAS_NUM_THREADS'))\n")
    base = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "EPISODE_BOT_STATE_DIR": str(tmp_path / "state")}
    for extra, threads in (({}, "1"), ({"OPENBLAS_NUM_THREADS": "2"}, "2")):
        done = subprocess.run([sys.executable, "-c", probe, "ask", "What is RLVR?", "--seeds", str(ROOT / "seeds")],
                              cwd=tmp_path, env={**base, **extra}, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        assert done.stdout.strip().splitlines()[-1] == f"0 {threads}"
