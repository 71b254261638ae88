"""The chat-model engine: the model words answers and drafts, the knowledge base supplies every fact.

The model sees retrieved papers under opaque keys ([P1], [P2] ...) and answers with sentences, each bound
to the keys it speaks of, with slots ({title:P1}, {year:P1}, {sender} ...) where a fact goes
(:mod:`bot.assistant.slots`). Every sentence is checked before it is filled (:mod:`bot.assistant.verify`):
a problem earns one regeneration with the reasons; a sentence still wrong is removed with a visible
warning. When the endpoint stays down, or what is left cannot be used, the offline engine's answer or
draft is used with a visible notice: nothing is lost.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import Counter
from dataclasses import dataclass
from typing import AsyncIterator, TypeVar

from bot.assistant.drafting import BUDGET, DraftPlan, render
from bot.assistant.protocol import (DISCARD_REASONS, DISCARDED_NOTICE, FALLBACK_NOTICE, OFFLINE_LABEL,
                                    REMOVED_CLAIM_WARNING)
from bot.assistant.replies import echo, rejection
from bot.assistant.slots import SENTENCES_SCHEMA, SLOT, Facts, Sentence, fill, parse_reply
from bot.assistant.verify import Material, check, people_index
from bot.knowledge import untrusted
from bot.llm import LLMError
from bot.models import Answer, Citation, Draft, Paper
from bot.prompts import load_prompts

logger = logging.getLogger(__name__)

INSTRUCTIONS = {
    "shorter": "Make it about 40% shorter. Keep the greeting, one paper reference and the ask.",
    "formal": "Make it more formal: full name with title, no contractions, a formal closing.",
    "warmer": "Make it warmer and more personal, without flattery or superlatives.",
    "translate": "Translate it faithfully.",
    "regenerate": "Write it again differently, same facts.",
}

Item = TypeVar("Item", Answer, Draft)

# Characters of abstracts the model sees in all, at most 600 a paper: with ten or more papers (a "find"
# answer) the prompt must still fit a small model's 2k-token context with room for the reply.
ABSTRACT_CHARS, ABSTRACT_BUDGET = 600, 2400


def usable(paper: Paper) -> bool:
    """A paper whose title may be written into a message: its title carries no instruction or payload."""
    return not untrusted.reasons(paper.title)


def paper_block(papers: list[Paper]) -> tuple[dict[str, Paper], str]:
    """Opaque keys for papers, and the text the model sees: abstracts without any flagged sentence."""
    keys = {f"P{i}": p for i, p in enumerate([p for p in papers if usable(p)], 1)}
    room = min(ABSTRACT_CHARS, ABSTRACT_BUDGET // max(1, len(keys)))
    lines = [f"[{key}] {p.title} ({p.venue or ''}{'' if p.venue and str(p.year) in p.venue else f', {p.year}'}). "
             f"Authors: {', '.join(p.authors)}. Abstract: {untrusted.safe_text(p.abstract, room)}"
             for key, p in keys.items()]
    return keys, "\n".join(lines)


def _strings(value) -> list[str]:
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if value is not None else []


def _raw(reply) -> str:
    return " ".join(s.text for s in reply.sentences)


@dataclass
class Outcome:
    """What is left of a reply after the checks."""

    sentences: list[Sentence]
    subject: str | None  # with slots, checked; None when absent or not fit to show
    removed: int
    raw: str = ""  # the model's sentences as written, for the echo check


class LLMEngine:
    """Wraps a ChatModel with prompts, slots and checks, for the Assistant."""

    def __init__(self, assistant, model):
        self.assistant = assistant
        self.kb = assistant.kb
        self.model = model
        self.prompts = load_prompts()
        self.company = assistant.company.facts
        sender = self.company["sender"]
        self.persona = self.prompts["persona"].system.format(
            sender=sender.get("name", ""), sender_title=sender.get("title", ""), organisation=self.company["name"])
        # Who writes may be said in a message; how to write it may not (see rejection).
        self.identity = [sender.get("name") or "", sender.get("title") or "", self.company["name"]]
        self._people: dict[str, set[str]] | None = None
        # For the benchmarks: problems caught, regenerations, sentences removed, offline fallbacks.
        self.stats: Counter[str] = Counter()

    @property
    def caught(self) -> int:
        """Problems the checks found in what the model wrote."""
        return self.stats["caught"]

    @property
    def people(self) -> dict[str, set[str]]:
        if self._people is None:
            self._people = people_index(self.kb.catalog.papers.values())
        return self._people

    def _material(self, keys: dict[str, Paper], candidate, language: str, extra: str = "", team: str = "",
                  trusted: str = "") -> Material:
        facts = Facts(keys, candidate, self.company, language, team)
        company_text = " ".join(_strings({k: v for k, v in self.company.items() if k != "sender"}))
        parts = [f"{p.title}. {', '.join(p.authors)}. {p.venue or ''} {p.year or ''}. "
                 f"{untrusted.safe_text(p.abstract)}" for p in keys.values()]
        if candidate is not None:
            parts += [candidate.name, *candidate.name_variants]
        parts += [company_text, *_strings(self.company.get("sender", {})), untrusted.safe_text(extra, 20000)]
        return Material(facts, "\n".join([*parts, trusted]), self.people, company_text, trusted)

    def _instructions(self, system: str) -> str:
        for part in filter(None, self.identity):
            system = system.replace(part, "|")
        return system

    def _fallback(self, item: Item, why: str = "failed") -> Item:
        """The offline engine's answer or draft, saying why: the model failed, or what it wrote was rejected."""
        self.stats["fallbacks"] += 1
        self.stats[f"fallback_{why}"] += 1
        notice = DISCARDED_NOTICE.format(reason=DISCARD_REASONS[why]) if why in DISCARD_REASONS else FALLBACK_NOTICE
        return item.model_copy(update={"warnings": list(dict.fromkeys([*item.warnings, notice]))})

    def _problems(self, sentences: list[Sentence], material: Material) -> list[list[str]]:
        return [check(s, material) for s in sentences]

    def _generate(self, system: str, user: str, material: Material, subject_wanted: bool) -> Outcome:
        """The model's sentences, checked; one regeneration with the reasons, then removal of what is still wrong."""
        first = parse_reply(self.model.complete(system, user, json_schema=SENTENCES_SCHEMA), material.given)
        if echo(_raw(first), self._instructions(system)):
            return Outcome([], None, 0, _raw(first))  # a copy of the prompt: no regeneration will mend it
        found = self._problems(first.sentences, material)
        subject_problems = check(Sentence(first.subject), material) if first.subject and subject_wanted else []
        if not any(found) and not subject_problems and first.sentences:
            return Outcome(first.sentences, first.subject if subject_wanted else None, 0, _raw(first))
        reasons = [p for ps in found for p in ps] + [f"subject: {p}" for p in subject_problems]
        self.stats["caught"] += len(reasons)
        self.stats["regenerated"] += 1
        retry = user + "\n\nYour previous reply had these problems; fix them:\n" + "\n".join(
            f"- {p}" for p in dict.fromkeys(reasons or ["it had no sentences"]))
        try:
            second = parse_reply(self.model.complete(system, retry, json_schema=SENTENCES_SCHEMA), material.given)
        except LLMError as exc:
            logger.warning("model failed on the regeneration (%s); first reply used, cleaned", type(exc).__name__)
            second = None
        reply, problems = first, found
        if second is not None and second.sentences:
            reply, problems = second, self._problems(second.sentences, material)
        kept = [s for s, p in zip(reply.sentences, problems) if not p]
        removed = len(reply.sentences) - len(kept)
        self.stats["caught"] += sum(map(len, problems)) if reply is second else 0
        self.stats["removed"] += removed
        subject = reply.subject if subject_wanted and reply.subject and not check(Sentence(reply.subject),
                                                                                  material) else None
        return Outcome(kept, subject, removed, _raw(reply))

    @staticmethod
    def _bound(sentence: Sentence, keys: dict[str, Paper]) -> list[str]:
        found = [*sentence.papers, *(m.group(2) for m in SLOT.finditer(sentence.text) if m.group(2))]
        return [keys[k].id for k in dict.fromkeys(found) if k in keys]

    # -- answers -------------------------------------------------------------------------------------------
    def _answer_prompt(self, question: str, offline: Answer):
        papers = [c.paper for c in offline.citations]
        keys, block = paper_block(papers)
        key_of = {p.id: k for k, p in keys.items()}
        terse = offline.text
        for number, paper in enumerate(papers, 1):
            terse = terse.replace(f"[{number}]", f"[{key_of[paper.id]}]" if paper.id in key_of else "")
        system, user = self.prompts["answer"].render(persona=self.persona, question=question, papers=block,
                                                     draft_answer=terse)
        candidate = (self.kb.catalog.candidates.get(offline.candidate_ids[0])
                     if len(offline.candidate_ids) == 1 else None)
        return keys, system, user, self._material(keys, candidate, "en", question, trusted=offline.text)

    def english(self, question: str) -> str:
        """The question in English for retrieval; the question itself when the model cannot help."""
        system, user = self.prompts["translate_query"].render(question=question)
        try:
            translated = self.model.complete(system, user).strip()
        except LLMError:
            return question
        # A translation that lost the names would lose the candidate: keep the original then.
        names = self.kb.resolve(question).ids
        if not translated or (names and self.kb.resolve(translated).ids[:1] != names[:1]):
            return question
        return translated

    def rewrite(self, question: str, offline: Answer) -> Answer:
        """The model's wording of an answer the offline engine grounded; the offline answer on failure."""
        if offline.not_found or not offline.citations:
            return offline  # nothing to word: a model must not turn "nothing found" into something
        keys, system, user, material = self._answer_prompt(question, offline)
        try:
            outcome = self._generate(system, user, material, subject_wanted=False)
        except LLMError as exc:
            logger.warning("model failed (%s); offline answer used", type(exc).__name__)
            return self._fallback(offline)
        numbers: dict[str, int] = {}
        pieces = []
        for sentence in outcome.sentences:
            bound = self._bound(sentence, keys)
            for paper_id in bound:
                numbers.setdefault(paper_id, len(numbers) + 1)
            text = fill(sentence.text, material.facts)
            if not re.search(r"[.!?:;,]$", text):
                text += "."  # every sentence ends, so that no fact runs into the next one
            refs = f" [{', '.join(str(numbers[p]) for p in bound)}]" if bound else ""
            end = re.search(r"[.!?:]+$", text)
            text = text[: end.start()] + refs + end.group(0) if end else text + refs
            pieces.append(("\n\n" if sentence.paragraph and pieces else " " if pieces else "") + text)
        text = "".join(pieces).strip()
        why = echo(outcome.raw, self._instructions(system)) or rejection(text, list(numbers),
                                                                         self._instructions(system), None)
        if why is not None:
            return self._fallback(offline, why)
        cited = [Citation(paper=self.kb.catalog.papers[p]) for p in numbers]
        warnings = [REMOVED_CLAIM_WARNING] if outcome.removed else []
        return offline.model_copy(update={"text": text, "citations": cited, "engine": self.model.name,
                                          "warnings": [*offline.warnings, *warnings]})

    async def stream_rewrite(self, question: str, offline: Answer) -> AsyncIterator[str | Answer]:
        """The checked answer as one piece (sentences are checked as a whole reply), then the Answer."""
        answer = await asyncio.to_thread(self.rewrite, question, offline)
        if answer.engine == self.model.name and answer.text:
            yield answer.text
        yield answer

    # -- drafts --------------------------------------------------------------------------------------------
    def _body(self, outcome: Outcome, facts: Facts) -> str:
        """Sentences joined as a message: a greeting or closing line ends with a comma and stands alone."""
        out: list[str] = []
        for i, sentence in enumerate(outcome.sentences):
            text = fill(sentence.text, facts)
            if not text:
                continue
            if not out:
                out.append(text)
                continue
            previous = out[-1]
            if previous.endswith(","):
                sep = "\n\n" if len(out) == 1 else "\n"
            elif sentence.paragraph or text.endswith(","):
                sep = "\n\n"
            else:
                sep = " "
            out.append(sep + text)
        return "".join(out).strip()

    def _draft_from(self, plan: DraftPlan, fallback: Draft, system: str, user: str, keys, extra: str) -> Draft:
        team = self.assistant.company.team_for(plan.purpose) or {}
        team_name = team.get("name_fr" if plan.language == "fr" else "name", "")
        material = self._material(keys, plan.candidate, plan.language, extra, team_name)
        try:
            outcome = self._generate(system, user, material, subject_wanted=plan.channel == "email")
        except LLMError as exc:
            logger.warning("model failed on a draft (%s); offline draft kept", type(exc).__name__)
            return self._fallback(fallback)
        body = self._body(outcome, material.facts)
        cited = list(dict.fromkeys(p for s in outcome.sentences for p in self._bound(s, keys)))
        why = echo(outcome.raw, self._instructions(system)) or rejection(body, cited, self._instructions(system),
                                                                         plan.language)
        if why is not None:
            return self._fallback(fallback, why)
        subject = fill(outcome.subject, material.facts) if outcome.subject else None
        if plan.channel != "email":
            subject = None
        elif not subject:
            subject = fallback.subject
        warnings = [REMOVED_CLAIM_WARNING] if outcome.removed else []
        return fallback.model_copy(update={"subject": subject, "body": body, "cited_paper_ids": cited,
                                           "engine": self.model.name, "warnings": [*fallback.warnings, *warnings]})

    def _facts_json(self) -> str:
        shown = {k: v for k, v in self.company.items() if not k.endswith("_fr") and k != "sender"}
        return json.dumps(shown, ensure_ascii=False)

    def write_draft(self, plan: DraftPlan, fallback: Draft) -> Draft:
        keys, block = paper_block(plan.papers)
        system, user = self.prompts["draft"].render(
            persona=self.persona, organisation_facts=self._facts_json(), candidate=plan.candidate.name, papers=block,
            channel=plan.channel, budget=BUDGET.get(plan.channel, 700), language=plan.language, tone=plan.tone,
            purpose=plan.purpose or "a research role")
        return self._draft_from(plan, fallback, system, user, keys, plan.purpose)

    def revise_draft(self, plan: DraftPlan, draft: Draft, how: str) -> Draft:
        subject, body, cited = render(plan, self.assistant.company)
        fallback = Draft(candidate_id=draft.candidate_id, channel=draft.channel, language=plan.language,
                         tone=plan.tone, purpose=draft.purpose, subject=subject, body=body, cited_paper_ids=cited,
                         engine=OFFLINE_LABEL)
        keys, block = paper_block(plan.papers)
        facts = Facts(keys, plan.candidate, self.company, plan.language)
        current = draft.body
        for key, paper in keys.items():  # the facts in the draft go back into slots
            for kind in ("title", "venue", "year", "coauthors"):
                value = facts.paper_slot(kind, key)
                if value and len(value) > 4:
                    current = current.replace(value, f"{{{kind}:{key}}}")
            for opening, closing in (("“", "”"), ("« ", " »"), ("«", "»")):
                current = current.replace(f"{opening}{paper.title}{closing}", f"{{title:{key}}}")
        for kind in ("company", "sender", "sender_title", "candidate_name", "first_name"):
            value = facts.fact_slot(kind)
            if value and len(value) > 2:
                current = re.sub(rf"\b{re.escape(value)}\b", f"{{{kind}}}", current)
        budget = int(BUDGET.get(plan.channel, 700) * (0.6 if how == "shorter" else 1.0))
        system, user = self.prompts["revise"].render(
            persona=self.persona, instruction=INSTRUCTIONS[how], draft=current, papers=block,
            language=plan.language, budget=budget)
        return self._draft_from(plan, fallback, system, user, keys, f"{draft.purpose}\n{current}")
