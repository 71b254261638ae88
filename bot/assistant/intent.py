"""The language of a message: enough to know when the English-only retrievers are reading a foreign one."""

from __future__ import annotations

import re


_FRENCH = re.compile(r"\b(?:quel|quels|quelle|quelles|les|des|du|une|sur|pour|qui|dans|est|ont|sont|avec|travaux|"
                     r"article|articles|année|où)\b", re.I)


def language_of(text: str) -> str:
    """'fr' or 'en': enough to know when the English-only retrievers are reading a foreign question."""
    words = len(re.findall(r"\w+", text)) or 1
    return "fr" if len(_FRENCH.findall(text)) / words > 0.12 else "en"
