"""Is the evidence for a topic within a candidate's papers strong enough to answer?

A similarity threshold over all papers cannot tell a real question from a topic the candidate never
worked on: other people's papers on the topic always score well. Comparing the candidate's best paper
with the best paper in the whole corpus can: when the candidate has worked on it, their paper is
among the best there are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


# Measured on the dev questions: topics a candidate never worked on reach at most 1.19, real questions
# about their papers at least 1.42 (English). The bar sits between.
STRONG = 1.3
# Non-English questions: BM25 sees no shared words and the English embedder is weaker, so only the
# dense ratio is used, with a lower bar, and the answer says it is unsure.
PLAUSIBLE_DENSE = 0.55


@dataclass
class Evidence:
    """How well the candidate's best paper fits the query, absolutely and against the whole corpus."""

    paper_id: str | None
    dense: float
    dense_global: float
    lexical: float
    lexical_global: float

    @property
    def dense_ratio(self) -> float:
        return self.dense / self.dense_global if self.dense_global > 0 else 0.0

    @property
    def lexical_ratio(self) -> float:
        return self.lexical / self.lexical_global if self.lexical_global > 0 else 0.0

    @property
    def strength(self) -> float:
        """Sum of both ratios: 2 when the candidate's paper is the corpus's best match for both retrievers."""
        return self.dense_ratio + self.lexical_ratio

    def strong(self, bar: float = STRONG) -> bool:
        """The candidate's best paper is close to the best the whole corpus has, by both retrievers together."""
        return self.paper_id is not None and self.strength >= bar

    def plausible(self) -> bool:
        """For questions the English-only retrievers cannot read well: the dense ratio alone, leniently."""
        return self.paper_id is not None and self.dense_ratio >= PLAUSIBLE_DENSE


def measure(kb, query: str, people: list[str]) -> Evidence:
    """Evidence for ``query`` within ``people``'s papers."""
    searcher = kb.searcher
    own = searcher.dense(query, people)
    if not own:
        return Evidence(None, 0.0, 0.0, 0.0, 0.0)
    best_global = searcher.dense(query, None, 5)
    scores = searcher.bm25_scores(query)
    own_rows = [searcher._row[c] for p in people for c in kb.catalog.chunks_of(p) if c in searcher._row]
    lexical = float(scores[own_rows].max()) if own_rows else 0.0
    return Evidence(
        paper_id=own[0][0], dense=float(own[0][1]),
        dense_global=max(float(best_global[0][1]) if best_global else 0.0, float(own[0][1])),
        lexical=lexical, lexical_global=float(np.max(scores)) if len(scores) else 0.0,
    )
