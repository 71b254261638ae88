"""Everything held about one candidate as a JSON document (/export), and back into the store (restore).

The document gathers the knowledge base's dossier and papers, the pipeline's stage history, notes, messages
and follow-ups, and the audit events about them. ``restore`` reads the pipeline part back, so an export
survives a forget-and-restore round trip unchanged (the knowledge base part is re-ingested, not restored).
"""

from __future__ import annotations

import datetime as dtm
import logging

from sqlalchemy import select

from bot.pipeline import audit
from bot.pipeline.models import FollowUp, Note, PipelineCandidate, SentMessage, StageEvent, utcnow
from bot.pipeline.store import PipelineStore

logger = logging.getLogger(__name__)

FORMAT = "recruitbot-candidate-export/1"


def _iso(value: dtm.datetime | None) -> str | None:
    return value.isoformat() if value is not None else None


def _when(value: str | None) -> dtm.datetime | None:
    return dtm.datetime.fromisoformat(value) if value else None


def pipeline_part(store: PipelineStore, candidate_id: str) -> dict:
    """The pipeline's rows about a candidate, as plain JSON-ready data."""
    with store.session() as session:
        row = session.get(PipelineCandidate, candidate_id)
        events = session.scalars(select(StageEvent).where(StageEvent.candidate_id == candidate_id)
                                 .order_by(StageEvent.id)).all()
    return {
        "stage": row.stage if row else None,
        "stage_at": _iso(row.stage_at) if row else None,
        "stage_by": row.stage_by if row else None,
        "stage_events": [{"stage": e.stage, "at": _iso(e.at), "actor": e.actor} for e in events],
        "notes": [{"author": n.author, "at": _iso(n.at), "text": n.text} for n in store.notes(candidate_id)],
        "messages": [
            {"channel": m.channel, "sent_at": _iso(m.sent_at), "sender": m.sender, "language": m.language,
             "subject": m.subject, "body": m.body, "cited_paper_ids": list(m.cited_paper_ids or [])}
            for m in store.messages(candidate_id)
        ],
        "followups": [
            {"due_at": _iso(f.due_at), "owner": f.owner, "chat_id": f.chat_id, "created_at": _iso(f.created_at),
             "reminded_at": _iso(f.reminded_at), "done_at": _iso(f.done_at),
             "message": _message_index(store, candidate_id, f.message_id)}
            for f in store.follow_ups(candidate_id, open_only=False)
        ],
    }


def _message_index(store: PipelineStore, candidate_id: str, message_id: int | None) -> int | None:
    """A follow-up points at its message by position in the export, not by database id."""
    ids = [m.id for m in store.messages(candidate_id)]
    return ids.index(message_id) if message_id in ids else None


def export_candidate(store: PipelineStore, candidate_id: str, actor: str, candidate=None, papers=()) -> dict:
    """The whole export document; the export itself is audited (without the candidate's id)."""
    document = {
        "format": FORMAT,
        "exported_at": utcnow().isoformat(),
        "candidate_id": candidate_id,
        "candidate": candidate.model_dump(mode="json") if candidate is not None else None,
        "papers": [{"id": p.id, "title": p.title, "year": p.year, "venue": p.venue, "url": p.url,
                    "authors": p.authors} for p in papers],
        "pipeline": pipeline_part(store, candidate_id),
        "audit": [{"at": _iso(e.at), "actor": e.actor, "action": e.action, "detail": e.detail}
                  for e in store.audit_events(candidate_id)],
    }
    store.audit(actor, audit.EXPORT, candidate_id)
    return document


def restore_candidate(store: PipelineStore, document: dict, actor: str) -> int:
    """Writes an export's pipeline part back (replacing what the store holds); returns rows written."""
    if document.get("format") != FORMAT:
        raise ValueError(f"not a recruitbot export (format {document.get('format')!r})")
    candidate_id = document["candidate_id"]
    part = document["pipeline"]
    with store.session.begin() as session:
        for table in (FollowUp, SentMessage, Note, StageEvent, PipelineCandidate):
            session.query(table).filter(table.candidate_id == candidate_id).delete()
        if part.get("stage"):
            session.add(PipelineCandidate(candidate_id=candidate_id, stage=part["stage"],
                                          stage_at=_when(part["stage_at"]), stage_by=part["stage_by"]))
            session.flush()
        rows = [StageEvent(candidate_id=candidate_id, stage=e["stage"], at=_when(e["at"]), actor=e["actor"])
                for e in part.get("stage_events", [])]
        rows += [Note(candidate_id=candidate_id, author=n["author"], at=_when(n["at"]), text=n["text"])
                 for n in part.get("notes", [])]
        messages = [SentMessage(candidate_id=candidate_id, channel=m["channel"], sent_at=_when(m["sent_at"]),
                                sender=m["sender"], language=m.get("language", "en"), subject=m.get("subject"),
                                body=m["body"], cited_paper_ids=m.get("cited_paper_ids", []))
                    for m in part.get("messages", [])]
        session.add_all(rows + messages)
        session.flush()
        for f in part.get("followups", []):
            index = f.get("message")
            session.add(FollowUp(candidate_id=candidate_id, due_at=_when(f["due_at"]), owner=f["owner"],
                                 chat_id=f.get("chat_id"), created_at=_when(f["created_at"]),
                                 reminded_at=_when(f.get("reminded_at")), done_at=_when(f.get("done_at")),
                                 message_id=messages[index].id if index is not None else None))
        written = len(rows) + len(messages) + len(part.get("followups", [])) + int(bool(part.get("stage")))
    store.audit(actor, audit.RESTORE, candidate_id, f"rows={written}")
    logger.info("Restored %d pipeline rows for %s", written, audit.short_key(candidate_id))
    return written
