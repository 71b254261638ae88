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

from bot.knowledge.french import is_french
from bot.models import Candidate, Paper
from bot.text import quoted

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
    from bot.knowledge.untrusted import safe_text

    # The abstract is untrusted: only its sentences that carry no instruction or payload are read.
    match = _CLAIM.search(re.sub(r"(\w)- (\w)", r"\1\2", safe_text(paper.abstract)))
    if not match:
        return ""
    claim = re.sub(r"\ba (?=[aeiouAEIOU])", "an ", _HYPE.sub("", match.group(2)).strip().rstrip("."))
    return f"{_PAST[match.group(1).lower()]} {claim}"


def first_name(candidate: Candidate) -> str:
    return candidate.name.split()[0]


def _cite(paper: Paper, language: str, where_too: bool = True) -> str:
    where = ", ".join(str(x) for x in (paper.venue, paper.year) if x and str(paper.year) not in str(x)) or \
        ", ".join(str(x) for x in (paper.venue or paper.year,) if x)
    return quoted(paper.title, language) + (f" ({where})" if where and where_too else "")


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


# The offline engine's tones, least formal first: "warmer" and "more formal" move a draft one step along.
TONES = ("casual", "warm", "formal")


def toned(tone: str, how: str) -> str:
    """The tone a revision asks for: one step warmer or more formal than ``tone``; other revisions keep it."""
    step = {"warmer": -1, "formal": 1}.get(how, 0)
    return TONES[min(len(TONES) - 1, max(0, TONES.index(tone) + step))] if tone in TONES else tone


def subject_label(language: str) -> str:
    """How an e-mail's subject line is labelled: "Objet" in French."""
    return "Objet" if language == "fr" else "Subject"


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


_GERUND = {"lead": "leading", "join": "joining", "head": "heading", "build": "building", "advise": "advising",
           "run": "running", "help": "helping", "work": "working", "start": "starting", "grow": "growing",
           "shape": "shaping", "create": "creating", "direct": "directing", "manage": "managing",
           "co-lead": "co-leading", "mentor": "mentoring", "collaborate": "collaborating", "supervise": "supervising",
           "develop": "developing", "take": "taking", "set": "setting", "become": "becoming"}
# What a recruiter types before the purpose itself: "help with invite him to lead our ..." -> "lead our ...".
_ASKING = re.compile(r"^(?:(?:please|help(?: me)?(?: with| to)?|i want to|we want to|about|for|regarding|re:?)\s+)*"
                     r"(?:(?:invite|ask|convince|get|recruit|persuade|encourage|approach)\s+"
                     r"(?:him|her|them|the candidate|this person)\s+(?:to|for|about)\s+)?(?:to\s+)?", re.I)
_MET = re.compile(r"\b(met\b[^.;\n]{3,80})", re.I)
_PREFERS = re.compile(r"\bprefers?\s+(e-?mail|linkedin|whatsapp|telegram)\b", re.I)
_FRENCH_WORDS = re.compile(r"\b(?:notre|nos|équipe|poste|rejoindre|diriger|pour|sur|des|une|le|la|les)\b", re.I)


def purpose_phrase(purpose: str, team: dict | None, org: str) -> str:
    """The purpose as the sender would say it after "talk with you about": "leading our ...", "a role in ..."."""
    p = _ASKING.sub("", purpose.strip().rstrip(".!?")).strip()
    p = re.sub(r"\b(?:him|her|them)\b", "you", re.sub(r"\b(?:his|her|their)\b", "your", p))
    if not p:
        return f"a role in our {team['name']} team" if team else f"a research role at {org}"
    first, _, rest = p.partition(" ")
    if first.lower() in _GERUND:
        return f"{_GERUND[first.lower()]} {rest}".strip()
    if first.lower().endswith("ing"):
        return p[0].lower() + p[1:]
    if re.match(r"(?:a|an|the|our|your|some)\b", p, re.I):
        return p[0].lower() + p[1:]
    return f"a role in our work on {p}"


def dossier_warnings(candidate: Candidate, channel: str) -> list[str]:
    """What the dossier says against this draft: a preferred channel other than the one asked."""
    prefers = _PREFERS.search(candidate.notes or "")
    if not prefers:
        return []
    wanted = "email" if prefers.group(1).lower().replace("-", "") == "email" else prefers.group(1).lower()
    if wanted == channel:
        return []
    return [f"{candidate.name}'s dossier says they prefer {prefers.group(1)}; this draft is for {channel}."]


def met_at(candidate: Candidate) -> str:
    """"met briefly at a conference" from the dossier's notes, or ""; nothing else of the notes is used."""
    found = _MET.search(candidate.notes or "")
    return found.group(1).strip().rstrip(",") if found else ""


