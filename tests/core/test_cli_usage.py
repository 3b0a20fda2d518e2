"""The CLI's own usage messages: its syntax, its subcommand's options, impossible times, --version."""

from __future__ import annotations

import json

import pytest

from bot.cli import main
from bot.version import __version__


def test_version(capsys):
    with pytest.raises(SystemExit) as done:
        main(["--version"])
    assert done.value.code == 0
    assert capsys.readouterr().out.strip() == f"episode-bot {__version__}"


def test_an_unknown_option_prints_the_subcommands_usage(capsys):
    with pytest.raises(SystemExit) as done:
        main(["ask", "--colour", "red"])  # ask has --speaker, --episode and --before, not this
    assert done.value.code == 2
    err = capsys.readouterr().err
    assert err.startswith("usage: episode-bot ask ") and "--episode EPISODE" in err
    assert "episode-bot ask: error: unrecognized arguments: --colour" in err
    assert "{" not in err  # not the top-level usage with its list of commands


@pytest.mark.parametrize("argv", [["ask"], ["ask", "  "]])
def test_an_empty_question_suggests_the_cli_syntax(capsys, seeds_dir, argv):
    assert main([*argv, "--seeds", str(seeds_dir)]) == 2
    out = capsys.readouterr().out
    assert "Please give a question." in out
    assert 'Usage: episode-bot ask "QUESTION"' in out and 'episode-bot ask "What is RLVR?"' in out
    assert "/ask" not in out


def test_an_empty_question_as_json_is_an_error_document(capsys, seeds_dir):
    assert main(["ask", "--json", "--seeds", str(seeds_dir)]) == 2
    doc = json.loads(capsys.readouterr().out)
    assert doc["results"] == [] and 'episode-bot ask "QUESTION"' in doc["message"]


def test_an_impossible_time_is_named(capsys, seeds_dir):
    assert main(["chapter", "9:99:99", "--seeds", str(seeds_dir)]) == 2
    out = capsys.readouterr().out
    assert "9:99:99 is not a possible time" in out and "couldn't find" not in out
    assert main(["chapter", "1:30:00", "--seeds", str(seeds_dir)]) == 0  # a real time still works
