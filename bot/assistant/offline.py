"""The offline engine: extractive answers from the papers' metadata and abstracts, no model involved."""

from __future__ import annotations

import re
from collections import Counter

from bot.assistant.protocol import NOT_FOUND_PHRASE, OFFLINE_LABEL
from bot.models import Answer, Candidate, Citation, Paper

_SENTENCE = re.compile(r"(?<=[.!?])\s+")


def _ref(paper: Paper) -> str:
    return f"“{paper.title}”"


def _where(paper: Paper) -> str:
    if paper.venue and str(paper.year or "") in paper.venue:
        return paper.venue
    return ", ".join(str(x) for x in (paper.venue, paper.year) if x)


def best_sentence(paper: Paper, query: str) -> str:
    """The abstract sentence sharing most words with the query: the extract shown as support."""
    words = set(re.findall(r"[a-z]{4,}", query.lower()))
    sentences = [s for s in _SENTENCE.split(paper.abstract) if len(s) > 30] or [paper.abstract]
    return max(sentences, key=lambda s: len(words & set(re.findall(r"[a-z]{4,}", s.lower()))))[:400]


def _name_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _answer(text: str, cited: list[Paper], candidates: list[str], intent: str, ranked: list[str] | None = None,
            not_found: bool = False, warnings: list[str] | None = None) -> Answer:
    return Answer(text=text, citations=[Citation(paper=p) for p in cited], candidate_ids=candidates,
                  ranked_paper_ids=ranked if ranked is not None else [p.id for p in cited], not_found=not_found,
                  intent=intent, engine=OFFLINE_LABEL, warnings=warnings or [])


UNSURE_NOTICE = "The question is not in English, which the offline engine reads poorly: check this match."


def summary(kb, candidate: Candidate) -> Answer:
    """Who a candidate is, from their dossier and papers."""
    papers = kb.catalog.papers_of(candidate.id)
    years = [p.year for p in papers if p.year]
    venues = Counter(re.sub(r"\s*\d{4}$", "", p.venue or "?") for p in papers).most_common(3)
    coauthors = [kb.catalog.candidates[c].name for c in candidate.coauthors[:4] if c in kb.catalog.candidates]
    recent = papers[:3]
    parts = [f"{candidate.name}" + (f" ({candidate.affiliation})" if candidate.affiliation else "")
             + f": {len(papers)} papers in the knowledge base"
             + (f", {min(years)}–{max(years)}" if years else "")
             + (f", mostly at {_name_list([v for v, _ in venues])}" if venues else "") + "."]
    if candidate.topics:
        parts.append("Topics: " + ", ".join(t.replace("_", " ") for t in candidate.topics) + ".")
    if coauthors:
        parts.append("Frequent co-authors: " + _name_list(coauthors) + ".")
    if recent:
        parts.append("Recent: " + "; ".join(f"{_ref(p)} ({_where(p)}) [{i}]" for i, p in enumerate(recent, 1)) + ".")
    if candidate.notes:
        parts.append("Notes: " + candidate.notes)
    if candidate.ambiguous:
        parts.append("Careful: this name covers several people in the data; the papers may not all be theirs.")
    return _answer("\n".join(parts), recent, [candidate.id], "summary")
