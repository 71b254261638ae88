"""Questions: plain text or /ask, answered with numbered references.

The assistant is synchronous, so ``ask`` runs in a thread. A streaming assistant's text is shown as it
comes, edited at most once a second, and the verified Answer replaces it at the end. When a name is
ambiguous the answer offers one button per candidate, and the pick asks the question again about them.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time

from telegram import Bot, Message, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler, MessageHandler, filters

from bot.assistant.protocol import AssistantProtocol, Conversation
from bot.models import Answer
from bot.telegram import keyboards
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import edit_html, edit_markup, replace_with_parts, send_html, typing, with_retry
from bot.telegram.formatting import MESSAGE_LIMIT, clip, escape, format_answer, topic_label
from bot.telegram.state import (
    PENDING_QUESTION,
    deref,
    load_conversation,
    record_answer,
    ref,
    save_citations,
    save_conversation,
)

logger = logging.getLogger(__name__)

ASK_USAGE = "Ask me about a candidate, e.g. <code>/ask Which venues has Yang Feng published in?</code>"
CHOICE_EXPIRED = "That choice has expired; please ask again."
# Editing more often than this gets a bot rate-limited by Telegram.
STREAM_EDIT_INTERVAL_S = 1.0
STREAM_CURSOR = " …"
MAX_CHOICES = 8


def question_of(update: Update, context: RecruitContext) -> str:
    """The question: /ask's arguments or the message text, without a mention of the bot."""
    if context.args is not None:
        text = " ".join(context.args)
    else:
        text = update.effective_message.text or ""
    username = context.bot.username
    if username:
        text = re.sub(rf"@{re.escape(username)}\b", " ", text, flags=re.IGNORECASE)
    return " ".join(text.split())


async def answer_question(update: Update, context: RecruitContext) -> None:
    """Answers a question, from /ask or plain text."""
    question = question_of(update, context)
    if not question:
        await send_html(context.bot, update.effective_chat.id, ASK_USAGE)
        return
    await answer(update.effective_chat.id, question, context)


async def answer(chat_id: int, question: str, context: RecruitContext) -> None:
    """Asks the assistant, keeps the conversation, and shows the answer with its references."""
    assistant = context.assistant
    conversation = load_conversation(context.chat_data)
    started = time.perf_counter()
    streamed: Message | None = None
    async with typing(context.bot, chat_id):
        if getattr(assistant, "streams", False):
            result, streamed = await _stream(context.bot, chat_id, assistant, question, conversation)
        else:
            result = await asyncio.to_thread(assistant.ask, question, conversation)
        markup = await _clarify_keyboard(context, result.clarify) if result.clarify else None
    record_answer(conversation, question, result)
    save_conversation(context.chat_data, conversation)
    save_citations(context.chat_data, result.citations)
    if result.clarify:
        context.chat_data[PENDING_QUESTION] = question
    else:
        context.chat_data.pop(PENDING_QUESTION, None)
    text = format_answer(result)
    if streamed is not None:
        await replace_with_parts(context.bot, streamed, text, markup)
    else:
        await send_html(context.bot, chat_id, text, markup)
    logger.info(
        "Answered in chat %s in %.0f ms (%d references, engine %s)",
        chat_id,
        (time.perf_counter() - started) * 1000,
        len(result.citations),
        result.engine,
    )


async def _stream(
    bot: Bot, chat_id: int, assistant: AssistantProtocol, question: str, conversation: Conversation
) -> tuple[Answer, Message | None]:
    """Shows the streamed text in one message, edited at most once per interval."""
    message: Message | None = None
    text, last_shown, result = "", 0.0, None
    stream = assistant.stream_ask(question, conversation)
    try:
        async for item in stream:
            if isinstance(item, Answer):
                result = item
                break
            text += item
            if not text.strip() or time.monotonic() - last_shown < STREAM_EDIT_INTERVAL_S:
                continue
            preview = escape(clip(text, MESSAGE_LIMIT - len(STREAM_CURSOR))) + STREAM_CURSOR
            if message is None:
                message = (await send_html(bot, chat_id, preview))[0]
            else:
                await edit_html(bot, chat_id, message.message_id, preview)
            last_shown = time.monotonic()
    finally:
        if hasattr(stream, "aclose"):
            await stream.aclose()
    if result is None:
        logger.warning("Stream for chat %s ended without a final Answer; showing the streamed text", chat_id)
        result = Answer(text=text)
    return result, message


async def _clarify_keyboard(context: RecruitContext, candidate_ids: list[str]):
    """One button per candidate the name could mean, labelled so that namesakes differ."""
    assistant = context.assistant

    def labels() -> list[tuple[str, str]]:
        options = []
        for candidate_id in candidate_ids[:MAX_CHOICES]:
            candidate = assistant.candidate(candidate_id)
            if candidate is None:
                options.append((candidate_id, candidate_id))
                continue
            detail = candidate.affiliation or (topic_label(candidate.topics[0]) if candidate.topics else candidate_id)
            options.append((clip(f"{candidate.name} — {detail}", 60), candidate_id))
        return options

    options = await asyncio.to_thread(labels)
    return keyboards.choices([(label, ref(context.chat_data, cid)) for label, cid in options], keyboards.PICK)


async def pick_candidate(update: Update, context: RecruitContext) -> None:
    """Asks the pending question again about the candidate the user picked."""
    query = update.callback_query
    candidate_id = deref(context.chat_data, query.data[len(keyboards.PICK) :])
    question = context.chat_data.pop(PENDING_QUESTION, None)
    if not candidate_id or not question:
        await with_retry(lambda: query.answer(CHOICE_EXPIRED))
        return
    await with_retry(query.answer)
    await edit_markup(context.bot, query.message.chat_id, query.message.message_id, None)
    conversation = load_conversation(context.chat_data)
    conversation.candidate_id = candidate_id
    save_conversation(context.chat_data, conversation)
    candidate = await asyncio.to_thread(context.assistant.candidate, candidate_id)
    name = candidate.name if candidate else candidate_id
    await answer(query.message.chat_id, f"About {name}: {question}", context)


def handlers() -> list[BaseHandler]:
    """/ask, plain text, and the candidate picker."""
    return [
        CommandHandler("ask", answer_question),
        MessageHandler(filters.UpdateType.MESSAGE & filters.TEXT & ~filters.COMMAND, answer_question),
        CallbackQueryHandler(pick_candidate, pattern=f"^{keyboards.PICK}"),
    ]
