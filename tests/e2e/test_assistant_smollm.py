"""The assistant on a REAL model: SmolLM2-135M behind llama-cpp-python's OpenAI-compatible server.

A 135M model fabricates freely, which is the point: whatever it writes, no fabricated title, wrong year
or misattributed co-author may reach a draft or an answer. ``audit`` (tests/fakes/audit.py) checks that with its own
rules, independently of ``bot.assistant.verify``; bench/llm_drafts.py uses it on 100 drafts.
"""

from __future__ import annotations

import time

import pytest

from bot.assistant.drafting import Company
from bot.assistant.protocol import OFFLINE_LABEL, fell_back
from bot.assistant.service import Assistant
from tests.fakes.audit import REF, CountingChat, audit, cites_a_title, smollm_settings
from tests.fakes.servers import llama_server

pytestmark = pytest.mark.llm


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
        assert fell_back(draft.warnings)
    else:
        assert draft.engine == model.name and not fell_back(draft.warnings)


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
        assert answer.text == offline.text and fell_back(answer.warnings)
    else:
        assert answer.engine == model.name and (REF.search(answer.text) or cites_a_title(full_kb, answer.text, cited))


def test_a_find_answer_fits_the_small_models_context(llm_assistant, model, assistant, full_kb):
    """Ten candidates' papers in one prompt: the server must take it (a 2k-token context), not refuse it."""
    question = "Who has worked on simultaneous translation?"
    offline = assistant.ask(question)
    assert len(offline.citations) >= 5
    calls = len(model.replies)
    answer = llm_assistant.ask(question)
    assert len(model.replies) > calls, "the endpoint refused the prompt"
    cited = [c.paper.id for c in answer.citations]
    assert set(cited) <= {c.paper.id for c in offline.citations}
    assert audit(full_kb, answer.text, None, cited) == []
