"""Titles in a message: the catalog's titles found exactly (folded) or, inside quotes, fuzzily, and the names
titles give their systems ("PLATO", "Wino-X"), found written as the title writes them."""

from __future__ import annotations

import re
from collections import Counter

from rapidfuzz import fuzz, process

from bot.assistant.understand.slots import Span
from bot.text import TITLE_MIN, fold, titles_match

# Single quotes open and close only beside a non-letter: "I'm … Wang's" is two apostrophes, not a quotation.
_QUOTED = re.compile(r"“([^”]{6,})”|\"([^\"]{6,})\"|(?<!\w)‘([^’]{6,})’(?!\w)|(?<!\w)'([^']{6,})'(?!\w)|"
                     r"«\s*([^»]{6,}?)\s*»|\*([^*]{6,})\*")


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


def _plain_name(title: str) -> str | None:
    """A system named by one capitalised word before the title's colon ("Nematus: a Toolkit for …"): a name only
    where the corpus uses the word for that paper alone (see TitleIndex._name_patterns)."""
    head = title.split(":", 1)[0].strip() if ":" in title else ""
    return head if re.fullmatch(r"[A-Z][a-z]{3,}", head) else None


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
            if name := system_name(paper.title) or _plain_name(paper.title):
                self._by_name.setdefault(name, []).append(paper.id)
        self._keys = sorted(self._by_title, key=len, reverse=True)
        self._texts = [p.text() for p in papers]
        # A plain word is a name only as the title writes it, and never when it is a person's ("Pearl: …", Pearl Pu).
        self._people_words = {w.lower() for paper in papers for author in paper.authors for w in author.split()}
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
            plain = name == _plain_name(f"{name}:")
            if plain and word in self._people_words:
                continue
            if word in lower or plain:
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
