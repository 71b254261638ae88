"""From a recruiter's question to ranked papers: resolve the candidate, clean the query, search.

A question in French is searched through its English terms (bot/knowledge/french.py): the papers and both
retrievers are English.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.knowledge import french
from bot.knowledge.search import Mode, Ranking

# Words that frame a question but say nothing about the work itself.
_FRAME = re.compile(
    r"(?<![\w-])(which one|that one|this one|which|what|who|where|when|whose|of|his|her|their|paper|papers|article|"
    r"articles|work|works|study|publish(?:ed)?|quel(?:le|s|les)?|travail|travaux|de|d|"
    # Question grammar: it says nothing about the work, and the calibrated relevance reads absolute cosines.
    r"has|have|had|does|did|do|is|are|was|were|any|anything|ever|on|about|the|a|an|in year|in venue|can you|"
    r"pull up|tell me|show me|deals? with|dealt with|dealing with|regarding|concerning|relat(?:ed|ing) to)(?![\w-])",
    re.IGNORECASE)


@dataclass
class Retrieval:
    """What retrieval found for one question."""

    query: str
    candidate_ids: list[str] = field(default_factory=list)
    choices: list[str] = field(default_factory=list)
    ranking: Ranking = field(default_factory=list)
    restricted: bool = False


def clean_query(remainder: str) -> str:
    """The question with its framing words taken out, for the retrievers."""
    text = _FRAME.sub(" ", remainder)
    return re.sub(r"\s+", " ", re.sub(r"[?!]", " ", text)).strip() or remainder


_VOCABULARY: dict[int, tuple[int, set[str]]] = {}


def vocabulary(kb) -> set[str]:
    """The lower-case words of the corpus's papers, built on first use and again when the papers change."""
    papers = kb.catalog.papers
    cached = _VOCABULARY.get(id(kb.catalog))
    if cached is None or cached[0] != len(papers):
        words: set[str] = set()
        for paper in papers.values():
            words.update(re.findall(r"[a-z][a-z-]+", paper.text().lower()))
        cached = _VOCABULARY[id(kb.catalog)] = (len(papers), words)
    return cached[1]


def to_english(kb, text: str) -> str:
    """The text itself when it is English; its English search terms when it is French."""
    if not french.is_french(text):
        return text
    return french.to_english(text, vocabulary(kb)) or text


def retrieve(kb, question: str, k: int = 10, mode: Mode = "hybrid", people: list[str] | None = None) -> Retrieval:
    """Ranks papers for a question; within the named candidate's papers when one is named.

    ``people`` overrides resolution (a follow-up about the candidate already in the conversation).
    """
    resolution = kb.resolve(question)
    named = [p for p in resolution.ids if p in kb.catalog.candidates]
    query = clean_query(to_english(kb, resolution.remainder))
    result = Retrieval(query=query, candidate_ids=named or list(people or []), choices=resolution.choices)
    if result.candidate_ids:
        result.restricted = True
        result.ranking = kb.searcher.rank(query, result.candidate_ids, mode)
    elif not result.choices:
        result.ranking = kb.searcher.rank(query, None, mode, n=max(k, kb.settings.search.pool))
    return result


def pad(ranking: Ranking, extra: Ranking, k: int) -> list[str]:
    """At least ``k`` paper ids: the ranking first, then the extra ranking's papers not already in it."""
    ids = [p for p, _ in ranking]
    seen = set(ids)
    ids += [p for p, _ in extra if p not in seen and not seen.add(p)]
    return ids[:max(k, len(ranking))]
