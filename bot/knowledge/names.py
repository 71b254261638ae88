"""Candidate resolution: which people a question names, tolerant of case, diacritics, possessives and typos."""

from __future__ import annotations

import re

from rapidfuzz import fuzz, process

from bot.knowledge.mentions import Mention, Resolution
from bot.knowledge.name_index import NameIndex
from bot.text import fold

# Words that begin questions or are common enough to be surnames by accident ("He", "Long", "Which").
_SUBJECT_PRONOUNS = {"he", "she", "we", "they"}
_AFTER_PREPOSITION = re.compile(r"\b(?:by|from|with)\s*$")  # "papers by ___": a name is due here
_NAME_DUE = re.compile(r"\b(?:by|from|of|with|and)\s*$")
_STOPWORDS = set("""
a about above after again against all also am an and any are as at be because been before being below between both
but by can could did do does doing down draft during each email few find for from further had has have having he her
here hers him his how i if in into is it its just linkedin me message more most my no nor not now of off on once only
or other our out over own paper papers publish published same she should so some such than that the their them then
there these they this those through to too under until up very was we were what when where which while who whom why
will with would you your write wrote writes written authored tell show list give pull can't year venue work works worked working role team our
telegram whatsapp first contact outreach recruiting joining join new short long best good
dr prof professor mr mrs ms mx sir madam dear hi hello hey thanks thank please pls plz ok okay yes no
quel quelle quels quelles article articles travail travaux de des du la le les et en sur pour par avec un une qui
que dans est ont sont au aux son sa ses
""".split())

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_POSSESSIVE = re.compile(r"['’]s$")
_INITIALS = re.compile(r"(?<![\w.])((?:[^\W\d_]\.\s?-?){1,3})\s*([^\W\d_][^\W\d_'’-]+(?:-[^\W\d_]+)?)(?:['’]s)?(?![\w.])")


