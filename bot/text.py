"""Text rules used across recruitbot, each in one place: folding for comparison, sentences, title matching
and language detection.

``fold`` is how two strings are compared everywhere (names, titles, quotes): diacritics stripped, letters
that do not decompose mapped by hand, lower-cased, punctuation and spaces collapsed; letters of other
scripts are kept. Language detection is py3langid (langid.py's model, shipped inside the package: nothing
is downloaded), restricted to the languages drafts and questions come in.
"""

from __future__ import annotations

import re
import threading
import unicodedata

from rapidfuzz import fuzz

# Letters NFKD does not decompose into a base letter and a mark.
_FOLD = str.maketrans({"ø": "o", "Ø": "O", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D", "ß": "ss", "æ": "ae",
                       "Æ": "AE", "œ": "oe", "Œ": "OE", "ı": "i"})
# A sentence ends at . ! ? … before a space and what starts a sentence, at a line break, or where a word's full
# stop runs into the next sentence's capital ("results.However": abstracts pasted from PDFs lose the space).
# A closing quote or bracket stays with its sentence; a sentence may open with a quote, a bracket or a {slot}.
_SENTENCE_END = re.compile(r"(?:(?<=[.!?…])|(?<=[.!?…][\"”»)\]]))\s+(?=[\"“«(\[{]?[A-Z0-9À-ÖØ-Þ{])|\s*\n\s*|"
                           r"(?<=[a-z]{3}[.!?])(?=[A-Z][a-z])")
TITLE_MIN = 90  # token-set ratio of two folded titles
WHOLE_MIN = 85  # token-sort ratio: the words left over count, so a fragment is not a title
LANGUAGES = ("en", "fr", "de", "es", "it", "pt", "nl")
_MIN_WORDS_FOR_LANGUAGE = 3


def fold(text: str) -> str:
    """'Ivan Vulić' -> 'ivan vulic', 'Chien-Sheng (Jason)' -> 'chien sheng jason'."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_FOLD).lower())
    stripped = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return re.sub(r"[\W_]+", " ", stripped).strip()


def sentences(text: str) -> list[str]:
    """Sentences of prose: split after . ! ? … when the next one starts like a sentence (so 'e.g. the'
    and 'v2.1' stay whole), and at line breaks."""
    return [s.strip() for s in _SENTENCE_END.split(text.strip()) if s.strip()]


_OWN_QUOTES = re.compile(r"[“”«»\"]\s*|\s*[“”«»\"]")


def quoted(title: str, language: str = "en") -> str:
    """A title in the quotes of the language, without quotes of its own: “None of the Above: …” is read as one
    title, where ““None of the Above”: …” reads as a quote and then some words (the words and their order
    are the title's; only its quote marks go)."""
    bare = re.sub(r"\s+", " ", _OWN_QUOTES.sub(lambda m: " " if m.group().strip() != m.group() else "", title)).strip()
    return f"« {bare} »" if language == "fr" else f"“{bare}”"


def titles_match(a: str, b: str) -> bool:
    """True when two strings name the same title: equal once folded, or alike word for word and as wholes.

    token_set_ratio alone is 100 whenever one side's words are a subset of the other's ("in neural machine
    translation" would match every such title); the token-sort ratio rules such fragments out.
    """
    a, b = fold(a), fold(b)
    if not a or not b:
        return False
    return a == b or (fuzz.token_sort_ratio(a, b) >= WHOLE_MIN and fuzz.token_set_ratio(a, b) >= TITLE_MIN)


_local = threading.local()


def stemmer():
    """The English Snowball stemmer of this thread: a PyStemmer object keeps per-call buffers and a cache, and
    shared between threads it returns wrong stems without an error, so each thread has its own."""
    found = getattr(_local, "stemmer", None)
    if found is None:
        import Stemmer

        found = _local.stemmer = Stemmer.Stemmer("english")
    return found


_identifier = None
_identifier_lock = threading.Lock()


def _language_identifier():
    global _identifier
    with _identifier_lock:
        if _identifier is None:  # ~1.5 s to load; only the first question that needs it pays
            from py3langid.langid import MODEL_FILE, LanguageIdentifier

            identifier = LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)
            identifier.set_languages(list(LANGUAGES))
            _identifier = identifier
        return _identifier


def language_of(text: str, default: str = "en", min_confidence: float = 0.6) -> str:
    """The ISO 639-1 language of ``text`` among LANGUAGES; ``default`` for text too short or too unsure
    (a bare name says nothing about the language it is asked in)."""
    if len(re.findall(r"\w+", text)) < _MIN_WORDS_FOR_LANGUAGE:
        return default
    language, confidence = _language_identifier().classify(text)
    return language if confidence >= min_confidence else default
