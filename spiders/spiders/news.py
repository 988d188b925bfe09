"""The ``news`` spider: discover a source's article URLs, fetch the new ones, store them raw.

Run as ``scrapy crawl news -a source=KEY -a crawl_run_id=N`` (the pipeline starts it as a subprocess).

Discovery reads the source's RSS 2.0 / Atom feeds, sitemaps and sitemap indexes (with Google News fields),
and listing pages (links matching ``link_pattern``), each with conditional GET (stored ETag/Last-Modified).
Every article URL discovered ends in exactly one outcome, recorded in ``url_outcomes``:

    fetched, already_had, robots_disallowed, offsite, http_4xx, http_5xx, timeout, too_large, truncated,
    network_error, not_html, blocked (403, 429, a captcha/anti-bot page), deferred (over max_pages, or too
    old for an incremental run)

Before fetching, the URL keys of a discovery document are checked against the database in one query: a key
already stored is not fetched again, unless the sitemap's ``lastmod`` is newer than the stored fetch (then the
page is fetched as a new revision). Pages that were fetched (any status) or failed go to ``raw_pages`` as
before; the spider never extracts article fields.
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from urllib.parse import urlsplit

import scrapy
from scrapy.exceptions import IgnoreRequest

from akhbar import db
from akhbar.config import load_settings
from akhbar.sources import get_source
from spiders.discovery import feed_entries, listing_links, parse_time, sitemap_document
from spiders.items import RawPage, UrlOutcome
from spiders.state import CrawlState
from transforms.urls import url_key

# Status codes the spider handles itself (redirects stay with RedirectMiddleware).
ERROR_CODES = list(range(400, 600))
BLOCKED_CODES = {403, 429}
# Article pages wait behind the discovery documents (priority 0), so every listing is read before its pages.
PAGE_PRIORITY = -1
_BINARY_MAGIC = (b"%PDF", b"\x89PNG", b"GIF8", b"\xff\xd8\xff", b"PK\x03\x04", b"\x1f\x8b", b"RIFF", b"\x00\x00\x01")
_HTML_TYPES = ("html", "xml", "text/plain")
# A challenge page announces itself in its title or its scripts; these markers are strong enough on any page.
_BLOCK_MARKERS = (b"cf-chl", b"challenge-platform", b"_incapsula_resource", b"px-captcha", b"distil_r_captcha",
                  b"checking your browser")
_BLOCK_TITLES = (b"just a moment", b"attention required", b"access denied", b"are you a robot", b"security check")
# Captcha widgets also sit in comment forms of real articles, so they only count on a small page.
_WEAK_MARKERS = (b"captcha", b"cf-turnstile")
_CHALLENGE_MAX = 150_000  # challenge pages are small; bigger pages are not scanned
_SMALL_PAGE = 20_000


def classify_failure(failure) -> tuple[str, str]:
    """(outcome, detail) for a request that got no usable response."""
    exc = failure.value
    name = exc.__class__.__name__
    text = str(exc)
    lowered = text.lower()
    if isinstance(exc, IgnoreRequest) and "robots.txt" in lowered:
        return "robots_disallowed", "forbidden by robots.txt"
    if isinstance(exc, IgnoreRequest) and "offsite" in lowered:
        return "offsite", text[:200]
    if "Timeout" in name or "TimedOut" in name:
        return "timeout", f"{name}: {text}"[:200]
    if "maxsize" in lowered or "max size" in lowered or "larger than download" in lowered:
        return "too_large", text[:200]
    if "DataLoss" in name or "dataloss" in lowered or "_DataLoss" in repr(exc):
        return "truncated", f"{name}: body shorter than announced"[:200]
    if isinstance(exc, IgnoreRequest):
        return "network_error", f"ignored: {text}"[:200]
    return "network_error", f"{name}: {text}"[:200]


def looks_blocked(body: bytes) -> bool:
    """A captcha or anti-bot challenge instead of the page (plain substring tests: this runs on every page)."""
    if len(body) > _CHALLENGE_MAX:
        return False
    head = body[:32768].lower()
    if any(marker in head for marker in _BLOCK_MARKERS):
        return True
    start = head.find(b"<title")
    if start >= 0 and any(title in head[start:start + 160] for title in _BLOCK_TITLES):
        return True
    return len(body) < _SMALL_PAGE and any(marker in head for marker in _WEAK_MARKERS)


def looks_binary(body: bytes, content_type: str | None) -> bool:
    if content_type and not any(t in content_type.lower() for t in _HTML_TYPES):
        return True
    head = body[:512]
    return head.startswith(_BINARY_MAGIC) or b"\x00" in head


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: str, crawl_run_id: str, incremental: str = "auto", *args, **kwargs):
        super().__init__(*args, **kwargs)
        settings = load_settings()
        self.source = get_source(settings, source)
        self.crawl_run_id = int(crawl_run_id)
        self.allowed_domains = list(self.source.allowed_domains)
        self.state = CrawlState(db.database_url(settings), self.source.key, self.crawl_run_id)
        self.incremental = self.state.crawled_before() if incremental == "auto" else incremental in ("1", "true")
        self.validators = self.state.validators()
        self.started_at = datetime.now(UTC)
        self.seen: set[str] = set()  # URL keys discovered in this run (page and discovery documents)
        self.pending: dict[str, tuple[str, str]] = {}  # scheduled pages waiting for their outcome
        self.scheduled = 0
        # Child sitemaps of sitemap indexes, fetched one at a time, newest first, while max_pages has room.
        self.sitemap_queue: list[tuple[str, str, datetime | None]] = []
        self.sitemap_reading: tuple[str, str, datetime | None] | None = None  # the child sitemap requested
        self.counts: Counter = Counter()
        self.not_article_links = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Per-source politeness from the registry (settings are not frozen yet here).
        crawler.settings.set("DOWNLOAD_DELAY", spider.source.download_delay, priority="spider")
        crawler.settings.set("AUTOTHROTTLE_START_DELAY", spider.source.download_delay, priority="spider")
        crawler.settings.set(
            "CONCURRENT_REQUESTS_PER_DOMAIN", spider.source.concurrency_per_domain, priority="spider"
        )
        # Requests handed to the downloader wait there for the per-domain delay, and all of them are still
        # fetched when the time budget closes the crawl: a short queue keeps that close short (16 waiting
        # requests at a 30 s AutoThrottle delay would outlast the close grace).
        crawler.settings.set("CONCURRENT_REQUESTS", max(4, 2 * spider.source.concurrency_per_domain),
                             priority="spider")
        if spider.source.download_timeout is not None:
            crawler.settings.set("DOWNLOAD_TIMEOUT", spider.source.download_timeout, priority="spider")
        if spider.source.download_maxsize is not None:
            crawler.settings.set("DOWNLOAD_MAXSIZE", spider.source.download_maxsize, priority="spider")
        return spider

    def closed(self, reason):
        self.state.close()

    # ---- accounting ----------------------------------------------------------------------------------
    def count_outcome(self, kind: str, outcome: str) -> None:
        self.counts[(kind, outcome)] += 1

    def run_counts(self) -> dict:
        pages = {o: n for (k, o), n in sorted(self.counts.items()) if k == "page"}
        discovery = {f"{k}:{o}": n for (k, o), n in sorted(self.counts.items()) if k != "page"}
        return {"urls_discovered": sum(pages.values()), "outcomes": pages, "discovery": discovery,
                "not_article_links": self.not_article_links, "incremental": self.incremental}

    def _outcome(self, url: str, key: str, kind: str, outcome: str, detail: str | None = None,
                 status: int | None = None, via: str | None = None, lastmod: datetime | None = None) -> UrlOutcome:
        self.count_outcome(kind, outcome)
        return UrlOutcome(self.source.key, self.crawl_run_id, url, key, kind, outcome, datetime.now(UTC),
                          detail, status, via, lastmod)

    def _page(self, meta: dict, outcome: str, detail: str | None = None, **fields) -> RawPage:
        key = meta["akhbar_key"]
        self.pending.pop(key, None)
        self.count_outcome("page", outcome)
        error = fields.pop("fetch_error", None)
        if error is None and outcome not in ("fetched", "not_html", "http_4xx", "http_5xx") and not (
                outcome == "blocked" and fields.get("http_status") in BLOCKED_CODES):
            error = outcome + (f": {detail}" if detail else "")
        return RawPage(source_key=self.source.key, crawl_run_id=self.crawl_run_id, url=meta["akhbar_url"],
                       fetched_at=datetime.now(UTC), url_key=key, outcome=outcome, detail=detail,
                       discovered_via=meta.get("akhbar_via"), lastmod=meta.get("akhbar_lastmod"),
                       fetch_error=error, **fields)

    def _allowed(self, url: str) -> bool:
        host = (urlsplit(url).hostname or "").lower()
        return any(host == d or host.endswith("." + d) for d in self.allowed_domains)

    # ---- discovery -----------------------------------------------------------------------------------
    async def start(self):
        for kind, url in self.source.discovery_urls:
            request = self._discovery_request(url, kind, via=None)
            if request is not None:
                yield request

    def _discovery_request(self, url: str, kind: str, via: str | None, child: bool = False):
        key = url_key(url)
        if key in self.seen and not child:
            return None
        self.seen.add(key)
        headers = {}
        etag, modified, _checked = self.validators.get(url, (None, None, None))
        if etag:
            headers["If-None-Match"] = etag
        if modified:
            headers["If-Modified-Since"] = modified
        return scrapy.Request(url, callback=self.parse_discovery, errback=self.discovery_failed, headers=headers,
                              dont_filter=True, meta={"akhbar_kind": kind, "akhbar_key": key, "akhbar_via": via,
                                                      "akhbar_child": child,
                                                      "handle_httpstatus_list": [304, *ERROR_CODES]})

    def discovery_failed(self, failure):
        meta = failure.request.meta
        outcome, detail = classify_failure(failure)
        self.logger.warning("%s %s: %s (%s)", meta["akhbar_kind"], failure.request.url, outcome, detail)
        yield self._outcome(failure.request.url, meta["akhbar_key"], meta["akhbar_kind"], outcome, detail,
                            via=meta.get("akhbar_via"))
        if meta.get("akhbar_child"):
            yield from self._child_done()

    def parse_discovery(self, response):
        yield from self._parse_discovery(response)
        if response.meta.get("akhbar_child"):
            yield from self._child_done()

    def _child_done(self):
        self.sitemap_reading = None
        yield from self._next_child_sitemap()

    def unread_sitemaps(self) -> list[tuple[str, str, datetime | None]]:
        """Child sitemaps queued or requested but not read (when the crawl stops early)."""
        return ([self.sitemap_reading] if self.sitemap_reading else []) + self.sitemap_queue

    def _next_child_sitemap(self):
        """Request the next child sitemap while max_pages has room; once it is full, defer the rest unread."""
        while self.sitemap_queue and self.sitemap_reading is None:
            url, via, lastmod = self.sitemap_queue.pop(0)
            if self.scheduled >= self.source.max_pages:
                yield self._outcome(url, url_key(url), "sitemap", "deferred",
                                    f"max_pages={self.source.max_pages} reached before this sitemap was read",
                                    via=via, lastmod=lastmod)
                continue
            self.sitemap_reading = (url, via, lastmod)
            yield self._discovery_request(url, "sitemap", via=via, child=True)

    def _parse_discovery(self, response):
        meta = response.meta
        kind, key, url = meta["akhbar_kind"], meta["akhbar_key"], response.request.url
        now = datetime.now(UTC)
        if response.status == 304:
            self.state.save_validators(url, None, None, 304, now)
            yield self._outcome(url, key, kind, "not_modified", "304 Not Modified", 304, meta.get("akhbar_via"))
            return
        if response.status >= 400:
            outcome = ("blocked" if response.status in BLOCKED_CODES or looks_blocked(response.body)
                       else "http_4xx" if response.status < 500 else "http_5xx")
            yield self._outcome(url, key, kind, outcome, f"HTTP {response.status}", response.status,
                                meta.get("akhbar_via"))
            return
        etag = response.headers.get(b"ETag")
        modified = response.headers.get(b"Last-Modified")
        self.state.save_validators(url, etag.decode("latin-1") if etag else None,
                                   modified.decode("latin-1") if modified else None, response.status, now)
        yield self._outcome(url, key, kind, "fetched", None, response.status, meta.get("akhbar_via"))
        if kind == "feed":
            entries = feed_entries(response)
        elif kind == "sitemap":
            entries = yield from self._sitemap_entries(response)
        else:
            entries = self._listing_entries(response)
        yield from self._schedule(entries, via=url)

    def _sitemap_entries(self, response):
        """Page entries of a urlset; for a sitemap index, requests for the child sitemaps that changed."""
        sitemap = sitemap_document(response.body, self.crawler.settings.getint("DOWNLOAD_MAXSIZE"))
        if sitemap.type == "sitemapindex":
            recent = self.started_at - timedelta(days=self.source.sitemap_recent_days)
            children = []
            for entry in sitemap:
                child = response.urljoin(entry["loc"])
                key = url_key(child)
                if key in self.seen:
                    continue
                self.seen.add(key)
                lastmod = parse_time(entry.get("lastmod"))
                checked = self.validators.get(child, (None, None, None))[2]
                if self.incremental and lastmod and checked and lastmod <= checked:
                    yield self._outcome(child, key, "sitemap", "not_modified",
                                        f"lastmod {lastmod.isoformat()} not after the last check",
                                        via=response.url, lastmod=lastmod)
                    continue
                if self.incremental and lastmod and lastmod < recent:
                    # Every entry of it would be deferred as too old: an incremental run does not read it.
                    yield self._outcome(child, key, "sitemap", "deferred",
                                        f"lastmod older than {self.source.sitemap_recent_days} days on an "
                                        "incremental run", via=response.url, lastmod=lastmod)
                    continue
                children.append((child, response.url, lastmod))
            # Newest first (undated children after the dated ones, in the index's order), so that max_pages
            # takes the freshest articles and a big index is not read whole on every run.
            oldest = datetime.min.replace(tzinfo=UTC)
            children.sort(key=lambda c: c[2] or oldest, reverse=True)
            self.sitemap_queue = sorted(self.sitemap_queue + children, key=lambda c: c[2] or oldest, reverse=True)
            yield from self._next_child_sitemap()
            return []
        entries = []
        for entry in sitemap:
            lastmod = parse_time(entry.get("lastmod")) or parse_time(entry.get("news_publication_date"))
            entries.append((response.urljoin(entry["loc"]), lastmod))
        return entries

    def _listing_entries(self, response) -> list[tuple[str, None]]:
        pattern = self.source.link_pattern or "|".join(self.source.article_patterns)
        return [(link, None) for link in listing_links(response, pattern)]

    def _schedule(self, entries, via: str):
        """Outcomes for URLs not to fetch, requests for the rest. One database query for the whole batch."""
        fresh = []
        for url, lastmod in entries:
            if not self.source.is_article_url(url):
                self.not_article_links += 1
                continue
            key = url_key(url)
            if key in self.seen:
                continue
            self.seen.add(key)
            fresh.append((url, key, lastmod))
        known = self.state.known([key for _url, key, _lastmod in fresh])
        recent = self.started_at - timedelta(days=self.source.sitemap_recent_days)
        # Newest first, so that max_pages keeps the freshest articles.
        fresh.sort(key=lambda e: e[2] or self.started_at, reverse=True)
        for url, key, lastmod in fresh:
            if not self._allowed(url):
                yield self._outcome(url, key, "page", "offsite", "outside allowed_domains", via=via, lastmod=lastmod)
                continue
            stored_at = known.get(key)
            if stored_at is not None and not (lastmod and lastmod > stored_at):
                yield self._outcome(url, key, "page", "already_had", None, via=via, lastmod=lastmod)
                continue
            if stored_at is None and self.incremental and lastmod and lastmod < recent:
                yield self._outcome(url, key, "page", "deferred",
                                    f"lastmod older than {self.source.sitemap_recent_days} days on an incremental run",
                                    via=via, lastmod=lastmod)
                continue
            if self.scheduled >= self.source.max_pages:
                yield self._outcome(url, key, "page", "deferred", f"max_pages={self.source.max_pages} reached",
                                    via=via, lastmod=lastmod)
                continue
            self.scheduled += 1
            self.pending[key] = (url, via)
            # Pages are fetched in the order they were scheduled (newest first): the scheduler's queues are FIFO
            # (settings.SCHEDULER_MEMORY_QUEUE; Scrapy's default LIFO would spend a time budget on the oldest
            # child sitemap's pages). One priority for every page, below the discovery documents': Scrapy keeps a
            # queue per priority and scans them all on each pop, so a priority per request made the crawl
            # quadratic (a 100,000-page crawl slowed to 10 pages a second).
            yield scrapy.Request(url, callback=self.store_page, errback=self.page_failed, dont_filter=True,
                                 priority=PAGE_PRIORITY, meta={
                "akhbar_url": url, "akhbar_key": key, "akhbar_via": via, "akhbar_lastmod": lastmod,
                "akhbar_revision": stored_at is not None, "handle_httpstatus_list": ERROR_CODES})

    # ---- pages ---------------------------------------------------------------------------------------
    def store_page(self, response):
        headers = {k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()}
        content_type = headers.get("Content-Type")
        status, body = response.status, response.body
        detail = None
        challenge = status in (200, 403, 429, 503) and looks_blocked(body)
        if status in BLOCKED_CODES or challenge:
            outcome = "blocked"
            detail = f"HTTP {status}" + (" with a captcha/anti-bot page" if challenge else "")
            if response.meta.get("akhbar_retry_after"):
                detail += f"; Retry-After {response.meta['akhbar_retry_after']:.0f} s"
        elif status >= 500:
            outcome, detail = "http_5xx", f"HTTP {status} after {response.meta.get('retry_times', 0)} retries"
        elif status >= 400:
            outcome, detail = "http_4xx", f"HTTP {status}"
        elif body and looks_binary(body, content_type):
            outcome, detail = "not_html", f"binary body served as {content_type}" if content_type else "binary body"
        else:
            outcome = "fetched"
            if response.meta.get("akhbar_revision"):
                detail = "re-fetched: sitemap lastmod newer than the stored fetch"
        yield self._page(response.meta, outcome, detail, final_url=response.url, http_status=status,
                         headers=headers, content_type=content_type, body=body)

    def page_failed(self, failure):
        outcome, detail = classify_failure(failure)
        yield self._page(failure.request.meta, outcome, detail, fetch_error=outcome if outcome in (
            "robots_disallowed", "timeout") else None)
