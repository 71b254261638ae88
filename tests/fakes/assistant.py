"""A test double of AssistantProtocol over the bundled Anthology extract: quick, deterministic, thread-safe.

It knows the same candidates and papers as the real assistant (it reads knowledge/papers), so the Telegram
tests can run against either one and assert on behaviour: names, references, links. Only for tests and the
burst bench; the real brain is bot.assistant.service.
"""

from __future__ import annotations

import asyncio
import functools
import hashlib
import json
import os
import re
import threading
from collections import Counter
from typing import Any, AsyncIterator

from bot.assistant.protocol import NOT_FOUND_PHRASE, CandidateHit, Conversation, Revision
from bot.models import Answer, Candidate, Citation, Draft, Paper
from bot.settings import PROJECT_ROOT

PAPERS_DIR = PROJECT_ROOT / "knowledge" / "papers"
_WORD = re.compile(r"[a-z0-9]+")
_STOP = set("the a an of on in for to and with has have which what who is are was were did does their they "
            "about written worked work papers paper any tell me show list".split())
GREETING = {"en": "Dear {name},", "fr": "Bonjour {name},", "de": "Guten Tag {name},", "es": "Hola {name},"}
PITCH = {
    "en": "I read your paper “{title}” with great interest. Our team works on similar problems and I would love "
          "to tell you about a research role with us. Would you have twenty minutes for a call next week?",
    "fr": "J'ai lu votre article « {title} » avec grand intérêt. Notre équipe travaille sur des questions proches "
          "et j'aimerais vous présenter un poste de recherche. Auriez-vous vingt minutes la semaine prochaine ?",
    "de": "Ich habe Ihren Artikel „{title}“ mit großem Interesse gelesen. Unser Team arbeitet an ähnlichen "
          "Fragen, "
          "und ich würde Ihnen gern eine Forschungsstelle vorstellen. Hätten Sie nächste Woche zwanzig Minuten?",
    "es": "He leído su artículo «{title}» con mucho interés. Nuestro equipo trabaja en problemas similares y me "
          "gustaría presentarle un puesto de investigación. ¿Tendría veinte minutos la próxima semana?",
}


def _words(text: str) -> set[str]:
    return {w for w in _WORD.findall(text.lower()) if w not in _STOP and len(w) > 2}


