"""The chat-model engine: the model words answers and drafts; retrieval and the verifier keep it honest.

The model sees retrieved papers under opaque keys ([P1], [P2] ...). Whatever it writes is verified:
keys become numbered references, a fabricated title, year or co-author earns one regeneration with the
reasons, and if it persists the sentence is removed and a visible warning added. When the endpoint stays
down, or what the model wrote cannot be used, the offline engine's answer or draft is used with a
visible notice: nothing is lost. Streamed text is verified sentence by sentence before it is shown.
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
from collections import Counter
from functools import partial
from typing import AsyncIterator, TypeVar

from bot.assistant.drafting import BUDGET, DraftPlan, render
from bot.assistant.protocol import (DISCARD_REASONS, DISCARDED_NOTICE, FALLBACK_NOTICE, OFFLINE_LABEL,
                                    REMOVED_CLAIM_WARNING)
from bot.assistant.replies import DRAFT_SCHEMA, REFS, rejection, stream_cut, unpack_draft
from bot.assistant.verify import Verdict, verify
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


def paper_block(papers: list[Paper]) -> tuple[dict[str, Paper], str]:
    """Opaque keys for papers, and the text the model sees."""
    keys = {f"P{i}": p for i, p in enumerate(papers, 1)}
    room = min(ABSTRACT_CHARS, ABSTRACT_BUDGET // max(1, len(papers)))
    lines = [f"[{key}] {p.title} ({p.venue or ''}{'' if p.venue and str(p.year) in p.venue else f', {p.year}'}). "
             f"Authors: {', '.join(p.authors)}. Abstract: {p.abstract[:room]}" for key, p in keys.items()]
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
        # Who writes may be said in a message; how to write it may not (see rejection).
        self.identity = [sender.get("name") or "", sender.get("title") or "", assistant.company.facts["name"]]
        # For the benchmark: problems caught, regenerations, repairs, sentences removed, offline fallbacks.
        self.stats: Counter[str] = Counter()

    @property
    def caught(self) -> int:
        """Problems the verifier found in what the model wrote."""
        return self.stats["caught"]

    def _judge(self, system: str, prompt: str, language: str | None = None):
        """The rejection rules for one prompt: ``prompt`` is what a reply may not mostly repeat."""
        instructions = system
        for part in filter(None, self.identity):
            instructions = instructions.replace(part, "|")
        return partial(rejection, prompt=prompt, instructions=instructions, language=language)

    def _verified(self, text: str, keys: dict[str, Paper], candidate_id: str | None, remove: bool) -> Verdict:
        mine = self.kb.catalog.papers_of(candidate_id) if candidate_id else []
        return verify(text, keys, mine, self.kb.catalog.papers, candidate_id, remove=remove)

    def _fallback(self, item: Item, why: str = "failed") -> Item:
        """The offline engine's answer or draft, saying why: the model failed, or what it wrote was rejected."""
        self.stats["fallbacks"] += 1
        self.stats[f"fallback_{why}"] += 1
        notice = DISCARDED_NOTICE.format(reason=DISCARD_REASONS[why]) if why in DISCARD_REASONS else FALLBACK_NOTICE
        return item.model_copy(update={"warnings": list(dict.fromkeys([*item.warnings, notice]))})

    def _settle(self, verdict: Verdict) -> list[str]:
        """Counts what the final verdict repaired and removed; the warning a removal earns."""
        self.stats["repaired"] += verdict.repaired
        self.stats["removed"] += verdict.removed
        return [REMOVED_CLAIM_WARNING] if verdict.removed else []

    def _generate(self, system: str, user: str, keys, candidate_id, schema: dict | None = None, judge=rejection):
        """Model text, verified; one regeneration with the reasons, then removal of what is still wrong.

        A regeneration that fails or cannot be shown falls back on the first reply, cleaned.
        """
        first = self._reply(system, user, schema)
        verdict = self._verified(first[0], keys, candidate_id, remove=False)
        if verdict.ok:
            return verdict, self._subject(first[1], keys, candidate_id), []
        self.stats["caught"] += len(verdict.problems)
        self.stats["regenerated"] += 1
        reasons = "\n".join(f"- {p}" for p in verdict.problems)
        retry = user + f"\n\nYour previous reply had these problems; fix them:\n{reasons}"
        try:
            second = self._reply(system, retry, schema)
        except LLMError as exc:
            logger.warning("model failed on the regeneration (%s); first reply used, cleaned", type(exc).__name__)
            second = None
        for body, subject in [r for r in (second, first) if r is not None]:
            verdict = self._verified(body, keys, candidate_id, remove=True)
            if judge(verdict) is None:
                break
        self.stats["caught"] += len(verdict.unfixable)
        return verdict, self._subject(subject, keys, candidate_id), self._settle(verdict)

    def _reply(self, system: str, user: str, schema: dict | None) -> tuple[str, str | None]:
        raw = self.model.complete(system, user, json_schema=schema)
        return unpack_draft(raw) if schema is not None else (raw.strip(), None)

    def _subject(self, subject: str | None, keys, candidate_id) -> str | None:
        """A subject line with nothing unverifiable in it and no reference markers, or None."""
        if not subject:
            return None
        verdict = self._verified(subject, keys, candidate_id, remove=True)
        return None if verdict.removed else REFS.sub("", verdict.text).strip() or None

    # -- answers -------------------------------------------------------------------------------------------
    def _answer_prompt(self, question: str, offline: Answer) -> tuple[dict[str, Paper], str, str, str | None]:
        """Keys, system and user prompts, and the one candidate the answer is about (or None)."""
        papers = [c.paper for c in offline.citations]
        keys, block = paper_block(papers)
        key_of = {p.id: k for k, p in keys.items()}
        terse = offline.text
        for number, paper in enumerate(papers, 1):
            terse = terse.replace(f"[{number}]", f"[{key_of[paper.id]}]")
        system, user = self.prompts["answer"].render(persona=self.persona, question=question, papers=block,
                                                     draft_answer=terse)
        return keys, system, user, offline.candidate_ids[0] if len(offline.candidate_ids) == 1 else None

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
        keys, system, user, candidate_id = self._answer_prompt(question, offline)
        judge = self._judge(system, system)
        try:
            verdict, _, warnings = self._generate(system, user, keys, candidate_id, judge=judge)
        except LLMError as exc:
            logger.warning("model failed (%s); offline answer used", type(exc).__name__)
            return self._fallback(offline)
        return self._as_answer(verdict, warnings, offline, judge)

    def _as_answer(self, verdict: Verdict, warnings: list[str], offline: Answer, judge) -> Answer:
        why = judge(verdict)
        if why is not None:
            return self._fallback(offline, why)
        cited = [Citation(paper=self.kb.catalog.papers[p]) for p in verdict.cited]
        return offline.model_copy(update={"text": verdict.text, "citations": cited, "engine": self.model.name,
                                          "warnings": [*offline.warnings, *warnings]})

    async def stream_rewrite(self, question: str, offline: Answer) -> AsyncIterator[str | Answer]:
        """Streams the model's text, verified a sentence at a time; the last item is the verified Answer."""
        if offline.not_found or not offline.citations:
            yield offline
            return
        keys, system, user, candidate_id = self._answer_prompt(question, offline)
        judge = self._judge(system, system)
        raw, shown, checked = "", "", 0
        try:
            async for delta in self.model.stream(system, user):
                raw += delta
                cut = stream_cut(raw)
                if cut > checked:
                    checked = cut
                    verdict = await asyncio.to_thread(self._verified, raw[:cut], keys, candidate_id, True)
                    if verdict.text.startswith(shown) and len(verdict.text) > len(shown):
                        yield verdict.text[len(shown) :]
                        shown = verdict.text
        except LLMError as exc:
            logger.warning("model stream failed (%s); offline answer used", type(exc).__name__)
            yield self._fallback(offline)
            return
        verdict = await asyncio.to_thread(self._verified, raw, keys, candidate_id, True)
        self.stats["caught"] += len(verdict.problems)
        warnings = self._settle(verdict)
        if verdict.text.startswith(shown) and len(verdict.text) > len(shown):
            yield verdict.text[len(shown) :]
        yield self._as_answer(verdict, warnings, offline, judge)

    # -- drafts --------------------------------------------------------------------------------------------
    def _with_titles(self, verdict: Verdict, language: str) -> str:
        """Reference markers replaced by the papers' titles: a message carries titles, not numbers."""
        text = verdict.text
        opening, closing = ("« ", " »") if language == "fr" else ("“", "”")
        named = {p for p in verdict.cited if self.kb.catalog.papers[p].title.casefold() in text.casefold()}

        def titles(m: re.Match[str]) -> str:
            papers = [verdict.cited[int(n) - 1] for n in re.split(r"\s*,\s*", m.group(1))
                      if 0 < int(n) <= len(verdict.cited)]
            fresh = [p for p in dict.fromkeys(papers) if p not in named]
            named.update(fresh)
            joined = (" et " if language == "fr" else " and ").join(
                f"{opening}{self.kb.catalog.papers[p].title}{closing}" for p in fresh)
            return f" {joined}" if joined else ""

        return re.sub(r"(?m)^[ \t]+", "", REFS.sub(titles, text)).strip()

    def _draft_from(self, plan: DraftPlan, fallback: Draft, system: str, user: str, keys, block: str) -> Draft:
        for paper in keys.values():  # writing a title out is citing, not echoing
            block = block.replace(paper.title, "|")
        judge = self._judge(system, f"{system}\n{block}", plan.language)
        try:
            verdict, subject, warnings = self._generate(system, user, keys, plan.candidate.id, DRAFT_SCHEMA, judge)
        except LLMError as exc:
            logger.warning("model failed on a draft (%s); offline draft kept", type(exc).__name__)
            return self._fallback(fallback)
        why = judge(verdict)
        if why is not None:
            return self._fallback(fallback, why)
        if plan.channel != "email":
            subject = None
        elif not subject:
            subject = fallback.subject
        return fallback.model_copy(update={"subject": subject, "body": self._with_titles(verdict, plan.language),
                                           "cited_paper_ids": verdict.cited, "engine": self.model.name,
                                           "warnings": [*fallback.warnings, *warnings]})

    def write_draft(self, plan: DraftPlan, fallback: Draft) -> Draft:
        keys, block = paper_block(plan.papers)
        facts = json.dumps({k: v for k, v in self.assistant.company.facts.items() if not k.endswith("_fr")},
                           ensure_ascii=False)
        system, user = self.prompts["draft"].render(
            persona=self.persona, organisation_facts=facts, candidate=plan.candidate.name, papers=block,
            channel=plan.channel, budget=BUDGET.get(plan.channel, 700), language=plan.language, tone=plan.tone,
            purpose=plan.purpose or "a research role")
        return self._draft_from(plan, fallback, system, user, keys, block)

    def revise_draft(self, plan: DraftPlan, draft: Draft, how: str) -> Draft:
        subject, body, cited = render(plan, self.assistant.company)
        fallback = Draft(candidate_id=draft.candidate_id, channel=draft.channel, language=plan.language,
                         tone=plan.tone, purpose=draft.purpose, subject=subject, body=body, cited_paper_ids=cited,
                         engine=OFFLINE_LABEL)
        keys, block = paper_block(plan.papers)
        current = draft.body
        for key, paper in keys.items():
            for opening, closing in (("“", "”"), ("« ", " »"), ("«", "»")):
                current = current.replace(f"{opening}{paper.title}{closing}", f"[{key}]")
        budget = int(BUDGET.get(plan.channel, 700) * (0.6 if how == "shorter" else 1.0))
        system, user = self.prompts["revise"].render(
            persona=self.persona, instruction=INSTRUCTIONS[how], draft=current, papers=block,
            language=plan.language, budget=budget)
        return self._draft_from(plan, fallback, system, user, keys, block)
