"""The assistant with a chat model: the real openai client (through OpenAIChat) against a scripted fake server.

Every reply the fake sends goes through the Assistant, the LLM engine and the verifier, as in production.
Replies cite the real papers of bundled candidates under the opaque keys the engine hands out ([P1], [P2]).
"""

from __future__ import annotations

import json
import time

import pytest

from bot.assistant.drafting import Company
from bot.assistant.protocol import (DISCARD_REASONS, DISCARDED_NOTICE, FALLBACK_NOTICE, NOT_FOUND_PHRASE,
                                   OFFLINE_LABEL, REMOVED_CLAIM_WARNING, fell_back)
from bot.assistant.service import Assistant
from bot.llm import OpenAIChat
from bot.models import Answer, Paper
from bot.settings import LLMSettings
from tests.fakes import FakeOpenAI

RICO = "rico-sennrich"
QUESTION = "What has Rico Sennrich published on hallucinations?"
FAKE_TITLE = "Neural Quantum Translation for Feline Communication"


@pytest.fixture
def api():
    with FakeOpenAI() as fake:
        yield fake


@pytest.fixture
def llm_assistant(api, full_kb) -> Assistant:
    """The assistant on the fake model (the session fixture ``assistant`` is the offline one)."""
    settings = LLMSettings(base_url=api.base_url, api_key="dummy", model="fake", timeout_s=2, max_retries=1)
    model = OpenAIChat(settings, backoff_base_s=0.01)
    return Assistant(full_kb, Company.load(full_kb.settings.knowledge.company_dir), model)


@pytest.fixture
def given(full_kb) -> list[Paper]:
    """The papers a draft to Rico without a purpose is built on: [P1] and [P2] in the prompt."""
    return full_kb.catalog.papers_of(RICO)[:2]


def reply_draft(api: FakeOpenAI, body: str, subject: str = "Translation quality at Lumen Language Lab") -> None:
    api.reply(json.dumps({"subject": subject, "body": body}))


def prompt_of(request: dict) -> str:
    return request["messages"][-1]["content"]


def test_a_fabricated_title_earns_one_regeneration_with_the_reasons(llm_assistant, api, given):
    reply_draft(api, f'Hi Rico,\n\nI read [P1] and your "{FAKE_TITLE}". Would you be open to a call?\n\nBest,\nClaire')
    reply_draft(api, "Hi Rico,\n\nI read [P1] with interest. Would you be open to a call?\n\nBest,\nClaire")
    draft = llm_assistant.draft(RICO)
    assert len(api.requests) == 2
    assert FAKE_TITLE not in prompt_of(api.requests[0]) and FAKE_TITLE in prompt_of(api.requests[1])
    assert draft.engine == "fake" and draft.warnings == []
    assert f"“{given[0].title}”" in draft.body and "[P1]" not in draft.body and "[1]" not in draft.body
    assert draft.cited_paper_ids == [given[0].id]
    assert draft.subject == "Translation quality at Lumen Language Lab"


def test_a_title_fabricated_twice_is_removed_with_a_warning(llm_assistant, api, given):
    body = f'Hi Rico,\n\nI read [P1] with interest. You also wrote "{FAKE_TITLE}" in 2024.\n\nBest,\nClaire'
    reply_draft(api, body)
    reply_draft(api, body)
    draft = llm_assistant.draft(RICO)
    assert len(api.requests) == 2
    assert REMOVED_CLAIM_WARNING in draft.warnings
    assert FAKE_TITLE.lower() not in draft.body.lower() and "Feline" not in draft.body
    assert draft.engine == "fake" and draft.cited_paper_ids == [given[0].id]
    assert draft.body.startswith("Hi Rico,") and draft.body.endswith("Claire")


