"""Every slash command through the real discord.py, against the local Discord stand-in."""

from __future__ import annotations

import re

import pytest

from adapters.discord.cli import sync
from bot.commands import ADMIN_COMMANDS, COMMANDS
from discord_standin import PRIVILEGED_INTENTS, embed_text, labels

NAME = re.compile(r"^[-_'\w]{1,32}$")
EPHEMERAL = 64


async def test_synced_commands_meet_discords_rules(standin, runner):
    await sync(runner.core, runner.make_settings(), [])
    synced = standin.commands["global"]
    assert [c["name"] for c in synced] == [c.name for c in COMMANDS] + ["episodebot"]  # the admins' group last
    admin = synced[-1]  # hidden from members without Manage Server, never in DMs
    assert int(admin["default_member_permissions"]) == 32 and admin["dm_permission"] is False  # Manage Server
    assert [o["name"] for o in admin["options"]] == [c.name for c in ADMIN_COMMANDS]
    assert all(o["type"] == 1 and 1 <= len(o["description"]) <= 100 for o in admin["options"])
    for spec, command in zip(COMMANDS, synced):
        assert NAME.match(command["name"]) and command["name"] == command["name"].lower()
        assert 1 <= len(command["description"]) <= 100
        options = command.get("options", [])
        assert len(options) <= 25
        assert [o["name"] for o in options] == [o.name for o in spec.options]  # the registry's order
        required = [o["required"] for o in options]
        assert required == sorted(required, reverse=True)  # required before optional
        for option, o in zip(spec.options, options):
            assert 1 <= len(o["description"]) <= 100
            assert o["max_length"] == option.max_length <= 6000
            assert o.get("autocomplete", False) == bool(option.autocomplete)
    put = [c for c in standin.calls if c.method == "PUT"]
    assert len(put) == 1 and put[0].path.endswith("/commands")  # one bulk overwrite


async def test_sync_to_one_guild(standin, runner):
    guild = standin.guild_ids[0]
    assert await sync(runner.core, runner.make_settings(), [int(guild)]) == 0
    assert [c["name"] for c in standin.commands[guild]] == [c.name for c in COMMANDS] + ["episodebot"]
    assert "global" not in standin.commands
    assert not standin.identifies  # syncing needs REST only: no gateway session spent


async def test_sync_clear_removes_the_commands(standin, runner, capsys):
    settings = runner.make_settings()
    guild = int(standin.guild_ids[0])
    await sync(runner.core, settings, [])
    await sync(runner.core, settings, [guild])
    assert await sync(runner.core, settings, [], clear=True) == 0
    assert standin.commands["global"] == [] and len(standin.commands[str(guild)]) == len(COMMANDS) + 1
    assert await sync(runner.core, settings, [guild], clear=True) == 0
    assert standin.commands[str(guild)] == []
    assert "removed the bot's commands from server" in capsys.readouterr().out


async def test_identify_asks_for_no_privileged_intent(standin, bot):
    assert len(standin.identifies) == 1
    intents = standin.identifies[0]["intents"]
    assert intents & PRIVILEGED_INTENTS == 0
    assert intents == 1  # guilds only


@pytest.mark.parametrize("name,options,expect", [
    ("ask", {"question": "What is RLVR?"}, "RLVR"),
    ("quote", {"text": "calculator"}, "calculator"),
    ("chapter", {"title_or_time": "scaling laws"}, "1:02:38"),
    ("chapter", {"title_or_time": "1:30:00"}, "Starts at"),
    ("chapter", {}, "Introduction"),
    ("summary", {}, "Summary of"),
    ("summary", {"topic": "work culture"}, "work culture"),
    ("episode", {"episode": "490"}, "Lex Fridman"),
    ("help", {}, "/ask" if False else "ask <question>"),
])
async def test_each_command_answers_like_the_core(standin, bot, episode_bot, name, options, expect):
    iid = await standin.slash(name, options)
    callback = await standin.answered(iid)
    assert callback["type"] == 4  # CHANNEL_MESSAGE_WITH_SOURCE, at once
    data = callback["data"]
    assert data["flags"] & EPHEMERAL  # private by default
    assert data["allowed_mentions"] == {"parse": []}
    assert expect in embed_text(data)
    core = episode_bot.run(name, options)
    assert not core.error
    embed = data["embeds"][0]
    assert embed["title"].replace("\\", "") == core.title  # the same answer the CLI gives
    if core.results and core.results[0].timestamp and name != "chapter" or options.get("title_or_time") == "scaling laws":
        assert core.results[0].timestamp in embed_text(data)
    assert "Share to channel" in labels(data)


