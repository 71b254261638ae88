"""Updates of different chats run side by side; updates of one chat run in the order they came.

PTB processes updates one at a time unless ``concurrent_updates`` is set. One at a time would make every
recruiter wait for every other recruiter's question (~100 ms each, seconds with a language model), while
plain concurrency would let two quick messages of one chat race on its conversation. So: a lock per chat
for order, and a pool of workers for the work. Updates waiting for their chat's lock hold no worker.
"""

from __future__ import annotations

import asyncio
import logging
from typing import Any, Awaitable

from telegram import Update
from telegram.ext import BaseUpdateProcessor

logger = logging.getLogger(__name__)


def _chat_key(update: object) -> int | None:
    if not isinstance(update, Update):
        return None
    if update.effective_chat is not None:
        return update.effective_chat.id
    return update.effective_user.id if update.effective_user is not None else None


class ChatOrderedProcessor(BaseUpdateProcessor):
    """At most ``workers`` updates in progress, never two of the same chat at once."""

    def __init__(self, workers: int = 8, backlog: int = 1024) -> None:
        # PTB's own semaphore bounds how many updates may wait here at all.
        super().__init__(max_concurrent_updates=backlog)
        self.workers = workers
        self._slots = asyncio.Semaphore(workers)
        self._locks: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def do_process_update(self, update: object, coroutine: Awaitable[Any]) -> None:
        """Waits for the chat's turn, then for a free worker, then runs the update."""
        key = _chat_key(update)
        if key is None:
            async with self._slots:
                await coroutine
            return
        lock = self._locks.setdefault(key, asyncio.Lock())
        self._waiting[key] = self._waiting.get(key, 0) + 1
        try:
            async with lock, self._slots:
                await coroutine
        finally:
            self._waiting[key] -= 1
            if not self._waiting[key]:  # forget idle chats so the maps stay small
                del self._waiting[key]
                del self._locks[key]

    async def initialize(self) -> None:
        """Nothing to set up."""

    async def shutdown(self) -> None:
        """Nothing to release."""
