"""Hybrid retrieval: dense (Chroma) and BM25 (bm25s) fused by reciprocal rank fusion, at the paper level.

When the question names candidates, only their papers are searched, and exactly: a person has tens of
papers, so a dot product over their vectors is both faster and more faithful than the approximate index.
"""

from __future__ import annotations

import logging
import threading
from collections import OrderedDict
from typing import Literal

import bm25s
import numpy as np

from bot.knowledge.catalog import Catalog
from bot.models import Citation
from bot.settings import SearchSettings
from bot.text import stemmer

logger = logging.getLogger(__name__)
# bm25s sets its own logger to DEBUG on import; its index-building chatter is not ours to show.
logging.getLogger("bm25s").setLevel(logging.WARNING)

Mode = Literal["hybrid", "dense", "bm25"]
Ranking = list[tuple[str, float]]  # (paper id, score), best first


def rrf(rankings: list[Ranking], k: int, weights: list[float] | None = None) -> Ranking:
    """Reciprocal rank fusion of several rankings of paper ids, each with a weight (1 by default)."""
    fused: dict[str, float] = {}
    for ranking, weight in zip(rankings, weights or [1.0] * len(rankings)):
        for rank, (paper_id, _) in enumerate(ranking):
            fused[paper_id] = fused.get(paper_id, 0.0) + weight / (k + rank + 1)
    return sorted(fused.items(), key=lambda item: -item[1])


def fuse_scores(dense: Ranking, sparse: Ranking, sparse_weight: float) -> Ranking:
    """Normalised score fusion, for complete rankings of one person's papers.

    Within a person's papers both retrievers score every paper, so scores can be compared directly:
    measured on the dev questions, this keeps recall@5 at 1.0 where rank fusion lost a paper at rank 6.
    Cosines are min-max scaled (their floor is arbitrary); BM25 is scaled by its maximum (its floor is 0).
    """
    fused: dict[str, float] = {}
    for ranking, weight, floored in ((dense, 1.0, False), (sparse, sparse_weight, True)):
        if not ranking:
            continue
        high, low = ranking[0][1], 0.0 if floored else ranking[-1][1]
        for paper_id, score in ranking:
            fused[paper_id] = fused.get(paper_id, 0.0) + weight * (score - low) / (high - low or 1.0)
    return sorted(fused.items(), key=lambda item: -item[1])


def _by_paper(scored: list[tuple[str, float]], chunk_paper: dict[str, str]) -> Ranking:
    """Chunk scores to paper scores: a paper is as good as its best chunk."""
    best: dict[str, float] = {}
    for chunk_id, score in scored:
        paper_id = chunk_paper.get(chunk_id)
        if paper_id is not None and score > best.get(paper_id, -np.inf):
            best[paper_id] = score
    return sorted(best.items(), key=lambda item: -item[1])


IN_MEMORY_CHUNKS = 20_000


