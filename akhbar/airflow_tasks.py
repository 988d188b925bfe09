"""What the Airflow DAGs call: which sources get a DAG, the task bodies, and the failure callback.

The DAG files in ``dags/`` only describe order and schedule; they import this module at parse time, so it
imports nothing heavy at module level (no Airflow, database driver, Scrapy or GX). Task bodies import the
pipeline when they run. What goes back to XCom is the crawl run id and counts, never pages.
"""

from __future__ import annotations

import ipaddress
import logging
from datetime import timedelta
from urllib.parse import urlsplit

from akhbar.config import Settings
from akhbar.sources import Source, read_registry

log = logging.getLogger(__name__)

ARTICLES_ASSET_URI = "akhbar://articles"

SMTP_CONN_ID = "smtp_default"
_LOOPBACK_NAMES = {"localhost"}


def default_args(retries: int, retry_delay: timedelta, max_retry_delay: timedelta) -> dict:
    """Every akhbar DAG's task defaults: exponential backoff (Airflow 3 reads retry_exponential_backoff as a
    multiplier: True would mean 1.0, no backoff) and the one-line failure callback."""
    return {
        "owner": "akhbar",
        "retries": retries,
        "retry_delay": retry_delay,
        "retry_exponential_backoff": 2.0,
        "max_retry_delay": max_retry_delay,
        "on_failure_callback": on_task_failure,
    }


def is_mirror(source: Source) -> bool:
    """True for sources served on this machine (the loopback demo mirror)."""
    host = urlsplit(source.home_url).hostname or ""
    if host in _LOOPBACK_NAMES or host.endswith(".localhost"):  # *.localhost is loopback (RFC 6761)
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def dag_sources(settings: Settings) -> list[Source]:
    """The registry sources that get a DAG, chosen by ``settings.dag_sources``.

    ``all`` (every source), ``mirror`` (only the loopback mirror's, so everything works offline), ``live``
    (only the real sites) or a comma-separated list of source keys. Bad registry entries and unknown keys get
    no DAG and take no other source's DAG with them; ``dag_problems`` names them.
    """
    return _dag_choice(settings)[0]


def dag_problems(settings: Settings) -> list[str]:
    """One line per mistake that cost a source its DAG: a bad registry entry, or an unknown key in
    ``AKHBAR_DAG_SOURCES``. ``dags/akhbar_registry.py`` raises them as one import error."""
    return _dag_choice(settings)[1]


def _dag_choice(settings: Settings) -> tuple[list[Source], list[str]]:
    registry = read_registry(settings)
    problems = [f"registry entry skipped: {error}" for error in registry.errors]
    sources = list(registry.sources.values())
    choice = settings.dag_sources.strip().lower()
    if choice == "all":
        return sources, problems
    if choice == "mirror":
        return [s for s in sources if is_mirror(s)], problems
    if choice == "live":
        return [s for s in sources if not is_mirror(s)], problems
    wanted = [key.strip() for key in choice.split(",") if key.strip()]
    unknown = [key for key in wanted if key not in registry.sources and key not in registry.bad_keys]
    if unknown:
        problems.append(f"AKHBAR_DAG_SOURCES names unknown source(s) {', '.join(unknown)}; "
                        f"known: {', '.join(sorted(registry.sources))}")
    return [registry.sources[key] for key in wanted if key in registry.sources], problems


class RegistryProblems(ValueError):
    """Raised by ``dags/akhbar_registry.py`` so that Airflow shows the mistakes as an import error."""


def crawl_task_timeout(settings: Settings) -> timedelta:
    """The crawl task's execution_timeout: longer than the crawl's budget (when Scrapy closes itself, keeping what
    it fetched), its close grace and the signals after it (``akhbar.pipeline.crawling``), plus a minute."""
    return timedelta(seconds=settings.crawl_timeout + 2 * settings.crawl_close_grace + 60)


