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
    started = asyncio.get_running_loop().time()
    await asyncio.gather(*(processor.process_update(_update(api, c, n), work(c, n)) for c, n in updates))
    elapsed = asyncio.get_running_loop().time() - started

    for chat in (1, 2):
        events = [(kind, n) for c, kind, n in log if c == chat]
        assert events == [("start", 0), ("end", 0), ("start", 1), ("end", 1), ("start", 2), ("end", 2)]
    assert elapsed < 0.25, "two chats of three 50 ms updates each take about 150 ms, not 300 ms"


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
