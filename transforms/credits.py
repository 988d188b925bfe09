"""Credits: the news agency an article credits and the dateline it is filed under.

Arabic news credits its source in a few fixed places, and this module reads only those:

- the opening of the body: ``القاهرة (أ ش أ) -``, ``عمان 5 أيار (بترا) -``, ``دمشق، سوريا (CNN) --``,
  ``الرياض - واس:``, ``(أبوظبي - البيان)``, ``بيروت - ``;
- a byline or author value that is an agency or a place (``رويترز``, ``وكالات``, ``القاهرة - أ ش أ``,
  ``حسام أبو العلا - القاهرة``);
- the end of the body: a trailing ``(أ ف ب)`` or a line ``المصدر: رويترز``.

An agency mentioned inside the story ("نقلت وكالة رويترز عن …") is not a credit. A place counts as a dateline when
it is a known city, or when an agency credit follows it (``X (واس) -`` is a dateline whatever X is).
"""

from __future__ import annotations

import re

_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ى": "ي", "ة": "ه", "،": ",", "\u0640": None})
_DIACRITICS = re.compile("[\u064b-\u065f\u0670]")


def _key(text: str) -> str:
    """Folded form for lookups: alef forms, ى, ة, diacritics, dots and spacing do not matter."""
    text = _DIACRITICS.sub("", text).translate(_FOLD).lower()
    text = re.sub(r"[.\u200f\u200e]", " ", text)
    return " ".join(text.split())


# Canonical name -> spellings pages use.
AGENCIES: dict[str, tuple[str, ...]] = {
    "أ ش أ": ("أ ش أ", "أ.ش.أ", "وكالة أنباء الشرق الأوسط"),
    "واس": ("واس", "وكالة الأنباء السعودية"),
    "بترا": ("بترا", "وكالة الأنباء الأردنية"),
    "وام": ("وام", "وكالة أنباء الإمارات"),
    "قنا": ("قنا", "وكالة الأنباء القطرية"),
    "كونا": ("كونا", "وكالة الأنباء الكويتية"),
    "بنا": ("بنا", "وكالة أنباء البحرين"),
    "العمانية": ("العمانية", "وكالة الأنباء العمانية"),
    "سانا": ("سانا", "الوكالة العربية السورية للأنباء"),
    "وفا": ("وفا", "وكالة الأنباء الفلسطينية"),
    "واع": ("واع", "وكالة الأنباء العراقية"),
    "الوكالة الوطنية للإعلام": ("الوكالة الوطنية للإعلام", "الوكالة الوطنية للاعلام"),
    "سبأ": ("سبأ", "وكالة الأنباء اليمنية"),
    "سونا": ("سونا", "وكالة السودان للأنباء"),
    "وال": ("وال", "وكالة الأنباء الليبية"),
    "وات": ("وات", "وكالة تونس إفريقيا للأنباء"),
    "واج": ("واج", "وكالة الأنباء الجزائرية"),
    "و م ع": ("و م ع", "و.م.ع", "ومع", "وكالة المغرب العربي للأنباء"),
    "أ ف ب": ("أ ف ب", "أ.ف.ب", "ا ف ب", "فرانس برس", "فرانس پرس", "وكالة فرانس برس", "AFP"),
    "رويترز": ("رويترز", "وكالة رويترز", "Reuters"),
    "أسوشيتد برس": ("أسوشيتد برس", "أسوشيتدبرس", "اسوشيتد برس", "أ ب", "AP", "Associated Press"),
    "د ب أ": ("د ب أ", "د.ب.أ", "dpa"),
    "الأناضول": ("الأناضول", "وكالة الأناضول", "Anadolu"),
    "سبوتنيك": ("سبوتنيك", "Sputnik"),
    "شينخوا": ("شينخوا", "Xinhua"),
    "إرنا": ("إرنا", "ارنا", "IRNA"),
    "CNN": ("CNN", "سي إن إن"),
    "وكالات": ("وكالات", "وكالات الأنباء"),
}
_AGENCY_BY_KEY = {_key(spelling): name for name, spellings in AGENCIES.items() for spelling in (name, *spellings)}
_GENERIC_AGENCY = re.compile(r"^(?:ال)?وكال[هة]\s+(?:ال)?[اأ]نباء\s+\S+(?:\s+\S+){0,3}$")

