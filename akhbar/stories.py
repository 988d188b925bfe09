"""Stories in two tiers: every article gets a reprint group and an event story.

- **Reprint group** (``stories.kind = 'reprint'``, ``article_stories.reprint_id``): near copies of one text. Exact
  copies share the md5 of ``body_norm``; near copies are found by *shingle containment*: the word 3-shingles
  the two texts share, over the shorter text's, at least ``Scorer.reprint_containment``. Containment, unlike
  Jaccard, holds when one outlet trims the wire copy or adds a local lead. Candidates come from MinHash LSH
  (datasketch) over the shingles, and from an inverted index of each article's heaviest words; the
  containment itself is computed exactly from the shingle hashes.
- **Event story** (``stories.kind = 'event'``, ``article_stories.story_id``): one or more reprint groups plus
  independent write-ups of the same event within ``Settings.story_event_window_hours`` (48 h). A candidate
  pair (from the heavy-word index) is scored by a logistic regression over seven features
  (``akhbar.story_features``), trained on hand-labelled pairs by ``scripts/train_story_scorer.py``; its
  weights live in ``akhbar/story_scorer.json`` with a version, and each article records the version that
  placed it (``article_stories.model``).
- IDF statistics come from the stored corpus (``story_term_df``) and grow with each clustered batch.
- Incremental: a new article joins the best match's groups or starts its own; existing stories are never
  rebuilt (``akhbar stories recluster`` rebuilds all of them after a model change). An article of the time
  window is profiled again from its folded title and body when a later load is compared with it (the profiles
  are not stored: migration 0026).

Clustering follows the load (``cluster_loaded``): the load commits its articles and queues them
(``story_queue``), then they are clustered in a transaction of their own, under an advisory lock (two
clusterings cannot both start a story for one event). Each article's placement is a row of
``article_stories`` (story, reprint group, the body it was placed by, the scorer version); ``articles`` itself
is not written, so its indexes are not either.
"""

from __future__ import annotations

import gc
import io
import json
import logging
import math
import time
from collections import _count_elements, defaultdict, deque
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from itertools import chain, compress, repeat
from operator import add, is_not, mul, not_, sub, truediv
from pathlib import Path

import numpy as np
import psycopg2.extensions

from akhbar import db
from akhbar.config import Settings
from akhbar.story_features import _TERM_NAMES as TERM_NAMES
from akhbar.story_features import (
    FEATURES,
    Idf,
    Profile,
    TermMap,
    Vector,
    containments,
    features,
    split_profiles,
    worker_profile_arrays,
)
from akhbar.story_features import profiles as story_profiles

log = logging.getLogger(__name__)
NUM_PERM = 128
LOCK_KEY = 0x616B6862  # pg_advisory_xact_lock key for clustering ("akhb")
CHUNK = 1000  # articles read, matched and written at a time (three in memory: one read and being profiled,
#                one matched, one written)
IDF_BATCH = 5000  # a load's articles count in the IDF this many at a time (a multiple of CHUNK; as when CHUNK was 5000)
WINDOW_FETCH = 1000  # stored articles of the window read at a time
MAX_WINDOW = 20_000  # articles the window holds at most (see Clusterer._cap)
SCORER_PATH = Path(__file__).with_name("story_scorer.json")
LSH_THRESHOLD = 0.3  # Jaccard at which MinHash LSH proposes a pair; containment then decides
MIN_SHARED_TOP = 3  # heavy words two articles must share to be scored as one event
MAX_POSTINGS = 200  # a heavy word in more articles of the window than this proposes no pairs
MAX_CANDIDATES = 20  # articles scored per new article at most: those sharing the most heavy words
STORY_SAMPLE = 8  # the most recent members of an event story a joining article is checked against


@dataclass
class Candidate:
    key: object  # the url_key of a staged page, or an article id
    published: object
    source_key: str
    agency: str | None
    content_hash: str
    body_norm: str
    story_id: int | None = None  # set: the article already has a story and keeps it
    title_norm: str = ""
    reprint_id: int | None = None
    title: str | None = None  # (a story's title, when the article starts one)


@dataclass
class ClusterCounts:
    processed: int = 0
    new_stories: int = 0
    joined: int = 0  # articles that joined a story that existed before them
    reprints: int = 0  # articles that joined a reprint group of another article
    seconds: float = 0.0
    capped: int = 0  # window articles forgotten before their time (Clusterer._cap)


@dataclass
class Assignment:
    key: object
    story: object  # story id, or a placeholder ("event", n) for a story created by this batch
    reprint: object  # reprint group id, or a placeholder ("reprint", n)
    model: str
    content_hash: str = ""


