"""What the name resolver looks names up in: every way each candidate's name is written, and the words of the
papers too ordinary to be a surname alone."""

from __future__ import annotations

import re
from collections import Counter, defaultdict

from bot.knowledge.untrusted import URL
from bot.text import fold


class NameIndex:
    """Each candidate's names, keyed every way a question may write them: whole, by surname, given name, initials."""

    def __init__(self, names: dict[str, list[str]], weight: dict[str, int] | None = None,
                 common: set[str] | frozenset[str] = frozenset()):
        """``names`` maps a person id to their names; ``weight`` (paper counts) orders ambiguous choices;
        ``common`` holds words frequent in the papers' text ("German", "Cross", "Post"), never surnames alone."""
        self._weight = weight or {}
        self._common = common
        self._full: dict[str, set[str]] = defaultdict(set)
        self._exact: dict[str, set[str]] = defaultdict(set)  # a name as its holders write it, whole
        self._surname: dict[str, set[str]] = defaultdict(set)
        self._first: dict[str, set[str]] = defaultdict(set)
        self._given: dict[str, set[str]] = defaultdict(set)  # person id -> every given-name token they use
        self._compound: dict[str, set[str]] = defaultdict(set)  # "callison burch" -> its holders
        self._initials: dict[str, set[str]] = defaultdict(set)  # "w y wang" and "w wang" -> William Yang Wang
        self._accented: set[str] = set()  # surnames as their holders write them with accents ("müller")
        for person_id, variants in names.items():
            for variant in variants:
                if variant.split() and fold(variant.split()[-1]) != variant.split()[-1].lower():
                    self._accented.add(variant.split()[-1].lower())
                tokens = fold(variant).split()
                if not tokens:
                    continue
                if len(tokens) >= 2:
                    letters = [t[0] for t in tokens[:-1]]
                    self._initials[" ".join(letters + tokens[-1:])].add(person_id)
                    self._initials[f"{letters[0]} {tokens[-1]}"].add(person_id)
                self._full[" ".join(tokens)].add(person_id)
                self._exact[" ".join(tokens)].add(person_id)
                if len(tokens) > 2:
                    self._full[f"{tokens[0]} {tokens[-1]}"].add(person_id)
                words = variant.split()
                if len(words) >= 2 and "-" in words[-1]:  # "Callison-Burch": one surname of two words
                    self._compound[fold(words[-1])].add(person_id)
                    self._given[person_id].update(fold(" ".join(words[:-1])).split())
                if len(tokens) >= 2:
                    self._full["".join(tokens[:-1]) + " " + tokens[-1]].add(person_id)
                    self._surname[tokens[-1]].add(person_id)
                    self._first[tokens[0]].add(person_id)
                    self._given[person_id].update(tokens[:-1])
        # Near spellings are searched among names with the same first letter: a typo there is rare, and
        # comparing against a 26th of the names keeps resolution around a millisecond.
        self._by_initial: dict[str, list[str]] = defaultdict(list)
        for key in self._full:
            self._by_initial[key[0]].append(key)

    def _ordered(self, ids: set[str]) -> list[str]:
        return sorted(ids, key=lambda i: (-self._weight.get(i, 0), i))

    @property
    def common(self) -> frozenset[str] | set[str]:
        """Folded words too ordinary in the papers' text to be a name alone (see common_words)."""
        return self._common


# "Zhang et al." and "(Chen et al., 2020)" name people; they must not make a surname look like a word.
_CITATION = re.compile(r"\b[A-Z][\w'’-]+(?:\s+(?:and|&)\s+[A-Z][\w'’-]+)?\s+et\s+al\b\.?|\([^()]*\d{4}[^()]*\)")


def common_words(texts, min_documents: int = 3) -> set[str]:
    """Folded words found in at least ``min_documents`` texts (citations and links aside): too ordinary to be a
    surname on their own ("German", "Cross", "Post"). A two-letter word counts only where it is written in
    lower case: capitalised, "Su" or "Yu" in an abstract is a name or an abbreviation, not a word."""
    counts: Counter[str] = Counter()
    lower: Counter[str] = Counter()
    for text in texts:
        text = URL.sub(" ", _CITATION.sub(" ", text))  # "github.com/yifan-gao/..." holds no word
        counts.update(set(fold(text).split()))
        lower.update({w for w in re.findall(r"\b[a-z]{2}\b", text)})
    return {word for word, n in counts.items()
            if n >= min_documents and (len(word) != 2 or lower[word] >= min_documents)}
