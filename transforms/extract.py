"""Generic extraction: one page in, one :class:`Article` out.

A site extractor (:mod:`transforms.sites`) subclasses :class:`GenericExtractor` and sets what it knows about its
site (home time zone, body container) or overrides a field; the registry picks it by host and fetch date.

The page is decoded and parsed once (:mod:`transforms.page`); every field then reads the shared view. For each
field the most structured source wins, and a later stage runs only when the earlier ones gave nothing:

title
    Candidates, in order: JSON-LD ``headline``/``name`` of the article object, ``og:title``, ``twitter:title``,
    ``<meta itemprop=headline>``, Dublin Core / parsely titles, every ``<h1>``. The first candidate that the
    document ``<title>`` confirms wins (equal to it, or equal to it minus a site-name part joined by `` - ``,
    `` | ``, `` – ``, `` — ``). Site-name parts are stripped from every candidate: names come from
    ``og:site_name``, ``application-name``, ``twitter:site``, the JSON-LD publisher and website, the source, the
    host name, and whatever the ``<title>`` adds around a confirmed candidate. Truncated candidates ("…" or a prefix
    of a longer one) never win. With no confirmation: the first untruncated candidate, then the ``<title>``.
canonical_url
    ``<link rel=canonical>``, else ``og:url``, else the fetched URL; made absolute. A link to the home page, to a
    section above the page, or off the site's domains (the page's host, the source's, a mirrored host in the
    path) is not trusted: one pointing at the home page would fold every article of a site onto one key.
published_at / modified_at
    JSON-LD ``datePublished``/``dateModified``, then meta (``article:published_time``, ``pubdate``,
    ``datePublished``, Dublin Core, parsely, ``last-modified``, ``og:updated_time`` …), then the DOM
    (``itemprop``, ``time[datetime]`` under the headline before others, never a sidebar's, RDFa ``dc:date``), then
    a JavaScript page's embedded state. A date-only winner is upgraded by a later candidate with
    a time on the same day. Dates without an offset are wall-clock time in the source's zone; with no source, in
    the zone the page's other dates state, else UTC. A date labelled UTC is re-read as local time when the page
    shows that same wall clock (12- or 24-hour dial) in a non-UTC source zone: a rule for every source (youm7 is
    one). When the URL's date and the date shown under the headline agree and the markup's is more than a day
    away, the shown date wins. A modified time earlier than the publication is
    kept as given (published stays the published time); modified times are dropped when candidates disagree, or
    when the publication time needed that correction.
    Arabic text in a date meta tag is read as shown text. Visible date text (every regional month-name family,
    Hijri, numeric and relative forms: :mod:`transforms.datetext`) is used only when no markup has a date, and
    only if it agrees with a date in the URL when the URL has one. Shown dates are ranked by position: the short
    elements right after the headline (before the body), whatever their class, come first; each date takes its
    own clock. A page-header "today" date is not a publication
    date: dates in the header, navigation or top bar, and an undated-time date of the fetch day above the headline,
    are skipped; a shown date with a time of day beats one without.
authors
    JSON-LD ``author`` names, then meta (``author``, ``article:author`` unless a URL, parsely, Dublin Core),
    then byline elements (``itemprop=author``, ``rel=author``, classes like byline/author/writer/writeBy/by), then
    a JavaScript page's embedded state, then a line that says it is a byline ("بقلم:", "تحرير:") under the
    headline or right after the body, then a short first body line that starts with a byline word (كتب، كتبت،
    بقلم، حوار، إعداد; تقرير/متابعة/ترجمة only with a colon). Every value must look like a person
    (:mod:`transforms.people`); multi-author bylines are split (commas, و between names). Prefixes are stripped;
    site names, agencies ("رويترز", "القاهرة - أ ش أ"), datelines ("(أبوظبي - البيان)", "القاهرة") and URLs are
    rejected, their agency and place kept for the two fields below (:mod:`transforms.credits`).
agency
    The credit at the opening of the body ("القاهرة (أ ش أ) -", "(CNN) --"), else a byline that is an agency,
    else a credit closing the body ("… (أ ف ب)", "المصدر: رويترز"). Canonical names: "أ.ش.أ" is "أ ش أ".
dateline
    The place opening the body ("القاهرة - ", "عمان 5 أيار (بترا) -", "(أبوظبي - البيان)"), else the place in a
    byline ("حسام أبو العلا - القاهرة"). The body itself keeps its opening as the page shows it.
section
    JSON-LD ``articleSection``, meta ``article:section`` (and itemprop/parsely), an ``itemprop=articleSection``
    element or the article's own category label (``article_details_category``), then the URL path segment that
    precedes a numeric article id (``/news/lifestyle/898682/…``).
tags
    JSON-LD ``keywords``, ``article:tag``, ``news_keywords``, parsely/sailthru tags, ``a[rel=tag]``. The plain
    ``keywords`` meta is SEO filler (often the title's words) and is ignored.
body
    The element whose direct children carry the most text (paragraphs, lists, tables, ``<br>``-separated runs, and
    blocks of paragraph-like ``<div>`` siblings, i.e. text and inline markup only; boilerplate containers such as
    related, share, comments, captions and ads do not vote) is the article body; a lead
    paragraph in a preceding sibling (class lead/intro/summary, ``itemprop=description``) is prepended. Its
    ``<p>``, ``<h2>``–``<h6>``, ``<blockquote>`` children and ``<br>``-separated text become paragraphs; nested
    boxes (images with captions, related links, embeds) are left out, as are short "follow us"/"read also" lines
    and a byline first line; list items and table rows are lines. When that finds too little text, the article
    in the page's embedded JavaScript state (:mod:`transforms.state`), then trafilatura's ``bare_extraction``.
language
    The script decides: mostly Arabic letters is ``ar`` whatever ``lang`` says; otherwise the declared language.
images
    ``og:image``, JSON-LD ``image``, then images inside the body with their ``<figcaption>`` or caption element.
"""

from __future__ import annotations

import html as html_lib
import re
import sys
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, tzinfo
from functools import cached_property, lru_cache
from types import MappingProxyType
from typing import ClassVar
from urllib.parse import unquote, urlsplit

from lxml import etree

from .article import Article, Image
from .credits import lead_credit, split_byline, trailing_credit
from .dates import (
    UTC,
    MachineDate,
    clock_times,
    fix_mislabelled_utc,
    localize,
    parse_machine_date,
    parse_shown_date,
    same_minute,
    zone,
)
from .decode import to_text
from .errors import EmptyPage, ExtractionError, ExtractorFailed, NoArticle, PageTooLarge
from .normalize import clean_inline, clean_title, fold_for_compare, normalize_for_search
from .page import NON_CONTENT_TAGS, Page, ld_types, text_of, url_path
from .people import looks_like_person, split_names
from .source import SourceInfo
from .state import StateArticle, find_article
from .text import arabic_letter_ratio

EXTRACTOR_VERSION = "0.3.0"

ARTICLE_TYPES = ("NewsArticle", "Article", "ReportageNewsArticle", "AnalysisNewsArticle", "OpinionNewsArticle",
                 "BackgroundNewsArticle", "BlogPosting", "LiveBlogPosting", "Report", "ScholarlyArticle",
                 "TechArticle", "SocialMediaPosting", "VideoObject", "WebPage")
