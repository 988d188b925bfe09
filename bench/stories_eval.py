"""Score story clustering on labelled pairs: cluster the whole corpus with the production code, then ask, for
each labelled pair, whether both articles ended up in one story.

    .venv/bin/python bench/stories_eval.py [--pairs tests/fixtures/story_pairs.jsonl]
        [--corpus ../shared/corpus/ant-v2.1-multisource.jsonl.gz] [--folds 5] [--baseline]

The corpus (JSON lines with docno, source, title, time, text) is folded like the loader folds it and
clustered in publication order, in batches as a load would hand them over, by ``akhbar.stories.Clusterer``
with the default settings and the shipped scorer. Pairs are JSON lines ``{"a": docno, "b": docno, "label":
reprint|same_story|related|different, ...}``; the line printed is

    reprint grouped X/N, same_story grouped Y/N, wrongly grouped Z/N

where "grouped" means one event story and the last counts related and different pairs together. With
``--folds K`` the scorer is also trained K times on the other folds' pairs (scripts/train_story_scorer.py's
procedure) and each fold's pairs are scored on a clustering by the model that never saw them: that line is
the honest one when the pairs file is the one the shipped scorer was trained on. ``--baseline`` scores the
clustering of the previous release (MinHash Jaccard >= 0.45, one tier) for comparison.
"""

from __future__ import annotations

import argparse
import gzip
import json
import sys
import time
from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from email.utils import parsedate_to_datetime
from hashlib import md5
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from transforms.normalize import normalize_for_search

# The shared corpus sits beside the checkout (../shared/corpus); --corpus points elsewhere.
CORPUS = str(Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "ant-v2.1-multisource.jsonl.gz")
PAIRS = str(Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "story_pairs.jsonl")
POSITIVE = ("reprint", "same_story")
NEGATIVE = ("related", "different")
BATCH = 500  # articles per simulated load


@dataclass
class Doc:
    docno: str
    source: str
    published: datetime
    title: str
    text: str
    title_norm: str
    body_norm: str


def parse_time(value: str) -> datetime | None:
    try:
        return datetime.fromisoformat(value)
    except ValueError:
        try:
            return parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None


def load_corpus(path: str = CORPUS) -> list[Doc]:
    """The corpus's articles with a text and a zoned time, folded like the loader, in publication order."""
    docs = []
    opener = gzip.open if str(path).endswith(".gz") else open
    with opener(path, "rt", encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            when = parse_time(d.get("time") or "")
            if when is None or when.tzinfo is None or not d.get("text"):
                continue
            docs.append(Doc(d["docno"], d["source"], when, d.get("title") or "", d["text"],
                            normalize_for_search(d.get("title") or ""), normalize_for_search(d["text"])))
    docs.sort(key=lambda d: (d.published, d.docno))
    return docs


def load_pairs(path: str) -> list[dict]:
    pairs = []
    with open(path, encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            p = json.loads(line)
            if p.get("label") not in POSITIVE + NEGATIVE or not p.get("a") or not p.get("b"):
                raise SystemExit(f"{path}:{n}: needs a, b and a label among {POSITIVE + NEGATIVE}")
            pairs.append(p)
    return pairs


def score_line(pairs: list[dict], story_of: dict) -> tuple[str, dict]:
    counts = {"reprint": [0, 0], "same_story": [0, 0], "wrong": [0, 0]}
    for p in pairs:
        grouped = story_of.get(p["a"]) is not None and story_of.get(p["a"]) == story_of.get(p["b"])
        key = p["label"] if p["label"] in POSITIVE else "wrong"
        counts[key][0] += grouped
        counts[key][1] += 1
    line = (f"reprint grouped {counts['reprint'][0]}/{counts['reprint'][1]}, "
            f"same_story grouped {counts['same_story'][0]}/{counts['same_story'][1]}, "
            f"wrongly grouped {counts['wrong'][0]}/{counts['wrong'][1]}")
    return line, counts


def cluster(docs: list[Doc], settings, scorer=None, tier: str = "event") -> tuple[dict, float, object]:
    """docno -> story key, as the production Clusterer assigns them (in memory: no database)."""
    from akhbar.stories import Candidate, Clusterer

    clusterer = Clusterer(None, settings, scorer=scorer)
    t0 = time.perf_counter()
    story_of = {}
    for i in range(0, len(docs), BATCH):
        batch = [Candidate(d.docno, d.published, d.source, None, md5(d.body_norm.encode()).hexdigest(),
                           d.body_norm, title_norm=d.title_norm) for d in docs[i:i + BATCH]]
        for a in clusterer.assign(batch):
            story_of[a.key] = a.story if tier == "event" else a.reprint
    return story_of, time.perf_counter() - t0, clusterer


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", default=PAIRS)
    parser.add_argument("--corpus", default=CORPUS)
    parser.add_argument("--folds", type=int, default=0, help="also score K-fold cross-validated scorers")
    parser.add_argument("--baseline", action="store_true", help="also score the previous release's clustering")
    args = parser.parse_args(argv)

    from akhbar.config import Settings
    from akhbar.stories import Scorer

    pairs = load_pairs(args.pairs)
    docs = load_corpus(args.corpus)
    known = {d.docno for d in docs}
    missing = [p for p in pairs if p["a"] not in known or p["b"] not in known]
    if missing:
        print(f"{len(missing)} pairs name articles not in the corpus (or without a date): counted as not grouped",
              file=sys.stderr)
    settings = Settings(database_url="")
    print(f"{len(docs)} articles, {len(pairs)} pairs", file=sys.stderr)
    if args.baseline:
        from bench.stories_baseline import cluster_baseline

        story_of, seconds = cluster_baseline(docs, settings)
        print(f"baseline (MinHash Jaccard, one tier, {seconds:.1f} s): {score_line(pairs, story_of)[0]}")
    story_of, seconds, clusterer = cluster(docs, settings)
    print(f"shipped scorer {clusterer.scorer.version} ({seconds:.1f} s): {score_line(pairs, story_of)[0]}")
    sizes = Counter(story_of.values())
    sources = {}
    by_no = {d.docno: d for d in docs}
    for docno, story in story_of.items():
        sources.setdefault(story, set()).add(by_no[docno].source)
    print(f"  {len(sizes)} stories, {sum(1 for s in sources.values() if len(s) > 1)} span 2+ outlets, "
          f"largest {max(sizes.values())} articles", file=sys.stderr)
    if args.folds:
        from scripts.train_story_scorer import fold_of, pair_features, train

        table = pair_features(pairs, docs)
        counts = {"reprint": [0, 0], "same_story": [0, 0], "wrong": [0, 0]}
        for k in range(args.folds):
            train_pairs = [p for p in table if fold_of(p, args.folds) != k]
            scorer_k = train(train_pairs, version=f"cv{k}")
            scorer_k.pop("_oof")
            story_of_k, _, _ = cluster(docs, settings, scorer=Scorer.from_dict(scorer_k))
            _, c = score_line([p for p in pairs if fold_of(p, args.folds) == k], story_of_k)
            for key, (grouped, total) in c.items():
                counts[key][0] += grouped
                counts[key][1] += total
        print(f"{args.folds}-fold cross-validated: reprint grouped {counts['reprint'][0]}/{counts['reprint'][1]}, "
              f"same_story grouped {counts['same_story'][0]}/{counts['same_story'][1]}, "
              f"wrongly grouped {counts['wrong'][0]}/{counts['wrong'][1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
