"""The bot's own words in the member's language: gettext catalogues read with babel.

Every string the bot writes to a member is wrapped in `_()` (or `ngettext()`,
or marked with `N_()` where it is declared before anyone asks); `pybabel
extract` (babel.cfg) collects them into bot/locales/episode_bot.pot and each
language keeps its translations in bot/locales/<lang>/LC_MESSAGES/episode_bot.po.

The `.po` files are read with babel's `read_po` when a language is first
used (a few milliseconds; no compile step, so an installed bot and a source
checkout read the same files and nothing is written at run time).

The language is per call, never per process: a Discord member's client
language differs from the next member's. `speaking(lang)` sets it for the
code that runs inside it (a context variable, so threads started with
asyncio.to_thread and other tasks keep their own).
"""

from __future__ import annotations

import datetime as _dt
import functools
import gettext as _gettext
import logging
import threading
from contextlib import contextmanager
from contextvars import ContextVar
from pathlib import Path
from typing import Any, Iterator

# babel's dates and .po reader are imported where used: English answers need neither.
from babel import Locale
from babel.numbers import format_decimal

log = logging.getLogger(__name__)

DOMAIN = "episode_bot"
LOCALES_DIR = Path(__file__).with_name("locales")
DEFAULT = "en"
# The languages the bot speaks, as members and admins write them (BCP 47), and the catalogue folders.
LANGUAGES: dict[str, str] = {"en": "en", "ru": "ru", "de": "de", "es": "es", "pt-BR": "pt_BR", "fr": "fr"}

_current: ContextVar[str | None] = ContextVar("episode_bot_language", default=None)
_default = DEFAULT  # EPISODE_BOT_LANGUAGE, set once at start-up (the fallback, not the answer language)
_lock = threading.Lock()


class _Catalogue:
    """One language's messages: msgid -> text, and (singular, plural) -> forms."""

    def __init__(self, lang: str) -> None:
        self.lang = lang
        self.singular: dict[str, str] = {}
        self.plural: dict[tuple[str, str], list[str]] = {}
        self.plural_index = lambda n: 0 if n == 1 else 1
        path = LOCALES_DIR / LANGUAGES[lang] / "LC_MESSAGES" / f"{DOMAIN}.po"
        if lang == DEFAULT or not path.is_file():
            return  # English is the msgids themselves
        from babel.messages.pofile import read_po

        with path.open("rb") as f:
            catalog = read_po(f, locale=LANGUAGES[lang])
        self.plural_index = _gettext.c2py(catalog.plural_expr)  # the catalogue's own Plural-Forms rule
        for m in catalog:
            if not m.id or m.fuzzy:
                continue
            if isinstance(m.id, tuple):
                forms = [s for s in m.string if s] if isinstance(m.string, tuple) else []
                if len(forms) == catalog.num_plurals:
                    self.plural[(m.id[0], m.id[1])] = forms
            elif m.string:
                self.singular[m.id] = m.string


_catalogues: dict[str, _Catalogue] = {}


def _catalogue(lang: str) -> _Catalogue:
    found = _catalogues.get(lang)
    if found is None:
        with _lock:
            found = _catalogues.get(lang) or _Catalogue(lang)
            _catalogues[lang] = found
    return found


def available() -> list[str]:
    """The languages with a catalogue (English needs none)."""
    return list(_available())


@functools.cache
def _available() -> tuple[str, ...]:
    # The catalogues ship with the package and don't change while it runs: look once, not on every command.
    return tuple(code for code, folder in LANGUAGES.items()
                 if code == DEFAULT or (LOCALES_DIR / folder / "LC_MESSAGES" / f"{DOMAIN}.po").is_file())


@functools.cache
def _by_lower() -> dict[str, str]:
    return {code.lower(): code for code in _available()}


