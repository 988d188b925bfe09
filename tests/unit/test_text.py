"""arabic_letter_ratio against its definition, word by word (the function counts over the whole text)."""

from __future__ import annotations

import re

from hypothesis import given, settings
from hypothesis import strategies as st

from tests.unit.fixtures import FIXTURES, load_truth
from transforms.decode import to_text
from transforms.text import arabic_letter_ratio

NON_ARABIC = "پچژگکیۀہھےۓڈٹڑںۂۃڤڭ"


def by_words(text: str) -> float:
    """The docstring's definition: letters of words; a word with a letter Arabic does not use counts as not
    Arabic, all of its letters with it; an Arabic letter is one of U+0621-063A, 0641-064A, 0671-06D3."""
    letters = arabic = 0
    for word in re.findall(r"\w+", text):
        n = sum(1 for ch in word if ch.isalpha())
        letters += n
        if not any(ch in NON_ARABIC for ch in word):
            arabic += sum(1 for ch in word if "\u0621" <= ch <= "\u063a" or "\u0641" <= ch <= "\u064a"
                          or "\u0671" <= ch <= "\u06d3")
    return arabic / letters if letters else 0.0


def test_the_ratio_on_known_text():
    assert arabic_letter_ratio("وزارة النقل") == 1.0
    assert arabic_letter_ratio("abc") == 0.0
    assert arabic_letter_ratio("123 ,.") == 0.0 and arabic_letter_ratio("") == 0.0
    # the Persian words (ک, گ) count all their letters as not Arabic: 4 of the 13 letters are Arabic
    assert arabic_letter_ratio("کتاب گفتگو وزير") == 4 / 13


def test_same_as_the_definition_on_the_fixture_pages():
    for record in load_truth():
        text = to_text((FIXTURES / record["file"]).read_bytes())
        assert arabic_letter_ratio(text) == by_words(text), record["file"]


ALPHABET = st.sampled_from(list("وزارةالنقلأإآىيءئؤ" + NON_ARABIC + "abcXYZ_019٣ \n.,،ّ" + "\u064b\u0670"))


@settings(max_examples=500, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=80))
def test_same_as_the_definition_on_any_text(text):
    assert arabic_letter_ratio(text) == by_words(text)
