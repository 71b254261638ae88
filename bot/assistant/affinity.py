"""Affinity between a researcher and a text (a topic, a role, an abstract): one model for fit, find and evidence.

Two measures, both over the paper vectors the knowledge base already holds:

* **fit score**: how well a person's body of work matches a text. The per-paper cosines are pooled by a
  soft maximum (log-mean-exp at temperature ``SOFTMAX_T``): one matching paper counts, several count more,
  and a long tail of unrelated papers does not drown it as a plain mean would. It was chosen on the
  reviewer-assignment dev sample (bench/reviewer.py) among the few principled variants tried: max, mean,
  top-k mean, BM25 fusion, recency weighting and log-mean-exp at temperatures 0.02-0.1; 0.05 (about half the
  cosine gap between a related and an unrelated abstract for this embedder) did best there. The hidden
  researchers of that benchmark check that this choice holds.
* **paper relevance**: the probability that one paper is on the text's topic, a logistic model of how the
  paper's dense and BM25 scores compare with the best the whole corpus has for that text. Its constants
  were fitted offline by bench/calibration.py on labels made from the corpus itself (topics defined by
  regular expressions over titles and abstracts, plus topics no paper has), never on evaluation questions.
  "Nothing found", the cut-off of ``find`` and the count of matching papers all read this probability.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# Soft-maximum temperature over cosines (see the module docstring).
SOFTMAX_T = 0.05
# Papers whose cosine is within this much of the best carry the fit (their soft-max weight is >= e^-2).
EVIDENCE_GAP = 2 * SOFTMAX_T
# Logistic relevance model, fitted by `python bench/calibration.py` (it prints these constants, the labels it
# used and its accuracy on held-out topics). Features: cosine, cosine / mean of the corpus's ten best cosines, BM25 / mean of the ten best BM25 (at most 1).
RELEVANCE_BIAS = -6.637
RELEVANCE_WEIGHTS = (8.161, -1.341, 6.373)
# How many of the corpus's best scores for a text make the reference its papers are compared with.
REFERENCE_DEPTH = 10
# A paper is counted as matching, and a candidate as having something on the topic, at even odds.
RELEVANT = 0.5


def soft_max(similarities: np.ndarray, temperature: float = SOFTMAX_T) -> float:
    """log-mean-exp: between the mean (high temperature) and the maximum (temperature -> 0)."""
    if not len(similarities):
        return 0.0
    top = float(np.max(similarities))
    return top + temperature * math.log(float(np.mean(np.exp((similarities - top) / temperature))))


def relevance(dense: float, dense_ratio: float, lexical_ratio: float) -> float:
    """Calibrated probability that a paper is on the topic, from its scores against the corpus's best."""
    w_dense, w_ratio, w_lexical = RELEVANCE_WEIGHTS
    z = RELEVANCE_BIAS + w_dense * dense + w_ratio * dense_ratio + w_lexical * lexical_ratio
    return 1.0 / (1.0 + math.exp(-max(-50.0, min(50.0, z))))


@dataclass
class PaperScore:
    """How one paper relates to a text."""

    paper_id: str
    dense: float
    lexical: float = 0.0
    dense_ratio: float = 0.0
    lexical_ratio: float = 0.0
    probability: float = 0.0


@dataclass
class Fit:
    """A person's affinity to a text, with the papers that carry it, best first."""

    candidate_id: str
    score: float
    evidence: list[str] = field(default_factory=list)
    papers: list[PaperScore] = field(default_factory=list)

    @property
    def matching(self) -> int:
        """Papers more likely on the topic than not (computed only when relevance was asked for)."""
        return sum(p.probability >= RELEVANT for p in self.papers)


