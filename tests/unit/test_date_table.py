"""The date table: real-world date strings as Arabic news pages print them, each with the instant it stands for.

Every family the issue names is here: Egyptian/Gulf, Levantine/Iraqi, Maghrebi and Moroccan month names, Hijri
months and dual Hijri/Gregorian dates, Arabic-Indic and Persian digits, AM/PM words, relative times (counted from
the fetch time, never the clock) and numeric forms. The expected instants were worked out by hand from the text and
the source's time zone (Egypt: UTC+2, and UTC+3 in summer from 2023; Riyadh, Baghdad, Amman since late 2022 and
Damascus: UTC+3; Beirut: UTC+2/+3; Tunis, Algiers: UTC+1; Casablanca: UTC+1 outside Ramadan; Dubai: UTC+4).
"""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime

import pytest

from transforms.dates import parse_date_text, shown_instant, zone

FETCHED = datetime(2024, 5, 21, 12, 0, tzinfo=UTC)  # 15:00 in Cairo
FETCHED_LATE = datetime(2024, 5, 21, 22, 30, tzinfo=UTC)  # already 01:30 on the 22nd in Cairo

CAIRO, RIYADH, BEIRUT, AMMAN, DAMASCUS, BAGHDAD = ("Africa/Cairo", "Asia/Riyadh", "Asia/Beirut", "Asia/Amman",
                                                   "Asia/Damascus", "Asia/Baghdad")
TUNIS, ALGIERS, CASABLANCA, DUBAI, UTC_ZONE = "Africa/Tunis", "Africa/Algiers", "Africa/Casablanca", "Asia/Dubai", "UTC"

