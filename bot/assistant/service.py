"""The assistant: one entry point for every front end, over the offline engine or a chat model."""

from __future__ import annotations

import logging
import re
import time
from typing import AsyncIterator

from bot.assistant.drafting import OFFLINE_LANGUAGES, Company, DraftPlan, render, toned
from bot.assistant.finder import find_candidates
from bot.assistant.followups import asked_again, narrowed, option_picked, pointed, remember_lists
from bot.assistant.protocol import OFFLINE_LABEL, CandidateHit, Conversation, Revision
from bot.assistant.understand.model import ModelParser, describe
from bot.assistant.understand.offline import OfflineParser
from bot.assistant.understand.request import Request
from bot.knowledge.retrieve import clean_query
from bot.models import Answer, Candidate, Draft, Paper

logger = logging.getLogger(__name__)

class UnknownCandidateError(LookupError):
    """A name that matches nobody, or several people."""

    def __init__(self, name: str, choices: list[str]):
        self.choices = choices
        super().__init__(f"no single candidate matches {name!r}" + (f"; did you mean {', '.join(choices)}?"
                                                                     if choices else ""))


class Assistant:
    """Answers, finds and drafts over a knowledge base; a chat model, when given, writes the text."""

    def __init__(self, kb, company: Company, chat_model=None, pipeline=None, model_parses: bool = False):
        """``pipeline``: the store the contact gate reads (the settings' own when None); ``model_parses``: the
        chat model, when there is one, also reads each message into its request."""
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
        self.parser = OfflineParser(kb)
        self._model_parser = ModelParser(chat_model, kb, self.parser.titles) if chat_model and model_parses else None

    def settle(self) -> None:
        """Load what a first answer would (the index, the names, the parser's examples), then take every object
        loaded so far out of the garbage collector's scans (``gc.freeze``).

        The knowledge base is hundreds of thousands of long-lived objects; without this, each full collection
        walks all of them in the middle of some answer. bench/recruiter.py prints both: on this 2-core machine the
        gain is a few per cent on average and more in the slowest answers in most runs, smaller than the machine's
        own noise. Objects that are dropped later are still freed by reference counting; only a cycle among them
        would wait for ``gc.unfreeze``, which a reload calls.
        """
        import gc

        if self.kb.catalog.papers:
            self.parser.parse("Who has worked on machine translation?")
            self.find("machine translation", 1)
        gc.collect()
        gc.freeze()

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

    def help(self) -> str:
        """What can be asked, with examples built from the loaded knowledge."""
        from bot.assistant.router import help_answer

        return help_answer(self.kb).text

    def refresh_knowledge(self) -> None:
        """After an import: the parser's title index sees the new papers (the ingest renewed names and search)."""
        self.parser = OfflineParser(self.kb)
        if self._model_parser is not None:
            self._model_parser.titles = self.parser.titles

    def papers_of(self, candidate_id: str) -> list[Paper]:
        return self.kb.catalog.papers_of(candidate_id)

    def add_pdf(self, candidate: str, data: bytes, filename: str) -> Paper:
        return self.kb.add_pdf(self.resolve_one(candidate).id, data, filename)

    def forget(self, candidate_id: str) -> dict[str, int]:
        return self.kb.forget(candidate_id)

    # -- answering ---------------------------------------------------------------------------------------
    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        """Answers a message (a question, a draft request, a revision, help) in the conversation's context."""
        started = time.perf_counter()
        request = self.understand(question, conversation)
        answer = self.execute(request, conversation)
        if self.model is not None and answer.status == "answered" and request.op not in ("draft", "revise", "help"):
            answer = self._llm.rewrite(question, answer)
        _add_notices(request, answer)
        self._remember(conversation, question, request, answer)
        logger.info("ask op=%s parser=%s status=%s engine=%s cited=%d in %.0f ms", request.op, request.parser,
                    answer.status, answer.engine, len(answer.citations), (time.perf_counter() - started) * 1000)
        return answer

    async def stream_ask(self, question: str, conversation: Conversation | None = None) -> AsyncIterator[str | Answer]:
        """Yields the model's text as it comes, then the verified Answer."""
        import asyncio

        request = await asyncio.to_thread(self.understand, question, conversation)
        answer = await asyncio.to_thread(self.execute, request, conversation)
        if self.model is not None and answer.status == "answered" and request.op not in ("draft", "revise", "help"):
            async for piece in self._llm.stream_rewrite(question, answer):
                if isinstance(piece, Answer):
                    answer = piece
                else:
                    yield piece
        _add_notices(request, answer)
        self._remember(conversation, question, request, answer)
        yield answer

    def understand(self, message: str, conversation: Conversation | None = None) -> Request:
        """The typed request a message makes: a pending question completed, the model's reading, or ours."""
        if conversation is not None and conversation.pending:  # its options are the list just shown
            picked = self._picked(message, conversation.pending.get("options", []))
            if picked:
                return Request.model_validate({**conversation.pending, "parser": "conversation"}).with_person(picked)
        message = pointed(self.kb, message, conversation)
        if self._model_parser is not None:
            request = self._model_parser.parse(message, describe(conversation))
            if request is not None:
                return asked_again(self.kb, request, message, conversation)
        request = self.parser.parse(message, has_draft=bool(conversation and conversation.draft),
                                    remembered=bool(conversation and conversation.candidate_id),
                                    focused=bool(conversation and conversation.focused))
        return asked_again(self.kb, narrowed(request, message, conversation), message, conversation)

    def _picked(self, message: str, options: list[str]) -> str | None:
        """The person a reply to "which one?" picks: a number from the list, or a name."""
        if any(":" in o for o in options):  # people found by the scholarly sources: picked by number only
            number = re.fullmatch(r"\W*(\d{1,2})\W*", message.strip())
            return options[int(number.group(1)) - 1] if number and 0 < int(number.group(1)) <= len(options) else None
        number = re.fullmatch(r"\W*(?:n(?:o|umber)\.?\s*)?(\d{1,2})\W*", message.strip(), re.I)
        if number and 0 < int(number.group(1)) <= len(options):
            return options[int(number.group(1)) - 1]
        if by_place := option_picked(self.kb, message, options):  # "the second one", "the one with 12 papers"
            return by_place
        resolution = self.kb.resolve(message)
        named = [p for p in resolution.ids if p in self.kb.catalog.candidates]
        chosen = [p for p in named if p in options] or (named if len(message.split()) <= 8 else [])
        if len(chosen) == 1 or (chosen and len(set(chosen)) == 1):
            return chosen[0]
        return None

    def execute(self, request: Request, conversation: Conversation | None = None) -> Answer:
        """Carries out a request over the catalog and the search; the offline engine words the result."""
        from bot.assistant.router import route

        return route(self, request, conversation)

    def _remember(self, conversation: Conversation | None, question: str, request: Request, answer: Answer) -> None:
        if conversation is None:
            return
        conversation.remember("user", question)
        conversation.remember("assistant", answer.text)
        # The options as shown, numbered: a reply of "2" or a name completes this request.
        conversation.pending = {**request.model_dump(), "options": answer.clarify} \
            if answer.status == "clarify" and answer.clarify else None
        person = answer.candidate_ids[0] if answer.candidate_ids and request.op not in ("find", "title") else None
        if request.op in ("title", "fact") and answer.citations:
            person = request.people[0] if request.people else conversation.candidate_id
        if answer.status == "not_found" and request.unknown_name:
            person = None
        if person and person != conversation.candidate_id:
            conversation.candidate_id = person
            conversation.last_paper_ids = []  # another person's papers are no longer "that paper"
            conversation.listed_papers = []
        if request.op not in ("draft", "revise") and answer.citations:
            conversation.last_paper_ids = [c.paper.id for c in answer.citations]
        remember_lists(conversation, request, answer, person)
        # An answer that puts one paper first (the closest on a topic, a paper's fact, the newest): a terse
        # "which venue?" next is about that paper; after a count or a list it is about the person.
        conversation.focused = bool(answer.citations) and (
            request.op in ("fact", "title", "latest", "oldest") or request.op == "papers" and bool(request.topic))

    def find(self, topic: str, k: int = 10, terms: str = "", keep=None) -> list[CandidateHit]:
        """Candidates ranked for a topic (and a model's technical terms for it), each with the papers that justify
        the rank; ``keep`` says which papers count ("in 2023", "at EMNLP")."""
        return find_candidates(self.kb, topic, k, terms=terms, keep=keep)

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
        plan = DraftPlan(person, self._papers_for(person, purpose)[:2], channel=channel, language=language, tone=tone,
                         purpose=purpose)
        draft = self._render(plan, [*warnings, *dossier_warnings(person, channel)])
        if self.model is not None:
            draft = self._llm.write_draft(plan, draft)
        if conversation is not None:
            conversation.draft = draft
            conversation.candidate_id = person.id
        return draft

    def _papers_for(self, person: Candidate, purpose: str) -> list[Paper]:
        """The person's papers a draft may cite, those closest to the purpose first (newest first without one)."""
        from bot.assistant.llm_engine import usable

        if not purpose:
            return [p for p in self.kb.catalog.papers_of(person.id) if usable(p)]
        ranking = self.kb.searcher.rank(clean_query(purpose), [person.id])
        return [self.kb.catalog.papers[p] for p, _ in ranking if usable(self.kb.catalog.papers[p])]

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
                         tone=toned(draft.tone, how), purpose=draft.purpose,
                         short=how == "shorter")
        from bot.assistant.drafting import dossier_warnings

        warnings = [*self.gate.check(person.id, person.name), *dossier_warnings(person, draft.channel)]
        if self.model is not None:
            revised = self._llm.revise_draft(plan, draft, how)
            return revised.model_copy(update={"warnings": list(dict.fromkeys([*warnings, *revised.warnings]))})
        if how == "regenerate":  # offline, anew means other papers of theirs, the next closest to the purpose
            others = [p for p in self._papers_for(person, draft.purpose) if p.id not in draft.cited_paper_ids]
            plan.papers = others[:2] or plan.papers
        revised = self._render(plan, warnings)
        if revised.body == draft.body and revised.subject == draft.subject:
            revised.warnings.append(f"Unchanged: the offline engine has no other wording for “{how}” here; a "
                                    "configured model rewrites drafts freely.")
        return revised


