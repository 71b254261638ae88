"""The model parser: a configured chat model fills the Request through structured output, then it is checked.

The model writes names and titles as it read them; the knowledge base, not the model, decides who and
which paper they are (the resolver and the title index), so a model cannot swap one person for
another. A failed call, a reply that is not the schema, or one that names an operation we do not have
returns None, and the offline parser reads the message instead.
"""

from __future__ import annotations

import json
import logging
import typing

from pydantic import BaseModel, Field, ValidationError

from bot.assistant.replies import parse_json_loosely
from bot.assistant.understand.offline import read_as
from bot.assistant.understand.request import Aspect, Channel, DossierField, Operation, Request, Revision
from bot.prompts import load_prompt
from bot.venues import Track

logger = logging.getLogger(__name__)

OPERATIONS = {
    "help": "what the assistant can do", "papers": "a person's papers, optionally on a topic, in years, at a venue",
    "latest": "a person's most recent paper", "oldest": "a person's first paper",
    "count": "how many papers a person has", "venues": "where a person publishes",
    "years": "how many papers a person published each year, their most active years",
    "top_coauthors": "who a person writes with most", "with_coauthor": "the papers two people wrote together",
    "together": "whether two people ever wrote together", "title": "a paper named by its title",
    "fact": "who wrote / when / where / what about one paper (described, or the one just discussed)",
    "profile": "what a person works on", "dossier": "a person's e-mail, affiliation, links, languages or notes",
    "find": "who has worked on a topic", "fit": "how well a person fits a role", "draft": "write a message to a person",
    "revise": "change the current draft", "add": "import a new person from the scholarly sources",
}


class ParsedRequest(BaseModel):
    """What the model fills: names and titles as written; the system resolves them."""

    op: Operation
    people: list[str] = Field(default_factory=list, description="Persons' names as written in the message.")
    follow_up: bool = Field(default=False, description="The message speaks of the person or paper already discussed.")
    title: str | None = Field(default=None, description="A paper title as written in the message.")
    topic: str = ""
    terms: str = Field(default="", description="The technical terms a paper on the topic would use, when the message "
                                               "describes it in other words.")
    year_from: int | None = None
    year_to: int | None = None
    venue: str | None = None
    track: Track | None = Field(
        default=None, description="The proceedings' track, when the message asks for one ('her short paper').")
    aspect: Aspect | None = None
    limit: int | None = None
    order: typing.Literal["newest", "oldest"] | None = None
    single: bool = Field(default=False, description="One paper is asked for, not a list.")
    field: DossierField | None = None
    channel: Channel | None = None
    language: str | None = None
    tone: typing.Literal["casual", "warm", "formal"] | None = None
    purpose: str = ""
    revision: Revision | None = None


class ModelParser:
    """Asks the chat model for a ParsedRequest and turns it into a Request with resolved ids."""

    def __init__(self, model, kb, titles):
        self.model = model
        self.kb = kb
        self.titles = titles
        self.prompt = load_prompt("understand")
        self.schema = ParsedRequest.model_json_schema()

    def parse(self, text: str, context: str = "") -> Request | None:
        from bot.llm import LLMError

        system, user = self.prompt.render(
            operations="\n".join(f"- {k}: {v}" for k, v in OPERATIONS.items()), context=context or "(none)",
            message=text)
        try:
            reply = self.model.complete(system, user, json_schema=self.schema)
            data = parse_json_loosely(reply)
            if data is None:
                raise ValueError("the reply holds no JSON object")
            parsed = ParsedRequest.model_validate(data)
        except (LLMError, ValidationError, ValueError) as exc:
            logger.info("model parse unusable (%s); the offline parser reads the message", type(exc).__name__)
            return None
        return self._resolved(parsed, text)

    def _resolved(self, parsed: ParsedRequest, text: str) -> Request | None:
        values = parsed.model_dump(exclude={"people", "title", "follow_up"})  # the conversation knows who "they" is
        request = Request(parser="model", **values)
        for name in parsed.people:
            resolution = self.kb.resolve(name)
            known = [i for i in resolution.ids if i in self.kb.catalog.candidates]
            if resolution.unknown or not (known or resolution.choices):
                request.unknown_name = request.unknown_name or name
                request.namesakes = resolution.unknown[0].namesakes if resolution.unknown else []
            elif resolution.choices and not known:
                request.options, request.ambiguous_name = resolution.choices, name
                request.ambiguous_at = len(request.people)
            else:
                request.people.append(known[0])
                request.read_as += read_as(self.kb, [m for m in resolution.mentions if m.ids[:1] == known[:1]])
        if parsed.title:
            ids, _ = self.titles.find(f"“{parsed.title}”")
            if not ids:
                ids, _ = self.titles.find(parsed.title)
            request.paper_id = ids[0] if ids else None
            if request.paper_id is None and request.op == "title":
                return None  # a title we do not hold: the offline reading says so in its own words
        if request.year_from and request.year_to and request.year_from > request.year_to:
            request.year_from, request.year_to = request.year_to, request.year_from
        return request


def describe(conversation) -> str:
    """The little a model needs of the conversation: who and what was discussed, and whether a draft exists."""
    if conversation is None:
        return ""
    facts = {}
    if conversation.candidate_id:
        facts["person"] = conversation.candidate_id
    if conversation.last_paper_ids:
        facts["papers_shown"] = conversation.last_paper_ids[:3]
    if conversation.draft is not None:
        facts["draft_in_progress"] = True
    if conversation.asked:  # "and X?" asks it again
        facts["last_question"] = {k: v for k, v in conversation.asked.items() if k in ("op", "topic") and v}
    return json.dumps(facts)
