"""decode_html: gzip, declared charsets, and detection of undeclared Arabic code pages."""

from __future__ import annotations

import gzip

import pytest

from transforms import decode_html

from .fixtures import FIXTURES

ENCODINGS = FIXTURES / "encodings"
# A phrase from both chardet samples (the same news text in two code pages).
PHRASE = "كتائب الشهيد عز الدين القسام"


@pytest.mark.parametrize("name", [
    "_chromium_windows-1256_with_no_encoding_specified.html",
    "_chromium_ISO-8859-6_with_no_encoding_specified.html",
])
def test_undeclared_arabic_code_pages_are_detected(name: str) -> None:
    text = decode_html((ENCODINGS / name).read_bytes())
    assert PHRASE in text
    assert "\ufffd" not in text


def test_both_code_pages_give_the_same_text() -> None:
    a = decode_html((ENCODINGS / "_chromium_windows-1256_with_no_encoding_specified.html").read_bytes())
    b = decode_html((ENCODINGS / "_chromium_ISO-8859-6_with_no_encoding_specified.html").read_bytes())
    body = lambda t: t.split("<body", 1)[1]
    assert body(a) == body(b)


def test_gzip_is_decompressed_first() -> None:
    data = (FIXTURES / "pages" / "lbcgroup.tv__2026_01_08.html.gz").read_bytes()
    assert data[:2] == b"\x1f\x8b"
    assert "لغز لون شعر دونالد ترامب" in decode_html(data)


def test_http_charset_wins_over_detection() -> None:
    raw = "<html><body><p>مرحبا بالعالم</p></body></html>".encode("cp1256")
    assert "مرحبا بالعالم" in decode_html(raw, "text/html; charset=windows-1256")
    assert "مرحبا بالعالم" in decode_html(gzip.compress(raw), "text/html; charset=windows-1256")


def test_meta_charset_and_http_equiv() -> None:
    text = "مرحبا بالعالم"
    with_meta = f'<html><head><meta charset="windows-1256"></head><body>{text}</body></html>'.encode("cp1256")
    http_equiv = (f'<html><head><meta http-equiv="Content-Type" content="text/html; charset=iso-8859-6">'
                  f"</head><body>{text}</body></html>").encode("iso-8859-6")
    assert text in decode_html(with_meta)
    assert text in decode_html(http_equiv)


def test_utf8_and_bom() -> None:
    text = "<p>خبر عاجل</p>"
    assert decode_html(text.encode("utf-8")) == text
    assert decode_html(b"\xef\xbb\xbf" + text.encode("utf-8")) == text


def test_unknown_declared_charset_falls_back_to_detection() -> None:
    raw = "<html><body><p>خبر عاجل</p></body></html>".encode()
    assert "خبر عاجل" in decode_html(raw, "text/html; charset=no-such-charset")
