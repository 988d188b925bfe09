"""Loading on a real PostgreSQL: revisions when a body changes, one transaction per batch, safe retries."""

from datetime import timedelta

import psycopg2
import psycopg2.errors
import pytest
from staging import FETCHED, article, stage

from akhbar import pipeline
from akhbar.pipeline import loading

V1 = "أعلن محافظ القاهرة افتتاح محطة مياه جديدة في حي المعادي بطاقة مئة ألف متر مكعب يوميا. " * 4
V2 = V1 + "وأضاف المحافظ أن المحطة تخدم نصف مليون مواطن وأن العمل بها يبدأ الأسبوع المقبل."


def load_one(settings, art):
    run = stage(settings, "youm7", [art])
    pipeline.validate(settings, run)
    return pipeline.load(settings, run)


def test_a_changed_body_keeps_the_old_version_as_a_revision(staged_settings, query):
    first = load_one(staged_settings, article("youm7", "water", body=V1))
    assert (first["articles_loaded"], first["articles_new"], first["revisions"]) == (1, 1, 0)
    later = FETCHED + timedelta(days=1)
    second = load_one(staged_settings, article("youm7", "water", body=V2, fetched_at=later))
    assert (second["articles_loaded"], second["articles_new"], second["revisions"]) == (1, 0, 1)

    (body, fetched_at), = query("SELECT body, fetched_at FROM articles")
    assert body == V2 and fetched_at == later
    (old_body, old_fetched), = query("SELECT body, fetched_at FROM article_revisions")
    assert old_body == V1 and old_fetched == FETCHED
    assert query("SELECT revisions FROM v_articles") == [(1,)]


def test_an_older_copy_arriving_late_goes_to_history_not_over_the_article(staged_settings, query):
    load_one(staged_settings, article("youm7", "water", body=V2))
    earlier = FETCHED - timedelta(days=1)
    counts = load_one(staged_settings, article("youm7", "water", body=V1, fetched_at=earlier, title="عنوان أقدم"))
    assert counts["revisions"] == 1
    assert query("SELECT body FROM articles") == [(V2,)]
    assert query("SELECT body, fetched_at FROM article_revisions") == [(V1, earlier)]


def test_the_same_body_again_is_no_revision(staged_settings, query):
    load_one(staged_settings, article("youm7", "water", body=V1))
    counts = load_one(staged_settings, article("youm7", "water", body=V1, fetched_at=FETCHED + timedelta(hours=6),
                                               title="عنوان معدل للخبر"))
    assert counts["revisions"] == 0
    assert query("SELECT title FROM articles") == [("عنوان معدل للخبر",)]
    assert query("SELECT count(*) FROM article_revisions") == [(0,)]


def test_loaded_columns_for_search_and_dedup(staged_settings, query):
    load_one(staged_settings, article("youm7", "water", title="مستشفى الإسكندرية", body=V1, agency="أ ش أ"))
    (title_norm, agency, content_hash, has_vector, story), = query(
        "SELECT a.title_norm, a.agency, a.content_hash, a.search_vector IS NOT NULL, m.story_id"
        " FROM articles a LEFT JOIN article_stories m ON m.article_id = a.id")
    assert title_norm == "مستشفي الاسكندريه"
    assert agency == "أ ش أ" and len(content_hash) == 32 and has_vector and story is not None


def test_a_failure_mid_batch_leaves_nothing_and_a_retry_loads_it(staged_settings, query, monkeypatch):
    run = stage(staged_settings, "youm7", [article("youm7", f"n{i}", body=V1 + str(i)) for i in range(5)])
    pipeline.validate(staged_settings, run)

    real_load_staged = loading.load_staged

    def crash(*args, **kwargs):  # in the load batch's transaction, after its UPSERT
        real_load_staged(*args, **kwargs)
        raise RuntimeError("connection lost")

    monkeypatch.setattr(loading, "load_staged", crash)
    with pytest.raises(RuntimeError):
        pipeline.load(staged_settings, run)
    assert query("SELECT count(*) FROM articles") == [(0,)]
    assert query("SELECT count(*) FROM extracted_pages WHERE crawl_run_id = %s", (run,)) == [(5,)]
    monkeypatch.undo()

    assert pipeline.load(staged_settings, run)["articles_loaded"] == 5
    placed = ("SELECT id, url_key, updated_at, m.story_id FROM articles a"
              " LEFT JOIN article_stories m ON m.article_id = a.id ORDER BY id")
    before = query(placed)
    assert pipeline.load(staged_settings, run)["articles_loaded"] == 0  # a retry after success: no change
    assert query(placed) == before
    # five near copies of one text: one story, one reprint group
    assert query("SELECT kind, member_count FROM stories ORDER BY kind") == [("event", 5), ("reprint", 5)]


