"""An audit of text shown to a user that shares no code with the checks in ``bot.assistant``, and a counting client.

``audit`` reads only the final text, the knowledge base and (when given) the prompt the model was sent. It
works the other way round from the engine's checks: it does not look for known kinds of mistake in what a
model typed, it takes out of the final text everything the knowledge base itself can supply (the given
papers' titles, venues, years, authors and links, and the organisation's facts) and then requires every
remaining name-like, number-like, contact-like or honour-like token to be found in the prompt's material.
On top, per sentence: a year or venue beside a title must be that paper's, a person beside it one of its
authors, and "main conference" is never said of a Findings paper.
"""
from __future__ import annotations

import re
import unicodedata

from bot.llm import OpenAIChat
from bot.settings import LLMSettings

QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”|«\s*([^»\n]+?)\s*»|‘([^’\n]+)’')
REF = re.compile(r"\[(\d+(?:\s*,\s*\d+)*)\]")
_PIECES = re.compile(r"\n+|(?<=[.!?])\s+")
_TOKEN = re.compile(r"\S+")
_HONOURS = ("award", "prize", "best paper", "outstanding", "keynote", "invited talk", "plenary", "distinguished",
            "honorable mention", "honourable mention", "meilleur article", "prix")
_CONTACT = re.compile(r"@|://|\bwww\.|\.(?:com|net|org|io)\b|\+\d|\b[A-Z]{2}\d{2}\b|\d{3,}[ -]\d{3,}")
_SPEECH = set("""i i'm i’m i've i'd dr hi hello dear best kind regards thanks thank you your yours we our
in on it this that the a an as at if so no would could please bonjour je nous votre vos vous bien madame
monsieur cordialement merci seriez une un le la les j'aimerais j’aimerais dans également also since given with from for
english french german nlp mt nmt ai ml llm llms qa phd linkedin telegram whatsapp e-mail email""".split())


def _fold(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    return "".join(c for c in text if not unicodedata.combining(c)).casefold()


def _facts(kb, papers, candidate_id) -> list[str]:
    """Strings the knowledge base supplies: what may be in a message without coming from the model."""
    from bot.assistant.drafting import Company

    company = Company.load(kb.settings.knowledge.company_dir).facts
    out: list[str] = []

    def walk(value) -> None:
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)
        elif value is not None:
            out.append(str(value))

    walk(company)
    for p in papers:
        out += [p.title, p.venue or "", str(p.year or ""), p.url or "", *p.authors]
    person = kb.catalog.candidates.get(candidate_id) if candidate_id else None
    if person is not None:
        out += [person.name, *person.name.split()]
    return sorted({x for x in out if x}, key=len, reverse=True)


def _given(kb, prompt: str, cited_ids: list[str]) -> list:
    """The papers given in the prompt (found by their titles there), and those cited."""
    papers = {p: kb.catalog.papers[p] for p in cited_ids if p in kb.catalog.papers}
    by_title = {p.title: p for p in kb.catalog.papers.values()}
    for line in prompt.splitlines():
        head = re.match(r"\[P\d+\] ", line)
        if head:
            rest = line[head.end():]
            for cut in [m.start() for m in re.finditer(r" \(", rest)]:
                if rest[:cut] in by_title:
                    papers.setdefault(by_title[rest[:cut]].id, by_title[rest[:cut]])
    return list(papers.values())


def _spans(text: str, material: str, facts: list[str]) -> list[str]:
    """Tokens of the text, outside what the facts supply, that the material does not have."""
    rest = text
    for fact in facts:
        rest = rest.replace(fact, " § ")
    problems = []
    folded = _fold(material)
    for piece in filter(str.strip, _PIECES.split(rest)):
        tokens = _TOKEN.findall(piece)
        for n, token in enumerate(tokens):
            word = token.strip("“”\"«»‘’()[],.;:!?'")
            if not word or word == "§" or REF.fullmatch(token.strip(".,;:")):
                continue
            # A sentence's first word is capitalised anyway: a name only when a capitalised word follows it.
            follows = n + 1 < len(tokens) and tokens[n + 1][:1].isupper()
            capital = word[0].isupper() and _fold(word) not in _SPEECH and not (n == 0 and not follows)
            if (capital or any(c.isdigit() for c in word) or _CONTACT.search(token)) and word not in material:
                problems.append(f"not in the material: {word!r}")
        low = _fold(piece)
        problems += [f"honour not in the material: {h!r}" for h in _HONOURS if h in low and h not in folded]
    for m in QUOTED.finditer(rest):
        quoted = next(g for g in m.groups() if g)
        if quoted.strip(" §") and quoted.strip() not in material:
            problems.append(f"quoted string not in the material: {quoted!r}")
    return problems


