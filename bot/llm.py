"""The one seam to a chat model: the ``ChatModel`` protocol and its OpenAI-compatible implementation.

Everything else in recruitbot talks to :class:`ChatModel`; only this module imports openai and
langchain-openai. ``build_chat_model`` returns ``None`` when no endpoint is configured, and the
assistant then answers with its offline engine.

Retries are the openai client's (``max_retries`` from settings): it retries 408, 409, 429, 5xx, connection
errors and timeouts with exponential backoff and honours ``retry-after-ms`` and ``Retry-After``. What is
left here is turning its final failure into :class:`LLMError`. An unreadable response is not retried: the
same server tends to answer the same way, and retrying Python errors (KeyError, TypeError) hid bugs.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import threading
import time
import weakref
from typing import Any, AsyncIterator, Protocol

import openai
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from bot.settings import LLMSettings

logger = logging.getLogger(__name__)

# How servers without structured output answer a request that asks for it (llama-cpp-python's says 500).
SCHEMA_REFUSALS = frozenset({400, 422, 500, 501})


class ChatModel(Protocol):
    """A chat model behind one system prompt and one user message."""

    name: str

    def complete(self, system: str, user: str, *, json_schema: dict | None = None) -> str:
        """Returns the whole reply; with ``json_schema`` the reply is meant to be that JSON."""
        ...

    def stream(self, system: str, user: str) -> AsyncIterator[str]:
        """Yields the reply as text deltas."""
        ...


class LLMError(RuntimeError):
    """The endpoint stayed down, timed out or answered garbage after all retries."""


def _failure(exc: BaseException, attempts: int) -> LLMError | None:
    """The LLMError for a failure of the openai client (after its retries); None for anything else (a bug)."""
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status in (408, 409, 429) or status >= 500:
            return LLMError(f"the model endpoint failed after up to {attempts} attempts: HTTP {status}")
        return LLMError(f"the model endpoint refused the request: HTTP {status}")
    if isinstance(exc, openai.APITimeoutError):
        return LLMError(f"the model endpoint failed after up to {attempts} attempts: timeout")
    if isinstance(exc, openai.APIConnectionError):
        return LLMError(f"the model endpoint failed after up to {attempts} attempts: connection error")
    if isinstance(exc, (openai.APIResponseValidationError, json.JSONDecodeError)):
        return LLMError(f"unreadable response from the model endpoint ({type(exc).__name__})")
    return None


def _text_of(content: Any) -> str:
    """The text of a message's content, which langchain may give as a string or a list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [b if isinstance(b, str) else b.get("text", "") for b in content if isinstance(b, (str, dict))]
        return "".join(parts)
    raise LLMError(f"unreadable response from the model endpoint (content of type {type(content).__name__})")


