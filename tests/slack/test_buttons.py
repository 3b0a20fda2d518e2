"""Button clicks: signed block_actions payloads page through results, chapters, and share in channel."""

from __future__ import annotations

from .conftest import buttons, check_limits, flat
from .standin import click_body


async def _click(http_slack, button: dict, user: str = "U0ASKER", ephemeral: bool = True) -> str:
    url, key = http_slack.standin.response_url()
    status, ack = await http_slack.post(click_body(button["value"], button["action_id"], url, user=user,
                                                   ephemeral=ephemeral))
    assert status == 200 and ack == ""
    return key


async def test_next_and_previous_chapter_replace_the_private_answer(http_slack):
    _, _, key = await http_slack.command("/chapter", "scaling laws")
    [first] = await http_slack.standin.answer(key)
    key = await _click(http_slack, buttons(first)["episode_bot_next"])
    [after] = await http_slack.standin.answer(key)
    check_limits(after)
    assert after["replace_original"] is True and after["response_type"] == "ephemeral"
    assert "1:18:45" in flat(after) and "Pre-training" in after["blocks"][0]["text"]["text"]
    key = await _click(http_slack, buttons(after)["episode_bot_prev"])
    [back] = await http_slack.standin.answer(key)
    assert back["blocks"][0]["text"]["text"] == first["blocks"][0]["text"]["text"]
    assert "1:02:38" in flat(back)


async def test_more_results_shows_page_two(http_slack):
    _, _, key = await http_slack.command("/ask", "What is RLVR?")
    [first] = await http_slack.standin.answer(key)
    key = await _click(http_slack, buttons(first)["episode_bot_more"])
    [page2] = await http_slack.standin.answer(key)
    check_limits(page2)
    assert page2["replace_original"] is True
    assert "Page 2" in flat(page2)
    assert page2["blocks"][1] != first["blocks"][1]


async def test_share_posts_in_channel_and_removes_the_private_answer(http_slack):
    _, _, key = await http_slack.command("/chapter", "scaling laws")
    [private] = await http_slack.standin.answer(key)
    key = await _click(http_slack, buttons(private)["episode_bot_share"], user="U0SHARER")
    public, delete = await http_slack.standin.answer(key, count=2)
    check_limits(public)
    assert public["response_type"] == "in_channel" and public["replace_original"] is False
    assert public["blocks"][0] == private["blocks"][0] and "1:02:38" in flat(public)
    assert "episode_bot_share" not in buttons(public)
    assert "Shared by <@U0SHARER>" in flat(public)
    assert delete == {"delete_original": True}


async def test_share_of_a_random_quote_shares_that_quote(http_slack):
    _, _, key = await http_slack.command("/quote", "")
    [private] = await http_slack.standin.answer(key)
    quote = private["blocks"][1]["text"]["text"].split("\n")[0]
    key = await _click(http_slack, buttons(private)["episode_bot_share"])
    public, _ = await http_slack.standin.answer(key, count=2)
    assert quote in public["blocks"][1]["text"]["text"]


async def test_an_expired_or_forged_button_says_so_and_keeps_the_answer(http_slack):
    key = await _click(http_slack, {"action_id": "episode_bot_more", "value": "v0|junk"})
    [message] = await http_slack.standin.answer(key)
    assert "expired" in flat(message) and message["replace_original"] is False
    assert message["response_type"] == "ephemeral"


async def test_paging_a_shared_answer_gives_the_clicker_a_private_page(http_slack):
    _, _, key = await http_slack.command("/chapter", "scaling laws")
    [private] = await http_slack.standin.answer(key)
    key = await _click(http_slack, buttons(private)["episode_bot_share"])
    public, _ = await http_slack.standin.answer(key, count=2)
    key = await _click(http_slack, buttons(public)["episode_bot_next"], user="U0OTHER", ephemeral=False)
    [page] = await http_slack.standin.answer(key)
    assert page["response_type"] == "ephemeral" and page["replace_original"] is False
    assert "1:18:45" in flat(page) and "episode_bot_share" in buttons(page)
