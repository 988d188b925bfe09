"""The search form of Arabic text: what documents and queries are both folded to."""

import pytest

from transforms.normalize import normalize_for_search


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("المستشفى", "المستشفي"),  # ى -> ي
        ("أحمد إبراهيم آمال", "احمد ابراهيم امال"),  # alef forms
        ("مدرسة", "مدرسه"),  # ة -> ه
        ("الـــعـــالم", "العالم"),  # tatweel
        ("مُحَمَّدٌ", "محمد"),  # diacritics
        ("رحمٰن", "رحمن"),  # superscript alef U+0670
        ("کتاب ایران", "كتاب ايران"),  # Persian kaf and yeh
        ("عام ٢٠٢٤ و۱۴۰۳", "عام 2024 و1403"),  # Arabic-Indic and Persian digits
        ("قال، ثم؛ سأل؟", "قال، ثم؛ سال؟"),  # Arabic punctuation kept
        ("ﻻ", "لا"),  # presentation forms (NFKC)
        ("  نص\u200f  مع\u00a0فراغات ", "نص مع فراغات"),
        (None, ""),
    ],
)
def test_normalize_for_search(text, expected):
    assert normalize_for_search(text) == expected


def _as_browser_shows(text: str, codepage: str) -> str:
    """UTF-8 bytes decoded with a single-byte code page, undefined bytes kept as C1 characters (as browsers do)."""
    return "".join(bytes([b]).decode(codepage, errors="ignore") or chr(b) for b in text.encode("utf-8"))


@pytest.mark.parametrize("codepage", ["cp1252", "latin-1"])
@pytest.mark.parametrize("text", [
    "وزارة الصحة تعلن تسجيل 30 إصابة جديدة بفيروس كورونا",
    "فيفري، الفلسطينيين، في «الصباح»: كل الشروط متوفرة",  # ف is D9 81: 0x81 is undefined in windows-1252
    "قال: “نعم” … «الصباح»",  # three-byte punctuation, also standing alone between spaces
])
def test_mojibake_is_repaired(text: str, codepage: str) -> None:
    from transforms.normalize import clean_inline, repair_mojibake

    broken = _as_browser_shows(text, codepage)
    assert broken != text and "Ø" in broken
    assert repair_mojibake(broken) == text
    assert clean_inline(broken) == text
    assert normalize_for_search(broken) == normalize_for_search(text)


@pytest.mark.parametrize("text", ["Ørsted § 12", "Søren Ø.", "café — naïve", "نص عربي سليم"])
def test_text_that_is_not_mojibake_is_left_alone(text: str) -> None:
    from transforms.normalize import repair_mojibake

    assert repair_mojibake(text) == text


def test_control_characters_and_bidi_marks_are_removed() -> None:
    from transforms.normalize import clean_inline

    assert clean_inline("\u202bنص\u202c\u061c مع\u200f\x85 علامات\x07   اتجاه\u2066x\u2069") == "نص مع علامات اتجاهx"
