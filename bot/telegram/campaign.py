"""/campaign "TOPIC" N: a shortlist of N candidates, one message each with the evidence and a draft to approve
or skip by button.

An approved campaign draft joins the chat's approved drafts, so it gets the same "Copy" and "Mark as sent"
buttons as one approved under /draft. Only the chat's latest campaign can be acted on.
"""

from __future__ import annotations

import asyncio
import logging
import re
import secrets

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import BaseHandler, CallbackQueryHandler, CommandHandler

from bot.assistant.protocol import NOT_FOUND_PHRASE
from bot.models import Draft, Paper
from bot.pipeline import campaign as planner
from bot.telegram import keyboards
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import edit_html, send_html, typing, with_retry
from bot.telegram.followups import actor_of, store_of, with_sent_button
from bot.telegram.formatting import escape, format_draft, paper_line
from bot.telegram.state import load_conversation, save_conversation

logger = logging.getLogger(__name__)

CAMPAIGN = "camp:"  # camp:<ok|skip>:<campaign id>:<index>
# chat_data: {"id", "topic", "items": [{"index", "candidate_id", "name", "draft", "evidence", "status"}]}; items are
# found by their "index", not their position, because forgetting a candidate removes theirs from the list.
STATE = "campaign"
DEFAULT_SIZE = 5
USAGE = ('Usage: <code>/campaign "TOPIC" N</code>, e.g. <code>/campaign "simultaneous translation" 3</code> '
         f"(N is {DEFAULT_SIZE} when left out).")
STALE = "This campaign is no longer open; start a new one with /campaign."
DECIDED = "Already decided."
_QUOTES = "\"'“”«»"
_ARGS = re.compile(rf"^\s*[{_QUOTES}]\s*(?P<quoted>.+?)\s*[{_QUOTES}]\s*(?P<n>\d+)?\s*$"
                   r"|^\s*(?P<bare>.+?)(?:\s+(?P<m>\d+))?\s*$")


def parse_campaign_args(text: str, limit: int) -> tuple[str, int] | None:
    """("TOPIC", N) from '"TOPIC" N', 'TOPIC N' or 'TOPIC'; None when there is no topic."""
    match = _ARGS.match(text or "")
    if not match:
        return None
    topic = (match.group("quoted") or match.group("bare") or "").strip(" " + _QUOTES)
    size = int(match.group("n") or match.group("m") or DEFAULT_SIZE)
    return (topic, max(1, min(size, limit))) if topic else None


def _item_text(item: dict, number: int, total: int, status: str = "open") -> str:
    draft = Draft.model_validate(item["draft"])
    evidence = "\n".join(paper_line(Paper.model_validate(p), n) for n, p in enumerate(item["evidence"], 1))
    head = f"<b>{number}/{total}</b> · <b>{escape(item['name'])}</b>"
    if status == "skipped":
        return f"{head} — skipped."
    return f"{head}\nWhy: their papers on the topic\n{evidence}\n\n" + format_draft(draft, item["name"],
                                                                               approved=status == "approved")


def _buttons(campaign_id: str, index: int) -> InlineKeyboardMarkup:
    return InlineKeyboardMarkup([[
        InlineKeyboardButton("✅ Approve", callback_data=f"{CAMPAIGN}ok:{campaign_id}:{index}"),
        InlineKeyboardButton("Skip", callback_data=f"{CAMPAIGN}skip:{campaign_id}:{index}"),
    ]])


async def start_campaign(update: Update, context: RecruitContext) -> None:
    """Shortlists N candidates for a topic and sends one draft per candidate to approve or skip."""
    chat_id = update.effective_chat.id
    pipeline = context.settings.pipeline
    parsed = parse_campaign_args(context.command_text, pipeline.campaign_max)
    if parsed is None:
        await send_html(context.bot, chat_id, USAGE)
        return
    topic, size = parsed
    assistant, store, actor = context.assistant, store_of(context), actor_of(update)
    async with typing(context.bot, chat_id):
        plan = await asyncio.to_thread(planner.plan_campaign, assistant, store, topic, size,
                                       cooldown_days=pipeline.cooldown_days, actor=actor)
    if not plan.items:
        await send_html(context.bot, chat_id, escape(NOT_FOUND_PHRASE))
        return
    campaign_id = secrets.token_hex(3)
    items = [{"index": n, "candidate_id": i.candidate.id, "name": i.candidate.name, "draft": i.draft.model_dump(),
              "evidence": [c.paper.model_dump() for c in i.evidence[:3]], "status": "open"}
             for n, i in enumerate(plan.items)]
    context.chat_data[STATE] = {"id": campaign_id, "topic": topic, "total": len(items), "items": items}
    skipped = f" ({len(plan.skipped)} left out: do-not-contact, shared names or already in conversation)" \
        if plan.skipped else ""
    await send_html(context.bot, chat_id, f"<b>Campaign: {escape(topic)}</b> — {len(items)} candidates, drafted in "
                                          f"{plan.seconds:.1f} s{skipped}. Approve or skip each one.")
    for item in items:
        await send_html(context.bot, chat_id, _item_text(item, item["index"] + 1, len(items)),
                        _buttons(campaign_id, item["index"]))
    logger.info("Campaign %s of %d sent to chat %s", campaign_id, len(items), chat_id)


async def decide(update: Update, context: RecruitContext) -> None:
    """Approves a campaign draft (it joins the approved drafts) or skips it, editing its message in place."""
    query = update.callback_query
    action, campaign_id, index = query.data[len(CAMPAIGN):].split(":")
    state = context.chat_data.get(STATE) or {}
    item = next((i for i in state.get("items", []) if i.get("index") == int(index)), None)
    if state.get("id") != campaign_id or item is None:
        await with_retry(lambda: query.answer(STALE))
        return
    total = state.get("total", len(state["items"]))
    if item["status"] != "open":
        await with_retry(lambda: query.answer(DECIDED))
        return
    await with_retry(query.answer)
    message = query.message
    if action == "skip":
        item["status"] = "skipped"
        text = _item_text(item, int(index) + 1, total, "skipped")
        await edit_html(context.bot, message.chat_id, message.message_id, text)
    else:
        item["status"] = "approved"
        conversation = load_conversation(context.chat_data)
        draft = Draft.model_validate(item["draft"])
        conversation.approved.append(draft)
        save_conversation(context.chat_data, conversation)
        await asyncio.to_thread(planner.approve, store_of(context), draft.candidate_id, actor_of(update))
        position = len(conversation.approved) - 1
        markup = with_sent_button(keyboards.draft_copies(position, bool(draft.subject)), position, draft)
        await edit_html(context.bot, message.chat_id, message.message_id,
                        _item_text(item, int(index) + 1, total, "approved"), markup)
    open_items = [i for i in state["items"] if i["status"] == "open"]
    if not open_items:
        approved = sum(i["status"] == "approved" for i in state["items"])
        skipped = sum(i["status"] == "skipped" for i in state["items"])
        await send_html(context.bot, message.chat_id, f"Campaign done: {approved} approved, {skipped} skipped.")


def handlers() -> list[BaseHandler]:
    """/campaign and its Approve / Skip buttons."""
    return [
        CommandHandler("campaign", start_campaign),
        CallbackQueryHandler(decide, pattern=rf"^{CAMPAIGN}(ok|skip):[0-9a-f]+:\d+$"),
    ]
