"""Migration 0018 (search snippets, filters, bounded ranking) rolls back to 0006's search and applies again."""

import os

import psycopg2

from akhbar import db

ADMIN_URL = os.environ.get("AKHBAR_TEST_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
BODY = "قال المدرب إنه لا يعلم شيئا عن موعد مباراة كأس العالم، وأضاف أن الفريق سيسافر إلى اليمن."


def _one(url, sql):
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchone()
    finally:
        conn.close()


def test_0018_rolls_back_then_applies_again():
    from yoyo import read_migrations

    with db.scratch_database(ADMIN_URL, "akhbar_test_0018") as url:
        conn = psycopg2.connect(url)
        with conn, conn.cursor() as cur:
            cur.execute("INSERT INTO sources (key, name, home_url) VALUES ('s', 's', 'https://s.example/')")
            cur.execute("""
                INSERT INTO articles (url_key, url, canonical_url, source_key, title, body, extractor,
                                      extractor_version, fetched_at, published_at, title_norm, body_norm,
                                      search_vector)
                VALUES ('k', 'u', 'u', 's', 'خبر', %(b)s, 't', '1', now(), now(), 'خبر', akhbar_fold(%(b)s),
                        akhbar_document_vector('خبر', akhbar_fold(%(b)s), akhbar_stop_lexemes()))""", {"b": BODY})
        conn.close()
        new = "SELECT snippet FROM search_articles('كاس العالم', 5)"
        assert "«كأس العالم»" in _one(url, new)[0]

        backend = db._yoyo_backend(url)
        migrations = read_migrations(str(db.MIGRATIONS_DIR))
        # 0026 replaced 0018's search_articles (its story from article_stories) and rolls back first
        ours = ("0018_search_snippets_filters", "0026_article_stories")
        with backend.lock():
            backend.rollback_migrations(backend.to_rollback(migrations.filter(lambda m: m.id in ours)))
        # 0006's function is back: one signature, the folded snippet with a mark per word
        assert _one(url, "SELECT count(*) FROM pg_proc WHERE proname = 'search_articles'") == (1,)
        assert _one(url, new)[0].count("«") == 2
        assert _one(url, "SELECT to_regproc('akhbar_snippet')") == (None,)

        assert db.migrate(url) == list(ours)
        assert "«كأس العالم»" in _one(url, new)[0]
        assert _one(url, "SELECT has_function_privilege('akhbar_reader', 'search_articles(text, integer, text, "
                         "date, date, bigint, text, text)', 'EXECUTE')") == (True,)
