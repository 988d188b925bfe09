"""Loading on a real PostgreSQL: revisions when a body changes, one transaction per batch, safe retries."""

from datetime import timedelta

import pytest
from staging import FETCHED, article, stage

from akhbar import pipeline, stories

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

    monkeypatch.setattr(stories, "refresh", crash)
    with pytest.raises(RuntimeError):
        pipeline.load(staged_settings, run)
    assert query("SELECT count(*) FROM articles") == [(0,)]
    assert query("SELECT count(*) FROM extracted_pages WHERE crawl_run_id = %s", (run,)) == [(5,)]
    monkeypatch.undo()

    assert pipeline.load(staged_settings, run)["articles_loaded"] == 5
    before = query("SELECT id, url_key, updated_at, story_id FROM articles ORDER BY id")
    assert pipeline.load(staged_settings, run)["articles_loaded"] == 0  # a retry after success: no change
    assert query("SELECT id, url_key, updated_at, story_id FROM articles ORDER BY id") == before
    assert query("SELECT count(*) FROM stories") == [(1,)]  # five copies of one text: one story