def test_a_typed_year_earns_a_regeneration_and_only_the_slot_year_is_shown(llm_assistant, api, given):
    wrong = given[0].year - 5
    reply_draft(api, f"Hi Rico,\n\nYour {wrong} paper [P1] is close to our work on translation.\n\nBest,\nClaire")
    api.reply(json.dumps({"subject": None, "sentences": [
        {"text": "Hi {first_name},", "papers": []},
        {"text": "Your paper {title:P1} ({year:P1}) is close to our work on translation.", "papers": ["P1"]},
        {"text": "Best,", "papers": []}, {"text": "{sender}", "papers": []}]}))
    draft = llm_assistant.draft(RICO)
    assert str(wrong) in prompt_of(api.requests[1])  # the reason was given back to the model
    assert str(wrong) not in draft.body and f"({given[0].year})" in draft.body and draft.body.endswith("Claire Moreau")
    assert draft.cited_paper_ids == [given[0].id] and draft.warnings == [] and draft.engine == "fake"


def test_a_key_that_was_never_given_is_stripped(llm_assistant, api, given):
    body = "Hi Rico,\n\nI read [P1] and [P9], both close to our work.\n\nBest,\nClaire"
    reply_draft(api, body)
    reply_draft(api, body)
    draft = llm_assistant.draft(RICO)
    assert "P9" not in draft.body and "[" not in draft.body
    assert draft.cited_paper_ids == [given[0].id] and f"“{given[0].title}”" in draft.body


def test_both_keys_in_one_marker_become_both_titles_once_each(llm_assistant, api, given):
    reply_draft(api, f"Hi Rico,\n\nI read “{given[0].title}” [P1] and more [P1, P2].\n\nBest,\nClaire")
    draft = llm_assistant.draft(RICO)
    assert draft.cited_paper_ids == [given[0].id, given[1].id]
    assert draft.body.count(given[0].title) == 1 and draft.body.count(given[1].title) == 1
    assert "[" not in draft.body


MALFORMED = {
    "fenced, trailing comma": '```json\n{"subject": "Your research and Lumen", "body": "Hi Rico, I read [P1].",}\n```',
    "cut off mid-body": '{"subject": "Your research and Lumen", "body": "Hi Rico,\\n\\nI read [P1] closely. We would',
    "prose instead of JSON": "Hi Rico,\n\nI read [P1] closely.\n\nBest,\nClaire",
    "JSON without a body": '{"subject": "Your research and Lumen", "text": 3}',
    "a list": '["Hi Rico", "[P1]"]',
    "opening brace only": "{",
    "empty": "",
}


@pytest.mark.parametrize("reply", MALFORMED.values(), ids=MALFORMED.keys())
def test_a_malformed_draft_reply_never_raises_nor_comes_back_empty(llm_assistant, api, assistant, reply):
    api.reply(reply, times=2)
    draft = llm_assistant.draft(RICO)
    assert draft.body.strip() and draft.cited_paper_ids
    assert '"body"' not in draft.body and '"subject"' not in draft.body and not draft.body.lstrip().startswith("{")
    if draft.engine == OFFLINE_LABEL:
        assert draft.body == assistant.draft(RICO).body and fell_back(draft.warnings)
    else:
        assert "[P1]" not in draft.body and "I read “" in draft.body


def test_an_unparseable_http_response_falls_back_to_the_offline_draft(llm_assistant, api, assistant):
    api.malformed(times=2)
    draft = llm_assistant.draft(RICO)
    assert draft.engine == OFFLINE_LABEL and FALLBACK_NOTICE in draft.warnings
    assert draft.body == assistant.draft(RICO).body


ECHO = DISCARDED_NOTICE.format(reason=DISCARD_REASONS["echo"])


def test_a_reply_that_echoes_the_prompt_is_not_sent_as_a_draft(llm_assistant, api, assistant, given):
    echo = "\n".join(f"[P{i}] {p.title} ({p.venue}). Authors: {', '.join(p.authors)}. Abstract: {p.abstract[:600]}"
                     for i, p in enumerate(given, 1))
    api.reply(echo)
    draft = llm_assistant.draft(RICO)
    assert draft.engine == OFFLINE_LABEL and ECHO in draft.warnings and FALLBACK_NOTICE not in draft.warnings
    assert draft.body == assistant.draft(RICO).body and "Abstract:" not in draft.body


def test_a_reply_that_repeats_the_instructions_is_not_sent_as_a_draft(llm_assistant, api, assistant):
    reply_draft(api, "Hi Rico,\n\nShort sentences, plain words, one concrete detail from the candidate's own work; "
                     "no superlatives, flattery, buzzwords or exclamation marks. I read [P1].\n\nBest,\nClaire")
    draft = llm_assistant.draft(RICO)
    assert draft.engine == OFFLINE_LABEL and ECHO in draft.warnings
    assert draft.body == assistant.draft(RICO).body


