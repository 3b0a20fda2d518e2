"""The bad-input table through both adapters' real libraries: discord.py and slack-bolt on loopback."""

from __future__ import annotations

import re

import pytest

from bot.commands import MAX_QUERY

from .inputs import BAD_INPUTS, bad_chars

TOO_LONG = {"one past the limit", "10,000 chars", "one 5,000-char word"}
EPHEMERAL = 64


def discord_text(data: dict) -> str:
    parts = [data.get("content") or ""]
    for e in data.get("embeds") or []:
        parts += [e.get("title") or "", e.get("description") or "", (e.get("footer") or {}).get("text") or ""]
        parts += [t for f in e.get("fields") or [] for t in (f["name"], f["value"])]
    return "\n".join(parts)


async def test_discord_bad_input_table(discord_standin, discord_runner, episode_bot):
    """Every input is answered once, within Discord's limits, never pinging or linking anyone."""
    await discord_runner.start(episode_bot)
    # All at once, as a busy server would send them: none may be lost.
    ids = {name: await discord_standin.slash("ask", {"question": text}) for name, text in BAD_INPUTS.items()}
    for name, iid in ids.items():
        data = (await discord_standin.answered(iid))["data"]
        text = discord_text(data)
        assert data["allowed_mentions"] == {"parse": []}, name
        assert not re.search(r"(?<![\\\u200b])@(everyone|here)|<@[!&]?\d{17,20}>", text), (name, text)
        assert not re.search(r"(?<!\\)\[[^\]]*\]\(https://evil", text), (name, text)
        assert not bad_chars(text), (name, text)
        if name in TOO_LONG:
            assert data["flags"] & EPHEMERAL and f"the limit is {MAX_QUERY}" in data["content"], name
        elif name == "empty":
            assert "Please give a question" in data["content"], name
        else:
            assert data["embeds"], (name, data.get("content"))
    assert len(discord_standin.interactions) == len(BAD_INPUTS)
    assert all(len(r["callbacks"]) == 1 for r in discord_standin.interactions.values())  # answered once each


async def test_slack_bad_input_table(slack_http, slack_standin):
    """Every input is acked at once, and answered or refused with the usage, within Block Kit limits."""
    from slack.conftest import check_limits, live_mentions

    for name, text in BAD_INPUTS.items():
        if "\ud800" in text:  # a form body cannot carry a lone surrogate: Slack never sends one
            continue
        status, ack, key = await slack_http.command("/ask", text)
        assert status == 200, (name, status)
        if name in TOO_LONG or name == "empty":
            assert "Usage" in ack and ("the limit is" in ack or "Please give" in ack), (name, ack)
            continue
        [message] = await slack_standin.answer(key)
        check_limits(message)
        assert not live_mentions(message), (name, live_mentions(message))
        assert message["response_type"] == "ephemeral"
        texts = [message["text"]] + [b["text"]["text"] for b in message["blocks"] if "text" in b]
        for t in texts:
            assert not bad_chars(t), (name, t)
            assert "<https://evil" not in t, (name, t)


@pytest.mark.parametrize("text", ["episode:<!channel>", "speaker:\"<@U024BE7LH>\" calculator",
                                  "episode:" + "9" * 200, "episode:&lt;!here&gt;"])
async def test_slack_named_options_are_checked_too(slack_http, slack_standin, text):
    """Slack users write options inline (`episode:490`); those values meet the same limits and escaping."""
    from slack.conftest import live_mentions

    status, ack, key = await slack_http.command("/quote", text)
    assert status == 200
    if ack:
        assert "limit" in ack or "Usage" in ack
        return
    [message] = await slack_standin.answer(key)
    assert not live_mentions(message)
