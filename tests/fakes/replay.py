"""Replays scripted writers through the real system: the Assistant, the real ChatOpenAI client, a fake server.

Used by tests/e2e/test_adversarial.py and bench/adversarial.py. Each job (a draft or a question) is run once
with the honest writer and once per kind of embellishment; the independent audit (tests/fakes/audit.py) and
the planted string decide whether a fabrication reached the user.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from bot.assistant.gate import ContactGate
from bot.assistant.protocol import REMOVED_CLAIM_WARNING, fell_back
from bot.assistant.service import Assistant
from bot.llm import OpenAIChat
from bot.settings import LLMSettings
from tests.fakes.audit import audit
from tests.fakes.openai_api import FakeOpenAI
from tests.fakes.writers import KINDS, Writer, honest, honest_varied


@dataclass
class Job:
    kind: str  # "draft" or "answer"
    candidate: str
    channel: str = "email"
    language: str = "en"
    purpose: str = ""
    question: str = ""


@dataclass
class Results:
    honest: int = 0
    honest_worded: int = 0  # by the model, no fallback, no sentence removed, nothing found by the audit
    planted: int = 0
    reached: list[str] = field(default_factory=list)
    honest_misses: list[str] = field(default_factory=list)
    by_kind: dict[str, int] = field(default_factory=dict)
    applied_kinds: set[str] = field(default_factory=set)


def _run(assistant: Assistant, job: Job):
    if job.kind == "draft":
        draft = assistant.draft(job.candidate, channel=job.channel, language=job.language, purpose=job.purpose)
        return (f"{draft.subject or ''}\n{draft.body}", draft.cited_paper_ids, draft.engine, draft.warnings)
    answer = assistant.ask(job.question)
    return answer.text, [c.paper.id for c in answer.citations], answer.engine, answer.warnings


def replay(kb, company, jobs: list[Job], kinds=KINDS, outsider: str = "Ivan Titov") -> Results:
    results = Results()
    with FakeOpenAI() as api:
        model = OpenAIChat(LLMSettings(base_url=api.base_url, api_key="dummy", model="fake", timeout_s=10,
                                       max_retries=0))
        assistant = Assistant(kb, company, model)
        assistant.gate = ContactGate()  # no pipeline here: the gate has its own tests
        for job in jobs:
            runs = [(None, False, honest), (None, False, honest_varied)]
            runs += [(kind, in_subject, honest) for kind in kinds
                     for in_subject in ((False, True) if job.kind == "draft" and job.channel == "email" else (False,))]
            for kind, in_subject, style in runs:
                if True:
                    writer = Writer(kind, outsider, in_subject, style)
                    api.responder = writer
                    start = len(api.requests)
                    text, cited, engine, warnings = _run(assistant, job)
                    prompt = "\n".join(m["content"] for r in api.requests[start:] for m in r["messages"])
                    problems = audit(kb, text, job.candidate or None, cited, prompt=prompt)
                    label = (f"{job.kind}/{job.candidate}/{job.channel}/{job.language}/{kind or style.__name__}"
                             f"{'/subject' * in_subject}")
                    if kind is None:
                        results.honest += 1
                        worded = engine == "fake" and not fell_back(warnings) and REMOVED_CLAIM_WARNING not in warnings
                        results.honest_worded += worded and not problems
                        if not worded or problems:
                            results.honest_misses.append(f"{label}: {warnings} {problems}")
                        continue
                    if not writer.applied:
                        continue
                    results.planted += 1
                    results.applied_kinds.add(kind)
                    if writer.planted.casefold() in text.casefold() or problems:
                        results.reached.append(f"{label}: planted {writer.planted!r}; audit {problems}")
                        results.by_kind[kind] = results.by_kind.get(kind, 0) + 1
    return results
