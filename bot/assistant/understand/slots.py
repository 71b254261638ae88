"""Slots read from a message with what the knowledge base knows: titles, years, venues, channels, languages.

Each reader returns the value and the span it took, so the parser can mask the span ("TITLE", "YEAR")
before it compares the message with its labelled examples: the frame of a request, not its content,
says which operation it is.
"""

from __future__ import annotations

import datetime
import re
from collections import Counter
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from bot.venues import parse_venue
from bot.text import TITLE_MIN, fold, titles_match

_YEAR = re.compile(r"(?<![\w.-])(19[89]\d|20[0-4]\d)(?![\w-])")
# "2022 or later", "2019 and earlier": a bound after the year.
_OR_LATER = re.compile(r"\b(19[89]\d|20[0-4]\d)\s+(?:or|and) (?:later|after|since|newer|more recent|(earlier|before|"
                       r"older))\b|\b(19[89]\d|20[0-4]\d)\s+onwards?\b", re.I)
# "since 2019", "until 2020" hold the year; "after 2019", "before 2021" do not.
_SINCE = re.compile(r"\b(?:since|starting(?: in| from)?|depuis|(after|apr[eè]s))\s+(19[89]\d|20[0-4]\d)\b|"
                    r"\bfrom\s+(19[89]\d|20[0-4]\d)\s+(?:on|onwards?)\b", re.I)
_BEFORE = re.compile(r"\b(?:until|till|up to|up until|through|jusqu'en|(before|prior to|avant))\s+"
                     r"(19[89]\d|20[0-4]\d)\b", re.I)
_RANGE = re.compile(r"\b(19[89]\d|20[0-4]\d)\s*(?:-|–|to|and|through|until|à|et)\s*(19[89]\d|20[0-4]\d)\b", re.I)
# Single quotes open and close only beside a non-letter: "I'm … Wang's" is two apostrophes, not a quotation.
_QUOTED = re.compile(r"“([^”]{6,})”|\"([^\"]{6,})\"|(?<!\w)‘([^’]{6,})’(?!\w)|(?<!\w)'([^']{6,})'(?!\w)|"
                     r"«\s*([^»]{6,}?)\s*»|\*([^*]{6,})\*")
_CHANNEL = re.compile(r"\b(linked\s?in|inmail|whats\s?app|telegram|e-?mails?|mail)\b", re.I)
_LANGUAGES = {"french": "fr", "français": "fr", "francais": "fr", "english": "en", "anglais": "en",
              "german": "de", "deutsch": "de", "allemand": "de", "spanish": "es", "español": "es",
              "espagnol": "es", "italian": "it", "italien": "it", "portuguese": "pt", "chinese": "zh",
              "japanese": "ja", "dutch": "nl"}
_IN_LANGUAGE = re.compile(r"\b(?:in|into|to|en)\s+(" + "|".join(_LANGUAGES) + r")\b|\b(" + "|".join(_LANGUAGES)
                          + r")\s+(?:version|translation)\b|\btranslate\b.*?\b(" + "|".join(_LANGUAGES) + r")\b", re.I)
_FORMAL = re.compile(r"\b(?:formal\w*|polite\w*|professional\w*|respectful|courteous|less chatty|less casual|"
                     r"formel\w*|vouvo\w*)\b", re.I)
# Asked for outright in a new draft ("a casual note"), a tone below the default warm one.
_CASUAL_WORDS = r"casual|informal|relaxed|laid[- ]back|chill|d[ée]contract[ée]e?"
_CASUAL = re.compile(rf"\b(?:{_CASUAL_WORDS})\b", re.I)
_WARM = re.compile(rf"\b(?:warm\w*|friendl\w*|personal|less stiff|less formal|chaleureu\w*|{_CASUAL_WORDS})\b", re.I)
_SHORTER = re.compile(r"\b(?:short\w*|brief\w*|concise\w*|cut|trim\w*|wordy|condense\w*|tighten\w*|half as long|"
                      r"too long|less long|fewer words|court\w*|raccourci\w*)\b", re.I)
_REGENERATE = re.compile(r"\b(?:again|another (?:one|version|draft|take)|regenerate|redo|re-?write it|new version|"
                         r"different version|start over)\b", re.I)
_WHO = re.compile(r"\bwho\b|\bwhom\b|\b(?:co-?)?authors?\b|\bco-?authored\b|\bco-?wr(?:ote|itten)\b|\bwritten by\b|"
                  r"\b(?:write|wrote) it\b|\bauteurs?\b|^\W*qui\b", re.I)
