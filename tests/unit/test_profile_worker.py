"""The clustering's profile worker (akhbar.stories.ProfileWorker): a chunk profiled in another process, whose
term numbers differ from this one's, gives the profiles this process makes itself; a worker killed with
SIGKILL leaves the clustering to profile the rest itself, with the same result and a warning."""

import logging
import os
import signal
from datetime import UTC, datetime

from akhbar.stories import Candidate, ProfileWorker
from akhbar.story_features import profiles
from tests.unit.test_story_features import LEAD, ODD_TEXTS, WIRE, _labelled_texts


def _chunks() -> list[list[tuple[str, str]]]:
    texts, _ = _labelled_texts()
    labelled = [(t, b) for t, b, _ in texts.values()]
    odd = [(t, b) for t in ODD_TEXTS for b in (t, WIRE + " " + t, LEAD + WIRE)]
    return [labelled[:30], odd, labelled[30:80], [], labelled[80:120]]


def _candidates(chunk: list[tuple[str, str]], as_bytes: bool) -> list[Candidate]:
    now = datetime(2026, 11, 30, tzinfo=UTC)
    code = (lambda s: s.encode()) if as_bytes else (lambda s: s)
    return [Candidate(("a", i), now, "src", None, str(i), code(b), title_norm=code(t)) for i, (t, b) in
            enumerate(chunk)]


def _same(ours, theirs) -> None:
    assert len(ours) == len(theirs)
    for a, b in zip(ours, theirs):
        assert a.shingles.tolist() == b.shingles.tolist()
        assert list(a.body.items()) == list(b.body.items())  # (the terms in their order, by text)
        assert list(a.title.items()) == list(b.title.items()) and list(a.lead.items()) == list(b.lead.items())
        assert a.body_ids.tolist() == b.body_ids.tolist() and a.numbers == b.numbers
        assert a.body_counts.tolist() == b.body_counts.tolist()


def test_a_workers_profiles_are_this_processs_own():
    worker = ProfileWorker(3)
    terms: set[str] = set()
    try:
        for i, chunk in enumerate(_chunks()):
            submitted = worker.submit(_candidates(chunk, as_bytes=i % 2 == 0))
            ours = profiles([t for t, _ in chunk], [b for _, b in chunk], 3)
            _same(worker.profiles(submitted), ours)
            terms.update(*(p.body for p in ours), *(p.title for p in ours))
        assert worker.pool is not None and len(worker.pool.pids()) == 1
        # every term the worker met was sent once, by its text
        assert worker.terms.pid == worker.pool.pids()[0] and worker.terms.ours.size == len(terms) > 0
    finally:
        worker.close()


def test_a_worker_killed_with_sigkill_leaves_the_rest_to_this_process(caplog):
    chunks = [c for c in _chunks() if c]
    worker = ProfileWorker(3)
    try:
        _same(worker.profiles(worker.submit(_candidates(chunks[0], True))), profiles(*zip(*chunks[0]), 3))
        (pid,) = worker.pool.pids()
        os.kill(pid, signal.SIGKILL)
        with caplog.at_level(logging.WARNING, logger="akhbar.stories"):
            for chunk in chunks[1:]:
                _same(worker.profiles(worker.submit(_candidates(chunk, True))), profiles(*zip(*chunk), 3))
        assert worker.pool is None
        assert [r.getMessage() for r in caplog.records if "profile worker failed" in r.getMessage()]
    finally:
        worker.close()
