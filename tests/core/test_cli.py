"""The episode-bot CLI: readable text, the stable JSON document, exit codes."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot.cli import main

KEYS = {"text", "kind", "title", "speaker", "timestamp", "chapter", "section", "source", "score", "link",
        "episode",  # the episode each result came from (another one after a fallback)
        "match"}  # how it was found: "words", "meaning" or "both"


def run_json(capsys, *argv: str) -> dict:
    assert main([*argv, "--json"]) == 0
    return json.loads(capsys.readouterr().out)


def test_ask_prints_the_stable_json_document(capsys, seeds_dir):
    doc = run_json(capsys, "ask", "What", "is", "RLVR?", "--seeds", str(seeds_dir))
    assert set(doc) == {"command", "query", "episode", "results", "message", "suggestions"}
    assert doc["command"] == "ask" and doc["query"] == "What is RLVR?" and doc["episode"] == "490"
    assert set(doc["results"][0]) == KEYS


def test_a_decline_has_empty_results_and_a_message(capsys, seeds_dir):
    doc = run_json(capsys, "ask", "What is the capital of Australia?", "--seeds", str(seeds_dir))
    assert doc["results"] == [] and doc["message"]


def test_chapter_list_is_one_result_per_chapter(capsys, seeds_dir):
    doc = run_json(capsys, "chapter", "--seeds", str(seeds_dir))
    assert len(doc["results"]) == 27 and doc["results"][8]["timestamp"] == "1:18:45"


def test_quote_with_speaker_and_episode_flags(capsys, seeds_dir):
    doc = run_json(capsys, "quote", "slop", "--speaker", "Nathan", "--episode", "490", "--seeds", str(seeds_dir))
    assert doc["results"][0]["speaker"] == "Nathan Lambert"


def test_text_output_says_when_and_where(capsys, seeds_dir):
    assert main(["chapter", "1:30:00", "--seeds", str(seeds_dir)]) == 0
    out = capsys.readouterr().out
    assert "1:18:45" in out and "How AI is trained" in out


@pytest.mark.parametrize("argv", [["ask"], ["ask", "x" * 600]])
def test_empty_and_overlong_input_exit_non_zero_without_a_traceback(capsys, seeds_dir, argv):
    assert main([*argv, "--seeds", str(seeds_dir)]) == 2
    out = capsys.readouterr()
    assert "Traceback" not in out.out + out.err and out.out.strip()


def test_missing_seeds_folder_is_a_clear_error(capsys, tmp_path):
    assert main(["ask", "hi", "--seeds", str(tmp_path / "none")]) == 1
    assert "does not exist" in capsys.readouterr().err


def test_check_reports_each_file_and_the_episode(capsys, seeds_dir):
    assert main(["check", str(seeds_dir)]) == 0
    out = capsys.readouterr().out
    assert "27 chapters, 27 highlights, 5 notable quotes (5 with speakers), 4 timed transcript turns" in out
    for fmt in ("labeled-page", "summary-page", "markdown", "show-notes", "tldr-page"):
        assert f"read as {fmt}" in out


def test_check_exits_non_zero_on_unreadable_files(capsys, tmp_path, seeds_dir):
    for f in seeds_dir.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "bad.txt").write_bytes(b"\xff\xfe\x00\x00")
    assert main(["check", str(tmp_path)]) == 1
    assert "bad.txt" in capsys.readouterr().out


def test_the_installed_console_script_answers(seeds_dir):
    exe = [sys.executable, "-m", "bot.cli"]
    p = subprocess.run([*exe, "ask", "What is RLVR?", "--json", "--seeds", str(seeds_dir)],
                       capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    assert "Verifiable Rewards" in json.loads(p.stdout)["results"][0]["text"]


def test_episode_json_carries_the_facts_for_scripts(capsys, seeds_dir):
    doc = run_json(capsys, "episode", "--seeds", str(seeds_dir))
    details = doc["details"]
    assert details["number"] == 490 and details["date"] == "2026-01-31" and details["host"] == "Lex Fridman"
    assert len(details["chapters"]) == 27 and details["chapters"][7]["start"] == 3758
    assert details["conflicts"][0]["field"] == "date"
