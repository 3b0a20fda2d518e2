"""Every message the bot writes is in the template, and every catalogue translates all of it faithfully."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from bot import i18n
from bot.commands import ADMIN_COMMANDS, ADMIN_GROUP_DESCRIPTION, COMMANDS

ROOT = Path(__file__).resolve().parents[2]
POT = ROOT / "bot" / "locales" / "episode_bot.pot"
PLACEHOLDER = re.compile(r"\{[^{}]*\}")
LANGUAGES = [code for code in i18n.LANGUAGES if code != "en"]


def _ids(path: Path) -> set[str | tuple[str, ...]]:
    with path.open("rb") as f:
        return {m.id for m in read_po(f) if m.id}


def _catalogue(code: str):
    with (i18n.LOCALES_DIR / i18n.LANGUAGES[code] / "LC_MESSAGES" / "episode_bot.po").open("rb") as f:
        return read_po(f, locale=i18n.LANGUAGES[code])


def test_the_template_holds_every_message_in_the_code(tmp_path):
    """`pybabel extract` now gives the committed template: no string was added without it."""
    fresh = tmp_path / "fresh.pot"
    subprocess.run([sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "N_",
                    "--no-location", "--sort-output", "-o", str(fresh), "."], cwd=ROOT, check=True,
                   timeout=120)
    missing, stale = _ids(fresh) - _ids(POT), _ids(POT) - _ids(fresh)
    assert not missing, f"run pybabel extract (see babel.cfg) and translate: {sorted(map(str, missing))[:5]}"
    assert not stale, f"messages no longer in the code: {sorted(map(str, stale))[:5]}"


def test_the_six_languages_are_available():
    assert i18n.available() == ["en", "ru", "de", "es", "pt-BR", "fr"]


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_has_a_translation_with_the_same_placeholders(code):
    catalogue = _catalogue(code)
    assert _ids(POT) == {m.id for m in catalogue if m.id}
    for m in catalogue:
        if not m.id:
            continue
        assert not m.fuzzy, m.id
        if isinstance(m.id, tuple):
            forms = m.string
            assert len(forms) == catalogue.num_plurals and all(forms), m.id
            wanted = set(PLACEHOLDER.findall(m.id[0])) | set(PLACEHOLDER.findall(m.id[1]))
            for form in forms:
                assert set(PLACEHOLDER.findall(form)) == wanted, (m.id, form)
        else:
            assert m.string, m.id
            assert sorted(PLACEHOLDER.findall(m.string)) == sorted(PLACEHOLDER.findall(m.id)), (m.id, m.string)
            assert m.string.count("`") == m.id.count("`"), (m.id, m.string)  # code spans stay code
        # Every translation formats with the values its English takes.
        values = {name.strip("{}").split("!")[0]: "x" for name in PLACEHOLDER.findall(str(m.id))}
        if isinstance(m.id, tuple):
            values.pop("n")  # ngettext fills the count itself
        with i18n.speaking(code):
            text = (i18n.ngettext(m.id[0], m.id[1], 3, **values) if isinstance(m.id, tuple)
                    else i18n._(m.id, **values))
        assert not PLACEHOLDER.search(text), (m.id, text)


@pytest.mark.parametrize("code", LANGUAGES)
def test_discord_descriptions_fit_in_every_language(code):
    described = {ADMIN_GROUP_DESCRIPTION}
    for command in COMMANDS + ADMIN_COMMANDS:
        described.add(command.description)
        described |= {o.description for o in command.options}
    for text in described:
        translated = i18n.translations(text).get(code)
        assert translated, f"{code} lacks {text!r}"
        assert 1 <= len(translated) <= 100, (code, translated)


def test_plural_forms_follow_each_language():
    counts = {1: "1 глава", 3: "3 главы", 5: "5 глав", 21: "21 глава", 111: "111 глав"}
    with i18n.speaking("ru"):
        assert {n: i18n.ngettext("{n} chapter", "{n} chapters", n) for n in counts} == counts
    with i18n.speaking("fr"):  # French counts 0 as singular
        assert i18n.ngettext("{n} chapter", "{n} chapters", 0) == "0 chapitre"
    with i18n.speaking("de"):
        assert i18n.ngettext("{n} chapter", "{n} chapters", 0) == "0 Kapitel"
        assert i18n.ngettext("{n} file", "{n} files", 0) == "0 Dateien"
    assert i18n.ngettext("{n} file", "{n} files", 1) == "1 file"
