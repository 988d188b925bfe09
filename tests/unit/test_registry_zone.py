"""A source's time zone: a name that does not exist is a registry error; no zone means its country's zone."""

from __future__ import annotations

import pytest

from akhbar.config import Settings
from akhbar.sources import COUNTRY_ZONES, RegistryError, load_registry

ENTRY = """
[[source]]
key = "xsite"
name = "X"
country = "{country}"
{zone}
home_url = "https://x.example/"
allowed_domains = ["x.example"]
feeds = ["https://x.example/rss"]
"""


def _load(tmp_path, country: str, zone: str):
    path = tmp_path / "sources.toml"
    path.write_text(ENTRY.format(country=country, zone=zone), encoding="utf-8")
    return load_registry(Settings(), path)


@pytest.mark.parametrize("bad", ["Africa/Kairo", "Cairo", "Asia/Riyad", "Arabia/Mecca"])
def test_a_misspelt_zone_is_a_registry_error(tmp_path, bad: str) -> None:
    with pytest.raises(RegistryError, match=f"unknown time_zone '{bad}'"):
        _load(tmp_path, "EG", f'time_zone = "{bad}"')


@pytest.mark.parametrize(("country", "zone"), [("EG", "Africa/Cairo"), ("SA", "Asia/Riyadh"), ("TN", "Africa/Tunis"),
                                               ("MA", "Africa/Casablanca"), ("LB", "Asia/Beirut")])
def test_no_zone_is_the_zone_of_the_country(tmp_path, country: str, zone: str) -> None:
    assert _load(tmp_path, country, "")["xsite"].time_zone == zone


def test_a_country_without_a_single_zone_needs_one(tmp_path) -> None:
    with pytest.raises(RegistryError, match="no time_zone, and country 'US'"):
        _load(tmp_path, "US", "")
    assert _load(tmp_path, "US", 'time_zone = "America/New_York"')["xsite"].time_zone == "America/New_York"


def test_every_country_zone_exists() -> None:
    from zoneinfo import ZoneInfo

    for name in COUNTRY_ZONES.values():
        ZoneInfo(name)
