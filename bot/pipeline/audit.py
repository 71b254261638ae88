"""The audit log's vocabulary: who did it (actors), to whom (a hash of the candidate id), and what.

The log answers "who looked up or changed whom, and when" without holding anyone's name or id: a candidate
appears as ``subject_key(candidate_id)``, so the question is asked by hashing the id one is curious about,
and forgetting a candidate leaves no readable trace in the log. No event carries a message body or a note.
"""

from __future__ import annotations

import getpass
import hashlib

# Actions, as constants so that code and tests agree on the words.
LOOKUP = "lookup"
STAGE = "stage"
NOTE = "note"
SENT = "sent"
FOLLOW_UP_DONE = "followup-done"
REMINDED = "reminded"
TIMELINE = "timeline"
EXPORT = "export"
FORGET = "forget"
RESTORE = "restore"
CAMPAIGN = "campaign"
DRAFT_REFUSED = "draft-refused"

_SALT = "recruitbot-audit:"


def subject_key(candidate_id: str) -> str:
    """How the audit log names a candidate: a sha256 of the id, never the id itself."""
    return hashlib.sha256((_SALT + candidate_id).encode("utf-8")).hexdigest()


def short_key(candidate_id: str) -> str:
    """A short form of ``subject_key`` for log lines (enough to correlate, not to read)."""
    return subject_key(candidate_id)[:12]


def telegram_actor(user_id: int | None) -> str:
    """A Telegram user as an actor: ``tg:<user id>``."""
    return f"tg:{user_id}" if user_id is not None else "tg:unknown"


def cli_actor() -> str:
    """The person at the terminal as an actor: ``cli:<login>``."""
    try:
        return f"cli:{getpass.getuser()}"
    except (KeyError, OSError):  # no login name in some containers
        return "cli:unknown"


def telegram_user_of(actor: str) -> int | None:
    """The Telegram user id behind an actor, when it is one."""
    kind, _, value = actor.partition(":")
    return int(value) if kind == "tg" and value.lstrip("-").isdigit() else None