class Scorer:
    """The event scorer: P(same event) = sigmoid(intercept + coef . (x - mean) / scale), where x is the
    FEATURES vector with hours_apart read as log(1 + hours)."""

    def __init__(self, version: str, coef: list[float], intercept: float, mean: list[float], scale: list[float],
                 threshold: float, reprint_containment: float, event_window_hours: float = 48.0,
                 story_agreement: float = 0.5, reprint_window_hours: float | None = None,
                 reprint_min_probability: float = 0.0):
        self.version = version
        self.coef = np.asarray(coef, dtype=float)
        self.intercept = float(intercept)
        self.mean = np.asarray(mean, dtype=float)
        self.scale = np.asarray(scale, dtype=float)
        self._coef, self._mean, self._scale = (a.tolist() for a in (self.coef, self.mean, self.scale))
        self.threshold = float(threshold)
        self.reprint_containment = float(reprint_containment)
        self.event_window_hours = float(event_window_hours)
        self.story_agreement = float(story_agreement)
        # a near copy (containment, not an identical text) joins a reprint group only this close in time: a
        # follow-up a day later often repeats yesterday's copy under a new lead (None: the settings' window)
        self.reprint_window_hours = None if reprint_window_hours is None else float(reprint_window_hours)
        # ... and only when it also scores this much as one event (its lead tells a follow-up from a copy)
        self.reprint_min_probability = float(reprint_min_probability)

    @classmethod
    def from_dict(cls, d: dict) -> Scorer:
        if tuple(d["features"]) != FEATURES:
            raise ValueError(f"scorer {d.get('version')} was trained on features {d['features']}, not {FEATURES}")
        return cls(d["version"], d["coef"], d["intercept"], d["mean"], d["scale"], d["threshold"],
                   d["reprint_containment"], d.get("event_window_hours", 48.0), d.get("story_agreement", 0.5),
                   d.get("reprint_window_hours"), d.get("reprint_min_probability", 0.0))

    @classmethod
    def load(cls, path: Path = SCORER_PATH) -> Scorer:
        return cls.from_dict(json.loads(Path(path).read_text(encoding="utf-8")))

    def probability(self, x: list[float]) -> float:
        """In plain floats (numpy's calls cost more than the arithmetic on seven numbers). The same values as
        numpy's but for the dot product's last bits: numpy's BLAS adds each product with a fused multiply-add."""
        v = list(x)
        v[5] = math.log1p(v[5])
        z = self.intercept + sum(map(mul, self._coef, map(truediv, map(sub, v, self._mean), self._scale)))
        return 1.0 / (1.0 + math.exp(-z))


class Signer:
    """datasketch MinHash signatures over precomputed shingle hashes, stored as bytes (affine32 scheme)."""

    SCHEME = "affine32"

    def __init__(self, num_perm: int = NUM_PERM):
        from datasketch import MinHash

        self.num_perm = num_perm
        self._template = MinHash(num_perm=num_perm, seed=1, hashfunc=int, scheme=self.SCHEME)
        self._a, self._b = (p.astype(np.uint32) for p in self._template.permutations)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        """What datasketch's update_batch computes for the affine32 scheme (each value mixed by its 32-bit
        finalizer, then a * h + b mod 2**32, the minimum per permutation), in numpy without a Python call per
        value. tests/unit/test_shingles.py holds it equal to datasketch's own."""
        from datasketch.minhash import _fmix

        if not hashes.size:
            return self._template.hashvalues.copy()
        hv = _fmix(np.asarray(hashes, dtype=np.uint32).reshape(-1, 1), 32)
        with np.errstate(over="ignore"):
            phv = hv * self._a + self._b
        return np.minimum(self._template.hashvalues, phv.min(axis=0))

    def signatures(self, batch: list[np.ndarray]) -> np.ndarray:
        """``signature`` of each array of ``batch``, as the rows of one array, computed for the whole batch at
        once: one pass per permutation over the batch's hashes (mixed once), each text's minimum taken by
        ``np.minimum.reduceat`` (a call per permutation instead of one per text and a (shingles x 128) matrix
        per text: a third of the time)."""
        from datasketch.minhash import _fmix

        out = np.tile(self._template.hashvalues, (len(batch), 1))
        sizes = np.fromiter((h.size for h in batch), dtype=np.int64, count=len(batch))
        filled = np.flatnonzero(sizes)
        if not filled.size:
            return out
        hv = _fmix(np.concatenate([batch[i] for i in filled]).astype(np.uint32, copy=False), 32)
        starts = np.zeros(filled.size, dtype=np.int64)
        np.cumsum(sizes[filled][:-1], out=starts[1:])
        buf = np.empty_like(hv)
        mins = np.empty((len(self._a), filled.size), dtype=np.uint32)
        with np.errstate(over="ignore"):
            for j, (a, b) in enumerate(zip(self._a, self._b)):
                np.multiply(hv, a, out=buf)
                np.add(buf, b, out=buf)
                np.minimum.reduceat(buf, starts, out=mins[j])
        out[filled] = np.minimum(out[filled], mins.T)
        return out

    def minhash(self, values: np.ndarray):
        from datasketch import MinHash

        return MinHash(num_perm=self.num_perm, hashvalues=values, scheme=self.SCHEME,
                       permutations=self._template.permutations)

    @staticmethod
    def to_bytes(values: np.ndarray) -> bytes:
        return values.astype("<u4").tobytes()


_is_some = partial(is_not, None)


