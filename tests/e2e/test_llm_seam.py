"""The chat-model seam end to end: the real openai client (through ChatOpenAI) against local servers."""

from __future__ import annotations

import os
import time

import pytest

from bot.assistant.replies import parse_json_loosely
from bot.llm import LLMError, OpenAIChat, build_chat_model
from bot.settings import LLMSettings
from tests.fakes import FakeOpenAI, llama_server


@pytest.fixture(autouse=True)
def no_openai_env(monkeypatch):
    """The client must be configured by settings only, never by the developer's OPENAI_* variables."""
    for name in list(os.environ):
        if name.startswith("OPENAI_"):
            monkeypatch.delenv(name)


@pytest.fixture
def api():
    with FakeOpenAI() as fake:
        yield fake


def chat_for(api: FakeOpenAI, **overrides) -> OpenAIChat:
    values = {"base_url": api.base_url, "model": "fake-model", "timeout_s": 5, "max_retries": 2, **overrides}
    settings = LLMSettings(**values)
    return OpenAIChat(settings, backoff_base_s=0.01, backoff_cap_s=0.05)


def test_no_endpoint_means_no_chat_model():
    assert build_chat_model(LLMSettings()) is None


def test_plain_reply_is_returned_and_the_prompt_is_sent(api):
    api.reply("Rico works on machine translation.")
    chat = chat_for(api)
    assert chat.complete("You are terse.", "Who is Rico?") == "Rico works on machine translation."
    sent = api.requests[-1]
    assert sent["model"] == "fake-model"
    assert sent["messages"] == [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Who is Rico?"},
    ]
    assert not sent.get("stream")
    # Local servers such as llama-cpp-python ignore max_completion_tokens, so max_tokens goes too.
    assert sent["max_tokens"] == sent["max_completion_tokens"] == 700


async def test_stream_yields_the_deltas_in_order(api):
    api.stream(["Rico ", "works ", "on MT."])
    deltas = [delta async for delta in chat_for(api).stream("system", "user")]
    assert deltas == ["Rico ", "works ", "on MT."]
    assert api.requests[-1]["stream"] is True


async def test_stream_retries_a_failure_before_the_first_delta(api):
    api.fail(503)
    api.reply("after a retry")
    text = "".join([delta async for delta in chat_for(api).stream("system", "user")])
    assert text == "after a retry" and len(api.requests) == 2


def test_rate_limit_is_retried_after_the_servers_retry_after(api):
    api.fail(429, retry_after=0.3)
    api.reply("second time lucky")
    started = time.monotonic()
    assert chat_for(api).complete("system", "user") == "second time lucky"
    assert time.monotonic() - started >= 0.3
    assert len(api.requests) == 2


def test_an_absurd_retry_after_gives_up_at_once(api):
    api.fail(429, retry_after=3600)  # an hour: the client does not wait, the caller falls back instead
    api.reply("ok")
    started = time.monotonic()
    with pytest.raises(LLMError, match="429"):
        chat_for(api).complete("system", "user")
    assert time.monotonic() - started < 3 and len(api.requests) == 1


def test_server_errors_exhaust_the_retries_then_raise_llm_error(api):
    api.fail(500, times=2)
    chat = chat_for(api, max_retries=1)
    with pytest.raises(LLMError, match="2 attempts"):
        chat.complete("system", "user")
    assert len(api.requests) == 2 and api.pending() == 0


def test_client_errors_are_not_retried(api):
    api.fail(401)
    with pytest.raises(LLMError, match="401"):
        chat_for(api).complete("system", "user")
    assert len(api.requests) == 1


def test_a_hanging_endpoint_times_out_quickly(api):
    api.hang(30, times=2)
    chat = chat_for(api, timeout_s=0.3, max_retries=1)
    started = time.monotonic()
    with pytest.raises(LLMError, match="timeout"):
        chat.complete("system", "user")
    assert time.monotonic() - started < 5


async def test_a_hanging_stream_times_out_quickly(api):
    api.hang(30)
    chat = chat_for(api, timeout_s=0.3, max_retries=0)
    started = time.monotonic()
    with pytest.raises(LLMError):
        _ = [delta async for delta in chat.stream("system", "user")]
    assert time.monotonic() - started < 5


def test_a_malformed_body_raises_llm_error_without_retrying(api):
    api.malformed(times=3)
    with pytest.raises(LLMError, match="unreadable"):
        chat_for(api).complete("system", "user")
    assert len(api.requests) == 1, "the same server answers the same garbage; a retry only hides it"


