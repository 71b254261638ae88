"""Messages sent and follow-ups: the "Mark as sent" button, /followups, and reminders sent when one is due.

Reminders come from one repeating JobQueue job that asks the store what is due, so nothing per candidate
lives in the job queue (and forgetting a candidate has no job to cancel). A reminder goes to the owner's
private chat, or to the chat the message was marked in when the owner never opened one with the bot.
"""

from __future__ import annotations

import asyncio
import datetime as dtm
import hashlib
import logging
import time
from typing import Callable

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.error import TelegramError
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.models import Draft
from bot.pipeline import audit
from bot.pipeline.models import utcnow
from bot.pipeline.outreach import contact_warnings, cooldown_warning
from bot.pipeline.store import DoNotContactError, PipelineStore
from bot.telegram import keyboards
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import edit_markup, send_html, with_retry
from bot.telegram.formatting import escape
from bot.telegram.state import load_conversation

logger = logging.getLogger(__name__)

SENT = f"{keyboards.DRAFT}sent:"  # draft:sent:<index of the approved draft>:<fingerprint of its body>
FOLLOW_UP = "fu:"  # fu:done:<follow-up id>
SENT_DRAFTS = "sent_drafts"  # chat_data: fingerprints of approved drafts already marked as sent
MAX_SENT_KEPT = 200
ALREADY_SENT = "This draft is already recorded as sent."
STALE = "This draft is no longer there; approve it again to record it."
NOTHING_DUE = "No follow-ups are due. 🎉"
REMINDER = "⏰ Time to follow up with <b>{name}</b>: a {channel} message went out on {sent}, and no reply is recorded."


def store_of(context: RecruitContext) -> PipelineStore:
    """The application's pipeline store (set by bot.telegram.pipeline.register)."""
    return context.application.pipeline  # type: ignore[attr-defined]


def actor_of(update: Update) -> str:
    return audit.telegram_actor(update.effective_user.id if update.effective_user else None)


def actor_of_chat(chat_id: int) -> str:
    """A chat as the actor, where the handler has no user at hand (in private chats they are the same)."""
    return f"tg-chat:{chat_id}"


def _day(value: dtm.datetime) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC")


def check_draft(context: RecruitContext, name: str, actor: str) -> list[str]:
    """Before drafting (in a thread): DoNotContactError for a do-not-contact candidate, else cool-down warnings."""
    candidate = context.assistant.candidate(name)
    if candidate is None:
        return []  # the assistant explains unknown names itself
    store = store_of(context)
    try:
        return contact_warnings(store, candidate.id, candidate.name, context.settings.pipeline.cooldown_days)
    except DoNotContactError:
        store.audit(actor, audit.DRAFT_REFUSED, candidate.id)
        raise


def fingerprint(draft: Draft) -> str:
    """A short digest of a draft: a button names the draft it was made for, even if the list shifted since."""
    return hashlib.sha1(f"{draft.candidate_id}\n{draft.body}".encode("utf-8")).hexdigest()[:8]


def with_sent_button(markup: InlineKeyboardMarkup | None, index: int, draft: Draft) -> InlineKeyboardMarkup:
    """Adds "Mark as sent" under an approved draft's buttons."""
    rows = list(markup.inline_keyboard) if markup else []
    data = f"{SENT}{index}:{fingerprint(draft)}"
    return InlineKeyboardMarkup([*rows, [InlineKeyboardButton("📨 Mark as sent", callback_data=data)]])


def _without(markup: InlineKeyboardMarkup | None, drop: Callable[[str], bool]) -> InlineKeyboardMarkup | None:
    """The keyboard less the buttons whose callback data ``drop`` picks; None when nothing is left."""
    rows = [[b for b in row if not drop(b.callback_data or "")]
            for row in (markup.inline_keyboard if markup else [])]
    rows = [row for row in rows if row]
    return InlineKeyboardMarkup(rows) if rows else None


async def mark_draft_sent(update: Update, context: RecruitContext) -> None:
    """Records an approved draft as sent: the candidate moves to contacted and a follow-up is scheduled."""
    query = update.callback_query
    index, _, digest = query.data[len(SENT):].partition(":")
    approved = load_conversation(context.chat_data).approved
    sent = context.chat_data.setdefault(SENT_DRAFTS, [])
    if digest in sent or int(index) >= len(approved) or fingerprint(approved[int(index)]) != digest:
        await with_retry(lambda: query.answer(ALREADY_SENT if digest in sent else STALE))
        return
    await with_retry(query.answer)
    draft, chat_id, actor = approved[int(index)], query.message.chat_id, actor_of(update)
    store, pipeline = store_of(context), context.settings.pipeline
    candidate = await asyncio.to_thread(context.assistant.candidate, draft.candidate_id)
    name = candidate.name if candidate else draft.candidate_id

    def record():
        warning = cooldown_warning(store, draft.candidate_id, name, pipeline.cooldown_days)
        return store.record_sent(draft, actor, dtm.timedelta(days=pipeline.follow_up_days), chat_id), warning

    try:
        result, warning = await asyncio.to_thread(record)
    except DoNotContactError as exc:
        await send_html(context.bot, chat_id, escape(str(exc)))
        return
    sent.append(digest)
    del sent[:-MAX_SENT_KEPT]
    markup = _without(query.message.reply_markup, lambda data: data.startswith(SENT))
    await edit_markup(context.bot, chat_id, query.message.message_id, markup)
    lines = [f"📨 Recorded: {escape(draft.channel)} message to <b>{escape(name)}</b>, {_day(utcnow())}.",
             f"Stage: {result.stage.value if result.stage else 'unchanged'}. Follow-up due {_day(result.due_at)}."]
    if warning:
        lines.append(f"<i>⚠️ {escape(warning)}</i>")
    await send_html(context.bot, chat_id, "\n".join(lines))


