"""The compose file's `postgres` service: the shared question log, hardened like the bots."""

from __future__ import annotations

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def test_the_postgres_profile_runs_a_hardened_server_with_a_password_from_a_secret():
    doc = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    pg = doc["services"]["postgres"]
    assert pg["profiles"] == ["postgres"]
    assert pg["user"] != "root" and not str(pg["user"]).startswith("0")
    assert pg["read_only"] is True and pg["cap_drop"] == ["ALL"] and "no-new-privileges:true" in pg["security_opt"]
    assert pg["environment"]["POSTGRES_PASSWORD_FILE"] == "/run/secrets/postgres_password"
    assert "POSTGRES_PASSWORD" not in pg["environment"]  # never in the compose file or the environment
    assert pg["secrets"] == ["postgres_password"] and "postgres_password" in doc["secrets"]
    assert "pg_isready" in pg["healthcheck"]["test"]
    assert "pgdata" in doc["volumes"] and "ports" not in pg  # reachable by the bots only
    example = (ROOT / ".env.example").read_text()
    assert "@postgres:5432/episodebot" in example and "# EPISODE_BOT_DATABASE_URL=" in example