_WHEN = re.compile(r"^\W*(?:and\s+)?when\b|\bwhen (?:was|were|did|does|do|is it|was it)\b|\b(?:what|which) year\b|"
                   r"\byear\b|\bdated?\b|\bhow old\b|\bpublished when\b|\bquand\b|\bann[ée]e\b", re.I)
_WHERE = re.compile(r"^\W*(?:and\s+)?where\b|\bwhere (?:was|were|did|does|is|was it)\b|\bvenue\b|\bconference\b|"
                    r"\bjournal\b|\b(?:appeared|published|presented|accepted) (?:at|in) (?:which|what)\b|"
                    r"\b(?:which|what) (?:venue|conference|journal|proceedings)\b|\bo[uù] (?:a|est|fut)\b|^\W*o[uù]\b", re.I)
_ABOUT = re.compile(r"\b(?:about|abstract|summary|summari[sz]e|gist|contribution|what does it|explain)\b", re.I)
_FIELDS = (
    ("email", re.compile(r"\b(?:e-?mail(?: address)?|contact details|reach (?:him|her|them)|address)\b", re.I)),
    ("affiliation", re.compile(r"\b(?:affiliation|employer|institution|university|lab|works? (?:at|for)|based|"
                               r"company|organi[sz]ation)\b|\bwhere\b.*\bwork\W*$", re.I)),
    ("links", re.compile(r"\b(?:homepage|website|web page|linkedin profile|profile link|links?|twitter|github|"
                         r"scholar page)\b", re.I)),
    ("languages", re.compile(r"\b(?:languages?|speaks?)\b", re.I)),
    ("notes", re.compile(r"\b(?:notes?|remarks?|comments?)\b", re.I)),
)
_COUNTED = r"(\d{1,2}|two|three|four|five|six|seven|eight|nine|ten)"
_LIMIT = re.compile(rf"\b(?:top|first|last|latest|(?:most recent|newest))\s+{_COUNTED}\b(?!\s+years?\b)|"
                    rf"\b{_COUNTED}\s+(?:most recent|newest|latest|last|first|earliest|oldest)\b|"
                    rf"\b(?:give|show|list|pick|name|suggest)\s+(?:me\s+|us\s+)?{_COUNTED}\s+(?:of\s+)?(?:\w+['’]s\s+)?"
                    rf"(?:papers|publications|articles)\b", re.I)
# "three people who …", "the top 5 candidates": how many people a search lists.
PEOPLE_COUNT = re.compile(rf"\b(?:the\s+)?(?:top\s+|best\s+)?{_COUNTED}\s+(?:people|persons|candidates|researchers|"
                          rf"experts|names|authors|scientists|folks)\b", re.I)
# "in the last three years", "over the past 2 years", "last year", "this year": counted back from today.
_RELATIVE = re.compile(rf"\b(?:(?:in|over|during|from|within|for)\s+)?(?:the\s+)?(?:last|past|previous)\s+"
                       rf"(?:{_COUNTED}\s+)?years\b|\b(?:(?:in|over|during|from|within|for)\s+)?"
                       rf"(?:the\s+)?(this|last|past)\s+year\b", re.I)
_NUMBERS = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10}


@dataclass
class Span:
    start: int
    end: int
    value: object


def years(text: str) -> tuple[int | None, int | None, list[Span]]:
    """The year range a message asks for: 'in 2020', 'since 2019', 'before 2021', '2018-2020'."""
    spans: list[Span] = []
    low = high = None
    if match := _RANGE.search(text):
        low, high = sorted((int(match.group(1)), int(match.group(2))))
        spans.append(Span(match.start(), match.end(), (low, high)))
    elif match := _OR_LATER.search(text):
        year = int(match.group(1) or match.group(3))
        low, high = (None, year) if match.group(2) else (year, None)
        spans.append(Span(match.start(), match.end(), year))
    elif match := _SINCE.search(text):
        group = 2 if match.group(2) else 3
        low = int(match.group(group)) + bool(match.group(1))
        spans.append(Span(match.start(group), match.end(group), low))
    elif match := _BEFORE.search(text):
        high = int(match.group(2)) - bool(match.group(1))
        spans.append(Span(match.start(2), match.end(2), high))
    elif found := [(int(m.group(1)), m) for m in _YEAR.finditer(text)]:
        low, high = min(y for y, _ in found), max(y for y, _ in found)
        spans += [Span(m.start(), m.end(), y) for y, m in found]
    elif match := _RELATIVE.search(text):
        this = datetime.date.today().year
        if match.group(2) is not None:  # "this year", "last year" (the one before), "the past year" (since then)
            said = match.group(2).lower()
            if said == "last" and re.search(r"\bthe\s+last", match.group(0), re.I):
                said = "past"  # "in the last year" is the twelve months, "last year" the calendar year
            low, high = {"this": (this, this), "last": (this - 1, this - 1)}.get(said, (this - 1, None))
        else:  # "the last three years": this one and the two before it
            counted = (match.group(1) or "1").lower()
            low = this - (_NUMBERS.get(counted) or int(counted)) + 1
        spans.append(Span(match.start(), match.end(), low))
    return low, high, spans


