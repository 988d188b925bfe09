"""Small helpers over the parsed tree that the field modules share: boilerplate boxes, text length, inline text,
the page chrome, JSON-LD values, host and name matching. Pure functions of an element or a string."""

from __future__ import annotations

import html as html_lib
from functools import lru_cache

from lxml import etree

from .dates import (
    clock_times,
)
from .page import NON_CONTENT_TAGS, text_of
from .selectors import (
    BOILERPLATE_PARTS,
    BOILERPLATE_TOKENS,
    BR,
    CELL_TAGS,
    CHROME_CLASS,
    FOLLOW_LINE,
    GENERIC_SITE_WORDS,
    INLINE_TAGS,
    NAME_WORD,
    PLATFORM,
    SECOND_LEVEL,
    SKIP_LINE,
    TOKEN_SPLIT,
)


def class_tokens(el) -> list[str]:
    return TOKEN_SPLIT.split(f"{el.get('class') or ''} {el.get('id') or ''}".lower().strip())


def is_boilerplate(el) -> bool:
    """True for a box that is not article text: related links, sharing, comments, captions, ads."""
    tag = el.tag
    if not isinstance(tag, str) or tag in ("article", "main", "body"):
        return False  # a whole article is never boilerplate, whatever its classes say ("author-x", "node-promoted")
    if tag in ("figure", "figcaption", "aside", "nav", "footer", "header", "ins"):
        return True
    cls, ident = el.get("class"), el.get("id")
    if not cls and not ident:
        return False
    return boilerplate_attrs(f"{cls or ''} {ident or ''}")


@lru_cache(maxsize=4096)
def boilerplate_attrs(attrs: str) -> bool:
    attrs = attrs.lower().strip()
    if any(tok in BOILERPLATE_TOKENS for tok in TOKEN_SPLIT.split(attrs)):
        return True
    return any(part in attrs for part in BOILERPLATE_PARTS)


def as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def ld_text(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    return html_lib.unescape(value).strip() or None


def skip_line(line: str) -> bool:
    words = len(line.split())
    if SKIP_LINE.match(line):
        return words <= 30
    return bool(FOLLOW_LINE.match(line)) and words <= 15 and bool(PLATFORM.search(line))


def in_page_chrome(el) -> bool:
    """True inside the page's header, navigation or top bar (where sites print today's date)."""
    for node in [el, *el.iterancestors()]:
        if node.tag in ("header", "nav"):
            return True
        if CHROME_CLASS.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
    return False


def link_heavy(el, length: int | None = None) -> bool:
    """True when most of ``el``'s text is link text (a related-links box, a menu)."""
    length = text_len(el) if length is None else length
    if not length:
        return True
    return sum(text_len(a) for a in el.iter("a")) >= 0.6 * length


def paragraph_like(el) -> bool:
    """A <div>-like element holding one paragraph: text and inline markup only, no image, not mostly links."""
    if not isinstance(el.tag, str) or el.tag in NON_CONTENT_TAGS:
        return False
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in INLINE_TAGS and tag != "br" and tag not in NON_CONTENT_TAGS:
            return False
        if tag == "img":
            return False
    length = text_len(el)
    return length > 0 and not link_heavy(el, length)


def list_lines(el) -> list[str]:
    """The lines of a list or table inside the body: one per item or row (cells joined by " | ")."""
    lines: list[str] = []
    if el.tag == "table":
        for row in el.iter("tr"):
            cells = [text_of(c) for c in row if isinstance(c.tag, str) and c.tag in CELL_TAGS]
            line = " | ".join(c for c in cells if c)
            if line:
                lines.append(line)
        return lines
    for item in el.iter("li", "dt", "dd"):
        text = text_of(item)
        if text:
            lines.append(text)
    return lines


def registrable(host: str) -> str:
    """The registrable part of a host name, near enough for a same-site check: the last two labels, three under a
    country's second-level domains (``ahram.org.eg``, ``bbc.co.uk``)."""
    labels = host.lower().strip(".").removeprefix("www.").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


@lru_cache(maxsize=4096)
def core_words_cached(folded: str) -> tuple[str, ...]:
    return tuple(w for w in NAME_WORD.findall(folded.lower()) if w not in GENERIC_SITE_WORDS)


def core_words(folded: str) -> tuple[str, ...]:
    return core_words_cached(folded)


def contains_run(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


def shows_clock(clocks: set[tuple[int, int]], text: str) -> bool:
    """True when ``text`` shows one of ``clocks`` (hh, mm), on a 24- or a 12-hour dial."""
    dial = {(h % 12, m) for h, m in clocks}
    return any((h % 12, m) in dial for h, m in clock_times(text))


@lru_cache(maxsize=256)
def site_xpath(expression: str) -> etree.XPath:
    return etree.XPath(expression)


def text_len(el) -> int:
    """Length of an element's rendered text (whitespace collapsed): a cheap measure for scoring containers."""
    return len(" ".join("".join(el.itertext()).split()))


def inline_parts(el, parts: list[str]) -> None:
    if not isinstance(el.tag, str) or el.tag in NON_CONTENT_TAGS:
        return
    if el.tag == "br":
        parts.append(BR)
        return
    if el is not None and el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child.tag not in NON_CONTENT_TAGS and not (
                child.tag not in INLINE_TAGS and child.tag != "br" and is_boilerplate(child)):
            inline_parts(child, parts)
        if child.tail:
            parts.append(child.tail)
