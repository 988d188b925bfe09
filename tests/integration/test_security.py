"""Who may call what: SECURITY DEFINER functions are not left to PUBLIC (migration 0010).

Roles belong to the whole server, so each test creates its own uniquely named login role and drops it.
"""

from __future__ import annotations

import uuid

import psycopg2
import psycopg2.errors
import pytest


def _admin(pg_url):
    conn = psycopg2.connect(pg_url)
    conn.autocommit = True
    return conn


@pytest.fixture
def stranger(pg_url):
    """A login role that can connect to the test database and is not akhbar_reader (nor a member of it)."""
    name = f"akhbar_stranger_{uuid.uuid4().hex[:8]}"
    admin = _admin(pg_url)
    with admin.cursor() as cur:
        cur.execute(f'CREATE ROLE "{name}" LOGIN NOSUPERUSER NOINHERIT')
    yield name
    with admin.cursor() as cur:
        cur.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE usename = %s", (name,))
        cur.execute(f'DROP ROLE "{name}"')
    admin.close()


def _call(pg_url: str, role: str, sql: str):
    conn = psycopg2.connect(pg_url, user=role)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def test_a_role_that_is_not_the_reader_cannot_call_search_articles(stranger, pg_url, query):
    [(is_member,)] = query("SELECT pg_has_role(%s, 'akhbar_reader', 'MEMBER')", (stranger,))
    assert is_member is False
    with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="permission denied for function search_articles"):
        _call(pg_url, stranger, "SELECT * FROM search_articles('الحكومة', 5)")
    if query("SELECT to_regprocedure('search_titles_fuzzy(text, integer)')")[0][0]:
        with pytest.raises(psycopg2.errors.InsufficientPrivilege, match="search_titles_fuzzy"):
            _call(pg_url, stranger, "SELECT * FROM search_titles_fuzzy('الحكومة', 5)")
    # The reader keeps it (the CLI's `akhbar search` runs as the owner, which keeps it too).
    # (by name: migration 0018 gave search_articles a new signature, and 0020 revoked PUBLIC's EXECUTE again)
    assert query("SELECT has_function_privilege('akhbar_reader', 'search_articles'::regproc, 'EXECUTE')"
                 ) == [(True,)]


def test_no_security_definer_function_is_left_to_public(query):
    # A function redefined later with a new signature gets PUBLIC's EXECUTE back: this names it.
    open_to_public = query(
        "SELECT p.oid::regprocedure::text FROM pg_proc p "
        "WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef "
        "AND has_function_privilege('public', p.oid, 'EXECUTE') ORDER BY 1")
    definers = query("SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace AND prosecdef")
    assert definers[0][0] >= 1
    assert open_to_public == []


# Rolling migration 0010 back and applying it again: tests/integration/test_migrations_owner.py (a fresh database).
