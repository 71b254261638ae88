"""Whether a text names a topic in so many words: stems of the topic's content words, acronyms written out.

These lexical checks stand beside the calibrated relevance of bot/assistant/affinity.py: a title or abstract
that says the topic is on it whatever the model thinks, and a topic whose words no paper has is nobody's.
"""

from __future__ import annotations

import functools
import re
from collections import Counter

from bot.models import Paper
from bot.text import stemmer

# One spelling for the variants titles use: British -ise/-isation as -ize/-ization, "dialogue" as "dialog".
_BRITISH = re.compile(r"(?<=[a-z]{3})is(?=(?:e|es|ed|ing|ation|ations|er|ers)\b)")
_DIALOGUE = re.compile(r"\bdialogue")


def _spelled(text: str) -> str:
    return _DIALOGUE.sub("dialog", _BRITISH.sub("iz", text.lower()))


def _stem_list(text: str) -> list[str]:
    """The content words of a text, spelled one way and stemmed, in order (a hyphen separates words)."""
    return list(_stemmed(text))


@functools.lru_cache(maxsize=1 << 15)
def _stemmed(text: str) -> tuple[str, ...]:
    # The same titles are checked against every topic asked: stemmed once.
    words = [w for w in re.findall(r"[a-z][a-z0-9]+", _spelled(text)) if w not in TITLE_STOP]
    return tuple(stemmer().stemWords(words))


def _stems(text: str) -> set[str]:
    return set(_stem_list(text))


# A topic's parts: "X and Y", "X or Y", "X, Y" each name it.
_PARTS = re.compile(r"\s*(?:,|;|/|\band\b|\bor\b)\s*")


# A part that begins with a preposition ("in dialogue"): it attaches to a whole phrase, not to one word of it.
_LED = re.compile(r"\s*(of|for|in|on|with|from|to|by|via|using|into|about|over|between|within|across)\s")


def completed(kb, topic: str) -> str:
    """The topic with each later one-word part completed by the modifier the part before it shares with it, as
    English says it, when the corpus says the completed phrase ("simultaneous machine translation or
    interpretation": "simultaneous interpretation", not every paper on interpretability; "lexical simplification,
    in dialogue or translation": "lexical simplification in dialogue"). A phrase no paper says is left as the user
    wrote it ("question answering and summarization" stays two tasks). A first one-word part is an adjective
    specific enough alone ("empathetic or emotional-support dialogue": completing it to "empathetic dialogue"
    loses papers on empathy in conversation, and gained nothing on bench/find_terms.py's topics). A gloss
    in brackets is said apart: "simultaneous (real-time) machine translation" is "simultaneous machine
    translation", and "QE (quality estimation without references)" is also "quality estimation without references";
    a one-word gloss ("real-time") names nothing alone."""
    def words(text: str) -> list[str]:
        return [w for w in re.findall(r"[\w-]+", text) if w.lower() not in TITLE_STOP]

    glosses = re.findall(r"\(([^()]*)\)", topic)
    pieces = _PARTS.split(re.sub(r"\s*\([^()]*\)", "", topic))
    pieces += [part for gloss in glosses for part in _PARTS.split(gloss) if len(words(part)) >= 2]
    pieces = [p for p in pieces if p.strip()]
    if len(pieces) < 2:
        return ", ".join(pieces) or topic
    content = [words(p) for p in pieces]
    said = spoken(kb).values()
    out = []
    for i, piece in enumerate(pieces):
        led = _LED.match(piece)
        if not led and i > 0 and (before := _LED.match(pieces[i - 1])):
            piece, led = f"{before.group(1)} {piece}", before  # "…, in translation or dialogue": "in dialogue"
        if i > 0 and len(content[i]) == 1:
            earlier = next((p for c, p in zip(reversed(content[:i]), reversed(pieces[:i]))
                            if len(c) >= 2 and not _LED.match(p)), None)
            if not earlier:
                whole = ""
            elif led:  # "lexical simplification, in dialogue": the whole phrase, in dialogue
                whole = f"{earlier} {piece}"
            else:
                whole = f"{words(earlier)[0]} {piece}"
            phrase = " ".join(_stem_list(whole))
            if phrase and any(f" {phrase} " in text for text in said):
                piece = whole
        out.append(piece)
    return ", ".join(out)