VECTOR_IS_FRESH = ("SELECT count(*) FROM articles WHERE search_vector IS NOT DISTINCT FROM "
                   "akhbar_document_vector(title_norm, body_norm, akhbar_stop_lexemes())")


def test_the_search_vector_follows_the_text_and_is_kept_when_it_did_not_change(staged_settings, query):
    load_one(staged_settings, article("youm7", "water", title="محطة مياه", body=V1))
    assert query(VECTOR_IS_FRESH) == [(1,)]
    assert query("SELECT count(*) FROM search_articles('محطة', 5)") == [(1,)]

    # a new title with the same body: the vector is computed again, so the new title is searchable
    load_one(staged_settings, article("youm7", "water", title="مستشفى جديد", body=V1,
                                      fetched_at=FETCHED + timedelta(hours=1)))
    assert query(VECTOR_IS_FRESH) == [(1,)]
    assert query("SELECT count(*) FROM search_articles('مستشفى', 5)") == [(1,)]

    # the same text fetched again: the stored vector stays as it was
    before = query("SELECT search_vector::text FROM articles")
    load_one(staged_settings, article("youm7", "water", title="مستشفى جديد", body=V1,
                                      fetched_at=FETCHED + timedelta(hours=2)))
    assert query("SELECT search_vector::text FROM articles") == before

    # a changed body: the vector follows it
    load_one(staged_settings, article("youm7", "water", title="مستشفى جديد", body=V2,
                                      fetched_at=FETCHED + timedelta(hours=3)))
    assert query(VECTOR_IS_FRESH) == [(1,)]
    assert query("SELECT count(*) FROM search_articles('مواطن', 5)") == [(1,)]


@pytest.mark.parametrize("workers", [1, 3], ids=["one at a time", "side by side"])
def test_batches_load_the_same_one_at_a_time_or_side_by_side(staged_settings, query, workers):
    settings = staged_settings.with_(load_workers=workers, load_batch_size=7)
    arts = [article("youm7", f"n{i}", title=f"خبر رقم {i}", body=f"{V1} الفقرة رقم {i}") for i in range(60)]
    run = stage(settings, "youm7", arts)
    pipeline.validate(settings, run)
    counts = pipeline.load(settings, run)
    assert (counts["articles_loaded"], counts["articles_new"]) == (60, 60)
    assert query(VECTOR_IS_FRESH) == [(60,)]
    assert query("SELECT count(*) FROM raw_pages WHERE crawl_run_id = %s AND parse_status = 'loaded'",
                 (run,)) == [(60,)]
    assert query("SELECT count(*) FROM extracted_pages WHERE crawl_run_id = %s", (run,)) == [(0,)]
    assert query("SELECT status FROM crawl_runs WHERE id = %s", (run,)) == [("loaded",)]
    # the load moved the GIN entries it appended into the indexes: nothing is left pending
    assert query("SELECT gin_clean_pending_list('articles_search'::regclass)") == [(0,)]


def test_load_workers_setting():
    import os

    from akhbar.config import load_settings

    assert load_settings({}).load_workers == 2 * len(os.sched_getaffinity(0))
    assert load_settings({"AKHBAR_LOAD_WORKERS": "3"}).load_workers == 3
    for bad in ("0", "-2", "four"):
        with pytest.raises(ValueError, match="AKHBAR_LOAD_WORKERS"):
            load_settings({"AKHBAR_LOAD_WORKERS": bad})


