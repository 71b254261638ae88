"""/forget NAME (admin, after a confirmation button) removes everything held about a candidate; /export NAME
sends all of it as a JSON file.

Forgetting reaches every store: the knowledge base (chunks, dossier), uploaded PDFs, the pipeline (stages,
notes, messages, follow-ups) and every chat's saved state, which is written to disk at once.
"""

from __future__ import annotations

import asyncio
import json
import logging
from pathlib import Path

from telegram import Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler, PicklePersistence

from bot.pipeline import audit
from bot.pipeline.erase import ForgetReport, forget_candidate, needles, scrub_chat_data
from bot.pipeline.records import export_candidate
from bot.telegram import keyboards
from bot.telegram.access import ADMINS_ONLY, require_admin
from bot.telegram.admin import admin_or_refused

from bot.telegram.context import RecruitContext
from bot.telegram.delivery import edit_html, send_html, typing, with_retry
from bot.telegram.followups import actor_of, store_of
from bot.telegram.formatting import escape
from bot.telegram.state import CONVERSATION, deref, load_conversation, ref, save_conversation

logger = logging.getLogger(__name__)

FORGET_USAGE = "Usage: <code>/forget NAME</code>"
CANNOT_FORGET = "This assistant cannot forget candidates."
EXPORT_USAGE = "Usage: <code>/export NAME</code>"
UNKNOWN_CANDIDATE = "I don't know a candidate by that name."
KEPT = "Nothing was forgotten."
EXPIRED = "This confirmation has expired; run /forget again."
FORGOTTEN = "Forgotten."
FORGOTTEN_BUT = "Forgotten here, but the database server still keeps some of it until its admin acts:"


async def ask_to_forget(update: Update, context: RecruitContext) -> None:
    """Asks an admin to confirm before everything about a candidate is deleted."""
    chat_id = update.effective_chat.id
    if not await admin_or_refused(update, context):
        return
    if not hasattr(context.assistant, "forget"):  # the knowledge base must forget too, or nothing is forgotten
        await send_html(context.bot, chat_id, CANNOT_FORGET)
        return
    name = context.command_text
    if not name:
        await send_html(context.bot, chat_id, FORGET_USAGE)
        return
    candidate = await asyncio.to_thread(context.assistant.candidate, name)
    if candidate is None:
        await send_html(context.bot, chat_id, UNKNOWN_CANDIDATE)
        return
    text = (f"Forget everything about <b>{escape(candidate.name)}</b>? Their papers leave the index and their "
            "dossier, notes, drafts, stages and reminders are deleted, here and in every chat. This cannot be undone.")
    markup = keyboards.confirm_forget(ref(context.chat_data, candidate.id), candidate.name)
    await send_html(context.bot, chat_id, text, markup)


async def confirm_forget(update: Update, context: RecruitContext) -> None:
    """Forgets the candidate everywhere once an admin has pressed the button, or keeps them."""
    query = update.callback_query
    message = query.message
    if not require_admin(update, context):
        await with_retry(lambda: query.answer(ADMINS_ONLY))
        return
    action, _, key = query.data[len(keyboards.FORGET):].partition(":")
    if action != "yes":
        await with_retry(query.answer)
        await edit_html(context.bot, message.chat_id, message.message_id, KEPT)
        return
    candidate_id = deref(context.chat_data, key)
    if candidate_id is None:
        await with_retry(lambda: query.answer(EXPIRED))
        return
    await with_retry(query.answer)
    async with typing(context.bot, message.chat_id):
        report = await forget_everywhere(context.application, candidate_id, actor_of(update))
    await edit_html(context.bot, message.chat_id, message.message_id, forgotten_text(context.application))
    logger.info("Admin %s had a candidate forgotten (%d rows and files, %d chats)", update.effective_user.id,
                report.total(), report.chats)


def forgotten_text(application: Application) -> str:
    """"Forgotten.", and what the database server keeps anyway (its write-ahead log, say) for its admin to clear."""
    residue = getattr(getattr(application, "pipeline", None), "residue", None) or []
    if not residue:
        return FORGOTTEN
    return "\n".join([FORGOTTEN_BUT, *(f"• {escape(line)}" for line in residue)])