class BandIndex:
    """MinHash LSH candidates: the keys whose signature equals the query's in at least one band, with the bands
    of datasketch's ``MinHashLSH(threshold, num_perm)`` (its b bands of r values, taken from it). The same
    candidates as datasketch gives (tests/unit/test_shingles.py holds them equal), written here because
    datasketch's per-call cost (a MinHash object, a byte swap and a storage call per band) was a tenth of
    the clustering's time; a band here is a slice of the signature's bytes, a bucket an entry of its band's dict."""

    def __init__(self, threshold: float = LSH_THRESHOLD, num_perm: int = NUM_PERM):
        from datasketch import MinHashLSH

        lsh = MinHashLSH(threshold=threshold, num_perm=num_perm)
        self.bands, self.rows = lsh.b, lsh.r
        # per band, its bytes -> the key in it, or a set of the keys when there are several: most bands of a text
        # are its own, and a set of one key costs 216 bytes (at 37 bands, 8 KB an article of the window). A dict
        # per band: a band's key is its slice of the signature as it is (no band number to prepend), and the
        # bands' lookups are one map() over the dicts and the slices.
        self._tables: list[dict[bytes, object]] = [{} for _ in range(self.bands)]
        self._keys: dict[object, bytes] = {}  # key -> its signature (its bands are cut again to remove it)
        step = 4 * self.rows  # bytes per band (uint32 values)
        self._slices = [slice(i * step, (i + 1) * step) for i in range(self.bands)]
        self._last: tuple[bytes, list[bytes]] = (b"", [])  # a new article's signature is queried, then inserted

    def _band_keys(self, signature: bytes) -> list[bytes]:
        if signature is self._last[0] or signature == self._last[0]:
            return self._last[1]
        bands = list(map(signature.__getitem__, self._slices))
        self._last = (signature, bands)
        return bands

    def insert(self, key, signature: bytes) -> None:
        if key in self._keys:
            self.remove(key)
        self._keys[key] = signature
        tables, bands = self._tables, self._band_keys(signature)
        buckets = list(map(dict.get, tables, bands))
        if buckets.count(None) == len(buckets):  # every band its own (the usual case): stored by one C loop
            list(map(dict.__setitem__, tables, bands, repeat(key)))
            return
        for table, band, bucket in zip(tables, bands, buckets):
            if bucket is None:
                table[band] = key
            elif type(bucket) is set:  # (a key is hashable, so never a set)
                bucket.add(key)
            elif bucket != key:
                table[band] = {bucket, key}

    def remove(self, key) -> None:
        signature = self._keys.pop(key, None)
        if signature is None:
            return
        # each of the key's bands holds the key, or a set with it (insert put it there, and a set left with one
        # key is that key again): taken out by one C loop, and the sets (few) put back without the key
        tables, bands = self._tables, self._band_keys(signature)
        buckets = list(map(dict.pop, tables, bands))
        if set not in map(type, buckets):
            return
        for table, band, bucket in zip(tables, bands, buckets):
            if type(bucket) is set:
                bucket.discard(key)
                table[band] = next(iter(bucket)) if len(bucket) == 1 else bucket

    def query(self, signature: bytes) -> set:
        found: set = set()
        for bucket in filter(_is_some, map(dict.get, self._tables, self._band_keys(signature))):  # (C loops)
            if type(bucket) is set:
                found |= bucket
            else:
                found.add(bucket)
        return found


@dataclass(slots=True)
class _Entry:
    """An article of the window: what matching a new article against it reads. Its profile keeps only its
    shingles and numbers once its Vector is made (``Profile.scored``)."""

    published: object
    source: str
    story: object
    reprint: object
    profile: Profile
    vector: Vector | None = None
    key: object = None
    serial: int = 0  # its number in the window's indexes (heavy words, LSH): an int hashes and compares fastest


