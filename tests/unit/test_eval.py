"""bench/eval.py's judging: what counts as a match in `make eval`."""

from __future__ import annotations

import importlib.util
from datetime import UTC, datetime
from pathlib import Path

from transforms.dates import zone

_SPEC = importlib.util.spec_from_file_location("akhbar_eval", Path(__file__).resolve().parents[2] / "bench" / "eval.py")
evaluation = importlib.util.module_from_spec(_SPEC)
_SPEC.loader.exec_module(evaluation)

RECORD = {"title": "عنوان", "published": "2024-05-13T06:00:00+03:00", "author": "آية دعبس", "section": None,
          "first_sentence": "الجملة الأولى ، هنا.", "last_sentence": "الجملة الأخيرة."}
CAIRO = zone("Africa/Cairo")


def test_published_within_one_minute_and_date_only_is_midnight() -> None:
    ok = evaluation.judge(RECORD, {"published": datetime(2024, 5, 13, 3, 0, 59, tzinfo=UTC)}, CAIRO)
    late = evaluation.judge(RECORD, {"published": datetime(2024, 5, 13, 3, 1, 1, tzinfo=UTC)}, CAIRO)
    day_only = evaluation.judge(RECORD, {"published": "2024-05-13"}, CAIRO)
    assert ok["published"] and not late["published"] and not day_only["published"]
    assert evaluation.judge({**RECORD, "published": None}, {"published": None}, CAIRO)["published"]
    assert not evaluation.judge({**RECORD, "published": None}, {"published": "2013-08-03"}, CAIRO)["published"]


def test_body_author_section() -> None:
    got = {"title": "عنوان", "authors": ["آية دعبس"], "section": "",
           "body": "الجملة الأولى، هنا. وسط.\n\nالجملة   الأخيرة."}
    assert evaluation.judge(RECORD, got, CAIRO) == {"title": True, "author": True, "first": True, "last": True,
                                                    "section": True}
    assert evaluation.judge(RECORD, {"authors": [], "body": None}, CAIRO) == {"author": False, "first": False,
                                                                               "last": False}
