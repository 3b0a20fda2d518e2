"""Many episodes: the catalogue, answers from another episode, examples from the episode asked
about, and a default episode that matches none."""

from __future__ import annotations

import json
import logging
import shutil
from pathlib import Path

import pytest

from bot import cli
from bot.core import EpisodeBot
from bot.replies import Action
from bot.settings import ConfigError

ROOT = Path(__file__).resolve().parents[2]



def cli_json(capsys, *argv: str) -> tuple[int, dict]:
    code = cli.main([*argv, "--json"])
    return code, json.loads(capsys.readouterr().out)


def test_episodes_lists_the_catalogue_newest_first(capsys, two_episodes):
    code, doc = cli_json(capsys, "episodes", "--seeds", str(two_episodes))
    assert code == 0
    assert [r["episode"] for r in doc["results"]] == ["491", "490"]
    first = doc["details"]["episodes"][0]
    assert first == {"id": "491", "number": 491, "title": "The Transistor at 80", "date": "2027-12-16",
                     "length": first["length"], "chapters": 4}
    assert first["length"].startswith("0:")  # a short episode; #490 runs over four hours
    assert doc["details"]["episodes"][1]["length"].startswith("4:")
    assert "2027-12-16" in doc["results"][0]["text"] and "4 chapters" in doc["results"][0]["text"]


@pytest.mark.parametrize("query, found", [("okafor", ["491"]), ("Lambert", ["490"]), ("scaling laws", ["490"]),
                                          ("electronics", ["491"]), ("transistr", ["491"]),
                                          ("cooking", [])])
def test_episodes_filters_by_title_guest_or_topic(two_episodes, query, found):
    bot = EpisodeBot(two_episodes)
    reply = bot.run("episodes", {"query": query})
    assert [r.episode for r in reply.results] == found
    if not found:
        assert "No episode" in reply.message


def test_episodes_pages_a_long_catalogue(tmp_path):
    root = tmp_path / "seeds"
    for n in range(1, 24):
        (root / f"ep{n}").mkdir(parents=True)
        (root / f"ep{n}" / "notes.md").write_text(
            f"---\nepisode: {n}\ntitle: Episode {n} on topic {n}\ndate: 2025-01-{n:02d}\n---\n\n"
            f"## Notes\n\n- [0:{n:02d}:00] Something said in episode {n}.\n", encoding="utf-8")
    bot = EpisodeBot(root)
    first = bot.run("episodes", {})
    assert [r.episode for r in first.results] == [str(n) for n in range(23, 13, -1)]
    assert first.more and "23 episodes" in first.message
    more = next(b for b in first.buttons if b.action.kind == "more")
    third = bot.run_action(Action(kind="more", command="episodes", page=3).encode())
    assert [r.episode for r in third.results] == ["3", "2", "1"] and not third.more
    assert bot.run_action(more.action.encode()).results[0].episode == "13"


def test_the_newer_default_episode_falls_back_to_the_one_that_answers(capsys, two_episodes):
    code, doc = cli_json(capsys, "ask", "What is RLVR?", "--seeds", str(two_episodes))
    assert code == 0 and doc["episode"] == "491"
    assert doc["results"] and {r["episode"] for r in doc["results"]} == {"490"}
    assert "RLVR" in doc["results"][0]["text"]
    assert doc["message"].startswith("Not in #491 The Transistor at 80. In #490 State of AI in 2026 (")


def test_the_fallback_offers_a_button_that_asks_in_that_episode(two_episodes):
    bot = EpisodeBot(two_episodes)
    reply = bot.run("ask", {"question": "What is RLVR?"})
    button = next(b for b in reply.buttons if b.action.kind == "open")
    assert button.label == "Ask in #490 State of AI in 2026" and button.action.episode == "490"
    there = bot.run_action(button.action.encode())
    assert there.episode == "490" and there.results and not there.message


def test_a_question_the_catalogue_cannot_answer_is_still_declined(two_episodes):
    bot = EpisodeBot(two_episodes)
    for question in ("What is the capital of Peru?", "How do I bake sourdough bread?"):
        reply = bot.run("ask", {"question": question})
        assert reply.results == [] and reply.message.startswith("I couldn't find that in #491")


def test_one_episode_never_looks_elsewhere(episode_bot):
    reply = episode_bot.run("ask", {"question": "How do I bake sourdough bread?"})
    assert reply.results == [] and not any(b.action.kind == "open" for b in reply.buttons)


