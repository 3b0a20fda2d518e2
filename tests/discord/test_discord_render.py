"""Rendering: any reply fits Discord's limits by construction, and no user or seed text acts."""

from __future__ import annotations

import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from adapters.discord.buttons import ActionRefs
from adapters.discord.render import escape, render
from bot.replies import Action, Button, Citation, Field_, Reply, Result
from discord_limits import check_message

text = st.text(st.characters(blacklist_categories=("Cs",)), max_size=3000) | st.sampled_from(
    ["@everyone", "<@&811112222333344445>", "[ok](https://evil.example)", "**bold** `code` ||spoiler||",
     "`1:02:38` Scaling laws", "x" * 7000, "line\n" * 900])
results = st.builds(Result, text=text, kind=st.sampled_from(["highlight", "quote", "transcript", "chapter"]),
                    timestamp=st.sampled_from([None, "1:02:38", "0:00:00"]),
                    link=st.sampled_from([None, "https://example.com/ep?t=3758", "javascript:alert(1)"]),
                    source=st.sampled_from([None, "a.txt:1", "b.md:2; c.vtt:3"]))
replies = st.builds(
    Reply, command=st.sampled_from(["ask", "quote", "chapter", "summary", "episode", "help"]), query=text,
    title=text, body=text, message=st.none() | text, error=st.booleans(),
    fields=st.lists(st.builds(Field_, name=text, value=text, inline=st.booleans()), max_size=40),
    results=st.lists(results, max_size=30), suggestions=st.lists(text, max_size=6),
    citations=st.lists(st.builds(Citation, source=text, timestamp=st.sampled_from([None, "1:02:38"]),
                                 link=st.none() | st.just("https://example.com")), max_size=5),
    buttons=st.lists(st.builds(Button, label=text, action=st.builds(
        Action, kind=st.sampled_from(["more", "prev", "next"]), command=st.just("ask"), query=text,
        episode=st.just("490"), page=st.integers(1, 99))), max_size=3),
    page=st.integers(1, 50))


def payload(rendered) -> dict:
    view = rendered.view()
    return {"content": rendered.content, "embeds": [e.to_dict() for e in rendered.embeds],
            "components": view.to_components() if view else []}


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(reply=replies, share=st.booleans())
def test_any_reply_fits_discords_limits(reply, share):
    refs = ActionRefs(None)
    assert check_message(payload(render(reply, share=share, refs=refs))) == []


def test_mentions_and_links_in_seed_text_stay_inert():
    reply = Reply(command="ask", title="@everyone look", body="@here [free](https://evil.example) <@&1234567890123456789>")
    embed = render(reply, share=True, refs=ActionRefs(None)).embeds[0]
    assert "@\u200beveryone" in embed.title and "@\u200bhere" in embed.description
    assert "\\[free\\](https://evil.example)" in embed.description  # shown as typed, not a link
    assert "<@\u200b&" in embed.description


def test_times_become_links_to_the_moment():
    reply = Reply(command="chapter", title="Chapters", body="`0:00:00` Intro\n`1:02:38` Scaling_laws",
                  results=[Result(text="Intro", kind="chapter", timestamp="0:00:00", link="https://e.com/v?t=0"),
                           Result(text="Scaling", kind="chapter", timestamp="1:02:38", link="https://e.com/v?t=3758")])
    description = render(reply, share=False, refs=ActionRefs(None)).embeds[0].description
    assert description == "[0:00:00](https://e.com/v?t=0) Intro\n[1:02:38](https://e.com/v?t=3758) Scaling\\_laws"


def test_a_long_list_is_cut_at_a_line_and_says_so():
    body = "\n".join(f"`0:{i:02d}:00` Chapter number {i} " + "words " * 20 for i in range(60))
    description = render(Reply(command="chapter", title="Chapters", body=body), share=False,
                         refs=ActionRefs(None)).embeds[0].description
    assert len(description) <= 4096
    assert description.splitlines()[-1].startswith("… ") and "more lines not shown" in description


def test_long_actions_get_short_custom_ids_that_survive_a_restart(tmp_path):
    action = Action(kind="more", command="ask", query="q" * 300, episode="490", page=2)
    first = ActionRefs(tmp_path / "b.json")
    custom_id = first.custom_id(action)
    assert len(custom_id) <= 100
    assert ActionRefs(tmp_path / "b.json").token(custom_id) == action.encode()
    short = Action(kind="next", command="chapter", query="3758", episode="490")
    assert first.custom_id(short) == short.encode()  # carried as it is: nothing stored


def test_escape_keeps_plain_text_plain():
    assert escape("What is RLVR?") == "What is RLVR?"
    assert escape("see https://example.com/a_b_c") == "see https://example.com/a_b_c"  # the link still works


def test_no_masked_link_survives_escaping():
    # discord.py's escape_markdown leaves the second of two links live; a typed backslash must not help.
    for text in ("[a](https://x.example) and [ok](https://evil.example)", "\\[ok](https://evil.example)",
                 "[[ok](https://evil.example)](https://x)"):
        assert not re.search(r"(?<!\\)(?:\\\\)*\[[^\]]*\]\(", escape(text)), escape(text)
