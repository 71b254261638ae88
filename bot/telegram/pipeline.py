"""/stage, /note, /pipeline (with the funnel picture) and /timeline; ``register`` wires every pipeline feature.

The store lives on the Application (like the assistant), never in bot_data: persistence pickles bot_data.
"""

from __future__ import annotations

import asyncio
import logging
import re
import time

from telegram import Update
from telegram.constants import ParseMode
from telegram.ext import Application, BaseHandler, CommandHandler, TypeHandler

from bot.models import Candidate
from bot.pipeline import audit
from bot.pipeline.charts import funnel_chart, timeline_chart
from bot.pipeline.models import FUNNEL, Stage
from bot.pipeline.store import PipelineStore
from bot.telegram import campaign, followups, keyboards, privacy
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import send_html, typing, with_retry
from bot.telegram.followups import actor_of, store_of
from bot.telegram.formatting import escape
from bot.telegram.state import load_conversation

logger = logging.getLogger(__name__)

STAGES = ", ".join(s.value for s in Stage)
STAGE_USAGE = f"Usage: <code>/stage NAME STAGE</code>, e.g. <code>/stage Yang Feng contacted</code>. Stages: {STAGES}."
NOTE_USAGE = "Usage: <code>/note NAME: TEXT</code>, e.g. <code>/note Yang Feng: prefers Tuesdays</code>."
TIMELINE_USAGE = "Usage: <code>/timeline NAME</code>"
UNKNOWN_CANDIDATE = "I don't know a candidate by that name."
EMPTY_PIPELINE = "The pipeline is empty. Put a candidate in it with <code>/stage NAME sourced</code>."
# Commands and buttons that look a candidate up, audited after their handler has run.
LOOKUP_COMMANDS = {"/candidate", "/papers", "/draft"}
LOOKUP_BUTTONS = (keyboards.DOSSIER, keyboards.PAPERS, f"{keyboards.DRAFT}new:")
_SEPARATOR = re.compile(r"\s*[:|—–]\s*")


def parse_stage_args(words: list[str]) -> tuple[str, Stage] | None:
    """NAME STAGE, where the stage is the last one to three words ("do not contact")."""
    for size in (3, 2, 1):
        if len(words) > size:
            try:
                return " ".join(words[:-size]), Stage.parse(" ".join(words[-size:]))
            except ValueError:
                continue
    return None


def _named_exactly(candidate: Candidate | None, text: str) -> bool:
    if candidate is None:
        return False
    return text.lower() in {candidate.id, candidate.name.lower(), *(v.lower() for v in candidate.name_variants)}


def split_name(assistant, text: str) -> tuple[Candidate | None, str]:
    """(candidate, rest) for "NAME: TEXT", or for "NAME TEXT" where the longest exact name prefix wins."""
    parts = _SEPARATOR.split(text, maxsplit=1)
    if len(parts) == 2:
        candidate = assistant.candidate(parts[0].strip())
        if _named_exactly(candidate, parts[0].strip()):
            return candidate, parts[1].strip()
    words = text.split()
    for size in range(min(5, len(words)), 0, -1):
        prefix = " ".join(words[:size])
        candidate = assistant.candidate(prefix)
        if _named_exactly(candidate, prefix):
            return candidate, " ".join(words[size:])
    return None, text


async def set_stage(update: Update, context: RecruitContext) -> None:
    """Moves a candidate to a stage of the pipeline."""
    chat_id = update.effective_chat.id
    parsed = parse_stage_args(context.args or [])
    if parsed is None:
        await send_html(context.bot, chat_id, STAGE_USAGE)
        return
    name, stage = parsed
    candidate = await asyncio.to_thread(context.assistant.candidate, name)
    if candidate is None:
        await send_html(context.bot, chat_id, UNKNOWN_CANDIDATE)
        return
    previous = await asyncio.to_thread(store_of(context).set_stage, candidate.id, stage, actor_of(update))
    was = f" (was {previous.value})" if previous and previous != stage else ""
    await send_html(context.bot, chat_id, f"<b>{escape(candidate.name)}</b> is now at <b>{stage.value}</b>{was}.")


async def add_note(update: Update, context: RecruitContext) -> None:
    """Keeps a note on a candidate, with its author and time."""
    chat_id = update.effective_chat.id
    text = context.command_text
    candidate, note = await asyncio.to_thread(split_name, context.assistant, text) if text else (None, "")
    if not note:
        await send_html(context.bot, chat_id, NOTE_USAGE)
        return
    if candidate is None:
        await send_html(context.bot, chat_id, UNKNOWN_CANDIDATE)
        return
    store = store_of(context)
    await asyncio.to_thread(store.add_note, candidate.id, actor_of(update), note)
    count = len(await asyncio.to_thread(store.notes, candidate.id))
    await send_html(context.bot, chat_id, f"📝 Note kept on <b>{escape(candidate.name)}</b> ({count} in all).")


