"""/metrics in Slack HTTP mode: a signed /ask through the real slack-bolt is counted."""

from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

from bot.core import EpisodeBot
from bot.limits import RateLimiter, Rule

from .conftest import serve_http


async def scrape(session, base: str) -> dict[tuple[str, tuple], float]:
    """Every sample on /metrics as {(name, sorted labels): value}."""
    async with session.get(base + "/metrics") as resp:
        assert resp.status == 200
        assert resp.headers["Content-Type"].startswith("text/plain")
        text = await resp.text()
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def count(samples, command: str, outcome: str, platform: str = "slack") -> float:
    key = ("episode_bot_commands_total", (("command", command), ("outcome", outcome), ("platform", platform)))
    return samples.get(key, 0.0)


async def test_a_signed_ask_is_counted_at_metrics(http_slack):
    before = await scrape(http_slack.session, http_slack.base)
    status, ack, key = await http_slack.command("/ask", "What is RLVR?")
    assert status == 200
    await http_slack.standin.answer(key)
    _, _, key = await http_slack.command("/ask", "What is the capital of Australia?")
    await http_slack.standin.answer(key)
    after = await scrape(http_slack.session, http_slack.base)
    assert count(after, "ask", "answered") == count(before, "ask", "answered") + 1
    assert count(after, "ask", "declined") == count(before, "ask", "declined") + 1
    hist = ("episode_bot_command_seconds_count", (("command", "ask"),))
    assert after[hist] == before.get(hist, 0.0) + 2
    assert after[("episode_bot_episodes", ())] >= 1


async def test_rate_limited_commands_are_counted(standin, seeds_dir):
    import aiohttp

    bot = EpisodeBot(seeds_dir, limiter=RateLimiter(Rule(0.01, 1), Rule(100, 100)))
    runner, base = await serve_http(standin, bot)
    try:
        async with aiohttp.ClientSession() as session:
            from .conftest import HttpSlack

            slack = HttpSlack(standin, base, session)
            before = await scrape(session, base)
            for _ in range(2):
                _, _, key = await slack.command("/chapter", "scaling laws", user="U0METRICS")
                await standin.answer(key)
            after = await scrape(session, base)
    finally:
        await runner.cleanup()
    assert count(after, "chapter", "answered") == count(before, "chapter", "answered") + 1
    assert count(after, "chapter", "rate_limited") == count(before, "chapter", "rate_limited") + 1
