"""Different chats run side by side; one chat's updates run in order."""

from __future__ import annotations

import asyncio

from telegram import Update

from bot.telegram.concurrency import ChatOrderedProcessor
from tests.fakes.telegram_api import FakeTelegramAPI


def _update(api: FakeTelegramAPI, chat: int, n: int) -> Update:
    data = api.text_update(chat, f"m{n}")
    data["update_id"] = n
    return Update.de_json(data, None)


async def test_one_chat_is_serial_and_chats_overlap():
    api, processor = FakeTelegramAPI(), ChatOrderedProcessor(workers=4)
    log: list[tuple[int, str, int]] = []

    async def work(chat: int, n: int) -> None:
        log.append((chat, "start", n))
        await asyncio.sleep(0.05)
        log.append((chat, "end", n))

    updates = [(chat, n) for n in range(3) for chat in (1, 2)]
    await asyncio.gather(*(processor.process_update(_update(api, c, n), work(c, n)) for c, n in updates))

    for chat in (1, 2):
        events = [(kind, n) for c, kind, n in log if c == chat]
        assert events == [("start", 0), ("end", 0), ("start", 1), ("end", 1), ("start", 2), ("end", 2)]
    # Overlap, shown by order rather than by the clock: the other chat starts before the first one ends.
    assert log.index((2, "start", 0)) < log.index((1, "end", 0)), "chats run side by side"


async def test_no_more_than_the_workers_run_at_once():
    api, processor = FakeTelegramAPI(), ChatOrderedProcessor(workers=2)
    running, peak = 0, 0

    async def work() -> None:
        nonlocal running, peak
        running += 1
        peak = max(peak, running)
        await asyncio.sleep(0.02)
        running -= 1

    await asyncio.gather(*(processor.process_update(_update(api, chat, chat), work()) for chat in range(1, 9)))
    assert peak == 2
