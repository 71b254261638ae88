"""Campaigns: a shortlist of N candidates for a topic, each with evidence and a first-contact draft.

The shortlist is ``assistant.find(topic)``; ids that merge several people and do-not-contact candidates are
skipped (with the reason kept), as are people already in a conversation with the group. A candidate who got
a first message within the cool-down stays on the list with a warning on their draft.
"""

from __future__ import annotations

import logging
import re
import time
from dataclasses import dataclass, field

from bot.assistant.verify import MIN_TITLE_WORDS
from bot.models import Candidate, Citation, Draft, Paper
from bot.pipeline import audit
from bot.pipeline.models import Stage
from bot.pipeline.outreach import IN_CONVERSATION, cooldown_warning
from bot.text import fold
from bot.pipeline.store import PipelineStore

logger = logging.getLogger(__name__)

# Shortlisted candidates asked of the finder per place, so that skips still leave N to draft for.
OVERFETCH = 3
SKIP_AMBIGUOUS = "the name belongs to several people"
SKIP_DO_NOT_CONTACT = "marked do-not-contact"
SKIP_IN_CONVERSATION = "already in conversation ({stage})"
SKIP_DECLINED = "declined"
_QUOTED = re.compile(r"“([^”\n]+)”|«\s*([^»\n]+?)\s*»|\"([^\"\n]+)\"")


@dataclass
class CampaignItem:
    """One shortlisted candidate: why they are on the list, and the draft written for them."""

    candidate: Candidate
    evidence: list[Citation]
    draft: Draft
    score: float = 0.0


@dataclass
class Campaign:
    """A topic's shortlist, the candidates left out and why, and how long drafting took."""

    topic: str
    items: list[CampaignItem] = field(default_factory=list)
    skipped: list[tuple[str, str]] = field(default_factory=list)  # (candidate id, reason)
    seconds: float = 0.0


def quoted_titles(text: str) -> list[str]:
    """Every quoted string in a text: the titles a draft claims to have read."""
    return [next(g for g in m.groups() if g).strip() for m in _QUOTED.finditer(text)]


def _norm(title: str) -> str:
    return fold(title)


def fabricated_titles(draft: Draft, papers: list[Paper]) -> list[str]:
    """Quoted strings in a draft that are not the title of one of the candidate's papers (should be none).

    A short quote (fewer words than a title, like the verifier's MIN_TITLE_WORDS) may instead be a term
    quoted from one of their abstracts ("wait-k"); it counts as fabricated only if no abstract of theirs has it.
    """
    known = {_norm(p.title) for p in papers}
    abstracts = " ".join(_norm(p.abstract) for p in papers)
    text = f"{draft.subject or ''}\n{draft.body}"
    out = []
    for quote in quoted_titles(text):
        key = _norm(quote)
        if key in known or (len(key.split()) < MIN_TITLE_WORDS and f" {key} " in f" {abstracts} "):
            continue
        out.append(quote)
    return out


def _skip_reason(candidate: Candidate, stage: Stage | None) -> str | None:
    if candidate.ambiguous:
        return SKIP_AMBIGUOUS
    if stage == Stage.DO_NOT_CONTACT:
        return SKIP_DO_NOT_CONTACT
    if stage == Stage.DECLINED:
        return SKIP_DECLINED
    if stage in IN_CONVERSATION:
        return SKIP_IN_CONVERSATION.format(stage=stage.value)
    return None


def plan_campaign(assistant, store: PipelineStore, topic: str, size: int, *, cooldown_days: float,
                  actor: str, channel: str = "email") -> Campaign:
    """Shortlists ``size`` contactable candidates for ``topic`` and drafts a message for each."""
    started = time.perf_counter()
    campaign = Campaign(topic=topic)
    stages = store.stages()
    for hit in assistant.find(topic, k=size * OVERFETCH):
        if len(campaign.items) >= size:
            break
        candidate = hit.candidate
        reason = _skip_reason(candidate, stages.get(candidate.id))
        if reason:
            campaign.skipped.append((candidate.id, reason))
            continue
        draft = assistant.draft(candidate.id, channel=channel, purpose=topic)
        warning = cooldown_warning(store, candidate.id, candidate.name, cooldown_days, stage=stages.get(candidate.id))
        if warning:
            draft = draft.model_copy(update={"warnings": [*draft.warnings, warning]})
        campaign.items.append(CampaignItem(candidate, hit.evidence, draft, hit.score))
    campaign.seconds = time.perf_counter() - started
    store.audit(actor, audit.CAMPAIGN, None, f"shortlisted={len(campaign.items)} skipped={len(campaign.skipped)}")
    logger.info("Campaign of %d drafted (%d skipped) in %.0f ms", len(campaign.items), len(campaign.skipped),
                campaign.seconds * 1000)
    return campaign


def approve(store: PipelineStore, candidate_id: str, actor: str) -> None:
    """An approved campaign draft puts its candidate in the pipeline as sourced (unless already further)."""
    if store.stage_of(candidate_id) is None:
        store.set_stage(candidate_id, Stage.SOURCED, actor)
