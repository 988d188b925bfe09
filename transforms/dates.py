"""Dates: parse machine dates and Arabic date text, localize, and cross-check against what the page shows.

Rules (the cascade in :mod:`transforms.extract` decides which strings reach here):

- Machine dates (ISO-8601 and friends) keep their own offset; offsets without a colon (``+0400``) are accepted.
- A date without an offset is wall-clock time in the source's time zone (``SourceInfo.time_zone``); with no
  source it is UTC. A date with no time is midnight in that zone.
- Visible Arabic date text is read by :mod:`transforms.datetext` (every regional month-name family, Hijri dates
  converted with hijridate, dual dates, numeric, AM/PM and relative forms). What it cannot read goes to
  dateparser under one locale at a time (two ``ar-*`` locales at once raise), the source's locale first.
- Some sites (youm7) label local time as UTC. When a date says UTC, the source zone is not UTC, and the page shows
  the same wall-clock time, the date is re-read as local time (:func:`fix_mislabelled_utc`).

Nothing here reads the clock: relative text is counted from the fetch time the caller passes, and dateparser
always gets an explicit ``RELATIVE_BASE`` and only its absolute-time parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta, timezone, tzinfo
from email.utils import parsedate_to_datetime
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from .datetext import ShownDate, parse_shown

# A fixed base for dateparser when the fetch time is unknown, so that nothing depends on today's date.
_FIXED_BASE = datetime(2000, 1, 1)
_DATEPARSER_LOCALES = ("ar", "ar-LB", "ar-TN", "ar-MA")

_ISO_LIKE = re.compile(
    r"^\s*(\d{4})-(\d{1,2})-(\d{1,2})"
    r"(?:[T\s]+(\d{1,2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?)?"
    r"\s*(Z|UTC|GMT|[+-]\d{2}(?::?\d{2})?)?\s*$",
    re.IGNORECASE,
)
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})(\d{2})(?:T?(\d{2})(\d{2})(\d{2})?)?\s*(Z|[+-]\d{2}:?\d{2})?\s*$")
_EPOCH = re.compile(r"^\s*(\d{10})(?:\d{3})?\s*$")
_ARABIC_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "01234567890123456789")
_GMT_OFFSET = re.compile(r"(?:GMT|UTC)\s*([+-]\d{1,2}(?::?\d{2})?)?")
_HAS_DIGIT = re.compile(r"\d")
_YEAR = re.compile(r"(?<!\d)\d{4}(?!\d)")
_CLOCK = re.compile(r"(\d{1,2})[:.](\d{2})")


class UnknownZone(ValueError):
    pass


@lru_cache(maxsize=64)
def zone(name: str | None) -> tzinfo:
    """An IANA zone by name; UTC for None or an empty name. An unknown name raises :class:`UnknownZone`: a
    misspelt zone must not silently become UTC."""
    if not name:
        return UTC
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError) as exc:
        raise UnknownZone(f"unknown time zone {name!r}") from exc


def _offset(text: str) -> tzinfo:
    text = text.upper()
    if text in ("Z", "UTC", "GMT"):
        return UTC
    sign = -1 if text[0] == "-" else 1
    digits = text[1:].replace(":", "")
    if len(digits) in (1, 3):
        digits = "0" + digits
    hours, minutes = int(digits[:2]), int(digits[2:4] or 0)
    return timezone(sign * timedelta(hours=hours, minutes=minutes))


def localize(dt: datetime, tz: tzinfo) -> datetime:
    """Attach ``tz`` to a naive wall-clock time (fold=0: the first of two ambiguous times)."""
    return dt if dt.tzinfo is not None else dt.replace(tzinfo=tz)



@dataclass(frozen=True, slots=True)
class MachineDate:
    """A date read from markup: the instant, the raw string, and how much the string itself said."""

    value: datetime  # always timezone-aware
    raw: str
    has_time: bool
    has_zone: bool  # the string carried its own offset (or Z)
    origin: str = ""  # where it came from, e.g. "jsonld:datePublished", "meta:article:published_time"

    @property
    def says_utc(self) -> bool:
        return self.has_zone and self.value.utcoffset() == timedelta(0)


def parse_machine_date(raw: str | None, tz: tzinfo = UTC, origin: str = "") -> MachineDate | None:
    """Parse an ISO-8601-like, RFC 2822 or epoch date string; naive values are localized in ``tz``."""
    if not raw or not isinstance(raw, str):
        return None
    text = raw.strip().translate(_ARABIC_DIGITS)
    if not text or not _HAS_DIGIT.search(text):
        return None
    match = _ISO_LIKE.match(text)
    if match:
        year, month, day, hour, minute, second, fraction, offset = match.groups()
        try:
            dt = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0),
                          int((fraction or "0")[:6].ljust(6, "0")))
        except ValueError:
            return None
        has_zone = offset is not None
        dt = dt.replace(tzinfo=_offset(offset)) if has_zone else localize(dt, tz)
        return MachineDate(dt, raw.strip(), hour is not None, has_zone, origin)
    match = _COMPACT.match(text)
    if match:
        year, month, day, hour, minute, second, offset = match.groups()
        try:
            dt = datetime(int(year), int(month), int(day), int(hour or 0), int(minute or 0), int(second or 0))
        except ValueError:
            return None
        has_zone = offset is not None
        dt = dt.replace(tzinfo=_offset(offset)) if has_zone else localize(dt, tz)
        return MachineDate(dt, raw.strip(), hour is not None, has_zone, origin)
    match = _EPOCH.match(text)
    if match:
        return MachineDate(datetime.fromtimestamp(int(match.group(1)), UTC), raw.strip(), True, True, origin)
    try:
        dt = parsedate_to_datetime(text)  # "Tue, 17 Mar 2020 17:27:41 GMT"
    except (TypeError, ValueError, IndexError):
        return None
    if dt is None:
        return None
    has_zone = dt.tzinfo is not None
    return MachineDate(localize(dt, tz), raw.strip(), True, has_zone, origin)


def parse_date_text(text: str | None, locale: str = "ar", base: datetime | None = None,
                    tz: tzinfo | None = None) -> datetime | None:
    """Parse date text as a page shows it ("الإثنين، 13 مايو 2024 06:00 ص", "8 فيفري 2019", "15 رجب 1445").

    :func:`transforms.datetext.parse_shown` reads every regional month-name family, Hijri dates, numeric dates
    and relative times (from ``base``, the fetch time; ``tz`` is the source's zone for "أمس"). What it cannot read
    goes to dateparser, under the source's ``locale`` first, then the other Arabic families (one at a time: two
    ``ar-*`` locales at once raise). Day, month and year must all be present. Returns the naive wall-clock time the
    page shows, or an aware datetime when the text fixes the instant ("GMT+0400", "منذ 3 ساعات" from an aware
    base); None when nothing parses.
    """
    shown = parse_shown_date(text, locale, base, tz)
    return shown.value if shown is not None else None


def parse_shown_date(text: str | None, locale: str = "ar", base: datetime | None = None,
                     tz: tzinfo | None = None) -> ShownDate | None:
    """Like :func:`parse_date_text`, with whether the text gave a time of day and which calendar it used."""
    if not text:
        return None
    digits = text.translate(_ARABIC_DIGITS)
    explicit = _GMT_OFFSET.search(digits)
    shown_zone = _offset(explicit.group(1) or "Z") if explicit else None
    shown = parse_shown(text, base, tz)
    if shown is None:
        if not _YEAR.search(digits):
            return None  # dateparser is required to find a year: without four digits it cannot
        value = _dateparser(text, locale)
        if value is None:
            return None
        shown = ShownDate(value, bool(_CLOCK.search(digits)), "gregorian")
    if shown_zone is not None and shown.value.tzinfo is None:
        shown = ShownDate(shown.value.replace(tzinfo=shown_zone), shown.has_time, shown.calendar)
    return shown


def shown_instant(text: str | None, tz: tzinfo, locale: str = "ar", base: datetime | None = None) -> datetime | None:
    """The instant date text stands for, a naive wall clock being read in ``tz`` (the source's zone)."""
    value = parse_date_text(text, locale, base, tz)
    return localize(value, tz) if value is not None else None


def _dateparser(text: str, locale: str) -> datetime | None:
    import dateparser  # imported on first use: it is slow to import and most pages never need it

    text = _clean_date_text(text)
    settings = {
        "RELATIVE_BASE": _FIXED_BASE,
        "REQUIRE_PARTS": ["day", "month", "year"],
        "PREFER_DAY_OF_MONTH": "first",
        "DATE_ORDER": "DMY",
        "RETURN_AS_TIMEZONE_AWARE": False,
        # Absolute dates only: the relative-time parser looks up the machine's local zone (and so the clock).
        "PARSERS": ["absolute-time"],
    }
    tried = []
    for candidate in (locale, *_DATEPARSER_LOCALES):
        if not candidate or candidate in tried:
            continue
        tried.append(candidate)
        try:
            dt = dateparser.parse(text, locales=[candidate], settings=settings)
        except Exception:  # noqa: BLE001  dateparser raises assorted errors on odd input; odd input is just "no date"
            dt = None
        if dt is not None:
            return dt.replace(tzinfo=None)
    return None


_DATE_NOISE = re.compile(r"(?:تاريخ النشر|نشر في|نشر بتاريخ|نشرت في|بتاريخ|آخر تحديث|اخر تحديث|محدثة|تم النشر)\s*:?")
_WEEKDAY = re.compile(r"(?:السبت|الأحد|الاحد|الإثنين|الاثنين|الثلاثاء|الأربعاء|الاربعاء|الخميس|الجمعة)[،,]?\s*")


def _clean_date_text(text: str) -> str:
    text = text.translate(_ARABIC_DIGITS)
    text = _WEEKDAY.sub("", _DATE_NOISE.sub(" ", text))
    # Levantine pages write both names: "28 آب/اغسطس 2013"; keep the first (dateparser takes one).
    text = re.sub(r"([\u0621-\u064A]+)\s*/\s*[\u0621-\u064A]+", r"\1", text)
    text = re.sub(r"\(?GMT[+-]?\d*\)?", "", text)
    return " ".join(text.replace("،", " ").split())


def same_minute(a: datetime, b: datetime) -> bool:
    return a.replace(second=0, microsecond=0, tzinfo=None) == b.replace(second=0, microsecond=0, tzinfo=None)


def fix_mislabelled_utc(date: MachineDate, shown: list[datetime], tz: tzinfo) -> MachineDate | None:
    """Re-read a date that says UTC as local time when the page shows its wall clock in the source zone.

    ``shown`` are the datetimes the page displays: naive wall clock, or aware when the text names its zone. The date is corrected only when one of them
    equals the UTC wall clock to the minute and none equals the true local wall clock (then the label is wrong,
    not the page). Returns the corrected date, or None when no correction applies.
    """
    if not date.says_utc or not date.has_time or not shown:
        return None
    if any(s.tzinfo is not None and s == date.value for s in shown):
        return None  # the page shows the same instant with its own zone ("GMT 17:27"): the label is right
    shown = [s.replace(tzinfo=None) for s in shown if s.tzinfo is None]
    naive = date.value.replace(tzinfo=None)
    if localize(naive, tz).utcoffset() == timedelta(0):
        return None  # the source zone is UTC at that moment: nothing to tell apart
    local_clock = date.value.astimezone(tz).replace(tzinfo=None)
    if any(same_minute(s, local_clock) for s in shown):
        return None
    if not any(same_minute(s, naive) for s in shown):
        return None
    return MachineDate(localize(naive, tz), date.raw, True, False, date.origin + " (UTC label read as local)")


def clock_times(text: str) -> list[tuple[int, int]]:
    """The hh:mm clock times in a piece of text (Arabic-Indic digits included)."""
    return [(int(h), int(m)) for h, m in _CLOCK.findall(text.translate(_ARABIC_DIGITS))]
