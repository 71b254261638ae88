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
  paper's dense and BM25 scores compare with the best the whole corpus has for that text (its ten best, and
  its fifty best). Two heads read these features: the topic head counts a person's papers on a topic (``find``,
  ``fit``), the question head decides whether a candidate has anything on what is asked ("nothing found").
  Their constants were fitted offline by bench/calibration.py on labels made from the corpus itself (topics
  defined by regular expressions over titles and abstracts, terse and glossed, plus topics no paper has), never
  on evaluation questions.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np

# Soft-maximum temperature over cosines (see the module docstring).
SOFTMAX_T = 0.05
# Papers whose cosine is within this much of the best carry the fit (their soft-max weight is >= e^-2).
EVIDENCE_GAP = 2 * SOFTMAX_T
# Two logistic heads over one feature vector (see ``TopicScores.score_chunks``: cosine, then for each reference
# depth, cosine / mean of the corpus's best cosines and BM25 / mean of the best BM25, at most 1), both fitted by
# `python bench/calibration.py`, which prints these constants and how each holds on what it was not fitted on.
# * The topic head (every feature): is the paper within a topic's body of work? It counts a person's papers on a
#   topic for ``find`` and ``fit``; fitted on terse and glossed topics, checked on held-out topics' experts.
# * The question head (cosine and the ten-best ratios): is the paper among the very best for a question about a
#   candidate's work? It decides "nothing found"; fitted on the terse topics, as before the topic head came,
#   and checked on paraphrase questions made from the corpus (the bench also prints its refit on the glossed
#   topics, a little better on that check; what decides "nothing found" was left as it was).
TOPIC_BIAS = -7.404
TOPIC_WEIGHTS = (6.822, -3.209, 1.614, 2.331, 4.550)
QUESTION_BIAS = -6.642
QUESTION_WEIGHTS = (8.149, -1.325, 6.370)
# How many of the corpus's best scores for a text make the references its papers are compared with. Ten says
# whether a paper is among the very best for the text (what a question about one paper needs); fifty, whether
# it is within a broad topic's body of work, where the ten best pile up the topic's words and make a typical
# paper on it look weak.
REFERENCE_DEPTHS = (10, 50)
# A paper is counted as matching, and a candidate as having something on the topic, at even odds.
RELEVANT = 0.5


def soft_max(similarities: np.ndarray, temperature: float = SOFTMAX_T) -> float:
    """log-mean-exp: between the mean (high temperature) and the maximum (temperature -> 0)."""
    if not len(similarities):
        return 0.0
    top = float(np.max(similarities))
    return top + temperature * math.log(float(np.mean(np.exp((similarities - top) / temperature))))


def relevances(features: np.ndarray, head: str = "topic") -> np.ndarray:
    """Calibrated probability that each paper (a row of features) is on the text's topic (``head`` "topic") or is
    among the best answers to a question about one paper ("question"), from its scores against the corpus's
    best: one logistic over the whole matrix (a "who has worked on" question scores every paper)."""
    bias, weights = (TOPIC_BIAS, TOPIC_WEIGHTS) if head == "topic" else (QUESTION_BIAS, QUESTION_WEIGHTS)
    features = np.asarray(features, dtype=np.float64)
    z = bias + features[:, :len(weights)] @ np.asarray(weights[:features.shape[1]])
    return 1.0 / (1.0 + np.exp(-np.clip(z, -50.0, 50.0)))


def relevance(features: tuple[float, ...], head: str = "topic") -> float:
    """``relevances`` of one paper."""
    return float(relevances(np.asarray([features], dtype=np.float64), head)[0])


