"""Socket Mode end to end: the stand-in's apps.connections.open hands out a local websocket."""

from __future__ import annotations

import asyncio

import pytest

from adapters.slack.app import build_app
from adapters.slack.socket_mode import SocketMode
from bot.runtime import Heartbeat

from .conftest import check_limits, flat, make_settings
from .standin import APP_TOKEN, command_fields

PING = 0.2  # seconds between pings, so a dead socket is noticed quickly


@pytest.fixture
async def socket_mode(standin, episode_bot):
    settings = make_settings(standin, slack_signing_secret=None)
    socket = SocketMode(build_app(episode_bot, settings), APP_TOKEN, ping_interval=PING)
    await socket.start()
    yield socket
    await socket.close()


async def _command(standin, command: str, text: str) -> tuple[str, str]:
    url, key = standin.response_url()
    envelope = await standin.send_envelope("slash_commands", command_fields(command, text, url))
    return envelope, key


def _acked(standin, envelope: str) -> bool:
    return any(a.get("envelope_id") == envelope for a in standin.acks)


async def test_slash_command_is_acked_and_answered(standin, socket_mode):
    await _wait(lambda: bool(standin.sockets) and socket_mode.alive())
    envelope, key = await _command(standin, "/chapter", "scaling laws")
    await standin.wait_for(lambda: _acked(standin, envelope), timeout=3)  # Slack's 3 s deadline
    [message] = await standin.answer(key)
    check_limits(message)
    assert "1:02:38" in flat(message)
    assert [m for m, _ in standin.calls].count("apps.connections.open") == 1
    assert ("apps.connections.open", f"Bearer {APP_TOKEN}") in standin.calls


async def test_usage_mistake_goes_in_the_envelope_ack(standin, socket_mode):
    await standin.wait_for(lambda: bool(standin.sockets))
    envelope, key = await _command(standin, "/ask", "")
    await standin.wait_for(lambda: _acked(standin, envelope), timeout=3)
    [ack] = [a for a in standin.acks if a["envelope_id"] == envelope]
    assert "Please give a question" in ack["payload"]["text"]
    assert standin.posts(key) == []


async def test_a_closed_socket_reconnects_and_keeps_answering(standin, socket_mode):
    await standin.wait_for(lambda: standin.connections == 1 and bool(standin.sockets))
    await standin.sockets[0].close()
    await _wait(lambda: standin.connections == 2 and bool(standin.sockets) and socket_mode.alive())
    assert [m for m, _ in standin.calls].count("apps.connections.open") == 2
    envelope, key = await _command(standin, "/help", "")
    await standin.wait_for(lambda: _acked(standin, envelope), timeout=3)
    [message] = await standin.answer(key)
    assert message["blocks"][0]["text"]["text"] == "What I can do"


async def test_heartbeat_is_fresh_only_while_the_socket_is_live(standin, socket_mode, tmp_path):
    heartbeat = Heartbeat(tmp_path / "hb", interval=0.05)
    beating = asyncio.create_task(heartbeat.run(socket_mode.alive))
    try:
        await _wait(lambda: heartbeat.path.exists())
        # The connection turns into a zombie: the open socket stops answering pings, new ones too.
        standin.zombie = True
        standin.refuse_sockets = True
        for ws in list(standin.sockets):
            ws._autoping = False  # stop answering pings on the socket already open
        await _wait(lambda: not socket_mode.alive())
        stale = heartbeat.path.stat().st_mtime_ns
        for _ in range(10):  # ten heartbeat intervals pass without a beat
            await asyncio.sleep(heartbeat.interval)
            assert heartbeat.path.stat().st_mtime_ns == stale
        # Slack is back: the client reconnects and the heartbeat resumes.
        standin.zombie = standin.refuse_sockets = False
        await _wait(lambda: socket_mode.alive())
        await _wait(lambda: heartbeat.path.stat().st_mtime_ns != stale)
    finally:
        beating.cancel()


async def _wait(predicate, timeout: float = 15.0, step: float = 0.02) -> None:
    """Poll predicate until true; fail after timeout (a bound, not a speed check)."""
    for _ in range(int(timeout / step)):
        if predicate():
            return
        await asyncio.sleep(step)
    raise AssertionError("condition not reached")


async def test_button_click_over_the_socket_pages_the_answer(standin, socket_mode):
    from .conftest import buttons
    from .standin import click_payload

    await _wait(lambda: bool(standin.sockets) and socket_mode.alive())
    envelope, key = await _command(standin, "/chapter", "scaling laws")
    [first] = await standin.answer(key)
    url, key = standin.response_url()
    button = buttons(first)["episode_bot_next"]
    envelope = await standin.send_envelope("interactive", click_payload(button["value"], button["action_id"], url))
    await standin.wait_for(lambda: _acked(standin, envelope), timeout=3)
    [after] = await standin.answer(key)
    assert after["replace_original"] is True and "1:18:45" in flat(after)
