"""Whether a passage found by meaning answers: the fitted model, its fit, and the path through ask."""

from __future__ import annotations

import math

import numpy as np

from bench.fit_answerable import fit, probability
from bot.answerable import ANSWER_FROM, SOFT_FLOOR, Evidence


def test_more_evidence_of_every_kind_makes_an_answer_likelier():
    base = Evidence(cosine=0.35, soft=0.25, known=0.6, total=20.0)
    p = base.probability()
    for stronger in (Evidence(0.45, 0.25, 0.6, 20.0), Evidence(0.35, 0.4, 0.6, 20.0),
                     Evidence(0.35, 0.25, 0.9, 20.0), Evidence(0.35, 0.25, 0.6, 40.0)):
        assert stronger.probability() > p


def test_a_passage_far_in_meaning_holding_little_does_not_answer():
    assert not Evidence(cosine=0.2, soft=0.15, known=0.3, total=15.0).answers()
    assert Evidence(cosine=0.5, soft=0.45, known=0.9, total=25.0).answers()
    assert 0 < ANSWER_FROM < 1


def test_a_close_passage_holding_too_little_of_the_question_does_not_answer():
    close = Evidence(cosine=0.6, soft=SOFT_FLOOR + 0.05, known=0.9, total=25.0)
    assert close.answers()
    assert not Evidence(cosine=0.6, soft=SOFT_FLOOR - 0.05, known=0.9, total=25.0).answers()


def test_the_fit_recovers_the_coefficients_that_made_the_labels():
    rng = np.random.default_rng(7)
    true = {"a": 3.0, "b": -2.0}
    data = []
    for _ in range(4000):
        f = {"a": float(rng.normal()), "b": float(rng.normal())}
        p = 1 / (1 + math.exp(-(0.5 + true["a"] * f["a"] + true["b"] * f["b"])))
        data.append(({}, f, int(rng.random() < p)))
    intercept, coef = fit(data, ["a", "b"])
    assert abs(intercept - 0.5) < 0.25 and all(abs(coef[k] - true[k]) < 0.4 for k in true)
    assert probability(intercept, coef, {"a": 5.0, "b": 0.0}) > 0.99


def test_a_paraphrase_is_answered_by_meaning_and_says_so(episode_bot):
    reply = episode_bot.run("ask", {"question": "What does artificially generated pretraining text "
                                                "actually mean in practice?"}).to_json()
    assert reply["results"] and reply["results"][0]["match"] == "meaning"


def test_a_near_domain_question_is_still_declined(episode_bot):
    for question in ("How does speculative decoding make inference faster?",
                     "How long can the videos from OpenAI's Sora model be?"):
        assert episode_bot.run("ask", {"question": question}).to_json()["results"] == []


def test_a_quote_or_chapter_naming_something_never_mentioned_is_not_found_by_meaning(episode_bot):
    asked = "How long can the videos from OpenAI's Sora model be?"
    assert episode_bot.run("quote", {"text": asked}).to_json()["results"] == []
    assert episode_bot.run("chapter", {"title_or_time": asked}).to_json()["results"] == []


def test_a_rearranged_line_is_found_by_one_sentence_of_a_long_turn(episode_bot):
    index = episode_bot.snapshot.index
    episode = episode_bot.snapshot.library.episodes[0]
    q = index.parse("researchers are constantly changing their jobs and labs")
    hits = index._quotes_by_meaning(q, episode, None)
    assert hits and "changing labs" in (hits[0].excerpt or "") and hits[0].match == "meaning"


def test_the_fit_reads_its_rows_through_the_bots_own_search(episode_bot):
    """Each row is one question meaning decides: its lead's evidence, and whether the lead is right."""
    from bench.fit_answerable import rows

    found = rows(episode_bot, "natural.jsonl")
    keys = set(Evidence(0, 0, 0, 0).features())
    assert found and all(set(features) == keys and label in (0, 1) for _, features, label in found)
    assert all(label == 0 for case, _, label in found if case["none"])
    assert any(label == 1 for _, _, label in found)


def test_the_known_share_is_the_asked_episodes_own_vocabulary(two_episodes):
    """A catalogue knows more words than any one episode: 'known' counts the lead's episode's words."""
    from bot.core import EpisodeBot
    from bot.search import _line

    index = EpisodeBot(two_episodes).snapshot.index
    seeds, transistor = sorted(index.library.episodes, key=lambda e: e.number or 0)
    every = sorted(index.df)
    held = {}
    for episode in (seeds, transistor, seeds):
        held[episode.id] = index._held_in(episode, every)
        full = index.library.full(episode)  # the episode's own items hold exactly these stems
        assert held[episode.id] == {s for item in [*full.passages, *full.quotes] for s in _line(item).split("\n") if s}
    assert held[seeds.id] != held[transistor.id]
