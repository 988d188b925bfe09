"""Wire-story clusters: exact and near-duplicate articles across sites grouped into ``stories``.

- Exact duplicates share the md5 of ``body_norm`` (``articles.content_hash``).
- Near duplicates: MinHash (datasketch) over word shingles of ``body_norm``, candidates from an LSH index,
  kept when the estimated Jaccard passes ``Settings.story_jaccard`` (0.45: wire reprints are trimmed,
  re-headlined and given a local lead, so the 0.7-0.8 used for web pages would split them) and the two
  articles were published within ``Settings.story_window_hours`` of each other.
- The agency credit feeds the story: two articles crediting the same agency need less overlap
  (``story_jaccard_same_agency``), and the story records the agency most of its members credit.
- Incremental: only articles without a signature (new, or whose body changed) are processed. They join the
  best-matching story in the window or start one; existing stories are never rebuilt. Each article's
  signature is stored, so later batches compare against it without recomputing.

Clustering runs inside the load transaction, under an advisory lock, so two sources loading at once cannot
both start a story for the same event.
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
class ClusterCounts:
    processed: int = 0
    new_stories: int = 0
    joined: int = 0  # articles that joined a story that existed before them


def shingle_hashes(body_norm: str, words_per_shingle: int) -> np.ndarray:
    """32-bit hashes of the word k-shingles of a normalized body (stable across processes)."""
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

        return MinHash(num_perm=self.num_perm, hashvalues=values, scheme=self.SCHEME)

    @staticmethod
    def to_bytes(values: np.ndarray) -> bytes:
        return values.astype("<u4").tobytes()

    @staticmethod
    def from_bytes(data: bytes) -> np.ndarray:
        return np.frombuffer(bytes(data), dtype="<u4").astype(np.uint32)


def _jaccard(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.count_nonzero(x == y)) / len(x)


def cluster_new_articles(cur, settings: Settings) -> ClusterCounts:
    """Give every article without a signature a story; returns what was done. Runs in the caller's transaction."""
    from datasketch import MinHashLSH

    cur.execute("SELECT pg_advisory_xact_lock(%s)", (LOCK_KEY,))
    counts = ClusterCounts()
    window = timedelta(hours=settings.story_window_hours)
    signer = Signer()
    lsh = MinHashLSH(threshold=min(settings.story_jaccard, settings.story_jaccard_same_agency), num_perm=NUM_PERM)
    known: dict[int, tuple] = {}  # article id -> (published, story key, agency, signature, content hash)
    by_hash: dict[str, int] = {}  # content hash -> article id in the index
    order: deque = deque()  # (published, id) in insertion order, for eviction
    touched: set[int] = set()
    new_story_seq = 0
    assignments = []  # (article id, story key, signature bytes)

    def index(article_id, published, story, agency, values, content_hash):
        known[article_id] = (published, story, agency, values, content_hash)
        by_hash.setdefault(content_hash, article_id)
        lsh.insert(article_id, signer.minhash(values), check_duplication=False)
        order.append((published, article_id))

    after = (None, 0)  # keyset: (published, id) of the last article processed; rows come in time order
    while True:
        cur.execute(db.query("unclustered_articles"),
                    {"after_published": after[0], "after_id": after[1], "limit": CHUNK})
        rows = cur.fetchall()
        if not rows:
            break
        after = (rows[-1][1], rows[-1][0])
        start, end = rows[0][1] - window, rows[-1][1] + window
        # Articles clustered earlier that fall in this chunk's window join the index once.
        cur.execute(db.query("clustered_in_window"), {"start": start, "end": end})
        for article_id, published, story_id, agency, minhash, content_hash in cur:
            if article_id not in known:
                index(article_id, published, story_id, agency, signer.from_bytes(minhash), content_hash)
        for article_id, published, source_key, agency, content_hash, body_norm, story_id in rows:
            while order and order[0][0] < published - window:
                _, old_id = order.popleft()
                if old_id in known:
                    lsh.remove(old_id)
                    old = known.pop(old_id)
                    if by_hash.get(old[4]) == old_id:
                        del by_hash[old[4]]
            values = signer.signature(shingle_hashes(body_norm, settings.story_shingle_words))
            counts.processed += 1
            story = story_id
            if story is None:
                twin = by_hash.get(content_hash)
                if twin is not None and abs(known[twin][0] - published) <= window:
                    story = known[twin][1]
                else:
                    best, best_score = None, 0.0
                    for candidate in lsh.query(signer.minhash(values)):
                        c_published, c_story, c_agency, c_values, _ = known[candidate]
                        if abs(c_published - published) > window:
                            continue
                        score = _jaccard(values, c_values)
                        needed = (settings.story_jaccard_same_agency if agency and agency == c_agency
                                  else settings.story_jaccard)
                        if score >= needed and (score > best_score or (score == best_score and best is not None
                                                                       and candidate < best[0])):
                            best, best_score = (candidate, c_story), score
                    if best is not None:
                        story = best[1]
                if story is None:
                    new_story_seq += 1
                    story = ("new", new_story_seq)
                    counts.new_stories += 1
                elif not isinstance(story, tuple):
                    counts.joined += 1
            if article_id in known:  # a revised body: re-index under its new signature
                lsh.remove(article_id)
            index(article_id, published, story, agency, values, content_hash)
            assignments.append((article_id, story, signer.to_bytes(values)))
        if len(rows) < CHUNK:
            break
    if not assignments:
        return counts
    # Create the new stories, then write every article's story and signature.
    placeholders = sorted({s for _, s, _ in assignments if isinstance(s, tuple)}, key=lambda s: s[1])
    first_member = {}
    for article_id, story, _ in assignments:
        if isinstance(story, tuple):
            first_member.setdefault(story, article_id)
    story_ids = {}
    if placeholders:
        created = db.execute_values(cur, "insert_stories", [(first_member[p],) for p in placeholders],
                                    page_size=1000, fetch=True)
        by_first = {canonical: sid for sid, canonical in created}
        story_ids = {p: by_first[first_member[p]] for p in placeholders}
    rows = []
    for article_id, story, signature in assignments:
        sid = story_ids[story] if isinstance(story, tuple) else story
        touched.add(sid)
        rows.append((article_id, sid, signature))
    db.execute_values(cur, "set_article_stories", rows, template="(%s, %s, %s::bytea)", page_size=1000)
    cur.execute(db.query("refresh_stories"), {"story_ids": sorted(touched)})
    return counts


def recluster_all(cur, settings: Settings) -> ClusterCounts:
    """Forget every story and cluster the whole corpus again (after changing the thresholds)."""
    cur.execute("UPDATE articles SET story_id = NULL, minhash = NULL")
    cur.execute("DELETE FROM stories")
    return cluster_new_articles(cur, settings)