def test_a_draft_in_the_wrong_language_is_not_sent(llm_assistant, api, assistant):
    reply_draft(api, "Hi Rico,\n\nI read [P1] and would like to talk to you about our lab.\n\nBest,\nClaire")
    draft = llm_assistant.draft(RICO, language="fr")
    wrong_language = DISCARDED_NOTICE.format(reason=DISCARD_REASONS["language"])
    assert draft.engine == OFFLINE_LABEL and wrong_language in draft.warnings and draft.language == "fr"
    assert draft.body == assistant.draft(RICO, language="fr").body
    reply_draft(api, "Bonjour Rico,\n\nJ'ai lu [P1] et votre travail est proche du nôtre.\n\nBien à vous,\nClaire")
    draft = llm_assistant.draft(RICO, language="fr")
    assert draft.engine == "fake" and draft.warnings == [] and "« " in draft.body


def test_a_revision_shows_the_model_keys_and_gives_back_titles(llm_assistant, api, assistant, given):
    draft = assistant.draft(RICO, language="fr")
    reply_draft(api, "Bonjour Rico,\n\nJ'ai lu [P2] avec intérêt. Un appel ?\n\nBien à vous,\nClaire")
    shorter = llm_assistant.revise(draft, "shorter")
    sent = prompt_of(api.requests[-1])
    assert "[P1]" in sent and "[P2]" in sent and f"« {given[0].title} »" not in sent.split("Message:")[-1]
    assert shorter.engine == "fake" and shorter.cited_paper_ids == [given[1].id]
    assert f"« {given[1].title} »" in shorter.body and "[" not in shorter.body
    api.fail(500, times=2)
    offline = llm_assistant.revise(draft, "shorter")
    assert offline.engine == OFFLINE_LABEL and FALLBACK_NOTICE in offline.warnings and offline.body


def test_a_rate_limit_is_retried_and_the_model_draft_used(llm_assistant, api, given):
    api.fail(429, retry_after=0.05)
    reply_draft(api, "Hi Rico,\n\nI read [P2] closely.\n\nBest,\nClaire")
    draft = llm_assistant.draft(RICO)
    assert len(api.requests) == 2 and draft.engine == "fake" and FALLBACK_NOTICE not in draft.warnings
    assert draft.cited_paper_ids == [given[1].id]


def test_a_server_that_keeps_failing_gives_the_offline_answer_and_draft_with_a_notice(llm_assistant, api, assistant):
    api.fail(500, times=2)
    answer = llm_assistant.ask(QUESTION)
    assert len(api.requests) == 2  # one try and max_retries=1
    offline = assistant.ask(QUESTION)
    assert answer.engine == OFFLINE_LABEL and answer.text == offline.text and FALLBACK_NOTICE in answer.warnings
    assert [c.paper.id for c in answer.citations] == [c.paper.id for c in offline.citations]
    api.fail(500, times=2)
    draft = llm_assistant.draft(RICO, channel="linkedin", language="fr")
    assert draft.engine == OFFLINE_LABEL and FALLBACK_NOTICE in draft.warnings
    assert draft.body == assistant.draft(RICO, channel="linkedin", language="fr").body and draft.cited_paper_ids


def test_a_failed_regeneration_keeps_the_first_reply_without_its_fabrication(llm_assistant, api, given):
    reply_draft(api, f'Hi Rico,\n\nI read [P1] closely. You also wrote "{FAKE_TITLE}".\n\nBest,\nClaire')
    api.fail(500, times=2)
    draft = llm_assistant.draft(RICO)
    assert draft.engine == "fake" and REMOVED_CLAIM_WARNING in draft.warnings
    assert "Feline" not in draft.body and draft.cited_paper_ids == [given[0].id]


