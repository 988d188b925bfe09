"""Loading on a real PostgreSQL: revisions when a body changes, one transaction per batch, safe retries."""

from datetime import timedelta

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
        "SELECT title_norm, agency, content_hash, search_vector IS NOT NULL, story_id FROM articles")
    assert title_norm == "مستشفي الاسكندريه"
    assert agency == "أ ش أ" and len(content_hash) == 32 and has_vector and story is not None


def test_a_failure_mid_batch_leaves_nothing_and_a_retry_loads_it(staged_settings, query, monkeypatch):
    run = stage(staged_settings, "youm7", [article("youm7", f"n{i}", body=V1 + str(i)) for i in range(5)])
    pipeline.validate(staged_settings, run)

    def crash(*args):
        raise RuntimeError("connection lost")

    monkeypatch.setattr(loading, "set_status", crash)  # in the load's transaction, after the UPSERT
    with pytest.raises(RuntimeError):
        pipeline.load(staged_settings, run)
    assert query("SELECT count(*) FROM articles") == [(0,)]
    assert query("SELECT count(*) FROM extracted_pages WHERE crawl_run_id = %s", (run,)) == [(5,)]
    monkeypatch.undo()

    assert pipeline.load(staged_settings, run)["articles_loaded"] == 5
    before = query("SELECT id, url_key, updated_at, story_id FROM articles ORDER BY id")
    assert pipeline.load(staged_settings, run)["articles_loaded"] == 0  # a retry after success: no change
    assert query("SELECT id, url_key, updated_at, story_id FROM articles ORDER BY id") == before
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


@pytest.mark.parametrize("parallel_from", [1, 10_000], ids=["parallel", "serial"])
def test_a_batch_loads_the_same_with_or_without_parallel_workers(staged_settings, query, monkeypatch,
                                                                 parallel_from):
    monkeypatch.setattr(pipeline.loading, "PARALLEL_LOAD_PAGES", parallel_from)
    arts = [article("youm7", f"n{i}", title=f"خبر رقم {i}", body=f"{V1} الفقرة رقم {i}") for i in range(60)]
    run = stage(staged_settings, "youm7", arts)
    pipeline.validate(staged_settings, run)
    assert pipeline.load(staged_settings, run)["articles_loaded"] == 60
    assert query(VECTOR_IS_FRESH) == [(60,)]
    # the load moved the GIN entries it appended into the indexes: nothing is left pending
    assert query("SELECT gin_clean_pending_list('articles_search'::regclass)") == [(0,)]


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
    import json

    from akhbar import db

    awkward = "سطر أول\tبعد جدول\nسطر ثان \\ شرطة مائلة \\N ليست فراغا \"اقتباس\"\r\n" + V1
    art = article("youm7", "copy", body=awkward, title="عنوان\tمع جدول")
    run = stage(staged_settings, "youm7", [art])
    (staged,) = query("SELECT article FROM extracted_pages WHERE crawl_run_id = %s", (run,))
    assert staged[0]["body"] == awkward and staged[0]["title"] == "عنوان\tمع جدول"

    query("UPDATE extracted_pages SET validation_status = 'invalid', failed_checks = '{x}' WHERE crawl_run_id = %s",
          (run,))
    (page_id,) = query("SELECT raw_page_id FROM extracted_pages WHERE crawl_run_id = %s", (run,))[0]
    with db.transaction(staged_settings.database_url) as cur:
        pipeline.stage_extracted(cur, [(page_id, run, "youm7", art["canonical_url"],
                                        json.dumps({**art, "body": V2}, ensure_ascii=False))])
    assert query("SELECT article->>'body', validation_status, failed_checks FROM extracted_pages") == [
        (V2, "pending", [])]
