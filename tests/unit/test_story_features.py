"""The story scorer's features, checked against what the definitions say for texts written here."""

import gzip
import json
import math
import re
import zlib
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from akhbar.stories import SCORER_PATH, Scorer
from akhbar.story_features import (
    FEATURES,
    LEAD_WORDS,
    STOPWORDS,
    TOP_TERMS,
    Idf,
    Profile,
    Vector,
    containment,
    features,
    stem,
)

WIRE = ("اعلنت وزاره الصحه اليوم افتتاح مستشفي جديد في مدينه الاسكندريه بطاقه مئتي سرير وبتكلفه بلغت "
        "ثلاثه مليارات جنيه وقال الوزير ان المستشفي يخدم سكان المحافظه والمحافظات المجاوره")
LEAD = "في خطوه جديده لتطوير المنظومه الصحيه شهدت المحافظه اليوم حدثا مهما "


def test_an_added_lead_or_a_trimmed_tail_keeps_the_shorter_texts_shingles():
    wire = Profile.of("", WIRE)
    with_lead = Profile.of("", LEAD + WIRE)
    trimmed = Profile.of("", " ".join(WIRE.split()[:14]))
    assert containment(wire.shingles, with_lead.shingles) == 1.0  # every shingle of the wire text is kept
    assert containment(trimmed.shingles, wire.shingles) == 1.0
    other = Profile.of("", "قال المتحدث باسم الحكومه ان الاجتماع ناقش خطه النظافه في المحافظات")
    assert containment(wire.shingles, other.shingles) == 0.0


def test_the_light_stem_drops_the_article_prepositions_and_plural_endings():
    assert stem("والمستشفيات") == "مستشفي"  # و+ال off the front, ات off the back
    assert stem("الفلسطينيين") == "فلسطين"
    assert stem("بالمدن") == "مدن"
    assert stem("2018") == "2018"
    assert stem("ال") == "ال"  # never below three letters


def test_features_of_a_copy_and_of_an_unrelated_text():
    idf = Idf()
    a, b = Profile.of("افتتاح مستشفي بالاسكندريه", WIRE), Profile.of("مستشفي جديد بالاسكندريه", LEAD + WIRE)
    c = Profile.of("خطه النظافه", "قال المتحدث باسم الحكومه ان الاجتماع ناقش خطه النظافه في المحافظات")
    for p in (a, b, c):
        idf.add(p)
    va, vb, vc = (Vector(p, idf) for p in (a, b, c))
    same = features(a, va, b, vb, 3.0)
    assert len(same) == len(FEATURES) and same[0] == 1.0 and same[5] == 3.0
    assert same[1] > 0.8 and same[2] > 0.3
    apart = features(a, va, c, vc, 3.0)
    assert apart[0] == 0.0 and apart[4] == 0.0  # no shared shingle, and the second text has no number


def test_the_shipped_scorer_loads_and_names_its_features():
    data = json.loads(SCORER_PATH.read_text(encoding="utf-8"))
    assert tuple(data["features"]) == FEATURES and data["version"]
    scorer = Scorer.load()
    assert 0.5 <= scorer.threshold < 1 and 0.5 <= scorer.reprint_containment <= 1
    assert (scorer.probability([1.0, 0.95, 0.9, 0.8, 1.0, 1.0, 0.9])
            > scorer.probability([0.0, 0.05, 0.0, 0.0, 0.0, 40.0, 0.0]))
    with pytest.raises(ValueError, match="features"):
        Scorer.from_dict({**data, "features": ["cosine"]})
    assert np.isfinite(scorer.probability([0.0] * len(FEATURES)))


# -- the speed work must not move a value -------------------------------------------------------------------
# A plain implementation of the features, written from their definitions the way the code computed them
# before the clustering was made faster (per-word CRC-32 and stems computed on each use, np.intersect1d
# containment, heapq over all terms): the faster code must give the same numbers for the labelled pairs.
ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT.parent / "shared" / "corpus" / "ant-v2.1-multisource.jsonl.gz"
PAIRS = ROOT / "tests" / "fixtures" / "story_pairs.jsonl"


def _plain_terms(text_norm):
    out = {}
    for w, n in Counter(re.findall(r"\w+", text_norm)).items():
        if w in STOPWORDS or len(w) < 2:
            continue
        s = stem(w.lower())
        out[s] = out.get(s, 0) + n
    return out


