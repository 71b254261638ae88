"""The chat-model engine: the model words answers and drafts; retrieval and the verifier keep it honest.

The model sees retrieved papers under opaque keys ([P1], [P2] ...). Whatever it writes is verified:
keys become numbered references, a fabricated title, year or co-author earns one regeneration with the
reasons, and if it persists the sentence is removed and a visible warning added. When the endpoint stays
down, the offline engine's answer or draft is used with a visible notice: nothing is lost.
"""

from __future__ import annotations

import json
import logging
from typing import AsyncIterator

from bot.assistant.drafting import BUDGET, DraftPlan, render
from bot.assistant.protocol import FALLBACK_NOTICE, NOT_FOUND_PHRASE, REMOVED_CLAIM_WARNING
from bot.assistant.verify import Verdict, verify
from bot.llm import LLMError, parse_json_loosely
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


def paper_block(papers: list[Paper]) -> tuple[dict[str, Paper], str]:
    """Opaque keys for papers, and the text the model sees."""
    keys = {f"P{i}": p for i, p in enumerate(papers, 1)}
    lines = [f"[{key}] {p.title} ({p.venue or ''}{'' if p.venue and str(p.year) in p.venue else f', {p.year}'}). "
             f"Authors: {', '.join(p.authors)}. Abstract: {p.abstract[:600]}" for key, p in keys.items()]
    return keys, "\n".join(lines)


