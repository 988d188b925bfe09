"""``akhbar sources check [KEY]``: fetch a source's robots.txt and discovery URLs live and say what they hold.

Meant for a person with internet access who wants to know whether a registry entry (``verified = false``)
still matches what the site publishes. Nothing is stored. Names under ``.localhost`` are sent to 127.0.0.1
with their Host header (the loopback mirror), as the crawler does.
"""

from __future__ import annotations

import urllib.error
import urllib.request
from dataclasses import dataclass, field
from urllib.parse import urlsplit, urlunsplit

from akhbar.config import Settings
from akhbar.sources import Source


@dataclass
class Fetched:
    url: str
    status: int | None
    content_type: str = ""
    body: bytes = b""
    error: str | None = None


@dataclass
class DiscoveryReport:
    kind: str
    url: str
    status: int | None
    document: str = ""  # rss, atom, sitemapindex, urlset, html, or what else came
    entries: int = 0
    articles: int = 0
    newest: str | None = None
    sample: str | None = None
    robots_allowed: bool = True
    error: str | None = None

    @property
    def ok(self) -> bool:
        return self.status == 200 and self.robots_allowed and (self.articles > 0 or self.document == "sitemapindex")

    def line(self) -> str:
        verdict = "OK  " if self.ok else "FAIL"
        what = self.error or (f"{self.document or '?'}: {self.entries} entries, {self.articles} articles"
                              + (f", newest {self.newest}" if self.newest else ""))
        if not self.robots_allowed:
            what += "; disallowed by robots.txt"
        return f"  {verdict} {self.kind:<8} {self.status or '---'}  {self.url}\n         {what}" + (
            f"\n         e.g. {self.sample}" if self.sample else "")


@dataclass
class SourceReport:
    source: Source
    robots_status: int | None = None
    robots_sitemaps: list[str] = field(default_factory=list)
    discovery: list[DiscoveryReport] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return bool(self.discovery) and all(d.ok for d in self.discovery)

    def lines(self) -> list[str]:
        s = self.source
        out = [f"{s.key}: {s.name} ({s.country}, verified={str(s.verified).lower()})",
               f"  robots.txt {self.robots_status or '---'}"
               + (f"; sitemaps named there: {', '.join(self.robots_sitemaps)}" if self.robots_sitemaps else "")]
        out += [d.line() for d in self.discovery]
        out.append(f"  => {'all discovery URLs answer' if self.ok else 'needs attention'}")
        return out


def _loopback(url: str) -> tuple[str, dict[str, str]]:
    parts = urlsplit(url)
    host = parts.hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        netloc = "127.0.0.1" + (f":{parts.port}" if parts.port else "")
        return urlunsplit(parts._replace(netloc=netloc)), {"Host": parts.netloc}
    return url, {}


def fetch(url: str, settings: Settings) -> Fetched:
    target, headers = _loopback(url)
    headers["User-Agent"] = settings.user_agent
    request = urllib.request.Request(target, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=settings.download_timeout) as response:
            body = response.read(settings.download_maxsize + 1)
            if len(body) > settings.download_maxsize:
                return Fetched(url, response.status, error=f"larger than {settings.download_maxsize} bytes")
            return Fetched(url, response.status, response.headers.get("Content-Type", ""), body)
    except urllib.error.HTTPError as exc:
        return Fetched(url, exc.code, exc.headers.get("Content-Type", ""), b"", f"HTTP {exc.code}")
    except (urllib.error.URLError, TimeoutError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        return Fetched(url, None, error=f"{exc.__class__.__name__}: {reason}")


def analyse(kind: str, fetched: Fetched, source: Source, robots) -> DiscoveryReport:
    """What a discovery document holds, read with the crawler's own parsers."""
    from scrapy.http import HtmlResponse, XmlResponse

    from spiders.discovery import feed_entries, listing_links, parse_time, sitemap_document

    report = DiscoveryReport(kind, fetched.url, fetched.status, error=fetched.error)
    if robots is not None:
        report.robots_allowed = robots.can_fetch(fetched.url, "*")
    if fetched.error or fetched.status != 200:
        return report
    body = fetched.body
    head = body[:2048].lower()
    try:
        if b"<urlset" in head or b"<sitemapindex" in head or body[:2] == b"\x1f\x8b":
            sitemap = sitemap_document(body)
            report.document = sitemap.type
            entries = [(e["loc"], parse_time(e.get("lastmod") or e.get("news_publication_date"))) for e in sitemap]
        elif b"<rss" in head or b"<feed" in head or b"<rdf" in head:
            report.document = "atom" if b"<feed" in head else "rss"
            entries = feed_entries(XmlResponse(fetched.url, body=body))
        else:
            report.document = "html"
            pattern = source.link_pattern or "|".join(source.article_patterns) or "."
            entries = [(u, None) for u in listing_links(HtmlResponse(fetched.url, body=body), pattern)]
    except Exception as exc:  # noqa: BLE001 (a broken document is a finding, not a crash)
        report.error = f"could not parse: {exc.__class__.__name__}: {exc}"[:200]
        return report
    report.entries = len(entries)
    articles = [u for u, _ in entries if source.is_article_url(u)] if report.document != "sitemapindex" else []
    report.articles = len(articles)
    dates = [d for _u, d in entries if d]
    report.newest = max(dates).isoformat() if dates else None
    if report.document == "sitemapindex" and entries:  # the newest child sitemap, checked next
        report.sample = max(entries, key=lambda e: e[1].timestamp() if e[1] else 0)[0]
    else:
        report.sample = articles[0] if articles else (entries[0][0] if entries else None)
    return report


def check_source(source: Source, settings: Settings) -> SourceReport:
    from protego import Protego
    from scrapy.utils.sitemap import sitemap_urls_from_robots

    report = SourceReport(source)
    home = urlsplit(source.home_url)
    robots_url = f"{home.scheme}://{home.netloc}/robots.txt"
    robots_fetch = fetch(robots_url, settings)
    report.robots_status = robots_fetch.status
    robots = None
    if robots_fetch.status == 200:
        robots = Protego.parse(robots_fetch.body.decode("utf-8", "replace"))
        report.robots_sitemaps = list(sitemap_urls_from_robots(robots_fetch.body, base_url=robots_url))
    for kind, url in source.discovery_urls:
        same_host = urlsplit(url).netloc == home.netloc
        found = analyse(kind, fetch(url, settings), source, robots if same_host else None)
        report.discovery.append(found)
        if found.document == "sitemapindex" and found.sample:
            child_robots = robots if urlsplit(found.sample).netloc == home.netloc else None
            report.discovery.append(analyse("child", fetch(found.sample, settings), source, child_robots))
    return report