def pool_name(source_key: str) -> str:
    """The Airflow pool the source's crawl runs in (one slot: one crawl of a site at a time)."""
    return f"akhbar_crawl_{source_key}"


def pools(settings: Settings) -> dict[str, dict]:
    """Every source's crawl pool, in the format ``airflow pools import`` reads."""
    return {
        pool_name(s.key): {
            "slots": 1,
            "description": f"crawls of {s.name}: one at a time, however many workers run",
            "include_deferred": False,
        }
        for s in read_registry(settings).sources.values()
    }


def source_doc_md(source: Source) -> str:
    """The DAG's documentation in the UI: the source's registry entry."""
    rows = [
        ("key", f"`{source.key}`"),
        ("name", source.name),
        ("country", source.country),
        ("language / locale", f"{source.language} / {source.locale}"),
        ("time zone", source.time_zone),
        ("home", source.home_url),
        ("allowed domains", ", ".join(source.allowed_domains)),
        ("discovery", "<br>".join(f"{kind}: {url}" for kind, url in source.discovery_urls)),
        ("schedule", f"`{source.schedule}`"),
        ("politeness", (f"delay {source.download_delay:g} s, {source.concurrency_per_domain} per domain, "
                        f"pool `{pool_name(source.key)}` (1 slot)")),
        ("max pages per run", str(source.max_pages)),
        ("extractor", source.extractor),
        ("verified", "yes" if source.verified else "no"),
    ]
    table = "\n".join(f"| {name} | {value} |" for name, value in rows)
    return (
        f"### {source.name}\n\n"
        "Crawls the source's feeds, sitemaps and listing pages (a Scrapy subprocess), extracts every new page, runs the quality gate and "
        "UPSERTs what passes into `articles`. A red `crawl` means the site did not answer (`unreachable`); a red "
        "`validate` means too many pages failed the gate (`broken_extractor`); a red `report` means the site "
        "blocked the crawler (`blocked`). The log names the reason; `v_source_health` shows the verdicts.\n\n"
        f"| field | value |\n|---|---|\n{table}\n"
    )


# --- task bodies ---------------------------------------------------------------------------------------------


def run_label(context) -> str:
    """The crawl run's label: the logical date when the run has one, so that re-running a date (a clear, a
    retry, a second trigger for the same date) continues the same crawl run; else the Airflow run id."""
    logical_date = context.get("logical_date")
    return f"logical:{logical_date.isoformat()}" if logical_date else context["run_id"]


def crawl(settings: Settings, source_key: str, run_label: str) -> dict:
    """Open (or reuse) the crawl run for this Airflow run and crawl, holding the run's lease.

    A crawl fails when not one discovery document (feed, sitemap, listing page) could be read, fresh or as
    "304 not modified": the run's health becomes ``unreachable``. A source whose feeds answered but listed
    nothing new is fine: the crawl is incremental, so an hour with no new article fetches no page at all.
    """
    from akhbar import db, pipeline
    from akhbar.pipeline import health, lifecycle

    run_id = pipeline.start_run(settings, source_key, run_label=run_label)
    with lifecycle.lease(settings, run_id):
        counts = pipeline.crawl(settings, run_id)
    discovery = counts.get("discovery", {})
    if health.unreachable(discovery, counts.get("pages_fetched", 0)):
        failed = ", ".join(f"{k} {n}" for k, n in sorted(discovery.items())) or "no discovery URL answered"
        reason = f"crawl of {source_key} could read none of its feeds, sitemaps or listing pages ({failed})"
        with db.transaction(db.database_url(settings)) as cur:
            cur.execute(db.query("set_crawl_run_status"),
                        {"run_id": run_id, "status": "failed", "stats": "{}", "error": reason})
        health.record(settings, run_id, health.Verdict(health.UNREACHABLE, reason))
        raise pipeline.CrawlFailed(reason)
    return {"run_id": run_id, **counts}


def parse(settings: Settings, run_id: int) -> dict:
    from akhbar import pipeline

    return {"run_id": run_id, **pipeline.parse(settings, run_id)}


