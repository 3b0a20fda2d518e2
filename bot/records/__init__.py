"""What the bot keeps in a database: small state, the question log, votes, taught answers.

`Records.open(settings, platform)` picks the backend: PostgreSQL when
EPISODE_BOT_DATABASE_URL is set (several replicas share one log), else one
SQLite file in the state folder. Other parts use the key/value state:

    records.kv_set("channel-episode", channel_key, "490")
    records.kv_get("channel-episode", channel_key)  # "490", or None
    records.user_key("discord", user_id)  # a keyed hash, never the raw id
"""

from __future__ import annotations

from .db import Database, DatabaseError, SchemaTooNew, open_database
from .questions import Question, normalise
from .store import Records, VoteResult

__all__ = ["Records", "VoteResult", "Question", "Database", "DatabaseError", "SchemaTooNew",
           "open_database", "normalise"]
