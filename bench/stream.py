"""`akhbar run` with its steps overlapping, beside the same steps one after the other and a bare Scrapy crawl.

    .venv/bin/python bench/stream.py [--pages 10000] [--workers N] [--port 18051] [--no-sequential]

N real corpus articles (``../shared/corpus``, rendered in bench/layouts.py's layout families) are written as
static pages with a sitemap index and served on loopback by Twisted's static web server. In the same run:

- bare: a plain Scrapy SitemapSpider over the sitemap whose callback does nothing;
- streaming: ``pipeline.run_source`` (what ``akhbar run`` runs) into a fresh database: crawl, parse, gate and
  load overlapping;
- sequential: the same steps one after the other (``pipeline.crawl``, ``parse``, ``validate``, ``load``, the
  Airflow tasks' order) into another fresh database;
- parse workers: the parse step alone on the stored pages, with 1 worker and with ``--workers``.

Every crawl runs at 16 concurrent requests with no delay and no AutoThrottle. The steps run in a child process
of this script; the resident memory of that process tree (the run's own process, the Scrapy subprocess, the
parse workers) is sampled every 0.2 s and the peak of each is printed. The quality gate's batch-level rate is
off (``max_failure_rate`` 1.0): some layout families are made to defeat extractors, and this measures speed.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

SCRAPY = {"AUTOTHROTTLE_ENABLED": "False", "DOWNLOAD_DELAY": "0", "CONCURRENT_REQUESTS": "16",
          "CONCURRENT_REQUESTS_PER_DOMAIN": "16", "LOG_LEVEL": "WARNING"}
HOST = "stream.localhost"
PART = 1000  # URLs per child sitemap


def build_site(directory: Path, pages: int, port: int) -> None:
    """Static pages, a sitemap index and its parts under ``directory``."""
    from layouts import FAMILIES, SITES, load_records, render

    families = list(FAMILIES)
    records = load_records(pages + 50)
    pool, others = records[:pages], records[pages:]
    if len(pool) < pages:
        raise SystemExit(f"the corpus gave {len(pool)} usable records, fewer than {pages}")
    (directory / "a").mkdir(parents=True)
    base = f"http://{HOST}:{port}"
    for n, rec in enumerate(pool):
        case = render(families[n % len(families)], rec, others, 12)
        (directory / "a" / f"{n}.html").write_text(case.html, encoding="utf-8")
    parts = []
    for start in range(0, pages, PART):
        name = f"part-{start // PART}.xml"
        urls = "".join(f"<url><loc>{base}/a/{n}.html</loc></url>\n" for n in range(start, min(pages, start + PART)))
        (directory / name).write_text('<?xml version="1.0" encoding="UTF-8"?>\n<urlset xmlns="http://www.sitemaps.org/'
                                      f'schemas/sitemap/0.9">\n{urls}</urlset>\n', encoding="utf-8")
        parts.append(name)
    index = "".join(f"<sitemap><loc>{base}/{name}</loc></sitemap>\n" for name in parts)
    (directory / "sitemap.xml").write_text('<?xml version="1.0" encoding="UTF-8"?>\n<sitemapindex xmlns="http://www.'
                                           f'sitemaps.org/schemas/sitemap/0.9">\n{index}</sitemapindex>\n',
                                           encoding="utf-8")
    hosts = sorted({HOST} | {host for _zone, _name, host in SITES.values()})
    (directory.parent / "sources.toml").write_text(f"""
