"""Facts by construction: the model writes sentences with slots, the system fills them from the knowledge base.

A reply is ``{"subject": ..., "sentences": [{"text": ..., "papers": ["P1"]}]}``. The model never types a
title, venue, year, person's name, link or contact detail: it writes ``{title:P1}``, ``{venue:P1}``,
``{year:P1}``, ``{coauthors:P1}``, ``{link:P1}``, ``{candidate_name}``, ``{first_name}``, ``{surname}``,
``{company}``, ``{sender}``, ``{sender_title}``, ``{sender_email}``, ``{team}``, ``{location}``,
``{call_to_action}``, and the fillings below are the only place those facts come from. What the model
typed around the slots is checked by :mod:`bot.assistant.verify`.

A model that answers in prose (small local models do) is read as sentences too: its ``[P1]`` markers bind
the sentence to the paper and stand for the title.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.assistant.replies import parse_json_loosely
from bot.models import Candidate, Paper
from bot.text import quoted, sentences

PAPER_SLOTS = ("title", "venue", "year", "coauthors", "link")
FACT_SLOTS = ("candidate_name", "first_name", "surname", "company", "sender", "sender_title", "sender_email",
              "team", "location", "call_to_action")
SLOT = re.compile(r"\{\s*(" + "|".join(PAPER_SLOTS) + r")\s*:\s*\[?\s*(P\d+)\s*\]?\s*\}|\{\s*("
                  + "|".join(FACT_SLOTS) + r")\s*\}")
MARKER = re.compile(r"[ \t]*\[\s*(P\d+(?:\s*[,;]\s*P\d+)*)\s*\]")
# Kept small: endpoints without structured output get it in the prompt, and small models have 2k tokens.
# A sentence may also carry "paragraph": true (it starts a new paragraph); it is read when present.
SENTENCES_SCHEMA = {
    "title": "sentences", "type": "object", "required": ["sentences"],
    "properties": {"subject": {"type": "string"}, "sentences": {"type": "array", "items": {
        "type": "object", "required": ["text", "papers"],
        "properties": {"text": {"type": "string"}, "papers": {"type": "array", "items": {"type": "string"}}}}}},
}


@dataclass
class Sentence:
    """One sentence as the model wrote it, with slots, and the paper keys it speaks of."""

    text: str
    papers: list[str] = field(default_factory=list)
    paragraph: bool = False


@dataclass
class Reply:
    subject: str | None
    sentences: list[Sentence]


def _keys(value) -> list[str]:
    if isinstance(value, str):
        value = re.findall(r"P\d+", value)
    return [str(k).strip("[] ") for k in value or [] if isinstance(k, (str, int))]


def _prose(body: str, given: dict[str, Paper]) -> list[Sentence]:
    """Prose read as sentences: markers bind a sentence to papers and stand for the title if it is not there.

    A marker of a key never given is a reference to nothing and is dropped.
    """
    out = []
    for line_no, chunk in enumerate(re.split(r"\n\s*\n", body.strip())):
        for i, piece in enumerate(sentences(chunk)):
            if not piece:
                continue
            keys = [k for m in MARKER.finditer(piece) for k in re.split(r"\s*[,;]\s*", m.group(1)) if k in given]
            seen = {k for k in keys if given[k].title.casefold() in piece.casefold()}  # written out already

            def slot(m: re.Match[str]) -> str:
                fresh = [k for k in re.split(r"\s*[,;]\s*", m.group(1)) if k in given and k not in seen]
                seen.update(fresh)
                return (" " + " and ".join(f"{{title:{k}}}" for k in fresh)) if fresh else ""

            out.append(Sentence(MARKER.sub(slot, piece), list(dict.fromkeys(keys)), paragraph=i == 0 and line_no > 0))
    return out


def parse_reply(raw: str, given: dict[str, Paper]) -> Reply:
    """The model's sentences however they came: the schema's JSON, a draft's {"body"}, or plain prose."""
    data = parse_json_loosely(raw)
    if isinstance(data, dict) and isinstance(data.get("sentences"), list):
        sentences = []
        for item in data["sentences"]:
            if isinstance(item, str):
                sentences.append(Sentence(item, _keys(re.findall(r"P\d+", item))))
            elif isinstance(item, dict) and isinstance(item.get("text"), str):
                sentences.append(Sentence(item["text"], _keys(item.get("papers")), bool(item.get("paragraph"))))
        subject = data.get("subject")
        return Reply(subject.strip() if isinstance(subject, str) and subject.strip() else None, sentences)
    from bot.assistant.replies import unpack_draft

    body, subject = unpack_draft(raw)
    return Reply(subject, _prose(body, given) if body else [])