def test_a_hanging_model_falls_back_within_the_timeout(llm_assistant, api, assistant):
    api.hang(30, times=2)
    started = time.monotonic()
    answer = llm_assistant.ask(QUESTION)
    elapsed = time.monotonic() - started
    assert elapsed < 8, elapsed  # two attempts of timeout_s=2, not the 30 s the server hangs
    assert answer.engine == OFFLINE_LABEL and FALLBACK_NOTICE in answer.warnings
    assert answer.text == assistant.ask(QUESTION).text


def test_an_answer_citing_keys_gets_the_right_papers_as_numbered_references(llm_assistant, api, assistant):
    offline = assistant.ask(QUESTION)
    first, second = offline.citations[0].paper, offline.citations[1].paper
    api.reply("Rico Sennrich proposed contrastive decoding against hallucinations [P2]. "
              "He also tied hallucinations under domain shift to exposure bias [P1].")
    answer = llm_assistant.ask(QUESTION)
    assert answer.engine == "fake" and answer.warnings == []
    assert [c.paper.id for c in answer.citations] == [second.id, first.id]
    assert "[1]" in answer.text and "[2]" in answer.text and "[P" not in answer.text
    assert answer.text.index("[1]") < answer.text.index("[2]")
    sent = prompt_of(api.requests[0])
    assert f"[P1] {first.title}" in sent and f"[P2] {second.title}" in sent


@pytest.mark.parametrize("reply", [NOT_FOUND_PHRASE, "Sorry, I could not find anything on that."])
def test_a_model_that_finds_nothing_does_not_override_the_offline_answer(llm_assistant, api, assistant, reply):
    api.reply(reply, times=2)
    answer = llm_assistant.ask(QUESTION)
    offline = assistant.ask(QUESTION)
    assert answer.engine == OFFLINE_LABEL and answer.text == offline.text and not answer.not_found
    assert [c.paper.id for c in answer.citations] == [c.paper.id for c in offline.citations]


def test_a_coauthor_the_paper_does_not_have_is_removed(llm_assistant, api, full_kb, given):
    on_paper = set(given[0].author_ids)
    stranger = next(name for p in full_kb.catalog.papers_of(RICO) for name, pid in zip(p.authors, p.author_ids)
                    if pid not in on_paper)
    body = f"Hi Rico,\n\nI read [P1] closely. You wrote [P1] with {stranger}, I believe.\n\nBest,\nClaire"
    reply_draft(api, body)
    reply_draft(api, body)
    draft = llm_assistant.draft(RICO)
    assert stranger in prompt_of(api.requests[1])
    assert stranger not in draft.body and REMOVED_CLAIM_WARNING in draft.warnings
    assert draft.cited_paper_ids == [given[0].id]


def test_a_title_typed_out_with_a_wrong_year_never_reaches_the_draft(llm_assistant, api, assistant, given):
    body = f"Hi Rico,\n\nI read {given[0].title} ({given[0].year - 3}) closely.\n\nBest,\nClaire"
    reply_draft(api, body)
    reply_draft(api, body)
    draft = llm_assistant.draft(RICO)
    assert str(given[0].year - 3) not in draft.body
    assert draft.engine == OFFLINE_LABEL and draft.body == assistant.draft(RICO).body and fell_back(draft.warnings)


def test_a_person_unrelated_to_the_candidate_is_removed_even_without_a_citation(llm_assistant, api, full_kb, given):
    around = {a for p in full_kb.catalog.papers_of(RICO) for a in p.author_ids}
    stranger = next(c.name for c in full_kb.catalog.candidates.values()
                    if c.id not in around and len(c.name.split()) == 2 and not c.ambiguous)
    body = f"Hi Rico,\n\nI read [P1] closely. I hear you often work with {stranger}.\n\nBest,\nClaire"
    reply_draft(api, body)
    reply_draft(api, body)
    draft = llm_assistant.draft(RICO)
    assert stranger not in draft.body and REMOVED_CLAIM_WARNING in draft.warnings
    assert draft.cited_paper_ids == [given[0].id]


def test_a_long_fabricated_quotation_is_removed(llm_assistant, api):
    passage = " ".join(["We are thrilled to announce our groundbreaking feline translation engine"] * 5)
    body = f'Hi Rico,\n\nI read [P1] closely. Our motto: "{passage}".\n\nBest,\nClaire'
    reply_draft(api, body)
    reply_draft(api, body)
    draft = llm_assistant.draft(RICO)
    assert "feline" not in draft.body and REMOVED_CLAIM_WARNING in draft.warnings and draft.engine == "fake"


