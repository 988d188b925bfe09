"""Export articles to files, and import already-extracted articles through the quality gate, stories and load.

Export writes akhbar's article format, one record per article, as JSON lines, CSV or Parquet:

    url, canonical_url, source, title, body, authors, section, tags, language, images, published_at,
    published_raw, modified_at, modified_raw, agency, dateline, extractor, extractor_version, fetched_at

(times ISO-8601 with offset; in CSV the lists ``authors``, ``tags`` and ``images`` are JSON text). What the
load derives from these (the folded text, content hash, search vector, story) is not exported: an import
computes it again.

Import reads that format (JSON lines, gzipped or not, CSV or Parquet) and the corpus format of
``../shared/corpus`` (``docno``, ``url``, ``source``, ``category``, ``title``, ``time``, ``author``, ``text``),
so archives can be backfilled. Records become staged pages of one crawl run of the source (``import:<time>``),
in chunks: each chunk goes through ``pipeline.validate`` (the GX suite, quarantine with reasons, the batch
gate) and ``pipeline.load`` (stories, revisions, the UPSERT on the canonical URL key), exactly as crawled pages
do. Every record ends as an article, quarantined with its reasons, or skipped with a reason (a duplicate URL
in the same chunk, or a record of another source under ``--match-source``).

An imported record has no HTML. It gets a ``raw_pages`` row all the same (the staging and quarantine tables
refer to one): no body, content type ``application/x-akhbar-import``, and ``body_sha256`` the hash of the
record, so importing the same record again finds the same row. Having no body, it is never re-parsed or
retried from raw HTML. Its ``fetched_at`` is the record's own (akhbar's format); the corpus format has none,
so its records are stamped with the time of the import (the time akhbar got them).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import json
import logging
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path

from akhbar import db
from akhbar.config import Settings

log = logging.getLogger(__name__)

EXPORT_COLUMNS = ("url", "canonical_url", "source", "title", "body", "authors", "section", "tags", "language",
                  "images", "published_at", "published_raw", "modified_at", "modified_raw", "agency", "dateline",
                  "extractor", "extractor_version", "fetched_at")
LIST_COLUMNS = ("authors", "tags", "images")
TIME_COLUMNS = ("published_at", "modified_at", "fetched_at")
FORMATS = ("jsonl", "csv", "parquet")
IMPORT_CONTENT_TYPE = "application/x-akhbar-import"
CORPUS_EXTRACTOR = "corpus_import"
CORPUS_EXTRACTOR_VERSION = "1"
CHUNK = 2000


class ImportFormatError(ValueError):
    """A file or record that is not in a format import reads; nothing of it was written."""


def format_of(path: Path) -> str:
    name = path.name.lower().removesuffix(".gz")
    for fmt, suffixes in (("jsonl", (".jsonl", ".json", ".ndjson")), ("csv", (".csv",)),
                          ("parquet", (".parquet",))):
        if name.endswith(suffixes):
            return fmt
    raise ImportFormatError(f"{path}: unknown file type (expected .jsonl[.gz], .csv[.gz] or .parquet)")


# -- export ------------------------------------------------------------------------------------------------------

def _export_record(row: tuple) -> dict:
    record = dict(zip(EXPORT_COLUMNS, row, strict=True))
    for key in TIME_COLUMNS:
        if record[key] is not None:
            record[key] = record[key].isoformat()
    for key in ("authors", "tags"):
        record[key] = list(record[key] or [])
    record["images"] = record["images"] or []
    return record


def iter_articles(settings: Settings, source: str | None = None, date_from: date | None = None,
                  date_to: date | None = None, batch: int = 1000) -> Iterator[dict]:
    """The stored articles in akhbar's export format, oldest first, read with a server-side cursor."""
    conn = db.connect(db.database_url(settings))
    try:
        with conn, conn.cursor(name="akhbar_export") as cur:
            cur.itersize = batch
            cur.execute(db.query("export_articles"), {"source": source, "date_from": date_from, "date_to": date_to})
            for row in cur:
                yield _export_record(row)
    finally:
        conn.close()


def _open_text_out(path: Path | None):
    if path is None:
        import sys

        return sys.stdout, False
    if path.name.endswith(".gz"):
        return gzip.open(path, "wt", encoding="utf-8", newline=""), True
    return path.open("w", encoding="utf-8", newline=""), True


