"""What two articles share, as numbers: the features of the story scorer (pure: no database, no clock).

An article becomes a ``Profile`` once (from its folded title and body, ``title_norm``/``body_norm``); a pair
of profiles, with the document frequencies of the corpus, becomes the feature vector ``FEATURES``:

- ``containment``: shared word 3-shingles over the shorter text's shingles. A wire copy that one outlet
  trimmed or gave a local lead keeps most of the shorter text's shingles, while its Jaccard falls.
- ``cosine``: TF-IDF cosine of the bodies over folded, lightly stemmed words (stopwords dropped), tf damped
  as 1 + log(tf), the IDF from the corpus's document frequencies.
- ``title_cosine``: the same over the titles.
- ``rare_overlap``: shared words among each body's ``TOP_TERMS`` heaviest (TF-IDF) words, over ``TOP_TERMS``:
  names and places of the event.
- ``number_overlap``: shared numbers (two digits or more) over the smaller set; 0 when either has none.
- ``hours_apart``: the publication gap, in hours.
- ``lead_cosine``: the TF-IDF cosine of the leads (the first ``LEAD_WORDS`` words of each body). Two reports
  of one event say it in their first sentences; a follow-up a day later, or another event on the same subject,
  leads with its own news and shares only the background further down. On the labelled pairs it lifted the
  same-event pairs the scorer groups out of fold from 53 to 78 of 135 at the same false-positive count.
  A profile stored before leads were kept (scorer 2026-11-30.2 and older) has none; its body cosine stands in
  until ``akhbar stories recluster`` stores profiles again.

A profile keeps only what the features need (its shingle hashes and word counts), so a profile stored with
the article can be scored later without reading the text again.

Speed (clustering 100,000 articles is bounded, bench/stories_speed.py): what depends on a word alone (its
CRC-32, its stem or that it is dropped) and on a term alone (whether it is a number) is computed once per
process and kept in a table (``_WordTable``: Arabic news use a vocabulary far smaller than their tokens); the
features keep their definitions and their order of operations, so their values do not change
(tests/unit/test_story_features.py holds them to a plain implementation).
"""

from __future__ import annotations

import math
import re
import sys
import zlib
from collections import Counter
from dataclasses import dataclass, field
from itertools import repeat
from operator import mul, truediv

import numpy as np

FEATURES = ("containment", "cosine", "title_cosine", "rare_overlap", "number_overlap", "hours_apart", "lead_cosine")
TOP_TERMS = 20
LEAD_WORDS = 60  # about the first two sentences of a news text
_WORD = re.compile(r"\w+")
_NUMBER = re.compile(r"^\d{2,}$")
_MIX = np.uint64(0x9E3779B1)
_MASK32 = np.uint64(0xFFFFFFFF)

# Folded (ى -> ي, أ/إ/آ -> ا, ة -> ه) function words and reporting verbs that say nothing about the event.
STOPWORDS = frozenset(["في", "من", "الي", "علي", "عن", "ان", "او", "ثم", "مع", "هذا", "هذه", "ذلك", "تلك", "هولاء", "التي", "الذي", "الذين", "اللذين", "اللتين", "اللواتي", "هو", "هي", "هم", "هن", "انا", "نحن", "انت", "انتم", "كان", "كانت", "يكون", "تكون", "كانوا", "قد", "لقد", "وقد", "لا", "لم", "لن", "ما", "ماذا", "لماذا", "كيف", "متي", "اين", "حتي", "بعد", "قبل", "عند", "عندما", "بين", "منذ", "خلال", "حيث", "اما", "الا", "غير", "اي", "كل", "كما", "ايضا", "اذا", "اذ", "لكن", "ولكن", "بل", "ثمه", "هناك", "هنا", "وفي", "ومن", "والي", "وعلي", "وعن", "وان", "وهو", "وهي", "وكان", "وكانت", "ولا", "ولم", "ولن", "وما", "ومع", "وهذا", "وهذه", "وذلك", "وقال", "وقالت", "فيه", "فيها", "منه", "منها", "عليه", "عليها", "اليه", "اليها", "عنه", "عنها", "به", "بها", "له", "لها", "لهم", "بان", "بانه", "انه", "انها", "لان", "كذلك", "مثل", "يا", "ام", "سوف", "سيتم", "تم", "قال", "قالت", "يوم", "اليوم", "امس", "الاحد", "الاثنين", "الثلاثاء", "الاربعاء", "الخميس", "الجمعه", "السبت", "اضاف", "واضاف", "اكد", "واكد", "وفق", "وفقا", "حسب", "عام", "العام", "ذكر", "وذكر", "اوضح", "واوضح", "مضيفا", "مشيرا", "الي", "الا", "لدي", "ضمن", "عبر", "نحو", "دون", "حول", "اكثر", "اقل", "بعض", "جميع", "عده", "احد", "وقت", "الذي", "التي", "وكانت", "وهذا", "فقد", "كما", "وقالت", "لكنه"])

