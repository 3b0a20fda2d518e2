"""One error handler; 429s from Slack are retried; the command prefix renames every command."""

from __future__ import annotations

import logging

import aiohttp

from bot.commands import COMMANDS
from bot.errors import UserError

from .conftest import HttpSlack, flat, serve_http


async def test_a_crash_in_the_core_is_logged_and_answered_with_an_apology(http_slack, episode_bot,
                                                                          monkeypatch, caplog):
    def broken(*args, **kwargs):
        raise RuntimeError("index file vanished")

    monkeypatch.setattr(episode_bot, "run", broken)
    status, _, key = await http_slack.command("/ask", "What is RLVR?")
    assert status == 200
    [message] = await http_slack.standin.answer(key)
    assert message["response_type"] == "ephemeral"
    assert "Sorry, something went wrong" in flat(message) and "vanished" not in flat(message)
    failures = [r for r in caplog.records if r.name == "adapters.slack.app" and r.levelno == logging.ERROR]
    assert failures and failures[0].exc_info[0] is RuntimeError
    assert "respond/" not in failures[0].getMessage()


async def test_a_user_error_raised_in_a_listener_is_shown_as_is(http_slack, episode_bot, monkeypatch):
    def refuse(*args, **kwargs):
        raise UserError("That episode is not public yet.", "Try 'latest'.")

    monkeypatch.setattr(episode_bot, "run", refuse)
    status, _, key = await http_slack.command("/summary", "")
    [message] = await http_slack.standin.answer(key)
    assert "That episode is not public yet. Try 'latest'." in flat(message)


async def test_rate_limited_web_api_and_response_url_are_retried(standin, episode_bot):
    standin.too_many = {"auth.test": 1, "respond": 1}
    runner, base = await serve_http(standin, episode_bot)
    try:
        async with aiohttp.ClientSession() as session:
            slack = HttpSlack(standin, base, session)
            status, _, key = await slack.command("/chapter", "scaling laws")
            assert status == 200
            [message] = await standin.answer(key)
    finally:
        await runner.cleanup()
    assert "1:02:38" in flat(message)
    assert [m for m, _ in standin.calls].count("auth.test") == 2  # the 429, then the retry
    assert standin.too_many == {"auth.test": 0, "respond": 0}


async def test_command_prefix_renames_every_command(standin, episode_bot):
    runner, base = await serve_http(standin, episode_bot, slack_command_prefix="pod")
    try:
        async with aiohttp.ClientSession() as session:
            slack = HttpSlack(standin, base, session)
            for command in COMMANDS:
                status, _, key = await slack.command(f"/pod-{command.name}", "")
                assert status == 200, command.name
            status, _, _ = await slack.command("/ask", "What is RLVR?")
            assert status == 404  # bolt: no listener for the unprefixed name
            status, ack, _ = await slack.command("/pod-ask", "")
            assert "/pod-ask &lt;question&gt;" in ack
    finally:
        await runner.cleanup()


async def test_public_visibility_answers_in_channel_without_share(standin, episode_bot):
    runner, base = await serve_http(standin, episode_bot, reply_visibility="public")
    try:
        async with aiohttp.ClientSession() as session:
            slack = HttpSlack(standin, base, session)
            _, _, key = await slack.command("/chapter", "scaling laws")
            [message] = await standin.answer(key)
            _, _, bad = await slack.command("/episode", "zzzz no such thing")
            [error] = await standin.answer(bad)
    finally:
        await runner.cleanup()
    assert message["response_type"] == "in_channel"
    assert "episode_bot_share" not in flat(message) and "Share" not in str(message["blocks"])
    assert error["response_type"] == "ephemeral"  # mistakes stay private


async def test_a_crash_before_the_ack_is_acked_with_the_apology(http_slack, monkeypatch, caplog):
    import adapters.slack.syntax as syntax

    def broken(command, text):
        raise KeyError("parser bug")

    monkeypatch.setattr(syntax, "parse", broken)
    status, ack, key = await http_slack.command("/ask", "What is RLVR?")
    assert status == 200 and "Sorry, something went wrong" in ack and "parser bug" not in ack
    assert any(r.levelno == logging.ERROR and r.exc_info for r in caplog.records)
