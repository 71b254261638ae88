"""The audit log's vocabulary: who did it (actors), to whom (a hash of the candidate id), and what.

The log answers "who looked up or changed whom, and when" without holding anyone's name or id: a candidate
appears as ``subject_key(candidate_id, key)``, an HMAC keyed with the installation's secret (``bot.secret``),
so the question is asked by hashing the id one is curious about, with the key, and nobody without the key can
reverse the log by hashing the list of authors. No event carries a message body or a note.
"""

from __future__ import annotations

import getpass
import secrets

from bot import secret

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

# Log lines only need to correlate within one run: their key is new in every process and kept nowhere.
_LOG_KEY = secrets.token_bytes(32)


def subject_key(candidate_id: str, key: bytes | None = None) -> str:
    """How the audit log names a candidate: an HMAC of the id with the installation's key, never the id."""
    return secret.keyed_hash(key or secret.default(), "audit", candidate_id)


def short_key(candidate_id: str) -> str:
    """A short keyed hash for log lines (enough to correlate within a run, not to read or to match later)."""
    return secret.keyed_hash(_LOG_KEY, "log", candidate_id)[:12]


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