# Cities that open datelines in Arabic news (capitals of the Arab League, big Arab cities, world capitals).
CITIES = frozenset(_key(c) for c in (
    "القاهرة", "الإسكندرية", "الجيزة", "أسوان", "الأقصر", "بورسعيد", "السويس", "طنطا", "المنصورة", "العريش",
    "الرياض", "جدة", "مكة المكرمة", "مكة", "المدينة المنورة", "الدمام", "الظهران", "الخبر", "تبوك", "أبها",
    "دبي", "أبوظبي", "أبو ظبي", "الشارقة", "العين", "الدوحة", "الكويت", "المنامة", "مسقط", "صنعاء", "عدن",
    "عمان", "عمّان", "الزرقاء", "إربد", "بيروت", "طرابلس", "صيدا", "صور", "دمشق", "حلب", "حمص", "اللاذقية",
    "درعا", "إدلب", "دير الزور", "الرقة", "بغداد", "البصرة", "الموصل", "أربيل", "النجف", "كربلاء", "كركوك",
    "القدس", "رام الله", "غزة", "نابلس", "الخليل", "جنين", "بيت لحم", "تل أبيب", "الخرطوم", "أم درمان",
    "بنغازي", "مصراتة", "تونس", "صفاقس", "سوسة", "الجزائر", "وهران", "قسنطينة", "الرباط", "الدار البيضاء",
    "مراكش", "فاس", "طنجة", "نواكشوط", "مقديشو", "جيبوتي", "موروني", "أنقرة", "إسطنبول", "اسطنبول", "طهران",
    "كابول", "إسلام آباد", "نيودلهي", "بكين", "موسكو", "كييف", "واشنطن", "نيويورك", "لندن", "باريس", "برلين",
    "روما", "مدريد", "بروكسل", "جنيف", "فيينا", "أثينا", "طوكيو", "سيول", "أوتاوا", "باماكو", "نيامي", "داكار",
    "أديس أبابا", "نيروبي", "لاهاي", "ستوكهولم", "وارسو", "هونغ كونغ", "سول", "أمستردام", "برشلونة",
    # countries, which datelines also use ("اليمن - إسلام سيف", "دمشق، سوريا")
    "سوريا", "لبنان", "مصر", "العراق", "الأردن", "اليمن", "السعودية", "الإمارات", "قطر", "البحرين", "ليبيا",
    "المغرب", "السودان", "فلسطين", "موريتانيا", "الصومال", "تركيا", "إيران", "روسيا", "الصين", "فرنسا",
    "بريطانيا", "ألمانيا", "إيطاليا", "إسبانيا", "الولايات المتحدة", "أمريكا", "أفغانستان", "باكستان", "الهند",
))

_DASH = r"[-–—]+"
_PAREN_CREDIT = re.compile(
    r"^\s*(?P<place>[^\d()\-–—:،,.\"«»]{2,30}?)?"  # a place ...
    r"(?:\s*[،,]\s*(?P<country>[^\d()\-–—:،,]{2,20}?))?"  # ... its country ...
    r"(?:\s*[،,]?\s*\d{1,2}\s+[^\d()\-–—:]{2,20}?(?:\s+\d{4})?)?"  # ... and a date ("عمان 5 أيار (بترا)")
    r"\s*\((?P<credit>[^()]{2,40})\)\s*(?:" + _DASH + r"|:)"
)
_PLACE_DASH_CREDIT = re.compile(
    r"^\s*(?P<place>[^\d()\-–—:،,.\"«»]{2,30}?)\s*" + _DASH + r"\s*\(?(?P<credit>[^()\-–—:]{2,40}?)\)?\s*(?:"
    + _DASH + r"|:)"
)
_PLACE_PUBLICATION = re.compile(r"^\s*\((?P<place>[^()\-–—]{2,30}?)\s*" + _DASH + r"\s*(?P<credit>[^()]{2,40}?)\)")
_PLACE_DASH = re.compile(r"^\s*(?P<place>[^\d()\-–—:،,.\"«»]{2,30}?)\s*" + _DASH + r"\s+\S")
_TRAILING_CREDIT = re.compile(r"\((?P<credit>[^()]{2,40})\)\s*[.]?\s*$")
_SOURCE_LINE = re.compile(r"^\s*(?:المصدر|مصدر الخبر|المصدر\s*/)\s*[:：]?\s*(?P<credit>.{2,40})$")


def agency_name(text: str | None) -> str | None:
    """The canonical agency ``text`` names ("(أ.ش.أ)" -> "أ ش أ"), or None when it is not an agency."""
    if not text:
        return None
    stripped = text.strip().strip("()[]").strip(" -–—:،,.")
    key = _key(stripped)
    if key in _AGENCY_BY_KEY:
        return _AGENCY_BY_KEY[key]
    if _GENERIC_AGENCY.match(key):
        return " ".join(stripped.split())
    return None