def names(names_: list[str], language: str) -> str:
    if len(names_) <= 1:
        return "".join(names_)
    return ", ".join(names_[:-1]) + (" et " if language == "fr" else " and ") + names_[-1]


@dataclass
class Facts:
    """What slots are filled with: the papers under their keys, the candidate, the organisation's facts."""

    keys: dict[str, Paper]
    candidate: Candidate | None
    company: dict
    language: str = "en"
    team: str = ""

    def paper_slot(self, kind: str, key: str) -> str | None:
        paper = self.keys.get(key)
        if paper is None:
            return None
        if kind == "title":
            return quoted(paper.title, self.language)
        if kind == "venue":
            return paper.venue or None
        if kind == "year":
            return str(paper.year) if paper.year else None
        if kind == "link":
            return paper.url or (f"https://doi.org/{paper.doi}" if paper.doi else None)
        mine = self.candidate.id if self.candidate else None
        others = [n for i, n in enumerate(paper.authors)
                  if not (mine and i < len(paper.author_ids) and paper.author_ids[i] == mine)]
        return names(others, self.language) or None

    def fact_slot(self, kind: str) -> str | None:
        facts, sender = self.company, self.company.get("sender") or {}
        fr = self.language == "fr"
        person = self.candidate.name if self.candidate else ""
        value = {
            "candidate_name": person, "first_name": person.split()[0] if person else "",
            "surname": person.split()[-1] if person else "", "company": facts.get("name"),
            "sender": sender.get("name"), "sender_title": (fr and sender.get("title_fr")) or sender.get("title"),
            "sender_email": sender.get("email"), "team": self.team, "location": facts.get("location"),
            "call_to_action": (fr and facts.get("call_to_action_fr")) or facts.get("call_to_action"),
        }.get(kind)
        return str(value) if value else None

    def values(self) -> list[str]:
        """Every string a slot can be filled with (for echo checks and for tests)."""
        out = [self.fact_slot(k) for k in FACT_SLOTS]
        out += [self.paper_slot(kind, key) for key in self.keys for kind in PAPER_SLOTS]
        return [v for v in out if v]


def unknown_slots(text: str, facts: Facts) -> list[str]:
    """Slots that name a paper key not given, or that cannot be filled; and braces that are no slot."""
    problems = []
    for m in SLOT.finditer(text):
        value = facts.paper_slot(m.group(1), m.group(2)) if m.group(1) else facts.fact_slot(m.group(3))
        if value is None:
            problems.append(f"used {m.group(0)}, which cannot be filled (no such paper or fact)")
    rest = SLOT.sub("", text)
    if "{" in rest or "}" in rest:
        problems.append("wrote braces that are not one of the slots")
    return problems


def fill(text: str, facts: Facts) -> str:
    """The sentence with every slot filled; a slot that cannot be filled is left out."""
    def value(m: re.Match[str]) -> str:
        got = facts.paper_slot(m.group(1), m.group(2)) if m.group(1) else facts.fact_slot(m.group(3))
        return got or ""

    return re.sub(r"[ \t]{2,}", " ", SLOT.sub(value, text)).strip()


def slot_keys(text: str) -> list[str]:
    return list(dict.fromkeys(m.group(2) for m in SLOT.finditer(text) if m.group(2)))