async def forget_everywhere(application: Application, candidate_id: str, actor: str) -> ForgetReport:
    """Forgets a candidate in every store and every chat's state, and saves the scrubbed state at once."""
    assistant, settings = application.assistant, application.settings  # type: ignore[attr-defined]
    candidate = await asyncio.to_thread(assistant.candidate, candidate_id)
    names = [candidate.name, *candidate.name_variants] if candidate else []
    report = await asyncio.to_thread(forget_candidate, assistant, application.pipeline,  # type: ignore[attr-defined]
                                     candidate_id, actor, settings.data_dir)
    report.chats = await scrub_application(application, needles(candidate_id, names))
    return report


async def scrub_application(application: Application, needles_: list[str]) -> int:
    """Removes the candidate from every chat's and user's data, then writes persistence; returns chats changed."""
    chats = [chat_id for chat_id, data in application.chat_data.items() if _scrub_chat(data, needles_)]
    users = [user_id for user_id, data in application.user_data.items() if scrub_chat_data(data, needles_)]
    scrub_chat_data(application.bot_data, needles_)
    application.mark_data_for_update_persistence(chat_ids=chats, user_ids=users)
    if application.persistence is not None:
        await application.update_persistence()
    return len(chats)


def _scrub_chat(data, needles_: list[str]) -> bool:
    """Scrubs one chat's data; a scrubbed conversation is saved whole again, with defaults for what went."""
    if not scrub_chat_data(data, needles_):
        return False
    if CONVERSATION in data:
        save_conversation(data, load_conversation(data))
    return True


async def scrub_persistence_file(path: Path, needles_: list[str]) -> int:
    """Scrubs a saved Telegram state file (for ``recruitbot forget`` while the bot is stopped); returns chats changed.

    A bot running at the same time keeps its own copy in memory and would write it back: forget through
    the bot then, or stop it first.
    """
    if not path.is_file():
        return 0
    persistence = PicklePersistence(path)
    changed = 0
    for chat_id, data in ((await persistence.get_chat_data()) or {}).items():
        if _scrub_chat(data, needles_):
            await persistence.update_chat_data(chat_id, data)
            changed += 1
    for user_id, data in ((await persistence.get_user_data()) or {}).items():
        if scrub_chat_data(data, needles_):
            await persistence.update_user_data(user_id, data)
    bot_data = await persistence.get_bot_data()
    if bot_data and scrub_chat_data(bot_data, needles_):
        await persistence.update_bot_data(bot_data)
    await persistence.flush()
    return changed


async def export_candidate_file(update: Update, context: RecruitContext) -> None:
    """Sends everything held about a candidate as a JSON file."""
    chat_id = update.effective_chat.id
    name = context.command_text
    if not name:
        await send_html(context.bot, chat_id, EXPORT_USAGE)
        return
    assistant, store, actor = context.assistant, store_of(context), actor_of(update)

    def build():
        candidate = assistant.candidate(name)
        if candidate is None:
            return None, None
        document = export_candidate(store, candidate.id, actor, candidate, assistant.papers_of(candidate.id))
        return candidate, json.dumps(document, ensure_ascii=False, indent=2).encode("utf-8")

    async with typing(context.bot, chat_id):
        candidate, data = await asyncio.to_thread(build)
    if candidate is None:
        await send_html(context.bot, chat_id, UNKNOWN_CANDIDATE)
        return
    await with_retry(lambda: context.bot.send_document(
        chat_id, document=data, filename=f"export-{candidate.id}.json",
        caption=f"Everything held about {candidate.name}"[:1024]))
    logger.info("Export (%d bytes) of %s sent to chat %s", len(data), audit.short_key(candidate.id), chat_id)


def handlers() -> list[BaseHandler]:
    """/forget, its confirmation buttons, and /export."""
    return [
        CommandHandler("forget", ask_to_forget),
        CallbackQueryHandler(confirm_forget, pattern=f"^{keyboards.FORGET}"),
        CommandHandler("export", export_candidate_file),
    ]
