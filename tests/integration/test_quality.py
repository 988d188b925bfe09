"""The Great Expectations gate on hand-made rows: each failure gets its own reason code."""

from datetime import UTC, datetime, timedelta

from akhbar.config import Settings
from akhbar.pipeline import validation_frame
from akhbar.quality import validate_frame

FETCHED = datetime(2026, 1, 8, 12, 0, tzinfo=UTC)
ARABIC_BODY = "أعلنت وزارة الصحة اليوم تسجيل حالات جديدة في عدد من المحافظات. " * 6
PERSIAN_BODY = "وزارت بهداشت ایران امروز اعلام کرد که تعداد بیماران یک هزار نفر است و پزشکان نگران هستند. " * 4


def row(page_id, key, **article):
    base = {"url": f"https://example.com/{key}", "title": "عنوان الخبر هنا", "body": ARABIC_BODY,
            "published_at": (FETCHED - timedelta(hours=3)).isoformat()}
    base.update(article)
    return (page_id, key, base, FETCHED)


def test_each_failure_has_its_reason():
    rows = [
        row(1, "ok"),
        row(2, "no-title", title=None),
        row(3, "short", body="قصير جدا"),
        row(4, "persian", body=PERSIAN_BODY),
        row(5, "no-date", published_at=None),
        row(6, "future", published_at=(FETCHED + timedelta(hours=5)).isoformat()),
        row(7, "dup"),
        row(8, "dup"),
        row(9, "tiny-title", title="خبر"),
        row(10, "skew-ok", published_at=(FETCHED + timedelta(minutes=30)).isoformat()),
    ]
    failed = validate_frame(validation_frame(rows), Settings(database_url="unused"))
    assert failed == {
        2: ["title_missing"],
        3: ["body_too_short"],
        4: ["not_arabic"],
        5: ["published_at_missing"],
        6: ["published_in_future"],
        7: ["duplicate_url"],
        8: ["duplicate_url"],
        9: ["title_length"],
    }


def test_thresholds_come_from_settings():
    rows = [row(1, "a", body="نص عربي قصير لكنه كاف هنا")]
    assert validate_frame(validation_frame(rows), Settings(min_body_chars=10)) == {}
    assert validate_frame(validation_frame(rows), Settings(min_body_chars=100)) == {1: ["body_too_short"]}


def test_language_domain_age_and_boilerplate_checks():
    rows = [
        row(1, "ok", language="ar-EG", canonical_url="https://www.youm7.com/story/1"),
        row(2, "farsi-page", language="fa"),
        row(3, "off-site", canonical_url="https://www.elsewhere.net/copy"),
        row(4, "old", published_at="1985-03-01T10:00:00+00:00"),
        row(5, "footer", body=ARABIC_BODY + " جميع الحقوق محفوظة لموقع الخبر 2026"),
        row(6, "cookies", body=ARABIC_BODY + " Please enable JavaScript to view this page."),
        row(7, "no-lang", language=None),  # pages that declare no language are judged by their letters alone
    ]
    frame = validation_frame(rows, allowed_domains=("example.com", "youm7.com"))
    assert validate_frame(frame, Settings(database_url="unused")) == {
        2: ["not_arabic_language"],
        3: ["canonical_off_domain"],
        4: ["published_before_1990"],
        5: ["boilerplate_in_body"],
        6: ["boilerplate_in_body"],
    }
