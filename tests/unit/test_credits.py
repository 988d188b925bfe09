"""Agency and dateline: read from the opening of the body, the byline and the end of the body."""

from __future__ import annotations

import pytest

from transforms import SourceInfo, extract
from transforms.credits import agency_name, lead_credit, split_byline, trailing_credit

from .fixtures import SOURCES, load_truth, page_bytes, page_id


@pytest.mark.parametrize(("text", "agency"), [
    ("(أ ش أ)", "أ ش أ"),
    ("أ.ش.أ", "أ ش أ"),
    ("(واس)", "واس"),
    ("(بترا)", "بترا"),
    ("رويترز", "رويترز"),
    ("وكالة الأنباء السعودية", "واس"),
    ("وكالة الانباء الكويتية", "كونا"),
    ("وكالة أنباء البحرين", "بنا"),
    ("وكالة الأنباء الموريتانية", "وكالة الأنباء الموريتانية"),  # not in the table: kept as written
    ("(CNN)", "CNN"),
    ("فرانس برس", "أ ف ب"),
    ("أ ف ب", "أ ف ب"),
    ("د.ب.أ", "د ب أ"),
    ("وكالات", "وكالات"),
    ("الأناضول", "الأناضول"),
])
def test_agency_names(text: str, agency: str) -> None:
    assert agency_name(text) == agency


@pytest.mark.parametrize("text", ["القاهرة", "حسام أبو العلا", "البيان", "وزارة الصحة", "", None])
def test_not_agencies(text) -> None:
    assert agency_name(text) is None


@pytest.mark.parametrize(("paragraph", "dateline", "agency"), [
    ("القاهرة (أ ش أ) - أكد وزير الخارجية سامح شكري أن مصر تدعم", "القاهرة", "أ ش أ"),
    ("الرياض (واس) - أعلنت وزارة الصحة اليوم عن تسجيل", "الرياض", "واس"),
    ("عمان 5 أيار (بترا) - قال وزير الخارجية وشؤون المغتربين", "عمان", "بترا"),
    ("دمشق، سوريا (CNN) -- أكدت جهات سورية معارضة أن فصائل مسلحة", "دمشق", "CNN"),
    ("(CNN) -- أعلنت وزارة الخارجية الأمريكية الجمعة", None, "CNN"),
    ("(أبوظبي - البيان) أكدت وزارة الصحة ووقاية المجتمع", "أبوظبي", None),
    ("بيروت - رويترز: قال مسؤولون لبنانيون إن", "بيروت", "رويترز"),
    ("القاهرة - أعلنت الهيئة العامة للأرصاد الجوية عن طقس حار", "القاهرة", None),
    ("غزة (أ ف ب) - قتل ثلاثة فلسطينيين", "غزة", "أ ف ب"),
    ("أعلنت وزارة الصحة والسكان المصرية، اليوم الثلاثاء، تسجيل 30 حالة", None, None),
    ("وزارة النقل - في بيان لها - أكدت أن", None, None),  # a dash aside, not a dateline
    ("نقلت وكالة رويترز عن مصادر (لم تسمها) - أن", None, None),  # an agency mentioned, not credited
])
def test_lead_credit(paragraph: str, dateline, agency) -> None:
    assert lead_credit(paragraph) == (dateline, agency)


@pytest.mark.parametrize(("byline", "expected"), [
    ("حسام أبو العلا - القاهرة", ("حسام أبو العلا - القاهرة", "القاهرة", None)),
    ("القاهرة - أ ش أ", (None, "القاهرة", "أ ش أ")),
    ("(أبوظبي - البيان)", (None, "أبوظبي", None)),
    ("رويترز", (None, None, "رويترز")),
    ("وكالات", (None, None, "وكالات")),
    ("القاهرة", (None, "القاهرة", None)),
    ("آية دعبس", ("آية دعبس", None, None)),
    # Bylines as Al Arabiya, Sky News Arabia and others print them (ANT corpus v2.1 author fields)
    ("القاهرة - أحمد الريدي", ("القاهرة - أحمد الريدي", "القاهرة", None)),
    ("برشلونة - د ب أ", (None, "برشلونة", "د ب أ")),
    ("لندن - رويترز", (None, "لندن", "رويترز")),
    ("اليمن - إسلام سيف", ("اليمن - إسلام سيف", "اليمن", None)),
    ("العربية.نت - إسلام سيف", ("إسلام سيف", None, None)),
    ("دبي ـ العربية.نت", (None, "دبي", None)),
    ("أبوظبي - سكاي نيوز عربية", (None, "أبوظبي", None)),
    ("سكاي نيوز عربية", (None, None, None)),
])
def test_split_byline(byline: str, expected) -> None:
    site_names = ("العربية.نت", "سكاي نيوز عربية")
    assert split_byline(byline, lambda part: part in site_names) == expected