_PREFIXES = ("وبال", "وال", "بال", "كال", "فال", "لل", "ال")
_SUFFIXES = ("يين", "ات", "ون", "ين", "ان", "يه", "ها", "هم", "ي", "ه")
_stem_cache: dict[str, str] = {}
_TABLE_LIMIT = 2_000_000  # entries a per-word table keeps at most (an unusual corpus must not exhaust memory)


class _WordTable(dict):
    """``table[key]`` is ``compute(key)``, computed once and kept (up to _TABLE_LIMIT keys). A dict subclass so
    that a hit is a plain dict lookup from C (``map(table.__getitem__, words)``)."""

    __slots__ = ("compute",)

    def __init__(self, compute):
        super().__init__()
        self.compute = compute

    def __missing__(self, key):
        value = self.compute(key)
        if len(self) < _TABLE_LIMIT:
            self[key] = value
        return value


def stem(word: str) -> str:
    """A light stem of a folded word: the article and attached prepositions off the front, a plural or
    feminine ending off the back, never leaving fewer than three letters. Numbers and Latin words stay."""
    out = _stem_cache.get(word)
    if out is not None:
        return out
    w = word
    if not w.isdigit():
        for p in _PREFIXES:
            if w.startswith(p) and len(w) - len(p) >= 3:
                w = w[len(p):]
                break
        for s in _SUFFIXES:
            if w.endswith(s) and len(w) - len(s) >= 3:
                w = w[: -len(s)]
                break
    if len(_stem_cache) < 2_000_000:
        _stem_cache[word] = w
    return w


def _term_of(word: str) -> str | None:
    """The stemmed term a word counts as, or None for a stopword or a one-letter word."""
    if word in STOPWORDS or len(word) < 2:
        return None
    return _stem_cache.get(word) or stem(word.lower())


_TERM_OF = _WordTable(_term_of)
_CRC = _WordTable(lambda word: zlib.crc32(word.encode()))
_IS_NUMBER = _WordTable(lambda term: _NUMBER.match(term) is not None)


def terms(text_norm: str, words: list[str] | None = None) -> dict[str, int]:
    """Stemmed content words of a folded text (or of its ``words``, already split), counted."""
    return _counted(list(map(_TERM_OF.__getitem__, _WORD.findall(text_norm) if words is None else words)))


def _counted(word_terms: list) -> dict[str, int]:
    """The terms of a text's words (None for a dropped word) counted, each in the place of its first
    occurrence (what counting the words, then adding each distinct word's count to its term, gives), by
    Counter's C loop."""
    counts = Counter(word_terms)
    counts.pop(None, None)
    return dict(counts)


def _numbers(body: dict[str, int]) -> frozenset:
    return frozenset(filter(_IS_NUMBER.__getitem__, body))


def _unique_sorted(values: np.ndarray) -> np.ndarray:
    """np.unique(values) by a sort (numpy 2's np.unique hashes: 16 us against 2.5 us for a text's shingles)."""
    values = np.sort(values)
    if values.size > 1:
        keep = np.empty(values.size, dtype=bool)
        keep[0] = True
        np.not_equal(values[1:], values[:-1], out=keep[1:])
        values = values[keep]
    return values


def shingle_hashes(text_norm: str, words_per_shingle: int = 3, words: list[str] | None = None) -> np.ndarray:
    """Sorted unique 32-bit hashes of the word k-shingles of a folded text (stable across processes: stored
    signatures depend on them). A word hashes to its UTF-8 CRC-32; k consecutive word hashes h1..hk combine
    as ((h1 * MIX + h2) * MIX + ...) mod 2**32, with MIX = 0x9E3779B1."""
    if words is None:
        words = _WORD.findall(text_norm or "")
    if not words:
        return np.zeros(0, dtype=np.uint64)
    word_hashes = np.fromiter(map(_CRC.__getitem__, words), dtype=np.uint64, count=len(words))
    k = min(words_per_shingle, len(words))
    combined = word_hashes[: len(words) - k + 1].copy()
    for i in range(1, k):  # an order-sensitive combination of k consecutive word hashes
        combined = (combined * _MIX + word_hashes[i: len(words) - k + 1 + i]) & _MASK32
    return _unique_sorted(combined)


