"""Searching the whole catalogue reads only a few episodes: the ones that hold the answer.

A catalogue-wide `ask` (and the fallback to other episodes) first picks the
episodes most about the question's words, and compares by meaning only the
items of the episodes closest in meaning; these tests check that the answers
are the ones a search of every passage gives, and that an episode holding a
rare word is never left out however common the question's other words are.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from bench import SEEDS
from bench.catalogue import build
from bench.quality import load_cases, passes
from bench.scale import CatalogueEngine
from bot import search
from bot.core import EpisodeBot
from bot.library import load_library
from bot.search import SearchIndex

WORDS = 1500  # short generated episodes keep the tests fast
SIZE = 3 * search.CATALOGUE_EPISODES  # more episodes than a catalogue-wide search reads


@pytest.fixture(scope="module")
def catalogue(tmp_path_factory):
    seeds, qfile = build(SIZE, SEEDS, words=WORDS, cache=tmp_path_factory.mktemp("catalogue"))
    cases = [c for c in load_cases(qfile) if c["scope"] == "catalogue"]
    return seeds, cases


@pytest.fixture(scope="module")
def cached_bot(catalogue, tmp_path_factory):
    """A bot serving the catalogue from its index cache (the second start: everything read back)."""
    folder = tmp_path_factory.mktemp("index")
    EpisodeBot(catalogue[0], cache_dir=folder)
    return EpisodeBot(catalogue[0], cache_dir=folder)


def _planted(cases):
    return [c for c in cases if c["command"] == "ask" and not c["none"] and not c["id"].startswith("broad")]


def test_planted_facts_are_found_across_the_catalogue(catalogue, cached_bot):
    _, cases = catalogue
    engine = CatalogueEngine(cached_bot)
    assert len(cached_bot.library.episodes) > search.CATALOGUE_EPISODES
    failed = [c["query"] for c in cases if not passes(c, engine.answer(c))]
    assert not failed


def test_the_few_episodes_read_give_the_answer_a_search_of_every_passage_gives(catalogue, cached_bot, monkeypatch):
    _, cases = catalogue
    index = cached_bot.snapshot.index
    picked = {}
    for case in _planted(cases):
        hits, q = index.ask(case["query"], None)
        assert q.episodes is not None and len(q.episodes) <= search.CATALOGUE_EPISODES
        picked[case["query"]] = hits[0]
    monkeypatch.setattr(search, "CATALOGUE_EPISODES", 10_000)  # every episode, every passage, as before
    for query, hit in picked.items():
        hits, q = index.ask(query, None)
        assert q.episodes is None
        assert (hits[0].episode.id, hits[0].item.text) == (hit.episode.id, hit.item.text), query


def test_common_words_still_find_the_right_episodes_passage(catalogue, cached_bot):
    """'hours', 'trained' are in every episode; the codename in one: that episode answers."""
    _, cases = catalogue
    for case in _planted(cases):
        if "trained on" not in case["query"]:
            continue
        hits, _ = cached_bot.snapshot.index.ask(case["query"], None)
        assert hits and passes(case, [_as_result(hits[0])]), case["query"]


def test_the_fallback_from_the_newest_episode_answers_from_the_right_one(catalogue, cached_bot):
    seeds, _ = catalogue
    newest = cached_bot.library.episodes[-1]
    asked = 0
    for case in load_cases(seeds.parent / "questions.jsonl"):
        if case["scope"] != "episode" or case["command"] != "ask" or case["none"] or case["episode"] == newest.id:
            continue
        reply = cached_bot.run("ask", {"question": case["query"], "episode": newest.id})
        assert reply.results and reply.results[0].episode == case["episode"], case["query"]
        asked += 1
    assert asked >= 4


def test_the_same_answers_without_an_index_cache(catalogue):
    seeds, cases = catalogue
    bot = EpisodeBot(seeds)
    engine = CatalogueEngine(bot)
    assert not [c["query"] for c in cases if not passes(c, engine.answer(c))]


def _as_result(hit):
    from bot.commands import _result

    return _result(hit).model_dump()


# -- a rare word beside a common one ---------------------------------------------------------------

def _episode(folder: Path, number: int, notes: list[str]) -> None:
    folder.mkdir(parents=True)
    bullets = "\n".join(f"- {n}" for n in notes)
    (folder / "notes.md").write_text(
        f"---\nepisode: {number}\ntitle: \"Money matters #{number}\"\ndate: 2026-01-{number:02d}\n"
        f"host: Maya Chen\n---\n\n## Notes\n\n{bullets}\n", encoding="utf-8")


@pytest.fixture
def budget_catalogue(tmp_path) -> Path:
    """Many episodes that talk about budgets a lot, and one that mentions a budget once, in Zanzibar."""
    root = tmp_path / "seeds"
    for number in range(1, 3 * search.CATALOGUE_EPISODES + 1):
        notes = [f"The budget for season {number} grew again, and the budget review took {i} weeks."
                 for i in range(1, 12)]
        notes += [f"Listeners wrote in about the budget of part {i}." for i in range(1, 6)]
        if number == 7:
            notes = ["The crew met in Zanzibar to settle the budget.", "Nobody else came that week."]
        _episode(root / f"ep{number:02d}", number, notes)
    return root


@pytest.mark.parametrize("cached", [False, True])
def test_the_only_episode_with_a_rare_word_is_always_read(budget_catalogue, tmp_path, cached):
    kwargs = {"cache_dir": tmp_path / "index"} if cached else {}
    bot = EpisodeBot(budget_catalogue, **kwargs)
    index = bot.snapshot.index
    hits, q = index.ask("What happened to the budget in Zanzibar?", None)
    assert hits and hits[0].episode.number == 7 and "Zanzibar" in hits[0].item.text
    assert q.episodes is not None and q.episodes[0] == index.slot_of[id(hits[0].episode)]
    # A question on the common word alone reads the episodes that say it most, not one that says it once.
    _, q = index.ask("budget review", None)
    seven = next(e for e in bot.library.episodes if e.number == 7)
    assert index.slot_of[id(seven)] not in q.episodes


def test_a_word_added_to_an_episode_is_found_after_a_restart(budget_catalogue, tmp_path):
    """The per-episode word counts follow a changed file: its episode's counts are rebuilt, not reused."""
    cache = tmp_path / "index"
    EpisodeBot(budget_catalogue, cache_dir=cache)
    _episode(tmp_path / "unused", 99, ["placeholder"])
    notes = budget_catalogue / "ep03" / "notes.md"
    notes.write_text(notes.read_text() + "- A walrus audited the budget in Tromso.\n", encoding="utf-8")
    bot = EpisodeBot(budget_catalogue, cache_dir=cache)
    hits, _ = bot.snapshot.index.ask("Who audited the budget in Tromso?", None)
    assert hits and hits[0].episode.number == 3 and "walrus" in hits[0].item.text