def family(venue: str | None) -> str | None:
    """'Findings of EMNLP 2020' -> 'Findings of EMNLP'; 'ACL-IJCNLP 2021' -> 'ACL': the one venue parser's reading."""
    parsed = parse_venue(venue)
    if parsed is None:
        return None
    name = {"conll": "CoNLL", "semeval": "SemEval", "neurips": "NeurIPS", "arxiv": "arXiv"}.get(parsed.acronym,
                                                                                             parsed.acronym.upper())
    return f"Findings of {name}" if parsed.findings else name


_VENUE_WORDS = re.compile(r"\b(?:findings(?:\s+(?:of|at|track of))?(?:\s+the)?\s+)?(?:acl|emnlp|naacl|eacl|aacl|"
                          r"tacl|conll|coling|lrec|wmt|iwslt|sigdial|semeval|inlg|iclr|icml|neurips|aaai|ijcai|"
                          r"interspeech|icassp)(?:[- ]ijcnlp)?(?:\s+findings)?\b", re.I)


# "Findings" alone, as a venue: capitalised, or before "papers" / "track" ("our findings show" is no venue).
_FINDINGS = re.compile(r"\bFindings\b|\b[Ff]indings(?= (?:papers?|track))")


_NOT = re.compile(r"(?:\bnot (?:at|in|from)|\bexcept(?: at| for)?|\bexcluding|\bother than|\boutside(?: of)?|"
                  r"\bapart from|\bbesides)\s+(?:the\s+)?$", re.I)


def venue(text: str) -> tuple[str | None, list[Span]]:
    """The venue families a message names ("ACL or EMNLP"), and where; "Findings" alone is every Findings track;
    "not at ACL", "except ACL" are every venue but it ("not ACL")."""
    found = [m for m in _VENUE_WORDS.finditer(text) if not re.match(r"\s*anthology", text[m.end():], re.I)]
    if not found:
        if findings := _FINDINGS.search(text):
            found = [findings]
        else:
            return None, []
    names = list(dict.fromkeys("Findings" if m.re is _FINDINGS else family(m.group()) for m in found))
    spans = [Span(m.start(), m.end(), m.group()) for m in found]
    wanted = " or ".join(n for n in names if n)
    if _NOT.search(text[:found[0].start()]):
        return f"not {wanted}", spans
    return wanted or None, spans


def in_family(venue_name: str | None, wanted: str) -> bool:
    """Whether a paper's venue is of the families asked for ("Findings": of any conference; "not X": any but X)."""
    if wanted.startswith("not "):
        return not in_family(venue_name, wanted[4:])
    found = family(venue_name)
    return any(found == one or one == "Findings" and bool(found) and found.startswith("Findings of")
               for one in wanted.split(" or "))


# A system's name before a title's colon ("PLATO: Pre-trained Dialogue Generation…", "Wino-X: …", "SIMMC 2.0: …"):
# one word with a capital inside, a digit or a hyphen, optionally a version number after it.
_SYSTEM_NAME = re.compile(r"([A-Za-z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*)(?: (\d+(?:\.\d+)*))?")


def system_name(title: str) -> str | None:
    """The name a paper gives its system or dataset before the colon of its title, if it gives one."""
    head = title.split(":", 1)[0].strip() if ":" in title else ""
    match = _SYSTEM_NAME.fullmatch(head)
    if not match or len(match.group(1)) < 3:
        return None
    word = match.group(1)
    # "UniNL", "PLATO", "Wino-X", "VIST5" are names; "Cross-Lingual" or "Revisited" are words.
    parts = word.split("-")
    # ... and so are coinages of three parts or more ("Skeleton-to-Response"); a term that other papers use
    # too ("sequence-to-sequence") is left out where the names are read (TitleIndex).
    named = re.search(r"[a-z0-9][A-Z]|\d", word) or any(part.isupper() for part in parts) or len(parts) >= 3
    return head if named or match.group(2) else None


