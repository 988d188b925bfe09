"""Which word forms share a search stem: stemming the folded text as it is, or with a final ه read as ة.

    .venv/bin/python bench/search_forms.py [--texts 4000] [--words 40000] [--server postgresql://...]

normalize_for_search folds ة to ه; the Snowball Arabic stemmer strips a final ة but not a final ه. The
reference is the stemmer on the folded form with ة kept. For the commonest word forms of the corpus, it
counts, weighted by frequency, the pairs of different forms the reference gives one stem (recall: how many
of those pairs a scheme also joins) and the pairs a scheme joins (precision: how many the reference joins).
"akhbar" is the database's own akhbar_search_form on the folded form, as search does it (migration 0005).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from akhbar import db
from transforms.normalize import normalize_for_search

# The shared corpus sits beside the checkout (../shared/corpus); --corpus points elsewhere.
CORPUS = Path(__file__).resolve().parent.parent.parent / "shared" / "corpus" / "ant-v2.1-multisource.jsonl.gz"
KEEP = "\ue000"  # a private-use stand-in that the folding leaves alone


def word_counts(texts: int) -> Counter:
    counts: Counter = Counter()
    with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            if i >= texts:
                break
            counts.update(re.findall(r"[\u0600-\u06ff]+", json.loads(line)["text"]))
    return counts


def pair_weight(keys, weights) -> int:
    total: Counter = Counter()
    for key, weight in zip(keys, weights):
        total[key] += weight
    return sum(v * v for v in total.values())


def main(argv=None) -> int:
    global CORPUS
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--texts", type=int, default=4000)
    parser.add_argument("--words", type=int, default=40000)
    parser.add_argument("--server", default="postgresql://postgres@127.0.0.1:5432/postgres")
    parser.add_argument("--corpus", type=Path, default=CORPUS, help="the corpus (.jsonl.gz); default: %(default)s")
    args = parser.parse_args(argv)
    CORPUS = args.corpus
    counts = word_counts(args.texts)
    words = [w for w, _ in counts.most_common(args.words)]
    weights = [counts[w] for w in words]
    folded = [normalize_for_search(w) for w in words]
    kept = [normalize_for_search(w.replace("ة", KEEP)).replace(KEEP, "ة") for w in words]

    with db.scratch_database(args.server, "akhbar_bench") as url:
        stem = ("SELECT coalesce((ts_lexize('arabic_stem', f))[1], f)"
                " FROM unnest(%s::text[]) WITH ORDINALITY AS u (f, n) ORDER BY n")
        with db.transaction(url) as cur:
            def stems(forms, sql=stem):
                cur.execute(sql, (forms,))
                return [r[0] for r in cur.fetchall()]

            reference = stems(kept)
            schemes = {
                "folded, stemmed as it is": stems(folded),
                "akhbar: final ه read as ة": stems(folded, stem.replace("ts_lexize('arabic_stem', f)",
                                                                          "ts_lexize('arabic_stem', akhbar_search_form(f))")),
            }

    same_word = sum(w * w for w in weights)  # a form paired with itself is no evidence
    ref_pairs = pair_weight(reference, weights) - same_word
    print(f"{len(words)} word forms from {args.texts} corpus texts; reference: the stemmer with ة kept")
    for label, keys in schemes.items():
        joined = pair_weight(keys, weights) - same_word
        both = pair_weight(list(zip(reference, keys)), weights) - same_word
        print(f"{label:28s} recall {both / ref_pairs:.3f}   precision {both / joined:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
