"""Shared fixtures: a clean environment and the real seeds."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SEEDS = ROOT / "seeds"


@pytest.fixture(autouse=True)
def clean_environ(monkeypatch, tmp_path):
    """Scrub platform tokens and bot settings so a developer's real ones are never used."""
    for name in list(os.environ):
        if name.startswith(("DISCORD_", "SLACK_", "EPISODE_BOT_")):
            monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EPISODE_BOT_HEARTBEAT_PATH", str(tmp_path / "heartbeat"))
    monkeypatch.setenv("EPISODE_BOT_STATE_DIR", str(tmp_path / "state"))


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


@pytest.fixture(scope="session")
def episode_bot():
    """One bot over the real seeds, shared by read-only tests."""
    from bot.core import EpisodeBot

    return EpisodeBot(SEEDS)
