"""transforms.dates: machine dates, Arabic date text, and the UTC-label cross-check."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from transforms.dates import fix_mislabelled_utc, parse_date_text, parse_machine_date, zone

CAIRO = zone("Africa/Cairo")


@pytest.mark.parametrize(("raw", "expected"), [
    ("2024-05-13T06:00:00Z", "2024-05-13T06:00:00+00:00"),
    ("2020-11-09T18:34:47+0000", "2020-11-09T18:34:47+00:00"),
    ("2013-08-28T14:00:00+0400", "2013-08-28T14:00:00+04:00"),  # offset without a colon
    ("2019-02-08T00:00:00+01:00", "2019-02-08T00:00:00+01:00"),
    ("Tue, 17 Mar 2020 17:27:41 GMT", "2020-03-17T17:27:41+00:00"),
    ("1584466061", "2020-03-17T17:27:41+00:00"),
    ("٢٠٢٤-٠٥-١٣T٠٦:٠٠:٠٠Z", "2024-05-13T06:00:00+00:00"),
])
def test_machine_dates_keep_their_offset(raw: str, expected: str) -> None:
    parsed = parse_machine_date(raw, CAIRO)
    assert parsed is not None and parsed.has_zone
    assert parsed.value == datetime.fromisoformat(expected)
    assert parsed.raw == raw


def test_naive_dates_are_source_wall_clock_with_dst() -> None:
    summer = parse_machine_date("2024-05-13 06:00:00", CAIRO)  # Egypt reinstated DST in 2023: UTC+3 in May
    winter = parse_machine_date("2024-01-13 06:00:00", CAIRO)
    assert summer.value.utcoffset() == timedelta(hours=3)
    assert winter.value.utcoffset() == timedelta(hours=2)
    assert not summer.has_zone
    assert parse_machine_date("2020-11-09", CAIRO).has_time is False


@pytest.mark.parametrize("raw", [None, "", "غير معروف", "2024-13-45", "not a date"])
def test_bad_machine_dates(raw) -> None:
    assert parse_machine_date(raw) is None


@pytest.mark.parametrize(("text", "locale", "expected"), [
    ("الإثنين، 13 مايو 2024 06:00 ص", "ar", datetime(2024, 5, 13, 6, 0)),  # Egyptian month name
    ("٢٠ مايو ٢٠٢٤ ٠٧:٠٠ م", "ar", datetime(2024, 5, 20, 19, 0)),  # Arabic-Indic digits, م = pm
    ("17 كانون الثاني 2020", "ar-LB", datetime(2020, 1, 17)),  # Levantine
    ("3 نيسان 2021", "ar", datetime(2021, 4, 3)),  # Levantine name, found by the fallback locales
    ("الجمعة 8 فيفري 2019", "ar-TN", datetime(2019, 2, 8)),  # Maghrebi (Tunisia)
    ("الجمعة 8 فيفري 2019", "ar", datetime(2019, 2, 8)),
    ("15 غشت 2022", "ar-MA", datetime(2022, 8, 15)),  # Moroccan
])
def test_date_text(text: str, locale: str, expected: datetime) -> None:
    assert parse_date_text(text, locale) == expected


def test_date_text_with_its_own_zone() -> None:
    shown = parse_date_text("الأربعاء، 28 آب/اغسطس 2013، آخر تحديث 14:00 (GMT+0400)", "ar-LB")
    assert shown == datetime(2013, 8, 28, 14, 0, tzinfo=timezone(timedelta(hours=4)))


@pytest.mark.parametrize("text", ["", "اليوم", "منذ ساعتين", "مايو"])
def test_incomplete_date_text(text: str) -> None:
    assert parse_date_text(text, "ar") is None


def test_utc_label_on_local_time_is_corrected() -> None:
    labelled = parse_machine_date("2024-05-13T06:00:00Z", CAIRO)
    fixed = fix_mislabelled_utc(labelled, [datetime(2024, 5, 13, 6, 0)], CAIRO)
    assert fixed is not None
    assert fixed.value == datetime(2024, 5, 13, 6, 0, tzinfo=timezone(timedelta(hours=3)))
    assert fixed.raw == "2024-05-13T06:00:00Z"


def test_correct_utc_is_left_alone() -> None:
    labelled = parse_machine_date("2024-05-13T06:00:00Z", CAIRO)
    assert fix_mislabelled_utc(labelled, [datetime(2024, 5, 13, 9, 0)], CAIRO) is None  # page shows Cairo time
    assert fix_mislabelled_utc(labelled, [datetime(2024, 5, 13, 7, 30)], CAIRO) is None  # unrelated time
    assert fix_mislabelled_utc(labelled, [], CAIRO) is None
    gmt = datetime(2024, 5, 13, 6, 0, tzinfo=UTC)
    assert fix_mislabelled_utc(labelled, [gmt], CAIRO) is None  # the page says "GMT 06:00" itself
    assert fix_mislabelled_utc(labelled, [datetime(2024, 5, 13, 6, 0)], zone("UTC")) is None
