"""The assistant: one entry point for every front end, over the offline engine or a chat model."""

from __future__ import annotations

import logging
import re
import time
from typing import AsyncIterator

from bot.assistant import offline
from bot.assistant.drafting import OFFLINE_LANGUAGES, Company, DraftPlan, render
from bot.assistant.finder import find_candidates, topic_of
from bot.assistant.intent import language_of, read_intent
from bot.assistant.protocol import NOT_FOUND_PHRASE, OFFLINE_LABEL, CandidateHit, Conversation, Revision
from bot.knowledge.retrieve import clean_query, retrieve
from bot.models import Answer, Candidate, Citation, Draft, Paper

logger = logging.getLogger(__name__)

# "Jane Doe's papers", "has Jane Doe published": a person named who may not be in the knowledge base.
_PERSON = re.compile(r"\b([A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})(?:['’]s?\b|\s+(?:publish|work|write|wrote|paper))|"
                     r"\b(?:of|by|did|has|does)\s+([A-Z][\w'’.-]+(?:\s+[A-Z][\w'’.-]+){1,3})")
_FOLLOW_UP = re.compile(r"\b(?:he|she|they|his|her|their|him|them|that one|that paper|this paper|it)\b", re.I)


class UnknownCandidateError(LookupError):
    """A name that matches nobody, or several people."""

    def __init__(self, name: str, choices: list[str]):
        self.choices = choices
        super().__init__(f"no single candidate matches {name!r}" + (f"; did you mean {', '.join(choices)}?"
                                                                     if choices else ""))


