"""The one venue parser of the project: where a paper appeared, and whether that was the main conference.

"Findings of EMNLP 2022" and "EMNLP 2022" are different venues: a Findings paper was not presented at the
main conference. The evaluation's matching rules, the verifier and the drafts all read venues here, so that
they cannot disagree about what a venue string says.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Literal

from bot.text import fold

VENUE_ACRONYMS = {
    "acl", "emnlp", "naacl", "eacl", "aacl", "tacl", "conll", "coling", "ijcnlp", "lrec", "semeval",
    "wmt", "iwslt", "sigdial", "inlg", "iclr", "icml", "neurips", "nips", "aaai", "ijcai", "interspeech",
    "icassp", "arxiv",
}
# Venues that are journals: a paper there was not a "conference" paper at all.
JOURNALS = {"tacl"}
_ACL = "association for computational linguistics"
# Long forms of the venues, rewritten to acronyms on normalised text; chapters before the annual meeting.
VENUE_LONG_FORMS = (
    (f"findings of the {_ACL}", "findings of"), (f"transactions of the {_ACL}", "tacl"),
    (f"north american chapter of the {_ACL}", "naacl"), (f"european chapter of the {_ACL}", "eacl"),
    (f"asia pacific chapter of the {_ACL}", "aacl"), (f"annual meeting of the {_ACL}", "acl"),
    ("empirical methods in natural language processing", "emnlp"),
    ("computational natural language learning", "conll"),
    ("international joint conference on natural language processing", "ijcnlp"),
)
# "ACL" in these phrases names an organisation or a website, not where a paper appeared.
NON_VENUE_FOLLOWERS = {"anthology", "rolling", "arr", "sigdat"}
PAPER_ID = re.compile(r"\b(?:[A-Z]\d\d-\d{4}|\d{4}\.[a-z]+-[a-z]+\.\d+)\b")
# Words that say a paper was at the main event, which a Findings, workshop or journal paper was not.
MAIN_CLAIM = re.compile(r"\b(?:main\s+(?:conference|track|session|proceedings|programme|program)|"
                        r"conférence\s+principale|session\s+principale)\b", re.I)


def normalise(text: str) -> str:
    """NFKD, diacritics stripped, lowercased, punctuation and spaces collapsed: the project's one fold."""
    return fold(text)


@dataclass(frozen=True)
class Venue:
    """One venue mention: the acronym, whether it is the Findings track, a workshop, and the year if said."""

    acronym: str
    findings: bool = False
    workshop: bool = False
    year: int | None = None

    @property
    def main_conference(self) -> bool:
        return not (self.findings or self.workshop or self.acronym in JOURNALS)


def venue_mentions(text: str) -> list[Venue]:
    """Venue mentions in order; '-ijcnlp' co-location is dropped."""
    flat = normalise(PAPER_ID.sub(" ", text))  # "2021.emnlp-main.736" is an id, not a mention
    for long_form, short in VENUE_LONG_FORMS:
        flat = re.sub(rf"\b{long_form}\b", short, flat)
    tokens = flat.split()
    mentions = []
    for i, token in enumerate(tokens):
        if token not in VENUE_ACRONYMS or (token == "ijcnlp" and i and tokens[i - 1] in VENUE_ACRONYMS):
            continue
        after = tokens[i + 1 : i + 4]
        if after and after[0] == "ijcnlp":
            after = after[1:]
        if after and after[0] in NON_VENUE_FOLLOWERS:
            continue
        year = None
        if after and re.fullmatch(r"(19|20)\d\d", after[0]):
            year = int(after[0])
        elif after and re.fullmatch(r"\d\d", after[0]):  # "ACL'21"
            year = 2000 + int(after[0])
        before = tokens[max(0, i - 3) : i]
        # "Findings of EMNLP", "the Findings track of EMNLP", "EMNLP 2020 Findings".
        findings = "findings" in before or "findings" in after[:2]
        workshop = bool({"workshop", "workshops"} & set(tokens[:i])) or "workshop" in after[:3]
        mentions.append(Venue(token, findings, workshop, year))
    return mentions


def parse_venue(venue: str | None) -> Venue | None:
    """The venue a paper record names ("Findings of ACL 2024" -> acl, findings, 2024), or None."""
    found = venue_mentions(venue or "")
    return found[0] if found else None


def is_main_conference(venue: str | None) -> bool:
    """True only when the venue is known to be a main conference (not Findings, a workshop or a journal)."""
    parsed = parse_venue(venue)
    return parsed is not None and parsed.main_conference


def claims_main_conference(text: str) -> bool:
    """The text says a paper was at the main conference / main track."""
    return bool(MAIN_CLAIM.search(text))


# The tracks of a conference's proceedings: which one a paper was in, when its proceedings say it.
Track = Literal["long", "short", "demo", "student", "industry"]
TRACKS: dict[str, str] = {"long": "long-paper tracks", "short": "short-paper tracks", "demo": "demo tracks",
                          "student": "student research workshops", "industry": "industry tracks"}
# The volume a booktitle names ("Volume 2: Short Papers"); "Long and Short Papers" says neither.
_VOLUME = (("short", re.compile(r"\bshort papers?\b(?<!long and short papers)", re.I)),
           ("long", re.compile(r"\blong papers?\b(?! and short)", re.I)),
           ("demo", re.compile(r"\b(?:system |software )?demonstrations?\b|\bdemos?\b", re.I)),
           ("student", re.compile(r"\bstudent research workshop\b", re.I)),
           ("industry", re.compile(r"\bindustry (?:track|papers?)\b", re.I)))
# A new-style Anthology id's volume ("2021.acl-short.58"); the old ids ("P18-2012") number volumes otherwise each year.
_ID_VOLUME = {"short": "short", "long": "long", "demo": "demo", "demos": "demo", "srw": "student",
              "industry": "industry"}


def track_of(paper_id: str, booktitle: str = "") -> Track | None:
    """The track a paper appeared in, from its proceedings' title or its Anthology id; None when neither says
    (a journal, a volume of long and short papers, "2020.emnlp-main")."""
    for track, pattern in _VOLUME:
        if booktitle and pattern.search(booktitle):
            return track  # type: ignore[return-value]
    new_style = re.fullmatch(r"\d{4}\.[a-z]+-([a-z]+)\.\d+", paper_id)
    return _ID_VOLUME.get(new_style.group(1)) if new_style else None  # type: ignore[return-value]
