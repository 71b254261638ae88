"""The text rules of the evaluation: normalising, years, venues and title-like strings in free text."""

from __future__ import annotations

import re

from bot.text import TITLE_MIN, WHOLE_MIN, titles_match

from bot.venues import PAPER_ID, VENUE_ACRONYMS, normalise, venue_mentions  # noqa: F401 - one parser

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
_YEAR = re.compile(r"(?<![\w.-])(19\d\d|20\d\d)(?![\w-])")
_QUOTED = re.compile(r"“([^”]+)”|\"([^\"]+)\"|«\s*([^»]+?)\s*»")
_REFERENCE_LINE = re.compile(r"^\s*\[[^\]\n]{1,30}\]\s*(.+)$", re.MULTILINE)
SEGMENT_SPLIT = re.compile(r"\n|;|•|(?<=[.!?])\s+|\s[-–—]\s|[()\[\]]")


def contains_words(haystack: str, needle: str) -> bool:
    """Whole-word containment of one normalised string in another."""
    return bool(needle) and f" {needle} " in f" {haystack} "


def first_year(text: str) -> int | None:
    """The first plausible 4-digit year in free text (paper ids such as P19-1021 are skipped)."""
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def venue_matches(answer: str, gold_venue: str) -> bool:
    """The answer's first venue mention equals the gold venue; a year given in the answer must match."""
    gold, found = venue_mentions(gold_venue), venue_mentions(answer)
    if not gold or not found:
        return False
    want, got = gold[0], found[0]
    gold_year, year = want.year, got.year if got.year is not None else first_year(answer)
    return (got.findings, got.acronym) == (want.findings, want.acronym) and (
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


