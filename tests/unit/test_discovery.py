"""Discovery parsing and fetch classification, offline: feeds, Google News sitemaps, Retry-After, captchas."""

from __future__ import annotations

from datetime import UTC, datetime

from scrapy.http import XmlResponse

from spiders.discovery import feed_entries, parse_time, sitemap_document
from spiders.middlewares import retry_after_seconds
from spiders.spiders.news import looks_binary, looks_blocked

NEWS_SITEMAP = b"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"
        xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">
  <url><loc>https://www.hespress.com/x-1350.html</loc>
    <news:news><news:publication><news:name>Hespress</news:name><news:language>ar</news:language></news:publication>
      <news:publication_date>2026-01-08T10:15:00+01:00</news:publication_date>
      <news:title>\xd8\xb9\xd9\x86\xd9\x88\xd8\xa7\xd9\x86</news:title></news:news></url>
  <url><loc>https://www.hespress.com/y-1351.html</loc><lastmod>2026-01-07</lastmod></url>
</urlset>"""


def test_google_news_fields_are_kept():
    sitemap = sitemap_document(NEWS_SITEMAP)
    first, second = list(sitemap)
    assert sitemap.type == "urlset"
    assert first["news_publication_date"] == "2026-01-08T10:15:00+01:00"
    assert first["news_title"] == "عنوان"
    assert "news" not in first
    assert second["lastmod"] == "2026-01-07"


def test_gzipped_sitemap():
    import gzip

    assert len(list(sitemap_document(gzip.compress(NEWS_SITEMAP)))) == 2


def test_dates_of_sitemaps_and_feeds():
    assert parse_time("2026-01-07") == datetime(2026, 1, 7, tzinfo=UTC)
    assert parse_time("2026-01-08T10:15:00+01:00") == datetime(2026, 1, 8, 9, 15, tzinfo=UTC)
    assert parse_time("Thu, 08 Jan 2026 09:30:00 GMT") == datetime(2026, 1, 8, 9, 30, tzinfo=UTC)
    assert parse_time("yesterday") is None


def test_rss_and_atom_entries():
    rss = XmlResponse("https://e.com/rss", body=b"<rss><channel><item><link> https://e.com/a/1 </link></item>"
                      b"<item><guid>https://e.com/a/2</guid></item>"
                      b"<item><guid isPermaLink='false'>tag:1</guid></item></channel></rss>")
    assert feed_entries(rss) == [("https://e.com/a/1", None), ("https://e.com/a/2", None)]
    atom = XmlResponse("https://e.com/atom", body=b'<feed xmlns="http://www.w3.org/2005/Atom"><entry>'
                       b'<link rel="self" href="/self"/><link rel="alternate" href="/a/3"/>'
                       b"<updated>2026-01-08T09:30:00Z</updated></entry></feed>")
    assert feed_entries(atom) == [("https://e.com/a/3", datetime(2026, 1, 8, 9, 30, tzinfo=UTC))]


def test_retry_after_in_seconds_or_as_a_date():
    now = datetime(2026, 1, 8, 9, 30, tzinfo=UTC)
    assert retry_after_seconds(b"120") == 120.0
    assert retry_after_seconds("Thu, 08 Jan 2026 09:31:00 GMT", now) == 60.0
    assert retry_after_seconds("Thu, 08 Jan 2026 09:00:00 GMT", now) == 0.0
    assert retry_after_seconds(None) is None and retry_after_seconds("soon") is None


def test_captcha_pages_and_articles_with_a_comment_captcha():
    challenge = b"<html><head><title>Just a moment...</title></head><body>...</body></html>"
    assert looks_blocked(challenge)
    assert looks_blocked(b"<html><body><script src='/cdn-cgi/challenge-platform/x.js'></script></body></html>")
    article = b"<html><head><title>\xd8\xae\xd8\xa8\xd8\xb1</title></head><body>" + b"<p>text</p>" * 5000
    assert not looks_blocked(article + b"<div class='g-recaptcha'></div>")  # a comment form on a real page
    assert looks_blocked(b"<html><body><div class='g-recaptcha'></div></body></html>")


def test_binary_bodies():
    assert looks_binary(b"%PDF-1.4", "application/pdf")
    assert looks_binary(b"\x89PNG\r\n\x1a\n", "text/html")
    assert not looks_binary(b"<!DOCTYPE html><html></html>", "text/html; charset=utf-8")
    assert not looks_binary(b"<html></html>", None)
