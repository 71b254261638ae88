"""Who may talk to the bot, where, and how fast.

The gate runs before every handler (group -1). A stranger gets one polite refusal that says nothing about
the knowledge base, then silence. In groups the bot answers only in allowed groups, and only to commands,
mentions and its own buttons. Roles come from the settings plus the /allow grants kept in ``bot_data``,
so grants survive restarts through persistence.
"""

from __future__ import annotations

import enum
import logging
import time
from collections import deque
from typing import TYPE_CHECKING, Any, Callable, MutableMapping

from telegram import Message, Update
from telegram.constants import ChatType, MessageEntityType
from telegram.ext import ApplicationHandlerStop

from bot.settings import TelegramSettings
from bot.telegram.delivery import send_html, with_retry
from bot.telegram.formatting import escape

if TYPE_CHECKING:  # context.py imports this module
    from bot.telegram.context import RecruitContext

logger = logging.getLogger(__name__)

REFUSAL = "Sorry, this is a private assistant. Please ask the person who runs it to give you access."
THROTTLED = "You are sending messages faster than I can answer. Please wait a minute and try again."
ADMINS_ONLY = "Only admins can do that."

GRANTS = "granted_roles"  # bot_data: {user_id: role} added with /allow
REFUSED = "refused_users"  # bot_data: ids that already had their one refusal

WINDOW_S = 60.0


class Role(str, enum.Enum):
    """What a known user may do."""

    ADMIN = "admin"
    RECRUITER = "recruiter"


class RateLimiter:
    """A sliding window of ``per_minute`` updates per user; warns once per window when it drops."""

    def __init__(self, per_minute: int, clock: Callable[[], float] = time.monotonic) -> None:
        self.per_minute = per_minute
        self.clock = clock
        self._seen: dict[int, deque[float]] = {}
        self._warned: set[int] = set()

    def allow(self, user_id: int) -> bool:
        """Counts one update; False when the user is over the limit."""
        now = self.clock()
        seen = self._seen.setdefault(user_id, deque())
        while seen and now - seen[0] >= WINDOW_S:
            seen.popleft()
        if len(seen) >= self.per_minute:
            return False
        seen.append(now)
        self._warned.discard(user_id)
        return True

    def should_warn(self, user_id: int) -> bool:
        """True the first time a user is throttled in a window."""
        if user_id in self._warned:
            return False
        self._warned.add(user_id)
        return True


class AccessControl:
    """Roles, refusals, groups and the rate limit, for one bot."""

    def __init__(self, settings: TelegramSettings) -> None:
        self.settings = settings
        self.limiter = RateLimiter(settings.rate_limit_per_minute)

    def role(self, bot_data: MutableMapping[str, Any], user_id: int) -> Role | None:
        """The user's role; admins in the settings win over any grant."""
        if user_id in self.settings.admins:
            return Role.ADMIN
        granted = bot_data.get(GRANTS, {}).get(user_id)
        if granted:
            return Role(granted)
        if user_id in self.settings.recruiters:
            return Role.RECRUITER
        return None

    def grant(self, bot_data: MutableMapping[str, Any], user_id: int, role: Role) -> None:
        """Lets a user in with a role, and forgets that they were ever refused."""
        bot_data.setdefault(GRANTS, {})[user_id] = role.value
        bot_data.setdefault(REFUSED, set()).discard(user_id)

    def admins(self, bot_data: MutableMapping[str, Any]) -> set[int]:
        """Everyone with the admin role."""
        granted = {uid for uid, role in bot_data.get(GRANTS, {}).items() if role == Role.ADMIN.value}
        return set(self.settings.admins) | granted

    def first_refusal(self, bot_data: MutableMapping[str, Any], user_id: int) -> bool:
        """True once per stranger, ever: the time to say no politely."""
        refused = bot_data.setdefault(REFUSED, set())
        if user_id in refused:
            return False
        refused.add(user_id)
        return True


def addressed_to_bot(message: Message | None, username: str | None) -> bool:
    """In a group: a command, a mention of the bot, or a reply to one of its messages."""
    if message is None:
        return False
    text = message.text or message.caption or ""
    entities = message.entities or message.caption_entities or ()
    mention = f"@{username}".lower() if username else None
    for entity in entities:
        if entity.type == MessageEntityType.BOT_COMMAND and entity.offset == 0:
            return True
        if entity.type == MessageEntityType.MENTION and mention:
            if text[entity.offset : entity.offset + entity.length].lower() == mention:
                return True
    replied = message.reply_to_message
    return bool(replied and replied.from_user and replied.from_user.username == username)


async def guard(update: Update, context: RecruitContext) -> None:
    """Lets allowed users through; refuses strangers once; stops everything else."""
    user, chat = update.effective_user, update.effective_chat
    if user is None or user.is_bot or chat is None or chat.type == ChatType.CHANNEL:
        raise ApplicationHandlerStop
    access = context.access
    if chat.type in (ChatType.GROUP, ChatType.SUPERGROUP):
        if chat.id not in access.settings.allowed_groups:
            logger.debug("Ignored update %s from group %s", update.update_id, chat.id)
            raise ApplicationHandlerStop
        if update.callback_query is None and not addressed_to_bot(update.message, context.bot.username):
            raise ApplicationHandlerStop
    if access.role(context.bot_data, user.id) is None:
        await _refuse(update, context, user.id)
        raise ApplicationHandlerStop
    if not access.limiter.allow(user.id):
        logger.info("Throttled user %s (update %s)", user.id, update.update_id)
        if access.limiter.should_warn(user.id):
            await _say(update, context, THROTTLED)
        raise ApplicationHandlerStop


async def _refuse(update: Update, context: RecruitContext, user_id: int) -> None:
    if not context.access.first_refusal(context.bot_data, user_id):
        logger.debug("Ignored stranger %s (update %s)", user_id, update.update_id)
        return
    logger.info("Refused stranger %s (update %s)", user_id, update.update_id)
    await _say(update, context, REFUSAL)


async def _say(update: Update, context: RecruitContext, text: str) -> None:
    """A short notice: a toast for a button press, a message otherwise."""
    if update.callback_query is not None:
        await with_retry(lambda: update.callback_query.answer(text))
        return
    await send_html(context.bot, update.effective_chat.id, escape(text))


def require_admin(update: Update, context: RecruitContext) -> bool:
    """True for admins; the caller replies ADMINS_ONLY otherwise."""
    user = update.effective_user
    return user is not None and context.access.role(context.bot_data, user.id) == Role.ADMIN
