"""The page lifecycle (akhbar/pipeline/lifecycle.py) on a real PostgreSQL: claims per run, the lease that tells a
live run from a dead one, attempts, the withdrawal of an article whose page fails a re-parse, three loads at once
(two sources and a re-parse), and the health verdicts (v_source_health)."""

from __future__ import annotations

import threading
from datetime import timedelta
from pathlib import Path

import psycopg2
import pytest
from staging import REGISTRY, article, stage

from akhbar import maintenance, pipeline
from akhbar.config import Settings
from akhbar.pipeline import health, lifecycle

ROOT = Path(__file__).resolve().parents[2]


def _raw_page(query, run_id: int, source: str, n: int) -> int:
    (page_id,), = query(
        "INSERT INTO raw_pages (source_key, crawl_run_id, last_crawl_run_id, url, url_key, http_status, body,"
        " body_sha256, fetched_at, last_seen_at) VALUES (%s, %s, %s, %s, %s, 200, %s, %s, now(), now()) RETURNING id",
        (source, run_id, run_id, f"https://www.{source}.example/p{n}", f"{source}.example/p{n}", b"<html></html>",
         f"sha{n}"))
    return page_id


def _claim(settings, run_id: int, source: str, adopt: bool = True) -> dict:
    import psycopg2

    conn = psycopg2.connect(settings.database_url)
    try:
        with conn, conn.cursor() as cur:
            return lifecycle.claim(cur, settings, run_id, source, adopt=adopt)
    finally:
        conn.close()


def test_a_live_runs_pages_are_left_to_it_and_a_dead_runs_pages_are_adopted(staged_settings, query):
    first = pipeline.start_run(staged_settings, "youm7")
    pages = [_raw_page(query, first, "youm7", n) for n in range(3)]
    second = pipeline.start_run(staged_settings, "youm7")
    other_process = psycopg2.connect(staged_settings.database_url)  # holds the first run's lease, as its process would
    with other_process.cursor() as cur:
        cur.execute("SELECT pg_advisory_lock(%s, %s)", (lifecycle.LEASE_CLASS, first))
    assert _claim(staged_settings, second, "youm7") == {"claimed": 0, "adopted": 0, "attempts_exhausted": 0}
    with pytest.raises(lifecycle.RunBusy), lifecycle.lease(staged_settings, first):
        pass  # nobody else works on the first run meanwhile
    other_process.close()  # the process dies: its session, and so its lease, end with it
    assert _claim(staged_settings, second, "youm7") == {"claimed": 3, "adopted": 3, "attempts_exhausted": 0}
    assert query("SELECT id, claimed_by, attempts FROM raw_pages ORDER BY id") == [(p, second, 1) for p in pages]
    # a maintenance run (adopt=False) takes only what is its own
    third = pipeline.start_run(staged_settings, "youm7")
    assert _claim(staged_settings, third, "youm7", adopt=False)["claimed"] == 0


def test_a_page_claimed_more_than_max_attempts_is_quarantined_as_attempts_exhausted(staged_settings, query):
    settings = staged_settings.with_(max_page_attempts=3)
    run = pipeline.start_run(settings, "youm7")
    page = _raw_page(query, run, "youm7", 1)
    for attempt in (1, 2, 3):  # three runs took it and died (no lease held: the runs are dead)
        claimer = pipeline.start_run(settings, "youm7")
        assert _claim(settings, claimer, "youm7")["claimed"] == 1
        assert query("SELECT attempts, parse_status FROM raw_pages") == [(attempt, "pending")]
    fourth = pipeline.start_run(settings, "youm7")
    assert _claim(settings, fourth, "youm7") == {"claimed": 0, "adopted": 1, "attempts_exhausted": 1}
    assert query("SELECT parse_status FROM raw_pages") == [("quarantined",)]
    [(stage_, reasons, details)] = query("SELECT stage, reasons, details FROM quarantine WHERE raw_page_id = %s",
                                         (page,))
    assert (stage_, reasons, details) == ("lifecycle", ["attempts_exhausted"],
                                          {"attempts": 3, "state": "pending", "limit": 3})
    # retry-quarantined gives it a fresh count
    counts = maintenance.retry_quarantined(settings, "youm7", run_label="again", reason="attempts_exhausted")
    assert counts["pages_reset"] == 1
    assert query("SELECT attempts FROM raw_pages") == [(1,)]


