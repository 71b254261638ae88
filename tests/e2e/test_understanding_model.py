"""With a model configured, the model reads the message into the request; a bad or absent reply leaves it
to the offline parser. The real openai client (through OpenAIChat) talks to a scripted server on 127.0.0.1."""

from __future__ import annotations

import json
import re

import pytest

from bot.assistant.drafting import Company
from bot.assistant.service import Assistant
from bot.llm import OpenAIChat
from bot.settings import LLMSettings
from tests.fakes import FakeOpenAI


@pytest.fixture
def api():
    with FakeOpenAI() as fake:
        yield fake


def reading_assistant(full_kb, base_url: str) -> Assistant:
    settings = LLMSettings(base_url=base_url, api_key="dummy", model="fake", timeout_s=2, max_retries=0)
    model = OpenAIChat(settings, backoff_base_s=0.01)
    return Assistant(full_kb, Company.load(full_kb.settings.knowledge.company_dir), model, model_parses=True)


def test_the_models_request_is_used_with_names_resolved_by_the_knowledge_base(api, full_kb):
    api.reply(json.dumps({"op": "latest", "people": ["hermann ney"], "topic": ""}))
    request = reading_assistant(full_kb, api.base_url).understand("what's new from him, the Aachen MT guy Ney?")
    assert request.parser == "model" and request.op == "latest" and request.people == ["hermann-ney"]
    assert "Operations:" in api.requests[0]["messages"][0]["content"]


def test_a_name_the_model_invents_is_unknown_not_swapped(api, full_kb):
    api.reply(json.dumps({"op": "papers", "people": ["Greta Ney"], "topic": "speech"}))
    assistant = reading_assistant(full_kb, api.base_url)
    request = assistant.understand("Greta Ney on speech?")
    assert request.parser == "model" and request.people == [] and request.unknown_name == "Greta Ney"


@pytest.mark.parametrize("reply", ['{"op": "teleport", "people": []}', "sure, here you go", '{"op": "count", '
                                   '"people": "not a list"}'])
def test_an_invalid_request_falls_back_to_the_offline_parser(api, full_kb, reply):
    api.reply(reply)
    request = reading_assistant(full_kb, api.base_url).understand("How many papers does Hermann Ney have?")
    assert request.parser == "offline" and request.op == "count" and request.people == ["hermann-ney"]


def test_a_down_endpoint_falls_back_to_the_offline_parser(full_kb):
    assistant = reading_assistant(full_kb, "http://127.0.0.1:9/v1")
    request = assistant.understand("How many papers does Hermann Ney have?")
    assert request.parser == "offline" and request.op == "count"


def _parsed(op: str, person: str, topic: str, terms: str) -> str:
    return json.dumps({"op": op, "people": [person], "topic": topic, "terms": terms})


def test_the_models_technical_terms_find_a_paper_described_in_everyday_words(api, full_kb, assistant):
    question = "Which Deng Cai paper picks the best reply for a chatbot by teaching it with easy examples before hard ones?"
    assert assistant.ask(question).status == "not_found"  # the plain words alone miss it
    api.reply(_parsed("papers", "Deng Cai", "picks the best reply for a chatbot by teaching it with easy examples "
                      "before hard ones", "dialogue response selection curriculum learning"))
    request = reading_assistant(full_kb, api.base_url).understand(question)
    assert request.parser == "model" and request.terms == "dialogue response selection curriculum learning"
    answer = assistant.execute(request)
    assert answer.status == "answered" and answer.citations[0].paper.id == "2021.acl-long.137"
    assert '"terms"' in api.requests[0]["messages"][0]["content"]


def test_the_models_terms_reorder_a_persons_papers_by_what_was_described(api, full_kb, assistant):
    question = "Which Shuhao Gu paper keeps a translation system from losing what it learned before when trained further?"
    api.reply(_parsed("papers", "Shuhao Gu", "keeps a translation system from losing what it learned before when "
                      "trained further", "continual learning catastrophic forgetting"))
    request = reading_assistant(full_kb, api.base_url).understand(question)
    answer = assistant.execute(request)
    assert answer.citations[0].paper.id == "2022.emnlp-main.111"  # "Continual Learning of NMT within Low Forgetting…"
    assert all(c.paper.id in full_kb.catalog.candidates["shuhao-gu"].paper_ids for c in answer.citations)


def test_terms_of_a_topic_the_person_never_worked_on_still_find_nothing(api, full_kb, assistant):
    api.reply(_parsed("papers", "Shuhao Gu", "how proteins fold", "protein structure prediction folding"))
    request = reading_assistant(full_kb, api.base_url).understand("Has Shuhao Gu written about how proteins fold?")
    assert request.terms and assistant.execute(request).status == "not_found"


def _finding(topic: str, terms: str) -> str:
    return json.dumps({"op": "find", "people": [], "topic": topic, "terms": terms})


def test_find_by_the_models_terms_lists_people_the_plain_words_miss(api, full_kb, assistant):
    question = "Who has worked on getting computers to write down what people say in languages with few recordings?"
    assert assistant.ask(question).status == "not_found"
    api.reply(_finding("getting computers to write down what people say in languages with few recordings",
                       "low-resource speech recognition"))
    answer = assistant.execute(reading_assistant(full_kb, api.base_url).understand(question))
    assert answer.status == "answered" and len(answer.candidate_ids) >= 3 and answer.citations
    for person in answer.candidate_ids[:3]:  # each listed for a paper of theirs on speech recognition
        theirs = [c.paper for c in answer.citations if person in c.paper.author_ids]
        assert any(re.search(r"speech recognition|\bASR\b", p.text(), re.I) for p in theirs), person


def test_find_by_terms_that_only_half_match_the_corpus_still_finds_nobody(api, full_kb, assistant):
    # "structure prediction" is in translation papers; proteins are in none.
    api.reply(_finding("folding proteins", "protein structure prediction"))
    answer = assistant.execute(reading_assistant(full_kb, api.base_url).understand("Who has worked on folding proteins?"))
    assert answer.status == "not_found" and not answer.candidate_ids


def test_and_someone_else_asks_the_last_question_again_whatever_the_model_makes_of_it(api, full_kb):
    # The model is told the question just answered; if it still reads "and X?" as X's profile, the conversation
    # asks the count again, of X.
    from bot.assistant.protocol import Conversation

    assistant = reading_assistant(full_kb, api.base_url)
    conversation = Conversation()
    api.reply(json.dumps({"op": "count", "people": ["Hermann Ney"]}))
    first = assistant.ask("How many papers does Hermann Ney have?", conversation)
    assert first.intent == "count"
    api.reply(json.dumps({"op": "profile", "people": ["Tie-Yan Liu"]}))
    again = assistant.ask("and Tie-Yan Liu?", conversation)
    assert again.intent == "count" and again.candidate_ids == ["tie-yan-liu"]
    parses = [r for r in api.requests if "Operations:" in r["messages"][0]["content"]]
    assert '"last_question": {"op": "count"}' in parses[-1]["messages"][-1]["content"]


def test_the_model_may_ask_for_a_list_oldest_first(api, full_kb):
    api.reply(json.dumps({"op": "papers", "people": ["Hermann Ney"], "order": "oldest"}))
    answer = reading_assistant(full_kb, api.base_url).ask("Hermann Ney's work from the start")
    years = [full_kb.catalog.papers[c.paper.id].year for c in answer.citations]
    assert answer.intent == "papers" and "oldest first" in answer.text and years == sorted(years)
