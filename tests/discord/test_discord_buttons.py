"""Share, More, Previous/Next: the buttons, clicked through the real discord.py, also after a restart."""

from __future__ import annotations

import json

from test_discord_commands import EPHEMERAL, embed_text, labels


async def ask(standin, name: str, options: dict[str, str]) -> dict:
    """Run a slash command; return the message the bot's answer became."""
    return await standin.message_for(await standin.slash(name, options))


async def test_share_posts_the_same_answer_publicly(standin, bot):
    private = await ask(standin, "ask", {"question": "What is RLVR?"})
    assert private["flags"] & EPHEMERAL
    iid = await standin.click(private, "Share to channel", user_id="998877665544332211")
    callback = await standin.answered(iid)
    assert callback["type"] == 4
    public = callback["data"]
    assert not public.get("flags", 0) & EPHEMERAL
    assert public["allowed_mentions"] == {"parse": []}
    before, after = private["embeds"][0], public["embeds"][0]
    assert (after["title"], after["description"], after.get("fields")) == \
        (before["title"], before["description"], before.get("fields"))
    assert after["footer"]["text"].startswith("Shared by listener")
    assert labels(public) == ["More results"]  # no second Share on the public copy


async def test_more_results_pages_in_place(standin, bot):
    first = await ask(standin, "ask", {"question": "What is RLVR?"})
    iid = await standin.click(first, "More results")
    callback = await standin.answered(iid)
    assert callback["type"] == 7  # UPDATE_MESSAGE: the private answer turns the page
    page2 = callback["data"]["embeds"][0]
    assert page2["footer"]["text"].startswith("Page 2")
    assert page2["description"] != first["embeds"][0]["description"]
    assert "Share to channel" in labels(callback["data"])


async def test_previous_and_next_chapter(standin, bot):
    message = await ask(standin, "chapter", {"title_or_time": "scaling laws"})
    assert message["embeds"][0]["title"].startswith("AI Scaling Laws")
    nxt = await standin.answered(await standin.click(message, "Next chapter"))
    assert nxt["type"] == 7
    title = nxt["data"]["embeds"][0]["title"]
    assert not title.startswith("AI Scaling Laws") and "1:18:45" in embed_text(nxt["data"])
    moved = standin.messages[message["id"]]  # the same message, now showing the next chapter
    back = await standin.answered(await standin.click(moved, "Previous chapter"))
    assert back["data"]["embeds"][0]["title"].startswith("AI Scaling Laws")


async def test_a_button_on_a_shared_answer_answers_privately(standin, bot):
    private = await ask(standin, "ask", {"question": "What is RLVR?"})
    shared = await standin.message_for(await standin.click(private, "Share to channel"))
    assert not shared["flags"] & EPHEMERAL
    callback = await standin.answered(await standin.click(shared, "More results", user_id="112233445566778899"))
    assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL  # the public message stays as is
    assert callback["data"]["embeds"][0]["footer"]["text"].startswith("Page 2")


async def test_buttons_work_after_a_restart(standin, runner, bot):
    chapter = await ask(standin, "chapter", {"title_or_time": "scaling laws"})
    long_question = "What do they say about " + "reinforcement learning with verifiable rewards " * 5
    asked = await ask(standin, "ask", {"question": long_question.strip()[:290]})
    more = next(b for row in asked["components"] for b in row["components"] if b["label"] == "More results")
    assert more["custom_id"].startswith("ref:") and len(more["custom_id"]) <= 100  # too long to carry

    await runner.stop(bot)
    await runner.start()  # a new process would start the same way: nothing kept in memory
    nxt = await standin.answered(await standin.click(chapter, "Next chapter"))
    assert nxt["type"] == 7 and "1:18:45" in embed_text(nxt["data"])
    page2 = await standin.answered(await standin.click(asked, "More results"))
    assert page2["type"] == 7 and page2["data"]["embeds"][0]["footer"]["text"].startswith("Page 2")


async def test_a_forgotten_button_says_it_expired(standin, runner, bot, tmp_path):
    asked = await ask(standin, "ask", {"question": ("What is said about scaling laws and RLVR " * 4)[:200]})
    await runner.stop(bot)
    (tmp_path / "state" / "discord-buttons.json").unlink()  # e.g. the state folder was a tmpfs
    await runner.start()
    for message in (asked, {**asked, "components": [{"type": 1, "components": [
            {"type": 2, "style": 2, "label": "Old", "custom_id": "v0|next|chapter|490|1||3000"}]}]}):
        label = "More results" if message is asked else "Old"
        callback = await standin.answered(await standin.click(message, label))
        assert callback["type"] == 4 and callback["data"]["flags"] & EPHEMERAL
        assert "expired" in callback["data"]["content"]


async def test_button_state_file_is_small_json(standin, bot, tmp_path):
    await ask(standin, "ask", {"question": ("Tell me about open weight models from China " * 5)[:250]})
    stored = [json.loads(line) for line in (tmp_path / "state" / "discord-buttons.json").read_text().splitlines()]
    assert len(stored) == 1 and all(k.startswith("ref:") and v.startswith("v1|more|ask|") for k, v in stored)
