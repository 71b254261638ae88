"""Candidate finding: who has worked on a topic, ranked by how much of their work the topic search finds."""

from __future__ import annotations

import re

from bot.assistant.protocol import CandidateHit
from bot.knowledge.search import rrf
from bot.models import Citation

# Words that frame a "who has worked on X" question; left in, they match every paper's abstract.
_FRAME = re.compile(r"\b(?:which|who|whom|candidates?|people|persons?|researchers?|experts?|anyone|someone|have|has|had|"
                    r"worked|working|works|work|experience|experienced|built|studied|done|in the pool|pool|our|find|"
                    r"me|list|show|i\.e\.|e\.g\.)\b", re.I)


def topic_of(question: str) -> str:
    """The topic of a candidate-finding question, without its framing words."""
    return re.sub(r"\s+", " ", _FRAME.sub(" ", question)).strip(" ?.,") or question


def find_candidates(kb, topic: str, k: int = 10, pool: int | None = None) -> list[CandidateHit]:
    """Candidates ranked by the summed fused rank weight of their papers on the topic.

    Ids that merge several people who share a name are left out: nobody can be contacted under them.
    """
    searcher = kb.searcher
    topic = topic_of(topic)
    pool = pool or kb.settings.search.expert_pool
    fused = rrf([searcher.dense(topic, None, pool), searcher.bm25(topic, None, pool)], kb.settings.search.rrf_k)
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
