"""A Slack channel's language through the real slack-bolt (HTTP mode), on SQLite and PostgreSQL (issue 17).

Slack sends no locale with a slash command: a channel answers in
EPISODE_BOT_LANGUAGE until an admin runs `/episodebot channel-language ru`,
which the state database keeps across restarts.
"""

from __future__ import annotations

from pathlib import Path

from bot.core import EpisodeBot

from .conftest import said, serve_with_admin

ROOT = Path(__file__).resolve().parents[2]


async def test_an_admin_sets_a_channels_language_and_it_survives_a_restart(standin, records_backend):
    runner, session, http = await serve_with_admin(standin, EpisodeBot(ROOT / "seeds", records=records_backend()))
    try:
        english = await said(http, "/ask", "What is RLVR?", "U0MEMBER")
        assert "Share in channel" in english
        refused = await said(http, "/episodebot", "channel-language ru", "U0MEMBER")
        assert "Only the workspace's admins" in refused
        set_ = await said(http, "/episodebot", "channel-language ru", "U0ADMIN")
        assert "Теперь в этом канале отвечают на языке: русский." in set_  # said in the new language
        unknown = await said(http, "/episodebot", "channel-language xx", "U0ADMIN")
        assert "Нет каталога для 'xx'" in unknown and "pt-BR" in unknown
    finally:
        await session.close()
        await runner.cleanup()

    runner, session, http = await serve_with_admin(standin, EpisodeBot(ROOT / "seeds", records=records_backend()))  # restarted
    try:
        russian = await said(http, "/ask", "What is RLVR?", "U0MEMBER")
        assert "Поделиться в канале" in russian and "Источники" in russian and "Share in channel" not in russian
        usage = await said(http, "/ask", "   ", "U0MEMBER")  # a usage mistake, answered in the ack
        assert "Напишите вопрос после команды" in usage and "Использование: `/ask" in usage
        elsewhere = await said(http, "/ask", "What is RLVR?", "U0MEMBER", channel="C0ELSEWHERE")
        assert "Share in channel" in elsewhere
        shown = await said(http, "/episodebot", "channel-language", "U0ADMIN")
        assert "русский (ru)" in shown
        cleared = await said(http, "/episodebot", "channel-language clear", "U0ADMIN")
        assert "This channel is answered in the bot's language again." in cleared
        assert "Share in channel" in await said(http, "/ask", "What is RLVR?", "U0MEMBER")
    finally:
        await session.close()
        await runner.cleanup()
