"""The manifest lists every registry command; the CLI prints it and names missing settings."""

from __future__ import annotations

import pytest
import yaml

from adapters.slack import cli
from adapters.slack.manifest import build_manifest, manifest_yaml
from adapters.slack.syntax import parse, usage
from bot.commands import BY_NAME, COMMANDS


def test_socket_mode_manifest_lists_every_command_and_only_the_commands_scope():
    doc = yaml.safe_load(manifest_yaml())
    commands = {c["command"]: c for c in doc["features"]["slash_commands"]}
    assert list(commands) == [f"/{c.name}" for c in COMMANDS] + ["/episodebot"]  # the admins' group last
    for command in COMMANDS:
        entry = commands[f"/{command.name}"]
        assert entry["description"] == command.description and len(entry["description"]) <= 100
        assert "url" not in entry
    assert commands["/ask"]["usage_hint"] == "<question> [speaker:…] [episode:…] [before:…]"
    # users:read only for /episodebot: workspace admins and owners are found with users.info
    assert doc["oauth_config"]["scopes"] == {"bot": ["commands", "users:read"]}
    assert doc["settings"]["socket_mode_enabled"] is True
    assert doc["settings"]["interactivity"] == {"is_enabled": True}


def test_http_manifest_has_request_urls_and_prefix():
    doc = build_manifest(prefix="pod", http_url="https://bot.example.org/")
    url = "https://bot.example.org/slack/events"
    assert {c["command"] for c in doc["features"]["slash_commands"]} == {f"/pod-{c.name}" for c in COMMANDS} | {
        "/pod-episodebot"}
    assert {c["url"] for c in doc["features"]["slash_commands"]} == {url}
    assert doc["settings"]["interactivity"]["request_url"] == url
    assert doc["settings"]["socket_mode_enabled"] is False


@pytest.mark.parametrize("bad", ["http://bot.example.org", "bot.example.org", "https://"])
def test_http_url_must_be_https(bad, capsys):
    assert cli.main(["manifest", "--http-url", bad]) == 2
    assert "https://" in capsys.readouterr().err


def test_cli_prints_the_manifest_with_the_configured_prefix(monkeypatch, capsys):
    monkeypatch.setenv("EPISODE_BOT_SLACK_COMMAND_PREFIX", "pod")
    assert cli.main(["manifest"]) == 0
    doc = yaml.safe_load(capsys.readouterr().out)
    assert doc["features"]["slash_commands"][0]["command"] == "/pod-ask"


def test_cli_names_the_missing_tokens_without_values(monkeypatch, capsys):
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-secret-value-123")
    assert cli.main([]) == 2
    err = capsys.readouterr().err
    assert "SLACK_APP_TOKEN" in err and "xoxb-secret" not in err
    assert cli.main(["--http"]) == 2
    assert "SLACK_SIGNING_SECRET" in capsys.readouterr().err
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xapp-wrong-kind")
    assert cli.main([]) == 2
    assert "xoxb-" in capsys.readouterr().err


@pytest.mark.parametrize("name, text, expected", [
    ("ask", "What is RLVR? episode:490", {"question": "What is RLVR?", "episode": "490"}),
    ("ask", "what happens at 1:02:38 see https://x.org", {"question": "what happens at 1:02:38 see https://x.org"}),
    ("quote", 'calculator speaker:"Nathan Lambert"', {"text": "calculator", "speaker": "Nathan Lambert"}),
    ("quote", "speaker:“Lex Fridman”", {"speaker": "Lex Fridman"}),
    ("episode", "latest", {"episode": "latest"}),
    ("episode", "episode:490", {"episode": "490"}),
    ("chapter", "", {}),
    ("help", "anything", {}),
])
def test_slash_text_is_split_into_options(name, text, expected):
    assert parse(BY_NAME[name], text) == expected


def test_usage_lines_use_the_slack_names():
    assert usage(BY_NAME["quote"], "pod") == "/pod-quote [text] [speaker:…] [episode:…] [before:…]"
    assert usage(BY_NAME["help"]) == "/help"


async def test_answers_and_shares_use_no_web_api_scope(http_slack):
    """The manifest drops chat:write: an answer and its Share go only to the response_url."""
    from .conftest import buttons
    from .standin import click_body

    _, _, key = await http_slack.command("/ask", "What is RLVR?")
    [private] = await http_slack.standin.answer(key)
    url, key = http_slack.standin.response_url()
    share = buttons(private)["episode_bot_share"]
    status, _ = await http_slack.post(click_body(share["value"], share["action_id"], url))
    assert status == 200
    await http_slack.standin.answer(key, count=2)  # the public copy, then the private one removed
    assert [m for m, _ in http_slack.standin.calls if m != "auth.test"] == []