TITLE_STOP = set("a an the of for in on and or to with from by via using its is are be at as into about "
                  "paper papers work research".split())


_DEFINED = re.compile(r"\(([A-Z][A-Za-z]{1,6}?)s?\)")
_CORPUS: dict[str, tuple[tuple[int, int], object]] = {}


def _per_corpus(kb, build):
    """What ``build(kb)`` makes of the corpus, made once until an ingest or a forget changes the papers."""
    key = (id(kb.catalog.data), len(kb.catalog.papers))
    held = _CORPUS.get(build.__name__)
    if held is None or held[0] != key:
        held = _CORPUS[build.__name__] = (key, build(kb))
    return held[1]


def acronyms(kb) -> dict[str, str]:
    """Acronyms the abstracts define ("Out-of-Domain (OOD)"), lowercased: 'ood' -> 'out-of-domain'; an acronym
    defined several ways is what most abstracts say it is ("ST": speech translation, not the one paper's
    "syntactic transformations")."""
    return _per_corpus(kb, _acronyms)


def _acronyms(kb) -> dict[str, str]:
    said: dict[str, Counter] = {}
    for paper in kb.catalog.papers.values():
        text = paper.abstract
        for match in _DEFINED.finditer(text):
            short = match.group(1).lower()
            words = re.findall(r"[A-Za-z][\w-]*", text[max(0, match.start() - 80):match.start()])[-6:]
            for n in range(1, len(words) + 1):
                phrase = words[-n:]
                if "".join(part[0] for w in phrase for part in w.split("-") if part).lower() == short:
                    said.setdefault(short, Counter())[" ".join(phrase).lower()] += 1
                    break
    return {short: ways.most_common(1)[0][0] for short, ways in said.items()}  # ties: the first said


# A word written as an acronym ("MT", "NMTs", "BERTScore"'s "BERT" is not one: its rest is lower case).
_ACRONYM = re.compile(r"\b([A-Z][A-Za-z]{1,6}?)s?\b")


def _acronyms_in(text: str, known: dict[str, str], written) -> str:
    """Each acronym of ``text`` the corpus defines, replaced by ``written(match, long form)``."""
    def one(match: re.Match) -> str:
        short = match.group(1)
        long = known.get(short.lower()) if short.isupper() or short[1:].isupper() else None
        return written(match, long) if long is not None else match.group()
    return _ACRONYM.sub(one, text)


def expand(title: str, known: dict[str, str]) -> str:
    """The title with the acronyms the corpus defines written out beside them."""
    return _acronyms_in(title, known, lambda match, long: f"{match.group()} {long}")


def spelled_out(kb, text: str) -> str:
    """What a user typed, each acronym the corpus defines written out in its stead ("MT evaluation": "machine
    translation evaluation"), for searching: the embedder reads "MT" as little more than two letters, and beside
    its long form BM25 would weigh the one paper that writes "MT" ten times above every paper on evaluation."""
    if not re.search(r"\b[A-Z]{2,}", text):
        return text
    return _acronyms_in(text, acronyms(kb), lambda match, long: long)


def title_holds(title: str, topic: str, field: frozenset[str] | set[str] = frozenset(), whole: bool = False) -> bool:
    """Every content word of the topic, or of one of its parts ("X and Y", "X or Y"), stemmed, is in the
    title: a paper on the topic by its own name. Words of the person's ``field`` (see field_of) may be
    missing, unless the topic has no other word: "unsupervised machine translation" of a translation
    researcher is their papers on unsupervised translation, whether the title says "translation" or not.
    ``whole``: the topic is one description, its commas and "and"s part of it, never read part by part."""
    stems = _stem_list(title)
    have, spelled = set(stems), " ".join(stems)
    for part in [topic] if whole else _PARTS.split(topic):
        wanted = _stems(part)
        wanted = (wanted - field) or wanted
        # A compound is one term: "speech-to-speech translation" is not every title on speech and translation.
        compounds = [" ".join(_stem_list(c)) for c in re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)+", part.lower())]
        if wanted and wanted <= have and all(f" {c} " in f" {spelled} " for c in compounds if c):
            return True
    return False