# (family, text, source time zone, fetch time or None, expected instant)
TABLE = [
    # Egyptian and Gulf month names, with their spelling variants
    ("egyptian", "الإثنين، 13 مايو 2024 06:00 ص", CAIRO, None, "2024-05-13T06:00:00+03:00"),
    ("egyptian", "الإثنين، 20 مايو 2024 07:00 ص", CAIRO, None, "2024-05-20T07:00:00+03:00"),
    ("egyptian", "الأحد 16 يونيو 2024", CAIRO, None, "2024-06-16T00:00:00+03:00"),
    ("egyptian", "الخميس 29 فبراير 2024 10:15 ص", CAIRO, None, "2024-02-29T10:15:00+02:00"),
    ("egyptian", "نشر في: 5 إبريل 2021 - 11:30 م", CAIRO, None, "2021-04-05T23:30:00+02:00"),
    ("egyptian", "الجمعة 2 أبريل 2021", CAIRO, None, "2021-04-02T00:00:00+02:00"),
    ("egyptian", "السبت 10 ابريل 2021 | 08:45 م", CAIRO, None, "2021-04-10T20:45:00+02:00"),
    ("egyptian", "الأربعاء، 17 يوليه 2019 02:21 م", CAIRO, None, "2019-07-17T14:21:00+02:00"),
    ("egyptian", "3 يوليو 2023 09:00 ص", CAIRO, None, "2023-07-03T09:00:00+03:00"),
    ("egyptian", "25 يونيه 2020", CAIRO, None, "2020-06-25T00:00:00+02:00"),
    ("egyptian", "الثلاثاء 01 ديسمبر 2020 02:00", RIYADH, None, "2020-12-01T02:00:00+03:00"),
    ("egyptian", "الأحد 26 أغسطس 2018 - 10:49 م", RIYADH, None, "2018-08-26T22:49:00+03:00"),
    ("egyptian", "الخميس 11 اغسطس 2022", RIYADH, None, "2022-08-11T00:00:00+03:00"),
    ("egyptian", "8 أكتوبر 2023 الساعة 14:20", DUBAI, None, "2023-10-08T14:20:00+04:00"),
    ("egyptian", "9 نوفمبر 2020 - 18:34", BEIRUT, None, "2020-11-09T18:34:00+02:00"),
    # Levantine and Iraqi month names, the double form and "كانون 2"
    ("levantine", "17 كانون الثاني 2020", BEIRUT, None, "2020-01-17T00:00:00+02:00"),
    ("levantine", "الأربعاء 28 آب 2013 14:00", BEIRUT, None, "2013-08-28T14:00:00+03:00"),
    ("levantine", "الخميس، 18 نيسان / أبريل 2024", AMMAN, None, "2024-04-18T00:00:00+03:00"),
    ("levantine", "11 آذار/مارس 2020 - 17:27", DAMASCUS, None, "2020-03-11T17:27:00+02:00"),
    ("levantine", "3 كانون 2 2021", BAGHDAD, None, "2021-01-03T00:00:00+03:00"),
    ("levantine", "السبت 12 شباط 2022 | 10:30", BEIRUT, None, "2022-02-12T10:30:00+02:00"),
    ("levantine", "5 أيار 2023 - 08:15 م", AMMAN, None, "2023-05-05T20:15:00+03:00"),
    ("levantine", "الاثنين 15 حزيران 2020", BAGHDAD, None, "2020-06-15T00:00:00+03:00"),
    ("levantine", "22 تموز 2021 - 09:00", DAMASCUS, None, "2021-07-22T09:00:00+03:00"),
    ("levantine", "1 أيلول 2019", BEIRUT, None, "2019-09-01T00:00:00+03:00"),
    ("levantine", "20 تشرين الأول 2019 - 11:00", BEIRUT, None, "2019-10-20T11:00:00+03:00"),
    ("levantine", "4 تشرين 2 2022", BAGHDAD, None, "2022-11-04T00:00:00+03:00"),
    ("levantine", "25 كانون الأول 2023 18:45", AMMAN, None, "2023-12-25T18:45:00+03:00"),
    ("levantine", "9 تشرين الثاني 2020", BEIRUT, None, "2020-11-09T00:00:00+02:00"),
    ("levantine", "3 نيسان 2021", BAGHDAD, None, "2021-04-03T00:00:00+03:00"),
    # Maghrebi (Tunisia, Algeria) and Moroccan month names
    ("maghrebi", "الجمعة 8 فيفري 2019", TUNIS, None, "2019-02-08T00:00:00+01:00"),
    ("maghrebi", "14 جانفي 2011", TUNIS, None, "2011-01-14T00:00:00+01:00"),
    ("maghrebi", "الأحد 25 جويلية 2021 - 22:10", TUNIS, None, "2021-07-25T22:10:00+01:00"),
    ("maghrebi", "1 أفريل 2023", ALGIERS, None, "2023-04-01T00:00:00+01:00"),
    ("maghrebi", "5 جوان 2022 | 16:00", ALGIERS, None, "2022-06-05T16:00:00+01:00"),
    ("maghrebi", "20 أوت 2020", ALGIERS, None, "2020-08-20T00:00:00+01:00"),
    ("maghrebi", "الثلاثاء 7 ماي 2019 15:47", TUNIS, None, "2019-05-07T15:47:00+01:00"),
    ("maghrebi", "12 مارس 2024", TUNIS, None, "2024-03-12T00:00:00+01:00"),
    ("moroccan", "15 غشت 2022", CASABLANCA, None, "2022-08-15T00:00:00+01:00"),
    ("moroccan", "الخميس 21 يوليوز 2022 - 18:30", CASABLANCA, None, "2022-07-21T18:30:00+01:00"),
    ("moroccan", "3 شتنبر 2021", CASABLANCA, None, "2021-09-03T00:00:00+01:00"),
    ("moroccan", "19 نونبر 2020 على الساعة 10:05", CASABLANCA, None, "2020-11-19T10:05:00+01:00"),
    ("moroccan", "31 دجنبر 2019", CASABLANCA, None, "2019-12-31T00:00:00+01:00"),
    ("moroccan", "9 ماي 2023", CASABLANCA, None, "2023-05-09T00:00:00+01:00"),
    # Hijri month names (Umm al-Qura) and dual dates, where the Gregorian date wins
    ("hijri", "15 رجب 1445", RIYADH, None, "2024-01-27T00:00:00+03:00"),
    ("hijri", "1 رمضان 1445", RIYADH, None, "2024-03-11T00:00:00+03:00"),
    ("hijri", "1 شوال 1444 هـ", RIYADH, None, "2023-04-21T00:00:00+03:00"),
    ("hijri", "10 ذو الحجة 1445", RIYADH, None, "2024-06-16T00:00:00+03:00"),
    ("hijri", "1 محرم 1446هـ", RIYADH, None, "2024-07-07T00:00:00+03:00"),
    ("hijri", "12 ربيع الأول 1446", RIYADH, None, "2024-09-15T00:00:00+03:00"),
    ("hijri", "1445/07/15 هـ", RIYADH, None, "2024-01-27T00:00:00+03:00"),
    ("dual", "السبت 15 رجب 1445هـ الموافق 27 يناير 2024م", RIYADH, None, "2024-01-27T00:00:00+03:00"),
    ("dual", "27 يناير 2024م الموافق 15 رجب 1445هـ", RIYADH, None, "2024-01-27T00:00:00+03:00"),
    # The page's Hijri day (local sighting) differs from Umm al-Qura's: the Gregorian date is what it means.
    ("dual", "الأحد 1 رمضان 1445 هـ - 10 مارس 2024 م", AMMAN, None, "2024-03-10T00:00:00+03:00"),
    # Arabic-Indic and Persian digits
    ("digits", "٢٠ مايو ٢٠٢٤ ٠٧:٠٠ م", CAIRO, None, "2024-05-20T19:00:00+03:00"),
    ("digits", "الإثنين ١٣ مايو ٢٠٢٤ - ٠٦:٠٠ ص", CAIRO, None, "2024-05-13T06:00:00+03:00"),
    ("digits", "۱۵ رجب ۱۴۴۵", RIYADH, None, "2024-01-27T00:00:00+03:00"),
    ("digits", "۲۰۲۴/۰۵/۱۳", CAIRO, None, "2024-05-13T00:00:00+03:00"),
    ("digits", "٣٠-١-٢٠١٩ | ١٣:٣٣", CAIRO, None, "2019-01-30T13:33:00+02:00"),
    # AM and PM words: ص/م, صباحا/مساء/مساءً, AM/PM; 12 ص is just after midnight
    ("ampm", "الأحد 5 مايو 2024 12:15 ص", CAIRO, None, "2024-05-05T00:15:00+03:00"),
    ("ampm", "الأحد 5 مايو 2024 12:30 م", CAIRO, None, "2024-05-05T12:30:00+03:00"),
    ("ampm", "10 يناير 2024 الساعة 08:00 مساءً", CAIRO, None, "2024-01-10T20:00:00+02:00"),
    ("ampm", "10 يناير 2024 09:45 صباحاً", CAIRO, None, "2024-01-10T09:45:00+02:00"),
    ("ampm", "7 فبراير 2023 - 10:00 مساء", CAIRO, None, "2023-02-07T22:00:00+02:00"),
    ("ampm", "3 مارس 2022 - 4:05 PM", RIYADH, None, "2022-03-03T16:05:00+03:00"),
    ("ampm", "3 مارس 2022 - 11:50 AM", RIYADH, None, "2022-03-03T11:50:00+03:00"),
    # Relative times, counted from the fetch time
    ("relative", "منذ 3 ساعات", CAIRO, FETCHED, "2024-05-21T09:00:00+00:00"),
    ("relative", "منذ ساعتين", CAIRO, FETCHED, "2024-05-21T10:00:00+00:00"),
    ("relative", "منذ ساعة", CAIRO, FETCHED, "2024-05-21T11:00:00+00:00"),
    ("relative", "منذ 25 دقيقة", CAIRO, FETCHED, "2024-05-21T11:35:00+00:00"),
    ("relative", "منذ 5 دقائق", CAIRO, FETCHED, "2024-05-21T11:55:00+00:00"),
    ("relative", "منذ ١٠ دقائق", CAIRO, FETCHED, "2024-05-21T11:50:00+00:00"),
    ("relative", "قبل ساعتين", RIYADH, FETCHED, "2024-05-21T10:00:00+00:00"),
    ("relative", "منذ يومين", CAIRO, FETCHED, "2024-05-19T12:00:00+00:00"),
    ("relative", "منذ 3 أيام", CAIRO, FETCHED, "2024-05-18T12:00:00+00:00"),
    ("relative", "أمس", CAIRO, FETCHED, "2024-05-20T00:00:00+03:00"),
    ("relative", "أمس 10:30 م", CAIRO, FETCHED, "2024-05-20T22:30:00+03:00"),
    ("relative", "أول أمس", CAIRO, FETCHED, "2024-05-19T00:00:00+03:00"),
    ("relative", "أمس", CAIRO, FETCHED_LATE, "2024-05-21T00:00:00+03:00"),  # yesterday in Cairo, not in UTC
    ("relative", "اليوم 09:15 ص", CAIRO, FETCHED, "2024-05-21T09:15:00+03:00"),
    # Numeric forms
    ("numeric", "30-1-2019 | 13:33", CAIRO, None, "2019-01-30T13:33:00+02:00"),
    ("numeric", "2019/01/30", CAIRO, None, "2019-01-30T00:00:00+02:00"),
    ("numeric", "GMT 17:27 17.03.2020", UTC_ZONE, None, "2020-03-17T17:27:00+00:00"),
    ("numeric", "30/11/2020 - 20:36", RIYADH, None, "2020-11-30T20:36:00+03:00"),
    ("numeric", "تاريخ النشر: 2023/10/08 - 14:20", DUBAI, None, "2023-10-08T14:20:00+04:00"),
    ("numeric", "08.02.2019", TUNIS, None, "2019-02-08T00:00:00+01:00"),
]
FAMILIES = ("egyptian", "levantine", "maghrebi", "moroccan", "hijri", "dual", "digits", "ampm", "relative",
            "numeric")


