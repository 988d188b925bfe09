"""The second opinion (akhbar/second_opinion.py): trafilatura beside us on a sample of pages, recorded per page
in PostgreSQL (migration 0016), a run's rate and the verdict that fails its report."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime

import psycopg2
import pytest

from akhbar import db, second_opinion
from akhbar.second_opinion import Opinion, RunRate
from tests.unit.fixtures import SOURCES, load_truth, page_bytes
from transforms import decode_html, extract, url_key

TRUTH = load_truth()


def _pages():
    """(record, html, our article) for the saved pages with hand-read values."""
    out = []
    for record in TRUTH:
        data = page_bytes(record)
        out.append((record, decode_html(data, None), extract(data, record["url"], source=SOURCES[record["site"]])))
    return out


PAGES = _pages()


def test_disagreement_rules() -> None:
    body = "كلمة " * 200  # 999 characters
    assert second_opinion.disagreement("t", datetime(2020, 1, 1, tzinfo=UTC), body, "t", "2020-01-01", body) == \
        Opinion(999, 999, ())
    assert second_opinion.disagreement("t", None, body[:500], "t", None, body).disagreements == ("body_short",)
    assert second_opinion.disagreement("t", None, body[:610], "t", None, body).disagreements == ()  # 609/999 >= 0.6
    assert second_opinion.disagreement("t", None, body * 2, "t", None, body).disagreements == ("body_long",)
    assert second_opinion.disagreement(None, None, body, "t", "2020-01-01", body).disagreements == \
        ("title", "published")
    assert second_opinion.disagreement("t", None, body, None, None, None) == Opinion(999, None, ())  # no opinion
    assert second_opinion.disagreement("t", None, None, "t", None, body).disagreements == ("body_short",)


def test_sampling_is_one_in_twenty_by_url_and_every_page_of_a_first_run() -> None:
    keys = [f"example.com/news/{i}" for i in range(20000)]
    picked = [k for k in keys if second_opinion.sampled(k, first_run=False)]
    assert 0.04 < len(picked) / len(keys) < 0.06
    assert picked == [k for k in keys if second_opinion.sampled(k, first_run=False)]  # the same pages every time
    assert all(second_opinion.sampled(k, first_run=True) for k in keys[:100])


def test_saved_pages_agree_with_trafilatura_on_the_body() -> None:
    # Our bodies on these pages are checked against hand-read first and last sentences (test_truth): trafilatura's
    # are within 60-150% of their length on every one of them.
    for record, html, article in PAGES:
        opinion = second_opinion.compare(article, html, record["url"])
        assert not {"body_short", "body_long"} & set(opinion.disagreements), record["file"]
        assert opinion.our_body_chars > 500 and opinion.their_body_chars


def test_a_body_cut_to_its_first_paragraph_disagrees() -> None:
    for record, html, article in PAGES:
        broken = replace(article, body=article.body.split("\n\n")[0])
        assert "body_short" in second_opinion.compare(broken, html, record["url"]).disagreements, record["file"]


def test_verdict() -> None:
    fields = dict.fromkeys(second_opinion.FIELDS, 0)
    assert second_opinion.verdict(RunRate("s", 9, 9, {**fields, "body_short": 9})) is None  # too few sampled
    assert second_opinion.verdict(RunRate("s", 10, 2, {**fields, "title": 2})) is None  # 20% is not over 20%
    message = second_opinion.verdict(RunRate("youm7", 10, 3, {**fields, "body_short": 3}))
    assert message.startswith("youm7:") and "body_short 3/10" in message and "title" not in message


def _run(cur, source_key: str, status: str = "parsed") -> int:
    cur.execute("INSERT INTO crawl_runs (source_key, status) VALUES (%s, %s) RETURNING id", (source_key, status))
    return cur.fetchone()[0]


def _raw_page(cur, source_key: str, run_id: int, url: str) -> int:
    cur.execute("INSERT INTO raw_pages (source_key, crawl_run_id, url, url_key, http_status, body_sha256,"
                " fetched_at, last_seen_at) VALUES (%s, %s, %s, %s, 200, md5(%s), now(), now()) RETURNING id",
                (source_key, run_id, url, url_key(url), url))
    return cur.fetchone()[0]


def test_a_source_whose_pages_lose_their_body_fails_its_run(clean_db) -> None:
    with db.transaction(clean_db) as cur:
        cur.execute("INSERT INTO sources (key, name, home_url) VALUES ('broken', 'B', 'https://b.example/'),"
                    " ('healthy', 'H', 'https://h.example/')")
        broken_run, healthy_run = _run(cur, "broken"), _run(cur, "healthy")
        assert second_opinion.first_run(cur, "broken", broken_run)
        broken, healthy = [], []
        for i in range(12):  # twelve pages: the saved pages, some twice, as a redesign would serve them
            _record, html, article = PAGES[i % len(PAGES)]
            url = f"https://b.example/story/{i}"
            cut = replace(article, body=article.body.split("\n\n")[0])  # the extractor keeps one paragraph
            broken.append((_raw_page(cur, "broken", broken_run, url), url, second_opinion.compare(cut, html, url)))
            url = f"https://h.example/story/{i}"
            healthy.append((_raw_page(cur, "healthy", healthy_run, url), url,
                            second_opinion.compare(article, html, url)))
        assert second_opinion.record(cur, broken_run, "broken", broken) == 12
        second_opinion.record(cur, broken_run, "broken", broken)  # a re-parse replaces, never duplicates
        second_opinion.record(cur, healthy_run, "healthy", healthy)
    with db.transaction(clean_db) as cur:
        [rate] = second_opinion.run_rate(cur, broken_run)
        assert (rate.source_key, rate.sampled, rate.disagreed, rate.by_field["body_short"]) == ("broken", 12, 12, 12)
        message = second_opinion.verdict(rate)
        assert message.startswith("broken:") and "body_short 12/12" in message
        [rate] = second_opinion.run_rate(cur, healthy_run)
        assert rate.sampled == 12 and rate.by_field["body_short"] == 0 and rate.by_field["body_long"] == 0
        assert second_opinion.verdict(rate) is None or "body" not in second_opinion.verdict(rate)
        cur.execute("SELECT source_key, sampled, disagreed, body_short FROM v_second_opinion_daily"
                    " ORDER BY source_key")
        rows = cur.fetchall()
        assert rows[0] == ("broken", 12, 12, 12) and rows[1][:2] == ("healthy", 12) and rows[1][3] == 0
        later = _run(cur, "broken")
        assert not second_opinion.first_run(cur, "broken", later)
        assert second_opinion.run_rate(cur, later) == []


def test_the_table_refuses_unknown_fields(clean_db) -> None:
    with db.transaction(clean_db) as cur:
        cur.execute("INSERT INTO sources (key, name, home_url) VALUES ('s', 'S', 'https://s.example/')")
        run = _run(cur, "s")
        page = _raw_page(cur, "s", run, "https://s.example/1")
    with pytest.raises(psycopg2.errors.CheckViolation), db.transaction(clean_db) as cur:
        second_opinion.record(cur, run, "s", [(page, "https://s.example/1", Opinion(10, 10, ("author",)))])


def test_migration_rolls_back(pg_url) -> None:
    conn = psycopg2.connect(pg_url)
    try:
        with conn.cursor() as cur:
            # 0022 (v_source_health's second-opinion columns) depends on 0016's view: roll it back first
            for name in ("0022_source_health_second_opinion", "0016_second_opinion"):
                cur.execute((db.MIGRATIONS_DIR / f"{name}.rollback.sql").read_text(encoding="utf-8"))
            cur.execute("SELECT to_regclass('second_opinions'), to_regclass('v_second_opinion_daily')")
            assert cur.fetchone() == (None, None)
    finally:
        conn.rollback()  # the test database keeps the table
        conn.close()
