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
  A profile made without a lead (``Profile.from_counts`` without one) falls back to the body cosine.

A profile keeps only what the features need (its shingle hashes and word counts). Profiles are not stored
(migration 0026): an article of a later load's window is profiled again from its folded title and body.

Speed (clustering 100,000 articles is bounded, bench/stories_speed.py and bench/cluster_cpu.py): a chunk of
articles is profiled, and its vectors made, at once (``profiles``, ``Vector.many``). Each whitespace-separated
token, word and term gets a number in this process, and what depends on a token, a word or a term alone (its
words; its CRC-32, its stem or that it is dropped; whether it is a number) is computed once and kept in arrays
by number (Arabic news use a vocabulary far smaller than their tokens): a text costs a split and a dict lookup
per token, and the rest is array work over the whole chunk. The features keep their definitions and their order
of operations, so their values do not change (tests/unit/test_story_features.py holds them to a plain
implementation, and a chunk's profiles and vectors to each text's own).
"""

from __future__ import annotations

import math
import os
import re
import zlib
from collections import Counter
from itertools import chain, groupby, repeat
from operator import itemgetter, mul, truediv

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


class _Column:
    """Values appended one at a time (``values``, a list) and read as a numpy array (``read``: grown by
    doubling, filled up to date when read)."""

    __slots__ = ("array", "filled", "values")

    def __init__(self, dtype):
        self.values: list = []
        self.array = np.zeros(1024, dtype=dtype)
        self.filled = 0

    def clear(self) -> None:
        self.values.clear()
        self.filled = 0

    def read(self) -> np.ndarray:
        n = len(self.values)
        if n > self.filled:
            if n > self.array.size:
                grown = np.zeros(max(n, 2 * self.array.size), dtype=self.array.dtype)
                grown[:self.filled] = self.array[:self.filled]
                self.array = grown
            self.array[self.filled:n] = self.values[self.filled:n]
            self.filled = n
        return self.array


class _Ids(dict):
    """A term's number in this process (the next one for a term not seen yet), with its text (``_TERM_NAMES``)
    and whether it is a number (``_TERM_NUMBER``) kept by number. Not capped like _WordTable: a number handed out
    must stay its term's; it grows with the vocabulary, not with the articles."""

    __slots__ = ()

    def __missing__(self, term):
        self[term] = n = len(self)
        _TERM_NAMES.append(term)
        _TERM_NUMBER.values.append(_NUMBER.match(term) is not None)
        return n


_TERM_NAMES: list[str] = []
_TERM_NUMBER = _Column(bool)
_TERM_IDS = _Ids()


class _Vocabulary(dict):
    """A word's number in this process; what depends on the word alone is kept by number in arrays (its term's
    number, -1 for a dropped word: ``_WORD_TERM``; its CRC-32: ``_WORD_CRC``). A text's words are looked up
    once (a dict lookup from C per word, ``map(_WORDS.__getitem__, words)``); the rest is array indexing over
    a whole chunk of texts. Past _TABLE_LIMIT words it is emptied (``_forget_words``), not capped entry by
    entry: its numbers must stay their words' within a ``profiles`` call."""

    __slots__ = ()

    def __missing__(self, word):
        self[word] = n = len(self)
        term = _term_of(word)
        _WORD_TERM.values.append(-1 if term is None else _TERM_IDS[term])
        _WORD_CRC.values.append(zlib.crc32(word.encode()))
        return n


_WORD_TERM = _Column(np.int64)
_WORD_CRC = _Column(np.uint64)
_WORDS = _Vocabulary()


