"""Discord is counted by the same core counter as Slack: a slash command through the real discord.py."""

from __future__ import annotations

from bot import metrics


def commands(outcome: str) -> float:
    return metrics.REGISTRY.get_sample_value(
        "episode_bot_commands_total", {"command": "ask", "platform": "discord", "outcome": outcome}) or 0.0


async def test_a_discord_ask_is_counted(standin, bot):
    answered, declined = commands("answered"), commands("declined")
    await standin.answered(await standin.slash("ask", {"question": "What is RLVR?"}))
    await standin.answered(await standin.slash("ask", {"question": "What is the capital of Australia?"}))
    assert commands("answered") == answered + 1
    assert commands("declined") == declined + 1