def test_a_page_that_fails_its_re_parse_is_no_longer_an_article(staged_settings, query):
    run = stage(staged_settings, "youm7", [article("youm7", "a"), article("youm7", "b")])
    pipeline.validate(staged_settings, run)
    assert pipeline.load(staged_settings, run)["articles_loaded"] == 2
    # The stored "HTML" of these staged pages is the article's JSON, which the current extractor cannot read:
    # re-parsed as if by a newer extractor, both fail.
    query("UPDATE raw_pages SET extractor_version = '0.0.1' RETURNING id")
    maintenance.reparse_outdated(staged_settings, run_label="t", current_version="99.0")
    assert query("SELECT count(*) FROM articles") == [(0,)]
    assert query("SELECT parse_status, count(*) FROM raw_pages GROUP BY 1") == [("quarantined", 2)]
    assert query("SELECT count(*) FROM stories") == [(0,)]  # their story had no member left
    both = query("SELECT count(*) FROM raw_pages r JOIN articles a ON a.raw_page_id = r.id "
                 "JOIN quarantine q ON q.raw_page_id = r.id")
    assert both == [(0,)]


def _registry_with_demo(tmp_path: Path, *keys: str) -> Path:
    text = (ROOT / "akhbar" / "sources.toml").read_text(encoding="utf-8")
    demo = next(block for block in text.split("[[source]]") if 'key = "demo"' in block)
    path = tmp_path / "sources.toml"
    path.write_text("[[source]]" + demo.split("# ----")[0] + "".join(REGISTRY.format(key=k) for k in keys),
                    encoding="utf-8")
    return path


WIRE = (  # three wire items, each reprinted by both sources with their own lead
    ("قالت وكالة الأنباء إن وزير الخارجية التقى نظيره في العاصمة اليوم لبحث التعاون الاقتصادي بين البلدين "
     "وتعزيز العلاقات الثنائية في مجالات الطاقة والنقل والتجارة وسط ترحيب رسمي واسع بالزيارة. "),
    ("أعلنت وزارة الصحة تسجيل حالات جديدة من الإنفلونزا الموسمية في عدد من المحافظات الجنوبية ودعت المواطنين "
     "إلى الحصول على اللقاح في أقرب مركز طبي قبل حلول فصل الشتاء وازدحام المستشفيات. "),
    ("ارتفعت أسعار الذهب في الأسواق المحلية صباح اليوم بعد صعود الأوقية عالميا وسط توقعات بخفض أسعار الفائدة "
     "خلال الاجتماع المقبل للبنك المركزي وتراجع الدولار أمام العملات الرئيسية. "),
)
LOCAL = {"youm7": "افتتح محافظ الإقليم حديقة عامة جديدة في الحي الشرقي تضم ملاعب للأطفال ومسارا للدراجات. ",
         "masrawy": "تعطلت حركة القطارات على الخط الساحلي ساعتين بسبب عطل فني في إشارات المرور قرب المحطة. "}


