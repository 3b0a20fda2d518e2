"""Turn the core's neutral Reply into a Slack message (Block Kit).

This is the one place text is mrkdwn-escaped: every piece of text the bot did
not write itself (the user's query and the seed text alike) goes through
`fit()`, so `<!channel>` in a question or a transcript never notifies anyone.
Every Slack limit is respected by construction, never checked afterwards.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from bot.i18n import _, ngettext

if TYPE_CHECKING:
    from bot.replies import Action, Reply

# Slack's Block Kit limits (see docs/slack.md and the platform rules).
MAX_BLOCKS = 50
SECTION_TEXT = 3000
HEADER_TEXT = 150
CONTEXT_ELEMENTS = 10
ACTION_ELEMENTS = 25
BUTTON_TEXT = 75
BUTTON_VALUE = 2000
FALLBACK_TEXT = 3000  # the notification text; Slack cuts at 40,000
TOTAL_TEXT = 11000  # about 13k of block text has been refused (msg_blocks_too_long)
CONTEXT_TEXT = 500  # keep each context line short: it is a footnote

ACTION_PREFIX = "episode_bot_"
_SAFE_URL = re.compile(r"https?://[^\s<>|\"]+")
_USER_ID = re.compile(r"[UW][A-Z0-9]{2,30}")


def escape(text: str) -> str:
    """Escape the three characters mrkdwn treats as control characters (`&` first)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def fit(text: str, limit: int) -> str:
    """Escape text and cut it to at most limit characters, never inside an entity."""
    out = escape(text)
    if len(out) <= limit:
        return out
    cut = out[:max(0, limit - 1)]
    amp = cut.rfind("&")
    if amp != -1 and ";" not in cut[amp:]:
        cut = cut[:amp]
    return cut.rstrip() + "…"


def link(url: str | None, label: str) -> str:
    """Return a mrkdwn link to url labelled with (escaped) label; the bare label for an odd URL."""
    shown = fit(label, 200)
    if not url or not _SAFE_URL.fullmatch(url):
        return shown
    return f"<{escape(url)}|{shown}>"


def plain(text: str, limit: int) -> dict[str, Any]:
    """A plain_text object: Slack never formats or links it, so only the length matters."""
    clipped = text if len(text) <= limit else text[:limit - 1].rstrip() + "…"
    return {"type": "plain_text", "text": clipped or " ", "emoji": True}


def chunks(escaped: str, limit: int = SECTION_TEXT) -> list[str]:
    """Split already-escaped text into pieces of at most limit, at line breaks where possible."""
    pieces: list[str] = []
    current = ""
    for line in escaped.split("\n"):
        start = 0
        while len(line) - start > limit:  # one very long line: cut it outside any entity
            cut = line[start:start + limit]  # an index, not `line = line[n:]`: linear in the line's length
            amp = cut.rfind("&")
            if amp > 0 and ";" not in cut[amp:]:
                cut = cut[:amp]
            if current:
                pieces.append(current)
                current = ""
            pieces.append(cut)
            start += len(cut)
        line = line[start:]
        joined = f"{current}\n{line}" if current else line
        if len(joined) > limit:
            pieces.append(current)
            current = line
        else:
            current = joined
    if current.strip():
        pieces.append(current)
    return [p for p in pieces if p.strip()]


def section(mrkdwn: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": mrkdwn[:SECTION_TEXT]}}


def context(elements: list[str]) -> dict[str, Any]:
    return {"type": "context",
            "elements": [{"type": "mrkdwn", "text": e[:CONTEXT_TEXT]} for e in elements[:CONTEXT_ELEMENTS]]}


def button(label: str, action: Action) -> dict[str, Any] | None:
    """A button carrying its whole action in `value` (ephemeral clicks arrive without the message)."""
    value = action.encode()
    if len(value) > BUTTON_VALUE:
        return None
    element = {"type": "button", "text": plain(label, BUTTON_TEXT),
               "action_id": f"{ACTION_PREFIX}{action.kind}", "value": value}
    if action.kind == "share":
        element["style"] = "primary"
    return element


def render_reply(reply: Reply, *, share: Action | None = None, shared_by: str | None = None,
                 usage: str | None = None) -> dict[str, Any]:
    """Build the message for a reply: header, sections, sources, suggestions and buttons.

    `share` adds a Share in channel button (private answers); `shared_by` names
    who shared a public copy; `usage` is shown under an error.
    """
    if reply.error:
        return render_error(reply.body or reply.message or _("Something went wrong."), usage)
    blocks: list[dict[str, Any]] = [{"type": "header", "text": plain(reply.title, HEADER_TEXT)}]
    tail: list[dict[str, Any]] = []  # footnotes and buttons, always kept
    budget = TOTAL_TEXT

    def add(text: str) -> bool:
        nonlocal budget
        # Room for the tail (sources, suggestions, page, shared by, buttons) is kept free.
        if len(blocks) >= MAX_BLOCKS - 5 or len(text) > budget:
            return False
        blocks.append(section(text))
        budget -= len(text)
        return True

    shown = True
    if reply.message and reply.message.strip() != reply.body.strip():
        shown = add(":information_source: " + fit(reply.message, SECTION_TEXT - 30))
    for piece in chunks(escape(reply.body)):
        shown = shown and add(piece)
    left_out = 0
    for f in reply.fields:
        head = f"*{fit(f.name, 250)}*\n"
        if not (shown and add(head + fit(f.value, SECTION_TEXT - len(head)))):
            shown = False
            left_out += 1
    if left_out:
        tail.append(context([ngettext("{n} more not shown here: narrow the question to see them.",
                                      "{n} more not shown here: narrow the question to see them.", left_out)]))

    sources = [f"{i}. " + " · ".join(p for p in (link(c.link, c.timestamp) if c.timestamp else "",
                                                 f"`{fit(c.source, 200)}`" if c.source else "") if p)
               for i, c in enumerate(reply.citations[:CONTEXT_ELEMENTS - 1], 1) if c.timestamp or c.source]
    if sources:
        tail.append(context([":link: " + _("Sources"), *sources]))
    if reply.suggestions:
        tail.append(context([_("Try: {suggestions}", suggestions="; ".join(fit(s, 120) for s in reply.suggestions[:5]))]))
    if reply.page > 1:
        tail.append(context([_("Page {page}", page=reply.page)]))
    if shared_by and _USER_ID.fullmatch(shared_by):
        tail.append(context([_("Shared by {name}", name=f"<@{shared_by}>")]))

    elements = [button(b.label, b.action) for b in reply.buttons]
    if share is not None:
        elements.append(button(_("Share in channel"), share))
    elements = [e for e in elements if e is not None][:ACTION_ELEMENTS]
    if elements:
        tail.append({"type": "actions", "elements": elements})
    blocks = blocks[:MAX_BLOCKS - len(tail)] + tail
    return {"text": fallback(reply), "blocks": blocks}


def render_error(message: str, usage: str | None = None) -> dict[str, Any]:
    """A short private message for a user mistake, with the command's usage when known."""
    blocks: list[dict[str, Any]] = [section(":warning: " + fit(message, SECTION_TEXT - 20))]
    if usage:
        blocks.append(context([_("Usage: {usage}", usage=f"`{fit(usage, 300)}`")]))
    return {"text": fit(message, FALLBACK_TEXT), "blocks": blocks}


def fallback(reply: Reply) -> str:
    """The message's plain `text`, used for notifications and by screen readers."""
    first = (reply.message or reply.body or "").strip().split("\n", 1)[0]
    text = f"{reply.title}: {first}" if first else reply.title
    return fit(text, FALLBACK_TEXT)