async def test_chapter_answer_links_the_moment_and_has_prev_next(standin, bot):
    data = (await standin.answered(await standin.slash("chapter", {"title_or_time": "scaling laws"})))["data"]
    embed = data["embeds"][0]
    assert embed["title"].startswith("AI Scaling Laws")
    assert "1:02:38" in embed["description"]
    assert embed["url"].startswith("https://")
    assert labels(data) == ["Previous chapter", "Next chapter", "Share to channel"]
    assert all(len(b["custom_id"]) <= 100 for row in data["components"] for b in row["components"])


async def test_ask_cites_sources_and_moments(standin, bot):
    data = (await standin.answered(await standin.slash("ask", {"question": "What is RLVR?"})))["data"]
    embed = data["embeds"][0]
    assert embed["footer"]["text"].startswith("Sources: ")
    assert ".txt" in embed["footer"]["text"]
    assert re.search(r"\[\d:\d\d:\d\d\]\(https://", embed["description"])  # a link to the moment
    assert "More results" in labels(data)


async def test_autocomplete_returns_at_most_25_choices(standin, bot):
    for option, typed in (("title_or_time", ""), ("title_or_time", "scal"), ("episode", ""), ("episode", "49")):
        command = "chapter"
        iid = await standin.autocomplete(command, {option: typed}, focused=option)
        callback = await standin.answered(iid)
        assert callback["type"] == 8
        choices = callback["data"]["choices"]
        assert 1 <= len(choices) <= 25
        assert all(1 <= len(c["name"]) <= 100 and len(c["value"]) <= 100 for c in choices)
    iid = await standin.autocomplete("chapter", {"title_or_time": "scal"}, focused="title_or_time")
    choices = (await standin.answered(iid))["data"]["choices"]
    assert choices[0]["value"].startswith("AI Scaling Laws")


async def test_autocomplete_for_speaker_uses_the_chosen_episode(standin, bot):
    iid = await standin.autocomplete("quote", {"speaker": "seb", "episode": "490"}, focused="speaker")
    choices = (await standin.answered(iid))["data"]["choices"]
    assert choices and choices[0]["value"] == "Sebastian Raschka"


async def test_a_submitted_value_is_checked_again(standin, bot):
    # Autocomplete only suggests: any text can arrive, and the handler validates it.
    iid = await standin.slash("chapter", {"title_or_time": "scaling laws", "episode": "no such show"})
    data = (await standin.answered(iid))["data"]
    assert data["flags"] & EPHEMERAL
    assert "I don't know an episode" in data["content"]


async def test_mentions_never_ping(standin, bot):
    hostile = "@everyone @here <@&811112222333344445> <@223344556677889900> [ok](https://evil.example)"
    for name, options in (("summary", {"topic": hostile}), ("episode", {"episode": hostile}),
                          ("ask", {"question": hostile})):
        data = (await standin.answered(await standin.slash(name, options)))["data"]
        assert data["allowed_mentions"] == {"parse": []}
        text = embed_text(data)
        assert "@everyone" not in text and "@here" not in text and "<@&" not in text
        assert not re.search(r"(?<!\\)\[ok\]\(https://evil", text)  # no live masked link
    # The echo is still readable: the mention is broken by a zero-width space, not removed.
    data = standin.interactions[list(standin.interactions)[0]]["callbacks"][0]["data"]
    assert "@\u200beveryone" in embed_text(data)


async def test_awkward_questions_get_clean_replies(standin, bot):
    long = (await standin.answered(await standin.slash("ask", {"question": "why " * 500})))["data"]
    assert long["flags"] & EPHEMERAL and "the limit is 300" in long["content"]
    empty = (await standin.answered(await standin.slash("ask", {"question": "   "})))["data"]
    assert "Please give a question" in empty["content"]
    control = (await standin.answered(await standin.slash(
        "ask", {"question": "What\x00 is\x1b RLVR\u202e?\x07"})))["data"]
    assert control["embeds"] and "RLVR" in embed_text(control)
    assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f\u202e]", embed_text(control))


async def test_public_visibility_has_no_share_button(standin, runner):
    await sync(runner.core, runner.make_settings(), [])
    await runner.start(reply_visibility="public")
    data = (await standin.answered(await standin.slash("ask", {"question": "What is RLVR?"})))["data"]
    assert not data.get("flags", 0) & EPHEMERAL
    assert "Share to channel" not in labels(data)
    error = (await standin.answered(await standin.slash("ask", {"question": "   "})))["data"]
    assert error["flags"] & EPHEMERAL  # mistakes stay private


async def test_a_command_this_version_does_not_know_says_so(standin, bot, caplog):
    data = (await standin.answered(await standin.slash("transcript", {"minute": "3"})))["data"]
    assert data["flags"] & EPHEMERAL and "just updated" in data["content"]
    assert any("episode-bot discord sync" in r.getMessage() for r in caplog.records)


async def test_commands_work_in_a_direct_message(standin, bot):
    data = (await standin.answered(await standin.slash("chapter", {"title_or_time": "scaling laws"}, dm=True)))["data"]
    assert "1:02:38" in embed_text(data)