def write_articles(records: Iterable[dict], fmt: str, path: Path | None) -> int:
    """Write ``records`` to ``path`` (None: stdout, not for Parquet) as ``fmt``; returns how many."""
    if fmt not in FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (expected one of {', '.join(FORMATS)})")
    if fmt == "parquet":
        if path is None:
            raise ValueError("Parquet needs an output file (-o FILE.parquet)")
        return _write_parquet(records, path)
    out, close = _open_text_out(path)
    n = 0
    try:
        if fmt == "jsonl":
            for record in records:
                out.write(json.dumps(record, ensure_ascii=False) + "\n")
                n += 1
        else:
            writer = csv.DictWriter(out, fieldnames=EXPORT_COLUMNS)
            writer.writeheader()
            for record in records:
                writer.writerow({k: (json.dumps(v, ensure_ascii=False) if k in LIST_COLUMNS else v)
                                 for k, v in record.items()})
                n += 1
    finally:
        if close:
            out.close()
    return n


def _parquet_schema():
    import pyarrow as pa

    types = {k: pa.string() for k in EXPORT_COLUMNS}
    types |= {"authors": pa.list_(pa.string()), "tags": pa.list_(pa.string()),
              "images": pa.list_(pa.struct([("url", pa.string()), ("caption", pa.string())]))}
    types |= {k: pa.timestamp("us", tz="UTC") for k in TIME_COLUMNS}
    return pa.schema([(k, types[k]) for k in EXPORT_COLUMNS])


def _write_parquet(records: Iterable[dict], path: Path, batch: int = 5000) -> int:
    import pyarrow as pa
    import pyarrow.parquet as pq

    schema = _parquet_schema()
    n = 0
    with pq.ParquetWriter(path, schema, compression="zstd") as writer:
        rows: list[dict] = []

        def flush() -> None:
            columns = {k: [r[k] for r in rows] for k in EXPORT_COLUMNS}
            for k in TIME_COLUMNS:
                columns[k] = [datetime.fromisoformat(v) if v else None for v in columns[k]]
            columns["images"] = [[{"url": i.get("url"), "caption": i.get("caption")} for i in v] for v in
                                 columns["images"]]
            writer.write_table(pa.table(columns, schema=schema))
            rows.clear()

        for record in records:
            rows.append(record)
            n += 1
            if len(rows) >= batch:
                flush()
        if rows or n == 0:
            flush()
    return n


def export(settings: Settings, fmt: str, path: Path | None, source: str | None = None,
           date_from: date | None = None, date_to: date | None = None) -> int:
    """Write the articles of ``source`` (None: all) published within [date_from, date_to] (UTC days, both
    included) to ``path``; returns how many."""
    return write_articles(iter_articles(settings, source, date_from, date_to), fmt, path)


# -- reading files -------------------------------------------------------------------------------------------------

def _open_text_in(path: Path):
    with path.open("rb") as probe:
        gzipped = probe.read(2) == b"\x1f\x8b"
    return gzip.open(path, "rt", encoding="utf-8", newline="") if gzipped else path.open(
        "r", encoding="utf-8", newline="")


def read_records(path: Path) -> Iterator[tuple[int, dict]]:
    """(record number, record) for each record of a JSON lines, CSV or Parquet file. A line that is not a
    JSON object raises ImportFormatError naming it."""
    fmt = format_of(path)
    if fmt == "parquet":
        import pyarrow.parquet as pq

        n = 0
        for batch in pq.ParquetFile(path).iter_batches(batch_size=2000):
            for record in batch.to_pylist():
                n += 1
                for key in TIME_COLUMNS:
                    if isinstance(record.get(key), datetime):
                        record[key] = record[key].isoformat()
                yield n, record
        return
    with _open_text_in(path) as fh:
        if fmt == "csv":
            for n, row in enumerate(csv.DictReader(fh), start=1):
                record: dict = {k: (v if v != "" else None) for k, v in row.items()}
                for key in LIST_COLUMNS:
                    if key in record:
                        try:
                            record[key] = json.loads(record[key]) if record[key] else []
                        except json.JSONDecodeError as exc:
                            raise ImportFormatError(f"{path}: record {n}: {key} is not a JSON list") from exc
                yield n, record
            return
        for n, line in enumerate(fh, start=1):
            if not line.strip():
                continue
            try:
                record = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ImportFormatError(f"{path}: line {n} is not JSON: {exc.msg}") from exc
            if not isinstance(record, dict):
                raise ImportFormatError(f"{path}: line {n} is not a JSON object")
            yield n, record