class TitleIndex:
    """Titles of the catalog, found in a message exactly (folded) or, inside quotes, fuzzily; and the names
    titles give their systems, found written as the title writes them."""

    def __init__(self, papers):
        self._by_title: dict[str, list[str]] = {}
        self._by_name: dict[str, list[str]] = {}
        self._by_head: dict[str, list[str]] = {}  # "experts errors and context": the title before its colon
        for paper in papers:
            key = fold(paper.title)
            if len(key.split()) >= 3:
                self._by_title.setdefault(key, []).append(paper.id)
            head = fold(paper.title.split(":", 1)[0]) if ":" in paper.title else ""
            if len(head.split()) >= 2:
                self._by_head.setdefault(head, []).append(paper.id)
            if name := system_name(paper.title):
                self._by_name.setdefault(name, []).append(paper.id)
        self._keys = sorted(self._by_title, key=len, reverse=True)
        self._texts = [p.text() for p in papers]
        self._names = self._name_patterns(self._texts)
        self._folded: list[str] | None = None  # the texts folded, on first need
        self._head_own: dict[str, bool] = {}

    def _name_patterns(self, texts: list[str]) -> list[tuple[re.Pattern, dict[str, str]]]:
        """How the system names are found in a message: two alternations (names matched as the title writes them,
        and names matched in any case), each with the map from what it matches back to the name.

        A name is found as the title writes it, or in any case when the corpus never writes it in lower case
        ("unINL" is UniNL; "mutual" and "promise" are words, not MuTual and ProMISe). A name that other papers use
        too (a dataset, a metric: "MuST-C", "COMET") is what they work with, a topic, not this one paper."""
        documents: Counter = Counter()  # in how many texts each word appears, in any case
        lower: set[str] = set()  # the words written in lower case somewhere
        for text in texts:
            words = set(re.findall(r"(?<![\w-])[A-Za-z0-9]+(?:-[A-Za-z0-9]+)*(?![\w-])", text))
            documents.update({w.lower() for w in words})
            lower.update(w for w in words if w.islower())
        exact: dict[str, str] = {}
        folded: dict[str, str] = {}
        for name in sorted(self._by_name, key=len, reverse=True):  # longest first: "PLATO-XL" before "PLATO"
            word = name.split()[0].lower()
            # A version is its own name: "SIMMC 2.0" is that paper, though other papers work with SIMMC.
            used = documents[word] if " " not in name else sum(
                bool(re.search(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text, re.I)) for text in texts)
            if used > len(self._by_name[name]) + 1:
                continue  # used by other papers ("chit-chat models like DialoGPT")
            if word in lower:
                exact[name] = name
            else:
                folded.setdefault(name.lower(), name)
        out = []
        for names, flags in ((exact, 0), (folded, re.I)):
            if names:
                either = "|".join(re.escape(n) for n in sorted(names, key=len, reverse=True))
                out.append((re.compile(rf"(?<![\w-])(?:{either})(?![\w-])", flags), names))
        return out

    def named(self, text: str) -> tuple[list[str], Span | None]:
        """Paper ids of the system name the message writes (the papers that give it; the longest name when it
        writes several), and its span."""
        best = None
        for pattern, names in self._names:
            for match in pattern.finditer(text):
                name = names.get(match.group()) or names[match.group().lower()]
                if best is None or len(name) > len(best[0]):
                    best = (name, match)
        if best is None:
            return [], None
        name, match = best
        return self._by_name[name], Span(match.start(), match.end(), name)

    def find(self, text: str) -> tuple[list[str], Span | None]:
        """Paper ids of the title the message names (longest first), and the span to mask."""
        folded = f" {fold(text)} "
        for key in self._keys:
            if f" {key} " in folded:
                return self._by_title[key], _locate(text, key)
        for match in _QUOTED.finditer(text):
            quoted = fold(next(g for g in match.groups() if g))
            if len(self._by_head.get(quoted, ())) == 1 and self._own_head(quoted):
                return self._by_head[quoted], Span(match.start(), match.end(), quoted)  # a title cited short
            # rapidfuzz's C loop narrows 3,000 titles to the near ones; the one title rule then decides.
            near = process.extract(quoted, self._keys, scorer=fuzz.token_set_ratio, score_cutoff=TITLE_MIN, limit=5)
            hits = [key for key, _, _ in near if titles_match(quoted, key)]
            if hits:
                return self._by_title[hits[0]], Span(match.start(), match.end(), hits[0])
        return [], None

    def unmatched(self, text: str) -> Span | None:
        """A quoted phrase of five words or more that reads as a title and is none of the catalog's (``find``
        found nothing): a paper asked for by a title the knowledge does not hold."""
        for match in _QUOTED.finditer(text):
            said = next(g for g in match.groups() if g).strip()
            if len(fold(said).split()) >= 5:
                return Span(match.start(), match.end(), said)
        return None


    def _own_head(self, head: str) -> bool:
        """'Experts, Errors, and Context' is that paper's; 'Multilingual Neural Machine Translation', which other
        papers say too, is a topic (as with system names)."""
        if head not in self._head_own:
            if self._folded is None:
                self._folded = [f" {fold(text)} " for text in self._texts]
            used = sum(f" {head} " in text for text in self._folded)
            self._head_own[head] = used <= len(self._by_head[head]) + 1
        return self._head_own[head]


