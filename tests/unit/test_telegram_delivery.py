"""Sending through the in-process fake: RetryAfter honoured once, no-op edits shrugged off, typing shown."""

from __future__ import annotations

import asyncio
import time

import pytest
from telegram import Bot
from telegram.error import BadRequest, RetryAfter

from bot.telegram.delivery import edit_html, send_html, typing
from bot.telegram.formatting import MESSAGE_LIMIT
from tests.fakes.telegram_api import TOKEN, FakeTelegramAPI, OfflineRequest


@pytest.fixture
async def fake():
    api = FakeTelegramAPI()
    bot = Bot(TOKEN, request=OfflineRequest(api), get_updates_request=OfflineRequest(api))
    async with bot:
        yield api, bot


async def test_retry_after_is_waited_out_once(fake):
    api, bot = fake
    api.fail_next("sendMessage", 429, retry_after=1)
    started = time.monotonic()
    [message] = await send_html(bot, 5, "hello")
    assert time.monotonic() - started >= 0.95 and message.text == "hello"
    assert len(api.calls_to("sendMessage")) == 2


async def test_a_second_429_in_a_row_is_raised_for_the_error_handler(fake):
    api, bot = fake
    api.fail_next("sendMessage", 429, retry_after=1)
    api.fail_next("sendMessage", 429, retry_after=1)
    with pytest.raises(RetryAfter):
        await send_html(bot, 5, "hello")


async def test_an_edit_that_changes_nothing_is_not_an_error_but_a_real_failure_is(fake):
    api, bot = fake
    [message] = await send_html(bot, 5, "<b>same</b>")
    assert await edit_html(bot, 5, message.message_id, "<b>same</b>") is False
    assert await edit_html(bot, 5, message.message_id, "<b>new</b>") is True
    with pytest.raises(BadRequest):
        await edit_html(bot, 5, 999, "gone")


async def test_long_html_goes_out_as_several_messages_with_the_keyboard_on_the_last(fake):
    from telegram import InlineKeyboardButton, InlineKeyboardMarkup

    api, bot = fake
    markup = InlineKeyboardMarkup([[InlineKeyboardButton("ok", callback_data="x")]])
    sent = await send_html(bot, 5, "\n\n".join(["para " * 300] * 5), markup)
    assert len(sent) >= 2 and all(len(m.text) <= MESSAGE_LIMIT for m in sent)
    assert [m.reply_markup is not None for m in sent] == [False] * (len(sent) - 1) + [True]


async def test_typing_is_shown_during_long_work_and_settled_before_the_answer(fake, monkeypatch):
    api, bot = fake
    monkeypatch.setattr("bot.telegram.delivery.TYPING_AFTER_S", 0.0)
    monkeypatch.setattr("bot.telegram.delivery.TYPING_RENEW_S", 0.05)
    async with typing(bot, 5):
        await asyncio.sleep(0.2)
    actions = api.calls_to("sendChatAction")
    assert len(actions) >= 3 and actions[0].params["action"] == "typing"
    await send_html(bot, 5, "done")
    assert api.calls[-1].method == "sendMessage"


async def test_quick_work_shows_no_typing(fake):
    api, bot = fake
    async with typing(bot, 5):
        await asyncio.sleep(0.01)
    assert api.calls_to("sendChatAction") == []
