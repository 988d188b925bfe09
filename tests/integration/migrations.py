"""What the tests of one migration share: a statement in a transaction of its own, and the rollback of one
migration on a scratch database."""

import os

from akhbar import db

ADMIN_URL = os.environ.get("AKHBAR_TEST_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")


def run(url, sql, params=None):
    """``sql`` in a transaction of its own; its rows, if it returns any."""
    with db.transaction(url) as cur:
        cur.execute(sql, params)
        return cur.fetchall() if cur.description else None


def roll_back(url, migration: str) -> None:
    from yoyo import read_migrations

    backend = db._yoyo_backend(url)
    with backend.lock():
        backend.rollback_migrations(read_migrations(str(db.MIGRATIONS_DIR)).filter(lambda m: m.id == migration))
