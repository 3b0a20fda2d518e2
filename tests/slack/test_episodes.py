"""Many episodes and spoiler-safe answers through the real slack-bolt (HTTP mode), with options
typed inline: `/ask What is RLVR? ep:490 before:45:00`."""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import aiohttp
import pytest

from bot.core import EpisodeBot
from bot.text import parse_time

from .conftest import HttpSlack, buttons, check_limits, flat, said, serve_http, serve_with_admin
from .standin import click_body

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
async def two_slack(standin, tmp_path):
    root = tmp_path / "two"
    root.mkdir()
    for path in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(path, root / path.name)
    shutil.copytree(ROOT / "tests" / "formats" / "data" / "491-transistor", root / "491-transistor")
    runner, base = await serve_http(standin, EpisodeBot(root))
    async with aiohttp.ClientSession() as session:
        yield HttpSlack(standin, base, session)
    await runner.cleanup()


async def ask(slack: HttpSlack, command: str, text: str) -> dict:
    status, ack, key = await slack.command(command, text)
    assert status == 200 and ack == "", ack
    [message] = await slack.standin.answer(key)
    check_limits(message)
    return message


def times(message: dict) -> list[int]:
    return [parse_time(t) for t in re.findall(r"\b\d:\d\d:\d\d\b", flat(message))]


async def test_inline_episode_and_before(two_slack):
    message = await ask(two_slack, "/ask", "What was the DeepSeek moment? ep:490 before:45:00")
    text = flat(message)
    assert "Spoiler-safe: up to 45:00" in text and "DeepSeek" in text and "Not in" not in text
    assert times(message) and all(t < 45 * 60 for t in times(message) if t != 45 * 60)
    quoted = await ask(two_slack, "/ask", 'What is RLVR? episode:"state of ai"')
    assert "Not in" not in flat(quoted) and "RLVR" in flat(quoted)
    more = buttons(message).get("episode_bot_more")
    if more is not None:  # the next page keeps the limit
        url, key = two_slack.standin.response_url()
        await two_slack.post(click_body(more["value"], more["action_id"], url))
        [page2] = await two_slack.standin.answer(key)
        assert "Spoiler-safe: up to 45:00" in flat(page2)


async def test_the_newer_default_answers_from_the_older_with_a_button(two_slack):
    message = await ask(two_slack, "/ask", "What is RLVR?")
    assert "Not in #491 The Transistor at 80. In #490 State of AI in 2026" in flat(message)
    button = buttons(message)["episode_bot_open"]
    url, key = two_slack.standin.response_url()
    status, ack = await two_slack.post(click_body(button["value"], button["action_id"], url))
    assert status == 200 and ack == ""
    [there] = await two_slack.standin.answer(key)
    assert there["blocks"][0]["text"]["text"].startswith("#490") and "Not in" not in flat(there)


async def test_an_unknown_option_is_explained_not_searched(two_slack):
    status, ack, key = await two_slack.command("/ask", "What is RLVR? colour:red")
    assert status == 200
    body = json.loads(ack)
    assert body["response_type"] == "ephemeral"
    shown = json.dumps(body)
    assert "colour:" in shown and "episode:" in shown and "before:" in shown and "speaker:" in shown
    assert two_slack.standin.posts(key) == []  # nothing was searched


@pytest.mark.parametrize("text", ["What did they say at 1:02:38, e.g. about scaling?",
                                  "Is https://lexfridman.com/ai-sota-2026 the episode page?"])
async def test_times_and_urls_in_a_question_are_not_options(http_slack, text):
    message = await ask(http_slack, "/ask", text)
    assert message["blocks"]


@pytest.mark.parametrize("value, message", [("-5", "before the start"), ("99:99:99", "not a possible time"),
                                            ("abc", "is not a time"), ("9:00:00", "past the end")])
async def test_a_bad_before_gets_a_clear_message(http_slack, value, message):
    status, ack, key = await http_slack.command("/ask", f"What is RLVR? before:{value}")
    assert status == 200
    [answer] = await http_slack.standin.answer(key)
    assert message in flat(answer) and "Traceback" not in flat(answer)


async def test_episodes_and_help_show_the_catalogue_and_the_inline_syntax(two_slack):
    listing = await ask(two_slack, "/episodes", "")
    text = flat(listing)
    assert text.index("#491 The Transistor at 80") < text.index("#490 State of AI")
    assert "27 chapters" in text and "2026-01-31" in text
    found = await ask(two_slack, "/episodes", "okafor")
    assert "#491" in flat(found) and "#490" not in flat(found)
    helped = flat(await ask(two_slack, "/help", ""))
    assert "ep:" in helped and "before:" in helped and "speaker:" in helped
    assert "RLVR" not in helped  # the examples are #491's, the default episode here


async def test_progress_and_a_channels_episode_survive_a_restart(standin, records_backend, two_episodes):
    """On SQLite and PostgreSQL: /progress and /episodebot channel-episode, kept in the database."""
    root = two_episodes

    runner, session, http = await serve_with_admin(standin, EpisodeBot(root, records=records_backend()))
    try:
        assert "Saved: you are at 45:00" in await said(http, "/progress", "45:00 ep:490", "U0MEMBER")
        refused = await said(http, "/episodebot", "channel-episode 490", "U0MEMBER")
        assert "now answers" not in refused
        assert "now answers from #490" in await said(http, "/episodebot", "channel-episode 490", "U0ADMIN")
    finally:
        await session.close()
        await runner.cleanup()

    runner, session, http = await serve_with_admin(standin, EpisodeBot(root, records=records_backend()))  # restarted
    try:
        mine = await said(http, "/ask", "What is RLVR?", "U0MEMBER")
        assert "Spoiler-safe: up to 45:00 (your saved place" in mine and "Not in" not in mine
        other_channel = await said(http, "/ask", "What is RLVR?", "U0OTHER", channel="C0ELSEWHERE")
        assert "Not in #491" in other_channel and "Spoiler-safe" not in other_channel
        cleared = await said(http, "/progress", "clear ep:490", "U0MEMBER")
        assert "Forgotten" in cleared
        assert "Spoiler-safe" not in await said(http, "/ask", "What is RLVR?", "U0MEMBER")
    finally:
        await session.close()
        await runner.cleanup()
