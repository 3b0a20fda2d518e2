"""The state folder is the bot's own: outside /tmp by default, 0700, never a link or another user's."""

from __future__ import annotations

import os
import stat

import pytest

from bot.settings import ConfigError, load_settings


def _settings(**overrides):
    return load_settings(env_file=None, secrets_dir=None, **overrides)


def test_default_is_the_user_state_folder_not_tmp(monkeypatch, tmp_path):
    monkeypatch.delenv("EPISODE_BOT_STATE_DIR", raising=False)
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "xdg"))
    settings = _settings()
    assert settings.state_dir == tmp_path / "xdg" / "episode-bot"
    assert not str(settings.state_dir).startswith("/tmp/episode-bot")


def test_created_private(tmp_path):
    settings = _settings(state_dir=tmp_path / "new" / "state")
    assert settings.state_dir.is_dir()
    assert stat.S_IMODE(settings.state_dir.stat().st_mode) == 0o700


def test_a_symlinked_state_folder_is_refused(tmp_path):
    real = tmp_path / "attacker"
    real.mkdir(mode=0o700)
    link = tmp_path / "state"
    link.symlink_to(real)
    with pytest.raises(ConfigError) as err:
        _settings(state_dir=link)
    assert "EPISODE_BOT_STATE_DIR" in str(err.value) and "symbolic link" in str(err.value)


def test_a_folder_others_can_write_is_refused(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    shared.chmod(0o777)
    with pytest.raises(ConfigError, match="written by other users"):
        _settings(state_dir=shared)


@pytest.mark.skipif(os.geteuid() != 0, reason="making a folder owned by another user needs root")
def test_another_users_folder_is_refused(tmp_path):
    theirs = tmp_path / "theirs"
    theirs.mkdir(mode=0o700)
    os.chown(theirs, 65534, 65534)
    with pytest.raises(ConfigError, match="belongs to another user"):
        _settings(state_dir=theirs)
    with pytest.raises(ConfigError, match="EPISODE_BOT_RUN_DIR"):
        _settings(state_dir=tmp_path / "ok", run_dir=theirs)
