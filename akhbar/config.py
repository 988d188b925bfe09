"""Configuration: the only module that reads the environment.

Everything else receives a :class:`Settings` object. ``load_settings()`` reads ``AKHBAR_*`` variables once;
tests build ``Settings(...)`` directly or call ``load_settings(env={...})``.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field, fields, replace
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SQL_DIR = PROJECT_ROOT / "sql"
DEMO_PAGES_DIR = PROJECT_ROOT / "tests" / "fixtures" / "pages"


_PASSWORD_PARAM = re.compile(r"(\bpassword\s*=\s*)('(?:[^'\\]|\\.)*'|[^\s&]+)", re.IGNORECASE)


def redact_url(url: str | None) -> str | None:
    """A database URL (or libpq ``key=value`` string) with its password replaced by ``***``."""
    if not url:
        return url
    text = _PASSWORD_PARAM.sub(r"\1***", url)  # key=value form, and ?password= in a URL
    if "://" not in text:
        return text
    try:
        parts = urlsplit(text)
        if parts.password is None:
            return text
        user = parts.username or ""
        host = parts.netloc.rpartition("@")[2]
        return urlunsplit(parts._replace(netloc=f"{user}:***@{host}"))
    except ValueError:
        return "<unparsable database URL>"


def _cores() -> int:
    """The cores this process may run on (its CPU affinity, which a container or taskset narrows)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # no affinity on this platform
        return os.cpu_count() or 1


def _default_data_dir(env: Mapping[str, str]) -> Path:
    base = env.get("XDG_DATA_HOME") or str(Path(env.get("HOME", "~")).expanduser() / ".local" / "share")
    return Path(base) / "akhbar"


