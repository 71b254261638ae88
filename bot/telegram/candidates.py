"""/candidate (the dossier), /papers (paged) and /find (ranked experts for a topic)."""

from __future__ import annotations

import asyncio
import logging
import time

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.assistant.protocol import NOT_FOUND_PHRASE, AssistantProtocol
from bot.models import Candidate, Paper
from bot.telegram import keyboards
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import edit_html, send_html, typing, with_retry
from bot.telegram.formatting import escape, format_dossier, format_hits, format_papers
from bot.telegram.state import deref, load_conversation, ref, save_conversation

logger = logging.getLogger(__name__)

PAPERS_PER_PAGE = 8
FIND_LIMIT = 10
FIND_BUTTONS = 5
MAX_COAUTHORS = 5
UNKNOWN_CANDIDATE = "I don't know a candidate by that name. Check the spelling, or try /find with a topic."
CANDIDATE_USAGE = "Which candidate? For example: <code>{command} Yang Feng</code>"
FIND_USAGE = "Which topic? For example: <code>/find simultaneous translation</code>"
EXPIRED = "These buttons have expired; please run the command again."


def _named(context: RecruitContext) -> str:
    """The name after the command, or the candidate the chat is talking about."""
    name = context.command_text
    return name or load_conversation(context.chat_data).candidate_id or ""


def _dossier(assistant: AssistantProtocol, name: str) -> tuple[Candidate | None, list[str]]:
    """The candidate and their frequent co-authors' names, as written on their papers."""
    candidate = assistant.candidate(name)
    if candidate is None:
        return None, []
    names: dict[str, str] = {}
    for paper in assistant.papers_of(candidate.id):
        names.update(zip(paper.author_ids, paper.authors))
    return candidate, [names.get(cid, cid) for cid in candidate.coauthors[:MAX_COAUTHORS]]


def _papers(assistant: AssistantProtocol, name: str) -> tuple[Candidate | None, list[Paper]]:
    """The candidate and their papers, newest first."""
    candidate = assistant.candidate(name)
    if candidate is None:
        return None, []
    papers = sorted(assistant.papers_of(candidate.id), key=lambda p: (p.year or 0, p.title), reverse=True)
    return candidate, papers


async def _send_dossier(chat_id: int, name: str, context: RecruitContext) -> None:
    candidate, coauthors = await asyncio.to_thread(_dossier, context.assistant, name)
    if candidate is None:
        await send_html(context.bot, chat_id, UNKNOWN_CANDIDATE)
        return
    conversation = load_conversation(context.chat_data)
    conversation.candidate_id = candidate.id
    save_conversation(context.chat_data, conversation)
    markup = keyboards.dossier(ref(context.chat_data, candidate.id))
    await send_html(context.bot, chat_id, format_dossier(candidate, coauthors), markup)


async def show_candidate(update: Update, context: RecruitContext) -> None:
    """Shows a candidate's dossier and makes them the chat's current candidate."""
    name = _named(context)
    if not name:
        await send_html(context.bot, update.effective_chat.id, CANDIDATE_USAGE.format(command="/candidate"))
        return
    await _send_dossier(update.effective_chat.id, name, context)


async def show_dossier_from_button(update: Update, context: RecruitContext) -> None:
    """Shows the dossier of a candidate picked from /find's results."""
    query = update.callback_query
    candidate_id = deref(context.chat_data, query.data[len(keyboards.DOSSIER) :])
    if candidate_id is None:
        await with_retry(lambda: query.answer(EXPIRED))
        return
    await with_retry(query.answer)
    await _send_dossier(query.message.chat_id, candidate_id, context)


def _papers_view(context: RecruitContext, candidate: Candidate, papers: list[Paper], page: int):
    pages = max(1, -(-len(papers) // PAPERS_PER_PAGE))
    page = min(max(page, 0), pages - 1)
    prefix = f"{keyboards.PAPERS}{ref(context.chat_data, candidate.id)}:"
    return format_papers(candidate.name, papers, page, PAPERS_PER_PAGE), keyboards.pager(prefix, page, pages)


async def list_papers(update: Update, context: RecruitContext) -> None:
    """Lists a candidate's papers, a page at a time."""
    chat_id = update.effective_chat.id
    name = _named(context)
    if not name:
        await send_html(context.bot, chat_id, CANDIDATE_USAGE.format(command="/papers"))
        return
    candidate, papers = await asyncio.to_thread(_papers, context.assistant, name)
    if candidate is None:
        await send_html(context.bot, chat_id, UNKNOWN_CANDIDATE)
        return
    text, markup = _papers_view(context, candidate, papers, 0)
    await send_html(context.bot, chat_id, text, markup)


async def turn_papers_page(update: Update, context: RecruitContext) -> None:
    """Shows another page of papers: in place, or as a new message when pressed under a dossier."""
    query = update.callback_query
    key, _, page = query.data[len(keyboards.PAPERS) :].partition(":")
    candidate_id = deref(context.chat_data, key)
    if candidate_id is None:
        await with_retry(lambda: query.answer(EXPIRED))
        return
    await with_retry(query.answer)
    candidate, papers = await asyncio.to_thread(_papers, context.assistant, candidate_id)
    if candidate is None:
        await send_html(context.bot, query.message.chat_id, UNKNOWN_CANDIDATE)
        return
    text, markup = _papers_view(context, candidate, papers, 0 if page == "new" else int(page))
    if page == "new":
        await send_html(context.bot, query.message.chat_id, text, markup)
    else:
        await edit_html(context.bot, query.message.chat_id, query.message.message_id, text, markup)


async def find_candidates(update: Update, context: RecruitContext) -> None:
    """Ranks candidates for a topic, each with the papers that justify the rank."""
    chat_id = update.effective_chat.id
    topic = context.command_text
    if not topic:
        await send_html(context.bot, chat_id, FIND_USAGE)
        return
    started = time.perf_counter()
    async with typing(context.bot, chat_id):
        hits = await asyncio.to_thread(context.assistant.find, topic, FIND_LIMIT)
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.info("Found %d candidates for chat %s in %.0f ms", len(hits), chat_id, elapsed_ms)
    if not hits:
        await send_html(context.bot, chat_id, escape(NOT_FOUND_PHRASE))
        return
    options = [(hit.candidate.name, ref(context.chat_data, hit.candidate.id)) for hit in hits[:FIND_BUTTONS]]
    await send_html(context.bot, chat_id, format_hits(topic, hits), keyboards.choices(options, keyboards.DOSSIER))


def handlers() -> list[BaseHandler]:
    """/candidate, /papers, /find and their buttons."""
    return [
        CommandHandler("candidate", show_candidate),
        CommandHandler("papers", list_papers),
        CommandHandler("find", find_candidates),
        CallbackQueryHandler(show_dossier_from_button, pattern=f"^{keyboards.DOSSIER}"),
        CallbackQueryHandler(turn_papers_page, pattern=rf"^{keyboards.PAPERS}\w+:(new|\d+)$"),
    ]
