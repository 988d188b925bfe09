"""Arabic text cleanup that keeps the text as the page shows it.

A browser collapses runs of whitespace into one space; these helpers do the same, and nothing more (no letter
folding, no diacritic removal: that is for search, not for the stored text).
"""

from __future__ import annotations

import re

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
