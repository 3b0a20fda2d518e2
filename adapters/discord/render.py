"""Turn a neutral Reply into a Discord message: embed, buttons, and nothing over a limit.

This is the one place text is escaped for Discord. Every string that comes
from a user or a seed file goes through `escape()`, so `@everyone`, role
mentions, masked links and stray markdown show as typed and never act.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Callable
from urllib.parse import quote

import discord

from bot import i18n
from bot.i18n import N_, _
from bot.text import format_time

from .buttons import SHARE_ID, ActionButton

if TYPE_CHECKING:
    from bot.replies import Reply

    from .buttons import ActionRefs

# Discord's limits (discord-api-docs, "Embed Limits" and "Message" objects).
CONTENT = 2000
TITLE = 256
DESCRIPTION = 4096
FIELDS = 25
FIELD_NAME = 256
FIELD_VALUE = 1024
FOOTER = 2048
EMBED_URL = 2048  # RichEmbed.url maxLength in Discord's OpenAPI spec
EMBED_TOTAL = 6000
BUTTON_LABEL = 80
BUTTONS_PER_ROW = 5

FOOTER_BUDGET = 300  # the footer only names files; keep the room for answers
COLOUR = discord.Colour(0x5865F2)
DECLINE_COLOUR = discord.Colour(0xFEE75C)
NO_MENTIONS = discord.AllowedMentions.none()
SPOILER_NOTE = N_("Spoiler-safe")

_TIME_SPAN = re.compile(r"`(\d{1,2}:\d{2}(?::\d{2})?)`")
_INLINE = re.compile(r"([\\*_~`|\[\]])")
_URL = re.compile(r"https?://[^\s<>]+")
_BRACKETS = re.compile(r"([\[\]])")
_LINE_START = re.compile(r"^([ \t]*)([>#-])", re.M)  # quote, header, list or subtext at a line's start
_SPLIT_TAIL = re.compile(r"\[[^\]\n]*(\]\([^)\n]*)?$|\\$")  # "[1:02:38](http..." or a lone "\\" at the end
_SAFE_URL = re.compile(r"^https?://[^\s<>()\[\]\"']+$")
_STYLES = {"more": discord.ButtonStyle.primary, "share": discord.ButtonStyle.success}


@dataclass
class ButtonSpec:
    label: str
    custom_id: str
    kind: str


@dataclass
class Rendered:
    """A message ready for discord.py: content, embeds and buttons."""

    content: str | None = None
    embeds: list[discord.Embed] = field(default_factory=list)
    buttons: list[ButtonSpec] = field(default_factory=list)

    def view(self) -> discord.ui.View | None:
        """Build the buttons as a view, or None when there are none."""
        if not self.buttons:
            return None
        view = discord.ui.View(timeout=None)
        for i, b in enumerate(self.buttons[:BUTTONS_PER_ROW * 5]):
            view.add_item(ActionButton(b.label, b.custom_id, _STYLES.get(b.kind, discord.ButtonStyle.secondary),
                                       row=i // BUTTONS_PER_ROW))
        # Clicks reach ActionButton by custom_id alone (client.add_dynamic_items), so discord.py need
        # not keep the view: a kept ephemeral view gets a 15-minute timeout task, and at 10 answers a
        # second those held about 25 MB. A stopped view is sent the same but never stored.
        view.stop()
        return view

    def kwargs(self) -> dict[str, Any]:
        """Keyword arguments for send_message / edit_message / followup.send."""
        return {"content": self.content, "embeds": self.embeds, "view": self.view(),
                "allowed_mentions": NO_MENTIONS}


def escape(text: str) -> str:
    """Make user or seed text show literally: no markdown, no mentions, no masked links.

    Every markdown character is escaped, the backslash first, so a typed
    backslash cannot undo an escape; discord.py's escape_markdown misses the
    second of two masked links in one line. Bare URLs keep their characters
    (an escaped `_` would break the link); only brackets are escaped there.
    """
    out, last = [], 0
    for m in _URL.finditer(text):
        out.append(_escape_plain(text[last:m.start()]))
        out.append(_BRACKETS.sub(r"\\\1", m.group()))
        last = m.end()
    out.append(_escape_plain(text[last:]))
    return discord.utils.escape_mentions("".join(out))


def _escape_plain(text: str) -> str:
    return _LINE_START.sub(r"\1\\\2", _INLINE.sub(r"\\\1", text))


def escape_inline(text: str) -> str:
    """Escape text for one-line places (titles, field names): inline markdown and mentions only.

    Headers, quotes and lists do not render there, so escaping them would show a backslash.
    """
    return discord.utils.escape_mentions(_INLINE.sub(r"\\\1", text))


def fit(text: str, limit: int, tail: str = "…") -> str:
    """Cut plain text to at most `limit` characters, at a line or word break when one is near."""
    if len(text) <= limit:
        return text
    cut = text[:max(0, limit - len(tail))]
    for sep in ("\n", " "):
        at = cut.rfind(sep)
        if at >= len(cut) * 0.8:
            cut = cut[:at]
            break
    return cut.rstrip() + tail


def fit_escaped(text: str, limit: int, escaper: Callable[[str], str] = escape) -> str:
    """Escape text and cut it so the escaped form fits `limit` (escaping makes text longer)."""
    # Escaping only lengthens text: `limit` characters are all that can fit, so a huge text costs no more.
    budget = min(len(text), limit)
    out = escaper(fit(text, budget))
    while len(out) > limit and budget > 0:
        budget -= max(1, len(out) - limit)
        out = escaper(fit(text, max(budget, 0)))
    return out if len(out) <= limit else ""


def link(label: str, url: str | None) -> str:
    """A masked link to the moment, or the bare label when the URL is not safe to embed."""
    if url and _SAFE_URL.match(url):
        return f"[{label}]({quote(url, safe=':/?#&=%+.,;~@!$*-_')})"
    return f"`{label}`"


def render(reply: Reply, *, share: bool, refs: ActionRefs) -> Rendered:
    """Build the Discord message for a reply; `share` adds the Share to channel button."""
    if reply.error:
        return Rendered(content=fit_escaped("⚠️ " + (reply.body or reply.message or _("Something went wrong.")),
                                            CONTENT))
    links = _moment_links(reply)
    title = fit_escaped(" ".join(reply.title.split()), TITLE, escape_inline) or reply.command.capitalize()
    embed = discord.Embed(title=title,
                          colour=DECLINE_COLOUR if reply.message and not reply.results else COLOUR)
    top = next((r for r in reply.results if r.link), None)
    if top and top.link and len(top.link) <= EMBED_URL and _SAFE_URL.match(top.link):
        embed.url = top.link  # longer, and Discord refuses the whole answer with a 400
    parts = []
    if reply.message and reply.message != reply.body:
        parts.append("*" + escape(reply.message) + "*")
    if reply.body:
        body = _with_links(reply.body, links)
        if reply.results and reply.results[0].timestamp and reply.command not in ("chapter", "episode", "help"):
            first = reply.results[0]
            body += f"\n▶ {link(first.timestamp, first.link)}"
        parts.append(body)
    description = _fit_lines("\n".join(parts), DESCRIPTION).strip()
    if description:
        embed.description = description
    footer = _footer(reply)
    used = len(embed.title or "") + len(description) + len(footer) + 140  # room for notes and "Shared by"
    fields = [(f.name, f.value, f.inline, r) for f, r in zip(reply.fields, _field_results(reply))]
    if reply.suggestions:
        fields.append((_("Try"), "\n".join("• " + s for s in reply.suggestions[:5]), False, None))
    dropped = 0
    for raw_name, value, inline, result in fields:
        if len(embed.fields) >= FIELDS:
            dropped += 1
            continue
        name = fit_escaped(raw_name, FIELD_NAME, escape_inline).strip() or "…"
        text = _with_links(value, links)
        if result is not None and result.timestamp:
            text = fit_escaped(value, FIELD_VALUE - 60) + f"\n▶ {link(result.timestamp, result.link)}"
        text = _fit_lines(text, FIELD_VALUE).strip() or "…"
        if used + len(name) + len(text) > EMBED_TOTAL:
            dropped += 1
            continue
        used += len(name) + len(text)
        embed.add_field(name=name, value=text, inline=inline)
    if dropped:
        more = i18n.ngettext("{n} more not shown", "{n} more not shown", dropped)
        footer = f"{more} · {footer}" if footer else more
    if footer:
        embed.set_footer(text=fit(footer, FOOTER_BUDGET + 140))
    rendered = Rendered(embeds=[embed])
    for button in reply.buttons:
        label = fit(" ".join(button.label.split()), BUTTON_LABEL) or button.action.kind.capitalize()
        rendered.buttons.append(ButtonSpec(label, refs.custom_id(button.action),
                                           button.action.kind))
    if share:
        rendered.buttons.append(ButtonSpec(_("Share to channel"), SHARE_ID, "share"))
    return rendered


def _moment_links(reply: Reply) -> dict[str, str]:
    """Map each timestamp in the reply to the link to that moment."""
    links: dict[str, str] = {}
    for c in reply.citations:
        if c.timestamp and c.link:
            links.setdefault(c.timestamp, c.link)
    for r in reply.results:
        if r.timestamp and r.link:
            links.setdefault(r.timestamp, r.link)
    return links


def _with_links(text: str, links: dict[str, str]) -> str:
    """Escape text, turning the core's `H:MM:SS` code spans into links to the moment."""
    out, last = [], 0
    for m in _TIME_SPAN.finditer(text):
        out.append(escape(text[last:m.start()]))
        out.append(link(m[1], links.get(m[1])))
        last = m.end()
    out.append(escape(text[last:]))
    return "".join(out)


