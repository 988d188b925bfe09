"""A loopback mirror of several news sources, told apart by the Host header (``<name>.localhost``).

The demo site serves it beside the ``demo`` source: a request whose host is one of :data:`HOSTS` goes here,
anything else to the demo pages. Each mirror source publishes its discovery documents the way real sites do:

- ``masr.localhost`` (an Egyptian-style site): an RSS 2.0 feed, robots.txt, and the misbehaving pages.
- ``sham.localhost`` (a Levantine site): an Atom feed and a listing page whose links match a pattern.
- ``khaleej.localhost`` (a Gulf site): a sitemap index (named in robots.txt) with a Google News sitemap and a
  monthly sitemap carrying ``lastmod``.
- ``blocked.localhost``: a site that blocks crawlers: its RSS feed answers, but every article page is a 403, a
  captcha page (status 200) or a 429 with a Retry-After of an hour (the ``blocked`` health verdict).
- ``redesign.localhost``: a site whose pages name lbcgroup.tv as their canonical home, after a redesign that the
  LBCI site class (``transforms/sites/lbcgroup.py``) does not know: the first paragraph is where the class looks
  for the body, the rest moved to a sibling block. Our body is one paragraph; trafilatura reads them all (the
  second opinion's ``broken_extractor`` verdict). The words are synthetic; the markup follows LBCI's.
- ``bench.localhost``: a sitemap of :data:`BENCH_PAGES` small article pages, for ``bench/crawl.py``.
- ``elsewhere.localhost``: a site outside every source's allowed domains (the target of an offsite redirect).
- ``bench.localhost`` also serves the same pages through a sitemap index (``/sitemap_index.xml``) of
  :data:`BENCH_PARTS` child sitemaps, listed oldest first, the newest (``part-20``, lastmod ``PUBLISHED``)
  holding the highest page numbers (``tests/integration/test_crawl_process.py``).
- ``control.localhost``: ``/log`` (every request served, as JSON), ``/reset``, ``/bump?host=&path=``, which
  publishes a new revision of a page (new body, newer ``lastmod``, new ETag on the documents that list it), and
  ``/publish?path=&lastmod=``, which adds an entry to khaleej's monthly sitemap.

Feeds, sitemaps and listing pages answer conditional GET (ETag and Last-Modified, 304 when unchanged).
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime, parsedate_to_datetime
from urllib.parse import parse_qs, urlsplit
from xml.sax.saxutils import escape

from akhbar.config import DEMO_PAGES_DIR

FIXTURES_DIR = DEMO_PAGES_DIR.parent
HOSTS = ("masr.localhost", "sham.localhost", "khaleej.localhost", "blocked.localhost", "redesign.localhost",
         "bench.localhost", "elsewhere.localhost", "control.localhost")
BENCH_PAGES = 2000
PUBLISHED = datetime(2026, 1, 8, 9, 30, tzinfo=UTC)
OLD = datetime(2020, 3, 17, 8, 0, tzinfo=UTC)
SLOW_SECONDS = 4.0
HUGE_BYTES = 3 * 1024 * 1024
BENCH_PARTS = 20  # child sitemaps of bench.localhost's sitemap index, BENCH_PAGES // BENCH_PARTS pages each

CAPTCHA_PAGE = (
    b"<!DOCTYPE html><html><head><title>Just a moment...</title></head><body>"
    b"<h1>Checking your browser before accessing the site</h1>"
    b'<div class="cf-turnstile g-recaptcha" data-sitekey="x"></div>'
    b"<p>Please complete the security check (captcha) to continue.</p></body></html>"
)
PNG_BYTES = (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x10\x00\x00\x00\x10\x08\x06\x00\x00\x00"
             + bytes(range(256)) * 8)

# The article pages masr.localhost's RSS feed lists, each misbehaving in its own way (see Mirror.render).
MASR_PAGES = [
    "/news/2026/01/08/1001", "/news/2026/01/08/1002", "/news/2026/01/08/1003",
    "/news/2026/01/08/flaky-500",  # 500, 500, then 200
    "/news/2026/01/08/busy-429",  # 429 with Retry-After: 1, then 200
    "/news/2026/01/08/cp1256",  # windows-1256, no charset declared anywhere
    "/news/2026/01/08/slow",  # answers after SLOW_SECONDS
    "/news/2026/01/08/truncated",  # announces more bytes than it sends, then hangs up
    "/news/2026/01/08/huge",  # HUGE_BYTES
    "/news/2026/01/08/moved",  # 302 to elsewhere.localhost
    "/private/2026/01/08/members",  # disallowed by robots.txt
    "/news/2026/01/08/missing",  # 404
    "/news/2026/01/08/removed",  # 410
    "/news/2026/01/08/down",  # 503 every time, no Retry-After
    "/news/2026/01/08/photo",  # a PNG served as text/html
    "/news/2026/01/08/check",  # a captcha page with status 200
    "/news/2026/01/08/forbidden",  # 403
    "/news/2026/01/08/rate-limited",  # 429 with a Retry-After of an hour
]
# blocked.localhost's feed: every page refuses the crawler (see Mirror.render).
BLOCKED_PAGES = {"/news/b1": 403, "/news/b2": 403, "/news/b3": 403, "/news/b4": 200, "/news/b5": 200,
                 "/news/b6": 429}
# Registry entries for the two mirror sites meant to turn red (blocked, and broken by a redesign). They are not
# in sources.toml, where they would turn `make airflow` red; the DAG tests and scripts/sources_ui_check.py add
# them to a registry of their own. The registry fills in {demo_port}.
RED_SOURCES_TOML = """
[[source]]
key = "mirror_blocked"
name = "loopback mirror: a site that blocks crawlers"
country = "EG"
home_url = "http://blocked.localhost:{demo_port}/"
allowed_domains = ["blocked.localhost"]
feeds = ["http://blocked.localhost:{demo_port}/rss.xml"]
article_patterns = ["/news/"]
download_delay = 0.0
concurrency_per_domain = 8

