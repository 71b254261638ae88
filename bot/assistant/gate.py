"""The one gate every draft passes: do-not-contact refuses, a recent first message warns.

It sits inside ``Assistant.draft``, so /draft, free text ("Draft a LinkedIn message to X"), ``recruitbot
draft``, the chat and every campaign are held to the same rule. The pipeline store is opened from the
knowledge base's settings on first use unless one is given (the Telegram app and the CLI share theirs).
"""

from __future__ import annotations

import logging
import threading

from bot.pipeline.outreach import contact_warnings
from bot.pipeline.store import DoNotContactError, PipelineStore

logger = logging.getLogger(__name__)

__all__ = ["ContactGate", "DoNotContactError"]


class ContactGate:
    """Checks a planned first contact against the pipeline: raises DoNotContactError or returns warnings."""

    def __init__(self, store: PipelineStore | None = None, settings=None, cooldown_days: float | None = None):
        self._store = store
        self._settings = settings
        self._cooldown = cooldown_days
        self._lock = threading.Lock()

    @property
    def store(self) -> PipelineStore | None:
        with self._lock:
            if self._store is None and self._settings is not None:
                self._store = PipelineStore.from_settings(self._settings)
            return self._store

    @property
    def cooldown_days(self) -> float:
        if self._cooldown is not None:
            return self._cooldown
        return self._settings.pipeline.cooldown_days if self._settings is not None else 0.0

    def check(self, candidate_id: str, name: str) -> list[str]:
        """Warnings to show with the draft; DoNotContactError when the candidate must not be contacted."""
        store = self.store
        if store is None:
            return []
        try:
            return contact_warnings(store, candidate_id, name, self.cooldown_days)
        except DoNotContactError:
            logger.info("draft refused: candidate is marked do-not-contact")
            raise
