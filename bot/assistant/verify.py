"""The verifier that runs on every model output before anyone sees it.

The model is shown retrieved papers under opaque keys (``[P1]``, ``[P2]`` ...). ``verify`` checks what it
wrote against the knowledge base, sentence by sentence:

* given keys become numbered references ``[1]``, ``[2]`` in order of first citation; keys never given
  are stripped;
* a quoted or italicised string of four words or more must fuzzily match a paper of the candidate's (or,
  with no candidate, one of the given papers); a match, or such a title written out unquoted, counts as
  citing that paper;
* in a sentence that cites papers, a year must be one of theirs (a single wrong year is repaired), a
  corpus author named must be one of their authors, and a venue acronym one of their venues; in a
  sentence that cites none, a corpus author named must be an author of a paper it may cite;
* links must be known paper links (or explicitly allowed ones), else they are stripped.

With ``remove=False`` only deterministic fixes are applied (keys, unknown keys, years, links) and the
caller may regenerate with ``problems``; with ``remove=True`` sentences with unfixable problems go too.
"""

from __future__ import annotations

import logging
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Iterable, Mapping

from rapidfuzz import fuzz

from bot.models import Paper

logger = logging.getLogger(__name__)

TITLE_MATCH_THRESHOLD = 90
MIN_TITLE_WORDS = 4

_YEAR = re.compile(r"(?<![\w/.-])(199\d|20[0-2]\d|2030)(?![\w/-])")
_URL = re.compile(r"https?://[^\s<>\"'\])]+")
_MD_LINK = re.compile(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)")
_QUOTED = re.compile(r'"([^"\n]+)"|“([^”\n]+)”|«([^»\n]+)»|‘([^’\n]+)’|(?<![*\w])\*([^*\s][^*\n]*)\*(?![*\w])')
_BOUNDARY = re.compile(
    r"(?P<end>[.!?][\"”»’*)]?(?:[ \t]*\[[^\]\n]{1,40}\])*)(?P<sep>[ \t]+)(?=[\"“«‘*(\[]?[A-Z0-9])|(?P<nl>[ \t]*\n\s*)"
)
_ABBREVIATIONS = {"al", "e.g", "i.e", "etc", "vs", "dr", "prof", "mr", "ms", "mrs", "cf", "fig", "no", "st", "jr"}
_WORD = re.compile(r"[^\W\d_][\w'’.-]*")
_ACRONYM = re.compile(r"\b[A-Z][A-Za-z]*[A-Z][A-Za-z0-9]*\b")
# Acronyms that occur in venue names but also in ordinary prose about research; never read as venues.
_GENERIC_ACRONYMS = {"NLP", "AI", "ML", "MT", "NMT", "LLM", "LLMs", "ASR", "QA", "NLG", "NLU", "IR", "CV", "IEEE", "ACM"}


@dataclass
class Verdict:
    """What the verifier made of one model output."""

    text: str  # the text to show: keys rewritten as [n], repairs applied, bad sentences gone if remove=True
    cited: list[str]  # paper ids in order of first citation; cited[n - 1] is reference [n]
    problems: list[str]  # human-readable reasons, fit to hand back to the model when regenerating
    removed: int = 0  # sentences removed
    repaired: int = 0  # wrong years replaced, unknown keys and links stripped
    unfixable: list[str] = field(default_factory=list)  # the problems that repairs could not fix

    @property
    def ok(self) -> bool:
        """True when nothing was wrong at all."""
        return not self.problems


def _norm(text: str) -> str:
    """Lower case, no accents, punctuation as spaces, single spaces."""
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold()
    return " ".join(re.sub(r"[^\w\s]|_", " ", text).split())


def _name_key(name: str) -> str:
    return _norm(re.sub(r"['’]s\b", "", name))


def _venue_tokens(venue: str | None) -> set[str]:
    return {t for t in _ACRONYM.findall(venue or "") if t not in _GENERIC_ACRONYMS}


def _spans(pattern: re.Pattern[str], text: str) -> list[tuple[int, int]]:
    return [m.span() for m in pattern.finditer(text)]


