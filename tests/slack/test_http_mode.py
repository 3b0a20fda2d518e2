"""HTTP mode end to end: signed requests through the real slack-bolt to the stand-in's response_url."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS

from .conftest import buttons, check_limits, flat, live_mentions, mrkdwn_texts


async def test_chapter_by_title_answers_privately_with_the_moment(http_slack):
    status, ack, key = await http_slack.command("/chapter", "scaling laws")
    assert status == 200 and ack == ""  # acked at once; the answer follows on the response_url
    [message] = await http_slack.standin.answer(key)
    check_limits(message)
    assert message["response_type"] == "ephemeral"
    assert message["blocks"][0]["text"]["text"].startswith("AI Scaling Laws")
    assert "1:02:38" in flat(message)
    assert set(buttons(message)) == {"episode_bot_prev", "episode_bot_next", "episode_bot_share"}


def _text_of(example: str, name: str) -> str:
    return example.removeprefix(name).strip().strip('"')


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
async def test_every_registry_command_answers(http_slack, episode_bot, command):
    text = _text_of(command.example, command.name)
    status, ack, key = await http_slack.command(f"/{command.name}", text)
    assert status == 200
    [message] = await http_slack.standin.answer(key)
    check_limits(message)
    expected = episode_bot.run(command.name, {} if not text else
                               {next(o.name for o in command.options if o.positional or
                                     len(command.options) == 1): text})
    assert not expected.error
    assert message["blocks"][0]["text"]["text"] == expected.title[:150]
    if expected.results and expected.results[0].timestamp and command.name != "help":
        assert expected.results[0].timestamp in flat(message)


async def test_ask_with_episode_option_and_more_results_button(http_slack):
    status, _, key = await http_slack.command("/ask", "What is RLVR? episode:490")
    [message] = await http_slack.standin.answer(key)
    check_limits(message)
    assert "RLVR" in flat(message)
    assert "episode_bot_more" in buttons(message)


async def test_mentions_and_ampersands_in_a_query_are_escaped(http_slack):
    query = "<!channel> <!here> <@U0VICTIM> <https://evil.example|ok> R&D"
    for command, text in (("/summary", query), ("/ask", query), ("/episode", query),
                          ("/quote", f"{query} speaker:Nobody"), ("/chapter", query)):
        status, ack, key = await http_slack.command(command, text)
        assert status == 200
        [message] = await http_slack.standin.answer(key)
        check_limits(message)
        assert live_mentions(message) == [], command
        mrkdwn = "\n".join(mrkdwn_texts(message))
        assert "R&D" not in mrkdwn and "evil.example|ok>" not in mrkdwn, command
    # The query is echoed (summary title, error messages) only in escaped form.
    status, _, key = await http_slack.command("/episode", query)
    [message] = await http_slack.standin.answer(key)
    assert "&lt;!channel&gt; &lt;!here&gt; &lt;@U0VICTIM&gt;" in "".join(mrkdwn_texts(message))
    assert "R&amp;D" in "".join(mrkdwn_texts(message))


async def test_empty_and_overlong_input_get_the_usage_in_the_ack(http_slack):
    status, ack, key = await http_slack.command("/ask", "   ")
    assert status == 200
    assert "Please give a question" in ack and "/ask &lt;question&gt;" in ack
    status, ack, key2 = await http_slack.command("/ask", "why " * 100)
    assert status == 200 and "limit is 300" in ack and "Usage" in ack
    # Nothing else is posted for a usage mistake.
    await http_slack.command("/help", "")
    await http_slack.standin.wait_for(lambda: len(http_slack.standin.posted) >= 1)
    assert http_slack.standin.posts(key) == [] and http_slack.standin.posts(key2) == []


async def test_unknown_episode_is_a_private_user_error(http_slack):
    status, _, key = await http_slack.command("/episode", "no such show at all zzzz")
    [message] = await http_slack.standin.answer(key)
    assert message["response_type"] == "ephemeral"
    assert "I don't know an episode" in flat(message) and "episode_bot_share" not in buttons(message)


async def test_healthz(http_slack):
    async with http_slack.session.get(http_slack.base + "/healthz") as resp:
        assert resp.status == 200 and (await resp.json())["status"] == "ok"


async def test_help_shows_the_slack_commands_with_the_prefix(standin, episode_bot):
    import aiohttp

    from .conftest import HttpSlack, serve_http

    runner, base = await serve_http(standin, episode_bot, slack_command_prefix="pod")
    try:
        async with aiohttp.ClientSession() as session:
            _, _, key = await HttpSlack(standin, base, session).command("/pod-help", "")
            [message] = await standin.answer(key)
    finally:
        await runner.cleanup()
    text = flat(message)
    for command in COMMANDS:
        assert f"*/pod-{command.name}" in text
    assert "Example: /pod-ask What is RLVR?" in text
