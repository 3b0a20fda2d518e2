"""Discord views: none kept per answer (memory), and buttons that work whatever discord.py does with views.

discord.py keeps the view of every ephemeral answer for 15 minutes, with a
sleeping timeout task: under steady load the bot's memory grew by about
2.8 kB an answer (docs/reliability.md). The bot's buttons are dispatched by
custom_id alone, so no view needs keeping.
"""

from __future__ import annotations


async def answered_views(client, standin, question: str):
    """Ask privately; return the answer and the views discord.py kept for it."""
    kept = []
    store = client._connection.store_view

    def recording(view, message_id=None):
        kept.append(view)
        store(view, message_id)

    client._connection.store_view = recording
    try:
        iid = await standin.slash("ask", {"question": question})
        message = await standin.message_for(iid)
    finally:
        client._connection.store_view = store
    return message, kept


async def test_buttons_still_answer_after_a_private_answer_times_out(discord_standin, discord_runner, episode_bot):
    client = await discord_runner.start(episode_bot)
    message, kept = await answered_views(client, discord_standin, "What is RLVR?")
    for view in kept:
        view._dispatch_timeout()  # what discord.py does 15 minutes after the answer
    iid = await discord_standin.click(message, "More results")
    assert (await discord_standin.answered(iid, timeout=5))["type"] in (4, 7)


async def test_private_answers_leave_no_view_behind(discord_standin, discord_runner, episode_bot):
    client = await discord_runner.start(episode_bot)
    _, kept = await answered_views(client, discord_standin, "What is RLVR?")
    assert kept == []  # nothing to keep: ActionButton is dispatched by its custom_id alone
