"""One huge line costs its reader, not every member: passages are capped into sentence windows."""

from __future__ import annotations

import shutil
from pathlib import Path

from bot.core import EpisodeBot
from bot.formats.caps import MAX_PASSAGE, MAX_QUOTE, pieces, windows

SEEDS = Path(__file__).resolve().parents[2] / "seeds"


def _line(n_sentences: int) -> str:
    return " ".join(f"Sentence {i} tells of zebra herd {i % 97} crossing river {i % 13}." for i in range(n_sentences))


def test_a_huge_one_line_file_becomes_capped_windows(read):
    text = _line(40_000)  # about 2.4 MB on one line
    doc = read("transcript.txt", text + "\n")
    assert len(doc.passages) > 1000
    assert max(len(p.text) for p in doc.passages) <= MAX_PASSAGE
    assert " ".join(p.text for p in doc.passages) == text  # every word kept, in order
    assert all(p.text.endswith(".") for p in doc.passages)  # cut between sentences
    assert any(f"has a paragraph of {len(text):,} characters; read as windows" in p.message for p in doc.problems)


def test_an_ordinary_long_paragraph_is_split_quietly(read):
    doc = read("notes.txt", _line(60) + "\n")  # about 3,600 characters
    assert len(doc.passages) > 1 and not doc.problems


def test_a_line_without_sentences_or_spaces_is_still_capped(read):
    doc = read("blob.txt", "x" * 300_000 + "\n")
    assert doc.passages and max(len(p.text) for p in doc.passages) <= MAX_PASSAGE
    assert sum(len(p.text) for p in doc.passages) == 300_000


def test_windows_and_pieces_cover_the_text():
    text = "word " * 5000
    assert " ".join(pieces(text.strip(), 100)) == text.strip()
    assert windows("short one.") == ["short one."]
    long = _line(500)
    assert " ".join(windows(long)) == long


def test_a_long_quote_is_clipped(read):
    doc = read("notes.md", "# Notes\n\n> " + "very " * 2000 + "long quote\n")
    items = [*doc.quotes, *doc.passages]
    assert items and all(len(q.text) <= MAX_QUOTE for q in items)


def test_a_question_finds_a_sentence_deep_in_a_huge_line(tmp_path):
    root = tmp_path / "seeds"
    shutil.copytree(SEEDS, root)
    (root / "huge.txt").write_text(_line(20_000) + " The okapi named Bartholomew swam at dawn. " + _line(20_000) + "\n")
    bot = EpisodeBot(root)
    episode = next(e for e in bot.library.episodes if "huge.txt" in e.sources)
    reply = bot.run("ask", {"question": "Which okapi swam at dawn?", "episode": episode.id})
    assert reply.results and "Bartholomew" in reply.results[0].text
    assert len(reply.results[0].text) <= MAX_PASSAGE
