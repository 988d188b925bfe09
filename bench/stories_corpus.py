"""Check story clustering on the real multi-source corpus: are the clusters real, and not over-merged?

    .venv/bin/python bench/stories_corpus.py [--server postgresql://postgres@127.0.0.1:5432/postgres] [--show 15]

The 31k articles of ../shared/corpus/ant-v2.1-multisource.jsonl.gz (beside the checkout; ``--corpus``) (five outlets, 2018) are clustered
in memory with the same code and settings as the load step (the server is only used for the advisory lock
in an empty scratch database). It prints the cluster size distribution, how many clusters span several
outlets, how many hold two articles of one outlet (a sign of over-merging, or of an outlet repeating
itself), and a sample of multi-source clusters with their titles, for a person to judge.
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import sys
import time
from collections import Counter, defaultdict
from datetime import datetime
from email.utils import parsedate_to_datetime
from hashlib import md5
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from akhbar import db
from akhbar.config import Settings
from akhbar.stories import Candidate, Clusterer
from transforms.normalize import normalize_for_search

# The shared corpus sits beside the checkout (../shared/corpus); --corpus points elsewhere.
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "ant-v2.1-multisource.jsonl.gz"


def parse_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        try:
            return parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None


def main(argv=None) -> int:
    global CORPUS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--show", type=int, default=15)
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus (.jsonl.gz); default: %(default)s")
    args = parser.parse_args(argv)
    CORPUS = args.corpus

    docs = []
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            when = parse_time(d.get("time") or "")
            if when is None or when.tzinfo is None or not d.get("text"):
                continue
            body_norm = normalize_for_search(d["text"])
            docs.append(Candidate(d["docno"], when, d["source"], None, md5(body_norm.encode()).hexdigest(), body_norm))
    docs.sort(key=lambda c: (c.published, c.key))
    titles = {}
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            titles[d["docno"]] = (d["source"], d["title"])

    with db.scratch_database(args.server, "akhbar_stories") as url:
        t0 = time.perf_counter()
        with db.transaction(url) as cur:
            clusterer = Clusterer(cur, Settings(database_url=url))
            assigned = clusterer.assign(docs)
        elapsed = time.perf_counter() - t0

    members = defaultdict(list)
    for key, story, _ in assigned:
        members[story].append(key)
    sizes = Counter(len(m) for m in members.values())
    multi = {s: m for s, m in members.items() if len(m) > 1}
    cross = {s: m for s, m in multi.items() if len({titles[k][0] for k in m}) > 1}
    same_outlet = {s: m for s, m in multi.items() if len({titles[k][0] for k in m}) < len(m)}
    print(f"{len(docs)} articles clustered in {elapsed:.1f} s: {len(members)} stories")
    print("story sizes:", ", ".join(f"{n}: {c}" for n, c in sorted(sizes.items())))
    print(f"{len(cross)} stories span 2+ outlets; {len(same_outlet)} hold 2+ articles of one outlet")
    rng = random.Random(3)
    for story in rng.sample(sorted(cross, key=str), min(args.show, len(cross))):
        print("--")
        for key in members[story]:
            print(f"  [{titles[key][0]}] {titles[key][1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
