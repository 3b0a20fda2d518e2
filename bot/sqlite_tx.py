"""One write transaction around a block of SQLite statements, the same way everywhere."""

from __future__ import annotations

import contextlib
import sqlite3
from typing import Iterator


@contextlib.contextmanager
def immediate(db: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """Run the block in one write transaction: committed at its end, rolled back on any error.

    BEGIN IMMEDIATE takes the write lock up front, so another process writing
    the same file waits (the connection's timeout) instead of failing halfway.
    Inside a transaction already open, the block joins it and the outer one commits.
    """
    if db.in_transaction:
        yield db
        return
    db.execute("BEGIN IMMEDIATE")
    try:
        yield db
    except BaseException:
        db.execute("ROLLBACK")
        raise
    db.execute("COMMIT")


__all__ = ["immediate"]