class Clusterer:
    """Assigns candidates (in publication order) to reprint groups and event stories, against the stored
    articles of the time window. With ``cur=None`` it works in memory only (benchmarks, evaluation)."""

    def __init__(self, cur, settings: Settings, scorer: Scorer | None = None, idf: Idf | None = None):
        self.cur = cur
        self.settings = settings
        self.scorer = scorer or Scorer.load()
        self.window = timedelta(hours=max(settings.story_window_hours, self.scorer.event_window_hours))
        self.reprint_window = timedelta(hours=settings.story_window_hours)  # identical texts
        self.copy_window = timedelta(hours=min(settings.story_window_hours,
                                               self.scorer.reprint_window_hours or settings.story_window_hours))
        self.event_window = timedelta(hours=self.scorer.event_window_hours)
        self.signer = Signer()
        self.lsh = BandIndex()
        self.known: dict[object, _Entry] = {}
        self.by_serial: dict[int, _Entry] = {}  # the window's articles by their serial (_Entry.serial)
        self._serial = 0
        self.by_hash: dict[str, object] = {}
        self.by_term: dict[str, set] = defaultdict(set)
        self.order: deque = deque()
        self.story_first: dict[object, object] = {}
        self.story_members: dict[object, list] = {}  # event story -> its members' keys, oldest first
        self.counts = ClusterCounts()
        self.pairs_scored = 0
        self.new_stories: list[tuple] = []  # placeholders, in creation order
        self.story_ids: dict[tuple, int] = {}  # placeholder -> the row create_stories made for it
        self._created = 0  # how many of new_stories have a row
        self.idf = idf if idf is not None else Idf()
        self.df_delta: dict[str, int] = defaultdict(int)
        self.docs_delta = 0
        self._pending_df: dict[str, int] = {}  # words of the documents matched but not counted in the IDF yet
        self._pending_docs = 0
        self._df_loaded: set[str] | None = None  # words whose stored frequency was read (None: in memory only)
        if cur is not None:
            cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
            if idf is None:
                self._df_loaded = set()

    def _load_df(self, profiles) -> None:
        """Read the stored document frequencies of the words these profiles use and that were not read yet
        (the table holds the whole vocabulary; a load needs only its batch's and its window's words)."""
        if self._df_loaded is None:
            return
        ids = np.unique(np.concatenate([p.body_ids for p in profiles] + [p.title_ids for p in profiles]
                                       + [np.zeros(0, dtype=np.int32)]))
        wanted = set(map(TERM_NAMES.__getitem__, ids.tolist()))
        wanted -= self._df_loaded
        if not wanted and self._df_loaded:
            return
        first = not self._df_loaded
        self._df_loaded |= wanted
        self.cur.execute(db.query("story_term_df"), {"terms": sorted(wanted), "with_docs": first})
        for term, df in self.cur.fetchall():
            if term == "":
                self.idf.docs += df
            else:
                self.idf.df[term] = self.idf.df.get(term, 0) + df

    # -- the window index -----------------------------------------------------------------------------------
    def _index(self, key, entry: _Entry, signature: np.ndarray | bytes, content_hash: str):
        if key in self.known:
            self._forget(key)
        if entry.vector is None:
            entry.vector = Vector(entry.profile, self.idf)
        entry.profile = entry.profile.scored()
        self.known[key] = entry
        self.story_members.setdefault(entry.story, []).append(key)
        first = self.story_first.get(entry.story)
        if first is None or entry.published < first:
            self.story_first[entry.story] = entry.published
        self.by_hash.setdefault(content_hash, key)
        entry.key, entry.serial = key, self._serial
        self._serial += 1
        self.by_serial[entry.serial] = entry
        self.lsh.insert(entry.serial, signature if type(signature) is bytes else self.signer.to_bytes(signature))
        list(map(set.add, map(self.by_term.__getitem__, entry.vector.top), repeat(entry.serial)))  # (C loops)
        self.order.append((entry.published, key, content_hash))
        if len(self.known) > MAX_WINDOW:
            self._cap()

    def _cap(self):
        """Forget the articles that joined the window first until it holds MAX_WINDOW: the fallback that bounds
        the clustering's memory when more articles than that fall within one window (72 hours; at MAX_WINDOW,
        6,700 articles a day). A new article is then compared with the MAX_WINDOW that joined last (loaded
        from the database oldest first, then the clustered ones in publication order), and may miss an
        earlier copy or report of its event. ``counts.capped`` counts the articles forgotten early."""
        while len(self.known) > MAX_WINDOW and self.order:
            published, key, content_hash = self.order.popleft()
            entry = self.known.get(key)
            if entry is not None and entry.published == published:  # (not a key indexed again since)
                self._forget(key, content_hash)
                self.counts.capped += 1

    def _forget(self, key, content_hash=None):
        entry = self.known.pop(key, None)
        if entry is None:
            return
        serial = entry.serial
        del self.by_serial[serial]
        self.lsh.remove(serial)
        members = self.story_members.get(entry.story)
        if members is not None:
            if key in members:
                members.remove(key)
            if not members:
                del self.story_members[entry.story]
                self.story_first.pop(entry.story, None)
        by_term, top = self.by_term, entry.vector.top  # (a defaultdict: each of its terms has its postings)
        postings = list(map(by_term.__getitem__, top))
        list(map(set.discard, postings, repeat(serial)))
        for t in compress(top, map(not_, postings)):  # the terms no article of the window has among its heaviest
            del by_term[t]
        if content_hash is not None and self.by_hash.get(content_hash) == key:
            del self.by_hash[content_hash]

    def _load_window(self, start, end, batch_profiles):
        """Placed articles published in [start, end] join the index once (keys: ("a", id)), WINDOW_FETCH rows at
        a time through a server-side cursor, each profiled again from its folded title and body (profiles are
        not stored: see migration 0026) and signed, after the stored frequencies of its words (and, with the
        first part, of the batch's) were read. A word's weight depends on its own frequency and the document
        count only, both read before any vector that holds the word is made: the same vectors as reading the
        whole window first."""
        first = True
        words = self.settings.story_shingle_words
        with self.cur.connection.cursor(name="akhbar_story_window") as window:
            window.itersize = WINDOW_FETCH
            window.execute(db.query("clustered_in_window"), {"start": start, "end": end})
            while True:
                fetched = window.fetchmany(WINDOW_FETCH)
                rows = [r for r in fetched if ("a", r[0]) not in self.known]
                done = len(fetched) < WINDOW_FETCH
                del fetched
                profiles = story_profiles([r[6] or "" for r in rows], [r[7] or "" for r in rows], words)
                if first or rows:
                    self._load_df((batch_profiles if first else []) + profiles)
                    first = False
                signatures = self.signer.signatures([p.shingles for p in profiles])
                vectors = Vector.many(profiles, self.idf)
                for (article_id, published, story_id, reprint_id, source, content_hash, _, _), profile, vector, \
                        values in zip(rows, profiles, vectors, signatures):
                    self._index(("a", article_id), _Entry(published, source, story_id, reprint_id, profile, vector),
                                values, content_hash)
                if done:
                    break

    def _evict(self, before):
        while self.order and self.order[0][0] < before:
            _, key, content_hash = self.order.popleft()
            if key in self.known and self.known[key].published < before:
                self._forget(key, content_hash)

    # -- assignment -----------------------------------------------------------------------------------------
    def assign(self, batch: list[Candidate]) -> list[Assignment]:
        """One Assignment per candidate; ``batch`` in publication order."""
        return self.match(batch, self.prepare(batch))

    def prepare(self, batch: list[Candidate], profiles: list[Profile] | None = None) -> list[Profile]:
        """The batch's profiles (made here unless given: ``ProfileWorker``'s), and what the database holds that
        matching it needs (the stored articles of its window, the document frequencies of its words): the part
        of ``assign`` that reads the database."""
        t0 = time.perf_counter()
        if profiles is None:
            profiles = story_profiles([c.title_norm or "" for c in batch], [c.body_norm or "" for c in batch],
                                      self.settings.story_shingle_words)
        if self.cur is not None and batch:
            self._load_window(batch[0].published - self.window, batch[-1].published + self.window, profiles)
        self.counts.seconds += time.perf_counter() - t0
        return profiles

    def match(self, batch: list[Candidate], profiles: list[Profile], count: bool = True) -> list[Assignment]:
        """The rest of ``assign``, in memory only (no database). The batch's words count in the IDF from the next
        call on (with ``count=False``: from the next ``count_pending``)."""
        if not batch:
            return []
        t0 = time.perf_counter()
        out = []
        signed = self.signer.signatures([p.shingles for p in profiles])
        width = 4 * signed.shape[1]  # (the signatures' bytes made at once, then cut: what to_bytes gives each)
        whole = self.signer.to_bytes(signed)
        fresh = iter([whole[i:i + width] for i in range(0, len(whole), width)])
        for c, profile, vector in zip(batch, profiles, Vector.many(profiles, self.idf)):  # (one IDF for the call)
            self._evict(c.published - self.window)
            signature = next(fresh)  # (the signature's bytes: what the LSH index reads)
            self.counts.processed += 1
            if c.story_id is not None:  # a stored article keeps its story
                story, reprint = c.story_id, c.reprint_id or c.story_id
            else:
                story, reprint = self._match(c, profile, vector, signature)
            self._index(c.key, _Entry(c.published, c.source_key, story, reprint, profile, vector), signature,
                        c.content_hash)
            out.append(Assignment(c.key, story, reprint, self.scorer.version, c.content_hash))
        # the batch's words count from the next batch on, as they would once stored: each term's documents in the
        # batch counted at once (a profile's terms are distinct), then added per term, not per profile and term
        numbers, documents = np.unique(np.concatenate([p.body_ids for p in profiles]), return_counts=True)
        words, documents = list(map(TERM_NAMES.__getitem__, numbers.tolist())), documents.tolist()
        delta, pending = self.df_delta, self._pending_df
        delta.update(zip(words, map(add, map(delta.get, words, repeat(0)), documents)))
        pending.update(zip(words, map(add, map(pending.get, words, repeat(0)), documents)))
        self.docs_delta += len(profiles)
        self._pending_docs += len(profiles)
        if count:
            self.count_pending()
        self.counts.seconds += time.perf_counter() - t0
        return out

    def count_pending(self) -> None:
        """Add the documents matched since the last call to the IDF (``Idf.add`` of each, at once: the same
        counts). ``match(..., count=False)`` leaves them pending, so that the IDF can grow every IDF_BATCH
        articles whatever the size of the chunks matched."""
        if not self._pending_docs:
            return
        df, pending = self.idf.df, self._pending_df
        self.idf.docs += self._pending_docs
        df.update(zip(pending, map(add, map(df.get, pending, repeat(0)), pending.values())))
        pending.clear()
        self._pending_docs = 0

    def _new(self, kind: str):
        placeholder = (kind, len(self.new_stories) + 1)
        self.new_stories.append(placeholder)
        if kind == "event":
            self.counts.new_stories += 1
        return placeholder

    def _match(self, c: Candidate, profile: Profile, vector: Vector, signature: bytes):
        twin = self.by_hash.get(c.content_hash)
        if twin is not None and twin in self.known and abs(self.known[twin].published - c.published) <= self.reprint_window:
            e = self.known[twin]
            self._joined(e.story)
            self.counts.reprints += 1
            return e.story, e.reprint
        by_term = self.by_term
        shared: dict = {}  # one counting call over the postings (Counter's C loop, without Counter's own calls)
        _count_elements(shared, chain.from_iterable(
            [postings for postings in map(by_term.get, vector.top) if postings and len(postings) <= MAX_POSTINGS]))
        lsh_hits = self.lsh.query(signature)
        by_serial = self.by_serial  # (the indexes hold serials; the window's entries give their keys)
        by_words = [k for k, n in shared.items() if n >= MIN_SHARED_TOP]
        if len(by_words) > MAX_CANDIDATES:  # a crowded window (or a subject every outlet writes about)
            # the MAX_CANDIDATES first by (-shared, str(key)): those above the MAX_CANDIDATES-th count, then those
            # at it by their key's text (only these are sorted by text: the count cuts most of them)
            cut = sorted(map(shared.__getitem__, by_words), reverse=True)[MAX_CANDIDATES - 1]
            above = [k for k in by_words if shared[k] > cut]
            at = sorted((k for k in by_words if shared[k] == cut), key=lambda k: str(by_serial[k].key))
            by_words = above + at[:MAX_CANDIDATES - len(above)]
        window = self.window.total_seconds()
        near = []  # (key, entry, hours) of the candidates within the window
        for serial in lsh_hits | set(by_words):
            e = by_serial.get(serial)
            if e is None or e.key == c.key:
                continue
            key = e.key
            hours = abs((e.published - c.published).total_seconds()) / 3600
            if hours * 3600 <= window:
                near.append((key, e, hours))
        best_reprint = (None, 0.0)
        candidates_by_story = defaultdict(list)
        # (the containments of all of them in one search: each pair's feature is the same)
        for (key, e, hours), cont in zip(near, containments(profile.shingles, [e.profile.shingles for _, e, _ in near])):
            if (cont >= self.scorer.reprint_containment and hours * 3600 <= self.copy_window.total_seconds()
                    and min(profile.shingles.size, e.profile.shingles.size) >= 10
                    and (self.scorer.reprint_min_probability <= 0
                         or self._probability(c, profile, vector, key, e, cont) >= self.scorer.reprint_min_probability)):
                if cont > best_reprint[1] or (cont == best_reprint[1] and str(key) < str(best_reprint[0])):
                    best_reprint = (key, cont)
                continue
            if hours * 3600 > self.event_window.total_seconds():
                continue
            # an event story does not drift: every member within the event window of its first one
            if abs(c.published - self.story_first.get(e.story, e.published)) > self.event_window:
                continue
            p = self._probability(c, profile, vector, key, e, cont)
            if p >= self.scorer.threshold:
                candidates_by_story[e.story].append((p, key))
        if best_reprint[0] is not None:
            e = self.known[best_reprint[0]]
            self._joined(e.story)
            self.counts.reprints += 1
            return e.story, e.reprint
        # An event story is joined when the best pair passes the threshold and the article agrees, on average,
        # with the story's members in the window (at most STORY_SAMPLE of them): one strong link to a member of
        # a long story is not enough, which keeps stories from chaining one event into the next.
        best_event = (None, 0.0)
        for story, scored in sorted(candidates_by_story.items(), key=lambda kv: str(kv[0])):
            # the best pair; a tie goes by the key's text (stored and newly loaded articles' keys differ in type)
            p_best, key = max(scored, key=lambda s: (s[0], str(s[1])))
            members = [k for k in self.story_members.get(story, ()) if k in self.known][-STORY_SAMPLE:]
            if len(members) > 1:
                done = {k: q for q, k in scored}
                agree = [done[k] if k in done else self._probability(c, profile, vector, k, self.known[k])
                         for k in members]
                if sum(agree) / len(agree) < self.scorer.story_agreement:
                    continue
            if p_best > best_event[1]:
                best_event = (key, p_best)
        if best_event[0] is not None:
            e = self.known[best_event[0]]
            self._joined(e.story)
            return e.story, self._new("reprint")
        return self._new("event"), self._new("reprint")

    def _probability(self, c, profile, vector, key, e, cont: float | None = None) -> float:
        self.pairs_scored += 1
        hours = abs((e.published - c.published).total_seconds()) / 3600
        return self.scorer.probability(features(profile, vector, e.profile, e.vector, hours, cont))

    def _joined(self, story):
        if not isinstance(story, tuple):
            self.counts.joined += 1

    def create_stories(self) -> list[tuple]:
        """An id for each story (both kinds) created since the last call (``story_ids`` maps every placeholder
        of this clusterer to its id); returns those placeholders, in creation order. Their rows are written
        with the chunk that names them (``_chunk_copies``), before its placements (which reference them)."""
        fresh = self.new_stories[self._created:]
        if fresh:
            self.cur.execute(db.query("allocate_story_ids"), {"n": len(fresh)})
            self.story_ids.update(zip(fresh, sorted(sid for (sid,) in self.cur.fetchall())))
            self._created = len(self.new_stories)
        return fresh

    def save_term_df(self) -> None:
        """Add this clusterer's documents to the stored document frequencies (story_term_df)."""
        if not self.docs_delta:
            return
        rows = [("", self.docs_delta)] + sorted(self.df_delta.items())
        db.execute_values(self.cur, "upsert_story_term_df", rows, page_size=5000)
        self.df_delta.clear()
        self.docs_delta = 0