def test_a_failed_batch_among_batches_side_by_side_stays_staged_for_the_next_load(staged_settings, query,
                                                                                  monkeypatch):
    settings = staged_settings.with_(load_workers=2, load_batch_size=4)
    run = stage(settings, "youm7", [article("youm7", f"n{i}", body=f"{V1} {i}") for i in range(20)])
    pipeline.validate(settings, run)
    (third_first,), = query("SELECT min(id) + 8 FROM raw_pages WHERE crawl_run_id = %s", (run,))
    real_load_staged = loading.load_staged

    def crash_in_third_batch(cur, settings, run_id, pages=loading.ALL_PAGES, **kwargs):
        result = real_load_staged(cur, settings, run_id, pages, **kwargs)
        if pages[0] < third_first <= pages[1]:  # the batch of the run's 9th to 12th pages
            raise RuntimeError("connection lost")
        return result

    monkeypatch.setattr(loading, "load_staged", crash_in_third_batch)
    with pytest.raises(RuntimeError, match="connection lost"):
        pipeline.load(settings, run)
    # the batches that committed stay loaded; the failed one's pages are staged and valid, none is an article
    loaded = query("SELECT count(*) FROM raw_pages WHERE crawl_run_id = %s AND parse_status = 'loaded'", (run,))
    staged = query("SELECT count(*) FROM extracted_pages WHERE crawl_run_id = %s AND validation_status = 'valid'",
                   (run,))
    assert loaded[0][0] + staged[0][0] == 20 and query("SELECT count(*) FROM articles") == loaded
    assert query("SELECT count(*) FROM extracted_pages e JOIN raw_pages r ON r.id = e.raw_page_id"
                 " WHERE r.id BETWEEN %s AND %s + 3", (third_first, third_first)) == [(4,)]
    assert query("SELECT status FROM crawl_runs WHERE id = %s", (run,)) != [("loaded",)]
    monkeypatch.undo()

    assert pipeline.load(settings, run)["articles_loaded"] == staged[0][0]
    assert query("SELECT count(*) FROM articles") == [(20,)]
    assert query(VECTOR_IS_FRESH) == [(20,)]
    assert query("SELECT status FROM crawl_runs WHERE id = %s", (run,)) == [("loaded",)]


def test_the_load_memory_comes_from_the_environment_and_a_bad_value_loads_nothing(staged_settings, query):
    import psycopg2

    from akhbar.config import load_settings

    assert load_settings({"AKHBAR_LOAD_MEMORY": "64MB"}).load_memory == "64MB"
    run = stage(staged_settings, "youm7", [article("youm7", "water", body=V1)])
    pipeline.validate(staged_settings, run)
    with pytest.raises(psycopg2.errors.InvalidParameterValue, match="work_mem"):
        pipeline.load(staged_settings.with_(load_memory="lots"), run)
    assert query("SELECT count(*) FROM articles") == [(0,)]
    assert pipeline.load(staged_settings.with_(load_memory="8MB"), run)["articles_loaded"] == 1


def test_staging_by_copy_keeps_every_character_and_a_second_parse_replaces_the_first(staged_settings, query):

    from akhbar import db

    awkward = "سطر أول\tبعد جدول\nسطر ثان \\ شرطة مائلة \\N ليست فراغا \"اقتباس\"\r\n" + V1
    art = article("youm7", "copy", body=awkward, title="عنوان\tمع جدول")
    run = stage(staged_settings, "youm7", [art])
    assert query("SELECT body, title FROM extracted_pages WHERE crawl_run_id = %s", (run,)) == [
        (awkward, "عنوان\tمع جدول")]

    query("UPDATE extracted_pages SET validation_status = 'invalid', failed_checks = '{x}' WHERE crawl_run_id = %s",
          (run,))
    (page_id,) = query("SELECT raw_page_id FROM extracted_pages WHERE crawl_run_id = %s", (run,))[0]
    with db.transaction(staged_settings.database_url) as cur:
        pipeline.stage_extracted(cur, [pipeline.staged_row(page_id, run, "youm7", {**art, "body": V2},
                                                           url_key=art["canonical_url"])])
    assert query("SELECT body, validation_status, failed_checks FROM extracted_pages") == [
        (V2, "pending", [])]


