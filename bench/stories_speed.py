"""Clustering speed: 100,000 stored articles clustered into stories by the current code, beside the code of an
earlier commit (the baseline) on the same articles in the same run.

    .venv/bin/python bench/stories_speed.py [--rows 100000] [--baseline-commit 2b25b90]
        [--server postgresql://postgres@127.0.0.1:5432/postgres] [--no-baseline]

It creates a database of its own, loads bench/load.py's synthetic articles (about 3 KB of Arabic each, drawn
from the corpus's words, no duplicates) with the pipeline's load step, which leaves them unclustered, then:
- baseline: ``cluster_unclustered`` of ``akhbar/stories.py`` and ``akhbar/story_features.py`` as they were at
  the baseline commit (read with ``git show``, with that commit's named queries but today's refresh_stories,
  see TODAYS_QUERIES), in one transaction;
- ours: ``stories.cluster_loaded``, the clustering the pipeline runs after each load, in its own transaction.
Between the two every story is forgotten (``reset_stories``) and the table vacuumed. Both must give every
article the same story, reprint group, signature, shingles and word counts; that is checked, and the ratio of
the two times printed. Each is timed from the first query to the commit.
"""

from __future__ import annotations

import argparse
import importlib.util
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

BASELINE = "2b25b90"  # main before the clustering left the load transaction (issue 14, "clustering cost")
# Queries the baseline takes from today's tree. refresh_stories: the baseline's version joined story against
# story, and on the statistics a load leaves (story_id not set yet) the planner made that a nested loop: 97 s
# of 138 s for 10,000 articles here, and no end in sight at 100,000. Its aggregates are the same.
TODAYS_QUERIES = ("refresh_stories",)
# Each article's assignment, with story and reprint group named by their first member, so two runs compare.
ASSIGNMENTS_SQL = """
SELECT count(*), count(minhash), count(DISTINCT story_id), count(DISTINCT reprint_id),
       sum(hashtextextended(concat_ws('|', id, first_of_story, first_of_reprint, md5(minhash), md5(story_shingles),
                                       story_terms::text, story_model), 0))
FROM (SELECT a.*, min(id) OVER (PARTITION BY story_id) AS first_of_story,
             min(id) OVER (PARTITION BY reprint_id) AS first_of_reprint FROM articles a) x
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


def vacuum(url: str) -> None:
    conn = psycopg2.connect(url)
    conn.autocommit = True
    with conn.cursor() as cur:
        cur.execute("VACUUM ANALYZE articles")
        cur.execute("VACUUM ANALYZE stories")
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
    args = parser.parse_args(argv)

    with db.scratch_database(args.server, "akhbar_bench_stories", keep=args.keep) as url:
        settings = Settings(database_url=url)
        arts = synthetic_articles(args.rows)
        load_unclustered(url, arts)
        vacuum(url)
        print(f"{len(arts)} synthetic articles loaded, unclustered")
        before = None
        if not args.no_baseline:
            old = baseline_module(args.baseline_commit)
            t0 = time.perf_counter()
            with db.transaction(url) as cur:
                old_counts = old.cluster_unclustered(cur, settings)
            old_seconds = time.perf_counter() - t0
            before = assignments(url)
            print(f"baseline ({args.baseline_commit}): {old_seconds:7.1f} s for {old_counts.processed} articles "
                  f"({old_counts.new_stories} stories, {old_counts.reprints} reprints)")
            with db.transaction(url) as cur:
                cur.execute(db.query("reset_stories"))
            vacuum(url)
        profiler = None
        if args.profile:
            import cProfile

            profiler = cProfile.Profile()
            profiler.enable()
        t0 = time.perf_counter()
        counts = stories.cluster_loaded(settings)
        seconds = time.perf_counter() - t0
        if profiler is not None:
            profiler.disable()
            profiler.dump_stats(args.profile)
        after = assignments(url)
        assert after[0] == after[1] == len(arts), f"articles left unclustered: {after}"
        same = "" if before is None else (
            "; same assignments as the baseline: checked" if before == after else "; ASSIGNMENTS DIFFER")
        print(f"ours       : {seconds:7.1f} s for {counts.processed} articles ({counts.new_stories} stories, "
              f"{counts.reprints} reprints), {counts.processed / seconds:,.0f} articles/s{same}")
        if before is not None:
            print(f"clustering {len(arts)} articles: ratio baseline/ours {old_seconds / seconds:.2f}x")
            if before != after:
                return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
