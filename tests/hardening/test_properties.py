"""Property tests: any text into any command, option, button or autocomplete gives a clean reply."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.commands import COMMANDS
from bot.core import MAX_CHOICES
from bot.replies import Action, Reply

from .inputs import BAD_INPUTS, bad_chars, reply_texts

# Every code point, surrogates and unassigned ones included (JSON can carry a lone surrogate).
ANY_CHAR = st.characters(exclude_categories=[])
TRICKY = st.sampled_from([*BAD_INPUTS.values(), "latest", "#1", "1:02:38", "0", "-1", "99999999",
                          "|", "v1|more|ask", "%s %d {0}", "'\"", "\\", "RLVR", "calculator"])
TEXT = st.one_of(
    st.text(ANY_CHAR, max_size=40),
    st.text(ANY_CHAR, min_size=280, max_size=320),  # around the limits
    TRICKY,
    st.lists(TRICKY, min_size=2, max_size=4).map(" ".join),
)
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow],
                    derandomize=True)  # the same examples in CI every run: a failure is reproducible


def check_reply(reply: object, command: str) -> None:
    """A reply, never an exception; user-safe when it is an error; no hidden characters anywhere."""
    assert isinstance(reply, Reply)
    for part in reply_texts(reply):
        assert not bad_chars(part), part
        part.encode("utf-8")  # would raise on a surrogate
    if reply.error:
        assert reply.body and len(reply.body) < 1000
        assert "Traceback" not in reply.body and "Error(" not in reply.body
    for button in reply.buttons:
        assert Action.decode(button.action.encode()) is not None


def args_for(command) -> st.SearchStrategy[dict[str, str]]:
    optional = {o.name: TEXT for o in command.options}
    return st.fixed_dictionaries({}, optional=optional)


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
def test_any_text_into_any_option(episode_bot, command):
    @SETTINGS
    @given(args=args_for(command), page=st.integers(-5, 10**6))
    def run(args, page):
        check_reply(episode_bot.run(command.name, args, page=page, user="U1", channel="C1"), command.name)

    run()


@SETTINGS
@given(name=st.text(ANY_CHAR, max_size=20), args=st.dictionaries(st.text(ANY_CHAR, max_size=10), TEXT,
                                                                 max_size=3))
def test_any_command_name_and_option_name(episode_bot, name, args):
    check_reply(episode_bot.run(name, args), name)


@SETTINGS
@given(token=st.one_of(st.text(ANY_CHAR, max_size=200),
                       st.lists(st.text(ANY_CHAR, max_size=12), min_size=7, max_size=7).map("|".join),
                       st.builds(lambda k, c, e, p, x, q: "|".join(["v1", k, c, e, p, x, q]),
                                 st.sampled_from(["share", "more", "prev", "next", "x"]),
                                 st.sampled_from([c.name for c in COMMANDS] + ["nope"]),
                                 TEXT, st.sampled_from(["1", "2", "0", "²", "9" * 5000, "-1"]),
                                 st.text(ANY_CHAR, max_size=20), TEXT)))
def test_any_button_token(episode_bot, token):
    check_reply(episode_bot.run_action(token, user="U1", channel="C1"), "button")


@SETTINGS
@given(kind=st.sampled_from(["episode", "chapter", "speaker", "bogus"]), typed=TEXT,
       episode=st.one_of(st.none(), TEXT))
def test_any_autocomplete(episode_bot, kind, typed, episode):
    choices = episode_bot.complete(kind, typed, episode)
    assert len(choices) <= MAX_CHOICES
    for choice in choices:
        assert 1 <= len(choice.name) <= 100 and 1 <= len(choice.value) <= 100
        assert not bad_chars(choice.name) and not bad_chars(choice.value)