def record_kind(record: dict) -> str:
    """``akhbar`` (our export format) or ``corpus`` (the ANT corpus format); ImportFormatError otherwise."""
    if "canonical_url" in record and "body" in record:
        return "akhbar"
    if "docno" in record and "text" in record:
        return "corpus"
    raise ImportFormatError("neither akhbar's export format (canonical_url, body ...) nor the corpus format "
                            f"(docno, text ...): keys {sorted(record)[:8]}")


# -- turning records into staged articles --------------------------------------------------------------------------

def _clean_list(values) -> list:
    return [v for v in (values or []) if v not in (None, "")]


def article_from_record(record: dict, source_key: str, imported_at: datetime) -> dict:
    """The article JSON the parse step would stage (``transforms.Article.to_dict()``'s fields), from a record."""
    from transforms.normalize import normalize_for_search

    if record_kind(record) == "akhbar":
        article = {k: record.get(k) for k in EXPORT_COLUMNS if k != "source"}
        for key in ("authors", "tags", "images"):
            article[key] = _clean_list(article[key])
        for key in ("section", "language", "published_raw", "modified_raw", "agency", "dateline"):
            article[key] = article[key] or None
        if not article.get("fetched_at"):
            article["fetched_at"] = imported_at.isoformat()
        article["extractor"] = article.get("extractor") or CORPUS_EXTRACTOR
        article["extractor_version"] = article.get("extractor_version") or CORPUS_EXTRACTOR_VERSION
    else:
        article = _corpus_article(record, imported_at)
    article["title_norm"] = normalize_for_search(article.get("title"))
    article["body_norm"] = normalize_for_search(article.get("body"))
    article["source"] = source_key
    return article


def _corpus_article(record: dict, imported_at: datetime) -> dict:
    from transforms.credits import lead_credit, split_byline, trailing_credit
    from transforms.dates import parse_machine_date
    from transforms.normalize import clean_inline, clean_title

    paragraphs = [p for p in (clean_inline(line) for line in (record.get("text") or "").split("\n")) if p]
    person = place = agency = None
    if record.get("author"):
        person, place, agency = split_byline(record["author"])
    lead_place, lead_agency = lead_credit(paragraphs[0] if paragraphs else None)
    published = parse_machine_date(record.get("time"))
    url = record.get("url")
    return {
        "url": url, "canonical_url": url,
        "title": clean_title(record.get("title")) or None,
        "body": "\n\n".join(paragraphs) or None,
        "published_at": published.value.isoformat() if published else None,
        "published_raw": record.get("time") or None,
        "modified_at": None, "modified_raw": None,
        "authors": [person] if person else [],
        "section": record.get("category") or None,
        "tags": [], "language": "ar", "images": [],
        "agency": agency or lead_agency or trailing_credit(paragraphs),
        "dateline": place or lead_place,
        "extractor": CORPUS_EXTRACTOR, "extractor_version": CORPUS_EXTRACTOR_VERSION,
        "fetched_at": imported_at.isoformat(),
    }


# -- import ----------------------------------------------------------------------------------------------------------

@dataclass
class ImportResult:
    run_id: int
    records: int = 0
    skipped_other_source: int = 0
    counts: dict = field(default_factory=dict)  # summed over the chunks: validated, valid, invalid, articles_loaded …

    def add(self, counts: dict) -> None:
        for key, value in counts.items():
            if isinstance(value, int):
                self.counts[key] = self.counts.get(key, 0) + value

    def lines(self) -> list[str]:
        c = self.counts
        quarantined = c.get("invalid", 0) + c.get("held_by_source_gate", 0)
        out = [f"import run {self.run_id}: {self.records} record(s) read",
               f"  articles loaded      {c.get('articles_loaded', 0)} ({c.get('articles_new', 0)} new)",
               f"  quarantined          {quarantined}",
               f"  skipped (duplicates) {c.get('skipped_duplicates', 0)}"]
        if self.skipped_other_source:
            out.append(f"  skipped (other source in the file) {self.skipped_other_source}")
        if c.get("stories_new") or c.get("stories_joined"):
            out.append(f"  stories              {c.get('stories_new', 0)} new, {c.get('stories_joined', 0)} "
                       "articles joined an existing one")
        return out


def record_digest(record: dict) -> str:
    """The identity of an imported record: the hash of the record as read (not of the article made from it,
    which carries the import time when the record has no fetch time of its own)."""
    canonical = json.dumps(record, ensure_ascii=False, sort_keys=True, default=str)
    return hashlib.sha256(("akhbar-import\n" + canonical).encode()).hexdigest()


