"""What goes wrong in production: rate limits, Discord errors, crashes in a command, gateway drops."""

from __future__ import annotations

import logging

from bot.core import EpisodeBot
from discord_standin import ROOT, until
from test_discord_commands import EPHEMERAL

CALLBACK = r"^/interactions/\d+/[^/]+/callback$"


def callback_calls(standin, iid: str) -> list:
    return [c for c in standin.calls if c.path.startswith(f"/interactions/{iid}/")]


async def test_a_429_on_the_callback_is_retried(standin, bot):
    # Discord's rate-limit answer: retry_after in the body, and a Via header (Cloudflare in front).
    standin.fail("POST", CALLBACK, 429, {"message": "You are being rate limited.", "retry_after": 0.05,
                                         "global": False}, headers={"Via": "1.1 google"})
    iid = await standin.slash("chapter", {"title_or_time": "scaling laws"})
    await standin.answered(iid)
    assert [c.status for c in callback_calls(standin, iid)] == [429, 200]


async def test_a_500_does_not_kill_the_bot(standin, bot):
    standin.fail("POST", CALLBACK, 500, {"message": "500: Internal Server Error", "code": 0})
    iid = await standin.slash("ask", {"question": "What is RLVR?"})
    await standin.answered(iid)  # discord.py retries a 5xx after a second
    assert [c.status for c in callback_calls(standin, iid)] == [500, 200]
    later = await standin.answered(await standin.slash("help"))
    assert later["type"] == 4


async def test_unknown_interaction_is_a_warning_and_the_bot_carries_on(standin, bot, caplog):
    standin.fail("POST", CALLBACK, 404, {"message": "Unknown interaction", "code": 10062})
    with caplog.at_level(logging.WARNING, logger="adapters.discord"):
        iid = await standin.slash("ask", {"question": "What is RLVR?"})
        await until(lambda: any("10062" in r.getMessage() for r in caplog.records))
    warning = next(r for r in caplog.records if "10062" in r.getMessage())
    assert warning.levelno == logging.WARNING and not warning.exc_info
    assert not standin.interactions[iid]["callbacks"]
    assert (await standin.answered(await standin.slash("help")))["type"] == 4


class BrokenBot(EpisodeBot):
    """A core with a bug in one command, to see the adapter survive it."""

    def run(self, name, args=None, page=1, **kw):
        if (args or {}).get("question") == "crash":
            raise RuntimeError("index out of range in the ranking")
        return super().run(name, args, page, **kw)


async def test_an_unexpected_error_is_logged_and_the_user_gets_an_apology(standin, runner, caplog):
    from adapters.discord.cli import sync

    await sync(runner.core, runner.make_settings(), [])
    await runner.start(core=BrokenBot(ROOT / "seeds"))
    with caplog.at_level(logging.ERROR, logger="adapters.discord"):
        data = (await standin.answered(await standin.slash("ask", {"question": "crash"})))["data"]
    assert data["flags"] & EPHEMERAL
    assert "Sorry, something went wrong" in data["content"]
    assert "index out of range" not in data["content"]  # no internals for the user
    logged = next(r for r in caplog.records if r.levelno == logging.ERROR)
    assert logged.exc_info and "index out of range" in str(logged.exc_info[1])
    assert (await standin.answered(await standin.slash("ask", {"question": "What is RLVR?"})))["type"] == 4


async def test_a_dropped_gateway_resumes_without_syncing_again(standin, runner):
    guild = int(standin.guild_ids[0])
    client = await runner.start(discord_guild_ids=[guild])
    assert client.synced_guilds == [guild]  # first start: the definitions are new, so they sync
    puts = [c for c in standin.calls if c.method == "PUT"]
    assert len(puts) == 1 and client.is_connected()

    standin.gateway_open.clear()  # the gateway is down: reconnects wait
    await standin.drop()
    await until(lambda: not client.is_connected())  # the heartbeat stops while the gateway is down
    standin.gateway_open.set()
    await until(lambda: standin.resumes and client.is_connected())

    assert len(standin.identifies) == 1 and len(standin.resumes) == 1  # RESUME, not a new IDENTIFY
    assert client.sessions == 1  # on_ready did not fire again
    assert [c for c in standin.calls if c.method == "PUT"] == puts  # no second sync
    assert (await standin.answered(await standin.slash("chapter", {"title_or_time": "1:30:00"})))["type"] == 4


async def test_events_missed_while_away_are_replayed_on_resume(standin, bot):
    standin.gateway_open.clear()
    await standin.drop()
    await until(lambda: not bot.is_connected())
    # Discord keeps the events of a session that is resuming and sends them after RESUME.
    iid = await standin.slash("chapter", {"title_or_time": "scaling laws"})
    assert not standin.interactions[iid]["callbacks"]
    standin.gateway_open.set()
    assert "1:02:38" in str(await standin.answered(iid))
    assert len(standin.identifies) == 1


async def test_start_up_sync_only_when_definitions_change(standin, runner, tmp_path):
    guild = int(standin.guild_ids[0])
    first = await runner.start(discord_guild_ids=[guild])
    await runner.stop(first)
    second = await runner.start(discord_guild_ids=[guild])
    assert first.synced_guilds == [guild] and second.synced_guilds == []
    assert len([c for c in standin.calls if c.method == "PUT"]) == 1
    (tmp_path / "state" / "discord-commands.json").write_text('{"%d": "an older definition"}' % guild)
    await runner.stop(second)
    third = await runner.start(discord_guild_ids=[guild])
    assert third.synced_guilds == [guild]


