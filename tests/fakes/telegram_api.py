"""A fake Telegram Bot API: over HTTP on 127.0.0.1 for end-to-end tests, in-process for unit tests.

The real PTB client talks to it through ``base_url``/``base_file_url`` (``async with FakeTelegramAPI() as
api``), or through ``OfflineRequest(api)`` when no socket may be opened. It parses HTML as strictly as
Telegram does (``telegram_html``), refuses texts over 4,096 characters, records every call, and lets
tests inject updates and failures.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import json
import re
import time
from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any, AsyncIterator, Callable
from urllib.parse import unquote

from aiohttp import web
from telegram.request import BaseRequest, RequestData

from tests.fakes.telegram_html import LIMIT, APIError, parse_html, utf16_len

TOKEN = "123456:TEST-TOKEN"
BOT_USER = {"id": 123456, "is_bot": True, "first_name": "RecruitBot", "username": "recruit_test_bot",
            "can_join_groups": True, "can_read_all_group_messages": False, "supports_inline_queries": False}
# Form fields that are plain strings; every other field arrives JSON-encoded.
_STRING_FIELDS = {"text", "caption", "callback_query_id", "file_id", "parse_mode", "action", "url",
                  "secret_token", "document", "photo", "language_code", "inline_message_id"}


@dataclass
class Call:
    """One Bot API call as received."""

    method: str
    params: dict[str, Any]
    at: float = field(default_factory=time.monotonic)


class FakeTelegramAPI:
    """The fake server's state and Bot API methods."""

    def __init__(self, token: str = TOKEN) -> None:
        self.token = token
        self.calls: list[Call] = []
        self.sent: list[dict] = []  # messages the bot sent, live (edits show)
        self.messages: dict[tuple[int, int], dict] = {}
        self.commands: dict[str, list[dict]] = {}  # scope as JSON -> commands
        self._updates: list[dict] = []
        self._next_update = 1
        self._next_message: dict[int, int] = defaultdict(int)
        self._files: dict[str, tuple[str, bytes]] = {}
        self._failures: dict[str, deque[APIError]] = defaultdict(deque)
        self._arrived = asyncio.Event()
        self._runner: web.AppRunner | None = None
        self.port: int | None = None

    # --- serving -------------------------------------------------------------------------------------
    async def __aenter__(self) -> "FakeTelegramAPI":
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._api_route)
        app.router.add_get("/file/{tail:.*}", self._file_route)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]
        return self

    async def __aexit__(self, *exc: object) -> None:
        self._arrived.set()
        if self._runner is not None:
            await self._runner.cleanup()

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/bot"

    @property
    def base_file_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/file/bot"

    async def _api_route(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return web.json_response({"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401)
        params, files = {}, {}
        form = await request.post()
        for key, value in form.items():
            if isinstance(value, web.FileField):
                files[key] = (value.filename, value.file.read(), value.content_type)
            elif key in _STRING_FIELDS:
                params[key] = value
            else:
                try:
                    params[key] = json.loads(value)
                except ValueError:
                    params[key] = value
        status, payload = await self.handle(request.match_info["method"], params, files)
        return web.json_response(payload, status=status)

    async def _file_route(self, request: web.Request) -> web.Response:
        data = self.file_bytes(unquote(request.raw_path))
        return web.Response(body=data) if data is not None else web.Response(status=404)

    def file_bytes(self, url_path: str) -> bytes | None:
        """The bytes behind a file URL path; the token may come with ':' percent-encoded or not."""
        prefix = f"/file/bot{self.token}/"
        path = url_path[url_path.index(prefix) + len(prefix):] if prefix in url_path else None
        return next((data for p, data in self._files.values() if p == path), None)

    async def handle(self, method: str, params: dict, files: dict) -> tuple[int, dict]:
        """Answers one Bot API call: (HTTP status, JSON body)."""
        self.calls.append(Call(method, params))
        try:
            if self._failures[method]:
                raise self._failures[method].popleft()
            handler = getattr(self, f"_{method}", None)
            if handler is None:  # a 404 would read as InvalidToken in PTB
                raise APIError(400, f"Bad Request: method {method} is not implemented by the fake")
            result = await handler(params, files)
        except APIError as exc:
            body = {"ok": False, "error_code": exc.status, "description": exc.description}
            if exc.parameters:
                body["parameters"] = exc.parameters
            return exc.status, body
        return 200, {"ok": True, "result": result}

    # --- injection and inspection ------------------------------------------------------------------------
    def fail_next(self, method: str, status: int = 429, retry_after: int = 1, description: str | None = None) -> None:
        """Makes the next call of ``method`` fail (429: Too Many Requests with retry_after)."""
        if status == 429:
            error = APIError(429, description or f"Too Many Requests: retry after {retry_after}",
                             {"retry_after": retry_after})
        else:
            error = APIError(status, description or "Bad Request: injected failure")
        self._failures[method].append(error)

    def _queue(self, payload: dict) -> dict:
        update = {"update_id": self._next_update, **payload}
        self._next_update += 1
        self._updates.append(update)
        self._arrived.set()
        return update

    @staticmethod
    def _user(user_id: int) -> dict:
        return {"id": user_id, "is_bot": False, "first_name": f"User{user_id}", "language_code": "en"}

    @staticmethod
    def _chat(chat_id: int) -> dict:
        if chat_id > 0:
            return {"id": chat_id, "type": "private", "first_name": f"User{chat_id}"}
        return {"id": chat_id, "type": "supergroup" if str(chat_id).startswith("-100") else "group", "title": "Team"}

    def _message(self, chat_id: int, sender: dict, **fields: Any) -> dict:
        self._next_message[chat_id] += 1
        message = {"message_id": self._next_message[chat_id], "date": int(time.time()), "chat": self._chat(chat_id),
                   "from": sender, **fields}
        self.messages[(chat_id, message["message_id"])] = message
        return message

    def text_update(self, user_id: int, text: str, chat_id: int | None = None) -> dict:
        """An update with a user's text message (commands and mentions get their entities), not queued."""
        entities = []
        if text.startswith("/"):
            entities.append({"type": "bot_command", "offset": 0, "length": utf16_len(text.split()[0])})
        for match in re.finditer(r"@\w+", text):
            entities.append({"type": "mention", "offset": utf16_len(text[: match.start()]),
                             "length": utf16_len(match.group())})
        fields = {"text": text, **({"entities": entities} if entities else {})}
        message = self._message(chat_id or user_id, self._user(user_id), **fields)
        return {"update_id": 0, "message": message}

    def push_text(self, user_id: int, text: str, chat_id: int | None = None) -> dict:
        """Queues a text message from a user (in their private chat unless chat_id is given)."""
        return self._queue({"message": self.text_update(user_id, text, chat_id)["message"]})

    def push_callback(self, user_id: int, message: dict, data: str) -> dict:
        """Queues a press on an inline button of ``message``."""
        query = {"id": f"cq{self._next_update}", "from": self._user(user_id), "message": dict(message),
                 "chat_instance": f"ci{message['chat']['id']}", "data": data}
        return self._queue({"callback_query": query})

    def push_document(self, user_id: int, file_bytes: bytes, file_name: str, mime: str, caption: str | None = None,
                      chat_id: int | None = None, file_size: int | None = None) -> dict:
        """Queues a document from a user; ``file_size`` may claim another size than the bytes have."""
        file_id = f"file{len(self._files) + 1}"
        self._files[file_id] = (f"documents/{file_id}_{file_name}", file_bytes)
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": file_name, "mime_type": mime,
                    "file_size": len(file_bytes) if file_size is None else file_size}
        fields = {"document": document, **({"caption": caption} if caption else {})}
        return self._queue({"message": self._message(chat_id or user_id, self._user(user_id), **fields)})

    def sent_to(self, chat_id: int) -> list[dict]:
        """Messages the bot sent to a chat, oldest first, as they look now."""
        return [m for m in self.sent if m["chat"]["id"] == chat_id]

    def calls_to(self, method: str) -> list[Call]:
        """Calls of one method, oldest first."""
        return [c for c in self.calls if c.method == method]

    async def wait_for(self, predicate: Callable[[], Any], timeout: float = 10.0) -> Any:
        """Waits until ``predicate()`` is truthy and returns its value; TimeoutError with recent calls if not."""
        deadline = time.monotonic() + timeout
        while True:
            value = predicate()
            if value:
                return value
            if time.monotonic() > deadline:
                recent = [(c.method, c.params.get("chat_id")) for c in self.calls[-8:] if c.method != "getUpdates"]
                raise TimeoutError(f"condition not met in {timeout} s; recent calls: {recent}")
            await asyncio.sleep(0.01)

    # --- Bot API methods ---------------------------------------------------------------------------------
    async def _getMe(self, params: dict, files: dict) -> dict:
        return BOT_USER

    async def _deleteWebhook(self, params: dict, files: dict) -> bool:
        return True

    async def _setWebhook(self, params: dict, files: dict) -> bool:
        self.webhook = params
        return True

    async def _setMyCommands(self, params: dict, files: dict) -> bool:
        scope = json.dumps(params.get("scope") or {"type": "default"}, sort_keys=True)
        self.commands[scope] = params["commands"]
        return True

    async def _getUpdates(self, params: dict, files: dict) -> list[dict]:
        offset = params.get("offset")
        if offset:
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + float(params.get("timeout") or 0)
        while not self._updates and time.monotonic() < deadline:
            self._arrived.clear()
            try:
                await asyncio.wait_for(self._arrived.wait(), deadline - time.monotonic())
            except TimeoutError:
                break
        return self._updates[: int(params.get("limit") or 100)]

    def _render(self, params: dict, key: str = "text") -> dict:
        source = params.get(key) or ""
        text, entities = parse_html(source) if params.get("parse_mode") == "HTML" else (source, [])
        if not text.strip():
            raise APIError(400, f"Bad Request: message {key} is empty")
        if utf16_len(text) > (LIMIT if key == "text" else 1024):
            raise APIError(400, "Bad Request: message is too long")
        fields = {key: text}
        if entities:
            fields["entities" if key == "text" else "caption_entities"] = entities
        return fields

    def _sent(self, params: dict, **fields: Any) -> dict:
        if params.get("reply_markup"):
            fields["reply_markup"] = params["reply_markup"]
        message = self._message(int(params["chat_id"]), BOT_USER, **fields)
        self.sent.append(message)
        return message

    async def _sendMessage(self, params: dict, files: dict) -> dict:
        return self._sent(params, **self._render(params))

    def _stored(self, params: dict) -> dict:
        message = self.messages.get((int(params.get("chat_id", 0)), int(params.get("message_id", 0))))
        if message is None:
            raise APIError(400, "Bad Request: message to edit not found")
        return message

    def _apply_edit(self, message: dict, fields: dict, markup: dict | None) -> dict:
        before = {k: message.get(k) for k in (*fields, "reply_markup")}
        after = {**fields, "reply_markup": markup}
        if before == after:
            raise APIError(400, "Bad Request: message is not modified: specified new message content and reply "
                                "markup are exactly the same as a current content and reply markup of the message")
        message.pop("entities", None)
        message.update(fields)
        message.pop("reply_markup", None)
        if markup:
            message["reply_markup"] = markup
        message["edit_date"] = int(time.time())
        return message

    async def _editMessageText(self, params: dict, files: dict) -> dict:
        message = self._stored(params)
        fields = self._render(params)
        fields.setdefault("entities", None)
        edited = self._apply_edit(message, fields, params.get("reply_markup"))
        if edited.get("entities") is None:
            edited.pop("entities", None)
        return edited

    async def _editMessageReplyMarkup(self, params: dict, files: dict) -> dict:
        return self._apply_edit(self._stored(params), {}, params.get("reply_markup"))

    async def _answerCallbackQuery(self, params: dict, files: dict) -> bool:
        return True

    async def _sendChatAction(self, params: dict, files: dict) -> bool:
        return True

    async def _getFile(self, params: dict, files: dict) -> dict:
        if params.get("file_id") not in self._files:
            raise APIError(400, "Bad Request: invalid file_id")
        path, data = self._files[params["file_id"]]
        return {"file_id": params["file_id"], "file_unique_id": f"u{params['file_id']}", "file_size": len(data),
                "file_path": path}

    def _upload(self, params: dict, files: dict, key: str) -> tuple[str, bytes, str]:
        if key in files:
            name, data, mime = files[key]
            file_id = f"file{len(self._files) + 1}"
            self._files[file_id] = (f"{key}s/{file_id}_{name}", data)
            return file_id, data, mime or "application/octet-stream"
        file_id = params.get(key) or ""
        if file_id not in self._files:
            raise APIError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        return file_id, self._files[file_id][1], "application/octet-stream"

    async def _sendDocument(self, params: dict, files: dict) -> dict:
        file_id, data, mime = self._upload(params, files, "document")
        name = files["document"][0] if "document" in files else file_id
        document = {"file_id": file_id, "file_unique_id": f"u{file_id}", "file_name": name, "mime_type": mime,
                    "file_size": len(data)}
        caption = self._render(params, "caption") if params.get("caption") else {}
        return self._sent(params, document=document, **caption)

    async def _sendPhoto(self, params: dict, files: dict) -> dict:
        file_id, data, _ = self._upload(params, files, "photo")
        photo = [{"file_id": file_id, "file_unique_id": f"u{file_id}", "width": 640, "height": 480,
                  "file_size": len(data)}]
        caption = self._render(params, "caption") if params.get("caption") else {}
        return self._sent(params, photo=photo, **caption)


class OfflineRequest(BaseRequest):
    """PTB's request interface answered by a FakeTelegramAPI in-process: unit tests open no socket."""

    def __init__(self, api: FakeTelegramAPI) -> None:
        self.api = api

    @property
    def read_timeout(self) -> float | None:
        return 5.0

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def do_request(self, url: str, method: str, request_data: RequestData | None = None,
                         *args: Any, **kwargs: Any) -> tuple[int, bytes]:
        if "/file/bot" in url:
            data = self.api.file_bytes(unquote(url))
            return (200, data) if data is not None else (404, b"")
        params = dict(request_data.parameters) if request_data else {}
        files = request_data.multipart_data if request_data and request_data.contains_files else {}
        files = {k: (v[0], v[1] if isinstance(v[1], bytes) else v[1].read(), v[2] if len(v) > 2 else None)
                 for k, v in files.items()}
        status, payload = await self.api.handle(url.rsplit("/", 1)[-1], params, files)
        return status, json.dumps(payload).encode()


# --- running the real bot against the fake ----------------------------------------------------------------
ADMIN_ID, RECRUITER_ID, STRANGER_ID = 1001, 1002, 6666


def bot_settings(api: FakeTelegramAPI, data_dir: Any, **telegram: Any) -> Any:
    """Settings pointing the bot at ``api`` (one admin, one recruiter), state under ``data_dir``."""
    from bot.settings import Settings, TelegramSettings

    values = {"token": api.token, "base_url": api.base_url if api.port else "http://127.0.0.1:9/bot",
              "base_file_url": api.base_file_url if api.port else "http://127.0.0.1:9/file/bot",
              "admins": [ADMIN_ID], "recruiters": [RECRUITER_ID], "poll_timeout_s": 1, **telegram}
    return Settings(telegram=TelegramSettings(**values), data_dir=data_dir, _env_file=None)


@contextlib.asynccontextmanager
async def running_bot(settings: Any, assistant: Any) -> AsyncIterator[Any]:
    """The real Application, initialised, started and long-polling with a 1 s timeout; stopped on exit."""
    from bot.telegram import build_application

    application = build_application(settings, assistant)
    async with application:
        await application.post_init(application)  # run_polling would call it
        await application.start()
        await application.updater.start_polling(poll_interval=0, timeout=dtm.timedelta(seconds=1))
        try:
            yield application
        finally:
            await application.updater.stop()
            await application.stop()
