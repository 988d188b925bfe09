"""Load benchmark: our loader beside plain executemany, then story clustering and search latency.

    .venv/bin/python bench/load.py [--rows 100000] [--server postgresql://postgres@127.0.0.1:5432/postgres]
    .venv/bin/python bench/load.py --search-only [--keep]      # load with ours only, then time search
    .venv/bin/python bench/load.py --search-db URL             # time search on a database kept by --keep

It creates a database of its own on the server, applies the migrations, and drops it at the end. The articles
are synthetic: about 3 KB of Arabic each (UTF-8), drawn at random, with a Zipf-like law, from the words of the
real corpus in ../shared/corpus beside the checkout (``--corpus``; or from a small built-in list when it is absent); titles are 8-word strings.
They carry no duplicates, so clustering time is the cost of the common case (most articles start a story).

Both loaders write identical ``articles`` rows, with the normalized text, content hash and search vector:
- ours: the parse step's staging write of article-shaped rows into ``extracted_pages`` (``staged_row`` per
  article, COPY with the pipeline's ``stage_extracted``), then the load step as the pipeline runs it
  (``akhbar.pipeline``: ``analyze_staging``, then ``load_batches``: per batch of AKHBAR_LOAD_BATCH_SIZE pages,
  one transaction with one UPSERT that computes the search vectors as it writes the rows,
  ``sql/queries/load_articles.sql``, and the staging rows' removal; AKHBAR_LOAD_WORKERS batches side by side,
  each in its own session; then one flush of the GIN pending lists). Its ratio is printed for the whole and
  for the load step alone; clustering, which runs after the load in a transaction of its own, is timed and
  printed on a line of its own, not counted in the ratio. The settings come from the environment
  (AKHBAR_LOAD_WORKERS, AKHBAR_LOAD_BATCH_SIZE, ...), with their defaults otherwise;
- executemany: psycopg2 ``executemany`` of one INSERT ... ON CONFLICT per article, computing the same
  columns in SQL, in one transaction.

Search: after VACUUM ANALYZE (what autovacuum does soon after a load), 50 queries of 1-3 corpus words (most
match thousands of articles; the commonest, two thirds of them) run through ``search_articles`` (limit 20,
snippets included) and through migration 0006's query, which ranked every match (the baseline), each after a
warm-up pass of its own, on the same articles in the same run; p50, p95 and the p95 ratio are printed.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import random
import statistics
import sys
import time
from collections import Counter
from datetime import UTC, datetime, timedelta
from pathlib import Path

import psycopg2

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from akhbar import db, pipeline, stories
from akhbar.config import load_settings
from transforms.normalize import normalize_for_search

# The shared corpus sits beside the checkout (../shared/corpus); --corpus points elsewhere.
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "ant-v2.1-multisource.jsonl.gz"
FALLBACK_WORDS = ["الحكومة", "وزير", "الصحة", "القاهرة", "مصر", "أعلن", "اليوم", "في", "من", "على", "إلى", "أن", "رئيس", "مجلس", "الوزراء", "المحافظة", "الشرطة", "الاقتصاد", "السوق", "الدولار", "النفط", "الانتخابات", "البرلمان", "المستشفى", "الجامعة", "الطلاب"]
EXECUTEMANY_SQL = """
INSERT INTO articles (url_key, url, canonical_url, source_key, raw_page_id, title, body, authors, tags, language,
                      published_at, extractor, extractor_version, fetched_at, title_norm, body_norm, content_hash,
                      search_vector)
VALUES (%(url_key)s, %(url)s, %(url)s, %(source)s, %(raw_page_id)s, %(title)s, %(body)s, '{}', '{}', 'ar',
        %(published_at)s, 'bench', '1', %(fetched_at)s, %(title_norm)s, %(body_norm)s, md5(%(body_norm)s),
        akhbar_document_vector(%(title_norm)s, %(body_norm)s, %(stops)s))