[[source]]
key = "mirror_redesign"
name = "loopback mirror: a site after a redesign"
country = "LB"
home_url = "http://redesign.localhost:{demo_port}/"
allowed_domains = ["redesign.localhost"]
canonical_domains = ["redesign.localhost", "lbcgroup.tv"]
feeds = ["http://redesign.localhost:{demo_port}/rss.xml"]
article_patterns = ["/news/"]
download_delay = 0.0
concurrency_per_domain = 8
"""
# redesign.localhost's feed: REDESIGN_PAGES pages in the new layout.
REDESIGN_PAGES = 12
REDESIGN_TOPICS = ("الكهرباء", "المياه", "المدارس", "الطرقات", "المستشفيات", "النقل العام", "الزراعة", "السياحة",
                   "الاتصالات", "الإسكان", "البيئة", "الرياضة")
KHALEEJ_PAGES = ["/2026/01/08/article-3001", "/2026/01/08/article-3002", "/2026/01/07/article-3003",
                 "/2020/03/17/article-0001"]


def _fixture_articles() -> list[bytes]:
    from akhbar.demo_site import demo_pages

    return [p.body for p in demo_pages() if p.status == 200 and p.body and len(p.body) > 20000][:8]


@dataclass
class MirrorState:
    """What the mirror remembers between requests: hits per path, page revisions, and a request log."""

    port: int
    hits: dict[tuple[str, str], int] = field(default_factory=dict)
    revisions: dict[tuple[str, str], tuple[int, datetime]] = field(default_factory=dict)
    log: list[dict] = field(default_factory=list)
    published: dict[str, datetime] = field(default_factory=dict)  # extra monthly sitemap entries

    def reset(self) -> None:
        self.published.clear()
        self.hits.clear()
        self.revisions.clear()
        self.log.clear()

    def base(self, host: str) -> str:
        return f"http://{host}:{self.port}"

    def revision(self, host: str, path: str) -> tuple[int, datetime]:
        return self.revisions.get((host, path), (0, PUBLISHED))


class Mirror:
    def __init__(self, port: int):
        self.state = MirrorState(port)
        self.articles = _fixture_articles()
        self.cp1256 = (FIXTURES_DIR / "encodings" / "_chromium_windows-1256_with_no_encoding_specified.html"
                       ).read_bytes()

    # ---- content -------------------------------------------------------------------------------------
    def article_body(self, host: str, path: str) -> bytes:
        index = int(hashlib.sha1(f"{host}{path}".encode()).hexdigest(), 16) % len(self.articles)
        rev, _ = self.state.revision(host, path)
        body = self.articles[index]
        return body if rev == 0 else body + f"\n<!-- revision {rev} -->\n".encode()

    def lastmod(self, host: str, path: str, default: datetime = PUBLISHED) -> datetime:
        rev, when = self.state.revision(host, path)
        return when if rev else default

    def masr_feed(self) -> bytes:
        base = self.state.base("masr.localhost")
        entries = MASR_PAGES
        links = [base + p for p in entries]
        links.insert(1, base + "/news/2026/01/08/1001?utm_source=rss&utm_medium=feed")  # the same article again
        links.append(self.state.base("elsewhere.localhost") + "/news/2026/01/08/partner")
        links.append(base + "/about-us")  # not an article
        items = "".join(
            f"<item><title>خبر {i}</title><link>{escape(link)}</link><guid>{escape(link)}</guid>"
            f"<pubDate>{format_datetime(PUBLISHED)}</pubDate></item>\n" for i, link in enumerate(links))
        newest = max([PUBLISHED] + [self.lastmod("masr.localhost", p) for p in entries])
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>مصر</title>'
                f"<link>{base}/</link><lastBuildDate>{format_datetime(newest)}</lastBuildDate>\n{items}"
                "</channel></rss>\n").encode()

    def blocked_feed(self) -> bytes:
        base = self.state.base("blocked.localhost")
        items = "".join(f"<item><title>خبر {i}</title><link>{base}{p}</link><guid>{base}{p}</guid>"
                        f"<pubDate>{format_datetime(PUBLISHED)}</pubDate></item>\n"
                        for i, p in enumerate(BLOCKED_PAGES))
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>محجوب</title>'
                f"<link>{base}/</link>\n{items}</channel></rss>\n").encode()

    def redesign_feed(self) -> bytes:
        base = self.state.base("redesign.localhost")
        items = "".join(f"<item><title>خطة جديدة لقطاع {topic}</title><link>{base}/news/r{i}</link>"
                        f"<guid>{base}/news/r{i}</guid><pubDate>{format_datetime(PUBLISHED)}</pubDate></item>\n"
                        for i, topic in enumerate(REDESIGN_TOPICS, 1))
        return (f'<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel><title>تجديد</title>'
                f"<link>{base}/</link>\n{items}</channel></rss>\n").encode()

    @staticmethod
    def redesign_page(n: int) -> bytes:
        """An article in the redesigned layout: the lead paragraph alone in LongDesc's first block."""
        topic = REDESIGN_TOPICS[n - 1]
        title = f"خطة جديدة لقطاع {topic} في بيروت والمحافظات"
        lead = (f"أعلنت الحكومة اللبنانية اليوم خطة جديدة لقطاع {topic} تمتد على ثلاث سنوات، وقال الوزير المختص "
                "في مؤتمر صحافي إن الخطة تشمل بيروت وكل المحافظات وتبدأ أعمالها الأولى في الشهر المقبل بعد "
                "موافقة مجلس الوزراء على تمويلها. وأضاف أن الوزارة ستعرض التفاصيل الكاملة على لجنة الأشغال "
                "النيابية الأسبوع المقبل.")
        rest = [f"وأوضح الوزير أن المرحلة {stage} من خطة {topic} تتضمن مشاريع في {place}، وأن الكلفة ستغطى من "
                "موازنة الدولة ومن قروض ميسرة، مشيرا إلى أن لجنة خاصة ستتابع التنفيذ وتنشر تقريرا كل ثلاثة أشهر "
                "عن سير العمل وعن المبالغ التي صرفت."
                for stage, place in (("الأولى", "بيروت وجبل لبنان"), ("الثانية", "الشمال وعكار"),
                                     ("الثالثة", "البقاع والجنوب"), ("الرابعة", "النبطية وبعلبك الهرمل"),
                                     ("الخامسة", "المناطق الريفية"))]
        url = f"https://www.lbcgroup.tv/news/lebanon/{900000 + n}/redesign-{n}/ar"
        published = PUBLISHED.isoformat()
        body = "".join(f"<p>{p}</p>" for p in rest)
        return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{title} - LBCI</title>'
                f'<link rel="canonical" href="{url}"><meta property="og:title" content="{title}">'
                f'<meta property="og:site_name" content="LBCI Lebanon">'
                f'<script type="application/ld+json">{{"@context": "https://schema.org", "@type": "NewsArticle", '
                f'"headline": "{title}", "datePublished": "{published}"}}</script></head><body>'
                f'<header><a href="/">LBCI</a></header><main><article><h1>{title}</h1>'
                f'<div class="LongDesc"><div><p>{lead}</p></div><div class="article-rest">{body}</div></div>'
                f"</article></main><footer>LBCI</footer></body></html>").encode()

    def sham_atom(self) -> bytes:
        base = self.state.base("sham.localhost")
        entries = "".join(
            f'<entry><title>خبر {n}</title><link rel="alternate" href="{base}/news/{n}"/>'
            f"<id>tag:sham.localhost,2026:{n}</id>"
            f"<updated>{self.lastmod('sham.localhost', f'/news/{n}').isoformat()}</updated></entry>\n"
            for n in (2001, 2002))
        return ('<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">'
                f'<title>الشام</title><link href="{base}/"/><updated>{PUBLISHED.isoformat()}</updated>'
                f"<id>{base}/</id>\n{entries}</feed>\n").encode()

    def sham_listing(self) -> bytes:
        base = self.state.base("sham.localhost")
        links = [f"{base}/news/2001", "/news/2003", "/news/2004/amp", "/news/2004#comments", "/about",
                 "/section/sports"]
        items = "".join(f'<li><a href="{escape(link)}">رابط</a></li>' for link in links)
        return f'<html lang="ar"><body><h1>سياسة</h1><ul>{items}</ul></body></html>'.encode()

    def khaleej_index(self) -> bytes:
        base = self.state.base("khaleej.localhost")
        news_mod = max(self.lastmod("khaleej.localhost", p) for p in ("/2026/01/08/article-3001",
                                                                     "/2026/01/08/article-3002"))
        monthly_mod = max(self.lastmod("khaleej.localhost", p) for p in self._monthly_paths())
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                f"<sitemap><loc>{base}/sitemaps/news.xml</loc><lastmod>{news_mod.isoformat()}</lastmod></sitemap>"
                f"<sitemap><loc>{base}/sitemaps/2026-01.xml</loc><lastmod>{monthly_mod.isoformat()}</lastmod>"
                "</sitemap></sitemapindex>\n").encode()

    @staticmethod
    def _monthly_paths() -> list[str]:
        return ["/2026/01/08/article-3002", "/2026/01/07/article-3003", "/2020/03/17/article-0001"]

    def khaleej_news(self) -> bytes:
        base = self.state.base("khaleej.localhost")
        urls = "".join(
            f"<url><loc>{base}{p}</loc><news:news><news:publication><news:name>الخليج</news:name>"
            "<news:language>ar</news:language></news:publication>"
            f"<news:publication_date>{self.lastmod('khaleej.localhost', p).isoformat()}</news:publication_date>"
            f"<news:title>عنوان {p[-4:]}</news:title></news:news></url>\n"
            for p in ("/2026/01/08/article-3001", "/2026/01/08/article-3002"))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
                'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">\n' + urls + "</urlset>\n").encode()

    def khaleej_monthly(self) -> bytes:
        base = self.state.base("khaleej.localhost")
        defaults = {"/2026/01/08/article-3002": PUBLISHED, "/2026/01/07/article-3003": PUBLISHED - timedelta(days=1),
                    "/2020/03/17/article-0001": OLD}
        defaults.update(self.state.published)
        urls = "".join(f"<url><loc>{base}{p}</loc><lastmod>{self.lastmod('khaleej.localhost', p, d).isoformat()}"
                       "</lastmod></url>\n" for p, d in defaults.items())
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + urls + "</urlset>\n").encode()

    def bench_sitemap(self) -> bytes:
        base = self.state.base("bench.localhost")
        urls = "".join(f"<url><loc>{base}/article/{n}</loc><lastmod>{PUBLISHED.isoformat()}</lastmod></url>\n"
                       for n in range(1, BENCH_PAGES + 1))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + urls + "</urlset>\n").encode()

    def bench_index(self) -> bytes:
        base = self.state.base("bench.localhost")
        parts = "".join(f"<sitemap><loc>{base}/sitemaps/part-{n}.xml</loc>"
                        f"<lastmod>{self.bench_part_lastmod(n).isoformat()}</lastmod></sitemap>\n"
                        for n in range(1, BENCH_PARTS + 1))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + parts + "</sitemapindex>\n"
                ).encode()

    @staticmethod
    def bench_part_lastmod(n: int) -> datetime:
        return PUBLISHED - timedelta(days=BENCH_PARTS - n)

    def bench_part(self, n: int) -> bytes:
        base = self.state.base("bench.localhost")
        size = BENCH_PAGES // BENCH_PARTS
        lastmod = self.bench_part_lastmod(n).isoformat()
        urls = "".join(f"<url><loc>{base}/article/{page}</loc><lastmod>{lastmod}</lastmod></url>\n"
                       for page in range((n - 1) * size + 1, n * size + 1))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n'
                + urls + "</urlset>\n").encode()

    @staticmethod
    def bench_page(n: int) -> bytes:
        paragraph = "<p>أعلنت الوزارة اليوم عن خطة جديدة لتطوير النقل العام في المدن الكبرى خلال العام المقبل.</p>"
        return (f'<!DOCTYPE html><html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>خبر رقم {n}</title>'
                f'<link rel="canonical" href="http://bench.localhost/article/{n}"></head><body><article>'
                f"<h1>خبر رقم {n}</h1>{paragraph * 60}</article></body></html>").encode()

    # ---- dispatch ------------------------------------------------------------------------------------
    def render(self, request, host: str, path: str):
        from twisted.internet import reactor
        from twisted.web import server

        state = self.state
        key = (host, path)
        state.hits[key] = state.hits.get(key, 0) + 1
        hit = state.hits[key]
        conditional = bool(request.getHeader(b"if-none-match") or request.getHeader(b"if-modified-since"))
        entry = {"host": host, "path": path, "hit": hit, "conditional": conditional, "at": time.monotonic(),
                 "user_agent": (request.getHeader(b"user-agent") or b"").decode("latin-1")}
        if host != "control.localhost":
            state.log.append(entry)

        def send(status: int, body: bytes, content_type: str = "text/html; charset=utf-8", headers=None):
            entry["status"] = status
            request.setResponseCode(status)
            request.setHeader(b"Content-Type", content_type.encode("ascii"))
            for name, value in (headers or {}).items():
                request.setHeader(name.encode("ascii"), value.encode("ascii"))
            return body

        def document(body: bytes, content_type: str, modified: datetime):
            etag = '"' + hashlib.sha1(body).hexdigest()[:16] + '"'
            headers = {"ETag": etag, "Last-Modified": format_datetime(modified, usegmt=True)}
            if_none_match = (request.getHeader(b"if-none-match") or b"").decode("latin-1")
            if_modified = (request.getHeader(b"if-modified-since") or b"").decode("latin-1")
            unchanged = if_none_match == etag if if_none_match else False
            if not if_none_match and if_modified:
                try:
                    unchanged = parsedate_to_datetime(if_modified) >= modified.replace(microsecond=0)
                except (TypeError, ValueError):
                    unchanged = False
            if unchanged:
                return send(304, b"", content_type, headers)
            return send(200, body, content_type, headers)

        if host == "control.localhost":
            if path == "/log":
                return send(200, json.dumps(state.log).encode(), "application/json")
            if path == "/reset":
                state.reset()
                return send(200, b"ok", "text/plain")
            if path == "/bump":
                args = parse_qs(urlsplit(request.uri.decode("ascii")).query)
                target = (args["host"][0], args["path"][0])
                rev, _ = state.revision(*target)
                state.revisions[target] = (rev + 1, datetime.now(UTC).replace(microsecond=0))
                return send(200, b"ok", "text/plain")
            if path == "/publish":
                args = parse_qs(urlsplit(request.uri.decode("ascii")).query)
                state.published[args["path"][0]] = datetime.fromisoformat(args["lastmod"][0])
                return send(200, b"ok", "text/plain")
            return send(404, b"not found", "text/plain")

        if path == "/robots.txt":
            robots = "User-agent: *\nDisallow: /private/\n"
            if host == "khaleej.localhost":
                robots += f"Sitemap: {state.base(host)}/sitemap_index.xml\n"
            return send(200, robots.encode(), "text/plain")

        newest = max([PUBLISHED] + [when for (h, _p), (_r, when) in state.revisions.items() if h == host])
        documents = {
            ("masr.localhost", "/rss.xml"): (self.masr_feed, "application/rss+xml; charset=utf-8"),
            ("sham.localhost", "/atom.xml"): (self.sham_atom, "application/atom+xml; charset=utf-8"),
            ("sham.localhost", "/section/politics"): (self.sham_listing, "text/html; charset=utf-8"),
            ("khaleej.localhost", "/sitemap_index.xml"): (self.khaleej_index, "application/xml"),
            ("khaleej.localhost", "/sitemaps/news.xml"): (self.khaleej_news, "application/xml"),
            ("khaleej.localhost", "/sitemaps/2026-01.xml"): (self.khaleej_monthly, "application/xml"),
            ("bench.localhost", "/sitemap.xml"): (self.bench_sitemap, "application/xml"),
            ("blocked.localhost", "/rss.xml"): (self.blocked_feed, "application/rss+xml; charset=utf-8"),
            ("redesign.localhost", "/rss.xml"): (self.redesign_feed, "application/rss+xml; charset=utf-8"),
        }
        if key in documents:
            make, content_type = documents[key]
            return document(make(), content_type, newest)

        if host == "blocked.localhost" and path in BLOCKED_PAGES:
            status = BLOCKED_PAGES[path]
            if status == 429:
                return send(429, b"<html><body>slow down</body></html>", headers={"Retry-After": "3600"})
            return send(status, CAPTCHA_PAGE if status == 200 else b"<html><body>forbidden</body></html>")

        if host == "redesign.localhost" and path.startswith("/news/r") and path[7:].isdigit() \
                and 1 <= int(path[7:]) <= REDESIGN_PAGES:
            return send(200, self.redesign_page(int(path[7:])))

        if host == "bench.localhost" and path.startswith("/article/"):
            return send(200, self.bench_page(int(path.rsplit("/", 1)[1])))

        if host == "bench.localhost" and path == "/sitemap_index.xml":
            return document(self.bench_index(), "application/xml", newest)
        parts = {f"/sitemaps/part-{n}.xml": n for n in range(1, BENCH_PARTS + 1)}
        if host == "bench.localhost" and path in parts:
            return document(self.bench_part(parts[path]), "application/xml", newest)

        name = path.rsplit("/", 1)[-1]
        if host == "masr.localhost" and path.startswith("/news/"):
            if name == "flaky-500" and hit <= 2:
                return send(500, b"<html><body>server error</body></html>")
            if name == "busy-429" and hit == 1:
                return send(429, b"<html><body>slow down</body></html>", headers={"Retry-After": "1"})
            if name == "rate-limited":
                return send(429, b"<html><body>slow down</body></html>", headers={"Retry-After": "3600"})
            if name == "down":
                return send(503, b"<html><body>maintenance</body></html>")
            if name == "missing":
                return send(404, b"<html><body>not found</body></html>")
            if name == "removed":
                return send(410, b"<html><body>gone</body></html>")
            if name == "forbidden":
                return send(403, b"<html><body>forbidden</body></html>")
            if name == "check":
                return send(200, CAPTCHA_PAGE)
            if name == "photo":
                return send(200, PNG_BYTES, "text/html")
            if name == "cp1256":
                return send(200, self.cp1256, "text/html")
            if name == "huge":
                return send(200, b"<html><body>" + b"x" * HUGE_BYTES + b"</body></html>")
            if name == "moved":
                return send(302, b"", headers={"Location": state.base("elsewhere.localhost") + "/landing"})
            if name == "truncated":
                entry["status"] = 200
                body = self.article_body(host, path)
                request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
                request.setHeader(b"Content-Length", str(len(body)).encode())
                request.write(body[:4096])
                request.channel.transport.loseConnection()
                return server.NOT_DONE_YET
            if name == "slow":
                entry["status"] = 200
                request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
                body = self.article_body(host, path)
                finished = request.notifyFinish()
                gone = []
                finished.addErrback(lambda _failure: gone.append(True))

                def later():
                    if not gone:
                        request.write(body)
                        request.finish()

                reactor.callLater(SLOW_SECONDS, later)
                return server.NOT_DONE_YET
        if (host == "masr.localhost" and path in MASR_PAGES) or (
                host == "khaleej.localhost" and (path in KHALEEJ_PAGES or path in state.published)):
            return send(200, self.article_body(host, path))
        if host == "sham.localhost" and path.startswith("/news/"):
            return send(200, self.article_body(host, path))
        return send(404, b"<html><body>not found</body></html>")
