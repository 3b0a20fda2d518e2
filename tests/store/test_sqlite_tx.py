"""One write transaction: all of a block's statements land, or none of them."""

from __future__ import annotations

import sqlite3

import pytest

from bot.sqlite_tx import immediate


@pytest.fixture
def db(tmp_path):
    conn = sqlite3.connect(tmp_path / "t.sqlite", isolation_level=None)
    conn.execute("CREATE TABLE t (n INTEGER)")
    yield conn
    conn.close()


def _rows(db) -> list[int]:
    return [n for (n,) in db.execute("SELECT n FROM t ORDER BY n")]


def test_a_block_is_committed(db):
    with immediate(db):
        db.execute("INSERT INTO t VALUES (1)")
        db.execute("INSERT INTO t VALUES (2)")
    assert not db.in_transaction and _rows(db) == [1, 2]


def test_an_error_rolls_the_whole_block_back(db):
    with pytest.raises(ValueError), immediate(db):
        db.execute("INSERT INTO t VALUES (1)")
        raise ValueError("half-way")
    assert not db.in_transaction and _rows(db) == []


def test_a_block_inside_an_open_transaction_joins_it(db):
    with pytest.raises(ValueError), immediate(db):
        db.execute("INSERT INTO t VALUES (1)")
        with immediate(db):  # does not commit on its own
            db.execute("INSERT INTO t VALUES (2)")
        assert db.in_transaction
        raise ValueError("the outer block fails")
    assert _rows(db) == []
