"""The text rules of the evaluation: normalising, years, venues and title-like strings in free text."""

from __future__ import annotations

import re

from bot.text import TITLE_MIN, WHOLE_MIN, fold, titles_match

QUESTION_TYPES = ("paper", "fact", "expert", "none", "draft")
REQUIRED_FIELDS = ("id", "type", "lang", "candidate", "gold_paper_ids", "gold_author_ids", "gold_answer")
FUZZY_TITLE_MIN = TITLE_MIN
FUZZY_WHOLE_MIN = WHOLE_MIN
MIN_TITLE_LIKE_WORDS = 4
NOTHING_FOUND_PHRASES = (
    "found nothing", "nothing found", "no paper", "no papers", "nothing relevant", "not found",
    "no relevant", "no matching", "did not find", "didn t find", "could not find", "couldn t find",
    "no publication", "no publications", "no evidence", "has not published", "hasn t published",
    "no work on", "aucun article", "rien trouve",
)
VENUE_ACRONYMS = {
    "acl", "emnlp", "naacl", "eacl", "aacl", "tacl", "conll", "coling", "ijcnlp", "lrec", "semeval",
    "wmt", "iwslt", "sigdial", "inlg", "iclr", "icml", "neurips", "nips", "aaai", "ijcai", "interspeech",
    "icassp", "arxiv",
}
_ACL = "association for computational linguistics"
# Long forms of the venues, rewritten to acronyms on normalised text; chapters before the annual meeting.
VENUE_LONG_FORMS = (
    (f"findings of the {_ACL}", "findings of"), (f"transactions of the {_ACL}", "tacl"),
    (f"north american chapter of the {_ACL}", "naacl"), (f"european chapter of the {_ACL}", "eacl"),
    (f"asia pacific chapter of the {_ACL}", "aacl"), (f"annual meeting of the {_ACL}", "acl"),
    ("empirical methods in natural language processing", "emnlp"),
    ("computational natural language learning", "conll"),
    ("international joint conference on natural language processing", "ijcnlp"),
)
# "ACL" in these phrases names an organisation or a website, not where a paper appeared.
NON_VENUE_FOLLOWERS = {"anthology", "rolling", "arr", "sigdat"}
_YEAR = re.compile(r"(?<![\w.-])(19\d\d|20\d\d)(?![\w-])")
PAPER_ID = re.compile(r"\b(?:[A-Z]\d\d-\d{4}|\d{4}\.[a-z]+-[a-z]+\.\d+)\b")
_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"|«\s*([^»]+?)\s*»")
_REFERENCE_LINE = re.compile(r"^\s*\[[^\]\n]{1,30}\]\s*(.+)$", re.MULTILINE)
SEGMENT_SPLIT = re.compile(r"\n|;|•|(?<=[.!?])\s+|\s[-–—]\s|[()\[\]]")


def normalise(text: str) -> str:
    """NFKD, diacritics stripped, lowercased, punctuation and spaces collapsed: ``bot.text.fold``."""
    return fold(text)


def contains_words(haystack: str, needle: str) -> bool:
    """Whole-word containment of one normalised string in another."""
    return bool(needle) and f" {needle} " in f" {haystack} "


def first_year(text: str) -> int | None:
    """The first plausible 4-digit year in free text (paper ids such as P19-1021 are skipped)."""
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def venue_mentions(text: str) -> list[tuple[bool, str, int | None]]:
    """Venue mentions in order, as (is_findings, acronym, year or None); '-ijcnlp' co-location is dropped."""
    flat = normalise(PAPER_ID.sub(" ", text))  # "2021.emnlp-main.736" is an id, not a mention
    for long_form, short in VENUE_LONG_FORMS:
        flat = re.sub(rf"\b{long_form}\b", short, flat)
    tokens = flat.split()
    mentions = []
    for i, token in enumerate(tokens):
        if token not in VENUE_ACRONYMS or (token == "ijcnlp" and i and tokens[i - 1] in VENUE_ACRONYMS):
            continue
        after = tokens[i + 1 : i + 4]
        if after and after[0] == "ijcnlp":
            after = after[1:]
        if after and after[0] in NON_VENUE_FOLLOWERS:
            continue
        year = None
        if after and re.fullmatch(r"(19|20)\d\d", after[0]):
            year = int(after[0])
        elif after and re.fullmatch(r"\d\d", after[0]):  # "ACL'21"
            year = 2000 + int(after[0])
        # "Findings of EMNLP", "the Findings track of EMNLP", "EMNLP 2020 Findings".
        findings = "findings" in tokens[max(0, i - 3) : i] or "findings" in after[:2]
        mentions.append((findings, token, year))
    return mentions


def venue_matches(answer: str, gold_venue: str) -> bool:
    """The answer's first venue mention equals the gold venue; a year given in the answer must match."""
    gold, found = venue_mentions(gold_venue), venue_mentions(answer)
    if not gold or not found:
        return False
    (gold_findings, gold_acronym, gold_year), (findings, acronym, year) = gold[0], found[0]
    year = year if year is not None else first_year(answer)
    return (findings, acronym) == (gold_findings, gold_acronym) and (
        year is None or gold_year is None or year == gold_year
    )


def title_like_strings(text: str) -> list[str]:
    """Strings that present themselves as titles: quoted, in guillemets, or after a [n] reference marker."""
    quoted = [next(group for group in match.groups() if group) for match in _QUOTED.finditer(text)]
    referenced = [match.group(1) for match in _REFERENCE_LINE.finditer(text)]
    return [s.strip() for s in quoted + referenced if s.strip()]


def fuzzy_title_match(fragment: str, title: str) -> bool:
    """The project's one title matcher (``bot.text.titles_match``) on two normalised strings."""
    return titles_match(fragment, title)


