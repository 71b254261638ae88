"""/draft: a first-contact message with edit buttons that revise it in place; /cancel drops it.

Only the latest draft of a chat can be edited (its message id is kept), so an old draft's buttons cannot
silently change the new one. Approved drafts are kept in the conversation and can be sent again as text to
copy, or as an e-mail with its subject line.
"""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass

from telegram import Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.assistant.protocol import AssistantProtocol, Conversation
from bot.models import Draft
from bot.telegram import followups, keyboards
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import edit_html, edit_markup, send_html, typing, with_retry
from bot.telegram.errors import is_refusal, reason
from bot.telegram.formatting import email_text, escape, format_draft
from bot.telegram.state import DRAFT_MESSAGE, deref, load_conversation, save_conversation

logger = logging.getLogger(__name__)

CHANNELS = ("email", "linkedin", "whatsapp", "telegram")
# ISO 639-1 codes accepted after the channel (or last, without a channel).
LANGUAGE_CODES = set("ar cs da de el en es fi fr he hi hu it ja ko nl no pl pt ro ru sv tr uk zh".split())
DRAFT_USAGE = (
    "Usage: <code>/draft NAME [channel] [language] [purpose…]</code>, e.g. "
    "<code>/draft Yang Feng email fr a research scientist role</code>. "
    f"Channels: {', '.join(CHANNELS)}."
)
STALE_DRAFT = "This draft is no longer open; start a new one with /draft."
NOTHING_TO_CANCEL = "There is no draft in progress."
CANCELLED = "Draft discarded."


@dataclass
class DraftRequest:
    """What /draft was asked for."""

    name: str
    channel: str = "email"
    language: str | None = None
    purpose: str = ""


def parse_draft_args(args: list[str]) -> DraftRequest:
    """NAME [channel] [language] [purpose…]: the name runs up to the channel; a language only follows it.

    Without a channel, a last word that is a language code is taken as the language ("/draft Yang Feng fr").
    """
    words = list(args)
    for index, word in enumerate(words):
        if word.lower() in CHANNELS:
            rest = words[index + 1 :]
            language = rest[0].lower() if rest and rest[0].lower() in LANGUAGE_CODES else None
            purpose = rest[1:] if language else rest
            return DraftRequest(" ".join(words[:index]), word.lower(), language, " ".join(purpose))
    if len(words) > 1 and words[-1].lower() in LANGUAGE_CODES and words[-1].islower():
        return DraftRequest(" ".join(words[:-1]), language=words[-1])
    return DraftRequest(" ".join(words))


def _name_of(assistant: AssistantProtocol, candidate_id: str) -> str:
    candidate = assistant.candidate(candidate_id)
    return candidate.name if candidate else candidate_id


async def draft_for_candidate(update: Update, context: RecruitContext) -> None:
    """Drafts a first-contact message and offers edits."""
    request = parse_draft_args(context.args or [])
    request.name = request.name or load_conversation(context.chat_data).candidate_id or ""
    if not request.name:
        await send_html(context.bot, update.effective_chat.id, DRAFT_USAGE)
        return
    await _start_draft(update.effective_chat.id, request, context)


async def draft_from_dossier(update: Update, context: RecruitContext) -> None:
    """Drafts an e-mail to the candidate whose dossier the button was under."""
    query = update.callback_query
    candidate_id = deref(context.chat_data, query.data.rpartition(":")[2])
    if candidate_id is None:
        await with_retry(lambda: query.answer(STALE_DRAFT))
        return
    await with_retry(query.answer)
    await _start_draft(query.message.chat_id, DraftRequest(candidate_id), context)


async def _start_draft(chat_id: int, request: DraftRequest, context: RecruitContext) -> None:
    assistant = context.assistant
    conversation = load_conversation(context.chat_data)
    actor = followups.actor_of_chat(chat_id)

    def write() -> tuple[Draft, str]:
        # The assistant's own gate refuses do-not-contact candidates and warns within the cool-down; this
        # check against the chat's pipeline also records a refusal in the audit log.
        warnings = followups.check_draft(context, request.name, actor)
        draft = assistant.draft(
            request.name,
            channel=request.channel,
            language=request.language,
            purpose=request.purpose,
            conversation=conversation,
        )
        if warnings:
            draft = draft.model_copy(update={"warnings": list(dict.fromkeys([*draft.warnings, *warnings]))})
        return draft, _name_of(assistant, draft.candidate_id)

    try:
        async with typing(context.bot, chat_id):
            draft, name = await asyncio.to_thread(write)
    except (ValueError, LookupError) as exc:  # unknown or ambiguous name, unsupported channel
        if not is_refusal(exc):
            raise
        await send_html(context.bot, chat_id, escape(f"I could not write that draft: {reason(exc)}"))
        return
    conversation.draft = draft
    conversation.candidate_id = draft.candidate_id
    save_conversation(context.chat_data, conversation)
    sent = await send_html(context.bot, chat_id, format_draft(draft, name), keyboards.draft_edits())
    context.chat_data[DRAFT_MESSAGE] = sent[-1].message_id
    logger.info("Drafted a %s message in chat %s (engine %s)", draft.channel, chat_id, draft.engine)


