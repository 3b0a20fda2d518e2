"""Word lists kept beside the index cache (bot/kept.py): derived once, read back by later processes."""

from __future__ import annotations

import logging
import os
import stat

import pytest

from bot import english, kept
from bot.meaning import load_model


@pytest.fixture
def folder(tmp_path):
    """Keep lists in a fresh folder for one test, and put back whatever was kept before."""
    before = kept.folder()
    kept.keep_in(tmp_path)
    yield tmp_path
    kept.keep_in(before)


def deriving(calls: list[str], body: str):
    def derive() -> str:
        calls.append(body)
        return body
    return derive


def test_a_list_is_derived_once_then_read_back_as_written(folder):
    calls: list[str] = []
    assert kept.text("words.txt", "source 1", deriving(calls, "\nalpha\nbeta\n")) == "\nalpha\nbeta\n"
    assert kept.text("words.txt", "source 1", deriving(calls, "never used")) == "\nalpha\nbeta\n"
    assert calls == ["\nalpha\nbeta\n"]
    path = folder / "words.txt"
    assert path.read_text(encoding="utf-8") == "source 1\n\nalpha\nbeta\n"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600  # private, as the cache beside it
    assert [p.name for p in folder.iterdir()] == ["words.txt"]  # no temporary file left behind


def test_a_list_from_another_source_or_cut_short_is_derived_again(folder):
    calls: list[str] = []
    kept.text("words.txt", "package 1.0", deriving(calls, "old\n"))
    assert kept.text("words.txt", "package 2.0", deriving(calls, "new\n")) == "new\n"  # an upgrade
    (folder / "words.txt").write_text("package 2.0\nne", encoding="utf-8")  # a file cut short by hand
    assert kept.text("words.txt", "package 2.0", deriving(calls, "new\n"), lambda b: b.endswith("\n")) == "new\n"
    (folder / "words.txt").write_bytes(b"package 2.0\n\xff\xfe")  # not text at all
    assert kept.text("words.txt", "package 2.0", deriving(calls, "new\n")) == "new\n"
    assert calls == ["old\n", "new\n", "new\n", "new\n"]
    assert (folder / "words.txt").read_text(encoding="utf-8") == "package 2.0\nnew\n"


def test_a_folder_that_cannot_be_written_costs_time_not_answers(tmp_path, caplog):
    missing = tmp_path / "gone"  # removed under a running bot, or never created
    before = kept.folder()
    kept.keep_in(missing)
    try:
        calls: list[str] = []
        with caplog.at_level(logging.WARNING, logger="bot.kept"):
            for _ in range(3):
                assert kept.text("unwritable.txt", "s", deriving(calls, "list\n")) == "list\n"
        assert len(calls) == 3
        said = [r.getMessage() for r in caplog.records if "unwritable.txt" in r.getMessage()]
        assert len(said) == 1 and "derived again in every process" in said[0]  # said once, not per question
    finally:
        kept.keep_in(before)


def test_without_a_folder_every_process_derives_its_lists():
    before = kept.folder()
    kept.keep_in(None)
    try:
        calls: list[str] = []
        kept.text("x.txt", "s", deriving(calls, "a\n"))
        kept.text("x.txt", "s", deriving(calls, "a\n"))
        assert calls == ["a\n", "a\n"]
    finally:
        kept.keep_in(before)


def test_the_kept_english_list_answers_as_the_package_does(folder):
    derived = english._lists()  # what this process already holds (or derives now)
    english._lists.cache_clear()
    try:
        first = english._lists()  # derives and keeps it
        assert (folder / "english-words.txt").exists()
        english._lists.cache_clear()
        again = english._lists()  # a later process: read back
        assert first == again == derived
        counted, common = again
        assert "\nhouse\t" in counted and "\nhouse\n" in common and "\nhandel\n" not in common
    finally:
        english._lists.cache_clear()


def test_the_meaning_models_whole_words_are_kept_and_read_back(folder):
    model = load_model("")
    assert model is not None
    model._whole_words = None  # as a new process
    assert model.knows("paris") and not model.knows("traning")
    kept_file = folder / f"model-words-{model.digest}.txt"
    assert kept_file.exists()
    words = set(kept_file.read_text(encoding="utf-8").split("\n")[1:])
    assert "paris" in words and "traning" not in words
    model._whole_words = None
    assert model.knows("Paris")  # read back: the same answers


def test_a_bot_with_an_index_cache_keeps_its_lists_in_the_cache_folder(tmp_path, seeds_dir):
    from bot.core import EpisodeBot

    before = kept.folder()
    try:
        bot = EpisodeBot(seeds_dir, cache_dir=tmp_path / "index")
        assert kept.folder() == bot.store.path.parent == tmp_path / "index"
        assert not os.stat(tmp_path / "index").st_mode & 0o077
    finally:
        kept.keep_in(before)
