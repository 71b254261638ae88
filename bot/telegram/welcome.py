"""/start, /help, unknown commands, and the command menu registered with Telegram (setMyCommands)."""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import Bot, BotCommand, BotCommandScopeChat, Update
from telegram.error import TelegramError
from telegram.ext import Application, BaseHandler, CommandHandler, MessageHandler, filters

from bot.telegram.access import Role
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import send_html, with_retry

logger = logging.getLogger(__name__)

COMMANDS = [
    BotCommand("start", "What this bot does"),
    BotCommand("help", "How to use it"),
    BotCommand("ask", "Ask about candidates and their papers"),
    BotCommand("find", "Find candidates for a topic"),
    BotCommand("fit", "How well candidates fit a role: NAME[, NAME…]: ROLE"),
    BotCommand("draft", "Draft a first-contact message"),
    BotCommand("candidate", "A candidate's dossier"),
    BotCommand("papers", "A candidate's papers"),
    BotCommand("sources", "References of the last answer"),
    BotCommand("cancel", "Discard the draft in progress"),
    BotCommand("campaign", "Shortlist and draft for a topic: \"TOPIC\" N"),
    BotCommand("stage", "Move a candidate to a stage"),
    BotCommand("note", "Keep a note on a candidate"),
    BotCommand("pipeline", "Counts per stage and the funnel"),
    BotCommand("followups", "Follow-ups that are due"),
    BotCommand("timeline", "A candidate's papers per year and topic"),
    BotCommand("export", "Everything held about a candidate, as JSON"),
    BotCommand("add", "Import a researcher from the scholarly sources"),
    BotCommand("refresh", "Check imported researchers for new papers"),
]
ADMIN_COMMANDS = COMMANDS + [
    BotCommand("forget", "Forget everything about a candidate (admin)"),
    BotCommand("allow", "Let a user in (admin)"),
]

WELCOME = (
    "Hello! I answer questions about candidates from the papers they wrote, with references.\n\n"
    "Just type a question, e.g. “Which venues has Yang Feng published in?”, or see /help."
)
UNKNOWN_COMMAND = "I don't know that command; /help lists what I can do."


def help_text(role: Role | None) -> str:
    """The command list for a role."""
    commands = ADMIN_COMMANDS if role == Role.ADMIN else COMMANDS
    lines = [f"/{c.command} — {c.description}" for c in commands]
    lines.append("\nSend a PDF with a candidate's name as caption to add it to their papers.")
    return "<b>What I can do</b>\n" + "\n".join(lines)


async def greet(update: Update, context: RecruitContext) -> None:
    """Says what the bot does."""
    await send_html(context.bot, update.effective_chat.id, WELCOME)


async def show_help(update: Update, context: RecruitContext) -> None:
    """Lists what can be asked, with examples from the loaded knowledge, and the commands the user may use."""
    role = context.access.role(context.bot_data, update.effective_user.id)
    text = help_text(role)
    examples = getattr(context.assistant, "help", None) if role is not None else None  # strangers learn nothing
    if callable(examples):
        text = escape(await asyncio.to_thread(examples)) + "\n\n" + text
    await send_html(context.bot, update.effective_chat.id, text)


async def unknown_command(update: Update, context: RecruitContext) -> None:
    """Points to /help."""
    await send_html(context.bot, update.effective_chat.id, UNKNOWN_COMMAND)


async def set_admin_commands(bot: Bot, admin_ids: list[int]) -> None:
    """Shows the admin commands in the menu of each admin's private chat."""
    for admin_id in admin_ids:
        try:
            await with_retry(lambda: bot.set_my_commands(ADMIN_COMMANDS, scope=BotCommandScopeChat(admin_id)))
        except TelegramError as exc:  # e.g. the admin has not opened a chat with the bot yet
            logger.info("Admin commands not set for user %s: %s", admin_id, type(exc).__name__)


async def register_commands(application: Application) -> None:
    """Registers the command menu at start-up: everyone's, then each admin's."""
    try:
        await with_retry(lambda: application.bot.set_my_commands(COMMANDS))
    except TelegramError as exc:
        logger.warning("Could not register the command menu: %s", type(exc).__name__)
        return
    access = application.access  # type: ignore[attr-defined]
    await set_admin_commands(application.bot, sorted(access.admins(application.bot_data)))


def handlers() -> list[BaseHandler]:
    """/start and /help."""
    return [CommandHandler("start", greet), CommandHandler("help", show_help)]


def fallback_handlers() -> list[BaseHandler]:
    """Registered last: any command nobody handled."""
    return [MessageHandler(filters.UpdateType.MESSAGE & filters.COMMAND, unknown_command)]
