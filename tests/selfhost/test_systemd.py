"""docs/systemd/episode-bot.service: hardened, valid, and pointing at what the bot reads."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
UNIT = ROOT / "docs" / "systemd" / "episode-bot.service"
CLI = Path(sys.executable).with_name("episode-bot")


def settings_of(text: str) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for line in text.splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            out.setdefault(key.strip(), []).append(value.strip())
    return out


def test_the_unit_is_hardened():
    unit = settings_of(UNIT.read_text())
    for key, value in {"DynamicUser": "yes", "ProtectSystem": "strict", "ProtectHome": "yes",
                       "PrivateTmp": "yes", "NoNewPrivileges": "yes", "StateDirectory": "episode-bot",
                       "StateDirectoryMode": "0700", "RuntimeDirectory": "episode-bot"}.items():
        assert unit.get(key) == [value], key
    assert unit["CapabilityBoundingSet"] == [""]
    assert "@system-service" in unit["SystemCallFilter"]


def test_the_unit_uses_the_bots_own_settings_and_reload():
    from bot.settings import Settings, env_name

    unit = settings_of(UNIT.read_text())
    names = {value.split("=", 1)[0] for value in unit["Environment"]}
    assert names <= {env_name(f) for f in Settings.model_fields}
    assert unit["ExecReload"] == ["/bin/kill -HUP $MAINPID"]  # the bot reloads its seeds on SIGHUP
    command = unit["ExecStart"][0].split()
    assert command[0].endswith("/episode-bot") and command[1] in ("discord", "slack")
    credentials = [c.split(":", 1)[0] for c in unit["LoadCredential"]]
    assert credentials == ["discord_token"]  # read from $CREDENTIALS_DIRECTORY like /run/secrets


def test_credentials_directory_is_read_like_run_secrets(tmp_path):
    (tmp_path / "discord_token").write_text("MTA5ODc2NTQzMjEwOTg3NjU0Mw.GhIjKl.abcdefghijklmnopqrstuvwxyz0\n")
    done = subprocess.run([sys.executable, "-c", "from bot.settings import load_settings; "
                           "s = load_settings(env_file=None); print(s.source('discord_token'))"],
                          env={"CREDENTIALS_DIRECTORY": str(tmp_path), "PATH": "/usr/bin:/bin"},
                          capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == f"the secret file {tmp_path / 'discord_token'}"


@pytest.mark.skipif(not shutil.which("systemd-analyze"), reason="systemd-analyze is not installed here")
def test_systemd_accepts_the_unit_and_rates_it_safe(tmp_path):
    # The unit names /opt/episode-bot; point it at this install so verify can check the command.
    unit = tmp_path / "episode-bot.service"
    unit.write_text(re.sub(r"/opt/episode-bot/\.venv/bin/episode-bot", str(CLI), UNIT.read_text()))
    done = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    done = subprocess.run(["systemd-analyze", "security", "--offline=yes", str(unit)], capture_output=True,
                          text=True, timeout=60)
    match = re.search(r"Overall exposure level for \S+: ([0-9.]+)", done.stdout + done.stderr)
    assert match and float(match.group(1)) < 2.0, done.stdout[-500:]