def is_city(text: str | None) -> bool:
    return bool(text) and _key(text.strip()) in CITIES


def lead_credit(paragraph: str | None) -> tuple[str | None, str | None]:
    """(dateline, agency) from the opening of the first body paragraph; either may be None."""
    if not paragraph:
        return None, None
    head = paragraph[:160]
    match = _PLACE_PUBLICATION.match(head)  # "(أبوظبي - البيان)"
    if match and is_city(match["place"]):
        return match["place"].strip(), agency_name(match["credit"])
    match = _PAREN_CREDIT.match(head)  # "القاهرة (أ ش أ) -", "(CNN) --"
    if match:
        agency = agency_name(match["credit"])
        place = (match["place"] or "").strip() or None
        if agency is not None:
            return place, agency
        if place and is_city(place):
            return place, None
    match = _PLACE_DASH_CREDIT.match(head)  # "بيروت - رويترز:"
    if match and (agency := agency_name(match["credit"])) is not None:
        place = match["place"].strip()
        return (place if is_city(place) or len(place.split()) <= 2 else None), agency
    match = _PLACE_DASH.match(head)  # "القاهرة - "
    if match and is_city(match["place"]):
        return match["place"].strip(), None
    return None, None


def trailing_credit(paragraphs: list[str]) -> str | None:
    """The agency a body credits at its end: "… (أ ف ب)" or a last line "المصدر: رويترز" or "وكالات"."""
    if not paragraphs:
        return None
    last = paragraphs[-1].strip()
    if (agency := agency_name(last)) is not None:
        return agency
    match = _SOURCE_LINE.match(last)
    if match and (agency := agency_name(match["credit"])) is not None:
        return agency
    match = _TRAILING_CREDIT.search(last)
    if match:
        return agency_name(match["credit"])
    return None


def split_byline(value: str, is_site=None) -> tuple[str | None, str | None, str | None]:
    """A byline read as (person, dateline, agency); ``is_site`` tells whether a part names the site itself.

    The parts of a byline are joined by dashes (or a spaced tatweel, "دبي ـ العربية.نت"). Agency parts and the
    site's own name are dropped from the person; a place stays in the byline as printed and is also the
    dateline; "place - agency" has no person, whatever the place ("برشلونة - د ب أ").

    ``"القاهرة - أ ش أ"`` -> (None, "القاهرة", "أ ش أ"); ``"(أبوظبي - البيان)"`` -> (None, "أبوظبي", None);
    ``"رويترز"`` -> (None, None, "رويترز"); ``"حسام أبو العلا - القاهرة"`` -> ("حسام أبو العلا - القاهرة",
    "القاهرة", None); ``"العربية.نت - إسلام سيف"`` with the site's names -> ("إسلام سيف", None, None).
    """
    is_site = is_site or (lambda _part: False)
    text = " ".join(value.replace(" ـ ", " - ").split())
    if (agency := agency_name(text)) is not None:
        return None, None, agency
    bare = text.strip("()").strip()
    if is_city(bare):
        return None, bare, None
    parts = [p.strip(" ()") for p in re.split(r"\s*" + _DASH + r"\s*|\s+/\s+", bare) if p.strip(" ()")]
    if len(parts) < 2:
        return (None if is_site(bare) else text), None, None
    kinds = ["agency" if agency_name(p) else "site" if is_site(p) else "place" if is_city(p) else "person"
             for p in parts]
    agency = next((agency_name(p) for p, k in zip(parts, kinds, strict=True) if k == "agency"), None)
    place = next((p for p, k in zip(parts, kinds, strict=True) if k == "place"), None)
    people = [p for p, k in zip(parts, kinds, strict=True) if k == "person"]
    if text.startswith("(") and text.endswith(")") and place:
        return None, place, agency  # "(أبوظبي - البيان)": a place and the publication, no person
    if agency and place is None and kinds[0] == "person" and len(people) == 1 and len(parts[0].split()) <= 3:
        return None, parts[0], agency  # "برشلونة - د ب أ": a dateline and an agency
    if not people:
        return None, place, agency
    if "agency" not in kinds and "site" not in kinds:
        return text, place, None  # a person and a place, printed together: kept as printed
    kept = [p for p, k in zip(parts, kinds, strict=True) if k in ("person", "place")]
    return " - ".join(kept), place, agency
