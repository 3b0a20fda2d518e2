"""Faults against the Discord and Slack stand-ins: each one logged once and survived, nothing lost."""

from __future__ import annotations

import asyncio
import re
import logging
import shutil
import socket

import pytest
from aiohttp import web

from bot.core import EpisodeBot
from bot.limits import RateLimiter, Rule

from .conftest import ROOT, until

CALLBACK = r"^/interactions/\d+/[^/]+/callback$"
EPHEMERAL = 64


def limited_bot(seeds=ROOT / "seeds", per_second: float = 0.5) -> EpisodeBot:
    """A bot with the default limits: 5 at once per user, 20 per channel.

    `per_second`: how fast a user's bucket refills (default 0.5, the product's); a test counting
    refusals over several requests passes a slower one, so a slow machine can't refill it meanwhile.
    """
    return EpisodeBot(seeds, limiter=RateLimiter(Rule(per_second, 5), Rule(2.0, 20)))


def errors_about(caplog, *words: str) -> list[logging.LogRecord]:
    return [r for r in caplog.records if r.levelno >= logging.WARNING and all(w in r.getMessage() for w in words)]


# -- Discord ---------------------------------------------------------------------------

async def test_discord_429_burst_is_retried_and_nothing_is_lost(discord_standin, discord_runner, episode_bot):
    await discord_runner.start(episode_bot)
    discord_standin.fail("POST", CALLBACK, 429, {"message": "You are being rate limited.", "retry_after": 0.05,
                                                 "global": False}, headers={"Via": "1.1 google"}, times=5)
    ids = [await discord_standin.slash("chapter", {"title_or_time": "scaling laws"}) for _ in range(10)]
    for iid in ids:
        assert (await discord_standin.answered(iid))["type"] == 4
    statuses = [c.status for c in discord_standin.calls if c.path.startswith("/interactions/")]
    assert statuses.count(429) == 5 and statuses.count(200) == 10


async def test_discord_refused_answer_is_logged_once_and_the_bot_goes_on(discord_standin, discord_runner,
                                                                         episode_bot, caplog):
    await discord_runner.start(episode_bot)
    # The answer and the apology after it are both refused (a channel the bot lost access to).
    discord_standin.fail("POST", CALLBACK, 403, {"message": "Missing Access", "code": 50001}, times=2)
    caplog.set_level(logging.INFO)
    failed = await discord_standin.slash("ask", {"question": "What is RLVR?"})
    await until(lambda: errors_about(caplog, "could not tell the user", failed))
    assert len([r for r in caplog.records if r.levelno >= logging.ERROR and failed in r.getMessage()]) == 1
    assert discord_standin.token not in caplog.text
    assert (await discord_standin.answered(await discord_standin.slash("help")))["type"] == 4


async def test_discord_gateway_drop_mid_burst_loses_nothing(discord_standin, discord_runner, episode_bot):
    client = await discord_runner.start(episode_bot)
    first = [await discord_standin.slash("ask", {"question": "What is RLVR?"}) for _ in range(5)]
    await discord_standin.drop(4000)  # a network blip: the bot resumes and gets what it missed
    during = [await discord_standin.slash("summary", {}) for _ in range(5)]
    for iid in first + during:
        assert (await discord_standin.answered(iid, timeout=20))["type"] == 4
    assert discord_standin.resumes and client.is_ready()


async def test_discord_rate_limit_answers_privately_and_spares_others(discord_standin, discord_runner):
    await discord_runner.start(limited_bot(per_second=0.01))
    noisy = [await discord_standin.slash("help", user_id="300000000000000001") for _ in range(7)]
    quiet = await discord_standin.slash("help", user_id="300000000000000002")
    answers = [(await discord_standin.answered(iid))["data"] for iid in noisy]
    slowed = [a for a in answers if "Slow down" in (a.get("content") or "")]
    assert len(slowed) == 2 and all(a["flags"] & EPHEMERAL for a in slowed)
    assert re.search(r"try again in \d+ s", slowed[0]["content"])
    assert (await discord_standin.answered(quiet))["data"]["embeds"]


async def test_discord_seed_file_vanishing_mid_run(discord_standin, discord_runner, tmp_path):
    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    core = EpisodeBot(seeds)
    await discord_runner.start(core)
    victim = sorted(seeds.iterdir())[-1]
    victim.unlink()
    assert await asyncio.to_thread(core.reload) is True
    data = (await discord_standin.answered(await discord_standin.slash("ask", {"question": "What is RLVR?"})))["data"]
    assert data["embeds"]


# -- Slack -------------------------------------------------------------------------------

async def test_slack_response_url_429_is_retried_then_logged_once(slack_http, slack_standin, caplog):
    caplog.set_level(logging.INFO)
    slack_standin.too_many = {"respond": 3}  # the first try and both retries
    status, _, key = await slack_http.command("/help", "")
    assert status == 200
    await until(lambda: errors_about(caplog, "refused the answer", "429"))
    assert len(errors_about(caplog, "refused the answer")) == 1
    status, _, key = await slack_http.command("/help", "")
    assert (await slack_standin.answer(key))[0]["blocks"]


async def _failing_server(status: int) -> tuple[web.AppRunner, str]:
    async def handler(request: web.Request) -> web.Response:
        return web.Response(status=status, text="no_service")

    app = web.Application()
    app.router.add_post("/{tail:.*}", handler)
    runner = web.AppRunner(app, access_log=None)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    return runner, f"http://127.0.0.1:{site._server.sockets[0].getsockname()[1]}/respond/secretkey42"


