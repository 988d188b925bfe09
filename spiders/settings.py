"""Scrapy settings. Values that an operator tunes come from akhbar's Settings (the only env reader)."""

from akhbar.config import load_settings

_akhbar = load_settings()

BOT_NAME = "akhbar"
SPIDER_MODULES = ["spiders.spiders"]
NEWSPIDER_MODULE = "spiders.spiders"

# Politeness.
ROBOTSTXT_OBEY = True
# An honest User-Agent that says who crawls and where to reach them.
USER_AGENT = (_akhbar.user_agent if _akhbar.contact_url in _akhbar.user_agent
              else f"{_akhbar.user_agent} (+{_akhbar.contact_url})")
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Requests leave the scheduler in the order they entered it (within a priority): pages newest first, as the
# feeds and sitemaps list them. Scrapy's default queues are LIFO.
SCHEDULER_MEMORY_QUEUE = "scrapy.squeues.FifoMemoryQueue"
SCHEDULER_DISK_QUEUE = "scrapy.squeues.PickleFifoDiskQueue"

# Limits.
DOWNLOAD_TIMEOUT = _akhbar.download_timeout
DOWNLOAD_MAXSIZE = _akhbar.download_maxsize
DOWNLOAD_WARNSIZE = _akhbar.download_maxsize // 4
# Retries with exponential backoff for 5xx, timeouts and broken connections; 429 and 503 wait for Retry-After
# (up to AKHBAR_MAX_RETRY_AFTER). 404 and 410 are never retried.
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]
AKHBAR_RETRY_BACKOFF = 1.0
AKHBAR_RETRY_BACKOFF_MAX = 60.0
AKHBAR_MAX_RETRY_AFTER = 120.0
DOWNLOADER_MIDDLEWARES = {
    "spiders.middlewares.RetryWaitMiddleware": 40,
    "spiders.middlewares.StayOnSiteMiddleware": 55,
    "scrapy.downloadermiddlewares.retry.RetryMiddleware": None,
    "spiders.middlewares.BackoffRetryMiddleware": 550,
}
# Names under .localhost (the loopback mirror) resolve to 127.0.0.1; the rest goes to DNS as usual.
TWISTED_DNS_RESOLVER = "spiders.resolver.LoopbackAwareResolver"

# Raw pages are written in batches (one transaction per batch).
AKHBAR_RAW_BATCH_SIZE = 100
AKHBAR_RAW_BATCH_BYTES = 8 * 1024 * 1024

ITEM_PIPELINES = {"spiders.pipelines.RawPagePipeline": 300}
EXTENSIONS = {"spiders.extensions.StopWithParent": 0}

# Scrapy re-reads and re-parses a generator callback's source (inspect + ast) to warn about `return value`
# whenever its cache misses, and our bound-method callbacks miss it: a fifth of the crawl process's samples
# in a 5,000-page run (py-spy). tests/unit/test_spider_callbacks.py runs the same check once per callback.
WARN_ON_GENERATOR_RETURN_VALUE = False

FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False
LOG_LEVEL = _akhbar.log_level
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
