"""url_key: one key per article, whatever form its URL arrives in."""

from __future__ import annotations

from urllib.parse import quote

from transforms import url_key

SLUG = "/story/2024/5/20/وزارة-العمل-تفاصيل/6574622"


def test_www_and_scheme_fold() -> None:
    assert url_key("https://www.youm7.com" + SLUG) == url_key("http://youm7.com" + SLUG)
    assert url_key("https://WWW.Youm7.com" + SLUG) == url_key("https://youm7.com" + SLUG)


def test_tracking_parameters_are_dropped() -> None:
    base = "https://www.lbcgroup.tv/news/lifestyle/898682/x/ar"
    assert url_key(base + "?utm_source=article-898682&utm_medium=Whatsapp") == url_key(base)
    assert url_key(base + "?fbclid=abc") == url_key(base)
    assert url_key(base + "?id=3&utm_campaign=x") == url_key(base + "?id=3")


def test_fragment_and_trailing_slash() -> None:
    assert url_key("https://example.com/a/b/#comments") == url_key("https://example.com/a/b")


def test_encoded_and_raw_arabic_slug_are_equal() -> None:
    encoded = "https://www.youm7.com" + quote(SLUG)
    assert "%D9" in encoded
    assert url_key(encoded) == url_key("https://www.youm7.com" + SLUG)


def test_query_order_does_not_matter_but_values_do() -> None:
    assert url_key("https://e.com/a?b=2&a=1") == url_key("https://e.com/a?a=1&b=2")
    assert url_key("https://e.com/a?id=1") != url_key("https://e.com/a?id=2")
