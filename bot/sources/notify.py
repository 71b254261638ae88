"""New papers of candidates in the pipeline, as messages for whoever owns them."""

from __future__ import annotations

from dataclasses import dataclass

from bot.pipeline.models import PipelineCandidate, Stage
from bot.sources.models import ImportResult

NEW_PAPER = "{name} has a new paper, {title}: a fresh reason to follow up"
NEW_PAPERS = "{name} has {count} new papers, {title} and more: a fresh reason to follow up"


@dataclass
class Notice:
    """One message for a candidate's owner."""

    candidate_id: str
    owner: str  # 'tg:<user id>' or 'cli:<login>'
    chat_id: int | None
    text: str


def owner_of(store, candidate_id: str) -> tuple[str, int | None] | None:
    """Who follows the candidate: the owner of their latest follow-up, else who last wrote or moved them."""
    follow_ups = store.follow_ups(candidate_id, open_only=False)
    if follow_ups:
        latest = max(follow_ups, key=lambda f: (f.created_at, f.id))
        return latest.owner, latest.chat_id
    messages = store.messages(candidate_id)
    if messages:
        return messages[-1].sender, None
    with store.session() as session:
        row = session.get(PipelineCandidate, candidate_id)
        return (row.stage_by, None) if row else None


def notices(store, results: list[ImportResult]) -> list[Notice]:
    """A notice per refreshed person with new papers who is in the pipeline (and not do-not-contact)."""
    out = []
    for result in results:
        if not result.added:
            continue
        stage = store.stage_of(result.person_id)
        if stage is None or stage is Stage.DO_NOT_CONTACT:
            continue
        owner = owner_of(store, result.person_id)
        if owner is None:
            continue
        newest = sorted(result.added, key=lambda w: -(w.year or 0))
        template = NEW_PAPER if len(newest) == 1 else NEW_PAPERS
        text = template.format(name=result.name, title=f"“{newest[0].title}”", count=len(newest))
        out.append(Notice(result.person_id, owner[0], owner[1], text))
    return out