def test_item_vectors_read_back_are_kept_for_a_few_episodes_only(catalogue, tmp_path, monkeypatch):
    monkeypatch.setattr(search, "VECTOR_EPISODES", 3)
    seeds, cases = catalogue
    EpisodeBot(seeds, cache_dir=tmp_path / "index")
    bot = EpisodeBot(seeds, cache_dir=tmp_path / "index")  # vectors read back from the cache, on demand
    index = bot.snapshot.index
    if index.model is None:
        pytest.skip("meaning search is off in this environment")
    for case in cases:
        index.ask(case["query"], None)
    assert 0 < len(index._recent) <= 3


TOPICS = {
    "cooking": ["We bake sourdough bread and roast vegetables in the oven.", "A good soup needs stock, salt and time.",
                "The chef explained how to season a cast iron pan."],
    "football": ["The striker scored twice before half time.", "The goalkeeper saved a penalty in the final.",
                 "The coach changed the formation to three at the back."],
    "astronomy": ["The telescope found a planet orbiting a distant star.", "A comet passes the sun every seventy years.",
                  "Galaxies collide over billions of years."],
    "gardening": ["Tomatoes need sun, water and well drained soil.", "Prune the roses in late winter.",
                  "Compost feeds the flower beds."],
    "sailing": ["The yacht crossed the harbour against the wind.", "Reef the mainsail before the storm.",
                "The crew tacked toward the lighthouse."],
    "music": ["The orchestra tuned to the oboe before the symphony.", "She played the violin concerto from memory.",
              "The drummer kept the tempo steady."],
    "medicine": ["The doctor prescribed antibiotics for the infection.", "Nurses check blood pressure every morning.",
                 "The surgeon repaired the torn ligament."],
    "trains": ["The locomotive pulled freight across the mountains.", "Commuters waited on the platform for the express.",
               "Signals keep the railway safe."],
    "chess": ["The grandmaster sacrificed a knight for the attack.", "Castle early to keep the king safe.",
              "The endgame came down to rook and pawns."],
    "weather": ["A cold front brings rain and gusty wind.", "The forecast warned of a heatwave.",
                "Snow closed the mountain passes."],
}


@pytest.fixture
def topical_catalogue(tmp_path) -> Path:
    """One episode a subject, each in words of its own."""
    root = tmp_path / "topics"
    for number, (topic, notes) in enumerate(TOPICS.items(), start=1):
        _episode(root / topic, number, notes)
    return root


def test_meaning_reads_the_episodes_closest_in_meaning(topical_catalogue, monkeypatch):
    """The items closest in meaning are found among the few episodes the guides pick, as in a full scan."""
    monkeypatch.setattr(search, "CATALOGUE_EPISODES", 4)
    monkeypatch.setattr(search, "MEANING_EPISODES", 2)
    index = SearchIndex(load_library(topical_catalogue))
    if index.model is None:
        pytest.skip("meaning search is off in this environment")
    for question, topic in (("a recipe for dinner in the kitchen", "cooking"),
                            ("which team won the match", "football"),
                            ("moons and stars in the night sky", "astronomy"),
                            ("an orchestra concert", "music")):
        q = index.parse(question)
        index.query_vector(q)
        episode = next(e for e in index.library.episodes if e.number == list(TOPICS).index(topic) + 1)
        assert index.slot_of[id(episode)] in index.meaning_episodes(q), question
        picked = index.similar(q, None)
        assert index.items[picked[0]][0] is episode, question
        monkeypatch.setattr(search, "CATALOGUE_EPISODES", 10_000)
        assert index.similar(q, None)[:3] == picked[:3], question  # what comparing every item finds
        monkeypatch.setattr(search, "CATALOGUE_EPISODES", 4)
