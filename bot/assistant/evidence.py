"""Is the evidence for a topic within a candidate's papers strong enough to answer?

A similarity threshold over all papers cannot tell a real question from a topic the candidate never
worked on: other people's papers on the topic always score well. Comparing the candidate's best paper
with the best paper in the whole corpus can: when the candidate has worked on it, their paper is
among the best there are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


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

    def strong(self, dense_floor: float = 0.83, lexical_floor: float = 0.45) -> bool:
        """Either retriever finds the candidate's paper close to the best the corpus has."""
        return self.paper_id is not None and (self.dense_ratio >= dense_floor or self.lexical_ratio >= lexical_floor)


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
