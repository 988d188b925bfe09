"""Export and import (akhbar/archive.py) on a real PostgreSQL: the round trip into an empty database, the corpus
format through the quality gate, stories and load, bad input, and the CLI with its progress lines."""

import email.utils
import gzip
import json
import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2
import pytest
from staging import FETCHED, REGISTRY, SOURCES, article, stage

from akhbar import archive, cli, db, pipeline
from akhbar.config import Settings

ADMIN_URL = os.environ.get("AKHBAR_TEST_ADMIN_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
# the shared corpus beside the checkout (the test is skipped without it)
CORPUS = Path(__file__).resolve().parents[3] / "shared" / "corpus" / "ant-v2.1-multisource.jsonl.gz"
FILLER = " وتتابع الجهات المختصة تطورات الموقف أولا بأول وتصدر بيانات دورية للرأي العام حول ما يستجد من أحداث."
# The stored articles' own second paragraphs: unrelated articles do not share their text (a filler repeated in
# each would make them near copies of one another, and their stories a coin toss on a five-article corpus).
RICH_MORE = (" وأوضح أن تكلفة المشروع تبلغ عشرات المليارات وأن القطار يربط العاصمة الإدارية بمدن الساحل الشمالي"
             " مرورا بعدد من المحطات الجديدة، وأن الشركة المنفذة بدأت اختبار العربات على المسار التجريبي.")
OLD_MORE = (" ويضم المستشفى مئة وخمسين سريرا وقسما للطوارئ ووحدة لغسيل الكلى، وقالت مديرية الصحة إنه يخدم سكان"
            " القرى المجاورة الذين كانوا يقطعون مسافات طويلة للوصول إلى أقرب مستشفى عام.")
OTHER_MORE = (" وناقشت الجلسة الأولى خطط جذب الاستثمار الأجنبي وخفض عجز الموازنة، وتحدث فيها ممثلو البنوك والغرف"
              " التجارية عن فرص التصدير وتسهيل إجراءات تأسيس الشركات الصغيرة والمتوسطة.")
# Every column the export carries, with values that a lossy format would change: lists, images with and without
# a caption, a modification time, a dateline and an agency, text with a tab, quotes and line breaks.
RICH = {
    "title": "وزير النقل: \"القطار السريع\" يبدأ العمل\tالعام المقبل",
    "body": "القاهرة (أ ش أ) - أعلن وزير النقل أن القطار السريع يبدأ العمل العام المقبل.\n\nوقال الوزير إن «المرحلة الأولى» تكتمل قريبا." + RICH_MORE,
    "authors": ["أحمد علي", "سارة محمود"], "section": "اقتصاد", "tags": ["النقل", "القطارات"],
    "images": [{"url": "https://www.youm7.example/img/1.jpg", "caption": "القطار"},
            {"url": "https://www.youm7.example/img/2.jpg", "caption": None}],
    "agency": "أ ش أ", "dateline": "القاهرة", "published_raw": "2026-01-08T08:00:00+02:00",
    "modified_at": "2026-01-08T09:30:00+02:00", "modified_raw": "2026-01-08T09:30:00+02:00",
}
# What "the same rows" means: every column the article had, except its database ids and load times.
ROW_SQL = """
SELECT url_key, url, canonical_url, source_key, title, body, authors, section, tags, language, images,
       published_at, published_raw, modified_at, modified_raw, extractor, extractor_version, fetched_at,
       title_norm, body_norm, agency, dateline, content_hash, search_vector::text
FROM articles ORDER BY url_key"""
STORIES_SQL = """
SELECT array_agg(a.url_key ORDER BY a.url_key) FROM articles a LEFT JOIN article_stories m ON m.article_id = a.id
GROUP BY m.story_id ORDER BY 1"""


def rows(url, sql=ROW_SQL):
    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute(sql)
            return cur.fetchall()
    finally:
        conn.close()


def load(settings, source, articles):
    """Stage and load as the pipeline does, with URL keys made by transforms.url_key as the parse step makes
    them (staging.stage keys by the URL as it is)."""
    from transforms import url_key

    run = stage(settings, source, articles)
    conn = psycopg2.connect(settings.database_url)
    with conn, conn.cursor() as cur:
        for art in articles:
            cur.execute("UPDATE extracted_pages SET url_key = %s WHERE crawl_run_id = %s AND url_key = %s",
                        (url_key(art["canonical_url"]), run, art["canonical_url"]))
    conn.close()
    pipeline.validate(settings, run)
    return pipeline.load(settings, run)


@pytest.fixture
def stored(staged_settings):
    """Articles of three sources over three days; two copies of one wire story (a story of two)."""
    day = timedelta(days=1)
    wire = "أعلنت وزارة الصحة اليوم تسجيل حالات جديدة في عدد من المحافظات وفقا للبيان الرسمي الصادر صباح اليوم. " * 5
    load(staged_settings, "youm7", [
        article("youm7", "rich", **RICH),
        article("youm7", "old", body="خبر قديم عن افتتاح مستشفى جديد في الجيزة." + OLD_MORE,
                fetched_at=FETCHED - 2 * day),
        article("youm7", "wire", title="حالات جديدة", body=wire, agency="رويترز"),
    ])
    load(staged_settings, "masrawy", [
        article("masrawy", "wire", title="وزارة الصحة: حالات جديدة", body=wire, agency="رويترز"),
        article("masrawy", "other", body="انطلقت أعمال المؤتمر الاقتصادي بحضور عدد من الوزراء." + OTHER_MORE,
                fetched_at=FETCHED - day),
    ])
    return staged_settings


@pytest.fixture
def empty_settings(tmp_path):
    """Settings on a second, empty, migrated database (the same test registry)."""
    registry = tmp_path / "empty-sources.toml"
    registry.write_text("".join(REGISTRY.format(key=k) for k in SOURCES), encoding="utf-8")
    with db.scratch_database(ADMIN_URL, "akhbar_test_import") as url:
        yield Settings(database_url=url, data_dir=tmp_path, sources_file=registry)


@pytest.mark.parametrize("name", ["articles.jsonl", "articles.jsonl.gz", "articles.csv", "articles.parquet"])
def test_export_then_import_into_an_empty_database_gives_the_same_rows(stored, empty_settings, tmp_path, name):
    before = rows(stored.database_url)
    assert len(before) == 5
    path = tmp_path / name
    assert archive.export(stored, archive.format_of(path), path) == 5
    for source in ("youm7", "masrawy"):  # one import per source, as the CLI takes them
        result = archive.import_file(empty_settings, path, source, match_source=source)
        assert result.counts["articles_loaded"] == {"youm7": 3, "masrawy": 2}[source]
        assert result.skipped_other_source == {"youm7": 2, "masrawy": 3}[source]
    assert rows(empty_settings.database_url) == before
    # the stories are clustered again on import, and come out the same: the wire copies together
    assert rows(empty_settings.database_url, STORIES_SQL) == rows(stored.database_url, STORIES_SQL)
    assert ["masrawy.example/news/wire", "youm7.example/news/wire"] in [
        [k.split("www.")[-1] for k in keys] for (keys,) in rows(stored.database_url, STORIES_SQL)]
    # importing the same file again changes nothing
    archive.import_file(empty_settings, path, "youm7", match_source="youm7")
    assert rows(empty_settings.database_url) == before


def test_export_filters_by_source_and_utc_days(stored, tmp_path):
    path = tmp_path / "x.jsonl"
    assert archive.export(stored, "jsonl", path, source="masrawy") == 2
    records = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert {r["source"] for r in records} == {"masrawy"}
    # published two hours before the fetch: the "old" article on 2026-01-06, "other" on -07, the rest on -08
    day = FETCHED.date()
    assert archive.export(stored, "jsonl", path, date_from=day) == 3
    assert archive.export(stored, "jsonl", path, date_to=day - timedelta(days=1)) == 2
    assert archive.export(stored, "jsonl", path, source="youm7", date_from=day - timedelta(days=2),
                          date_to=day - timedelta(days=2)) == 1
    (record,) = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]
    assert record["canonical_url"] == "https://www.youm7.example/news/old"
    assert list(record) == list(archive.EXPORT_COLUMNS)


