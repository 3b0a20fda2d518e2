"""Fixtures: the Discord and Slack stand-ins from the adapter tests, reused, and bots with rate limits."""

from __future__ import annotations

import asyncio
import sys
from pathlib import Path
from typing import Any

import pytest

TESTS = Path(__file__).resolve().parents[1]
if str(TESTS / "discord") not in sys.path:  # the Discord stand-in is a plain module in tests/discord
    sys.path.insert(0, str(TESTS / "discord"))

from discord_standin import ROOT, FakeDiscord, until  # noqa: E402

__all__ = ["ROOT", "until"]


@pytest.fixture
def restore_discord_globals():
    """The adapter points discord.py at the stand-in through class attributes: put them back."""
    from discord.gateway import DiscordWebSocket
    from discord.http import Route

    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def discord_standin(restore_discord_globals):
    fake = await FakeDiscord().start()
    yield fake
    await fake.close()
    assert not fake.violations, f"the bot sent something Discord would refuse: {fake.violations}"


class DiscordRunner:
    """Start real discord.py clients against the stand-in, with commands synced first."""

    def __init__(self, standin: FakeDiscord, tmp_path: Path) -> None:
        self.standin = standin
        self.tmp_path = tmp_path
        self.running: list[tuple[Any, asyncio.Task[None]]] = []

    def settings(self, **overrides: Any):
        from bot.settings import load_settings

        values = dict(discord_token=self.standin.token, discord_api_base=self.standin.api_base,
                      watch_seeds=False, seeds_dir=ROOT / "seeds", state_dir=self.tmp_path / "state",
                      heartbeat_path=self.tmp_path / "heartbeat", heartbeat_max_age=5)
        values.update(overrides)
        return load_settings(env_file=None, secrets_dir=None, **values)

    async def start(self, core, **overrides: Any):
        from adapters.discord.cli import sync
        from adapters.discord.client import make_client

        settings = self.settings(**overrides)
        if not self.standin.commands:
            await sync(core, settings, [])
        client = make_client(core, settings, guild_ready_timeout=0.05)
        task = asyncio.create_task(client.start(settings.discord_token.get_secret_value()))
        self.running.append((client, task))
        await until(lambda: client.is_ready() or task.done())
        if task.done():
            task.result()
        return client

    async def stop_all(self) -> None:
        for client, task in self.running:
            await client.close()
            await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 10)


@pytest.fixture
async def discord_runner(discord_standin, tmp_path):
    runner = DiscordRunner(discord_standin, tmp_path)
    yield runner
    await runner.stop_all()


@pytest.fixture
async def slack_standin():
    from slack.standin import SlackStandIn

    server = SlackStandIn()
    await server.start()
    yield server
    await server.stop()


@pytest.fixture
async def slack_http(slack_standin, episode_bot):
    """The Slack app in HTTP mode over the shared bot, and a client that signs like Slack."""
    import aiohttp
    from slack.conftest import HttpSlack, serve_http

    runner, base = await serve_http(slack_standin, episode_bot)
    async with aiohttp.ClientSession() as session:
        yield HttpSlack(slack_standin, base, session)
    await runner.cleanup()
