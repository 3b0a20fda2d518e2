"""The host's tools: `episode-bot episodebot ...` and `episode-bot report` (text, JSON, CSV)."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def cli(*args: str, env_extra: dict[str, str] | None = None, tmp_path: Path) -> subprocess.CompletedProcess:
    import os

    env = dict(os.environ, EPISODE_BOT_STATE_DIR=str(tmp_path / "state"), **(env_extra or {}))
    return subprocess.run([sys.executable, "-m", "bot.cli", *args], cwd=ROOT, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_cli_records_only_when_asked_and_the_host_reads_it_back(tmp_path):
    assert cli("ask", "What is RLVR?", tmp_path=tmp_path).returncode == 0  # off by default for the CLI
    empty = json.loads(cli("report", "--json", tmp_path=tmp_path).stdout)
    assert empty["questions"] == 0
    on = {"EPISODE_BOT_RECORD_QUESTIONS": "true"}
    assert cli("ask", "=HYPERLINK(\"http://x\")", env_extra=on, tmp_path=tmp_path).returncode == 0
    assert cli("ask", "Who won the world cup in 1966?", env_extra=on, tmp_path=tmp_path).returncode == 0
    doc = json.loads(cli("report", "--json", tmp_path=tmp_path).stdout)
    assert (doc["questions"], doc["declined"]) == (2, 2)

    out = tmp_path / "q.csv"
    assert cli("report", "--csv", str(out), tmp_path=tmp_path).returncode == 0
    rows = list(csv.DictReader(out.open(encoding="utf-8")))
    assert [r["query"] for r in rows] == ["'=HYPERLINK(\"http://x\")", "Who won the world cup in 1966?"]
    assert "user_key" not in rows[0]  # the export leaves the hashes out

    text = cli("report", tmp_path=tmp_path).stdout
    assert "2 question(s), 2 declined" in text and "Who won the world cup in 1966?" in text

    stats = cli("episodebot", "stats", "7", "--json", tmp_path=tmp_path)
    assert stats.returncode == 0 and json.loads(stats.stdout)["questions"] == 2
    taught = cli("episodebot", "teach", "What is RLVR? → 1:02:38", tmp_path=tmp_path)
    assert taught.returncode == 0 and "Taught" in taught.stdout
    listed = json.loads(cli("episodebot", "untaught", "--json", tmp_path=tmp_path).stdout)
    assert listed["taught"][0]["question"] == "What is RLVR?" and listed["taught"][0]["answer"] == "1:02:38"
    bad = cli("episodebot", "stats", "lots", tmp_path=tmp_path)
    assert bad.returncode == 2 and "is not a number of days" in bad.stderr