def test_every_field_of_the_staged_row_is_the_article_s(staged_settings, query):
    """The parse step stages an article-shaped row (staged_row); the load writes each field as the page had it."""
    published = FETCHED - timedelta(hours=3)
    modified = FETCHED - timedelta(hours=1)
    art = article("youm7", "fields", title="وزير الصحة يفتتح مستشفى", body=V1, agency="",
                  authors=['محمد "أبو" علي', "سارة\\أحمد", "رئيس, التحرير"], tags=["صحة", "القاهرة"],
                  images=[{"url": "https://www.youm7.example/i/1.jpg", "caption": "صورة «المستشفى»"}],
                  section="محافظات", dateline="القاهرة", published_at=published,
                  published_raw="الأحد، 8 يناير 2026 10:00 ص", modified_at=modified.isoformat(),
                  modified_raw="منذ ساعة", extractor="youm7", extractor_version="7.1")
    load_one(staged_settings, art)
    row, = query("SELECT url, canonical_url, title, body, authors, section, tags, language, images, published_at,"
                 " published_raw, modified_at, modified_raw, agency, dateline, title_norm, body_norm, extractor,"
                 " extractor_version, fetched_at, content_hash = md5(body_norm) FROM articles")
    assert row == (
        "https://www.youm7.example/news/fields", "https://www.youm7.example/news/fields",
        "وزير الصحة يفتتح مستشفى", V1, ['محمد "أبو" علي', "سارة\\أحمد", "رئيس, التحرير"], "محافظات",
        ["صحة", "القاهرة"], "ar", [{"url": "https://www.youm7.example/i/1.jpg", "caption": "صورة «المستشفى»"}],
        published, "الأحد، 8 يناير 2026 10:00 ص", modified, "منذ ساعة",
        None,  # an empty agency is no agency
        "القاهرة", "وزير الصحه يفتتح مستشفي", art["body_norm"], "youm7", "7.1", FETCHED, True)


def test_a_run_loads_in_batches_and_a_failed_batch_leaves_its_pages_staged(staged_settings, query):
    # one batch at a time, so that the batch after the failed one has not started (side by side, see below)
    settings = staged_settings.with_(load_batch_size=3, load_workers=1)
    arts = [article("youm7", f"n{i}", title=f"خبر رقم {i}", body=f"{V1} الفقرة رقم {i}") for i in range(7)]
    run = stage(settings, "youm7", arts)
    pipeline.validate(settings, run)
    ids = [page_id for (page_id,) in query("SELECT raw_page_id FROM extracted_pages ORDER BY 1")]
    # a page in the second batch that the database refuses (no title: the gate would never pass it, so it is
    # let through by hand): the first batch is loaded and stays, the second and third stay staged and valid
    query("UPDATE extracted_pages SET title = NULL WHERE raw_page_id = %s", (ids[4],))
    with pytest.raises(psycopg2.errors.NotNullViolation):
        pipeline.load(settings, run)
    assert query("SELECT raw_page_id FROM articles ORDER BY 1") == [(i,) for i in ids[:3]]
    assert query("SELECT raw_page_id, validation_status FROM extracted_pages ORDER BY 1") == [
        (i, "valid") for i in ids[3:]]
    assert query("SELECT id, parse_status FROM raw_pages ORDER BY 1") == (
        [(i, "loaded") for i in ids[:3]] + [(i, "validated") for i in ids[3:]])
    assert query("SELECT status FROM crawl_runs WHERE id = %s", (run,)) == [("validated",)]

    query("UPDATE extracted_pages SET title = %s WHERE raw_page_id = %s", ("خبر رقم 4", ids[4]))
    counts = pipeline.load(settings, run)
    assert (counts["articles_loaded"], counts["articles_new"]) == (4, 4)
    assert query("SELECT raw_page_id, title FROM articles ORDER BY 1") == [
        (page_id, f"خبر رقم {i}") for i, page_id in enumerate(ids)]
    assert query("SELECT count(*) FROM extracted_pages") == [(0,)]
    assert query("SELECT DISTINCT parse_status FROM raw_pages") == [("loaded",)]
    assert query("SELECT status FROM crawl_runs WHERE id = %s", (run,)) == [("loaded",)]
    assert query(VECTOR_IS_FRESH) == [(7,)]