[[source]]
key = "stream_bench"
name = "loopback: {pages} corpus articles for bench/stream.py"
country = "XX"
time_zone = "UTC"
home_url = "http://{HOST}:{{demo_port}}/"
allowed_domains = ["{HOST}"]
canonical_domains = {json.dumps(hosts)}
sitemaps = ["http://{HOST}:{{demo_port}}/sitemap.xml"]
schedule = "@once"
download_delay = 0.0
concurrency_per_domain = 16
max_pages = {pages + 100}
verified = true
""", encoding="utf-8")


class Peaks:
    """Peak resident memory of a process tree, by role, sampled in a thread."""

    def __init__(self, pid: int):
        import psutil

        self.root = psutil.Process(pid)
        self.peaks: dict[str, float] = {}
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)
        self._thread.start()

    def _role(self, proc) -> str:
        if proc.pid == self.root.pid:
            return "run process"
        line = " ".join(proc.cmdline())
        if "scrapy" in line:
            return "scrapy"
        if "forkserver" in line and proc.ppid() == self.root.pid:
            return "fork server"
        return "parse worker"

    def _sample(self) -> None:
        import psutil

        while not self._stop.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
            except psutil.NoSuchProcess:
                return
            for proc in procs:
                try:
                    role, rss = self._role(proc), proc.memory_info().rss / 2**20
                except psutil.Error:
                    continue
                self.peaks[role] = max(self.peaks.get(role, 0.0), rss)
            time.sleep(0.2)

    def stop(self) -> dict[str, float]:
        self._stop.set()
        self._thread.join()
        return self.peaks


def child(mode: str, url: str, port: int, sources: str, workers: int, second_opinion: bool) -> dict:
    """Runs in a child process: one way of running the steps, timed."""
    from akhbar import pipeline
    from akhbar.config import Settings
    from akhbar.pipeline import lifecycle

    settings = Settings(database_url=url, demo_port=port, data_dir=Path(tempfile.mkdtemp()), log_level="WARNING",
                        sources_file=Path(sources), parse_workers=workers, max_failure_rate=1.0,
                        second_opinion=second_opinion)
    started = time.monotonic()
    if mode == "streaming":
        summary = pipeline.run_source(settings, "stream_bench", scrapy_settings=SCRAPY)
        return {"wall": time.monotonic() - started, "phases": summary.seconds, "counts": summary.counts}
    if mode == "sequential":
        phases = {}
        run_id = pipeline.start_run(settings, "stream_bench")
        with lifecycle.lease(settings, run_id):
            for step, work in (("crawl", lambda: pipeline.crawl(settings, run_id, SCRAPY)),
                               ("parse", lambda: pipeline.parse(settings, run_id)),
                               ("validate", lambda: pipeline.validate(settings, run_id)),
                               ("load", lambda: pipeline.load(settings, run_id))):
                mark = time.monotonic()
                work()
                phases[step] = time.monotonic() - mark
        summary = pipeline.summarize(settings, run_id)
        return {"wall": time.monotonic() - started, "phases": phases, "counts": summary.counts}
    # parse: the stored pages again, under a new run, with this many workers
    from akhbar import db

    run_id = pipeline.start_run(settings, "stream_bench", f"parse-{workers}-{time.time()}")
    with db.transaction(url) as cur:
        cur.execute("DELETE FROM extracted_pages")
        cur.execute("UPDATE raw_pages SET parse_status = 'pending', claimed_by = NULL, attempts = 0, "
                    "crawl_run_id = %s", (run_id,))
    mark = time.monotonic()
    counts = pipeline.parse(settings, run_id)
    return {"wall": time.monotonic() - mark, "counts": counts}


def run_child(mode: str, url: str, port: int, sources: str, workers: int, second_opinion: bool) -> tuple[dict, dict]:
    cmd = [sys.executable, __file__, "--child", mode, "--url", url, "--port", str(port), "--sources", sources,
           "--workers", str(workers)] + ([] if second_opinion else ["--no-second-opinion"])
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True, env={**os.environ, "PYTHONPATH": str(ROOT)})
    peaks = Peaks(proc.pid)
    out, _ = proc.communicate()
    memory = peaks.stop()
    if proc.returncode != 0:
        raise SystemExit(f"{mode} failed (exit {proc.returncode})")
    return json.loads(out.strip().splitlines()[-1]), memory


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=10000)
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--port", type=int, default=18051)
    parser.add_argument("--admin-url", default=os.environ.get("AKHBAR_TEST_ADMIN_URL",
                                                             "postgresql://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--no-sequential", action="store_true")
    parser.add_argument("--no-second-opinion", action="store_true",
                        help="no trafilatura beside us (on a source's first run it reads every page)")
    parser.add_argument("--child")
    parser.add_argument("--url")
    parser.add_argument("--sources")
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args.url, args.port, args.sources, args.workers,
                                     not args.no_second_opinion), default=str))
        return 0

    from crawl import bare_crawl

    from akhbar import db

    with tempfile.TemporaryDirectory() as tmp:
        site = Path(tmp) / "site"
        mark = time.monotonic()
        build_site(site, args.pages, args.port)
        print(f"site: {args.pages} pages written in {time.monotonic() - mark:.0f} s; second opinion "
              f"{'off' if args.no_second_opinion else 'on (every page of this first run)'}; "
              f"{args.workers} parse workers", flush=True)
        server = subprocess.Popen([str(Path(sys.executable).parent / "twistd"), "-n", "--pidfile=", "web", "--path",
                                   str(site), "--listen", f"tcp:{args.port}:interface=127.0.0.1"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=tmp)
        try:
            time.sleep(2)
            sources = str(Path(tmp) / "sources.toml")
            bare = bare_crawl(f"http://{HOST}:{args.port}/sitemap.xml", SCRAPY, timeout=3600)
            print(f"bare Scrapy crawl          {bare['pages']} pages in {bare['wall_s']:.1f} s "
                  f"({bare['elapsed_s']:.1f} s from engine start to close)", flush=True)
            with db.scratch_database(args.admin_url, "akhbar_stream") as url:
                result, memory = run_child("streaming", url, args.port, sources, args.workers, not args.no_second_opinion)
                phases = ", ".join(f"{k} {v:.1f} s" for k, v in result["phases"].items())
                print(f"akhbar run, streaming      {result['wall']:.1f} s crawl to searchable ({phases}); "
                      f"{result['counts'].get('articles_loaded')} articles loaded", flush=True)
                print("  peak RSS                 " + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items()))
                streaming = result["wall"]
            if not args.no_sequential:
                with db.scratch_database(args.admin_url, "akhbar_stream") as url:
                    result, memory = run_child("sequential", url, args.port, sources, args.workers,
                                             not args.no_second_opinion)
                    phases = ", ".join(f"{k} {v:.1f} s" for k, v in result["phases"].items())
                    print(f"steps one after the other  {result['wall']:.1f} s ({phases}); "
                          f"{result['counts'].get('articles_loaded')} articles loaded", flush=True)
                    print("  peak RSS                 " + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items()))
                    times = {}
                    for workers in sorted({1, args.workers}):
                        result, memory = run_child("parse", url, args.port, sources, workers, not args.no_second_opinion)
                        times[workers] = result["wall"]
                        print(f"parse alone, {workers} worker(s)   {result['wall']:.1f} s for "
                              f"{result['counts']['parsed'] + result['counts']['parse_quarantined']} pages "
                              f"({', '.join(f'{k} {v:.0f} MB' for k, v in memory.items())})", flush=True)
                    if len(times) == 2:
                        print(f"parse speed-up, {args.workers} workers vs 1  {times[1] / times[args.workers]:.2f}x")
            print(f"ratio streaming/bare       {streaming / bare['wall_s']:.2f}  (target <= 1.3)")
        finally:
            server.terminate()
            server.wait()
    return 0


if __name__ == "__main__":
    sys.exit(main())
