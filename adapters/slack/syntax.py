"""How the registry's commands look in Slack: names, usage lines, and reading the typed text.

A Slack slash command arrives as one line of text, so options other than the
main one are written `name:value` (or `name:"two words"`), e.g.
`/ask What is RLVR? episode:490` or `/quote speaker:"Nathan Lambert"`.
"""

from __future__ import annotations

import re

from bot.commands import Command, Option

# `name:value`, `name:"quoted value"` or `name:“smart quotes”` (Slack clients curl quotes).
_NAMED = re.compile(r'(?<!\S)(?P<name>[a-z_]+):(?:"(?P<plain>[^"]*)"|“(?P<curly>[^”]*)”|(?P<word>\S+))')


def slash_name(command: Command, prefix: str = "") -> str:
    """Return the Slack command for a registry command, e.g. /ask or /pod-ask."""
    return f"/{prefix}-{command.name}" if prefix else f"/{command.name}"


def main_option(command: Command) -> Option | None:
    """Return the option that takes the free text after the command."""
    for option in command.options:
        if option.positional and option.name != "episode":
            return option
    # /episode has one option, the episode itself: it takes the text.
    return command.options[0] if len(command.options) == 1 else None


def usage_hint(command: Command) -> str:
    """What goes after the command, for the manifest and for usage messages."""
    main = main_option(command)
    parts = []
    for option in command.options:
        if option is main:
            parts.append(f"<{option.name}>" if option.required else f"[{option.name}]")
        else:
            parts.append(f"[{option.name}:…]")
    return " ".join(parts)


def usage(command: Command, prefix: str = "") -> str:
    """Return the full usage line, e.g. `/ask <question> [episode:…]`."""
    hint = usage_hint(command)
    return f"{slash_name(command, prefix)} {hint}".strip()


def parse(command: Command, text: str) -> dict[str, str]:
    """Split a slash command's text into the command's options.

    Words like `episode:490` fill the option of that name; everything else is
    the main option's text. Unknown `word:` prefixes (a time like 1:02:38, a URL)
    stay part of the text. Limits are checked by the core, not here.
    """
    names = {o.name for o in command.options}
    args: dict[str, str] = {}

    def take(match: re.Match[str]) -> str:
        name = match["name"]
        if name not in names:
            return match.group(0)
        value = next(v for v in (match["plain"], match["curly"], match["word"]) if v is not None)
        args[name] = value.strip()
        return " "

    rest = " ".join(_NAMED.sub(take, text or "").split())
    main = main_option(command)
    if main is not None and rest and not args.get(main.name):
        args[main.name] = rest
    return {k: v for k, v in args.items() if v}


def example(command: Command, prefix: str = "") -> str:
    """The registry's example as typed in Slack: `ask "What is RLVR?"` becomes `/ask What is RLVR?`."""
    rest = command.example.removeprefix(command.name).strip()
    if len(rest) > 1 and rest[0] == rest[-1] == '"':
        rest = rest[1:-1]
    return f"{slash_name(command, prefix)} {rest}".strip()
