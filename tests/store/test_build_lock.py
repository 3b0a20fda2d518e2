"""Processes started together on a new index cache build each episode once: the others wait, then read it back."""

from __future__ import annotations

import fcntl
import json
import subprocess
import sys
import time
from pathlib import Path

from bot.store import Store

ROOT = Path(__file__).resolve().parents[2]
PROBE = ("import json, sys\n"
         "from bot.core import EpisodeBot\n"
         "bot = EpisodeBot(sys.argv[1], cache_dir=sys.argv[2], counted=False)\n"
         "print(json.dumps({'built': bot.library.built, 'episodes': len(bot.library.episodes)}))\n")


def test_processes_started_together_build_each_episode_once(tmp_path: Path, catalogue):
    cache = tmp_path / "cache"
    cache.mkdir()
    lock_path = cache / (Store.file_name(catalogue) + ".lock")
    env = {"PATH": "/usr/bin:/bin", "PYTHONPATH": str(ROOT), "EPISODE_BOT_STATE_DIR": str(tmp_path / "state")}
    with open(lock_path, "a") as held:  # as if another process were indexing: the three must wait for it
        fcntl.flock(held, fcntl.LOCK_EX)
        procs = [subprocess.Popen([sys.executable, "-c", PROBE, str(catalogue), str(cache)], env=env,
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(3)]
        time.sleep(3)  # let them start and reach the lock (one that comes later waits or reads back the same)
        assert all(p.poll() is None for p in procs)  # none has gone ahead without it
        fcntl.flock(held, fcntl.LOCK_UN)
    results = []
    for proc in procs:
        out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))
    episodes = results[0]["episodes"]
    assert episodes > 1 and all(r["episodes"] == episodes for r in results)
    assert sorted(r["built"] for r in results) == [0, 0, episodes]  # one built them all, two read them back
