"""Candidate finding: who has worked on a topic, ranked by how many of their papers are on it.

Each paper gets the affinity model's calibrated probability of being on the topic (bot/assistant/affinity.py),
every paper of the corpus when the index is held in memory (else those either retriever ranks high), so that
each person's count is over all their papers. ``matching`` counts a candidate's papers more likely on the topic
than not, or that say it in so many words. Candidates rank by the expected number of their papers on the
topic, the sum of the probabilities (the hit's ``score``), over the papers at least ``FLOOR`` likely or that say
it: below it the probabilities are the noise of a paper that shares a few words with the topic, and a prolific
author's hundred such papers would otherwise add up to more than a specialist's three real ones. Nobody without
a matching paper is listed, so that a topic nobody has worked on finds nobody.
"""

from __future__ import annotations

import dataclasses
import re
from typing import Callable

from bot.assistant.affinity import QUESTION_WEIGHTS, RELEVANT, TopicScores, relevance
from bot.assistant.protocol import CandidateHit
from bot.assistant.terms import says, terms_of
from bot.models import Citation, Paper

# Words that frame a "who has worked on X" question; left in, they match every paper's abstract.
_FRAME = re.compile(r"\b(?:which|who|whom|candidates?|people|persons?|researchers?|experts?|specialists?|anyone|someone|have|has|had|"
                    r"worked|working|works|work|experience|experienced|built|studied|done|in the pool|pool|our|find|"
                    r"me|list|show|i\.e\.|e\.g\.)\b", re.I)
# Papers less likely than this on the topic add nothing to a candidate's expected count. Chosen by the held-out
# expert check of bench/calibration.py on topics made from the corpus (0, 0.1, 0.2 and 0.3 were compared).
FLOOR = 0.1


def topic_of(question: str) -> str:
    """The topic of a candidate-finding question, without its framing words."""
    return re.sub(r"\s+", " ", _FRAME.sub(" ", question)).strip(" ?.,") or question


def search_text(kb, topic: str) -> str:
    """What find searches the corpus with: the topic without framing words, in English, acronyms spelled out."""
    from bot.assistant.topics import spelled_out
    from bot.knowledge.retrieve import to_english

    return spelled_out(kb, to_english(kb, topic_of(topic)))


# A topic nobody has worked on still finds loose matches ("materials discovery" -> "intent discovery"): at least
# one evidence paper must hold this share of the topic's content words, acronyms written out.
SAID = 2 / 3
# The papers most likely on the topic that the check reads: the best of the corpus, not only the evidence shown
# for the ten ranked (a glossed topic's specialists may all word it one way that falls short of SAID).
GATE_DEPTH = 50


def said_anywhere(kb, topic: str, papers, share: float = SAID) -> bool:
    """Some paper among the evidence speaks of the topic in its own words (``share`` of them), not only of one
    word of it."""
    from bot.assistant.topics import acronyms, coverage, expand

    known = acronyms(kb)
    return any(coverage(expand(paper.text(), known), topic) >= share for paper in papers)


# A paper whose title or abstract says the topic (one of its parts, stemmed, in a row) is on it, though the
# embedder reads the rest of its abstract as about something else; a part that more than this share of the
# corpus says is the field around the topic ("hallucination ..., in translation or dialogue"). On the held-out
# regex topics of bench/calibration.py, each question read by the assistant's parser first (bench/find_terms.py):
# find's recall@10 0.686 without the rule, 0.698 / 0.705 / 0.721 / 0.718 / 0.716 at shares 0.01 / 0.02 / 0.05 /
# 0.1 / any, nobody off the corpus 1.0 at each; the papers it adds at 0.05 are on their topic by its regex more
# often than the model's own (0.78 vs 0.72).
TERM_SHARE = 0.05


