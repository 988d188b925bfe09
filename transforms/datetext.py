"""Arabic date text as pages show it, in every regional form, without dateparser.

Families of month names (matched after folding alef forms, ى, ة, tatweel and diacritics, and ASCII digits):

- Egyptian and Gulf: يناير … ديسمبر, with the spellings إبريل/أبريل/ابريل, يونيه/يونيو, يوليه/يوليو, أغسطس/اغسطس;
- Levantine and Iraqi: كانون الثاني، شباط، آذار، نيسان، أيار، حزيران، تموز، آب، أيلول، تشرين الأول، تشرين الثاني، كانون
  الأول, also written "كانون 2", "تشرين ثاني", and doubled with the Egyptian name ("نيسان / أبريل");
- Maghrebi (Algeria, Tunisia): جانفي، فيفري، مارس، أفريل، ماي، جوان، جويلية، أوت …; Moroccan: يوليوز، غشت، شتنبر، نونبر، دجنبر;
- Hijri: محرم … ذو الحجة, converted to the Gregorian calendar with hijridate (Umm al-Qura). In a dual date
  ("15 رجب 1445هـ الموافق 27 يناير 2024م") the Gregorian one wins.

Also: numeric dates (30-1-2019, 2019/01/30, 17.03.2020; a year below 1600 or a هـ suffix is Hijri), clock times
with ص/م, صباحا/مساء/مساءً, AM/PM, and relative times (منذ 3 ساعات، منذ ساعتين، أمس، أول أمس) counted from a base
time the caller passes: the fetch time. Nothing here reads the clock: with no base, relative text gives None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta, tzinfo

DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_DIACRITICS = re.compile("[\u0610-\u061a\u064b-\u065f\u0670\u06d6-\u06ed\u0640]")
_FOLD = str.maketrans({"أ": "ا", "إ": "ا", "آ": "ا", "ٱ": "ا", "ى": "ي", "ة": "ه", "ی": "ي", "ک": "ك",
                       "\u060c": ",", "\u061b": ";", "\xa0": " "})


def fold(text: str) -> str:
    """The form month names are matched in: digits ASCII, alef/ى/ة folded, diacritics and tatweel gone."""
    return _DIACRITICS.sub("", text.translate(DIGITS)).translate(_FOLD).lower()


# name -> month number. Spellings are written as pages write them; they are folded before matching.
GREGORIAN_MONTHS: dict[str, int] = {
    # Egyptian and Gulf
    "يناير": 1, "فبراير": 2, "مارس": 3, "أبريل": 4, "إبريل": 4, "ابريل": 4, "مايو": 5, "يونيو": 6, "يونيه": 6,
    "يوليو": 7, "يوليه": 7, "أغسطس": 8, "اغسطس": 8, "أغسطوس": 8, "سبتمبر": 9, "أكتوبر": 10, "اكتوبر": 10,
    "نوفمبر": 11, "ديسمبر": 12,
    # Levantine and Iraqi
    "كانون الثاني": 1, "كانون ثاني": 1, "كانون 2": 1, "شباط": 2, "آذار": 3, "نيسان": 4, "أيار": 5, "حزيران": 6,
    "تموز": 7, "آب": 8, "أيلول": 9, "تشرين الأول": 10, "تشرين اول": 10, "تشرين 1": 10, "تشرين الثاني": 11,
    "تشرين ثاني": 11, "تشرين 2": 11, "كانون الأول": 12, "كانون اول": 12, "كانون 1": 12,
    # Maghrebi (Algeria, Tunisia)
    "جانفي": 1, "فيفري": 2, "فيفيري": 2, "أفريل": 4, "افريل": 4, "ماي": 5, "جوان": 6, "جويلية": 7, "جويليه": 7, "جويلة": 7,
    "أوت": 8, "اوت": 8,
    # Moroccan
    "يوليوز": 7, "غشت": 8, "شتنبر": 9, "نونبر": 11, "دجنبر": 12,
}
HIJRI_MONTHS: dict[str, int] = {
    "محرم": 1, "المحرم": 1, "صفر": 2, "ربيع الأول": 3, "ربيع اول": 3, "ربيع 1": 3, "ربيع الآخر": 4,
    "ربيع الثاني": 4, "ربيع الآخرة": 4, "ربيع ثاني": 4, "ربيع 2": 4, "جمادى الأولى": 5, "جمادى الأول": 5,
    "جمادى 1": 5, "جمادى الآخرة": 6, "جمادى الثانية": 6, "جمادى الآخر": 6, "جمادى 2": 6, "رجب": 7, "شعبان": 8,
    "رمضان": 9, "شوال": 10, "ذو القعدة": 11, "ذي القعدة": 11, "ذو الحجة": 12, "ذي الحجة": 12,
}
_MONTHS = {fold(k): v for k, v in GREGORIAN_MONTHS.items()}
_HIJRI = {fold(k): v for k, v in HIJRI_MONTHS.items()}


def _alternation(names) -> str:
    return "|".join(r"\s+".join(map(re.escape, n.split())) for n in sorted(names, key=len, reverse=True))


_ANY_MONTH = f"(?:{_alternation(list(_MONTHS) + list(_HIJRI))})"
_NAMED = re.compile(
    rf"(?<![\w])(?P<d>\d{{1,2}})\s*(?:من\s+)?(?:شهر\s+)?(?P<m>{_ANY_MONTH})(?![\w])"
    rf"(?:\s*[/\-–(]\s*(?P<m2>{_ANY_MONTH})\s*\)?)?"
    r"\s*[,]?\s*(?:(?:سنه|عام)\s+)?(?P<y>\d{4})\s*(?P<era>ه|م)?(?![\w])"
)
_YMD = re.compile(r"(?<![\d.])(?P<y>\d{4})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<d>\d{1,2})(?![\d.])\s*(?P<era>ه|م)?")
_DMY = re.compile(r"(?<![\d.])(?P<d>\d{1,2})\s*[-/.]\s*(?P<m>\d{1,2})\s*[-/.]\s*(?P<y>\d{4})(?![\d.])\s*(?P<era>ه|م)?")
_CLOCK = re.compile(
    r"(?<![\d:])(?P<h>\d{1,2})\s*:\s*(?P<mi>\d{2})(?::(?P<s>\d{2}))?(?![\d:])"
    r"(?:\s*(?P<ampm>صباحا|صباح|ص|مساءا|مساء|م|ظهرا|عصرا|ليلا|am|pm|a\.m\.|p\.m\.)(?![\w]))?"
)
_PM = frozenset(("م", "مساء", "مساءا", "عصرا", "ليلا", "pm", "p.m.", "ظهرا"))
_AM = frozenset(("ص", "صباح", "صباحا", "am", "a.m."))
_UNITS = {
    "ثانيه": (timedelta(seconds=1), 1), "ثانيتين": (timedelta(seconds=1), 2), "ثواني": (timedelta(seconds=1), None),
    "ثوان": (timedelta(seconds=1), None),
    "دقيقه": (timedelta(minutes=1), 1), "دقيقتين": (timedelta(minutes=1), 2), "دقيقتان": (timedelta(minutes=1), 2),
    "دقائق": (timedelta(minutes=1), None),
    "ساعه": (timedelta(hours=1), 1), "ساعتين": (timedelta(hours=1), 2), "ساعتان": (timedelta(hours=1), 2),
    "ساعات": (timedelta(hours=1), None),
    "يوم": (timedelta(days=1), 1), "يومين": (timedelta(days=1), 2), "يومان": (timedelta(days=1), 2),
    "ايام": (timedelta(days=1), None),
    "اسبوع": (timedelta(weeks=1), 1), "اسبوعين": (timedelta(weeks=1), 2), "اسابيع": (timedelta(weeks=1), None),
}
_RELATIVE = re.compile(rf"(?:منذ|قبل)\s+(?P<n>\d{{1,3}})?\s*(?P<unit>{_alternation(_UNITS)})(?![\w])")
_YESTERDAY = re.compile(r"(?<![\w])(?P<before>اول\s+)?امس(?![\w])")
_TODAY = re.compile(r"(?<![\w])اليوم(?![\w])")
_WORD_COUNT = re.compile(r"\w+")


@dataclass(frozen=True, slots=True)
class ShownDate:
    """A date read from text: ``value`` is naive wall-clock time, or aware when the text fixed the instant
    (relative times counted from an aware base). ``calendar`` is gregorian, hijri or relative."""

    value: datetime
    has_time: bool
    calendar: str


def _hijri_to_gregorian(year: int, month: int, day: int) -> tuple[int, int, int] | None:
    from hijridate import Hijri

    try:
        g = Hijri(year, month, day).to_gregorian()
    except (OverflowError, ValueError):
        return None
    return g.year, g.month, g.day


def _clocks(text: str) -> list[tuple[time, int]]:
    """Every valid clock time in folded ``text`` and where it starts."""
    out = []
    for match in _CLOCK.finditer(text):
        hour, minute, second = int(match["h"]), int(match["mi"]), int(match["s"] or 0)
        ampm = match["ampm"]
        if ampm in _PM and hour < 12:
            hour += 12
        elif ampm in _AM and hour == 12:
            hour = 0
        if hour < 24 and minute < 60 and second < 60:
            out.append((time(hour, minute, second), match.start()))
    return out


def _clock(text: str) -> tuple[time, int] | None:
    """The first clock time in folded ``text`` and where it starts."""
    clocks = _clocks(text)
    return clocks[0] if clocks else None


def _own_clock(clocks: list[tuple[time, int]], start: int, lower: int, upper: int) -> time | None:
    """The clock that belongs to the date at ``start``: the first one after it and before the next date (at
    ``upper``), else the last one before it and after the previous date (at ``lower``)."""
    after = [c for c, pos in clocks if start <= pos < upper]
    if after:
        return after[0]
    before = [c for c, pos in clocks if lower <= pos < start]
    return before[-1] if before else None


def _calendar_dates(text: str) -> list[tuple[int, int, int, str, int]]:
    """Every complete date in folded ``text``: (year, month, day, calendar, position), Gregorian converted."""
    found: list[tuple[int, int, int, str, int]] = []
    for match in _NAMED.finditer(text):
        name = re.sub(r"\s+", " ", match["m"])
        day, year = int(match["d"]), int(match["y"])
        if name in _HIJRI and match["era"] != "م":
            converted = _hijri_to_gregorian(year, _HIJRI[name], day)
            if converted:
                found.append((*converted, "hijri", match.start()))
        elif name in _MONTHS and match["era"] != "ه":
            found.append((year, _MONTHS[name], day, "gregorian", match.start()))
    for pattern in (_YMD, _DMY):
        for match in pattern.finditer(text):
            year, month, day = int(match["y"]), int(match["m"]), int(match["d"])
            if match["era"] == "ه" or year < 1600:
                converted = _hijri_to_gregorian(year, month, day)
                if converted:
                    found.append((*converted, "hijri", match.start()))
            else:
                found.append((year, month, day, "gregorian", match.start()))
    valid = []
    for year, month, day, calendar, pos in found:
        try:
            datetime(year, month, day)
        except ValueError:
            continue
        valid.append((year, month, day, calendar, pos))
    return valid


def parse_shown(text: str | None, base: datetime | None = None, tz: tzinfo | None = None) -> ShownDate | None:
    """Read one date from text a page shows (see the module docstring).

    ``base`` is the fetch time; relative text ("منذ 3 ساعات", "أمس 10:30 م") is counted from it, in ``tz`` for
    day arithmetic. Day, month and year must all be present for an absolute date.
    """
    if not text:
        return None
    folded = fold(text)
    dates = sorted(_calendar_dates(folded), key=lambda d: d[4])
    if dates:
        # The first date the text shows wins, by position. A dual date names the same day twice, side by side
        # ("15 رجب 1445هـ الموافق 27 يناير 2024م"): the Gregorian one is what the page means in our calendar.
        group = [dates[0]] + [d for d in dates[1:2] if d[4] - dates[0][4] <= 50]
        gregorian = [d for d in group if d[3] == "gregorian"]
        year, month, day, calendar, _pos = (gregorian or group)[0]
        following = [d[4] for d in dates if d[4] > group[-1][4]]
        clock = _own_clock(_clocks(folded), group[0][4], 0, following[0] if following else len(folded) + 1)
        if clock is not None:
            return ShownDate(datetime.combine(datetime(year, month, day).date(), clock), True, calendar)
        return ShownDate(datetime(year, month, day), False, calendar)
    clock = _clock(folded)
    if base is None:
        return None
    local_base = base if tz is None or base.tzinfo is None else base.astimezone(tz)
    relative = _RELATIVE.search(folded)
    if relative:
        unit, implied = _UNITS[re.sub(r"\s+", " ", relative["unit"])]
        count = int(relative["n"]) if relative["n"] else implied
        if count is None:
            return None
        return ShownDate(base - unit * count, unit < timedelta(days=1), "relative")
    yesterday = _YESTERDAY.search(folded)
    if yesterday or (_TODAY.search(folded) and clock is not None):
        days = (2 if yesterday["before"] else 1) if yesterday else 0
        day = (local_base - timedelta(days=days)).date()
        if clock is not None:
            return ShownDate(datetime.combine(day, clock[0]), True, "relative")
        return ShownDate(datetime(day.year, day.month, day.day), False, "relative")
    return None


def looks_relative(text: str) -> bool:
    folded = fold(text)
    return bool(_RELATIVE.search(folded) or _YESTERDAY.search(folded))
