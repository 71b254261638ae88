"""The pipeline's tables, as SQLAlchemy 2 typed ORM classes; the same schema on SQLite and PostgreSQL.

Candidates are keyed by their person id from the knowledge base; no table holds a name, so forgetting a
candidate is deleting their rows. The audit log keys people by a hash (``audit.subject_key``), never by id.
"""

from __future__ import annotations

import datetime as dtm
import enum

from sqlalchemy import JSON, BigInteger, DateTime, ForeignKey, Index, Integer, String, Text, TypeDecorator
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Stage(str, enum.Enum):
    """Where a candidate stands; the first six are the funnel, in order."""

    SOURCED = "sourced"
    CONTACTED = "contacted"
    REPLIED = "replied"
    CALL = "call"
    OFFER = "offer"
    JOINED = "joined"
    DECLINED = "declined"
    DO_NOT_CONTACT = "do-not-contact"

    @classmethod
    def parse(cls, text: str) -> "Stage":
        """A stage from what a person types: 'do not contact', 'DNC', 'Do-Not-Contact' ..."""
        key = "-".join(text.lower().replace("_", " ").split())
        if key in ("dnc", "donotcontact"):
            key = "do-not-contact"
        return cls(key)


# The funnel: each stage implies the ones before it were reached.
FUNNEL = [Stage.SOURCED, Stage.CONTACTED, Stage.REPLIED, Stage.CALL, Stage.OFFER, Stage.JOINED]


def utcnow() -> dtm.datetime:
    return dtm.datetime.now(dtm.timezone.utc)


class UTCDateTime(TypeDecorator):
    """Aware UTC datetimes on every backend (SQLite keeps no zone, so it is put back on reading)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetimes are ambiguous; pass an aware one")
        value = value.astimezone(dtm.timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=dtm.timezone.utc) if value.tzinfo is None else value.astimezone(dtm.timezone.utc)


class Base(DeclarativeBase):
    """Every pipeline table."""


class PipelineCandidate(Base):
    """A candidate's current stage."""

    __tablename__ = "pipeline_candidates"

    candidate_id: Mapped[str] = mapped_column(String(200), primary_key=True, doc="Person id in the knowledge base.")
    stage: Mapped[str] = mapped_column(String(32), doc="A Stage value.")
    stage_at: Mapped[dtm.datetime] = mapped_column(UTCDateTime, doc="When the current stage was set.")
    stage_by: Mapped[str] = mapped_column(String(64), doc="Who set it: 'tg:<user id>' or 'cli:<login>'.")

    events: Mapped[list[StageEvent]] = relationship(cascade="all, delete-orphan", order_by="StageEvent.id")


class StageEvent(Base):
    """One stage change; the funnel counts who ever reached a stage."""

    __tablename__ = "pipeline_stage_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[str] = mapped_column(ForeignKey("pipeline_candidates.candidate_id", ondelete="CASCADE"),
                                              index=True)
    stage: Mapped[str] = mapped_column(String(32))
    at: Mapped[dtm.datetime] = mapped_column(UTCDateTime)
    actor: Mapped[str] = mapped_column(String(64))


class Note(Base):
    """A recruiter's note on a candidate."""

    __tablename__ = "pipeline_notes"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[str] = mapped_column(String(200), index=True)
    author: Mapped[str] = mapped_column(String(64))
    at: Mapped[dtm.datetime] = mapped_column(UTCDateTime)
    text: Mapped[str] = mapped_column(Text)


class SentMessage(Base):
    """A message sent to a candidate: the approved draft, its channel and date."""

    __tablename__ = "pipeline_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[str] = mapped_column(String(200), index=True)
    channel: Mapped[str] = mapped_column(String(32))
    sent_at: Mapped[dtm.datetime] = mapped_column(UTCDateTime)
    sender: Mapped[str] = mapped_column(String(64))
    language: Mapped[str] = mapped_column(String(8), default="en")
    subject: Mapped[str | None] = mapped_column(Text, nullable=True)
    body: Mapped[str] = mapped_column(Text)
    cited_paper_ids: Mapped[list[str]] = mapped_column(JSON, default=list)


class FollowUp(Base):
    """A reminder to follow up with a candidate, due at a time, for its owner."""

    __tablename__ = "pipeline_followups"
    __table_args__ = (Index("ix_pipeline_followups_due", "done_at", "reminded_at", "due_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    candidate_id: Mapped[str] = mapped_column(String(200), index=True)
    due_at: Mapped[dtm.datetime] = mapped_column(UTCDateTime)
    owner: Mapped[str] = mapped_column(String(64), doc="Who is reminded: 'tg:<user id>' or 'cli:<login>'.")
    chat_id: Mapped[int | None] = mapped_column(BigInteger, nullable=True, doc="Chat to remind in when the owner's "
                                                "private chat cannot be reached.")
    message_id: Mapped[int | None] = mapped_column(ForeignKey("pipeline_messages.id", ondelete="SET NULL"),
                                                   nullable=True)
    created_at: Mapped[dtm.datetime] = mapped_column(UTCDateTime)
    reminded_at: Mapped[dtm.datetime | None] = mapped_column(UTCDateTime, nullable=True)
    done_at: Mapped[dtm.datetime | None] = mapped_column(UTCDateTime, nullable=True)


class AuditEvent(Base):
    """Who looked up or changed whom, and when; never a message body, never a candidate's name or id."""

    __tablename__ = "pipeline_audit"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    at: Mapped[dtm.datetime] = mapped_column(UTCDateTime, index=True)
    actor: Mapped[str] = mapped_column(String(64))
    action: Mapped[str] = mapped_column(String(32), doc="lookup, stage, note, sent, export, forget, campaign ...")
    subject: Mapped[str | None] = mapped_column(String(64), index=True, nullable=True,
                                                doc="audit.subject_key(candidate id), or None.")
    detail: Mapped[str] = mapped_column(String(200), default="", doc="Short, body-free: a stage, a channel, a count.")
