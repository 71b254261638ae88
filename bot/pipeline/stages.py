"""Where each candidate stands: the stage of each, the history of stages, and the funnel they make."""

from __future__ import annotations

import datetime as dtm
import logging
from collections import Counter

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from bot.pipeline import audit
from bot.pipeline.models import FUNNEL, PipelineCandidate, Stage, StageEvent, utcnow

logger = logging.getLogger(__name__)

# Stages after which a follow-up about an unanswered message makes no sense any more.
ANSWERED = {Stage.REPLIED, Stage.CALL, Stage.OFFER, Stage.JOINED, Stage.DECLINED, Stage.DO_NOT_CONTACT}


class StagesMixin:
    """The stages part of ``PipelineStore``, which gives it ``session``, ``_audit`` and ``_close_follow_ups``."""

    def stage_of(self, candidate_id: str) -> Stage | None:
        with self.session() as session:
            row = session.get(PipelineCandidate, candidate_id)
            return Stage(row.stage) if row else None

    def set_stage(self, candidate_id: str, stage: Stage, actor: str, at: dtm.datetime | None = None) -> Stage | None:
        """Moves a candidate to a stage (any stage: people change their minds); returns the previous one."""
        at = at or utcnow()
        with self.session.begin() as session:
            previous = self._set_stage(session, candidate_id, stage, actor, at)
            if stage in ANSWERED:
                self._close_follow_ups(session, candidate_id, at)
            self._audit(session, actor, audit.STAGE, candidate_id, stage.value, at)
        logger.info("Stage of %s set to %s (was %s)", audit.short_key(candidate_id), stage.value,
                    previous.value if previous else None)
        return previous

    def _set_stage(self, session: Session, candidate_id: str, stage: Stage, actor: str,
                   at: dtm.datetime) -> Stage | None:
        row = session.get(PipelineCandidate, candidate_id)
        previous = Stage(row.stage) if row else None
        if row is None:
            row = PipelineCandidate(candidate_id=candidate_id, stage=stage.value, stage_at=at, stage_by=actor)
            session.add(row)
        elif previous != stage:
            row.stage, row.stage_at, row.stage_by = stage.value, at, actor
        if previous != stage:
            session.add(StageEvent(candidate_id=candidate_id, stage=stage.value, at=at, actor=actor))
        return previous

    def stages(self) -> dict[str, Stage]:
        """Every candidate in the pipeline and their stage."""
        with self.session() as session:
            rows = session.execute(select(PipelineCandidate.candidate_id, PipelineCandidate.stage))
            return {candidate_id: Stage(stage) for candidate_id, stage in rows}

    def counts(self) -> dict[Stage, int]:
        """Candidates per current stage, every stage listed."""
        with self.session() as session:
            query = select(PipelineCandidate.stage, func.count()).group_by(PipelineCandidate.stage)
            found = {stage: n for stage, n in session.execute(query)}
        return {stage: int(found.get(stage.value, 0)) for stage in Stage}

    def funnel(self) -> list[tuple[Stage, int]]:
        """For each funnel stage, how many candidates ever reached it (reaching a stage implies the earlier ones)."""
        with self.session() as session:
            reached = session.execute(select(StageEvent.candidate_id, StageEvent.stage)).all()
        furthest: dict[str, int] = {}
        for candidate_id, stage in reached:
            if Stage(stage) in FUNNEL:
                furthest[candidate_id] = max(furthest.get(candidate_id, 0), FUNNEL.index(Stage(stage)))
        depth = Counter(furthest.values())
        return [(stage, sum(n for d, n in depth.items() if d >= i)) for i, stage in enumerate(FUNNEL)]
