"""The language of a reply: per call, negotiated, refused at start-up when unknown; --json stays neutral."""

from __future__ import annotations

import datetime as dt
import json
import threading
from pathlib import Path

import pytest

from bot import cli, i18n
from bot.core import EpisodeBot
from bot.settings import ConfigError, load_settings

ROOT = Path(__file__).resolve().parents[2]


def test_negotiation_takes_the_first_language_we_have():
    assert i18n.negotiate("ru", "de") == "ru"
    assert i18n.negotiate("ja", "de") == "de"  # a member's locale we lack: the server's
    assert i18n.negotiate("ja", "ko", None) == "en"  # neither: the default, silently
    assert i18n.match("es-419") == i18n.match("es-ES") == "es"
    assert i18n.match("pt-BR") == i18n.match("pt") == "pt-BR"
    assert i18n.match("en-GB") == "en"
    assert i18n.match("de_DE.UTF-8") == "de" and i18n.match("fr_FR@euro") == "fr"
    assert i18n.match("C.UTF-8") is None and i18n.match("POSIX") is None and i18n.match("") is None


def test_an_unknown_bot_language_stops_start_up_listing_the_available_ones():
    with pytest.raises(ConfigError) as caught:
        load_settings(env_file=None, secrets_dir=None, language="klingon")
    text = str(caught.value)
    assert "language" in text.lower() and all(code in text for code in ("en", "ru", "de", "es", "pt-BR", "fr"))
    assert load_settings(env_file=None, secrets_dir=None, language="pt_BR").language == "pt-BR"


def test_the_language_is_per_call_not_per_process(episode_bot: EpisodeBot):
    """Two members asking at once each get their own language."""
    seen: dict[str, str] = {}
    barrier = threading.Barrier(3)

    def ask(lang: str) -> None:
        barrier.wait()
        for _ in range(20):
            reply = episode_bot.run("chapter", {"title_or_time": "scaling laws"}, language=lang)
            seen.setdefault(lang, reply.buttons[-1].label)
            assert reply.buttons[-1].label == seen[lang]

    threads = [threading.Thread(target=ask, args=(lang,)) for lang in ("ru", "de", "en")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert seen == {"ru": "Следующая глава", "de": "Nächstes Kapitel", "en": "Next chapter"}
    assert episode_bot.run("chapter", {"title_or_time": "scaling laws"}).buttons[-1].label == "Next chapter"


def test_a_language_we_lack_answers_in_the_bots_own(episode_bot: EpisodeBot):
    reply = episode_bot.run("ask", {"question": "What is RLVR?"}, language="ja")
    assert reply.results and not reply.error
    assert i18n.current() == "en"  # nothing leaks out of the call


def test_dates_follow_the_language():
    day = dt.date(2027, 12, 16)
    with i18n.speaking("de"):
        assert i18n.format_date(day) == "16.12.2027"
    with i18n.speaking("fr"):
        assert i18n.format_date(day) == "16 déc. 2027"
    assert i18n.format_date(day) == "2027-12-16"  # English keeps ISO 8601 (US and UK members alike)


def test_the_command_line_follows_lang_and_json_stays_neutral(capsys, monkeypatch):
    monkeypatch.delenv("LC_ALL", raising=False)
    monkeypatch.delenv("LC_MESSAGES", raising=False)
    monkeypatch.setenv("LANG", "de_DE.UTF-8")
    seeds = str(ROOT / "seeds")
    assert cli.main(["chapter", "scaling laws", "--seeds", seeds]) == 0
    assert "Kapitel: AI Scaling Laws" in capsys.readouterr().out

    assert cli.main(["quote", "--speaker", "Nobody Here", "--seeds", seeds, "--json"]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert set(doc) >= {"command", "query", "episode", "results", "message", "suggestions"}
    assert doc["message"].startswith("Niemand namens 'Nobody Here'")  # message is translated

    assert cli.main(["ask", "What is RLVR?", "--seeds", seeds, "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["results"] and {r["kind"] for r in doc["results"]} <= {
        "transcript", "highlight", "takeaway", "summary", "note", "quote", "description", "info"}

    monkeypatch.setenv("LC_ALL", "C.UTF-8")  # LC_ALL decides; C means the bot's language
    assert cli.main(["chapter", "scaling laws", "--seeds", seeds]) == 0
    assert "chapter: AI Scaling Laws" in capsys.readouterr().out


@pytest.mark.parametrize("question", [
    "Что такое RLVR и scaling laws?",  # Russian and English in one question
    "Was ist RLVR? ¿Qué es?",
    "RLVR 是什么",
    "ñ" * 300,
])
def test_mixed_language_questions_get_an_answer_or_a_decline(episode_bot: EpisodeBot, question):
    for lang in ("ru", "de", "en"):
        reply = episode_bot.run("ask", {"question": question}, language=lang)
        assert reply.results or reply.message
