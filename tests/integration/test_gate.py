"""The batch-level gate on a real PostgreSQL: a source with a broken extractor is held back and named."""

from datetime import UTC, datetime

import pytest
from staging import article, stage

from akhbar import pipeline
from akhbar.quality import QualityGateFailed


def test_broken_source_raises_and_is_held_while_a_healthy_one_loads(staged_settings, query):
    # youm7's "extractor" lost the date on 9 of 10 pages; masrawy is fine.
    broken = [article("youm7", f"a{i}", published_at=False if i < 9 else None) for i in range(10)]
    healthy = [article("masrawy", f"b{i}") for i in range(10)]
    bad_run = stage(staged_settings, "youm7", broken)
    good_run = stage(staged_settings, "masrawy", healthy)

    with pytest.raises(QualityGateFailed) as raised:
        pipeline.validate(staged_settings, bad_run)
    message = str(raised.value)
    assert message.startswith("youm7: 90% of 10 pages failed")
    assert "published_at_missing" in message and "extractor broken?" in message

    # Nothing of youm7 is dropped: 9 pages with their own reason, the passing one held with the batch.
    reasons = sorted(tuple(r) for (r,) in query(
        "SELECT reasons FROM quarantine WHERE crawl_run_id = %s", (bad_run,)))
    assert reasons == [("published_at_missing",)] * 9 + [("source_gate_failed",)]
    assert query("SELECT DISTINCT parse_status FROM raw_pages WHERE crawl_run_id = %s", (bad_run,)) == [
        ("quarantined",)]
    assert query("SELECT status, error FROM crawl_runs WHERE id = %s", (bad_run,)) == [("failed", message)]

    # A retried task reaches the same verdict instead of passing on an empty batch.
    with pytest.raises(QualityGateFailed):
        pipeline.validate(staged_settings, bad_run)
    assert pipeline.load(staged_settings, bad_run)["articles_loaded"] == 0

    assert pipeline.validate(staged_settings, good_run)["valid"] == 10
    assert pipeline.load(staged_settings, good_run)["articles_loaded"] == 10
    assert query("SELECT source_key, count(*) FROM articles GROUP BY 1") == [("masrawy", 10)]

    # The run's result is readable as GX data docs.
    site = staged_settings.data_docs_path / f"crawl_run_{bad_run}_youm7"
    (page,) = site.glob("validations/akhbar_articles/*/*/*.html")
    assert "published_at" in page.read_text(encoding="utf-8")
    assert (site / "index.html").exists()


def test_below_the_threshold_the_bad_rows_alone_are_quarantined(staged_settings, query):
    rows = [article("youm7", f"a{i}") for i in range(8)] + [
        article("youm7", "persian", body="وزارت بهداشت ایران امروز اعلام کرد که تعداد بیماران یک هزار نفر است و پزشکان نگران هستند. " * 4),
        article("youm7", "old", published_at=datetime(1985, 5, 1, tzinfo=UTC)),
    ]
    run = stage(staged_settings, "youm7", rows)
    counts = pipeline.validate(staged_settings, run)  # 20% < 30%: no error
    assert counts["valid"] == 8 and counts["invalid"] == 2 and counts["held_by_source_gate"] == 0
    assert sorted(r for (r,) in query("SELECT unnest(reasons) FROM quarantine")) == [
        "not_arabic", "published_before_1990"]
    pipeline.load(staged_settings, run)
    # Pages count on the day they were fetched, articles and quarantine on the day they were loaded/judged.
    health = query("SELECT source_key, sum(pages_fetched)::int, sum(articles_loaded)::int,"
                   " sum(pages_quarantined)::int, bool_and(last_successful_run IS NOT NULL)"
                   " FROM v_source_health GROUP BY 1")
    assert health == [("youm7", 10, 8, 2, True)]
    assert query("SELECT quarantined_by_reason FROM v_source_health WHERE pages_quarantined > 0") == [
        ({"not_arabic": 1, "published_before_1990": 1},)]


def test_too_few_pages_are_not_judged_as_a_batch(staged_settings):
    run = stage(staged_settings, "youm7", [article("youm7", f"a{i}", published_at=False) for i in range(3)])
    assert pipeline.validate(staged_settings.with_(gate_min_pages=5), run)["invalid"] == 3


def test_pages_the_extractor_gave_up_on_count_toward_the_rate(staged_settings, query):
    run = stage(staged_settings, "youm7", [article("youm7", f"a{i}") for i in range(4)])
    # six more pages of the run that the parse step quarantined: the extractor found no article in them
    for i in range(6):
        (page_id,) = query(
            "INSERT INTO raw_pages (source_key, crawl_run_id, url, url_key, body_sha256, fetched_at, last_seen_at,"
            " parse_status) VALUES ('youm7', %s, %s, %s, %s, now(), now(), 'quarantined') RETURNING id",
            (run, f"https://www.youm7.example/x{i}", f"x{i}", f"sha{i}"))[0]
        query("INSERT INTO quarantine (raw_page_id, crawl_run_id, source_key, url, stage, reasons)"
              " VALUES (%s, %s, 'youm7', 'u', 'parse', '{no_article}') RETURNING id", (page_id, run))
    with pytest.raises(QualityGateFailed, match=r"^youm7: 60% of 10 pages .* mostly no_article"):
        pipeline.validate(staged_settings, run)


def test_a_finished_run_validated_again_keeps_its_green_verdict(staged_settings, query):
    """Clearing a finished Airflow run re-runs its validate step: its earlier parse failures must not be judged
    again against an empty staging table (5 no_article pages would read as a 100% failure rate)."""
    run = stage(staged_settings, "youm7", [article("youm7", f"a{i}") for i in range(20)])
    for i in range(5):  # five pages of the run that the parse step quarantined as no_article
        (page_id,) = query(
            "INSERT INTO raw_pages (source_key, crawl_run_id, url, url_key, body_sha256, fetched_at, last_seen_at,"
            " parse_status) VALUES ('youm7', %s, %s, %s, %s, now(), now(), 'quarantined') RETURNING id",
            (run, f"https://www.youm7.example/x{i}", f"x{i}", f"sha{i}"))[0]
        query("INSERT INTO quarantine (raw_page_id, crawl_run_id, source_key, url, stage, reasons)"
              " VALUES (%s, %s, 'youm7', 'u', 'parse', '{no_article}') RETURNING id", (page_id, run))
    first = pipeline.validate(staged_settings, run)  # 5 of 25 = 20%: passes
    assert (first["valid"], first["invalid"]) == (20, 0)
    assert pipeline.load(staged_settings, run)["articles_loaded"] == 20
    again = pipeline.validate(staged_settings, run)  # nothing staged any more, no new failure
    assert again == first
    assert pipeline.load(staged_settings, run)["articles_loaded"] == 0
    assert query("SELECT status, health FROM crawl_runs WHERE id = %s", (run,)) == [("loaded", None)]
