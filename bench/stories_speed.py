"""Clustering speed: 100,000 stored articles clustered into stories by the current code, beside the code of an
earlier commit (the baseline) on the same articles in the same run.

    .venv/bin/python bench/stories_speed.py [--rows 100000] [--baseline-commit cc59ba6]
        [--server postgresql://postgres@127.0.0.1:5432/postgres] [--no-baseline] [--memory] [--concentrated]
        [--incremental N]

It creates a database of its own, loads bench/load.py's synthetic articles (about 3 KB of Arabic each, drawn
from the corpus's words, no duplicates) with the pipeline's load step, which leaves them unclustered, then:
- baseline: ``cluster_unclustered`` of ``akhbar/stories.py`` and ``akhbar/story_features.py`` as they were at
  the baseline commit (read with ``git show``, with that commit's named queries), in one transaction, on the
  schema of its time (the migrations from SCHEMA_AFTER on are rolled back first and applied again after);
- ours: ``stories.cluster_loaded``, the clustering the pipeline runs after each load, in its own transaction.
Between the two every story is forgotten (``reset_stories``) and the tables vacuumed. Both must give every
article the same story and reprint group (each named by its first member) and scorer version; that is checked,
and the ratio of the two times printed. Each is timed from the first query to the commit.

``--memory`` runs each clustering (the baseline's, then ours) in a fresh process of its own and prints its
peak resident memory (VmHWM, see peak_rss_mb) beside what the process held before clustering (Python, numpy,
psycopg2, the clustering modules): the clustering's own peak is the difference; and the largest peak of the
processes it started (the profile worker and its fork server), sampled every 0.2 s. ``--concentrated`` publishes
the synthetic articles within 48 hours instead of four minutes apart (all of them in one another's window: the
worst case for the memory the window holds). ``--incremental N`` times only the clustering of the last N
articles (a later load's), the others clustered first, untimed, by the same code: what a load pays to compare
its articles with a stored window (with ``--concentrated``, a window of all the others).
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import resource
import subprocess
import sys
import time
import types
from pathlib import Path

import psycopg2
import psycopg2.extras

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from akhbar import db, pipeline, stories
from akhbar.config import Settings
from bench.load import prepare, synthetic_articles

BASELINE = "cc59ba6"  # main before story placements moved to article_stories (migration 0026)
# The baseline runs on the schema of its time: the database is rolled back to before the first migration the
# baseline commit does not have (SCHEMA_AFTER), the baseline clusters, and the migrations are applied again,
# which carries its placements into today's tables for the comparison. (Baselines older than 2b25b90 need
# today's refresh_stories on their schema; not supported since migration 0026.)
SCHEMA_AFTER = "0026"
TODAYS_QUERIES: tuple[str, ...] = ()
# Each article's assignment, with story and reprint group named by their first member, so two runs compare.
ASSIGNMENTS_SQL = """
SELECT count(*), count(m.article_id), count(DISTINCT m.story_id), count(DISTINCT m.reprint_id),
       sum(hashtextextended(concat_ws('|', a.id, first_of_story, first_of_reprint, m.model), 0))
FROM articles a
LEFT JOIN (SELECT m.*, min(article_id) OVER (PARTITION BY story_id) AS first_of_story,
                  min(article_id) OVER (PARTITION BY reprint_id) AS first_of_reprint
           FROM article_stories m) m ON m.article_id = a.id
