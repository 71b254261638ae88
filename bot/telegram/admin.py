"""Admin commands: /allow USER_ID [admin|recruiter] and /forget NAME (after a confirmation button)."""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import Application, BaseHandler, CallbackQueryHandler, CommandHandler

from bot.telegram import keyboards
from bot.telegram.access import ADMINS_ONLY, Role, require_admin
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import edit_html, send_html, with_retry
from bot.telegram.formatting import escape
from bot.telegram.state import CONVERSATION, DRAFT_MESSAGE, deref, load_conversation, ref, save_conversation
from bot.telegram.welcome import set_admin_commands

logger = logging.getLogger(__name__)

ALLOW_USAGE = "Usage: <code>/allow USER_ID [admin|recruiter]</code> (recruiter by default)."
FORGET_USAGE = "Usage: <code>/forget NAME</code>"
CANNOT_FORGET = "This assistant cannot forget candidates."
UNKNOWN_CANDIDATE = "I don't know a candidate by that name."
KEPT = "Nothing was forgotten."
EXPIRED = "This confirmation has expired; run /forget again."


async def allow_user(update: Update, context: RecruitContext) -> None:
    """Lets a Telegram user in, as recruiter or admin; the grant is persisted."""
    chat_id = update.effective_chat.id
    if not require_admin(update, context):
        await send_html(context.bot, chat_id, ADMINS_ONLY)
        return
    args = context.args or []
    try:
        user_id = int(args[0])
        role = Role(args[1].lower()) if len(args) > 1 else Role.RECRUITER
    except (IndexError, ValueError):
        await send_html(context.bot, chat_id, ALLOW_USAGE)
        return
    context.access.grant(context.bot_data, user_id, role)
    if role == Role.ADMIN:
        await set_admin_commands(context.bot, [user_id])
    logger.info("Admin %s granted %s to user %s", update.effective_user.id, role.value, user_id)
    await send_html(context.bot, chat_id, f"User {user_id} can now use the bot as {role.value}.")


async def ask_to_forget(update: Update, context: RecruitContext) -> None:
    """Asks an admin to confirm before a candidate is forgotten."""
    chat_id = update.effective_chat.id
    if not require_admin(update, context):
        await send_html(context.bot, chat_id, ADMINS_ONLY)
        return
    if not hasattr(context.assistant, "forget"):
        await send_html(context.bot, chat_id, CANNOT_FORGET)
        return
    name = " ".join(context.args or []).strip()
    if not name:
        await send_html(context.bot, chat_id, FORGET_USAGE)
        return
    candidate = await asyncio.to_thread(context.assistant.candidate, name)
    if candidate is None:
        await send_html(context.bot, chat_id, UNKNOWN_CANDIDATE)
        return
    text = (
        f"Forget everything about <b>{escape(candidate.name)}</b>? "
        "Their dossier and papers leave the knowledge base, and chats stop referring to them."
    )
    markup = keyboards.confirm_forget(ref(context.chat_data, candidate.id), candidate.name)
    await send_html(context.bot, chat_id, text, markup)


async def confirm_forget(update: Update, context: RecruitContext) -> None:
    """Forgets the candidate once an admin has pressed the button, or keeps them."""
    query = update.callback_query
    message = query.message
    if not require_admin(update, context):
        await with_retry(lambda: query.answer(ADMINS_ONLY))
        return
    action, _, key = query.data[len(keyboards.FORGET) :].partition(":")
    if action != "yes":
        await with_retry(query.answer)
        await edit_html(context.bot, message.chat_id, message.message_id, KEPT)
        return
    candidate_id = deref(context.chat_data, key)
    if candidate_id is None:
        await with_retry(lambda: query.answer(EXPIRED))
        return
    await with_retry(query.answer)
    await asyncio.to_thread(context.assistant.forget, candidate_id)
    touched = _forget_in_chats(context.application, candidate_id)
    logger.info("Admin %s had a candidate forgotten (%d chats updated)", update.effective_user.id, touched)
    await edit_html(context.bot, message.chat_id, message.message_id, "Forgotten.")


def _forget_in_chats(application: Application, candidate_id: str) -> int:
    """Drops the candidate from every chat's conversation; returns how many chats changed."""
    changed = []
    for chat_id, chat_data in application.chat_data.items():
        if CONVERSATION not in chat_data:
            continue
        conversation = load_conversation(chat_data)
        before = conversation.model_dump()
        if conversation.candidate_id == candidate_id:
            conversation.candidate_id = None
        if conversation.draft is not None and conversation.draft.candidate_id == candidate_id:
            conversation.draft = None
            chat_data.pop(DRAFT_MESSAGE, None)
        conversation.approved = [d for d in conversation.approved if d.candidate_id != candidate_id]
        if conversation.model_dump() != before:
            save_conversation(chat_data, conversation)
            changed.append(chat_id)
    if changed:
        # Chats that sent no update of their own would otherwise keep the old data on disk.
        application.mark_data_for_update_persistence(chat_ids=changed)
    return len(changed)


def handlers() -> list[BaseHandler]:
    """/allow, /forget and the confirmation buttons."""
    return [
        CommandHandler("allow", allow_user),
        CommandHandler("forget", ask_to_forget),
        CallbackQueryHandler(confirm_forget, pattern=f"^{keyboards.FORGET}"),
    ]