def test_validate_and_load_called_again_while_the_run_still_produces_pages(staged_settings, query):
    """akhbar run calls the gate and the load on what is ready while the crawl and the parse go on."""
    settings = staged_settings.with_(validate_batch_size=2, load_batch_size=2)
    first = [article("youm7", f"a{i}", title=f"خبر أول {i}", body=f"{V1} رقم {i}") for i in range(3)]
    run = stage(settings, "youm7", first)
    assert pipeline.validate(settings, run)["valid"] == 3
    assert pipeline.load(settings, run)["articles_loaded"] == 3
    # more pages of the same run arrive, one of them too short for the gate
    later = [article("youm7", f"b{i}", title=f"خبر ثان {i}", body=f"{V2} رقم {i}") for i in range(3)]
    later.append(article("youm7", "short", title="خبر قصير جدا", body="سطر واحد."))
    stage(settings, "youm7", later, run_id=run)
    verdict = pipeline.validate(settings, run)
    assert (verdict["validated"], verdict["valid"], verdict["invalid"]) == (4, 3, 1)
    assert pipeline.load(settings, run)["articles_loaded"] == 3
    # nothing new: both calls change nothing
    before = query("SELECT id, url_key, updated_at FROM articles ORDER BY id")
    pipeline.validate(settings, run)
    assert pipeline.load(settings, run)["articles_loaded"] == 0
    assert query("SELECT id, url_key, updated_at FROM articles ORDER BY id") == before
    assert sorted(title for (title,) in query("SELECT title FROM articles")) == sorted(
        a["title"] for a in first + later[:3])
    assert query("SELECT url, reasons FROM quarantine") == [(later[3]["url"], ["body_too_short"])]
    assert query("SELECT parse_status, count(*) FROM raw_pages GROUP BY 1 ORDER BY 1") == [
        ("loaded", 6), ("quarantined", 1)]


def test_the_gate_judges_in_batches_as_it_would_in_one(staged_settings, query):
    """Row checks per batch of AKHBAR_VALIDATE_BATCH_SIZE pages; the batch-level gate over all of them."""
    from akhbar.quality import QualityGateFailed

    ok = [article("masrawy", f"ok{i}", title=f"خبر سليم {i}", body=f"{V1} رقم {i}") for i in range(4)]
    bad = [article("masrawy", f"bad{i}", title=f"خبر مبتور {i}", body="سطر واحد.") for i in range(3)]
    # 3 failing pages of 7 (43%, over the 30% allowed), spread over four batches of two
    run = stage(staged_settings, "masrawy", [ok[0], bad[0], ok[1], bad[1], ok[2], bad[2], ok[3]])
    with pytest.raises(QualityGateFailed, match="masrawy"):
        pipeline.validate(staged_settings.with_(validate_batch_size=2), run)
    assert sorted(query("SELECT url, reasons FROM quarantine")) == sorted(
        [(a["url"], ["body_too_short"]) for a in bad] + [(a["url"], ["source_gate_failed"]) for a in ok])
    assert query("SELECT count(*) FROM extracted_pages") == [(0,)]
    assert query("SELECT DISTINCT parse_status FROM raw_pages") == [("quarantined",)]
    assert query("SELECT stats->>'held_by_source_gate', stats->>'invalid', stats->>'valid' FROM crawl_runs") == [
        ("4", "3", "0")]
    # one data docs site per source and batch
    docs = sorted(p.name for p in staged_settings.data_docs_path.iterdir())
    assert docs == [f"crawl_run_{run}_masrawy"] + [f"crawl_run_{run}_masrawy_part{n}" for n in (2, 3, 4)]
