"""CI's smoke run of the whole benchmark at 1 and 10 episodes: it runs and writes its report.

No timing is asserted: speed is for people to read in docs/benchmarks.md.
"""

from __future__ import annotations

import json

from bench.__main__ import main
from bench.report import BEGIN, END, write_doc


def test_benchmark_smoke_run(tmp_path, capsys):
    out = tmp_path / "docs" / "benchmarks.md"
    out.parent.mkdir()
    out.write_text("# Benchmarks\n\nNotes written by a person.\n\n" + BEGIN + "\nold\n" + END + "\n\nMore notes.\n")
    assert main(["--sizes", "1,10", "--repeats", "2", "--out", str(out)]) == 0  # full-length episodes
    text = out.read_text()
    assert "Notes written by a person." in text and "More notes." in text and "\nold\n" not in text
    for heading in ("### Answer quality", "### Speed on the seeds", "### Scale", "BM25 over lines",
                    "rapidfuzz over lines", "Targets at 10 episodes"):
        assert heading in text
    assert (out.parent / "scale.png").read_bytes()[:4] == b"\x89PNG"
    raw = json.loads(out.with_suffix(".json").read_text())
    assert sorted(raw["scale"], key=int) == ["1", "10"]
    assert raw["scale"]["10"]["episodes"] == 10
    top1 = raw["scale"]["10"]["top1"]
    assert sum(v[0] for v in top1.values()) == sum(v[1] for v in top1.values())  # planted facts found
    ten = raw["scale"]["10"]  # CPU seconds beside the wall clock: a first build's work is the bot's and its workers'
    assert ten["build_cpu_s"] > 0 and ten["build_cpu_workers_s"] > 0 and ten["add_cpu_s"] > 0
    assert all(0 < cell["cpu_p99"] for cell in ten["latency_ms"].values())
    assert "(CPU " in text and "; CPU " in text
    assert "top-1" in capsys.readouterr().out


def test_rerun_keeps_notes_around_the_tables(tmp_path):
    doc = tmp_path / "b.md"
    write_doc(doc, BEGIN + "\nfirst\n" + END, "# Intro")
    doc.write_text(doc.read_text() + "\n## What changed\nA note.\n")
    write_doc(doc, BEGIN + "\nsecond\n" + END, "# Intro")
    text = doc.read_text()
    assert "second" in text and "first" not in text and "A note." in text


def test_bad_sizes_are_refused(capsys):
    import pytest

    with pytest.raises(SystemExit):
        main(["--sizes", "ten", "--out", "-"])
    assert "--sizes" in capsys.readouterr().err
