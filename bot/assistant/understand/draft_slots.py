"""What a draft is asked to be, read from the message: its channel, language and tone, a revision of the current
draft ("shorter", "in French"), and its purpose in the user's words."""

from __future__ import annotations

import re

from bot.text import sentences

_CHANNEL = re.compile(r"\b(linked\s?in|inmail|whats\s?app|telegram|e-?mails?|mail)\b", re.I)
_LANGUAGES = {"french": "fr", "français": "fr", "francais": "fr", "english": "en", "anglais": "en",
              "german": "de", "deutsch": "de", "allemand": "de", "spanish": "es", "español": "es",
              "espagnol": "es", "italian": "it", "italien": "it", "portuguese": "pt", "chinese": "zh",
              "japanese": "ja", "dutch": "nl"}
_IN_LANGUAGE = re.compile(r"\b(?:in|into|to|en)\s+(" + "|".join(_LANGUAGES) + r")\b|\b(" + "|".join(_LANGUAGES)
                          + r")\s+(?:version|translation)\b|\btranslate\b.*?\b(" + "|".join(_LANGUAGES) + r")\b", re.I)
_FORMAL = re.compile(r"\b(?:formal\w*|polite\w*|professional\w*|respectful|courteous|less chatty|less casual|"
                     r"formel\w*|vouvo\w*)\b", re.I)
# Asked for outright in a new draft ("a casual note"), a tone below the default warm one.
_CASUAL_WORDS = r"casual|informal|relaxed|laid[- ]back|chill|d[ée]contract[ée]e?"
_CASUAL = re.compile(rf"\b(?:{_CASUAL_WORDS})\b", re.I)
_WARM = re.compile(rf"\b(?:warm\w*|friendl\w*|personal|less stiff|less formal|chaleureu\w*|{_CASUAL_WORDS})\b", re.I)
_SHORTER = re.compile(r"\b(?:short\w*|brief\w*|concise\w*|cut|trim\w*|wordy|condense\w*|tighten\w*|half as long|"
                      r"too long|less long|fewer words|court\w*|raccourci\w*)\b", re.I)
_REGENERATE = re.compile(r"\b(?:again|another (?:one|version|draft|take)|regenerate|redo|re-?write it|new version|"
                         r"different version|start over)\b", re.I)


def channel(text: str) -> str | None:
    match = _CHANNEL.search(text)
    if not match:
        return None
    word = re.sub(r"\s", "", match.group(1).lower())
    return {"inmail": "linkedin", "mail": "email", "emails": "email", "e-mail": "email", "e-mails": "email"}.get(
        word, word)


def language(text: str) -> str | None:
    match = _IN_LANGUAGE.search(text)
    return _LANGUAGES[next(g for g in match.groups() if g).lower()] if match else None


def tone(text: str) -> str | None:
    if _FORMAL.search(text):
        return "formal"
    if _CASUAL.search(text):
        return "casual"
    return "warm" if _WARM.search(text) else None


def revision(text: str) -> str | None:
    """How a message asks to change a draft, if it does."""
    if language(text):
        return "translate"
    if _SHORTER.search(text):
        return "shorter"
    if _FORMAL.search(text):
        return "formal"
    if _WARM.search(text):
        return "warmer"
    return "regenerate" if _REGENERATE.search(text) else None


_PURPOSE = re.compile(r"\b(?:about|regarding|re|concerning|for|on|to discuss|to talk about|inviting \w+ to|"
                      r"invite \w+ to|pour|concernant|au sujet de)\b\s+(.*)$", re.I | re.S)
_CHANNEL_WORDS = re.compile(r"\b(?:via|by|over|on|through)?\s*(?:linked\s?in|whats\s?app|telegram|e-?mail|mail)"
                            r"(?:\s+(?:message|note|dm))?\b|\b(?:in|en)\s+(?:french|english|german|spanish|italian|"
                            r"fran[cç]ais|anglais)\b|,?\s*\b(?:warm|formal|friendly)\s+tone\b", re.I)


def purpose(rest: str) -> str:
    """What a draft is about, in the user's words: 'a research lead role for our chat models'."""
    text = _CHANNEL_WORDS.sub(" ", rest)
    match = _PURPOSE.search(text)
    purpose = match.group(1) if match else ""
    purpose = (sentences(purpose) or [""])[0]  # "... role on our team. Can you write one?": the role, not the ask
    purpose = re.sub(r"\b(?:please|pls|plz|thanks|thank you|thx)\b", " ", purpose, flags=re.I)
    return re.sub(r"\s+", " ", purpose).strip(" .?!,;:—-")
