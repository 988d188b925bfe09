"""The ``news`` spider: read a source's feeds, fetch every article page, store it raw.

Run as ``scrapy crawl news -a source=KEY -a crawl_run_id=N`` (the pipeline starts it as a subprocess).
Every URL the feed names ends up as one ``RawPage``: a response (any HTTP status) or a recorded fetch error.
"""

from __future__ import annotations

from datetime import UTC, datetime

import scrapy
from scrapy.exceptions import IgnoreRequest
from twisted.internet.error import ConnectionRefusedError, DNSLookupError, TCPTimedOutError, TimeoutError

from akhbar.config import load_settings
from akhbar.sources import get_source
from spiders.items import RawPage


def classify_failure(failure) -> str:
    """A short reason code for a request that got no usable response."""
    exc = failure.value
    text = str(exc)
    if isinstance(exc, IgnoreRequest) and "robots.txt" in text.lower():
        return "robots_disallowed"
    if isinstance(exc, IgnoreRequest):
        return f"ignored: {text}"[:200]
    if isinstance(exc, (TimeoutError, TCPTimedOutError)):
        return "timeout"
    if isinstance(exc, DNSLookupError):
        return "dns_error"
    if isinstance(exc, ConnectionRefusedError):
        return "connection_refused"
    if "maxsize" in text.lower() or "larger than download" in text.lower():
        return "too_large"
    return f"{exc.__class__.__name__}: {text}"[:200]


class NewsSpider(scrapy.Spider):
    name = "news"

    def __init__(self, source: str, crawl_run_id: str, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.source = get_source(load_settings(), source)
        self.crawl_run_id = int(crawl_run_id)
        self.allowed_domains = list(self.source.allowed_domains)
        self.custom_max_pages = self.source.max_pages
        self.scheduled = 0

    @classmethod
    def from_crawler(cls, crawler, *args, **kwargs):
        spider = super().from_crawler(crawler, *args, **kwargs)
        # Per-source politeness from the registry (settings are not frozen yet here).
        crawler.settings.set("DOWNLOAD_DELAY", spider.source.download_delay, priority="spider")
        crawler.settings.set(
            "CONCURRENT_REQUESTS_PER_DOMAIN", spider.source.concurrency_per_domain, priority="spider"
        )
        return spider

    async def start(self):
        for feed_url in self.source.feeds:
            yield scrapy.Request(feed_url, callback=self.parse_feed, errback=self.feed_failed, dont_filter=True)

    def parse_feed(self, response):
        links = response.xpath("//item/link/text()").getall()
        links += response.xpath("//*[local-name()='entry']/*[local-name()='link']/@href").getall()
        for link in links:
            if self.scheduled >= self.source.max_pages:
                self.logger.info("max_pages=%d reached; the rest waits for the next run", self.source.max_pages)
                break
            self.scheduled += 1
            yield response.follow(
                link.strip(),
                callback=self.store_page,
                errback=self.page_failed,
                meta={"handle_httpstatus_all": True, "akhbar_url": response.urljoin(link.strip())},
            )

    def feed_failed(self, failure):
        self.logger.error("feed %s failed: %s", failure.request.url, classify_failure(failure))

    def _page(self, url: str, **fields) -> RawPage:
        return RawPage(
            source_key=self.source.key,
            crawl_run_id=self.crawl_run_id,
            url=url,
            fetched_at=datetime.now(UTC),
            **fields,
        )

    def store_page(self, response):
        headers = {
            k.decode("latin-1"): b", ".join(v).decode("latin-1") for k, v in response.headers.items()
        }
        yield self._page(
            response.meta.get("akhbar_url", response.url),
            final_url=response.url,
            http_status=response.status,
            headers=headers,
            content_type=headers.get("Content-Type"),
            body=response.body,
        )

    def page_failed(self, failure):
        request = failure.request
        yield self._page(request.meta.get("akhbar_url", request.url), fetch_error=classify_failure(failure))
