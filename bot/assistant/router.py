"""From a typed request to an answer: which operation runs, about whom, with what the conversation holds."""

from __future__ import annotations

import random
import re

from bot.assistant import coauthors, identity, operations as ops, topical
from bot.assistant.evidence import measure
from bot.assistant.offline import _ref, _where
from bot.assistant.protocol import NOT_FOUND_PHRASE, CandidateHit, Conversation
from bot.assistant.understand.request import Request
from bot.assistant.understand.slots import in_family
from bot.knowledge.retrieve import clean_query
from bot.models import Answer, Citation, Draft, Paper
from bot.text import sentences

_PERSON_OPS = {"papers", "latest", "oldest", "count", "venues", "years", "top_coauthors", "profile", "dossier", "fit",
               "draft", "with_coauthor", "together"}


def route(assistant, request: Request, conversation: Conversation | None) -> Answer:
    kb = assistant.kb
    op = request.op
    if op == "help" and request.courtesy:
        return ops.answer("Glad to help. Ask about a candidate's work, find people for a topic, or draft a first "
                          "message whenever you like (“help” shows examples).", [], [], "help", status="help")
    if op == "help":
        return help_answer(kb)
    if op == "revise":
        if conversation is None or conversation.draft is None:
            return ops.answer("There is no draft to change yet: ask for one first (\"draft an email to NAME\").",
                              [], [], "revise", status="clarify")
        before = conversation.draft
        draft = assistant.revise(before, request.revision or "regenerate", request.language)
        if request.revision == "shorter":
            draft = shorter_than(draft, before)
        conversation.draft = draft
        return draft_answer(kb, draft)
    if op == "add":
        from bot.assistant.adding import add_answer

        return add_answer(assistant, request)
    if request.unknown_name and op not in ("find", "title"):
        return identity.unknown_person(kb, request.unknown_name, request.namesakes, op)
    if request.options and (not request.people or request.ambiguous_at is not None):
        return identity.clarify(kb, request.ambiguous_name, request.options, op,
                           beside=request.people[0] if request.people else None)
    people = list(request.people)
    remembered = conversation.candidate_id if conversation is not None else None
    if not people and remembered and remembered in kb.catalog.candidates and (op in _PERSON_OPS or op == "fact"):
        people = [remembered]
    if op == "find":
        if not (request.topic or "").strip() and not request.terms:  # "who is the best researcher?"
            return ops.answer("On what topic? Name the work or the role: “Who has worked on speech translation?”",
                              [], [], "find", status="clarify")
        wanted = min(request.limit or 10, 10)  # "three people who …"; ten at most, as the list shows
        # "in 2023", "at EMNLP": only those papers count
        keep = (lambda paper: ops.within(paper, request)) if request.years != (None, None) or request.venue \
            or request.track else None
        hits = assistant.find(request.topic or "", wanted + len(request.people), request.terms, keep)
        return found(kb, request, [h for h in hits if h.candidate.id not in request.people][:wanted])  # "besides X"
    if op == "title" or (op == "fact" and request.paper_id):
        paper = kb.catalog.papers.get(request.paper_id or "")
        if paper is None:
            said = f"titled “{request.title}”" if request.title else "with that title"
            person = kb.catalog.candidates.get(people[0]) if request.people else None
            held = f" {person.name} has {len(kb.catalog.papers_of(person.id))} papers here." if person else ""
            return ops.answer(f"{NOT_FOUND_PHRASE} No paper {said} is in the knowledge base.{held}", [],
                              [person.id] if person else [], op, status="not_found")
        person = kb.catalog.candidates.get(people[0]) if request.people else None
        return ops.paper_fact(kb, paper, request.aspect, person, op="title")
    if op == "fact":
        return fact(kb, request, people, conversation)
    if not people:
        if op == "draft":
            return ops.answer("Whom should I write to? Name a candidate.", [], [], "draft", status="clarify")
        return topic_answer(kb, request)
    if op == "fit":
        return fit_answer(kb, people, request)
    person = kb.catalog.candidates[people[0]]
    if op == "draft":
        from bot.pipeline.store import DoNotContactError

        try:
            draft = assistant.draft(person.id, channel=request.channel or "email", language=request.language,
                                    tone=request.tone or "warm", purpose=request.purpose, conversation=conversation)
        except DoNotContactError as exc:  # the one contact gate refused: said, never drafted
            return ops.answer(str(exc), [], [person.id], "draft", status="refused")
        return draft_answer(kb, draft)
    if op in ("with_coauthor", "together"):
        if len(people) < 2:
            return ops.answer("With whom? Name the second person.", [], [person.id], op, status="clarify")
        return coauthors.joint(kb, person, kb.catalog.candidates[people[1]], request, yes_no=op == "together")
    if op == "latest":
        return ops.extreme(kb, person, request, newest=True)
    if op == "oldest":
        return ops.extreme(kb, person, request, newest=False)
    if op == "count":
        return ops.count(kb, person, request)
    if op == "venues":
        return ops.venues(kb, person, request)
    if op == "years":
        return ops.years(kb, person, request)
    if op == "top_coauthors" and len(people) > 1:  # "who has worked with both X and Y?"
        return coauthors.shared_coauthors(kb, person, kb.catalog.candidates[people[1]], request)
    if op == "top_coauthors":
        return coauthors.top_coauthors(kb, person, request)
    if op == "profile":
        return identity.profile(kb, person)
    if op == "dossier":
        return identity.dossier(kb, person, request.field)
    return ops.papers(kb, person, request)


