"""The page, parsed once: the lxml tree, the ``<meta>`` dictionary and the flattened JSON-LD objects.

Every field reads from this one view, so the HTML is parsed once per page.
"""

from __future__ import annotations

import html as html_lib
import json
import re
from dataclasses import dataclass, field
from functools import cached_property
from urllib.parse import urljoin, urlsplit

from lxml import etree

from .errors import NotHtml
from .normalize import clean_inline

_HTML_HINT = re.compile(
    r"<\s*(?:!doctype\s+html|html|head|body|title|meta|p|div|article|section|h[1-6]|span|a|br|table|main|script)\b",
    re.IGNORECASE,
)
_XML_DECL = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
_JSON_START = re.compile(r"^\s*[\[{]")
_LD_CLEAN = re.compile(r"^\s*(?://\s*)?<!\[CDATA\[|//\s*\]\]>\s*$|^\s*<!--|-->\s*$", re.MULTILINE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")

# Elements whose text is never article text. (Not <form>: ASP.NET pages wrap the whole page in one.)
NON_CONTENT_TAGS = ("script", "style", "noscript", "template", "svg", "iframe", "object", "embed",
                    "button", "select", "textarea", "input")


# huge_tree: without it libxml2 stops at depth 256 and a page with runs of unclosed tags loses its body.
_PARSER = etree.HTMLParser(remove_blank_text=False, remove_comments=False, no_network=True, huge_tree=True)
_INDEXED_ATTRS = frozenset(("itemprop", "property", "rel"))


_OPEN_TAG = re.compile(r"<([a-zA-Z][a-zA-Z0-9]*)\b[^>]*>")


def _too_deep(parser) -> bool:
    return any("Excessive depth" in entry.message for entry in parser.error_log)


# A chain of elements this deep is runs of unclosed tags, not layout: tree walks (ours, trafilatura's) stop
# around depth 250, and the text below would be lost.
_RUNAWAY_DEPTH = 200


def _runaway_depth(tree) -> bool:
    """True when the chain of last children from the root is deeper than ``_RUNAWAY_DEPTH``: unclosed tags nest
    everything after them, so the document's tail is where a runaway run shows. O(depth), not O(elements)."""
    depth, el = 0, tree
    while el is not None and len(el):
        el = el[-1]
        depth += 1
        if depth > _RUNAWAY_DEPTH:
            return True
    return False


def _drop_unclosed_runs(text: str) -> str:
    opened: dict[str, int] = {}
    for match in _OPEN_TAG.finditer(text):
        name = match.group(1).lower()
        opened[name] = opened.get(name, 0) + 1
    lowered = text.lower()
    runaway = [name for name, count in opened.items()
               if name not in ("html", "head", "body", "p", "br", "img", "meta", "link", "input", "hr")
               and count - lowered.count(f"</{name}") > _RUNAWAY_DEPTH]
    for name in runaway:
        text = re.sub(rf"</?{name}\b[^>]*>", " " if name not in ("div", "section", "li", "td", "tr") else "<br>",
                      text, flags=re.IGNORECASE)
    return text


def url_parts(url: str | None):
    """``urlsplit(url)``, or None for a URL that does not split (a broken IPv6 host: pages carry such links)."""
    try:
        return urlsplit(url or "")
    except ValueError:
        return None


def url_host(url: str | None) -> str:
    parts = url_parts(url)
    return (parts.hostname or "").lower() if parts is not None else ""


def url_path(url: str | None) -> str:
    parts = url_parts(url)
    return parts.path if parts is not None else ""


def looks_like_html(text: str) -> bool:
    head = text[:8192]
    if _JSON_START.match(head) and not _HTML_HINT.search(head[:200]):
        return False
    return bool(_HTML_HINT.search(head))


def _flatten_ld(value, out: list[dict]) -> None:
    if isinstance(value, list):
        for item in value:
            _flatten_ld(item, out)
    elif isinstance(value, dict):
        if "@graph" in value:
            _flatten_ld(value["@graph"], out)
        if "@type" in value or len(value) > 1:
            out.append(value)


def ld_types(obj: dict) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {str(k).rsplit("/", 1)[-1] for k in kinds if k}


@dataclass
class Page:
    """One parsed page: ``tree`` (lxml, HTML parser), ``meta`` (lower-cased key -> list of contents), ``jsonld``."""

    url: str
    tree: etree._Element
    meta: dict[str, list[str]] = field(default_factory=dict)
    jsonld: list[dict] = field(default_factory=list)

    @classmethod
    def parse(cls, text: str, url: str) -> Page:
        if not looks_like_html(text):
            raise NotHtml("no HTML markup in the document")
        text = _CONTROL.sub("", _XML_DECL.sub("", text, count=1))
        try:
            # A plain lxml tree, not lxml.html's: its per-element class lookup costs more than the parse itself on
            # large pages, and extraction needs none of HtmlElement's methods.
            tree = etree.fromstring(text, _PARSER)
            if _too_deep(_PARSER) or (tree is not None and _runaway_depth(tree)):
                # Runs of unclosed tags nest past libxml2's depth limit, and it drops everything below; under
                # huge_tree they nest past what tree walks read. The tags that are opened far more often than
                # closed carry no structure: drop them and parse again.
                tree = etree.fromstring(_drop_unclosed_runs(text), _PARSER)
        except (etree.ParserError, etree.XMLSyntaxError, ValueError) as exc:
            raise NotHtml(f"unparseable HTML: {exc}") from exc
        if tree is None:
            raise NotHtml("unparseable HTML: the document is empty")
        page = cls(url=url, tree=tree)
        page._read_meta()
        page._read_jsonld()
        return page

    def _read_meta(self) -> None:
        meta: dict[str, list[str]] = {}
        for el in self.tree.iter("meta"):
            content = el.get("content")
            if content is None:
                continue
            content = content.strip()
            for attr in ("property", "name", "itemprop", "http-equiv"):
                key = el.get(attr)
                if key:
                    # RDFa allows several space-separated properties ("rnews:name schema:name").
                    for part in key.split() if attr == "property" else (key,):
                        meta.setdefault(part.strip().lower(), []).append(content)
                    break
        self.meta = meta

    def _read_jsonld(self) -> None:
        objects: list[dict] = []
        for script in self.tree.iter("script"):
            if (script.get("type") or "").strip().lower() != "application/ld+json":
                continue
            raw = _LD_CLEAN.sub("", script.text or "").strip()
            if not raw:
                continue
            try:
                data = json.loads(raw, strict=False)
            except ValueError:
                continue
            _flatten_ld(data, objects)
        self.jsonld = objects

    # -- helpers shared by the field extractors ---------------------------------------------------------------

    def meta_first(self, *keys: str) -> str | None:
        for key in keys:
            for value in self.meta.get(key, ()):
                if value:
                    return html_lib.unescape(value)
        return None

    def meta_all(self, key: str) -> list[str]:
        return [html_lib.unescape(v) for v in self.meta.get(key, ()) if v]

    def ld_objects(self, *types: str) -> list[dict]:
        wanted = set(types)
        return [obj for obj in self.jsonld if ld_types(obj) & wanted]

    def absolute(self, href: str | None) -> str | None:
        if not href:
            return None
        href = href.strip()
        if not href or href.startswith(("javascript:", "data:", "mailto:")):
            return None
        try:
            return urljoin(self.base_url, href)
        except ValueError:
            return None  # an href that is not an address

    @cached_property
    def base_url(self) -> str:
        base = self.tree.find(".//base[@href]")
        if base is None:
            return self.url
        try:
            return urljoin(self.url, base.get("href"))
        except ValueError:
            return self.url

    @cached_property
    def host(self) -> str:
        host = url_host(self.url)
        return host.removeprefix("www.")

    @cached_property
    def doc_title(self) -> str | None:
        title = self.tree.find(".//title")
        return "".join(title.itertext()) if title is not None else None

    @cached_property
    def html_lang(self) -> str | None:
        return self.tree.get("lang") or self.tree.get("xml:lang")

    @cached_property
    def body(self) -> etree._Element | None:
        return self.tree.find("body")

    @cached_property
    def index(self) -> BodyIndex:
        """One walk over the body that the field cascades share instead of each running an XPath over the tree
        (an ``//*[...]`` XPath costs several milliseconds on a 500 KB page; this walk costs about one)."""
        index = BodyIndex()
        body = self.body
        if body is None:
            return index
        by_attr = index.by_attr
        for el in body.iter(etree.Element):
            if el.tag == "time":
                index.times.append(el)
            attrs = el.items()
            if not attrs:
                continue
            cls = ident = ""
            for name, value in attrs:
                if name == "class":
                    cls = value
                elif name == "id":
                    ident = value
                elif name in _INDEXED_ATTRS and value:
                    for token in value.lower().split():
                        by_attr.setdefault((name, token), []).append(el)
            if cls or ident:
                index.attributed.append((el, f"{cls} {ident}".lower()))
        return index


@dataclass
class BodyIndex:
    """Body elements by what the cascades look for: a class or id (with both lower-cased), ``itemprop``,
    ``property`` and ``rel`` tokens (``by_attr[("itemprop", "datepublished")]``), and ``<time>`` elements."""

    attributed: list[tuple[object, str]] = field(default_factory=list)
    by_attr: dict[tuple[str, str], list] = field(default_factory=dict)
    times: list = field(default_factory=list)

    def having(self, attr: str, *tokens: str) -> list:
        out: list = []
        for token in tokens:
            for el in self.by_attr.get((attr, token), ()):
                if el not in out:
                    out.append(el)
        return out


def text_of(el, skip=NON_CONTENT_TAGS) -> str:
    """Rendered inline text of ``el`` (whitespace collapsed), skipping scripts and other non-content tags."""
    parts: list[str] = []
    _collect(el, parts, skip)
    return clean_inline("".join(parts))


def _collect(el, parts: list[str], skip) -> None:
    if isinstance(el.tag, str) and el.tag not in skip:
        if el.tag == "br":
            parts.append("\n")
        elif el.text:
            parts.append(el.text)
        for child in el:
            _collect(child, parts, skip)
            if child.tail:
                parts.append(child.tail)