def _plain_shingles(text_norm, k=3):
    words = re.findall(r"\w+", text_norm)
    if not words:
        return np.zeros(0, dtype=np.uint32)
    hashes = [zlib.crc32(w.encode()) for w in words]
    k = min(k, len(words))
    out = set()
    for i in range(len(words) - k + 1):
        h = hashes[i]
        for j in range(1, k):
            h = (h * 0x9E3779B1 + hashes[i + j]) % 2**32
        out.add(h)
    return np.array(sorted(out), dtype=np.uint32)


def _plain_vector(counts, docs, df):
    v = {t: (1 + math.log(c)) * (math.log((1 + docs) / (1 + df.get(t, 0))) + 1.0) for t, c in counts.items()}
    norm = math.sqrt(sum(x * x for x in v.values()))
    return {t: x / norm for t, x in v.items()} if norm else {}


def _plain_features(a, b, hours, docs, df):
    """(title_norm, body_norm) of two texts -> the FEATURES, computed plainly."""
    (ta, ba), (tb, bb) = a, b
    sa, sb = _plain_shingles(ba), _plain_shingles(bb)
    cont = np.intersect1d(sa, sb).size / min(sa.size, sb.size) if sa.size and sb.size else 0.0
    terms_a, terms_b = _plain_terms(ba), _plain_terms(bb)
    va, vb = _plain_vector(terms_a, docs, df), _plain_vector(terms_b, docs, df)
    cos = sum(x * vb[t] for t, x in va.items() if t in vb)
    wa, wb = _plain_vector(_plain_terms(ta), docs, df), _plain_vector(_plain_terms(tb), docs, df)
    title_cos = sum(x * wb[t] for t, x in wa.items() if t in wb)
    top_a = {t for t, _ in sorted(va.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]}
    top_b = {t for t, _ in sorted(vb.items(), key=lambda kv: (-kv[1], kv[0]))[:TOP_TERMS]}
    na = {t for t in terms_a if re.fullmatch(r"\d{2,}", t)}
    nb = {t for t in terms_b if re.fullmatch(r"\d{2,}", t)}
    numbers = len(na & nb) / min(len(na), len(nb)) if na and nb else 0.0
    # the lead: the first LEAD_WORDS words of the body, weighted like the body
    la, lb = (_plain_vector(_plain_terms(" ".join(re.findall(r"\w+", text)[:LEAD_WORDS])), docs, df)
              for text in (ba, bb))
    lead = sum(x * lb[t] for t, x in la.items() if t in lb)
    return [cont, cos, title_cos, len(top_a & top_b) / TOP_TERMS, numbers, hours, lead], (sa, terms_a)


def _labelled_texts():
    """docno -> (title_norm, body_norm, published) of the labelled pairs' articles, from the corpus when it is
    beside the checkout; otherwise texts written here (the pairs then stand for themselves)."""
    from bench.stories_eval import parse_time
    from transforms.normalize import normalize_for_search

    pairs = [json.loads(line) for line in PAIRS.read_text(encoding="utf-8").splitlines() if line.strip()]
    wanted = {p["a"] for p in pairs} | {p["b"] for p in pairs}
    texts = {}
    if CORPUS.exists():
        with gzip.open(CORPUS, "rt", encoding="utf-8") as fh:
            for line in fh:
                if line[11:line.index('"', 11)] not in wanted:  # {"docno": "..."
                    continue
                d = json.loads(line)
                when = parse_time(d.get("time") or "")
                texts[d["docno"]] = (normalize_for_search(d.get("title") or ""),
                                     normalize_for_search(d.get("text") or ""), when)
        pairs = [(p["a"], p["b"]) for p in pairs if p["a"] in texts and p["b"] in texts]
    else:
        sample = [("افتتاح مستشفي بالاسكندريه", WIRE), ("مستشفي جديد بالاسكندريه", LEAD + WIRE),
                  ("خطه النظافه 2024", "قال المتحدث باسم الحكومه ان الاجتماع ناقش خطه النظافه في 27 محافظه عام 2024"),
                  ("", " ".join(WIRE.split()[:14]) + " 2024 و 27 الف")]
        texts = {str(i): (t, b, None) for i, (t, b) in enumerate(sample)}
        pairs = [(a, b) for a in texts for b in texts if a < b]
    return texts, pairs


