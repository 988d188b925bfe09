"""Story clustering on the real multi-source corpus: what it finds, and how long it takes.

    .venv/bin/python bench/stories_corpus.py [--show 20] [--articles 100000] [--no-baseline]

The 31,525 articles of ../shared/corpus/ant-v2.1-multisource.jsonl.gz (beside the checkout; ``--corpus``) (five outlets, 2018) are clustered
in memory, in publication order and in batches of 500 as loads would hand them over, with the production
code, settings and scorer (akhbar.stories.Clusterer; no database). It prints the story size distribution,
how many stories span several outlets, the reprint groups, and a random sample of multi-outlet stories with
their titles, for a person to judge.

With ``--articles N`` the corpus is repeated, each copy shifted by a year (so no copy meets another in the
time window), up to N articles, and the clustering time is printed beside that of the previous release's
one-tier clusterer (bench/stories_baseline.py) on the same articles, measured in the same run.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter, defaultdict
from dataclasses import replace
from datetime import UTC, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from akhbar.config import Settings
from bench.stories_eval import CORPUS, cluster, load_corpus


def repeated(docs, n: int):
    out = []
    copy = 0
    while len(out) < n:
        shift = timedelta(days=366 * copy)
        out += [replace(d, docno=f"{d.docno}#{copy}" if copy else d.docno, published=d.published + shift)
                for d in docs[: n - len(out)]]
        copy += 1
    return out


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=CORPUS)
    parser.add_argument("--show", type=int, default=20)
    parser.add_argument("--articles", type=int, help="repeat the corpus (shifted by a year) up to this many")
    parser.add_argument("--no-baseline", action="store_true")
    args = parser.parse_args(argv)

    docs = load_corpus(args.corpus)
    if args.articles:
        docs = repeated(docs, args.articles)
    settings = Settings(database_url="")
    if not args.no_baseline:
        from bench.stories_baseline import cluster_baseline

        _, base_seconds = cluster_baseline(docs, settings)
    t0 = time.perf_counter()
    story_of, seconds, clusterer = cluster(docs, settings)
    wall = time.perf_counter() - t0
    line = f"{len(docs)} articles clustered in {seconds:.1f} s ({wall:.1f} s with batching)"
    if not args.no_baseline:
        line += f"; the previous release's one-tier clusterer: {base_seconds:.1f} s (ratio {seconds / base_seconds:.2f})"
    print(line)
    if args.articles:
        return 0

    by_no = {d.docno: d for d in docs}
    members = defaultdict(list)
    for docno, story in story_of.items():
        members[story].append(docno)
    sizes = Counter(len(m) for m in members.values())
    cross = {s: m for s, m in members.items() if len({by_no[k].source for k in m}) > 1}
    print(f"{len(members)} event stories; sizes: " + ", ".join(f"{n}: {c}" for n, c in sorted(sizes.items())))
    print(f"{len(cross)} stories span 2+ outlets; {clusterer.counts.reprints} articles joined another's "
          f"reprint group; scorer {clusterer.scorer.version}")
    rng = random.Random(14)
    for story in rng.sample(sorted(cross, key=str), min(args.show, len(cross))):
        print("--")
        for key in sorted(members[story], key=lambda k: by_no[k].published):
            d = by_no[key]
            print(f"  {d.published.astimezone(UTC):%Y-%m-%d %H:%M}Z [{d.source}] {d.title}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
