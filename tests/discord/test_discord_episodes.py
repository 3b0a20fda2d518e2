"""Many episodes and spoiler-safe answers through the real discord.py, against the local stand-in."""

from __future__ import annotations

from pathlib import Path

import pytest

from adapters.discord.cli import sync
from discord_standin import embed_text, labels
from bot.core import EpisodeBot

ROOT = Path(__file__).resolve().parents[2]
EPHEMERAL = 64


@pytest.fixture
def two_core(two_episodes) -> EpisodeBot:
    return EpisodeBot(two_episodes)


async def test_episodes_lists_the_catalogue(standin, bot):
    data = (await standin.answered(await standin.slash("episodes", {})))["data"]
    assert "#490 State of AI in 2026" in embed_text(data) and "27 chapters" in embed_text(data)


async def test_the_newer_episode_answers_from_the_older_and_says_so(standin, runner, two_core):
    await sync(two_core, runner.make_settings(), [])
    await runner.start(core=two_core)
    data = await standin.message_for(await standin.slash("ask", {"question": "What is RLVR?"}))
    assert "Not in #491 The Transistor at 80. In #490 State of AI in 2026" in embed_text(data)
    assert "RLVR" in embed_text(data)
    assert "Ask in #490 State of AI in 2026" in labels(data)
    there = await standin.answered(await standin.click(data, "Ask in #490 State of AI in 2026"))
    answer = there["data"]
    assert answer["embeds"][0]["title"].startswith("#490") and "Not in" not in embed_text(answer)


async def test_before_has_autocomplete_from_the_chapter_starts(standin, bot):
    iid = await standin.autocomplete("ask", {"question": "What is RLVR?", "before": "1:0"}, focused="before")
    choices = (await standin.answered(iid))["data"]["choices"]
    assert 1 <= len(choices) <= 25
    assert all(":" in c["value"] and len(c["name"]) <= 100 for c in choices)
    assert any(c["value"] == "1:02:38" for c in choices)  # the scaling-laws chapter starts there


async def test_a_spoiler_safe_answer_is_shared_behind_spoiler_tags(standin, bot):
    private = await standin.message_for(await standin.slash(
        "ask", {"question": "What is RLVR?", "before": "1:00:00"}))
    assert private["flags"] & EPHEMERAL
    embed = private["embeds"][0]
    assert "Spoiler-safe: up to 1:00:00" in embed["description"] and not embed["description"].startswith("||")
    assert "Spoiler-safe up to 1:00:00" in embed["footer"]["text"]
    shared = (await standin.answered(await standin.click(private, "Share to channel")))["data"]
    assert not shared.get("flags", 0) & EPHEMERAL
    public = shared["embeds"][0]
    assert public["description"].startswith("||") and public["description"].endswith("||")
    assert all(f["value"].startswith("||") and f["value"].endswith("||") for f in public.get("fields") or [])
    assert len(public["description"]) <= 4096


async def test_a_public_bot_posts_spoiler_safe_answers_behind_tags(standin, runner):
    await sync(runner.core, runner.make_settings(), [])
    await runner.start(reply_visibility="public")
    data = (await standin.answered(await standin.slash(
        "ask", {"question": "What is RLVR?", "before": "45:00"})))["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    assert data["embeds"][0]["description"].startswith("||")
    plain = (await standin.answered(await standin.slash("ask", {"question": "What is RLVR?"})))["data"]
    assert not plain["embeds"][0]["description"].startswith("||")


@pytest.mark.parametrize("value, message", [("-5", "before the start"), ("99:99:99", "not a possible time"),
                                            ("abc", "is not a time"), ("9:00:00", "past the end")])
async def test_a_bad_before_gets_a_clear_private_message(standin, bot, value, message):
    data = (await standin.answered(await standin.slash("ask", {"question": "What is RLVR?", "before": value})))["data"]
    assert data["flags"] & EPHEMERAL and message in data["content"]


async def test_progress_and_a_channels_episode_survive_a_restart(standin, runner, records_backend, two_core):
    """On SQLite and PostgreSQL: a member's /progress and an admin's channel-episode, kept in the database."""
    from discord_standin import MANAGE_SERVER, MEMBER

    member, admin = "223344556677889900", "998877665544332211"
    two_core.records = records_backend()
    await sync(two_core, runner.make_settings(), [])
    client = await runner.start(core=two_core)
    saved = await standin.message_for(await standin.slash("progress", {"time": "45:00", "episode": "490"},
                                                          user_id=member))
    assert "Saved: you are at 45:00" in embed_text(saved)
    refused = await standin.answered(await standin.admin("channel-episode", {"episode": "490"}, user_id=member,
                                                         permissions=MEMBER))
    assert refused["data"]["flags"] & EPHEMERAL and "Manage Server" in embed_text(refused["data"])
    set_ = await standin.message_for(await standin.admin("channel-episode", {"episode": "490"}, user_id=admin,
                                                         permissions=MANAGE_SERVER))
    assert "now answers from #490" in embed_text(set_)
    await runner.stop(client)

    restarted = EpisodeBot(two_core.seeds_dir, records=records_backend())  # a new process, the same database
    await runner.start(core=restarted)
    mine = await standin.message_for(await standin.slash("ask", {"question": "What is RLVR?"}, user_id=member))
    text = embed_text(mine)
    assert "Spoiler-safe: up to 45:00 (your saved place" in text and "Not in" not in text  # #490, this channel's
    theirs = await standin.message_for(await standin.slash("ask", {"question": "What is RLVR?"}, user_id=admin))
    assert "Spoiler-safe" not in embed_text(theirs) and "1:51:51" in embed_text(theirs)