ON CONFLICT (url_key) DO UPDATE SET title = EXCLUDED.title, body = EXCLUDED.body,
    title_norm = EXCLUDED.title_norm, body_norm = EXCLUDED.body_norm, content_hash = EXCLUDED.content_hash,
    search_vector = EXCLUDED.search_vector, fetched_at = EXCLUDED.fetched_at, updated_at = now()
"""
SOURCES = ("youm7", "masrawy", "ahram", "shorouk", "akhbarelyom")
STAGE_CHUNK = 5000  # pages per staging transaction (the parse step stages AKHBAR_PARSE_BATCH_SIZE at a time)
# The baseline for search: search_articles as migration 0006 left it (every match ranked, the snippet cut from
# the folded text; its story read from article_stories since migration 0026), as a plain query over the same
# articles in the same run.
SEARCH_BEFORE_SQL = """
WITH q AS (SELECT akhbar_query(%(query)s) AS tsq),
hits AS (
    SELECT a.id, a.published_at, a.source_key, a.title, a.canonical_url,
           (SELECT m.story_id FROM article_stories m WHERE m.article_id = a.id) AS story_id, a.body_norm,
           ts_rank_cd(a.search_vector, q.tsq) AS rank
    FROM articles a, q
    WHERE numnode(q.tsq) > 0 AND a.search_vector @@ q.tsq
    ORDER BY rank DESC, a.published_at DESC NULLS LAST, a.id DESC
    LIMIT %(limit)s
)
SELECT h.id, h.published_at, h.source_key, h.title, h.canonical_url, h.story_id, h.rank,
       ts_headline('public.akhbar_ar', akhbar_search_form(h.body_norm), q.tsq,
                   'MaxWords=30, MinWords=12, MaxFragments=2, StartSel=«, StopSel=»')
