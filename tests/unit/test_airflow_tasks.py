"""What the DAGs are generated from, and what a red task says (no database, no Airflow run)."""

from __future__ import annotations

import pytest

from akhbar.airflow_tasks import dag_sources, failure_summary, is_mirror, pool_name, pools, source_doc_md
from akhbar.config import Settings
from akhbar.pipeline import CrawlFailed

REGISTRY = """
[[source]]
key = "mirror_one"
name = "loopback mirror"
country = "XX"
time_zone = "Africa/Cairo"
home_url = "{demo_site}/"
allowed_domains = ["127.0.0.1"]
feeds = ["{demo_site}/feed.xml"]

[[source]]
key = "youm7"
name = "اليوم السابع"
country = "EG"
time_zone = "Africa/Cairo"
home_url = "https://www.youm7.com/"
allowed_domains = ["youm7.com"]
feeds = ["https://www.youm7.com/rss/SectionRss?SectionID=65"]
schedule = "*/30 * * * *"
"""


@pytest.fixture
def settings(tmp_path):
    path = tmp_path / "sources.toml"
    path.write_text(REGISTRY, encoding="utf-8")
    return Settings(sources_file=path, data_dir=tmp_path)


@pytest.mark.parametrize(("choice", "keys"), [
    ("all", ["mirror_one", "youm7"]),
    ("mirror", ["mirror_one"]),
    ("live", ["youm7"]),
    ("youm7", ["youm7"]),
    (" youm7 , mirror_one ", ["youm7", "mirror_one"]),
])
def test_dag_sources_one_setting_picks_mirror_or_real_sites(settings, choice, keys):
    assert [s.key for s in dag_sources(settings.with_(dag_sources=choice))] == keys


def test_an_unknown_source_key_is_named(settings):
    with pytest.raises(ValueError, match="unknown source.*nope.*known: mirror_one, youm7"):
        dag_sources(settings.with_(dag_sources="youm7,nope"))


def test_mirror_means_served_on_this_machine(settings):
    by_key = {s.key: s for s in dag_sources(settings)}
    assert is_mirror(by_key["mirror_one"]) and not is_mirror(by_key["youm7"])


def test_one_pool_of_one_slot_per_source(settings):
    assert pools(settings) == {
        "akhbar_crawl_mirror_one": {"slots": 1, "description": "crawls of loopback mirror: one at a time, however "
                                    "many workers run", "include_deferred": False},
        "akhbar_crawl_youm7": {"slots": 1, "description": "crawls of اليوم السابع: one at a time, however many "
                               "workers run", "include_deferred": False},
    }
    assert pool_name("youm7") == "akhbar_crawl_youm7"


def test_doc_md_shows_the_registry_entry(settings):
    youm7 = {s.key: s for s in dag_sources(settings)}["youm7"]
    doc = source_doc_md(youm7)
    assert "### اليوم السابع" in doc
    assert "| time zone | Africa/Cairo |" in doc
    assert "| schedule | `*/30 * * * *` |" in doc
    assert "https://www.youm7.com/rss/SectionRss?SectionID=65" in doc


def test_failure_summary_is_one_line_with_source_task_and_reason():
    error = CrawlFailed("crawl of youm7 failed (exit 1): Traceback\n  ...\nConnectionRefusedError")
    line = failure_summary("akhbar_youm7", "crawl", error, try_number=4)
    assert line == ("akhbar FAILED source=youm7 task=crawl (try 4): CrawlFailed: crawl of youm7 failed (exit 1): "
                    "Traceback ... ConnectionRefusedError")
    assert "\n" not in line


def test_failure_summary_without_an_exception_says_so():
    assert failure_summary("akhbar_maintenance", "vacuum_analyze", None) == (
        "akhbar FAILED source=maintenance task=vacuum_analyze: "
        "no exception recorded (killed, timed out or upstream failed)")
