"""The offline demo site: the saved real pages in ``tests/fixtures/pages`` served on 127.0.0.1.

Each page is served under ``/<original host><original path>``, an RSS feed at ``/feed.xml`` lists them, and
``robots.txt`` disallows ``/private/``. A few deliberately bad entries (empty page, PDF, 404, a robots-blocked
page, an undeclared windows-1256 page) and a second copy of one article under another address show how the
pipeline accounts for every URL.

Requests for the host names of :mod:`akhbar.mirror` (``masr.localhost`` ...) are answered by that mirror of
several sources instead; everything else is the demo site above, unchanged.

It runs on Twisted's web server, which keeps up under concurrent crawling.
"""

from __future__ import annotations

import argparse
import gzip
import json
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass
from datetime import UTC, datetime
from email.utils import format_datetime
from pathlib import Path
from typing import Self
from urllib.parse import quote, unquote, urlsplit
from xml.sax.saxutils import escape

from akhbar.config import DEMO_PAGES_DIR

FIXTURES_DIR = DEMO_PAGES_DIR.parent


@dataclass(frozen=True)
class DemoPage:
    path: str  # unquoted path on the demo site
    status: int
    content_type: str
    body: bytes
    title: str


def _read_fixture(path: Path) -> bytes:
    data = path.read_bytes()
    return gzip.decompress(data) if path.suffix == ".gz" else data


def demo_pages(fixtures_dir: Path = FIXTURES_DIR) -> list[DemoPage]:
    pages = []
    with open(fixtures_dir / "truth.jsonl", encoding="utf-8") as fh:
        for line in fh:
            record = json.loads(line)
            parts = urlsplit(record["url"])
            path = "/" + parts.hostname + unquote(parts.path)
            body = _read_fixture(fixtures_dir / record["file"])
            pages.append(DemoPage(path, 200, "text/html; charset=utf-8", body, record["title"]))
    # The same article again under another address, as mirrors and syndication partners publish it.
    copy_of = next(p for p in pages if "/2024/5/13/" in p.path)
    pages.append(DemoPage("/copies/youm7-2024-05-13.html", 200, copy_of.content_type, copy_of.body, copy_of.title))
    cp1256 = (fixtures_dir / "encodings" / "_chromium_windows-1256_with_no_encoding_specified.html").read_bytes()
    pages += [
        DemoPage("/broken/empty.html", 200, "text/html", b"", "empty page"),
        DemoPage("/broken/report.pdf", 200, "application/pdf", b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n", "a PDF"),
        DemoPage("/broken/undeclared-cp1256.html", 200, "text/html", cp1256, "windows-1256, no charset"),
        DemoPage("/broken/gone.html", 404, "text/html", b"<html><body>not found</body></html>", "a 404"),
        DemoPage("/private/members.html", 200, "text/html", b"<html><body>members</body></html>", "robots"),
    ]
    return pages


def feed_xml(base_url: str, pages: list[DemoPage]) -> bytes:
    stamp = format_datetime(datetime(2026, 1, 8, 12, 0, tzinfo=UTC))
    items = "".join(
        f"<item><title>{escape(p.title)}</title><link>{escape(base_url + quote(p.path))}</link>"
        f"<pubDate>{stamp}</pubDate></item>\n"
        for p in pages
    )
    return (
        '<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0"><channel>'
        f"<title>akhbar demo mirror</title><link>{escape(base_url)}/</link>"
        f"<description>Saved real Arabic news pages</description>\n{items}</channel></rss>\n"
    ).encode()


ROBOTS_TXT = b"User-agent: *\nDisallow: /private/\n"


def make_site(base_url: str):
    from twisted.web import resource, server

    from akhbar.mirror import HOSTS, Mirror

    mirror = Mirror(urlsplit(base_url).port or 80)
    pages = {p.path: p for p in demo_pages()}
    feed = feed_xml(base_url, list(pages.values()))

    class Root(resource.Resource):
        isLeaf = True

        def render_GET(self, request):
            path = unquote(request.path.decode("ascii", "replace"))
            host = (request.getHeader(b"host") or b"").decode("latin-1").rsplit(":", 1)[0].lower()
            if host in HOSTS:
                return mirror.render(request, host, path)
            if path == "/robots.txt":
                request.setHeader(b"Content-Type", b"text/plain")
                return ROBOTS_TXT
            if path == "/feed.xml":
                request.setHeader(b"Content-Type", b"application/rss+xml; charset=utf-8")
                return feed
            if path == "/":
                links = "".join(f'<li><a href="{quote(p)}">{escape(pg.title)}</a></li>' for p, pg in pages.items())
                request.setHeader(b"Content-Type", b"text/html; charset=utf-8")
                return f'<html lang="ar"><body><ul>{links}</ul></body></html>'.encode()
            page = pages.get(path)
            if page is None:
                request.setResponseCode(404)
                request.setHeader(b"Content-Type", b"text/html")
                return b"<html><body>not found</body></html>"
            request.setResponseCode(page.status)
            request.setHeader(b"Content-Type", page.content_type.encode("ascii"))
            return page.body

        render_HEAD = render_GET

    site = server.Site(Root())
    site.displayTracebacks = False
    return site


def serve(host: str, port: int) -> None:
    """Serve in the foreground until interrupted."""
    from twisted.internet import reactor

    site = make_site(f"http://{host}:{port}")
    reactor.listenTCP(port, site, interface=host)
    print(f"akhbar demo site on http://{host}:{port}/ (feed: /feed.xml); Ctrl-C stops it", flush=True)
    reactor.run()


class DemoSiteProcess:
    """Runs the demo site in a child process for the duration of a ``with`` block."""

    def __init__(self, host: str = "127.0.0.1", port: int = 8765):
        self.host, self.port = host, port
        self.proc: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"http://{self.host}:{self.port}"

    def __enter__(self) -> Self:
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "akhbar.demo_site", "--host", self.host, "--port", str(self.port)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                err = self.proc.stderr.read().decode("utf-8", "replace").strip().splitlines()
                raise RuntimeError(f"demo site exited: {err[-1] if err else 'no output'}")
            try:
                with urllib.request.urlopen(self.url + "/robots.txt", timeout=1):
                    return self
            except OSError:
                time.sleep(0.1)
        self.__exit__(None, None, None)
        raise RuntimeError(f"demo site did not answer on {self.url} within 20 s")

    def __exit__(self, *exc) -> None:
        if self.proc and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc and self.proc.stderr:
            self.proc.stderr.close()


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)
    serve(args.host, args.port)


if __name__ == "__main__":
    main()