@pytest.mark.parametrize(("family", "text", "tz", "fetched_at", "expected"), TABLE,
                         ids=[f"{row[0]}-{i}" for i, row in enumerate(TABLE)])
def test_date_table(family: str, text: str, tz: str, fetched_at: datetime | None, expected: str) -> None:
    got = shown_instant(text, zone(tz), "ar", fetched_at)
    assert got is not None, f"{text!r} did not parse"
    assert got == datetime.fromisoformat(expected), f"{text!r}: {got.isoformat()} != {expected}"


def test_table_covers_every_family() -> None:
    counts = Counter(row[0] for row in TABLE)
    assert len(TABLE) >= 60
    assert set(counts) == set(FAMILIES), counts
    assert all(counts[f] >= 3 for f in FAMILIES), counts


@pytest.mark.parametrize("text", ["", "اليوم", "مايو", "13 مايو", "منذ قليل", "القرار رقم 2254", "عام 2024",
                                  "32 يناير 2024", "30 فبراير 2023", "منذ ساعتين"])
def test_not_a_complete_date(text: str) -> None:
    """No day, month and year, an impossible day, or relative text with no fetch time: no date."""
    assert parse_date_text(text, "ar") is None


def test_relative_times_need_the_fetch_time_and_not_the_clock() -> None:
    assert parse_date_text("منذ 3 ساعات", "ar") is None
    assert parse_date_text("أمس", "ar") is None
    earlier = datetime(2019, 1, 30, 12, 0, tzinfo=UTC)
    assert shown_instant("منذ 3 ساعات", zone(CAIRO), "ar", earlier) == datetime(2019, 1, 30, 9, 0, tzinfo=UTC)
