"""The typed request every message becomes, whichever parser read it (the offline one or a model)."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, Field

from bot.venues import Track

Operation = Literal[
    "help",            # what the assistant can do
    "papers",          # a person's papers, filtered (topic, years, venue, co-author) and ordered
    "latest",          # a person's most recent paper(s)
    "oldest",          # a person's first paper(s)
    "count",           # how many papers (with the same filters as "papers")
    "venues",          # where a person publishes, with counts
    "years",           # how many papers a person published each year
    "top_coauthors",   # who a person writes with most
    "with_coauthor",   # the papers two people wrote together
    "together",        # whether two people ever wrote together
    "title",           # a paper looked up by its title
    "fact",            # who / when / where / what of one paper (by paraphrase or the one just shown)
    "profile",         # what a person works on
    "dossier",         # a dossier field: e-mail, affiliation, links, languages, notes
    "find",            # who has worked on a topic
    "fit",             # how well a person fits a role
    "draft",           # a first-contact message
    "revise",          # change the current draft
    "add",             # import a person from the scholarly sources
]
Aspect = Literal["who", "when", "where", "link", "about", "all"]
Channel = Literal["email", "linkedin", "whatsapp", "telegram"]
Revision = Literal["shorter", "formal", "warmer", "translate", "regenerate"]
DossierField = Literal["email", "affiliation", "links", "languages", "notes"]


class Request(BaseModel):
    """What a message asks for: an operation and its slots. People are ids, resolved strictly."""

    op: Operation = Field(description="The operation asked for.")
    people: list[str] = Field(default_factory=list, description="Person ids the request is about, in order.")
    unknown_name: str | None = Field(default=None, description="A person's name that is nobody's here.")
    namesakes: list[str] = Field(default_factory=list, description="Known people who share part of unknown_name.")
    options: list[str] = Field(default_factory=list, description="Person ids a name fits when it is ambiguous.")
    ambiguous_name: str | None = Field(default=None, description="The name that fits several people.")
    ambiguous_at: int | None = Field(default=None, description="Where the ambiguous name stands among the "
                                     "people named (0: first), when others are named beside it.")
    read_as: list[str] = Field(default_factory=list, description="Names read as a near spelling of a candidate's, "
                                                              "said to the user: '“Siqi Bhao” as Siqi Bao'.")
    unheld: str = Field(default="", description="What the message asks that the knowledge does not hold "
                                                "('citation counts'), said in the answer.")
    topic: str = Field(default="", description="What the work is about, in the user's words.")
    query: str = Field(default="", description="The words to search a person's papers with (the topic if empty).")
    terms: str = Field(default="", description="A model's technical terms for the topic, as papers would word it; "
                                               "searched beside the user's own words, never instead of them.")
    year_from: int | None = Field(default=None, description="Earliest publication year asked for.")
    year_to: int | None = Field(default=None, description="Latest publication year asked for.")
    venue: str | None = Field(default=None, description="Venue family, e.g. 'EMNLP' or 'Findings of ACL'.")
    track: Track | None = Field(
        default=None, description="The proceedings' track asked for ('her short paper', 'their demo papers').")
    coauthor: str | None = Field(default=None, description="A person id the papers must also be by (the oldest of "
                                                           "the joint papers just shown).")
    paper_id: str | None = Field(default=None, description="A paper named by its title.")
    title: str = Field(default="", description="A title the message quotes that no paper here has.")
    aspect: Aspect | None = Field(default=None, description="What is asked about one paper.")
    limit: int | None = Field(default=None, description="How many results at most.")
    order: Literal["newest", "oldest"] | None = Field(default=None, description="The order a list of papers is "
                                                      "asked in ('oldest first', 'in chronological order'); newest "
                                                      "first, or by relevance to a topic, otherwise.")
    single: bool = Field(default=False, description="One paper is asked for ('which paper …?', 'what is it "
                                                    "called?'), not a list.")
    field: DossierField | None = Field(default=None, description="The dossier field asked for.")
    channel: Channel | None = Field(default=None, description="Draft channel.")
    language: str | None = Field(default=None, description="Draft language (ISO 639-1).")
    tone: Literal["casual", "warm", "formal"] | None = Field(default=None, description="Draft tone.")
    purpose: str = Field(default="", description="What the draft is about: the role, team or occasion.")
    revision: Revision | None = Field(default=None, description="How to change the current draft.")
    courtesy: bool = Field(default=False, description="A thank-you or an acknowledgement, answered briefly.")
    parser: Literal["offline", "model", "conversation"] = Field(default="offline", description="Who read it.")

    @property
    def named(self) -> bool:
        """Someone is named: a person here, an unknown name, or a name that fits several."""
        return bool(self.people or self.unknown_name or self.options)

    @property
    def years(self) -> tuple[int | None, int | None]:
        return self.year_from, self.year_to

    def with_person(self, person_id: str) -> "Request":
        """This request about ``person_id`` instead of an ambiguous or remembered name."""
        if self.ambiguous_at is not None:  # "Bill Byrne and Fei Mi": the pick takes the ambiguous name's place
            people = [*self.people[:self.ambiguous_at], person_id, *self.people[self.ambiguous_at:]]
        else:
            people = [person_id, *self.people[1:]] if self.people else [person_id]
        return self.model_copy(update={"people": people, "options": [], "ambiguous_name": None, "ambiguous_at": None})