def match(tag: str | None) -> str | None:
    """Return the language we have for a locale tag ('ru', 'pt-BR', 'es-419', 'de_DE.UTF-8'), else None."""
    if not tag:
        return None
    text = str(tag).split(".", 1)[0].split("@", 1)[0].replace("_", "-").strip()
    if not text or text in ("C", "POSIX"):
        return None
    by_lower = _by_lower()
    if text.lower() in by_lower:
        return by_lower[text.lower()]
    base = text.split("-", 1)[0].lower()
    if base == "pt":
        return "pt-BR" if "pt-BR" in by_lower.values() else None
    return by_lower.get(base)


def negotiate(*tags: str | None) -> str:
    """Return the first of the tags we speak (a member's locale, then the server's...), else the default."""
    for tag in tags:
        found = match(tag)
        if found:
            return found
    return _default


def check(tag: str) -> str:
    """Return the language an admin named; raise ValueError listing the available ones when we lack it."""
    found = match(tag)
    if found is None:
        raise ValueError(f"no catalogue for {tag!r}; available: {', '.join(available())}")
    return found


def set_default(lang: str) -> None:
    """Set the language used when a call names none (EPISODE_BOT_LANGUAGE)."""
    global _default
    _default = check(lang)


def default() -> str:
    return _default


def chosen() -> str | None:
    """The language a caller set for this context with speaking() or use(), if any."""
    return _current.get()


def current() -> str:
    """The language of the call running now."""
    return _current.get() or _default


def use(lang: str | None) -> str:
    """Answer in `lang` from now on in this context (a one-person process: the CLI)."""
    chosen = negotiate(lang)
    _current.set(chosen)
    return chosen


@contextmanager
def speaking(lang: str | None) -> Iterator[str]:
    """Answer in `lang` (a tag we may lack: then the default) inside the block."""
    chosen = negotiate(lang) if lang else current()
    token = _current.set(chosen)
    try:
        yield chosen
    finally:
        _current.reset(token)


def _format(text: str, values: dict[str, Any]) -> str:
    if not values:
        return text
    try:
        return text.format(**values)
    except (KeyError, IndexError, ValueError):  # a broken translation must not cost the answer
        log.warning("translation %r does not fit its values; using it unformatted", text)
        return text


def _(message: str, **values: Any) -> str:
    """Translate a message into the call's language, then fill its {named} values."""
    lang = current()
    text = message if lang == DEFAULT else _catalogue(lang).singular.get(message, message)
    return _format(text, values)


gettext = _


def ngettext(singular: str, plural: str, n: int, **values: Any) -> str:
    """Translate a message whose form depends on a count (the catalogue's plural rules); {n} is the count."""
    lang = current()
    cat = _catalogue(lang)
    forms = cat.plural.get((singular, plural)) if lang != DEFAULT else None
    if forms:
        index = cat.plural_index(n)
        text = forms[index] if 0 <= index < len(forms) else forms[-1]
    else:
        text = singular if n == 1 else plural
    return _format(text, {"n": format_number(n), **values})


def N_(message: str) -> str:
    """Mark a message for extraction where it is declared; translate it with _() where it is shown."""
    return message


def translations(message: str) -> dict[str, str]:
    """Return the message in every language we have a translation for, by language code (not English)."""
    out: dict[str, str] = {}
    for lang in available():
        if lang != DEFAULT:
            text = _catalogue(lang).singular.get(message)
            if text:
                out[lang] = text
    return out


def _babel_locale(lang: str | None = None) -> Locale:
    return Locale.parse(LANGUAGES.get(lang or current(), "en"))


def format_date(value: _dt.date, *, form: str = "medium") -> str:
    """A date as people of the call's language write it (babel).

    English stays ISO 8601: our 'en' serves US and UK members alike, and
    2027-12-16 reads the same to both (babel's en would say Dec 16, 2027).
    """
    if current() == DEFAULT:
        return value.isoformat()
    from babel.dates import format_date as babel_date

    return babel_date(value, format=form, locale=_babel_locale())


def format_number(value: float | int) -> str:
    return format_decimal(value, locale=_babel_locale())


def language_name(lang: str) -> str:
    """The language's own name for itself ('русский', 'Deutsch')."""
    return _babel_locale(lang).get_display_name(_babel_locale(lang)) or lang