class LLMEngine:
    """Wraps a ChatModel with prompts and verification, for the Assistant."""

    def __init__(self, assistant, model):
        self.assistant = assistant
        self.kb = assistant.kb
        self.model = model
        self.prompts = load_prompts()
        sender = assistant.company.facts["sender"]
        self.persona = self.prompts["persona"].system.format(
            sender=sender.get("name", ""), sender_title=sender.get("title", ""),
            organisation=assistant.company.facts["name"])
        self.caught = 0  # fabrications caught, for the benchmark's count

    def _verified(self, text: str, keys: dict[str, Paper], candidate_id: str | None, remove: bool) -> Verdict:
        mine = self.kb.catalog.papers_of(candidate_id) if candidate_id else []
        return verify(text, keys, mine, self.kb.catalog.papers, candidate_id, remove=remove)

    def _generate(self, system: str, user: str, keys, candidate_id, parse_json: bool = False):
        """Model text, verified; one regeneration with the reasons, then removal of what is still wrong."""
        warnings: list[str] = []
        raw = self.model.complete(system, user)
        body, subject = self._unpack(raw, parse_json)
        verdict = self._verified(body, keys, candidate_id, remove=False)
        if not verdict.ok:
            self.caught += len(verdict.problems)
            reasons = "\n".join(f"- {p}" for p in verdict.problems)
            retry = user + f"\n\nYour previous reply had these problems; fix them:\n{reasons}"
            body, subject = self._unpack(self.model.complete(system, retry), parse_json)
            verdict = self._verified(body, keys, candidate_id, remove=True)
            if verdict.unfixable or verdict.removed:
                self.caught += len(verdict.unfixable)
                warnings.append(REMOVED_CLAIM_WARNING)
        if subject:
            subject_check = self._verified(subject, keys, candidate_id, remove=True)
            subject = subject_check.text if not subject_check.unfixable else None
        return verdict, subject, warnings

    @staticmethod
    def _unpack(raw: str, parse_json: bool) -> tuple[str, str | None]:
        if not parse_json:
            return raw.strip(), None
        data = parse_json_loosely(raw)
        if not isinstance(data, dict) or not isinstance(data.get("body"), str):
            return raw.strip(), None
        subject = data.get("subject")
        return data["body"].strip(), subject.strip() if isinstance(subject, str) and subject.strip() else None

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

    # -- answers -------------------------------------------------------------------------------------------
    def _answer_prompt(self, question: str, offline: Answer) -> tuple[dict[str, Paper], str, str]:
        papers = [c.paper for c in offline.citations]
        keys, block = paper_block(papers)
        key_of = {p.id: k for k, p in keys.items()}
        terse = offline.text
        for number, paper in enumerate(papers, 1):
            terse = terse.replace(f"[{number}]", f"[{key_of[paper.id]}]")
        return keys, *self.prompts["answer"].render(persona=self.persona, question=question, papers=block,
                                                    draft_answer=terse)

    def rewrite(self, question: str, offline: Answer) -> Answer:
        """The model's wording of an answer the offline engine grounded; the offline answer on failure."""
        if offline.not_found or not offline.citations:
            return offline  # nothing to word: a model must not turn "nothing found" into something
        keys, system, user = self._answer_prompt(question, offline)
        candidate_id = offline.candidate_ids[0] if len(offline.candidate_ids) == 1 else None
        try:
            verdict, _, warnings = self._generate(system, user, keys, candidate_id)
        except LLMError as exc:
            logger.warning("model failed (%s); offline answer used", type(exc).__name__)
            return offline.model_copy(update={"warnings": [*offline.warnings, FALLBACK_NOTICE]})
        return self._as_answer(verdict, warnings, offline)

    def _as_answer(self, verdict: Verdict, warnings: list[str], offline: Answer) -> Answer:
        if not verdict.text.strip() or not verdict.cited:
            return offline.model_copy(update={"warnings": [*offline.warnings, *warnings]})
        if NOT_FOUND_PHRASE in verdict.text and offline.citations:
            return offline
        cited = [Citation(paper=self.kb.catalog.papers[p]) for p in verdict.cited]
        return offline.model_copy(update={"text": verdict.text, "citations": cited, "engine": self.model.name,
                                          "warnings": [*offline.warnings, *warnings]})

    async def stream_rewrite(self, question: str, offline: Answer) -> AsyncIterator[str | Answer]:
        """Streams the model's text; the last item is the verified Answer."""
        import asyncio

        if offline.not_found or not offline.citations:
            yield offline
            return
        keys, system, user = self._answer_prompt(question, offline)
        pieces: list[str] = []
        try:
            async for delta in self.model.stream(system, user):
                pieces.append(delta)
                yield delta
        except LLMError:
            yield offline.model_copy(update={"warnings": [*offline.warnings, FALLBACK_NOTICE]})
            return
        candidate_id = offline.candidate_ids[0] if len(offline.candidate_ids) == 1 else None
        verdict = await asyncio.to_thread(self._verified, "".join(pieces), keys, candidate_id, True)
        warnings = [REMOVED_CLAIM_WARNING] if verdict.unfixable else []
        self.caught += len(verdict.unfixable)
        yield self._as_answer(verdict, warnings, offline)

    # -- drafts --------------------------------------------------------------------------------------------
    def _draft_from(self, plan: DraftPlan, fallback: Draft, system: str, user: str, keys) -> Draft:
        try:
            verdict, subject, warnings = self._generate(system, user, keys, plan.candidate.id, parse_json=True)
        except LLMError as exc:
            logger.warning("model failed on a draft (%s); offline draft kept", type(exc).__name__)
            return fallback.model_copy(update={"warnings": [*fallback.warnings, FALLBACK_NOTICE]})
        if not verdict.text.strip() or not verdict.cited:
            return fallback.model_copy(update={"warnings": [*fallback.warnings, *warnings]})
        text = verdict.text
        for number, paper_id in enumerate(verdict.cited, 1):  # a message carries titles, not reference numbers
            text = text.replace(f"[{number}]", f"“{self.kb.catalog.papers[paper_id].title}”")
        if plan.channel != "email":
            subject = None
        elif not subject:
            subject = fallback.subject
        return fallback.model_copy(update={"subject": subject, "body": text, "cited_paper_ids": verdict.cited,
                                           "warnings": [*fallback.warnings, *warnings], "engine": self.model.name})

    def write_draft(self, plan: DraftPlan, fallback: Draft) -> Draft:
        keys, block = paper_block(plan.papers)
        facts = json.dumps({k: v for k, v in self.assistant.company.facts.items() if not k.endswith("_fr")},
                           ensure_ascii=False)
        system, user = self.prompts["draft"].render(
            persona=self.persona, organisation_facts=facts, candidate=plan.candidate.name, papers=block,
            channel=plan.channel, budget=BUDGET.get(plan.channel, 700), language=plan.language, tone=plan.tone,
            purpose=plan.purpose or "a research role")
        return self._draft_from(plan, fallback, system, user, keys)

    def revise_draft(self, plan: DraftPlan, draft: Draft, how: str) -> Draft:
        subject, body, cited = render(plan, self.assistant.company)
        fallback = Draft(candidate_id=draft.candidate_id, channel=draft.channel, language=plan.language,
                         tone=plan.tone, purpose=draft.purpose, subject=subject, body=body, cited_paper_ids=cited)
        keys, block = paper_block(plan.papers)
        current = draft.body
        for key, paper in keys.items():
            current = current.replace(f"“{paper.title}”", f"[{key}]")
        budget = int(BUDGET.get(plan.channel, 700) * (0.6 if how == "shorter" else 1.0))
        system, user = self.prompts["revise"].render(
            persona=self.persona, instruction=INSTRUCTIONS[how], draft=current, papers=block,
            language=plan.language, budget=budget)
        return self._draft_from(plan, fallback, system, user, keys)
