"""A member's language through the real discord.py and the stand-in (issue 17).

The reply, its buttons and its errors follow the member's client locale,
then the server's, then EPISODE_BOT_LANGUAGE; the synced commands keep
English names and carry localized descriptions.
"""

from __future__ import annotations

from adapters.discord.cli import sync
from discord_standin import embed_text, labels
from bot.commands import COMMANDS
from bot import i18n


def ru(message: str) -> str:
    with i18n.speaking("ru"):
        return i18n._(message)


async def test_synced_commands_carry_russian_descriptions_and_english_names(standin, runner):
    await sync(runner.core, runner.make_settings(), [])
    synced = {c["name"]: c for c in standin.commands["global"]}
    assert list(synced) == [c.name for c in COMMANDS] + ["episodebot"]  # names stay English
    ask = synced["ask"]
    assert ask["description_localizations"]["ru"] == "Задать вопрос о выпуске"
    assert ask["description_localizations"]["de"] == "Eine Frage zu einer Folge stellen"
    # Discord's Spanish and Portuguese locales get our es and pt-BR; English locales keep the default.
    assert ask["description_localizations"]["es-ES"] == ask["description_localizations"]["es-419"]
    assert ask["description_localizations"]["pt-BR"].startswith("Faça uma pergunta")
    assert "en-US" not in ask["description_localizations"] and "ja" not in ask["description_localizations"]
    question = next(o for o in ask["options"] if o["name"] == "question")
    assert question["description_localizations"]["ru"] == "Ваш вопрос"
    assert all(not c.get("name_localizations") for c in synced.values())
    assert all(not o.get("name_localizations") for c in synced.values() for o in c.get("options") or [])
    admin = synced["episodebot"]
    assert admin["description_localizations"]["fr"].startswith("Outils d'admin")
    assert all(o["description_localizations"].get("ru") for o in admin["options"])  # each subcommand
    assert not standin.violations  # every localization within Discord's limits


async def test_a_russian_member_gets_the_reply_buttons_and_errors_in_russian(standin, bot):
    data = (await standin.answered(await standin.slash("ask", {"question": "What is RLVR?"}, locale="ru")))["data"]
    embed = data["embeds"][0]
    assert embed["footer"]["text"].startswith("Источники: ")
    assert ru("More results") in labels(data) and ru("Share to channel") in labels(data)
    assert "More results" not in labels(data)

    chapter = (await standin.answered(await standin.slash("chapter", {"title_or_time": "scaling laws"},
                                                          locale="ru")))["data"]
    assert labels(chapter) == ["Предыдущая глава", "Следующая глава", "Поделиться в канале"]
    assert "Начинается в 1:02:38" in embed_text(chapter)

    # The next page, clicked by the same member, is Russian too (the clicker's language).
    message = await standin.message_for(await standin.slash("ask", {"question": "What is RLVR?"}, locale="ru"))
    page = await standin.answered(await standin.click(message, "Ещё результаты", locale="ru"))
    assert "Страница 2" in embed_text(page["data"])

    impossible = (await standin.answered(await standin.slash("chapter", {"title_or_time": "9:99:99"},
                                                             locale="ru")))["data"]
    assert "невозможное время" in impossible["content"] and impossible["flags"] & 64
    long = (await standin.answered(await standin.slash("ask", {"question": "why " * 500}, locale="ru")))["data"]
    # The count in the member's number format (babel) and the plural form Russian needs for it.
    assert "question: 1\xa0999 символов, а предел — 300." in long["content"]
    refused = await standin.answered(await standin.admin("stats", locale="ru"))
    assert refused["data"]["content"] == ru("Only members with the Manage Server permission can use /episodebot.")
    assert refused["data"]["content"].startswith("/episodebot доступна")


async def test_the_servers_language_then_the_bots(standin, runner):
    await sync(runner.core, runner.make_settings(), [])
    await runner.start()
    # A client language we lack falls back to the server's...
    german = (await standin.answered(await standin.slash("chapter", {"title_or_time": "scaling laws"},
                                                         locale="ja", guild_locale="de")))["data"]
    assert labels(german)[:2] == ["Vorheriges Kapitel", "Nächstes Kapitel"]
    # ...and to English when neither is one we have, without a word about it.
    english = (await standin.answered(await standin.slash("chapter", {"title_or_time": "scaling laws"},
                                                          locale="ja", guild_locale="ko")))["data"]
    assert labels(english)[:2] == ["Previous chapter", "Next chapter"]


async def test_episode_bot_language_is_the_last_fallback(standin, runner):
    await sync(runner.core, runner.make_settings(), [])
    runner.core.language = "fr"  # what EPISODE_BOT_LANGUAGE=fr sets (from_settings)
    try:
        await runner.start()
        data = (await standin.answered(await standin.slash("chapter", {"title_or_time": "scaling laws"},
                                                           locale="ja", guild_locale="ko")))["data"]
        assert labels(data)[:2] == ["Chapitre précédent", "Chapitre suivant"]
    finally:
        runner.core.language = "en"


async def test_a_russian_question_about_the_russian_episode_through_discord(standin, runner):
    """The whole path: a Russian member asks the Russian test episode; the right chapter, in Russian."""
    from pathlib import Path

    from bot.core import EpisodeBot

    core = EpisodeBot(Path(__file__).resolve().parents[1] / "languages" / "data" / "ru-pochta")
    await sync(core, runner.make_settings(), [])
    await runner.start(core=core)
    data = (await standin.answered(await standin.slash("ask", {"question": "Как сортируют посылки?"},
                                                       locale="ru")))["data"]
    text = embed_text(data)
    assert "Сортировочный центр разбирает посылки" in text and "Сортировочные центры и автоматизация" in text
    assert "0:43:50" in text and data["embeds"][0]["footer"]["text"].startswith("Источники: ")
    declined = (await standin.answered(await standin.slash("ask", {"question": "Какой рецепт борща?"},
                                                           locale="ru")))["data"]
    assert "Не нашёл" in embed_text(declined)
