"""A fake OpenAI-compatible server on 127.0.0.1, for driving the real openai client in tests.

It runs an aiohttp application in a background thread with its own event loop, on a free port::

    with FakeOpenAI() as api:
        api.fail(429, retry_after=0.1)
        api.reply("Hello")
        chat = OpenAIChat(LLMSettings(base_url=api.base_url))
        assert chat.complete("system", "user") == "Hello"
        assert api.requests[-1]["messages"][1]["content"] == "user"

Each POST to ``/v1/chat/completions`` takes the next scripted step from a queue. When the queue is
empty, ``responder(request_json) -> str`` answers (default: "ok"). A text reply is sent as a JSON
``chat.completion`` or, when the request asked for ``stream``, as server-sent events.
"""

from __future__ import annotations

import asyncio
import json
import logging
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any, Callable

from aiohttp import web

logger = logging.getLogger(__name__)


@dataclass
class Step:
    """One scripted answer to one request."""

    kind: str  # "text", "stream", "status", "raw", "hang"
    text: str = ""
    chunks: list[str] = field(default_factory=list)
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: str = ""
    seconds: float = 0.0


class FakeOpenAI:
    """A scripted OpenAI-compatible endpoint; ``base_url`` ends in ``/v1``."""

    def __init__(self, model: str = "fake-model") -> None:
        self.model = model
        self.requests: list[dict[str, Any]] = []
        self.responder: Callable[[dict[str, Any]], str] = lambda request_json: "ok"
        self._queue: deque[Step] = deque()
        self._lock = threading.Lock()
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._runner: web.AppRunner | None = None
        self._closing: asyncio.Event | None = None
        self.port = 0

    # -- scripting -------------------------------------------------------------------------------

    def reply(self, text: str, *, times: int = 1) -> FakeOpenAI:
        """Answers with ``text``, as JSON or as a stream split into words, whichever was asked for."""
        return self._push(Step("text", text=text), times)

    def stream(self, chunks: list[str], *, times: int = 1) -> FakeOpenAI:
        """Answers with exactly these deltas as server-sent events, whatever the request asked."""
        return self._push(Step("stream", chunks=list(chunks)), times)

    def fail(
        self, status: int, *, retry_after: float | str | None = None, message: str = "scripted failure", times: int = 1
    ) -> FakeOpenAI:
        """Answers with an error status and an OpenAI-style error body; 429 may carry Retry-After."""
        headers = {} if retry_after is None else {"Retry-After": str(retry_after)}
        body = json.dumps({"error": {"message": message, "type": "server_error", "code": status}})
        return self._push(Step("status", status=status, headers=headers, body=body), times)

    def malformed(self, body: str = '{"id": "chatcmpl-1", "choices": [', *, times: int = 1) -> FakeOpenAI:
        """Answers 200 with a body that claims to be JSON but is not."""
        return self._push(Step("raw", body=body), times)

    def hang(self, seconds: float, *, times: int = 1) -> FakeOpenAI:
        """Sends nothing for ``seconds`` (or until the server closes), then answers "late"."""
        return self._push(Step("hang", seconds=seconds, text="late"), times)

    def pending(self) -> int:
        """How many scripted steps are still queued."""
        with self._lock:
            return len(self._queue)

    def _push(self, step: Step, times: int) -> FakeOpenAI:
        with self._lock:
            self._queue.extend([step] * times)
        return self

    def _next(self, request_json: dict[str, Any]) -> Step:
        with self._lock:
            if self._queue:
                return self._queue.popleft()
        return Step("text", text=self.responder(request_json))

    # -- lifecycle -------------------------------------------------------------------------------

    @property
    def base_url(self) -> str:
        """The URL to give the openai client: ``http://127.0.0.1:PORT/v1``."""
        return f"http://127.0.0.1:{self.port}/v1"

    def start(self) -> FakeOpenAI:
        """Starts the server thread and returns once the port is bound."""
        started = threading.Event()
        self._loop = asyncio.new_event_loop()

        def run() -> None:
            assert self._loop is not None
            asyncio.set_event_loop(self._loop)
            self._loop.run_until_complete(self._serve())
            started.set()
            self._loop.run_forever()
            self._loop.close()

        self._thread = threading.Thread(target=run, name="fake-openai", daemon=True)
        self._thread.start()
        if not started.wait(10):
            raise RuntimeError("fake OpenAI server did not start")
        logger.debug("fake OpenAI server listening on port %s", self.port)
        return self

    def close(self) -> None:
        """Stops the server, releasing any hanging request first."""
        if self._loop is None or self._thread is None:
            return
        future = asyncio.run_coroutine_threadsafe(self._shutdown(), self._loop)
        future.result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(10)
        self._loop = self._thread = None

    def __enter__(self) -> FakeOpenAI:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    async def _serve(self) -> None:
        self._closing = asyncio.Event()
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_get("/v1/models", self._models)
        self._runner = web.AppRunner(app, access_log=None, handler_cancellation=True, shutdown_timeout=0.5)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]

    async def _shutdown(self) -> None:
        assert self._closing is not None and self._runner is not None
        self._closing.set()
        await self._runner.cleanup()

    # -- handlers --------------------------------------------------------------------------------

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response({"object": "list", "data": [{"id": self.model, "object": "model", "owned_by": "fake"}]})

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        request_json = await request.json()
        self.requests.append(request_json)
        step = self._next(request_json)
        if step.kind == "hang":
            assert self._closing is not None
            try:
                await asyncio.wait_for(self._closing.wait(), step.seconds)
            except asyncio.TimeoutError:
                pass
            step = Step("text", text=step.text)
        if step.kind == "status":
            return web.Response(status=step.status, text=step.body, headers=step.headers, content_type="application/json")
        if step.kind == "raw":
            return web.Response(status=200, text=step.body, content_type="application/json")
        if step.kind == "stream":
            return await self._sse(request, step.chunks)
        if request_json.get("stream"):
            words = step.text.split(" ")
            return await self._sse(request, [w if i == 0 else " " + w for i, w in enumerate(words)])
        return web.json_response(self._completion(step.text, request_json))

    def _completion(self, text: str, request_json: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": "chatcmpl-fake",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": request_json.get("model", self.model),
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop", "logprobs": None}
            ],
            "usage": {"prompt_tokens": 1, "completion_tokens": max(1, len(text.split())), "total_tokens": 2},
        }

    async def _sse(self, request: web.Request, chunks: list[str]) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
        await response.prepare(request)
        base = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": int(time.time()), "model": self.model}
        first = {**base, "choices": [{"index": 0, "delta": {"role": "assistant", "content": ""}, "finish_reason": None}]}
        await response.write(f"data: {json.dumps(first)}\n\n".encode())
        for chunk in chunks:
            event = {**base, "choices": [{"index": 0, "delta": {"content": chunk}, "finish_reason": None}]}
            await response.write(f"data: {json.dumps(event)}\n\n".encode())
        last = {**base, "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}]}
        await response.write(f"data: {json.dumps(last)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response
