"""Rendered Discord and Slack messages always fit the platform limits and never ping or link anyone."""

from __future__ import annotations

import importlib
import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import COMMANDS
from bot.replies import Action, Button, Citation, Field_, Reply, Result

from .inputs import BAD_INPUTS

# The modules, not the functions of the same name the adapter packages export.
discord_render = importlib.import_module("adapters.discord.render")
discord_buttons = importlib.import_module("adapters.discord.buttons")
slack_render = importlib.import_module("adapters.slack.render")

SETTINGS = settings(max_examples=80, deadline=None, derandomize=True,
                    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Replies hold text the core cleaned (no surrogates), but anything else a seed or a user can write.
HOSTILE = st.sampled_from([v for v in BAD_INPUTS.values() if len(v) < 400 and "\ud800" not in v] + [
    "@everyone", "@here", "<@123456789012345678>", "<@!123456789012345678>", "<@&987654321098765432>",
    "<#123456789012345678>", "<!channel>", "<!here|here>", "<!subteam^S1|@team>", "<@U024BE7LH>",
    "<https://evil.example|ok>", "&lt;!channel&gt;", "&amp;lt;", "[ok](https://evil.example)",
    "**bold", "`code", "```", "||spoiler||", "> quote", "# heading", "- list", "~~x~~", "__u__",
    "`1:02:38`", "\\", "\\\\", "&", "<", ">", "\n", "\n\n\n",
])
PIECE = st.one_of(st.text(max_size=30), HOSTILE)
TEXT = st.lists(PIECE, max_size=12).map("".join)
# Long enough to pass every limit (4096, 3000), short enough to keep the test fast.
LONG = st.one_of(TEXT, st.builds(lambda p, n: (p * n)[:6000], PIECE.filter(bool), st.integers(50, 400)))
TIMESTAMP = st.one_of(st.none(), st.sampled_from(["0:00:00", "1:02:38", "12:34:56"]))
URL = st.one_of(st.none(), st.sampled_from([
    "https://lexfridman.com/episode?t=3758", "https://youtu.be/abc?t=10", "https://evil.example/a|<!channel>",
    "javascript:alert(1)", "https://x.example/a b", "https://x.example/(paren)"]))

RESULT = st.builds(Result, text=LONG, kind=st.sampled_from(["quote", "transcript", "summary", "chapter"]),
                   title=st.one_of(st.none(), TEXT), speaker=st.one_of(st.none(), TEXT),
                   timestamp=TIMESTAMP, chapter=st.one_of(st.none(), TEXT), source=st.one_of(st.none(), TEXT),
                   link=URL)
ACTION = st.builds(Action, kind=st.sampled_from(["more", "prev", "next"]),
                   command=st.sampled_from([c.name for c in COMMANDS]), query=LONG, episode=TEXT,
                   page=st.integers(1, 999), extra=TEXT)
REPLY = st.builds(
    Reply, command=st.sampled_from([c.name for c in COMMANDS]), query=TEXT, title=LONG, body=LONG,
    fields=st.lists(st.builds(Field_, name=TEXT, value=LONG, inline=st.booleans()), max_size=30),
    results=st.lists(RESULT, max_size=8),
    citations=st.lists(st.builds(Citation, source=TEXT, timestamp=TIMESTAMP, link=URL), max_size=15),
    suggestions=st.lists(LONG, max_size=8), buttons=st.lists(st.builds(Button, label=st.text(min_size=1, max_size=100), action=ACTION),
                                                              max_size=30),
    message=st.one_of(st.none(), LONG), error=st.booleans(), page=st.integers(1, 50), more=st.booleans(),
)

# -- Discord ---------------------------------------------------------------------

_LIVE_DISCORD = [
    re.compile(r"(?<!\\)@(everyone|here)"),  # escape_mentions puts a zero-width space after the @
    re.compile(r"<@[!&]?\d{17,20}>"),  # user and role mentions (ids are 17-20 digits)
]  # channel links (<#id>) and command links never notify anyone: allowed


def discord_texts(rendered) -> list[str]:
    """Every text Discord formats (a footer is shown as plain text, so it is left out)."""
    texts = [rendered.content or ""]
    for e in rendered.embeds:
        texts += [e.title or "", e.description or ""]
        texts += [t for f in e.fields for t in (f.name or "", f.value or "")]
    return texts


def check_discord(rendered, reply: Reply) -> None:
    assert rendered.content is None or len(rendered.content) <= 2000
    assert rendered.content or rendered.embeds
    assert len(rendered.embeds) <= 10
    total = 0
    for e in rendered.embeds:
        assert len(e.title or "") <= 256
        assert len(e.description or "") <= 4096
        assert len(e.fields) <= 25
        for f in e.fields:
            assert 1 <= len(f.name) <= 256 and 1 <= len(f.value) <= 1024
        assert len(e.footer.text or "") <= 2048
        total += len(e) if hasattr(e, "__len__") else 0
    assert total <= 6000
    view = rendered.view()
    for b in view.children if view else []:
        assert 1 <= len(b.item.label) <= 80 and 1 <= len(b.custom_id) <= 100
    assert len(view.children if view else []) <= 25
    for text in discord_texts(rendered):
        for pattern in _LIVE_DISCORD:
            assert not pattern.search(text), text
        # a masked link the user or a seed wrote must not survive as a link
        assert not re.search(r"(?<!\\)\[ok\]\(https://evil", text), text
    payload = rendered.kwargs()
    assert payload["allowed_mentions"].everyone is False and payload["allowed_mentions"].roles is False


@SETTINGS
@given(reply=REPLY, share=st.booleans())
def test_discord_render_fits_any_reply(reply, share):
    check_discord(discord_render.render(reply, share=share, refs=discord_buttons.ActionRefs(None)), reply)


@pytest.mark.parametrize("text", [
    "[ok](https://evil.example)",
    "[a](https://x.example) then [ok](https://evil.example)",  # escape_markdown escapes only the first
    "[ok](<https://evil.example>)",
    "[ok]( https://evil.example )",
])
def test_discord_escapes_every_masked_link(text):
    for escaped in (discord_render.escape(text), discord_render.fit_escaped(text, 2000)):
        assert not re.search(r"(?<!\\)\[[^\]]*\]\(", escaped), escaped


# -- Slack -----------------------------------------------------------------------

_BOT_LINK = re.compile(r"<https?://[^\s<>|\"]+\|[^<>]*>|<@[UW][A-Z0-9]{2,30}>")
_ENTITY = re.compile(r"&(amp|lt|gt);")


def slack_mrkdwn(payload: dict) -> list[str]:
    texts = []
    for block in payload["blocks"]:
        if block["type"] == "section":
            texts.append(block["text"]["text"])
            texts += [f["text"] for f in block.get("fields", [])]
        elif block["type"] == "context":
            texts += [e["text"] for e in block["elements"] if e["type"] == "mrkdwn"]
    return texts


def check_slack(payload: dict) -> None:
    blocks = payload["blocks"]
    assert 1 <= len(blocks) <= 50
    assert len(payload["text"]) <= 40000
    block_text = 0
    for block in blocks:
        kind = block["type"]
        if kind == "header":
            assert block["text"]["type"] == "plain_text" and 1 <= len(block["text"]["text"]) <= 150
        elif kind == "section":
            assert 1 <= len(block["text"]["text"]) <= 3000 and block["text"]["text"].strip()
            assert len(block.get("fields", [])) <= 10
            block_text += len(block["text"]["text"])
        elif kind == "context":
            assert 1 <= len(block["elements"]) <= 10
            block_text += sum(len(e["text"]) for e in block["elements"])
        elif kind == "actions":
            assert 1 <= len(block["elements"]) <= 25
            for b in block["elements"]:
                assert 1 <= len(b["text"]["text"]) <= 75 and len(b["value"]) <= 2000
                assert len(b["action_id"]) <= 255
        else:
            raise AssertionError(f"unexpected block {kind}")
        assert len(block.get("block_id", "")) <= 255
    assert block_text <= 12000  # about 13k has been refused with msg_blocks_too_long
    for text in [payload["text"], *slack_mrkdwn(payload)]:
        bare = _BOT_LINK.sub("", text) if text is not payload["text"] else text
        assert "<" not in bare and ">" not in bare, text  # no <!channel>, <@U..>, <url|label> from outside
        assert "&" not in _ENTITY.sub("", bare), text  # every & is an entity the bot wrote


@SETTINGS
@given(reply=REPLY, share=st.one_of(st.none(), ACTION.map(lambda a: a.model_copy(update={"kind": "share"}))),
       shared_by=st.one_of(st.none(), st.sampled_from(["U024BE7LH", "<!channel>", "W1234ABCD"])),
       usage=st.one_of(st.none(), TEXT))
def test_slack_render_fits_any_reply(reply, share, shared_by, usage):
    check_slack(slack_render.render_reply(reply, share=share, shared_by=shared_by, usage=usage))


# -- real replies from the core, with the bad inputs ----------------------------------

@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_core_replies_render_within_limits(episode_bot, command, name):
    for option in command.options or [None]:
        args = {o.name: "rlvr" for o in command.options if o.required}
        if option is not None:
            args[option.name] = BAD_INPUTS[name]
        reply = episode_bot.run(command.name, args)
        check_discord(discord_render.render(reply, share=True, refs=discord_buttons.ActionRefs(None)), reply)
        check_slack(slack_render.render_reply(reply, share=Action(kind="share", command=command.name)))