def _inside(pos: int, spans: Iterable[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _segments(text: str) -> list[list[str]]:
    """Splits text into [sentence, separator] pairs whose concatenation is the text."""
    protected = _spans(_QUOTED, text)
    out, start = [], 0
    for m in _BOUNDARY.finditer(text):
        if m.group("nl") is not None:
            cut, sep_end = m.start(), m.end()
        else:
            word = re.search(r"(\S+)$", text[start : m.start() + 1])
            token = word.group(1).rstrip(".!?").lstrip("(\"“").casefold() if word else ""
            if _inside(m.start(), protected) or token in _ABBREVIATIONS or (len(token) == 1 and token.isalpha()):
                continue
            cut, sep_end = m.start("sep"), m.end()
        out.append([text[start:cut], text[cut:sep_end]])
        start = sep_end
    if start < len(text):
        out.append([text[start:], ""])
    return out


class _Checker:
    """Holds what verify needs to know about the papers; one per call."""

    def __init__(self, keys: Mapping[str, Paper], title_pool: list[Paper], all_papers: Mapping[str, Paper],
                 allowed_urls: Iterable[str]) -> None:
        self.keys = {k.strip("[] "): p for k, p in keys.items()}
        prefixes = sorted({re.match(r"[A-Za-z]*", k).group() for k in self.keys} or {"P"}, key=len, reverse=True)
        pfx = "|".join(re.escape(p) for p in prefixes if p) or "P"
        self.marker = re.compile(rf"[ \t]*\[\s*((?:{pfx})\d+(?:\s*[,;]\s*(?:{pfx})\d+)*)\s*\]")
        self.titles = [(_norm(p.title), p) for p in title_pool]
        # Whom a sentence that cites nothing may name: the authors of the papers the text may cite.
        self.around = {p.id: p for p in [*title_pool, *self.keys.values()]}.values()
        self.urls = {u.rstrip("/") for u in allowed_urls} | {p.url.rstrip("/") for p in all_papers.values() if p.url}
        self.people: dict[str, set[str]] = {}
        self.venues: set[str] = set()
        for paper in all_papers.values():
            self.venues |= _venue_tokens(paper.venue)
            for i, name in enumerate(paper.authors):
                person = paper.author_ids[i] if i < len(paper.author_ids) else _name_key(name)
                self.people.setdefault(_name_key(name), set()).add(person)

    def fix_links(self, s: str, problems: list[str]) -> tuple[str, int]:
        """Strips links that are not known paper links; returns the text and how many went."""
        fixed = 0

        def md(m: re.Match[str]) -> str:
            nonlocal fixed
            if m.group(2).rstrip("/") in self.urls:
                return m.group(0)
            fixed += 1
            problems.append(f"linked {m.group(2)}, which is not the link of a known paper")
            return m.group(1)

        def bare(m: re.Match[str]) -> str:
            nonlocal fixed
            url = m.group(0).rstrip(".,;:!?")
            if url.rstrip("/") in self.urls:
                return m.group(0)
            fixed += 1
            problems.append(f"linked {url}, which is not the link of a known paper")
            return m.group(0)[len(url) :]

        s = _MD_LINK.sub(md, s)
        return _URL.sub(bare, s), fixed

    def citations(self, s: str, problems: list[str], unfixable: list[str]) -> list[Paper]:
        """Papers cited in s, by key or by quoted title, in order; records unknown keys and unknown titles."""
        events: list[tuple[int, Paper]] = []
        for m in self.marker.finditer(s):
            for token in re.split(r"\s*[,;]\s*", m.group(1)):
                if token in self.keys:
                    events.append((m.start(), self.keys[token]))
                else:
                    problems.append(f"cited [{token}], which is not one of the papers given")
        for m in _QUOTED.finditer(s):
            quoted = next(g for g in m.groups() if g is not None)
            if len(quoted.split()) < MIN_TITLE_WORDS:
                continue
            target = _norm(quoted)
            best = max(self.titles, key=lambda t: fuzz.token_set_ratio(target, t[0]), default=None)
            if best is not None and fuzz.token_set_ratio(target, best[0]) >= TITLE_MATCH_THRESHOLD:
                events.append((m.start(), best[1]))
            else:
                reason = f'"{quoted.strip()}" is not the title of any paper it may cite'
                problems.append(reason)
                unfixable.append(reason)
        plain, found = _norm(s), {p.id for _, p in events}
        for title, paper in self.titles:  # a title written out without quotes cites its paper too
            if paper.id not in found and len(title.split()) >= MIN_TITLE_WORDS and f" {title} " in f" {plain} ":
                found.add(paper.id)
                events.append((max(0, s.casefold().find(paper.title.casefold()[:12])), paper))
        return [p for _, p in sorted(events, key=lambda e: e[0])]

    def fix_years(self, s: str, cited: list[Paper], problems: list[str], unfixable: list[str]) -> tuple[str, int]:
        """Replaces a wrong year when the sentence cites papers of a single year; flags it otherwise."""
        years = {p.year for p in cited if p.year}
        if not years:
            return s, 0
        shielded = _spans(_QUOTED, s) + _spans(_URL, s)
        title = cited[0].title
        fixed = 0

        def check(m: re.Match[str]) -> str:
            nonlocal fixed
            year = int(m.group(1))
            if year in years or _inside(m.start(), shielded):
                return m.group(0)
            if len(years) == 1:
                right = next(iter(years))
                problems.append(f'gave {year} for "{title}", which is from {right}')
                fixed += 1
                return str(right)
            reason = f"gave {year}, which is not the year of any paper cited in that sentence"
            problems.append(reason)
            unfixable.append(reason)
            return m.group(0)

        return _YEAR.sub(check, s), fixed

    def check_people(self, s: str, cited: list[Paper], problems: list[str], unfixable: list[str]) -> None:
        """Flags corpus authors named beside papers they did not write, or beside none they may have."""
        papers = cited or self.around
        if not papers:
            return
        ids = {i for p in papers for i in p.author_ids} | {_name_key(a) for p in papers for a in p.authors}
        words = [w for w in _WORD.findall(s)]
        seen: set[str] = set()
        for i, first in enumerate(words):
            if not first[0].isupper():
                continue
            for n in (4, 3, 2):
                key = _name_key(" ".join(words[i : i + n]))
                if len(words[i : i + n]) == n and key in self.people and key not in seen:
                    seen.add(key)
                    if not (self.people[key] & ids or key in ids):
                        name = " ".join(words[i : i + n]).rstrip(".,;:")
                        reason = (f'named {name} beside "{cited[0].title}", but {name} is not among its authors'
                                  if cited else f"named {name}, who wrote none of the papers it may cite")
                        problems.append(reason)
                        unfixable.append(reason)
                    break

    def check_venues(self, s: str, cited: list[Paper], problems: list[str], unfixable: list[str]) -> None:
        """Flags a known venue acronym that is not the venue of any cited paper (when all venues are known)."""
        if not self.venues or any(not p.venue for p in cited):
            return
        allowed = set().union(*(_venue_tokens(p.venue) for p in cited))
        shielded = _spans(_QUOTED, s)
        for m in _ACRONYM.finditer(s):
            if m.group(0) in self.venues and m.group(0) not in allowed and not _inside(m.start(), shielded):
                reason = f'named the venue {m.group(0)} for "{cited[0].title}", which appeared in {cited[0].venue}'
                problems.append(reason)
                unfixable.append(reason)

    def renumber(self, s: str, numbers: dict[str, int]) -> str:
        """Rewrites given keys as [n] and strips the others."""

        def sub(m: re.Match[str]) -> str:
            refs: list[int] = []
            for token in re.split(r"\s*[,;]\s*", m.group(1)):
                paper = self.keys.get(token)
                if paper is not None and numbers[paper.id] not in refs:
                    refs.append(numbers[paper.id])
            lead = m.group(0)[: len(m.group(0)) - len(m.group(0).lstrip(" \t"))]
            return f"{lead}[{', '.join(map(str, refs))}]" if refs else ""

        return self.marker.sub(sub, s)


def _tidy(s: str) -> str:
    s = re.sub(r"[ \t]{2,}", " ", s)
    s = re.sub(r"[ \t]+([.,;:!?])", r"\1", s)
    return re.sub(r"\(\s*\)", "", s).strip(" \t") if s.strip() else ""


def verify(text: str, keys: Mapping[str, Paper], candidate_papers: list[Paper], all_papers: Mapping[str, Paper],
           candidate_id: str | None, *, remove: bool = False, allowed_urls: Iterable[str] = ()) -> Verdict:
    """Checks a model output against the papers it was given; see the module docstring for the rules."""
    pool = candidate_papers if candidate_id is not None and candidate_papers else list(keys.values())
    checker = _Checker(keys, pool, all_papers, allowed_urls)
    problems: list[str] = []
    unfixable_all: list[str] = []
    kept: list[tuple[str, str, list[Paper], bool]] = []
    removed = repaired = 0
    segments = _segments(text)
    for index, (sentence, sep) in enumerate(segments):
        unfixable: list[str] = []
        s, fixed = checker.fix_links(sentence, problems)
        before = len(problems)
        cited = checker.citations(s, problems, unfixable)
        fixed += len(problems) - before - len(unfixable)  # unknown keys are stripped when renumbering
        if cited:
            s, years_fixed = checker.fix_years(s, cited, problems, unfixable)
            fixed += years_fixed
            checker.check_venues(s, cited, problems, unfixable)
        checker.check_people(s, cited, problems, unfixable)
        repaired += fixed
        unfixable_all += unfixable
        if remove and unfixable:
            removed += 1
            # The gap after a removed sentence replaces the one before it when it is the larger break or the end.
            if kept and (index == len(segments) - 1 or sep.count("\n") > kept[-1][1].count("\n")):
                kept[-1] = (kept[-1][0], sep, kept[-1][2], kept[-1][3])
            continue
        kept.append((s, sep, cited, s != sentence or fixed > 0))
    numbers: dict[str, int] = {}
    for _, _, cited, _ in kept:
        for paper in cited:
            numbers.setdefault(paper.id, len(numbers) + 1)
    parts = []
    for s, sep, _, changed in kept:
        rewritten = checker.renumber(s, numbers)
        parts.append((_tidy(rewritten) if changed else rewritten) + sep)
    out = "".join(parts)
    if problems:
        logger.info("verifier: %s problems, %s repaired, %s sentences removed", len(problems), repaired, removed)
    return Verdict(out, list(numbers), problems, removed, repaired, unfixable_all)
