"""Scrapy settings. Values that an operator tunes come from akhbar's Settings (the only env reader)."""

from akhbar.config import load_settings

_akhbar = load_settings()

BOT_NAME = "akhbar"
SPIDER_MODULES = ["spiders.spiders"]
NEWSPIDER_MODULE = "spiders.spiders"

# Politeness.
ROBOTSTXT_OBEY = True
USER_AGENT = _akhbar.user_agent
CONCURRENT_REQUESTS = 16
CONCURRENT_REQUESTS_PER_DOMAIN = 4
DOWNLOAD_DELAY = 0.5
AUTOTHROTTLE_ENABLED = True
AUTOTHROTTLE_START_DELAY = 0.5
AUTOTHROTTLE_MAX_DELAY = 30.0
AUTOTHROTTLE_TARGET_CONCURRENCY = 2.0

# Limits.
DOWNLOAD_TIMEOUT = _akhbar.download_timeout
DOWNLOAD_MAXSIZE = _akhbar.download_maxsize
DOWNLOAD_WARNSIZE = _akhbar.download_maxsize // 4
RETRY_ENABLED = True
RETRY_TIMES = 2
RETRY_HTTP_CODES = [500, 502, 503, 504, 522, 524, 408, 429]

ITEM_PIPELINES = {"spiders.pipelines.RawPagePipeline": 300}

FEED_EXPORT_ENCODING = "utf-8"
TELNETCONSOLE_ENABLED = False
COOKIES_ENABLED = False
LOG_LEVEL = _akhbar.log_level
REQUEST_FINGERPRINTER_IMPLEMENTATION = "2.7"
