"""The episode library: the five seed formats, grouping, merging, placing, problems."""

from __future__ import annotations

import pytest

from bot.errors import SeedsError
from bot.library import load_library


@pytest.fixture(scope="module")
def episode(seeds_dir):
    library = load_library(seeds_dir)
    assert len(library.episodes) == 1
    return library.episodes[0]


def test_the_five_documents_are_one_episode_with_its_facts(episode):
    assert episode.number == 490
    assert episode.title == "State of AI in 2026: LLMs, Coding, Scaling Laws, China, Agents, GPUs, AGI"
    assert episode.host == "Lex Fridman"
    assert set(episode.guests) == {"Nathan Lambert", "Sebastian Raschka"}
    assert len(episode.sources) == 5


def test_chapters_highlights_quotes_and_timed_turns_are_all_there(episode):
    assert len(episode.chapters) == 27
    assert [c.start for c in episode.chapters] == sorted(c.start for c in episode.chapters)
    assert episode.chapters[7].title.startswith("AI Scaling Laws") and episode.chapters[7].start == 3758
    assert sum(p.kind == "highlight" for p in episode.passages) == 27
    assert len(episode.quotes) == 5 and all(q.speaker for q in episode.quotes)
    turns = [p for p in episode.passages if p.kind == "transcript" and p.time_basis == "own"]
    assert [(p.speaker, p.time) for p in turns] == [
        ("Lex Fridman", 0), ("Lex Fridman", 51), ("Lex Fridman", 117), ("Sebastian Raschka", 173)]


def test_the_pages_promotions_are_dropped_and_an_ad_read_is_kept_where_it_is_spoken(episode):
    text = " ".join(p.text for p in episode.passages).lower()
    for promo in ("ulisten", "add to chrome", "get full transcript"):
        assert promo not in text
    said = [p for p in episode.passages if "check out our sponsors" in p.text.lower()]
    assert said and all(p.kind == "transcript" and p.time == 51 for p in said)  # the host's words, and when


def test_an_ad_read_is_dropped_from_show_notes_but_not_from_a_transcript():
    from bot.formats.base import ParsedDocument

    doc = ParsedDocument(file="notes.md", format="markdown")
    doc.add("Please check out our sponsors in the description.", "note", 3)
    doc.add("This episode is brought to you by a mattress company.", "summary", 4)
    doc.add("Please check out our sponsors in the description.", "transcript", 9)
    doc.add("Get the full analysis with uListen AI", "transcript", 10)
    assert [(p.kind, p.sources[0].line) for p in doc.passages] == [("transcript", 9)]


def test_a_line_that_is_the_chapter_list_is_no_passage(episode):
    from bot.library import _chapter_titles, _lists_chapters

    text = " ".join(p.text for p in episode.passages)
    assert "В эпизоде также" not in text  # 'also in this episode: ' and nine chapter titles
    assert "They explore emerging directions (tool use, agents, long context" in text  # topics in a sentence: kept
    chapters = _chapter_titles(episode.chapters)
    assert _lists_chapters("Also: Robotics, Long context, Tool use, Continual learning.", chapters)
    assert not _lists_chapters("Robotics, long context and tool use came up, each with a story of its own "
                               "about what the labs are building and why it matters to users.", chapters)


def test_the_same_passage_in_two_sources_is_one_passage_with_both(episode):
    opening = [p for p in episode.passages if p.text.startswith("The following is a conversation")]
    assert len(opening) == 1
    files = {s.file.split("_")[0] for s in opening[0].sources}
    assert files == {"000", "001", "003"}


def test_every_passage_keeps_file_and_line(episode):
    for p in episode.passages:
        assert p.sources and all(s.line >= 1 for s in p.sources)
    rlvr = next(p for p in episode.passages if p.text.startswith("RLVR (Reinforcement"))
    assert str(rlvr.sources[0]) == "002_662bc875ca3c0c93.txt:81"


def test_untimed_passages_are_placed_in_a_chapter_by_topic(episode):
    atom = next(p for p in episode.passages if p.text.startswith("Nathan Lambert launched the ATOM"))
    assert atom.time_basis == "chapter" and atom.chapter is not None
    work = next(p for p in episode.passages if p.text.startswith("The 9/9/6 work schedule"))
    assert work.chapter == "Work culture in AI (72+ hour weeks)" and work.time == 9336


def test_a_quote_takes_its_time_from_the_transcript_line_it_came_from(episode):
    q = next(q for q in episode.quotes if q.text.startswith("I don't think nowadays"))
    assert (q.time, q.time_basis, q.speaker) == (173, "matched", "Sebastian Raschka")


def test_a_quote_goes_to_the_first_turn_holding_it_word_for_word_else_the_closest():
    from bot.library import _containing, _joined, _turns
    from bot.models import Passage, Provenance

    def turn(text, time, file="t.md"):
        return Passage(text=text, kind="transcript", time=time, sources=[Provenance(file=file, line=time)])

    turns = [turn("We talked about the weather in Lisbon.", 1),
             turn("The budget was tight, so we trained on a single node for a week.", 2),
             turn("Again: the budget was tight, so we trained on a single node for a week!", 3)]
    timed = _turns(turns, {})
    assert _containing(_joined("the budget was tight", {}), timed, "") is turns[1]
    assert _containing(_joined("The budget was tight so we trained on a single mode", {}), timed, "") is turns[1]
    assert _containing(_joined("the budget was tight", {}), timed, "t.md") is None  # not from its own file
    assert _containing(_joined("something else entirely", {}), timed, "") is None
    assert _containing("", timed, "") is None