def test_the_features_of_the_labelled_pairs_equal_the_plain_definitions():
    texts, pairs = _labelled_texts()
    assert len(pairs) >= (200 if CORPUS.exists() else 6)
    idf = Idf()
    profiles = {docno: Profile.of(t, b) for docno, (t, b, _) in texts.items()}
    for p in profiles.values():
        idf.add(p)
    vectors = {docno: Vector(p, idf) for docno, p in profiles.items()}
    for a, b in pairs:
        ours = features(profiles[a], vectors[a], profiles[b], vectors[b], 7.5)
        plain, (shingles, body_terms) = _plain_features(texts[a][:2], texts[b][:2], 7.5, idf.docs, idf.df)
        assert ours == pytest.approx(plain, abs=1e-9, rel=0), (a, b)
        # the shingle hashes and word counts are the same too, in order
        assert profiles[a].shingles.tolist() == shingles.tolist()
        assert list(profiles[a].body.items()) == list(body_terms.items())
    positive = sum(1 for a, b in pairs
                   if features(profiles[a], vectors[a], profiles[b], vectors[b], 0)[0] > 0.5)
    assert positive > 0  # the pairs exercise containment, not only its zero


def test_the_band_index_proposes_what_datasketchs_lsh_proposes():
    from datasketch import MinHashLSH

    from akhbar.stories import LSH_THRESHOLD, NUM_PERM, BandIndex, Signer

    rng = np.random.default_rng(5)
    signer = Signer()
    base = rng.integers(0, 2**32, size=400, dtype=np.uint64).astype(np.uint32)
    # near copies of one text and unrelated ones: some signatures share bands, most do not
    sets = [np.unique(np.concatenate([base[: 400 - 12 * i], rng.integers(0, 2**32, size=8 * i, dtype=np.uint64)
                                      .astype(np.uint32)])) for i in range(20)]
    sets += [np.unique(rng.integers(0, 2**32, size=300, dtype=np.uint64).astype(np.uint32)) for _ in range(20)]
    signatures = [signer.signature(s) for s in sets]
    theirs = MinHashLSH(threshold=LSH_THRESHOLD, num_perm=NUM_PERM)
    ours = BandIndex()
    for i, sig in enumerate(signatures):
        theirs.insert(i, signer.minhash(sig))
        ours.insert(i, Signer.to_bytes(sig))
    for i in range(0, 40, 3):  # some leave the window
        theirs.remove(i)
        ours.remove(i)
    answers = [ours.query(Signer.to_bytes(sig)) for sig in signatures]
    assert answers == [set(theirs.query(signer.minhash(sig))) for sig in signatures]
    assert any(len(a) > 1 for a in answers) and any(len(a) <= 1 for a in answers)


# A follow-up a day later: its own news first, then the first report's background repeated word for word.
BACKGROUND = ("وكانت الشرطة عثرت الشهر الماضي على زجاجه صغيره تحتوي غاز الاعصاب في منزل رجل اصيب مع صديقته "
              "التي توفيت لاحقا في المستشفي بعد اربعه اشهر من تسميم جاسوس روسي سابق وابنته في سالزبري")
FIRST = ("اعلنت الشرطه البريطانيه العثور علي زجاجه صغيره تحتوي غاز الاعصاب نوفيتشوك في منزل باميزبري "
         "واكد العلماء في مختبر بورتون داون ان المادة هي نفسها ")
FOLLOW_UP = ("عثرت شرطه مكافحه الارهاب علي اكثر من اربعمئه دليل مادي وارسلت الادله الملوثه للفحص "
             "وطلبت من السكان عدم التقاط اي اشياء غريبه ")


def test_the_lead_cosine_tells_a_follow_up_from_a_rewrite_of_the_same_lead():
    # each lead here is shorter than LEAD_WORDS: a stopword pads it, so the background starts after the lead
    pad = " ".join(["في"] * LEAD_WORDS)
    first = Profile.of("", " ".join(FIRST.split()[:LEAD_WORDS]) + " " + pad + " " + BACKGROUND)
    follow = Profile.of("", " ".join(FOLLOW_UP.split()[:LEAD_WORDS]) + " " + pad + " " + BACKGROUND)
    rewrite = Profile.of("", "عثرت الشرطه البريطانيه علي زجاجه صغيره فيها غاز الاعصاب نوفيتشوك في منزل باميزبري "
                         + pad + " " + BACKGROUND)
    idf = Idf()
    for p in (first, follow, rewrite):
        idf.add(p)
    vf, vu, vr = (Vector(p, idf) for p in (first, follow, rewrite))
    assert len(first.lead) <= LEAD_WORDS and "اعصاب" in first.lead and "سالزبري" not in first.lead
    follow_up, same = features(first, vf, follow, vu, 30.0), features(first, vf, rewrite, vr, 2.0)
    assert follow_up[1] > 0.3  # the repeated background keeps the bodies alike
    assert set(first.lead) & set(follow.lead) == {"شرط"}  # the police (الشرطه, شرطه) is all the two leads share
    assert follow_up[6] < 0.3 < same[6]


