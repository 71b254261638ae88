"""Candidate finding: who has worked on a topic, ranked by how many of their papers are on it.

Each paper that either retriever ranks high for the topic gets the affinity model's calibrated probability of
being on the topic (bot/assistant/affinity.py). ``matching`` counts a candidate's papers more likely on the
topic than not; candidates rank by it, ties broken by the expected number of papers on the topic (the sum of
the probabilities, the hit's ``score``). Nobody without a matching paper is listed, so that a topic nobody
has worked on finds nobody.
"""

from __future__ import annotations

import re

from bot.assistant.affinity import RELEVANT, TopicScores
from bot.assistant.protocol import CandidateHit
from bot.models import Citation

# Words that frame a "who has worked on X" question; left in, they match every paper's abstract.
_FRAME = re.compile(r"\b(?:which|who|whom|candidates?|people|persons?|researchers?|experts?|anyone|someone|have|has|had|"
                    r"worked|working|works|work|experience|experienced|built|studied|done|in the pool|pool|our|find|"
                    r"me|list|show|i\.e\.|e\.g\.)\b", re.I)


def topic_of(question: str) -> str:
    """The topic of a candidate-finding question, without its framing words."""
    return re.sub(r"\s+", " ", _FRAME.sub(" ", question)).strip(" ?.,") or question


# A topic nobody has worked on still finds loose matches ("materials discovery" -> "intent discovery"): at least
# one evidence paper must hold this share of the topic's content words, acronyms written out.
SAID = 2 / 3


def said_anywhere(kb, topic: str, papers) -> bool:
    """Some paper among the evidence speaks of the topic in its own words, not only of one word of it."""
    from bot.assistant.topics import acronyms, coverage, expand

    known = acronyms(kb)
    return any(coverage(expand(paper.text(), known), topic) >= SAID for paper in papers)


def find_candidates(kb, topic: str, k: int = 10, pool: int | None = None) -> list[CandidateHit]:
    """Candidates with at least one paper on the topic, by how many they have.

    Ids that merge several people who share a name are left out: nobody can be contacted under them.
    """
    from bot.knowledge.retrieve import to_english

    topic = to_english(kb, topic_of(topic))
    scores = TopicScores(kb, topic)
    pooled = scores.pool(pool or kb.settings.search.expert_pool)
    candidates = kb.catalog.candidates
    expected: dict[str, float] = {}
    matching: dict[str, int] = {}
    evidence: dict[str, list[Citation]] = {}
    for scored in pooled:  # most relevant first, so evidence lists are too
        paper = kb.catalog.papers.get(scored.paper_id)
        if paper is None:
            continue
        for person in dict.fromkeys(paper.author_ids):
            if candidates.get(person) is None or candidates[person].ambiguous:
                continue
            expected[person] = expected.get(person, 0.0) + scored.probability
            if scored.probability >= RELEVANT:
                matching[person] = matching.get(person, 0) + 1
                evidence.setdefault(person, []).append(Citation(paper=paper, score=round(scored.probability, 4)))
    # The pool holds a person's best papers on the topic, not all of them: the leaders are counted again
    # over every paper they have, so that ``matching`` is their real count.
    for person in sorted(matching, key=lambda p: (-matching[p], -expected[p], p))[:max(3 * k, 30)]:
        papers = [s for s in scores.person(person) if s.paper_id in kb.catalog.papers]
        expected[person] = sum(s.probability for s in papers)
        matching[person] = sum(s.probability >= RELEVANT for s in papers)
        evidence[person] = [Citation(paper=kb.catalog.papers[s.paper_id], score=round(s.probability, 4))
                            for s in papers if s.probability >= RELEVANT]
    ranked = sorted((p for p in matching if matching[p]), key=lambda p: (-matching[p], -expected[p], p))[:k]
    if not said_anywhere(kb, topic, [c.paper for p in ranked for c in evidence[p][:3]]):
        return []
    return [CandidateHit(candidate=candidates[p], score=round(expected[p], 4), evidence=evidence[p][:3],
                         matching=matching[p]) for p in ranked]
