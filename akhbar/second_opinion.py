"""A second opinion on extraction: trafilatura reads a sample of each source's pages beside us.

A site redesign that breaks our extractor leaves every task green: the pages still parse, only into a title
and one paragraph. Trafilatura does not share our rules, so where the two disagree a lot, something changed.
On a sample of pages (:func:`sampled`: every page of a source's first run, else 1 in 20 by a hash of the URL
key) the parse step compares our article with trafilatura's extraction of the same HTML (:func:`compare`) and
records the disagreement per page (:func:`record`, table ``second_opinions``, migration 0016). A page disagrees
when our body is under 60% or over 150% of trafilatura's length (``body_short``, ``body_long``), or when
trafilatura found a title or a date and we did not (``title``, ``published``). :func:`run_rate` gives a run's
counts; :func:`verdict` names the fields of a source whose disagreement rate is over 20% with 10 or more pages
sampled: the run's report fails on it (the articles still load). ``v_second_opinion_daily`` has the rate per
source and day.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from . import db

SAMPLE_EVERY = 20  # one page in SAMPLE_EVERY is compared (every page in a source's first run)
SHORT = 0.6  # our body under this share of trafilatura's: body_short
LONG = 1.5  # over this share: body_long
MAX_RATE = 0.2  # a run whose sampled pages disagree more often than this fails its report ...
MIN_SAMPLED = 10  # ... once this many pages were sampled
FIELDS = ("body_short", "body_long", "title", "published")


@dataclass(frozen=True, slots=True)
class Opinion:
    """One page compared: our and trafilatura's body lengths (None: it found no text) and what disagrees."""

    our_body_chars: int
    their_body_chars: int | None
    disagreements: tuple[str, ...] = ()

    @property
    def disagrees(self) -> bool:
        return bool(self.disagreements)


@dataclass(frozen=True, slots=True)
class RunRate:
    """A run's second opinion for one source: pages sampled, pages that disagreed, disagreements by field."""

    source_key: str
    sampled: int
    disagreed: int
    by_field: dict[str, int] = field(default_factory=dict)

    @property
    def rate(self) -> float:
        return self.disagreed / self.sampled if self.sampled else 0.0


def sampled(url_key: str, first_run: bool) -> bool:
    """Whether the page with this URL key gets a second opinion: always in a source's first run, else 1 in
    ``SAMPLE_EVERY``, fixed by a hash of the key (the same page is sampled in every run, on every worker)."""
    if first_run:
        return True
    digest = hashlib.blake2b(url_key.encode("utf-8"), digest_size=8).digest()
    return int.from_bytes(digest, "big") % SAMPLE_EVERY == 0


def disagreement(ours_title: str | None, ours_published, ours_body: str | None,
                 their_title: str | None, their_date, their_body: str | None) -> Opinion:
    """The disagreement between two extractions of one page (pure). Bodies compare by length in characters,
    whitespace collapsed; a title or date counts only when trafilatura found one and we did not."""
    ours = len(" ".join((ours_body or "").split()))
    theirs = len(" ".join((their_body or "").split())) or None
    found: list[str] = []
    if theirs:
        if ours < SHORT * theirs:
            found.append("body_short")
        elif ours > LONG * theirs:
            found.append("body_long")
    if their_title and their_title.strip() and not (ours_title and ours_title.strip()):
        found.append("title")
    if their_date and ours_published is None:
        found.append("published")
    return Opinion(ours, theirs, tuple(found))


def compare(article, html: str, url: str) -> Opinion:
    """Our :class:`transforms.Article` against trafilatura's ``bare_extraction`` of the same HTML (its defaults,
    with metadata, no comments). Trafilatura failing on a page is no opinion on the body: nothing to compare."""
    from trafilatura import bare_extraction

    try:
        doc = bare_extraction(html, url=url, with_metadata=True, include_comments=False)
    except Exception:  # noqa: BLE001  trafilatura fails on odd trees; then it simply has no opinion
        doc = None
    if doc is None:
        return disagreement(article.title, article.published_at, article.body, None, None, None)
    return disagreement(article.title, article.published_at, article.body, doc.title, doc.date, doc.text)


def first_run(cur, source_key: str, run_id: int) -> bool:
    """True when no earlier run of the source got past crawling (the same test as the crawl's incremental mode)."""
    cur.execute(db.query("previous_crawl_exists"), {"source_key": source_key, "run_id": run_id})
    return not cur.fetchone()[0]


def record(cur, run_id: int, source_key: str, opinions) -> int:
    """Write one row per page: ``opinions`` are (raw_page_id, url, :class:`Opinion`). Idempotent per (run,
    page). Returns the number of rows written."""
    rows = [(run_id, page_id, source_key, url, o.our_body_chars, o.their_body_chars, list(o.disagreements))
            for page_id, url, o in opinions]
    if rows:
        db.execute_values(cur, "upsert_second_opinions", rows,
                          template="(%s, %s, %s, %s, %s, %s, %s::text[])")
    return len(rows)


def run_rate(cur, run_id: int) -> list[RunRate]:
    """The run's second opinion per source (a run crawls one source: one item, or none when nothing was
    sampled)."""
    cur.execute(db.query("second_opinion_run_rate"), {"run_id": run_id})
    out = []
    for source_key, sampled_n, disagreed, *counts in cur.fetchall():
        out.append(RunRate(source_key, sampled_n, disagreed, dict(zip(FIELDS, counts, strict=True))))
    return out


def verdict(rate: RunRate) -> str | None:
    """None when the run is fine; else why its report fails, naming the source and the fields."""
    if rate.sampled < MIN_SAMPLED or rate.rate <= MAX_RATE:
        return None
    fields = ", ".join(f"{name} {n}/{rate.sampled}" for name, n in rate.by_field.items() if n)
    return (f"{rate.source_key}: trafilatura disagrees with our extraction on {rate.disagreed} of "
            f"{rate.sampled} sampled pages ({rate.rate:.0%} > {MAX_RATE:.0%}): {fields}")