@pytest.mark.parametrize(("last", "agency"), [
    ("وأضاف أن الحكومة ستواصل جهودها. (أ ف ب)", "أ ف ب"),
    ("المصدر: رويترز", "رويترز"),
    ("وكالات", "وكالات"),
    ("وشدد كوهين على أن إسرائيل ستواصل منع إيران من امتلاك سلاح نووي.", None),
    ("وقال إن القرار (رقم 2254) واضح", None),
])
def test_trailing_credit(last: str, agency) -> None:
    assert trailing_credit(["فقرة أولى من الخبر.", last]) == agency


SOURCE = SourceInfo("albayan.ae", time_zone="Asia/Dubai", locale="ar", name="البيان")
BODY = ("<p>أكدت وزارة الصحة ووقاية المجتمع أن معدلات التطعيم في الدولة تجاوزت المستهدف، وأن حملة التطعيم الوطنية "
        "ستتواصل خلال الأشهر المقبلة في جميع الإمارات.</p><p>وأضافت الوزارة في بيان أن المراكز الصحية ستعمل "
        "بكامل طاقتها طوال أيام الأسبوع لاستقبال المراجعين من المواطنين والمقيمين.</p>")


def _page(byline_html: str, lead: str = "") -> str:
    return (f'<html lang="ar"><head><title>الصحة: معدلات التطعيم تتجاوز المستهدف - البيان</title>'
            f'<meta property="og:site_name" content="البيان"></head><body><article>'
            f"<h1>الصحة: معدلات التطعيم تتجاوز المستهدف</h1>{byline_html}<div class='article-body'>"
            f"{lead}{BODY}</div></article></body></html>")


def test_dateline_byline_is_not_an_author() -> None:
    article = extract(_page('<div class="byline">(أبوظبي - البيان)</div>'), "https://www.albayan.ae/x/1",
                      source=SOURCE)
    assert article.authors == []
    assert article.dateline == "أبوظبي"
    assert article.agency is None


def test_agency_byline_is_not_an_author() -> None:
    article = extract(_page('<div class="author">القاهرة - أ ش أ</div>'), "https://www.albayan.ae/x/2",
                      source=SOURCE)
    assert article.authors == []
    assert (article.dateline, article.agency) == ("القاهرة", "أ ش أ")


def test_person_byline_with_prefix_and_agency_lead() -> None:
    article = extract(_page('<div class="author">كتب: محمد علي</div>', "<p>دبي (وام) - أعلنت هيئة الطرق</p>"),
                      "https://www.albayan.ae/x/3", source=SOURCE)
    assert article.authors == ["محمد علي"]
    assert (article.dateline, article.agency) == ("دبي", "وام")
    assert article.body.startswith("دبي (وام) - أعلنت هيئة الطرق")  # the body stays as the page shows it


# Read off the saved pages: CNN's body opens "دمشق، سوريا (CNN) --"; alyaum's byline is "حسام أبو العلا - القاهرة";
# the other pages open with the story itself and close without a credit.
PAGE_CREDITS = {
    "arabic.cnn.com__arabic_article": ("CNN", "دمشق"),
    "alyaum.com__1784190729": (None, "القاهرة"),
    "arabic.sputniknews.com__1550981615": (None, None),
    "beirutobserver.com__1764731404": (None, None),
    "assabah.com.tn__article": (None, None),
    "lbcgroup.tv__2026_01_08": (None, None),
    "youm7.com__2024_05_13": (None, None),
    "youm7.com__2024_05_20": (None, None),
}


@pytest.mark.parametrize("record", load_truth(), ids=page_id)
def test_credits_on_the_saved_pages(record: dict) -> None:
    article = extract(page_bytes(record), record["url"], source=SOURCES[record["site"]])
    assert (article.agency, article.dateline) == PAGE_CREDITS[page_id(record)]
