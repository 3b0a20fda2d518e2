"""Block Kit limits hold by construction, and seed text is escaped like user text."""

from __future__ import annotations

from hypothesis import given, settings, strategies as st

from adapters.slack.render import escape, fit, render_reply
from bot.replies import Action, Button, Citation, Field_, Reply, Result

from .conftest import check_limits, live_mentions, mrkdwn_texts

HOSTILE = "<!channel> <!here> <@U0VICTIM> <!subteam^S1|team> <https://evil.example|click> A&B"


def _big_reply(text: str, n: int = 60) -> Reply:
    return Reply(
        command="ask", query=text, episode="490", title=text * 20, body=(text + "\n") * 300,
        message=text, fields=[Field_(name=text * 5, value=text * 200) for _ in range(n)],
        results=[Result(text=text, kind="note", source=f"{text}.txt:1", timestamp="1:02:38")],
        citations=[Citation(source=f"{text}:{i}", timestamp="1:02:38",
                            link=f"https://example.org/watch?v=x&t={i}") for i in range(n)],
        suggestions=[text] * 10,
        buttons=[Button(label=text * 10, action=Action(kind="more", command="ask", query="q" * 300, page=2))],
        page=2)


def test_a_huge_hostile_reply_stays_within_every_limit():
    message = render_reply(_big_reply(HOSTILE), share=Action(kind="share", command="ask", query=HOSTILE))
    check_limits(message)
    assert live_mentions(message) == []
    texts = "".join(mrkdwn_texts(message))
    assert "A&B" not in texts and "A&amp;B" in texts
    assert "more not shown" in texts  # fields that did not fit are counted, not silently lost
    assert "<https://example.org/watch?v=x&amp;t=0|1:02:38>" in texts  # our own links stay live


def test_seed_text_with_mentions_is_escaped_in_every_part():
    reply = Reply(command="quote", title="Quote", body=f"{HOSTILE}\n— Someone",
                  fields=[Field_(name=HOSTILE, value=HOSTILE)],
                  citations=[Citation(source=HOSTILE, timestamp="0:01:00", link="https://x.org/<!channel>")],
                  suggestions=[HOSTILE])
    message = render_reply(reply)
    assert live_mentions(message) == []
    assert "&lt;!channel&gt;" in message["blocks"][1]["text"]["text"]


def test_only_the_bot_writes_the_shared_by_mention():
    reply = Reply(command="help", title="Help", body="x")
    assert "<@U0ALICE>" in str(render_reply(reply, shared_by="U0ALICE"))
    assert "Shared by" not in str(render_reply(reply, shared_by="<!channel>"))


def test_an_error_reply_is_a_short_warning_with_usage():
    message = render_reply(Reply(command="ask", title="Sorry", body="Please give a question.", error=True),
                           usage="/ask <question>")
    assert [b["type"] for b in message["blocks"]] == ["section", "context"]
    assert "/ask &lt;question&gt;" in message["blocks"][1]["elements"][0]["text"]


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab&<>; \n"), max_size=400), st.integers(min_value=2, max_value=300))
def test_fit_never_exceeds_the_limit_nor_cuts_an_entity(text, limit):
    out = fit(text, limit)
    assert len(out) <= limit
    assert "<" not in out and ">" not in out
    body = out.removesuffix("…")
    for i, ch in enumerate(body):
        if ch == "&":
            assert body[i:].startswith(("&amp;", "&lt;", "&gt;"))
    if len(escape(text)) <= limit:
        assert out == escape(text)


def test_chunks_cut_a_very_long_line_losslessly():
    from adapters.slack.render import chunks

    line = ("a &amp; b " * 50_000).strip()  # 500 kB of one line, with entities
    pieces = chunks(line, 3000)
    assert "".join(pieces) == line
    assert all(len(p) <= 3000 for p in pieces)
    assert all(not p.rstrip().endswith(("&", "&a", "&am", "&amp")) for p in pieces)