def _locate(text: str, key: str) -> Span:
    """The span of ``text`` whose folded words are ``key`` (folding changes offsets, so walk words)."""
    words = list(re.finditer(r"[^\W_]+", text))
    n = len(key.split())
    for i in range(len(words) - n + 1):
        if fold(text[words[i].start():words[i + n - 1].end()]) == key:
            return Span(words[i].start(), words[i + n - 1].end(), key)
    return Span(0, len(text), key)


def channel(text: str) -> str | None:
    match = _CHANNEL.search(text)
    if not match:
        return None
    word = re.sub(r"\s", "", match.group(1).lower())
    return {"inmail": "linkedin", "mail": "email", "emails": "email", "e-mail": "email", "e-mails": "email"}.get(
        word, word)


def language(text: str) -> str | None:
    match = _IN_LANGUAGE.search(text)
    return _LANGUAGES[next(g for g in match.groups() if g).lower()] if match else None


def tone(text: str) -> str | None:
    if _FORMAL.search(text):
        return "formal"
    if _CASUAL.search(text):
        return "casual"
    return "warm" if _WARM.search(text) else None


def revision(text: str) -> str | None:
    """How a message asks to change a draft, if it does."""
    if language(text):
        return "translate"
    if _SHORTER.search(text):
        return "shorter"
    if _FORMAL.search(text):
        return "formal"
    if _WARM.search(text):
        return "warmer"
    return "regenerate" if _REGENERATE.search(text) else None


def aspect(text: str) -> str | None:
    """Which fact of a paper is asked: authors, year, venue or content (the first cue that applies)."""
    for name, rx in (("who", _WHO), ("when", _WHEN), ("where", _WHERE), ("about", _ABOUT)):
        if rx.search(text):
            return name
    return None


def dossier_field(text: str) -> str | None:
    return next((name for name, rx in _FIELDS if rx.search(text)), None)


# One paper asked for: "which X paper …", "the paper where …", "what is it called?", "which one?", "title?".
_SINGLE = re.compile(r"\bpaper\b(?!s)(?![’']s\b)|\bwhich one\b|\b(?:what(?:'s| is| was)|which is)\s+(?:it|that|this)\b|"
                     r"\bcalled\b|\btitle\W*$|\bthe (?:article|publication|one) (?:that|where|which|on|about)\b", re.I)


# "Which of X's papers deals with …?": the verb after "papers" agrees with one of them ("deals", "is", "was"; not
# "deal", "discuss", "focus"), so one paper is asked for.
_ONE_OF_THE_PAPERS = re.compile(r"\bwhich of\b.{0,60}?\bpapers\s+(?:is|was|has|does|\w+[^su\W]s)\b", re.I)


def single(text: str) -> bool:
    """Whether a message asks for one paper rather than a list ("papers on …", "all of …", "any …" ask for more)."""
    if _ONE_OF_THE_PAPERS.search(text):
        return True
    if not _SINGLE.search(text) or re.search(r"\b(?:all|every|list|any)\b", text, re.I):
        return False
    return not re.search(r"\bpapers\b", text, re.I) or bool(re.search(r"\bwhich one\b|\bone of\b", text, re.I))


def limit(text: str) -> int | None:
    match = _LIMIT.search(text) or PEOPLE_COUNT.search(text)
    if not match:
        return None
    value = next(g for g in match.groups() if g).lower()
    return _NUMBERS.get(value) or int(value)
