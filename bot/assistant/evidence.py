"""Is the evidence for a topic within a candidate's papers strong enough to answer?

A similarity threshold cannot tell a real question from a topic the candidate never worked on: other
people's papers on the topic always score well. The affinity model's paper relevance can: it compares each
of the candidate's papers with the best the whole corpus has for the query, by both retrievers, and turns
that into a probability fitted offline on labels made from the corpus (bench/calibration.py; no evaluation
question was used). The candidate has something on the topic when their best paper is more likely on it
than not.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.assistant.affinity import RELEVANT, PaperScore, TopicScores


@dataclass
class Evidence:
    """How well the candidate's best paper fits the query, absolutely, against the whole corpus, and calibrated."""

    paper_id: str | None
    dense: float
    dense_global: float
    lexical: float
    lexical_global: float
    probability: float = 0.0
    papers: list[PaperScore] = field(default_factory=list)

    @property
    def dense_ratio(self) -> float:
        return self.dense / self.dense_global if self.dense_global > 0 else 0.0

    @property
    def lexical_ratio(self) -> float:
        return self.lexical / self.lexical_global if self.lexical_global > 0 else 0.0

    @property
    def strength(self) -> float:
        """The calibrated probability that the candidate's best paper is on the topic."""
        return self.probability

    @property
    def matching(self) -> list[str]:
        """The candidate's papers more likely on the topic than not, most likely first."""
        return [p.paper_id for p in self.papers if p.probability >= RELEVANT]

    def strong(self, bar: float = RELEVANT) -> bool:
        """The candidate's best paper is on the topic with probability at least ``bar`` (even odds by default)."""
        return self.paper_id is not None and self.probability >= bar

    def plausible(self) -> bool:
        """Kept for callers of the former two-bar rule: the same calibrated decision as ``strong``.

        Non-English questions are read through the glossary of bot/knowledge/retrieve.py before they get here.
        """
        return self.strong()


def measure(kb, query: str, people: list[str]) -> Evidence:
    """Evidence for ``query`` within ``people``'s papers."""
    scores = TopicScores(kb, query, head="question")
    papers = sorted((s for person in people for s in scores.person(person)),
                    key=lambda s: (-s.probability, -s.dense, s.paper_id))
    if not papers:
        return Evidence(None, 0.0, 0.0, 0.0, 0.0)
    best = papers[0]
    dense_global = max(scores.dense_best, max(p.dense for p in papers))
    return Evidence(paper_id=best.paper_id, dense=best.dense, dense_global=dense_global, lexical=best.lexical,
                    lexical_global=scores.lexical_best, probability=best.probability, papers=papers)
