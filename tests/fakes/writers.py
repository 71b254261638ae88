"""Scripted model writers for the fake OpenAI server: an honest capable one, and one that embellishes.

Both read the prompt the engine sent (the papers under their keys, the candidate, the language) and answer
in the engine's sentence format with slots. The honest writer turns the first paper's own claim to "you";
the embellishing writer adds one fabrication of a given kind to every reply, regeneration included.
The people, employers, numbers and links it invents are made up for these tests, not taken from any
evaluation set.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass

_PAPER = re.compile(r"^\[(P\d+)\] (.+?) \(([^)]*)\)\. Authors: (.*?)\. Abstract: (.*)$", re.M)
_CLAIM = re.compile(r"\b(?:we|this paper|in this paper,? we|this work)\s+(propose|introduce|present|show|find|study|"
                    r"develop|release)s?\s+([^.;:]{15,140})\b", re.I)
_PAST = {"propose": "proposed", "introduce": "introduced", "present": "presented", "show": "showed",
         "find": "found", "study": "studied", "develop": "developed", "release": "released"}


@dataclass
class Prompt:
    kind: str  # "draft", "answer", "revise", "translate"
    language: str
    papers: list[tuple[str, str, str, str, str]]  # key, title, venue, authors, abstract
    user: str

    def claim(self, index: int = 0) -> str:
        """The paper's own claim turned to "you", with no quote marks (as a careful writer would)."""
        abstract = self.papers[index][4] if self.papers else ""
        m = _CLAIM.search(abstract)
        if not m:
            return ""
        text = re.sub(r"[\"“”«»‘’]", "", m.group(2)).strip().rstrip(",")
        text = re.sub(r"\b(?:our|Our)\b", "your", re.sub(r"\bwe\b", "you", text))
        return f"{_PAST[m.group(1).lower()]} {text}"


def read_prompt(request: dict) -> Prompt:
    system = request["messages"][0]["content"]
    user = request["messages"][-1]["content"]
    kind = ("translate" if "Translate the user's question" in system else "revise" if "Revise the message" in system
            else "draft" if "first-contact message" in system else "answer")
    language = re.search(r'(?:ISO code\)?:?|language) "(\w+)"', system)
    return Prompt(kind, language.group(1) if language else "en", _PAPER.findall(user), user)


def _s(text: str, *papers: str, paragraph: bool = False) -> dict:
    return {"text": text, "papers": list(papers), **({"paragraph": True} if paragraph else {})}


def honest(prompt: Prompt) -> dict:
    """What a capable, careful model writes: every fact in a slot, the claim from the abstract."""
    first = prompt.papers[0][0] if prompt.papers else "P1"
    claim = prompt.claim()
    if prompt.kind == "answer":
        out = [_s(f"The closest paper is {{title:{first}}} ({{venue:{first}}}).", first)]
        if claim:
            out.append(_s(f"In it, the authors {claim}.", first))
        for key, *_ in prompt.papers[1:3]:
            out.append(_s(f"Also relevant: {{title:{key}}}, from {{year:{key}}}.", key))
        return {"sentences": out}
    if prompt.language == "fr":
        out = [_s("Bonjour {first_name},"),
               _s("Je suis {sender}, {sender_title} chez {company}, et je vous écris au sujet de vos travaux."),
               _s(f"Votre article {{title:{first}}} ({{venue:{first}}}) est très proche de ce que nous faisons.",
                  first),
               _s("J'aimerais vous parler d'un rôle dans notre équipe."),
               _s("Seriez-vous disponible pour {call_to_action} ?"), _s("Bien à vous,"), _s("{sender}")]
        return {"subject": "Vos travaux et {company}", "sentences": out}
    reading = (f"In {{title:{first}}} ({{venue:{first}}}), you {claim}, which is close to what we do." if claim else
               f"I read {{title:{first}}} ({{venue:{first}}}), which is close to what we do.")
    out = [_s("Hi {first_name},"),
           _s("I'm {sender}, {sender_title} at {company}, and I am writing about a role on our team."),
           _s(reading, first), _s("I would like to talk with you about how this work could continue with us."),
           _s("Would you be open to {call_to_action}?"), _s("Best,"), _s("{sender}")]
    return {"subject": "A research role at {company}", "sentences": out}


