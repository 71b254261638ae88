"""/add NAME: find a researcher in the scholarly sources, pick among namesakes by button or typed number,
import their papers; /refresh and a JobQueue job bring new papers and tell the owners of candidates in the
pipeline ("X has a new paper, Y: a fresh reason to follow up").

The people found are kept in the chat's data as plain dicts (never live objects), keyed by a short token
that the buttons carry, so that a button from an older search cannot import the wrong person.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Message, Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.pipeline import audit
from bot.sources import notify, service
from bot.sources.calls import SourceError
from bot.sources.models import LABELS, ImportResult, PersonMatch
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import edit_html, send_html, with_retry
from bot.telegram.formatting import escape

logger = logging.getLogger(__name__)

ADD = "add:"  # add:<token>:<index> | add:<token>:no
CHOICES = "add_choices"  # chat_data: {"token", "name", "matches": [PersonMatch as dict]}
USAGE = "Usage: /add NAME — for example /add Maren Holt"
NO_KB = "Importing needs the knowledge base, which this assistant does not expose."
STALE = "These choices are no longer current; send /add again."


def _kb(context: RecruitContext):
    return getattr(context.assistant, "kb", None)


def _token(name: str, matches: list[PersonMatch]) -> str:
    return hashlib.sha1("|".join([name, *(m.ref for m in matches)]).encode()).hexdigest()[:8]


def _label(number: int, match: PersonMatch) -> str:
    where = match.affiliation or (f"{match.first_year}–{match.last_year}" if match.first_year else LABELS[match.source])
    mark = " ⚠" if match.flags else ""
    return f"{number}. {match.name} · {where} · {match.paper_count} papers{mark}"[:64]


def keyboard(token: str, matches: list[PersonMatch]) -> InlineKeyboardMarkup:
    rows = [[InlineKeyboardButton(_label(i, m), callback_data=f"{ADD}{token}:{i - 1}")]
            for i, m in enumerate(matches, start=1)]
    return InlineKeyboardMarkup([*rows, [InlineKeyboardButton("None of them", callback_data=f"{ADD}{token}:no")]])


def summary(result: ImportResult) -> str:
    """An import's outcome as Telegram HTML."""
    ids = ", ".join(f"{LABELS.get(k, k)} {escape(v)}" for k, v in result.source_ids.items())
    lines = [f"✅ <b>{escape(result.name)}</b> ({escape(result.person_id)}): {len(result.added)} new papers from "
             f"{LABELS[result.source]}, {result.total} in all.", f"Source ids: {ids}." if ids else ""]
    lines += [f"<i>{escape(m)}</i>" for m in result.messages]
    return "\n".join(line for line in lines if line)


async def add_person(update: Update, context: RecruitContext) -> None:
    """/add NAME."""
    chat_id, name = update.effective_chat.id, context.command_text
    if not name:
        await send_html(context.bot, chat_id, USAGE)
        return
    await offer(context, chat_id, name)


async def offer(context: RecruitContext, chat_id: int, name: str) -> None:
    """Searches the sources for ``name`` and offers the people found as buttons (a typed number works too).

    This is what "add NAME" in the chat should call as well."""
    kb = _kb(context)
    if kb is None:
        await send_html(context.bot, chat_id, NO_KB)
        return
    notes: list[str] = []
    try:
        matches = await asyncio.to_thread(service.search_people, context.settings, name, None, kb, notes)
    except (SourceError, service.NoSourceError, ValueError) as exc:
        await send_html(context.bot, chat_id, escape(str(exc)))
        return
    if not matches:
        await send_html(context.bot, chat_id, escape(service.render_choices([], name)))
        return
    token = _token(name, matches)
    context.chat_data[CHOICES] = {"token": token, "name": name,
                                  "matches": [m.model_dump(exclude={"works"}) for m in matches]}
    text = escape("\n".join([*notes, service.render_choices(matches, name)]))
    await send_html(context.bot, chat_id, text + "\n\nPress a button, or type its number.", keyboard(token, matches))


def _pending(context: RecruitContext, token: str | None = None) -> list[PersonMatch] | None:
    state = context.chat_data.get(CHOICES)
    if not state or (token is not None and state.get("token") != token):
        return None
    return [PersonMatch.model_validate(m) for m in state["matches"]]


async def _import(context: RecruitContext, chat_id: int, match: PersonMatch) -> None:
    context.chat_data.pop(CHOICES, None)
    try:
        result = await asyncio.to_thread(service.import_person, context.settings, _kb(context), match)
    except (SourceError, service.NoSourceError, ValueError) as exc:
        await send_html(context.bot, chat_id, escape(f"Nothing was imported: {exc}"))
        return
    await send_html(context.bot, chat_id, summary(result))