class OpenAIChat:
    """A ChatModel on any OpenAI-compatible endpoint, through langchain-openai's ``ChatOpenAI``."""

    def __init__(self, settings: LLMSettings, **_unused: Any) -> None:
        """``_unused`` takes the backoff knobs older callers pass; the openai client's own backoff applies."""
        if not settings.base_url:
            raise ValueError("OpenAIChat needs settings.base_url")
        self.settings = settings
        self.name = settings.model
        self._chat = self._build()
        # The first structured try is made once: a refusal (often a 500) must not be retried as an outage.
        self._chat_once = self._build(max_retries=0)
        # The default async httpx client is cached process-wide and pools connections on the loop that
        # first used it; a second event loop (tests, repeated asyncio.run) would then fail. One client per loop.
        self._async_chats: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, ChatOpenAI] = weakref.WeakKeyDictionary()
        self._lock = threading.Lock()
        self._schema_refused = False  # the endpoint answered a request with a JSON schema with a refusal

    def _build(self, **extra: Any) -> ChatOpenAI:
        s = self.settings
        if "api.openai.com" not in (s.base_url or ""):
            # ChatOpenAI sends only max_completion_tokens, which llama-cpp-python's server (and other
            # OpenAI-compatible servers) ignore, generating up to the context size. Say it both ways.
            extra.setdefault("extra_body", {"max_tokens": s.max_tokens})
        extra.setdefault("max_retries", max(0, s.max_retries))
        return ChatOpenAI(
            base_url=s.base_url,
            api_key=s.api_key,
            model=s.model,
            timeout=s.timeout_s,
            temperature=s.temperature,
            max_tokens=s.max_tokens,
            stream_chunk_timeout=s.timeout_s,
            **extra,
        )

    def _async_chat(self) -> ChatOpenAI:
        loop = asyncio.get_running_loop()
        with self._lock:
            chat = self._async_chats.get(loop)
            if chat is None:
                client = openai.DefaultAsyncHttpxClient(timeout=self.settings.timeout_s)
                chat = self._async_chats[loop] = self._build(http_async_client=client)
            return chat

    def _attempts(self) -> int:
        return max(0, self.settings.max_retries) + 1

    def _invoke(self, chat: ChatOpenAI, system: str, user: str, json_schema: dict | None, structured: bool,
                attempts: int) -> str:
        messages, runnable = self._prepare(chat, system, user, json_schema, structured)
        started = time.monotonic()
        try:
            text = _text_of(runnable.invoke(messages).content)
        except Exception as exc:  # noqa: BLE001 - openai's failures become LLMError, anything else propagates
            failure = _failure(exc, attempts)
            if failure is None:
                raise
            logger.warning("model %s: %s", self.name, failure)
            raise failure from exc
        logger.debug("model %s answered %s chars in %.2f s", self.name, len(text), time.monotonic() - started)
        return text

    def complete(self, system: str, user: str, *, json_schema: dict | None = None) -> str:
        """Returns the model's whole reply; raises LLMError when the endpoint keeps failing.

        An endpoint that refuses structured output (HTTP 400, 422, 500 or 501 to a request with a JSON
        schema) is asked again at once with the schema in the prompt; when that works, it is not asked for
        structured output again.
        """
        attempts = self._attempts()
        if json_schema is None or not self.settings.structured_output or self._schema_refused:
            return self._invoke(self._chat, system, user, json_schema, False, attempts)
        try:
            return self._invoke(self._chat_once, system, user, json_schema, True, 1)
        except LLMError as exc:
            status = getattr(exc.__cause__, "status_code", None)
            if status not in SCHEMA_REFUSALS:
                if attempts == 1 or not isinstance(exc.__cause__, openai.APIError):
                    raise
                return self._invoke(self._build(max_retries=attempts - 2), system, user, json_schema, True,
                                    attempts)
            logger.info("model %s refused structured output (HTTP %s); schema goes in the prompt", self.name, status)
        text = self._invoke(self._chat, system, user, json_schema, False, attempts)
        logger.warning("model %s does not take structured output (HTTP %s); JSON is asked for in the prompt from "
                       "now on", self.name, status)
        self._schema_refused = True
        return text

    async def stream(self, system: str, user: str) -> AsyncIterator[str]:
        """Yields text deltas. The client retries until the response starts; a failure after the first delta
        raises LLMError (what was shown cannot be taken back)."""
        messages = [SystemMessage(system), HumanMessage(user)]
        yielded = False
        try:
            async for chunk in self._async_chat().astream(messages):
                delta = _text_of(chunk.content)
                if delta:
                    yielded = True
                    yield delta
        except LLMError:
            raise
        except Exception as exc:  # noqa: BLE001 - openai's failures become LLMError, anything else propagates
            failure = _failure(exc, self._attempts())
            if failure is None:
                raise
            if yielded:
                raise LLMError(f"the model stream broke off: {failure}") from exc
            logger.warning("model %s stream: %s", self.name, failure)
            raise failure from exc

    def _prepare(self, chat: ChatOpenAI, system: str, user: str, json_schema: dict | None,
                 structured: bool) -> tuple[list[BaseMessage], Any]:
        if json_schema is None:
            return [SystemMessage(system), HumanMessage(user)], chat
        if structured:
            name = re.sub(r"[^A-Za-z0-9_-]", "_", str(json_schema.get("title", "reply")))[:64] or "reply"
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": json_schema, "strict": False},
            }
            return [SystemMessage(system), HumanMessage(user)], chat.bind(response_format=response_format)
        # Without server-side structured output, say what is wanted; the caller parses loosely.
        hint = "\n\nReply with one JSON object only, no prose, matching this JSON schema:\n" + json.dumps(json_schema)
        return [SystemMessage(system + hint), HumanMessage(user)], chat


def build_chat_model(settings: LLMSettings) -> ChatModel | None:
    """The configured chat model, or None when no endpoint is set (the offline engine answers then)."""
    if not settings.base_url:
        logger.info("no LLM endpoint configured; the offline engine will answer")
        return None
    logger.info("using chat model %s at %s", settings.model, settings.base_url)
    return OpenAIChat(settings)