_SEPARATORS = re.compile(r"\s+(?:[-|–—~•·»«]|::)\s+")
_TRUNCATED = re.compile(r"(?:\.\.\.|…)\s*$")
_BYLINE_PREFIX = re.compile(
    r"^\s*(?:كتبت|كتب|كتبه|بقلم|حوار|إعداد|اعداد|تقرير|تحرير|إشراف|اشراف|متابعة|ترجمة|بواسطة|written by|by)"
    r"(?=[\s:：\-–]|$)\s*[:：\-–]?\s*",
    re.IGNORECASE,
)
# A first body line that is a byline: "كتب فلان", "بقلم: فلان"; words that also open sentences (تقرير يكشف …,
# متابعة لما …, ترجمة …) only with a colon, and the rest must be a name.
_BODY_BYLINE = re.compile(
    r"^\s*(?:(?:كتبت|كتب|كتبه|بقلم|حوار|إعداد|اعداد|تحرير|بواسطة|written by|by)(?=[\s:：\-–]|$)\s*[:：\-–]?"
    r"|(?:تقرير|متابعة|ترجمة|إشراف|اشراف)\s*[:：])\s*",
    re.IGNORECASE,
)
_AGENCIES = frozenset(fold_for_compare(a) for a in (
    "أ ف ب", "أ.ف.ب", "ا ف ب", "فرانس برس", "رويترز", "الأناضول", "الاناضول", "وكالات", "وكالة", "أسوشيتد برس",
    "د ب أ", "سبوتنيك", "واس", "وام", "قنا", "كونا", "بترا", "سانا", "وفا", "أ ش أ", "AFP", "Reuters", "AP",
    "Associated Press", "Anadolu", "DPA", "Sputnik", "RIA Novosti", "Xinhua", "شينخوا", "المحرر", "محرر الموقع",
    "admin", "administrator", "editor", "staff",
))
_ARABIC_TEXT = re.compile(r"[\u0621-\u064A]")
_URLISH = re.compile(r"^(?:https?:)?//|^www\.|\.(?:com|net|org)\b", re.IGNORECASE)
# Tokens of class/id that mark a box which is not article text.
_BOILERPLATE_TOKENS = frozenset((
    "comment", "comments", "related", "share", "sharing", "social", "sidebar", "widget", "menu", "nav",
    "navigation", "breadcrumb", "breadcrumbs", "tags", "tag", "promo", "newsletter", "trc", "taboola", "outbrain",
    "ad", "ads", "advert", "advertisement", "banner", "footer", "caption", "cap", "credit", "copyright", "print",
    "rating", "subscribe", "follow", "popular", "recommended", "inject", "gallery", "embed", "video", "author",
    "byline", "meta", "toolbar", "tools", "readmore", "more", "also", "pagination",
))
_BOILERPLATE_PARTS = ("most-read", "mostread", "related", "caption", "comment", "taboola", "outbrain",
                      "newsletter", "breadcrumb", "advert", "social", "sharebar", "share-")
_TOKEN_SPLIT = re.compile(r"[\s_\-]+")
_LEAD_TOKENS = frozenset(("lead", "intro", "standfirst", "summary", "excerpt", "teaser", "description", "chapo"))
_BYLINE_CLASS = re.compile(r"(?:^|[\s_\-])(?:byline|by-line|author|authors|writer|writers|writeby|reporter|kateb|katib|by)"
                           r"(?:name)?(?:$|[\s_\-])|writeby|authorname|author-name|byline", re.IGNORECASE)
_TAXONOMY_HREF = re.compile(r"/(?:category|categories|section|sections|tags?|topics?|cat|rubric|qism)(?:/|$|\?)",
                            re.IGNORECASE)
_BYLINE_ATTR = re.compile(r"author|byline|by-line|writ|reporter|kateb|katib|(?:^|[\s_\-])by(?:$|[\s_\-])")
_DATE_ATTR = re.compile(r"date|time|publish|posted|stamp|tarikh")
_DC_PUBLISHED = ("dc:date", "dcterms:issued", "dc:created")
_DATE_CLASS = re.compile(r"date|time|publish|posted|timestamp|stamp|tarikh", re.IGNORECASE)
# Lines that are links to elsewhere, not article text: "read also" lines (short), and "follow us"/"subscribe"
# lines (short, and naming a platform or newsletter: "تابع الأمير …" and "اشترك آلاف …" are news).
_SKIP_LINE = re.compile(
    r"^(?:اقرأ\s*(?:أيض|ايض)|إقرأ\s*(?:أيض|ايض)|اقرا\s*ايض|للمزيد|شاهد\s*(?:أيض|ايض)|طالع\s*(?:أيض|ايض)|"
    r"مشاركة\s*$|شارك\s*$|read more|read also|see also)",
    re.IGNORECASE,
)
_FOLLOW_LINE = re.compile(r"^(?:تابعو?نا|تابع\s|تابعوا|اشترك|follow us|subscribe)", re.IGNORECASE)
_PLATFORM = re.compile(r"فيسبوك|فيس بوك|تويتر|يوتيوب|تليجرام|تلغرام|تيليجرام|واتساب|واتس اب|انستجرام|انستغرام|إنستغرام|"
                       r"تيك توك|نشرتنا|النشرة|قناتنا|صفحتنا|حساباتنا|جوجل نيوز|google news|facebook|twitter|youtube|"
                       r"telegram|whatsapp|instagram|newsletter", re.IGNORECASE)


def _skip_line(line: str) -> bool:
    words = len(line.split())
    if _SKIP_LINE.match(line):
        return words <= 30
    return bool(_FOLLOW_LINE.match(line)) and words <= 15 and bool(_PLATFORM.search(line))
