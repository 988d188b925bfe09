"""Bytes to text, once: gzip, then the declared charset, then detection.

Order: a byte-order mark; the HTTP ``Content-Type`` charset; ``<meta charset>`` or ``http-equiv`` in the first
4 KiB; strict UTF-8; bs4's ``UnicodeDammit``. Undeclared Arabic pages are usually windows-1256 or ISO-8859-6,
which detection confuses with each other and with Latin encodings, so when the result does not read as Arabic the
two Arabic code pages are tried and the one that yields most Arabic letters wins.
"""

from __future__ import annotations

import codecs
import re
import zlib

from bs4 import UnicodeDammit

from .errors import EmptyPage, NotHtml, PageTooLarge

_GZIP_MAGIC = b"\x1f\x8b"
_SNIFF_BYTES = 4096
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_HTTP_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([a-zA-Z0-9_.:-]+)""", re.IGNORECASE)
_ARABIC_LETTER = re.compile(r"[\u0621-\u064A]")
_FOREIGN_LETTER = re.compile(r"[\u00C0-\u024F\u0400-\u04FF]")  # Latin accents, Cyrillic: wrong code page
_ARABIC_CODEPAGES = ("windows-1256", "iso-8859-6")
_BINARY_MAGIC = (
    (b"%PDF", "PDF"),
    (b"\x89PNG", "PNG image"),
    (b"GIF8", "GIF image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"PK\x03\x04", "ZIP archive"),
    (b"RIFF", "RIFF media"),
    (b"\x00\x00\x00", "binary"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"{\\rtf", "RTF"),
)


MAX_INFLATED_BYTES = 64_000_000  # a compressed body that inflates past this is a bomb, not a page


def gunzip(data: bytes) -> bytes:
    """Decompress gzip bytes (magic 1f 8b); other bytes come back unchanged."""
    if data[:2] != _GZIP_MAGIC:
        return data
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    try:
        out = inflater.decompress(data, MAX_INFLATED_BYTES)
    except zlib.error as exc:
        raise NotHtml(f"corrupt gzip: {exc}") from exc
    if inflater.unconsumed_tail:
        raise PageTooLarge(f"the gzip body inflates past {MAX_INFLATED_BYTES:,} bytes")
    if not inflater.eof:
        raise NotHtml("corrupt gzip: truncated stream")
    return out


def sniff_binary(data: bytes) -> str | None:
    """The kind of a non-text payload from its first bytes, or None when it may be text."""
    head = data[:16]
    for magic, kind in _BINARY_MAGIC:
        if head.startswith(magic):
            return kind
    if b"\x00" in data[:1024] and not data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "binary"
    return None


def _codec(name: str | bytes | None) -> str | None:
    if not name:
        return None
    if isinstance(name, bytes):
        name = name.decode("ascii", "ignore")
    try:
        info = codecs.lookup(name.strip().lower())
    except LookupError:
        return None
    if not getattr(info, "_is_text_encoding", True):
        return None  # "uu", "base64", "zlib" …: byte-to-byte codecs, not a character set (found by the fuzz test)
    codec = info.name
    # Browsers treat these labels as their supersets (WHATWG encoding spec).
    return {"iso8859-1": "cp1252", "ascii": "cp1252", "iso8859-9": "cp1254", "tis-620": "cp874"}.get(codec, codec)


def _arabic_score(text: str) -> int:
    return len(_ARABIC_LETTER.findall(text)) - 3 * len(_FOREIGN_LETTER.findall(text)) - 5 * text.count("\ufffd")


def _best_arabic(data: bytes, first_guess: str) -> str:
    best, best_score = first_guess, _arabic_score(first_guess)
    for codec in _ARABIC_CODEPAGES:
        candidate = data.decode(codec, errors="replace")
        score = _arabic_score(candidate)
        if score > best_score:
            best, best_score = candidate, score
    return best


def decode_html(data: bytes, content_type: str | None = None) -> str:
    """Decode a fetched page to text (see the module docstring for the order)."""
    data = gunzip(data)
    for bom, codec in ((codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
                       (codecs.BOM_UTF16_BE, "utf-16-be")):
        if data.startswith(bom):
            return data[len(bom):].decode(codec, errors="replace")
    declared = None
    if content_type:
        match = _HTTP_CHARSET.search(content_type)
        declared = _codec(match.group(1)) if match else None
    if declared is None:
        match = _META_CHARSET.search(data[:_SNIFF_BYTES])
        declared = _codec(match.group(1)) if match else None
    if declared and declared not in ("utf-16", "utf-16-le", "utf-16-be"):  # a meta tag cannot be UTF-16
        return data.decode(declared, errors="replace")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    dammit = UnicodeDammit(data, is_html=True)
    text = dammit.unicode_markup if dammit.unicode_markup is not None else data.decode("cp1252", "replace")
    if _arabic_score(text) <= 0 or dammit.original_encoding not in _ARABIC_CODEPAGES:
        text = _best_arabic(data, text)
    return text


def to_text(html: bytes | str) -> str:
    """Bytes or text to text, raising :class:`NotHtml` for binary payloads and :class:`EmptyPage` for nothing."""
    if isinstance(html, (bytes, bytearray, memoryview)):
        data = gunzip(bytes(html))
        if not data.strip():
            raise EmptyPage("empty response body")
        kind = sniff_binary(data)
        if kind:
            raise NotHtml(f"payload is {kind}")
        return decode_html(data)
    if not isinstance(html, str):
        raise TypeError(f"html must be bytes or str, not {type(html).__name__}")
    return html
