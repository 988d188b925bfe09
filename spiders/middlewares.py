"""Downloader middlewares: staying on the allowed domains after redirects, retries with exponential backoff,
and Retry-After for 429 and 503.

404 and 410 are never retried (they are not in RETRY_HTTP_CODES). A Retry-After longer than
``AKHBAR_MAX_RETRY_AFTER`` seconds is not waited for: the response goes to the spider, which records the URL
as blocked (429) or 5xx (503), and a later run tries again.
"""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from urllib.parse import urlsplit

from scrapy import Request
from scrapy.downloadermiddlewares.retry import RetryMiddleware
from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy.utils.response import response_status_message


def retry_after_seconds(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date), or None."""
    if not value:
        return None
    text = value.decode("latin-1") if isinstance(value, bytes) else value
    text = text.strip()
    if text.isdigit():
        return float(text)
    try:
        when = parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return max(0.0, (when - (now or datetime.now(UTC))).total_seconds())


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's RetryMiddleware, with a wait before each retry: Retry-After when given, else backoff."""

    def __init__(self, settings):
        super().__init__(settings)
        self.backoff_base = settings.getfloat("AKHBAR_RETRY_BACKOFF", 1.0)
        self.backoff_max = settings.getfloat("AKHBAR_RETRY_BACKOFF_MAX", 60.0)
        self.max_retry_after = settings.getfloat("AKHBAR_MAX_RETRY_AFTER", 120.0)

    def _backoff(self, request: Request) -> float:
        attempt = request.meta.get("retry_times", 1)
        return min(self.backoff_max, self.backoff_base * 2 ** (attempt - 1))

    def process_response(self, request, response, spider=None):
        if request.meta.get("dont_retry", False) or response.status not in self.retry_http_codes:
            return response
        wait = None
        if response.status in (429, 503):
            wait = retry_after_seconds(response.headers.get(b"Retry-After"))
            if wait is not None and wait > self.max_retry_after:
                request.meta["akhbar_retry_after"] = wait
                return response
        retry = self._retry(request, response_status_message(response.status))
        if retry is None:
            return response
        retry.meta["akhbar_wait"] = wait if wait is not None else self._backoff(retry)
        return retry

    def process_exception(self, request, exception, spider=None):
        if not isinstance(exception, self.exceptions_to_retry) or request.meta.get("dont_retry", False):
            return None
        retry = self._retry(request, exception)
        if isinstance(retry, Request):
            retry.meta["akhbar_wait"] = self._backoff(retry)
        return retry


class RetryWaitMiddleware:
    """Holds a retried request back for the wait the retry middleware chose."""

    async def process_request(self, request):
        wait = request.meta.pop("akhbar_wait", None)
        if wait:
            from twisted.internet import reactor
            from twisted.internet.task import deferLater

            await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))


class StayOnSiteMiddleware:
    """Refuses a request outside the spider's allowed domains, including one a redirect leads to.

    The spider's requests carry ``dont_filter`` (it deduplicates by URL key itself, and a request Scrapy drops
    silently would lose its outcome), which also switches off Scrapy's own offsite check; this one raises
    IgnoreRequest in the downloader, so the request's errback records the URL as offsite.
    """

    def __init__(self, crawler):
        self.crawler = crawler

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_request(self, request):
        domains = getattr(self.crawler.spider, "allowed_domains", None)
        if not domains or "robots.txt" in request.url.rsplit("/", 1)[-1]:
            return
        host = (urlsplit(request.url).hostname or "").lower()
        if any(host == d or host.endswith("." + d) for d in domains):
            return
        how = " after a redirect from " + request.meta["redirect_urls"][0] if request.meta.get("redirect_urls") else ""
        raise IgnoreRequest(f"Filtered offsite request to {host!r}{how}")
