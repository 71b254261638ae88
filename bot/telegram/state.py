"""What a chat remembers, kept in PTB's chat_data so that PicklePersistence carries it across restarts.

Only plain data goes in: the Conversation as ``model_dump()``, the last answer's citations as dumps, and a
small map of short keys for callback data. Nothing here is logged.
"""

from __future__ import annotations

import hashlib
import logging
from typing import Any, MutableMapping

from pydantic import ValidationError

from bot.assistant.protocol import Conversation
from bot.models import Answer, Citation

logger = logging.getLogger(__name__)

CONVERSATION = "conversation"
CITATIONS = "citations"
REFS = "refs"
DRAFT_MESSAGE = "draft_message_id"
PENDING_QUESTION = "pending_question"

# Enough for every button a chat is likely to still press; older keys are dropped first.
MAX_REFS = 300

ChatData = MutableMapping[str, Any]


def load_conversation(chat_data: ChatData) -> Conversation:
    """The chat's conversation, or a fresh one (also when the stored one no longer validates)."""
    stored = chat_data.get(CONVERSATION)
    if not stored:
        return Conversation()
    try:
        return Conversation.model_validate(stored)
    except ValidationError:
        logger.warning("Stored conversation no longer validates; starting a fresh one")
        return Conversation()


def save_conversation(chat_data: ChatData, conversation: Conversation) -> None:
    """Stores the conversation as plain data."""
    chat_data[CONVERSATION] = conversation.model_dump()


def record_answer(conversation: Conversation, question: str, answer: Answer) -> None:
    """Moves the conversation on: the candidate talked about, the papers cited, the turn itself."""
    if len(answer.candidate_ids) == 1:  # an answer about several people changes nobody's context
        conversation.candidate_id = answer.candidate_ids[0]
    conversation.last_paper_ids = [c.paper.id for c in answer.citations]
    # The assistant may already have recorded the turn on the object it was given.
    if ("user", question) not in conversation.history[-2:]:
        conversation.remember("user", question)
    if not conversation.history or conversation.history[-1] != ("assistant", answer.text):
        conversation.remember("assistant", answer.text)


def save_citations(chat_data: ChatData, citations: list[Citation]) -> None:
    """Keeps the last answer's references for /sources."""
    chat_data[CITATIONS] = [c.model_dump() for c in citations]


def load_citations(chat_data: ChatData) -> list[Citation]:
    """The last answer's references, or none."""
    try:
        return [Citation.model_validate(c) for c in chat_data.get(CITATIONS, [])]
    except ValidationError:
        logger.warning("Stored citations no longer validate; dropping them")
        return []


def ref(chat_data: ChatData, value: str) -> str:
    """A short, stable key for ``value`` that fits in callback data."""
    key = hashlib.sha1(value.encode("utf-8")).hexdigest()[:10]
    refs = chat_data.setdefault(REFS, {})
    refs.pop(key, None)
    refs[key] = value
    while len(refs) > MAX_REFS:
        refs.pop(next(iter(refs)))
    return key


def deref(chat_data: ChatData, key: str) -> str | None:
    """The value behind a key from ``ref``; None when it was dropped (a very old button)."""
    return chat_data.get(REFS, {}).get(key)
