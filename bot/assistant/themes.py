"""What a person's titles return to: the phrases of their profile ("non-autoregressive machine translation")."""

from __future__ import annotations

import re
from collections import Counter

from bot.assistant.topics import THEME_STOP, TITLE_STOP
from bot.models import Paper

_THEME_ALONE = set("data text corpus corpora dataset datasets benchmark benchmarks training generation".split())


def themes(papers: list[Paper], n: int = 5, modifying: frozenset[str] = frozenset()) -> list[str]:
    """The phrases a person's titles return to (at least twice), longest first: "non-autoregressive machine
    translation" rather than its pieces; a word of ``modifying`` (see modifiers) is never a theme alone."""
    counts: Counter[str] = Counter()
    after: dict[str, Counter] = {}  # the words that follow each word in these titles
    for paper in papers:
        tokens = re.findall(r"[a-z][a-z-]+", paper.title.lower())
        for word, following in zip(tokens, tokens[1:]):
            after.setdefault(word, Counter())[following] += 1
        grams = set()
        for size in (3, 2, 1):
            for i in range(len(tokens) - size + 1):
                gram = tokens[i:i + size]
                if gram[0] not in THEME_STOP and gram[-1] not in THEME_STOP:
                    grams.add(" ".join(gram))
        counts.update(grams)
    chosen: list[str] = []
    ranked = sorted(((g, k) for g, k in counts.items() if k >= 2), key=lambda item: (-item[1] * len(item[0].split())
                                                                                     ** 0.5, item[0]))
    for gram, _ in ranked:
        if any(len(word) <= 3 and word not in TITLE_STOP for word in gram.split()) or gram in _THEME_ALONE \
                or gram in modifying:
            continue  # "mt", "nmt for sami": an acronym, lowercased, reads as nothing; "data" alone says nothing
        last = gram.split()[-1]
        if last in after and after[last].most_common(1)[0][1] >= 0.8 * counts[last] and counts[last] >= 2:
            continue  # "simultaneous machine": cut off before the word its last word nearly always has next
        words = set(gram.split())
        if any(words <= set(c.split()) for c in chosen) or " " not in gram and counts[gram] < min(3, len(papers) / 4):
            continue  # a word alone is a theme when three titles (or a quarter) say it: "reduces" twice is chance
        # A longer phrase holds the words of a shorter one chosen before ("translation" then "speech translation",
        # "multilingual translation" then "multilingual machine translation"): the longer says it, in its place.
        inside = [c for c in chosen if set(c.split()) <= words]
        if inside or len(chosen) < n:
            chosen = [c for c in chosen if c not in inside] + [gram]
    return chosen[:n]
