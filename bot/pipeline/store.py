"""The pipeline store: stages, notes, messages sent, follow-ups and the audit log, behind SQLAlchemy 2.

SQLite by default (a file under data_dir), PostgreSQL when a database URL says so. Every method opens its
own short session, so the store is safe to call from the threads Telegram handlers run it in. SQLite runs
with ``secure_delete`` so that forgotten rows are overwritten in the file, not just unlinked.
The database's URL and engine are in ``bot.pipeline.database``, the stages in ``bot.pipeline.stages``.
"""

from __future__ import annotations

import datetime as dtm
import logging
import time
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import delete, func, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import Session, sessionmaker

from bot.models import Draft
from bot.pipeline import audit, migrate, pg_reclaim
from bot.pipeline.database import database_url, open_engine
from bot.pipeline.models import AuditEvent, FollowUp, Note, PipelineCandidate, SentMessage, Stage, StageEvent, utcnow
from bot.pipeline.stages import StagesMixin

logger = logging.getLogger(__name__)

# Stages from which sending a message moves the candidate to "contacted".
NOT_YET_CONTACTED = {None, Stage.SOURCED}


class DoNotContactError(ValueError):
    """The candidate is marked do-not-contact: nothing may be drafted for or sent to them."""


@dataclass
class SentRecord:
    """What marking a message as sent did."""

    message_id: int
    follow_up_id: int
    due_at: dtm.datetime
    stage: Stage | None
    moved: bool


def _default_key(url: str) -> bytes:
    """A SQLite file's key lives beside it (in the data dir by default); other databases use the settings'."""
    from bot import secret

    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite" and parsed.database and parsed.database != ":memory:":
        return secret.load(Path(parsed.database).parent)
    return secret.default()