def _pipeline_caption(counts: dict[Stage, int], funnel: list[tuple[Stage, int]]) -> str:
    reached = dict(funnel)
    lines = [f"{s.value}: <b>{counts[s]}</b> now, {reached[s]} reached" for s in FUNNEL]
    lines += [f"{s.value}: <b>{counts[s]}</b>" for s in (Stage.DECLINED, Stage.DO_NOT_CONTACT)]
    return f"<b>Pipeline</b> ({sum(counts.values())} candidates)\n" + "\n".join(lines)


async def send_photo(context: RecruitContext, chat_id: int, png: bytes, filename: str, caption: str) -> None:
    """Sends a PNG as a photo with an HTML caption (at most 1,024 characters)."""
    await with_retry(lambda: context.bot.send_photo(chat_id, photo=png, filename=filename, caption=caption,
                                                    parse_mode=ParseMode.HTML))


async def show_pipeline(update: Update, context: RecruitContext) -> None:
    """Sends the counts per stage and the funnel as a picture."""
    chat_id, started = update.effective_chat.id, time.perf_counter()
    store = store_of(context)

    def gather():
        counts, funnel = store.counts(), store.funnel()
        return counts, funnel, funnel_chart(funnel, counts) if sum(counts.values()) else b""

    async with typing(context.bot, chat_id):
        counts, funnel, png = await asyncio.to_thread(gather)
    if not png:
        await send_html(context.bot, chat_id, EMPTY_PIPELINE)
        return
    await send_photo(context, chat_id, png, "funnel.png", _pipeline_caption(counts, funnel))
    logger.info("Pipeline sent to chat %s in %.0f ms", chat_id, (time.perf_counter() - started) * 1000)


async def show_timeline(update: Update, context: RecruitContext) -> None:
    """Sends a chart of a candidate's papers per year and topic."""
    chat_id = update.effective_chat.id
    name = context.command_text or load_conversation(context.chat_data).candidate_id or ""
    if not name:
        await send_html(context.bot, chat_id, TIMELINE_USAGE)
        return
    assistant = context.assistant

    def draw():
        candidate = assistant.candidate(name)
        if candidate is None:
            return None, b""
        store_of(context).audit(actor_of(update), audit.TIMELINE, candidate.id)
        return candidate, timeline_chart(candidate.name, assistant.papers_of(candidate.id))

    async with typing(context.bot, chat_id):
        candidate, png = await asyncio.to_thread(draw)
    if candidate is None:
        await send_html(context.bot, chat_id, UNKNOWN_CANDIDATE)
        return
    caption = f"Papers of <b>{escape(candidate.name)}</b> per year and topic"
    await send_photo(context, chat_id, png, "timeline.png", caption)


def _lookup_kind(update: Update) -> str | None:
    """"candidate", "papers", "draft" or "button" for an update that looks a candidate up; None otherwise."""
    if update.message is not None and update.message.text:
        command = update.message.text.split(maxsplit=1)[0].split("@")[0]
        return command.lstrip("/") if command in LOOKUP_COMMANDS else None
    if update.callback_query is not None and (update.callback_query.data or "").startswith(LOOKUP_BUTTONS):
        return "button"
    return None


async def audit_lookups(update: Update, context: RecruitContext) -> None:
    """After the handlers ran: records who looked up a candidate with /candidate, /papers, /draft or a button."""
    kind = _lookup_kind(update)
    if kind is None or context.chat_data is None:
        return
    candidate_id = load_conversation(context.chat_data).candidate_id
    if candidate_id is None:
        return
    try:
        await asyncio.to_thread(store_of(context).audit, actor_of(update), audit.LOOKUP, candidate_id, kind)
    except Exception:  # noqa: BLE001 — an audit write that fails must not fail the answer already sent
        logger.warning("Audit of update %s failed", update.update_id, exc_info=True)


def handlers() -> list[BaseHandler]:
    """/stage, /note, /pipeline, /timeline."""
    return [
        CommandHandler("stage", set_stage),
        CommandHandler("note", add_note),
        CommandHandler("pipeline", show_pipeline),
        CommandHandler("timeline", show_timeline),
    ]


def register(application: Application) -> PipelineStore:
    """Opens the pipeline store and adds every pipeline handler and the reminder job to the application."""
    settings = application.settings  # type: ignore[attr-defined]
    store = PipelineStore.from_settings(settings)
    application.pipeline = store  # type: ignore[attr-defined]
    for feature in (privacy, followups, campaign):
        application.add_handlers(feature.handlers())
    application.add_handlers(handlers())
    application.add_handler(TypeHandler(Update, audit_lookups), group=1)
    interval = settings.pipeline.reminder_interval_s
    if application.job_queue is not None:
        application.job_queue.run_repeating(followups.send_due_reminders, interval=interval, first=min(interval, 5.0),
                                            name="follow-up reminders")
    else:
        logger.warning("No JobQueue (install python-telegram-bot[job-queue]): follow-up reminders are off")
    return store

