"""/fit: how well one or several candidates match a role or a topic, by the affinity model.

    /fit Rico Sennrich for our speech translation team
    /fit Lucia Specia, Ivan Vulić: a researcher to build quality estimation for our MT service

The names are found by the resolver; the text is what follows a colon, or else what is left once the names
are taken out. Candidates are ranked by fit, each with their count of papers on the text's topic and the
papers that carry the fit.
"""

from __future__ import annotations

import asyncio
import logging

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.telegram.context import RecruitContext
from bot.telegram.delivery import send_html, typing
from bot.telegram.formatting import escape, paper_line

logger = logging.getLogger(__name__)

FIT_USAGE = ("Whom, and for what? For example: <code>/fit Rico Sennrich for our speech translation team</code> or "
             "<code>/fit Lucia Specia, Ivan Vulić: quality estimation for our MT service</code>")
NO_CANDIDATE = "I don't know a candidate by that name. Check the spelling, or try /find with the topic."
NO_TEXT = "For what role or topic? Put it after a colon: <code>/fit NAME: the role</code>"
UNAVAILABLE = "Fit needs the knowledge base, which this assistant does not expose."
MOST = 10
EVIDENCE = 3


def plan(kb, command_text: str) -> tuple[list[str], list[str], str]:
    """(candidate ids, ambiguous choices, text) read from what follows /fit."""
    names, colon, after = command_text.partition(":")
    resolution = kb.resolve(names if colon else command_text)
    ids = [p for p in resolution.ids if p in kb.catalog.candidates]
    text = after.strip() if colon else resolution.remainder
    text = text.strip(" ,;?.!").removeprefix("for ").removeprefix("as ").strip()
    return ids, resolution.choices, text


def reply(kb, command_text: str) -> str:
    """The /fit answer, as Telegram HTML."""
    from bot.assistant.affinity import RELEVANT, rank

    ids, choices, text = plan(kb, command_text)
    if not ids:
        if choices:
            names = [f"{kb.catalog.candidates[c].name} (<code>{escape(c)}</code>)" for c in choices[:6]
                     if c in kb.catalog.candidates]
            return "That name fits several candidates; use the id of the one you mean:\n" + "\n".join(names)
        return NO_CANDIDATE
    if not text:
        return NO_TEXT
    blocks = [f"<b>Fit for</b> “{escape(text)}”"]
    for number, result in enumerate(rank(kb, ids[:MOST], text), start=1):
        candidate = kb.catalog.candidates[result.candidate_id]
        count = result.matching
        head = (f"{number}. <b>{escape(candidate.name)}</b>: fit {result.score:.2f}, "
                + (f"{count} paper{'s' if count != 1 else ''} on the topic" if count else "no paper on the topic"))
        # The papers on the topic when there are some (most likely first), else the closest ones.
        shown = [p.paper_id for p in result.papers if p.probability >= RELEVANT] or result.evidence
        papers = [kb.catalog.papers[p] for p in shown[:EVIDENCE] if p in kb.catalog.papers]
        lead = "closest papers:" if count == 0 and papers else ""
        blocks.append("\n".join([head, *([f" <i>{lead}</i>"] if lead else []),
                                 *(" • " + paper_line(p) for p in papers)]))
    return "\n\n".join(blocks)


async def fit_command(update: Update, context: RecruitContext) -> None:
    """Ranks the named candidates for the role or topic given."""
    chat_id = update.effective_chat.id
    command_text = context.command_text
    if not command_text:
        await send_html(context.bot, chat_id, FIT_USAGE)
        return
    kb = getattr(context.assistant, "kb", None)
    if kb is None:
        await send_html(context.bot, chat_id, UNAVAILABLE)
        return
    async with typing(context.bot, chat_id):
        text = await asyncio.to_thread(reply, kb, command_text)
    logger.info("Fit answered for chat %s", chat_id)
    await send_html(context.bot, chat_id, text)


def handlers() -> list[BaseHandler]:
    return [CommandHandler("fit", fit_command)]