class TopicScores:
    """A text's scores against the whole corpus, computed once and read for any paper or person."""

    def __init__(self, kb, text: str, vector: np.ndarray | None = None, lexical: bool = True):
        self.kb = kb
        searcher = kb.searcher
        self.text = text
        self.vector = searcher.embed_query(text) if vector is None else vector
        self.bm25 = searcher.bm25_scores(text) if lexical else np.zeros(len(searcher._chunk_ids), np.float32)
        # The reference is the mean of the corpus's ten best scores, not the single best: one outlier paper
        # (or a question whose words one paper happens to pile up) would make every other match look weak.
        nearest = kb.store.query(self.vector, REFERENCE_DEPTH) if kb.catalog.data.chunks else []
        self.dense_best = max((s for _, s in nearest), default=0.0)
        self.dense_ref = float(np.mean([s for _, s in nearest])) if nearest else 0.0
        self.lexical_best = float(np.max(self.bm25)) if len(self.bm25) else 0.0
        depth = min(REFERENCE_DEPTH, len(self.bm25))
        self.lexical_ref = float(np.mean(np.partition(self.bm25, -depth)[-depth:])) if depth else 0.0

    def _dense_of(self, chunk_ids: list[str], vectors: np.ndarray) -> dict[str, float]:
        chunk_paper = self.kb.searcher._chunk_paper
        best: dict[str, float] = {}
        for chunk_id, score in zip(chunk_ids, (vectors @ self.vector).tolist() if len(chunk_ids) else []):
            paper = chunk_paper.get(chunk_id)
            if paper is not None and score > best.get(paper, -2.0):
                best[paper] = score
        return best

    def _lexical_of(self, chunk_ids: list[str]) -> dict[str, float]:
        searcher = self.kb.searcher
        best: dict[str, float] = {}
        for chunk_id in chunk_ids:
            row = searcher._row.get(chunk_id)
            if row is not None:
                paper = searcher._chunk_paper[chunk_id]
                best[paper] = max(best.get(paper, 0.0), float(self.bm25[row]))
        return best

    def score_chunks(self, chunk_ids: list[str], vectors: np.ndarray) -> list[PaperScore]:
        """Scores of the papers these chunks belong to, most relevant first."""
        dense = self._dense_of(chunk_ids, vectors)
        lexical = self._lexical_of(chunk_ids)
        out = []
        for paper, cosine in dense.items():
            ratio = cosine / self.dense_ref if self.dense_ref > 0 else 0.0
            lex = lexical.get(paper, 0.0)
            # Above the ten-best mean is among the best; how far above says nothing more (a few papers that
            # share one rare word with the text tower over the rest: "fold" in "protein folding").
            lex_ratio = min(1.0, lex / self.lexical_ref) if self.lexical_ref > 0 else 0.0
            out.append(PaperScore(paper, cosine, lex, ratio, lex_ratio, relevance(cosine, ratio, lex_ratio)))
        return sorted(out, key=lambda p: (-p.probability, -p.dense, p.paper_id))

    def person(self, person_id: str) -> list[PaperScore]:
        chunk_ids, vectors = self.kb.searcher._vectors_of(person_id)
        return self.score_chunks(chunk_ids, vectors)

    def pool(self, n: int) -> list[PaperScore]:
        """The papers either retriever ranks in its top ``n`` over the whole corpus, scored."""
        searcher = self.kb.searcher
        chunk_ids = [c for c, _ in self.kb.store.query(self.vector, n)]
        if self.lexical_best > 0:
            top = min(n, len(self.bm25))
            rows = np.argpartition(-self.bm25, top - 1)[:top]
            chunk_ids += [searcher._chunk_ids[r] for r in rows.tolist() if self.bm25[r] > 0]
        chunk_ids = list(dict.fromkeys(chunk_ids))
        return self.score_chunks(chunk_ids, searcher.chunk_vectors(chunk_ids))


def fit(kb, person_id: str, text: str, vector: np.ndarray | None = None, calibrated: bool = False,
        scores: TopicScores | None = None) -> Fit:
    """How well ``person_id``'s papers match ``text``; ``calibrated`` adds each paper's relevance probability."""
    searcher = kb.searcher
    if calibrated:
        papers = (scores or TopicScores(kb, text, vector)).person(person_id)
    else:
        chunk_ids, vectors = searcher._vectors_of(person_id)
        query = searcher.embed_query(text) if vector is None else vector
        dense: dict[str, float] = {}
        for chunk_id, score in zip(chunk_ids, (vectors @ query).tolist() if len(chunk_ids) else []):
            paper = searcher._chunk_paper[chunk_id]
            dense[paper] = max(dense.get(paper, -2.0), score)
        papers = [PaperScore(p, s) for p, s in dense.items()]
    if not papers:
        return Fit(person_id, 0.0)
    by_cosine = sorted(papers, key=lambda p: (-p.dense, p.paper_id))
    score = soft_max(np.array([p.dense for p in by_cosine], dtype=np.float64))
    evidence = [p.paper_id for p in by_cosine[:5] if p.dense >= by_cosine[0].dense - EVIDENCE_GAP]
    return Fit(person_id, round(score, 6), evidence, papers)


def rank(kb, person_ids: list[str], text: str) -> list[Fit]:
    """Several people's fits to one text, best first, each with its count of matching papers."""
    scores = TopicScores(kb, text)
    fits = [fit(kb, person, text, vector=scores.vector, calibrated=True, scores=scores)
            for person in dict.fromkeys(person_ids)]
    return sorted(fits, key=lambda f: (-f.score, f.candidate_id))
