"""extract is a pure function: same input, same output, and it never reads the clock."""

from __future__ import annotations

import datetime as dt_module
import sys
from datetime import datetime

import pytest

import transforms
from transforms import extract

from .fixtures import SOURCES, load_truth, page_bytes

TRUTH = load_truth()


class ClockRead(BaseException):  # not an Exception: no library may swallow it
    pass


def _no_clock(*_args, **_kwargs):
    raise ClockRead("extraction read the clock")


class _FrozenDateTime(datetime):
    now = classmethod(_no_clock)
    utcnow = classmethod(_no_clock)
    today = classmethod(_no_clock)


class _FrozenDate(dt_module.date):
    today = classmethod(_no_clock)


# dateparser.conf only checks setting types against the real class. dateparser.utils.strptime borrows this year
# to try year-less formats on tokens; our calls require a year in the text, so that value never reaches a result
# (see test_leap_day_does_not_depend_on_the_current_year).
_EXEMPT = {"dateparser.conf", "dateparser.utils.strptime"}


@pytest.fixture
def no_clock(monkeypatch):
    """Make every way of reading the current time raise, in transforms and the libraries it calls."""
    import dateparser  # noqa: F401  (import first: importing is allowed to look at the clock)
    import hijridate  # noqa: F401
    import trafilatura  # noqa: F401

    # time.time itself stays: C datetime.today() calls it, so the exempt module below would trip it.
    # transforms' own source is checked for time.time( by test_transforms_imports_no_framework.
    prefixes = ("transforms", "dateparser", "trafilatura", "htmldate", "courlan", "justext", "dateutil", "hijridate")
    for name, module in list(sys.modules.items()):
        if module is None or not name.startswith(prefixes) or name in _EXEMPT:
            continue
        for attr, value in list(vars(module).items()):
            if value is datetime:
                monkeypatch.setattr(module, attr, _FrozenDateTime)
            elif value is dt_module.date:
                monkeypatch.setattr(module, attr, _FrozenDate)
    yield


def _all_pages():
    return [(page_bytes(r), r["url"], SOURCES[r["site"]]) for r in TRUTH]


def test_extract_never_reads_the_clock(no_clock) -> None:
    import transforms.dates as dates_module

    with pytest.raises(ClockRead):  # the trap works
        dates_module.datetime.now()
    for data, url, source in _all_pages():
        extract(data, url, source=source)
        extract(data, url)  # no source: other date paths
    # The trafilatura fallback and visible-date parsing (a page with no machine date), under the trap too.
    html = ("<html><head><title>عنوان الخبر هنا</title></head><body><div><span class='date'>"
            "نشر في 3 آب 2021</span></div><div><div>نص قصير للخبر يكفي لكي يمر عبر المسار الاحتياطي."
            "</div></div></body></html>")
    article = extract(html, "https://example.com/2021/8/3/x", source=SOURCES["lbcgroup.tv"])
    assert article.published_at is not None and article.published_at.date().isoformat() == "2021-08-03"
    # Hijri and relative dates: hijridate converts, and "منذ" counts from the fetch time, never the clock.
    fetched = datetime(2024, 1, 28, 9, 0, tzinfo=dt_module.UTC)
    hijri = extract(html.replace("نشر في 3 آب 2021", "15 رجب 1445"), "https://example.com/a", fetched,
                    SOURCES["alyaum.com"])
    assert hijri.published_at.date().isoformat() == "2024-01-27"
    relative = extract(html.replace("نشر في 3 آب 2021", "منذ 3 ساعات"), "https://example.com/b", fetched,
                       SOURCES["alyaum.com"])
    assert relative.published_at == datetime(2024, 1, 28, 6, 0, tzinfo=dt_module.UTC)


def test_leap_day_does_not_depend_on_the_current_year() -> None:
    from transforms.dates import parse_date_text

    assert parse_date_text("الخميس 29 فبراير 2024 10:15 ص", "ar") == datetime(2024, 2, 29, 10, 15)


def test_extract_is_deterministic() -> None:
    fetched_at = datetime(2024, 5, 21, 12, 0, tzinfo=dt_module.UTC)
    for data, url, source in _all_pages():
        first = extract(data, url, fetched_at, source).to_dict()
        second = extract(data, url, fetched_at, source).to_dict()
        assert first == second
        assert first["fetched_at"] == fetched_at.isoformat()
        assert first["extractor_version"] == transforms.EXTRACTOR_VERSION


def test_str_and_bytes_give_the_same_article() -> None:
    record = TRUTH[0]
    data = page_bytes(record)
    assert extract(data, record["url"]) == extract(data.decode("utf-8"), record["url"])


def test_public_api() -> None:
    expected = {"extract", "Article", "Image", "ExtractionError", "NotHtml", "EmptyPage", "NoArticle",
                "url_key", "decode_html", "EXTRACTOR_VERSION", "SourceInfo"}
    assert expected <= set(transforms.__all__)
    for name in transforms.__all__:
        assert hasattr(transforms, name)
    major, minor, patch = transforms.EXTRACTOR_VERSION.split(".")
    assert major.isdigit() and minor.isdigit() and patch.isdigit()


def test_transforms_imports_no_framework() -> None:
    for name in list(sys.modules):
        if name.startswith("transforms"):
            source = getattr(sys.modules[name], "__file__", "") or ""
            if source.endswith(".py"):
                with open(source, encoding="utf-8") as handle:
                    text = handle.read()
                for banned in ("import scrapy", "import airflow", "psycopg", "requests", "urllib.request",
                               "datetime.now", "date.today", "time.time("):
                    assert banned not in text, f"{name} mentions {banned}"