"""


def git_show(commit: str, path: str) -> str:
    return subprocess.run(["git", "show", f"{commit}:{path}"], cwd=ROOT, capture_output=True, text=True,
                          check=True).stdout


def baseline_module(commit: str):
    """``akhbar.stories`` as it was at ``commit``: its module, its story_features, its named queries."""
    features = types.ModuleType("baseline_story_features")
    sys.modules["baseline_story_features"] = features  # before its code runs: dataclasses look their module up
    exec(compile(git_show(commit, "akhbar/story_features.py"), "baseline_story_features", "exec"),  # noqa: S102
         features.__dict__)  # (this repository's own code, as of the baseline commit)
    source = git_show(commit, "akhbar/stories.py").replace("from akhbar.story_features import",
                                                           "from baseline_story_features import")
    spec = importlib.util.spec_from_loader("baseline_stories", loader=None)
    module = importlib.util.module_from_spec(spec)
    sys.modules["baseline_stories"] = module
    queries: dict[str, str] = {}

    def query(name: str) -> str:
        if name not in queries:
            queries[name] = (db.query(name) if name in TODAYS_QUERIES
                             else git_show(commit, f"sql/queries/{name}.sql"))
        return queries[name]

    def execute_values(cur, name, rows, *, template=None, page_size=500, fetch=False):
        return psycopg2.extras.execute_values(cur, query(name), rows, template=template, page_size=page_size,
                                              fetch=fetch)

    module.__file__ = str(ROOT / "akhbar" / "stories.py")  # the shipped scorer beside it: both use one model
    exec(compile(source, "baseline_stories", "exec"), module.__dict__)  # noqa: S102 (our code at the baseline)
    module.db = types.SimpleNamespace(query=query, execute_values=execute_values, copy_text=db.copy_text)
    return module


def concentrate(arts: list[dict], hours: float = 48.0) -> None:
    """Publish the articles within ``hours`` of the first, in the same order."""
    from datetime import datetime, timedelta

    start = datetime.fromisoformat(arts[0]["published_at"])
    step = timedelta(hours=hours) / max(1, len(arts))
    for i, a in enumerate(arts):
        published = start + step * i
        a["published_at"] = published.isoformat()
        a["fetched_at"] = (published + timedelta(minutes=5)).isoformat()


def peak_rss_mb() -> float:
    """This process's peak resident memory: VmHWM, the high-water mark of its own memory map. (ru_maxrss would
    do in a process forked from a small one, but Linux carries a parent's high-water mark into the child it
    forks and across exec: here the parent holds the synthetic articles.)"""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024  # kB
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KiB on Linux (elsewhere: bytes)


def _hwm_mb(pid: int) -> float:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:  # ended meanwhile
        pass
    return 0.0


def _watch_descendants(peaks: dict[int, float], stop) -> None:
    """Record the peak resident memory of each process this one starts (the clustering's profile worker, by way
    of the fork server), every 0.2 s until ``stop`` is set: they end before the clustering returns."""
    import psutil

    me = psutil.Process()
    while not stop.wait(0.2):
        for proc in me.children(recursive=True):
            peaks[proc.pid] = max(peaks.get(proc.pid, 0.0), _hwm_mb(proc.pid))


def child(which: str, url: str, commit: str) -> None:
    """One clustering in this (fresh) process: prints its counts, time and memory as one JSON line (with the
    largest peak of the processes it started)."""
    import threading

    settings = Settings(database_url=url)
    module = baseline_module(commit) if which == "baseline" else stories
    peaks: dict[int, float] = {}
    stop = threading.Event()
    threading.Thread(target=_watch_descendants, args=(peaks, stop), daemon=True).start()
    before = peak_rss_mb()
    t0 = time.perf_counter()
    if which == "baseline":
        with db.transaction(url) as cur:
            counts = module.cluster_unclustered(cur, settings)
    else:
        counts = module.cluster_loaded(settings)
    seconds = time.perf_counter() - t0
    print(json.dumps({"seconds": seconds, "processed": counts.processed, "new_stories": counts.new_stories,
                      "reprints": counts.reprints, "rss_before_mb": before, "peak_rss_mb": peak_rss_mb(),
                      "started_peak_rss_mb": max(peaks.values(), default=0.0), "started": len(peaks)}))
    stop.set()


def in_child(which: str, url: str, commit: str) -> tuple[dict, types.SimpleNamespace]:
    out = subprocess.run([sys.executable, __file__, "--child", which, "--child-url", url, "--baseline-commit",
                          commit], capture_output=True, text=True, check=True).stdout
    result = json.loads(out.strip().splitlines()[-1])
    return result, types.SimpleNamespace(processed=result["processed"], new_stories=result["new_stories"],
                                         reprints=result["reprints"])


def load_unclustered(url: str, arts: list[dict]) -> None:
    """The synthetic articles into ``articles`` by the pipeline's load step, without clustering them."""
    run_id, page_ids = prepare(url, arts)
    with db.transaction(url) as cur:
        pipeline.stage_extracted(cur, (pipeline.staged_row(pid, run_id, a["source"], a, url_key=a["url"])
                                       for pid, a in zip(page_ids, arts)))
        db.execute_values(cur, "set_validation_status", [(pid, "valid", []) for pid in page_ids],
                          template="(%s, %s, %s::text[])", page_size=5000)
    pipeline.analyze_staging(url)
    with db.transaction(url) as cur:
        result = pipeline.load_staged(cur, Settings(database_url=url), run_id)
    assert result.loaded == len(arts), result.loaded


def roll_back_from(url: str, first: str) -> None:
    """Roll the database back to before migration ``first`` (and every later one)."""
    from yoyo import read_migrations

    backend = db._yoyo_backend(url)
    with backend.lock():
        backend.rollback_migrations(backend.to_rollback(
            read_migrations(str(db.MIGRATIONS_DIR)).filter(lambda m: m.id >= first)))


def vacuum(url: str) -> None:
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        for table in ("articles", "stories", "article_stories", "story_queue"):
            cur.execute("SELECT to_regclass(%s) IS NOT NULL", (table,))
            if cur.fetchone()[0]:
                cur.execute(f"VACUUM ANALYZE {table}")
    conn.close()