def fact(kb, request: Request, people: list[str], conversation: Conversation | None) -> Answer:
    """A fact of one paper: the one a topic picks among the person's papers, else the one just shown."""
    person = kb.catalog.candidates.get(people[0]) if people else None
    if person is not None and request.topic and request.people:
        chosen, ranked, holds = ops.picked(kb, person, request)
        if not holds:
            return ops.nothing_for(kb, person, request, "fact", loose=True)
        result = ops.paper_fact(kb, chosen[0], request.aspect, person, closest=topical.described(request.topic))
        result.ranked_paper_ids = ranked
        return result
    shown = conversation.last_paper_ids if conversation is not None else []
    paper = kb.catalog.papers.get(shown[0]) if shown else None
    if paper is None and person is not None and request.topic:
        chosen, _, holds = ops.picked(kb, person, request)
        paper = chosen[0] if holds else None
    if paper is None:
        return ops.answer("Which paper do you mean? Give its title, or ask about a person's papers first.", [],
                          [], "fact", status="clarify")
    result = ops.paper_fact(kb, paper, request.aspect, person)
    if request.venue and request.aspect == "where" and paper.venue:  # "was it at ACL?": yes or no, then where
        result.text = ("Yes. " if in_family(paper.venue, request.venue) else "No. ") + result.text
    return result


def topic_answer(kb, request: Request) -> Answer:
    """No person named: the papers of the whole knowledge base that match the topic, with their authors."""
    if not request.topic:
        return ops.answer("Whose papers? Name a candidate, or ask who has worked on a topic.", [], [], request.op,
                          status="clarify")
    hits = [(p, s) for p, s in kb.searcher.rank(clean_query(request.topic), None, n=kb.settings.search.pool)
            if p in kb.catalog.papers and ops.within(kb.catalog.papers[p], request)]  # "… from NAACL 2019"
    chosen = [kb.catalog.papers[p] for p, _ in hits[:5]]
    if not chosen or not any(measure(kb, clean_query(request.topic), p.author_ids[:1]).strong() for p in chosen[:1]):
        return ops.answer(NOT_FOUND_PHRASE, [], [], request.op, status="not_found", ranked=[])
    lines = [f"[{i}] {_ref(p)} ({_where(p)}), by {', '.join(p.authors[:4])}" for i, p in enumerate(chosen, 1)]
    return ops.answer("Papers that match best:\n" + "\n".join(lines), chosen,
                      list(dict.fromkeys(a for p in chosen for a in p.author_ids)), request.op,
                      ranked=[p for p, _ in hits])


def found(kb, request: Request, hits: list[CandidateHit]) -> Answer:
    topic = (request.topic or "that") + ops._filters(request.model_copy(update={"topic": ""}))
    if not hits:
        return ops.answer(f"Nobody in the knowledge base has worked on {topic}: no paper here is about it.", [], [],
                          "find", status="not_found", ranked=[])
    cited: list[Paper] = []
    lines = []
    for rank, hit in enumerate(hits, 1):
        refs = []
        for citation in hit.evidence[:2]:
            if citation.paper not in cited:
                cited.append(citation.paper)
            refs.append(f"[{cited.index(citation.paper) + 1}]")
        matching = getattr(hit, "matching", None)
        count = f"{matching} matching paper{'s' if matching != 1 else ''}" if matching else \
            f"{len(hit.evidence)} of the best-matching papers"
        lines.append(f"{rank}. {hit.candidate.name} — {count} {' '.join(refs)}")
    return ops.answer(f"Candidates who have worked on {topic}:\n" + "\n".join(lines), cited,
                      [h.candidate.id for h in hits], "find")