def _chunk_copies(batch: list[Candidate], assigned: list[Assignment], ids: dict, fresh: list[tuple], chunk: int,
                  encoding: str) -> tuple[io.BytesIO, io.BytesIO, set, set]:
    """The COPY texts of one chunk, encoded for the connection (a StringIO holding Arabic text keeps 4 bytes a
    character once read):
    - the rows of ``stories`` for the stories the chunk created (``fresh``). A story whose one member so far is
      in this chunk (most stories: an article nobody else had) gets its aggregates here, as refresh_stories.sql
      would compute them for a single member: its title, agency, outlet, time, one member, no lag. Any other
      gets an empty row, filled by the refresh after its members are written;
    - the story_updates rows (id, chunk, story_id, reprint_id, published, model, content_hash);
    and the stories to refresh after the chunk (every other story it names), and all the stories it names (if
    one of its articles was withdrawn meanwhile, those are refreshed at the end instead; see _write_chunk)."""
    members: dict[object, list[Candidate]] = defaultdict(list)
    lines = []
    model = db.copy_text(assigned[0].model) if assigned else ""  # one scorer for the whole clustering
    for c, a in zip(batch, assigned):
        members[a.story].append(c)
        members[a.reprint].append(c)
        lines.append(f"{a.key[1]}\t{chunk}\t{ids.get(a.story, a.story)}\t{ids.get(a.reprint, a.reprint)}\t"
                     f"{c.published.isoformat()}\t{model}\t{db.copy_text(a.content_hash)}\n")
    updates = io.BytesIO("".join(lines).encode(encoding))
    lines, singles = [], set()
    of_source: dict[str, tuple[str, str, str]] = {}  # source -> its COPY fields: key, sources, lags
    for placeholder in fresh:
        kind, story_id = placeholder[0], ids[placeholder]
        only = members.get(placeholder, ())
        if len(only) == 1:
            c = only[0]
            when = c.published.isoformat()
            fields = of_source.get(c.source_key)
            if fields is None:
                fields = of_source[c.source_key] = (
                    db.copy_text(c.source_key), db.copy_text(_text_array([c.source_key])),
                    db.copy_text(json.dumps({c.source_key: 0.0}, ensure_ascii=False)))
            source, sources, lags = fields
            lines.append(f"{story_id}\t{kind}\t{c.key[1]}\t{db.copy_text(c.title)}\t{db.copy_text(c.agency)}\t"
                         f"{when}\t{when}\t1\t1\t{sources}\t{source}\t{lags}\t{1 if kind == 'event' else 0}\n")
            singles.add(story_id)
        else:
            lines.append(f"{story_id}\t{kind}\t\\N\t\\N\t\\N\t\\N\t\\N\t0\t0\t{{}}\t\\N\t{{}}\t0\n")
    rows = io.BytesIO("".join(lines).encode(encoding))
    named = {ids.get(k, k) for k in members}
    return rows, updates, named - singles, named