def test_sources_that_disagree_are_recorded(episode):
    date = next(c for c in episode.conflicts if c.field == "date")
    assert {v for v, _ in date.values} == {"2026-01-31", "2026-02-01"}
    # The scraped highlight keeps its own wording; the notes keep theirs.
    assert any("Cloud Code" in p.text for p in episode.passages)
    assert any("Claude Code" in p.text for p in episode.passages)


def test_questions_answered_lines_are_never_kept_as_answers(episode):
    assert not any("aha moments" in p.text and p.kind != "note" for p in episode.passages)
    assert not any(p.text.endswith("?") and p.sources[0].file.startswith("001") and p.kind != "transcript"
                   for p in episode.passages)


def test_documents_group_by_number_subfolder_and_title(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: 'First show #7'\ndate: 2025-01-02\n---\n## Notes\n- Alpha beta.\n")
    (tmp_path / "b.txt").write_text("#7 – First show\n\nGamma delta paragraph.\n")
    sub = tmp_path / "ep8"
    sub.mkdir()
    (sub / "notes.md").write_text("# Second show\n\n- Epsilon zeta.\n")
    (sub / "more.txt").write_text("Eta theta paragraph.\n")
    library = load_library(tmp_path)
    by_id = {e.id: e for e in library.episodes}
    assert sorted(len(e.sources) for e in library.episodes) == [2, 2]
    assert by_id["7"].title == "First show"
    second = next(e for e in library.episodes if e.id != "7")
    assert {s for s in second.sources} == {"ep8/more.txt", "ep8/notes.md"}


def test_unreadable_files_are_named_and_the_rest_still_loads(tmp_path, seeds_dir):
    for f in seeds_dir.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "binary.txt").write_bytes(b"\x00\x01\x02junk")
    (tmp_path / "latin1.txt").write_bytes("line one\ncaf\xe9\n".encode("latin-1"))
    (tmp_path / "broken.md").write_text("---\ntitle: [unclosed\n---\n- still a bullet\n")
    (tmp_path / "empty.txt").write_text("")
    library = load_library(tmp_path)
    problems = {p.file: p for p in library.problems}
    assert "NUL" in problems["binary.txt"].message
    assert problems["latin1.txt"].line == 2 and "UTF-8" in problems["latin1.txt"].message
    assert "front matter" in problems["broken.md"].message and problems["broken.md"].line
    assert "empty" in problems["empty.txt"].message
    assert any(e.number == 490 and len(e.chapters) == 27 for e in library.episodes)


def test_a_document_in_an_unknown_format_still_contributes_its_paragraphs(tmp_path, seeds_dir):
    for f in seeds_dir.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    (tmp_path / "zz_notes.txt").write_text("Some loose remark about photonic interconnects.\n\nAnother one.\n")
    library = load_library(tmp_path)
    assert any("photonic" in p.text for e in library.episodes for p in e.passages)


def test_an_empty_or_missing_seeds_folder_is_a_clear_error(tmp_path):
    with pytest.raises(SeedsError, match="does not exist"):
        load_library(tmp_path / "nope")
    with pytest.raises(SeedsError, match="no readable episode"):
        load_library(tmp_path)


def test_an_undated_episode_never_becomes_the_latest(tmp_path, seeds_dir):
    for f in seeds_dir.iterdir():
        (tmp_path / f.name).write_bytes(f.read_bytes())
    folder = tmp_path / "old-episode-12"
    folder.mkdir()
    (folder / "captions.vtt").write_text("WEBVTT\n\n00:00:01.000 --> 00:00:04.000\n<v Ann>Hello and welcome.\n")
    library = load_library(tmp_path)
    old = next(e for e in library.episodes if e.number != 490)
    assert (old.number, old.title) == (12, "old-episode-12")  # named by its folder, not its file
    assert library.episodes[-1].number == 490


def test_numbers_order_a_numbered_catalogue(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: 'Later #9'\n---\n- Nine.\n")
    (tmp_path / "b.md").write_text("---\ntitle: 'Earlier #3'\ndate: 2026-05-01\n---\n- Three.\n")
    assert [e.number for e in load_library(tmp_path).episodes] == [3, 9]


def test_a_front_matter_field_of_the_wrong_kind_costs_that_field_only(tmp_path):
    (tmp_path / "a.md").write_text("---\ntitle: 'Bad fields #5'\nguests: 5\ndate: 2026-13-45\n---\n"
                                   "## Notes\n- Lathes were compared to mills.\n")
    (tmp_path / "b.chapters.json").write_text(
        '{"version": "1.2.0", "chapters": [{"startTime": 0, "title": "Start"}, '
        '{"startTime": 1e999, "title": "Never"}, {"startTime": 60, "title": "Later"}]}')
    library = load_library(tmp_path)
    problems = [str(p) for p in library.problems]
    assert "a.md:4: date '2026-13-45' is not a date like 2026-01-31; left out" in problems
    assert any(p.startswith("a.md:3: guests") for p in problems)
    assert any("b.chapters.json" in p and "startTime" in p for p in problems)
    episode = library.episodes[0]
    assert episode.number == 5 and [c.title for c in episode.chapters] == ["Start", "Later"]
    assert any("Lathes" in p.text for p in episode.passages)
