"""The clustering's in-memory matching, in CPU seconds: N synthetic articles clustered by today's code and by the
code of a baseline commit, in the same run, with the same assignments checked.

    .venv/bin/python bench/cluster_cpu.py [--rows 100000] [--baseline-commit cc59ba6] [--no-baseline]
        [--order baseline,ours] [--cache FILE] [--corpus FILE] [--profile FILE]

The articles are bench/load.py's ``synthetic_articles`` (about 3 KB of folded Arabic each, four minutes apart).
Each clusterer is ``Clusterer(None, settings)`` (no database) fed as ``cluster_unclustered`` feeds it: in
publication order, CHUNK articles at a time, ``prepare`` then ``match(count=False)``, the IDF counted every
IDF_BATCH articles (``--corpus``: the real corpus instead, clustered as bench/stories_eval.py does). The two
take turns a chunk at a time in one process, so that the neighbours' load weighs on both alike. Timed with
``time.process_time`` (this process's CPU: on a shared machine, wall time says more about the neighbours).
Checked: every article's story and reprint group (placeholders named by their first member) are the same in
both, as are the clusterers' counts (signatures and shingles are no longer part of an assignment: they are not
stored since migration 0026). The machine's load average is printed with
the times.
"""

from __future__ import annotations

import argparse
import gc
import hashlib
import os
import pickle
import sys
import time
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from akhbar import stories
from akhbar.config import Settings
from bench.load import synthetic_articles
from bench.stories_speed import baseline_module

BASELINE = "cc59ba6"  # main before the in-memory matching was made cheaper (issue 14)


def candidates(n: int, cache: str | None = None) -> list:
    """The synthetic articles as the rows ``cluster_unclustered`` reads: (key, published, source, agency,
    content hash, body_norm, title_norm), in publication order (only what clustering reads is kept). Drawing
    them takes longer than clustering them (a weighted draw per article), so ``cache`` keeps them in a file."""
    if cache and Path(cache).exists():
        with open(cache, "rb") as fh:
            return pickle.load(fh)
    out = []
    for i, a in enumerate(synthetic_articles(n)):
        body = a["body_norm"]
        out.append((("a", i + 1), datetime.fromisoformat(a["published_at"]), a["source"], a["agency"],
                    hashlib.md5(body.encode()).hexdigest(), body, a["title_norm"]))
    if cache:
        with open(cache, "wb") as fh:
            pickle.dump(out, fh, protocol=pickle.HIGHEST_PROTOCOL)
    return out


def corpus_rows(path: str) -> list:
    """The real corpus's articles as ``bench/stories_eval.py`` clusters them (folded, in publication order)."""
    from bench.stories_eval import load_corpus

    return [(d.docno, d.published, d.source, None, hashlib.md5(d.body_norm.encode()).hexdigest(),
             d.body_norm, d.title_norm) for d in load_corpus(path)]


