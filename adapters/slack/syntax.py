"""How the registry's commands look in Slack: names, usage lines, and reading the typed text.

A Slack slash command arrives as one line of text, so options other than the
main one are written `name:value` (or `name:"two words"`), e.g.
`/ask What is RLVR? episode:490` or `/quote speaker:"Nathan Lambert"`.
"""

from __future__ import annotations

import re

from bot.commands import Command, Option
from bot.errors import UserError
from bot.i18n import _

# `name:value`, `name:"quoted value"` or `name:“smart quotes”` (Slack clients curl quotes).
_NAMED = re.compile(r'(?<!\S)(?P<name>[A-Za-z][A-Za-z_]{0,19}):(?:"(?P<plain>[^"]*)"|“(?P<curly>[^”]*)”|(?P<word>\S+))')
ALIASES = {"ep": "episode"}  # short names people type
# `word:` prefixes that are not options: URLs and the like stay part of the question.
_SCHEMES = {"http", "https", "ftp", "mailto", "tel", "file", "ws", "wss", "slack", "git", "ssh", "urn", "data"}


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

    Words like `episode:490` (or `ep:490`) fill the option of that name;
    everything else is the main option's text. A time like 1:02:38, `e.g.` or
    a URL stays part of the text; an option-shaped word this command doesn't
    take (`colour:red`) raises a UserError that lists the ones it does, rather
    than being searched for. Limits are checked by the core, not here.
    """
    names = {o.name for o in command.options}
    args: dict[str, str] = {}
    unknown: list[str] = []

    def take(match: re.Match[str]) -> str:
        typed = match["name"]
        name = ALIASES.get(typed.lower(), typed.lower())
        value = next(v for v in (match["plain"], match["curly"], match["word"]) if v is not None)
        if name not in names:
            if _option_shaped(typed, value) and command.options:
                unknown.append(typed)
            return match.group(0)
        args[name] = value.strip()
        return " "

    rest = " ".join(_NAMED.sub(take, text or "").split())
    if unknown:
        raise UserError(_("`{option}:` is not an option of this command.", option=unknown[0]),
                        _("It takes {options}; anything else is your {main}.", options=known_options(command),
                          main=_main_name(command)))
    main = main_option(command)
    if main is not None and rest and not args.get(main.name):
        args[main.name] = rest
    return {k: v for k, v in args.items() if v}


def _option_shaped(typed: str, value: str) -> bool:
    """Return True for `word:value` that reads as an option: a lower-case word, not a URL scheme."""
    return typed.islower() and typed.isascii() and len(typed) >= 2 and typed not in _SCHEMES \
        and not value.startswith("/")


def known_options(command: Command) -> str:
    """Name the `key:` options a command takes, e.g. `speaker:`, `episode:` (or `ep:`), `before:`."""
    main = main_option(command)
    names = [f"`{o.name}:`" + (" (or `ep:`)" if o.name == "episode" else "")
             for o in command.options if o is not main]
    return ", ".join(names) if names else "no options"


def _main_name(command: Command) -> str:
    main = main_option(command)
    return main.name.replace("_", " ") if main is not None else "text"


def example(command: Command, prefix: str = "", written: str | None = None) -> str:
    """An example as typed in Slack: `ask "What is RLVR?"` becomes `/ask What is RLVR?`.

    `written` is an example in the CLI's form (the core's, for one episode); else the registry's.
    """
    return f"{slash_name(command, prefix)} {example_text(written or command.example)}".strip()


def example_text(written: str) -> str:
    """What follows the command in an example: `ask "What is RLVR?"` -> `What is RLVR?`."""
    rest = written.split(" ", 1)[1].strip() if " " in written else ""
    if len(rest) > 1 and rest[0] == rest[-1] == '"':
        rest = rest[1:-1]
    return rest
