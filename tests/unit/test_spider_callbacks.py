"""The check Scrapy's WARN_ON_GENERATOR_RETURN_VALUE makes on every response (spiders/settings.py turns it off,
for its cost), made once here: no callback or errback of the news spider is a generator that returns a value,
which Scrapy would silently drop. (Helpers such as ``_sitemap_entries`` return values to ``yield from`` on
purpose; they are not callbacks.)"""

import inspect
import re

from scrapy.utils.misc import is_generator_with_return_value

from spiders.spiders.news import NewsSpider


def test_no_callback_of_the_spider_returns_a_value():
    callbacks = set(re.findall(r"(?:callback|errback)=self\.(\w+)", inspect.getsource(NewsSpider)))
    assert callbacks == {"parse_discovery", "discovery_failed", "store_page", "page_failed"}
    assert [name for name in sorted(callbacks) if is_generator_with_return_value(getattr(NewsSpider, name))] == []


def test_the_check_finds_a_generator_that_returns_a_value():
    def callback(response):
        yield response
        return "dropped"

    assert is_generator_with_return_value(callback)


def test_scrapy_setting_is_off():
    from spiders import settings

    assert settings.WARN_ON_GENERATOR_RETURN_VALUE is False