def _fit_lines(text: str, limit: int) -> str:
    """Cut already-escaped text at a line break so no link or escape is split; say what was left out."""
    if len(text) <= limit:
        return text
    lines = text.split("\n")
    kept: list[str] = []
    size = 0
    for line in lines:
        note = f"\n… {len(lines) - len(kept)} more lines not shown"
        if size + len(line) + 1 + len(note) > limit:
            break
        kept.append(line)
        size += len(line) + 1
    if not kept:  # one huge line: cut it, then drop a link or an escape the cut split in two
        cut = text[:limit - 1]
        return _SPLIT_TAIL.sub("", cut) + "…"
    return "\n".join(kept) + f"\n… {len(lines) - len(kept)} more lines not shown"


def _field_results(reply: Reply) -> list[Any]:
    """Pair each field with the result it shows (paged answers list results 2.. as fields)."""
    paged = reply.command in ("ask", "quote", "summary") and len(reply.fields) == max(0, len(reply.results) - 1)
    if paged:
        return list(reply.results[1:])
    return [None] * len(reply.fields)


def spoil(embed: discord.Embed) -> None:
    """Hide an embed's text behind spoiler tags (`||…||`), within Discord's limits.

    For spoiler-safe answers posted to a channel: the asker is past that point
    of the episode, other members may not be. User and seed text is already
    escaped (`|` included), so nothing inside can close the tag early.
    """
    if embed.description:
        embed.description = f"||{_fit_lines(embed.description, DESCRIPTION - 4)}||"
    for i, f in enumerate(list(embed.fields)):
        embed.set_field_at(i, name=f.name or "…", value=f"||{_fit_lines(f.value or '…', FIELD_VALUE - 4)}||",
                           inline=bool(f.inline))
    while len(embed) > EMBED_TOTAL and embed.fields:
        embed.remove_field(len(embed.fields) - 1)


def is_spoiler_safe(embed: discord.Embed) -> bool:
    """Return True for an embed rendered from a spoiler-safe reply (its footer says so)."""
    text = embed.footer.text or ""  # in any language: a member may share another's answer
    return any(note in text for note in (SPOILER_NOTE, *i18n.translations(SPOILER_NOTE).values()))


def _footer(reply: Reply) -> str:
    sources = reply.sources
    parts = []
    if reply.before is not None:
        parts.append(_("{spoiler_safe} up to {time}", spoiler_safe=_(SPOILER_NOTE), time=format_time(reply.before)))
    if reply.page > 1:
        parts.append(_("Page {page}", page=reply.page))
    if sources:
        parts.append(_("Sources: {files}", files=", ".join(sources)))
    return fit(" · ".join(parts), FOOTER_BUDGET)
