"""What slots cannot hold: the checks on every sentence a model wrote, before anything is filled or shown.

Titles, venues, years, people, links and contact details reach a message only through slots
(:mod:`bot.assistant.slots`). What the model typed itself (the sentence with its slots taken out) may not
carry any of them, and whatever it says must come from the material it was given:

* no link, e-mail address, phone number, IBAN or payment detail, and nothing that reads as an instruction;
* a quoted span only when it is exactly one of the given titles (not a longer or shorter string);
* no year, venue name, "Findings"/"workshop", or honour (award, best paper, keynote, invited talk ...)
  unless the abstract of a paper the sentence speaks of says it; "main conference" never for a paper
  that was not at one (:mod:`bot.venues` says which);
* a number only if the abstract of a paper the sentence speaks of (or the organisation's facts) has it;
* a capitalised word or run of words (a name, an employer, a title) only if the material has it verbatim,
  never a person of the knowledge base other than the candidate, never a title cut down or with words added;
* a venue, year, co-author or link slot beside another paper's title slot is a wrong binding.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

from bot.assistant.slots import SLOT, Facts, Sentence, unknown_slots
from bot.knowledge import untrusted
from bot.models import Paper
from bot.venues import claims_main_conference, is_main_conference, normalise, venue_mentions

MIN_TITLE_WORDS = 4  # a quoted string this long presents itself as a title (the campaign's check uses it)

_PLACEHOLDER = " \u2063 "  # an invisible separator: slots break runs of words
_YEAR = re.compile(r"(?<![\w.])(19[5-9]\d|20[0-3]\d)(?![\w])|\b'(\d\d)\b")
_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)([A-Za-z%]*)")
_NUMBER_WORDS = {"three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen",
                 "twenty", "thirty", "forty", "fifty", "hundred", "hundreds", "thousand", "thousands", "million",
                 "millions", "billion", "dozen", "dozens", "trois", "quatre", "cinq", "dix", "cent", "mille"}
_HONOUR = re.compile(r"\b(?:awards?|award-winning|prizes?|best[- ]paper|outstanding[- ]paper|keynotes?|invited talks?|"
                     r"plenary|spotlight|oral presentation|honou?rable mention|distinguished paper|fellowships?|"
                     r"medal|laureate|prix|récompens\w*|meilleur article|conférence invitée|exposé invité)\b", re.I)
_VENUE_WORDS = re.compile(r"\b(?:findings|workshops?|proceedings|journal|conference on)\b", re.I)
_QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”|«\s*([^»\n]+?)\s*»|‘([^’\n]+)’|„([^“”\n]+)[“”]|'
                     r'(?<!\w)\*([^*\n]+)\*')
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CONNECTORS = {"of", "for", "the", "and", "in", "on", "at", "to", "a", "an", "with", "from", "via", "by", "de", "la",
               "le", "les", "des", "du", "et", "pour", "à", "en", "sur", "is", "all", "you", "not"}
# Capitalised words that are not names: the speaker, forms of address, common acronyms of the field.
_EXEMPT = {"I", "I'm", "I’m", "I've", "I’ve", "I'd", "I’d", "I'll", "I’ll", "Dr", "Prof", "Mr", "Ms", "Mrs", "Hi",
           "Hello", "Dear", "Madame", "Monsieur", "Bonjour", "NLP", "AI", "ML", "MT", "NMT", "LLM", "LLMs", "QA",
           "ASR", "NLG", "NLU", "IR", "OK", "PhD", "English", "French", "German", "Spanish", "Chinese", "European",
           "Europe", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "January", "February", "March", "April",
           "May", "June", "July", "September", "October", "November", "December", "Mme", "M", "Pr", "LinkedIn",
           "Telegram", "WhatsApp", "Email", "E-mail", "Zoom"}
# Words a sentence may begin with although they are capitalised there: not names.
_STARTERS = set("""a about after again all also although an and any are as at because before being best both but by can
could dear do does during each either even every few for from given happy has have having here hi hello how however i if
in into is it its just kind kindly last let like looking many may maybe more most much my no not now of on once one only
or other our over perhaps please rather reading really regards since so some still such thank thanks that the their then
there these they this those though through thus to together two under until up us very was we well were what when where
whether which while who whom whose why will with within without would yes yet you your yours he she his her hers
another among overall moreover furthermore besides cheers warm sincerely hope glad keen curious excited interested
feel great congratulations l d c qu bonjour cordialement
merci bien je nous votre vos vous le la les un une des dans en pour avec sur si seriez auriez pourriez serait
j ce cette ces notre nos mais et ou donc car comme chère cher madame monsieur au aux à salutations très""".split())


@dataclass
class Material:
    """What the model was given: the papers under their keys, the facts, and every text it may draw from."""

    facts: Facts
    text: str  # titles, authors, abstracts (made safe), the organisation's facts, the question or purpose
    people: dict[str, set[str]] = field(default_factory=dict)  # every author of the knowledge base -> ids
    company_text: str = ""
    trusted: str = ""  # text the system wrote itself (the offline answer): the people it names may be named

    @property
    def given(self) -> dict[str, Paper]:
        return self.facts.keys


def people_index(papers) -> dict[str, set[str]]:
    """Every author name of these papers, normalised, to the person ids it may mean."""
    out: dict[str, set[str]] = {}
    for paper in papers:
        for i, name in enumerate(paper.authors):
            if len(name.split()) >= 2:
                out.setdefault(normalise(name), set()).add(paper.author_ids[i] if i < len(paper.author_ids) else name)
    return out


def _flat(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


def _runs(typed: str) -> list[tuple[str, int]]:
    """Runs of capitalised words (joined by connectors), with the index of their first word in the sentence."""
    words = list(_WORD.finditer(typed))
    runs, i = [], 0
    while i < len(words):
        w = words[i].group(0)
        if not w[0].isupper():
            i += 1
            continue
        j = i
        while j + 1 < len(words):
            gap = typed[words[j].end() : words[j + 1].start()]
            nxt = words[j + 1].group(0)
            if gap.strip(" -:'’") or "\u2063" in gap:
                break
            if nxt[0].isupper():
                j += 1
                continue
            k = j + 1  # connectors may join capitalised words ("Translation at Scale")
            while k < len(words) and words[k].group(0).lower() in _CONNECTORS and not words[k].group(0)[0].isupper() \
                    and not typed[words[k - 1].end() : words[k].start()].strip(" -:'’"):
                k += 1
            if k < len(words) and k > j + 1 and words[k].group(0)[0].isupper() and \
                    not typed[words[k - 1].end() : words[k].start()].strip(" -:'’"):
                j = k
                continue
            break
        runs.append((typed[words[i].start() : words[j].end()], i))
        i = j + 1
    return runs


def _check_words(typed: str, material: Material, problems: list[str], bound: list[Paper]) -> None:
    low_material = material.text.casefold()
    candidate = material.facts.candidate
    own = {normalise(candidate.name)} | {normalise(v) for v in candidate.name_variants} if candidate else set()
    titles = {normalise(p.title): p for p in material.given.values()}
    abstracts = " ".join(untrusted.safe_text(p.abstract) for p in bound)
    person_words = set(candidate.name.split()) if candidate else set()
    for run, index in _runs(typed):
        words = run.split()
        while words and words[0].rstrip(",.") in _EXEMPT and len(words) > 1:  # "Hi Rico", "Dr Sennrich"
            words, index = words[1:], index + 1
        run = " ".join(words)
        if len(words) == 1 and (run in _EXEMPT or run.rstrip("'’s") in _EXEMPT):
            continue
        if set(w.rstrip("'’s") for w in words) <= person_words | {"’s", "'s"} or \
                all(w.rstrip("'’s").rstrip("'’") in person_words for w in words):
            continue  # the candidate's own name, or part of it
        if index == 0 and len(words) == 1:
            head = re.split(r"['’-]", run.lower())[0]
            # A capitalised first word is a name only if it looks like none of the words sentences begin with.
            if head in _STARTERS or re.search(rf"\b{re.escape(run.lower())}\b", low_material) or \
                    re.search(r"(?:ing|ly|ed|ez|ais|ons)$", head):
                continue
        key = normalise(run)
        if key in titles:
            continue
        people = [n for n in material.people if f" {n} " in f" {key} " and n not in own]
        trusted = f" {normalise(material.trusted)} "
        # A name the system's own answer gives (a "find" list) may be typed, but only beside that person's papers.
        authors = {i for p in bound for i in p.author_ids} | {normalise(a) for p in bound for a in p.authors}
        named = [n for n in people if f" {n} " not in trusted or (bound and not (material.people[n] | {n}) & authors)]
        if named:
            problems.append(f"typed the name {run!r}: people are named only through slots ({{coauthors:P1}}), "
                            f"never beside a paper they did not write")
            continue
        if people:
            continue
        part_of = [t for t in titles if f" {key} " in f" {t} " and key != t]
        if len(words) >= 3 and part_of and run not in abstracts:  # the abstract's own words are not a title
            problems.append(f"wrote {run!r}, part of a title: a title is written only as {{title:Pn}}")
            continue
        if any(f" {t} " in f" {key} " for t in titles):
            problems.append(f"wrote {run!r}, a title with words added: a title is written only as {{title:Pn}}")
            continue
        if run in material.text or (index == 0 and len(words) > 1 and run[0].lower() + run[1:] in material.text):
            continue
        problems.append(f"wrote {run!r}, which is not in the material: names, employers, events and titles "
                        f"come only from slots")


def _bindings(text: str, problems: list[str]) -> None:
    """A venue, year, co-author or link slot must follow the title slot of the same paper, if any precedes it."""
    last_title = None
    for m in SLOT.finditer(text):
        if m.group(1) == "title":
            last_title = m.group(2)
        elif m.group(1) and last_title and m.group(2) != last_title:
            problems.append(f"put {m.group(0)} beside {{title:{last_title}}}: each fact belongs to its own paper")


def check(sentence: Sentence, material: Material) -> list[str]:
    """The problems of one sentence as the model wrote it (slots unfilled); empty when it may be shown."""
    text = sentence.text
    problems = unknown_slots(text, material.facts)
    _bindings(text, problems)
    typed = _flat(SLOT.sub(_PLACEHOLDER, text))
    if any(m.group(1) for m in SLOT.finditer(text)) and len(_WORD.findall(typed)) < 2:
        problems.append("wrote a paper's slot with no sentence around it")
    keys = [k for k in [*sentence.papers, *(m.group(2) for m in SLOT.finditer(text) if m.group(2))]
            if k in material.given]
    bound = [material.given[k] for k in dict.fromkeys(keys)]
    abstracts = normalise(" ".join(untrusted.safe_text(p.abstract) for p in bound))
    said = f" {abstracts} "
    for kind in untrusted.payload(typed):
        problems.append(f"wrote a {kind}: contact and payment details come only from the organisation's facts")
    if untrusted.MONEY.search(typed):
        problems.append("wrote a sum of money or a payment")
    if untrusted.instruction_like(typed):
        problems.append("wrote an instruction to the reader")
    titles = {normalise(p.title) for p in material.given.values()}
    for m in _QUOTED.finditer(typed):
        quoted = normalise(next(g for g in m.groups() if g is not None))
        # A title is quoted whole or not at all; a short term may be quoted from the abstract it is in.
        term = len(quoted.split()) < MIN_TITLE_WORDS and f" {quoted} " in said and \
            not any(f" {quoted} " in f" {t} " for t in titles)
        if quoted not in titles and not term:
            problems.append(f"quoted {m.group(0)!r}, which is not exactly a title given: use {{title:Pn}}")
    for m in _YEAR.finditer(typed):
        if f" {m.group(1) or m.group(2)} " not in said:
            problems.append(f"typed the year {m.group(0)}: a year is written only as {{year:Pn}}")
    for venue in venue_mentions(typed):
        if f" {venue.acronym} " not in said:
            problems.append(f"typed the venue {venue.acronym.upper()}: a venue is written only as {{venue:Pn}}")
    for m in _VENUE_WORDS.finditer(typed):
        if f" {normalise(m.group(0))} " not in said:
            problems.append(f"typed {m.group(0)!r}: a venue is written only as {{venue:Pn}}")
    if claims_main_conference(typed) and (not bound or not all(is_main_conference(p.venue) for p in bound)):
        problems.append("said 'main conference' of a paper that was not at a main conference")
    for m in _HONOUR.finditer(typed):
        if f" {normalise(m.group(0))} " not in said:
            problems.append(f"claimed {m.group(0)!r}, which no abstract given says")
    numbers = f"{said} {normalise(material.company_text)} "
    for m in _NUMBER.finditer(typed):
        if f" {normalise(m.group(0))} " not in numbers and f" {normalise(m.group(1))} " not in numbers:
            problems.append(f"wrote the number {m.group(0)}, which the abstract of the paper it cites does not have")
    for word in re.findall(r"[^\W\d_]+", typed.lower()):
        if word in _NUMBER_WORDS and f" {word} " not in numbers:
            problems.append(f"wrote the number {word!r}, which the abstract of the paper it cites does not have")
    _check_words(typed, material, problems, bound)
    return list(dict.fromkeys(problems))