async def test_a_new_session_after_op_9_does_not_sync_again(standin, runner):
    guild = int(standin.guild_ids[0])
    client = await runner.start(discord_guild_ids=[guild])
    puts = [c for c in standin.calls if c.method == "PUT"]
    await standin.invalidate()
    await until(lambda: len(standin.identifies) == 2 and client.sessions == 2 and client.is_connected())
    # After op 9 discord.py reconnects to DEFAULT_GATEWAY: the adapter set it from GET /gateway/bot.
    assert [c.path for c in standin.connections] == ["/gateway", "/gateway"]
    assert [c for c in standin.calls if c.method == "PUT"] == puts  # on_ready again, still no sync
    assert (await standin.answered(await standin.slash("help")))["type"] == 4


async def test_a_resume_uses_the_resume_gateway(standin, bot):
    await standin.drop()
    await until(lambda: standin.resumes and bot.is_connected())
    assert [c.path for c in standin.connections] == ["/gateway", "/resume-gateway"]


class SlowBot(EpisodeBot):
    """A core that takes its time, as on a slow disk or a huge library."""

    def run(self, name, args=None, page=1, **kw):
        import time

        time.sleep(0.3)
        if (args or {}).get("question") == "crash":
            raise RuntimeError("slow and broken")
        return super().run(name, args, page, **kw)


async def test_a_slow_answer_is_deferred_then_edited_in(standin, runner, monkeypatch):
    from adapters.discord import respond
    from adapters.discord.cli import sync

    monkeypatch.setattr(respond, "DEFER_AFTER", 0.05)  # instead of 2 s, to keep the test short
    await sync(runner.core, runner.make_settings(), [])
    await runner.start(core=SlowBot(ROOT / "seeds"))
    iid = await standin.slash("chapter", {"title_or_time": "scaling laws"})
    first = await standin.answered(iid)
    assert first["type"] == 5 and first["data"]["flags"] & EPHEMERAL  # "thinking…", privately
    message = await standin.message_for(iid)
    assert message["embeds"][0]["title"].startswith("AI Scaling Laws")
    assert any(c.method == "PATCH" and c.path.endswith("/messages/@original") for c in standin.calls)

    crash = await standin.slash("ask", {"question": "crash"})
    await standin.answered(crash)
    followup = await standin.wait_for(lambda: standin.interactions[crash]["followups"])
    assert "Sorry, something went wrong" in standin.messages[followup[0]]["content"]
    assert standin.messages[followup[0]]["flags"] & EPHEMERAL


async def test_sharded_run_connects_each_shard(standin, runner):
    from adapters.discord.client import ShardedEpisodeClient

    client = await runner.start(discord_shard_count=2)
    assert isinstance(client, ShardedEpisodeClient)
    assert sorted(tuple(i["shard"]) for i in standin.identifies) == [(0, 2), (1, 2)]
    assert all(i["intents"] == 1 for i in standin.identifies)
    await until(client.is_connected)
    assert (await standin.answered(await standin.slash("help")))["type"] == 4


async def test_a_member_who_asks_too_fast_is_told_when_to_retry(standin, runner):
    from adapters.discord.cli import sync
    from bot.limits import RateLimiter, Rule

    await sync(runner.core, runner.make_settings(), [])
    limited = EpisodeBot(ROOT / "seeds", limiter=RateLimiter(Rule(0.01, 2), Rule(10, 20)))
    await runner.start(core=limited)
    answers = [(await standin.answered(await standin.slash("help")))["data"] for _ in range(3)]
    assert answers[0]["embeds"] and answers[1]["embeds"]
    assert answers[2]["flags"] & EPHEMERAL and "Slow down" in answers[2]["content"]
    other = (await standin.answered(await standin.slash("help", user_id="556677889900112233")))["data"]
    assert other["embeds"]  # another member is not held up


async def test_a_rate_limited_start_up_sync_does_not_stop_the_bot(standin, runner, caplog):
    # Discord allows 200 command creations a day per guild; a long 429 must not keep the bot down.
    standin.fail("PUT", r"/guilds/\d+/commands$", 429, {"message": "You are being rate limited.",
                                                          "retry_after": 3600.0, "global": False},
                 headers={"Via": "1.1 google", "X-RateLimit-Scope": "shared"})
    guild = int(standin.guild_ids[0])
    with caplog.at_level(logging.ERROR, logger="adapters.discord"):
        client = await runner.start(discord_guild_ids=[guild])
    assert client.synced_guilds == [] and any("rate-limits" in r.getMessage() for r in caplog.records)
    assert (await standin.answered(await standin.slash("help")))["type"] == 4


async def test_share_counts_against_the_rate_limit(standin, runner):
    from adapters.discord.cli import sync
    from bot.limits import RateLimiter, Rule

    await sync(runner.core, runner.make_settings(), [])
    limited = EpisodeBot(ROOT / "seeds", limiter=RateLimiter(Rule(0.01, 2), Rule(10, 20)))
    await runner.start(core=limited)
    private = await standin.message_for(await standin.slash("ask", {"question": "What is RLVR?"}))
    shared = (await standin.answered(await standin.click(private, "Share to channel")))["data"]
    assert not shared.get("flags", 0) & EPHEMERAL and shared["embeds"]
    again = (await standin.answered(await standin.click(private, "Share to channel")))["data"]
    assert again["flags"] & EPHEMERAL and "Slow down" in again["content"]