def _text_array(values: list[str]) -> str:
    """A PostgreSQL text[] literal of ``values``, each quoted."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"' for v in values) + "}"


def _write_chunk(cur, stories_rows: io.BytesIO, updates: io.BytesIO, chunk: int, rows: int, to_refresh: set,
                 named: set) -> set:
    """One chunk's new stories, then its placements into story_updates and from there into article_stories
    (update_article_stories.sql, which also takes the articles out of story_queue), then the aggregates of the
    other stories it names refreshed, while the next chunk is matched. Returns the stories whose refresh is
    left to the end: all those of a chunk one of whose articles was withdrawn meanwhile (it was skipped), where
    a story may have no member yet and refreshing it now would remove it while a later chunk still names it."""
    cur.copy_expert(db.query("copy_stories"), stories_rows)
    cur.execute(db.query("insert_story_rows"))
    cur.copy_expert(db.query("copy_story_updates"), updates)
    cur.execute(db.query("update_article_stories"), {"chunk": chunk})
    if cur.fetchone()[0] != rows:
        return named
    refresh(cur, to_refresh)
    return set()


def refresh(cur, story_ids: set[int]) -> None:
    if story_ids:
        cur.execute(db.query("refresh_stories"), {"story_ids": sorted(story_ids)})


def cluster_unclustered(cur, settings: Settings) -> ClusterCounts:
    """Cluster every article waiting in story_queue (see ``_cluster_unclustered``), with Python's cyclic garbage
    collector paused: the clustering makes and drops millions of small containers (a window's entries, postings,
    candidates) and holds no cycles of its own, and each collection walked the whole window again: 12% of the
    clustering's time (100,000 synthetic articles: 46.2 s against 52.8 s). It runs again at the end."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        return _cluster_unclustered(cur, settings)
    finally:
        if was_enabled:
            gc.enable()