class PipelineStore(StagesMixin):
    """Stages, notes, messages, follow-ups and audit events of every candidate, in one database."""

    def __init__(self, url: str, secret_key: bytes | None = None) -> None:
        started = time.perf_counter()
        self.engine = open_engine(url)
        self.secret = secret_key or _default_key(url)
        migrate.upgrade(self.engine)  # a database of an older release is migrated, keeping its rows
        # Objects stay readable after their session closes: callers get plain rows, not live ones.
        self.session = sessionmaker(self.engine, expire_on_commit=False)
        # What the last forget could not remove from the database server, one line each on what the admin must do.
        self.residue: list[str] = []
        logger.info("Pipeline store on %s ready in %.0f ms", self.engine.url.render_as_string(hide_password=True),
                    (time.perf_counter() - started) * 1000)

    @classmethod
    def from_settings(cls, settings) -> "PipelineStore":
        from bot import secret

        return cls(database_url(settings), secret.load(settings.data_dir))

    def subject_key(self, candidate_id: str) -> str:
        """The audit log's name for a candidate in this database (keyed with this installation's secret)."""
        return audit.subject_key(candidate_id, self.secret)

    @property
    def backend(self) -> str:
        return self.engine.dialect.name

    def close(self) -> None:
        self.engine.dispose()

    # -- notes -----------------------------------------------------------------------------------------
    def add_note(self, candidate_id: str, author: str, text: str, at: dtm.datetime | None = None) -> Note:
        at = at or utcnow()
        with self.session.begin() as session:
            note = Note(candidate_id=candidate_id, author=author, at=at, text=text)
            session.add(note)
            self._audit(session, author, audit.NOTE, candidate_id, "", at)
        logger.info("Note %s added on %s (%d chars)", note.id, audit.short_key(candidate_id), len(text))
        return note

    def notes(self, candidate_id: str) -> list[Note]:
        with self.session() as session:
            return list(session.scalars(select(Note).where(Note.candidate_id == candidate_id).order_by(Note.id)))

    # -- messages and follow-ups -----------------------------------------------------------------------
    def last_sent(self, candidate_id: str) -> dtm.datetime | None:
        """When the candidate was last sent a message, if ever."""
        with self.session() as session:
            return session.scalar(select(func.max(SentMessage.sent_at)).where(SentMessage.candidate_id == candidate_id))

    def record_sent(self, draft: Draft, sender: str, follow_up_after: dtm.timedelta, chat_id: int | None = None,
                    at: dtm.datetime | None = None) -> SentRecord:
        """Keeps the approved draft as sent, moves the candidate to contacted and schedules a follow-up."""
        at = at or utcnow()
        candidate_id = draft.candidate_id
        with self.session.begin() as session:
            row = session.get(PipelineCandidate, candidate_id)
            stage = Stage(row.stage) if row else None
            if stage == Stage.DO_NOT_CONTACT:
                raise DoNotContactError("This candidate is marked do-not-contact; nothing was recorded.")
            message = SentMessage(candidate_id=candidate_id, channel=draft.channel, sent_at=at, sender=sender,
                                  language=draft.language, subject=draft.subject, body=draft.body,
                                  cited_paper_ids=list(draft.cited_paper_ids))
            session.add(message)
            moved = stage in NOT_YET_CONTACTED
            if moved:
                self._set_stage(session, candidate_id, Stage.CONTACTED, sender, at)
                stage = Stage.CONTACTED
            self._close_follow_ups(session, candidate_id, at)  # the new message supersedes older reminders
            session.flush()
            follow_up = FollowUp(candidate_id=candidate_id, due_at=at + follow_up_after, owner=sender,
                                 chat_id=chat_id, message_id=message.id, created_at=at)
            session.add(follow_up)
            self._audit(session, sender, audit.SENT, candidate_id, draft.channel, at)
            session.flush()
            record = SentRecord(message.id, follow_up.id, follow_up.due_at, stage, moved)
        logger.info("Message %s to %s recorded (%s); follow-up %s due %s", record.message_id,
                    audit.short_key(candidate_id), draft.channel, record.follow_up_id, record.due_at.isoformat())
        return record

    def messages(self, candidate_id: str) -> list[SentMessage]:
        with self.session() as session:
            query = select(SentMessage).where(SentMessage.candidate_id == candidate_id).order_by(SentMessage.id)
            return list(session.scalars(query))

    def follow_ups(self, candidate_id: str | None = None, *, open_only: bool = True) -> list[FollowUp]:
        """Follow-ups, soonest first: of one candidate or everyone's, open ones only by default."""
        query = select(FollowUp).order_by(FollowUp.due_at, FollowUp.id)
        if candidate_id is not None:
            query = query.where(FollowUp.candidate_id == candidate_id)
        if open_only:
            query = query.where(FollowUp.done_at.is_(None))
        with self.session() as session:
            return list(session.scalars(query))

    def due(self, now: dtm.datetime | None = None, *, unreminded: bool = False) -> list[FollowUp]:
        """Open follow-ups due by ``now``; with ``unreminded`` only those nobody was reminded of yet."""
        query = select(FollowUp).where(FollowUp.done_at.is_(None), FollowUp.due_at <= (now or utcnow()))
        if unreminded:
            query = query.where(FollowUp.reminded_at.is_(None))
        with self.session() as session:
            return list(session.scalars(query.order_by(FollowUp.due_at, FollowUp.id)))

    def mark_reminded(self, follow_up_id: int, at: dtm.datetime | None = None) -> None:
        at = at or utcnow()
        with self.session.begin() as session:
            follow_up = session.get(FollowUp, follow_up_id)
            if follow_up is not None:
                follow_up.reminded_at = at
                self._audit(session, "bot", audit.REMINDED, follow_up.candidate_id, "", at)

    def complete_follow_up(self, follow_up_id: int, actor: str, at: dtm.datetime | None = None) -> bool:
        """Marks a follow-up done; False when it was unknown or already done."""
        at = at or utcnow()
        with self.session.begin() as session:
            follow_up = session.get(FollowUp, follow_up_id)
            if follow_up is None or follow_up.done_at is not None:
                return False
            follow_up.done_at = at
            self._audit(session, actor, audit.FOLLOW_UP_DONE, follow_up.candidate_id, "", at)
            return True

    @staticmethod
    def _close_follow_ups(session: Session, candidate_id: str, at: dtm.datetime) -> None:
        session.execute(update(FollowUp).where(FollowUp.candidate_id == candidate_id, FollowUp.done_at.is_(None))
                        .values(done_at=at))

    # -- audit -----------------------------------------------------------------------------------------
    def audit(self, actor: str, action: str, candidate_id: str | None = None, detail: str = "",
              at: dtm.datetime | None = None) -> None:
        """Records who did what to whom; ``detail`` is short and never a message body."""
        with self.session.begin() as session:
            self._audit(session, actor, action, candidate_id, detail, at or utcnow())

    def _audit(self, session: Session, actor: str, action: str, candidate_id: str | None, detail: str,
               at: dtm.datetime) -> None:
        subject = self.subject_key(candidate_id) if candidate_id else None
        session.add(AuditEvent(at=at, actor=actor, action=action, subject=subject, detail=detail[:200]))

    def audit_events(self, candidate_id: str | None = None) -> list[AuditEvent]:
        """The log, oldest first: everything, or what concerns one candidate."""
        query = select(AuditEvent).order_by(AuditEvent.id)
        if candidate_id is not None:
            query = query.where(AuditEvent.subject == self.subject_key(candidate_id))
        with self.session() as session:
            return list(session.scalars(query))

    # -- forgetting --------------------------------------------------------------------------------------
    def forget(self, candidate_id: str, actor: str) -> dict[str, int]:
        """Deletes every row about a candidate; the audit log keeps only the hashed fact that it happened."""
        with self.session.begin() as session:
            counts = {}
            for name, table in _PERSONAL_TABLES:
                result = session.execute(delete(table).where(table.candidate_id == candidate_id))
                counts[name] = result.rowcount or 0
            detail = " ".join(f"{k}={v}" for k, v in counts.items())
            self._audit(session, actor, audit.FORGET, candidate_id, detail, utcnow())
        self._reclaim()
        logger.info("Forgot %s in the pipeline: %s", audit.short_key(candidate_id), counts)
        return counts

    def _reclaim(self) -> None:
        """PostgreSQL keeps deleted rows in its table files, column statistics and WAL until they are rewritten
        (pg_reclaim; SQLite zeroes them at once, with secure_delete); forgetting is rare, so the short exclusive
        locks are acceptable. What the server keeps anyway becomes ``residue``."""
        if self.backend == "postgresql":
            self.residue = pg_reclaim.reclaim(self.engine, [table.__tablename__ for _, table in _PERSONAL_TABLES])


# Children before parents, so that foreign keys never block a delete.
_PERSONAL_TABLES: list[tuple[str, type]] = [
    ("followups", FollowUp), ("messages", SentMessage), ("notes", Note), ("stage_events", StageEvent),
    ("stages", PipelineCandidate),
]
