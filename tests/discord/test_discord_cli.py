"""`episode-bot discord` as an admin runs it: a real process against the stand-in."""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import pytest

from adapters.discord.cli import invite_url, main
from bot.commands import COMMANDS
from discord_standin import ROOT, until

EPISODE_BOT = str(Path(sys.executable).with_name("episode-bot"))


@pytest.fixture
def keep_logging():
    """main() configures the root logger as the real program does; put pytest's back afterwards."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    yield
    root.handlers[:], root.level = handlers, level


def env_for(standin, tmp_path: Path, token: str | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_", "EPISODE_BOT_"))}
    env.update(DISCORD_TOKEN=token or standin.token, DISCORD_API_BASE=standin.api_base,
               EPISODE_BOT_SEEDS_DIR=str(ROOT / "seeds"), EPISODE_BOT_STATE_DIR=str(tmp_path / "state"),
               EPISODE_BOT_HEARTBEAT_PATH=str(tmp_path / "heartbeat"), EPISODE_BOT_HEARTBEAT_MAX_AGE="5",
               EPISODE_BOT_WATCH_SEEDS="false", EPISODE_BOT_LOG_LEVEL="INFO")
    return env


async def start(standin, tmp_path: Path, *args: str, token: str | None = None) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        EPISODE_BOT, "discord", *args, cwd=tmp_path, env=env_for(standin, tmp_path, token),
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def test_the_bot_process_answers_and_stops_cleanly(standin, tmp_path):
    sync = await start(standin, tmp_path, "sync")
    out, err = await asyncio.wait_for(sync.communicate(), 60)
    assert sync.returncode == 0, err.decode()
    assert f"synced {len(COMMANDS) + 1} commands" in out.decode()  # and the admins' /episodebot

    bot = await start(standin, tmp_path)
    try:
        await standin.wait_for(lambda: any(c.session_id for c in standin.connections), timeout=60)
        callback = await standin.answered(await standin.slash("chapter", {"title_or_time": "scaling laws"}), 30)
        assert "1:02:38" in str(callback["data"])
        heartbeat = tmp_path / "heartbeat"
        await until(heartbeat.exists, timeout=30)  # fresh while connected: the compose health check
        bot.send_signal(signal.SIGTERM)
        out, err = await asyncio.wait_for(bot.communicate(), 30)
    finally:
        if bot.returncode is None:
            bot.kill()
            await bot.wait()
    assert bot.returncode == 0, err.decode()
    assert not heartbeat.exists()  # a stopped bot is not healthy
    assert standin.token not in (out + err).decode()  # the token never reaches a log
    assert len(standin.identifies) == 1


async def test_a_rejected_token_exits_after_a_growing_back_off(standin, tmp_path):
    wrong = standin.token[:-4] + "nope"
    lines = []
    for _ in range(2):
        proc = await start(standin, tmp_path, "--backoff", "0.05", token=wrong)
        out, err = await asyncio.wait_for(proc.communicate(), 60)
        assert proc.returncode == 1
        ours = [line for line in err.decode().splitlines() if line.startswith("episode-bot discord:")]
        assert len(ours) == 1  # one clear line
        lines.append(ours[0])
        assert wrong not in (out + err).decode()
    assert "DISCORD_TOKEN" in lines[0] and "401" in lines[0]
    assert "exiting in 0.05 s" in lines[0] and "exiting in 0.1 s" in lines[1]  # doubled: a crash loop slows down
    assert not standin.identifies  # a bad token costs no IDENTIFY


async def test_refused_intents_exit_with_one_line(standin, tmp_path):
    standin.identify_close_code = 4014
    proc = await start(standin, tmp_path, "--backoff", "0.05")
    out, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 1
    ours = [line for line in err.decode().splitlines() if line.startswith("episode-bot discord:")]
    assert len(ours) == 1 and "4014" in ours[0]


def test_a_missing_token_names_the_variable(capsys, monkeypatch, tmp_path, keep_logging):
    monkeypatch.chdir(tmp_path)
    assert main([]) == 2
    err = capsys.readouterr().err
    assert "DISCORD_TOKEN" in err and "Developer Portal" in err


def test_invite_url_offline(capsys, monkeypatch, tmp_path, keep_logging):
    monkeypatch.chdir(tmp_path)
    assert main(["invite-url", "--client-id", "811112222333344445"]) == 0
    url = urlparse(capsys.readouterr().out.strip())
    query = parse_qs(url.query)
    assert url.netloc == "discord.com" and query["client_id"] == ["811112222333344445"]
    assert query["scope"] == ["bot applications.commands"]
    assert query["permissions"] == ["0"]  # interaction replies need no channel permission


async def test_invite_url_asks_discord_for_the_application(standin, make_settings, capsys):
    assert await invite_url(make_settings(), None) == 0
    query = parse_qs(urlparse(capsys.readouterr().out.strip()).query)
    assert query["client_id"] == [standin.app_id]
    assert not standin.identifies  # REST only


def test_invite_url_without_a_token_mentions_client_id(capsys, monkeypatch, tmp_path, keep_logging):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("DISCORD_TOKEN", raising=False)
    assert main(["invite-url"]) == 2
    err = capsys.readouterr().err
    assert err.startswith("config error: DISCORD_TOKEN is not set") and "--client-id ID" in err
