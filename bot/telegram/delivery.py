"""Sending and editing messages: split to Telegram's limit, honour RetryAfter once, shrug off no-op edits.

Outbound pacing and the retries of a 429 are PTB's AIORateLimiter's (set in ``app.py``); ``with_retry``
is the last resort for a RetryAfter that outlasted those retries.
"""

from __future__ import annotations

import asyncio
import contextlib
import datetime as dtm
import logging
import warnings
from functools import partial
from typing import AsyncIterator, Awaitable, Callable, TypeVar

from telegram import Bot, InlineKeyboardMarkup, LinkPreviewOptions, Message
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest, RetryAfter, TelegramError

from bot.telegram.formatting import split_html

logger = logging.getLogger(__name__)

T = TypeVar("T")

NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
# Work quicker than this needs no "typing…" (and spares an API call); after it, the action is shown.
TYPING_AFTER_S = 0.25
# Telegram shows "typing…" for about five seconds; renew it a little before it fades.
TYPING_RENEW_S = 4.5
# Never sleep longer than this on a RetryAfter inside a handler; a longer ban is reported as an error.
MAX_RETRY_WAIT_S = 60.0


def retry_seconds(exc: RetryAfter) -> float:
    """RetryAfter.retry_after in seconds, whether PTB gives an int or a timedelta."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # PTB 22 warns that the int form is deprecated
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, dtm.timedelta) else float(value)


async def with_retry(call: Callable[[], Awaitable[T]]) -> T:
    """Runs a Bot API call; on RetryAfter waits as told and tries exactly once more."""
    try:
        return await call()
    except RetryAfter as exc:
        delay = retry_seconds(exc)
        if delay > MAX_RETRY_WAIT_S:
            raise
        logger.warning("Telegram asked to retry after %.1f s; retrying once", delay)
        await asyncio.sleep(delay)
        return await call()


def is_not_modified(exc: BadRequest) -> bool:
    """True for the harmless 'message is not modified' error of an edit that changes nothing."""
    return "not modified" in str(exc).lower()


async def send_html(
    bot: Bot, chat_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Sends HTML, split into as many messages as needed; the keyboard goes on the last one."""
    return await send_parts(bot, chat_id, split_html(text), reply_markup)


async def send_parts(
    bot: Bot, chat_id: int, parts: list[str], reply_markup: InlineKeyboardMarkup | None = None
) -> list[Message]:
    """Sends parts already split to size, in order; the keyboard goes on the last one."""
    sent = []
    for number, part in enumerate(parts, start=1):
        markup = reply_markup if number == len(parts) else None
        call = partial(
            bot.send_message,
            chat_id,
            part,
            parse_mode=ParseMode.HTML,
            reply_markup=markup,
            link_preview_options=NO_PREVIEW,
        )
        sent.append(await with_retry(call))
    if len(parts) > 1:
        logger.debug("Sent %d parts to chat %s", len(parts), chat_id)
    return sent


async def edit_html(
    bot: Bot, chat_id: int, message_id: int, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> bool:
    """Replaces a message's text; False when Telegram says nothing changed."""
    call = partial(
        bot.edit_message_text,
        text,
        chat_id=chat_id,
        message_id=message_id,
        parse_mode=ParseMode.HTML,
        reply_markup=reply_markup,
        link_preview_options=NO_PREVIEW,
    )
    return await _edit(call)


async def _edit(call) -> bool:
    """Runs an edit; False when Telegram says the message is not modified (that is not an error)."""
    try:
        await with_retry(call)
    except BadRequest as exc:
        if is_not_modified(exc):
            return False
        raise
    return True


async def edit_markup(bot: Bot, chat_id: int, message_id: int, reply_markup: InlineKeyboardMarkup | None) -> bool:
    """Replaces only a message's keyboard; False when nothing changed."""
    call = partial(bot.edit_message_reply_markup, chat_id=chat_id, message_id=message_id, reply_markup=reply_markup)
    return await _edit(call)


async def replace_with_parts(
    bot: Bot, message: Message, text: str, reply_markup: InlineKeyboardMarkup | None = None
) -> None:
    """Makes ``message`` show the first part of ``text`` and sends the rest after it."""
    first, *rest = split_html(text)
    await edit_html(bot, message.chat_id, message.message_id, first, None if rest else reply_markup)
    if rest:
        await send_parts(bot, message.chat_id, rest, reply_markup)


@contextlib.asynccontextmanager
async def typing(bot: Bot, chat_id: int) -> AsyncIterator[None]:
    """Shows 'typing…' in the chat while the block runs, once it has run for TYPING_AFTER_S.

    A typing action still in flight when the block ends is waited for, so that it cannot reach Telegram
    after the answer and leave 'typing…' showing under it.
    """
    in_flight: asyncio.Future | None = None

    async def send_action() -> None:
        try:
            await bot.send_chat_action(chat_id, ChatAction.TYPING)
        except TelegramError as exc:  # a missing typing indicator is not worth failing for
            logger.debug("Typing action failed in chat %s: %s", chat_id, type(exc).__name__)

    async def keep_typing() -> None:
        nonlocal in_flight
        await asyncio.sleep(TYPING_AFTER_S)
        while True:
            in_flight = asyncio.ensure_future(send_action())
            await asyncio.shield(in_flight)
            await asyncio.sleep(TYPING_RENEW_S)

    task = asyncio.create_task(keep_typing())
    try:
        yield
    finally:
        task.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await task
        if in_flight is not None:
            await in_flight
