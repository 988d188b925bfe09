"""Scrapy's scheduler with the spider's request priorities: one priority for every page (ours, FIFO queues)
beside a priority per request (the previous release's ``priority=-n``, which Scrapy keeps as one queue each).

    .venv/bin/python bench/scheduler.py [--pages 2000 10000 20000]

Each case builds Scrapy's own Scheduler from a crawler with akhbar's settings, enqueues N page requests the way
the spider does, then pops them all; it prints the seconds to drain and the ratio baseline/ours.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def drain(pages: int, per_request_priority: bool) -> float:
    import scrapy
    from scrapy.core.scheduler import Scheduler
    from scrapy.utils.project import get_project_settings
    from scrapy.utils.test import get_crawler

    from spiders.spiders.news import PAGE_PRIORITY

    settings = get_project_settings().copy_to_dict()
    if per_request_priority:  # the previous release: Scrapy's default queue, a priority per page
        settings.pop("SCHEDULER_MEMORY_QUEUE", None)
    crawler = get_crawler(scrapy.Spider, settings)
    spider = crawler._create_spider("bench")
    crawler.spider = spider
    crawler.engine = crawler._create_engine()  # the downloader-aware queue asks the engine for its slots
    scheduler = Scheduler.from_crawler(crawler)
    scheduler.open(spider)
    for n in range(1, pages + 1):
        priority = -n if per_request_priority else PAGE_PRIORITY
        scheduler.enqueue_request(scrapy.Request(f"http://bench.localhost/{n}", dont_filter=True,
                                                 priority=priority))
    started = time.perf_counter()
    popped = [scheduler.next_request().url for _ in range(pages)]
    seconds = time.perf_counter() - started
    assert popped[0].endswith("/1") and popped[-1].endswith(f"/{pages}"), "not in the order scheduled"
    scheduler.close("finished")
    return seconds


def main() -> None:
    from scrapy.utils.reactor import install_reactor

    install_reactor("twisted.internet.asyncioreactor.AsyncioSelectorReactor")  # what a crawler expects
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, nargs="+", default=[2000, 10000, 20000])
    args = parser.parse_args()
    print(f"{'pages':>8} {'priority per page (s)':>22} {'one priority, FIFO (s)':>23} {'ratio':>8}")
    for pages in args.pages:
        old, new = drain(pages, True), drain(pages, False)
        print(f"{pages:>8,} {old:>22.3f} {new:>23.3f} {old / new:>7.0f}x")


if __name__ == "__main__":
    main()