def _english(plan: DraftPlan, company: Company, team: dict | None, parts: dict) -> list[str]:
    sender, org = company.facts["sender"], company.facts["name"]
    formal = plan.tone == "formal"
    surname = plan.candidate.name.split()[-1]
    cta = company.text("call_to_action", "en", "a short call") if parts["cta"] else "a short call"
    casual = plan.tone == "casual"
    lines = [f"Dear Dr {surname}," if formal else f"Hey {first_name(plan.candidate)}," if casual
             else f"Hi {first_name(plan.candidate)},"]
    if parts["met"] and (met := met_at(plan.candidate)):
        lines.append(f"We {met[0].lower()}{met[1:]}, and I have followed your work since.")
    title = f", {sender['title']}" if sender.get("title") else ""
    lines.append((f"{sender['name'].split()[0]} here, {sender['title']} at {org}" if casual and sender.get("title")
                  else f"I'm {sender['name']}{title} at {org}") +
                 (f", {company.text('one_line', 'en')}." if parts["one_line"] else "."))
    papers = plan.papers[: 2 if parts["second"] else 1]
    focus = f"what our {team['name']} team works on" if team else "what we work on"
    for i, paper in enumerate(papers):
        claim = contribution(paper) if parts["claim"] else ""
        cite = _cite(paper, "en", parts["venue"])
        if i == 0:
            read = "I really enjoyed" if casual else "I read"
            lines.append(f"In {cite}, you {claim}, which is close to {focus}." if claim
                         else f"{read} {cite}, which is close to {focus}." if parts["focus"] else f"{read} {cite}.")
        else:
            lines.append(f"Your paper {cite} is just as relevant to us.")
    # A purpose said in French ("un poste de chercheur") is not pasted into English: the team's role says it.
    purpose = "" if is_french(plan.purpose) else plan.purpose
    lines.append(f"I would like to talk with you about {purpose_phrase(purpose, team, org)}.")
    if casual:
        lines.append(f"Fancy {cta}? No pressure either way." if parts["soft"] else f"Fancy {cta}?")
    else:
        lines.append(f"No pressure at all, but would you be open to {cta}?" if plan.tone == "warm" and parts["soft"]
                     else f"Would you be open to {cta}?")
    lines.append(f"{'Kind regards,' if formal else 'Cheers,' if casual else 'Best,'}\n"
                 f"{sender['name'].split()[0] if casual else sender['name']}")
    return lines


def _french(plan: DraftPlan, company: Company, team: dict | None, parts: dict) -> list[str]:
    sender, org = company.facts["sender"], company.facts["name"]
    formal = plan.tone == "formal"
    cta = company.text("call_to_action", "fr", "un court appel") if parts["cta"] else "un court appel"
    lines = [f"Bonjour {plan.candidate.name}," if formal else f"Bonjour {first_name(plan.candidate)},"]
    if parts["met"] and met_at(plan.candidate):
        lines.append("Nous nous sommes déjà rencontrés, et je suis vos travaux depuis.")
    title = sender.get("title_fr") or sender.get("title") or ""
    lines.append(f"Je suis {sender['name']}" + (f", {title}" if title else "") + f" chez {org}" +
                 (f", {company.text('one_line', 'fr')}." if parts["one_line"] else "."))
    papers = plan.papers[: 2 if parts["second"] else 1]
    focus = (f"ce que fait notre équipe {team['name_fr']}" if team and team.get("name_fr")
             else "ce que nous faisons")
    for i, paper in enumerate(papers):
        cite = _cite(paper, "fr", parts["venue"])
        if i == 0:
            lines.append(f"J'ai lu {cite} : ce travail est très proche de {focus}." if parts["claim"]
                         else f"J'ai lu {cite} avec beaucoup d'intérêt." if parts["focus"] else f"J'ai lu {cite}.")
        else:
            lines.append(f"Votre article {cite} nous intéresse tout autant.")
    french_purpose = plan.purpose and len(_FRENCH_WORDS.findall(plan.purpose)) >= 2
    if french_purpose:
        goal = _ASKING.sub("", plan.purpose.strip().rstrip(".!?"))
        lines.append(f"J'aimerais vous parler de la possibilité de {goal[0].lower()}{goal[1:]}." if
                     re.match(r"\w+(?:er|ir|re)\b", goal) else f"J'aimerais vous parler de {goal}.")
    elif team and team.get("name_fr"):
        lines.append(f"J'aimerais vous parler d'un rôle dans notre équipe {team['name_fr']}.")
    else:
        lines.append(f"J'aimerais vous parler d'un rôle de recherche chez {org}.")
    casual = plan.tone == "casual"
    lines.append(f"Ça vous dirait, {cta} ?" if casual else f"Seriez-vous disponible pour {cta} ?")
    lines.append(f"{'Je vous prie d’agréer mes salutations distinguées,' if formal else 'À bientôt,' if casual else 'Bien à vous,'}\n"
                 f"{sender['name']}")
    return lines


# What goes first when a draft is over its budget: the organisation's one-liner, the second paper, the
# "no pressure" softener, the claim (the title stays), the dossier's "met at", the venue, what the paper is
# close to, the call's details. Who writes and why stay.
_DROP_ORDER = ("one_line", "second", "soft", "claim", "met", "venue", "focus", "cta")


def render(plan: DraftPlan, company: Company) -> tuple[str | None, str, list[str]]:
    """(subject, body, cited paper ids) for a plan, within the channel's budget."""
    team = company.team_for(plan.purpose or " ".join(plan.candidate.topics).replace("_", " "))
    budget = BUDGET.get(plan.channel, 700) * (0.6 if plan.short else 1.0)
    parts = dict.fromkeys(_DROP_ORDER, True)
    if plan.channel != "email":
        parts["second"] = False
    write = _french if plan.language == "fr" else _english
    for drop in (None, *_DROP_ORDER):
        if drop:
            parts[drop] = False
        lines = write(plan, company, team, parts)
        greeting, *middle, close = lines
        body = "\n\n".join([greeting, " ".join(middle), close])
        if plan.channel != "email":
            body = f"{greeting}\n\n{' '.join(middle)}\n{close.splitlines()[-1]}"
        if len(body) <= budget:
            break
    cited = [p.id for p in plan.papers[:2] if quoted(p.title, plan.language) in body]
    subject = _subject(plan, company) if plan.channel == "email" else None
    return subject, body, cited
