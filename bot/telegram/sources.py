"""/sources: the last answer's references with the sentences they were cited for, a page at a time."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.telegram import keyboards
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import edit_html, send_html, with_retry
from bot.telegram.formatting import format_sources
from bot.telegram.state import load_citations

logger = logging.getLogger(__name__)

PER_PAGE = 5
NO_SOURCES = "No references yet: ask me a question first."


def _pages(count: int) -> int:
    return max(1, -(-count // PER_PAGE))


async def show_sources(update: Update, context: RecruitContext) -> None:
    """Lists the last answer's references, first page."""
    chat_id = update.effective_chat.id
    citations = load_citations(context.chat_data)
    if not citations:
        await send_html(context.bot, chat_id, NO_SOURCES)
        return
    markup = keyboards.pager(keyboards.SOURCES, 0, _pages(len(citations)))
    await send_html(context.bot, chat_id, format_sources(citations, 0, PER_PAGE), markup)


async def turn_sources_page(update: Update, context: RecruitContext) -> None:
    """Shows another page of the references in the same message."""
    query = update.callback_query
    await with_retry(query.answer)
    citations = load_citations(context.chat_data)
    if not citations:
        await edit_html(context.bot, query.message.chat_id, query.message.message_id, NO_SOURCES)
        return
    pages = _pages(len(citations))
    page = min(max(int(query.data[len(keyboards.SOURCES) :]), 0), pages - 1)
    await edit_html(
        context.bot,
        query.message.chat_id,
        query.message.message_id,
        format_sources(citations, page, PER_PAGE),
        keyboards.pager(keyboards.SOURCES, page, pages),
    )


def handlers() -> list[BaseHandler]:
    """/sources and its page buttons."""
    return [
        CommandHandler("sources", show_sources),
        CallbackQueryHandler(turn_sources_page, pattern=rf"^{keyboards.SOURCES}\d+$"),
    ]