def _stage_chunk(settings: Settings, run_id: int, source_key: str, path: Path,
                 chunk: list[tuple[str, dict]]) -> int:
    """Give each article of the chunk a body-less raw page and stage it for the gate, in one transaction.
    Returns how many records repeated one already in the chunk (skipped)."""
    from akhbar import pipeline
    from transforms import url_key

    url = db.database_url(settings)
    rows, staged = [], {}
    for digest, article in chunk:
        if digest in staged:  # the same record twice: one page
            continue
        key = url_key(article["canonical_url"] or article["url"])
        rows.append((source_key, run_id, run_id, article["url"], key,
                     json.dumps({"imported_from": path.name}, ensure_ascii=False), IMPORT_CONTENT_TYPE,
                     digest, article["fetched_at"], article["extractor_version"]))
        staged[digest] = (key, article)
    with db.transaction(url) as cur:
        ids = dict(db.execute_values(cur, "import_raw_pages", rows, page_size=len(rows), fetch=True))
        pipeline.stage_extracted(cur, [pipeline.staged_row(ids[digest], run_id, source_key, article, url_key=key)
                                       for digest, (key, article) in staged.items()])
    return len(chunk) - len(rows)


def check_file(path: Path) -> int:
    """Read ``path`` once, before anything is written: every record must be JSON of a known kind with a URL.
    Returns how many records it holds (for the progress bar)."""
    total = 0
    for n, record in read_records(path):
        try:
            kind = record_kind(record)
        except ImportFormatError as exc:
            raise ImportFormatError(f"{path}: record {n}: {exc}") from None
        if not (record.get("canonical_url") or record.get("url")):
            raise ImportFormatError(f"{path}: record {n} ({kind}) has no URL")
        total += 1
    return total


def import_file(settings: Settings, path: Path, source_key: str, *, match_source: str | None = None,
                run_label: str | None = None, reporter=None, chunk_size: int = CHUNK,
                now: datetime | None = None) -> ImportResult:
    """Import the records of ``path`` as articles of ``source_key`` (see the module docstring).

    ``match_source``: take only records whose ``source`` field is this (the corpus files mix outlets); the
    others are counted as skipped. Raises ImportFormatError before writing anything when the file is not
    readable as a whole, and QualityGateFailed (after quarantining the chunk) when a chunk fails the batch gate:
    the chunks before it stay loaded, and importing the file again is safe.
    """
    from akhbar import pipeline
    from akhbar.sources import get_source

    if not path.exists():
        raise FileNotFoundError(f"{path}: no such file")
    source = get_source(settings, source_key)
    imported_at = (now or datetime.now(UTC)).astimezone(UTC)
    total = check_file(path)
    run_id = pipeline.start_run(settings, source.key,
                                run_label or "import:" + imported_at.strftime("%Y%m%dT%H%M%S.%f"))
    result = ImportResult(run_id)

    def process(chunk: list[tuple[str, dict]]) -> None:
        result.counts["skipped_duplicates"] = (result.counts.get("skipped_duplicates", 0)
                                               + _stage_chunk(settings, run_id, source.key, path, chunk))
        result.add(pipeline.validate(settings, run_id))
        result.add(pipeline.load(settings, run_id))

    def records_of_source() -> Iterator[tuple[str, dict]]:
        for _n, record in read_records(path):
            result.records += 1
            if match_source is not None and (record.get("source") or "") != match_source:
                result.skipped_other_source += 1
                continue
            yield record_digest(record), article_from_record(record, source.key, imported_at)

    task_cm = reporter.task(f"import {path.name} -> {source.key}", total) if reporter else None
    task = task_cm.__enter__() if task_cm else None
    try:
        chunk: list[tuple[str, dict]] = []
        seen = 0
        for item in records_of_source():
            chunk.append(item)
            if len(chunk) >= chunk_size:
                process(chunk)
                chunk = []
            if task is not None and result.records - seen >= 100:
                task.set(done=result.records, loaded=result.counts.get("articles_loaded", 0))
                seen = result.records
        if chunk:
            process(chunk)
        if task is not None:
            task.set(done=result.records, loaded=result.counts.get("articles_loaded", 0),
                     quarantined=result.counts.get("invalid", 0) + result.counts.get("held_by_source_gate", 0))
    finally:
        if task_cm is not None:
            task_cm.__exit__(None, None, None)
    return result
