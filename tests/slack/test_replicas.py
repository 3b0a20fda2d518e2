"""Two Slack HTTP replicas behind a round-robin, sharing rate limits through a real redis-server."""

from __future__ import annotations

import itertools

import aiohttp

from bot.core import EpisodeBot
from bot.limits import RateLimiter

from .conftest import HttpSlack, make_settings, serve_http
from .standin import command_body

BURST = 3
SENT = 8


async def _answers_through_two_replicas(standin, seeds_dir, **settings) -> list[str]:
    """Send SENT signed /ask from one member, alternating between two replicas; return the answers' texts."""
    runners, bases = [], []
    for _ in range(2):  # two copies of the bot, each with its own core and its own limiter
        config = make_settings(standin, user_burst=BURST, user_rate=0.01, **settings)
        bot = EpisodeBot(seeds_dir, limiter=RateLimiter.from_settings(config))
        runner, base = await serve_http(standin, bot, user_burst=BURST, user_rate=0.01, **settings)
        runners.append(runner)
        bases.append(base)
    texts = []
    try:
        async with aiohttp.ClientSession() as session:
            round_robin = itertools.cycle(HttpSlack(standin, base, session) for base in bases)
            for _ in range(SENT):
                replica = next(round_robin)
                url, key = standin.response_url()
                status, _ = await replica.post(command_body("/ask", "What is RLVR?", url, user="U0BURST"))
                assert status == 200
                [message] = await standin.answer(key)
                texts.append(message.get("text", ""))
    finally:
        for runner in runners:
            await runner.cleanup()
    return texts


def _limited(texts: list[str]) -> int:
    return sum("Slow down" in text for text in texts)


async def test_two_replicas_with_redis_give_one_member_the_burst_once(standin, seeds_dir, redis_server):
    texts = await _answers_through_two_replicas(standin, seeds_dir, redis_url=redis_server)
    assert SENT - _limited(texts) == BURST


async def test_without_redis_each_replica_gives_the_burst_again(standin, seeds_dir):
    """The baseline the shared limits fix: without Redis two replicas give the burst twice."""
    texts = await _answers_through_two_replicas(standin, seeds_dir)
    assert SENT - _limited(texts) == 2 * BURST
