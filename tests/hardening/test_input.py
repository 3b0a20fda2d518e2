"""Input limits in the core: every bad input gets a reply or a clear message, nothing leaks through."""

from __future__ import annotations

import pytest

from bot.commands import COMMANDS, MAX_QUERY
from bot.core import validate
from bot.errors import UserError
from bot.replies import Reply
from bot.text import clean, clean_line

from .inputs import BAD_INPUTS, bad_chars, reply_texts

TOO_LONG = {"one past the limit", "10,000 chars", "one 5,000-char word"}


@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_ask_answers_every_bad_input(episode_bot, name):
    text = BAD_INPUTS[name]
    reply = episode_bot.run("ask", {"question": text})
    assert isinstance(reply, Reply)
    for part in reply_texts(reply):
        assert not bad_chars(part), (name, part)
    if name in TOO_LONG:
        assert reply.error
        assert f"the limit is {MAX_QUERY}" in reply.body
        assert len(reply.query) <= MAX_QUERY  # the echo is cut, not the whole flood
    elif name == "empty":
        assert reply.error and "Please give a question" in reply.body
    else:
        assert not reply.error, reply.body


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c.name)
@pytest.mark.parametrize("name", list(BAD_INPUTS))
def test_every_option_survives_every_bad_input(episode_bot, command, name):
    for option in command.options:
        reply = episode_bot.run(command.name, {**required(command), option.name: BAD_INPUTS[name]})
        assert isinstance(reply, Reply)
        for part in reply_texts(reply):
            assert not bad_chars(part), (command.name, option.name, part)
        if len(clean_line(BAD_INPUTS[name])) > option.max_length:
            assert reply.error and f"the limit is {option.max_length}" in reply.body


def required(command) -> dict[str, str]:
    """Valid values for a command's required options, so one other option can be tried alone."""
    return {o.name: "rlvr" for o in command.options if o.required}


def test_exactly_at_and_one_past_each_limit():
    for command in COMMANDS:
        for option in command.options:
            at = {**required(command), option.name: "a" * option.max_length}
            assert validate(command, at)[option.name] == "a" * option.max_length
            with pytest.raises(UserError, match=f"limit is {option.max_length}"):
                validate(command, {**required(command), option.name: "a" * (option.max_length + 1)})


def test_limit_counts_what_is_left_after_cleaning():
    command = next(c for c in COMMANDS if c.name == "ask")
    padded = "\u200b" * 1000 + "a" * MAX_QUERY + "\x00" * 50  # invisible padding is not counted
    assert validate(command, {"question": padded})["question"] == "a" * MAX_QUERY


@pytest.mark.parametrize("raw, expected", [
    ("what\x00is", "what is"),
    ("a\r\nb\rc\nd", "a b c d"),
    ("\u202eevil\u202c", "evil"),
    ("R\u200bL\u200dV\ufeffR", "RLVR"),
    ("e\u0301", "\u00e9"),  # combining marks composed (NFC)
    ("ما هو", "ما هو"),  # RTL letters are text, kept
    ("🤖 hi", "🤖 hi"),
    ("👨\u200d👩\u200d👧 family", "👨\u200d👩\u200d👧 family"),  # emoji joiners are kept...
    ("a\u200d👩 b\u200dc", "a👩 bc"),  # ...but nowhere else
    ("a\u2028b\u2029c", "a b c"),  # Unicode line separators fold like newlines
    ("\x1b[31mred\x1b[0m", "[31mred [0m"),  # terminal escapes lose their ESC
    ("tab\there", "tab here"),
    ("x\ud800y", "x y"),  # a lone surrogate (possible from JSON) cannot be encoded: dropped
    ("\U000e0041tag", "tag"),  # tag characters are invisible
])
def test_clean_line(raw, expected):
    assert clean_line(raw) == expected


def test_clean_keeps_paragraphs():
    assert clean("one\r\ntwo \r\n\r\nthree\rfour") == "one\ntwo\n\nthree\nfour"


def test_error_echo_is_clean(episode_bot):
    reply = episode_bot.run("ask", {"question": "\u202e" + "x\x00" * 400})
    assert reply.error
    assert not bad_chars(reply.query)


def test_unknown_command_and_option_are_named(episode_bot):
    reply = episode_bot.run("nope\u202e", {})
    assert reply.error and "There is no command" in reply.body and "\u202e" not in reply.body
    reply = episode_bot.run("ask", {"question": "x", "bogus\x00": "y"})
    assert reply.error and "has no option" in reply.body and "\x00" not in reply.body
