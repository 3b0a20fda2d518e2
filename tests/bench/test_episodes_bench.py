"""CI's smoke run of the many-episodes benchmark on a tiny catalogue: it runs, answers from the
right episode, and prints its figures beside the baselines. No timing is asserted."""

from __future__ import annotations

import json

from bench.episodes import main


def test_episodes_benchmark_smoke_run(tmp_path, capsys):
    out = tmp_path / "figures.json"
    assert main(["--sizes", "3", "--words", "2000", "--repeats", "1", "--json", str(out)]) == 0
    printed = capsys.readouterr().out
    for column in ("fallback p50 / p99 ms", "named episode (floor)", "episode by episode (baseline)",
                   "filter, per call", "ask before 45:00"):
        assert column in printed
    figures = json.loads(out.read_text())
    [run] = figures["fallback"]
    assert run["episodes"] == 3 and run["asked"] > 0
    assert run["right_episode"] == run["asked"]  # every fallback found the episode the fact was planted in
    assert run["declined"] == run["out_of_scope"]  # and an out-of-scope question is still declined
    assert figures["spoiler"]["filter per call"]["n"] == figures["spoiler"]["questions"]