def fit_answer(kb, people: list[str], request: Request) -> Answer:
    """How well each person's papers match a role or topic: the affinity model's score, their papers on it."""
    from bot.assistant.affinity import fit_text, rank
    from bot.knowledge.retrieve import to_english

    text = request.topic or request.purpose
    if not text:
        return ops.answer("For what role or topic? \"How good a fit is NAME for speech translation?\"", [],
                          people, "fit", status="clarify")
    fits = rank(kb, people, fit_text(kb, to_english(kb, text)))
    cited: list[Paper] = []
    lines = []
    for number, fit in enumerate(fits, 1):
        person = kb.catalog.candidates[fit.candidate_id]
        refs = []
        for paper_id in fit.evidence[:2]:
            paper = kb.catalog.papers[paper_id]
            if paper not in cited:
                cited.append(paper)
            refs.append(f"[{cited.index(paper) + 1}]")
        matching = f"{fit.matching} paper{'s' if fit.matching != 1 else ''} on it"
        lines.append(f"{number}. {person.name}: fit {fit.score:.2f}, {matching}" + (f", closest {' '.join(refs)}"
                                                                                   if refs else ""))
    head = (f"How {'these people fit' if len(fits) > 1 else 'well ' + kb.catalog.candidates[fits[0].candidate_id].name + ' fits'} "
            f"{text} (fit: how close their best papers are, 0 to 1):")
    return ops.answer(head + "\n" + "\n".join(lines), cited, [f.candidate_id for f in fits], "fit")


def _words(text: str) -> int:
    return len(re.findall(r"\w+", text))


def shorter_than(draft: Draft, before: Draft) -> Draft:
    """A draft asked to be shorter is shorter: when the revision kept every word, the longest sentence that
    cites nothing and is neither the greeting nor the signature goes, then the next, until it is."""
    body = draft.body
    while _words(body) >= _words(before.body):
        paragraphs = body.split("\n\n")
        candidates = [(i, s) for i, para in enumerate(paragraphs[1:-1], 1) for s in sentences(para)
                      if "“" not in s and "«" not in s]
        if not candidates:  # then what a citing sentence says after the paper: "I read “T” (V), where you …"
            cut = re.sub(r"([”»]\s*\([^)]*\)),[^.]*\.", r"\1.", body, count=1)
            if cut == body:
                break
            body = cut
            continue
        i, sentence = max(candidates, key=lambda item: len(item[1]))
        kept = paragraphs[i].replace(sentence, "").strip()
        paragraphs = paragraphs[:i] + ([kept] if kept else []) + paragraphs[i + 1:]
        body = "\n\n".join(paragraphs)
    return draft if body == draft.body else draft.model_copy(update={"body": body})


def draft_answer(kb, draft: Draft) -> Answer:
    from bot.assistant.drafting import subject_label

    text = (f"{subject_label(draft.language)}: {draft.subject}\n\n" if draft.subject else "") + draft.body
    cited = [Citation(paper=kb.catalog.papers[p]) for p in draft.cited_paper_ids if p in kb.catalog.papers]
    return Answer(text=text, citations=cited, candidate_ids=[draft.candidate_id], ranked_paper_ids=draft.cited_paper_ids,
                  intent="draft", engine=draft.engine, warnings=draft.warnings, status="draft", draft=draft)


def help_answer(kb) -> Answer:
    """What can be asked, with examples built from the people and papers this knowledge base holds."""
    people = [c for c in kb.catalog.candidates.values() if not c.ambiguous and len(c.paper_ids) >= 8]
    rng = random.Random(len(kb.catalog.papers))
    picks = rng.sample(people, min(3, len(people))) if people else []
    name = [p.name for p in picks] + ["Jane Doe"] * 3
    topic = next((t.replace("_", " ") for p in picks for t in p.topics), "machine translation")
    years = sorted({kb.catalog.papers[i].year for i in (picks[0].paper_ids if picks else []) if
                    i in kb.catalog.papers and kb.catalog.papers[i].year})
    year = years[-1] if years else 2023
    text = "\n".join([
        f"I know {len(kb.catalog.candidates)} researchers and {len(kb.catalog.papers)} papers. You can ask me to:",
        f"- find candidates for a topic: “Who has worked on {topic}?”",
        f"- answer questions about a person's work, with the papers cited: “What has {name[0]} published on "
        f"{topic}?”, “{name[1]}'s most recent paper?”, “How many papers does {name[2]} have?”, “{name[0]}'s papers "
        f"in {year}”, “{name[0]}'s short papers”, “Where does {name[1]} publish?”, “In which years was {name[1]} "
        f"most active?”, “Who does {name[2]} write with most?”",
        "- look up a paper by its title: “Who wrote ‘TITLE’?”",
        f"- draft a first-contact message in the sender's voice: “Draft a LinkedIn message to {name[0]} about a "
        f"research scientist role”, then “shorter”, “more formal” or “in French”",
        "- track the pipeline: /stage, /note, /followups, /pipeline (in Telegram)",
        "Names are matched strictly: I say when I don't know someone, and ask when a name fits several people.",
    ])
    return ops.answer(text, [], [], "help", status="help")
