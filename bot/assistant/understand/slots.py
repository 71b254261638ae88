"""Slots read from a message with what the knowledge base knows: years, venues, tracks, what is asked of a paper.

Each reader returns the value and the span it took, so the parser can mask the span ("TITLE", "YEAR")
before it compares the message with its labelled examples: the frame of a request, not its content,
says which operation it is. What a draft is asked to be (channel, language, tone, a revision, its purpose)
is read in draft_slots.py.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass

from bot.venues import parse_venue

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
_WHO = re.compile(r"\bwho\b|\bwhom\b|\b(?:co-?)?authors?\b|\bco-?authored\b|\bco-?wr(?:ote|itten)\b|\bwritten by\b|"
                  r"\b(?:write|wrote) it\b|\bauteurs?\b|^\W*qui\b", re.I)
_WHEN = re.compile(r"^\W*(?:and\s+)?when\b|\bwhen (?:was|were|did|does|do|is it|was it)\b|\b(?:what|which) year\b|"
                   r"\byear\b|\bdated?\b|\bhow old\b|\bpublished when\b|\bquand\b|\bann[ée]e\b", re.I)
_WHERE = re.compile(r"^\W*(?:and\s+)?where\b|\bwhere (?:was|were|did|does|is|was it)\b|\bvenue\b|\bconference\b|"
                    r"\bjournal\b|\b(?:appeared|published|presented|accepted) (?:at|in) (?:which|what)\b|"
                    r"\b(?:which|what) (?:venue|conference|journal|proceedings)\b|\bo[uù] (?:a|est|fut)\b|^\W*o[uù]\b|"
                    r"\b(?:published|appeared|presented|accepted)\s+where\b|"
                    # "was it at ACL?" (the venue is blanked by then): where it appeared, asked as yes or no
                    r"^\W*(?:and\s+)?(?:was|is|did) (?:it|that|this)(?: one| paper)?\s+(?:(?:appear|published|presented)\s+)?"
                    r"(?:at|in)\b", re.I)
# "what's its title again?": the paper itself, said whole.
_TITLE_ASKED = re.compile(r"\b(?:its|the|that|this) (?:paper's )?(?:title|name)\b", re.I)
# "the link?", "its DOI", "where can I read it": the paper's address.
_LINK = re.compile(r"\b(?:link|url|doi|pdf|download)\b|\bwhere can i (?:read|find|get) (?:it|that|this)\b", re.I)
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


# A track of the proceedings asked for: "her short paper", "their demo papers", "the student workshop paper".
_TRACK = re.compile(r"\b(?:(short)|(long)|(demo|system demonstration|software demonstration)|"
                    r"(student (?:research )?workshop|srw)|(industry(?: track)?))(?=[- ](?:papers?|track|submissions?|"
                    r"contributions?)\b)", re.I)
_TRACK_NAMES = ("short", "long", "demo", "student", "industry")
_DEMOS = re.compile(r"\b(?:demos|(?:system|software) demonstrations?)\b", re.I)  # "which of them were demos?"


def track(text: str) -> tuple[str | None, list[Span]]:
    """The track asked for ("a short paper": 'short'), and where the words that say it are."""
    match = _TRACK.search(text)
    if match:
        name = next(n for n, group in zip(_TRACK_NAMES, match.groups()) if group)
        return name, [Span(match.start(), match.end(), match.group())]
    if demos := _DEMOS.search(text):
        return "demo", [Span(demos.start(), demos.end(), demos.group())]
    return None, []


def aspect(text: str) -> str | None:
    """Which fact of a paper is asked: authors, year, link, venue or content (the first cue that applies)."""
    for name, rx in (("who", _WHO), ("when", _WHEN), ("link", _LINK), ("where", _WHERE), ("about", _ABOUT),
                     ("all", _TITLE_ASKED)):
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


# More than one asked for: "list …", "all (of) her papers", "every paper", "any papers", not "any explicit segmentation".
_MANY = re.compile(r"\blist\b|\b(?:all|every|any)\b(?:\s+(?:of|the|his|her|their|its|\w+['’]s)){0,2}\s+"
                   r"(?:papers?|publications?|works?|articles?)\b|\ball of (?:them|it)\b", re.I)


def single(text: str) -> bool:
    """Whether a message asks for one paper rather than a list ("papers on …", "all of …", "any …" ask for more)."""
    if _ONE_OF_THE_PAPERS.search(text):
        return True
    if not _SINGLE.search(text) or _MANY.search(text):
        return False
    return not re.search(r"\bpapers\b", text, re.I) or bool(re.search(r"\bwhich one\b|\bone of\b", text, re.I))


# A list asked in an order: "oldest first", "from the earliest", "in chronological order", "newest first".
_OLDEST_FIRST = re.compile(r"\b(?:oldest|earliest|first)[- ](?:first|to (?:the )?(?:newest|latest|most recent))\b|"
                           r"\bfrom (?:the )?(?:oldest|earliest)\b|\bchronologic(?:al)?(?:ally)?\b|"
                           r"\b(?:sorted|ordered) by (?:publication )?(?:year|date)\b|\bascending\b", re.I)
_NEWEST_FIRST = re.compile(r"\b(?:newest|latest|most recent)[- ]first\b|\breverse chronologic\w*|"
                           r"\bfrom (?:the )?(?:newest|latest|most recent)\b|\bdescending\b", re.I)


def order(text: str) -> str | None:
    """The order a list is asked in: "oldest" ("oldest first", "in chronological order"), "newest" or None."""
    if _NEWEST_FIRST.search(text):
        return "newest"
    return "oldest" if _OLDEST_FIRST.search(text) else None


def limit(text: str) -> int | None:
    match = _LIMIT.search(text) or PEOPLE_COUNT.search(text)
    if not match:
        return None
    value = next(g for g in match.groups() if g).lower()
    return _NUMBERS.get(value) or int(value)
