"""The community loop through the real discord.py and the stand-in, on SQLite and on PostgreSQL.

A member's 👎 (with a reason) and a declined question reach /episodebot
feedback and unanswered and `episode-bot report --json`; an admin teaches an
answer by picking one of the bot's results, and the next paraphrase gets it
first; a member without Manage Server can't run /episodebot.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from discord_standin import MANAGE_SERVER, MEMBER, ROOT, labels

MEMBER_ID, ADMIN_ID = "223344556677889900", "998877665544332211"


def text_of(message: dict) -> str:
    return json.dumps({k: message.get(k) for k in ("content", "embeds")}, ensure_ascii=False)


def report_json(records_backend, tmp_path) -> dict:
    """Run `episode-bot report --json` as the host would, against the same database."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DISCORD_", "SLACK_"))}
    env["EPISODE_BOT_STATE_DIR"] = str(tmp_path / "state")
    if records_backend.kind == "postgresql":
        env["EPISODE_BOT_DATABASE_URL"] = records_backend.url[0]
    out = subprocess.run([sys.executable, "-m", "bot.cli", "report", "--json", "--days", "7"], cwd=ROOT, env=env,
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)


async def test_votes_declines_and_teaching_reach_the_admins(standin, runner, records_backend, tmp_path):
    from bot.core import EpisodeBot

    records = records_backend(record_questions=True)
    core = EpisodeBot(ROOT / "seeds", records=records)
    await runner.start(core=core)

    # A member asks; the answer carries 👍/👎 beside Share.
    asked = await standin.slash("ask", {"question": "What is RLVR?"}, user_id=MEMBER_ID)
    answer = await standin.message_for(asked)
    assert {"👍", "👎", "Share to channel"} <= set(labels(answer))

    # 👎 opens a private modal with one optional 300-character field; the reason is kept.
    down = await standin.click(answer, "👎", user_id=MEMBER_ID)
    modal = await standin.answered(down)
    assert modal["type"] == 9
    field = modal["data"]["components"][0]["components"][0]
    assert field["max_length"] == 300 and field["required"] is False
    submitted = await standin.submit_modal(modal["data"], ["It is the wrong moment"], user_id=MEMBER_ID)
    thanks = await standin.answered(submitted)
    assert thanks["type"] == 4 and thanks["data"]["content"] == "Thanks, noted."
    assert thanks["data"]["flags"] & 64  # privately: nothing new in the channel

    # A 👍 from someone else is one more vote; the member's second click changes theirs.
    up = await standin.click(answer, "👍", user_id="111111111111111111")
    assert (await standin.answered(up))["data"]["content"] == "Thanks, noted."

    # A question the episode doesn't answer is declined.
    declined = await standin.slash("ask", {"question": "Who won the football world cup in 1966?"},
                                   user_id=MEMBER_ID)
    assert "couldn't find" in text_of(await standin.message_for(declined))

    # A member without Manage Server is refused, privately.
    refused = await standin.admin("feedback", user_id=MEMBER_ID, permissions=MEMBER)
    body = await standin.answered(refused)
    assert "Manage Server" in body["data"]["content"] and body["data"]["flags"] & 64

    # The admin sees both.
    fb = await standin.message_for(await standin.admin("feedback", user_id=ADMIN_ID, permissions=MANAGE_SERVER))
    assert "What is RLVR?" in text_of(fb) and "It is the wrong moment" in text_of(fb) and fb["flags"] & 64
    un = await standin.message_for(await standin.admin("unanswered", {"days": "7"}, user_id=ADMIN_ID,
                                                       permissions=MANAGE_SERVER))
    assert "world cup in 1966" in text_of(un)
    stats = await standin.message_for(await standin.admin("stats", user_id=ADMIN_ID, permissions=MANAGE_SERVER))
    assert "2 questions, 1 declined" in text_of(stats)

    # The host's report has them too, once the queued rows are written (the log writes every half second).
    assert records.log.flush(30.0)
    doc = report_json(records_backend, tmp_path)
    assert doc["questions"] == 2 and doc["declined"] == 1
    assert doc["unanswered"][0]["query"] == "Who won the football world cup in 1966?"
    assert doc["feedback"]["up"] == 1 and doc["feedback"]["down"] == 1
    assert doc["feedback"]["answers"] == [{"query": "What is RLVR?", "source": doc["feedback"]["answers"][0]["source"],
                                           "down": 1, "reasons": ["It is the wrong moment"]}]
    assert doc["feedback"]["answers"][0]["source"]

    # The admin teaches: the bot offers its own results, the admin picks the third.
    question = "How much did it cost to pretrain OLMo 3?"
    offer = await standin.message_for(await standin.admin("teach", {"question": question}, user_id=ADMIN_ID,
                                                          permissions=MANAGE_SERVER))
    assert "Teach 3" in labels(offer)
    # A member clicking a teach button (say on a forwarded copy) cannot teach.
    sneaky = await standin.click(offer, "Teach 1", user_id=MEMBER_ID, permissions=MEMBER)
    assert "Only the bot's admins" in text_of(await standin.message_for(sneaky))
    picked = await standin.click(offer, "Teach 3", user_id=ADMIN_ID, permissions=MANAGE_SERVER)
    assert "Taught" in text_of(await standin.message_for(picked))
    taught = records.taught.all()
    assert len(taught) == 1 and taught[0].question == question
    plain, _ = core.snapshot.index.ask(question, core.resolve_episode(None))
    assert taught[0].answer["timestamp"] is not None

    # The next paraphrase gets the taught answer first, marked as chosen by the admins.
    para = await standin.message_for(await standin.slash("ask", {"question": "how much did pretraining OLMo 3 cost"},
                                                         user_id=MEMBER_ID))
    assert "chosen by the admins" in text_of(para)
    reply = core.run("ask", {"question": "How much did pretraining OLMo 3 cost?"})
    assert (reply.results[0].source, reply.results[0].timestamp) == (taught[0].answer["source"],
                                                                     taught[0].answer["timestamp"])
    assert reply.results[0].remark == "chosen by the admins"
    # The bot's own first result was another passage: teaching changed the order.
    assert reply.results[0].text != (plain[0].excerpt or plain[0].item.text)


async def test_a_shared_answer_keeps_its_votes_and_each_vote_stays_private(standin, runner, records_backend):
    from bot.core import EpisodeBot

    records = records_backend(record_questions=True)
    core = EpisodeBot(ROOT / "seeds", records=records)
    await runner.start(core=core)
    answer = await standin.message_for(await standin.slash("ask", {"question": "What is RLVR?"}, user_id=MEMBER_ID))
    shared = await standin.message_for(await standin.click(answer, "Share to channel", user_id=MEMBER_ID))
    assert not shared["flags"] & 64 and {"👍", "👎"} <= set(labels(shared))  # public, with the same votes
    before = len(standin.messages)
    for voter in ("1", "2", "2"):  # the second click of the same person is not a second vote
        thanks = await standin.answered(await standin.click(shared, "👍", user_id=voter * 18))
        assert thanks["type"] == 4 and thanks["data"]["flags"] & 64 and thanks["data"]["content"].startswith(
            "Thanks, noted.")
    assert len(standin.messages) - before == 3  # three private acknowledgements, nothing new in the channel
    assert all(m["flags"] & 64 for m in list(standin.messages.values())[before:])
    assert records.db.query("SELECT COUNT(*), SUM(vote) FROM votes") == [(2, 2)]
