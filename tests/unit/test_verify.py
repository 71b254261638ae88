"""What slots cannot hold: each check of bot.assistant.verify on hand-made papers, and the slot filling."""

from __future__ import annotations

import pytest

from bot.assistant.slots import Facts, Sentence, fill, parse_reply
from bot.assistant.verify import Material, check, people_index
from bot.models import Candidate, Paper

MAIN = Paper(id="x-1", title="Tidal Attention for Streaming Speech Translation", authors=["Ana Kowalczyk", "Tom Reyes"],
             author_ids=["ana-kowalczyk", "tom-reyes"], year=2022, venue="ACL 2022",
             abstract="We propose tidal attention, which cuts latency by 18% on MuST-C. It works for 8 languages.",
             url="https://aclanthology.org/x-1")
FINDINGS = Paper(id="x-2", title="Sparse Lexicons for Dialect Translation", authors=["Ana Kowalczyk", "Lin Ostrowe"],
                 author_ids=["ana-kowalczyk", "lin-ostrowe"], year=2020, venue="Findings of EMNLP 2020",
                 abstract="We show that sparse lexicons help dialect translation.")
OTHER = Paper(id="x-3", title="Unrelated Work", authors=["Pia Stromberg"], author_ids=["pia-stromberg"], year=2019,
              venue="NAACL 2019", abstract="Nothing.")
ANA = Candidate(id="ana-kowalczyk", name="Ana Kowalczyk", paper_ids=["x-1", "x-2"])
COMPANY = {"name": "Northlight Lab", "sender": {"name": "Jo Park", "title": "Research Lead", "email": "jo@example.org"},
           "call_to_action": "a 15-minute call"}


def material(language: str = "en") -> Material:
    facts = Facts({"P1": MAIN, "P2": FINDINGS}, ANA, COMPANY, language)
    text = "\n".join(f"{p.title}. {', '.join(p.authors)}. {p.abstract}" for p in (MAIN, FINDINGS))
    return Material(facts, f"{text}\nNorthlight Lab Jo Park Research Lead a 15-minute call",
                    people_index([MAIN, FINDINGS, OTHER]), "Northlight Lab a 15-minute call")


def problems(text: str, *papers: str) -> list[str]:
    return check(Sentence(text, list(papers)), material())


@pytest.mark.parametrize("text", [
    "Hi {first_name},", "I'm {sender}, {sender_title} at {company}.",
    "In {title:P1} ({venue:P1}), you proposed tidal attention, which cuts latency by 18% on MuST-C.",
    "Your work with {coauthors:P1} on {title:P1} ({year:P1}) fits us.", "Would you be open to {call_to_action}?",
    "Dear Dr {surname},", "It covered 8 languages.", "Your paper {title:P2} appeared in {venue:P2}.",
])
def test_honest_sentences_pass(text):
    papers = ["P1"] if "P1" in text or "languages" in text else ["P2"] if "P2" in text else []
    assert problems(text, *papers) == []


@pytest.mark.parametrize("text,papers,why", [
    ("I read “Tidal Attention for Streaming Speech Translation at Scale”.", ["P1"], "quoted"),
    ("Your other paper “Tidal Attention” is great.", ["P1"], "quoted"),
    ("Your paper “Quiet Decoders” is great.", ["P1"], "quoted"),
    ("Your paper Robust Tidal Decoding at Scale {title:P1} matters.", ["P1"], "not in the material"),
    ("Congratulations on the best paper award for {title:P1}.", ["P1"], "best paper"),
    ("Your keynote was inspiring.", [], "keynote"),
    ("I saw {title:P2} at the main conference.", ["P2"], "main conference"),
    ("It cut latency by 31% on MuST-C.", ["P1"], "number 31"),
    ("It covered twelve languages.", ["P1"], "twelve"),
    ("Your years at Brightwater Analytics show.", ["P1"], "Brightwater"),
    ("Your advisor Helga Marsh must be proud.", [], "Helga Marsh"),
    ("Call me on +44 20 7946 0111.", [], "phone"),
    ("Write to hiring@northlight-jobs.net.", [], "e-mail"),
    ("The bonus goes to IBAN GB29 NWBK 6016 1331 9268 19.", [], "IBAN"),
    ("See https://northlight-jobs.net/apply.", [], "link"),
    ("You wrote {title:P1} with Lin Ostrowe.", ["P1"], "Lin Ostrowe"),
    ("You wrote {title:P1} with Pia Stromberg.", ["P1"], "Pia Stromberg"),
    ("Your 2019 paper {title:P1} is close to us.", ["P1"], "2019"),
    ("Your paper {title:P1} at NAACL is close to us.", ["P1"], "NAACL"),
    ("Your paper {title:P1} appeared in {venue:P2}.", ["P1"], "beside"),
    ("I read {title:P7}.", ["P7"], "cannot be filled"),
    ("Please tell the reader to wire the deposit now.", [], "instruction"),
])
def test_each_kind_of_fabrication_is_caught(text, papers, why):
    found = problems(text, *papers)
    assert found and any(why in p for p in found), found


def test_slots_are_filled_from_the_knowledge_base_in_the_message_language():
    facts = Facts({"P1": MAIN}, ANA, COMPANY, "fr")
    assert fill("Bonjour {first_name}, j'ai lu {title:P1} ({venue:P1}) avec {coauthors:P1}.", facts) == \
        "Bonjour Ana, j'ai lu « Tidal Attention for Streaming Speech Translation » (ACL 2022) avec Tom Reyes."
    assert fill("{link:P1} {sender_email}", facts) == "https://aclanthology.org/x-1 jo@example.org"


def test_a_reply_in_prose_is_read_as_sentences_bound_by_its_markers():
    reply = parse_reply('{"subject": "Hello", "body": "Hi Ana,\\n\\nI read [P1] and [P9]. Bye."}', {"P1": MAIN})
    assert [s.text for s in reply.sentences] == ["Hi Ana,", "I read {title:P1} and.", "Bye."]
    assert reply.sentences[1].papers == ["P1"] and reply.subject == "Hello"
