"""Draw cross-outlet article pairs from the multi-source corpus for a person to label (story_pairs.jsonl).

    .venv/bin/python bench/stories_pairs_draw.py [--seed 14] [--out /tmp/pairs_to_label.jsonl]

Pairs of two outlets, published within 72 hours of each other, that share at least three of their heaviest
words (an inverted index, so every pair with a common subject is a candidate), stratified by shingle
containment and TF-IDF cosine so that near copies, loose rewrites, same-topic pairs of another event (the
hard negatives: same day, same subject) and unrelated pairs of the same day are all represented. It writes
each pair with both titles and the opening of both texts; the labels are made by reading them, not here.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
from collections import defaultdict
from itertools import combinations
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from akhbar.story_features import Idf, Profile, Vector, features
from bench.stories_eval import load_corpus

STRATA = [  # name, test on (containment, cosine, hours), how many
    ("copy", lambda c, cos, h: c >= 0.6, 40),
    ("partial_copy", lambda c, cos, h: 0.3 <= c < 0.6, 40),
    ("little_shared_text", lambda c, cos, h: 0.1 <= c < 0.3, 40),
    ("similar_words", lambda c, cos, h: c < 0.1 and cos >= 0.5, 40),
    ("same_subject", lambda c, cos, h: c < 0.1 and 0.3 <= cos < 0.5, 40),
    ("same_day_topic", lambda c, cos, h: c < 0.1 and 0.15 <= cos < 0.3 and h <= 24, 30),
]


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", default=str(Path(__file__).resolve().parent.parent.parent / "shared" / "corpus"
                                                    / "ant-v2.1-multisource.jsonl.gz"))
    parser.add_argument("--seed", type=int, default=14)
    parser.add_argument("--exclude", help="a pairs file whose pairs are not drawn again")
    parser.add_argument("--out", default="/tmp/pairs_to_label.jsonl")
    args = parser.parse_args(argv)

    docs = load_corpus(args.corpus)
    idf = Idf()
    profiles = {}
    for d in docs:
        profiles[d.docno] = Profile.of(d.title_norm, d.body_norm)
        idf.add(profiles[d.docno])
    vectors = {k: Vector(p, idf) for k, p in profiles.items()}
    by_term = defaultdict(list)
    for i, d in enumerate(docs):
        for t in vectors[d.docno].top:
            by_term[t].append(i)
    shared = defaultdict(int)
    for postings in by_term.values():
        if len(postings) > 400:  # a word in that many top lists is no subject
            continue
        for i, j in combinations(postings, 2):
            shared[(i, j) if i < j else (j, i)] += 1
    rows = []
    for (i, j), n in shared.items():
        a, b = docs[i], docs[j]
        hours = abs((a.published - b.published).total_seconds()) / 3600
        if n < 3 or a.source == b.source or hours > 72:
            continue
        f = features(profiles[a.docno], vectors[a.docno], profiles[b.docno], vectors[b.docno], hours)
        rows.append((a, b, f))
    print(f"{len(rows)} candidate pairs", file=sys.stderr)
    skip = set()
    if args.exclude:
        with open(args.exclude, encoding="utf-8") as fh:
            for line in fh:
                p = json.loads(line)
                skip.add(frozenset((p["a"], p["b"])))
    rng = random.Random(args.seed)
    out = []
    for name, test, n in STRATA:
        pool = [r for r in rows if test(r[2][0], r[2][1], r[2][5]) and frozenset((r[0].docno, r[1].docno)) not in skip]
        print(f"{name}: {len(pool)} candidates", file=sys.stderr)
        out += [(name, r) for r in rng.sample(pool, min(n, len(pool)))]
    # Unrelated pairs of the same day, two outlets, no shared subject needed.
    by_day = defaultdict(list)
    for d in docs:
        by_day[d.published.date()].append(d)
    days = sorted(by_day)
    for _ in range(10):
        day = by_day[rng.choice(days)]
        if len(day) < 2:
            continue
        a, b = rng.sample(day, 2)
        if a.source != b.source:
            hours = abs((a.published - b.published).total_seconds()) / 3600
            out.append(("random_same_day", (a, b, features(profiles[a.docno], vectors[a.docno], profiles[b.docno],
                                                              vectors[b.docno], hours))))
    with open(args.out, "w", encoding="utf-8") as fh:
        for name, (a, b, f) in out:
            fh.write(json.dumps({"stratum": name, "a": a.docno, "b": b.docno,
                                 "features": [round(x, 3) for x in f],
                                 "a_source": a.source, "b_source": b.source,
                                 "a_time": a.published.isoformat(), "b_time": b.published.isoformat(),
                                 "a_title": a.title, "b_title": b.title,
                                 "a_text": a.text, "b_text": b.text}, ensure_ascii=False) + "\n")
    print(f"{len(out)} pairs -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