class _Tokens(dict):
    """A token's number in this process (a token: the UTF-8 bytes between two ASCII whitespace characters of a
    text), and its words (``_WORD.findall`` of it: the token itself when all its characters are alphanumeric,
    as most are) kept by number: the word numbers of token t are _TOKEN_WORDS[_TOKEN_START[t]:][:_TOKEN_SIZE[t]].
    A text is then split by ``bytes.split`` and its tokens looked up, and the regex runs once per distinct token,
    not over every text: no whitespace character is a word character, so no word spans two tokens, and the words
    are ``_WORD.findall``'s of the text, in its order (other whitespace than ASCII's stays in a token, where the
    regex splits it). Bytes, because splitting and hashing them costs two thirds of str's (a str cut from an
    Arabic text is checked for its widest character). Emptied with _WORDS (``_forget_words``)."""

    __slots__ = ()

    def __missing__(self, token: bytes):
        self[token] = n = len(self)
        text = token.decode("utf-8", "surrogatepass")  # (ASCII whitespace never falls inside a character's bytes)
        words = [text] if text.isalnum() else _WORD.findall(text)  # (isalnum: what \w matches, less "_")
        _TOKEN_START.values.append(len(_TOKEN_WORDS.values))
        _TOKEN_SIZE.values.append(len(words))
        _TOKEN_WORDS.values.extend(map(_WORDS.__getitem__, words))
        return n


_TOKEN_START = _Column(np.int64)
_TOKEN_SIZE = _Column(np.int64)
_TOKEN_WORDS = _Column(np.int64)
_TOKENS = _Tokens()


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
    """The term numbers of the terms of ``body`` that are numbers."""
    return frozenset(_TERM_IDS[t] for t in filter(_IS_NUMBER.__getitem__, body))


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


def _bounds(sizes: np.ndarray) -> np.ndarray:
    """Where each run of a concatenation starts, and the end: [0, s0, s0 + s1, ...]."""
    out = np.zeros(sizes.size + 1, dtype=np.int64)
    np.cumsum(sizes, out=out[1:])
    return out


def _word_numbers(texts: list[str]) -> tuple[np.ndarray, np.ndarray]:
    """The words of all ``texts`` as word numbers (``_WORD.findall``'s words, by way of ``_TOKENS``),
    concatenated, and each text's bounds in it."""
    if len(_TOKENS) > _TABLE_LIMIT or len(_WORDS) > _TABLE_LIMIT:  # (an unusual corpus must not exhaust memory)
        _forget_words()
    tokens = [(t if type(t) is bytes else t.encode("utf-8", "surrogatepass")).split() for t in texts]
    token_bounds = _bounds(np.fromiter(map(len, tokens), dtype=np.int64, count=len(tokens)))
    numbers = np.fromiter(map(_TOKENS.__getitem__, chain.from_iterable(tokens)), dtype=np.int64,
                          count=int(token_bounds[-1]))
    del tokens
    start, size, words = _TOKEN_START.read()[numbers], _TOKEN_SIZE.read()[numbers], _TOKEN_WORDS.read()
    ends = np.cumsum(size)
    bounds = np.concatenate([[0], ends])[token_bounds]
    if (size == 1).all():
        return words[start], bounds
    return words[np.arange(int(bounds[-1])) + np.repeat(start - (ends - size), size)], bounds


def _forget_words() -> None:
    """Empty the token and word tables: their numbers are read only within one ``profiles`` call (a term's
    number, which vectors hold, stays its term's)."""
    _TOKENS.clear()
    _WORDS.clear()
    for column in (_TOKEN_START, _TOKEN_SIZE, _TOKEN_WORDS, _WORD_TERM, _WORD_CRC):
        column.clear()


