"""The one-tier clustering of the previous release, frozen here so bench/stories_eval.py --baseline can score it
beside the current code: MinHash Jaccard >= 0.45 (0.35 between two articles crediting the same agency; its
settings AKHBAR_STORY_JACCARD and AKHBAR_STORY_JACCARD_SAME_AGENCY are gone with it) within
Settings.story_window_hours, in memory.
"""

from __future__ import annotations

import time
from collections import deque
from datetime import timedelta
from hashlib import md5

import numpy as np

from akhbar.stories import NUM_PERM, Candidate, ClusterCounts, Signer
from akhbar.story_features import shingle_hashes

STORY_JACCARD = 0.45
STORY_JACCARD_SAME_AGENCY = 0.35


def _jaccard(x: np.ndarray, y: np.ndarray) -> float:
    return float(np.count_nonzero(x == y)) / len(x)


class Clusterer:
    """Assigns candidates (in publication order) to stories, against the stored articles in the time window."""

    def __init__(self, cur, settings):
        from datasketch import MinHashLSH

        self.cur = cur
        self.settings = settings
        self.window = timedelta(hours=settings.story_window_hours)
        self.signer = Signer()
        self.lsh = MinHashLSH(threshold=min(STORY_JACCARD, STORY_JACCARD_SAME_AGENCY),
                              num_perm=NUM_PERM)
        self.known: dict[object, tuple] = {}  # key -> (published, story, agency, signature, content hash)
        self.by_hash: dict[str, object] = {}  # content hash -> key in the index
        self.order: deque = deque()  # (published, key), in time order, for eviction
        self.loaded_until = None
        self.counts = ClusterCounts()
        self.new_stories: list[tuple] = []  # placeholders, in creation order

    def _index(self, key, published, story, agency, values, content_hash):
        if key in self.known:
            self.lsh.remove(key)
        self.known[key] = (published, story, agency, values, content_hash)
        self.by_hash.setdefault(content_hash, key)
        self.lsh.insert(key, self.signer.minhash(values), check_duplication=False)
        self.order.append((published, key))

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
        out = []
        for c in batch:
            self._evict(c.published - self.window)
            # (the release stored each signature; in memory here, each is computed, as for a new article)
            values = self.signer.signature(shingle_hashes(c.body_norm, self.settings.story_shingle_words))
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
                needed = (self.STORY_JACCARD_SAME_AGENCY if c.agency and c.agency == agency
                          else STORY_JACCARD)
                if score >= needed and (score > best_score or (score == best_score and str(key) < str(best_key))):
                    best_key, best_score, story = key, score, candidate_story
        if story is None:
            story = ("new", len(self.new_stories) + 1)
            self.new_stories.append(story)
            self.counts.new_stories += 1
        elif not isinstance(story, tuple):
            self.counts.joined += 1
        return story


def cluster_baseline(docs, settings) -> tuple[dict, float]:
    clusterer = Clusterer(None, settings)
    t0 = time.perf_counter()
    batch = [Candidate(d.docno, d.published, d.source, None, md5(d.body_norm.encode()).hexdigest(), d.body_norm)
             for d in docs]
    story_of = {key: story for key, story, _ in clusterer.assign(batch)}
    return story_of, time.perf_counter() - t0