_URL_DATE = re.compile(r"/((?:19|20)\d{2})/(?:[^/]+/)?(\d{1,2})/(\d{1,2})(?:/|$)|/((?:19|20)\d{2})(\d{2})(\d{2})")
_URL_SECTION_GENERIC = frozenset((
    "news", "article", "articles", "story", "stories", "post", "posts", "node", "content", "details", "detail",
    "ar", "en", "amp", "video", "videos", "p", "id", "item", "items", "akhbar", "view", "read", "page", "s", "a",
    "archive", "arabic", "print",
))
_URL_SECTION = re.compile(r"[a-z][a-z_\-]{2,30}")
BLOCK_TAGS = frozenset(("p", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre"))
INLINE_TAGS = frozenset(("a", "span", "b", "strong", "i", "em", "u", "font", "sup", "sub", "small", "mark", "q",
                         "abbr", "time", "cite", "bdi", "bdo", "big", "s", "del", "ins", "label", "nobr", "wbr"))
_STRUCTURE_SKIP = frozenset(("header", "footer", "nav", "aside")) | frozenset(NON_CONTENT_TAGS)
_BR = "\u2029"
_MIN_BODY_CHARS = 250  # below this, the container search is judged to have failed and trafilatura is tried
_TRAFILATURA_DATE_PARAMS = {"original_date": True, "extensive_search": False, "max_date": "2999-12-31"}
_MIN_TEXT_CHARS = 25  # below this, there is no body at all

PUBLISHED_META = ("article:published_time", "og:published_time", "og:article:published_time", "datepublished",
                  "publishdate", "publish-date", "publish_date", "pubdate", "dc.date.issued", "dcterms.issued",
                  "dc.date", "dcterms.date", "dcterms.created", "parsely-pub-date", "sailthru.date",
                  "article.published", "original-publish-date", "datecreated", "date")
MODIFIED_META = ("article:modified_time", "og:updated_time", "datemodified", "last-modified", "lastmod",
                 "dc.date.modified", "dcterms.modified", "article.updated", "modified_time", "og:modified_time")


def _tokens(el) -> list[str]:
    return _TOKEN_SPLIT.split(f"{el.get('class') or ''} {el.get('id') or ''}".lower().strip())


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
    return _boilerplate_attrs(f"{cls or ''} {ident or ''}")


@lru_cache(maxsize=4096)
def _boilerplate_attrs(attrs: str) -> bool:
    attrs = attrs.lower().strip()
    if any(tok in _BOILERPLATE_TOKENS for tok in _TOKEN_SPLIT.split(attrs)):
        return True
    return any(part in attrs for part in _BOILERPLATE_PARTS)


def _as_list(value) -> list:
    if value is None:
        return []
    return value if isinstance(value, list) else [value]


def _ld_text(value) -> str | None:
    if isinstance(value, dict):
        value = value.get("name") or value.get("@value")
    if isinstance(value, list):
        value = value[0] if value else None
    if not isinstance(value, str):
        return None
    return html_lib.unescape(value).strip() or None


class GenericExtractor:
    """The generic cascade (see the module docstring). A site extractor subclasses it and overrides fields."""

    name = "generic"
    # What a site extractor knows about its site (see transforms.sites); the generic extractor knows nothing.
    VALID_UNTIL: date | None = None  # last fetch date of this layout (site classes); None: the current one
    TIME_ZONE: str | None = None  # the site's home zone, used when no source is configured
    LOCALE: str = "ar"  # dateparser locale for the site's visible dates
    SITE_NAME: str | None = None  # the site's display name: never an author, stripped from titles
    BODY_XPATH: str | None = None  # the article body's container, when the site has one that is always right
    # Field -> XPath, for any field the site marks up its own way (Fundus's model): title, published, modified,
    # authors, section, tags, body. What it selects (elements' text, or attribute values) wins over the cascade.
    SELECTORS: ClassVar[Mapping[str, str]] = MappingProxyType({})

    def __init__(self, page: Page, fetched_at: datetime | None = None, source: SourceInfo | None = None):
        self.page = page
        self.fetched_at = fetched_at
        self.source = source

    # -- shared facts -----------------------------------------------------------------------------------------

    @property
    def article_objects(self) -> list[dict]:
        objs = self.page.ld_objects(*ARTICLE_TYPES)
        # The most specific type first: a NewsArticle beats the WebPage that wraps it.
        return sorted(objs, key=lambda o: ARTICLE_TYPES.index(next(
            (t for t in ARTICLE_TYPES if t in ld_types(o)), "WebPage")))

    @property
    def _attributed(self) -> list[tuple[object, str]]:
        """Body elements with a class or id, with both lower-cased: scanned once, shared by the DOM cascades."""
        return self.page.index.attributed

    @property
    def zone(self) -> tzinfo:
        """The site's zone: a site class's home zone (it knows its one site, where a source may be a mirror of
        several), else the source's, else the zone the page's own dates state."""
        if self.TIME_ZONE:
            return zone(self.TIME_ZONE)
        if self.source is not None and self.source.time_zone:
            return zone(self.source.time_zone)
        return self._page_zone

    @property
    def knows_zone(self) -> bool:
        """True when the site's zone is known (from the source or the site class), not guessed from the page."""
        return bool(self.TIME_ZONE) or (self.source is not None and bool(self.source.time_zone))

    @property
    def locale(self) -> str:
        return self.source.locale if self.source is not None else self.LOCALE

    @cached_property
    def _page_zone(self) -> tzinfo:
        """With no source: the zone the page's own dates state, else UTC."""
        for raw, origin in self._published_candidates():
            parsed = parse_machine_date(raw, UTC, origin)
            if parsed and parsed.has_zone:
                return parsed.value.tzinfo
        return UTC

    def _selected(self, field: str) -> list[str]:
        """The values the site's selector for ``field`` picks: element text, or attribute values (``/@content``)."""
        xpath = self.SELECTORS.get(field)
        if not xpath:
            return []
        out: list[str] = []
        for item in _site_xpath(xpath)(self.page.tree):
            value = text_of(item) if isinstance(item, etree._Element) else clean_inline(str(item))
            if value:
                out.append(value)
        return out

    def site_names(self) -> set[str]:
        page = self.page
        names = {page.meta_first("og:site_name"), page.meta_first("application-name"),
                 page.meta_first("apple-mobile-web-app-title"), page.meta_first("al:android:app_name"),
                 (page.meta_first("twitter:site") or "").lstrip("@")}
        for obj in page.jsonld:
            if ld_types(obj) & {"Organization", "NewsMediaOrganization", "WebSite"}:
                names.add(_ld_text(obj.get("name")))
        for obj in self.article_objects:
            names.add(_ld_text(obj.get("publisher")))
        if self.source is not None:
            names.update((self.source.name, self.source.key))
        names.add(self.SITE_NAME)
        host = page.host
        labels = [label for label in host.split(".") if len(label) > 2 and label not in ("com", "net", "org", "www")]
        names.update(labels)
        return {fold_for_compare(n) for n in names if n and len(n.strip()) > 1}

    def _is_site_name(self, text: str, names: set[str]) -> bool:
        """True when ``text`` is the site's name: equal to a name, or to one with only generic words around it
        ("موقع", "صحيفة", "نت"), or a run of two or more whole words of one. A word that merely contains a
        name ("الرياض" in "موسم الرياض", "مصر" in "مصراوي") is not the name."""
        folded = fold_for_compare(text)
        if not folded:
            return True
        if folded in names:
            return True
        words = _core_words(folded)
        for name in names:
            core = _core_words(name)
            if not core or not words:
                continue
            if words == core:
                return True
            if len(words) >= 2 and _contains_run(core, words):
                return True
        compact = re.sub(r"[\W_]+", "", folded)
        host = self.page.host.replace(".", "")
        return len(compact) >= 3 and compact.isascii() and (compact in host or any(
            label in compact for label in self.page.host.split(".") if len(label) > 2 and label != "com"))

    # -- title ------------------------------------------------------------------------------------------------

    def _title_candidates(self) -> list[str]:
        page = self.page
        out: list[str] = []
        for obj in self.article_objects:
            out.extend(filter(None, (_ld_text(obj.get("headline")), _ld_text(obj.get("name")))))
        for key in ("og:title", "twitter:title", "headline", "dc.title", "dcterms.title", "parsely-title",
                    "sailthru.title", "title"):
            out.extend(page.meta_all(key)[:1])
        for h1 in page.tree.iter("h1"):
            text = text_of(h1)
            if text:
                out.append(text)
        return [clean_title(c) for c in out if clean_title(c)]

    def _strip_site(self, text: str, names: set[str]) -> str:
        for _ in range(3):
            parts = _SEPARATORS.split(text)
            if len(parts) < 2:
                break
            seps = _SEPARATORS.findall(text)
            if self._is_site_name(parts[-1], names):
                text = text[: len(text) - len(parts[-1]) - len(seps[-1])]
            elif self._is_site_name(parts[0], names):
                text = text[len(parts[0]) + len(seps[0]):]
            else:
                break
        return text.strip()

    @staticmethod
    def _confirmed_by(candidate: str, doc_title: str) -> str | None:
        """The rest of ``doc_title`` around ``candidate`` if the title is the candidate plus a site part."""
        a, d = clean_inline(candidate), clean_inline(doc_title)
        if not a or not d:
            return None
        if a == d:
            return ""
        if d.startswith(a):
            rest = d[len(a):]
            match = _SEPARATORS.match(rest)
            return rest[match.end():] if match else None
        if d.endswith(a):
            rest = d[: len(d) - len(a)]
            match = re.search(_SEPARATORS.pattern + r"$", rest)
            return rest[: match.start()] if match else None
        return None

    def title(self) -> str | None:
        return self._title

    @cached_property
    def _title(self) -> str | None:
        selected = self._selected("title")
        if selected:
            return clean_title(selected[0])
        candidates = self._title_candidates()
        doc_title = clean_title(self.page.doc_title)
        names = self.site_names()
        # Whatever the <title> adds around a candidate is a site name ("X - اليوم السابع").
        for cand in candidates:
            rest = self._confirmed_by(cand, doc_title) if doc_title else None
            if rest:
                names.update(fold_for_compare(p) for p in _SEPARATORS.split(rest) if p.strip())
        stripped = [self._strip_site(c, names) for c in candidates]
        folded = [clean_inline(s) for s in stripped]

        def truncated(i: int) -> bool:
            text = folded[i]
            if _TRUNCATED.search(text):
                return True
            return any(len(other) > len(text) and other.startswith(text) for other in folded)

        if doc_title:
            doc_stripped = self._strip_site(doc_title, names)
            for i, cand in enumerate(stripped):
                if cand and not truncated(i) and self._confirmed_by(cand, doc_stripped) is not None:
                    return cand
        for i, cand in enumerate(stripped):
            if cand and not truncated(i):
                return cand
        if doc_title:
            return self._strip_site(doc_title, names) or doc_title
        return stripped[0] if stripped else None

    # -- URLs -------------------------------------------------------------------------------------------------

    def canonical_url(self) -> str:
        return self._canonical_url

    @cached_property
    def _canonical_url(self) -> str:
        page = self.page
        declared = []
        for link in page.tree.iter("link"):
            if "canonical" in (link.get("rel") or "").lower().split():
                declared.append(page.absolute(link.get("href")))
        declared.append(page.absolute(page.meta_first("og:url")))
        for href in declared:
            if href and self._trusted_canonical(href):
                return href
        return page.url

    def _trusted_canonical(self, href: str) -> bool:
        """A canonical link is believed unless it points at the home page or a section above this page (which
        would fold every article of a site onto one key), or off the site's domains."""
        try:
            target, here = urlsplit(href), urlsplit(self.page.url)
            target_host = (target.hostname or "").lower()
            target.port  # noqa: B018  a port out of range raises: such a link is not an address
        except ValueError:
            return False
        if target.scheme not in ("http", "https") or not target_host:
            return False
        segments = [x for x in target.path.split("/") if x]
        page_segments = [x for x in here.path.split("/") if x]
        if not segments and not target.query and (page_segments or here.query):
            return False  # the home page
        if len(segments) < len(page_segments) and page_segments[:len(segments)] == segments and \
                not target.query and len(segments) <= 2 and not any(_ARTICLE_ID.search(x) for x in segments):
            return False  # a section the page sits in ("/ar/news" for "/ar/news/2018/…/story.html")
        return _registrable(target_host) in self._site_domains()

    def _site_domains(self) -> set[str]:
        from .sites import site_hosts  # the hosts a page may belong to (its own, a mirrored one in its path)

        hosts = {self.page.host}
        first = url_path(self.page.url).lstrip("/").split("/", 1)[0].lower()
        if "." in first:
            hosts.add(first)
        if self.source is not None and "." in self.source.key:
            hosts.add(self.source.key)
        domains = {_registrable(h) for h in hosts if h}
        if self.page.host in ("localhost", "127.0.0.1", "::1") or self.page.host.replace(".", "").isdigit():
            domains |= {_registrable(h) for h in site_hosts(self.page)}  # a loopback mirror or a bare IP
        return domains

    # -- dates ------------------------------------------------------------------------------------------------

    @cached_property
    def _published_candidate_list(self) -> list[tuple[str, str]]:
        return self._find_published_candidates()

    def _published_candidates(self) -> list[tuple[str, str]]:
        return self._published_candidate_list

    def _find_published_candidates(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for obj in self.article_objects:
            for key in ("datePublished", "dateCreated", "uploadDate"):
                value = obj.get(key)
                if isinstance(value, str):
                    out.append((value, f"jsonld:{key}"))
        for key in PUBLISHED_META:
            for value in self.page.meta_all(key)[:1]:
                out.append((value, f"meta:{key}"))
        index = self.page.index
        for el in index.having("itemprop", "datepublished") + index.having("property", *_DC_PUBLISHED):
            value = el.get("datetime") or el.get("content")
            if value:
                out.append((value, f"dom:{el.tag}"))
        for el in [t for t in index.times if t.get("pubdate") is not None and t.get("datetime")]:
            out.append((el.get("datetime"), f"dom:{el.tag}"))
        state = self._state_if_thin()
        if state is not None and state.published:
            out.append((state.published, "state:published"))
        # <time datetime>: the one under the headline first, then the others in the article (never a sidebar's).
        near = [el for el in self._headline_neighbourhood() if el.tag == "time" and el.get("datetime")]
        rest = [t for t in index.times if t.get("datetime") and t not in near][:3]
        for el in near[:2] + rest:
            if not _in_page_chrome(el) and not any(is_boilerplate(a) for a in el.iterancestors()):
                out.append((el.get("datetime"), "dom:time"))
        return out

    @cached_property
    def _neighbourhood(self) -> list:
        """Elements right after the headline, in document order, up to the article body: where a page shows the
        article's date and byline, whatever their class names say."""
        body = self.page.body
        if body is None:
            return []
        headline = next((h for h in body.iter("h1") if not _in_page_chrome(h)), None)
        if headline is None:
            return []
        container = self._body.container
        out: list = []
        node = headline
        for _level in range(3):
            for sibling in node.itersiblings():
                for el in sibling.iter(etree.Element):
                    if el is container:
                        return out
                    out.append(el)
                    if len(out) >= _NEIGHBOURHOOD_SIZE:
                        return out
            node = node.getparent()
            if node is None or node is body:
                break
        return out

    def _headline_neighbourhood(self) -> list:
        return self._neighbourhood

    def _modified_candidates(self) -> list[tuple[str, str]]:
        out: list[tuple[str, str]] = []
        for obj in self.article_objects:
            value = obj.get("dateModified")
            if isinstance(value, str):
                out.append((value, "jsonld:dateModified"))
        for key in MODIFIED_META:
            for value in self.page.meta_all(key)[:1]:
                out.append((value, f"meta:{key}"))
        for el in self.page.index.having("itemprop", "datemodified"):
            value = el.get("datetime") or el.get("content")
            if value:
                out.append((value, f"dom:{el.tag}"))
        return out

    def _shown_dates(self, clocks: set[tuple[int, int]] | None = None) -> list[datetime]:
        """Datetimes the page shows (naive wall clock, or aware when the text fixes the instant)."""
        return [shown.value for shown in self._shown(clocks)]

    def _shown(self, clocks: set[tuple[int, int]] | None = None) -> list[Shown]:
        """Date text the page shows in date-like elements, in document order.

        With ``clocks``, only texts showing one of those hh:mm times are parsed (what a cross-check needs; it
        keeps date parsing off most pages).
        """
        locale = self.locale
        shown: list[Shown] = []
        body = self.page.body
        if body is None:
            return shown
        texts: set[str] = set()
        near = [el for el in self._headline_neighbourhood() if len(el) <= 8]
        near_set = set(near)
        candidates = near + [el for el, attrs in self._attributed if _DATE_ATTR.search(attrs)]
        candidates += self.page.index.times
        for el in candidates:
            if el.tag in NON_CONTENT_TAGS or not isinstance(el.tag, str):
                continue
            raw = "".join(el.itertext())
            if clocks is not None and ":" not in raw:
                continue
            if len(raw) > 1000 or (clocks is not None and not _shows_clock(clocks, raw)):
                continue  # a container, not a date label; or not the time being checked
            text = text_of(el)
            if not text or len(text) > 150 or not _DIGIT.search(text):
                continue
            if clocks is not None and not _shows_clock(clocks, text):
                continue
            if text in texts:
                continue
            texts.add(text)
            parsed = parse_shown_date(text, locale, self.fetched_at, self.zone)
            if parsed is not None:
                shown.append(Shown(parsed.value, parsed.has_time, text, el, el in near_set))
            if len(texts) >= 16:
                break
        return shown

    def _pick(self, candidates: list[tuple[str, str]]) -> list[MachineDate]:
        tz = self.zone
        out = []
        for raw, origin in candidates:
            date = parse_machine_date(raw, tz, origin)
            if date is None and raw and _ARABIC_TEXT.search(raw):
                # Some CMSs put the displayed Arabic date into article:published_time.
                shown = parse_shown_date(raw, self.locale, self.fetched_at, tz)
                if shown is not None:
                    value = shown.value
                    date = MachineDate(localize(value, tz), raw.strip(), shown.has_time, value.tzinfo is not None,
                                       origin + " (text)")
            if date is not None:
                out.append(date)
        # A naive date that shows the same wall clock as a date with an offset is that date ("17:49" beside
        # "17:49:09Z"): it takes that offset instead of the source's zone.
        zoned = [d for d in out if d.has_zone and d.has_time]
        for i, date in enumerate(out):
            if date.has_zone or not date.has_time:
                continue
            clock = date.value.replace(tzinfo=None)
            for other in zoned:
                if same_minute(other.value.replace(tzinfo=None), clock):
                    out[i] = MachineDate(clock.replace(tzinfo=other.value.tzinfo), date.raw, True, False, date.origin)
                    break
        return out

    def published(self) -> MachineDate | None:
        return self._published[0]

    @cached_property
    def _published(self) -> tuple[MachineDate | None, bool]:
        """(the publication date, whether the markup's clock or day had to be corrected by what the page shows)."""
        selected = self._selected("published")
        if selected:
            return next(iter(self._pick([(v, "site:published") for v in selected])), None), False
        corrected = False
        dates = self._pick(self._published_candidates())
        if dates:
            chosen = dates[0]
            if not chosen.has_time:
                day = chosen.value.date()
                chosen = next((d for d in dates[1:] if d.has_time and d.value.astimezone(
                    chosen.value.tzinfo).date() == day), chosen)
            if chosen.says_utc and chosen.has_time and self.knows_zone and \
                    self.zone.utcoffset(chosen.value.replace(tzinfo=None)):
                utc_clock = chosen.value
                local_clock = chosen.value.astimezone(self.zone)
                clocks = {(utc_clock.hour, utc_clock.minute), (local_clock.hour, local_clock.minute)}
                fixed = fix_mislabelled_utc(chosen, self._shown_dates(clocks), self.zone)
                if fixed is not None:
                    chosen = fixed
                    corrected = True
            shown = self._markup_contradicted(chosen)
            if shown is not None:
                chosen = shown
                corrected = True
            return chosen, corrected
        return self._published_from_text(), False

    def _markup_contradicted(self, chosen: MachineDate) -> MachineDate | None:
        """The visible date under the headline, when two witnesses agree against the markup: the URL's date and
        the shown date are the same day, and the markup's date (in the site's zone) is more than a day away."""
        url_date = self._url_date()
        if url_date is None:
            return None
        marked = chosen.value.astimezone(self.zone).date()
        if abs((marked - date(*url_date)).days) <= 1:
            return None
        text = self._published_from_text()
        if text is None or text.value.astimezone(self.zone).date() != date(*url_date):
            return None
        return MachineDate(text.value, text.raw, text.has_time, text.has_zone, "text (markup contradicted)")

    def _url_date(self) -> tuple[int, int, int] | None:
        match = _URL_DATE.search(url_path(self.page.url))
        if not match:
            return None
        groups = [g for g in match.groups() if g]
        try:
            year, month, day = (int(g) for g in groups[:3])
            datetime(year, month, day)
        except ValueError:
            return None
        return year, month, day

    def _published_from_text(self) -> MachineDate | None:
        """The publication date from the date text the page shows, when no markup has one.

        A page-header "today" date is never the publication date: dates in a header, navigation or top bar are
        skipped, as is a date with no time that falls on the fetch day above the headline. Of the rest, one that
        agrees with a date in the URL (when the URL has one) and shows a time of day wins, else the first.
        """
        url_date = self._url_date()
        fetched_day = self.fetched_at.astimezone(self.zone).date() if self.fetched_at is not None and \
            self.fetched_at.tzinfo is not None else None
        headline = next(self.page.tree.iter("h1"), None)
        order = {el: i for i, el in enumerate(self.page.tree.iter())} if headline is not None else {}
        kept: list[Shown] = []
        for shown in self._shown():
            value = shown.value
            if url_date and (value.year, value.month, value.day) != url_date:
                continue  # the page shows some other day: not the publication date
            if _in_page_chrome(shown.element):
                continue
            above_title = headline is not None and order.get(shown.element, 0) < order[headline]
            if above_title and not shown.has_time and (fetched_day is None or value.date() == fetched_day):
                continue  # a "today" date over the page, or an undated label: not this article's date
            kept.append(shown)
        if not kept:
            return None
        # Ranked by position: a date right under the headline is the article's; elsewhere, the first with a time.
        pool = [s for s in kept if s.near] or kept
        best = next((s for s in pool if s.has_time), pool[0])
        value = best.value if best.value.tzinfo is not None else localize(best.value, self.zone)
        return MachineDate(value, best.text, best.has_time, best.value.tzinfo is not None, "text")

    def modified(self) -> MachineDate | None:
        selected = self._selected("modified")
        if selected:
            return next(iter(self._pick([(v, "site:modified") for v in selected])), None)
        dates = self._pick(self._modified_candidates())
        if not dates:
            return None
        published = self.published()
        if published is not None and self._published[1]:
            return None  # the markup's clock was wrong for publication; its modified time is unverified
        # A modified time before the publication is a save before a scheduled publication, not an update after
        # it: the first candidate (the most structured) at or after publication wins; with none, the first.
        if published is not None:
            after = [d for d in dates if d.value >= published.value]
            if after:
                return after[0]
        return dates[0]

    # -- people, section, tags --------------------------------------------------------------------------------

    def _read_byline(self, text: str | None, names: set[str]) -> tuple[str | None, str | None, str | None]:
        """One byline value read as (person, place, agency); each may be None. The person must look like one."""
        if not text:
            return None, None, None
        text = clean_inline(html_lib.unescape(text))
        text = _BYLINE_PREFIX.sub("", text).strip(" ،,:-–|@")
        if not text or _URLISH.search(text) or len(text) > 60 or len(text.split()) > 7:
            return None, None, None
        person, place, agency = split_byline(text, lambda part: self._is_site_name(part, names))
        if agency and self._is_site_name(text, names):
            agency = None  # the site itself as author (Sputnik on Sputnik) credits nobody
        folded = fold_for_compare(text)
        if folded in _AGENCIES or folded in names:
            return None, place, agency  # a placeholder ("المحرر"), the site itself, or (see authors) the section
        if person is None or self._is_site_name(person, names):
            return None, place, agency  # a dateline ("(أبوظبي - البيان)") or an agency: kept in their own fields
        parts = [x.strip() for x in re.split(r"\s+[-–—]\s+", person) if x.strip()]
        if not any(looks_like_person(x) for x in parts) or not all(looks_like_person(x) or x == place for x in parts):
            return None, place, agency  # a label, a menu word, a footer credit, or no name shape
        return person, place, agency

    def _author_sources(self):
        page = self.page
        for obj in self.article_objects:
            yield [_ld_text(a) for a in _as_list(obj.get("author")) + _as_list(obj.get("creator"))]
        for key in ("author", "article:author", "parsely-author", "dc.creator", "dcterms.creator",
                    "sailthru.author", "byl", "twitter:creator"):
            yield page.meta_all(key)
        dom = []
        body = page.body
        if body is not None:
            for el in page.index.having("itemprop", "author") + page.index.having("rel", "author"):
                name_el = el.find('.//*[@itemprop="name"]')
                dom.append(name_el.get("content") or text_of(name_el) if name_el is not None else text_of(el))
            for el, attrs in self._attributed:
                if el.tag in NON_CONTENT_TAGS or el.tag in ("article", "body") or not _BYLINE_ATTR.search(attrs):
                    continue
                if _BYLINE_CLASS.search(f"{el.get('class') or ''} {el.get('id') or ''}"):
                    text = text_of(el)
                    if text and len(text) <= 80 and not self._is_taxonomy_link(el, text):
                        dom.append(text)
        yield dom
        yield self._state_authors()
        yield self._prefixed_bylines()
        yield [self._body.byline_line]

    def _prefixed_bylines(self) -> list[str]:
        """Short lines that say they are a byline ("بقلم: فلان", "تحرير: فلان") under the headline or right after
        the article body, whatever their class names say."""
        container = self._body.container
        places = list(self._headline_neighbourhood())
        if container is not None:
            after = 0
            for sibling in container.itersiblings():
                for el in sibling.iter(etree.Element):
                    places.append(el)
                    after += 1
                if after >= _NEIGHBOURHOOD_SIZE:
                    break
        out: list[str] = []
        for el in places:
            if el.tag in NON_CONTENT_TAGS or len(el) > 4 or _in_page_chrome(el):
                continue
            text = text_of(el)
            if text and len(text) <= 100 and _BODY_BYLINE.match(text) and text not in out:
                out.append(text)
        return out[:2]

    @staticmethod
    def _is_taxonomy_link(el, text: str) -> bool:
        """True when ``text`` is all the text of a link to a category, section or tag page (not a person)."""
        for a in ([el] if el.tag == "a" else []) + list(el.iter("a")):
            if _TAXONOMY_HREF.search(a.get("href") or "") and clean_inline(text_of(a)) == clean_inline(text):
                return True
        return False

    def authors(self) -> list[str]:
        return list(self._byline.authors)

    @cached_property
    def _byline(self) -> Byline:
        """The people the page credits, with the place and agency its byline values name on the way (the first
        of each, from every value read until the people were found)."""
        selected = self._selected("authors")
        names = self.site_names()
        if selected:
            sources = [selected]
        else:
            # A byline box often holds the section link too ("منوعات"): a section or tag is not a person.
            names |= {fold_for_compare(x) for x in [self.section(), *self.tags()] if x}
            sources = self._author_sources()
        place = agency = None
        for values in sources:
            found: list[str] = []
            for value in values:
                value = _BYLINE_PREFIX.sub("", clean_inline(value or ""))
                for part in split_names(value):
                    person, part_place, part_agency = self._read_byline(part, names)
                    place, agency = place or part_place, agency or part_agency
                    if person and person not in found:
                        found.append(person)
            if found or selected:
                return Byline(tuple(found), place, agency)
        return Byline((), place, agency)

    def agency(self) -> str | None:
        """The agency the article credits: at the opening of the body, in the byline, or at the end of the body."""
        paragraphs = self.body_paragraphs()
        _place, agency = lead_credit(paragraphs[0] if paragraphs else None)
        if agency is None:
            agency = self._byline.agency
        return agency or trailing_credit(paragraphs)

    def dateline(self) -> str | None:
        """The place the story is filed from: the opening of the body, else the byline."""
        paragraphs = self.body_paragraphs()
        place, _agency = lead_credit(paragraphs[0] if paragraphs else None)
        if place is None:
            place = self._byline.place
        return place

    def section(self) -> str | None:
        selected = self._selected("section")
        if selected:
            return clean_inline(selected[0])
        for obj in self.article_objects:
            value = _ld_text(obj.get("articleSection"))
            if value:
                return clean_inline(value)
        value = self.page.meta_first("article:section", "articlesection", "parsely-section", "section",
                                     "sailthru.section")
        if value:
            return clean_inline(value)
        return self._section_from_dom() or self._section_from_url()

    def _section_from_dom(self) -> str | None:
        """The section the article page shows: an ``itemprop=articleSection`` element, else the article's own
        category label (a class like ``article_details_category``, ``post-category``), outside the page chrome."""
        found = self.page.index.having("itemprop", "articlesection")
        found += [el for el, attrs in self._attributed if _ARTICLE_CATEGORY.search(attrs)]
        for el in found:
            if el.tag in NON_CONTENT_TAGS or _in_page_chrome(el):
                continue
            text = el.get("content") or text_of(el)
            if text and len(text) <= 40 and len(text.split()) <= 4:
                return clean_inline(text)
        return None

    def _section_from_url(self) -> str | None:
        segments = [unquote(s) for s in url_path(self.canonical_url()).split("/") if s]
        for i, seg in enumerate(segments):
            if seg.isdigit() and len(seg) >= 4:
                if i >= 1:
                    prev = segments[i - 1].lower()
                    if _URL_SECTION.fullmatch(prev) and prev not in _URL_SECTION_GENERIC:
                        return prev
                return None
        return None

    def tags(self) -> list[str]:
        selected = self._selected("tags")
        if selected:
            return list(dict.fromkeys(clean_inline(v) for v in selected if clean_inline(v)))
        page = self.page
        raw: list[str] = []
        for obj in self.article_objects:
            for value in _as_list(obj.get("keywords")):
                if isinstance(value, str):
                    raw.append(value)
        if not raw:
            raw = page.meta_all("article:tag")
        for key in ("news_keywords", "parsely-tags", "sailthru.tags"):
            if not raw:
                raw = page.meta_all(key)
        if not raw:
            raw = [text_of(a) for a in page.index.having("rel", "tag") if a.tag == "a"]
        tags: list[str] = []
        for value in raw:
            parts = re.split(r"\s*[,،;]\s*", value) if len(raw) == 1 or "," in value or "،" in value else [value]
            for part in parts:
                part = clean_inline(html_lib.unescape(part))
                if part and len(part) <= 80 and part not in tags:
                    tags.append(part)
        return tags

    # -- body -------------------------------------------------------------------------------------------------

    def body_container(self):
        """(the element that holds the article text, its score): the site's ``BODY_XPATH`` when it matches one
        element with text, else the generic scoring."""
        xpath = self.SELECTORS.get("body") or self.BODY_XPATH
        if xpath:
            found = _site_xpath(xpath)(self.page.tree)
            if len(found) == 1:
                length = _text_len(found[0])
                if length >= _MIN_BODY_CHARS:
                    return found[0], length
        return self._score_containers()

    def _score_containers(self):
        body = self.page.body
        if body is None:
            return None, 0
        scores: dict = {}

        def walk(el, root: bool = False) -> bool:
            """Score ``el``'s children into ``scores``; True when ``el`` itself is paragraph-like (text and inline
            markup only, no images): a paragraph that a CMS put in a <div> instead of a <p>."""
            # ``own``: the text directly in ``el`` (its text and its non-block children's tails): a <br> run.
            own = 0 if root or el.tag in INLINE_TAGS else len((el.text or "").strip())
            leaf = True
            siblings: list[int] = []  # lengths of paragraph-like children
            for child in el:
                tag = child.tag
                if not isinstance(tag, str):
                    continue
                if tag not in BLOCK_TAGS and child.tail:
                    own += len(child.tail.strip())
                if tag not in INLINE_TAGS and tag != "br" and tag not in NON_CONTENT_TAGS:
                    leaf = False
                if tag in _STRUCTURE_SKIP or is_boilerplate(child):
                    continue
                if tag in BLOCK_TAGS or tag in _LIST_TAGS:
                    length = _text_len(child)
                    if length >= 20 and not _link_heavy(child, length):
                        scores[el] = scores.get(el, 0) + length
                    continue
                if walk(child) and tag not in INLINE_TAGS:
                    length = _text_len(child)
                    if length >= 20 and not _link_heavy(child, length):
                        siblings.append((length, child.find("br") is not None))
            # Blocks of paragraph-like siblings are one body, unless one of them is a <br> run holding nearly all
            # the text (beside a short note): that run is the body by itself.
            if len(siblings) >= 2:
                total = sum(length for length, _run in siblings)
                longest, is_run = max(siblings)
                if not (is_run and longest >= 0.8 * total):
                    scores[el] = scores.get(el, 0) + total
            if own >= 40 and not root:
                scores[el] = scores.get(el, 0) + own
            return leaf and el.tag != "img"

        walk(body, root=True)
        if not scores:
            return None, 0
        best = max(scores, key=scores.get)
        return best, scores[best]

    def _blocks(self, container) -> list[str]:
        out: list[str] = []
        buf: list[str] = []

        def flush() -> None:
            for line in "".join(buf).split(_BR):
                line = clean_inline(line)
                if line:
                    out.append(line)
            buf.clear()

        def inline_text(el) -> str:
            parts: list[str] = []
            _inline(el, parts)
            return "".join(parts)

        buf.append(container.text or "")
        for child in container:
            if not isinstance(child.tag, str):
                buf.append(child.tail or "")
                continue
            if child.tag == "br" or child.tag in NON_CONTENT_TAGS or is_boilerplate(child):
                buf.append(_BR)
            elif child.tag in BLOCK_TAGS:
                flush()
                buf.append(inline_text(child))
                flush()
            elif child.tag in INLINE_TAGS:
                buf.append(inline_text(child))
            elif child.tag in _LIST_TAGS:
                flush()
                if not _link_heavy(child):  # a list of links is a related box; a list of text is text
                    for line in _list_lines(child):
                        buf.append(line)
                        flush()
                buf.append(_BR)
            elif _paragraph_like(child):
                flush()
                buf.append(inline_text(child))
                flush()
            else:
                buf.append(_BR)  # a nested box: image with caption, related link, embed
            buf.append(child.tail or "")
        flush()
        return out

    def _lead_blocks(self, container) -> list[str]:
        for sibling in container.itersiblings(preceding=True):
            if not isinstance(sibling.tag, str) or sibling.tag in NON_CONTENT_TAGS:
                continue
            tokens = set(_tokens(sibling)) | {(sibling.get("itemprop") or "").lower()}
            if tokens & _LEAD_TOKENS:
                return [b for b in self._blocks(sibling)] or [text_of(sibling)]
            if text_of(sibling):
                return []
        return []

    def body_paragraphs(self) -> list[str]:
        return self._body.paragraphs

    @cached_property
    def _body(self) -> Body:
        """The body's paragraphs, the element they came from, and a byline first line taken off them."""
        container, score = self.body_container()
        paragraphs: list[str] = []
        if container is not None and score >= _MIN_BODY_CHARS:
            paragraphs = self._lead_blocks(container) + self._blocks(container)
        if sum(len(p) for p in paragraphs) < _MIN_BODY_CHARS and self._state is not None:
            paragraphs = list(self._state.paragraphs)  # a JavaScript-rendered page: its embedded state
        if sum(len(p) for p in paragraphs) < _MIN_BODY_CHARS:
            fallback = self._trafilatura_paragraphs()
            if sum(map(len, fallback)) > sum(map(len, paragraphs)):
                paragraphs = fallback
        paragraphs = [p for p in paragraphs if not _skip_line(p)]
        # A fallback may start with the headline itself.
        headline = clean_inline(self.title())
        while paragraphs and headline and clean_inline(paragraphs[0]) == headline:
            paragraphs.pop(0)
        if sum(map(len, paragraphs)) < _MIN_TEXT_CHARS:
            paragraphs = []  # a menu word or a stray label is not an article body
        byline_line = None
        if paragraphs and len(paragraphs[0].split()) <= 12 and (match := _BODY_BYLINE.match(paragraphs[0])):
            rest = paragraphs[0][match.end():]
            if any(looks_like_person(n) or split_byline(n)[1] for n in split_names(rest.split(" - ")[0])):
                byline_line = paragraphs.pop(0)
        return Body(paragraphs, container, byline_line)

    @cached_property
    def _state(self) -> StateArticle | None:
        """The article in the page's embedded JavaScript state (:mod:`transforms.state`), for pages whose server
        HTML has little text. Read only when the markup gives too little body."""
        return find_article(self.page.tree, self.title())

    def _state_if_thin(self) -> StateArticle | None:
        container = self._body.container
        if container is not None and _text_len(container) >= _MIN_BODY_CHARS:
            return None
        return self._state

    def _state_authors(self) -> list[str]:
        state = self._state_if_thin()
        return list(state.authors) if state is not None else []

    def _trafilatura_paragraphs(self) -> list[str]:
        import lxml.html
        from trafilatura import bare_extraction  # the slow last resort: import only when needed

        try:
            # Explicit date parameters: by default trafilatura reads the clock even when no metadata is wanted.
            tree = lxml.html.document_fromstring(etree.tostring(self.page.tree, encoding=str))
            result = bare_extraction(tree, url=self.page.url, with_metadata=False,
                                     include_comments=False, include_tables=False,
                                     date_extraction_params=_TRAFILATURA_DATE_PARAMS)
        except Exception:  # noqa: BLE001  trafilatura fails on odd trees; then there is simply no fallback text
            return []
        if result is None:
            return []
        text = result.get("text") if isinstance(result, dict) else getattr(result, "text", None)
        return [clean_inline(line) for line in (text or "").split("\n") if clean_inline(line)]

    def body(self) -> str | None:
        paragraphs = self.body_paragraphs()
        return "\n\n".join(paragraphs) if paragraphs else None

    # -- language and images ----------------------------------------------------------------------------------

    def language(self, title: str | None, body: str | None) -> str | None:
        sample = f"{title or ''} {(body or '')[:3000]}"
        if arabic_letter_ratio(sample) >= 0.5:
            return "ar"
        declared = (self.page.html_lang or self.page.meta_first("og:locale", "inlanguage", "language") or "")
        declared = declared.replace("_", "-").split("-")[0].strip().lower()
        if declared == "ar" and sample.strip() and arabic_letter_ratio(sample) < 0.2:
            return None  # says Arabic, shows something else
        return declared or None

    def images(self) -> list[Image]:
        page = self.page
        images: list[Image] = []
        seen: set[str] = set()

        def add(url: str | None, caption: str | None = None) -> None:
            url = page.absolute(url)
            if url and url not in seen:
                seen.add(url)
                images.append(Image(url=url, caption=clean_inline(caption) or None))

        add(page.meta_first("og:image", "og:image:url", "twitter:image"), page.meta_first("og:image:alt"))
        for obj in self.article_objects:
            for image in _as_list(obj.get("image")):
                if isinstance(image, dict):
                    add(image.get("url") or image.get("contentUrl"), _ld_text(image.get("caption")))
                elif isinstance(image, str):
                    add(image)
        container = self._body.container
        if container is not None:
            for img in container.iter("img"):
                add(img.get("data-src") or img.get("src"), self._caption_for(img))
        return images

    @staticmethod
    def _caption_for(img) -> str | None:
        """The caption of an image: its <figure>'s <figcaption>, else a caption-classed element beside it or beside
        one of its two nearest wrappers (a fixed number of elements per image: 1,000 images stay linear)."""
        node = img
        for _level in range(3):
            parent = node.getparent()
            if parent is None:
                break
            if parent.tag == "figure":
                cap = parent.find(".//figcaption")
                return text_of(cap) if cap is not None else None
            for sibling in parent:
                if sibling is not node and isinstance(sibling.tag, str) and \
                        "cap" in (sibling.get("class") or "").lower():
                    return text_of(sibling)
            if parent.tag not in ("a", "span", "div", "picture") or len(parent) > 12:
                break
            node = parent
        return img.get("alt") or None

    # -- the record -------------------------------------------------------------------------------------------

    def article(self) -> Article:
        title = self.title()
        body = self.body()
        if not title and not body:
            raise NoArticle("the page has neither a title nor body text")
        published = self.published()
        modified = self.modified()
        return Article(
            url=self.page.url,
            canonical_url=self.canonical_url(),
            title=title,
            body=body,
            published_at=published.value if published else None,
            published_raw=published.raw if published else None,
            modified_at=modified.value if modified else None,
            modified_raw=modified.raw if modified else None,
            authors=self.authors(),
            section=self.section(),
            tags=self.tags(),
            language=self.language(title, body),
            images=self.images(),
            agency=self.agency(),
            dateline=self.dateline(),
            title_norm=normalize_for_search(title),
            body_norm=normalize_for_search(body),
            extractor=self.name,
            extractor_version=EXTRACTOR_VERSION,
            source=self.source.key if self.source else None,
            fetched_at=self.fetched_at,
        )


@dataclass(frozen=True, slots=True)
class Body:
    paragraphs: list[str]
    container: object  # the element the paragraphs came from (None: embedded state or trafilatura's fallback)
    byline_line: str | None  # a byline first line taken off the paragraphs ("كتب: فلان")


@dataclass(frozen=True, slots=True)
class Byline:
    authors: tuple[str, ...]
    place: str | None
    agency: str | None


@dataclass(frozen=True, slots=True)
class Shown:
    """A date the page shows: the parsed value, whether it has a time of day, its text and its element."""

    value: datetime
    has_time: bool
    text: str
    element: object
    near: bool = False  # right under the headline, before the body


_CHROME_CLASS = re.compile(r"(?:^|[\s_\-])(?:header|top-?bar|topbar|navbar|masthead|today|site-date|current-date)"
                           r"(?:$|[\s_\-])", re.IGNORECASE)


def _in_page_chrome(el) -> bool:
    """True inside the page's header, navigation or top bar (where sites print today's date)."""
    for node in [el, *el.iterancestors()]:
        if node.tag in ("header", "nav"):
            return True
        if _CHROME_CLASS.search(f"{node.get('class') or ''} {node.get('id') or ''}"):
            return True
    return False


_LIST_TAGS = frozenset(("ul", "ol", "dl", "table"))
_CELL_TAGS = frozenset(("td", "th"))


def _link_heavy(el, length: int | None = None) -> bool:
    """True when most of ``el``'s text is link text (a related-links box, a menu)."""
    length = _text_len(el) if length is None else length
    if not length:
        return True
    return sum(_text_len(a) for a in el.iter("a")) >= 0.6 * length


def _paragraph_like(el) -> bool:
    """A <div>-like element holding one paragraph: text and inline markup only, no image, not mostly links."""
    if not isinstance(el.tag, str) or el.tag in NON_CONTENT_TAGS:
        return False
    for child in el:
        tag = child.tag
        if isinstance(tag, str) and tag not in INLINE_TAGS and tag != "br" and tag not in NON_CONTENT_TAGS:
            return False
        if tag == "img":
            return False
    length = _text_len(el)
    return length > 0 and not _link_heavy(el, length)


def _list_lines(el) -> list[str]:
    """The lines of a list or table inside the body: one per item or row (cells joined by " | ")."""
    lines: list[str] = []
    if el.tag == "table":
        for row in el.iter("tr"):
            cells = [text_of(c) for c in row if isinstance(c.tag, str) and c.tag in _CELL_TAGS]
            line = " | ".join(c for c in cells if c)
            if line:
                lines.append(line)
        return lines
    for item in el.iter("li", "dt", "dd"):
        text = text_of(item)
        if text:
            lines.append(text)
    return lines


_ARTICLE_ID = re.compile(r"\d{3,}|[^/]{25,}|\.html?$|\.php|\.aspx?")
_SECOND_LEVEL = frozenset(("com", "net", "org", "gov", "edu", "co", "ac", "info", "news", "tv"))


def _registrable(host: str) -> str:
    """The registrable part of a host name, near enough for a same-site check: the last two labels, three under a
    country's second-level domains (``ahram.org.eg``, ``bbc.co.uk``)."""
    labels = host.lower().strip(".").removeprefix("www.").split(".")
    if len(labels) >= 3 and len(labels[-1]) == 2 and labels[-2] in _SECOND_LEVEL:
        return ".".join(labels[-3:])
    return ".".join(labels[-2:])


_GENERIC_SITE_WORDS = frozenset(fold_for_compare(w) for w in (
    "موقع", "صحيفة", "جريدة", "بوابة", "قناة", "شبكة", "مجلة", "نت", "الإلكترونية", "الالكترونية", "أونلاين",
    "اونلاين", "news", "online", "net", "com", "the", "tv", "official", "الرسمي"))
_NAME_WORD = re.compile(r"\w+")


@lru_cache(maxsize=4096)
def _core_words_cached(folded: str) -> tuple[str, ...]:
    return tuple(w for w in _NAME_WORD.findall(folded.lower()) if w not in _GENERIC_SITE_WORDS)


def _core_words(folded: str) -> tuple[str, ...]:
    return _core_words_cached(folded)


def _contains_run(haystack: tuple[str, ...], needle: tuple[str, ...]) -> bool:
    n = len(needle)
    return any(haystack[i:i + n] == needle for i in range(len(haystack) - n + 1))


_ARTICLE_CATEGORY = re.compile(r"(?:article|post|entry|story|news)[_\-]?(?:details?[_\-]?)?(?:category|section|cat)\b"
                               r"|(?:category|section)[_\-](?:title|name|label)\b")
_SPACES = re.compile(r"\s+")
_DIGIT = re.compile(r"[0-9\u0660-\u0669\u06f0-\u06f9]")
_NEIGHBOURHOOD_SIZE = 60


def _shows_clock(clocks: set[tuple[int, int]], text: str) -> bool:
    """True when ``text`` shows one of ``clocks`` (hh, mm), on a 24- or a 12-hour dial."""
    dial = {(h % 12, m) for h, m in clocks}
    return any((h % 12, m) in dial for h, m in clock_times(text))


@lru_cache(maxsize=256)
def _site_xpath(expression: str) -> etree.XPath:
    return etree.XPath(expression)


def _text_len(el) -> int:
    """Length of an element's rendered text (whitespace collapsed): a cheap measure for scoring containers."""
    return len(_SPACES.sub(" ", "".join(el.itertext())).strip())


def _inline(el, parts: list[str]) -> None:
    if not isinstance(el.tag, str) or el.tag in NON_CONTENT_TAGS:
        return
    if el.tag == "br":
        parts.append(_BR)
        return
    if el is not None and el.text:
        parts.append(el.text)
    for child in el:
        if isinstance(child.tag, str) and child.tag not in NON_CONTENT_TAGS and not (
                child.tag not in INLINE_TAGS and child.tag != "br" and is_boilerplate(child)):
            _inline(child, parts)
        if child.tail:
            parts.append(child.tail)


MAX_PAGE_CHARS = 8_000_000  # a larger document is not one news article (an archive dump, a runaway page)
_RECURSION_FLOOR = 20_000  # the tree walks recurse once per level; huge_tree pages nest thousands deep


def extract(html: bytes | str, url: str, fetched_at: datetime | None = None,
            source: SourceInfo | None = None) -> Article:
    """Extract one article from a page. Pure: no clock, network or database.

    Every failure is an :class:`ExtractionError` with a reason ``code``: :class:`NotHtml` for binary or non-HTML
    payloads, :class:`EmptyPage` for an empty page, :class:`PageTooLarge` past ``MAX_PAGE_CHARS``,
    :class:`NoArticle` for HTML with neither a title nor body text, and :class:`ExtractorFailed` (chained to
    the cause) when the extractor itself breaks on a page.
    """
    limit = sys.getrecursionlimit()
    if limit < _RECURSION_FLOOR:
        sys.setrecursionlimit(_RECURSION_FLOOR)
    try:
        return _extract(html, url, fetched_at, source)
    except ExtractionError:
        raise
    except Exception as exc:
        raise ExtractorFailed(f"{type(exc).__name__}: {exc}"[:500]) from exc
    finally:
        if limit < _RECURSION_FLOOR:
            sys.setrecursionlimit(limit)


def _extract(html, url, fetched_at, source) -> Article:
    from .sites import REGISTRY

    if len(html) > MAX_PAGE_CHARS:
        raise PageTooLarge(f"the page is {len(html):,} long, over the {MAX_PAGE_CHARS:,} cap")
    text = to_text(html)
    if not text.strip():
        raise EmptyPage("the page is empty")
    page = Page.parse(text, url)
    return REGISTRY.extractor_for(page, fetched_at)(page, fetched_at, source).article()
