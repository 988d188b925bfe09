"""Site extractors, keyed by domain, with the generic extractor as the fallback.

A site class subclasses :class:`transforms.extract.GenericExtractor` and overrides only the fields the generic
cascade gets wrong for that site; it ships with a saved page and expected values (tests/fixtures/truth.jsonl).
"""

from __future__ import annotations

from ..extract import GenericExtractor

REGISTRY: dict[str, type[GenericExtractor]] = {}


def register(*domains: str):
    def wrap(cls: type[GenericExtractor]) -> type[GenericExtractor]:
        for domain in domains:
            REGISTRY[domain.lower()] = cls
        return cls

    return wrap


def extractor_for(host: str) -> type[GenericExtractor]:
    """The extractor for ``host`` (or a parent domain of it), else the generic one."""
    host = host.lower()
    host = host.removeprefix("www.")
    while host:
        if host in REGISTRY:
            return REGISTRY[host]
        if "." not in host:
            break
        host = host.split(".", 1)[1]
    return GenericExtractor
