"""Broken seed files: the library loads the rest and names each problem."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import pytest

import bot.library as library_module
from bot.core import EpisodeBot
from bot.errors import SeedsError
from bot.library import load_library

GOOD_MD = """---
title: A small test episode
number: 9001
---
# A small test episode

## Takeaways
- Calibration matters more than raw accuracy.
"""

BROKEN = {
    "empty.txt": b"",
    "blank.md": b"   \n\n\t\n",
    "binary.txt": bytes(range(256)) * 64,
    "bad-utf8.txt": "Episode #9002 notes\nline two\n".encode() + b"caf\xe9 au lait\n",
    "latin1.md": "# Épisode\n\nCafé crème".encode("latin-1"),
    "front-matter-broken.md": b"---\ntitle: [unclosed\nnumber: : 3\n---\n# Body\n\nSome text about RLVR.\n",
    "front-matter-unended.md": b"---\ntitle: never ends\n# Body\n",
    "front-matter-list.md": b"---\n- a\n- b\n---\n# Body\n\nText.\n",
    "truncated.json": b'{"version": "1.0.0", "chapters": [{"startTime": 0, "title": "Intro"',
    "garbage.vtt": b"WEBVTT\n\n00:00:99.000 --> banana\nhello\n",
    "garbage.srt": b"1\n00:00:01,000 --> \n\n2\nnot a time\n",
}


@pytest.fixture
def broken_seeds(tmp_path, seeds_dir) -> Path:
    root = tmp_path / "seeds"
    shutil.copytree(seeds_dir, root)
    for name, data in BROKEN.items():
        (root / name).write_bytes(data)
    (root / "bom.md").write_bytes("\ufeff".encode() + GOOD_MD.encode())
    with open(root / "huge.txt", "wb") as f:  # 50 MB, sparse: costs no disk and is never read
        f.truncate(50 * 1024 * 1024)
    return root


def problems_by_file(library) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for p in library.problems:
        out.setdefault(p.file, []).append(str(p))
    return out


def test_library_loads_the_rest_and_names_every_problem(broken_seeds, seeds_dir, caplog):
    caplog.set_level(logging.WARNING, logger="bot.library")
    real = load_library(seeds_dir)
    library = load_library(broken_seeds)
    ids = {e.id for e in library.episodes}
    assert {e.id for e in real.episodes} <= ids  # every real episode is still there
    assert "9001" in ids  # the file with a BOM reads as a normal file
    named = problems_by_file(library)
    assert "huge.txt" in named and "52.4 MB" in named["huge.txt"][0] and "skipped" in named["huge.txt"][0]
    assert "looks binary" in named["binary.txt"][0]
    assert "bad-utf8.txt:3" in named["bad-utf8.txt"][0] and "not valid UTF-8" in named["bad-utf8.txt"][0]
    assert "not valid UTF-8" in named["latin1.md"][0]
    assert "empty" in named["empty.txt"][0] and "empty" in named["blank.md"][0]
    assert any("front matter" in p for p in named["front-matter-broken.md"])
    assert any("never ends" in p for p in named["front-matter-unended.md"])
    assert any("front matter" in p for p in named["front-matter-list.md"])
    for name in ("truncated.json", "garbage.vtt", "garbage.srt"):
        assert name in named, f"{name} loaded silently: {named}"
    assert "bom.md" not in named
    logged = caplog.text
    for name in ("huge.txt", "binary.txt", "bad-utf8.txt", "empty.txt"):
        assert logged.count(f"seed {name}") == 1  # each named once, not once per line


def test_answers_still_work_over_broken_seeds(broken_seeds):
    reply = EpisodeBot(broken_seeds).run("ask", {"question": "What is RLVR?", "episode": "490"})
    assert not reply.error and reply.results


def test_a_file_that_vanishes_during_reload(broken_seeds, monkeypatch, caplog):
    episode_bot = EpisodeBot(broken_seeds)
    before = {e.id for e in episode_bot.library.episodes}
    victim = broken_seeds / "bom.md"
    read_document = library_module.read_document

    def vanishing(path, name, max_bytes):
        if path == victim:
            victim.unlink()  # listed a moment ago, gone now: the race a live folder has
        return read_document(path, name, max_bytes)

    monkeypatch.setattr(library_module, "read_document", vanishing)
    caplog.set_level(logging.INFO)
    assert episode_bot.reload() is True
    assert {e.id for e in episode_bot.library.episodes} == before - {"9001"}
    named = problems_by_file(episode_bot.library)
    assert "could not be read" in named["bom.md"][0]
    assert "reloaded" in caplog.text


def test_every_file_vanishing_keeps_the_old_episodes(broken_seeds, caplog):
    episode_bot = EpisodeBot(broken_seeds)
    before = [e.id for e in episode_bot.library.episodes]
    shutil.rmtree(broken_seeds)
    caplog.set_level(logging.ERROR)
    assert episode_bot.reload() is False
    assert [e.id for e in episode_bot.library.episodes] == before
    assert "still serving the previous episodes" in caplog.text
    assert not episode_bot.run("ask", {"question": "What is RLVR?"}).error


def test_only_broken_files_is_a_clear_start_up_error(tmp_path):
    root = tmp_path / "only-broken"
    root.mkdir()
    for name in ("empty.txt", "binary.txt", "bad-utf8.txt"):
        (root / name).write_bytes(BROKEN[name])
    with pytest.raises(SeedsError, match="holds no readable episode document .3 file"):
        EpisodeBot(root)
