"""Arabic text cleanup that keeps the text as the page shows it.

A browser collapses runs of whitespace into one space; these helpers do the same, and nothing more (no letter
folding, no diacritic removal: that is for search, not for the stored text).
"""

from __future__ import annotations

import re
import unicodedata

TATWEEL = "\u0640"
# Invisible characters that pages sprinkle into text: zero-width space/joiners, BOM, soft hyphen, bidi marks
# (LRM, RLM, ALM), embeddings, overrides and isolates, and C0/C1 control characters.
_INVISIBLE = re.compile(
    "[\u200b\u200c\u200d\u200e\u200f\u061c\u202a-\u202e\u2066-\u2069\ufeff\u00ad"
    "\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]"
)

# Mojibake: UTF-8 Arabic decoded as windows-1252 or Latin-1 ("Ø§Ù„Ø®Ø¨Ø±" for "الخبر"). Arabic letters are two
# UTF-8 bytes, D8-DB then 80-BF; each byte shows as the character that code page gives it.
_MOJIBAKE_BYTE: dict[str, int] = {}
for _b in range(0x80, 0x100):
    _MOJIBAKE_BYTE[chr(_b)] = _b  # Latin-1 (and the five bytes windows-1252 leaves undefined)
    try:
        _MOJIBAKE_BYTE[bytes([_b]).decode("cp1252")] = _b
    except UnicodeDecodeError:
        pass
_CONTINUATION = "".join(re.escape(c) for c, b in _MOJIBAKE_BYTE.items() if 0x80 <= b <= 0xBF)
# Two- and three-byte sequences (Arabic letters, «», “”, …), in runs; repaired only in text where Arabic is broken.
_MOJIBAKE = re.compile(f"(?:[\u00c2-\u00df][{_CONTINUATION}]|[\u00e2][{_CONTINUATION}]{{2}})+")
_ARABIC_LEAD = re.compile("[\u00d8-\u00db]")


def repair_mojibake(text: str) -> str:
    """Re-decode runs of UTF-8 Arabic that were decoded as windows-1252 or Latin-1; other text is left as it is."""
    if not text or not ("\u00d8" in text or "\u00d9" in text or "\u00da" in text or "\u00db" in text):
        return text

    def fix(match: re.Match) -> str:
        run = match.group(0)
        try:
            return bytes(_MOJIBAKE_BYTE[c] for c in run).decode("utf-8")
        except (KeyError, UnicodeDecodeError):
            return run

    runs = _MOJIBAKE.findall(text)
    if not any(_ARABIC_LEAD.search(run) for run in runs):
        return text  # no Arabic in mojibake form: "Ørsted", "Søren Ø." are left alone
    return _MOJIBAKE.sub(fix, text)
_SPACE_RUN = re.compile(r"\s+")
_TATWEEL_RUN = re.compile(TATWEEL + "+")


def clean_inline(text: str | None) -> str:
    """Collapse whitespace and drop invisible characters, as a browser renders inline text."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", repair_mojibake(text).replace("\xa0", " "))
    return _SPACE_RUN.sub(" ", text).strip()


def clean_title(text: str | None) -> str:
    """Like :func:`clean_inline` but keep runs of plain spaces (a title's double space is the page's own)."""
    if not text:
        return ""
    text = _INVISIBLE.sub("", repair_mojibake(text).replace("\xa0", " "))
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


# Why no camel-tools or PyArabic: the folding the corpus needs is a fixed character table (above) plus one regex,
# tested character by character in tests/unit/test_normalize.py. camel-tools would need an install outside the lock
# (``--no-deps``, or 5 GB of torch) for two functions, and either library would still leave the Persian letter and
# digit folds to us. One small function here is also what makes documents and queries fold identically.
def normalize_for_search(text: str | None) -> str:
    """The form of ``text`` that search and deduplication compare: documents and queries alike.

    NFKC; invisible characters, tatweel and diacritics removed; alef forms folded to ا, ى to ي, ة to ه,
    Persian ی and ک to their Arabic letters, Arabic-Indic and Persian digits to ASCII; whitespace collapsed.
    Arabic punctuation is kept as it is. The stored ``body`` is never normalized like this.
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFKC", repair_mojibake(text))
    text = _DIACRITICS.sub("", strip_tatweel(text))
    return clean_inline(text.translate(_LETTER_FOLD))
