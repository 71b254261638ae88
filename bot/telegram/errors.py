"""The error handler, and what may be told to a user about an error.

The log gets the whole story (``exc_info``); the user gets a sentence that helps them and names no
internals: no exception types, paths or stack frames.
"""

from __future__ import annotations

import logging

from pydantic import ValidationError
from telegram import Update
from telegram.error import NetworkError, RetryAfter, TimedOut

from bot.telegram.context import RecruitContext
from bot.telegram.delivery import retry_seconds, send_html
from bot.telegram.formatting import escape

logger = logging.getLogger(__name__)

SOMETHING_WENT_WRONG = "Sorry, something went wrong while answering. Please try again in a moment."
TELEGRAM_BUSY = "Telegram asked me to slow down. Please try again in a minute."
# Messages of ValueError raised on purpose by the assistant are meant for people; longer ones are not.
MAX_REASON_CHARS = 300


def is_refusal(exc: Exception) -> bool:
    """True for errors the assistant raises on purpose to refuse a request (bad file, unknown name).

    KeyError, IndexError and validation errors are bugs, not refusals: they go to the error handler.
    """
    return isinstance(exc, (ValueError, LookupError)) and not isinstance(exc, (KeyError, IndexError, ValidationError))


def reason(exc: Exception) -> str:
    """The user-facing reason of a refusal; a generic one when the message looks like internals."""
    text = str(exc).strip()
    if not text or len(text) > MAX_REASON_CHARS or "Traceback" in text:
        return "the file or request could not be read"
    return text


async def report_error(update: object, context: RecruitContext) -> None:
    """Logs the error with its traceback, then tells the user something useful."""
    error = context.error
    update_id = update.update_id if isinstance(update, Update) else None
    if update_id is None and isinstance(error, (NetworkError, TimedOut)):
        # Polling hiccups: PTB retries on its own.
        logger.warning("Network error while polling: %s", type(error).__name__)
        return
    logger.error("Update %s failed", update_id, exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    if isinstance(error, RetryAfter):
        text = TELEGRAM_BUSY
        logger.warning("Still rate-limited after retrying; Telegram asks for %.0f s", retry_seconds(error))
    else:
        text = SOMETHING_WENT_WRONG
    try:
        await send_html(context.bot, update.effective_chat.id, escape(text))
    except Exception:  # noqa: BLE001 — telling the user is best effort once something already failed
        logger.warning("Could not tell chat %s about the error", update.effective_chat.id, exc_info=True)