def _closed_port_url() -> str:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    return f"http://127.0.0.1:{port}/respond/secretkey42"


@pytest.mark.parametrize("fault", ["500", "refused"])
async def test_slack_failing_response_url_is_logged_once_and_survived(slack_http, slack_standin, caplog, fault):
    from slack.standin import command_body

    caplog.set_level(logging.INFO)
    runner = None
    if fault == "500":
        runner, url = await _failing_server(500)
    else:
        url = _closed_port_url()
    try:
        status, _ = await slack_http.post(command_body("/ask", "What is RLVR?", url))
        assert status == 200
        words = ("refused the answer", "500") if fault == "500" else ("could not post the answer",)
        await until(lambda: errors_about(caplog, *words))
        assert len(errors_about(caplog, "answer")) == 1
        assert "secretkey42" not in caplog.text  # a response_url is a credential
    finally:
        if runner is not None:
            await runner.cleanup()
    status, _, key = await slack_http.command("/ask", "What is RLVR?")
    assert (await slack_standin.answer(key))[0]["blocks"]


async def test_slack_rate_limit_answers_privately_and_spares_others(slack_standin):
    import aiohttp
    from slack.conftest import HttpSlack, serve_http
    from slack.standin import command_body

    runner, base = await serve_http(slack_standin, limited_bot(per_second=0.01))
    try:
        async with aiohttp.ClientSession() as session:
            slack = HttpSlack(slack_standin, base, session)
            keys = []
            for _ in range(7):
                url, key = slack_standin.response_url()
                assert (await slack.post(command_body("/help", "", url, user="U0NOISY")))[0] == 200
                keys.append(key)
            url, quiet = slack_standin.response_url()
            await slack.post(command_body("/help", "", url, user="U0QUIET"))
            answers = [(await slack_standin.answer(k))[0] for k in keys]
            slowed = [a for a in answers if "Slow down" in a["text"]]
            assert len(slowed) == 2 and all(a["response_type"] == "ephemeral" for a in slowed)
            assert "Slow down" not in (await slack_standin.answer(quiet))[0]["text"]
    finally:
        await runner.cleanup()


async def test_slack_auth_rate_limited_past_retries_says_so_plainly(slack_http, slack_standin, caplog):
    """A 429 storm on auth.test must not tell users to reinstall the app (bolt's default message)."""
    slack_standin.too_many = {"auth.test": 3}  # the first try and both retries
    status, ack, _ = await slack_http.command("/help", "")
    assert status == 200 and "reinstall" not in ack.lower()
    assert "try again" in ack.lower()
    status, _, key = await slack_http.command("/help", "")  # Slack calms down: answered again
    assert (await slack_standin.answer(key))[0]["blocks"]


async def test_slack_seed_file_vanishing_mid_run(slack_standin, tmp_path):
    import aiohttp
    from slack.conftest import HttpSlack, serve_http

    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    core = EpisodeBot(seeds)
    runner, base = await serve_http(slack_standin, core)
    try:
        async with aiohttp.ClientSession() as session:
            slack = HttpSlack(slack_standin, base, session)
            sorted(seeds.iterdir())[-1].unlink()
            assert await asyncio.to_thread(core.reload) is True
            shutil.rmtree(seeds)  # and then the whole folder: the old episodes stay
            assert await asyncio.to_thread(core.reload) is False
            status, _, key = await slack.command("/ask", "What is RLVR?")
            assert status == 200 and (await slack_standin.answer(key))[0]["blocks"]
    finally:
        await runner.cleanup()


async def test_discord_500_is_retried_once_and_answered(discord_standin, discord_runner, episode_bot):
    await discord_runner.start(episode_bot)
    discord_standin.fail("POST", CALLBACK, 500, {"message": "500: Internal Server Error", "code": 0})
    iid = await discord_standin.slash("help")
    assert (await discord_standin.answered(iid))["type"] == 4  # discord.py retries a 5xx after a second


async def test_discord_long_429_is_not_slept_through(discord_standin, discord_runner, episode_bot, caplog,
                                                    monkeypatch):
    """discord.py's webhook path sleeps out any 429; the adapter caps the wait and logs it once."""
    from adapters.discord import respond

    monkeypatch.setattr(respond, "CALLBACK_WAIT", 0.5)  # 30 s in production
    await discord_runner.start(episode_bot)
    discord_standin.fail("POST", CALLBACK, 429, {"message": "You are being rate limited.", "retry_after": 120,
                                                 "global": False}, headers={"Via": "1.1 google"})
    caplog.set_level(logging.WARNING)
    stuck = await discord_standin.slash("help")
    # The fault answers the next callback, whoever's it is: let the stuck answer take it before the other one asks.
    await discord_standin.wait_for(lambda: any(c.path.startswith(f"/interactions/{stuck}/")
                                               for c in discord_standin.calls))
    other = await discord_standin.slash("help", user_id="300000000000000003")
    assert (await discord_standin.answered(other))["type"] == 4  # nobody else waits for it
    await until(lambda: errors_about(caplog, "dropped", stuck))
    assert len(errors_about(caplog, "dropped")) == 1
    assert not discord_standin.interactions[stuck]["callbacks"]