class HybridSearcher:
    """Searches the catalog's chunks; built once per process, then read-only."""

    def __init__(self, catalog: Catalog, store, embedder, settings: SearchSettings):
        self.catalog = catalog
        self.store = store
        self.embedder = embedder
        self.settings = settings
        self._chunk_ids = list(catalog.data.chunks)
        self._chunk_paper = {cid: c.paper_id for cid, c in catalog.data.chunks.items()}
        self._row = {cid: i for i, cid in enumerate(self._chunk_ids)}
        self._bm25 = bm25s.BM25()
        if self._chunk_ids:
            corpus = [catalog.data.chunks[c].text for c in self._chunk_ids]
            tokens = bm25s.tokenize(corpus, stopwords="en", stemmer=stemmer(), show_progress=False)
            self._bm25.index(tokens, show_progress=False)
        self._person_vectors: OrderedDict[str, tuple[list[str], np.ndarray]] = OrderedDict()
        self._queries: OrderedDict[str, np.ndarray] = OrderedDict()
        # The assistant runs in several threads: the caches are read and evicted under this lock (the work of
        # filling them is done outside it, so two threads may compute one entry; both get the same value).
        self._cache_lock = threading.Lock()
        self._matrix: np.ndarray | None = None  # every chunk's vector, rows in _chunk_ids order, when small enough
        self._matrix_lock = threading.Lock()
        self._paper_groups: tuple[list[str], np.ndarray] | None = None  # see paper_groups

    def chunk_vectors(self, chunk_ids: list[str]) -> np.ndarray:
        """Vectors of these chunks: from memory when the whole index fits there, else from the store."""
        matrix = self._all_vectors()
        if matrix is None:
            return self.store.vectors(chunk_ids) if chunk_ids else np.zeros((0, 384), np.float32)
        rows = [self._row.get(c) for c in chunk_ids]
        out = np.zeros((len(chunk_ids), matrix.shape[1] if len(matrix) else 384), np.float32)
        known = [i for i, r in enumerate(rows) if r is not None]
        if known:
            out[known] = matrix[[rows[i] for i in known]]
        return out

    def _all_vectors(self) -> np.ndarray | None:
        # Up to IN_MEMORY_CHUNKS (30 MB of vectors) the whole index is read once: a topic's candidates then
        # cost no store round trip each (2 ms apiece, 24 leaders for one "who has worked on" question).
        # Read once, by one thread: the others wait for it rather than read the store at the same time.
        if self._matrix is None and 0 < len(self._chunk_ids) <= IN_MEMORY_CHUNKS:
            with self._matrix_lock:
                if self._matrix is None:
                    self._matrix = self.store.vectors(self._chunk_ids)
        return self._matrix

    def nearest_scores(self, vector: np.ndarray, k: int) -> list[float]:
        """The cosines of the ``k`` chunks nearest to ``vector``, best first: exact over the vectors in memory when
        the index fits there (deterministic, and no store round trip from the assistant's threads), else the
        store's approximate search."""
        matrix = self._all_vectors()
        if matrix is None or not len(matrix):
            return [s for _, s in self.store.query(vector, k)] if self._chunk_ids else []
        k = min(k, len(matrix))
        sims = matrix @ vector
        return np.sort(np.partition(sims, -k)[-k:])[::-1].astype(float).tolist()

    def paper_groups(self) -> tuple[list[str], np.ndarray]:
        """The corpus's paper ids, sorted, and for each chunk (catalog order) the index of its paper."""
        if self._paper_groups is None:
            papers, group = np.unique(np.array([self._chunk_paper[c] for c in self._chunk_ids], dtype=str),
                                      return_inverse=True)
            self._paper_groups = (papers.tolist(), group)
        return self._paper_groups

    def embed_queries(self, texts: list[str]) -> None:
        """Embeds in one run the queries an answer is about to ask for (one ONNX run costs about as much as
        two of a batch of two), and remembers them for embed_query."""
        with self._cache_lock:
            todo = [t for t in dict.fromkeys(texts) if t and t not in self._queries]
        if not todo:
            return
        vectors = np.asarray(self.embedder.embed_array(todo), dtype=np.float32) if hasattr(self.embedder, "embed_array") \
            else [np.asarray(self.embedder.embed_query(t), dtype=np.float32) for t in todo]
        with self._cache_lock:
            for text, vector in zip(todo, vectors):
                self._queries[text] = vector
            while len(self._queries) > 256:
                self._queries.popitem(last=False)

    def embed_query(self, text: str) -> np.ndarray:
        """The query's vector, remembered for the next few calls (an answer searches more than once)."""
        with self._cache_lock:
            vector = self._queries.get(text)
        if vector is None:
            vector = np.asarray(self.embedder.embed_query(text), dtype=np.float32)
            with self._cache_lock:
                self._queries[text] = vector
                if len(self._queries) > 256:
                    self._queries.popitem(last=False)
        return vector

    def _vectors_of(self, person_id: str) -> tuple[list[str], np.ndarray]:
        with self._cache_lock:
            hit = self._person_vectors.get(person_id)
        if hit is None:
            # By primary key: a metadata filter ($contains on author_ids) scans, ~60 ms at 100k chunks.
            # dict.fromkeys: a paper that lists the same person twice would repeat its chunks (Chroma refuses).
            chunk_ids = list(dict.fromkeys(self.catalog.chunks_of(person_id)))
            hit = (chunk_ids, self.chunk_vectors(chunk_ids))
            with self._cache_lock:
                self._person_vectors[person_id] = hit
                if len(self._person_vectors) > 512:
                    self._person_vectors.popitem(last=False)
        return hit

    def dense(self, query: str, people: list[str] | None = None, n: int | None = None) -> Ranking:
        vector = self.embed_query(query)
        if people:
            ids, scores = [], []
            for person in people:
                chunk_ids, vectors = self._vectors_of(person)
                if len(chunk_ids):
                    ids += chunk_ids
                    scores += (vectors @ vector).tolist()
            return _by_paper(list(zip(ids, scores)), self._chunk_paper)
        return _by_paper(self.store.query(vector, n or self.settings.pool), self._chunk_paper)

    def bm25_scores(self, query: str) -> np.ndarray:
        """BM25 score of every chunk, in catalog order."""
        # The thread's own stemmer: one shared by the assistant's threads returns wrong stems now and then.
        tokens = bm25s.tokenize([query], stopwords="en", stemmer=stemmer(), show_progress=False,
                                return_ids=False)[0]
        if not tokens or not self._chunk_ids:
            return np.zeros(len(self._chunk_ids), dtype=np.float32)
        return self._bm25.get_scores(tokens)

    def bm25(self, query: str, people: list[str] | None = None, n: int | None = None) -> Ranking:
        scores = self.bm25_scores(query)
        if people:
            rows = [self._row[c] for p in people for c in self.catalog.chunks_of(p) if c in self._row]
        else:
            top = min(n or self.settings.pool, len(scores))
            rows = np.argpartition(-scores, top - 1)[:top].tolist() if top else []
        scored = [(self._chunk_ids[r], float(scores[r])) for r in rows if scores[r] > 0]
        return _by_paper(scored, self._chunk_paper)

    def rank(self, query: str, people: list[str] | None = None, mode: Mode = "hybrid", n: int | None = None) -> Ranking:
        """Paper ids ranked for the query, within ``people``'s papers when given."""
        if mode == "dense":
            return self.dense(query, people, n)
        if mode == "bm25":
            return self.bm25(query, people, n)
        dense = self.dense(query, people, n)
        if people:
            return fuse_scores(dense, self.bm25(query, people), self.settings.bm25_weight)
        return rrf([dense, self.bm25(query, people, n)], self.settings.rrf_k)

    def search(self, query: str, people: list[str] | None = None, k: int | None = None,
               mode: Mode = "hybrid") -> list[Citation]:
        """The best ``k`` papers as citations."""
        ranking = self.rank(query, people, mode)[: k or self.settings.k]
        return [Citation(paper=self.catalog.papers[p], score=s) for p, s in ranking if p in self.catalog.papers]