class Clustering:
    """One clustering of ``rows`` with ``module`` (akhbar.stories or a baseline), CHUNK and IDF_BATCH articles
    at a time unless told, advanced a chunk per ``step`` (so that two clusterings can take turns, each chunk of
    one beside the same chunk of the other: the neighbours' load weighs on both alike); ``seconds`` is its CPU
    time, ``result`` what it assigned: (key, story, reprint) per article, stories and
    reprint groups named by their first member's key, and its counts."""

    def __init__(self, module, rows: list, settings: Settings, chunk: int | None = None,
                 idf_batch: int | None = None, profile: str | None = None):
        self.module, self.rows = module, rows
        self.chunk, self.idf_batch = chunk or module.CHUNK, idf_batch or module.IDF_BATCH
        self.clusterer = module.Clusterer(None, settings)
        self.assigned: list = []
        self.seconds = 0.0
        self.start = self.since_counted = 0
        self.profile = profile
        self.profiler = None
        if profile:
            import cProfile

            self.profiler = cProfile.Profile()

    def done(self) -> bool:
        return self.start >= len(self.rows)

    def step(self) -> None:
        module, clusterer = self.module, self.clusterer
        rows = self.rows[self.start:self.start + self.chunk]
        self.start += self.chunk
        batch = [module.Candidate(key, published, source, agency, content_hash, body, title_norm=title)
                 for key, published, source, agency, content_hash, body, title in rows]
        if self.profiler is not None:
            self.profiler.enable()
        t0 = time.process_time()
        out = clusterer.match(batch, clusterer.prepare(batch), count=False)
        self.since_counted += len(batch)
        if self.since_counted >= self.idf_batch:
            clusterer.count_pending()
            self.since_counted = 0
        self.seconds += time.process_time() - t0
        if self.profiler is not None:
            self.profiler.disable()
        self.assigned.extend((a.key, a.story, a.reprint) for a in out)

    def result(self) -> tuple[list, dict]:
        if self.profiler is not None:
            self.profiler.dump_stats(self.profile)
        first: dict = {}
        named = [(key, first.setdefault(story, key), first.setdefault(reprint, key))
                 for key, story, reprint in self.assigned]
        counts = dict(vars(self.clusterer.counts), pairs_scored=self.clusterer.pairs_scored)
        counts.pop("seconds")
        return named, counts


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--baseline-commit", default=BASELINE)
    parser.add_argument("--no-baseline", action="store_true", help="time today's code only")
    parser.add_argument("--order", default="baseline,ours", help="which takes the first turn (then they alternate)")
    parser.add_argument("--cache", default="/tmp/akhbar_cluster_cpu_{rows}.pickle",
                        help="keep the drawn articles in this file ('' : draw them every time)")
    parser.add_argument("--corpus", help="cluster this corpus (stories_eval.py's: folded, 500 articles at a time, "
                        "each counted in the IDF at once) instead of synthetic articles")
    parser.add_argument("--profile", help="write a cProfile of today's run to this file")
    args = parser.parse_args(argv)

    settings = Settings(database_url="postgresql://unused")
    t0 = time.perf_counter()
    chunk = idf_batch = None
    if args.corpus:
        rows, chunk, idf_batch = corpus_rows(args.corpus), 500, 500  # as bench/stories_eval.py clusters it
    else:
        rows = candidates(args.rows, args.cache.format(rows=args.rows) if args.cache else None)
    print(f"{len(rows)} articles in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    runs = {"ours": stories}
    if not args.no_baseline:
        runs["baseline"] = baseline_module(args.baseline_commit)
    names = [name for name in args.order.split(",") if name in runs]
    clusterings = {name: Clustering(runs[name], rows, settings, chunk, idf_batch,
                                    args.profile if name == "ours" else None) for name in names}
    load_before = os.getloadavg()[0]
    gc.collect()
    turn = 0
    while not all(c.done() for c in clusterings.values()):
        for name in (names if turn % 2 == 0 else names[::-1]):  # who goes first alternates
            clusterings[name].step()
        turn += 1
    results = {}
    for name, c in clusterings.items():
        named, counts = c.result()
        results[name] = (c.seconds, named, counts)
        print(f"{name}: {c.seconds:.1f} s CPU, {counts}", file=sys.stderr)
    print(f"load average {load_before:.2f} before, {os.getloadavg()[0]:.2f} after", file=sys.stderr)
    ours = results["ours"]
    line = f"rows {len(rows)}: ours {ours[0]:.1f} s CPU"
    status = 0
    if "baseline" in results:
        base = results["baseline"]
        same = base[1] == ours[1] and base[2] == ours[2]
        if not same:
            differ = [a[0] for a, b in zip(base[1], ours[1]) if a != b]
            print(f"DIFFERENT: {len(differ)} articles (first {differ[:5]}), counts {base[2]} vs {ours[2]}",
                  file=sys.stderr)
            status = 1
        line = (f"rows {len(rows)}: baseline {args.baseline_commit} {base[0]:.1f} s CPU, ours {ours[0]:.1f} s CPU, "
                f"ratio {base[0] / ours[0]:.2f}, assignments {'identical' if same else 'DIFFERENT'}")
    print(f"{line}; load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
    return status


if __name__ == "__main__":
    sys.exit(main())
