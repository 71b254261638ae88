"""Candidate finding: who has worked on a topic, ranked by how much of their work the topic search finds."""

from __future__ import annotations

from bot.assistant.protocol import CandidateHit
from bot.knowledge.search import rrf
from bot.models import Citation

# How deep each retriever looks: a topic's dedicated authors have many papers, not one lucky hit.
POOL = 300


def find_candidates(kb, topic: str, k: int = 10, pool: int = POOL) -> list[CandidateHit]:
    """Candidates ranked by the summed fused rank weight of their papers on the topic.

    Ids that merge several people who share a name are left out: nobody can be contacted under them.
    """
    searcher = kb.searcher
    dense = searcher.dense(topic, None, pool)
    sparse = searcher.bm25(topic, None, pool)
    fused = rrf([dense, sparse], kb.settings.search.rrf_k)
    candidates = kb.catalog.candidates
    score: dict[str, float] = {}
    evidence: dict[str, list[Citation]] = {}
    for paper_id, weight in fused:
        paper = kb.catalog.papers.get(paper_id)
        if paper is None:
            continue
        for person in paper.author_ids:
            if candidates.get(person) is None or candidates[person].ambiguous:
                continue
            score[person] = score.get(person, 0.0) + weight
            evidence.setdefault(person, []).append(Citation(paper=paper, score=weight))
    ranked = sorted(score, key=lambda p: (-score[p], p))[:k]
    return [CandidateHit(candidate=candidates[p], score=round(score[p], 5), evidence=evidence[p][:3]) for p in ranked]
