"""What the sources give back, in one shape whatever the source: works, people found, and import results."""

from __future__ import annotations

from pydantic import BaseModel, Field

SOURCES = ("openalex", "semanticscholar", "arxiv", "dblp", "orcid")
LABELS = {"openalex": "OpenAlex", "semanticscholar": "Semantic Scholar", "arxiv": "arXiv", "dblp": "DBLP",
          "orcid": "ORCID"}


class Work(BaseModel):
    """One publication as a source lists it."""

    source: str
    id: str = Field(description="The source's id of the work (W123, a paperId, an arXiv id, a DBLP key, a put-code).")
    title: str
    authors: list[str] = Field(default_factory=list)
    author_ids: list[str] = Field(default_factory=list, description="Source author ids parallel to authors ('' unknown).")
    person_index: int | None = Field(default=None, description="Which author is the person imported, when known.")
    year: int | None = None
    venue: str | None = None
    abstract: str = ""
    doi: str | None = None
    url: str | None = None
    fields: list[str] = Field(default_factory=list, description="Broad fields of study, most specific last.")
    citations: int = 0

    @property
    def key(self) -> str:
        """The paper id in the knowledge base: source-qualified, so two sources never collide."""
        return f"{self.source}:{self.id}"


class PersonMatch(BaseModel):
    """A person a source found for a name, with what tells them apart from namesakes."""

    source: str
    id: str
    name: str
    name_variants: list[str] = Field(default_factory=list)
    affiliation: str | None = None
    orcid: str | None = None
    other_ids: dict[str, str] = Field(default_factory=dict, description="Ids in other sources the profile gives.")
    first_year: int | None = None
    last_year: int | None = None
    paper_count: int = 0
    top_papers: list[str] = Field(default_factory=list)
    coauthors: list[str] = Field(default_factory=list, description="Frequent co-authors, most frequent first.")
    fields: list[str] = Field(default_factory=list, description="Main fields, most frequent first.")
    confidence: str = Field(default="low", description="high, medium or low.")
    reasons: list[str] = Field(default_factory=list, description="Why the match is as sure as it is.")
    flags: list[str] = Field(default_factory=list, description="Why the profile may merge several people.")
    works: list[Work] = Field(default_factory=list, description="The works seen while searching (a preview).")

    @property
    def ref(self) -> str:
        """source:id, what --id and the buttons carry."""
        return f"{self.source}:{self.id}"


class ImportResult(BaseModel):
    """What importing (or refreshing) one person did."""

    person_id: str
    name: str
    source: str
    source_ids: dict[str, str] = Field(default_factory=dict)
    added: list[Work] = Field(default_factory=list, description="Works new to the knowledge base.")
    without_abstract: int = 0
    dropped: int = 0
    total: int = 0
    messages: list[str] = Field(default_factory=list, description="Notices a person should read.")
    flags: list[str] = Field(default_factory=list)
