"""The one seam to a chat model: the ``ChatModel`` protocol and its OpenAI-compatible implementation.

Everything else in recruitbot talks to :class:`ChatModel`; only this module imports openai and
langchain-openai. ``build_chat_model`` returns ``None`` when no endpoint is configured, and the
assistant then answers with its offline engine.

Retries are done here rather than by the openai client (``max_retries=0``) so that the policy is
visible and testable: 429, 408/409, 5xx, connection errors, timeouts and unparseable responses are
retried with capped exponential backoff, honouring ``Retry-After``; then :class:`LLMError` is raised.
"""

from __future__ import annotations

import asyncio
import email.utils
import json
import logging
import re
import threading
import time
import weakref
from typing import Any, AsyncIterator, Callable, Protocol

import openai
from langchain_core.messages import BaseMessage, HumanMessage, SystemMessage
from langchain_openai import ChatOpenAI

from bot.settings import LLMSettings

logger = logging.getLogger(__name__)

# Statuses worth another try: rate limits, request timeouts, conflicts, and any server-side failure.
RETRY_STATUSES = frozenset({408, 409, 429})
# How servers without structured output answer a request that asks for it (llama-cpp-python's says 500).
SCHEMA_REFUSALS = frozenset({400, 422, 500, 501})
# Responses we could not make sense of; the same request may well succeed the next time.
_GARBAGE_ERRORS = (openai.APIResponseValidationError, ValueError, KeyError, TypeError, AttributeError)


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