def test_a_profile_without_a_lead_falls_back_to_the_body_cosine():
    p = Profile.of("عنوان", FIRST + BACKGROUND)
    old = Profile.from_counts(p.shingles, p.body, p.title)
    assert old.lead is None
    other = Profile.of("", FOLLOW_UP + BACKGROUND)
    idf = Idf()
    for q in (p, other):
        idf.add(q)
    x = features(old, Vector(old, idf), other, Vector(other, idf), 1.0)
    assert x[6] == x[1]


def test_the_heaviest_terms_tie_to_the_alphabetically_first():
    """Vector.top is the TOP_TERMS smallest (-weight, term): a weight shared across the cut is decided by the
    term's text. Weights written here: 15 distinct ones above, then 10 terms sharing the 16th."""
    from akhbar.story_features import _heaviest

    body = {f"t{i:02d}": 1.0 - i / 100 for i in range(15)}
    tied = ["ي", "ب", "ه", "ا", "د", "ج", "و", "ز", "ح", "ط"]
    body.update({t: 0.5 for t in tied})
    body["tail"] = 0.1
    top = _heaviest(body)
    # the five of the ten first in code points: ا U+0627, ب U+0628, ج U+062C, ح U+062D, د U+062F (then ز U+0632)
    assert top == set(list(body)[:15]) | {"ا", "ب", "ج", "ح", "د"}
    assert _heaviest({"a": 0.1, "b": 0.2}) == {"a", "b"}  # TOP_TERMS or fewer: every term


def test_containment_is_shared_shingles_over_the_smaller_set():
    a = np.array([1, 5, 9, 12, 40], dtype=np.uint32)
    b = np.array([5, 7, 9, 40, 41, 90, 100], dtype=np.uint32)
    assert containment(a, b) == containment(b, a) == 3 / 5  # 5, 9 and 40
    assert containment(np.array([100], dtype=np.uint32), b) == 1.0  # at b's end
    assert containment(np.array([101], dtype=np.uint32), b) == 0.0  # past b's end
    assert containment(a, np.zeros(0, dtype=np.uint32)) == 0.0


def test_the_window_vectors_dot_product_is_the_dicts_to_the_last_bit():
    """Sparse vectors (what the clustering window holds) give the dict's dot product, summed in the same order,
    so the features, and the assignments, do not change by a bit."""
    from akhbar.story_features import Sparse, _dot, _sparse_dot, _weighted

    texts, pairs = _labelled_texts()
    idf = Idf()
    profiles = {docno: Profile.of(t, b) for docno, (t, b, _) in texts.items()}
    for p in profiles.values():
        idf.add(p)
    weighted = {docno: (_weighted(p.body, idf), _weighted(p.lead, idf)) for docno, p in profiles.items()}
    sparse = {docno: tuple(map(Sparse, w)) for docno, w in weighted.items()}
    shared = 0
    for a, b in pairs:
        for part in (0, 1):
            plain = _dot(weighted[a][part], weighted[b][part])
            assert _sparse_dot(sparse[a][part], sparse[b][part]) == plain, (a, b, part)
            assert _sparse_dot(sparse[b][part], sparse[a][part]) == _dot(weighted[b][part], weighted[a][part])
            shared += plain > 0
    assert shared > 0
    assert _sparse_dot(Sparse({}), sparse[pairs[0][0]][0]) == 0


# -- a chunk at once: the same values as one article at a time, and as the definitions ----------------------
ODD_TEXTS = [
    "", "كلمه", "كلمتان فقط", "ثلاث كلمات هنا", "  مسافات\u00a0غير\u2003عاديه\tو\nسطر  ",
    "علامات، ترقيم. «اقتباس» (قوس) snake_case_word و 2024م و٣٤ 12,500 A1-B2 !!! ...",
    "كلمه_بشرطه وكلمه-بشرطه x_ _y __ ؟؟ الـ", "\u0640\u0640 تطويل", "١٢٣ 456 7 89",
]


