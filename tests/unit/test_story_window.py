"""What the clustering window holds: at most MAX_WINDOW articles, the earliest forgotten first."""

from datetime import UTC, datetime, timedelta

from akhbar import stories
from akhbar.config import Settings
from akhbar.stories import Candidate, Clusterer


def _text(i: int) -> str:
    return " ".join(f"t{i}w{j}" for j in range(40))  # words no other text has: nothing to match by


def test_the_window_holds_at_most_max_window_articles_and_forgets_the_earliest_first(monkeypatch):
    monkeypatch.setattr(stories, "MAX_WINDOW", 4)
    clusterer = Clusterer(None, Settings())
    start = datetime(2026, 1, 1, tzinfo=UTC)
    first = clusterer.assign([Candidate(f"k{i}", start + timedelta(minutes=i), "one", None, f"h{i}", _text(i))
                              for i in range(6)])
    assert sorted(clusterer.known) == ["k2", "k3", "k4", "k5"]  # all six are within 72 hours of each other
    assert clusterer.counts.capped == 2
    # Identical copies from another outlet, minutes later: k0's left the window early, so its copy starts a
    # reprint group of its own (the documented cost of the cap); k5's copy joins k5's group. The first copy
    # joining the window forgets k2.
    later = start + timedelta(minutes=10)
    copies = clusterer.assign([Candidate("c0", later, "two", None, "h0", _text(0)),
                               Candidate("c5", later, "two", None, "h5", _text(5))])
    reprint_of = {a.key: a.reprint for a in first + copies}
    assert reprint_of["c5"] == reprint_of["k5"]
    assert reprint_of["c0"] != reprint_of["k0"]
    assert sorted(clusterer.known) == ["c0", "c5", "k4", "k5"]
    assert clusterer.counts.capped == 4


def test_without_the_cap_the_same_copies_join_their_twins():
    clusterer = Clusterer(None, Settings())
    start = datetime(2026, 1, 1, tzinfo=UTC)
    first = clusterer.assign([Candidate(f"k{i}", start + timedelta(minutes=i), "one", None, f"h{i}", _text(i))
                              for i in range(6)])
    copies = clusterer.assign([Candidate("c0", start + timedelta(minutes=10), "two", None, "h0", _text(0))])
    assert copies[0].reprint == {a.key: a.reprint for a in first}["k0"]
    assert len(clusterer.known) == 7 and clusterer.counts.capped == 0