def test_the_export_record_is_the_article(stored, tmp_path):
    path = tmp_path / "x.jsonl"
    archive.export(stored, "jsonl", path, source="youm7", date_from=FETCHED.date())
    record = next(r for r in map(json.loads, path.read_text(encoding="utf-8").splitlines())
                  if r["url"].endswith("/rich"))
    for key, value in RICH.items():
        if key == "modified_at":
            assert datetime.fromisoformat(record[key]) == datetime.fromisoformat(value)
        else:
            assert record[key] == value, key
    assert datetime.fromisoformat(record["fetched_at"]) == FETCHED
    assert datetime.fromisoformat(record["published_at"]) == FETCHED - timedelta(hours=2)


CORPUS_REGISTRY = """
[[source]]
key = "alarabiya"
name = "Al Arabiya"
country = "AE"
time_zone = "Asia/Dubai"
home_url = "https://www.alarabiya.net/"
allowed_domains = ["alarabiya.net"]
feeds = ["https://www.alarabiya.net/feed.xml"]
"""


def corpus_sample(n_per_source: int = 15) -> list[dict]:
    if not CORPUS.exists():
        pytest.skip("the shared corpus is not here")
    taken: dict[str, list[dict]] = {}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            bucket = taken.setdefault(record["source"], [])
            if len(bucket) < n_per_source:
                bucket.append(record)
            if len(taken) >= 3 and all(len(b) >= n_per_source for b in taken.values()):
                break
    return [r for bucket in taken.values() for r in bucket]


