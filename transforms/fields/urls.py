"""The canonical URL, when the page's own claim can be trusted."""

from __future__ import annotations

from functools import cached_property
from urllib.parse import urlsplit

from ..dom import (
    registrable,
)
from ..page import url_path
from ..selectors import (
    ARTICLE_ID,
)


class CanonicalField:
    """The canonical URL, when the page's own claim can be trusted. (a part of :class:`transforms.extract.GenericExtractor`)."""

    def canonical_url(self) -> str:
        return self._canonical_url

    @cached_property
    def _canonical_url(self) -> str:
        page = self.page
        declared = []
        for link in page.tree.iter("link"):
            if "canonical" in (link.get("rel") or "").lower().split():
                declared.append(page.absolute(link.get("href")))
        declared.append(page.absolute(page.meta_first("og:url")))
        for href in declared:
            if href and self._trusted_canonical(href):
                return href
        return page.url

    def _trusted_canonical(self, href: str) -> bool:
        """A canonical link is believed unless it points at the home page or a section above this page (which
        would fold every article of a site onto one key), or off the site's domains."""
        try:
            target, here = urlsplit(href), urlsplit(self.page.url)
            target_host = (target.hostname or "").lower()
            target.port  # noqa: B018  a port out of range raises: such a link is not an address
        except ValueError:
            return False
        if target.scheme not in ("http", "https") or not target_host:
            return False
        segments = [x for x in target.path.split("/") if x]
        page_segments = [x for x in here.path.split("/") if x]
        if not segments and not target.query and (page_segments or here.query):
            return False  # the home page
        if len(segments) < len(page_segments) and page_segments[:len(segments)] == segments and \
                not target.query and len(segments) <= 2 and not any(ARTICLE_ID.search(x) for x in segments):
            return False  # a section the page sits in ("/ar/news" for "/ar/news/2018/…/story.html")
        return registrable(target_host) in self._site_domains()

    def _site_domains(self) -> set[str]:
        from ..sites import site_hosts  # the hosts a page may belong to (its own, a mirrored one in its path)

        hosts = {self.page.host}
        first = url_path(self.page.url).lstrip("/").split("/", 1)[0].lower()
        if "." in first:
            hosts.add(first)
        if self.source is not None and "." in self.source.key:
            hosts.add(self.source.key)
        domains = {registrable(h) for h in hosts if h}
        if self.page.host in ("localhost", "127.0.0.1", "::1") or self.page.host.replace(".", "").isdigit():
            domains |= {registrable(h) for h in site_hosts(self.page)}  # a loopback mirror or a bare IP
        return domains
