"""The offline engine: extractive answers from the papers' metadata and abstracts, no model involved."""

from __future__ import annotations

import re
from collections import Counter

from bot.assistant.protocol import NOT_FOUND_PHRASE, OFFLINE_LABEL
from bot.models import Answer, Candidate, Citation, Paper
from bot.text import quoted, sentences



def _ref(paper: Paper) -> str:
    return quoted(paper.title)


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
    clean = [s for s in sentences(paper.abstract[:20000]) if not reasons(s)]
    quotable = [s for s in clean if 30 < len(s) <= 400] or [s for s in clean if len(s) <= 400]
    if not quotable:
        return "(the abstract has no sentence that can be quoted)"
    return max(quotable, key=lambda s: len(words & set(re.findall(r"[a-z]{4,}", s.lower()))))


def _name_list(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def _answer(text: str, cited: list[Paper], candidates: list[str], intent: str, ranked: list[str] | None = None,
            not_found: bool = False, warnings: list[str] | None = None) -> Answer:
    return Answer(text=text, citations=[Citation(paper=p) for p in cited], candidate_ids=candidates,
                  ranked_paper_ids=ranked if ranked is not None else [p.id for p in cited], not_found=not_found,
                  intent=intent, engine=OFFLINE_LABEL, warnings=warnings or [])


