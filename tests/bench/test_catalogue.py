"""The catalogue generator: deterministic, realistic enough to parse, facts findable."""

from __future__ import annotations

import json

import pytest

from bench import SEEDS
from bench.catalogue import OUT_OF_SCOPE, build, codename, questions, seed_sentences
from bench.quality import BotEngine, load_cases, passes
from bench.scale import CatalogueEngine
from bot.core import EpisodeBot

WORDS = 1500  # short episodes keep the tests fast; the benchmark uses 40,000


@pytest.fixture(scope="module")
def small():
    seeds, qfile = build(3, SEEDS, words=WORDS)
    return seeds, load_cases(qfile)


@pytest.fixture(scope="module")
def hundred():
    seeds, qfile = build(100, SEEDS, words=WORDS)
    return EpisodeBot(seeds), load_cases(qfile)


def test_text_comes_from_the_seeds():
    sentences = seed_sentences(SEEDS)
    assert len(sentences) > 100
    assert not any("\u0418" in s for s in sentences)  # the Russian labels are left out


def test_codenames_are_distinct():
    names = [codename(n) for n in range(1, 801)]
    assert len(set(names)) == len(names)


def test_same_number_same_episode(tmp_path):
    a, _ = build(2, SEEDS, words=WORDS, cache=tmp_path / "a")
    b, _ = build(3, SEEDS, words=WORDS, cache=tmp_path / "b")
    for doc in ("transcript.md", "shownotes.txt", "notes.md"):
        assert (a / "ep0002" / doc).read_bytes() == (b / "ep0002" / doc).read_bytes()


def test_episodes_parse_with_speakers_times_chapters_and_notes(small):
    seeds, _ = small
    bot = EpisodeBot(seeds)
    assert [e.number for e in bot.library.episodes] == [1, 2, 3]
    assert len({e.title for e in bot.library.episodes}) == 3
    for episode in bot.library.episodes:
        turns = [p for p in episode.passages if p.kind == "transcript" and p.speaker and p.time is not None]
        assert len(turns) > 5
        assert len(episode.chapters) >= 4
        assert episode.quotes and any(p.kind == "takeaway" for p in episode.passages)
        assert len(episode.guests) == 2
    assert not [p for p in bot.library.problems if p.severity == "error"]


def test_questions_cover_every_command_and_a_decline(small):
    _, cases = small
    kinds = {(c["command"], c["none"], c["scope"]) for c in cases}
    assert {("ask", False, "episode"), ("quote", False, "episode"), ("chapter", False, "episode"),
            ("summary", False, "episode"), ("ask", True, "episode"), ("ask", False, "catalogue"),
            ("ask", True, "catalogue")} <= kinds
    assert json.dumps(cases)  # plain data, as written to questions.jsonl


def test_planted_facts_are_found(small):
    seeds, cases = small
    bot = EpisodeBot(seeds)
    engines = {"episode": BotEngine(bot), "catalogue": CatalogueEngine(bot)}
    failed = [c["id"] for c in cases if not passes(c, engines[c["scope"]].answer(c))]
    assert failed == []


def test_a_wrong_answer_fails_the_check(small):
    seeds, cases = small
    bot = EpisodeBot(seeds)
    ask = next(c for c in cases if c["command"] == "ask" and not c["none"] and c["scope"] == "episode")
    other = next(c for c in cases if c["command"] == "ask" and not c["none"] and c["scope"] == "episode"
                 and c["episode"] != ask["episode"])  # another episode's fact: its answer is not this one's
    assert not passes(ask, BotEngine(bot).answer(other))
    # The same question about another episode is answered from the episode that has it, and says so.
    elsewhere = bot.run("ask", {"question": ask["query"], "episode": str(int(ask["episode"]) % 3 + 1)})
    assert elsewhere.results[0].episode == ask["episode"] and elsewhere.message.startswith("Not in")


@pytest.mark.parametrize("question", OUT_OF_SCOPE)
def test_out_of_scope_declined_at_100_episodes_as_at_1(small, hundred, question):
    one = EpisodeBot(build(1, SEEDS, words=WORDS)[0])
    bot, _ = hundred
    case = {"command": "ask", "query": question, "all_of": [], "none": True}
    for b in (one, bot):
        assert BotEngine(b).answer(dict(case, episode="1")) == []
        assert CatalogueEngine(b).answer(case) == []


def test_planted_facts_found_among_100_episodes(hundred):
    bot, cases = hundred
    assert len(bot.library.episodes) == 100
    engines = {"episode": BotEngine(bot), "catalogue": CatalogueEngine(bot)}
    failed = [c["id"] for c in cases if not passes(c, engines[c["scope"]].answer(c))]
    assert failed == []
    assert {c["episode"] for c in cases if c["episode"]} > {"1"}  # spread over the catalogue


def test_questions_name_their_episode():
    from bench.catalogue import plant

    fact = plant(7, 10)
    qs = questions(fact)
    assert all(q["episode"] == "7" for q in qs if q["scope"] == "episode")
    assert all(q["episode"] is None for q in qs if q["scope"] == "catalogue")