def test_a_question_that_names_an_episode_is_asked_there(two_episodes):
    bot = EpisodeBot(two_episodes)
    reply = bot.run("ask", {"question": "what did they say about RLVR in the AI 2026 episode"})
    assert reply.episode == "490" and reply.results and not reply.message
    assert all(r.episode == "490" for r in reply.results)
    by_number = bot.run("ask", {"question": "Who is Maya Chen in episode 491?"})
    assert by_number.episode == "491"
    # Chat shorthand: "ep 490" anywhere names it, and is not a search word ("ep 490" would find the
    # episode's own card); a bare "#1" with no "in" before it is no episode.
    shorthand = bot.run("ask", {"question": "ep 490 what was said about RLVR"})
    assert shorthand.episode == "490" and "RLVR" in shorthand.results[0].text
    from bot.catalogue import catalogue_of
    snap = bot.snapshot
    assert catalogue_of(snap.index, snap.library).named_in("what's the #1 open model") is None
    # An explicit episode wins over words of the question.
    explicit = bot.run("ask", {"question": "what about RLVR in the AI 2026 episode", "episode": "491"})
    assert explicit.episode == "491"


def test_help_and_declines_take_their_examples_from_the_episode(two_episodes):
    bot = EpisodeBot(two_episodes)
    help_491 = bot.run("help", {})
    examples = {r.title.split()[0]: r.section for r in help_491.results}
    assert "RLVR" not in json.dumps(examples) and "1:30:00" not in json.dumps(examples)
    assert examples["episode"] == "episode 491"
    assert examples["chapter"] in {"chapter 0:05:00", "chapter 0:12:20", "chapter 0:21:00"}
    asked = examples["ask"].removeprefix("ask ").strip('"')
    assert bot.run("ask", {"question": asked, "episode": "491"}).results  # the example answers
    help_490 = EpisodeBot(two_episodes, default_episode="490").run("help", {})
    assert {r.title.split()[0]: r.section for r in help_490.results}["ask"] == 'ask "What is RLVR?"'
    decline = bot.run("summary", {"topic": "sourdough baking", "episode": "491"})
    assert decline.suggestions and not any("work culture" in s or "1:30:00" in s for s in decline.suggestions)


def test_an_empty_question_is_explained_with_an_example_from_the_episode(two_episodes):
    bot = EpisodeBot(two_episodes)
    reply = bot.run("ask", {"question": ""})
    assert reply.error and "Please give a question" in reply.body
    assert "RLVR" not in reply.body and "e.g." in reply.body
    assert "RLVR" in bot.run("ask", {"question": "", "episode": "490"}).body


def test_a_default_episode_that_matches_none_stops_start_up(capsys, two_episodes, monkeypatch):
    monkeypatch.setenv("EPISODE_BOT_DEFAULT_EPISODE", "999")
    assert cli.main(["ask", "What is RLVR?", "--seeds", str(two_episodes)]) == 2
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1
    assert "EPISODE_BOT_DEFAULT_EPISODE='999' matches no episode" in err
    assert "#491 The Transistor at 80" in err and "#490 State of AI" in err


def test_a_reload_that_removes_the_default_episode_falls_back_to_the_latest(two_episodes, caplog):
    bot = EpisodeBot(two_episodes, default_episode="491")
    shutil.rmtree(two_episodes / "491-transistor")
    with caplog.at_level(logging.WARNING, logger="bot.core"):
        assert bot.reload()
        first = bot.run("ask", {"question": "What is RLVR?"})
        second = bot.run("ask", {"question": "What is RLVR?"})
    assert first.episode == second.episode == "490" and first.results
    assert sum("no longer in the seeds" in r.getMessage() for r in caplog.records) == 1


def test_a_default_episode_that_matches_none_raises_at_construction(two_episodes):
    with pytest.raises(ConfigError, match="matches no episode"):
        EpisodeBot(two_episodes, default_episode="nonexistent show")


def test_the_cli_explains_an_empty_question_with_the_episodes_own_example(capsys, two_episodes):
    assert cli.main(["ask", "--seeds", str(two_episodes)]) == 2
    out = capsys.readouterr().out
    assert "Please give a question." in out and "RLVR" not in out and 'episode-bot ask "' in out
    assert cli.main(["ask", "--seeds", str(two_episodes), "--episode", "490"]) == 2
    assert 'episode-bot ask "What is RLVR?"' in capsys.readouterr().out


@pytest.mark.parametrize("command, args, expect", [
    ("chapter", {"title_or_time": "scaling laws"}, "AI Scaling Laws"),
    ("quote", {"text": "calculator"}, "calculator"),
    ("summary", {"topic": "work culture"}, "9/9/6"),
])
def test_quote_chapter_and_summary_also_answer_from_the_episode_that_has_it(two_episodes, command, args, expect):
    reply = EpisodeBot(two_episodes).run(command, args)
    assert reply.episode == "491" and reply.results and {r.episode for r in reply.results} == {"490"}
    assert expect in reply.results[0].text and reply.message.startswith("Not in #491 The Transistor at 80. In #490")


@pytest.mark.parametrize("command, args", [("chapter", {"title_or_time": "sourdough baking"}),
                                           ("quote", {"text": "sourdough starter recipe"}),
                                           ("summary", {"topic": "sourdough baking"})])
def test_what_no_episode_has_is_still_declined(two_episodes, command, args):
    reply = EpisodeBot(two_episodes).run(command, args)
    assert not reply.results and reply.message.startswith("I couldn't find")
