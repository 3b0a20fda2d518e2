"""The community loop through the real slack-bolt (HTTP mode) and the stand-in, on SQLite and PostgreSQL."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import aiohttp

from .conftest import HttpSlack, serve_http
from .standin import click_body, view_submission_body

ROOT = Path(__file__).resolve().parents[2]


def buttons(message: dict) -> dict[str, str]:
    """action_id -> value of the buttons on a message."""
    return {e["action_id"]: e["value"] for b in message["blocks"] if b["type"] == "actions" for e in b["elements"]}


async def ask(http: HttpSlack, command: str, text: str, user: str) -> dict:
    status, _, key = await http.command(command, text, user=user)
    assert status == 200
    return (await http.standin.answer(key))[0]


async def until(check, timeout: float = 10.0):
    for _ in range(int(timeout / 0.05)):
        value = check()
        if value:
            return value
        await asyncio.sleep(0.05)
    raise AssertionError("timed out")


async def test_votes_declines_and_teaching_reach_the_admins(standin, records_backend, tmp_path):
    from bot.core import EpisodeBot

    records = records_backend(record_questions=True)
    bot = EpisodeBot(ROOT / "seeds", records=records)
    runner, base = await serve_http(standin, bot, slack_admins="U0LISTED")
    standin.admins.add("U0ADMIN")  # a workspace admin, found through users.info
    try:
        async with aiohttp.ClientSession() as session:
            http = HttpSlack(standin, base, session)
            answer = await ask(http, "/ask", "What is RLVR?", "U0MEMBER")
            found = buttons(answer)
            assert {"episode_bot_up", "episode_bot_down", "episode_bot_share"} <= set(found)

            # 👎: acknowledged privately, and a modal asks for an optional reason.
            url, key = standin.response_url()
            status, _ = await http.post(click_body(found["episode_bot_down"], "episode_bot_down", url,
                                                   user="U0MEMBER"))
            assert status == 200
            thanks = (await standin.answer(key))[0]
            assert thanks == {"response_type": "ephemeral", "replace_original": False, "text": "Thanks, noted."}
            await until(lambda: standin.views)
            view = standin.views[0]
            assert view["blocks"][0]["element"]["max_length"] == 300 and view["blocks"][0]["optional"] is True
            status, _ = await http.post(view_submission_body(view, {"reason": {"reason": "Wrong moment"}},
                                                             user="U0MEMBER"))
            assert status == 200
            await until(lambda: records.db.query("SELECT reason FROM votes") == [("Wrong moment",)])

            declined = await ask(http, "/ask", "Who won the football world cup in 1966?", "U0MEMBER")
            assert "couldn" in json.dumps(declined)

            # Members can't run /episodebot; listed ids and workspace admins can.
            refused = await ask(http, "/episodebot", "feedback", "U0MEMBER")
            assert "Only the workspace's admins" in json.dumps(refused) and refused["response_type"] == "ephemeral"
            fb = json.dumps(await ask(http, "/episodebot", "feedback 7", "U0ADMIN"))
            assert "What is RLVR?" in fb and "Wrong moment" in fb
            un = json.dumps(await ask(http, "/episodebot", "unanswered", "U0LISTED"))
            assert "world cup in 1966" in un
            unknown = json.dumps(await ask(http, "/episodebot", "frobnicate", "U0ADMIN"))
            assert "Unknown subcommand" in unknown and "stats|unanswered" in unknown

            # Teaching by the arrow form; the next paraphrase gets it first.
            taught = json.dumps(await ask(http, "/episodebot", "teach How much did it cost to pretrain OLMo 3? → 3",
                                          "U0ADMIN"))
            assert "Taught" in taught
            para = json.dumps(await ask(http, "/ask", "how much did pretraining OLMo 3 cost", "U0MEMBER"))
            assert "chosen by the admins" in para
    finally:
        await runner.cleanup()
    assert records.log.flush(30.0)  # as the service's exit does: what was queued is written before the host reads it

    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    if records_backend.kind == "postgresql":
        env["EPISODE_BOT_DATABASE_URL"] = records_backend.url[0]
    else:
        env["EPISODE_BOT_STATE_DIR"] = str(tmp_path / "state")
    out = subprocess.run([sys.executable, "-m", "bot.cli", "report", "--json"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    doc = json.loads(out.stdout)
    assert (doc["questions"], doc["declined"]) == (3, 1)
    assert doc["feedback"]["down"] == 1 and doc["feedback"]["answers"][0]["reasons"] == ["Wrong moment"]
    assert doc["unanswered"][0]["query"] == "Who won the football world cup in 1966?"
    assert doc["taught"][0]["question"] == "How much did it cost to pretrain OLMo 3?"


async def test_an_admin_teaches_by_picking_one_of_the_bots_results(standin, records_backend):
    from bot.core import EpisodeBot

    records = records_backend(record_questions=True)
    bot = EpisodeBot(ROOT / "seeds", records=records)
    runner, base = await serve_http(standin, bot)
    standin.admins.add("U0ADMIN")
    try:
        async with aiohttp.ClientSession() as session:
            http = HttpSlack(standin, base, session)
            offer = await ask(http, "/episodebot", "teach What is RLVR?", "U0ADMIN")
            picks = [e for b in offer["blocks"] if b["type"] == "actions" for e in b["elements"]]
            assert [e["text"]["text"] for e in picks][:3] == ["Teach 1", "Teach 2", "Teach 3"]
            assert all(e["action_id"] == "episode_bot_teach" for e in picks)

            url, key = standin.response_url()  # a member's click (on a copy they were shown) is refused
            assert (await http.post(click_body(picks[1]["value"], "episode_bot_teach", url, user="U0MEMBER")))[0] == 200
            assert "Only the bot's admins" in json.dumps((await standin.answer(key))[0])
            assert records.taught.all() == []

            url, key = standin.response_url()
            assert (await http.post(click_body(picks[1]["value"], "episode_bot_teach", url, user="U0ADMIN")))[0] == 200
            assert "Taught" in json.dumps((await standin.answer(key))[0])
            taught = records.taught.all()
            assert len(taught) == 1 and taught[0].question == "What is RLVR?" and taught[0].label.startswith("result 2")
            first = bot.run("ask", {"question": "what's RLVR"}, user="U0MEMBER", platform="slack").results[0]
            assert (first.source, first.timestamp, first.remark) == (
                taught[0].answer["source"], taught[0].answer["timestamp"], "chosen by the admins")
    finally:
        await runner.cleanup()