# A stem in this share of a person's titles is their field (see field_of).
FIELD_SHARE = 1 / 3


def field_of(papers: list[Paper]) -> frozenset[str]:
    """The stems in at least FIELD_SHARE of a person's titles (four papers or more, and three titles or half of a
    shorter list at least): their field, the context of
    any topic asked about them rather than what tells their papers apart ("detection" of someone who writes on
    out-of-domain, slot and bias detection: their papers on out-of-domain detection are those on out-of-domain
    intents, "OOD intent discovery" too). Measured with bench/list_topic_calibration.py on topics built from
    the corpus, at the shipped bar. A field word of half the titles: with a title word and that word, every
    gold paper listed for 0.75 -> 1.00 of topics (precise for 0.78 -> 0.82); on title bigrams, recall unchanged
    (0.997) and precise for 0.866 -> 0.859. A title word and a word of a quarter to half of the titles, at a
    share of 1/2, 2/5, 1/3, 1/4: every gold paper listed for 0.47, 0.60, 0.72, 0.84 of topics, precise for
    0.72, 0.74, 0.77, 0.80, title bigrams unchanged at each (0.997, 0.86); a third, not to make every other
    word of a short list a field word."""
    if len(papers) < 4:
        return frozenset()
    counts = Counter(s for p in papers for s in _stems(p.title))
    # Never fewer than three titles (half of a shorter list): two of five papers on a word are no field yet.
    bar = max(FIELD_SHARE * len(papers), min(3, len(papers) / 2))
    return frozenset(s for s, k in counts.items() if k >= bar)


def _phrased(text: str) -> str:
    """The text's content words, stemmed, in a row between spaces: what a phrase is looked for in."""
    return " " + " ".join(_stem_list(text)) + " "


def _part_phrases(topic: str) -> list[str]:
    """The topic's parts ("X and Y", "X or Y", "X, Y"), each as its stemmed phrase."""
    return [phrase for part in _PARTS.split(topic) if (phrase := " ".join(_stem_list(part)))]


def phrase_holds(text: str, topic: str) -> bool:
    """The topic (or one of its parts) appears in the text as a phrase: its content words, stemmed, in a row."""
    have = _phrased(text)
    return any(f" {phrase} " in have for phrase in _part_phrases(topic))


def spoken(kb) -> dict[str, str]:
    """Each paper's title and abstract, acronyms written out, as the stemmed phrase ``phrase_holds`` reads."""
    return _per_corpus(kb, _spoken)


def _spoken(kb) -> dict[str, str]:
    known = acronyms(kb)
    return {p.id: _phrased(expand(p.text(), known)) for p in kb.catalog.papers.values()}


def coverage(text: str, topic: str) -> float:
    """The share of the topic's content words (stemmed) that the text holds."""
    wanted = set(_stem_list(topic))
    return len(wanted & set(_stem_list(text))) / len(wanted) if wanted else 0.0


# A word the corpus's titles follow with another content word this often is a modifier, never a theme alone.
MODIFIER_SHARE = 0.9


def modifiers(kb) -> frozenset[str]:
    """Title words that nearly always modify the next one ("conversational", "question", "open-domain"): alone
    they name no theme ("question" is "question answering" or "question generation")."""
    return _per_corpus(kb, _modifiers)


def _modifiers(kb) -> frozenset[str]:
    seen: Counter[str] = Counter()
    followed: Counter[str] = Counter()
    for paper in kb.catalog.papers.values():
        tokens = re.findall(r"[a-z][a-z-]+", paper.title.lower())
        seen.update(tokens)
        followed.update(w for w, nxt in zip(tokens, tokens[1:]) if nxt not in THEME_STOP)
    return frozenset(w for w, k in seen.items() if k >= 5 and followed[w] >= MODIFIER_SHARE * k)


# Words that begin or end no theme (nor make a title word a modifier, see modifiers).
THEME_STOP = TITLE_STOP | set("neural model models learning via using towards toward approach method methods "
                               "task tasks study based new improving improved better large language leveraging case towards "
                               "simple effective efficient analysis evaluating evaluation system systems".split())
