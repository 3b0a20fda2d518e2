"""Settings: every source, their precedence, every bad token, and no secret in any output."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from bot.settings import ConfigError, Settings, env_name, load_settings

from .conftest import run_cli

# Shaped like the real thing, so only the checks under test can reject them.
DISCORD = "MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.abcdefghijklmnopqrstuvwxyz0123456789AB"
BOT = "xoxb-1111111111-2222222222222-AbCdEfGhIjKlMnOpQrStUvWx"
APP = "xapp-1-A0123456789-1234567890123-0123456789abcdef0123456789abcdef"
SIGNING = "8f742231b10e8888abcd99yyyzzz85a5"
GOOD = {"DISCORD_TOKEN": DISCORD, "SLACK_BOT_TOKEN": BOT, "SLACK_APP_TOKEN": APP, "SLACK_SIGNING_SECRET": SIGNING}
TOKENS = {"DISCORD_TOKEN": "discord_token", "SLACK_BOT_TOKEN": "slack_bot_token",
          "SLACK_APP_TOKEN": "slack_app_token", "SLACK_SIGNING_SECRET": "slack_signing_secret"}

# (variable, bad value, words the problem must contain)
MALFORMED = [
    ("DISCORD_TOKEN", "", "empty"),
    ("DISCORD_TOKEN", "   ", "empty"),
    ("DISCORD_TOKEN", f"Bot {DISCORD}", "without the prefix"),
    ("DISCORD_TOKEN", f"{DISCORD[:20]} {DISCORD[20:]}", "spaces"),
    ("DISCORD_TOKEN", DISCORD.replace(".", ""), "three parts"),
    ("DISCORD_TOKEN", BOT, "Slack bot token"),
    ("SLACK_BOT_TOKEN", "", "empty"),
    ("SLACK_BOT_TOKEN", APP, "must start with xoxb-"),
    ("SLACK_BOT_TOKEN", "xoxp-1111-2222-3333-abcdefabcdef", "Slack user token"),
    ("SLACK_BOT_TOKEN", DISCORD, "must start with xoxb-"),
    ("SLACK_BOT_TOKEN", "xoxb-", "only the xoxb- prefix"),
    ("SLACK_BOT_TOKEN", f"{BOT}\nsecond line", "line breaks"),
    ("SLACK_APP_TOKEN", "", "empty"),
    ("SLACK_APP_TOKEN", BOT, "must start with xapp-"),
    ("SLACK_APP_TOKEN", "xapp-", "only the xapp- prefix"),
    ("SLACK_SIGNING_SECRET", "", "empty"),
    ("SLACK_SIGNING_SECRET", BOT, "Slack bot token"),
    ("SLACK_SIGNING_SECRET", f"{SIGNING[:16]} {SIGNING[16:]}", "spaces"),
]


def load(tmp_path: Path, env_file: Path | None = None, secrets: dict[str, str] | None = None, **overrides):
    secrets_dir = None
    if secrets is not None:
        secrets_dir = tmp_path / "secrets"
        secrets_dir.mkdir(exist_ok=True)
        for name, value in secrets.items():
            (secrets_dir / name).write_text(value)
    return load_settings(env_file=env_file, secrets_dir=secrets_dir, **overrides)


def write_env(tmp_path: Path, values: dict[str, str]) -> Path:
    path = tmp_path / "test.env"
    path.write_text("".join(f"{k}={v}\n" for k, v in values.items()))
    return path


def test_defaults_need_no_configuration(tmp_path):
    settings = load(tmp_path)
    assert settings.discord_token is None and settings.slack_bot_token is None
    assert settings.seeds_dir == Path("seeds") and settings.reply_visibility == "private"
    assert settings.stop_grace <= 9  # with the disconnect, a stop stays within Docker's 10 s


def test_environment(tmp_path, monkeypatch):
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("EPISODE_BOT_SEEDS_DIR", "/srv/seeds")
    monkeypatch.setenv("EPISODE_BOT_LOG_LEVEL", "debug")
    monkeypatch.setenv("EPISODE_BOT_DISCORD_GUILD_IDS", "123, 456")
    monkeypatch.setenv("EPISODE_BOT_DISCORD_SHARD_IDS", "[0, 2]")
    settings = load(tmp_path)
    for name, field in TOKENS.items():
        assert getattr(settings, field).get_secret_value() == GOOD[name]
    assert settings.seeds_dir == Path("/srv/seeds") and settings.log_level == "DEBUG"
    assert settings.discord_guild_ids == [123, 456] and settings.discord_shard_ids == [0, 2]


def test_dotenv_file(tmp_path):
    env = write_env(tmp_path, {**GOOD, "EPISODE_BOT_REPLY_VISIBILITY": "public", "EPISODE_BOT_USER_RATE": "1.5"})
    settings = load(tmp_path, env_file=env)
    assert settings.slack_bot_token.get_secret_value() == BOT
    assert settings.reply_visibility == "public" and settings.user_rate == 1.5


@pytest.mark.parametrize("spelling", [str.lower, str.upper])
def test_secret_files_are_read_and_stripped(tmp_path, spelling):
    # Compose mounts /run/secrets/<name>; admins often save the file with a trailing newline.
    settings = load(tmp_path, secrets={spelling(k): v + "\n" for k, v in GOOD.items()})
    for name, field in TOKENS.items():
        assert getattr(settings, field).get_secret_value() == GOOD[name]


def test_precedence_arguments_environment_dotenv_secrets_defaults(tmp_path, monkeypatch):
    secrets = {"slack_bot_token": "xoxb-secret-123456", "episode_bot_default_episode": "from-secret"}
    env_file = write_env(tmp_path, {"SLACK_BOT_TOKEN": "xoxb-dotenv-123456",
                                    "EPISODE_BOT_DEFAULT_EPISODE": "from-dotenv"})

    def bot_token(**overrides) -> str:
        return load(tmp_path, env_file=env_file, secrets=secrets, **overrides).slack_bot_token.get_secret_value()

    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-env-123456")
    assert bot_token(slack_bot_token="xoxb-arg-123456") == "xoxb-arg-123456"
    assert bot_token() == "xoxb-env-123456"
    monkeypatch.delenv("SLACK_BOT_TOKEN")
    assert bot_token() == "xoxb-dotenv-123456"
    env_file.write_text("")
    assert bot_token() == "xoxb-secret-123456"
    assert load(tmp_path, env_file=env_file, secrets=secrets).default_episode == "from-secret"
    assert load_settings(env_file=env_file, secrets_dir=None).slack_bot_token is None


@pytest.mark.parametrize("name", sorted(TOKENS))
def test_every_missing_token_is_named_with_its_fix(tmp_path, name):
    settings = load(tmp_path)
    with pytest.raises(ConfigError) as caught:
        settings.require(TOKENS[name])
    (line,) = caught.value.problems
    assert line.startswith(f"{name} is not set: ")
    assert len(line) > len(name) + 20  # says where to get it


@pytest.mark.parametrize("source", ["env", "dotenv", "secret"])
@pytest.mark.parametrize(("name", "value", "words"), MALFORMED)
def test_every_malformed_token_stops_the_mode_using_it_and_names_its_source(tmp_path, monkeypatch, source, name,
                                                                             value, words):
    if source == "dotenv" and "\n" in value:
        pytest.skip("a .env line cannot hold a line break unquoted")
    if source == "secret" and not value.strip():
        value = "\n"  # an empty secret file, as `touch secrets/x` leaves it
    kwargs = {}
    if source == "env":
        monkeypatch.setenv(name, value)
        where = "the environment"
    elif source == "dotenv":
        kwargs["env_file"] = write_env(tmp_path, {name: f'"{value}"' if value else ""})
        where = "test.env"
    else:
        kwargs["secrets"] = {name.lower(): value}
        where = "secret file"
    settings = load(tmp_path, **kwargs)  # loading never stops on a token: only the mode that uses it does
    with pytest.raises(ConfigError) as caught:
        settings.require(TOKENS[name])
    (line,) = caught.value.problems
    assert line.startswith(name + " ") and words in line and ("Fix:" in line or "is not set" in line)
    assert where in line
    for part in [value.strip(), *value.split()]:
        if len(part) >= 10:  # every secret-bearing piece; short ones are words like "Bot" or "xoxb-"
            assert part not in line and part not in str(caught.value)
    others = [t for t in TOKENS.values() if t != TOKENS[name]]
    for field in others:  # the other modes' tokens are not its business
        assert settings.token_problem(field) is None


def test_a_bad_slack_token_does_not_stop_discord(tmp_path, monkeypatch):
    monkeypatch.setenv("DISCORD_TOKEN", DISCORD)
    env_file = write_env(tmp_path, {"SLACK_BOT_TOKEN": APP})
    settings = load(tmp_path, env_file=env_file)
    settings.require("discord_token")
    with pytest.raises(ConfigError) as caught:
        settings.require("slack_bot_token")
    assert "SLACK_BOT_TOKEN (set in " in caught.value.problems[0] and "test.env" in caught.value.problems[0]


def test_an_empty_line_in_dotenv_does_not_hide_the_secret_file(tmp_path):
    env_file = write_env(tmp_path, {"DISCORD_TOKEN": ""})
    settings = load(tmp_path, env_file=env_file, secrets={"discord_token": DISCORD + "\n"})
    assert settings.discord_token.get_secret_value() == DISCORD
    assert "secret file" in settings.source("discord_token")
    # Without the secret file, the message says where the empty value is.
    settings = load(tmp_path, env_file=env_file)
    with pytest.raises(ConfigError) as caught:
        settings.require("discord_token")
    assert caught.value.problems[0].startswith("DISCORD_TOKEN is not set (it is empty in ")
    assert "test.env" in caught.value.problems[0]


def test_a_bad_choice_says_which_values_are_allowed(tmp_path, monkeypatch):
    monkeypatch.setenv("EPISODE_BOT_REPLY_VISIBILITY", "secret")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    (line,) = caught.value.problems
    assert line.startswith("EPISODE_BOT_REPLY_VISIBILITY (set in the environment) ")
    assert "Fix: set EPISODE_BOT_REPLY_VISIBILITY to private or public; private answers show only" in line


def test_every_problem_on_its_own_line(tmp_path, monkeypatch):
    monkeypatch.setenv("EPISODE_BOT_LOG_LEVEL", "verbose")
    monkeypatch.setenv("EPISODE_BOT_USER_RATE", "-1")
    monkeypatch.setenv("EPISODE_BOT_DISCORD_GUILD_IDS", "12,abc")
    monkeypatch.setenv("EPISODE_BOT_SLACK_PORT", "http")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path)
    names = [line.split()[0] for line in caught.value.problems]
    assert sorted(names) == sorted(["EPISODE_BOT_LOG_LEVEL", "EPISODE_BOT_USER_RATE",
                                    "EPISODE_BOT_DISCORD_GUILD_IDS", "EPISODE_BOT_SLACK_PORT"])
    assert all("\n" not in line and "Fix:" in line for line in caught.value.problems)
    monkeypatch.setenv("SLACK_BOT_TOKEN", APP)
    monkeypatch.setenv("SLACK_APP_TOKEN", BOT)
    monkeypatch.delenv("EPISODE_BOT_LOG_LEVEL")
    monkeypatch.delenv("EPISODE_BOT_USER_RATE")
    monkeypatch.delenv("EPISODE_BOT_DISCORD_GUILD_IDS")
    monkeypatch.delenv("EPISODE_BOT_SLACK_PORT")
    with pytest.raises(ConfigError) as caught:
        load(tmp_path).require("slack_bot_token", "slack_app_token")
    assert [line.split()[0] for line in caught.value.problems] == ["SLACK_BOT_TOKEN", "SLACK_APP_TOKEN"]
    assert BOT not in str(caught.value) and APP not in str(caught.value)


def test_unknown_setting_is_a_warning_with_a_suggestion(tmp_path, monkeypatch, caplog):
    monkeypatch.setenv("EPISODE_BOT_SEED_DIR", "/srv/seeds")
    with caplog.at_level(logging.WARNING, logger="bot.settings"):
        settings = load(tmp_path)
    assert settings.seeds_dir == Path("seeds")
    assert "EPISODE_BOT_SEED_DIR is not a setting and is ignored; did you mean EPISODE_BOT_SEEDS_DIR?" in caplog.text
    assert "/srv/seeds" not in caplog.text


def test_env_example_lists_every_setting():
    text = (Path(__file__).resolve().parents[2] / ".env.example").read_text()
    lines = [line.lstrip("# ").split("=")[0] for line in text.splitlines() if "=" in line]
    for field in Settings.model_fields:
        assert env_name(field) in lines, f"{env_name(field)} is missing from .env.example"
    # Uncommented lines would override defaults (and tokens there would be real secrets).
    assert not [line for line in text.splitlines() if line.strip() and not line.startswith("#")]


def test_masked_and_repr_hide_every_secret(tmp_path, monkeypatch):
    for name, value in GOOD.items():
        monkeypatch.setenv(name, value)
    settings = load(tmp_path)
    shown = " ".join([str(settings.masked()), repr(settings), str(settings), settings.model_dump_json()])
    for value in GOOD.values():
        assert value not in shown
    assert settings.masked()["DISCORD_TOKEN"] == "********"


# -- through the command line ---------------------------------------------------


def test_config_command_prints_masked_settings(workdir):
    (workdir / ".env").write_text("".join(f"{k}={v}\n" for k, v in GOOD.items()) + "EPISODE_BOT_LOG_LEVEL=DEBUG\n")
    result = run_cli("config", cwd=workdir)
    assert result.returncode == 0, result.stderr
    assert "SLACK_BOT_TOKEN=********" in result.stdout and "EPISODE_BOT_LOG_LEVEL=DEBUG" in result.stdout
    for value in GOOD.values():
        assert value not in result.stdout + result.stderr


def test_config_command_exits_2_with_one_line_per_problem(workdir):
    bad = {"EPISODE_BOT_SLACK_PORT": "99999", "EPISODE_BOT_LOG_LEVEL": "verbose"}
    result = run_cli("config", cwd=workdir, env={**GOOD, **bad})
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 2 and all(line.startswith("config error: ") for line in lines)
    assert {line.split()[2] for line in lines} == set(bad)
    output = result.stdout + result.stderr
    for value in GOOD.values():
        assert value not in output
    assert "Traceback" not in output


def test_config_command_warns_about_bad_tokens_and_still_prints(workdir):
    (workdir / ".env").write_text(f"SLACK_BOT_TOKEN={APP}\n")
    result = run_cli("config", cwd=workdir, env={"DISCORD_TOKEN": f"Bot {DISCORD}"})
    assert result.returncode == 0, result.stderr
    assert "SLACK_BOT_TOKEN=********" in result.stdout and "# episode-bot " in result.stdout
    warnings = result.stderr.strip().splitlines()
    assert len(warnings) == 2 and all(w.startswith("warning: ") for w in warnings)
    assert any("SLACK_BOT_TOKEN (set in the .env file) must start with xoxb-" in w for w in warnings)
    assert any("DISCORD_TOKEN (set in the environment) starts with 'Bot '" in w for w in warnings)
    assert APP not in result.stdout + result.stderr and DISCORD not in result.stdout + result.stderr


def test_a_bad_slack_token_in_dotenv_stops_neither_ask_nor_discord(workdir, seeds_dir):
    (workdir / ".env").write_text(f"SLACK_BOT_TOKEN={APP}\n")
    asked = run_cli("ask", "What is RLVR?", "--seeds", str(seeds_dir), cwd=workdir)
    assert asked.returncode == 0 and "RLVR" in asked.stdout, asked.stderr
    invite = run_cli("discord", "invite-url", "--client-id", "123456789012345678", cwd=workdir)
    assert invite.returncode == 0 and "client_id=123456789012345678" in invite.stdout, invite.stderr
    slack = run_cli("slack", "--http", cwd=workdir, env={"SLACK_SIGNING_SECRET": SIGNING})
    assert slack.returncode == 2
    assert slack.stderr.startswith("config error: SLACK_BOT_TOKEN (set in the .env file) must start with xoxb-")


@pytest.mark.parametrize("command", [["health"], ["reload", "--wait", "0"], ["check"]])
def test_other_commands_share_the_config_errors(workdir, command):
    result = run_cli(*command, cwd=workdir, env={"EPISODE_BOT_LOG_LEVEL": "verbose"})
    assert result.returncode == 2
    assert result.stderr.startswith("config error: EPISODE_BOT_LOG_LEVEL (set in the environment) ")
