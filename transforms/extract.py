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

import re
import sys
from collections.abc import Mapping
from datetime import date, datetime, tzinfo
from functools import cached_property
from types import MappingProxyType
from typing import ClassVar

from lxml import etree

from .article import Article
from .dates import (
    UTC,
    parse_machine_date,
    zone,
)
from .decode import to_text
from .dom import (
    contains_run,
    core_words,
    ld_text,
    site_xpath,
)
from .errors import EmptyPage, ExtractionError, ExtractorFailed, NoArticle, PageTooLarge
from .fields.body import BodyField
from .fields.dates import DateFields
from .fields.media import MediaField
from .fields.people import PeopleField
from .fields.taxonomy import TaxonomyField
from .fields.title import TitleField
from .fields.urls import CanonicalField
from .normalize import clean_inline, fold_for_compare, normalize_for_search
from .page import Page, ld_types, text_of
from .selectors import (
    ARTICLE_TYPES,
)
from .source import SourceInfo

EXTRACTOR_VERSION = "0.3.0"


class GenericExtractor(TitleField, CanonicalField, DateFields, PeopleField, TaxonomyField, BodyField, MediaField):
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
        for item in site_xpath(xpath)(self.page.tree):
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
                names.add(ld_text(obj.get("name")))
        for obj in self.article_objects:
            names.add(ld_text(obj.get("publisher")))
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
        words = core_words(folded)
        for name in names:
            core = core_words(name)
            if not core or not words:
                continue
            if words == core:
                return True
            if len(words) >= 2 and contains_run(core, words):
                return True
        compact = re.sub(r"[\W_]+", "", folded)
        host = self.page.host.replace(".", "")
        return len(compact) >= 3 and compact.isascii() and (compact in host or any(
            label in compact for label in self.page.host.split(".") if len(label) > 2 and label != "com"))

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
    if len(text) > MAX_PAGE_CHARS:
        raise PageTooLarge(f"the page is {len(text):,} characters long once decoded, over the {MAX_PAGE_CHARS:,} cap")
    if not text.strip():
        raise EmptyPage("the page is empty")
    page = Page.parse(text, url)
    return REGISTRY.extractor_for(page, fetched_at)(page, fetched_at, source).article()