def test_two_sources_load_and_a_re_parse_runs_at_once(settings, tmp_path, query):
    """Two sources' loads and a maintenance re-parse of a third, all at once: the two reprints of one wire
    story end in ONE story (the clustering after each load takes the clustering lock), every count adds up, and no
    page is left in flight."""
    settings = settings.with_(sources_file=_registry_with_demo(tmp_path, "youm7", "masrawy"))
    pipeline.run_source(settings, "demo")  # 7 articles, to be re-parsed
    query("UPDATE raw_pages SET extractor_version = '0.0.1' WHERE source_key = 'demo' AND parse_status = 'loaded' "
          "RETURNING id")
    runs = {}
    for source, lead in (("youm7", "القاهرة - "), ("masrawy", "عاجل: ")):
        arts = [article(source, f"wire{i}", title=f"خبر رقم {i}", body=lead + text * 3)
                for i, text in enumerate(WIRE)]
        arts.append(article(source, "own", title="خبر محلي", body=LOCAL[source] * 4))
        runs[source] = stage(settings, source, arts)
        pipeline.validate(settings, runs[source])
    # Hold the clustering lock so that all three have loaded and wait to cluster before any goes on, then let them race.
    holder = psycopg2.connect(settings.database_url)
    with holder.cursor() as cur:
        from akhbar import stories

        cur.execute("SELECT pg_advisory_lock(%s)", (stories.LOCK_KEY,))
    results, errors = {}, []

    def work(name, fn):
        try:
            results[name] = fn()
        except Exception as exc:  # noqa: BLE001 (reported below)
            errors.append((name, exc))

    threads = [threading.Thread(target=work, args=(s, lambda s=s: pipeline.load(settings, runs[s]))) for s in runs]
    threads.append(threading.Thread(target=work, args=("reparse", lambda: maintenance.reparse_outdated(
        settings, run_label="concurrent"))))
    for t in threads:
        t.start()
    waiting = lambda: query("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                            "AND wait_event_type = 'Lock' AND application_name = 'akhbar-cluster'")[0][0]
    for _ in range(600):
        if waiting() == 3:
            break
        threading.Event().wait(0.05)
    assert waiting() == 3, "the three loads' clusterings did not all wait for the clustering lock"
    holder.close()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert results["youm7"]["articles_loaded"] == 4 and results["masrawy"]["articles_loaded"] == 4
    assert results["reparse"]["demo"]["articles_loaded"] == 7
    assert query("SELECT source_key, count(*) FROM articles GROUP BY 1 ORDER BY 1") == [
        ("demo", 7), ("masrawy", 4), ("youm7", 4)]
    # one story per wire item, with both sources; the local items are stories of their own
    wire = query("SELECT s.sources, s.member_count FROM stories s WHERE s.source_count = 2 AND s.kind = 'event' "
                 "ORDER BY s.id")
    assert wire == [(["masrawy", "youm7"], 2)] * 3
    assert query("SELECT count(*) FROM articles a WHERE NOT EXISTS"
                 " (SELECT FROM article_stories m WHERE m.article_id = a.id)") == [(0,)]
    # every article in exactly one event story and one reprint group
    assert query("SELECT kind, sum(member_count)::int FROM stories GROUP BY 1 ORDER BY 1") == [
        ("event", 15), ("reprint", 15)]
    assert query("SELECT count(*) FROM raw_pages WHERE parse_status IN ('pending', 'extracted', 'validated')") == [
        (0,)]


def test_health_verdicts_empty_then_stale_in_v_source_health(staged_settings, query):
    settings = staged_settings.with_(stale_after_intervals=24)  # the test sources run @hourly
    run = stage(settings, "youm7", [article("youm7", "a")])
    pipeline.validate(settings, run)
    pipeline.load(settings, run)
    assert health.judge_and_record(settings, run) == health.Verdict("healthy", "youm7: 1 new article(s)")
    quiet = pipeline.start_run(settings, "youm7")
    assert health.judge_and_record(settings, quiet) == health.Verdict("empty", "youm7: nothing new this run")
    # a day and an hour later, still nothing new: 25 hourly intervals > 24
    query("UPDATE articles SET first_loaded_at = first_loaded_at - interval '25 hours' RETURNING id")
    later = pipeline.start_run(settings, "youm7")
    verdict = health.judge_and_record(settings, later)
    assert verdict.health == "stale" and not verdict.red
    assert "24 schedule intervals of 1:00:00 passed" in verdict.reason
    [(h, runs, by_health)] = query("SELECT health, runs, runs_by_health FROM v_source_health "
                                   "WHERE source_key = 'youm7' AND runs > 0")
    assert (h, runs, by_health) == ("stale", 3, {"healthy": 1, "empty": 1, "stale": 1})
    assert health.schedule_interval("*/15 * * * *", query("SELECT now()")[0][0]) == timedelta(minutes=15)
    assert health.schedule_interval("@once", query("SELECT now()")[0][0]) is None


def test_sessions_carry_the_configured_timeouts(staged_settings):
    from akhbar import db

    settings: Settings = staged_settings.with_(db_lock_timeout=7, db_statement_timeout=90)
    with db.step_transaction(settings, "load") as cur:
        cur.execute("SELECT current_setting('lock_timeout'), current_setting('statement_timeout'), "
                    "current_setting('application_name')")
        assert cur.fetchone() == ("7s", "90s", "akhbar-load")


def test_a_page_re_parsed_under_another_canonical_url_stands_for_one_article_only(staged_settings, query):
    """A re-parse that finds another canonical URL for a page moves the page's article to the new key: the old
    article does not stay behind beside it."""

    import psycopg2

    first = article("youm7", "old-slug")
    run = stage(staged_settings, "youm7", [first])
    pipeline.validate(staged_settings, run)
    pipeline.load(staged_settings, run)
    (page_id,), = query("SELECT raw_page_id FROM articles")
    # the same raw page, parsed again by a re-parse run: its canonical URL is now another one
    again = pipeline.start_run(staged_settings, "youm7", "reparse:t")
    moved = article("youm7", "new-slug")
    conn = psycopg2.connect(staged_settings.database_url)
    with conn, conn.cursor() as cur:
        cur.execute("UPDATE raw_pages SET parse_status = 'extracted', claimed_by = %s WHERE id = %s",
                    (again, page_id))
        pipeline.stage_extracted(cur, [pipeline.staged_row(page_id, again, "youm7", moved,
                                                           url_key=moved["canonical_url"])])
    conn.close()
    pipeline.validate(staged_settings, again)
    pipeline.load(staged_settings, again)
    assert query("SELECT url_key, raw_page_id FROM articles") == [(moved["canonical_url"], page_id)]
    assert query("SELECT parse_status FROM raw_pages") == [("loaded",)]

