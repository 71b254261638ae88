"""An independent audit of text shown to a user, and a counting client for a real model.

``audit`` finds fabricated titles, wrong years and misattributed co-authors with its own rules, independently
of ``bot.assistant.verify``, so that tests and bench/llm_drafts.py can check the verifier's work.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bot.llm import OpenAIChat
from bot.settings import LLMSettings

QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”|«([^»\n]+)»|‘([^’\n]+)’')
YEAR = re.compile(r"(?<!\d)(19[5-9]\d|20\d\d)(?!\d)")
SENTENCES = re.compile(r"(?<=[.!?])[\"”»)\]]*\s+|\n+")
REF = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
TOKEN = re.compile(r"[^\W\d_][\w'’-]*")
MIN_WORDS, MATCH = 4, 90


def _key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return " ".join(t.casefold() for t in TOKEN.findall("".join(c for c in text if not unicodedata.combining(c))))


@lru_cache(maxsize=4)
def _people(kb) -> dict[str, set[str]]:
    """Every author name in the knowledge base (two words or more) -> the person ids it may mean."""
    people: dict[str, set[str]] = {}
    for paper in kb.catalog.papers.values():
        for i, name in enumerate(paper.authors):
            if len(_key(name).split()) >= 2:
                people.setdefault(_key(name), set()).add(paper.author_ids[i] if i < len(paper.author_ids) else name)
    return people


def _named_people(sentence: str, people: dict[str, set[str]]) -> list[tuple[str, set[str]]]:
    words = [w for w in TOKEN.findall(sentence)]
    found = []
    for i, word in enumerate(words):
        if word[0].isupper():
            for n in (4, 3, 2):
                key = _key(" ".join(words[i : i + n]))
                if len(words[i : i + n]) == n and key in people:
                    found.append((" ".join(words[i : i + n]), people[key]))
                    break
    return found


def audit(kb, text: str, candidate_id: str | None, cited_ids: list[str]) -> list[str]:
    """Fabricated titles, wrong years and misattributed co-authors in a text that is shown to a user.

    A quoted string of four words or more must be one of the candidate's titles (or of the papers the text
    cites) by rapidfuzz token_set_ratio >= 90. In a sentence that names papers (by title or by [n]), a year
    must be one of theirs and a person from the knowledge base one of their authors; elsewhere a person
    must be the candidate, one of their co-authors or an author of a cited paper.
    """
    mine = kb.catalog.papers_of(candidate_id) if candidate_id else []
    cited = [kb.catalog.papers[p] for p in cited_ids if p in kb.catalog.papers]
    pool = {p.id: p for p in [*mine, *cited]}.values()
    titles = [(default_process(p.title), p) for p in pool]
    people = _people(kb)
    around = {candidate_id} | {a for p in [*mine, *cited] for a in p.author_ids}
    problems = []
    for sentence in filter(str.strip, SENTENCES.split(text)):
        named = [p for p in pool if p.title.casefold() in sentence.casefold()]
        for m in REF.finditer(sentence):
            named += [cited[int(n) - 1] for n in re.split(r"\s*,\s*", m.group(1)) if 0 < int(n) <= len(cited)]
        quotes = list(QUOTED.finditer(sentence))
        for m in quotes:
            quoted = next(g for g in m.groups() if g is not None)
            if len(quoted.split()) < MIN_WORDS:
                continue
            score, paper = max(((fuzz.token_set_ratio(default_process(quoted), t), p) for t, p in titles),
                               default=(0, None), key=lambda x: x[0])
            if score >= MATCH:
                named.append(paper)
            else:
                problems.append(f"fabricated title: {quoted!r}")
        unquoted = " ".join(sentence[a:b] for a, b in _gaps(sentence, quotes))
        years = {p.year for p in named if p.year}
        for m in YEAR.finditer(unquoted):
            if years and int(m.group(1)) not in years:
                problems.append(f"wrong year {m.group(1)} beside {sorted(years)}")
        allowed = {a for p in named for a in p.author_ids} if named else around
        for name, ids in _named_people(unquoted, people):
            if not ids & (allowed | {candidate_id}):
                problems.append(f"misattributed person: {name}")
    return problems


def _gaps(sentence: str, quotes: list[re.Match[str]]) -> list[tuple[int, int]]:
    """The spans of a sentence outside its quotations."""
    spans, start = [], 0
    for m in quotes:
        spans.append((start, m.start()))
        start = m.end()
    return [*spans, (start, len(sentence))]


def cites_a_title(kb, text: str, paper_ids: list[str]) -> bool:
    """The text names at least one of these papers by its title (exactly, or quoted closely enough)."""
    papers = [kb.catalog.papers[p] for p in paper_ids]
    if any(p.title.casefold() in text.casefold() for p in papers):
        return True
    quoted = [next(g for g in m.groups() if g) for m in QUOTED.finditer(text)]
    return any(fuzz.token_set_ratio(default_process(q), default_process(p.title)) >= MATCH
               for q in quoted for p in papers)


class CountingChat(OpenAIChat):
    """OpenAIChat that counts calls and keeps the raw replies (for counts only: they are never logged)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.replies: list[str] = []

    def complete(self, system: str, user: str, *, json_schema: dict | None = None) -> str:
        reply = super().complete(system, user, json_schema=json_schema)
        self.replies.append(reply)
        return reply


def smollm_settings(base_url: str, **overrides) -> LLMSettings:
    values = {"base_url": base_url, "model": "smollm2-135m", "timeout_s": 60, "max_retries": 0, "max_tokens": 200,
              "temperature": 0.0, **overrides}
    return LLMSettings(**values)
