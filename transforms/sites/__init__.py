"""Site extractors: a registry from domain to the extractor classes of that site, the generic one as fallback.

A site class subclasses :class:`transforms.extract.GenericExtractor`, names its ``DOMAINS`` and overrides only
what the generic cascade gets wrong for that site (its home ``TIME_ZONE``, its ``BODY_XPATH``, ``SELECTORS`` for any
field, a field method). Site modules are discovered: every module in this package is imported and registers its
classes; a new site is a new file.
One class per site layout: when a site is redesigned, the old class gets ``VALID_UNTIL`` (the last fetch date
its layout applies to) and a new class is added, so old saved pages still parse with the class of their time.

Every class ships with its evidence: ``tests/fixtures/sites/<module>.<Class>.json`` names the saved page, the URL,
the fetch time and the expected value of every field, read off the page by a person. The tests are generated from
this registry and fail for a class without a fixture.

A page is matched to its site by the host it was fetched from, and, when that host is unknown (a mirror, a proxy,
a cache such as ``http://127.0.0.1:8000/www.youm7.com/story/…``), by the host of its ``<link rel=canonical>``,
its ``og:url``, or a host name leading the URL path.
"""

from __future__ import annotations

from datetime import date, datetime

from ..extract import GenericExtractor
from ..page import Page, url_host, url_path


class SiteRegistry:
    """Domain -> the extractor classes of that site, ordered by ``VALID_UNTIL`` (the current layout last)."""

    def __init__(self) -> None:
        self._by_domain: dict[str, list[type[GenericExtractor]]] = {}

    def register(self, cls: type[GenericExtractor]) -> type[GenericExtractor]:
        domains = getattr(cls, "DOMAINS", ())
        if not domains:
            raise ValueError(f"{cls.__name__} names no DOMAINS")
        for domain in domains:
            versions = self._by_domain.setdefault(_bare(domain), [])
            if any(v.VALID_UNTIL == cls.VALID_UNTIL for v in versions):
                raise ValueError(f"two layouts of {domain} with VALID_UNTIL={cls.VALID_UNTIL}")
            versions.append(cls)
            versions.sort(key=lambda v: v.VALID_UNTIL or date.max)
        return cls

    def classes(self) -> list[type[GenericExtractor]]:
        """Every registered class, once each."""
        seen: list[type[GenericExtractor]] = []
        for versions in self._by_domain.values():
            seen.extend(v for v in versions if v not in seen)
        return seen

    def _versions(self, host: str) -> list[type[GenericExtractor]] | None:
        host = _bare(host)
        while host:
            if host in self._by_domain:
                return self._by_domain[host]
            if "." not in host:
                return None
            host = host.split(".", 1)[1]
        return None

    def for_host(self, host: str, fetched_at: datetime | None = None) -> type[GenericExtractor]:
        """The class for ``host`` (or a parent domain) and the fetch date, else the generic extractor."""
        versions = self._versions(host)
        if not versions:
            return GenericExtractor
        if fetched_at is None:
            return versions[-1]  # no fetch date: the current layout
        day = fetched_at.date()
        for cls in versions:
            if cls.VALID_UNTIL is None or day <= cls.VALID_UNTIL:
                return cls
        return versions[-1]

    def extractor_for(self, page: Page, fetched_at: datetime | None = None) -> type[GenericExtractor]:
        """The class for a parsed page: by its URL's host, else the host it says it has (mirrors, proxies)."""
        for host in site_hosts(page):
            if self._versions(host):
                return self.for_host(host, fetched_at)
        return GenericExtractor


def _bare(host: str) -> str:
    return host.lower().strip().rstrip(".").removeprefix("www.")


def site_hosts(page: Page) -> list[str]:
    """Hosts the page may belong to, most direct first: the fetched URL's, a host leading the URL path (a mirror
    serving ``/<original host>/<original path>``), the canonical link's and ``og:url``'s."""
    hosts = [page.host]
    first = url_path(page.url).lstrip("/").split("/", 1)[0].lower()
    if "." in first and not first.endswith((".html", ".htm", ".php", ".asp", ".aspx")) and \
            first.replace(".", "").replace("-", "").isalnum():
        hosts.append(first)
    for link in page.tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split():
            hosts.append(url_host(link.get("href")))
    hosts.append(url_host(page.meta_first("og:url")))
    out: list[str] = []
    for host in hosts:
        host = _bare(host or "")
        if host and host not in out:
            out.append(host)
    return out


REGISTRY = SiteRegistry()
register = REGISTRY.register



def _discover() -> list[str]:
    """Import every module of this package: each registers its classes on import. A new site is a new file."""
    import importlib
    import pkgutil

    names = sorted(m.name for m in pkgutil.iter_modules(__path__) if not m.name.startswith("_"))
    for name in names:
        importlib.import_module(f"{__name__}.{name}")
    return names


SITE_MODULES = _discover()

__all__ = ["REGISTRY", "SITE_MODULES", "SiteRegistry", "register", "site_hosts"]
