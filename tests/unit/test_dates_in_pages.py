"""Dates as extraction picks them from whole pages: header "today" dates, Arabic text in meta, modified times."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

from transforms import SourceInfo, extract

SEED = Path(__file__).resolve().parents[3] / "shared" / "seed" / "ahram-2019-01-30-lavrov-iraq.txt"
CAIRO = SourceInfo("gate.ahram.org.eg", time_zone="Africa/Cairo", locale="ar", name="بوابة الأهرام")
PLUS2, PLUS3 = timezone(timedelta(hours=2)), timezone(timedelta(hours=3))
TITLE = "الخارجية الروسية ترحب بتقدم التعاون العسكري الثنائي مع العراق"
PARAGRAPHS = [
    ("أكد وزير الخارجية الروسي سيرجي لافروف، أن موسكو ترحب بتقدم التعاون الثنائي مع العراق خاصة في المجالات"
    " العسكرية والطاقة."),
    ("ونقلت قناة (روسيا اليوم) الإخبارية عن لافروف - في مؤتمر صحفي مع وزير الخارجية العراقي محمد على الحكيم -"
    " قوله \"أكدنا خلال مباحثاتنا على ضرورة مواصلة التعاون بين البلدين في كافة المجالات\"."),
    "وأوضح أن \"العراق يفضل الحل السلمي فيما يخص القضية الفلسطينية، حيث تبقي هي القضية الأولى بالنسبة للعرب\".",
]


def ahram_page(header_date: str = "الأحد 16 يونيو 2024", stamp: str | None = "30-1-2019 | 13:33") -> str:
    """The seed article in the layout of its site: today's date in the top bar, the stamp under the headline."""
    stamp_html = f'<div class="date">{stamp}</div>' if stamp else ""
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f'<html lang="ar" dir="rtl"><head><meta charset="utf-8"><title>{TITLE} - بوابة الأهرام</title></head>'
            f'<body><div class="top-bar"><span class="today-date">{header_date}</span></div>'
            f'<div class="container"><h1>{TITLE}</h1>{stamp_html}<div id="bodystory">{body}</div></div>'
            f"</body></html>")


def test_the_seed_text_is_what_the_page_reproduces() -> None:
    seed = SEED.read_text(encoding="utf-8") if SEED.exists() else None
    if seed is not None:  # the shared seed, when this checkout sits beside it
        assert seed.startswith("الأحد 16 يونيو 2024") and "30-1-2019 | 13:33" in seed and TITLE in seed


def test_header_today_date_is_not_the_publication_date() -> None:
    fetched = datetime(2024, 6, 16, 9, 0, tzinfo=UTC)
    article = extract(ahram_page(), "https://gate.ahram.org.eg/News/2100000.aspx", fetched, CAIRO)
    assert article.published_at == datetime(2019, 1, 30, 13, 33, tzinfo=PLUS2)
    assert article.published_raw == "30-1-2019 | 13:33"
    assert article.title == TITLE


def test_header_date_alone_gives_no_date() -> None:
    fetched = datetime(2024, 6, 16, 9, 0, tzinfo=UTC)
    article = extract(ahram_page(stamp=None), "https://gate.ahram.org.eg/News/2100000.aspx", fetched, CAIRO)
    assert article.published_at is None


def test_relative_stamp_counts_from_the_fetch_time() -> None:
    fetched = datetime(2024, 6, 16, 9, 0, tzinfo=UTC)
    article = extract(ahram_page(stamp="منذ 3 ساعات"), "https://gate.ahram.org.eg/News/2100001.aspx", fetched, CAIRO)
    assert article.published_at == datetime(2024, 6, 16, 6, 0, tzinfo=UTC)
    later = extract(ahram_page(stamp="منذ 3 ساعات"), "https://gate.ahram.org.eg/News/2100001.aspx",
                    fetched + timedelta(days=1), CAIRO)
    assert later.published_at == datetime(2024, 6, 17, 6, 0, tzinfo=UTC)


def _meta_page(meta: str) -> str:
    body = "".join(f"<p>{p}</p>" for p in PARAGRAPHS)
    return (f'<html lang="ar"><head><title>{TITLE}</title>{meta}</head>'
            f"<body><article><h1>{TITLE}</h1>{body}</article></body></html>")


def test_arabic_text_inside_published_time_meta() -> None:
    page = _meta_page('<meta property="article:published_time" content="الإثنين، 13 مايو 2024 06:00 ص">')
    article = extract(page, "https://www.example.com/story/1", source=CAIRO)
    assert article.published_at == datetime(2024, 5, 13, 6, 0, tzinfo=PLUS3)
    assert article.published_raw == "الإثنين، 13 مايو 2024 06:00 ص"


def test_offset_without_colon_in_meta() -> None:
    page = _meta_page('<meta property="article:published_time" content="2013-08-28T14:00:00+0400">')
    article = extract(page, "https://www.example.com/story/2", source=CAIRO)
    assert article.published_at == datetime(2013, 8, 28, 10, 0, tzinfo=UTC)


def test_modified_before_published_is_kept_as_given() -> None:
    page = _meta_page('<meta property="article:published_time" content="2020-12-01T02:00:00+03:00">'
                      '<meta property="article:modified_time" content="2020-11-30T20:36:03+03:00">')
    article = extract(page, "https://www.example.com/story/3", source=CAIRO)
    assert article.published_at == datetime(2020, 12, 1, 2, 0, tzinfo=PLUS3)
    assert article.modified_at == datetime(2020, 11, 30, 20, 36, 3, tzinfo=PLUS3)
