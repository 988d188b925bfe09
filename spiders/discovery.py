"""Reading discovery documents: RSS 2.0 and Atom feeds, sitemaps and sitemap indexes (with the Google News
fields), and listing pages. Used by the ``news`` spider and by ``akhbar sources check``; no I/O here."""

from __future__ import annotations

from datetime import UTC, datetime
from email.utils import parsedate_to_datetime

from scrapy.linkextractors import LinkExtractor
from scrapy.utils.gz import gunzip
from scrapy.utils.sitemap import Sitemap

NEWS_NS = "http://www.google.com/schemas/sitemap-news/"


class NewsSitemap(Sitemap):
    """Scrapy's Sitemap parser, also keeping the Google News fields (``news:publication_date``,
    ``news:title``), which its generic element walk drops because they are nested."""

    __slots__ = ()

    def _process_sitemap_element(self, elem):
        news = {}
        for el in elem.iter():
            tag = el.tag if isinstance(el.tag, str) else ""
            if tag.startswith("{" + NEWS_NS):
                name = tag.rpartition("}")[2]
                if name in ("publication_date", "title") and el.text:
                    news["news_" + name] = el.text.strip()
        entry = super()._process_sitemap_element(elem)
        if entry is not None:
            entry.pop("news", None)
            entry.update(news)
        return entry


def parse_time(text: str | None) -> datetime | None:
    """A sitemap (W3C/ISO 8601) or feed (RFC 822) date as an aware datetime, or None."""
    if not text:
        return None
    text = text.strip()
    try:
        value = datetime.fromisoformat(text)
    except ValueError:
        try:
            value = parsedate_to_datetime(text)
        except (TypeError, ValueError, IndexError):
            return None
    return value if value.tzinfo else value.replace(tzinfo=UTC)


def sitemap_document(body: bytes, max_size: int = 0) -> NewsSitemap:
    """The parsed sitemap or sitemap index (gzip-compressed bodies are unpacked first)."""
    if body[:2] == b"\x1f\x8b":
        body = gunzip(body, max_size=max_size)
    return NewsSitemap(body)


def feed_entries(response) -> list[tuple[str, datetime | None]]:
    """(url, lastmod) of each RSS 2.0 item or Atom entry; Atom's <updated> counts as lastmod."""
    entries = []
    for item in response.xpath("//*[local-name()='item']"):
        link = item.xpath("./*[local-name()='link']/text()").get() or item.xpath(
            "./*[local-name()='guid'][not(@isPermaLink='false')]/text()").get()
        if link and link.strip():
            entries.append((response.urljoin(link.strip()), None))
    for entry in response.xpath("//*[local-name()='entry']"):
        link = (entry.xpath("./*[local-name()='link'][@rel='alternate']/@href").get()
                or entry.xpath("./*[local-name()='link'][not(@rel)]/@href").get())
        if link and link.strip():
            updated = entry.xpath("./*[local-name()='updated']/text()").get()
            entries.append((response.urljoin(link.strip()), parse_time(updated)))
    return entries


def listing_links(response, pattern: str) -> list[str]:
    """Absolute URLs of the links on a listing page that match ``pattern``."""
    return [link.url for link in LinkExtractor(allow=pattern, unique=True).extract_links(response)]
