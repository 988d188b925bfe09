"""The quality gate's own process (akhbar.pipeline.validation.GateProcess, used by `akhbar run`): it reaches the
verdicts the suite reaches in this process, and a ``kill -9`` of it costs no verdict."""

from __future__ import annotations

import os
import signal
from datetime import UTC, datetime, timedelta

import psutil

from akhbar.config import Settings
from akhbar.pipeline.validation import GateProcess, judge_rows

FETCHED = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
BODY = "أعلنت الحكومة اليوم عن خطة جديدة لدعم المزارعين في المحافظات الجنوبية. " * 5  # 360 letters and spaces


def _row(page_id: int, **changes) -> tuple:
    article = {"url": f"https://example.com/news/{page_id}", "title": "خطة حكومية لدعم المزارعين", "body": BODY,
               "published_at": (FETCHED - timedelta(hours=2)).isoformat(), "language": "ar"} | changes
    return page_id, f"example.com/news/{page_id}", article, FETCHED


# Read off the rows: 2's body is 9 characters (the floor is 200), 3 has no publication time, 4 was published
# a day after it was fetched, 5's body is English; 1 and 6 pass every check.
ROWS = [_row(1), _row(2, body="خبر قصير."), _row(3, published_at=None),
        _row(4, published_at=(FETCHED + timedelta(days=1)).isoformat()),
        _row(5, body="The ministry announced a new plan to support farmers in the southern provinces. " * 5),
        _row(6)]
EXPECTED = {2: ["body_too_short"], 3: ["published_at_missing"], 4: ["published_in_future"], 5: ["not_arabic"]}


def test_the_gate_process_judges_as_this_process_and_a_kill_9_of_it_loses_no_verdict(tmp_path):
    settings = Settings(data_dir=tmp_path)
    assert judge_rows(settings, ROWS, ["example.com"], "here") == EXPECTED
    with GateProcess() as gate:
        assert gate(settings, ROWS, ["example.com"], "there") == EXPECTED
        (first,) = gate.pids()
        assert first != os.getpid()
        victim = psutil.Process(first)
        os.kill(first, signal.SIGKILL)
        psutil.wait_procs([victim], timeout=10)
        # the dead process is met on the next call, which is made again on a new one
        assert gate(settings, ROWS, ["example.com"], "again") == EXPECTED
        (second,) = gate.pids()
        assert second != first
    assert not psutil.pid_exists(second) or psutil.Process(second).status() == psutil.STATUS_ZOMBIE
    # each call wrote its data docs site
    assert {p.name for p in (tmp_path / "data_docs").iterdir()} == {"here", "there", "again"}
