"""bench/e2e.py at a tiny N, so it cannot rot: its page server, and a whole run (bare crawl, `akhbar run`, report)
against the PostgreSQL at 127.0.0.1:5432."""

from __future__ import annotations

import gzip
import html
import json
import re
import subprocess
import sys
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "bench"))

# Two corpus-shaped records, written here: the second one's time is RFC 822, as half the corpus gives it.
RECORDS = [
    {"docno": "T-1", "url": "http://www.bbc.com/arabic/a1", "source": "BBC", "title": "وزير الخارجية يزور عمان",
     "time": "2018-03-04T10:15:00+00:00", "author": "سامي جابر",
     "text": "قال وزير الخارجية إن الزيارة تهدف إلى تعزيز العلاقات بين البلدين في مجالات التجارة والطاقة والتعليم. " * 3
             + "\nوأضاف أن الجانبين سيوقعان عددا من الاتفاقيات خلال الأيام المقبلة في العاصمة الأردنية. " * 3},
    {"docno": "T-2", "url": "http://arabic.cnn.com/a2", "source": "CNN", "title": "ارتفاع أسعار النفط في الأسواق",
     "time": "Sun, 18 Feb 2018 21:35:43 +0400", "author": None,
     "text": "ارتفعت أسعار النفط اليوم بعد قرار خفض الإنتاج الذي أعلنته الدول المصدرة في اجتماعها الأخير. " * 3
             + "\nوقال محللون إن الأسعار قد تواصل الارتفاع خلال الربع المقبل إذا استمر الطلب على حاله. " * 3},
    {"docno": "T-3", "url": "http://www.bbc.com/arabic/a3", "source": "BBC", "title": "قصير",
     "time": "2018-03-05T10:15:00+00:00", "author": None, "text": "فقرة واحدة قصيرة."},  # unusable: one paragraph
]


@pytest.fixture
def tiny_corpus(tmp_path) -> Path:
    path = tmp_path / "tiny.jsonl.gz"
    with gzip.open(path, "wt", encoding="utf-8") as fh:
        for rec in RECORDS:
            fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
    return path


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def test_the_server_lists_every_page_and_reuses_the_texts_past_the_corpus(tiny_corpus, tmp_path):
    import e2e

    with e2e.Site(tiny_corpus, 5, tmp_path) as site:
        base = f"http://127.0.0.1:{site.port}"
        assert site.texts == 2  # the third record has one paragraph: no layout can carry it
        index = fetch(f"{base}/sitemap_index.xml")
        assert re.findall(r"<loc>([^<]+)</loc>", index) == [f"{base}/sitemaps/1.xml"]
        listed = re.findall(r"<loc>([^<]+)</loc>", fetch(f"{base}/sitemaps/1.xml"))
        assert listed == [f"{base}/ar/news/{n}.html" for n in range(1, 6)]
        # Page n carries text (n - 1) mod 2: pages 1, 3 and 5 the first record, 2 and 4 the second.
        for n, rec in ((1, RECORDS[0]), (2, RECORDS[1]), (3, RECORDS[0]), (4, RECORDS[1]), (5, RECORDS[0])):
            page = html.unescape(fetch(f"{base}/ar/news/{n}.html"))
            assert rec["title"] in page
            assert rec["text"].split("\n")[1].strip()[:60] in page
        # Each page names itself as canonical, except the family whose canonical is the home page (a trap).
        canonicals = [re.search(r'rel="canonical" href="([^"]+)"', fetch(f"{base}/ar/news/{n}.html")).group(1)
                      for n in range(1, 6)]
        assert canonicals == [f"{base}/ar/news/{n}.html" if n != 5 else f"{base}/" for n in range(1, 6)]
        with pytest.raises(urllib.error.HTTPError) as missing:
            fetch(f"{base}/ar/news/6.html")
        assert missing.value.code == 404


def test_a_tiny_run_prints_the_table_and_a_json_line(tiny_corpus, tmp_path):
    # the records written above, so the run needs no ../shared corpus beside the checkout
    proc = subprocess.run([sys.executable, str(ROOT / "bench" / "e2e.py"), "--pages", "30",
                           "--corpus", str(tiny_corpus)], cwd=ROOT,
                          capture_output=True, text=True, timeout=180, check=False)
    assert proc.returncode == 0, proc.stdout[-2000:] + proc.stderr[-2000:]
    lines = proc.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert result["bench"] == "e2e" and result["pages"] == 30 and result["ok"] is True
    assert result["bare_pages"] == 30
    assert result["articles"] + result["quarantined"] == 30
    assert sum(result["raw_pages"].values()) == 30
    assert set(result["raw_pages"]) <= {"loaded", "quarantined", "skipped"}
    assert result["last_page_searchable"] is True
    assert list(result["phases"]) == ["crawl", "parse", "validate", "load", "report"]
    ends = [p["ended_s"] for p in result["phases"].values()]
    assert ends == sorted(ends) and ends[-1] == result["akhbar_exit_s"]
    assert 0 < result["akhbar_searchable_s"] <= result["akhbar_exit_s"]
    assert result["ratio"] == pytest.approx(result["akhbar_searchable_s"] / result["bare_s"], rel=0.01)
    assert result["peak_rss"]["cli"]["processes"] == 1 and result["peak_rss"]["cli"]["peak_mb"] > 20
    assert result["peak_rss"]["scrapy"]["peak_mb"] > 20
    assert result["bare_peak_mb"] > 20
    table = "\n".join(lines[:-1])
    for label in ("bare Scrapy, wall", "akhbar run, to searchable", "peak RSS, cli", "peak RSS, scrapy",
                  "ratio akhbar/bare"):
        assert label in table
