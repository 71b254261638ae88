"""The assistant on a REAL model: SmolLM2-135M behind llama-cpp-python's OpenAI-compatible server.

A 135M model fabricates freely, which is the point: whatever it writes, no fabricated title, wrong year
or misattributed co-author may reach a draft or an answer. ``audit`` checks that with its own rules,
independently of ``bot.assistant.verify``; bench/llm_drafts.py uses it on 100 drafts.
"""

from __future__ import annotations

import re
import time
import unicodedata
from functools import lru_cache

import pytest
from rapidfuzz import fuzz
from rapidfuzz.utils import default_process

from bot.assistant.drafting import Company
from bot.assistant.protocol import FALLBACK_NOTICE, OFFLINE_LABEL
from bot.assistant.service import Assistant
from bot.llm import OpenAIChat
from bot.settings import LLMSettings
from tests.fakes.servers import llama_server

pytestmark = pytest.mark.llm

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


def test_the_audit_finds_fabricated_titles_years_and_coauthors(full_kb):
    paper = full_kb.catalog.papers_of("rico-sennrich")[0]
    stranger = next(c.name for c in full_kb.catalog.candidates.values()
                    if c.id not in paper.author_ids and len(c.name.split()) == 2 and not c.ambiguous)
    clean = f"Hi Rico,\n\nI read “{paper.title}” ({paper.year}) with {paper.authors[-1]}. Best,\nClaire"
    assert audit(full_kb, clean, "rico-sennrich", [paper.id]) == []
    assert audit(full_kb, f"Your {paper.year} paper [1] is great.", "rico-sennrich", [paper.id]) == []
    bad = [f"I read “{paper.title}” ({paper.year - 3}).", f"I read [1] from {paper.year + 1}.",
           'I read "A Survey of Quantum Translation Engines".', f"You wrote “{paper.title}” with {stranger}."]
    for text in bad:
        assert len(audit(full_kb, text, "rico-sennrich", [paper.id])) == 1, text


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


@pytest.fixture(scope="module")
def smollm():
    with llama_server() as base_url:
        yield base_url


@pytest.fixture(scope="module")
def model(smollm):
    return CountingChat(smollm_settings(smollm))


@pytest.fixture(scope="module")
def llm_assistant(full_kb, model):
    return Assistant(full_kb, Company.load(full_kb.settings.knowledge.company_dir), model)


# Email and LinkedIn, English and French; three drafts keep the test near two minutes on two cores.
DRAFTS = [("rico-sennrich", "email", "en"), ("zhou-yu", "linkedin", "fr"), ("ivan-vulic", "email", "fr")]


@pytest.mark.parametrize(("candidate", "channel", "language"), DRAFTS)
def test_a_real_model_draft_carries_no_fabrication(llm_assistant, model, assistant, full_kb, candidate, channel,
                                                   language):
    calls, started = len(model.replies), time.monotonic()
    draft = llm_assistant.draft(candidate, channel=channel, language=language)
    assert len(model.replies) > calls, "the model was not asked"
    assert time.monotonic() - started < 2 * model.settings.timeout_s + 10  # two calls at most
    mine = {p.id for p in full_kb.catalog.papers_of(candidate)}
    assert draft.body.strip() and draft.cited_paper_ids and set(draft.cited_paper_ids) <= mine
    assert cites_a_title(full_kb, draft.body, draft.cited_paper_ids)
    assert audit(full_kb, draft.body, candidate, draft.cited_paper_ids) == []
    assert audit(full_kb, draft.subject or "", candidate, draft.cited_paper_ids) == []
    assert (draft.subject is not None) == (channel == "email")
    if draft.engine == OFFLINE_LABEL:  # the model's text was wholly discarded: the offline draft, said so
        offline = assistant.draft(candidate, channel=channel, language=language)
        assert draft.body == offline.body and draft.cited_paper_ids == offline.cited_paper_ids
        assert FALLBACK_NOTICE in draft.warnings
    else:
        assert draft.engine == model.name and FALLBACK_NOTICE not in draft.warnings


QUESTIONS = ["What has Rico Sennrich published on hallucinations?", "Which papers has Zhou Yu written on persuasion?"]


@pytest.mark.parametrize("question", QUESTIONS)
def test_a_real_model_answer_carries_no_fabrication(llm_assistant, model, assistant, full_kb, question):
    calls = len(model.replies)
    answer = llm_assistant.ask(question)
    offline = assistant.ask(question)
    assert len(model.replies) > calls, "the model was not asked"
    assert answer.text.strip() and answer.citations and answer.candidate_ids == offline.candidate_ids
    cited = [c.paper.id for c in answer.citations]
    mine = {p.id for p in full_kb.catalog.papers_of(offline.candidate_ids[0])}
    assert set(cited) <= mine
    assert audit(full_kb, answer.text, offline.candidate_ids[0], cited) == []
    assert "[P" not in answer.text
    if answer.engine == OFFLINE_LABEL:
        assert answer.text == offline.text and FALLBACK_NOTICE in answer.warnings
    else:
        assert answer.engine == model.name and (REF.search(answer.text) or cites_a_title(full_kb, answer.text, cited))