async def _open_draft(update: Update, context: RecruitContext) -> Conversation | None:
    """The conversation if the pressed message is the chat's open draft; tells the user otherwise."""
    query = update.callback_query
    conversation = load_conversation(context.chat_data)
    if conversation.draft is None or context.chat_data.get(DRAFT_MESSAGE) != query.message.message_id:
        await with_retry(lambda: query.answer(STALE_DRAFT))
        return None
    await with_retry(query.answer)
    return conversation


async def revise_draft(update: Update, context: RecruitContext) -> None:
    """Makes the draft shorter, more formal, warmer, translated or new, in place."""
    conversation = await _open_draft(update, context)
    if conversation is None:
        return
    query, assistant = update.callback_query, context.assistant
    action = query.data[len(keyboards.DRAFT) :]
    how, language = ("translate", action.partition(":")[2]) if action.startswith("lang:") else (action, None)
    current = conversation.draft

    def rewrite() -> tuple[Draft, str]:
        draft = assistant.revise(current, how, language)
        return draft, _name_of(assistant, draft.candidate_id)

    async with typing(context.bot, query.message.chat_id):
        draft, name = await asyncio.to_thread(rewrite)
    conversation.draft = draft
    save_conversation(context.chat_data, conversation)
    await edit_html(
        context.bot, query.message.chat_id, query.message.message_id, format_draft(draft, name), keyboards.draft_edits()
    )
    logger.info("Revised the draft in chat %s (%s)", query.message.chat_id, how)


async def offer_languages(update: Update, context: RecruitContext) -> None:
    """Swaps the edit buttons for a choice of languages."""
    if await _open_draft(update, context) is None:
        return
    message = update.callback_query.message
    await edit_markup(context.bot, message.chat_id, message.message_id, keyboards.draft_languages())


async def show_draft_edits(update: Update, context: RecruitContext) -> None:
    """Brings the edit buttons back."""
    if await _open_draft(update, context) is None:
        return
    message = update.callback_query.message
    await edit_markup(context.bot, message.chat_id, message.message_id, keyboards.draft_edits())


async def approve_draft(update: Update, context: RecruitContext) -> None:
    """Keeps the draft as approved and offers to send it as text or as an e-mail."""
    conversation = await _open_draft(update, context)
    if conversation is None:
        return
    message = update.callback_query.message
    draft = conversation.draft
    conversation.approved.append(draft)
    conversation.draft = None
    save_conversation(context.chat_data, conversation)
    context.chat_data.pop(DRAFT_MESSAGE, None)
    name = await asyncio.to_thread(_name_of, context.assistant, draft.candidate_id)
    index = len(conversation.approved) - 1
    markup = followups.with_sent_button(keyboards.draft_copies(index, bool(draft.subject)), index, draft)
    await edit_html(context.bot, message.chat_id, message.message_id, format_draft(draft, name, approved=True), markup)
    logger.info("Approved a draft in chat %s", message.chat_id)


async def copy_draft(update: Update, context: RecruitContext) -> None:
    """Sends an approved draft again, as plain text or as an e-mail with its subject."""
    query = update.callback_query
    _, kind, index = query.data[len(keyboards.DRAFT) :].split(":")
    approved = load_conversation(context.chat_data).approved
    if int(index) >= len(approved):
        await with_retry(lambda: query.answer(STALE_DRAFT))
        return
    await with_retry(query.answer)
    draft = approved[int(index)]
    text = email_text(draft) if kind == "email" else escape(draft.body.strip())
    await send_html(context.bot, query.message.chat_id, text)


async def cancel_draft(update: Update, context: RecruitContext) -> None:
    """Drops the draft in progress and its buttons."""
    chat_id = update.effective_chat.id
    conversation = load_conversation(context.chat_data)
    if conversation.draft is None:
        await send_html(context.bot, chat_id, NOTHING_TO_CANCEL)
        return
    conversation.draft = None
    save_conversation(context.chat_data, conversation)
    message_id = context.chat_data.pop(DRAFT_MESSAGE, None)
    if message_id is not None:
        await edit_markup(context.bot, chat_id, message_id, None)
    await send_html(context.bot, chat_id, CANCELLED)


def handlers() -> list[BaseHandler]:
    """/draft, /cancel and the draft buttons."""
    prefix = keyboards.DRAFT
    return [
        CommandHandler("draft", draft_for_candidate),
        CommandHandler("cancel", cancel_draft),
        CallbackQueryHandler(draft_from_dossier, pattern=rf"^{prefix}new:\w+$"),
        CallbackQueryHandler(revise_draft, pattern=rf"^{prefix}(shorter|formal|warmer|regenerate|lang:[a-z]{{2}})$"),
        CallbackQueryHandler(offer_languages, pattern=rf"^{prefix}translate$"),
        CallbackQueryHandler(show_draft_edits, pattern=rf"^{prefix}back$"),
        CallbackQueryHandler(approve_draft, pattern=rf"^{prefix}approve$"),
        CallbackQueryHandler(copy_draft, pattern=rf"^{prefix}copy:(text|email):\d+$"),
    ]
