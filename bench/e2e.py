"""From crawl to searchable: ``akhbar run`` over N corpus articles served on loopback, beside a bare Scrapy crawl
of the same pages in the same run.

    nice -n 10 .venv/bin/python bench/e2e.py [--pages 10000] [--corpus FILE] [--concurrency 16]
                                             [--admin-url postgresql://postgres@127.0.0.1:5432/postgres]
                                             [--second-opinion on|off] [--keep]        (make e2e)

The pages: real corpus texts (``../shared/corpus/ant-v2.1-multisource.jsonl.gz``: title, paragraphs, time,
author) in the 13 synthetic layout families of ``bench/layouts.py`` (family = page number modulo 13); the markup
is ours, only the text is real. A Twisted server in a child process renders each page when it is requested, from
an offset into a file of the usable records it wrote once (the server never holds the pages in memory); when N is
larger than the corpus's usable texts, the texts are used again in order under new page URLs (page n carries
text (n - 1) mod U). Discovery works as on a real site: robots.txt, then a sitemap index of child sitemaps of at
most 5,000 URLs each (``lastmod`` on every entry).

In one run, one after the other:

1. bare: a plain Scrapy SitemapSpider (``bench/crawl.py``'s, whose callback only counts) over the same sitemap
   index, with the settings akhbar's spider uses for the source (concurrency per domain, total concurrency,
   download delay, AutoThrottle, robots.txt);
2. akhbar: ``akhbar run e2e`` (the real CLI, a subprocess) into a fresh, migrated database, with a registry
   file of one source (``e2e``: that sitemap index, ``concurrency_per_domain`` = --concurrency, no delay).

Reported:

- wall time: bare, from starting its process to its exit; akhbar, from starting the CLI to *searchable*: the
  moment the count of rows in ``articles`` (polled every 0.2 s) reached its final value. After the run, a
  search (``akhbar.search``) for the title of the last page listed must find that page, or the run fails;
- per phase: the time at which the CLI printed each step's closing progress line (``<source>: crawl, ... done``;
  off a terminal the CLI prints one per step), and the time since the previous one; "report" runs from the load's
  line to the CLI's exit. Steps that overlap (a streaming ``akhbar run``) show as closing close together;
- peak resident memory (RSS, sampled every 0.1 s with psutil) of every process of the CLI's tree (the CLI, the
  Scrapy process, any workers), of the bare Scrapy process, and of the PostgreSQL backends serving the run's
  database (their RSS counts the shared buffers they touched, so it overstates what each one owns);
- the ratio akhbar / bare, as a table and as one JSON line (``{"bench": "e2e", ...}``) for machines.

Exit status 0 when every page was fetched by both crawls, every page ended in a terminal state (an article or a
quarantine) and the last page is searchable; 2 otherwise. The ratio is reported, not judged (issue 16's target is
1.3 at 10,000 pages).

The second opinion (trafilatura beside our extractor, ``AKHBAR_SECOND_OPINION``) reads *every* page of a source's
first run, and this run is always the source's first: ``--second-opinion`` says whether it is on (default: off,
the steady state, where it reads 1 page in 20; ``on`` measures a first run as shipped).
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(BENCH))

from akhbar.demo_site import DemoSiteProcess

DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus" / "ant-v2.1-multisource.jsonl.gz"
SITEMAP_SIZE = 5000  # URLs per child sitemap (the protocol allows 50,000)
LASTMOD = "2018-10-31T12:00:00+00:00"
SOURCE_KEY = "e2e"
SAMPLE_EVERY_S = 0.1  # RSS sampling
COUNT_EVERY_S = 0.2  # polling the article count
PHASES = ("crawl", "parse", "validate", "load")
PHASE_LINE = re.compile(rf"^{SOURCE_KEY}: (crawl|parse|quality gate|load)\b.*\b(done|failed)\s*$")

REGISTRY = """
[[source]]
key = "{key}"
name = "bench/e2e.py: {pages} corpus texts as pages on loopback (synthetic markup)"
country = "XX"
time_zone = "UTC"
home_url = "http://127.0.0.1:{port}/"
allowed_domains = ["127.0.0.1"]
sitemaps = ["http://127.0.0.1:{port}/sitemap_index.xml"]
article_patterns = ["/ar/news/\\\\d+\\\\.html$"]
schedule = "@daily"
download_delay = 0.0
concurrency_per_domain = {concurrency}
max_pages = {pages}
sitemap_recent_days = 100000
"""


# ---- the site (runs in its own process: `e2e.py serve ...`) ------------------------------------------------

def usable_records(corpus: Path, limit: int):
    """Corpus records a layout family can carry, in file order, as ``layouts.Record``: the same filter as
    ``layouts.load_records`` (a known source, a title, 2+ paragraphs, 300+ characters, a parsable time), read
    one line at a time."""
    from layouts import _XREF, SITES, Record, _parse_time, _people

    count = 0
    with gzip.open(corpus, "rt", encoding="utf-8") as handle:
        for line in handle:
            rec = json.loads(line)
            if rec.get("source") not in SITES:
                continue
            paragraphs = [" ".join(p.split()) for p in (rec.get("text") or "").split("\n")
                          if p.strip() and not _XREF.match(p.strip())]
            title = " ".join((rec.get("title") or "").split())
            if len(paragraphs) < 2 or not title or sum(map(len, paragraphs)) < 300 or not rec.get("time"):
                continue
            try:
                published = _parse_time(rec["time"])
            except (TypeError, ValueError):
                continue
            yield Record(title, paragraphs, published, _people(rec.get("author")), rec.get("author"), rec["url"],
                         rec["source"], rec["docno"])
            count += 1
            if count >= limit:
                return


class PageStore:
    """Page n of N, rendered on request from a file of usable records (one JSON line each) and their offsets."""

    def __init__(self, corpus: Path, pages: int, workdir: Path):
        from layouts import FAMILIES

        self.pages, self.families = pages, list(FAMILIES.items())
        self.path = workdir / "records.jsonl"
        self.offsets: list[int] = []
        self.others = []  # titles for the families' read-also and related boxes
        with open(self.path, "wb") as out:
            for rec in usable_records(corpus, pages):
                self.offsets.append(out.tell())
                out.write(json.dumps({"title": rec.title, "paragraphs": rec.paragraphs,
                                      "published": rec.published.isoformat(), "people": rec.people,
                                      "author_raw": rec.author_raw, "url": rec.url, "source": rec.source,
                                      "docno": rec.docno}, ensure_ascii=False).encode() + b"\n")
                if len(self.others) < 50:
                    self.others.append(rec)
        if not self.offsets:
            raise SystemExit(f"{corpus}: no usable article")
        self.handle = open(self.path, "rb")  # noqa: SIM115 open for the server's life

    @property
    def texts(self) -> int:
        return len(self.offsets)

    def record(self, n: int):
        from datetime import datetime

        from layouts import Record

        self.handle.seek(self.offsets[(n - 1) % self.texts])
        raw = json.loads(self.handle.readline())
        raw["published"] = datetime.fromisoformat(raw["published"])
        return Record(**raw)

    def page(self, n: int, base: str) -> bytes:
        import random

        from layouts import Page

        _family_name, family = self.families[(n - 1) % len(self.families)]
        rec = self.record(n)
        page = Page(rec, self.others, random.Random(f"e2e:{n}"))
        page.url, page.home = f"{base}/ar/news/{n}.html", f"{base}/"
        return family(page).encode("utf-8")

    def sitemap_index(self, base: str) -> bytes:
        parts = (self.pages + SITEMAP_SIZE - 1) // SITEMAP_SIZE
        items = "".join(f"<sitemap><loc>{base}/sitemaps/{k}.xml</loc><lastmod>{LASTMOD}</lastmod></sitemap>\n"
                        for k in range(1, parts + 1))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex '
                'xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + items + "</sitemapindex>\n").encode()

    def sitemap(self, k: int, base: str) -> bytes | None:
        first = (k - 1) * SITEMAP_SIZE + 1
        if k < 1 or first > self.pages:
            return None
        urls = "".join(f"<url><loc>{base}/ar/news/{n}.html</loc><lastmod>{LASTMOD}</lastmod></url>\n"
                       for n in range(first, min(first + SITEMAP_SIZE, self.pages + 1)))
        return ('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
                "\n" + urls + "</urlset>\n").encode()


def serve(args) -> int:
    from twisted.internet import reactor
    from twisted.web import resource, server

    store = PageStore(Path(args.corpus), args.pages, Path(args.workdir))
    base = f"http://127.0.0.1:{args.port}"
    page_path = re.compile(r"^/ar/news/(\d+)\.html$")
    sitemap_path = re.compile(r"^/sitemaps/(\d+)\.xml$")

    class Root(resource.Resource):
        isLeaf = True

        def render_GET(self, request):
            path = request.path.decode("ascii", "replace")
            body, kind = None, b"text/html; charset=utf-8"
            if path == "/robots.txt":
                body, kind = b"User-agent: *\nAllow: /\n", b"text/plain"
            elif path == "/sitemap_index.xml":
                body, kind = store.sitemap_index(base), b"application/xml"
            elif m := sitemap_path.match(path):
                body, kind = store.sitemap(int(m.group(1)), base), b"application/xml"
            elif (m := page_path.match(path)) and 1 <= int(m.group(1)) <= store.pages:
                body = store.page(int(m.group(1)), base)
            if body is None:
                request.setResponseCode(404)
                body = b"<html><body>not found</body></html>"
            request.setHeader(b"Content-Type", kind)
            return body

    site = server.Site(Root())
    site.displayTracebacks = False
    reactor.listenTCP(args.port, site, interface="127.0.0.1")
    reactor.callWhenRunning(lambda: print(json.dumps({"ready": True, "texts": store.texts}), flush=True))
    reactor.run()
    return 0


# ---- measuring ------------------------------------------------------------------------------------------------

class Site(DemoSiteProcess):
    """The page server as a child process, for a ``with`` block (stopped as the demo site is)."""

    def __init__(self, corpus: Path, pages: int, workdir: Path):
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            port = sock.getsockname()[1]
        super().__init__("127.0.0.1", port)
        self.cmd = [sys.executable, str(Path(__file__).resolve()), "serve", "--port", str(port),
                    "--pages", str(pages), "--corpus", str(corpus), "--workdir", str(workdir)]
        self.texts = 0

    def cpu_s(self) -> float:
        """CPU seconds the page server has used so far (rendering pages costs the crawls' machine too)."""
        import psutil

        times = psutil.Process(self.proc.pid).cpu_times()
        return times.user + times.system

    def __enter__(self):
        self.proc = subprocess.Popen(self.cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        line = self.proc.stdout.readline()  # blocks until the server listens (or dies)
        if not line:
            err = self.proc.stderr.read().strip().splitlines()
            self.__exit__(None, None, None)
            raise RuntimeError(f"page server exited: {err[-1] if err else 'no output'}")
        self.texts = json.loads(line)["texts"]
        return self


class Sampler(threading.Thread):
    """Peak RSS of a process tree (and optionally of the PostgreSQL backends of one database), every 0.1 s."""

    def __init__(self, root_pid: int, database_url: str | None = None, dbname: str | None = None):
        super().__init__(daemon=True, name="e2e-rss")
        self.root_pid, self.database_url, self.dbname = root_pid, database_url, dbname
        self.peaks: dict[int, tuple[str, int]] = {}  # pid -> (role, peak RSS bytes)
        self.cpu: dict[int, float] = {}  # pid -> CPU seconds (user + system) at its last sample
        self.stop_event = threading.Event()
        self.samples = 0

    @staticmethod
    def role(proc, root_pid: int) -> str:
        if proc.pid == root_pid:
            return "cli"
        try:
            cmd = " ".join(proc.cmdline())
        except Exception:  # noqa: BLE001 gone between listing and reading
            return "worker"
        return "scrapy" if "scrapy" in cmd else "worker"

    def _note(self, proc, role: str) -> None:
        try:
            rss = proc.memory_info().rss
            times = proc.cpu_times()
        except Exception:  # noqa: BLE001 the process ended between listing and sampling
            return
        self.cpu[proc.pid] = times.user + times.system
        old = self.peaks.get(proc.pid)
        if old is None or rss > old[1]:
            self.peaks[proc.pid] = (role, rss)

    def run(self) -> None:
        import psutil
        import psycopg2

        try:
            root = psutil.Process(self.root_pid)
        except psutil.NoSuchProcess:
            return
        conn = None
        if self.database_url:
            conn = psycopg2.connect(self.database_url)
            conn.autocommit = True
        try:
            while not self.stop_event.is_set():
                try:
                    tree = [root, *root.children(recursive=True)]
                except psutil.NoSuchProcess:
                    tree = []
                for proc in tree:
                    self._note(proc, self.role(proc, self.root_pid))
                if conn is not None:
                    with conn.cursor() as cur:
                        cur.execute("SELECT pid FROM pg_stat_activity WHERE datname = %s AND pid <> "
                                    "pg_backend_pid()", (self.dbname,))
                        for (pid,) in cur.fetchall():
                            try:
                                self._note(psutil.Process(pid), "postgres")
                            except psutil.NoSuchProcess:
                                pass
                self.samples += 1
                self.stop_event.wait(SAMPLE_EVERY_S)
        finally:
            if conn is not None:
                conn.close()

    def stop(self) -> None:
        self.stop_event.set()
        self.join(timeout=5)

    def by_role(self) -> dict[str, dict]:
        """Per role: the largest peak of one process, how many processes were seen, and the CPU seconds they
        used (as last sampled, so up to 0.1 s of each process's end is missed)."""
        out: dict[str, dict] = {}
        for pid, (role, rss) in self.peaks.items():
            entry = out.setdefault(role, {"peak_mb": 0.0, "processes": 0, "cpu_s": 0.0})
            entry["peak_mb"] = max(entry["peak_mb"], round(rss / 2**20, 1))
            entry["processes"] += 1
            entry["cpu_s"] = round(entry["cpu_s"] + self.cpu.get(pid, 0.0), 1)
        return out


def scrapy_settings_for_source(concurrency: int) -> dict[str, str]:
    """The Scrapy settings akhbar's spider crawls the bench source with (spiders/settings.py, then the source's
    registry values as ``NewsSpider.from_crawler`` sets them)."""
    import spiders.settings as base

    return {
        "ROBOTSTXT_OBEY": str(base.ROBOTSTXT_OBEY),
        "CONCURRENT_REQUESTS_PER_DOMAIN": str(concurrency),
        "CONCURRENT_REQUESTS": str(max(4, 2 * concurrency)),
        "DOWNLOAD_DELAY": "0",
        "AUTOTHROTTLE_ENABLED": str(base.AUTOTHROTTLE_ENABLED),
        "AUTOTHROTTLE_START_DELAY": "0",
        "AUTOTHROTTLE_MAX_DELAY": str(base.AUTOTHROTTLE_MAX_DELAY),
        "AUTOTHROTTLE_TARGET_CONCURRENCY": str(base.AUTOTHROTTLE_TARGET_CONCURRENCY),
        "DOWNLOAD_TIMEOUT": str(base.DOWNLOAD_TIMEOUT),
        "COOKIES_ENABLED": str(base.COOKIES_ENABLED),
        "TELNETCONSOLE_ENABLED": "False",
        "LOG_LEVEL": "WARNING",
        "USER_AGENT": "akhbar-bench",
    }


def bare_crawl(sitemap_url: str, concurrency: int, workdir: Path) -> dict:
    """``bench/crawl.py``'s bare spider over the sitemap, at the source's settings; wall time from process start
    to exit, Scrapy's own elapsed time and the process's peak RSS."""
    from crawl import BARE_SPIDER

    spider = workdir / "bare_spider.py"
    spider.write_text(BARE_SPIDER, encoding="utf-8")
    cmd = [sys.executable, "-m", "scrapy", "runspider", str(spider), "-a", f"sitemap_url={sitemap_url}"]
    for name, value in scrapy_settings_for_source(concurrency).items():
        cmd += ["-s", f"{name}={value}"]
    started = time.monotonic()
    proc = subprocess.Popen(cmd, cwd=workdir, env={**os.environ, "PYTHONPATH": str(ROOT)}, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    sampler = Sampler(proc.pid)
    sampler.start()
    out, err = proc.communicate()
    wall = time.monotonic() - started
    sampler.stop()
    if proc.returncode != 0 or not out.strip():
        raise RuntimeError(f"bare crawl failed (exit {proc.returncode}): {err.strip().splitlines()[-3:]}")
    result = json.loads(out.strip().splitlines()[-1])
    own = sampler.by_role().get("cli", {})
    return {"pages": result["pages"], "scrapy_elapsed_s": result["elapsed_s"], "wall_s": wall,
            "peak_mb": own.get("peak_mb"), "cpu_s": own.get("cpu_s")}


def akhbar_run(url: str, dbname: str, registry: Path, workdir: Path, second_opinion: bool,
               timeout: float | None = None) -> dict:
    """``akhbar run e2e`` as a subprocess, its output lines timestamped, its tree's RSS sampled, the article
    count polled until it exits."""
    import psycopg2

    env = {**os.environ, "AKHBAR_DATABASE_URL": url, "AKHBAR_SOURCES_FILE": str(registry),
           "AKHBAR_DATA_DIR": str(workdir / "data"), "AKHBAR_SECOND_OPINION": "on" if second_opinion else "off",
           "PYTHONUNBUFFERED": "1"}
    counts: list[tuple[float, int]] = []  # (seconds since start, count) each time the count changed
    poll = psycopg2.connect(url)
    poll.autocommit = True
    wal_before = server_wal(poll)
    started = time.monotonic()
    proc = subprocess.Popen([sys.executable, "-m", "akhbar.cli", "run", SOURCE_KEY], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, bufsize=1)
    sampler = Sampler(proc.pid, url, dbname)
    sampler.start()
    lines: list[tuple[float, str]] = []
    errors: list[str] = []
    killed = False

    def read(stream, into, stamped: bool):
        for line in stream:
            into.append((time.monotonic() - started, line.rstrip("\n")) if stamped else line.rstrip("\n"))

    readers = [threading.Thread(target=read, args=(proc.stdout, lines, True), daemon=True),
               threading.Thread(target=read, args=(proc.stderr, errors, False), daemon=True)]
    for reader in readers:
        reader.start()
    try:
        with poll.cursor() as cur:
            while True:
                exited = proc.poll() is not None
                cur.execute("SELECT count(*) FROM articles")
                (n,) = cur.fetchone()
                if not counts or counts[-1][1] != n:
                    counts.append((time.monotonic() - started, n))
                if exited:
                    break
                if timeout and time.monotonic() - started > timeout and not killed:
                    proc.kill()  # its Scrapy process stops with it (spiders.extensions.StopWithParent)
                    killed = True
                time.sleep(COUNT_EVERY_S)
        wal_after = server_wal(poll)
    finally:
        poll.close()
    exit_s = time.monotonic() - started
    for reader in readers:
        reader.join(timeout=10)
    sampler.stop()
    return {"returncode": proc.returncode, "exit_s": exit_s, "lines": lines, "stderr": errors,
            "searchable_s": counts[-1][0] if counts and counts[-1][1] else None,
            "articles": counts[-1][1] if counts else 0, "rss": sampler.by_role(), "samples": sampler.samples,
            "wal_mb": round((wal_after[0] - wal_before[0]) / 2**20, 1),
            "checkpoints": wal_after[1] - wal_before[1], "timed_out": killed}


def server_wal(conn) -> tuple[int, int]:
    """(WAL position in bytes, checkpoints so far) of the whole server: on a shared server, other databases'
    writes count too."""
    with conn.cursor() as cur:
        cur.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), '0/0')::bigint")
        (position,) = cur.fetchone()
        try:
            cur.execute("SELECT checkpoints_timed + checkpoints_req FROM pg_stat_bgwriter")  # PostgreSQL < 17
        except Exception:  # noqa: BLE001 17 moved them to pg_stat_checkpointer
            cur.execute("SELECT num_timed + num_requested FROM pg_stat_checkpointer")
        (checkpoints,) = cur.fetchone()
    return position, checkpoints


def phase_times(lines: list[tuple[float, str]], exit_s: float) -> dict[str, dict]:
    """Each step's closing line: when it came (seconds since the CLI started) and the time since the one before."""
    ends: dict[str, float] = {}
    for at, line in lines:
        m = PHASE_LINE.match(line)
        if m:
            ends["validate" if m.group(1) == "quality gate" else m.group(1)] = at
    out, previous = {}, 0.0
    for name in PHASES:
        if name in ends:
            out[name] = {"ended_s": round(ends[name], 2), "took_s": round(ends[name] - previous, 2)}
            previous = ends[name]
    if "load" in out:
        out["report"] = {"ended_s": round(exit_s, 2), "took_s": round(exit_s - previous, 2)}
    return out


def final_state(url: str, pages: int) -> dict:
    """What the database holds after the run: pages by state, quarantines, the last page searchable?"""
    import psycopg2

    from akhbar import search
    from akhbar.config import Settings
    from transforms import url_key

    conn = psycopg2.connect(url)
    try:
        with conn, conn.cursor() as cur:
            cur.execute("SELECT parse_status, count(*) FROM raw_pages GROUP BY 1 ORDER BY 1")
            states = dict(cur.fetchall())
            cur.execute("SELECT count(DISTINCT raw_page_id) FROM quarantine")
            (quarantined,) = cur.fetchone()
            cur.execute("SELECT title, url FROM articles WHERE url LIKE %s", (f"%/ar/news/{pages}.html",))
            last = cur.fetchone()
            cur.execute("SELECT (stats->'crawl'->>'write_wait_s')::float FROM crawl_runs ORDER BY id DESC LIMIT 1")
            row = cur.fetchone()
            write_wait = row[0] if row else None
    finally:
        conn.close()
    found = False
    if last is not None:
        hits = search.search(Settings(database_url=url), last[0], limit=50)
        found = any(url_key(hit.url) == url_key(last[1]) for hit in hits)
    return {"raw_pages": states, "quarantined": quarantined, "last_page_loaded": last is not None,
            "last_page_found_by_search": found, "write_wait_s": write_wait}


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command")
    srv = sub.add_parser("serve", help="(internal) the page server")
    srv.add_argument("--port", type=int, required=True)
    srv.add_argument("--pages", type=int, required=True)
    srv.add_argument("--corpus", required=True)
    srv.add_argument("--workdir", required=True)
    parser.add_argument("--pages", type=int, default=10_000)
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--concurrency", type=int, default=16, help="the source's concurrency_per_domain")
    parser.add_argument("--second-opinion", choices=("on", "off"), default="off")
    parser.add_argument("--admin-url", default=os.environ.get("AKHBAR_TEST_ADMIN_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--timeout", type=float, help="kill `akhbar run` after this many seconds and report "
                                                      "what it finished (the run then counts as failed)")
    args = parser.parse_args(argv)
    if args.command == "serve":
        return serve(args)
    if args.pages < 1:
        parser.error("--pages must be at least 1")

    from akhbar import db

    with tempfile.TemporaryDirectory(prefix="akhbar-e2e-") as tmp:
        workdir = Path(tmp)
        prepared = time.monotonic()
        with Site(args.corpus, args.pages, workdir) as site:
            base = f"http://127.0.0.1:{site.port}"
            print(f"{args.pages:,} pages on {base} ({site.texts:,} corpus texts"
                  + (f", used again under new URLs past {site.texts:,}" if site.texts < args.pages else "")
                  + f"; server ready in {time.monotonic() - prepared:.1f} s)", flush=True)
            registry = workdir / "sources.toml"
            registry.write_text(REGISTRY.format(key=SOURCE_KEY, pages=args.pages, port=site.port,
                                                concurrency=args.concurrency), encoding="utf-8")
            server_cpu = site.cpu_s()
            bare = bare_crawl(f"{base}/sitemap_index.xml", args.concurrency, workdir)
            bare["server_cpu_s"], server_cpu = round(site.cpu_s() - server_cpu, 1), site.cpu_s()
            print(f"bare crawl: {bare['pages']:,} pages in {bare['wall_s']:.1f} s", flush=True)
            with db.scratch_database(args.admin_url, "akhbar_e2e", keep=args.keep) as url:
                dbname = url.rsplit("/", 1)[1]
                run = akhbar_run(url, dbname, registry, workdir, args.second_opinion == "on", args.timeout)
                run["server_cpu_s"] = round(site.cpu_s() - server_cpu, 1)
                state = final_state(url, args.pages)
                if args.keep:
                    print(f"database kept: {dbname}")
    return report(args, bare, run, state)


def report(args, bare: dict, run: dict, state: dict) -> int:
    phases = phase_times(run["lines"], run["exit_s"])
    searchable = None if run["timed_out"] else run["searchable_s"]
    ratio = searchable / bare["wall_s"] if searchable and bare["wall_s"] else None
    rows = [("pages served", (f"{args.pages:,} (concurrency {args.concurrency} per domain, second opinion "
                             f"{args.second_opinion})")),
            ("bare Scrapy, wall", (f"{bare['wall_s']:.1f} s ({bare['pages']:,} pages; Scrapy's own elapsed "
                                  f"{bare['scrapy_elapsed_s']:.1f} s; peak RSS {bare['peak_mb']} MB)")),
            ("akhbar run, to searchable", f"{searchable:.1f} s" if searchable else "never (no article loaded)"),
            ("akhbar run, CLI exit", f"{run['exit_s']:.1f} s (exit code {run['returncode']})")]
    for name, times in phases.items():
        rows.append((f"  {name}", f"{times['took_s']:.1f} s (closed at {times['ended_s']:.1f} s)"))
    if state.get("write_wait_s") is not None:
        rows.append(("  crawl blocked on storage", f"{state['write_wait_s']:.1f} s (Scrapy waiting for its writer)"))
    for role in ("cli", "scrapy", "worker", "postgres"):
        if role in run["rss"]:
            entry = run["rss"][role]
            rows.append((f"peak RSS, {role}", (f"{entry['peak_mb']} MB (largest of {entry['processes']} "
                                              f"process{'es' if entry['processes'] > 1 else ''}; "
                                              f"{entry['cpu_s']} CPU s in all)")))
    rows.append(("CPU seconds, bare", f"Scrapy {bare['cpu_s']}, page server {bare['server_cpu_s']}"))
    rows.append(("CPU seconds, akhbar", "page server " + str(run["server_cpu_s"]) + ", "
                 + ", ".join(f"{role} {entry['cpu_s']}" for role, entry in run["rss"].items())))
    cores = len(os.sched_getaffinity(0))
    cpu_total = run["server_cpu_s"] + sum(entry["cpu_s"] for entry in run["rss"].values())
    rows.append(("CPU-bound floor", (f"{cpu_total:.1f} CPU s on {cores} cores: the whole run cannot end before "
                                    f"{cpu_total / cores:.1f} s (ratio {cpu_total / cores / bare['wall_s']:.2f})")))
    rows.append(("articles", f"{run['articles']:,}; quarantined {state['quarantined']:,}; raw pages "
                             + ", ".join(f"{k} {v:,}" for k, v in state["raw_pages"].items())))
    rows.append(("WAL written, whole server", (f"{run['wal_mb']:,} MB during the run, {run['checkpoints']} "
                                             "checkpoint(s)")))
    rows.append(("last page searchable", "yes" if state["last_page_found_by_search"] else "NO"))
    rows.append(("ratio akhbar/bare", f"{ratio:.2f}" if ratio else "n/a"))
    width = max(len(name) for name, _ in rows)
    print("\n".join(f"{name:<{width}}  {value}" for name, value in rows))
    if run["timed_out"]:
        print(f"akhbar run killed after its --timeout of {args.timeout:.0f} s; the phases above are those it closed")
    if run["returncode"] != 0 and any(line.strip() for line in run["stderr"]):
        print("akhbar run stderr: " + " | ".join(line for line in run["stderr"][-5:] if line.strip()))
    fetched = sum(state["raw_pages"].values())
    terminal = sum(n for s, n in state["raw_pages"].items() if s in ("loaded", "quarantined", "skipped"))
    ok = (run["returncode"] == 0 and bare["pages"] == args.pages and fetched == args.pages
          and terminal == args.pages and state["last_page_found_by_search"])
    print(json.dumps({
        "bench": "e2e", "pages": args.pages, "concurrency": args.concurrency,
        "second_opinion": args.second_opinion, "bare_s": round(bare["wall_s"], 2),
        "bare_scrapy_elapsed_s": round(bare["scrapy_elapsed_s"], 2), "bare_pages": bare["pages"],
        "bare_peak_mb": bare["peak_mb"], "bare_cpu_s": bare["cpu_s"], "bare_server_cpu_s": bare["server_cpu_s"],
        "akhbar_server_cpu_s": run["server_cpu_s"], "cores": len(os.sched_getaffinity(0)), "akhbar_searchable_s": round(searchable, 2) if searchable else None,
        "akhbar_exit_s": round(run["exit_s"], 2), "exit_code": run["returncode"],
        "ratio": round(ratio, 3) if ratio else None, "phases": phases, "peak_rss": run["rss"],
        "rss_samples": run["samples"], "server_wal_mb": run["wal_mb"], "server_checkpoints": run["checkpoints"], "articles": run["articles"], "quarantined": state["quarantined"],
        "raw_pages": state["raw_pages"], "crawl_write_wait_s": state.get("write_wait_s"), "last_page_searchable": state["last_page_found_by_search"],
        "timed_out": run["timed_out"], "ok": ok,
    }, ensure_ascii=False))
    return 0 if ok else 2


if __name__ == "__main__":
    sys.exit(main())