async def pressed(update: Update, context: RecruitContext) -> None:
    """A person chosen by button (or "None of them")."""
    query = update.callback_query
    token, _, choice = query.data[len(ADD):].partition(":")
    matches = _pending(context, token)
    if matches is None or (choice != "no" and int(choice) >= len(matches)):
        await with_retry(lambda: query.answer(STALE))
        return
    await with_retry(query.answer)
    message: Message = query.message
    if choice == "no":
        context.chat_data.pop(CHOICES, None)
        await edit_html(context.bot, message.chat_id, message.message_id, "Nothing was imported.")
        return
    match = matches[int(choice)]
    await edit_html(context.bot, message.chat_id, message.message_id,
                    f"Importing <b>{escape(match.name)}</b> ({escape(match.affiliation or LABELS[match.source])})…")
    await _import(context, message.chat_id, match)


async def typed(update: Update, context: RecruitContext) -> None:
    """A number typed instead of pressing a button."""
    matches = _pending(context) or []
    match = service.pick(matches, update.effective_message.text or "")
    if match is None:
        await send_html(context.bot, update.effective_chat.id, f"Type a number from 1 to {len(matches)}.")
        return
    await _import(context, update.effective_chat.id, match)


class _Choosing(filters.MessageFilter):
    """A bare number in a chat that has /add choices open (the chat's data is read from the application)."""

    def __init__(self, application: Application) -> None:
        super().__init__(name="add choices pending")
        self.application = application

    def filter(self, message: Message) -> bool:
        text = (message.text or "").strip()
        return text.isdigit() and CHOICES in self.application.chat_data.get(message.chat_id, {})


async def _send_notices(context: RecruitContext, results: list[ImportResult]) -> int:
    """Tells each owner about their candidates' new papers; returns how many were told."""
    store = getattr(context.application, "pipeline", None)
    if store is None:
        return 0
    sent = 0
    for notice in await asyncio.to_thread(notify.notices, store, results):
        for target in dict.fromkeys(t for t in (audit.telegram_user_of(notice.owner), notice.chat_id) if t):
            try:
                await send_html(context.bot, target, "📰 " + escape(notice.text))
                sent += 1
                break
            except TelegramError as exc:
                logger.info("New-paper notice not delivered to chat %s: %s", target, type(exc).__name__)
    return sent


async def refresh_job(context: RecruitContext) -> None:
    """JobQueue callback: refreshes every imported person and tells owners about new papers."""
    kb = _kb(context)
    if kb is None:
        return
    results = await asyncio.to_thread(service.refresh, context.settings, kb)
    failed = [m for r in results for m in r.messages if m.startswith(tuple(LABELS.values()))]
    sent = await _send_notices(context, results)
    logger.info("Refresh: %d people, %d new papers, %d notices, %d source errors", len({r.person_id for r in results}),
                sum(len(r.added) for r in results), sent, len(failed))


async def refresh_command(update: Update, context: RecruitContext) -> None:
    """/refresh [NAME]: the same as the job, now, with a summary."""
    chat_id, kb = update.effective_chat.id, _kb(context)
    if kb is None:
        await send_html(context.bot, chat_id, NO_KB)
        return
    try:
        results = await asyncio.to_thread(service.refresh, context.settings, kb, context.command_text or None)
    except ValueError as exc:
        await send_html(context.bot, chat_id, escape(str(exc)))
        return
    if not results:
        await send_html(context.bot, chat_id, "Nobody is imported yet: /add NAME imports a researcher.")
        return
    await send_html(context.bot, chat_id, "\n\n".join(summary(r) for r in results))
    await _send_notices(context, results)


def register(application: Application) -> None:
    """/add, its buttons and typed numbers, /refresh, and the refresh job when a source is configured."""
    application.add_handlers([
        CommandHandler("add", add_person),
        CommandHandler("refresh", refresh_command),
        CallbackQueryHandler(pressed, pattern=rf"^{ADD}[0-9a-f]+:(\d+|no)$"),
        MessageHandler(filters.TEXT & ~filters.COMMAND & _Choosing(application), typed),
    ])
    settings = application.settings  # type: ignore[attr-defined]
    interval = settings.sources.refresh_interval_s
    if interval > 0 and service.configured(settings) and application.job_queue is not None:
        application.job_queue.run_repeating(refresh_job, interval=interval, first=interval, name="source refresh")
