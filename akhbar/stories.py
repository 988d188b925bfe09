"""Wire-story clusters: exact and near-duplicate articles across sites grouped into ``stories``.

- Exact duplicates share the md5 of ``body_norm`` (``articles.content_hash``).
- Near duplicates: MinHash (datasketch) over word shingles of ``body_norm``, candidates from an LSH index,
  kept when the estimated Jaccard passes ``Settings.story_jaccard`` (0.45: wire reprints are trimmed,
  re-headlined and given a local lead, so the 0.7-0.8 used for web pages would split them) and the two
  articles were published within ``Settings.story_window_hours`` of each other.
- The agency credit feeds the story: two articles crediting the same agency need less overlap
  (``story_jaccard_same_agency``), and the story records the agency most of its members credit.
- Incremental: only the articles a load writes are processed. A new article joins the best-matching story in
  the window or starts one; existing stories are never rebuilt. Each article's signature is stored, so later
  batches compare against it without recomputing. A re-crawled article keeps its story (and, when its body
  is unchanged, its signature).

The load clusters its batch before the UPSERT, so story and signature are written with the row (an UPDATE
afterwards would re-index every article's search vector). It runs in the load's transaction, under an
advisory lock, so two sources loading at once cannot both start a story for the same event.
"""

from __future__ import annotations

import re
import zlib
from collections import deque
from dataclasses import dataclass
from datetime import timedelta

import numpy as np

from akhbar import db
from akhbar.config import Settings

NUM_PERM = 128
LOCK_KEY = 0x616B6862  # pg_advisory_xact_lock key for clustering ("akhb")
CHUNK = 5000
_WORD = re.compile(r"\w+")
_MIX = np.uint64(0x9E3779B1)
_MASK32 = np.uint64(0xFFFFFFFF)


@dataclass
class Candidate:
    key: object  # the url_key of a staged page, or an article id
    published: object
    source_key: str
    agency: str | None
    content_hash: str
    body_norm: str
    story_id: int | None = None  # set: the article already has a story and keeps it
    minhash: bytes | None = None  # set: its body is unchanged, so is its signature


@dataclass
class ClusterCounts:
    processed: int = 0
    new_stories: int = 0
    joined: int = 0  # articles that joined a story that existed before them


def shingle_hashes(body_norm: str, words_per_shingle: int) -> np.ndarray:
    """32-bit hashes of the word k-shingles of a normalized body (stable across processes: stored signatures
    depend on them). A word hashes to its UTF-8 CRC-32; k consecutive word hashes h1..hk combine as
    ((h1 * MIX + h2) * MIX + ...) mod 2**32, with MIX = 0x9E3779B1."""
    words = _WORD.findall(body_norm or "")
    if not words:
        return np.zeros(0, dtype=np.uint64)
    word_hashes = np.fromiter((zlib.crc32(w.encode()) for w in words), dtype=np.uint64, count=len(words))
    k = min(words_per_shingle, len(words))
    combined = word_hashes[: len(words) - k + 1].copy()
    for i in range(1, k):  # an order-sensitive combination of k consecutive word hashes
        combined = (combined * _MIX + word_hashes[i: len(words) - k + 1 + i]) & _MASK32
    return np.unique(combined)


class Signer:
    """datasketch MinHash signatures over precomputed shingle hashes, stored as bytes (affine32 scheme)."""

    SCHEME = "affine32"

    def __init__(self, num_perm: int = NUM_PERM):
        from datasketch import MinHash

        self.num_perm = num_perm
        self._template = MinHash(num_perm=num_perm, seed=1, hashfunc=int, scheme=self.SCHEME)

    def signature(self, hashes: np.ndarray) -> np.ndarray:
        m = self._template.copy()
        if hashes.size:
            m.update_batch(hashes.tolist())
        return m.hashvalues

    def minhash(self, values: np.ndarray):
        from datasketch import MinHash

        return MinHash(num_perm=self.num_perm, hashvalues=values, scheme=self.SCHEME,
                       permutations=self._template.permutations)

    @staticmethod
    def to_bytes(values: np.ndarray) -> bytes:
        return values.astype("<u4").tobytes()

    @staticmethod
    def from_bytes(data: bytes) -> np.ndarray:
        return np.frombuffer(bytes(data), dtype="<u4").astype(np.uint32)


def _jaccard(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.count_nonzero(x == y)) / len(x)