def test_retry_after_ms_is_honoured_by_the_client(api):
    api.fail(429, retry_after=None)
    api._queue[-1].headers["retry-after-ms"] = "400"
    api.reply("later")
    started = time.monotonic()
    assert chat_for(api).complete("system", "user") == "later"
    assert time.monotonic() - started >= 0.4 and len(api.requests) == 2


def test_an_unreachable_endpoint_raises_llm_error():
    with FakeOpenAI() as gone:
        url = gone.base_url
    chat = OpenAIChat(LLMSettings(base_url=url, timeout_s=1, max_retries=1), backoff_base_s=0.01)
    with pytest.raises(LLMError, match="connection"):
        chat.complete("system", "user")


def test_structured_output_sends_the_json_schema(api):
    schema = {"title": "Pick", "type": "object", "properties": {"id": {"type": "string"}}, "required": ["id"]}
    api.reply('{"id": "rico-sennrich"}')
    reply = chat_for(api, structured_output=True).complete("system", "user", json_schema=schema)
    assert parse_json_loosely(reply) == {"id": "rico-sennrich"}
    sent = api.requests[-1]["response_format"]
    assert sent["type"] == "json_schema" and sent["json_schema"]["schema"] == schema


@pytest.mark.parametrize("status", [400, 500])
def test_an_endpoint_that_refuses_structured_output_gets_the_schema_in_the_prompt_from_then_on(api, status):
    schema = {"title": "Pick", "type": "object", "properties": {"id": {"type": "string"}}}
    api.fail(status, message="response_format json_schema is not supported")
    api.reply('{"id": "rico-sennrich"}', times=2)
    chat = chat_for(api, structured_output=True, max_retries=0)
    assert parse_json_loosely(chat.complete("Pick one.", "user", json_schema=schema)) == {"id": "rico-sennrich"}
    assert parse_json_loosely(chat.complete("Pick one.", "user", json_schema=schema)) == {"id": "rico-sennrich"}
    first, *rest = api.requests
    assert first["response_format"]["type"] == "json_schema"
    assert len(rest) == 2 and all("response_format" not in r and '"properties"' in r["messages"][0]["content"]
                                  for r in rest)


def test_a_down_endpoint_is_not_mistaken_for_one_without_structured_output(api):
    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    api.fail(500, times=3)
    chat = chat_for(api, structured_output=True, max_retries=1)
    with pytest.raises(LLMError, match="500"):
        chat.complete("Pick one.", "user", json_schema=schema)
    assert len(api.requests) == 3  # the structured try, then the prompt try and its one retry
    api.reply('{"id": "x"}')
    chat.complete("Pick one.", "user", json_schema=schema)
    assert api.requests[-1]["response_format"]["type"] == "json_schema"  # still asked: it never refused


def test_without_structured_output_the_schema_goes_into_the_prompt(api):
    schema = {"type": "object", "properties": {"id": {"type": "string"}}}
    api.reply('Sure! ```json\n{"id": "rico-sennrich",}\n```')
    reply = chat_for(api).complete("Pick one.", "user", json_schema=schema)
    assert parse_json_loosely(reply) == {"id": "rico-sennrich"}
    sent = api.requests[-1]
    assert "response_format" not in sent and '"properties"' in sent["messages"][0]["content"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ('{"a": 1}', {"a": 1}),
        ('Here you go:\n```json\n{"a": [1, 2,], "b": "}"}\n```\nAnything else?', {"a": [1, 2], "b": "}"}),
        ('Answer: {"a": {"b": "say \\"hi\\""}} done', {"a": {"b": 'say "hi"'}}),
        ("no json here", None),
        ("[1, 2]", None),
        ("", None),
    ],
)
def test_parse_json_loosely(text, expected):
    assert parse_json_loosely(text) == expected


@pytest.mark.llm
async def test_a_real_local_model_answers_through_the_seam():
    with llama_server() as base_url:
        settings = LLMSettings(base_url=base_url, model="smollm2", timeout_s=120, max_tokens=24, temperature=0)
        chat = OpenAIChat(settings)
        text = chat.complete("You are a helpful assistant.", "Say hello in one short sentence.")
        assert text.strip()
        deltas = [delta async for delta in chat.stream("You are a helpful assistant.", "Name one colour.")]
        assert "".join(deltas).strip()
        # llama-cpp-python's server answers a json_schema response_format with HTTP 500: the seam adapts.
        structured = OpenAIChat(settings.model_copy(update={"structured_output": True}))
        schema = {"type": "object", "properties": {"colour": {"type": "string"}}, "required": ["colour"]}
        assert structured.complete("Reply in JSON.", "Name one colour.", json_schema=schema).strip()
