"""PDFs: a paper sent with a candidate's name as its caption joins that candidate's papers; sent with
``note: NAME`` it is the team's private note on them (searchable by the team, never cited to the candidate)."""

from __future__ import annotations

import asyncio
import logging
import re
import time

from telegram import Update
from telegram.ext import BaseHandler, MessageHandler, filters

from bot.telegram.context import RecruitContext
from bot.telegram.delivery import send_html, typing, with_retry
from bot.telegram.errors import is_refusal, reason
from bot.telegram.formatting import escape

logger = logging.getLogger(__name__)

PDF_MIME = "application/pdf"
MB = 1024 * 1024
NOT_A_PDF = "I can only add papers sent as PDF files."
NO_CAPTION = "Send the PDF again with the candidate's name as its caption, e.g. “Yang Feng”."
TOO_LARGE = "This PDF is larger than {limit:g} MB, which is as much as I accept."
# "note: Yang Feng", "notes - Yang Feng", "private: Yang Feng": the team's own document about the candidate.
_PRIVATE = re.compile(r"^\s*(?:notes?|private)\s*[:\-–]\s*", re.IGNORECASE)


def _add(assistant, name: str, data: bytes, filename: str, private: bool):
    """Adds the PDF as the candidate's paper, or as a private note through the knowledge base itself."""
    if not private:
        return assistant.add_pdf(name, data, filename)
    candidate = assistant.candidate(name)
    if candidate is None:
        raise LookupError(f"no candidate matches {name!r}")
    return assistant.kb.add_pdf(candidate.id, data, filename, private=True)


async def add_paper_from_pdf(update: Update, context: RecruitContext) -> None:
    """Adds a PDF sent with a candidate's name as caption to that candidate's papers."""
    message, chat_id = update.message, update.effective_chat.id
    document = message.document
    limit_mb = context.settings.telegram.max_pdf_mb
    if document.mime_type != PDF_MIME:
        await send_html(context.bot, chat_id, NOT_A_PDF)
        return
    if document.file_size is not None and document.file_size > limit_mb * MB:
        await send_html(context.bot, chat_id, TOO_LARGE.format(limit=limit_mb))
        return
    name = message.caption or ""
    if context.bot.username:
        name = re.sub(rf"@{re.escape(context.bot.username)}\b", " ", name, flags=re.IGNORECASE)
    name = " ".join(name.split())
    private = bool(_PRIVATE.match(name))
    name = _PRIVATE.sub("", name, count=1).strip()
    if not name:
        await send_html(context.bot, chat_id, NO_CAPTION)
        return
    started = time.perf_counter()
    async with typing(context.bot, chat_id):
        telegram_file = await with_retry(document.get_file)
        data = bytes(await telegram_file.download_as_bytearray())
        if len(data) > limit_mb * MB:  # the declared size can be missing or wrong
            await send_html(context.bot, chat_id, TOO_LARGE.format(limit=limit_mb))
            return
        filename = document.file_name or "paper.pdf"
        try:
            paper = await asyncio.to_thread(_add, context.assistant, name, data, filename, private)
        except (ValueError, LookupError) as exc:  # unreadable file, or no single candidate by that name
            if not is_refusal(exc):
                raise
            logger.info("PDF from chat %s refused (%d bytes): %s", chat_id, len(data), type(exc).__name__)
            await send_html(context.bot, chat_id, escape(f"I could not add this PDF: {reason(exc)}"))
            return
    elapsed_ms = (time.perf_counter() - started) * 1000
    logger.info("Added a PDF (%d bytes) in chat %s in %.0f ms", len(data), chat_id, elapsed_ms)
    if private:
        await send_html(context.bot, chat_id, f"Added “{escape(paper.title)}” as a private note on {escape(name)}: "
                                              "searchable by the team, never cited to them.")
        return
    await send_html(context.bot, chat_id, f"Added “{escape(paper.title)}” to the papers of {escape(name)}.")


def handlers() -> list[BaseHandler]:
    """Documents of any kind: non-PDFs get a clear answer too."""
    return [MessageHandler(filters.UpdateType.MESSAGE & filters.Document.ALL, add_paper_from_pdf)]
