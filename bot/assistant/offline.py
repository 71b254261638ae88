"""The offline engine: extractive answers from the papers' metadata and abstracts, no model involved."""

from __future__ import annotations

import re
from collections import Counter

from bot.assistant.evidence import measure
from bot.assistant.intent import Intent, language_of
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
    """The abstract sentence sharing most words with the query: the extract shown as support.

    The abstract is untrusted text: a sentence that reads as an instruction or carries a link, an e-mail
    address, a phone number or payment details is never quoted (nor is anything when all of them do).
    """
    from bot.knowledge.untrusted import reasons

    words = set(re.findall(r"[a-z]{4,}", query.lower()))
    clean = [s for s in _SENTENCE.split(paper.abstract[:20000]) if not reasons(s)]
    sentences = [s for s in clean if 30 < len(s) <= 400] or [s for s in clean if len(s) <= 400]
    if not sentences:
        return "(the abstract has no sentence that can be quoted)"
    return max(sentences, key=lambda s: len(words & set(re.findall(r"[a-z]{4,}", s.lower()))))


def _name_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _answer(text: str, cited: list[Paper], candidates: list[str], intent: str, ranked: list[str] | None = None,
            not_found: bool = False, warnings: list[str] | None = None) -> Answer:
    return Answer(text=text, citations=[Citation(paper=p) for p in cited], candidate_ids=candidates,
                  ranked_paper_ids=ranked if ranked is not None else [p.id for p in cited], not_found=not_found,
                  intent=intent, engine=OFFLINE_LABEL, warnings=warnings or [])


def not_found(kb, candidate: Candidate | None, topic: str, intent: str) -> Answer:
    """The fixed phrase, what the candidate does work on, and no paper as evidence."""
    text = NOT_FOUND_PHRASE
    if candidate is not None:
        papers = kb.catalog.papers_of(candidate.id)
        topics = ", ".join(t.replace("_", " ") for t in candidate.topics[:3]) or "other topics"
        text += (f" {candidate.name} has no paper on that in the knowledge base; "
                 f"their {len(papers)} papers here are on {topics}.")
    return _answer(text, [], [candidate.id] if candidate else [], intent, ranked=[], not_found=True)


UNSURE_NOTICE = "The question is not in English, which the offline engine reads poorly: check this match."


def answer_about(kb, intent: Intent, query: str, candidate: Candidate, ranking: list[tuple[str, float]],
                 checked: bool = False) -> Answer:
    """Answers a question about one candidate's work from the ranking of their papers.

    ``checked`` says the papers were chosen by the conversation (a follow-up), not by this query.
    """
    papers = [kb.catalog.papers[p] for p, _ in ranking if p in kb.catalog.papers]
    ranked = [p.id for p in papers]
    mine = kb.catalog.papers_of(candidate.id)
    if intent.kind == "summary":
        return summary(kb, candidate)
    if intent.kind == "count":
        years = set(intent.years)
        chosen = [p for p in mine if not years or p.year in years]
        span = f" in {_name_list([str(y) for y in sorted(years)])}" if years else ""
        venues = Counter(re.sub(r"\s*\d{4}$", "", p.venue or "?") for p in chosen).most_common(3)
        text = (f"{candidate.name} has {len(chosen)} papers{span} in the knowledge base"
                + (f", most at {_name_list([v for v, _ in venues])}." if venues else "."))
        return _answer(text, chosen[:5], [candidate.id], intent.kind, ranked=[p.id for p in chosen])
    if intent.kind == "list":
        chosen = [p for p in mine if p.year in set(intent.years)]
        if not chosen:
            return not_found(kb, candidate, f"in {_name_list([str(y) for y in intent.years])}", intent.kind)
        lines = [f"[{i}] {_ref(p)} ({_where(p)})" for i, p in enumerate(chosen, 1)]
        text = f"{candidate.name}'s papers in {_name_list([str(y) for y in intent.years])}:\n" + "\n".join(lines)
        return _answer(text, chosen, [candidate.id], intent.kind)
    if not papers:
        return not_found(kb, candidate, query, intent.kind)
    warnings: list[str] = []
    if not checked:
        evidence = measure(kb, query, [candidate.id])
        if not evidence.strong():
            if language_of(query) == "en" or not evidence.plausible():
                return not_found(kb, candidate, query, intent.kind)
            warnings.append(UNSURE_NOTICE)
    top = papers[0]
    if intent.kind in ("year", "venue", "coauthors"):
        # The fact comes first: a title may hold another year or a venue's name.
        if intent.kind == "year":
            text = (f"Published in {top.year}: {_ref(top)} ({top.venue}) [1]." if top.year
                    else f"The knowledge base has no year for {_ref(top)} [1].")
        elif intent.kind == "venue":
            text = (f"Published at {top.venue}: {_ref(top)} [1]." if top.venue
                    else f"The knowledge base has no venue for {_ref(top)} [1].")
        else:
            others = [n for n, a in zip(top.authors, top.author_ids) if a != candidate.id]
            text = (f"On {_ref(top)} ({_where(top)}) [1], {candidate.name}'s co-authors were {_name_list(others)}."
                    if others else f"{candidate.name} wrote {_ref(top)} ({_where(top)}) [1] alone.")
        return _answer(text, [top], [candidate.id], intent.kind, ranked=ranked, warnings=warnings)
    cited = papers[:3]
    lines = [f"The paper of {candidate.name}'s that fits best is {_ref(top)} ({_where(top)}) [1]: "
             f"{best_sentence(top, query)}"]
    if len(cited) > 1:
        lines.append("Also close: " + "; ".join(f"{_ref(p)} ({_where(p)}) [{i}]" for i, p in enumerate(cited[1:], 2))
                     + ".")
    return _answer("\n".join(lines), cited, [candidate.id], intent.kind, ranked=ranked, warnings=warnings)


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
