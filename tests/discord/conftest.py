"""Fixtures for the Discord tests: the stand-in for Discord's API and a bot connected to it."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from discord.gateway import DiscordWebSocket
from discord.http import Route

from discord_standin import ROOT, FakeDiscord, until


@pytest.fixture(autouse=True)
def restore_discord_globals():
    """The adapter points discord.py at the stand-in through class attributes: put them back."""
    base, gateway = Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY
    yield
    Route.BASE, DiscordWebSocket.DEFAULT_GATEWAY = base, gateway


@pytest.fixture
async def standin():
    fake = await FakeDiscord().start()
    yield fake
    await fake.close()
    assert not fake.violations, f"the bot sent something Discord would refuse: {fake.violations}"


@pytest.fixture
def make_settings(standin, tmp_path):
    """Settings pointing at the stand-in, built through the project's settings class."""
    from bot.settings import load_settings

    def build(**overrides: Any):
        values = dict(discord_token=standin.token, discord_api_base=standin.api_base, watch_seeds=False,
                      seeds_dir=ROOT / "seeds", state_dir=tmp_path / "state",
                      heartbeat_path=tmp_path / "heartbeat", heartbeat_max_age=5)
        values.update(overrides)
        return load_settings(env_file=None, secrets_dir=None, **values)

    return build


class Runner:
    """Start and stop real discord.py clients against the stand-in."""

    def __init__(self, core, make_settings) -> None:
        self.core = core
        self.make_settings = make_settings
        self.running: list[tuple[Any, asyncio.Task[None]]] = []

    async def start(self, core=None, **overrides: Any):
        from adapters.discord.client import make_client

        settings = self.make_settings(**overrides)
        # Ready 2 s after the last GUILD_CREATE is discord.py's default; the stand-in sends them at once.
        client = make_client(core or self.core, settings, guild_ready_timeout=0.05)
        task = asyncio.create_task(client.start(settings.discord_token.get_secret_value()))
        self.running.append((client, task))
        await until(lambda: client.is_ready() or task.done())
        if task.done():
            task.result()  # raise what stopped it
        return client

    async def stop(self, client) -> None:
        await client.close()
        for c, task in self.running:
            if c is client:
                await asyncio.wait_for(asyncio.gather(task, return_exceptions=True), 10)


@pytest.fixture
async def runner(episode_bot, make_settings):
    r = Runner(episode_bot, make_settings)
    yield r
    for client, _ in list(r.running):
        await r.stop(client)


@pytest.fixture
async def bot(runner):
    """A bot connected to the stand-in, with its commands synced globally first."""
    from adapters.discord.cli import sync

    await sync(runner.core, runner.make_settings(), [])
    return await runner.start()
