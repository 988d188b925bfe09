"""Migration 0025 (article-shaped staging rows): pages staged as JSON before it keep every field, and it rolls
back to the JSON form and applies again."""

import json

from migrations import ADMIN_URL, roll_back
from migrations import run as _run

from akhbar import db

MIGRATION = "0025_typed_staging"
ARTICLE = {
    "url": "https://www.youm7.example/news/1?utm=x", "canonical_url": "https://www.youm7.example/news/1",
    "title": "وزير الصحة يفتتح مستشفى", "body": "افتتح وزير الصحة اليوم مستشفى جديدا.\n\nوقال إنه يخدم الحي.",
    "published_at": "2026-01-08T10:00:00+02:00", "published_raw": "8 يناير 2026", "modified_at": None,
    "modified_raw": None, "authors": ['محمد "أبو" علي'], "section": "محافظات", "tags": ["صحة"], "language": "ar",
    "images": [{"url": "https://www.youm7.example/1.jpg", "caption": None}], "agency": "", "dateline": "القاهرة",
    "title_norm": "وزير الصحه يفتتح مستشفي", "body_norm": "افتتح وزير الصحه اليوم مستشفي جديدا. وقال انه يخدم الحي.",
    "extractor": "youm7", "extractor_version": "7.1", "source": "youm7",
}
COLUMNS = ("url, canonical_url, title, body, authors, section, tags, language, images, published_at::text, "
           "published_raw, modified_at, modified_raw, agency, dateline, title_norm, body_norm, extractor, "
           "extractor_version, content_hash = md5(body_norm)")


def test_0025_keeps_what_was_staged_as_json_and_rolls_back():
    with db.scratch_database(ADMIN_URL, "akhbar_test_0025") as url:
        roll_back(url, MIGRATION)
        _run(url, "SET TIME ZONE 'UTC'")
        _run(url, "INSERT INTO sources (key, name, home_url) VALUES ('youm7', 'youm7', 'https://youm7.example/')")
        (run,), = _run(url, "INSERT INTO crawl_runs (source_key) VALUES ('youm7') RETURNING id")
        (page,), = _run(url, "INSERT INTO raw_pages (source_key, crawl_run_id, url, url_key, body_sha256, fetched_at,"
                             " last_seen_at) VALUES ('youm7', %s, 'u', 'k', 'h', now(), now()) RETURNING id", (run,))
        _run(url, "INSERT INTO extracted_pages (raw_page_id, crawl_run_id, source_key, url_key, article)"
                  " VALUES (%s, %s, 'youm7', 'k', %s)", (page, run, json.dumps(ARTICLE, ensure_ascii=False)))

        assert db.migrate(url) == [MIGRATION]
        a = ARTICLE
        (row,) = _run(url, f"SET TIME ZONE 'UTC'; SELECT {COLUMNS} FROM extracted_pages")
        assert row == (a["url"], a["canonical_url"], a["title"], a["body"], a["authors"], a["section"], a["tags"],
                       "ar", a["images"], "2026-01-08 08:00:00+00", a["published_raw"], None, None,
                       None,  # an empty agency is no agency
                       "القاهرة", a["title_norm"], a["body_norm"], "youm7", "7.1", True)

        roll_back(url, MIGRATION)
        (staged,), = _run(url, "SELECT article FROM extracted_pages")
        assert {k: v for k, v in staged.items() if k not in ("published_at", "agency")} == {
            k: v for k, v in ARTICLE.items() if k not in ("published_at", "agency")}
        assert staged["agency"] is None
        assert db.migrate(url) == [MIGRATION]
        assert _run(url, "SELECT title, body_norm FROM extracted_pages") == [(a["title"], a["body_norm"])]
