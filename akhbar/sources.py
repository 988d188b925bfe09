"""The source registry: loads and validates ``sources.toml``.

Each entry is validated on its own: a bad entry gives an error that names the entry and the field, and the other
entries stay usable (``read_registry``); ``load_registry`` is the strict reading that raises on any bad entry. Discovery URLs are feeds
(RSS 2.0 or Atom), sitemaps or sitemap indexes, Google News sitemaps and listing pages (whose links are
followed when they match ``link_pattern``); ``article_patterns`` say which discovered URLs are articles.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from akhbar.config import Settings

DEFAULT_REGISTRY = Path(__file__).with_name("sources.toml")
_KEY_RE = re.compile(r"^[a-z][a-z0-9_]{1,40}$")


class RegistryError(ValueError):
    pass


@dataclass(frozen=True)
class Source:
    key: str
    name: str
    country: str
    language: str
    time_zone: str
    locale: str
    home_url: str
    allowed_domains: tuple[str, ...]
    feeds: tuple[str, ...]
    schedule: str
    download_delay: float
    concurrency_per_domain: int
    max_pages: int
    extractor: str
    verified: bool
    sitemaps: tuple[str, ...] = ()
    news_sitemaps: tuple[str, ...] = ()
    listing_pages: tuple[str, ...] = ()
    link_pattern: str | None = None
    article_patterns: tuple[str, ...] = ()
    sitemap_recent_days: int = 3
    download_timeout: float | None = None  # seconds; None: AKHBAR_DOWNLOAD_TIMEOUT
    download_maxsize: int | None = None  # bytes; None: AKHBAR_DOWNLOAD_MAXSIZE
    notes: str = ""
    # Domains an article's canonical URL may name (the quality gate checks it); empty = allowed_domains.
    # A mirror serves pages whose canonical URLs name the original publishers.
    canonical_domains: tuple[str, ...] = ()
    _compiled: tuple = field(default=(), repr=False, compare=False)

    @property
    def discovery_urls(self) -> list[tuple[str, str]]:
        """(kind, url) for every configured discovery URL."""
        return ([("feed", u) for u in self.feeds] + [("sitemap", u) for u in self.sitemaps]
                + [("sitemap", u) for u in self.news_sitemaps] + [("listing", u) for u in self.listing_pages])

    def is_article_url(self, url: str) -> bool:
        """True when ``url`` matches one of ``article_patterns`` (every URL does when there are none)."""
        if not self.article_patterns:
            return True
        patterns = self._compiled or tuple(re.compile(p) for p in self.article_patterns)
        return any(p.search(url) for p in patterns)



_REQUIRED = {
    "key": str,
    "name": str,
    "country": str,
    "home_url": str,
    "allowed_domains": list,
}
_OPTIONAL = {
    "time_zone": (str, None),  # None: the zone of the country (COUNTRY_ZONES)
    "language": (str, "ar"),
    "locale": (str, "ar"),
    "schedule": (str, "@hourly"),
    "download_delay": ((int, float), 1.0),
    "concurrency_per_domain": (int, 2),
    "max_pages": (int, 200),
    "extractor": (str, "generic"),
    "verified": (bool, False),
    "feeds": (list, []),
    "sitemaps": (list, []),
    "news_sitemaps": (list, []),
    "listing_pages": (list, []),
    "link_pattern": (str, None),
    "article_patterns": (list, []),
    "sitemap_recent_days": (int, 3),
    "download_timeout": ((int, float), None),
    "download_maxsize": (int, None),
    "notes": (str, ""),

    "canonical_domains": (list, []),
}
# A source with no time_zone takes its country's zone (one zone per country; countries with several need one).
COUNTRY_ZONES = {
    "EG": "Africa/Cairo", "SA": "Asia/Riyadh", "AE": "Asia/Dubai", "QA": "Asia/Qatar", "KW": "Asia/Kuwait",
    "BH": "Asia/Bahrain", "OM": "Asia/Muscat", "YE": "Asia/Aden", "JO": "Asia/Amman", "LB": "Asia/Beirut",
    "SY": "Asia/Damascus", "IQ": "Asia/Baghdad", "PS": "Asia/Gaza", "SD": "Africa/Khartoum", "LY": "Africa/Tripoli",
    "TN": "Africa/Tunis", "DZ": "Africa/Algiers", "MA": "Africa/Casablanca", "MR": "Africa/Nouakchott",
    "SO": "Africa/Mogadishu", "DJ": "Africa/Djibouti", "KM": "Indian/Comoro", "TR": "Europe/Istanbul",
    "IR": "Asia/Tehran", "GB": "Europe/London", "FR": "Europe/Paris", "DE": "Europe/Berlin", "IL": "Asia/Jerusalem",
}
_URL_LISTS = ("feeds", "sitemaps", "news_sitemaps", "listing_pages")
_CRON_PRESETS = {"@once", "@hourly", "@daily", "@weekly", "@monthly", "@yearly", "@continuous"}
_CRON_FIELD = re.compile(r"^[0-9*/,\-A-Za-z]+$")
_LOCALE_RE = re.compile(r"^ar(-[A-Z]{2})?$")
_COUNTRY_RE = re.compile(r"^[A-Z]{2}$")


def _host_allowed(host: str, domains) -> bool:
    return any(host == d or host.endswith("." + d) for d in domains)


def _check(where: str, values: dict) -> None:
    """Checks beyond types: URLs, domains, patterns, schedule, locale and limits."""
    from urllib.parse import urlsplit

    if not _COUNTRY_RE.match(values["country"]):
        raise RegistryError(f"{where}: country must be a two-letter code such as EG (got {values['country']!r})")
    if not _LOCALE_RE.match(values["locale"]):
        raise RegistryError(f"{where}: locale must be ar or ar-XX, a dateparser locale (got {values['locale']!r})")
    schedule = values["schedule"]
    if schedule not in _CRON_PRESETS and (len(schedule.split()) != 5
                                          or not all(_CRON_FIELD.match(f) for f in schedule.split())):
        raise RegistryError(f"{where}: schedule must be a cron expression or a preset like @hourly (got {schedule!r})")
    if values["download_delay"] < 0 or values["concurrency_per_domain"] < 1 or values["max_pages"] < 1:
        raise RegistryError(f"{where}: download_delay >= 0, concurrency_per_domain >= 1 and max_pages >= 1 are needed")
    if (values["download_timeout"] is not None and values["download_timeout"] <= 0) or (
            values["download_maxsize"] is not None and values["download_maxsize"] < 1024):
        raise RegistryError(f"{where}: download_timeout must be > 0 and download_maxsize at least 1024 bytes")
    if values["sitemap_recent_days"] < 1:
        raise RegistryError(f"{where}: sitemap_recent_days must be at least 1")
    domains = values["allowed_domains"]
    if not domains or not all(isinstance(d, str) and d and "/" not in d for d in domains):
        raise RegistryError(f"{where}: allowed_domains must be a non-empty list of host names")
    if not any(values[name] for name in _URL_LISTS):
        raise RegistryError(f"{where}: at least one discovery URL is needed (feeds, sitemaps, news_sitemaps or "
                            "listing_pages)")
    for name in ("home_url", *_URL_LISTS):
        urls = [values[name]] if name == "home_url" else values[name]
        for url in urls:
            parts = urlsplit(url) if isinstance(url, str) else None
            if parts is None or parts.scheme not in ("http", "https") or not parts.hostname:
                raise RegistryError(f"{where}: {name} has a URL that is not http(s): {url!r}")
            if not _host_allowed(parts.hostname, domains):
                raise RegistryError(f"{where}: {name} URL {url!r} is outside allowed_domains {domains}")
    for pattern in [values["link_pattern"] or "", *values["article_patterns"]]:
        try:
            re.compile(pattern)
        except (re.error, TypeError) as exc:
            raise RegistryError(f"{where}: bad pattern {pattern!r}: {exc}") from exc
    if values["listing_pages"] and not (values["link_pattern"] or values["article_patterns"]):
        raise RegistryError(f"{where}: listing_pages need a link_pattern (or article_patterns) to pick links")


def _fill(value, settings: Settings):
    if isinstance(value, str):
        return value.replace("{demo_site}", settings.demo_site_url).replace("{demo_port}", str(settings.demo_port))
    if isinstance(value, list):
        return tuple(_fill(v, settings) for v in value)
    return value


def _parse_entry(index: int, entry: dict, settings: Settings) -> Source:
    where = f"source #{index + 1}" + (f" ({entry['key']!r})" if isinstance(entry.get("key"), str) else "")
    unknown = set(entry) - set(_REQUIRED) - set(_OPTIONAL)
    if unknown:
        raise RegistryError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    values = {}
    for name, kind in _REQUIRED.items():
        if name not in entry:
            raise RegistryError(f"{where}: missing required field {name!r}")
        if not isinstance(entry[name], kind):
            raise RegistryError(f"{where}: field {name!r} must be a {kind.__name__}")
        values[name] = entry[name]
    for name, (kind, default) in _OPTIONAL.items():
        value = entry.get(name, default)
        if value is None and default is None:
            values[name] = value
            continue
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise RegistryError(f"{where}: field {name!r} has the wrong type ({value!r})")
        if isinstance(value, list) and not all(isinstance(v, str) for v in value):
            raise RegistryError(f"{where}: field {name!r} must be a list of strings")
        values[name] = value
    if not _KEY_RE.match(values["key"]):
        raise RegistryError(f"{where}: key must be lowercase letters, digits and _ (got {values['key']!r})")
    if values["time_zone"] is None:
        if values["country"] not in COUNTRY_ZONES:
            raise RegistryError(f"{where}: no time_zone, and country {values['country']!r} has no single zone: "
                                "set time_zone")
        values["time_zone"] = COUNTRY_ZONES[values["country"]]
    try:
        ZoneInfo(values["time_zone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RegistryError(f"{where}: unknown time_zone {values['time_zone']!r}") from exc
    values = {k: _fill(v, settings) for k, v in values.items()}
    values["download_delay"] = float(values["download_delay"])
    _check(where, values)
    compiled = tuple(re.compile(p) for p in values["article_patterns"])
    return Source(**values, _compiled=compiled)


@dataclass(frozen=True)
class Registry:
    """The registry as read entry by entry: the valid sources, and one error per bad entry (naming it).

    A bad entry does not take the others down: the Airflow DAGs, ``akhbar run`` and the crawl of every other
    source keep working, while the bad entry is reported (an import error in Airflow, a line from the CLI).
    """

    sources: dict[str, Source]
    errors: tuple[RegistryError, ...] = ()
    # The keys of bad entries that have a readable key: asking for one of those gives its own error.
    bad_keys: dict[str, RegistryError] = field(default_factory=dict)


def read_registry(settings: Settings, path: Path | None = None) -> Registry:
    """Every entry validated on its own; a file that is not TOML at all is one error for the whole file."""
    path = path or settings.sources_file or DEFAULT_REGISTRY
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}") from exc
    entries = data.get("source", [])
    if not isinstance(entries, list):
        raise RegistryError(f"{path}: 'source' must be an array of tables ([[source]])")
    sources: dict[str, Source] = {}
    first_at: dict[str, int] = {}
    errors: list[RegistryError] = []
    bad_keys: dict[str, RegistryError] = {}
    for index, entry in enumerate(entries):
        key = entry.get("key") if isinstance(entry, dict) else None
        try:
            if not isinstance(entry, dict):
                raise RegistryError(f"source #{index + 1}: not a table")
            if isinstance(key, str) and key in first_at:
                raise RegistryError(f"source #{index + 1} ({key!r}): duplicate source key {key!r} "
                                    f"(first defined by source #{first_at[key] + 1})")
            source = _parse_entry(index, entry, settings)
        except RegistryError as exc:
            errors.append(exc)
            if isinstance(key, str) and key not in sources:
                bad_keys.setdefault(key, exc)
            continue
        first_at[source.key] = index
        sources[source.key] = source
    return Registry(sources, tuple(errors), bad_keys)


def load_registry(settings: Settings, path: Path | None = None) -> dict[str, Source]:
    """All sources by key, validated; any bad entry raises (naming every bad entry). ``read_registry`` is
    the lenient reading that keeps the good entries."""
    registry = read_registry(settings, path)
    if registry.errors:
        raise RegistryError("; ".join(str(e) for e in registry.errors))
    return registry.sources


def get_source(settings: Settings, key: str) -> Source:
    """One source; another entry's mistake does not stop it, its own does (with its own message)."""
    registry = read_registry(settings)
    if key in registry.sources:
        return registry.sources[key]
    if key in registry.bad_keys:
        raise registry.bad_keys[key]
    raise RegistryError(f"unknown source {key!r}; known: {', '.join(sorted(registry.sources))}")
