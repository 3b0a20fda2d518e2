"""The shortcuts that keep a question about one episode fast give the answers the long way gives.

- A question declined in its episode looks through the others (the fallback);
  when it names something no episode mentions and too few of its other words
  are anywhere, that look stops before reading any episode.
- Typo correction searches only words of a near length, and remembers what it
  found for a word.
- `quote` compares sentence by sentence only the lines that hold enough of the
  words, and each ratio only when it could beat the best sentence so far.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from rapidfuzz import fuzz, process
from rapidfuzz.distance import OSA

from bot import search
from bot.core import EpisodeBot
from bot.models import Quote
from bot.search import DECLINE_BELOW, SearchIndex, _ByLength, _windows
from bot.text import sentences


def _episode(folder: Path, number: int, notes: list[str], turns: list[tuple[str, str]] = ()) -> None:
    folder.mkdir(parents=True)
    bullets = "\n".join(f"- {n}" for n in notes)
    (folder / "notes.md").write_text(
        f"---\nepisode: {number}\ntitle: \"Money matters #{number}\"\ndate: 2026-01-{number:02d}\n"
        f"host: Maya Chen\n---\n\n## Notes\n\n{bullets}\n", encoding="utf-8")
    if turns:
        lines = "\n\n".join(f"**{who} (0:{i:02d}:00)** {text}" for i, (who, text) in enumerate(turns, 1))
        (folder / "transcript.md").write_text(f"# #{number} Money matters\n\n### Introduction\n\n{lines}\n",
                                              encoding="utf-8")


@pytest.fixture(scope="module")
def bot(tmp_path_factory) -> EpisodeBot:
    """More episodes than a catalogue-wide search reads; one holds the Zanzibar meeting, one a fundraiser."""
    root = tmp_path_factory.mktemp("seeds")
    for number in range(1, 3 * search.CATALOGUE_EPISODES + 1):
        notes = [f"The budget for season {number} grew again, and the budget review took {i} weeks."
                 for i in range(1, 8)]
        notes.append(f"Listeners wrote in about the football coverage of part {number}.")
        turns = [("Maya Chen", f"Welcome back to part {number}. We talk about money, as always. "
                               "Today the budget is the whole story. Stay with us.")]
        if number == 7:
            notes = ["The crew met in Zanzibar to settle the budget.", "Nobody else came that week."]
        if number == 11:
            notes.append("The fundraiser brought in enough to pay the interns.")
            turns.append(("Sam Ortiz", "I never believed the fundraiser would work. Then it paid for everything. "
                                       "Honestly, we were lucky. The interns stayed the whole year."))
        _episode(root / f"ep{number:02d}", number, notes, turns)
    return EpisodeBot(root, cache_dir=tmp_path_factory.mktemp("index"))


def _number(bot: EpisodeBot, episode_id: str | None) -> int | None:
    return next(e.number for e in bot.library.episodes if e.id == episode_id) if episode_id else None


def test_the_fallback_finds_the_answer_in_the_right_episode_among_many(bot):
    reply = bot.run("ask", {"question": "Where did the crew meet to settle the budget?", "episode": "3"})
    assert reply.results and _number(bot, reply.results[0].episode) == 7
    assert "Zanzibar" in reply.results[0].text
    assert reply.message.startswith("Not in #3")


def test_a_typo_of_an_episode_word_in_the_fallback_is_still_corrected(bot):
    for _ in range(2):  # the second time from the remembered correction
        reply = bot.run("ask", {"question": "Where did the crew meet to settle the budgett?", "episode": "3"})
        assert reply.results and _number(bot, reply.results[0].episode) == 7
        assert "'budget' (you typed 'budgett')" in reply.message


@pytest.mark.parametrize("question", ["Who won the football match between Arsenal and Tottenham?",
                                      "Who won the footbal match between Arsenall and Tottenhm?"])
def test_a_name_no_episode_mentions_is_declined_without_reading_the_others(bot, question, monkeypatch):
    index = bot.snapshot.index
    q = index.parse(question)
    assert index.strangers(q) and index._covers_nowhere(q)
    read = []
    monkeypatch.setattr(SearchIndex, "candidates", lambda self, *a, **k: read.append(a) or [])
    reply = bot.run("ask", {"question": question, "episode": "3"})
    assert not reply.results and reply.message.startswith("I couldn't find that in #3")
    assert all(episode is not None for _, episode, *rest in read)  # the other episodes were never searched
    monkeypatch.undo()
    # The long way (every step of the catalogue-wide search) declines too.
    monkeypatch.setattr(SearchIndex, "_covers_nowhere", lambda self, q: False)
    assert bot.snapshot.index.ask(question, None)[0] == []


@pytest.mark.parametrize("question", ["Where did the crew meet in Zanzibar?", "budget review in Tromso?",
                                      "Who funds the interns?", "fund the football in Arsenal",
                                      "Who won the football match between Arsenal and Tottenham?",
                                      "season review weeks", "Zanzib budget", "intern coverage for Chelsea"])
def test_no_item_covers_enough_of_a_question_the_bound_says_none_can(bot, question):
    """The bound is checked against every item of the index: it never rules out one that answers."""
    index = bot.snapshot.index
    q = index.parse(question)
    best = max(index.coverage(q, item) for _, item in (index.items[r] for r in _all_rowids(index)))
    if index._covers_nowhere(q):
        assert best < DECLINE_BELOW


def _all_rowids(index: SearchIndex) -> list[int]:
    return [rowid for (rowid,) in index.db.execute("SELECT rowid FROM docs")]


def test_typo_correction_of_near_lengths_finds_what_the_whole_vocabulary_gives(bot):
    index = bot.snapshot.index
    rnd = random.Random(7)
    words = [*index.words, "budget", "budgets", "fundraiser", "zanzibar"]
    near = _ByLength(words)

    def typo(w: str) -> str:
        i = rnd.randrange(len(w))
        return rnd.choice([w[:i] + w[i + 1:], w[:i] + "e" + w[i:], w[:i] + "x" + w[i + 1:],
                           w[:i] + w[i + 1:i + 2] + w[i:i + 1] + w[i + 2:]])

    for word in [typo(rnd.choice(words)) for _ in range(300)] + ["arsenal", "tottenham", "budet"]:
        for cutoff in (1, 2):
            whole = [(w, d) for w, d, _ in process.extract(word, words, scorer=OSA.distance,
                                                           score_cutoff=cutoff, limit=8)]
            assert near.nearest(word, cutoff, 8) == whole, word


def test_a_quote_is_found_with_its_best_sentence(bot):
    reply = bot.run("quote", {"text": "believed the fundraiser would work", "episode": "3"})
    assert reply.results and _number(bot, reply.results[0].episode) == 11
    assert reply.results[0].text == "I never believed the fundraiser would work."
    # Each line found shows the sentence the full comparison of every sentence picks.
    index = bot.snapshot.index
    wanted = "believed the fundraiser would work"
    turns = [h for h in index.quotes(wanted, next(e for e in bot.library.episodes if e.number == 11), None)
             if not isinstance(h.item, Quote)]
    assert turns
    for hit in turns:
        scored = [(fuzz.partial_ratio(wanted, s.lower()) * 0.6 + fuzz.token_set_ratio(wanted, s.lower()) * 0.4, s)
                  for s in _windows(sentences(hit.item.text))]
        top = max(score for score, _ in scored)
        assert hit.excerpt == next(s for score, s in scored if score == top)
