"""The episode option across two episodes: number, title fragment, 'latest', default, autocomplete."""

from __future__ import annotations

import pytest

from bot.core import EpisodeBot
from bot.errors import UserError


@pytest.fixture
def bot(two_episodes):
    return EpisodeBot(two_episodes)


@pytest.mark.parametrize("wanted, expected", [
    ("491", "491"), ("#490", "490"), (" 490 ", "490"), ("latest", "491"), ("LATEST", "491"), ("", "491"),
    (None, "491"), ("transistor", "491"), ("The Transistor at 80", "491"), ("transistr at 80", "491"),
    ("state of ai", "490"), ("Scaling Laws", "490"), ("agents", "490"), ("scalng laws", "490"),
])
def test_resolve(bot, wanted, expected):
    assert bot.resolve_episode(wanted).id == expected


@pytest.mark.parametrize("wanted", ["492", "junction transistor", "zz"])
def test_unknown_episode(bot, wanted):
    with pytest.raises(UserError, match="I don't know an episode"):
        bot.resolve_episode(wanted)


def test_configured_default_episode_is_used_when_none_is_given(two_episodes):
    bot = EpisodeBot(two_episodes, default_episode="490")
    assert bot.resolve_episode(None).id == "490"
    assert bot.resolve_episode("491").id == "491"
    reply = bot.run("chapter", {})
    assert reply.episode == "490" and len(reply.results) == 27


def test_every_command_takes_the_episode_option(bot):
    for name, args in [("ask", {"question": "What was the point-contact transistor?"}), ("quote", {}),
                       ("chapter", {}), ("summary", {}), ("episode", {})]:
        reply = bot.run(name, {**args, "episode": "transistor"})
        assert not reply.error and reply.episode == "491", name
        reply = bot.run(name, {**args, "episode": "nope-nothing"})
        assert reply.error and "I don't know an episode" in reply.body, name


def test_autocomplete_episodes_newest_first_and_by_fragment(bot):
    names = [c.name for c in bot.complete("episode", "")]
    assert names[0] == "#491 The Transistor at 80" and names[1].startswith("#490 State of AI")
    assert [c.value for c in bot.complete("episode", "transis")][0] == "491"
    assert [c.value for c in bot.complete("episode", "state of")][0] == "490"
    # The value a user picks is what the command resolves.
    for choice in bot.complete("episode", ""):
        assert bot.resolve_episode(choice.value).label == choice.name


def test_autocomplete_chapters_and_speakers_follow_the_chosen_episode(bot):
    chapters = bot.complete("chapter", "shock", episode="491")
    assert chapters[0].value == "Shockley and the junction transistor"
    assert chapters[0].name == "0:12:20 Shockley and the junction transistor"
    speakers = {c.value for c in bot.complete("speaker", "", episode="491")}
    assert {"Maya Chen", "Daniel Okafor"} <= speakers and "Lex Fridman" not in speakers
    assert len(bot.complete("chapter", "", episode="490")) == 25  # Discord's cap