def test_the_corpus_format_is_backfilled_through_gate_stories_and_load(clean_db, tmp_path, query):
    records = corpus_sample()
    path = tmp_path / "backfill.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        fh.writelines(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    registry = tmp_path / "sources.toml"
    registry.write_text(CORPUS_REGISTRY, encoding="utf-8")
    settings = Settings(database_url=clean_db, data_dir=tmp_path, sources_file=registry)
    ours = [r for r in records if r["source"] == "alarabia"]
    imported_at = datetime(2026, 11, 30, 1, 0, tzinfo=UTC)

    result = archive.import_file(settings, path, "alarabiya", match_source="alarabia", now=imported_at)

    assert result.records == len(records) and result.skipped_other_source == len(records) - len(ours)
    # every record of the source ends in exactly one state: an article or a quarantined page
    loaded = dict(query("SELECT url, title FROM articles"))
    quarantined = dict(query("SELECT url, reasons FROM quarantine"))
    assert len(loaded) + len(quarantined) == len(ours) == result.counts["validated"]
    assert loaded, "nothing loaded"
    for record in ours:
        if record["url"] in loaded:
            assert loaded[record["url"]] == record["title"].strip()
    for (url, published_at, published_raw, body, fetched_at, extractor, source_key) in query(
            "SELECT url, published_at, published_raw, body, fetched_at, extractor, source_key FROM articles"):
        record = next(r for r in ours if r["url"] == url)
        assert published_at == email.utils.parsedate_to_datetime(record["time"])  # read independently
        assert published_raw == record["time"]
        assert body.split("\n\n") == [" ".join(p.split()) for p in record["text"].split("\n") if p.strip()]
        assert fetched_at == imported_at and extractor == "corpus_import" and source_key == "alarabiya"
    # the raw page of an import holds no HTML, so nothing will try to re-parse it
    assert query("SELECT count(*), count(body), min(content_type) FROM raw_pages") == [
        (len(ours), 0, "application/x-akhbar-import")]
    assert query("SELECT status FROM crawl_runs") == [("loaded",)]
    # stories were assigned by the load, as for crawled pages
    assert query("SELECT count(*) FROM articles a WHERE NOT EXISTS"
                 " (SELECT FROM article_stories m WHERE m.article_id = a.id)") == [(0,)]
    # searchable right away
    word = next(iter(loaded.values())).split()[0]
    assert query("SELECT count(*) > 0 FROM search_articles(%s, 5)", (word,)) == [(True,)]
    # a day later, the same file again: the same raw pages, the same articles (fetched_at stays the first import's)
    before = rows(clean_db)
    again = archive.import_file(settings, path, "alarabiya", match_source="alarabia",
                                now=imported_at + timedelta(days=1))
    assert again.counts["validated"] == len(ours)
    assert rows(clean_db) == before
    assert query("SELECT count(*) FROM raw_pages") == [(len(ours),)]


