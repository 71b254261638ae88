"""Which of a person's papers are on a topic: searched by its words (a French topic by its English terms), listed
by its title words and its calibrated relevance, and a paper described at length picked as the closest."""

from __future__ import annotations

from bot.assistant.affinity import RELEVANT
from bot.assistant.evidence import measure
from bot.assistant.topics import acronyms, completed, expand, field_of, phrase_holds, spelled_out, title_holds
from bot.assistant.understand.request import Request
from bot.knowledge.french import translated_share
from bot.knowledge.retrieve import clean_query, to_english, vocabulary
from bot.knowledge.untrusted import safe_text
from bot.models import Candidate, Paper

# Within one person's papers, a paper is listed as on the topic when its title names the topic (topics.py:
# title_holds, the person's field as context), or when its fused score (dense min-max scaled + 0.7 x BM25
# over its maximum) reaches this share of the best one's. bench/list_topic_calibration.py, on topics built
# from 150 authors' own titles (our data, not an evaluation set's): the bar alone peaks at 0.63 of topics
# fully and precisely listed; with the title rule every gold paper is listed for 99.7 % at any bar, and a
# higher bar is always more precise there (0.8: 82-86 %, 0.9: 90-91 %), because that gold is made of titles.
# Real topics are not only title words, so the bar keeps room for papers that say the topic otherwise;
# bench/recruiter_variants.py (questions of our own) lists as well at 0.8 as at 0.9.
RELATIVE_BAR = 0.8
LIST_MAX = 20


def described(topic: str) -> bool:
    """A paper described at length ("applied learning-to-learn to translation for languages with little data"),
    not a topic named ("zero-shot translation")."""
    return len(topic.split()) > 4


def _readable(paper: Paper) -> str:
    """The paper's title and abstract without its instruction-like sentences (those are data, never evidence)."""
    return f"{paper.title}. {safe_text(paper.abstract)}"


def on_topic(kb, person: Candidate, request: Request, pool: list[Paper],
             gate: list[Paper] | None = None) -> tuple[list[Paper], list[str], str]:
    """The person's papers of ``pool`` on the request's topic, best first, and whether the evidence holds ("strong",
    "said" or ""): a French question is searched with its English terms (bot/knowledge/french.py). ``gate``: the
    papers whose relevance says whether the person has work on the topic (the pool's own by default)."""
    asked = request.query or clean_query(request.topic)
    english = to_english(kb, asked)
    query = spelled_out(kb, english)
    allowed = {p.id for p in pool}
    gated = {p.id for p in gate} if gate is not None else allowed
    # A French question: its English terms and its own words, each as much as it speaks for the question
    # (the glossary's English terms for the share of its words the glossary knows, the own words for the rest).
    share = translated_share(asked, vocabulary(kb)) if english != asked else 1.0
    sources = [(query, share), (asked, 1.0 - share)]
    terms = to_english(kb, request.terms) if request.terms else ""
    if terms:
        # A model's names for what the user described ("pronoun puzzles that take world knowledge": "Winograd
        # schemas"): half the say in the ranking, and a paper they find as surely as the user's words would.
        sources = [(text, weight / 2) for text, weight in sources] + [(terms, 0.5)]
    fused: dict[str, float] = {}
    for text, weight in sources:
        if weight <= 0:
            continue
        for paper_id, score in kb.searcher.rank(text, [person.id]):
            fused[paper_id] = fused.get(paper_id, 0.0) + weight * score
    ranking = sorted(((p, s) for p, s in fused.items() if p in allowed), key=lambda item: -item[1])
    ranked = [p for p, _ in ranking]
    if not ranking:
        return [], ranked, ""
    topic = to_english(kb, request.topic) if request.topic else query
    known = acronyms(kb)
    field = field_of(kb.catalog.papers_of(person.id))
    titled = {p: expand(kb.catalog.papers[p].title, known) for p, _ in ranking}
    parts = completed(kb, topic)  # "simultaneous translation or interpretation": "simultaneous interpretation"
    holds = {p for p, t in titled.items() if title_holds(t, parts, field)}

    named = not described(topic)
    # A paper described at length: a title that holds the whole description (its field's words aside).
    titled_as_described = set() if named else {p for p, t in titled.items() if title_holds(t, topic, field, whole=True)}

    def title_first(paper: Paper) -> int:
        """For a topic named in a few words, the paper whose title says it first ("the paper on zero-shot
        translation"), then those whose title holds its words, then the others, each by score. A paper described
        at length: one whose title holds every word of the description first ("two-pass speech-to-speech
        translation with discrete units"), the others by score."""
        if not named:
            return 0 if paper.id in titled_as_described else 1
        return 0 if phrase_holds(titled[paper.id], parts) else 1 if paper.id in holds else 2

    def holds_in_pool(text: str) -> bool:
        """One of the papers asked about (the year's, the venue's) is on it: that the person has a paper on it
        elsewhere does not make their EMNLP papers about it."""
        return any(p.probability >= RELEVANT and p.paper_id in gated for p in measure(kb, text, [person.id]).papers)

    if holds_in_pool(query) or (terms and holds_in_pool(terms)):
        top = ranking[0][1] or 1.0
        chosen = sorted((kb.catalog.papers[p] for p, s in ranking if s >= RELATIVE_BAR * top or p in holds),
                        key=title_first)
        return chosen[:LIST_MAX], ranked, "strong"
    # The calibrated model doubts it, but a paper that says the topic in so many words is on it.
    said = sorted((kb.catalog.papers[p] for p in ranked
                   if phrase_holds(expand(_readable(kb.catalog.papers[p]), known), parts)), key=title_first)
    return (said[:LIST_MAX], ranked, "said") if said else ([], ranked, "")
