"""People: what a byline value must look like to be stored as an author, and how bylines split into names.

An author is a person. A value is rejected when it is a UI label ("معلومات المقال"), a navigation word, a credit
from the page footer ("Developed By …", "تصميم وبرمجة …"), a copyright line, or has no name shape (one word,
digits, a URL or handle, more than six words). The site's and the publisher's own names and agencies are
rejected by the caller, which knows them (:mod:`transforms.extract`, :mod:`transforms.credits`).

Multi-author bylines split on commas, "and", "&" and the Arabic conjunction و joined to the next name
("هاني الصفيان وإسلام سيف"), the latter only between two names of two words or more, and not before a name that
itself starts with و (وليد، وائل، وفاء …).
"""

from __future__ import annotations

import re

from .normalize import fold_for_compare

# Words that never occur in a person's name but do in labels, menus and credits (folded forms, see
# fold_for_compare: أ/إ/آ -> ا, ة -> ه, ى -> ي).
_NOT_NAME_WORDS = frozenset(fold_for_compare(w) for w in (
    # UI labels and navigation
    "معلومات", "المقال", "مقال", "الخبر", "خبر", "المزيد", "اقرأ", "اقرا", "أيضا", "شارك", "مشاركة", "تابع",
    "تابعونا", "الرئيسية", "الرئيسيه", "أخبار", "اخبار", "الأخبار", "الاخبار", "القسم", "الأقسام", "اتصل", "اتصلوا",
    "بنا", "من", "نحن", "سياسة", "الخصوصية", "طباعة", "إرسال", "ارسل", "تعليق", "تعليقات", "التعليقات", "اضغط",
    "هنا", "تحميل", "فيديو", "صور", "صورة", "تاريخ", "النشر", "آخر", "تحديث", "عرض", "إظهار", "إخفاء", "المصدر",
    "الكتاب", "كتاب", "الرأي", "مقالات", "جميع", "الحقوق", "محفوظة", "حقوق", "النشر", "تسجيل", "الدخول", "بحث",
    # credits and organisations
    "تصميم", "وتصميم", "برمجة", "وبرمجة", "تطوير", "وتطوير", "استضافة", "شركة", "مجموعة", "موقع", "صحيفة", "جريدة",
    "قناة", "شبكة", "وكالة", "مجلة", "بوابة", "مؤسسة", "للحلول", "الرقمية", "للإعلام", "للاعلام", "الإلكترونية",
    "الالكترونية", "نيوز", "news", "developed", "designed", "design", "powered", "by", "copyright", "rights",
    "reserved", "all", "admin", "administrator", "editor", "staff", "team", "webmaster", "solutions", "media",
    "digital", "web", "agency", "group", "inc", "ltd", "llc", "information", "info", "article", "read", "more",
    "share", "follow", "home", "menu", "toggle", "show", "hide",
))
_WAW_NAMES = frozenset(fold_for_compare(w) for w in (
    "وليد", "وائل", "وفاء", "وسام", "وجدي", "وحيد", "وداد", "وديع", "وجيه", "وصفي", "وفيق", "ولاء", "وعد", "وهيب",
    "وهبة", "وضاح", "ورد", "وردة", "وسيم", "وفيقة", "وجدان", "وئام", "ولد", "وهبي", "وهب", "وحيدة", "وصال", "ودود",
))
_WORD = re.compile(r"[^\W\d_]+(?:[.'’-][^\W\d_]+)*", re.UNICODE)
_BAD_CHARS = re.compile(r"[\d@#/\\|<>{}\[\]=+*©®™]|https?:|www\.", re.IGNORECASE)
_LIST_SPLIT = re.compile(r"\s*(?:[,،;؛&]|\s+and\s+|\s+et\s+)\s*", re.IGNORECASE)
_WAW_SPLIT = re.compile(r"\s+(?=و\S)")


def looks_like_person(text: str | None) -> bool:
    """True when ``text`` has the shape of a person's name: two to six words of letters, none of them a label,
    menu or credit word, no digits, URLs or handles."""
    if not text:
        return False
    text = text.strip()
    if len(text) > 60 or _BAD_CHARS.search(text):
        return False
    words = _WORD.findall(text)
    if not 2 <= len(words) <= 6:
        return False
    # Everything but the words is spacing or name punctuation.
    rest = _WORD.sub("", text)
    if rest.strip(" .'’-\u200f\u200e"):
        return False
    return not any(fold_for_compare(w) in _NOT_NAME_WORDS for w in words)


def split_names(value: str) -> list[str]:
    """The names of a byline that may name several people: "فلان، فلان", "فلان وفلان", "A and B"."""
    out: list[str] = []
    for part in _LIST_SPLIT.split(value or ""):
        part = part.strip()
        if not part:
            continue
        out.extend(_split_waw(part))
    return out


def _split_waw(text: str) -> list[str]:
    pieces = _WAW_SPLIT.split(text)
    if len(pieces) < 2:
        return [text]
    names: list[str] = []
    current = pieces[0]
    for piece in pieces[1:]:
        first = piece.split()[0]
        bare = piece[1:]
        if (len(current.split()) >= 2 and len(bare.split()) >= 2 and fold_for_compare(first) not in _WAW_NAMES
                and looks_like_person(current) and looks_like_person(bare)):
            names.append(current)
            current = bare
        else:
            current = f"{current} {piece}"
    names.append(current)
    return names