def assignments(url: str) -> tuple:
    with db.transaction(url) as cur:
        cur.execute(ASSIGNMENTS_SQL)
        return cur.fetchone()


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--baseline-commit", default=BASELINE)
    parser.add_argument("--no-baseline", action="store_true", help="time the current code only")
    parser.add_argument("--keep", action="store_true", help="keep the benchmark database")
    parser.add_argument("--profile", help="write a cProfile of the current code's run to this file")
    parser.add_argument("--memory", action="store_true",
                        help="cluster in a fresh process each and print its peak resident memory")
    parser.add_argument("--concentrated", action="store_true", help="publish the articles within 48 hours")
    parser.add_argument("--incremental", type=int, default=0, metavar="N",
                        help="time only the clustering of the last N articles, the others clustered first")
    parser.add_argument("--child", choices=("baseline", "ours"), help=argparse.SUPPRESS)
    parser.add_argument("--child-url", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        child(args.child, args.child_url, args.baseline_commit)
        return 0
    memory: dict[str, dict] = {}

    with db.scratch_database(args.server, "akhbar_bench_stories", keep=args.keep) as url:
        settings = Settings(database_url=url)
        arts = synthetic_articles(args.rows)
        if args.concentrated:
            concentrate(arts)
        load_unclustered(url, arts)
        rows = len(arts)
        arts = None  # not held while clustering
        vacuum(url)
        print(f"{rows} synthetic articles loaded, unclustered"
              + (", published within 48 hours" if args.concentrated else "")
              + (f"; the last {args.incremental} timed, the others clustered first" if args.incremental else ""))
        before = None
        if not args.no_baseline:
            old = baseline_module(args.baseline_commit)
            roll_back_from(url, SCHEMA_AFTER)
            if args.incremental:  # the stored window first (not timed): the last N wait with a dummy signature
                held = f"id IN (SELECT id FROM articles ORDER BY published_at DESC, id DESC LIMIT {args.incremental})"
                with db.transaction(url) as cur:
                    cur.execute(f"UPDATE articles SET minhash = '\\x00' WHERE {held}")
                with db.transaction(url) as cur:
                    old.cluster_unclustered(cur, settings)
                with db.transaction(url) as cur:
                    cur.execute(f"UPDATE articles SET minhash = NULL WHERE {held}")
                vacuum(url)
            if args.memory:
                memory["baseline"], old_counts = in_child("baseline", url, args.baseline_commit)
                old_seconds = memory["baseline"]["seconds"]
            else:
                t0 = time.perf_counter()
                with db.transaction(url) as cur:
                    old_counts = old.cluster_unclustered(cur, settings)
                old_seconds = time.perf_counter() - t0
            db.migrate(url)  # the baseline's placements move into article_stories
            before = assignments(url)
            print(f"baseline ({args.baseline_commit}): {old_seconds:7.1f} s for {old_counts.processed} articles "
                  f"({old_counts.new_stories} stories, {old_counts.reprints} reprints)")
            with db.transaction(url) as cur:
                cur.execute(db.query("reset_stories"))
            vacuum(url)
        if args.incremental:  # the stored window first (not timed), as for the baseline
            with db.transaction(url) as cur:
                cur.execute("CREATE TABLE bench_held AS SELECT article_id, content_hash FROM story_queue WHERE"
                            " article_id IN (SELECT id FROM articles ORDER BY published_at DESC, id DESC LIMIT %s)",
                            (args.incremental,))
                cur.execute("DELETE FROM story_queue WHERE article_id IN (SELECT article_id FROM bench_held)")
            stories.cluster_loaded(settings)
            with db.transaction(url) as cur:
                cur.execute("INSERT INTO story_queue (article_id, content_hash) SELECT * FROM bench_held")
                cur.execute("DROP TABLE bench_held")
            vacuum(url)
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        if args.memory:
            memory["ours"], counts = in_child("ours", url, args.baseline_commit)
            seconds = memory["ours"]["seconds"]
        else:
            t0 = time.perf_counter()
            counts = stories.cluster_loaded(settings)
            seconds = time.perf_counter() - t0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        after = assignments(url)
        assert after[0] == after[1] == rows, f"articles left unclustered: {after}"
        same = "" if before is None else (
            "; same assignments as the baseline: checked" if before == after else "; ASSIGNMENTS DIFFER")
        print(f"ours       : {seconds:7.1f} s for {counts.processed} articles ({counts.new_stories} stories, "
              f"{counts.reprints} reprints), {counts.processed / seconds:,.0f} articles/s{same}")
        for which, m in memory.items():
            print(f"peak RSS {which:8}: {m['peak_rss_mb']:6.0f} MB ({m['rss_before_mb']:.0f} MB before clustering, "
                  f"{m['peak_rss_mb'] - m['rss_before_mb']:.0f} MB more at the peak)"
                  + (f"; the {m['started']} process(es) it started: {m['started_peak_rss_mb']:.0f} MB at most"
                     if m.get("started") else ""))
        if before is not None:
            print(f"clustering {counts.processed} articles: ratio baseline/ours {old_seconds / seconds:.2f}x")
            if before != after:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