@functools.lru_cache(maxsize=1)
def _corpus() -> tuple[dict[str, Paper], dict[str, Candidate]]:
    papers = {}
    with (PAPERS_DIR / "acl-anthology.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                paper = Paper.model_validate(json.loads(line))
                papers[paper.id] = paper
    candidates = {}
    for author in json.loads((PAPERS_DIR / "authors.json").read_text(encoding="utf-8"))["authors"]:
        ids = [p for p in author["paper_ids"] if p in papers]
        coauthors = Counter(a for p in ids for a in papers[p].author_ids if a != author["anthology_person_id"])
        topics = sorted(author["papers_by_topic"], key=author["papers_by_topic"].get, reverse=True)
        candidates[author["anthology_person_id"]] = Candidate(
            id=author["anthology_person_id"], name=author["name"], topics=topics, paper_ids=ids,
            coauthors=[c for c, _ in coauthors.most_common(5)], links={"anthology": author["profile_url"]})
    return papers, candidates


class FakeAssistant:
    """Answers from word overlap; remembers the candidate through the Conversation it is given."""

    def __init__(self, *, streams: bool = False, delay_s: float = 0.0, stream_chunk_delay_s: float = 0.05) -> None:
        papers, candidates = _corpus()
        self.papers = dict(papers)
        self.candidates = {k: c.model_copy(deep=True) for k, c in candidates.items()}
        self.streams = streams
        self.delay_s = delay_s
        self.stream_chunk_delay_s = stream_chunk_delay_s
        self._lock = threading.Lock()

    # --- resolution --------------------------------------------------------------------------------------
    def _mentioned(self, text: str) -> tuple[list[str], list[str]]:
        """(candidates named in full, candidates matching a lone surname when it is shared)."""
        low = f" {' '.join(_WORD.findall(text.lower()))} "
        full = [cid for cid, c in self.candidates.items() if f" {' '.join(_WORD.findall(c.name.lower()))} " in low]
        if full:
            return full, []
        surnames: dict[str, list[str]] = {}
        for cid, c in self.candidates.items():
            surnames.setdefault(c.name.split()[-1].lower(), []).append(cid)
        for word in _WORD.findall(text.lower()):
            if len(surnames.get(word, [])) > 1 and word[0].isalpha() and len(word) > 2:
                return [], sorted(surnames[word])
        return [], []

    def candidate(self, name: str) -> Candidate | None:
        if name in self.candidates:
            return self.candidates[name]
        full, _ = self._mentioned(name)
        return self.candidates[full[0]] if len(full) == 1 else None

    def papers_of(self, candidate_id: str) -> list[Paper]:
        candidate = self.candidates.get(candidate_id)
        return [self.papers[p] for p in candidate.paper_ids] if candidate else []

    def _ranked(self, question: str, papers: list[Paper], k: int) -> list[Citation]:
        words = _words(question)
        scored = [(len(words & _words(p.text())), p) for p in papers]
        scored.sort(key=lambda s: (-s[0], -(s[1].year or 0), s[1].id))
        return [Citation(paper=p, score=float(s), snippet=p.abstract[:160]) for s, p in scored[:k]]

    # --- the protocol --------------------------------------------------------------------------------------
    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        if self.delay_s:
            threading.Event().wait(self.delay_s)
        full, shared = self._mentioned(question)
        if shared:
            names = ", ".join(self.candidates[c].name for c in shared)
            return Answer(text=f"Several candidates match: {names}. Which one do you mean?", clarify=shared,
                          intent="clarify", engine="fake")
        candidate_id = full[0] if full else (conversation.candidate_id if conversation else None)
        if candidate_id is None:
            citations = [c for c in self._ranked(question, list(self.papers.values()), 3) if c.score > 0]
            if not citations:
                return Answer(text=NOT_FOUND_PHRASE, not_found=True, engine="fake")
            return Answer(text="The closest papers in the knowledge base are [1], [2] and [3].",
                          citations=citations, engine="fake")
        candidate = self.candidates[candidate_id]
        citations = self._ranked(question, self.papers_of(candidate_id), 3)
        listed = "; ".join(f"{c.paper.title} [{n}]" for n, c in enumerate(citations, start=1))
        text = f"{candidate.name} has {len(candidate.paper_ids)} papers in the knowledge base. Closest: {listed}."
        return Answer(text=text, citations=citations, candidate_ids=[candidate_id], engine="fake",
                      ranked_paper_ids=[c.paper.id for c in citations])

    async def stream_ask(self, question: str, conversation: Conversation | None = None) -> AsyncIterator[str | Answer]:
        answer = await asyncio.to_thread(self.ask, question, conversation)
        for word in re.findall(r"\S+\s*", answer.text):
            await asyncio.sleep(self.stream_chunk_delay_s)
            yield word
        yield answer

    def find(self, topic: str, k: int = 10, terms: str = "", keep=None) -> list[CandidateHit]:
        hits = []
        for candidate in self.candidates.values():
            evidence = [c for c in self._ranked(topic, self.papers_of(candidate.id), 3)
                        if c.score > 0 and (keep is None or keep(c.paper))]
            if evidence:
                hits.append(CandidateHit(candidate=candidate, score=sum(c.score for c in evidence), evidence=evidence))
        hits.sort(key=lambda h: (-h.score, h.candidate.id))
        return hits[:k]

    def _compose(self, candidate: Candidate, channel: str, language: str, tone: str, purpose: str,
                 variant: int = 0) -> Draft:
        paper = self.papers_of(candidate.id)[variant % max(1, len(candidate.paper_ids))]
        greeting = GREETING[language].format(name=candidate.name)
        if tone == "formal":
            greeting = greeting.replace("Hola", "Estimado/a").replace("Bonjour", "Madame, Monsieur")
        body = f"{greeting}\n\n{PITCH[language].format(title=paper.title)}"
        if purpose:
            body += f"\n\n({purpose})"
        if tone == "warm":
            body += "\n\nWarm regards,\nThe recruiting team"
        subject = f"Your work on {paper.title[:60]}" if channel == "email" else None
        return Draft(candidate_id=candidate.id, channel=channel, language=language, tone=tone, purpose=purpose,
                     subject=subject, body=body, cited_paper_ids=[paper.id], engine="fake")

    def draft(self, candidate: str, *, channel: str = "email", language: str | None = None, tone: str = "warm",
              purpose: str = "", conversation: Conversation | None = None) -> Draft:
        found = self.candidate(candidate)
        if found is None:
            raise ValueError(f"I don't know a candidate called {candidate}.")
        language = language if language in GREETING else "en"
        return self._compose(found, channel, language, tone, purpose)

    def revise(self, draft: Draft, how: Revision, language: str | None = None) -> Draft:
        candidate = self.candidates[draft.candidate_id]
        if how == "shorter":
            first = draft.body.split("\n\n")
            return draft.model_copy(update={"body": "\n\n".join(first[:2]).split("?")[0] + "?", "tone": "brief"})
        if how in ("formal", "warmer"):
            tone = "formal" if how == "formal" else "warm"
            return self._compose(candidate, draft.channel, draft.language, tone, draft.purpose)
        if how == "translate":
            return self._compose(candidate, draft.channel, language or "en", draft.tone, draft.purpose)
        variant = int(hashlib.sha1(draft.body.encode()).hexdigest(), 16) % 7 + 1
        return self._compose(candidate, draft.channel, draft.language, draft.tone, draft.purpose, variant)

    def add_pdf(self, candidate: str, data: bytes, filename: str) -> Paper:
        found = self.candidate(candidate)
        if found is None:
            raise ValueError(f"I don't know a candidate called {candidate}.")
        if not data.startswith(b"%PDF") or b"%%EOF" not in data[-1024:]:
            raise ValueError("This file is not a readable PDF.")
        title = re.sub(r"[_-]+", " ", filename.rsplit(".", 1)[0]).strip() or "Untitled"
        paper = Paper(id=hashlib.sha1(data).hexdigest()[:16], title=title, authors=[found.name],
                      author_ids=[found.id], source=filename)
        with self._lock:
            self.papers[paper.id] = paper
            found.paper_ids.append(paper.id)
        return paper

    def forget(self, candidate_id: str) -> None:
        with self._lock:
            self.candidates.pop(candidate_id, None)


class Recorder:
    """Wraps any assistant and records which of its methods were called (and nothing else changes)."""

    def __init__(self, inner: Any) -> None:
        self._inner = inner
        self.calls: list[str] = []

    def __getattr__(self, name: str) -> Any:
        value = getattr(self._inner, name)
        if not callable(value):
            return value

        def recorded(*args: Any, **kwargs: Any) -> Any:
            self.calls.append(name)
            return value(*args, **kwargs)

        return recorded


# Set to "real" to run the Telegram e2e tests against the session's real assistant (tests/conftest.py).
ASSISTANT_ENV = "TELEGRAM_E2E_ASSISTANT"


def build_test_assistant(**options: Any) -> FakeAssistant:
    """The double the Telegram tests use; ``options`` as FakeAssistant takes them (streams, delays)."""
    return FakeAssistant(**options)


def telegram_assistant_for(request: Any) -> Any:
    """The e2e tests' assistant: the real one (fixture ``assistant``), or the double when ASSISTANT_ENV=double."""
    if os.environ.get(ASSISTANT_ENV) == "double":
        return build_test_assistant()
    return request.getfixturevalue("assistant")


def make_pdf(*lines: str) -> bytes:
    """A small valid PDF whose first page shows ``lines`` (pypdf and pdfminer can read its text)."""
    text = "BT /F1 12 Tf 72 720 Td 14 TL " + " ".join(
        "(" + line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)") + ") '" for line in lines) + " ET"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(text)} >>\nstream\n{text}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = b"%PDF-1.4\n", []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += "".join(f"{o:010d} 00000 n \n" for o in offsets).encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return out