class Clusterer:
    """Assigns candidates (in publication order) to stories, against the stored articles in the time window."""

    def __init__(self, cur, settings: Settings):
        from datasketch import MinHashLSH

        self.cur = cur
        self.settings = settings
        self.window = timedelta(hours=settings.story_window_hours)
        self.signer = Signer()
        self.lsh = MinHashLSH(threshold=min(settings.story_jaccard, settings.story_jaccard_same_agency),
                              num_perm=NUM_PERM)
        self.known: dict[object, tuple] = {}  # key -> (published, story, agency, signature, content hash)
        self.by_hash: dict[str, object] = {}  # content hash -> key in the index
        self.order: deque = deque()  # (published, key), in time order, for eviction
        self.loaded_until = None
        self.counts = ClusterCounts()
        self.new_stories: list[tuple] = []  # placeholders, in creation order
        cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))

    def _index(self, key, published, story, agency, values, content_hash):
        if key in self.known:
            self.lsh.remove(key)
        self.known[key] = (published, story, agency, values, content_hash)
        self.by_hash.setdefault(content_hash, key)
        self.lsh.insert(key, self.signer.minhash(values), check_duplication=False)
        self.order.append((published, key))

    def _load_window(self, start, end):
        """Stored articles published in [start, end] join the index once (keys: ("a", id))."""
        self.cur.execute(db.query("clustered_in_window"), {"start": start, "end": end})
        for article_id, published, story_id, agency, minhash, content_hash in self.cur.fetchall():
            key = ("a", article_id)
            if key not in self.known:
                self._index(key, published, story_id, agency, self.signer.from_bytes(minhash), content_hash)

    def _evict(self, before):
        while self.order and self.order[0][0] < before:
            _, key = self.order.popleft()
            old = self.known.pop(key, None)
            if old is not None:
                self.lsh.remove(key)
                if self.by_hash.get(old[4]) == key:
                    del self.by_hash[old[4]]

    def assign(self, batch: list[Candidate]) -> list[tuple[object, object, bytes]]:
        """(key, story id or placeholder, signature bytes) per candidate; ``batch`` in publication order."""
        if not batch:
            return []
        self._load_window(batch[0].published - self.window, batch[-1].published + self.window)
        out = []
        for c in batch:
            self._evict(c.published - self.window)
            values = (self.signer.from_bytes(c.minhash) if c.minhash is not None
                      else self.signer.signature(shingle_hashes(c.body_norm, self.settings.story_shingle_words)))
            self.counts.processed += 1
            story = c.story_id if c.story_id is not None else self._match(c, values)
            self._index(c.key, c.published, story, c.agency, values, c.content_hash)
            out.append((c.key, story, self.signer.to_bytes(values)))
        return out

    def _match(self, c: Candidate, values):
        twin = self.by_hash.get(c.content_hash)
        story = None
        if twin is not None and abs(self.known[twin][0] - c.published) <= self.window:
            story = self.known[twin][1]
        else:
            best_key, best_score = None, 0.0
            for key in self.lsh.query(self.signer.minhash(values)):
                published, candidate_story, agency, other, _ = self.known[key]
                if key == c.key or abs(published - c.published) > self.window:
                    continue
                score = _jaccard(values, other)
                needed = (self.settings.story_jaccard_same_agency if c.agency and c.agency == agency
                          else self.settings.story_jaccard)
                if score >= needed and (score > best_score or (score == best_score and str(key) < str(best_key))):
                    best_key, best_score, story = key, score, candidate_story
        if story is None:
            story = ("new", len(self.new_stories) + 1)
            self.new_stories.append(story)
            self.counts.new_stories += 1
        elif not isinstance(story, tuple):
            self.counts.joined += 1
        return story

    def create_stories(self) -> dict[tuple, int]:
        """Insert a row per new story; returns placeholder -> story id."""
        if not self.new_stories:
            return {}
        created = db.execute_values(self.cur, "insert_stories", [(None,)] * len(self.new_stories),
                                    page_size=1000, fetch=True)
        return dict(zip(self.new_stories, sorted(sid for sid, _ in created)))


def cluster_staged(cur, settings: Settings, run_id: int) -> tuple[ClusterCounts, set[int]]:
    """Assign a story to every page the load of ``run_id`` will write; the assignments go to the temporary
    table ``story_assignments`` that load_articles reads. Returns the counts and the stories touched."""
    cur.execute(db.query("create_story_assignments"))
    cur.execute(db.query("staged_for_clustering"), {"run_id": run_id})
    batch = [Candidate(*row) for row in cur.fetchall()]
    clusterer = Clusterer(cur, settings)
    assigned = clusterer.assign(batch)
    ids = clusterer.create_stories()
    rows = [(key, ids.get(story, story), signature) for key, story, signature in assigned]
    db.execute_values(cur, "insert_story_assignments", rows, template="(%s, %s, %s::bytea)", page_size=1000)
    cur.execute(db.query("analyze_story_assignments"))
    return clusterer.counts, {story for _, story, _ in rows}


def refresh(cur, story_ids: set[int]) -> None:
    if story_ids:
        cur.execute(db.query("refresh_stories"), {"story_ids": sorted(story_ids)})


def cluster_unclustered(cur, settings: Settings) -> ClusterCounts:
    """Cluster stored articles that have no signature (loaded before stories existed, or after a reset).

    This one writes with UPDATE, which also re-indexes each row: use it for backlogs, not in the load path.
    """
    clusterer = Clusterer(cur, settings)
    after = (None, 0)  # keyset on (published, id): rows come in time order
    assignments = []
    while True:
        cur.execute(db.query("unclustered_articles"),
                    {"after_published": after[0], "after_id": after[1], "limit": CHUNK})
        rows = cur.fetchall()
        if not rows:
            break
        after = (rows[-1][1], rows[-1][0])
        batch = [Candidate(("a", r[0]), r[1], r[2], r[3], r[4], r[5], r[6]) for r in rows]
        assignments += clusterer.assign(batch)
        if len(rows) < CHUNK:
            break
    ids = clusterer.create_stories()
    rows = [(key[1], ids.get(story, story), signature) for key, story, signature in assignments]
    if rows:
        db.execute_values(cur, "set_article_stories", rows, template="(%s, %s, %s::bytea)", page_size=1000)
    refresh(cur, {story for _, story, _ in rows})
    return clusterer.counts


def recluster_all(cur, settings: Settings) -> ClusterCounts:
    """Forget every story and cluster the whole corpus again (after changing the thresholds)."""
    cur.execute("UPDATE articles SET story_id = NULL, minhash = NULL")
    cur.execute("DELETE FROM stories")
    return cluster_unclustered(cur, settings)
