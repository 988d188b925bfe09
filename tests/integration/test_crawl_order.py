"""The crawl asks for article pages in the order the feed lists them (newest first), after the feed itself."""

from __future__ import annotations

import json
import socket
import urllib.request

import pytest

from akhbar import pipeline
from akhbar.config import Settings
from akhbar.demo_site import DemoSiteProcess

# masr.localhost's RSS feed (akhbar/mirror.py), its items in order, read off the feed. /private/... is disallowed
# by robots.txt and /partner is on another host: neither is asked for.
FEED_ORDER = ["1001", "1002", "1003", "flaky-500", "busy-429", "cp1256", "slow", "truncated", "huge", "moved",
              "missing", "removed", "down", "photo", "check", "forbidden", "rate-limited"]


@pytest.mark.slow
def test_pages_are_fetched_in_the_feeds_order(clean_db, tmp_path):
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    with DemoSiteProcess("127.0.0.1", port) as site:
        settings = Settings(database_url=clean_db, demo_port=port, data_dir=tmp_path)
        run_id = pipeline.start_run(settings, "mirror_masr")
        # One request at a time, so the order of the site's log is the order the scheduler gave.
        pipeline.crawl(settings, run_id, {"AKHBAR_RETRY_BACKOFF": 0.2, "CONCURRENT_REQUESTS": 1,
                                          "CONCURRENT_REQUESTS_PER_DOMAIN": 1})
        request = urllib.request.Request(site.url + "/log", headers={"Host": "control.localhost"})
        with urllib.request.urlopen(request, timeout=10) as response:
            log = json.loads(response.read())
    first_hits = [entry["path"] for entry in log if entry["host"] == "masr.localhost" and entry["hit"] == 1
                  and "akhbar" in entry["user_agent"]]
    assert first_hits == ["/robots.txt", "/rss.xml", *(f"/news/2026/01/08/{p}" for p in FEED_ORDER)]
