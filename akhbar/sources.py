"""The source registry: loads and validates ``sources.toml``.

A bad entry fails the load with a message that names the entry and the field.
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
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
    # Domains an article's canonical URL may name (the quality gate checks it); empty = allowed_domains.
    # A mirror serves pages whose canonical URLs name the original publishers.
    canonical_domains: tuple[str, ...] = ()


_REQUIRED = {
    "key": str,
    "name": str,
    "country": str,
    "time_zone": str,
    "home_url": str,
    "allowed_domains": list,
    "feeds": list,
}
_OPTIONAL = {
    "language": (str, "ar"),
    "locale": (str, "ar"),
    "schedule": (str, "@hourly"),
    "download_delay": ((int, float), 1.0),
    "concurrency_per_domain": (int, 2),
    "max_pages": (int, 200),
    "extractor": (str, "generic"),
    "verified": (bool, False),
    "canonical_domains": (list, []),
}


def _fill(value, settings: Settings):
    if isinstance(value, str):
        return value.replace("{demo_site}", settings.demo_site_url)
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
        if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
            raise RegistryError(f"{where}: field {name!r} has the wrong type ({value!r})")
        values[name] = value
    if not _KEY_RE.match(values["key"]):
        raise RegistryError(f"{where}: key must be lowercase letters, digits and _ (got {values['key']!r})")
    try:
        ZoneInfo(values["time_zone"])
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise RegistryError(f"{where}: unknown time_zone {values['time_zone']!r}") from exc
    if not values["feeds"]:
        raise RegistryError(f"{where}: at least one feed is needed")
    values = {k: _fill(v, settings) for k, v in values.items()}
    values["download_delay"] = float(values["download_delay"])
    return Source(**values)


def load_registry(settings: Settings, path: Path | None = None) -> dict[str, Source]:
    """All sources by key, validated."""
    path = path or settings.sources_file or DEFAULT_REGISTRY
    try:
        data = tomllib.loads(Path(path).read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise RegistryError(f"{path}: not valid TOML: {exc}") from exc
    sources: dict[str, Source] = {}
    for index, entry in enumerate(data.get("source", [])):
        source = _parse_entry(index, entry, settings)
        if source.key in sources:
            raise RegistryError(f"{path}: duplicate source key {source.key!r}")
        sources[source.key] = source
    return sources


def get_source(settings: Settings, key: str) -> Source:
    sources = load_registry(settings)
    if key not in sources:
        raise RegistryError(f"unknown source {key!r}; known: {', '.join(sorted(sources))}")
    return sources[key]