def test_a_bad_file_is_refused_before_anything_is_written(staged_settings, tmp_path, query):
    good = json.dumps(article("youm7", "a"), ensure_ascii=False)
    path = tmp_path / "bad.jsonl"
    path.write_text(good + "\n{not json\n", encoding="utf-8")
    with pytest.raises(archive.ImportFormatError, match=r"bad.jsonl: line 2 is not JSON"):
        archive.import_file(staged_settings, path, "youm7")
    path.write_text(good + "\n" + json.dumps({"headline": "x"}) + "\n", encoding="utf-8")
    with pytest.raises(archive.ImportFormatError, match=r"record 2: neither akhbar's export format"):
        archive.import_file(staged_settings, path, "youm7")
    (tmp_path / "x.xml").write_text(good, encoding="utf-8")
    with pytest.raises(archive.ImportFormatError, match="unknown file type"):
        archive.import_file(staged_settings, tmp_path / "x.xml", "youm7")
    assert query("SELECT (SELECT count(*) FROM crawl_runs), (SELECT count(*) FROM raw_pages)") == [(0, 0)]


def test_records_that_fail_the_gate_are_quarantined_with_reasons(staged_settings, tmp_path, query):
    arts = [article("youm7", f"ok{i}", body=f"خبر رقم {i} عن افتتاح مشروع جديد." + FILLER * 3) for i in range(9)]
    arts.append(article("youm7", "short", body="قصير"))
    path = tmp_path / "mixed.jsonl"
    path.write_text("".join(json.dumps(a, ensure_ascii=False) + "\n" for a in arts), encoding="utf-8")
    result = archive.import_file(staged_settings, path, "youm7")
    assert result.counts["articles_loaded"] == 9 and result.counts["invalid"] == 1
    assert query("SELECT url, reasons FROM quarantine") == [
        ("https://www.youm7.example/news/short", ["body_too_short"])]


def test_cli_export_and_import_with_plain_progress_lines(stored, empty_settings, tmp_path, monkeypatch, capsys):
    path = tmp_path / "all.jsonl.gz"
    monkeypatch.setenv("AKHBAR_DATABASE_URL", stored.database_url)
    assert cli.main(["export", "-o", str(path), "--source", "youm7"]) == 0
    assert "3 article(s) written" in capsys.readouterr().err
    monkeypatch.setenv("AKHBAR_DATABASE_URL", empty_settings.database_url)
    monkeypatch.setenv("AKHBAR_SOURCES_FILE", str(empty_settings.sources_file))
    assert cli.main(["import", str(path), "--source", "youm7"]) == 0
    captured = capsys.readouterr()
    assert "articles loaded      3 (3 new)" in captured.out
    # off a terminal the progress is plain lines on stdout (stderr is left to problems)
    assert "import all.jsonl.gz -> youm7: 3/3" in captured.out and "done" in captured.out
    assert "\x1b[" not in captured.out and "━" not in captured.out and captured.err == ""
    assert cli.main(["import", str(tmp_path / "missing.jsonl"), "--source", "youm7"]) == 2
    assert cli.main(["export", "--format", "parquet"]) == 2
    assert "Parquet needs an output file" in capsys.readouterr().err
    # JSON lines on stdout by default
    assert cli.main(["export", "--source", "youm7"]) == 0
    out = capsys.readouterr().out.splitlines()
    assert len(out) == 3 and {json.loads(line)["source"] for line in out} == {"youm7"}