class Assistant:
    """Answers, finds and drafts over a knowledge base; a chat model, when given, writes the text."""

    def __init__(self, kb, company: Company, chat_model=None, pipeline=None):
        from bot.assistant.gate import ContactGate

        self.kb = kb
        self.company = company
        self.model = chat_model
        # Do-not-contact and the cool-down, for every draft: the given pipeline store, or the settings' own.
        self.gate = ContactGate(pipeline, settings=getattr(kb, "settings", None))
        self.streams = chat_model is not None
        if chat_model is not None:
            from bot.assistant.llm_engine import LLMEngine

            self._llm = LLMEngine(self, chat_model)

    @property
    def engine(self) -> str:
        return self.model.name if self.model is not None else OFFLINE_LABEL

    # -- lookups -----------------------------------------------------------------------------------------
    def candidate(self, name: str) -> Candidate | None:
        """The one candidate a name or id means, or None."""
        if name in self.kb.catalog.candidates:
            return self.kb.catalog.candidates[name]
        ids = self.kb.resolve(name).ids
        return self.kb.catalog.candidates.get(ids[0]) if ids else None

    def resolve_one(self, name: str) -> Candidate:
        candidate = self.candidate(name)
        if candidate is None:
            raise UnknownCandidateError(name, self.kb.resolve(name).choices[:5])
        return candidate

    def papers_of(self, candidate_id: str) -> list[Paper]:
        return self.kb.catalog.papers_of(candidate_id)

    def add_pdf(self, candidate: str, data: bytes, filename: str) -> Paper:
        return self.kb.add_pdf(self.resolve_one(candidate).id, data, filename)

    def forget(self, candidate_id: str) -> dict[str, int]:
        return self.kb.forget(candidate_id)

    # -- answering ---------------------------------------------------------------------------------------
    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        """Answers a question, with citations, in the context of the conversation."""
        started = time.perf_counter()
        answer = self._offline_answer(question, conversation)
        if self.model is not None and not answer.clarify and answer.intent not in ("draft", "clarify"):
            answer = self._llm.rewrite(question, answer)
        self._remember(conversation, question, answer)
        logger.info("ask intent=%s engine=%s cited=%d in %.0f ms", answer.intent, answer.engine,
                    len(answer.citations), (time.perf_counter() - started) * 1000)
        return answer

    async def stream_ask(self, question: str, conversation: Conversation | None = None) -> AsyncIterator[str | Answer]:
        """Yields the model's text as it comes, then the verified Answer."""
        import asyncio

        answer = await asyncio.to_thread(self._offline_answer, question, conversation)
        if self.model is not None and not answer.clarify and answer.intent != "draft":
            async for piece in self._llm.stream_rewrite(question, answer):
                if isinstance(piece, Answer):
                    answer = piece
                else:
                    yield piece
        self._remember(conversation, question, answer)
        yield answer

    def _remember(self, conversation: Conversation | None, question: str, answer: Answer) -> None:
        if conversation is None:
            return
        conversation.remember("user", question)
        conversation.remember("assistant", answer.text)
        if len(answer.candidate_ids) == 1:
            conversation.candidate_id = answer.candidate_ids[0]
        if answer.citations:
            conversation.last_paper_ids = [c.paper.id for c in answer.citations]

    def _offline_answer(self, question: str, conversation: Conversation | None) -> Answer:
        if self.model is not None and language_of(question) != "en":
            # The retrievers read English; the model rewrites the question for them, names kept.
            question = self._llm.english(question)
        kb = self.kb
        resolution = kb.resolve(question)
        named = [p for p in resolution.ids if p in kb.catalog.candidates]
        remembered = conversation.candidate_id if conversation and _FOLLOW_UP.search(question) else None
        intent = read_intent(question, bool(named or resolution.choices or remembered))
        if resolution.choices and not named:
            return self._clarify(resolution.choices)
        if intent.kind == "draft":
            if not named:
                return Answer(text="Whom should I write to? Name a candidate.", intent="clarify",
                              engine=OFFLINE_LABEL)
            from bot.assistant.gate import DoNotContactError

            try:
                draft = self.draft(named[0], channel=intent.channel, purpose=intent.purpose,
                                   language=intent.language, tone=intent.tone, conversation=conversation)
            except DoNotContactError as exc:  # the gate refused: said, never drafted
                return Answer(text=str(exc), candidate_ids=[named[0]], intent="draft", engine=OFFLINE_LABEL)
            from bot.assistant.drafting import subject_label

            text = (f"{subject_label(draft.language)}: {draft.subject}\n\n" if draft.subject else "") + draft.body
            cited = [Citation(paper=kb.catalog.papers[p]) for p in draft.cited_paper_ids]
            return Answer(text=text, citations=cited, candidate_ids=[named[0]], ranked_paper_ids=draft.cited_paper_ids,
                          intent="draft", engine=draft.engine, warnings=draft.warnings)
        if intent.kind == "find":
            topic = topic_of(resolution.remainder)
            return self._found(topic, self.find(topic))
        if not named and remembered and conversation.last_paper_ids and intent.kind in ("year", "venue", "coauthors"):
            ranking = [(p, 1.0) for p in conversation.last_paper_ids if p in kb.catalog.papers]
            return offline.answer_about(kb, intent, "", kb.catalog.candidates[remembered], ranking, checked=True)
        found = retrieve(kb, question, people=[remembered] if remembered else None)
        unknown = _PERSON.search(question)
        if not found.candidate_ids and unknown and intent.kind != "find":
            name = (unknown.group(1) or unknown.group(2)).rstrip("'’s")
            return Answer(text=f"{NOT_FOUND_PHRASE} No candidate called {name} is in the knowledge base.",
                          not_found=True, intent=intent.kind, engine=OFFLINE_LABEL)
        if not found.candidate_ids:
            return self._topic_answer(found.query, found.ranking, intent.kind)
        candidate = kb.catalog.candidates[found.candidate_ids[0]]
        return offline.answer_about(kb, intent, found.query, candidate, found.ranking)

    def _clarify(self, choices: list[str]) -> Answer:
        people = [self.kb.catalog.candidates[c] for c in choices[:6] if c in self.kb.catalog.candidates]
        lines = [f"- {c.name} ({c.id}, {len(c.paper_ids)} papers)" for c in people]
        return Answer(text="That name fits several candidates. Which one do you mean?\n" + "\n".join(lines),
                      clarify=[c.id for c in people], intent="clarify", engine=OFFLINE_LABEL)

    def _topic_answer(self, query: str, ranking, intent: str) -> Answer:
        papers = [self.kb.catalog.papers[p] for p, _ in ranking[:5] if p in self.kb.catalog.papers]
        if not papers:
            return Answer(text=NOT_FOUND_PHRASE, not_found=True, intent=intent, engine=OFFLINE_LABEL)
        lines = [f"[{i}] “{p.title}” ({p.venue}), by {', '.join(p.authors[:4])}" for i, p in enumerate(papers, 1)]
        return Answer(text="Papers that match best:\n" + "\n".join(lines), citations=[Citation(paper=p) for p in papers],
                      ranked_paper_ids=[p for p, _ in ranking], intent=intent, engine=OFFLINE_LABEL,
                      candidate_ids=list(dict.fromkeys(a for p in papers for a in p.author_ids)))

    def find(self, topic: str, k: int = 10) -> list[CandidateHit]:
        """Candidates ranked for a topic, each with the papers that justify the rank."""
        return find_candidates(self.kb, topic, k)

    def _found(self, topic: str, hits: list[CandidateHit]) -> Answer:
        if not hits:
            return Answer(text=NOT_FOUND_PHRASE, not_found=True, intent="find", engine=OFFLINE_LABEL)
        cited: list[Paper] = []
        lines = []
        for rank, hit in enumerate(hits, 1):
            refs = []
            for citation in hit.evidence[:2]:
                if citation.paper not in cited:
                    cited.append(citation.paper)
                refs.append(f"[{cited.index(citation.paper) + 1}]")
            lines.append(f"{rank}. {hit.candidate.name} — {len(hit.evidence)}+ matching papers {' '.join(refs)}")
        shown = re.sub(r"^(?:(?:on|in|with|about)\s+)+", "", topic, flags=re.I)
        return Answer(text=f"Candidates who have worked on {shown}:\n" + "\n".join(lines),
                      citations=[Citation(paper=p) for p in cited], candidate_ids=[h.candidate.id for h in hits],
                      ranked_paper_ids=[p.id for p in cited], intent="find", engine=OFFLINE_LABEL)

    # -- drafting ----------------------------------------------------------------------------------------
    def draft(self, candidate: str, *, channel: str = "email", language: str | None = None, tone: str = "warm",
              purpose: str = "", conversation: Conversation | None = None) -> Draft:
        """A first-contact message citing the candidate's papers closest to the purpose.

        The contact gate runs first: DoNotContactError for a do-not-contact candidate, a warning within the
        cool-down. Papers whose title carries an instruction or a payload are never cited.
        """
        from bot.assistant.drafting import dossier_warnings
        from bot.assistant.llm_engine import usable

        person = self.resolve_one(candidate)
        warnings = self.gate.check(person.id, person.name)
        language = (language or (person.languages[0] if person.languages else "en")).lower()
        mine = [p for p in self.kb.catalog.papers_of(person.id) if usable(p)]
        if purpose:
            ranking = self.kb.searcher.rank(clean_query(purpose), [person.id])
            papers = [self.kb.catalog.papers[p] for p, _ in ranking if usable(self.kb.catalog.papers[p])][:2]
        else:
            papers = mine[:2]
        plan = DraftPlan(person, papers, channel=channel, language=language, tone=tone, purpose=purpose)
        draft = self._render(plan, [*warnings, *dossier_warnings(person, channel)])
        if self.model is not None:
            draft = self._llm.write_draft(plan, draft)
        if conversation is not None:
            conversation.draft = draft
            conversation.candidate_id = person.id
        return draft

    def _render(self, plan: DraftPlan, warnings: list[str] | None = None) -> Draft:
        warnings = list(warnings or [])
        if plan.language not in OFFLINE_LANGUAGES and self.model is None:
            warnings.append(f"The offline engine writes English and French only; this draft is in English, "
                            f"not {plan.language!r}.")
            plan.language = "en"
        subject, body, cited = render(plan, self.company)
        return Draft(candidate_id=plan.candidate.id, channel=plan.channel, language=plan.language, tone=plan.tone,
                     purpose=plan.purpose, subject=subject, body=body, cited_paper_ids=cited, warnings=warnings,
                     engine=OFFLINE_LABEL)

    def revise(self, draft: Draft, how: Revision, language: str | None = None) -> Draft:
        """Rewrites a draft (shorter, more formal, warmer, translated, or anew), keeping its citations."""
        person = self.kb.catalog.candidates[draft.candidate_id]
        papers = [self.kb.catalog.papers[p] for p in draft.cited_paper_ids if p in self.kb.catalog.papers]
        plan = DraftPlan(person, papers or self.kb.catalog.papers_of(person.id)[:2], channel=draft.channel,
                         language=language if how == "translate" and language else draft.language,
                         tone={"formal": "formal", "warmer": "warm"}.get(how, draft.tone), purpose=draft.purpose,
                         short=how == "shorter")
        from bot.assistant.drafting import dossier_warnings

        warnings = [*self.gate.check(person.id, person.name), *dossier_warnings(person, draft.channel)]
        if self.model is not None:
            revised = self._llm.revise_draft(plan, draft, how)
            return revised.model_copy(update={"warnings": list(dict.fromkeys([*warnings, *revised.warnings]))})
        return self._render(plan, warnings)


def build_assistant(settings, kb=None) -> Assistant:
    """The assistant for these settings: the knowledge base (built on first use) and the configured engine."""
    from bot.knowledge.base import KnowledgeBase
    from bot.llm import build_chat_model

    from bot.prompts import load_prompts

    load_prompts()  # a broken prompt file fails here, at start-up, whichever engine runs
    kb = kb or KnowledgeBase(settings)
    if not kb.catalog.papers:
        kb.ingest()
    return Assistant(kb, Company.load(settings.knowledge.company_dir), build_chat_model(settings.llm))
