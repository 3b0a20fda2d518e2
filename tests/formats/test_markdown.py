"""Markdown with YAML front matter, the native format for notes, quotes and takeaways."""

from __future__ import annotations

NOTES = """---
episode: 491
title: "The Transistor at 80 | Signal Path #491"
date: 2027-12-16
host: Maya Chen
guests: [Daniel Okafor]
links:
  video: https://www.youtube.com/watch?v=sigpath491
  page: https://signalpath.example/491
tags: [history, electronics]
---

# The Transistor at 80

## Key takeaways

- **Amplification without tubes**: no filament and no warm-up.

## Chapters

- [0:00] Introduction
- [5:00] Bell Labs
- Not a chapter line

## Notes

- [12:40] Shockley worked out the junction transistor in a hotel room.
- See [the patent](https://patents.example/2524035) for details.
\\# not a heading, just a hash
\\> not a quote

## Quotes

> [5:15] "Small signal in, bigger signal out." — Daniel Okafor (on the demo)
"""


def test_front_matter_facts(read):
    doc = read("491/notes.md", NOTES)
    assert doc.format == "markdown"
    assert (doc.number, doc.title, doc.show, doc.host) == (491, "The Transistor at 80", "Signal Path", "Maya Chen")
    assert doc.date.isoformat() == "2027-12-16" and doc.guests == ["Daniel Okafor"]
    assert [link.url for link in doc.links][0] == "https://www.youtube.com/watch?v=sigpath491"
    assert doc.tags == ["history", "electronics"]


def test_takeaway_headlines_chapters_timed_notes_and_quotes(read):
    doc = read("491/notes.md", NOTES)
    takeaway = next(p for p in doc.passages if p.kind == "takeaway")
    assert (takeaway.title, takeaway.text) == ("Amplification without tubes", "no filament and no warm-up.")
    assert [(c.title, c.start) for c in doc.chapters] == [("Introduction", 0), ("Bell Labs", 300)]
    assert any("needs a time" in p.message for p in doc.problems)
    notes = {p.text: p.time for p in doc.passages if p.kind == "note"}
    assert notes["Shockley worked out the junction transistor in a hotel room."] == 760
    assert "See the patent for details." in notes
    assert "# not a heading, just a hash" in notes and "> not a quote" in notes
    [quote] = doc.quotes
    assert (quote.text, quote.speaker, quote.remark, quote.time) == (
        "Small signal in, bigger signal out.", "Daniel Okafor", "on the demo", 315)