def validate(settings: Settings, run_id: int) -> dict:
    """The quality gate. Its failure is deterministic (the same pages reach the same verdict), so it fails
    the task for good instead of being retried."""
    from airflow.sdk.exceptions import AirflowFailException

    from akhbar import pipeline
    from akhbar.quality import QualityGateFailed

    try:
        return {"run_id": run_id, **pipeline.validate(settings, run_id)}
    except QualityGateFailed as exc:
        raise AirflowFailException(f"QualityGateFailed: {exc}") from exc


def load(settings: Settings, run_id: int) -> dict:
    from akhbar import pipeline

    return {"run_id": run_id, **pipeline.load(settings, run_id)}


def report(settings: Settings, run_id: int) -> dict:
    """Log the run's summary (the same lines `akhbar run` prints), give the run its health verdict, and fail
    the task for good (no retry: the verdict is about the run that happened) when it is red: blocked,
    broken_extractor or unreachable, with a one-line reason naming the source."""
    from airflow.sdk.exceptions import AirflowFailException

    from akhbar import pipeline
    from akhbar.pipeline import health

    verdict = health.judge_and_record(settings, run_id)
    summary = pipeline.summarize(settings, run_id)
    for line in summary.lines():
        log.info("%s", line)
    if verdict.red:
        raise AirflowFailException(f"{verdict.health}: {verdict.reason}")
    return {"run_id": run_id, "health": verdict.health,
            **{k: v for k, v in summary.counts.items() if isinstance(v, int)}}


def announce_articles(loaded: dict) -> dict:
    """The task that updates the ``akhbar://articles`` asset (and so triggers ``akhbar_stories``): it is
    skipped when the load wrote no article, and a skipped task emits no asset event."""
    from airflow.sdk.exceptions import AirflowSkipException

    if not loaded.get("articles_loaded"):
        raise AirflowSkipException("no article loaded: the stories DAG is not triggered")
    return {"run_id": loaded["run_id"], "articles_loaded": loaded["articles_loaded"]}


# --- failure callback ----------------------------------------------------------------------------------------


def failure_summary(dag_id: str, task_id: str, exception: BaseException | str | None, try_number=None) -> str:
    """One line a person can act on: which source, which task, why."""
    source = dag_id.removeprefix("akhbar_")
    if isinstance(exception, BaseException):
        reason = f"{exception.__class__.__name__}: {exception}".strip()
    else:
        reason = str(exception or "no exception recorded (killed, timed out or upstream failed)")
    reason = " ".join(reason.split())[:500]
    attempt = f" (try {try_number})" if try_number else ""
    return f"akhbar FAILED source={source} task={task_id}{attempt}: {reason}"


def _smtp_configured() -> bool:
    from airflow.sdk import BaseHook
    from airflow.sdk.exceptions import AirflowNotFoundException

    try:
        BaseHook.get_connection(SMTP_CONN_ID)
    except AirflowNotFoundException:
        return False
    return True


def on_task_failure(context) -> None:
    """Task failure callback: log one line; e-mail it when an SMTP connection and a recipient are set."""
    ti = context.get("ti") or context.get("task_instance")
    dag_id = getattr(ti, "dag_id", None) or context["dag"].dag_id
    task_id = getattr(ti, "task_id", "?")
    line = failure_summary(dag_id, task_id, context.get("exception"), getattr(ti, "try_number", None))
    log.error("%s", line)
    from akhbar.config import load_settings

    recipient = load_settings().alert_email
    if not recipient or not _smtp_configured():
        return
    try:
        from airflow.providers.smtp.hooks.smtp import SmtpHook

        with SmtpHook(smtp_conn_id=SMTP_CONN_ID) as hook:
            hook.send_email_smtp(to=recipient, subject=line[:200], html_content=f"<pre>{line}</pre>")
    except Exception:  # a broken mail server must not hide the original failure
        log.exception("could not e-mail the failure summary to %s", recipient)