def _follow_up_line(follow_up, name: str, mine: bool) -> str:
    reminded = ", reminded" if follow_up.reminded_at else ""
    return f"• <b>{escape(name)}</b> — due since {_day(follow_up.due_at)}{reminded}" + (" (yours)" if mine else "")


async def list_follow_ups(update: Update, context: RecruitContext) -> None:
    """Lists the follow-ups that are due, with a button to mark each one done."""
    chat_id, actor, now = update.effective_chat.id, actor_of(update), utcnow()
    due = await asyncio.to_thread(store_of(context).due, now)
    if not due:
        await send_html(context.bot, chat_id, NOTHING_DUE)
        return
    names = await asyncio.to_thread(_names, context, [f.candidate_id for f in due])
    lines = [_follow_up_line(f, names[f.candidate_id], f.owner == actor) for f in due]
    buttons = [[InlineKeyboardButton(f"✓ {names[f.candidate_id]}"[:60], callback_data=f"{FOLLOW_UP}done:{f.id}")]
               for f in due[:20]]
    text = f"<b>Follow-ups due ({len(due)})</b>\n" + "\n".join(lines)
    await send_html(context.bot, chat_id, text, InlineKeyboardMarkup(buttons))


def _names(context: RecruitContext, candidate_ids: list[str]) -> dict[str, str]:
    out = {}
    for candidate_id in candidate_ids:
        candidate = context.assistant.candidate(candidate_id)
        out[candidate_id] = candidate.name if candidate else candidate_id
    return out


async def complete_follow_up(update: Update, context: RecruitContext) -> None:
    """Marks a follow-up done and drops its button."""
    query = update.callback_query
    follow_up_id = int(query.data.rpartition(":")[2])
    done = await asyncio.to_thread(store_of(context).complete_follow_up, follow_up_id, actor_of(update))
    await with_retry(lambda: query.answer("Done." if done else "Already done."))
    await edit_markup(context.bot, query.message.chat_id, query.message.message_id,
                      _without(query.message.reply_markup, lambda data: data == query.data))


def _reminder_text(context: RecruitContext, follow_up) -> str:
    """The reminder for one follow-up (in a thread: it reads the store and the knowledge base)."""
    name = _names(context, [follow_up.candidate_id])[follow_up.candidate_id]
    messages = store_of(context).messages(follow_up.candidate_id)
    last = next((m for m in messages if m.id == follow_up.message_id), messages[-1] if messages else None)
    return REMINDER.format(name=escape(name), channel=escape(last.channel) if last else "first",
                           sent=_day(last.sent_at) if last else "an earlier date")


async def send_due_reminders(context: RecruitContext) -> None:
    """JobQueue callback: reminds each due follow-up's owner once."""
    started = time.perf_counter()
    store = store_of(context)
    due = await asyncio.to_thread(store.due, utcnow(), unreminded=True)
    for follow_up in due:
        text = await asyncio.to_thread(_reminder_text, context, follow_up)
        done = InlineKeyboardButton("✓ Done", callback_data=f"{FOLLOW_UP}done:{follow_up.id}")
        targets = [t for t in (audit.telegram_user_of(follow_up.owner), follow_up.chat_id) if t is not None]
        for target in dict.fromkeys(targets):
            try:
                await send_html(context.bot, target, text, InlineKeyboardMarkup([[done]]))
                break
            except TelegramError as exc:
                logger.info("Reminder %s not delivered to chat %s: %s", follow_up.id, target, type(exc).__name__)
        await asyncio.to_thread(store.mark_reminded, follow_up.id)
    if due:
        logger.info("Sent %d follow-up reminders in %.0f ms", len(due), (time.perf_counter() - started) * 1000)


def handlers() -> list[BaseHandler]:
    """The "Mark as sent" button, /followups and their buttons."""
    return [
        CallbackQueryHandler(mark_draft_sent, pattern=rf"^{SENT}\d+:[0-9a-f]+$"),
        CommandHandler("followups", list_follow_ups),
        CallbackQueryHandler(complete_follow_up, pattern=rf"^{FOLLOW_UP}done:\d+$"),
    ]