@dataclass
class PaperScore:
    """How one paper relates to a text."""

    paper_id: str
    dense: float
    lexical: float = 0.0
    dense_ratio: float = 0.0
    lexical_ratio: float = 0.0
    probability: float = 0.0
    features: tuple[float, ...] = ()


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

    def __init__(self, kb, text: str, vector: np.ndarray | None = None, lexical: bool = True, head: str = "topic"):
        self.kb = kb
        self.head = head
        searcher = kb.searcher
        self.text = text
        self.vector = searcher.embed_query(text) if vector is None else vector
        self.bm25 = searcher.bm25_scores(text) if lexical else np.zeros(len(searcher._chunk_ids), np.float32)
        # The references are means of the corpus's best scores, not the single best: one outlier paper (or a
        # question whose words one paper happens to pile up) would make every other match look weak.
        deepest = max(REFERENCE_DEPTHS)
        nearest = searcher.nearest_scores(self.vector, deepest) if kb.catalog.data.chunks else []
        self.dense_best = max(nearest, default=0.0)
        self.dense_refs = [float(np.mean(nearest[:d])) if nearest else 0.0 for d in REFERENCE_DEPTHS]
        self.dense_ref = self.dense_refs[0]
        self.lexical_best = float(np.max(self.bm25)) if len(self.bm25) else 0.0
        depth = min(deepest, len(self.bm25))
        best_lexical = np.sort(np.partition(self.bm25, -depth)[-depth:])[::-1] if depth else np.zeros(0)
        self.lexical_refs = [float(np.mean(best_lexical[:d])) if depth else 0.0 for d in REFERENCE_DEPTHS]
        self.lexical_ref = self.lexical_refs[0]

    def _best_per_paper(self, chunk_ids: list[str], vectors: np.ndarray) -> tuple[list[str], np.ndarray, np.ndarray]:
        """The papers these chunks belong to, each with its best chunk's cosine and BM25 score."""
        searcher = self.kb.searcher
        if chunk_ids is searcher._chunk_ids:  # the whole corpus, in catalog order: its grouping is kept
            papers, group = searcher.paper_groups()
            cosine, lexical = vectors @ self.vector, self.bm25
        else:
            keep = [i for i, c in enumerate(chunk_ids) if c in searcher._chunk_paper]
            if not keep:
                return [], np.zeros(0), np.zeros(0)
            cosine = (vectors[keep] if len(keep) < len(chunk_ids) else vectors) @ self.vector
            rows = np.array([searcher._row.get(chunk_ids[i], -1) for i in keep])
            lexical = np.where(rows >= 0, self.bm25[np.maximum(rows, 0)], 0.0) if len(self.bm25) else np.zeros(len(keep))
            papers, group = np.unique(np.array([searcher._chunk_paper[chunk_ids[i]] for i in keep]),
                                      return_inverse=True)
            papers = papers.tolist()
        dense = np.full(len(papers), -2.0)
        np.maximum.at(dense, group, cosine.astype(np.float64))
        best_lexical = np.zeros(len(papers))
        np.maximum.at(best_lexical, group, lexical.astype(np.float64))
        return papers, dense, best_lexical

    def score_chunks(self, chunk_ids: list[str], vectors: np.ndarray, floor: float = 0.0) -> list[PaperScore]:
        """Scores of the papers these chunks belong to, most relevant first; only those at least ``floor`` likely."""
        papers, cosine, lex = self._best_per_paper(chunk_ids, vectors)
        if not papers:
            return []
        columns = [cosine]
        for dense_ref, lexical_ref in zip(self.dense_refs, self.lexical_refs):
            # Above the reference is among the best; how far above says nothing more for BM25 (a few papers
            # that share one rare word with the text tower over the rest: "fold" in "protein folding").
            columns += [cosine / dense_ref if dense_ref > 0 else np.zeros_like(cosine),
                        np.minimum(1.0, lex / lexical_ref) if lexical_ref > 0 else np.zeros_like(cosine)]
        features = np.stack(columns, axis=1)
        probability = relevances(features, self.head)
        kept = np.flatnonzero(probability >= floor)
        order = kept[np.lexsort((kept, -cosine[kept], -probability[kept]))]  # papers come sorted by id
        rows = features[order].tolist()
        return [PaperScore(papers[i], row[0], lx, row[1], row[2], pr, tuple(row))
                for i, row, lx, pr in zip(order.tolist(), rows, lex[order].tolist(), probability[order].tolist())]

    def person(self, person_id: str) -> list[PaperScore]:
        chunk_ids, vectors = self.kb.searcher._vectors_of(person_id)
        return self.score_chunks(chunk_ids, vectors)

    def everything(self, n: int, floor: float = 0.0) -> list[PaperScore]:
        """Every paper of the corpus at least ``floor`` likely, scored, when the index is held in memory; else
        those of the pool of ``n``."""
        searcher = self.kb.searcher
        matrix = searcher._all_vectors()
        if matrix is None:
            return self.pool(n, floor)
        return self.score_chunks(searcher._chunk_ids, matrix, floor)

    def pool(self, n: int, floor: float = 0.0) -> list[PaperScore]:
        """The papers either retriever ranks in its top ``n`` over the whole corpus, scored."""
        searcher = self.kb.searcher
        chunk_ids = [c for c, _ in self.kb.store.query(self.vector, n)]
        if self.lexical_best > 0:
            top = min(n, len(self.bm25))
            rows = np.argpartition(-self.bm25, top - 1)[:top]
            chunk_ids += [searcher._chunk_ids[r] for r in rows.tolist() if self.bm25[r] > 0]
        chunk_ids = list(dict.fromkeys(chunk_ids))
        return self.score_chunks(chunk_ids, searcher.chunk_vectors(chunk_ids), floor)


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


def fit_text(kb, text: str) -> str:
    """What a fit is measured against: a short text (a role, a topic) with the acronyms the corpus defines spelled
    out ("an NMT role"), as find reads them; a long one (an abstract) as it is, since it defines its own."""
    from bot.assistant.topics import spelled_out

    return spelled_out(kb, text) if len(text.split()) <= SHORT_TEXT else text


# Up to this many words a fit text is a role or a topic, not a paper's abstract.
SHORT_TEXT = 30


def rank(kb, person_ids: list[str], text: str) -> list[Fit]:
    """Several people's fits to one text, best first, each with its count of matching papers."""
    scores = TopicScores(kb, text)
    fits = [fit(kb, person, text, vector=scores.vector, calibrated=True, scores=scores)
            for person in dict.fromkeys(person_ids)]
    return sorted(fits, key=lambda f: (-f.score, f.candidate_id))
