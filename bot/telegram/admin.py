"""Admin command /allow USER_ID [admin|recruiter]. (/forget lives in privacy.py: it forgets everywhere.)"""

from __future__ import annotations

import logging

from telegram import Update
from telegram.ext import BaseHandler, CommandHandler

from bot.telegram.access import ADMINS_ONLY, Role, require_admin
from bot.telegram.context import RecruitContext
from bot.telegram.delivery import send_html
from bot.telegram.welcome import set_admin_commands

logger = logging.getLogger(__name__)

ALLOW_USAGE = "Usage: <code>/allow USER_ID [admin|recruiter]</code> (recruiter by default)."


async def admin_or_refused(update: Update, context: RecruitContext) -> bool:
    """True for admins; anyone else is told the command is for admins."""
    if require_admin(update, context):
        return True
    await send_html(context.bot, update.effective_chat.id, ADMINS_ONLY)
    return False


async def allow_user(update: Update, context: RecruitContext) -> None:
    """Lets a Telegram user in, as recruiter or admin; the grant is persisted."""
    chat_id = update.effective_chat.id
    if not await admin_or_refused(update, context):
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


def handlers() -> list[BaseHandler]:
    """/allow."""
    return [CommandHandler("allow", allow_user)]