@dataclass(frozen=True)
class Settings:
    # None means: start the embedded PostgreSQL (pgserver) in data_dir.
    database_url: str | None = None
    data_dir: Path = field(default_factory=lambda: _default_data_dir(os.environ))
    user_agent: str = "akhbar/0.1 (+https://github.com/akhbar-news/akhbar; Arabic news research crawler)"
    contact_url: str = "https://github.com/akhbar-news/akhbar"
    demo_host: str = "127.0.0.1"
    demo_port: int = 8765
    # Batching and limits.
    parse_batch_size: int = 200
    # Parse worker processes (AKHBAR_PARSE_WORKERS): one per core this process may run on, by default.
    parse_workers: int = field(default_factory=lambda: _cores())
    # `akhbar run` validates and loads while the crawl still fetches once this many pages were parsed, then each
    # time the parsed pages have doubled (at most 10 times this apart), and once more when the crawl has ended.
    stream_load_pages: int = 1000
    # `akhbar run` runs the quality gate's Great Expectations suite in a process of its own (AKHBAR_GATE_PROCESS),
    # so that its memory (about 250 MB imported, more with the batch) is not added to the run's process.
    gate_process: bool = True
    # The parse workers and the gate's process run this much below the normal CPU priority (AKHBAR_WORKER_NICE,
    # 0-19): batch work yields the CPU to the crawl, whose response times AutoThrottle reads as the site's (on 2
    # busy cores, 5,000 pages crawled in 20 s instead of 27 s, bench/e2e.py), and catches up when the crawl waits.
    worker_nice: int = 10
    # Pages the quality gate reads and judges at a time, and pages one load transaction writes: each call of
    # validate or load works through the run's ready pages in batches this size, so its memory is bounded.
    validate_batch_size: int = 2000
    load_batch_size: int = 10000
    # Load batches written side by side, each in its own session (AKHBAR_LOAD_WORKERS): two per core by default,
    # since a batch's session waits for the disk (WAL, TOAST) about a third of its time (bench/load.py).
    load_workers: int = field(default_factory=lambda: 2 * _cores())
    # Memory one load transaction may use for sorts, hashes and the GIN pending lists (a PostgreSQL size).
    load_memory: str = "256MB"
    download_timeout: int = 30
    download_maxsize: int = 20 * 1024 * 1024
    # The crawl's time budget in seconds (Scrapy's CLOSESPIDER_TIMEOUT: it closes cleanly and stores what it
    # fetched), and the grace after it before the crawl process is stopped by signal.
    crawl_timeout: int = 1800
    crawl_close_grace: int = 120
    # Quality gate.
    min_title_chars: int = 5
    max_title_chars: int = 400
    min_body_chars: int = 200
    min_arabic_ratio: float = 0.6
    max_failure_rate: float = 0.30
    gate_min_pages: int = 5  # a source's batch-level failure rate is judged from this many pages up
    # GX data docs (HTML), one page per validation run; None: data_dir/data_docs.
    data_docs_dir: Path | None = None
    # Story clustering: how far apart two copies of one text may be published, and the shingle size (the
    # event scorer and its 48-hour window live in akhbar/story_scorer.json).
    story_window_hours: int = 72
    story_shingle_words: int = 3
    sources_file: Path | None = None
    log_level: str = "INFO"
    # Set inside a running Airflow task ("dag_id.task_id", from the AIRFLOW_CTX_* variables Airflow exports):
    # there the embedded PostgreSQL is refused, since each worker would start a database of its own.
    airflow_task: str | None = None
    # Airflow: which registry sources get a DAG ("all", "mirror" = loopback sources only, "live" = the rest,
    # or a comma-separated list of keys), where failure e-mails go, and how long raw HTML is kept.
    dag_sources: str = "all"
    alert_email: str | None = None
    raw_retention_days: int = 365
    # The page lifecycle and database sessions: a page is tried by this many runs before it is quarantined as
    # attempts_exhausted; every pipeline session waits at most this long for a lock and for one statement
    # (seconds); a source with no new article for this many schedule intervals is reported stale.
    max_page_attempts: int = 3
    db_lock_timeout: int = 600
    db_statement_timeout: int = 1800
    stale_after_intervals: int = 24
    # The extraction second opinion (akhbar/second_opinion.py): trafilatura reads 1 page in 20 (every page of
    # a source's first run) beside us; a run where they disagree too often is broken_extractor.
    second_opinion: bool = True

    @property
    def demo_site_url(self) -> str:
        return f"http://{self.demo_host}:{self.demo_port}"

    @property
    def embedded_pgdata(self) -> Path:
        return self.data_dir / "pgdata"

    @property
    def data_docs_path(self) -> Path:
        return self.data_docs_dir or self.data_dir / "data_docs"

    def __repr__(self) -> str:
        # The database URL may carry a password; a repr ends up in logs and tracebacks.
        shown = ", ".join(
            f"{f.name}={redact_url(self.database_url)!r}" if f.name == "database_url"
            else f"{f.name}={getattr(self, f.name)!r}"
            for f in fields(self) if f.repr
        )
        return f"Settings({shown})"

    def with_(self, **changes) -> Settings:
        return replace(self, **changes)

    def child_env(self, database_url: str | None = None) -> dict[str, str]:
        """Environment for a child process (the crawl): this one's, plus these same settings."""
        env = dict(os.environ)
        env |= {
            "AKHBAR_USER_AGENT": self.user_agent,
            "AKHBAR_CONTACT_URL": self.contact_url,
            "AKHBAR_DATA_DIR": str(self.data_dir),
            "AKHBAR_DEMO_HOST": self.demo_host,
            "AKHBAR_DEMO_PORT": str(self.demo_port),
            "AKHBAR_DOWNLOAD_TIMEOUT": str(self.download_timeout),
            "AKHBAR_DOWNLOAD_MAXSIZE": str(self.download_maxsize),
            "AKHBAR_LOG_LEVEL": self.log_level,
        }
        if database_url or self.database_url:
            env["AKHBAR_DATABASE_URL"] = database_url or self.database_url
        if self.sources_file:
            env["AKHBAR_SOURCES_FILE"] = str(self.sources_file)
        return env

    def crawl_env(self, database_url: str) -> dict[str, str]:
        """``child_env`` for the Scrapy process, without Airflow's settings and secrets (its metadata database,
        Fernet key, JWT secret, connections) or any other variable named like a secret: the crawl needs the
        articles database and akhbar's settings only."""
        return {name: value for name, value in self.child_env(database_url=database_url).items()
                if name == "AKHBAR_DATABASE_URL"
                or not (name.upper().startswith("AIRFLOW") or _SECRET_NAME.search(name))}


_SECRET_NAME = re.compile(r"PASSWORD|SECRET|FERNET|TOKEN|CREDENTIAL", re.IGNORECASE)


def nice_value(raw: str) -> int:
    """A niceness increment, 0 to 19."""
    value = int(raw)
    if not 0 <= value <= 19:
        raise ValueError(raw)
    return value


def boolean(raw: str) -> bool:
    """An on/off setting: 1/true/yes/on or 0/false/no/off."""
    value = raw.strip().lower()
    if value in ("1", "true", "yes", "on"):
        return True
    if value in ("0", "false", "no", "off"):
        return False
    raise ValueError(raw)


