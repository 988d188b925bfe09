"""Pages that cannot become an article raise an ExtractionError with a stable code."""

from __future__ import annotations

import gzip
import json

import pytest

from transforms import EmptyPage, ExtractionError, NoArticle, NotHtml, extract

URL = "https://example.com/news/1"


@pytest.mark.parametrize("payload", [
    b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
    b"\xff\xd8\xff\xe0\x00\x10JFIF",
    b"PK\x03\x04\x14\x00\x00\x00",
    json.dumps({"title": "خبر", "body": "نص"}).encode(),
    "[1, 2, 3]",
    b"\x00\x01\x02\x03binary\x00\x00",
    "just some plain text, no markup at all",
    gzip.compress(b"%PDF-1.4 compressed pdf"),
])
def test_not_html(payload) -> None:
    with pytest.raises(NotHtml) as info:
        extract(payload, URL)
    assert info.value.code == "not_html"


@pytest.mark.parametrize("payload", [b"", "", "   \n\t ", b"\r\n  ", gzip.compress(b"  ")])
def test_empty_page(payload) -> None:
    with pytest.raises(EmptyPage) as info:
        extract(payload, URL)
    assert info.value.code == "empty_page"


@pytest.mark.parametrize("payload", [
    "<html><head></head><body></body></html>",
    "<!DOCTYPE html><html><head><script>var a = 1;</script></head><body><div> </div></body></html>",
    b"<html><body><nav><a href='/'>\xd8\xa7\xd9\x84\xd8\xb1\xd8\xa6\xd9\x8a\xd8\xb3\xd9\x8a\xd8\xa9</a></nav></body></html>",
])
def test_no_article(payload) -> None:
    with pytest.raises(NoArticle) as info:
        extract(payload, URL)
    assert info.value.code == "no_article"


def test_errors_share_a_base() -> None:
    for cls in (NotHtml, EmptyPage, NoArticle):
        assert issubclass(cls, ExtractionError)


def test_minimal_article_is_accepted() -> None:
    html = ("<html lang='en'><head><title>وزير الخارجية يلتقي نظيره - موقع</title></head><body>"
            "<h1>وزير الخارجية يلتقي نظيره</h1><p>التقى وزير الخارجية اليوم نظيره في العاصمة لبحث العلاقات"
            " الثنائية.</p><p>وأكد الجانبان أهمية التعاون.</p></body></html>")
    article = extract(html, URL)
    assert article.title == "وزير الخارجية يلتقي نظيره"
    assert article.language == "ar"
    assert article.body.startswith("التقى وزير الخارجية")