_AUTHORS: dict[int, set[str]] = {}


def _authors(kb) -> set[str]:
    if id(kb) not in _AUTHORS:
        _AUTHORS[id(kb)] = {_fold(a) for p in kb.catalog.papers.values() for a in p.authors if len(a.split()) >= 2}
    return _AUTHORS[id(kb)]


def _consistency(kb, text: str, papers: list, candidate_id: str | None) -> list[str]:
    problems = []
    authors_of_kb = _authors(kb)
    for piece in filter(str.strip, _PIECES.split(text)):
        named = [p for p in papers if p.title in piece]
        if not named:
            continue
        bare = piece
        for p in named:
            bare = bare.replace(p.title, " ")
        years = {str(p.year) for p in named}
        for y in re.findall(r"(?<!\d)(?:19|20)\d\d(?!\d)", bare):
            if y not in years and not any(y in p.abstract for p in named):
                problems.append(f"year {y} beside {sorted(years)}")
        venues = " ".join(p.venue or "" for p in named)
        for acronym in re.findall(r"\b(ACL|EMNLP|NAACL|EACL|AACL|TACL|CoNLL|COLING|LREC|WMT)\b", bare):
            if acronym not in venues:
                problems.append(f"venue {acronym} beside {venues}")
        if re.search(r"main (?:conference|track)", bare, re.I) and "Findings" in venues:
            problems.append("main conference said of a Findings paper")
        own = {_fold(a) for p in named for a in p.authors}
        words = re.findall(r"[\w’'-]+", _fold(bare))
        for n in (2, 3, 4):
            for i in range(len(words) - n + 1):
                person = " ".join(words[i : i + n])
                if person in authors_of_kb and person not in own:
                    problems.append(f"person {person!r} beside a paper they did not write")
    return problems


def audit(kb, text: str, candidate_id: str | None, cited_ids: list[str], prompt: str | None = None) -> list[str]:
    """Problems in a text shown to a user. With ``prompt`` (what the model was sent), every token of the text
    that the knowledge base did not supply must be in it; without, only the per-sentence consistency is checked.
    """
    cited = [kb.catalog.papers[p] for p in cited_ids if p in kb.catalog.papers]
    refs = REF.findall(text)
    for group in refs:
        for n in re.split(r"\s*,\s*", group):
            if not 0 < int(n) <= len(cited):
                return [f"reference [{n}] to nothing"]
    expanded = REF.sub(lambda m: " ".join(f"“{cited[int(n) - 1].title}”" for n in re.split(r"\s*,\s*", m.group(1))),
                       text)
    papers = _given(kb, prompt, cited_ids) if prompt is not None else cited
    mine = kb.catalog.papers_of(candidate_id) if candidate_id else []
    problems = _consistency(kb, expanded, papers or mine, candidate_id)
    if prompt is not None:
        problems += _spans(text, prompt, _facts(kb, papers, candidate_id))
    else:
        titles = {_fold(p.title) for p in [*mine, *cited]}
        for m in QUOTED.finditer(text):
            quoted = next(g for g in m.groups() if g)
            if len(quoted.split()) >= 4 and _fold(quoted).strip() not in titles:
                problems.append(f"fabricated title: {quoted!r}")
    return list(dict.fromkeys(problems))


def cites_a_title(kb, text: str, paper_ids: list[str]) -> bool:
    """The text names at least one of these papers by its exact title."""
    return any(kb.catalog.papers[p].title.casefold() in text.casefold() for p in paper_ids)


class CountingChat(OpenAIChat):
    """OpenAIChat that counts calls and keeps the raw replies (for counts only: they are never logged)."""

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.replies: list[str] = []

    def complete(self, system: str, user: str, *, json_schema: dict | None = None) -> str:
        reply = super().complete(system, user, json_schema=json_schema)
        self.replies.append(reply)
        return reply


def smollm_settings(base_url: str, **overrides) -> LLMSettings:
    values = {"base_url": base_url, "model": "smollm2-135m", "timeout_s": 60, "max_retries": 0, "max_tokens": 200,
              "temperature": 0.0, **overrides}
    return LLMSettings(**values)