class ProfileWorker:
    """Profiles the next chunk in a process of its own while this process matches the current one (profiling a
    chunk costs about half of matching it: 7.5 of 23 s for 100,000 articles). The worker numbers terms its own
    way and sends each term's text once (``TermMap``), so its profiles equal this process's own (the clustering
    does not depend on how terms are numbered: vectors sum in the terms' order of occurrence, ties between
    heavy words go by their text). If the worker fails, this process profiles the rest itself and says so in
    the log: the result is the same, only slower."""

    def __init__(self, words_per_shingle: int):
        from akhbar.pipeline.workers import WorkerPool  # (akhbar.pipeline imports this module)

        self.words = words_per_shingle
        self.pool: WorkerPool | None = WorkerPool(1)
        self.terms = TermMap()

    def submit(self, batch: list[Candidate]) -> tuple:
        """Start profiling ``batch`` (its texts as str, or as UTF-8 bytes); ``profiles`` gives the result."""
        texts = ([c.title_norm or b"" for c in batch], [c.body_norm or b"" for c in batch])
        if self.pool is not None and batch:
            try:
                return texts, self.pool.submit(worker_profile_arrays, *texts, self.words)
            except Exception as exc:  # noqa: BLE001 (a pool that cannot start: profiled here instead)
                self._failed(exc)
        return texts, None

    def profiles(self, submitted: tuple) -> list[Profile]:
        texts, future = submitted
        if future is not None:
            try:
                return split_profiles(self.terms.arrays(future.result()))
            except Exception as exc:  # noqa: BLE001 (a worker that died: this chunk and the rest profiled here)
                self._failed(exc)
        return story_profiles(*texts, self.words)

    def _failed(self, exc: Exception) -> None:
        log.warning("story profile worker failed (%s: %s); profiling in the clustering's own process",
                    exc.__class__.__name__, exc)
        self.close()

    def close(self) -> None:
        if self.pool is not None:
            self.pool.close()
            self.pool = None


