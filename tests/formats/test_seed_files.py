"""The new readers leave the first episode's five documents to the readers made for them."""

from __future__ import annotations

from bot.formats import READERS, read_document
from bot.formats.captions import SRT, WEBVTT
from bot.formats.podcast_json import CHAPTERS, TRANSCRIPT

from .conftest import DATA, SEEDS

EXPECTED = {
    "000_e0b9b57c2803667d.txt": "labeled-page",
    "001_8476d18638ab9e35.txt": "summary-page",
    "002_662bc875ca3c0c93.txt": "markdown",
    "003_ff796912c0e59928.txt": "show-notes",
    "004_218114b16bd476f2.txt": "tldr-page",
}


def test_every_reader_is_registered_once_with_a_unique_name():
    names = [r.NAME for r in READERS]
    assert len(set(names)) == len(names)
    assert {"webvtt", "srt", "podcast-chapters", "podcast-transcript"} <= set(names)


def test_real_seeds_are_read_as_before():
    for name, fmt in EXPECTED.items():
        path = SEEDS / name
        doc = read_document(path, name)
        assert doc.format == fmt, name
        text = path.read_text(encoding="utf-8-sig")
        assert all(r.sniff(text, name) == 0 for r in (WEBVTT, SRT, CHAPTERS, TRANSCRIPT)), name


def test_second_episode_files_are_read_by_their_readers():
    got = {p.name: read_document(p, p.name).format for p in sorted((DATA / "491-transistor").iterdir())}
    assert got == {"chapters.json": "podcast-chapters", "notes.md": "markdown", "transcript.vtt": "webvtt"}