FROM hits h, q
ORDER BY h.rank DESC, h.published_at DESC NULLS LAST, h.id DESC
"""


def vocabulary(limit: int = 20000) -> tuple[list[str], list[float]]:
    if not CORPUS.exists():
        return FALLBACK_WORDS, [1.0 / (i + 1) for i in range(len(FALLBACK_WORDS))]
    counts: Counter = Counter()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= 5000:
                break
            counts.update(json.loads(line)["text"].split())
    words = [w for w, _ in counts.most_common(limit)]
    return words, [1.0 / (i + 1) ** 0.9 for i in range(len(words))]


def synthetic_articles(n: int, seed: int = 7) -> list[dict]:
    rng = random.Random(seed)
    folded = {w: normalize_for_search(w) for w in vocabulary()[0]}  # folding is word by word: fold words once
    words = [w for w in folded if folded[w] and " " not in folded[w]]
    weights = [1.0 / (i + 1) ** 0.9 for i in range(len(words))]
    start = datetime(2026, 1, 1, tzinfo=UTC)
    out = []
    for i in range(n):
        picked = rng.choices(words, weights, k=330)
        body, size = [], 0
        for w in picked:
            body.append(w)
            size += len(w.encode()) + 1
            if size >= 3000:
                break
        body_text = " ".join(body) + "."
        title_words = rng.choices(words, weights, k=8)
        title = " ".join(title_words)
        published = start + timedelta(minutes=4 * i)  # 100k articles over about nine months
        source = SOURCES[i % len(SOURCES)]
        url = f"https://www.{source}.example/news/{i}"
        out.append({
            "url": url, "canonical_url": url, "title": title, "body": body_text, "source": source,
            "published_at": published.isoformat(), "fetched_at": (published + timedelta(minutes=5)).isoformat(),
            "title_norm": " ".join(folded[w] for w in title_words),
            "body_norm": " ".join(folded[w] for w in body) + ".",
            "authors": [], "tags": [], "images": [], "language": "ar", "extractor": "bench",
            "extractor_version": "1", "agency": None, "dateline": None,
        })
    return out


def copy_rows(cur, table: str, columns: list[str], rows) -> None:
    buf = io.StringIO()
    for row in rows:
        buf.write("\t".join(_copy_value(v) for v in row) + "\n")
    buf.seek(0)
    cur.copy_expert(f"COPY {table} ({', '.join(columns)}) FROM STDIN", buf)


def _copy_value(value) -> str:
    if value is None:
        return r"\N"
    return str(value).replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")


def prepare(url: str, arts: list[dict]) -> tuple[int, list[int]]:
    """Sources, a crawl run and one raw page per article (the crawl's work, not timed)."""
    with db.transaction(url) as cur:
        for s in SOURCES:
            cur.execute("INSERT INTO sources (key, name, home_url) VALUES (%s, %s, %s) ON CONFLICT DO NOTHING",
                        (s, s, f"https://www.{s}.example/"))
        cur.execute("INSERT INTO crawl_runs (source_key, status) VALUES ('youm7', 'validated') RETURNING id")
        (run_id,) = cur.fetchone()
        copy_rows(cur, "raw_pages", ["source_key", "crawl_run_id", "url", "url_key", "http_status", "body_sha256",
                                     "fetched_at", "last_seen_at", "parse_status"],
                  ((a["source"], run_id, a["url"], a["url"], 200, hashlib.sha256(a["url"].encode()).hexdigest(),
                    a["fetched_at"], a["fetched_at"], "extracted") for a in arts))
        cur.execute("SELECT id FROM raw_pages WHERE crawl_run_id = %s ORDER BY id", (run_id,))
        page_ids = [r[0] for r in cur.fetchall()]
    return run_id, page_ids


def reset(url: str) -> None:
    with db.transaction(url) as cur:
        cur.execute("TRUNCATE articles, article_revisions, article_stories, story_queue, stories, extracted_pages")
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE articles")
    conn.close()


def load_ours(url: str, run_id: int, page_ids: list[int], arts: list[dict]) -> tuple[float, float, dict, dict]:
    """The pipeline's path, with its own code and queries: the parse step's staging write (``staged_row`` per
    article, COPY of the article-shaped rows into ``extracted_pages``, in transactions of STAGE_CHUNK pages),
    the quality gate's verdict (not timed: neither loader's work), then the load step as ``akhbar.pipeline.load``
    runs it: ``analyze_staging``, then ``load_batches`` (a transaction per AKHBAR_LOAD_BATCH_SIZE pages, the
    staging rows' removal and the pages' new state included). Returns (seconds without clustering, clustering
    seconds, the clustering's counts, seconds per phase)."""
    settings = load_settings().with_(database_url=url)  # AKHBAR_LOAD_WORKERS, AKHBAR_LOAD_BATCH_SIZE apply
    t0 = time.perf_counter()
    for start in range(0, len(arts), STAGE_CHUNK):
        with db.transaction(url) as cur:
            pipeline.stage_extracted(cur, (pipeline.staged_row(pid, run_id, a["source"], a, url_key=a["url"])
                                           for pid, a in zip(page_ids[start:start + STAGE_CHUNK],
                                                             arts[start:start + STAGE_CHUNK])))
    t_stage = time.perf_counter() - t0
    with db.transaction(url) as cur:
        db.execute_values(cur, "set_validation_status", [(pid, "valid", []) for pid in page_ids],
                          template="(%s, %s, %s::text[])", page_size=5000)
    t0 = time.perf_counter()
    pipeline.analyze_staging(url)
    t_analyze = time.perf_counter() - t0
    t0 = time.perf_counter()
    counts, seconds = pipeline.load_batches(settings, run_id)
    t_batches = time.perf_counter() - t0
    assert counts["articles_loaded"] == len(arts), counts
    # the batches run side by side (AKHBAR_LOAD_WORKERS): their phases are summed over the batches, so they add
    # up to more than the load's wall time; the ratio counts the wall time
    phases = {"staging": t_stage, "analyze": t_analyze, "batches": t_batches}
    phases["batch phases summed"] = seconds
    # story work (assigning stories, refreshing their aggregates) is reported as clustering: executemany does none.
    # It runs as the pipeline runs it: in a transaction of its own once the load has committed.
    t0 = time.perf_counter()
    clustered = stories.cluster_loaded(settings, run_id)
    return t_stage + t_analyze + t_batches, time.perf_counter() - t0, clustered, phases


def settings_workers() -> int:
    return load_settings().load_workers


def vector_seconds(url: str) -> float:
    """What computing the search vectors alone costs, on the loaded rows, in one process."""
    with db.transaction(url) as cur:
        cur.execute("SET LOCAL max_parallel_workers_per_gather = 0")
        t0 = time.perf_counter()
        cur.execute("SELECT count(akhbar_document_vector(title_norm, body_norm, (SELECT akhbar_stop_lexemes())))"
                    " FROM articles")
        return time.perf_counter() - t0


def fingerprint(url: str) -> tuple:
    """A digest of the loaded articles' content columns, to check that both loaders wrote the same rows."""
    with db.transaction(url) as cur:
        cur.execute("SELECT count(*), sum(hashtextextended(concat_ws('|', url_key, title, body, title_norm, body_norm,"
                    " content_hash, published_at, search_vector::text), 0)) FROM articles")
        return cur.fetchone()


def load_executemany(url: str, page_ids: list[int], arts: list[dict]) -> float:
    with db.transaction(url) as cur:
        cur.execute("SELECT akhbar_stop_lexemes()")
        (stops,) = cur.fetchone()
    t0 = time.perf_counter()
    with db.transaction(url) as cur:
        cur.executemany(EXECUTEMANY_SQL, [
            {**a, "url_key": a["url"], "raw_page_id": pid, "stops": stops} for pid, a in zip(page_ids, arts)])
    return time.perf_counter() - t0


def reset_stats(url: str) -> None:
    """VACUUM ANALYZE articles: the planner's statistics, text search ones included."""
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE articles")
    conn.close()


def search_bench(url: str, n_queries: int, rounds: int = 2) -> None:
    """Search latency of search_articles beside the 0006 baseline, on the same queries, each after a warm-up
    pass of its own; also how many articles the queries match."""
    rng = random.Random(11)
    words, weights = vocabulary(3000)
    queries = [" ".join(rng.choices(words[30:], weights[30:], k=rng.choice((1, 2, 2, 3))))
               for _ in range(n_queries)]
    params = [{"query": normalize_for_search(q), "limit": 20, "source": None, "date_from": None, "date_to": None,
               "story": None, "mark_start": "«", "mark_stop": "»"} for q in queries]
    latencies: dict[str, list[float]] = {"before": [], "after": []}
    hits = {"before": 0, "after": 0}
    conn = psycopg2.connect(url)
    with conn.cursor() as cur:
        cur.execute("SELECT sum((SELECT count(*) FROM articles WHERE search_vector @@ akhbar_query(q)))::bigint"
                    " FROM unnest(%s::text[]) AS q", ([p["query"] for p in params],))
        (matches,) = cur.fetchone()
        # each variant on its own: a warm-up pass (not counted), then the timed passes. Interleaved, the
        # baseline (which reads every match) evicts from shared_buffers what the other just read.
        for name, sql in (("before", SEARCH_BEFORE_SQL), ("after", db.query("search_articles"))):
            for r in range(rounds + 1):
                for p in params:
                    t = time.perf_counter()
                    cur.execute(sql, p)
                    found = len(cur.fetchall())
                    if r:
                        latencies[name].append((time.perf_counter() - t) * 1000)
                        hits[name] += found
    conn.close()
    print(f"search      : {len(queries)} queries of 1-3 words, limit 20, {matches / len(queries):,.0f} matching "
          f"articles per query on average; {rounds} timed rounds after a warm-up")
    for name, label in (("before", "every match ranked (0006)"), ("after", "bounded ranking (0018)")):
        ms = latencies[name]
        q = statistics.quantiles(ms, n=20)
        print(f"  {label:<27}: p50 {statistics.median(ms):6.1f} ms, p95 {q[18]:6.1f} ms, max {max(ms):6.1f} ms "
              f"({hits[name] / len(ms):.1f} hits per query)")
    print(f"  p95 ratio before/after: {statistics.quantiles(latencies['before'], n=20)[18] / statistics.quantiles(latencies['after'], n=20)[18]:.2f}x")


def search_only(url: str, n_queries: int) -> None:
    """--search-db: time search on a database kept by an earlier --keep run, migrated to the current schema."""
    db.migrate(url)
    search_bench(url, n_queries)


def main(argv=None) -> int:
    global CORPUS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--queries", type=int, default=50)
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--search-only", action="store_true",
                        help="load with the pipeline's loader only (no executemany comparison), then time search")
    parser.add_argument("--search-db", help="only time search, on this database kept by an earlier --keep run")
    parser.add_argument("--without-search-index", action="store_true",
                        help="drop the GIN index on search_vector first, to see the loading mechanism alone")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus (.jsonl.gz); default: %(default)s")
    args = parser.parse_args(argv)
    CORPUS = args.corpus
    if args.search_db:
        search_only(args.search_db, args.queries)
        return 0

    with db.scratch_database(args.server, "akhbar_bench", keep=args.keep) as url:
        if args.without_search_index:
            with db.transaction(url) as cur:
                cur.execute("DROP INDEX articles_search")
        t0 = time.perf_counter()
        arts = synthetic_articles(args.rows)
        size = sum(len(a["body"].encode()) for a in arts) / len(arts)
        print(f"{len(arts)} synthetic articles, {size:.0f} bytes of body on average ({time.perf_counter() - t0:.0f} s"
              " to make)")
        run_id, page_ids = prepare(url, arts)

        if args.search_only:
            load_ours(url, run_id, page_ids, arts)
            reset_stats(url)  # as autovacuum would soon after a load this size
            search_bench(url, args.queries)
            return 0
        reset(url)
        many = load_executemany(url, page_ids, arts)
        many_rows = fingerprint(url)
        reset(url)
        ours, clustering, counts, phases = load_ours(url, run_id, page_ids, arts)
        if fingerprint(url) != many_rows:
            raise SystemExit("the two loaders wrote different articles rows: the comparison is void")
        vectors = vector_seconds(url)
        n = len(arts)
        load_step = ours - phases["staging"]
        print(f"executemany : {many:7.1f} s  {n / many:8,.0f} articles/s   (both loaders wrote the same {n} rows:"
              " checked)")
        print(f"ours        : {ours:7.1f} s  {n / ours:8,.0f} articles/s   ratio {many / ours:.2f}x   (staging write"
              " + load step)")
        print(f"  load step : {load_step:7.1f} s  {n / load_step:8,.0f} articles/s   ratio {many / load_step:.2f}x   "
              "(from rows the parse step staged)")
        summed = phases.pop("batch phases summed")
        print("  ours by phase: " + ", ".join(f"{k} {v:.1f} s" for k, v in phases.items())
              + f" ({settings_workers()} load workers; in the batches, summed over them: "
              + ", ".join(f"{k} {v:.1f} s" for k, v in summed.items()) + ")")
        print(f"  search vectors alone, computed serially on the loaded rows: {vectors:.1f} s (both loaders compute"
              " them)")
        print(f"clustering  : {clustering:7.1f} s for {counts.processed} articles ({counts.new_stories} stories), in its"
              " own transaction after the load, not counted above")

        # as autovacuum would soon after a load this size: search plans rest on the text search statistics
        reset_stats(url)
        search_bench(url, args.queries)
    return 0


if __name__ == "__main__":
    sys.exit(main())
