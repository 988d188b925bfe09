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
