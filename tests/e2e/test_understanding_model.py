"""With a model configured, the model reads the message into the request; a bad or absent reply leaves it
to the offline parser. The real openai client (through OpenAIChat) talks to a scripted server on 127.0.0.1."""

from __future__ import annotations

import json

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