class _Retryable(Exception):
    """Internal: a failed attempt that may be retried, with the server's Retry-After if it sent one."""

    def __init__(self, reason: str, retry_after: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.retry_after = retry_after


def retry_after_seconds(headers: Any) -> float | None:
    """Seconds from ``retry-after-ms`` or ``Retry-After`` (seconds or an HTTP date); None if absent."""
    if headers is None:
        return None
    try:
        millis = headers.get("retry-after-ms")
        if millis is not None:
            return max(0.0, float(millis) / 1000)
        value = headers.get("retry-after")
    except (AttributeError, ValueError):
        return None
    if value is None:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        parsed = email.utils.parsedate_to_datetime(value) if value.strip() else None
        return None if parsed is None else max(0.0, parsed.timestamp() - time.time())


def _classify(exc: BaseException) -> _Retryable | LLMError:
    """Turns a client exception into a retryable failure or a final LLMError."""
    if isinstance(exc, openai.APIStatusError):
        status = exc.status_code
        if status in RETRY_STATUSES or status >= 500:
            return _Retryable(f"HTTP {status}", retry_after_seconds(exc.response.headers))
        return LLMError(f"the model endpoint refused the request: HTTP {status}")
    if isinstance(exc, openai.APITimeoutError):
        return _Retryable("timeout")
    if isinstance(exc, openai.APIConnectionError):
        return _Retryable("connection error")
    if isinstance(exc, _GARBAGE_ERRORS):
        return _Retryable(f"unreadable response ({type(exc).__name__})")
    return LLMError(f"unexpected error from the model client: {type(exc).__name__}")


def _text_of(content: Any) -> str:
    """The text of a message's content, which langchain may give as a string or a list of blocks."""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = [b if isinstance(b, str) else b.get("text", "") for b in content if isinstance(b, (str, dict))]
        return "".join(parts)
    raise TypeError(f"unexpected message content of type {type(content).__name__}")


class OpenAIChat:
    """A ChatModel on any OpenAI-compatible endpoint, through langchain-openai's ``ChatOpenAI``."""

    def __init__(
        self,
        settings: LLMSettings,
        *,
        backoff_base_s: float = 0.5,
        backoff_cap_s: float = 8.0,
        retry_after_cap_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not settings.base_url:
            raise ValueError("OpenAIChat needs settings.base_url")
        self.settings = settings
        self.name = settings.model
        self.backoff_base_s = backoff_base_s
        self.backoff_cap_s = backoff_cap_s
        self.retry_after_cap_s = retry_after_cap_s
        self._sleep = sleep
        self._chat = self._build()
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
        return ChatOpenAI(
            base_url=s.base_url,
            api_key=s.api_key,
            model=s.model,
            timeout=s.timeout_s,
            max_retries=0,
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

    def delay(self, attempt: int, failure: _Retryable) -> float:
        """Seconds to wait before retry number ``attempt`` (0-based): Retry-After if sent, else backoff."""
        if failure.retry_after is not None:
            return min(failure.retry_after, self.retry_after_cap_s)
        return min(self.backoff_base_s * 2**attempt, self.backoff_cap_s)

    def _attempts(self) -> int:
        return max(0, self.settings.max_retries) + 1

    def _give_up(self, failure: _Retryable) -> LLMError:
        logger.warning("model %s failed after %s attempts: %s", self.name, self._attempts(), failure.reason)
        return LLMError(f"the model endpoint failed after {self._attempts()} attempts: {failure.reason}")

    def complete(self, system: str, user: str, *, json_schema: dict | None = None) -> str:
        """Returns the model's whole reply; raises LLMError when the endpoint keeps failing.

        An endpoint that refuses structured output (HTTP 400, 422, 500 or 501 to a request with a JSON
        schema) is asked again at once with the schema in the prompt; when that works, it is not asked for
        structured output again.
        """
        structured = json_schema is not None and self.settings.structured_output and not self._schema_refused
        messages, runnable = self._prepare(system, user, json_schema, structured)
        attempt, refused = 0, None
        while True:
            started = time.monotonic()
            try:
                message = runnable.invoke(messages)
                text = _text_of(message.content)
            except Exception as exc:  # noqa: BLE001 - classified right below
                if structured and getattr(exc, "status_code", None) in SCHEMA_REFUSALS:
                    logger.info("model %s refused structured output (HTTP %s); schema goes in the prompt",
                                self.name, exc.status_code)
                    structured, refused = False, exc.status_code
                    messages, runnable = self._prepare(system, user, json_schema, structured=False)
                    continue
                failure = _classify(exc)
                if isinstance(failure, LLMError):
                    raise failure from exc
                if attempt + 1 >= self._attempts():
                    raise self._give_up(failure) from exc
                wait = self.delay(attempt, failure)
                logger.info("model %s: %s, retrying in %.2f s", self.name, failure.reason, wait)
                self._sleep(wait)
                attempt += 1
                continue
            if refused is not None:  # the schema in the prompt worked where structured output was refused
                logger.warning("model %s does not take structured output (HTTP %s); JSON is asked for in the "
                               "prompt from now on", self.name, refused)
                self._schema_refused = True
            logger.debug("model %s answered %s chars in %.2f s", self.name, len(text), time.monotonic() - started)
            return text

    async def stream(self, system: str, user: str) -> AsyncIterator[str]:
        """Yields text deltas. Retries only until the first delta: after that a failure raises LLMError."""
        messages = [SystemMessage(system), HumanMessage(user)]
        chat = self._async_chat()
        for attempt in range(self._attempts()):
            yielded = False
            try:
                async for chunk in chat.astream(messages):
                    delta = _text_of(chunk.content)
                    if delta:
                        yielded = True
                        yield delta
                return
            except Exception as exc:  # noqa: BLE001 - classified right below
                failure = _classify(exc)
                if isinstance(failure, LLMError):
                    raise failure from exc
                if yielded:
                    raise LLMError(f"the model stream broke off: {failure.reason}") from exc
                if attempt + 1 >= self._attempts():
                    raise self._give_up(failure) from exc
                wait = self.delay(attempt, failure)
                logger.info("model %s stream: %s, retrying in %.2f s", self.name, failure.reason, wait)
                await asyncio.sleep(wait)

    def _prepare(self, system: str, user: str, json_schema: dict | None,
                 structured: bool) -> tuple[list[BaseMessage], Any]:
        if json_schema is None:
            return [SystemMessage(system), HumanMessage(user)], self._chat
        if structured:
            name = re.sub(r"[^A-Za-z0-9_-]", "_", str(json_schema.get("title", "reply")))[:64] or "reply"
            response_format = {
                "type": "json_schema",
                "json_schema": {"name": name, "schema": json_schema, "strict": False},
            }
            return [SystemMessage(system), HumanMessage(user)], self._chat.bind(response_format=response_format)
        # Without server-side structured output, say what is wanted; the caller parses loosely.
        hint = "\n\nReply with one JSON object only, no prose, matching this JSON schema:\n" + json.dumps(json_schema)
        return [SystemMessage(system + hint), HumanMessage(user)], self._chat


def build_chat_model(settings: LLMSettings) -> ChatModel | None:
    """The configured chat model, or None when no endpoint is set (the offline engine answers then)."""
    if not settings.base_url:
        logger.info("no LLM endpoint configured; the offline engine will answer")
        return None
    logger.info("using chat model %s at %s", settings.model, settings.base_url)
    return OpenAIChat(settings)