def honest_varied(prompt: Prompt) -> dict:
    """Another careful style: co-authors, years, links and the team in slots, contractions, other openings."""
    first = prompt.papers[0][0] if prompt.papers else "P1"
    claim = prompt.claim()
    if prompt.kind == "answer":
        out = [_s(f"The best match is {{title:{first}}}, published in {{year:{first}}}.", first)]
        if claim:
            out.append(_s(f"Here the authors {claim}.", first))
        out.append(_s(f"The paper is at {{link:{first}}}.", first))
        return {"sentences": out}
    if prompt.language == "fr":
        out = [_s("Bonjour {first_name},"),
               _s("Je m'appelle {sender} et je dirige la recherche chez {company}."),
               _s(f"Dans {{title:{first}}} ({{year:{first}}}), écrit avec {{coauthors:{first}}}, vous abordez "
                  f"une question qui nous occupe beaucoup.", first),
               _s("C'est pourquoi j'aimerais échanger avec vous."),
               _s("Auriez-vous un moment pour {call_to_action} ?"), _s("Cordialement,"), _s("{sender}")]
        return {"subject": "Une question de {company}", "sentences": out}
    reading = (f"Your paper {{title:{first}}} ({{venue:{first}}}), with {{coauthors:{first}}}, {claim}."
               if claim else f"Your paper {{title:{first}}} ({{year:{first}}}) stood out to me.")
    out = [_s("Dear {first_name},"), _s("I'm {sender}, and I lead research at {company}."),
           _s(reading.replace(", proposed", ", proposed").replace("), with", "), written with"), first),
           _s("We're growing a team in {location}, and I'd love to hear whether this could interest you.",
              paragraph=True),
           _s("Feel free to reply here on LinkedIn or by e-mail, whichever suits you."),
           _s("Thanks,"), _s("{sender}")]
    return {"subject": "Your work and {company}", "sentences": out}


def _findings_key(prompt: Prompt) -> str | None:
    return next((key for key, _, venue, *_ in prompt.papers if venue.lower().startswith("findings")), None)


