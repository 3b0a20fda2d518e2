"""Podcasting 2.0 JSON chapters and transcripts."""

from __future__ import annotations

import json

CHAPTERS = """{
  "version": "1.2.0",
  "title": "The Transistor at 80 | Signal Path #491",
  "podcastName": "Signal Path",
  "author": "Maya Chen",
  "chapters": [
    {"startTime": 0, "title": "Introduction"},
    {"startTime": 95.5, "title": "Sponsor break", "toc": false},
    {"startTime": 300.75, "title": "Bell Labs"},
    {"startTime": "740", "title": ""},
    {"startTime": -3, "title": "Before the start"},
    "not a chapter"
  ]
}
"""


def test_chapters_with_titles_times_and_lines(read):
    doc = read("491/chapters.json", CHAPTERS)
    assert doc.format == "podcast-chapters"
    assert [(c.title, c.start, c.source.line) for c in doc.chapters] == [
        ("Introduction", 0, 7), ("Bell Labs", 300, 9), ("Chapter at 0:12:20", 740, 10)]
    assert (doc.title, doc.number, doc.show, doc.host) == ("The Transistor at 80", 491, "Signal Path", "Maya Chen")
    messages = {p.line: p.message for p in doc.problems}
    assert "no title" in messages[10]
    assert "startTime" in messages[11]
    assert "not an object" in messages[12]


def test_invalid_json_is_an_error_with_its_line(read):
    doc = read("chapters.json", '{"version": "1.2.0",\n "chapters": [\n {"startTime": 0 "title": "x"}]}')
    assert doc.chapters == []
    assert [(p.severity, p.line) for p in doc.problems if p.severity == "error"] == [("error", 3)]


def test_word_level_transcript_segments_become_readable_turns(read):
    words = [("Maya Chen", "What"), ("Maya Chen", "is"), ("Maya Chen", "germanium?"),
             ("Daniel Okafor", "A"), ("Daniel Okafor", "semiconductor"), ("Daniel Okafor", "element.")]
    segments = [{"speaker": s, "startTime": 61.2 + i * 0.4, "endTime": 61.5 + i * 0.4, "body": b}
                for i, (s, b) in enumerate(words)]
    text = json.dumps({"version": "1.0.0", "segments": segments}, indent=2)
    doc = read("transcript.json", text)
    assert doc.format == "podcast-transcript"
    assert [(p.speaker, p.time, p.text) for p in doc.passages] == [
        ("Maya Chen", 61, "What is germanium?"), ("Daniel Okafor", 62, "A semiconductor element.")]
    lines = text.splitlines()
    first_daniel = doc.passages[1].sources[0].line
    assert lines[first_daniel - 1].strip() == "{" and '"A"' in "\n".join(lines[first_daniel:first_daniel + 5])


def test_transcript_segments_without_time_are_reported(read):
    doc = read("t.json", json.dumps({"segments": [{"body": "no time"},
                                                  {"startTime": 5, "body": "Kept words."}]}))
    assert [p.text for p in doc.passages] == ["Kept words."]
    assert any("startTime" in p.message for p in doc.problems)


def test_json_of_another_kind_is_not_taken_for_podcast_json(read):
    doc = read("settings.json", '{"name": "something else", "items": [1, 2]}')
    assert doc.format not in ("podcast-chapters", "podcast-transcript")
