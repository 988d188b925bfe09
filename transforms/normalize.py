"""Arabic text cleanup that keeps the text as the page shows it.

A browser collapses runs of whitespace into one space; these helpers do the same, and nothing more (no letter
folding, no diacritic removal: that is for search, not for the stored text).
"""

from __future__ import annotations

import re
import unicodedata

TATWEEL = "\u0640"
# Invisible characters that pages sprinkle into text: zero-width space/joiners, BOM, bidi marks and embeddings.
_INVISIBLE = re.compile("[\u200b\u200c\u200d\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff\u00ad]")
_SPACE_RUN = re.compile(r"\s+")
_TATWEEL_RUN = re.compile(TATWEEL + "+")


def clean_inline(text: str | None) -> str:
    """Collapse whitespace and drop invisible characters, as a browser renders inline text."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", text.replace("\xa0", " "))
    return _SPACE_RUN.sub(" ", text).strip()


def clean_title(text: str | None) -> str:
    """Like :func:`clean_inline` but keep runs of plain spaces (a title's double space is the page's own)."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", text.replace("\xa0", " "))
    return re.sub(r"[\t\r\n\f\v]+", " ", text).strip()


def strip_tatweel(text: str) -> str:
    """Remove kashida (tatweel) stretching: 'الـــعـــالم' -> 'العالم'. Not applied to stored text by default."""
    return _TATWEEL_RUN.sub("", text)


def fold_for_compare(text: str | None) -> str:
    """A loose form for comparing two strings of the same text (titles from different tags)."""
    text = clean_inline(text)
    text = strip_tatweel(text)
    text = re.sub(r"[\"'«»“”„‘’`]", "", text)
    text = text.replace("…", "...")
    return _SPACE_RUN.sub(" ", text).strip().casefold()


# --- Search and deduplication form -------------------------------------------------------------------------
# Diacritics (harakat, tanween, shadda, sukun), the superscript alef U+0670 and the Quranic annotation marks.
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06dc\u06df-\u06e8\u06ea-\u06ed\u08d3-\u08ff]")
_LETTER_FOLD = str.maketrans(
    {
        "أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ٲ": "ا", "ٳ": "ا",
        "ى": "ي", "ی": "ي", "ې": "ي",
        "ک": "ك", "ڪ": "ك",
        "ة": "ه", "ۀ": "ه", "ە": "ه",
        **{chr(0x0660 + d): str(d) for d in range(10)},  # Arabic-Indic digits
        **{chr(0x06F0 + d): str(d) for d in range(10)},  # Persian digits
    }
)


def normalize_for_search(text: str | None) -> str:
    """The form of ``text`` that search and deduplication compare: documents and queries alike.

    NFKC; invisible characters, tatweel and diacritics removed; alef forms folded to ا, ى to ي, ة to ه,
    Persian ی and ک to their Arabic letters, Arabic-Indic and Persian digits to ASCII; whitespace collapsed.
    Arabic punctuation is kept as it is. The stored ``body`` is never normalized like this.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", text)
    text = _DIACRITICS.sub("", strip_tatweel(text))
    return clean_inline(text.translate(_LETTER_FOLD))
