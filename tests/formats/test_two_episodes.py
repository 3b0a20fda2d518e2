"""Done when: the first episode's five documents plus a second episode given only as
a VTT transcript, a chapters JSON and markdown notes; the CLI answers about each,
with times, asked by number or by title."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from bot import cli


def run(capsys, *argv: str) -> tuple[int, dict]:
    code = cli.main(list(argv))
    out = capsys.readouterr().out
    return code, json.loads(out) if out.strip().startswith("{") else {"text": out}


@pytest.mark.parametrize("episode", ["491", "#491", "transistor at 80", "Transistor", "transistr", "latest"])
def test_second_episode_answers_with_times_by_number_or_title(capsys, two_episodes, episode):
    code, reply = run(capsys, "ask", "Why did the military want silicon?", "--seeds", str(two_episodes),
                      "--episode", episode, "--json")
    assert code == 0 and reply["episode"] == "491"
    top = reply["results"][0]
    assert top["speaker"] == "Daniel Okafor" and "military wanted it" in top["text"]
    assert top["timestamp"] == "0:21:14"
    assert top["chapter"] == "Silicon and Texas Instruments"
    assert top["source"] == "491-transistor/transcript.vtt:46"
    assert top["link"] == "https://www.youtube.com/watch?v=sigpath491&t=1274s"


@pytest.mark.parametrize("episode", ["490", "State of AI", "scaling laws", "china"])
def test_first_episode_still_answers_by_number_or_title(capsys, two_episodes, episode):
    code, reply = run(capsys, "ask", "What is RLVR?", "--seeds", str(two_episodes), "--episode", episode, "--json")
    assert code == 0 and reply["episode"] == "490"
    top = reply["results"][0]
    assert "RLVR" in top["text"] and top["timestamp"]
    assert not any("491-transistor" in (r["source"] or "") for r in reply["results"])


def test_without_an_episode_the_latest_answers(capsys, two_episodes):
    code, reply = run(capsys, "ask", "What was the point-contact transistor?", "--seeds", str(two_episodes), "--json")
    assert code == 0 and reply["episode"] == "491"  # released 2027, after #490
    said = next(r for r in reply["results"] if r["kind"] == "transcript")
    assert said["timestamp"] == "0:05:10" and said["speaker"] == "Maya Chen"


def test_chapters_of_the_second_episode_by_title_and_time(capsys, two_episodes):
    code, reply = run(capsys, "chapter", "Shockley", "--seeds", str(two_episodes), "--episode", "491", "--json")
    assert code == 0
    assert [(r["title"], r["timestamp"]) for r in reply["results"]] == [
        ("Shockley and the junction transistor", "0:12:20")]
    code, reply = run(capsys, "chapter", "0:21:10", "--seeds", str(two_episodes), "--episode", "transistor", "--json")
    assert reply["results"][0]["title"] == "Silicon and Texas Instruments"
    code, reply = run(capsys, "chapter", "--seeds", str(two_episodes), "--episode", "491", "--json")
    # The sponsor break is marked toc=false in the chapters file: hidden, as podcast apps do.
    assert [r["timestamp"] for r in reply["results"]] == ["0:00:00", "0:05:00", "0:12:20", "0:21:00"]


def test_quote_from_the_notes_gets_its_time_from_the_transcript(capsys, two_episodes):
    code, reply = run(capsys, "quote", "small signal", "--seeds", str(two_episodes), "--episode", "491", "--json")
    top = reply["results"][0]
    assert (top["text"], top["speaker"], top["timestamp"]) == (
        "Small signal in, bigger signal out.", "Daniel Okafor", "0:05:15")


def test_unknown_episode_is_a_clear_error(capsys, two_episodes):
    code = cli.main(["ask", "What is RLVR?", "--seeds", str(two_episodes), "--episode", "492"])
    assert code == 2
    assert "I don't know an episode '492'" in capsys.readouterr().out


def test_check_reports_each_file_with_its_reader(capsys, two_episodes):
    code = cli.main(["check", str(two_episodes), "--json"])
    report = json.loads(capsys.readouterr().out)
    assert code == 0 and report["errors"] == 0
    files = {f["file"]: f for f in report["files"]}
    assert files["491-transistor/transcript.vtt"]["format"] == "webvtt"
    assert files["491-transistor/transcript.vtt"]["timed_transcript"] == 9
    assert files["491-transistor/chapters.json"]["format"] == "podcast-chapters"
    assert files["491-transistor/chapters.json"]["chapters"] == 4
    assert files["491-transistor/notes.md"]["format"] == "markdown"
    assert {f["episode"] for f in report["files"]} == {
        "#491 The Transistor at 80",
        "#490 State of AI in 2026: LLMs, Coding, Scaling Laws, China, Agents, GPUs, AGI"}
    assert [e["documents"] for e in report["episodes"]] == [5, 3]


def test_the_installed_command_answers(two_episodes):
    done = subprocess.run([sys.executable, "-m", "bot.cli", "quote", "small signal", "--seeds", str(two_episodes),
                           "--episode", "transistor"], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "[0:05:15] Daniel Okafor: Small signal in, bigger signal out." in done.stdout