class NameResolver(NameIndex):
    """Finds candidates in free text by full name, surname alone, or a near spelling."""

    def resolve(self, text: str) -> Resolution:
        """The mentions of candidates in ``text``, longest and most exact first."""
        spans = [(m.start(), m.end(), fold(_POSSESSIVE.sub("", m.group()))) for m in _TOKEN.finditer(text)]
        tokens = [s for s in spans if s[2]]
        taken = [False] * len(tokens)
        all_lower = text == text.lower()
        mentions: list[Mention] = []

        def take(i: int, n: int, ids: list[str], score: float, near: bool = False) -> None:
            mentions.append(Mention(tokens[i][0], tokens[i + n - 1][1], ids, score, near=near))
            for j in range(i, i + n):
                taken[j] = True

        def nobody(i: int, n: int, namesakes: set[str]) -> None:
            """Tokens i..i+n-1 name a person who is not here; ``namesakes`` share a part of the name."""
            start, end = tokens[i][0], tokens[i + n - 1][1]
            while (j := i + n) < len(tokens) and text[end:tokens[j][0]] == "-":  # "Vasquez-Lindqvist": one surname
                end, n = tokens[j][1], n + 1
            mentions.append(Mention(start, end, [], 60.0, namesakes=self._ordered(namesakes),
                                    name=_POSSESSIVE.sub("", text[start:end])))
            for j in range(i, i + n):
                taken[j] = True

        def partner(i: int) -> bool:
            """Beside a full name, a capitalised word after "with", "and" or "&" is the second person's name."""
            before = text[:tokens[i][0]].rstrip().lower()
            return not all_lower and text[tokens[i][0]].isupper() and before.endswith(
                (" with", " and", "&", " et", " avec"))

        def plausible(i: int, n: int) -> bool:
            words = [tokens[j][2] for j in range(i, i + n)]
            if any(taken[i:i + n]) or any(w in _STOPWORDS for w in words):
                return False
            return all_lower or all(text[tokens[j][0]].isupper() for j in range(i, i + n))

        for n in (5, 4, 3, 2):  # exact full names, longest first
            for i in range(len(tokens) - n + 1):
                key = " ".join(tokens[j][2] for j in range(i, i + n))
                if not any(taken[i:i + n]) and key in self._full:
                    # "Xiang Li" is Xiang Li, not Xiang-Yang Li too: a name written whole is its holders' first
                    take(i, n, self._ordered(self._exact.get(key) or self._full[key]), 100.0)
        for i in range(len(tokens) - 1):  # "Zhang Yue", surname first, for Yue Zhang: read as them, and said so
            key = f"{tokens[i + 1][2]} {tokens[i][2]}"
            if plausible(i, 2) and key in self._exact and not text[tokens[i][1]:tokens[i + 1][0]].strip():
                take(i, 2, self._ordered(self._exact[key]), 95.0, near=True)
        for match in _INITIALS.finditer(text):  # "W. Y. Wang", "R. Sennrich": initials before a surname
            at = [j for j, t in enumerate(tokens) if match.start() <= t[0] < match.end()]
            if not at or any(taken[j] for j in at):
                continue
            key = " ".join(fold(c) for c in re.findall(r"[^\W\d_]", match.group(1))) + " " + tokens[at[-1]][2]
            if key in self._initials:
                take(at[0], len(at), self._ordered(self._initials[key]), 90.0)
            elif match.group(1).isupper() and match.group(2).istitle() and tokens[at[-1]][2] not in _STOPWORDS \
                    and tokens[at[-1]][2] not in self._common:
                nobody(at[0], len(at), self._surname.get(tokens[at[-1]][2], set()))  # "J. Doe": nobody here
        for i, (start, end, word) in enumerate(tokens):  # a name of one word ("Mausam"), written as its holder does
            if (taken[i] or word not in self._full or len(word) < 3 or word in _STOPWORDS or word in self._common
                    or not plausible(i, 1) or text[start:end].isupper()):
                continue
            if i and not taken[i - 1] and not text[tokens[i - 1][1]:start].strip() and plausible(i - 1, 2) \
                    and tokens[i - 1][2] not in self._common:
                # "Anouk Mausam": a given name before it makes another person's name, never Mausam's
                nobody(i - 1, 2, self._full[word])
                continue
            take(i, 1, self._ordered(self._full[word]), 100.0)
        for n in (3, 2):  # near spellings of full names; uncapitalised ones must be nearer
            for i in range(len(tokens) - n + 1):
                if any(taken[i:i + n]) or any(tokens[j][2] in _STOPWORDS or len(tokens[j][2]) < 2
                                               for j in range(i, i + n)):
                    continue
                cutoff = 88 if plausible(i, n) else 92
                key = " ".join(tokens[j][2] for j in range(i, i + n))
                hit = process.extractOne(key, self._by_initial.get(key[0], ()), scorer=fuzz.ratio, score_cutoff=cutoff)
                if hit and not _each_word_near(key, hit[0]):
                    hit = None  # "michael wrote" is not "Michael Roth": every word must be a near spelling
                if hit:
                    take(i, n, self._ordered(self._full[hit[0]]), hit[1], near=True)
        full_names = {i for m in mentions for i in m.ids}
        # A hyphenated surname is one: "Leila Callison-Burch" is not Chris Callison-Burch, "Callison-Burch" alone is.
        for i in range(1, len(tokens)):
            key = f"{tokens[i - 1][2]} {tokens[i][2]}"
            if any(taken[i - 1:i + 1]) or text[tokens[i - 1][1]:tokens[i][0]] != "-" or key not in self._compound:
                continue
            holders = self._compound[key]
            before = i - 2
            given = tokens[before][2] if before >= 0 and not taken[before] and \
                not text[tokens[before][1]:tokens[i - 1][0]].strip() and text[tokens[before][0]].isupper() and \
                tokens[before][2] not in _STOPWORDS and tokens[before][2] not in self._common else None
            if given and not any(given in self._given[p] for p in holders):
                nobody(before, 3, holders)
            elif not given:
                take(i - 1, 2, self._ordered(holders), 80.0)
        # "Katrin Sennrich" when only Rico Sennrich is known: a given name before a known surname that none
        # of its holders goes by is another person, never the one who shares the surname.
        for i in range(1, len(tokens)):
            given, word = tokens[i - 1][2], tokens[i][2]
            mid_capital = not all_lower and text[tokens[i][0]].isupper()
            if (any(taken[i - 1:i + 1]) or word not in self._surname or len(given) < 2 or given in self._common
                    or text[tokens[i - 1][1]:tokens[i][0]].strip() or text[tokens[i][1]:tokens[i][1] + 1] == "-"
                    or all_lower and word in self._common  # "gestures post-editing": words, not a name
                    or (word in _STOPWORDS or len(word) < 2) and not mid_capital
                    or given in _STOPWORDS or not given.isalpha()
                    or not (all_lower or (text[tokens[i - 1][0]].isupper() and text[tokens[i][0]].isupper()))
                    or any(given in self._given[p] for p in self._surname[word])):
                continue
            nobody(i - 1, 2, self._surname[word])
        # "Jane Doe" when only Jane Yu is known: a given name followed by a word that is nobody's surname here.
        for i in range(len(tokens) - 1):
            given, word = tokens[i][2], tokens[i + 1][2]
            if (any(taken[i:i + 2]) or given not in self._first or word in self._surname or len(word) < 2
                    or not word.isalpha() or word in _STOPWORDS or word in self._common or given in _STOPWORDS
                    or given in self._common or text[tokens[i][1]:tokens[i + 1][0]].strip()
                    or not (all_lower or (text[tokens[i][0]].isupper() and text[tokens[i + 1][0]].isupper()))):
                continue
            nobody(i, 2, self._first[given])
        # "Priya Kowalczyk" when only Priyanshu Priya is known: a known surname as the given name of a full name
        # whose surname is nobody's here names another person, never the holder of that surname.
        for i in range(len(tokens) - 1):
            given, word = tokens[i][2], tokens[i + 1][2]
            if (any(taken[i:i + 2]) or given not in self._surname or word in self._surname or word in self._first
                    or len(given) < 3 or len(word) < 3 or not word.isalpha() or word in _STOPWORDS
                    or word in self._common or given in _STOPWORDS or given in self._common
                    or text[tokens[i][1]:tokens[i + 1][0]].strip() or text[tokens[i + 1][1]:tokens[i + 1][1] + 1] == "-"
                    or text[tokens[i + 1][0]:tokens[i + 1][1]].isupper()
                    or not (all_lower or (text[tokens[i][0]].isupper() and text[tokens[i + 1][0]].isupper()))):
                continue
            nobody(i, 2, self._surname[given])
        for i, (start, end, word) in enumerate(tokens):  # surnames alone, exactly: a near word is just a word
            # "Xu", "Yu": capitalised, or in a message typed all in lower case where a name is due ("papers by
            # wu", "xu's papers"); otherwise a two-letter word is just a word.
            short_ok = len(word) == 2 and (text[start].isupper() if not all_lower else
                                           bool(_NAME_DUE.search(text[:start]))
                                           or text[start:end].endswith(("'s", "’s")))
            # "papers by he": after a preposition a pronoun would be "him", so "he" there is the surname He.
            # So is "He" capitalised inside a sentence ("Show me He's work"): the pronoun would be lower case.
            pronoun_name = word in _SUBJECT_PRONOUNS and not taken[i] and (
                bool(_AFTER_PREPOSITION.search(text[:start]))
                or text[start].isupper() and not text[start + 1:end].isupper() and not all_lower
                and bool(re.search(r"[\w,]\s+$", text[:start])))
            # "Koehn and Post": a surname that is also a word of the papers, capitalised after "and" or "with"
            # beside a person named, is the second person.
            paired = partner(i) and bool(mentions)
            # "Which of Post's papers …": a capitalised word with a possessive is a name, though the papers use it.
            owned = not all_lower and text[start].isupper() and text[start:end].lower().endswith(("'s", "’s"))
            # An accent nobody's surname has makes it a word: French "Où …?" is not Ou.
            raw = _POSSESSIVE.sub("", text[start:end].lower())
            if raw != fold(raw) and raw not in self._accented:
                continue
            if not pronoun_name and ((len(word) < 3 and not short_ok) or word in _STOPWORDS
                                     or word in self._common and not (paired or owned) or not plausible(i, 1)) \
                    or text[start:end].isupper() or text[end:end + 1] == "-" or word not in self._surname:
                continue
            # "Mohit" is one person's surname and other people's given name: all of them are meant.
            ids = self._ordered(self._surname[word] | self._first.get(word, set()))
            # Beside a full name, a lone surname of someone else is more likely a word, unless it is capitalised,
            # no word of the papers, and one person's ("Which Koehn papers have Matt Post on them?") or asked about
            # as a second person ("Has Zhang worked with Graham Neubig?": which Zhang, then).
            alone = not all_lower and text[start].isupper() and word not in self._common and (
                len(ids) == 1 or bool(_TWO_PEOPLE.search(text)))
            if full_names and not set(ids) & full_names and not partner(i) and not alone:
                continue
            take(i, 1, [p for p in ids if p in full_names] or ids, 80.0)
        for i, (start, end, word) in enumerate(tokens):  # a given name alone ("Ivan's papers") names whoever goes by it
            # Beside a full name, one person's given name, capitalised, in a question of two people's joint work
            # ("Has Fandong worked with Jie Zhou?") is that person.
            beside = not all_lower and text[start].isupper() and len(self._first.get(word, ())) == 1 and \
                bool(_TWO_PEOPLE.search(text))
            if (len(word) < 3 or word in _STOPWORDS or word in self._common or not plausible(i, 1)
                    or text[start:end].isupper() or word not in self._first
                    or full_names and not partner(i) and not beside):
                continue
            take(i, 1, self._ordered(self._first[word]), 70.0)
        for mention in mentions:
            mention.name = mention.name or _POSSESSIVE.sub("", text[mention.start:mention.end])
        mentions.sort(key=lambda m: m.start)
        remainder = text
        for mention in reversed(mentions):
            remainder = remainder[: mention.start] + remainder[mention.end:]
        remainder = re.sub(r"\s*['’]s\b", "", remainder)
        return Resolution(mentions, re.sub(r"\s+", " ", remainder).strip())


def _each_word_near(key: str, name: str, cutoff: float = 75) -> bool:
    """Word by word, a near spelling of the name (same number of words)."""
    words, target = key.split(), name.split()
    return len(words) == len(target) and all(fuzz.ratio(a, b) >= cutoff for a, b in zip(words, target))


# A question about two people's joint work: a capitalised surname beside a full name is the other one.
_TWO_PEOPLE = re.compile(r"\b(?:with|together|jointly|co-?author\w*|co-?wr[io]te|collaborat\w*|avec|ensemble)\b", re.I)
