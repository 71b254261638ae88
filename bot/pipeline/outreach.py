"""Rules for contacting a candidate, shared by /draft, /campaign and the CLI.

A do-not-contact candidate cannot be drafted for (``DoNotContactError``); a second first contact within the
cool-down period is allowed but warns. "First contact" means the candidate has not answered yet: once they
replied (or got further), writing again is a conversation, not a second cold message.
"""

from __future__ import annotations

import datetime as dtm

from bot.pipeline.models import Stage, utcnow
from bot.pipeline.store import DoNotContactError, PipelineStore

DO_NOT_CONTACT = "{name} is marked do-not-contact, so I will not draft a message for them."
COOLDOWN_WARNING = ("{name} was already sent a first message {days} ago, within the {cooldown:g}-day cool-down. "
                    "Check before writing again.")
# Stages at which a new message is a follow-up in a conversation, not a second first contact.
IN_CONVERSATION = {Stage.REPLIED, Stage.CALL, Stage.OFFER, Stage.JOINED}


def _ago(delta: dtm.timedelta) -> str:
    days = delta.total_seconds() / 86400
    if days < 1:
        return "less than a day"
    return f"{days:.0f} day" + ("" if round(days) == 1 else "s")


def ensure_contactable(store: PipelineStore, candidate_id: str, name: str) -> Stage | None:
    """The candidate's stage; DoNotContactError when they must not be contacted."""
    stage = store.stage_of(candidate_id)
    if stage == Stage.DO_NOT_CONTACT:
        raise DoNotContactError(DO_NOT_CONTACT.format(name=name))
    return stage


def cooldown_warning(store: PipelineStore, candidate_id: str, name: str, cooldown_days: float,
                     now: dtm.datetime | None = None, stage: Stage | None = None) -> str | None:
    """A warning when a first message went out within the cool-down and the candidate has not answered."""
    if cooldown_days <= 0 or (stage or store.stage_of(candidate_id)) in IN_CONVERSATION:
        return None
    last = store.last_sent(candidate_id)
    if last is None:
        return None
    elapsed = (now or utcnow()) - last
    if elapsed >= dtm.timedelta(days=cooldown_days):
        return None
    return COOLDOWN_WARNING.format(name=name, days=_ago(elapsed), cooldown=cooldown_days)


def contact_warnings(store: PipelineStore, candidate_id: str, name: str, cooldown_days: float) -> list[str]:
    """Checks a planned message: raises DoNotContactError, or returns the warnings to show with the draft."""
    stage = ensure_contactable(store, candidate_id, name)
    warning = cooldown_warning(store, candidate_id, name, cooldown_days, stage=stage)
    return [warning] if warning else []
