"""How documents become episodes: folders, numbers, then titles."""

from __future__ import annotations

from bot.library import load_library

NOTES = """---
episode: {n}
title: "Listener mailbag | Signal Path #{n}"
---
## Notes
- Question {n} about transistors.
"""


def test_like_titles_in_two_folders_stay_two_episodes(tmp_path):
    for n in (12, 13):
        folder = tmp_path / f"ep{n}"
        folder.mkdir()
        (folder / "notes.md").write_text(NOTES.format(n=n))
        (folder / "transcript.srt").write_text(f"1\n00:00:05,000 --> 00:00:08,000\nHost: Mailbag number {n}.\n")
    library = load_library(tmp_path)
    assert [(e.number, sorted(e.sources)) for e in library.episodes] == [
        (12, ["ep12/notes.md", "ep12/transcript.srt"]), (13, ["ep13/notes.md", "ep13/transcript.srt"])]


def test_loose_documents_with_one_title_are_one_episode(tmp_path):
    (tmp_path / "notes.md").write_text("---\ntitle: The Transistor at 80\n---\n- A note.\n")
    (tmp_path / "chapters.json").write_text('{"version": "1.2.0", "title": "The transistor at 80", '
                                            '"chapters": [{"startTime": 0, "title": "Introduction"}]}')
    [episode] = load_library(tmp_path).episodes
    assert sorted(episode.sources) == ["chapters.json", "notes.md"] and len(episode.chapters) == 1


def test_one_number_in_two_folders_is_two_episodes_with_distinct_ids(tmp_path):
    for season, day in ((1, "2026-01-05"), (2, "2027-01-04")):
        folder = tmp_path / f"s{season}e1"
        folder.mkdir()
        (folder / "notes.md").write_text(f"---\nepisode: 1\ntitle: Season {season} opener\ndate: {day}\n---\n"
                                         f"- Season {season} starts here.\n")
    library = load_library(tmp_path)
    assert [(e.id, e.title) for e in library.episodes] == [("1", "Season 1 opener"), ("1-2", "Season 2 opener")]
    from bot.core import EpisodeBot

    bot = EpisodeBot(tmp_path)
    assert [c.value for c in bot.complete("episode", "")] == ["1-2", "1"]
    assert bot.resolve_episode("1-2").title == "Season 2 opener"
    assert bot.resolve_episode("season 1").title == "Season 1 opener"