def test_a_chunks_profiles_are_each_texts_own_and_the_definitions():
    texts, _ = _labelled_texts()
    sample = [(t, b) for t, b, _ in list(texts.values())[:40]] + [(t, b) for t in ODD_TEXTS for b in ODD_TEXTS[:4]]
    sample += [(b, t) for t in ODD_TEXTS for b in ODD_TEXTS]
    from akhbar.story_features import profiles

    for k in (1, 2, 3, 5):
        chunk = profiles([t for t, _ in sample], [b for _, b in sample], k)
        for (title, body), p in zip(sample, chunk):
            assert p.shingles.tolist() == _plain_shingles(body, k).tolist(), (title, body, k)
            assert list(p.body.items()) == list(_plain_terms(body).items())
            assert list(p.title.items()) == list(_plain_terms(title).items())
            lead = _plain_terms(" ".join(re.findall(r"\w+", body)[:LEAD_WORDS]))
            assert list(p.lead.items()) == list(lead.items())
            numbers = {t for t in p.body if re.fullmatch(r"\d{2,}", t)}
            assert {n for n in p.numbers} == set(Profile.from_counts(p.shingles, p.body, p.title).numbers)
            assert len(p.numbers) == len(numbers)
            one = Profile.of(title, body, k)
            assert one.shingles.tolist() == p.shingles.tolist() and one.body == p.body and one.lead == p.lead


def test_a_chunks_vectors_and_heaviest_terms_are_each_profiles_own():
    """Vector.many gives each profile the vector it gets alone, and its heaviest terms are _heaviest's, ties at
    the cut included (short texts of few distinct counts, with no IDF yet: many terms weigh the same)."""
    from akhbar.story_features import _TERM_IDS, _heaviest, _weighted, profiles

    texts, _ = _labelled_texts()
    bodies = [b for _, b, _ in texts.values()][:60]
    rng = np.random.default_rng(3)
    words = sorted({w for b in bodies for w in re.findall(r"\w+", b)})
    bodies += [" ".join(rng.choice(words, size=int(rng.integers(5, 80)))) for _ in range(60)]
    chunk = profiles([""] * len(bodies), bodies)
    empty, counted = Idf(), Idf()  # no frequencies yet (every term weighs by its count alone), and some
    for p in chunk[: len(chunk) // 2]:
        counted.add(p)
    tied = 0
    for idf in (empty, counted):
        for p, v in zip(chunk, Vector.many(chunk, idf)):
            alone = Vector(p, idf)
            weighted = _weighted(p.body, idf)
            assert v.body.ids.tolist() == alone.body.ids.tolist() == [_TERM_IDS[t] for t in weighted]
            assert v.body.weights.tolist() == alone.body.weights.tolist() == list(weighted.values())
            assert v.lead.weights.tolist() == list(_weighted(p.lead, idf).values())
            assert v.title == {_TERM_IDS[t]: x for t, x in _weighted(p.title, idf).items()}
            assert v.top == alone.top == {_TERM_IDS[t] for t in _heaviest(weighted)}
            if len(weighted) > TOP_TERMS:
                cut = sorted(weighted.values(), reverse=True)[TOP_TERMS - 1]
                tied += sum(x >= cut for x in weighted.values()) > TOP_TERMS
    assert tied > 10  # ties across the cut were decided by the terms' text


def test_the_word_tables_emptied_past_their_limit_give_the_same_profiles(monkeypatch):
    from akhbar import story_features
    from akhbar.story_features import profiles

    texts = [b for t in ODD_TEXTS for b in (t, WIRE + " " + t)] + [WIRE, LEAD + WIRE]
    before = profiles(texts, texts)
    monkeypatch.setattr(story_features, "_TABLE_LIMIT", 5)
    for _ in range(2):  # emptied before each call now
        after = profiles(texts, texts)
        assert len(story_features._WORDS) < 200
        for a, b in zip(before, after):
            assert a.shingles.tolist() == b.shingles.tolist() and a.body == b.body and a.title == b.title
            assert a.body_ids.tolist() == b.body_ids.tolist() and a.lead == b.lead and a.numbers == b.numbers