@dataclass
class Profile:
    shingles: np.ndarray  # sorted unique uint32 shingle hashes of the body
    body: dict[str, int]  # stemmed body terms -> count
    title: dict[str, int]  # stemmed title terms -> count
    numbers: frozenset = field(default_factory=frozenset)
    lead: dict[str, int] | None = None  # stemmed terms of the first LEAD_WORDS body words (None: not stored)

    @classmethod
    def of(cls, title_norm: str, body_norm: str, words_per_shingle: int = 3) -> Profile:
        words = _WORD.findall(body_norm or "")
        word_terms = list(map(_TERM_OF.__getitem__, words))  # the body's and the lead's terms: looked up once
        body = _counted(word_terms)
        return cls(shingle_hashes(body_norm, words_per_shingle, words).astype(np.uint32), body,
                   terms(title_norm), _numbers(body), _counted(word_terms[:LEAD_WORDS]))

    def to_json(self) -> dict:
        return {"b": self.body, "t": self.title, "l": self.lead or {}}

    def scored(self) -> Profile:
        """What ``features`` reads of this profile once its Vector is made (its shingles and numbers), without
        the word counts: what an article of the clustering window keeps."""
        return Profile(self.shingles, _NO_TERMS, _NO_TERMS, self.numbers, None)

    @classmethod
    def from_stored(cls, shingles: bytes, data: dict) -> Profile:
        body = data.get("b") or {}
        return cls(np.frombuffer(bytes(shingles), dtype="<u4").astype(np.uint32), body, data.get("t") or {},
                   _numbers(body), data.get("l"))


_NO_TERMS: dict = {}  # shared, never written


class Idf:
    """Document frequencies of stemmed body terms; idf = ln((1 + N) / (1 + df)) + 1 (terms never seen get
    the highest weight)."""

    def __init__(self, docs: int = 0, df: dict[str, int] | None = None):
        self.docs = docs
        self.df: dict[str, int] = df if df is not None else {}
        self._weights = _WordTable(self.weight)
        self._weights_at = -1  # the document count the cached weights were computed at

    def add(self, profile: Profile) -> None:
        self.docs += 1
        df, words = self.df, profile.body.keys()
        df.update(zip(words, map((1).__add__, map(df.get, words, repeat(0)))))  # df[t] += 1 for each, in C

    def weight(self, term: str) -> float:
        return math.log((1 + self.docs) / (1 + self.df.get(term, 0))) + 1.0

    def weights(self, words) -> list[float]:
        """weight() of each word, cached until the next document is added."""
        if self._weights_at != self.docs:
            self._weights.clear()
            self._weights_at = self.docs
        return list(map(self._weights.__getitem__, words))


class _Ids(dict):
    """A term's number in this process (the next one for a term not seen yet). Not capped like _WordTable: a
    number handed out must stay its term's; it grows with the vocabulary, not with the articles."""

    __slots__ = ()

    def __missing__(self, term):
        self[term] = n = len(self)
        return n


_TERM_IDS = _Ids()


class Sparse:
    """A TF-IDF vector in two arrays: its terms' numbers (``_TERM_IDS``) and their weights, in the order of the
    dict it was made from (a dot product sums in that order, as the dict's did). 12 bytes a term, where the
    dict took about 100 (its entry and a float object): what the clustering window holds for each article."""

    __slots__ = ("ids", "weights")

    def __init__(self, weighted: dict[str, float]):
        n = len(weighted)
        self.ids = np.fromiter(map(_TERM_IDS.__getitem__, weighted), dtype=np.int32, count=n)
        self.weights = np.fromiter(weighted.values(), dtype=np.float64, count=n)

    def __len__(self) -> int:
        return self.ids.size


_scratch = np.zeros(0)  # a weight per term number, all zero between two _sparse_dot calls


