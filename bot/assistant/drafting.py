"""Templated first-contact drafts in the hiring leader's voice, filled with the candidate's real papers.

Every title in a draft is copied from the knowledge base, so the offline engine cannot cite a paper
the candidate did not write. Each channel has a length budget: LinkedIn messages under 400
characters get more replies, and e-mail subject lines of 36-50 characters do best.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from bot.models import Candidate, Paper

BUDGET = {"email": 1100, "linkedin": 400, "whatsapp": 600, "telegram": 700}
SUBJECT_RANGE = (36, 50)
OFFLINE_LANGUAGES = ("en", "fr")

_CLAIM = re.compile(r"\b(?:we|this paper|this work|in this paper,? we|here,? we)\s+(propose|introduce|present|show|"
                    r"find|develop|release|study|investigate|demonstrate)s?\s+((?:that\s+)?.{20,160}?)(?:[,.;:]|$)",
                    re.I)
_PAST = {"propose": "proposed", "introduce": "introduced", "present": "presented", "show": "showed", "find": "found",
         "develop": "developed", "release": "released", "study": "studied", "investigate": "investigated",
         "demonstrate": "demonstrated"}
_HYPE = re.compile(r"\b(?:novel|new|simple yet effective|state-of-the-art|significantly|very|highly|largest and|largest|"
                   r"most|best|thorough|comprehensive|extensive|remarkabl[ey])\s+", re.I)


@dataclass
class Company:
    """The hiring organisation, from knowledge/company/."""

    facts: dict = field(default_factory=dict)

    @classmethod
    def load(cls, folder: Path) -> "Company":
        facts: dict = {}
        for path in sorted(folder.glob("*.y*ml")) if folder.is_dir() else []:
            facts.update(yaml.safe_load(path.read_text(encoding="utf-8")) or {})
        facts.setdefault("name", "our lab")
        facts.setdefault("sender", {"name": "The hiring team", "title": ""})
        facts.setdefault("teams", [])
        return cls(facts)

    def text(self, key: str, language: str, default: str = "") -> str:
        return str(self.facts.get(f"{key}_{language}") or self.facts.get(key) or default)

    def team_for(self, purpose: str) -> dict | None:
        """The team whose focus shares most words with the purpose."""
        words = set(re.findall(r"[a-z]{4,}", purpose.lower()))
        scored = [(len(words & set(re.findall(r"[a-z]{4,}", f"{t.get('name', '')} {t.get('focus', '')}".lower()))), t)
                  for t in self.facts["teams"]]
        scored.sort(key=lambda item: -item[0])
        return scored[0][1] if scored and scored[0][0] > 0 else None


def contribution(paper: Paper) -> str:
    """What the paper does, as "showed that ..." / "proposed ...", from the abstract, without hype words."""
    match = _CLAIM.search(re.sub(r"(\w)- (\w)", r"\1\2", paper.abstract))
    if not match:
        return ""
    return f"{_PAST[match.group(1).lower()]} {_HYPE.sub('', match.group(2)).strip().rstrip('.')}"


def first_name(candidate: Candidate) -> str:
    return candidate.name.split()[0]


def _cite(paper: Paper, language: str) -> str:
    where = ", ".join(str(x) for x in (paper.venue, paper.year) if x and str(paper.year) not in str(x)) or \
        ", ".join(str(x) for x in (paper.venue or paper.year,) if x)
    open_q, close_q = ("« ", " »") if language == "fr" else ("“", "”")
    return f"{open_q}{paper.title}{close_q}" + (f" ({where})" if where else "")


@dataclass
class DraftPlan:
    """What a draft says, before it is worded: re-rendered for every revision."""

    candidate: Candidate
    papers: list[Paper]
    channel: str = "email"
    language: str = "en"
    tone: str = "warm"
    purpose: str = ""
    short: bool = False


def _subject(plan: DraftPlan, company: Company) -> str:
    team = company.team_for(plan.purpose) or {}
    org = company.facts["name"]
    low, high = SUBJECT_RANGE
    if plan.language == "fr":
        options = [f"{team.get('name_fr', '').capitalize()} chez {org}", f"Vos travaux et {org}",
                   f"Une proposition de {org} pour vous"]
    else:
        options = [f"{team.get('name', '').capitalize()} at {org}", f"Your research and the {org}",
                   f"{plan.candidate.name}, an idea from {org}"]
    options = [o for o in options if not o.startswith(" ")]
    for option in options:
        if low <= len(option) <= high:
            return option
    return min(options, key=lambda o: abs(len(o) - (low + high) // 2))[:high]


def render(plan: DraftPlan, company: Company) -> tuple[str | None, str, list[str]]:
    """(subject, body, cited paper ids) for a plan, within the channel's budget."""
    fr = plan.language == "fr"
    sender = company.facts["sender"]
    org = company.facts["name"]
    team = company.team_for(plan.purpose)
    formal = plan.tone == "formal"
    surname = plan.candidate.name.split()[-1]
    if fr:
        greeting = f"Madame, Monsieur {surname}," if formal else f"Bonjour {first_name(plan.candidate)},"
        intro = f"Je suis {sender['name']}, {sender.get('title_fr', sender.get('title', ''))} chez {org}, " \
                f"{company.text('one_line', 'fr')}."
        why = (f"Nous constituons une équipe sur {team['focus_fr']}" if team and team.get("focus_fr")
               else "Nous constituons une équipe de recherche") + " et votre expérience y serait précieuse."
        ask = f"Seriez-vous disponible pour {company.text('call_to_action', 'fr', 'un court appel')} ?"
        close = "Je vous prie d'agréer mes salutations distinguées," if formal else "Bien à vous,"
    else:
        greeting = f"Dear Dr {surname}," if formal else f"Hi {first_name(plan.candidate)},"
        intro = f"I'm {sender['name']}, {sender.get('title', '')} at {org}, {company.text('one_line', 'en')}."
        goal = plan.purpose or (team and team["focus"]) or "our research"
        why = f"We are looking for someone to help with {goal}, and your work is close to it."
        ask = f"Would you be open to {company.text('call_to_action', 'en', 'a short call')}?"
        close = "Kind regards," if formal else "Best,"
        if plan.tone == "warm":
            ask = f"No pressure at all, but would you be open to {company.text('call_to_action', 'en', 'a short call')}?"
    reading = []
    for i, paper in enumerate(plan.papers[:2]):
        claim = contribution(paper)
        if fr:
            reading.append(("J'ai lu " if i == 0 else "Et aussi ") + _cite(paper, "fr") + ".")
        elif i == 0:
            reading.append(f"I read {_cite(paper, 'en')}" + (f", where you {claim}." if claim else "."))
        else:
            reading.append(f"Your paper {_cite(paper, 'en')} is just as relevant to us.")
    pieces = [greeting, intro, *reading, why, ask, f"{close}\n{sender['name']}"]
    budget = BUDGET.get(plan.channel, 700) * (0.6 if plan.short else 1.0)
    droppable = [why, intro] + reading[1:][::-1]
    body = "\n\n".join(pieces)
    while len(body) > budget and droppable:
        pieces.remove(droppable.pop())
        body = "\n\n".join(pieces)
    if plan.channel != "email":
        body = body.replace(f"\n\n{close}\n{sender['name']}", f"\n{sender['name']}")
    cited = [p.id for p in plan.papers[:2] if p.title in body]
    subject = _subject(plan, company) if plan.channel == "email" else None
    return subject, body, cited