def _cluster_unclustered(cur, settings: Settings) -> ClusterCounts:
    """Cluster every article waiting in story_queue (just loaded; left by a crash between a load and its
    clustering; or whose body changed), in publication order, inside the caller's transaction and under the
    clustering lock.

    The articles are read once, in order, through a server-side cursor, and clustered a chunk at a time. A
    chunk's placements are written (its new stories COPYed into ``stories``, its placements into the temporary
    table ``story_updates`` and from there into ``article_stories``, its articles taken out of the queue, and
    the other stories it names refreshed) by a writer thread while the next chunk is matched in memory: the
    database works while Python does, on the machine's other core (psycopg2 lets go of the GIL while the server
    works, and the connection serializes the two threads' statements). When there is more than one chunk, each
    next chunk is profiled by a worker process (``ProfileWorker``) meanwhile. A story a later chunk joins is refreshed
    again after that chunk, so each ends with the aggregates of all its members. ``articles`` is not written:
    its rows and its indexes stay as the load left them.
    """
    from concurrent.futures import ThreadPoolExecutor

    clusterer = Clusterer(cur, settings)  # takes the lock before anything is read
    # the load's session settings: memory for the sorts of the refresh
    cur.execute(db.query("load_session"), {"memory": settings.load_memory})
    cur.execute(db.query("create_story_updates"))
    deferred: set = set()  # stories refreshed at the end (see _write_chunk)
    encoding = psycopg2.extensions.encodings.get(cur.connection.encoding, "utf-8")
    writing = None  # the writer's work on the previous chunk
    with (cur.connection.cursor(name="akhbar_unclustered") as rows_cur,
          cur.connection.cursor() as write_cur, ThreadPoolExecutor(max_workers=1) as writer):
        rows_cur.itersize = CHUNK
        as_bytes = cur.connection.encoding in ("UTF8", "UNICODE")
        if as_bytes:  # the folded texts as their UTF-8 bytes: what profiling splits, and sent to the worker as is
            psycopg2.extensions.register_type(psycopg2.extensions.BYTES, rows_cur)
        rows_cur.execute(db.query("unclustered_in_order"))

        def read() -> list[Candidate]:
            rows = rows_cur.fetchmany(CHUNK)
            if as_bytes:  # (the other text columns decoded: short ones)
                return [Candidate(("a", r[0]), r[1], r[2].decode(), r[3] and r[3].decode(), r[4] and r[4].decode(),
                                  r[5], r[8], r[6], r[9], r[7] and r[7].decode()) for r in rows]
            return [Candidate(("a", r[0]), r[1], r[2], r[3], r[4], r[5], r[8], r[6], r[9], r[7]) for r in rows]

        chunk, written, since_counted = 0, None, 0
        batch = read()
        # more than one chunk: the next one is profiled by a worker process while this one is matched
        worker = ProfileWorker(settings.story_shingle_words) if len(batch) == CHUNK else None
        submitted = worker.submit(batch) if worker else None
        try:
            while True:
                following = read() if batch else []  # (read now: the database is not written meanwhile)
                profiles = worker.profiles(submitted) if worker else None
                if worker:
                    submitted = worker.submit(following)
                profiles = clusterer.prepare(batch, profiles)  # reads the database: before the writer starts
                if written is not None:
                    writing = writer.submit(_write_chunk, write_cur, *written)
                if not batch:
                    break
                assigned = clusterer.match(batch, profiles, count=False)  # in memory, while the writer writes
                since_counted += len(batch)
                if since_counted >= IDF_BATCH:
                    clusterer.count_pending()
                    since_counted = 0
                if writing is not None:
                    deferred |= writing.result()
                chunk += 1
                written = writing = None  # the chunk written: its buffers go before the next ones are made
                fresh = clusterer.create_stories()
                stories_rows, updates, to_refresh, named = _chunk_copies(batch, assigned, clusterer.story_ids,
                                                                         fresh, chunk, encoding)
                written = (stories_rows, updates, chunk, len(assigned), to_refresh, named)
                assigned = profiles = None  # (the next chunk is read before these would be replaced)
                batch, following = following, None
        finally:
            if worker:
                worker.close()
        if writing is not None:
            deferred |= writing.result()
    clusterer.save_term_df()
    refresh(cur, deferred)
    return clusterer.counts


def cluster_loaded(settings: Settings, run_id: int | None = None) -> ClusterCounts:
    """The clustering that follows a load, in a transaction of its own after the load committed: every
    article without a signature (the run's, and any that a crash between an earlier load and its clustering
    left), then the stories whose members a re-load changed. The run's stats get the story counts.

    A crash here loses nothing: the articles are stored and searchable, and stay unclustered until the next
    load or the akhbar_stories DAG (``pipeline.cluster_stories``) clusters them.
    """
    with db.step_transaction(settings, "cluster") as cur:
        counts = cluster_unclustered(cur, settings)
        cur.execute(db.query("stale_story_ids"))
        refresh(cur, {story_id for (story_id,) in cur.fetchall()})
        if run_id is not None:
            cur.execute(db.query("merge_crawl_run_stats"), {"run_id": run_id, "stats": json.dumps(
                {"articles_clustered": counts.processed, "stories_new": counts.new_stories,
                 "stories_joined": counts.joined})})
    return counts


def recluster_all(cur, settings: Settings) -> ClusterCounts:
    """Forget every story and cluster the whole corpus again (after a model or threshold change)."""
    cur.execute(db.query("reset_stories"))
    return cluster_unclustered(cur, settings)