def _counted_runs(word_terms: np.ndarray, bounds: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``_counted`` of each run of ``word_terms`` (term numbers, -1 for a dropped word; run i is
    word_terms[bounds[i]:bounds[i + 1]]), for all runs at once: (terms, counts, their bounds), each run's terms
    in the order of their first occurrence. One sort of (run, term) keys gives each distinct key's count and
    first place (the least of its places); the distinct keys taken in the order of their first places are run
    by run (the runs follow each other), then first occurrence."""
    n = bounds.size - 1
    run = np.repeat(np.arange(n, dtype=np.int64), np.diff(bounds))
    kept = word_terms >= 0
    keys = (run[kept] << 32) | word_terms[kept]
    if not keys.size:
        return _NO_IDS, _NO_COUNTS, np.zeros(n + 1, dtype=np.int64)
    order = np.argsort(keys)  # (not a stable sort: a third of the time, and the first place is taken below)
    ordered = keys[order]
    new = np.empty(ordered.size, dtype=bool)
    new[:1] = True
    np.not_equal(ordered[1:], ordered[:-1], out=new[1:])
    starts = np.flatnonzero(new)
    counted = np.zeros(keys.size, dtype=np.int64)  # each distinct key's count at its first place, 0 elsewhere
    counted[np.minimum.reduceat(order, starts)] = np.diff(np.append(starts, ordered.size))
    firsts = np.flatnonzero(counted)
    keys = keys[firsts]
    return (keys & 0xFFFFFFFF).astype(np.int32), counted[firsts], np.searchsorted(keys >> 32, np.arange(n + 1))


def _chunk_shingles(crcs: np.ndarray, bounds: np.ndarray, k: int) -> list[np.ndarray]:
    """``shingle_hashes`` (as uint32) of each text, for all at once: the k-word combinations computed over the
    concatenated word hashes (a combination depends on its k words only), those within one text kept, sorted
    and made unique by (text, hash) in one sort."""
    n = bounds.size - 1
    sizes = np.diff(bounds)
    out = [_NO_SHINGLES] * n
    total = crcs.size
    if total >= k:
        combined = crcs[: total - k + 1].copy()
        for i in range(1, k):
            combined = (combined * _MIX + crcs[i: total - k + 1 + i]) & _MASK32
        run = np.repeat(np.arange(n, dtype=np.uint64), sizes)[: total - k + 1]
        starts = bounds[:-1][run.astype(np.int64)]
        within = np.arange(total - k + 1) - starts <= sizes[run.astype(np.int64)] - k
        keys = _unique_sorted((run[within] << np.uint64(32)) | combined[within])
        hashes = (keys & _MASK32).astype(np.uint32)
        cut = _bounds(np.bincount((keys >> np.uint64(32)).astype(np.int64), minlength=n))
        for i in np.flatnonzero(sizes >= k).tolist():
            out[i] = hashes[cut[i]:cut[i + 1]]
    for i in np.flatnonzero((sizes > 0) & (sizes < k)).tolist():  # shorter than a shingle: one of all its words
        combined = crcs[bounds[i]]
        for h in crcs[bounds[i] + 1:bounds[i + 1]]:
            combined = (combined * _MIX + h) & _MASK32
        out[i] = np.array([combined], dtype=np.uint32)
    return out


_NO_SHINGLES = np.zeros(0, dtype=np.uint32)
_NO_IDS = np.zeros(0, dtype=np.int32)
_NO_COUNTS = np.zeros(0, dtype=np.int64)


def profiles(titles: list, bodies: list, words_per_shingle: int = 3) -> list[Profile]:
    """``Profile.of`` each (title_norm, body_norm), for a chunk of articles at once: the words looked up once
    each, then array work over the whole chunk (what a word or term alone decides, by its number; the terms
    counted by one sort per part: body, lead, title), instead of a dozen small calls per article. A text may
    be given as its UTF-8 bytes."""
    return split_profiles(profile_arrays(titles, bodies, words_per_shingle))


def profile_arrays(titles: list, bodies: list, words_per_shingle: int = 3) -> dict[str, np.ndarray]:
    """The profiles of a chunk as a few arrays (what ``split_profiles`` cuts into Profiles): each part's values
    concatenated text after text, with each text's bounds in them. Terms are numbers of this process
    (``_TERM_IDS``). Few objects, so cheap to send to another process (``ProfileWorker``)."""
    wids, bounds = _word_numbers(bodies)
    twids, tbounds = _word_numbers(titles)
    word_term, word_crc = _WORD_TERM.read(), _WORD_CRC.read()  # (after the lookups: new words included)
    shingles = _chunk_shingles(word_crc[wids], bounds, words_per_shingle)
    body_terms = word_term[wids]
    body, body_counts, body_cut = _counted_runs(body_terms, bounds)
    sizes = np.diff(bounds)
    first = (np.arange(wids.size) - np.repeat(bounds[:-1], sizes)) < LEAD_WORDS
    lead, lead_counts, lead_cut = _counted_runs(body_terms[first], _bounds(np.minimum(sizes, LEAD_WORDS)))
    title, title_counts, title_cut = _counted_runs(word_term[twids], tbounds)
    shingle_cut = _bounds(np.fromiter(map(len, shingles), dtype=np.int64, count=len(shingles)))
    return {"shingles": np.concatenate(shingles) if shingles else _NO_SHINGLES, "shingle_cut": shingle_cut,
            "body": body, "body_counts": body_counts, "body_cut": body_cut,
            "lead": lead, "lead_counts": lead_counts, "lead_cut": lead_cut,
            "title": title, "title_counts": title_counts, "title_cut": title_cut}


def split_profiles(arrays: dict[str, np.ndarray]) -> list[Profile]:
    """The Profiles of ``profile_arrays``'s chunk (its terms: numbers of this process), each a view of the
    chunk's arrays."""
    body, body_cut, shingles = arrays["body"], arrays["body_cut"], arrays["shingles"]
    n = body_cut.size - 1
    numbers = [frozenset()] * n
    where = np.flatnonzero(_TERM_NUMBER.read()[body])
    if where.size:
        runs = np.searchsorted(body_cut, where, side="right") - 1
        for i, group in groupby(zip(runs.tolist(), body[where].tolist()), key=itemgetter(0)):
            numbers[i] = frozenset(t for _, t in group)
    body_counts, lead, lead_counts = arrays["body_counts"], arrays["lead"], arrays["lead_counts"]
    title, title_counts = arrays["title"], arrays["title_counts"]
    b, lc, t = body_cut.tolist(), arrays["lead_cut"].tolist(), arrays["title_cut"].tolist()
    sc = arrays["shingle_cut"].tolist()
    return [Profile(shingles[sc[i]:sc[i + 1]], body[b[i]:b[i + 1]], body_counts[b[i]:b[i + 1]],
                    title[t[i]:t[i + 1]], title_counts[t[i]:t[i + 1]], numbers[i], lead[lc[i]:lc[i + 1]],
                    lead_counts[lc[i]:lc[i + 1]])
            for i in range(n)]


_sent_terms = 0  # (in a ProfileWorker's process) the terms whose text was sent already


def worker_profile_arrays(titles: list, bodies: list, words_per_shingle: int) -> tuple:
    """``profile_arrays`` in a worker process, with the text of each term it numbered since its last call:
    (this process's id, the number of the first new term, their texts, the arrays)."""
    global _sent_terms
    arrays = profile_arrays(titles, bodies, words_per_shingle)
    first, _sent_terms = _sent_terms, len(_TERM_NAMES)
    return os.getpid(), first, _TERM_NAMES[first:], arrays


class TermMap:
    """Another process's term numbers as this process's: the text of each of its terms arrives once
    (``worker_profile_arrays``), and its numbers are then mapped by one array lookup."""

    def __init__(self):
        self.pid: int | None = None
        self.ours = np.zeros(0, dtype=np.int32)  # this process's number of the other process's term i

    def arrays(self, reply: tuple) -> dict[str, np.ndarray]:
        """``worker_profile_arrays``'s reply with this process's term numbers."""
        pid, first, names, arrays = reply
        if pid != self.pid:  # (another worker: its numbering starts again)
            self.pid, self.ours = pid, np.zeros(0, dtype=np.int32)
        if first != self.ours.size:
            raise RuntimeError(f"profile worker {pid} sent terms from {first}, {self.ours.size} were known")
        if names:
            new = np.fromiter(map(_TERM_IDS.__getitem__, names), dtype=np.int32, count=len(names))
            self.ours = np.concatenate([self.ours, new])
        out = dict(arrays)
        for part in ("body", "lead", "title"):
            out[part] = self.ours[arrays[part]]
        return out


def _named(ids: np.ndarray, counts: np.ndarray) -> dict[str, int]:
    return dict(zip(map(_TERM_NAMES.__getitem__, ids.tolist()), counts.tolist()))


def _numbered(counts: dict[str, int]) -> tuple[np.ndarray, np.ndarray]:
    return (np.fromiter(map(_TERM_IDS.__getitem__, counts), dtype=np.int32, count=len(counts)),
            np.fromiter(counts.values(), dtype=np.int64, count=len(counts)))


class Profile:
    """What the features read of an article: its shingle hashes, and the terms of its body, its title and its
    lead as term numbers (``_TERM_IDS``) with their counts, each in the place of its first occurrence (the
    order vectors sum in); ``body``, ``title`` and ``lead`` give them as dicts of terms."""

    __slots__ = ("body_counts", "body_ids", "lead_counts", "lead_ids", "numbers", "shingles", "title_counts",
                 "title_ids")

    def __init__(self, shingles: np.ndarray, body_ids: np.ndarray, body_counts: np.ndarray,
                 title_ids: np.ndarray, title_counts: np.ndarray, numbers: frozenset = frozenset(),
                 lead_ids: np.ndarray | None = None, lead_counts: np.ndarray | None = None):
        self.shingles = shingles  # sorted unique uint32 shingle hashes of the body
        self.body_ids, self.body_counts = body_ids, body_counts
        self.title_ids, self.title_counts = title_ids, title_counts
        self.numbers = numbers  # the numbers of the body terms that are numbers (two digits or more)
        self.lead_ids, self.lead_counts = lead_ids, lead_counts  # the first LEAD_WORDS words' (None: none given)

    @classmethod
    def of(cls, title_norm: str, body_norm: str, words_per_shingle: int = 3) -> Profile:
        return profiles([title_norm or ""], [body_norm or ""], words_per_shingle)[0]

    @classmethod
    def from_counts(cls, shingles: np.ndarray, body: dict[str, int], title: dict[str, int],
                    lead: dict[str, int] | None = None) -> Profile:
        lead_ids, lead_counts = (None, None) if lead is None else _numbered(lead)
        return cls(shingles, *_numbered(body), *_numbered(title), _numbers(body), lead_ids, lead_counts)

    @property
    def body(self) -> dict[str, int]:
        return _named(self.body_ids, self.body_counts)

    @property
    def title(self) -> dict[str, int]:
        return _named(self.title_ids, self.title_counts)

    @property
    def lead(self) -> dict[str, int] | None:
        return None if self.lead_ids is None else _named(self.lead_ids, self.lead_counts)

    def scored(self) -> Profile:
        """What ``features`` reads of this profile once its Vector is made (its shingles and numbers), without
        the word counts: what an article of the clustering window keeps."""
        return Profile(self.shingles, _NO_IDS, _NO_COUNTS, _NO_IDS, _NO_COUNTS, self.numbers)


class Idf:
    """Document frequencies of stemmed body terms; idf = ln((1 + N) / (1 + df)) + 1 (terms never seen get
    the highest weight)."""

    def __init__(self, docs: int = 0, df: dict[str, int] | None = None):
        self.docs = docs
        self.df: dict[str, int] = df if df is not None else {}
        self._weights = _WordTable(self.weight)
        self._weights_at = -1  # the document count the cached weights were computed at
        self._by_id = np.zeros(0)  # weight() by term number (NaN: not computed yet) ...
        self._by_id_at = -1  # ... at this document count

    def add(self, profile: Profile) -> None:
        self.docs += 1
        df, words = self.df, list(map(_TERM_NAMES.__getitem__, profile.body_ids.tolist()))
        df.update(zip(words, map((1).__add__, map(df.get, words, repeat(0)))))  # df[t] += 1 for each, in C

    def weight(self, term: str) -> float:
        return math.log((1 + self.docs) / (1 + self.df.get(term, 0))) + 1.0

    def weights(self, words) -> list[float]:
        """weight() of each word, cached until the next document is added."""
        if self._weights_at != self.docs:
            self._weights.clear()
            self._weights_at = self.docs
        return list(map(self._weights.__getitem__, words))

    def weights_by_id(self, ids: np.ndarray) -> np.ndarray:
        """weight() of each term number, each term's computed once until the document count changes (as
        ``weights`` caches them: a term's frequency is read before a vector holding it is made)."""
        size = len(_TERM_NAMES)
        if self._by_id_at != self.docs:
            self._by_id = np.full(max(size, 1024), np.nan)
            self._by_id_at = self.docs
        elif self._by_id.size < size:
            grown = np.full(max(size, 2 * self._by_id.size), np.nan)
            grown[:self._by_id.size] = self._by_id
            self._by_id = grown
        out = self._by_id[ids]
        missing = np.isnan(out)
        if missing.any():
            new = np.unique(ids[missing])
            # weight() of each, its steps by C loops: (1 + N) / (1 + df) divides two floats that hold the integers
            # exactly (what int / int does for integers below 2**53), math.log of each, then + 1.0
            df = np.fromiter(map(self.df.get, map(_TERM_NAMES.__getitem__, new.tolist()), repeat(0)),
                             dtype=np.float64, count=new.size)
            if self.docs < 2**53 and df.max() < 2**53:
                self._by_id[new] = np.array(list(map(math.log, ((1 + self.docs) / (1 + df)).tolist()))) + 1.0
            else:
                self._by_id[new] = list(map(self.weight, map(_TERM_NAMES.__getitem__, new.tolist())))
            out = self._by_id[ids]
        return out


class Sparse:
    """A TF-IDF vector in two arrays: its terms' numbers (``_TERM_IDS``) and their weights, in the order of the
    dict it was made from (a dot product sums in that order, as the dict's did). 12 bytes a term, where the
    dict took about 100 (its entry and a float object): what the clustering window holds for each article."""

    __slots__ = ("ids", "weights")

    def __init__(self, weighted: dict[str, float]):
        n = len(weighted)
        self.ids = np.fromiter(map(_TERM_IDS.__getitem__, weighted), dtype=np.int32, count=n)
        self.weights = np.fromiter(weighted.values(), dtype=np.float64, count=n)

    @classmethod
    def of(cls, ids: np.ndarray, weights: np.ndarray) -> Sparse:
        out = cls.__new__(cls)
        out.ids, out.weights = ids, weights
        return out

    def __len__(self) -> int:
        return self.ids.size


_scratch = np.zeros(0)  # a weight per term number, all zero between two _sparse_dot calls
_DAMPED_BY_COUNT = np.array([math.nan, 1.0])  # a count's damped tf, 1 + log(count), by count (math.log's values)


def _damped(counts: np.ndarray) -> np.ndarray:
    global _DAMPED_BY_COUNT
    top = int(counts.max()) if counts.size else 0
    if top >= _DAMPED_BY_COUNT.size:
        _DAMPED_BY_COUNT = np.array([math.nan] + [1 + math.log(c) for c in range(1, 2 * top + 1)])
    return _DAMPED_BY_COUNT[counts]


def _unit_runs(parts: list[tuple[np.ndarray, np.ndarray]], idf: Idf):
    """``_weighted`` of each (term numbers, counts) of ``parts``, all at once: (term numbers, unit weights,
    bounds) of the concatenation, with the run and the place in it of each term. Each run's squares are summed
    left to right, as sum() did: a row per run, zero after its end (adding 0 leaves a sum as it is), summed by
    a cumulative sum along the row (an accumulation: never pairwise)."""
    n = len(parts)
    sizes = np.fromiter((p[0].size for p in parts), dtype=np.int64, count=n)
    bounds = _bounds(sizes)
    ids = np.concatenate([p[0] for p in parts]) if n else _NO_IDS
    weights = _damped(np.concatenate([p[1] for p in parts]) if n else _NO_COUNTS) * idf.weights_by_id(ids)
    run = np.repeat(np.arange(n, dtype=np.int64), sizes)
    place = np.arange(ids.size) - bounds[run]
    squares = np.zeros((n, int(sizes.max()) if n else 0))
    squares[run, place] = weights * weights
    norms = np.sqrt(np.cumsum(squares, axis=1)[:, -1]) if squares.shape[1] else np.zeros(n)
    if ((norms == 0) & (sizes > 0)).any():  # a vector of norm 0 is empty ({}), as _weighted's
        return _unit_runs([(_NO_IDS, _NO_COUNTS) if norm == 0 else part for part, norm in zip(parts, norms)], idf)
    weights /= np.repeat(norms, sizes)
    return ids, weights, bounds, run, place, sizes


def _tops(ids: np.ndarray, weights: np.ndarray, bounds: np.ndarray, run: np.ndarray, place: np.ndarray,
          sizes: np.ndarray) -> list[frozenset]:
    """``_heaviest`` of each run (as term numbers), all at once: a run of TOP_TERMS terms or fewer is all of
    them; in a longer one the TOP_TERMS-th weight (by one partition of a row per run) cuts, the terms above it
    are taken, and those at it fill the places left, the first by their text when there are more of them."""
    n = sizes.size
    b = bounds.tolist()
    long = sizes > TOP_TERMS
    out = [frozenset()] * n
    for i in np.flatnonzero(~long).tolist():
        out[i] = frozenset(ids[b[i]:b[i + 1]].tolist())
    rows = np.flatnonzero(long)
    if not rows.size:
        return out
    row_of = np.zeros(n, dtype=np.int64)
    row_of[rows] = np.arange(rows.size)
    taken = np.flatnonzero(long[run])  # the terms of the long runs, run by run
    r, terms, w = row_of[run[taken]], ids[taken], weights[taken]
    matrix = np.full((rows.size, int(sizes[rows].max())), -np.inf)
    matrix[r, place[taken]] = w
    cut = -np.partition(-matrix, TOP_TERMS - 1, axis=1)[:, TOP_TERMS - 1]
    del matrix
    chosen = w > cut[r]
    tied = np.flatnonzero(w == cut[r])
    places_left = TOP_TERMS - np.bincount(r[chosen], minlength=rows.size)
    if (np.bincount(r[tied], minlength=rows.size) > places_left).any():  # ties across the cut: by the terms' text
        tied_terms = terms[tied].tolist()
        names = sorted(set(tied_terms), key=_TERM_NAMES.__getitem__)
        rank = dict(zip(names, range(len(names))))
        order = np.lexsort((np.fromiter(map(rank.__getitem__, tied_terms), dtype=np.int64, count=tied.size),
                            r[tied]))  # by run, then by text
        tied_rows = r[tied][order]
        within = np.arange(tied.size) - np.searchsorted(tied_rows, tied_rows)  # the place among its run's ties
        tied = tied[order[within < places_left[tied_rows]]]
    chosen[tied] = True
    tops = map(frozenset, terms[chosen].reshape(-1, TOP_TERMS).tolist())  # TOP_TERMS a run, run by run
    if rows.size == n:
        return list(tops)
    for i, top in zip(rows.tolist(), tops):
        out[i] = top
    return out


class Vector:
    """A profile's TF-IDF vectors under one Idf (body and lead as ``Sparse``, title as a dict of term numbers;
    unit length) and its heaviest body terms (term numbers)."""

    __slots__ = ("body", "lead", "title", "top")

    def __init__(self, profile: Profile, idf: Idf):
        (made,) = Vector.many([profile], idf)
        self.body, self.lead, self.title, self.top = made.body, made.lead, made.title, made.top

    @classmethod
    def many(cls, profiles: list[Profile], idf: Idf) -> list[Vector]:
        """The Vector of each profile under ``idf``, all at once (the same values as one at a time)."""
        n = len(profiles)
        out = [cls.__new__(cls) for _ in range(n)]
        ids, weights, bounds, run, place, sizes = _unit_runs([(p.body_ids, p.body_counts) for p in profiles], idf)
        tops = _tops(ids, weights, bounds, run, place, sizes)
        b = bounds.tolist()
        for i, v in enumerate(out):
            v.body, v.top = Sparse.of(ids[b[i]:b[i + 1]], weights[b[i]:b[i + 1]]), tops[i]
        ids, weights, bounds = _unit_runs([(p.title_ids, p.title_counts) for p in profiles], idf)[:3]
        ids, weights, b = ids.tolist(), weights.tolist(), bounds.tolist()
        for i, v in enumerate(out):  # a title's few words: a dict is as small, and faster
            v.title = dict(zip(ids[b[i]:b[i + 1]], weights[b[i]:b[i + 1]]))
        led = [i for i, p in enumerate(profiles) if p.lead_ids is not None]
        ids, weights, bounds = _unit_runs([(profiles[i].lead_ids, profiles[i].lead_counts) for i in led], idf)[:3]
        b = bounds.tolist()
        for v in out:
            v.lead = None
        for j, i in enumerate(led):
            out[i].lead = Sparse.of(ids[b[j]:b[j + 1]], weights[b[j]:b[j + 1]])
        return out


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


def _dot(a: dict[str, float], b: dict[str, float]) -> float:
    if len(a) > len(b):
        a, b = b, a
    shared = list(filter(b.__contains__, a))
    return sum(map(mul, map(a.__getitem__, shared), map(b.__getitem__, shared)))  # summed in a's order, as always


def _sparse_dot(a: Sparse, b: Sparse) -> float:
    """``_dot`` of two Sparse vectors, to the last bit: the products of the smaller one's terms (the first one's
    when they are as long) with the other's weights, in its order, summed left to right. The other's weights
    are put in a scratch array indexed by term number (zero elsewhere, so a term it lacks adds a product of 0,
    which leaves a sum unchanged) and taken out again: four array operations, with no search. The sum is a
    cumulative sum's last value: an accumulation adds left to right, as sum() of a list of floats does (Python
    3.11's: 3.12 compensates). The scratch array is the module's: not for two threads at once (the clustering
    matches in one)."""
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
    return float(products.cumsum()[-1])


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


def containments(a: np.ndarray, others: list[np.ndarray]) -> list[float]:
    """``containment(a, b)`` for each b of ``others``, by one search of all of them in ``a``: the shared count
    is the same whichever set is searched in the other, and so is its quotient by the smaller size."""
    if not others:
        return []
    sizes = np.fromiter(map(len, others), dtype=np.int64, count=len(others))
    if not a.size:
        return [0.0] * len(others)
    b = np.concatenate(others)
    at = a.searchsorted(b)
    np.minimum(at, a.size - 1, out=at)
    shared = np.bincount(np.repeat(np.arange(sizes.size), sizes)[a[at] == b], minlength=sizes.size)
    smaller = np.minimum(sizes, a.size)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(smaller > 0, shared / smaller, 0.0).tolist()


def features(pa: Profile, va: Vector, pb: Profile, vb: Vector, hours_apart: float,
             contained: float | None = None) -> list[float]:
    """The FEATURES of a pair, in order (``contained``: their containment, when it is known already)."""
    numbers = 0.0
    if pa.numbers and pb.numbers:
        numbers = len(pa.numbers & pb.numbers) / min(len(pa.numbers), len(pb.numbers))
    cosine = _sparse_dot(va.body, vb.body)
    lead = cosine if va.lead is None or vb.lead is None else _sparse_dot(va.lead, vb.lead)
    if contained is None:
        contained = containment(pa.shingles, pb.shingles)
    return [contained, cosine, _dot(va.title, vb.title),
            len(va.top & vb.top) / TOP_TERMS, numbers, abs(hours_apart), lead]