def _scored(kb, texts: list[str], pool: int, floor: float = FLOOR) -> list:
    """Every paper at least ``floor`` likely on one of the texts, with its best text's scores, most relevant
    first."""
    best: dict[str, object] = {}
    for text in texts:
        for scored in TopicScores(kb, text).everything(pool, floor):
            if scored.paper_id not in best or scored.probability > best[scored.paper_id].probability:
                best[scored.paper_id] = scored
    return sorted(best.values(), key=lambda s: (-s.probability, -s.dense, s.paper_id))


def find_candidates(kb, topic: str, k: int = 10, pool: int | None = None, terms: str = "",
                    keep: Callable[[Paper], bool] | None = None) -> list[CandidateHit]:
    """Candidates with at least one paper on the topic, by the expected number of their papers on it.

    ``terms``: a model's technical words for the topic; a paper counts as on the topic by either text.
    ``keep``: which papers count at all ("in 2023", "at EMNLP"); every one when None.
    Ids that merge several people who share a name are left out: nobody can be contacted under them.
    """
    topic = search_text(kb, topic)
    texts = [topic] + ([search_text(kb, terms)] if terms.strip() else [])
    candidates = kb.catalog.candidates
    expected: dict[str, float] = {}
    matching: dict[str, int] = {}
    evidence: dict[str, list[Citation]] = {}
    on_topic = []
    named = [term for text in texts for term in terms_of(kb, text, TERM_SHARE)]
    floor = 0.0 if named else FLOOR  # a paper that says a term counts below the floor too
    for scored in _scored(kb, texts, pool or kb.settings.search.expert_pool, floor):  # most relevant first
        paper = kb.catalog.papers.get(scored.paper_id)
        if paper is None or scored.probability < FLOOR and not says(kb, scored.paper_id, named) \
                or keep is not None and not keep(paper):
            continue
        if scored.probability < RELEVANT and says(kb, paper.id, named):
            # A paper that says the topic in so many words is on it, whatever the embedder makes of the rest
            # of its abstract (as list's "said" rule, operations.on_topic).
            scored = dataclasses.replace(scored, probability=RELEVANT)
        if scored.probability >= RELEVANT:
            on_topic.append((paper, scored))
        for person in dict.fromkeys(paper.author_ids):
            if candidates.get(person) is None or candidates[person].ambiguous:
                continue
            expected[person] = expected.get(person, 0.0) + scored.probability
            if scored.probability >= RELEVANT:
                matching[person] = matching.get(person, 0) + 1
                evidence.setdefault(person, []).append(Citation(paper=paper, score=round(scored.probability, 4)))
    ranked = sorted(matching, key=lambda p: (-expected[p], -matching[p], p))[:k]
    # Who makes the list is the expected count's call; within it, people are shown by the real count of their
    # papers on the topic (the number printed beside them), so that a list never reads "9, 8, 8, 9", and among
    # equal counts by their best paper's probability: the three authors of the one paper on hate speech detection
    # before four people whose one matching paper is a gender-bias study of speech translation (their many papers
    # on speech put them in the ten by expected count, not ahead of the specialists).
    ranked.sort(key=lambda p: (-matching[p], -evidence[p][0].score, -expected[p], p))
    # Nobody, unless the corpus's best papers on the topic say it in their own words and one of them would also
    # answer a question on it (the question head: is it among the very best the corpus has, not merely the best
    # of a bad lot, as a topic off the corpus finds "traffic" in a police-stop dialogue paper).
    best = on_topic[:GATE_DEPTH]
    # A model's terms are its guess at the field's words: they pass only if one paper says every one of them
    # ("protein structure prediction" is not "structure prediction for translation").
    if not any(said_anywhere(kb, text, [p for p, _ in best], SAID if text is texts[0] else 1.0)
               for text in texts) or not any(
            relevance(s.features[:len(QUESTION_WEIGHTS)], "question") >= RELEVANT for _, s in best):
        return []
    return [CandidateHit(candidate=candidates[p], score=round(expected[p], 4), evidence=evidence[p][:3],
                         matching=matching[p]) for p in ranked]
