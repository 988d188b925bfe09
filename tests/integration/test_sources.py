"""The source registry: the shipped sources, validation messages, ``akhbar sources list`` and ``sources check``
(against the loopback mirror only)."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from akhbar.config import Settings
from akhbar.source_check import check_source
from akhbar.sources import RegistryError, load_registry

REGIONS = {
    "Egypt": {"EG"},
    "Levant": {"LB", "SY", "JO", "PS", "IQ"},
    "Gulf": {"QA", "AE", "SA", "KW", "BH", "OM"},
    "Maghreb": {"MA", "TN", "DZ", "LY"},
}


def _real_sources():
    return [s for s in load_registry(Settings()).values() if not s.key.startswith(("demo", "mirror_"))]


def test_at_least_twelve_real_sources_across_the_regions():
    real = _real_sources()
    assert len(real) >= 12
    assert all(not s.verified for s in real)  # nobody has checked them from here
    countries = {s.country for s in real}
    for region, codes in REGIONS.items():
        assert countries & codes, f"no source from the {region}"
    for s in real:
        assert s.discovery_urls and all(url.startswith("https://") for _kind, url in s.discovery_urls), s.key
        assert s.article_patterns, s.key
        assert s.download_delay >= 1.0 and s.concurrency_per_domain <= 2, s.key  # polite on the live web


def test_the_registry_keeps_its_locale_for_maghreb_and_levant_month_names():
    sources = load_registry(Settings())
    assert sources["hespress"].locale == "ar-MA"
    assert sources["assabah"].locale == "ar-TN"
    assert sources["lbcgroup"].locale == "ar-LB"


GOOD = """
[[source]]
key = "xsite"
name = "X"
country = "EG"
time_zone = "Africa/Cairo"
home_url = "https://x.example/"
allowed_domains = ["x.example"]
feeds = ["https://x.example/rss"]
"""


@pytest.mark.parametrize(("change", "message"), [
    (("time_zone = \"Africa/Cairo\"", "time_zone = \"Cairo\""), "unknown time_zone 'Cairo'"),
    (("feeds = [\"https://x.example/rss\"]", ""), "at least one discovery URL is needed"),
    (("feeds = [\"https://x.example/rss\"]", "feeds = [\"https://other.example/rss\"]"), "outside allowed_domains"),
    (("feeds = [\"https://x.example/rss\"]", "feeds = [\"ftp://x.example/rss\"]"), "not http(s)"),
    (("country = \"EG\"", "country = \"EG\"\narticle_patterns = [\"(\"]"), "bad pattern '('"),
    (("country = \"EG\"", "country = \"EG\"\nschedule = \"every hour\""), "schedule must be a cron expression"),
    (("country = \"EG\"", "country = \"EG\"\nlocale = \"fr\""), "locale must be ar or ar-XX"),
    (("country = \"EG\"", "country = \"Egypt\""), "country must be a two-letter code"),
    (("country = \"EG\"", "country = \"EG\"\nmax_pages = 0"), "max_pages >= 1"),
    (("country = \"EG\"", "country = \"EG\"\nlisting_pages = [\"https://x.example/news\"]"), "need a link_pattern"),
    (("country = \"EG\"", "country = \"EG\"\nfeed = []"), "unknown field(s) feed"),
    (("name = \"X\"\n", ""), "missing required field 'name'"),
])
def test_a_bad_entry_names_the_entry_and_the_field(tmp_path, change, message):
    path = tmp_path / "sources.toml"
    path.write_text(GOOD.replace(*change), encoding="utf-8")
    with pytest.raises(RegistryError) as error:
        load_registry(Settings(), path)
    assert "source #1 ('xsite')" in str(error.value)
    assert message in str(error.value)


def test_the_good_entry_loads(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(GOOD, encoding="utf-8")
    (source,) = load_registry(Settings(), path).values()
    assert source.discovery_urls == [("feed", "https://x.example/rss")]
    assert source.is_article_url("https://x.example/anything")


def _cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "akhbar.cli", *args], check=False, capture_output=True,
                          text=True, timeout=120, env={**os.environ, **(env or {})})


def test_sources_list_shows_every_source():
    proc = _cli("sources", "list")
    assert proc.returncode == 0, proc.stderr
    keys = set(load_registry(Settings()))
    listed = {line.split()[0] for line in proc.stdout.splitlines()[1:-1]}
    assert listed == keys
    assert f"{len(keys)} sources, all valid" in proc.stdout
    assert "هسبريس" in proc.stdout


def test_sources_check_reads_the_mirror_with_the_crawlers_parsers(demo_site):
    settings = Settings(demo_port=demo_site.port, download_timeout=10)
    sources = load_registry(settings)
    sham = check_source(sources["mirror_sham"], settings)
    assert sham.ok and sham.robots_status == 200
    feed, listing = sham.discovery
    assert (feed.document, feed.entries, feed.articles) == ("atom", 2, 2)
    assert listing.document == "html" and listing.articles >= 3
    khaleej = check_source(sources["mirror_khaleej"], settings)
    assert khaleej.robots_sitemaps == [f"http://khaleej.localhost:{demo_site.port}/sitemap_index.xml"]
    index, child = khaleej.discovery
    assert index.document == "sitemapindex" and index.entries == 2
    assert (child.kind, child.document) == ("child", "urlset") and child.articles >= 2 and khaleej.ok


def test_sources_check_fails_on_a_broken_discovery_url(demo_site, tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(GOOD.replace("https://x.example/", "http://masr.localhost:{demo_port}/")
                    .replace("x.example", "masr.localhost").replace("/rss", "/no-such-feed.xml"), encoding="utf-8")
    proc = _cli("sources", "check", "xsite", env={"AKHBAR_SOURCES_FILE": str(path),
                                             "AKHBAR_DEMO_PORT": str(demo_site.port)})
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "FAIL feed     404" in proc.stdout
    assert "needs attention" in proc.stdout
