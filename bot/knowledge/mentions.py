"""What resolving a question finds: the spans that name candidates, and the question with them taken out."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class Mention:
    """A span of the question that names one or more candidates."""

    start: int
    end: int
    ids: list[str]
    score: float

    namesakes: list[str] = field(default_factory=list)
    name: str = ""
    near: bool = False  # a near spelling of the name ("Siqi Bhao"), not the name itself

    @property
    def ambiguous(self) -> bool:
        return len(self.ids) > 1

    @property
    def unknown(self) -> bool:
        """A full name that is nobody's here (``namesakes`` hold the people who share a part of it)."""
        return not self.ids


@dataclass
class Resolution:
    """The candidates a question names, and the question with their names taken out."""

    mentions: list[Mention] = field(default_factory=list)
    remainder: str = ""

    @property
    def ids(self) -> list[str]:
        """Unambiguous candidates in order of mention."""
        seen: list[str] = []
        for mention in self.mentions:
            if len(mention.ids) == 1 and mention.ids[0] not in seen:
                seen.append(mention.ids[0])
        return seen

    @property
    def choices(self) -> list[str]:
        """Candidates to choose between when a mention fits several people."""
        for mention in self.mentions:
            if mention.ambiguous:
                return mention.ids
        return []

    @property
    def ambiguous_name(self) -> str:
        return next((m.name for m in self.mentions if m.ambiguous), "")

    @property
    def unknown(self) -> list[Mention]:
        """Names that look like a person's but are nobody's in the knowledge base."""
        return [m for m in self.mentions if m.unknown]