def build_assistant(settings, kb=None, pipeline=None) -> Assistant:
    """The assistant for these settings: the knowledge base (built on first use) and the configured engine."""
    from bot.knowledge.base import KnowledgeBase
    from bot.llm import build_chat_model

    from bot.prompts import load_prompts

    load_prompts()  # a broken prompt file fails here, at start-up, whichever engine runs
    kb = kb or KnowledgeBase(settings)
    if not kb.catalog.papers:
        kb.ingest()
    assistant = Assistant(kb, Company.load(settings.knowledge.company_dir), build_chat_model(settings.llm),
                          pipeline=pipeline, model_parses=settings.llm.understand)
    assistant.settle()
    return assistant


def _add_notices(request: Request, answer: Answer) -> None:
    """A name read as a near spelling of someone's is said, never silently swapped; so is what was asked that the
    knowledge does not hold ("the most cited": no citation counts here)."""
    if request.unheld and answer.status != "draft":
        answer.warnings.insert(0, f"The knowledge base holds no {request.unheld}, so nothing here is ranked by them.")
    if request.read_as and answer.candidate_ids:
        note = f"Read {', '.join(request.read_as)}: nobody here is written that way."
        for warnings in (answer.warnings, *([answer.draft.warnings] if answer.draft is not None else [])):
            if note not in warnings:
                warnings.insert(0, note)
