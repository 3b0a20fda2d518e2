"""Episodes in Russian and German: their language read or detected, searched with their stemmer (issue 17)."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from bot import cli
from bot.core import EpisodeBot
from bot.languages import detect

DATA = Path(__file__).resolve().parent / "data"
ROOT = Path(__file__).resolve().parents[2]

# Questions worded unlike the notes (other cases and forms of the words), with the chapter that answers.
ANSWERED = {
    "ru-pochta": [("Как сортируют посылки?", "Сортировочные центры и автоматизация"),
                  ("Когда появилась первая марка?", "Марки и единый тариф"),
                  ("Как ямщики меняли лошадей?", "Ямская гоньба и первые почтовые станции"),
                  ("Что говорят об интернет-магазинах?", "Почта и интернет-торговля"),
                  ("Когда ввели шестизначные индексы?", "Почтовые индексы")],
    "de-bienen": [("Wie entsteht Honig aus Nektar?", "Vom Nektar zum Honig"),
                  ("Was macht die Varroamilbe?", "Die Varroamilbe"),
                  ("Wie viele Eier legt die Königin?", "Das Bienenvolk und seine Königin"),
                  ("Was zeigt der Schwänzeltanz?", "Der Schwänzeltanz"),
                  ("Warum leben Bienen in Städten?", "Bienen in der Stadt")],
}
DECLINED = {
    "ru-pochta": ["Кто выиграл чемпионат мира по футболу?", "Какой рецепт борща?", "Как лечить простуду?"],
    "de-bienen": ["Wer hat die Fußballweltmeisterschaft gewonnen?", "Wie backt man Brot?",
                  "Wie repariert man ein Fahrrad?"],
}


@pytest.fixture(scope="module")
def bots() -> dict[str, EpisodeBot]:
    return {name: EpisodeBot(DATA / name) for name in ANSWERED}


@pytest.mark.parametrize("name,question,chapter", [(n, q, c) for n, qs in ANSWERED.items() for q, c in qs])
def test_a_question_in_the_episodes_language_finds_the_right_chapter(bots, name, question, chapter):
    reply = bots[name].run("ask", {"question": question})
    assert reply.results, reply.message
    assert reply.results[0].chapter == chapter


@pytest.mark.parametrize("name,question", [(n, q) for n, qs in DECLINED.items() for q in qs])
def test_a_question_the_episode_does_not_answer_is_declined(bots, name, question):
    reply = bots[name].run("ask", {"question": question})
    assert not reply.results and reply.message and not reply.error


def test_the_episode_says_its_language_and_a_reply_can_be_in_another(bots):
    reply = bots["ru-pochta"].run("chapter", {"title_or_time": "марки"}, language="de")
    assert reply.title == "Марки и единый тариф" and reply.body.startswith("Beginnt bei 0:14:25")
    info = bots["de-bienen"].run("episode", {}, language="ru")
    assert {f.name: f.value for f in info.fields}["Язык"] == "Deutsch"


def test_language_is_detected_when_the_files_do_not_say(tmp_path):
    for name, lang in (("ru-pochta", "ru"), ("de-bienen", "de")):
        folder = tmp_path / name
        folder.mkdir()
        text = (DATA / name / "notes.md").read_text(encoding="utf-8")
        (folder / "notes.md").write_text(text.replace(f"language: {lang}\n", ""), encoding="utf-8")
        bot = EpisodeBot(folder)
        assert bot.library.episodes[0].language == lang
        question, chapter = ANSWERED[name][0]
        assert bot.run("ask", {"question": question}).results[0].chapter == chapter
    assert EpisodeBot(ROOT / "seeds").library.episodes[0].language == "en"


def test_the_detector_on_short_and_mixed_text():
    assert detect("Как устроена почта и зачем нужны индексы") == "ru"
    assert detect("Die Bienen und der Honig sind ein Thema für sich") == "de"
    assert detect("Los episodios de la semana y el resumen del programa") == "es"
    assert detect("Les abeilles et le miel sont dans la ruche") == "fr"
    assert detect("Os episódios da semana e o resumo do programa") == "pt"
    assert detect("What is RLVR and why does it matter") == "en"
    assert detect("RLVR GPU") == "en" and detect("") == "en" and detect("12:30 ok", default="ru") == "ru"


def test_check_shows_each_episodes_language(capsys):
    assert cli.main(["check", str(DATA)]) == 0
    out = capsys.readouterr().out
    assert "Как устроена почта (language: ru)" in out and "Wie Bienen Honig machen (language: de)" in out
    assert cli.main(["check", str(DATA), "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert sorted(e["language"] for e in doc["episodes"]) == ["de", "ru"]


def test_a_feeds_language_goes_to_its_episodes(tmp_path, capsys):
    feed = tmp_path / "feed.xml"
    feed.write_text("""<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0"><channel><title>Разговоры о вещах</title><language>ru-RU</language>
<item><title>Как устроена почта</title><guid>p12</guid><pubDate>Mon, 02 Mar 2026 08:00:00 GMT</pubDate>
<description>Историк рассказывает, как почта выросла из ямской гоньбы и зачем нужны индексы.</description></item>
</channel></rss>""", encoding="utf-8")
    seeds = tmp_path / "seeds"
    assert cli.main(["import", str(feed), "--seeds", str(seeds)]) == 0
    [notes] = seeds.glob("*/*.md")
    assert "language: ru\n" in notes.read_text(encoding="utf-8")
    assert EpisodeBot(seeds).library.episodes[0].language == "ru"


def test_two_languages_in_one_catalogue(tmp_path):
    """A catalogue of a Russian, a German and an English episode: each is searched in its own language."""
    for name in ANSWERED:
        shutil.copytree(DATA / name, tmp_path / name)
    for path in (ROOT / "seeds").glob("*.txt"):
        shutil.copy(path, tmp_path / path.name)
    bot = EpisodeBot(tmp_path)
    assert sorted(e.language for e in bot.library.episodes) == ["de", "en", "ru"]
    # Named by number, each answers in its language; unnamed, the question finds its episode.
    assert bot.run("ask", {"question": "Как сортируют посылки?", "episode": "12"}).results[0].timestamp == "0:43:50"
    found = bot.run("ask", {"question": "Was macht die Varroamilbe?", "episode": "12"})
    assert found.results and found.results[0].episode == "7"  # not in #12: the German episode has it
    assert bot.run("ask", {"question": "What is RLVR?", "episode": "490"}).results


@pytest.mark.parametrize("lang", ["uk", "ru", "en", "xx"])
def test_cyrillic_words_are_stemmed_as_russian_whatever_the_episodes_language(lang):
    """No Snowball stemmer for Ukrainian exists: a Ukrainian episode's words are stemmed, not a KeyError."""
    from bot.text import searching, stem

    with searching(lang):
        assert stem("книги") == stem("книга") == "книг"
        assert stem("машины") == "машин"