def positive(raw: str) -> int:
    """A count of at least 1."""
    value = int(raw)
    if value < 1:
        raise ValueError(raw)
    return value


def load_settings(env: Mapping[str, str] | None = None) -> Settings:
    """Build Settings from ``env`` (default: the process environment)."""
    env = os.environ if env is None else env
    defaults = Settings(data_dir=_default_data_dir(env))

    def get(name: str, default, cast=str):
        raw = env.get(f"AKHBAR_{name}")
        if raw is None or raw == "":
            return default
        try:
            return cast(raw)
        except ValueError as exc:
            raise ValueError(f"AKHBAR_{name}={raw!r} is not a valid {cast.__name__}") from exc

    return Settings(
        database_url=get("DATABASE_URL", None),
        data_dir=get("DATA_DIR", defaults.data_dir, Path),
        user_agent=get("USER_AGENT", defaults.user_agent),
        contact_url=get("CONTACT_URL", defaults.contact_url),
        demo_host=get("DEMO_HOST", defaults.demo_host),
        demo_port=get("DEMO_PORT", defaults.demo_port, int),
        parse_batch_size=get("PARSE_BATCH_SIZE", defaults.parse_batch_size, int),
        parse_workers=get("PARSE_WORKERS", defaults.parse_workers, positive),
        stream_load_pages=get("STREAM_LOAD_PAGES", defaults.stream_load_pages, positive),
        gate_process=get("GATE_PROCESS", defaults.gate_process, boolean),
        worker_nice=get("WORKER_NICE", defaults.worker_nice, nice_value),
        validate_batch_size=get("VALIDATE_BATCH_SIZE", defaults.validate_batch_size, int),
        load_batch_size=get("LOAD_BATCH_SIZE", defaults.load_batch_size, int),
        load_workers=get("LOAD_WORKERS", defaults.load_workers, positive),
        load_memory=get("LOAD_MEMORY", defaults.load_memory),
        download_timeout=get("DOWNLOAD_TIMEOUT", defaults.download_timeout, int),
        download_maxsize=get("DOWNLOAD_MAXSIZE", defaults.download_maxsize, int),
        crawl_timeout=get("CRAWL_TIMEOUT", defaults.crawl_timeout, int),
        crawl_close_grace=get("CRAWL_CLOSE_GRACE", defaults.crawl_close_grace, int),
        min_title_chars=get("MIN_TITLE_CHARS", defaults.min_title_chars, int),
        max_title_chars=get("MAX_TITLE_CHARS", defaults.max_title_chars, int),
        min_body_chars=get("MIN_BODY_CHARS", defaults.min_body_chars, int),
        min_arabic_ratio=get("MIN_ARABIC_RATIO", defaults.min_arabic_ratio, float),
        max_failure_rate=get("MAX_FAILURE_RATE", defaults.max_failure_rate, float),
        gate_min_pages=get("GATE_MIN_PAGES", defaults.gate_min_pages, int),
        data_docs_dir=get("DATA_DOCS_DIR", None, Path),
        story_window_hours=get("STORY_WINDOW_HOURS", defaults.story_window_hours, int),
        story_shingle_words=get("STORY_SHINGLE_WORDS", defaults.story_shingle_words, int),
        sources_file=get("SOURCES_FILE", None, Path),
        log_level=get("LOG_LEVEL", defaults.log_level),
        airflow_task=_airflow_task(env),
        dag_sources=get("DAG_SOURCES", defaults.dag_sources),
        alert_email=get("ALERT_EMAIL", None),
        raw_retention_days=get("RAW_RETENTION_DAYS", defaults.raw_retention_days, int),
        max_page_attempts=get("MAX_PAGE_ATTEMPTS", defaults.max_page_attempts, int),
        db_lock_timeout=get("DB_LOCK_TIMEOUT", defaults.db_lock_timeout, int),
        db_statement_timeout=get("DB_STATEMENT_TIMEOUT", defaults.db_statement_timeout, int),
        stale_after_intervals=get("STALE_AFTER_INTERVALS", defaults.stale_after_intervals, int),
        second_opinion=get("SECOND_OPINION", defaults.second_opinion, boolean),
    )


def _airflow_task(env: Mapping[str, str]) -> str | None:
    """``dag_id.task_id`` when this process runs an Airflow task (Airflow exports AIRFLOW_CTX_* to it)."""
    dag_id = env.get("AIRFLOW_CTX_DAG_ID")
    if not dag_id:
        return None
    return f"{dag_id}.{env.get('AIRFLOW_CTX_TASK_ID') or '?'}"