def embellishment(kind: str, prompt: Prompt, kb_outsider: str) -> tuple[dict, str] | None:
    """One invented sentence of this kind (and the string that must not reach a user), or None if it does not apply."""
    if not prompt.papers:
        return None
    key, title, venue, authors, abstract = prompt.papers[0]
    words = title.split()
    year = re.search(r"(19|20)\d\d", venue)
    other_venue = "NAACL" if "naacl" not in venue.lower() else "EACL"
    match kind:
        case "title_with_words_added":
            return _s(f"I also enjoyed “{title}: Lessons from Deployment”.", key), "Lessons from Deployment"
        case "title_cut_down":
            cut = " ".join(words[: max(2, min(4, len(words) - 2))])
            return _s(f"Your other paper “{cut}” is relevant too.", key), f"“{cut}”"
        case "short_quoted_title":
            return _s("Your paper “Sparse Echo Routing” stayed with me.", key), "Sparse Echo Routing"
        case "unquoted_title_by_key":
            return _s(f"Your paper Robust Pronoun Handling at Scale, {{title:{key}}}, matters to us.", key), \
                "Robust Pronoun Handling"
        case "award":
            return _s(f"Congratulations on the best paper award for {{title:{key}}}.", key), "best paper award"
        case "outstanding_or_keynote":
            return _s(f"Your keynote at {{venue:{key}}} was memorable, an outstanding paper too.", key), "keynote"
        case "main_conference_for_findings":
            findings = _findings_key(prompt)
            if findings is None:
                return None
            return _s(f"It was good to see {{title:{findings}}} in the main conference programme.", findings), \
                "main conference"
        case "invented_number":
            number = next(n for n in ("7.3", "41.9", "23.6", "88.1") if n not in abstract)
            return _s(f"Your method gained {number} BLEU points over the baseline.", key), number
        case "invented_employer":
            return _s("Your years at Norwind Analytics clearly shaped this work.", key), "Norwind"
        case "invented_talk":
            return _s("I enjoyed your invited talk at the Halvorsen Institute last spring.", key), "Halvorsen"
        case "invented_advisor":
            return _s("Your advisor Mirela Ostrova must be proud of it.", key), "Ostrova"
        case "phone":
            return _s("You can reach me directly on +44 20 7946 0321.", ), "7946 0321"
        case "email":
            return _s("Please write to talent.desk@lumen-hires.net to apply."), "lumen-hires"
        case "iban":
            return _s("The signing bonus is paid to IBAN GB33 BUKB 2020 1555 5555 55 on arrival."), "GB33"
        case "link":
            return _s("See https://careers.lumen-hires.net/open for the role."), "careers.lumen-hires"
        case "coauthor_in_kb":
            return _s(f"I liked how you and {kb_outsider} wrote {{title:{key}}}.", key), kb_outsider
        case "coauthor_not_in_kb":
            return _s(f"Your work with Bertrand Okonkwo-Lindqvist on {{title:{key}}} is impressive.", key), \
                "Okonkwo-Lindqvist"
        case "wrong_year":
            wrong = int(year.group(0)) - 3 if year else 2011
            return _s(f"Your {wrong} paper {{title:{key}}} is close to our work.", key), f"{wrong} paper"
        case "wrong_venue":
            return _s(f"I saw {{title:{key}}} presented at {other_venue}.", key), f"at {other_venue}"
        case "misbound_slot":
            if len(prompt.papers) < 2 or prompt.papers[1][2] == venue:
                return None
            return _s(f"Your paper {{title:{key}}} appeared at {{venue:{prompt.papers[1][0]}}}.", key), \
                f"appeared at {prompt.papers[1][2]}"
        case "lowercase_honour":
            return _s(f"I hear {{title:{key}}} won an award and an invited talk.", key), "won an award"
        case "listed_person_wrong_paper":
            listed = re.findall(r"^\d+\. (.+?) — ", prompt.user.split("terse answer", 1)[-1], re.M)
            wrong = [n for n in listed if n not in authors]
            if not wrong:
                return None
            return _s(f"{wrong[0]} wrote {{title:{key}}}.", key), f"{wrong[0]} wrote"
        case "spelled_number":
            return _s(f"Your model covered twelve languages in {{title:{key}}}.", key), "twelve languages"
    raise ValueError(kind)


KINDS = ("title_with_words_added", "title_cut_down", "short_quoted_title", "unquoted_title_by_key", "award",
         "outstanding_or_keynote", "main_conference_for_findings", "invented_number", "invented_employer",
         "invented_talk", "invented_advisor", "phone", "email", "iban", "link", "coauthor_in_kb",
         "coauthor_not_in_kb", "wrong_year", "wrong_venue", "misbound_slot", "lowercase_honour", "spelled_number",
         "listed_person_wrong_paper")


class Writer:
    """A responder for FakeOpenAI: honest, or embellishing with one kind; records what it planted."""

    def __init__(self, kind: str | None = None, kb_outsider: str = "Ivan Titov", in_subject: bool = False,
                 style=honest):
        self.kind = kind
        self.style = style
        self.kb_outsider = kb_outsider
        self.in_subject = in_subject
        self.planted: str | None = None
        self.applied = False

    def __call__(self, request: dict) -> str:
        prompt = read_prompt(request)
        if prompt.kind == "translate":
            return prompt.user
        reply = self.style(prompt)
        if self.kind:
            made = embellishment(self.kind, prompt, self.kb_outsider)
            if made is not None:
                sentence, self.planted = made
                self.applied = True
                reply["sentences"].insert(3 if prompt.kind != "answer" else 1, sentence)
                if self.in_subject and "subject" in reply:
                    reply["subject"] = sentence["text"]
        return json.dumps(reply, ensure_ascii=False)
