"""What the front ends (CLI, Telegram) may rely on: the assistant's protocol and its conversation state."""

from __future__ import annotations

from typing import AsyncIterator, Literal, Protocol

from pydantic import BaseModel, Field

from bot.models import Answer, Candidate, Citation, Draft, Paper

# Sentinel phrases are constants so that tests assert on them, not on wording.
NOT_FOUND_PHRASE = "I found nothing in the knowledge base that answers this."
UNKNOWN_PERSON = "No candidate named {name} is in the knowledge base."
OFFLINE_LABEL = "offline engine"
FALLBACK_NOTICE = "The language model did not answer; the offline engine wrote this instead."
# When the model answered but what it wrote could not be shown: the reason is one of DISCARD_REASONS.
DISCARDED_NOTICE = "The language model's reply could not be used ({reason}); the offline engine wrote this instead."
DISCARD_REASONS = {
    "empty": "it was empty",
    "uncited": "it cited none of the papers",
    "not found": "it said nothing was found",
    "echo": "it repeated its instructions",
    "language": "it was in the wrong language",
}
REMOVED_CLAIM_WARNING = "A sentence that named a paper not in the knowledge base was removed."


def fell_back(warnings: list[str]) -> bool:
    """Whether these warnings say that the offline engine's answer or draft stands in for the model's."""
    return any(w.endswith("the offline engine wrote this instead.") for w in warnings)


Revision = Literal["shorter", "formal", "warmer", "translate", "regenerate"]


class CandidateHit(BaseModel):
    """A candidate found for a topic, with the papers that justify the rank."""

    candidate: Candidate
    score: float
    evidence: list[Citation] = Field(default_factory=list)
    matching: int = Field(default=0, description="How many of their papers are on the topic (calibrated).")


class Conversation(BaseModel):
    """What a chat remembers between messages; serialisable so it survives restarts."""

    candidate_id: str | None = Field(default=None, description="The candidate being talked about.")
    last_paper_ids: list[str] = Field(default_factory=list, description="Papers cited by the last answer.")
    focused: bool = Field(default=False, description="The last answer put one paper first (the closest on a "
                                                     "topic, a paper's fact, the newest).")
    history: list[tuple[str, str]] = Field(default_factory=list, description="(role, text) turns, newest last.")
    draft: Draft | None = Field(default=None, description="The draft in progress.")
    pending: dict | None = Field(default=None, description="A request waiting for the answer to a clarifying "
                                                            "question (which person), as its JSON.")
    shown: dict | None = Field(default=None, description="The filters of the list of papers just shown (years, "
                                                         "venue, topic), as JSON: 'which of those …' narrows it.")
    listed_people: list[str] = Field(default_factory=list, description="The people of the last list of people "
                                                                        "shown (who has worked on …), in order: "
                                                                        "'the second one'.")
    listed_papers: list[str] = Field(default_factory=list, description="The papers of the last list of papers "
                                                                        "shown, in order: 'the third one'.")
    approved: list[Draft] = Field(default_factory=list, description="Approved drafts, newest last.")
    asked: dict | None = Field(default=None, description="The question just answered (its operation and filters), "
                                                          "as JSON: 'and X?' asks it of X.")

    def remember(self, role: str, text: str, keep: int = 12) -> None:
        """Adds a turn and forgets the oldest beyond ``keep``."""
        self.history.append((role, text))
        del self.history[:-keep]


class AssistantProtocol(Protocol):
    """The brain, channel-agnostic. Every method is safe to call from a thread."""

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer: ...

    def find(self, topic: str, k: int = 10, terms: str = "", keep=None) -> list[CandidateHit]: ...

    def draft(
        self,
        candidate: str,
        *,
        channel: str = "email",
        language: str | None = None,
        tone: str = "warm",
        purpose: str = "",
        conversation: Conversation | None = None,
    ) -> Draft: ...

    def revise(self, draft: Draft, how: Revision, language: str | None = None) -> Draft: ...

    def stream_ask(self, question: str, conversation: Conversation | None = None) -> AsyncIterator[str | Answer]:
        """Yields text as it comes, then the final verified Answer last."""
        ...

    def candidate(self, name: str) -> Candidate | None: ...

    def papers_of(self, candidate_id: str) -> list[Paper]: ...

    def add_pdf(self, candidate: str, data: bytes, filename: str) -> Paper: ...
