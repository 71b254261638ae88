"""What a recruiter's message asks for, read from its words (the offline engine's parser)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

Kind = Literal["draft", "find", "year", "venue", "coauthors", "count", "summary", "papers", "list"]

_DRAFT_VERB = r"(?:draft|write|compose|prepare|r[ée]dige[rz]?|[ée]cri[rsv]\w*)"
_DRAFT = re.compile(rf"^\W*(?:(?:please|could you|can you|would you|pourriez-vous|peux-tu)\s+)*{_DRAFT_VERB}\b|"
                    rf"\b{_DRAFT_VERB}\b.{{0,40}}\b(?:message|e-?mail|note|intro|dm|letter|linkedin|whatsapp|telegram)\b|"
                    r"\b(?:outreach|first[- ]contact|cold)\s+(?:message|email|e-mail|note)\b", re.I)
_FIND = re.compile(r"\b(?:which|what)\s+(?:candidates|people|researchers|authors|experts)\b|"
                   r"\bwho\s+(?:in the pool\s+)?(?:has|have|had|is|are|else)\b|\bwho\b.*\b(?:worked|works|working|"
                   r"experience|expert)\b|\b(?:find|list|show)\s+(?:me\s+)?(?:candidates|people|experts|researchers)\b|"
                   r"\bqui\s+a\s+travaill", re.I)
_COAUTHORS = re.compile(r"\bco-?authors?\b|\bco-?authored\b|\bco-?wr(?:ote|itten)\b|\bwith whom\b|"
                        r"^\W*who (?:else )?(?:wrote|worked on)\b|^\W*who did\b.*\b(?:write|work|publish)\b.*\bwith\b|"
                        r"\bcollaborators? on\b|\bco-?auteurs?\b", re.I)
_YEAR = re.compile(r"^\W*(?:and\s+)?(?:in\s+)?(?:what|which)\s+year\b|^\W*(?:and\s+)?when\b|\b(?:what|which) year\b|"
                   r"quelle ann[ée]e|^\W*quand\b", re.I)
_VENUE = re.compile(r"^\W*(?:and\s+)?where\b|\b(?:which|what) (?:venue|conference|journal)\b|\bwhere (?:was|were|did)\b"
                    r".*\bpublish|^\W*o[uù]\b", re.I)
_COUNT = re.compile(r"\bhow many\b|\bcombien\b", re.I)
_SUMMARY = re.compile(r"^\W*(?:tell me about|who is|who's|what do (?:we|you) know about|summari[sz]e|profile|overview|"
                      r"parle[- ]moi)\b|\b(?:summary|profile|overview) of\b", re.I)
_LIST = re.compile(r"\b(?:what|which)\b.*\b(?:publish|papers?|work)\b.*\b(?:in|since|after|before)\s+(?:19|20)\d\d\b|"
                   r"\blist\b.*\bpapers\b|\ball (?:of )?(?:his|her|their) papers\b", re.I)
_CHANNEL = re.compile(r"\b(linkedin|whatsapp|telegram|e-?mail)\b", re.I)
_LANGUAGE = {"french": "fr", "français": "fr", "english": "en", "anglais": "en", "german": "de", "allemand": "de",
             "spanish": "es", "espagnol": "es", "italian": "it", "portuguese": "pt", "chinese": "zh"}
_IN_LANGUAGE = re.compile(r"\b(?:in|en)\s+(" + "|".join(_LANGUAGE) + r")\b", re.I)
_FORMAL = re.compile(r"\bformal|\bofficial|\bformel", re.I)
_PURPOSE = re.compile(r"\b(?:about|for|regarding|concernant|pour)\b\s+(.*)$", re.I | re.S)
_YEAR_VALUE = re.compile(r"\b(19[89]\d|20[0-3]\d)\b")


_FRENCH = re.compile(r"\b(?:quel|quels|quelle|quelles|les|des|du|une|sur|pour|qui|dans|est|ont|sont|avec|travaux|"
                     r"article|articles|année|où)\b", re.I)


def language_of(text: str) -> str:
    """'fr' or 'en': enough to know when the English-only retrievers are reading a foreign question."""
    words = len(re.findall(r"\w+", text)) or 1
    return "fr" if len(_FRENCH.findall(text)) / words > 0.12 else "en"


@dataclass
class Intent:
    """The parsed request."""

    kind: Kind
    channel: str = "email"
    purpose: str = ""
    language: str | None = None
    tone: str = "warm"
    years: list[int] = field(default_factory=list)


def read_intent(text: str, names_a_candidate: bool) -> Intent:
    """Reads the intent; fact questions win over topic questions because they ask for one thing."""
    years = [int(y) for y in _YEAR_VALUE.findall(text)]
    if _DRAFT.search(text):
        channel = (_CHANNEL.search(text).group(1).lower() if _CHANNEL.search(text) else "email").replace("e-mail", "email")
        purpose = _PURPOSE.search(_IN_LANGUAGE.sub("", text))
        language = _IN_LANGUAGE.search(text)
        return Intent("draft", channel=channel, purpose=purpose.group(1).strip(" .?,") if purpose else "",
                      language=_LANGUAGE[language.group(1).lower()] if language else None,
                      tone="formal" if _FORMAL.search(text) else "warm")
    if not names_a_candidate and _FIND.search(text):
        return Intent("find")
    if _COAUTHORS.search(text):
        return Intent("coauthors")
    if _COUNT.search(text):
        return Intent("count", years=years)
    if _YEAR.search(text) and not years:
        return Intent("year")
    if _VENUE.search(text):
        return Intent("venue")
    if _SUMMARY.search(text) and names_a_candidate:
        return Intent("summary")
    if years and names_a_candidate and _LIST.search(text):
        return Intent("list", years=years)
    if not names_a_candidate and not _FIND.search(text):
        return Intent("papers")
    return Intent("papers")
