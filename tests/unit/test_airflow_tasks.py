"""What the DAGs are generated from, and what a red task says (no database, no Airflow run)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from akhbar.airflow_tasks import (
    dag_problems,
    dag_sources,
    failure_summary,
    is_mirror,
    pool_name,
    pools,
    source_doc_md,
)
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


def test_an_unknown_source_key_is_named_and_the_known_ones_keep_their_dag(settings):
    chosen = settings.with_(dag_sources="youm7,nope")
    assert [s.key for s in dag_sources(chosen)] == ["youm7"]
    assert dag_problems(chosen) == ["AKHBAR_DAG_SOURCES names unknown source(s) nope; known: mirror_one, youm7"]
    assert dag_problems(settings) == []


BAD_ENTRIES = """
[[source]]
key = "bad_zone"
name = "a source with a time zone that does not exist"
country = "EG"
time_zone = "Cairo"
home_url = "https://bad.example/"
allowed_domains = ["bad.example"]
feeds = ["https://bad.example/rss"]

[[source]]
name = "no key at all"

[[source]]
key = "youm7"
name = "the same key again"
country = "EG"
time_zone = "Africa/Cairo"
home_url = "https://www.youm7.com/"
allowed_domains = ["youm7.com"]
feeds = ["https://www.youm7.com/rss"]
"""


def test_bad_registry_entries_cost_only_their_own_dag(settings):
    settings.sources_file.write_text(REGISTRY + BAD_ENTRIES, encoding="utf-8")
    assert [s.key for s in dag_sources(settings)] == ["mirror_one", "youm7"]
    assert dag_sources(settings)[1].name == "اليوم السابع"  # the first youm7 entry, not the duplicate
    assert dag_problems(settings) == [
        "registry entry skipped: source #3 ('bad_zone'): unknown time_zone 'Cairo'",
        "registry entry skipped: source #4: missing required field 'key'",
        "registry entry skipped: source #5 ('youm7'): duplicate source key 'youm7' (first defined by source #2)",
    ]
    # Asked for by name, the bad entry is named as bad, not as unknown; the good one still gets its DAG.
    chosen = settings.with_(dag_sources="bad_zone,mirror_one")
    assert [s.key for s in dag_sources(chosen)] == ["mirror_one"]
    assert not any("unknown source" in line for line in dag_problems(chosen))
    assert set(pools(settings)) == {"akhbar_crawl_mirror_one", "akhbar_crawl_youm7"}


def test_one_sources_bad_entry_does_not_stop_another_sources_run(settings):
    from akhbar.sources import RegistryError, get_source, load_registry

    settings.sources_file.write_text(REGISTRY + BAD_ENTRIES, encoding="utf-8")
    assert get_source(settings, "mirror_one").key == "mirror_one"
    with pytest.raises(RegistryError, match=r"source #3 \('bad_zone'\): unknown time_zone 'Cairo'"):
        get_source(settings, "bad_zone")
    with pytest.raises(RegistryError, match="unknown source 'nope'"):
        get_source(settings, "nope")
    with pytest.raises(RegistryError, match="bad_zone.*missing required field 'key'.*duplicate source key"):
        load_registry(settings)  # the strict reading (`akhbar sources list`) names every bad entry


def test_mirror_means_served_on_this_machine(settings):
    by_key = {s.key: s for s in dag_sources(settings)}
    assert is_mirror(by_key["mirror_one"]) and not is_mirror(by_key["youm7"])
    # the loopback mirror's named hosts (masr.localhost ...) are on this machine too (RFC 6761)
    assert is_mirror(replace(by_key["youm7"], home_url="http://masr.localhost:8765/"))
    assert not is_mirror(replace(by_key["youm7"], home_url="https://localhost.example.com/"))


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
