"""A run's health verdict: one word stored on ``crawl_runs`` (and shown per source and day in
``v_source_health``), with a one-line reason naming the source.

=================  ==========================================================================================
``healthy``        new articles were loaded
``empty``          the run worked and found nothing new: fine for a while (the crawl is incremental)
``stale``          nothing new for ``Settings.stale_after_intervals`` intervals of the source's schedule
``blocked``        most article fetches were refused (HTTP 403/429) or answered with a challenge page
``broken_extractor``  the quality gate held the source's batch back (set by the validate step), or the second
                   opinion (``akhbar/second_opinion.py``, when wired in) disagreed with the extractor
``unreachable``    not one feed, sitemap or listing page could be read
=================  ==========================================================================================

``blocked``, ``broken_extractor`` and ``unreachable`` are red: the Airflow run fails with the reason (not
retried: the verdict is about the run that happened).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from akhbar import db
from akhbar.config import Settings
from akhbar.pipeline.runs import get_run

HEALTHY, EMPTY, STALE = "healthy", "empty", "stale"
BLOCKED, BROKEN_EXTRACTOR, UNREACHABLE = "blocked", "broken_extractor", "unreachable"
RED = frozenset({BLOCKED, BROKEN_EXTRACTOR, UNREACHABLE})
# Page outcomes that are not a fetch of an article page (nothing was asked of the site for them).
NOT_FETCHED = frozenset({"already_had", "deferred", "offsite", "robots_disallowed"})


@dataclass(frozen=True)
class Verdict:
    health: str
    reason: str

    @property
    def red(self) -> bool:
        return self.health in RED


class SourceUnhealthy(RuntimeError):
    """A run whose verdict is red; the message is one line naming the source."""


def schedule_interval(schedule: str | None, at: datetime) -> timedelta | None:
    """The time between two runs of a cron expression or preset (None for ``@once`` or no schedule)."""
    if not schedule or schedule.strip().lower() in ("@once", "none", "@continuous"):
        return None
    from croniter import croniter

    try:
        times = croniter(schedule, at)
        first = times.get_next(datetime)
        return times.get_next(datetime) - first
    except (ValueError, KeyError):
        return None


def unreachable(discovery: dict, pages_fetched: int) -> bool:
    """True when not one discovery document was read (fresh or as 304) and no page was fetched."""
    readable = sum(n for kind_outcome, n in discovery.items()
                   if kind_outcome.rsplit(":", 1)[-1] in ("fetched", "not_modified"))
    return readable == 0 and pages_fetched == 0


def _second_opinion_failure(url: str, run_id: int) -> str | None:
    """Why the run's second opinion fails it (naming the source and the fields), or None."""
    from akhbar import second_opinion

    with db.transaction(url) as cur:
        rates = second_opinion.run_rate(cur, run_id)
    return "; ".join(m for m in map(second_opinion.verdict, rates) if m) or None


def judge(settings: Settings, run_id: int, *, second_opinion: str | None = None) -> Verdict:
    """The run's verdict from what it recorded. ``second_opinion``: why the second opinion rejected the run's
    extraction, if it did (a broken extractor); by default it is read from what the parse step recorded
    (``akhbar.second_opinion.run_rate``)."""
    from akhbar.sources import get_source

    url = db.database_url(settings)
    run = get_run(url, run_id)
    key, stats = run["source_key"], run["stats"]
    if run["health"] == BROKEN_EXTRACTOR:  # the gate's verdict, recorded by the validate step
        return Verdict(BROKEN_EXTRACTOR, run["health_reason"] or f"{key}: the quality gate failed")
    if second_opinion is None:
        second_opinion = _second_opinion_failure(url, run_id)
    if second_opinion:
        return Verdict(BROKEN_EXTRACTOR, f"the second opinion disagreed with the extractor: {second_opinion}")
    discovery = stats.get("discovery") or {}
    if "discovery" in stats and unreachable(discovery, stats.get("pages_fetched", 0)):
        failed = ", ".join(f"{k} {n}" for k, n in sorted(discovery.items())) or "no discovery URL answered"
        return Verdict(UNREACHABLE, f"{key}: could read none of its feeds, sitemaps or listing pages ({failed})")
    outcomes = stats.get("outcomes") or {}
    fetches = sum(n for outcome, n in outcomes.items() if outcome not in NOT_FETCHED)
    blocked = outcomes.get("blocked", 0)
    if fetches and blocked * 2 > fetches:
        return Verdict(BLOCKED, f"{key}: {blocked} of {fetches} article fetches were blocked "
                                "(HTTP 403/429 or a captcha/anti-bot page)")
    new = stats.get("articles_new", 0)
    if new:
        return Verdict(HEALTHY, f"{key}: {new} new article(s)")
    with db.transaction(url) as cur:
        cur.execute(db.query("source_last_new_article"), {"source_key": key})
        last_article, first_run = cur.fetchone()
    since = last_article or first_run or run["started_at"]
    interval = schedule_interval(get_source(settings, key).schedule, run["started_at"])
    if interval and run["started_at"] - since > interval * settings.stale_after_intervals:
        what = f"no new article since {since:%Y-%m-%d %H:%M} UTC" if last_article else "no article ever"
        return Verdict(STALE, f"{key}: {what} ({settings.stale_after_intervals} schedule intervals of "
                              f"{interval} passed)")
    return Verdict(EMPTY, f"{key}: nothing new this run")


def record(settings: Settings, run_id: int, verdict: Verdict) -> None:
    """Store the verdict on the run. A ``blocked`` run also drops its source's conditional-GET validators
    (``forget_source_validators``): the next run re-reads the feeds in full and asks for the refused pages again,
    so a source that still blocks us is judged blocked again rather than empty behind a 304."""
    with db.step_transaction(settings, "report") as cur:
        cur.execute(db.query("set_run_health"), {"run_id": run_id, "health": verdict.health,
                                                 "reason": verdict.reason, "judged": False})
        if verdict.health == BLOCKED:
            cur.execute("SELECT source_key FROM crawl_runs WHERE id = %s", (run_id,))
            cur.execute(db.query("forget_source_validators"), {"source_key": cur.fetchone()[0]})


def judge_and_record(settings: Settings, run_id: int, **kwargs) -> Verdict:
    verdict = judge(settings, run_id, **kwargs)
    record(settings, run_id, verdict)
    return verdict
