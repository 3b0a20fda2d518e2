"""`episode-bot slack` as an admin runs it: a real process, both modes, stopped with SIGTERM."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys

import aiohttp

from .conftest import flat
from .standin import APP_TOKEN, BOT_TOKEN, SECRET, command_body, command_fields, signed_headers


def _env(standin, tmp_path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DISCORD_", "EPISODE_BOT_"))}
    env.update({"SLACK_BOT_TOKEN": BOT_TOKEN, "SLACK_API_URL": standin.api_url,
                "EPISODE_BOT_WATCH_SEEDS": "false", "EPISODE_BOT_HEARTBEAT_PATH": str(tmp_path / "hb"),
                "EPISODE_BOT_HEARTBEAT_MAX_AGE": "5", "EPISODE_BOT_STATE_DIR": str(tmp_path / "state"), **extra})
    return env


async def _start(args: list[str], env: dict[str, str], cwd) -> asyncio.subprocess.Process:
    return await asyncio.create_subprocess_exec(
        sys.executable, "-m", "bot.cli", "slack", *args, env=env, cwd=cwd,
        stdout=asyncio.subprocess.PIPE, stderr=asyncio.subprocess.PIPE)


async def _stop(proc: asyncio.subprocess.Process, terminate: bool = True) -> tuple[int, str]:
    if terminate and proc.returncode is None:
        proc.send_signal(signal.SIGTERM)
    try:
        _, err = await asyncio.wait_for(proc.communicate(), 20)
    except asyncio.TimeoutError:
        proc.kill()
        _, err = await proc.communicate()
    return proc.returncode, err.decode()


async def test_socket_mode_process_answers_and_stops_cleanly(standin, seeds_dir, tmp_path):
    proc = await _start([], _env(standin, tmp_path, SLACK_APP_TOKEN=APP_TOKEN), seeds_dir.parent)
    try:
        await standin.wait_for(lambda: bool(standin.sockets), timeout=30)
        url, key = standin.response_url()
        await standin.send_envelope("slash_commands", command_fields("/chapter", "scaling laws", url))
        [message] = await standin.answer(key)
        assert "1:02:38" in flat(message)
    finally:
        code, err = await _stop(proc)
    assert code == 0, err
    assert "signed in to Slack workspace Test" in err and "Traceback" not in err
    assert BOT_TOKEN not in err and APP_TOKEN not in err and "respond/" not in err
    assert not (tmp_path / "hb").exists()  # a stopped bot is not healthy


async def test_http_mode_process_serves_signed_commands_and_healthz(standin, seeds_dir, tmp_path):
    with socket.socket() as probe:  # a free port for the child process
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = _env(standin, tmp_path, SLACK_SIGNING_SECRET=SECRET)
    proc = await _start(["--http", "--host", "127.0.0.1", "--port", str(port)], env, seeds_dir.parent)
    base = f"http://127.0.0.1:{port}"
    try:
        async with aiohttp.ClientSession() as session:
            for _ in range(300):  # bounded wait for start-up
                try:
                    async with session.get(base + "/healthz") as resp:
                        if resp.status == 200:
                            break
                except aiohttp.ClientConnectionError:
                    pass
                assert proc.returncode is None
                await asyncio.sleep(0.1)
            url, key = standin.response_url()
            body = command_body("/ask", "What is RLVR?", url)
            async with session.post(base + "/slack/events", data=body, headers=signed_headers(body),
                                    timeout=aiohttp.ClientTimeout(total=3)) as resp:
                assert resp.status == 200
            [message] = await standin.answer(key)
            assert "RLVR" in flat(message)
            async with session.post(base + "/slack/events", data=body, headers=signed_headers(body, "nope")) as r:
                assert r.status == 401
    finally:
        code, err = await _stop(proc)
    assert code == 0, err
    assert SECRET not in err and "respond/" not in err


async def test_a_refused_token_exits_with_a_clear_message(standin, seeds_dir, tmp_path):
    env = _env(standin, tmp_path, SLACK_APP_TOKEN=APP_TOKEN, SLACK_BOT_TOKEN="xoxb-revoked-token-999")
    proc = await _start([], env, seeds_dir.parent)
    code, err = await _stop(proc, terminate=False)  # it exits on its own
    assert code == 1 and "Slack refused SLACK_BOT_TOKEN (invalid_auth)" in err
    assert "xoxb-revoked" not in err


async def test_a_refused_app_token_exits_instead_of_retrying_forever(standin, seeds_dir, tmp_path):
    env = _env(standin, tmp_path, SLACK_APP_TOKEN="xapp-1-revoked-999")
    proc = await _start([], env, seeds_dir.parent)
    code, err = await _stop(proc, terminate=False)
    assert code == 1 and "Slack refused SLACK_APP_TOKEN (invalid_auth)" in err
    assert "xapp-1-revoked" not in err and "Traceback" not in err
