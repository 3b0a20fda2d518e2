"""Discord's limits on what a bot sends, checked the way Discord's API checks them.

From discord-api-docs: message content 2000; 10 embeds; embed title 256,
description 4096, 25 fields (name 256, value 1024), footer 2048, author 256,
6000 in all; 5 action rows of 5 buttons, custom_id 1-100, label 80;
autocomplete at most 25 choices; command names `^[-_'\\p{L}\\p{N}]{1,32}$`
lowercase, descriptions 1-100, 25 options with required ones first.
"""

from __future__ import annotations

import re
from typing import Any

NAME = re.compile(r"^[-_'\w]{1,32}$")  # Discord's pattern, for the scripts used here


def check_message(data: dict[str, Any], partial: bool = False) -> list[str]:
    """Return every way a message breaks Discord's limits (empty when it is fine)."""
    problems = []
    content = data.get("content") or ""
    embeds = data.get("embeds") or []
    components = data.get("components") or []
    if len(content) > 2000:
        problems.append(f"content is {len(content)} > 2000")
    if not partial and not (content or embeds or components):
        problems.append("message is empty")
    if len(embeds) > 10:
        problems.append("more than 10 embeds")
    total = 0
    for e in embeds:
        for key, limit in (("title", 256), ("description", 4096)):
            size = len(e.get(key) or "")
            total += size
            if size > limit:
                problems.append(f"embed {key} is {size} > {limit}")
        fields = e.get("fields") or []
        if len(fields) > 25:
            problems.append(f"{len(fields)} fields > 25")
        for f in fields:  # Discord trims: a blank name or value is an empty one
            if not 1 <= len((f.get("name") or "").strip()) <= 256 or not 1 <= len((f.get("value") or "").strip()) \
                    or len(f.get("value") or "") > 1024:
                problems.append(f"field name/value out of range ({len(f.get('name') or '')}, "
                                f"{len(f.get('value') or '')})")
            total += len(f.get("name") or "") + len(f.get("value") or "")
        footer = (e.get("footer") or {}).get("text") or ""
        author = (e.get("author") or {}).get("name") or ""
        total += len(footer) + len(author)
        if len(footer) > 2048 or len(author) > 256:
            problems.append("footer or author too long")
    if total > 6000:
        problems.append(f"embeds total {total} > 6000")
    if len(components) > 5:
        problems.append("more than 5 action rows")
    for row in components:
        buttons = row.get("components") or []
        if row.get("type") != 1 or not 1 <= len(buttons) <= 5:
            problems.append("action row malformed")
        for b in buttons:
            if b.get("type") == 2 and b.get("style") != 5 and not 1 <= len(b.get("custom_id") or "") <= 100:
                problems.append(f"custom_id length {len(b.get('custom_id') or '')} not in 1..100")
            if not 1 <= len((b.get("label") or "").strip()) <= 80:
                problems.append("button label empty or > 80")
    return problems


def check_choices(data: dict[str, Any]) -> list[str]:
    choices = data.get("choices")
    if choices is None or len(choices) > 25:
        return [f"autocomplete answered with {len(choices or [])} choices"]
    return [f"choice {c!r} out of range" for c in choices
            if not 1 <= len(c.get("name", "")) <= 100 or len(str(c.get("value", ""))) > 100]


# The locales Discord accepts in *_localizations (its Locale reference).
LOCALES = {"id", "da", "de", "en-GB", "en-US", "es-ES", "es-419", "fr", "hr", "it", "lt", "hu", "nl", "no", "pl",
           "pt-BR", "ro", "fi", "sv-SE", "vi", "tr", "cs", "el", "bg", "ru", "uk", "hi", "th", "zh-CN", "ja",
           "zh-TW", "ko"}


def _localization_problems(where: str, item: dict[str, Any]) -> list[str]:
    """Localized names must match the name pattern, descriptions 1-100 characters, under known locales."""
    problems = []
    for locale, name in (item.get("name_localizations") or {}).items():
        if locale not in LOCALES or not NAME.match(name) or name != name.lower():
            problems.append(f"{where}: bad name localization {locale}={name!r}")
    for locale, text in (item.get("description_localizations") or {}).items():
        if locale not in LOCALES or not 1 <= len(text) <= 100:
            problems.append(f"{where}: bad description localization {locale} ({len(text)} characters)")
    return problems


def check_commands(commands: list[dict[str, Any]]) -> list[str]:
    """Return every way a command list breaks Discord's rules for definitions."""
    problems = []
    if len(commands) > 100:
        problems.append("more than 100 commands")
    for c in commands:
        where = f"/{c.get('name')}"
        if not NAME.match(c.get("name", "")) or c["name"] != c["name"].lower():
            problems.append(f"{where}: bad name")
        if not 1 <= len(c.get("description", "")) <= 100:
            problems.append(f"{where}: description length")
        problems += _localization_problems(where, c)
        options = c.get("options") or []
        if len(options) > 25:
            problems.append(f"{where}: more than 25 options")
        seen_optional = False
        for o in options:
            if not NAME.match(o.get("name", "")) or not 1 <= len(o.get("description", "")) <= 100:
                problems.append(f"{where} {o.get('name')}: bad name or description")
            problems += _localization_problems(f"{where} {o.get('name')}", o)
            if o.get("required"):
                if seen_optional:
                    problems.append(f"{where}: required option after an optional one")
            else:
                seen_optional = True
            if o.get("type") == 3 and not 1 <= o.get("max_length", 0) <= 6000:
                problems.append(f"{where} {o.get('name')}: no max_length")
    return problems