class Vector:
    """A profile's TF-IDF vectors under one Idf (body and lead as ``Sparse``, title as a dict; unit length) and
    its heaviest body terms."""

    __slots__ = ("body", "lead", "title", "top")

    def __init__(self, profile: Profile, idf: Idf):
        body = _weighted(profile.body, idf)
        self.body = Sparse(body)
        self.title = _weighted(profile.title, idf)  # a title's few words: a dict is as small, and faster
        self.lead = None if profile.lead is None else Sparse(_weighted(profile.lead, idf))
        self.top = frozenset(map(sys.intern, _heaviest(body)))  # one string per term, however many articles


def _heaviest(body: dict[str, float]) -> frozenset:
    """The TOP_TERMS heaviest terms, ties to the alphabetically first term (the TOP_TERMS smallest of
    (-weight, term)): the TOP_TERMS-th weight found by a sort of the weights alone, the terms above it taken,
    and those at it (usually one) compared by text only when they are more than the places left."""
    if len(body) <= TOP_TERMS:
        return frozenset(body)
    cut = sorted(body.values(), reverse=True)[TOP_TERMS - 1]
    above = [t for t, x in body.items() if x > cut]
    at = [t for t, x in body.items() if x == cut]
    if len(above) + len(at) > TOP_TERMS:
        at = sorted(at)[:TOP_TERMS - len(above)]
    return frozenset(above + at)


_DAMPED = _WordTable(lambda c: 1 + math.log(c))  # a count's damped tf (its key: the count)


def _weighted(counts: dict[str, int], idf: Idf) -> dict[str, float]:
    words = list(counts)
    v = list(map(mul, map(_DAMPED.__getitem__, counts.values()), idf.weights(words)))
    norm = math.sqrt(sum(map(mul, v, v)))  # summed left to right, as sum(x * x for x in v)
    return dict(zip(words, map(truediv, v, repeat(norm, len(v))))) if norm else {}


def _unit(v: dict[str, float]) -> dict[str, float]:
    norm = math.sqrt(sum(x * x for x in v.values()))
    return {t: x / norm for t, x in v.items()} if norm else {}


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    shared = list(filter(b.__contains__, a))
    return sum(map(mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))  # summed in a's order, as always


def _sparse_dot(a: Sparse, b: Sparse) -> float:
    """``_dot`` of two Sparse vectors, to the last bit: the products of the smaller one's terms (the first one's
    when they are as long) with the other's weights, in its order, summed left to right. The other's weights
    are put in a scratch array indexed by term number (zero elsewhere, so a term it lacks adds a product of 0,
    which leaves a sum unchanged) and taken out again: four array operations, with no search. The scratch
    array is the module's: not for two threads at once (the clustering matches in one)."""
    global _scratch
    if a.ids.size > b.ids.size:
        a, b = b, a
    if not a.ids.size:
        return 0
    if _scratch.size < len(_TERM_IDS):
        _scratch = np.zeros(max(2 * len(_TERM_IDS), 1024))
    scratch = _scratch
    scratch[b.ids] = b.weights
    products = a.weights * scratch[a.ids]
    scratch[b.ids] = 0.0
    return sum(products.tolist())


def containment(a: np.ndarray, b: np.ndarray) -> float:
    """Shared hashes over the smaller set's; both sorted and unique (the shared count np.intersect1d gives,
    found by a binary search of the smaller in the larger)."""
    if not a.size or not b.size:
        return 0.0
    if a.size > b.size:
        a, b = b, a
    at = b.searchsorted(a)  # the method: np.searchsorted's Python wrapper cost as much as the search
    np.minimum(at, b.size - 1, out=at)
    return np.count_nonzero(b[at] == a) / a.size


def features(pa: Profile, va: Vector, pb: Profile, vb: Vector, hours_apart: float) -> list[float]:
    """The FEATURES of a pair, in order."""
    numbers = 0.0
    if pa.numbers and pb.numbers:
        numbers = len(pa.numbers & pb.numbers) / min(len(pa.numbers), len(pb.numbers))
    cosine = _sparse_dot(va.body, vb.body)
    lead = cosine if va.lead is None or vb.lead is None else _sparse_dot(va.lead, vb.lead)
    return [containment(pa.shingles, pb.shingles), cosine, _dot(va.title, vb.title),
            len(va.top & vb.top) / TOP_TERMS, numbers, abs(hours_apart), lead]
