"""Site extractors, tested from the registry: every registered class must ship a fixture with every field.

A class without ``tests/fixtures/sites/<module>.<Class>.json``, or with a field missing from its expectations, fails
here. Each case runs as fetched and as served by a mirror (``http://127.0.0.1:PORT/<host><path>``), with no source
configured: the site class alone must know its site (its time zone, its body).
"""

from __future__ import annotations

import json
import re
from datetime import date, datetime
from urllib.parse import urlsplit

import pytest

from transforms import SourceInfo, extract
from transforms.extract import GenericExtractor
from transforms.page import Page
from transforms.sites import REGISTRY, SiteRegistry, site_hosts

from .fixtures import FIXTURES, load_truth, page_id
from .test_truth import FIELDS as TRUTH_FIELDS
from .test_truth import check

SITE_FIXTURES = FIXTURES / "sites"
FIELDS = ("title", "canonical_url", "published", "modified", "authors", "section", "tags", "language", "agency",
          "dateline", "first_sentence", "last_sentence")


def fixture_path(cls: type) -> object:
    return SITE_FIXTURES / f"{cls.__module__.rsplit('.', 1)[-1]}.{cls.__name__}.json"


def _ws(text: str | None) -> str:
    text = re.sub(r"\s+", " ", text or "").strip()
    return re.sub(r" ([،؛؟,.:;!?])", r"\1", text)


def _mirror(url: str) -> str:
    parts = urlsplit(url)
    return f"http://127.0.0.1:18003/{parts.hostname}{parts.path}"


def _cases():
    for cls in REGISTRY.classes():
        path = fixture_path(cls)
        if not path.exists():
            yield pytest.param(cls, None, None, None, id=f"{cls.__name__}-no-fixture")
            continue
        spec = json.loads(path.read_text(encoding="utf-8"))
        for i, case in enumerate(spec["cases"]):
            for how in ("fetched", "mirror"):
                for field in FIELDS:
                    yield pytest.param(cls, case, how, field, id=f"{cls.__name__}-{i}-{how}-{field}")


_ARTICLES: dict = {}


def _article(case: dict, how: str):
    key = (case["file"], how)
    if key not in _ARTICLES:
        url = case["url"] if how == "fetched" else _mirror(case["url"])
        fetched_at = datetime.fromisoformat(case["fetched_at"])
        _ARTICLES[key] = extract((FIXTURES / case["file"]).read_bytes(), url, fetched_at)
    return _ARTICLES[key]


@pytest.mark.parametrize(("cls", "case", "how", "field"), list(_cases()))
def test_site_field(cls, case, how, field) -> None:
    assert case is not None, f"{cls.__name__} has no fixture at {fixture_path(cls)}"
    assert set(FIELDS) <= set(case["expected"]), f"fixture of {cls.__name__} lacks {set(FIELDS) - set(case['expected'])}"
    expected = case["expected"][field]
    article = _article(case, how)
    assert article.extractor == cls.name
    if field in ("published", "modified"):
        got = article.published_at if field == "published" else article.modified_at
        assert got == (datetime.fromisoformat(expected) if expected else None)
    elif field in ("first_sentence", "last_sentence"):
        assert expected, "an empty expectation tests nothing"
        body = _ws(article.body)
        assert body.startswith(_ws(expected)) if field == "first_sentence" else body.endswith(_ws(expected))
    else:
        assert getattr(article, field) == expected


def test_every_class_is_a_distinct_extractor() -> None:
    names = [cls.name for cls in REGISTRY.classes()]
    assert len(names) == len(set(names)) and "generic" not in names
    for cls in REGISTRY.classes():
        assert issubclass(cls, GenericExtractor) and cls.DOMAINS
        assert fixture_path(cls).exists(), f"{cls.__name__} ships no fixture"


def _page(url: str, head: str = "") -> Page:
    return Page.parse(f"<html><head>{head}</head><body><p>نص</p></body></html>", url)


def test_unknown_domain_is_generic_and_subdomains_match() -> None:
    assert REGISTRY.extractor_for(_page("https://www.example.com/a")) is GenericExtractor
    assert REGISTRY.for_host("m.youm7.com").name == "youm7"
    assert REGISTRY.for_host("notyoum7.com") is GenericExtractor


def test_mirrors_are_recognised_by_path_canonical_or_og_url() -> None:
    by_path = _page("http://127.0.0.1:18003/www.youm7.com/story/2024/5/13/x/6573469")
    by_canonical = _page("http://cache.local/abc", '<link rel="canonical" href="https://www.youm7.com/story/1">')
    by_og = _page("http://10.0.0.5:8080/p?id=1", '<meta property="og:url" content="https://www.lbcgroup.tv/news/1">')
    assert REGISTRY.extractor_for(by_path).name == "youm7"
    assert REGISTRY.extractor_for(by_canonical).name == "youm7"
    assert REGISTRY.extractor_for(by_og).name == "lbcgroup"
    assert site_hosts(by_path)[:2] == ["127.0.0.1", "youm7.com"]


def test_layout_versions_are_chosen_by_fetch_date() -> None:
    registry = SiteRegistry()

    class Old(GenericExtractor):
        name, DOMAINS, VALID_UNTIL = "old", ("example.org",), date(2020, 12, 31)

    class Current(GenericExtractor):
        name, DOMAINS, VALID_UNTIL = "current", ("example.org",), None

    registry.register(Current)
    registry.register(Old)
    assert registry.for_host("example.org", datetime(2019, 5, 1)) is Old
    assert registry.for_host("example.org", datetime(2020, 12, 31, 23)) is Old
    assert registry.for_host("example.org", datetime(2021, 1, 1)) is Current
    assert registry.for_host("example.org") is Current  # no fetch date: the current layout
    with pytest.raises(ValueError):
        registry.register(type("Again", (GenericExtractor,), {"DOMAINS": ("example.org",), "VALID_UNTIL": None}))


DEMO = SourceInfo("demo", time_zone="Africa/Cairo", locale="ar")  # akhbar/sources.toml's demo mirror of many sites
TRUTH = load_truth()


@pytest.mark.parametrize(("index", "field"), [(i, f) for i in range(len(TRUTH)) for f in TRUTH_FIELDS],
                         ids=[f"{page_id(r)}-{f}" for r in TRUTH for f in TRUTH_FIELDS])
def test_truth_pages_behind_the_demo_mirror(index: int, field: str) -> None:
    """Served by the demo mirror (one source, one zone, for pages of many sites) every field stays right."""
    record = TRUTH[index]
    key = ("demo", index)
    if key not in _ARTICLES:
        _ARTICLES[key] = extract((FIXTURES / record["file"]).read_bytes(), _mirror(record["url"]), source=DEMO)
    article = _ARTICLES[key]
    if field == "title":
        assert article.title == record["title"]
    else:
        check(record, article, field)
