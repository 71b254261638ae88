"""The domain, chained the way the data flows: Paper -> Chunk -> Citation -> Answer / Draft."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from bot.venues import Track, track_of


class Paper(BaseModel):
    """A research paper as the knowledge base knows it."""

    model_config = ConfigDict(extra="ignore")

    id: str = Field(description="Stable id: the Anthology id, a BibTeX key or a PDF's content hash.")
    title: str = Field(min_length=1, description="Title without markup.")
    authors: list[str] = Field(default_factory=list, description="Author names as published.")
    author_ids: list[str] = Field(default_factory=list, description="Person ids, parallel to authors.")
    year: int | None = Field(default=None, description="Publication year.")
    venue: str | None = Field(default=None, description="Short venue, e.g. 'Findings of EMNLP 2020'.")
    track: Track | None = Field(
        default=None, description="The proceedings' track, when they say it (bot/venues.py: track_of); read from "
                                  "a record's 'booktitle' or its Anthology id when not given.")
    abstract: str = Field(default="", description="Abstract, or extracted text for PDFs.")
    url: str | None = Field(default=None, description="Link to the paper's page.")
    doi: str | None = Field(default=None, description="DOI when known.")
    topics: list[str] = Field(default_factory=list, description="Coarse topic tags.")
    source: str = Field(default="", description="The file this record came from.")
    private: bool = Field(
        default=False,
        description="A team's note uploaded for the candidate: searchable by the team, never cited to the candidate.",
    )

    @model_validator(mode="before")
    @classmethod
    def _track(cls, data):
        if isinstance(data, dict) and data.get("track") is None and isinstance(data.get("id"), str):
            booktitle = data.get("booktitle")
            data = {**data, "track": track_of(data["id"], booktitle if isinstance(booktitle, str) else "")}
        return data

    def text(self) -> str:
        """The text that is embedded and indexed for this paper."""
        return f"{self.title}. {self.abstract}".strip()


class Candidate(BaseModel):
    """A dossier: what the group knows about one researcher."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(description="Person id, e.g. 'rico-sennrich'.")
    name: str = Field(description="Display name.")
    name_variants: list[str] = Field(default_factory=list, description="Other spellings the person is known by.")
    affiliation: str | None = Field(default=None, description="Current affiliation.")
    email: str | None = Field(default=None, description="Contact e-mail.")
    links: dict[str, str] = Field(default_factory=dict, description="Contact links by kind: linkedin, homepage ...")
    languages: list[str] = Field(default_factory=list, description="Languages to write to them in, best first (ISO 639-1).")
    topics: list[str] = Field(default_factory=list, description="Research topics, most frequent first.")
    paper_ids: list[str] = Field(default_factory=list, description="Their papers in the knowledge base.")
    coauthors: list[str] = Field(default_factory=list, description="Frequent co-authors' person ids, most frequent first.")
    notes: str = Field(default="", description="Recruiter notes.")
    ambiguous: bool = Field(
        default=False, description="The id merges several people who share a name; not one contactable person."
    )
    source_ids: dict[str, str] = Field(
        default_factory=dict, description="Their ids in the scholarly sources: openalex, semanticscholar, orcid ..."
    )


class Chunk(BaseModel):
    """A piece of text that is embedded and searched; belongs to one paper."""

    id: str = Field(description="Content hash of the text and its paper id.")
    paper_id: str = Field(description="The paper the text comes from.")
    text: str = Field(description="What is embedded.")
    author_ids: list[str] = Field(default_factory=list, description="The paper's authors, for filtered search.")
    source: str = Field(default="", description="File the chunk came from.")
    kind: Literal["abstract", "fulltext"] = Field(default="abstract", description="Where in the paper the text is from.")


class Citation(BaseModel):
    """A paper offered as evidence, with how strongly retrieval ranked it."""

    paper: Paper
    score: float = Field(default=0.0, description="Fused retrieval score; higher is better.")
    snippet: str = Field(default="", description="The sentence that best supports the claim.")


class Answer(BaseModel):
    """What the assistant says to a question, with the papers it rests on."""

    text: str = Field(description="The answer as shown to the user, references excluded.")
    citations: list[Citation] = Field(default_factory=list, description="Numbered references, in order.")
    candidate_ids: list[str] = Field(default_factory=list, description="Candidates the answer is about, best first.")
    ranked_paper_ids: list[str] = Field(default_factory=list, description="Retrieval ranking behind the answer.")
    not_found: bool = Field(default=False, description="True when the evidence was too thin to answer.")
    intent: str = Field(default="", description="What the assistant took the question to be.")
    engine: str = Field(default="offline", description="Which engine wrote the text.")
    warnings: list[str] = Field(default_factory=list, description="Visible notices: removed claims, fallbacks.")
    clarify: list[str] = Field(default_factory=list, description="Candidate ids to choose between, when ambiguous.")
    status: Literal["answered", "not_found", "clarify", "draft", "help", "refused"] = Field(
        default="answered", description="What kind of reply this is, for scripts and the front ends.")
    draft: "Draft | None" = Field(default=None, description="The draft, when the reply is one.")


class Draft(BaseModel):
    """A first-contact message for one candidate."""

    candidate_id: str
    channel: Literal["email", "linkedin", "whatsapp", "telegram"] = "email"
    language: str = "en"
    tone: Literal["casual", "warm", "formal"] = "warm"
    purpose: str = ""
    subject: str | None = Field(default=None, description="E-mail subject line; None for other channels.")
    body: str
    cited_paper_ids: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(default_factory=list)
    engine: str = Field(default="offline engine", description="Which engine wrote the text.")


Answer.model_rebuild()
