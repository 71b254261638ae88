"""The pipeline tables as release 0.1 made them with create_all: the baseline every later change builds on.

Revision ID: 0001
Revises:
"""

import sqlalchemy as sa
from alembic import op

import bot.pipeline.models

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

UTC = bot.pipeline.models.UTCDateTime


def upgrade() -> None:
    op.create_table(
        "pipeline_audit",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.Column("action", sa.String(length=32), nullable=False),
        sa.Column("subject", sa.String(length=64), nullable=True),
        sa.Column("detail", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pipeline_audit_at", "pipeline_audit", ["at"])
    op.create_index("ix_pipeline_audit_subject", "pipeline_audit", ["subject"])
    op.create_table(
        "pipeline_candidates",
        sa.Column("candidate_id", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("stage_at", UTC(timezone=True), nullable=False),
        sa.Column("stage_by", sa.String(length=64), nullable=False),
        sa.PrimaryKeyConstraint("candidate_id"),
    )
    op.create_table(
        "pipeline_messages",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.String(length=200), nullable=False),
        sa.Column("channel", sa.String(length=32), nullable=False),
        sa.Column("sent_at", UTC(timezone=True), nullable=False),
        sa.Column("sender", sa.String(length=64), nullable=False),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("subject", sa.Text(), nullable=True),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("cited_paper_ids", sa.JSON(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pipeline_messages_candidate_id", "pipeline_messages", ["candidate_id"])
    op.create_table(
        "pipeline_notes",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.String(length=200), nullable=False),
        sa.Column("author", sa.String(length=64), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pipeline_notes_candidate_id", "pipeline_notes", ["candidate_id"])
    op.create_table(
        "pipeline_followups",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.String(length=200), nullable=False),
        sa.Column("due_at", UTC(timezone=True), nullable=False),
        sa.Column("owner", sa.String(length=64), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=True),
        sa.Column("message_id", sa.Integer(), nullable=True),
        sa.Column("created_at", UTC(timezone=True), nullable=False),
        sa.Column("reminded_at", UTC(timezone=True), nullable=True),
        sa.Column("done_at", UTC(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(["message_id"], ["pipeline_messages.id"], ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pipeline_followups_candidate_id", "pipeline_followups", ["candidate_id"])
    op.create_index("ix_pipeline_followups_due", "pipeline_followups", ["done_at", "reminded_at", "due_at"])
    op.create_table(
        "pipeline_stage_events",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("candidate_id", sa.String(length=200), nullable=False),
        sa.Column("stage", sa.String(length=32), nullable=False),
        sa.Column("at", UTC(timezone=True), nullable=False),
        sa.Column("actor", sa.String(length=64), nullable=False),
        sa.ForeignKeyConstraint(["candidate_id"], ["pipeline_candidates.candidate_id"], ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_index("ix_pipeline_stage_events_candidate_id", "pipeline_stage_events", ["candidate_id"])


def downgrade() -> None:
    for table in ("pipeline_stage_events", "pipeline_followups", "pipeline_notes", "pipeline_messages",
                  "pipeline_candidates", "pipeline_audit"):
        op.drop_table(table)
