"""The article a JavaScript-rendered page carries as embedded state, when its server HTML has little text.

Next.js (``<script id="__NEXT_DATA__" type="application/json">``), Nuxt and Redux-style apps
(``window.__INITIAL_STATE__ = {…}``, ``__PRELOADED_STATE__``, ``__NUXT__``, ``__APOLLO_STATE__``) ship the data the
page renders from. The article in it is the object whose title, headline or name is the page's title and which has
a body: an HTML string, plain text, or a list of typed blocks (paragraph blocks are text; ads, embeds, images and
related links are not). Its date and authors come from the same object.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field

from lxml import etree

from .normalize import clean_inline, fold_for_compare

_ASSIGN = re.compile(r"^\s*(?:window\.|self\.|var\s+|let\s+|const\s+)?"
                     r"(__INITIAL_STATE__|__PRELOADED_STATE__|__NUXT__|__APOLLO_STATE__|__DATA__|__STATE__|"
                     r"__INITIAL_DATA__|__APP_STATE__)\s*=\s*", re.DOTALL)
_TITLE_KEYS = ("title", "headline", "name", "heading")
_BODY_KEYS = ("body", "articleBody", "content", "contents", "text", "html", "bodyHtml", "body_html", "blocks",
              "paragraphs", "content_elements", "elements")
_DATE_KEYS = ("datePublished", "publishedAt", "published_at", "publishDate", "publish_date", "publishedDate",
              "firstPublished", "first_publish_date", "createdAt", "created_at", "date", "pubDate")
_AUTHOR_KEYS = ("authors", "author", "byline", "writers", "writer", "credits")
_NAME_KEYS = ("name", "fullName", "full_name", "displayName", "display_name", "title", "byline")
_TEXT_BLOCK_KEYS = ("text", "html", "content", "value", "body")
_SKIP_BLOCK_TYPES = frozenset(("ad", "ads", "advert", "advertisement", "embed", "image", "img", "photo", "video",
                               "related", "relatedlinks", "related_links", "readalso", "read_also", "gallery",
                               "tweet", "instagram", "iframe", "social", "newsletter", "promo"))
_MAX_NODES = 20000
_MAX_SCRIPT = 5_000_000
_BLOCK_TAGS = frozenset(("p", "h2", "h3", "h4", "h5", "h6", "blockquote", "li", "div"))


@dataclass
class StateArticle:
    paragraphs: list[str] = field(default_factory=list)
    published: str | None = None
    authors: list[str] = field(default_factory=list)


def states(tree) -> list:
    """The JSON objects embedded as page state."""
    out = []
    for script in tree.iter("script"):
        text = script.text or ""
        if not text or len(text) > _MAX_SCRIPT:
            continue
        kind = (script.get("type") or "").strip().lower()
        if script.get("id") == "__NEXT_DATA__" or (kind == "application/json" and text.lstrip()[:1] in "{["):
            try:
                out.append(json.loads(text))
            except ValueError:
                continue
            continue
        match = _ASSIGN.match(text)
        if match:
            raw = text[match.end():].strip().rstrip(";").strip()
            try:
                out.append(json.JSONDecoder(strict=False).raw_decode(raw)[0])
            except ValueError:
                continue
    return out


def find_article(tree, title: str | None) -> StateArticle | None:
    """The article object of the page's embedded state whose title is ``title``, read into text; else None."""
    if not title:
        return None
    wanted = fold_for_compare(title)
    for state in states(tree):
        for obj in _objects(state):
            if not any(isinstance(obj.get(k), str) and fold_for_compare(obj[k]) == wanted for k in _TITLE_KEYS):
                continue
            paragraphs = _body(obj)
            if not paragraphs:
                continue
            return StateArticle(paragraphs, _date(obj), _authors(obj))
    return None


def _objects(value):
    """Every dict in ``value``, breadth first, at most _MAX_NODES visited."""
    queue = [value]
    seen = 0
    while queue and seen < _MAX_NODES:
        item = queue.pop(0)
        seen += 1
        if isinstance(item, dict):
            yield item
            queue.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            queue.extend(v for v in item if isinstance(v, (dict, list)))


def _body(obj: dict) -> list[str]:
    for key in _BODY_KEYS:
        value = obj.get(key)
        paragraphs = _text_of(value)
        if sum(map(len, paragraphs)) >= 80:
            return paragraphs
    return []


def _text_of(value) -> list[str]:
    if isinstance(value, str):
        if "<" in value and ">" in value:
            return _html_paragraphs(value)
        return [clean_inline(line) for line in value.split("\n") if clean_inline(line)]
    if isinstance(value, dict):
        for key in ("html", "rendered", "value", "text", "content", "body"):
            if key in value:
                return _text_of(value[key])
        return []
    if isinstance(value, list):
        out: list[str] = []
        for block in value:
            if isinstance(block, str):
                out.extend(_text_of(block))
            elif isinstance(block, dict):
                kind = str(block.get("type") or block.get("_type") or block.get("kind") or "").lower()
                if kind.replace("-", "_") in _SKIP_BLOCK_TYPES:
                    continue
                for key in _TEXT_BLOCK_KEYS:
                    if isinstance(block.get(key), (str, list)):
                        out.extend(_text_of(block[key]))
                        break
        return out
    return []


def _html_paragraphs(markup: str) -> list[str]:
    try:
        root = etree.fromstring(f"<div>{markup}</div>", etree.HTMLParser(no_network=True, huge_tree=True))
    except (etree.ParserError, etree.XMLSyntaxError, ValueError):
        return []
    if root is None:
        return []
    out: list[str] = []
    for el in root.iter(etree.Element):
        if el.tag in _BLOCK_TAGS and not any(isinstance(c.tag, str) and c.tag in _BLOCK_TAGS for c in el):
            text = clean_inline("".join(el.itertext()))
            if text:
                out.append(text)
    if not out:
        text = clean_inline("".join(root.itertext()))
        out = [text] if text else []
    return out


def _date(obj: dict) -> str | None:
    for key in _DATE_KEYS:
        value = obj.get(key)
        if isinstance(value, str) and value.strip():
            return value.strip()
        if isinstance(value, (int, float)) and value > 10**9:
            return str(int(value // 1000 if value > 10**11 else value))
    return None


def _authors(obj: dict) -> list[str]:
    for key in _AUTHOR_KEYS:
        value = obj.get(key)
        names = []
        for item in value if isinstance(value, list) else [value]:
            if isinstance(item, str):
                names.append(item)
            elif isinstance(item, dict):
                name = next((item[k] for k in _NAME_KEYS if isinstance(item.get(k), str)), None)
                if name:
                    names.append(name)
        if names:
            return [clean_inline(n) for n in names if clean_inline(n)]
    return []