def test_a_coauthor_misattributed_in_an_answer_is_removed(llm_assistant, api, assistant, full_kb):
    offline = assistant.ask(QUESTION)
    paper = offline.citations[0].paper
    stranger = next(c for c in full_kb.catalog.candidates.values() if c.id not in paper.author_ids
                    and c.id != RICO and len(c.name.split()) == 2 and not c.ambiguous).name
    text = f"He wrote [P1] with {stranger}. He also studied contrastive decoding [P2]."
    api.reply(text, times=2)
    answer = llm_assistant.ask(QUESTION)
    assert stranger not in answer.text and REMOVED_CLAIM_WARNING in answer.warnings
    assert [c.paper.id for c in answer.citations] == [offline.citations[1].paper.id] and "[1]" in answer.text


async def test_stream_ask_yields_the_checked_text_then_the_answer(llm_assistant, api, assistant):
    offline = assistant.ask(QUESTION)
    api.reply(json.dumps({"sentences": [
        {"text": "{candidate_name} tied hallucinations to exposure bias in {title:P1}.", "papers": ["P1"]},
        {"text": "The other paper, {title:P2}, proposes contrastive decoding.", "papers": ["P2"]}]}))
    items = [item async for item in llm_assistant.stream_ask(QUESTION)]
    deltas, final = items[:-1], items[-1]
    assert isinstance(final, Answer) and all(isinstance(d, str) for d in deltas) and deltas
    assert "".join(deltas).strip() == final.text.strip() and "[P" not in final.text and "{" not in final.text
    assert final.engine == "fake" and "[1]" in final.text and "[2]" in final.text
    assert [c.paper.id for c in final.citations] == [c.paper.id for c in offline.citations[:2]]


async def test_stream_ask_never_shows_a_fabricated_title(llm_assistant, api, assistant):
    reply = json.dumps({"sentences": [{"text": f"He is known for “{FAKE_TITLE}”.", "papers": ["P1"]},
                                      {"text": "He also studied decoding in {title:P2}.", "papers": ["P2"]}]})
    api.reply(reply, times=2)
    items = [item async for item in llm_assistant.stream_ask(QUESTION)]
    final = items[-1]
    assert isinstance(final, Answer) and REMOVED_CLAIM_WARNING in final.warnings
    assert not any("Feline" in str(item) for item in items[:-1]) and "Feline" not in final.text
    assert [c.paper.id for c in final.citations] == [assistant.ask(QUESTION).citations[1].paper.id]


async def test_stream_ask_falls_back_when_the_endpoint_is_down(llm_assistant, api, assistant):
    api.fail(503, times=2)
    items = [item async for item in llm_assistant.stream_ask(QUESTION)]
    assert len(items) == 1 and items[0].engine == OFFLINE_LABEL and FALLBACK_NOTICE in items[0].warnings
    assert items[0].text == assistant.ask(QUESTION).text


def test_a_french_question_is_rewritten_in_english_for_retrieval(full_kb):
    from bot.assistant.drafting import Company
    from bot.assistant.service import Assistant
    from bot.llm import OpenAIChat
    from bot.settings import LLMSettings
    from tests.fakes.openai_api import FakeOpenAI

    with FakeOpenAI() as api:
        api.responder = lambda request: "ok"
        api.reply("Which of Rico Sennrich's papers evaluates pronoun translation with contrastive test sets?")
        model = OpenAIChat(LLMSettings(base_url=api.base_url, api_key="dummy", model="fake", timeout_s=5,
                                       max_retries=0), backoff_base_s=0.01)
        assistant = Assistant(full_kb, Company.load(full_kb.settings.knowledge.company_dir), model)
        answer = assistant.ask("Quel article de Rico Sennrich évalue la traduction des pronoms avec des jeux de "
                               "test contrastifs ?")
        first_prompt = json.dumps(api.requests[0])
    assert "Quel article" in first_prompt  # the first call is the translation
    assert answer.candidate_ids == ["rico-sennrich"] and answer.citations
