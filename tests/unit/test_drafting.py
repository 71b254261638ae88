"""Offline drafts a hiring leader would send: who writes and why on every channel, the purpose in the sender's
words, the paper's own claim turned to "you", the dossier used (but never its private remarks), French done in
French, and every channel within its budget."""

from __future__ import annotations

import re

import pytest

from bot.assistant.drafting import BUDGET, Company, DraftPlan, dossier_warnings, render, subject_label
from bot.models import Candidate, Paper
from bot.settings import PROJECT_ROOT

COMPANY = Company.load(PROJECT_ROOT / "knowledge" / "company")
PAPER = Paper(id="q-1", title="Segment-Level Quality Estimation without References", authors=["Noor Haddad"],
              author_ids=["noor-haddad"], year=2023, venue="EMNLP 2023",
              abstract="Quality estimation predicts translation quality. We show that a small ranker trained on "
                       "synthetic errors matches reference-based metrics on six language pairs.")
SECOND = Paper(id="q-2", title="Error Spans for Document Translation", authors=["Noor Haddad"],
               author_ids=["noor-haddad"], year=2021, venue="Findings of ACL 2021", abstract="We study error spans.")
NOOR = Candidate(id="noor-haddad", name="Noor Haddad", paper_ids=["q-1", "q-2"],
                 notes="Met at the Lisbon MT summer school; prefers WhatsApp. Private: salary expectations are high.")


def draft(channel="email", language="en", purpose="", tone="warm", who=NOOR):
    return render(DraftPlan(who, [PAPER, SECOND], channel=channel, language=language, tone=tone, purpose=purpose),
                  COMPANY)


@pytest.mark.parametrize("channel", list(BUDGET))
@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_channel_says_who_writes_and_why_within_its_budget(channel, language):
    subject, body, cited = draft(channel, language, purpose="lead our quality estimation team")
    assert len(body) <= BUDGET[channel] and cited and PAPER.title in body
    assert ("I'm Claire Moreau" if language == "en" else "Je suis Claire Moreau") in body
    assert ("I would like to talk with you about" if language == "en" else "J'aimerais vous parler") in body
    assert (subject is not None) == (channel == "email")


def test_the_purpose_is_said_as_the_sender_would_not_pasted():
    _, body, _ = draft(purpose="help with invite him to lead our quality estimation team")
    assert "I would like to talk with you about leading our quality estimation team." in body
    assert "invite him" not in body and "help with" not in body


def test_the_papers_own_claim_is_turned_to_you():
    _, body, _ = draft()
    assert "you showed that a small ranker trained on synthetic errors matches reference-based metrics" in body


def test_the_dossier_opens_the_message_and_its_private_remarks_never_leak():
    _, body, _ = draft()
    assert body.split("\n\n")[1].startswith("We met at the Lisbon MT summer school")
    assert "salary" not in body and "Private" not in body and "prefers" not in body
    assert dossier_warnings(NOOR, "email") == ["Noor Haddad's dossier says they prefer WhatsApp; this draft is for email."]
    assert dossier_warnings(NOOR, "whatsapp") == []


def test_french_drafts_are_french_throughout_and_have_no_fragments():
    subject, body, _ = draft("email", "fr", tone="formal")
    assert subject_label("fr") == "Objet" and subject and not re.search(r"\b(?:Your|at|and|the)\b", subject)
    assert body.startswith("Bonjour Noor Haddad,") and "Je vous prie d’agréer" in body
    assert "Et aussi" not in body and "« Error Spans for Document Translation »" in body
    for sentence in re.split(r"(?<=[.?!])\s+", body.split("\n\n")[1]):
        assert len(sentence.split()) >= 4 and sentence[-1] in ".?!", sentence
    warm = draft("telegram", "fr")[1]
    assert warm.startswith("Bonjour Noor,") and warm.rstrip().endswith("Claire Moreau")


@pytest.mark.parametrize("language", ["en", "fr"])
def test_a_title_with_quotes_of_its_own_is_quoted_once_and_counted_as_cited(language):
    quoted_title = PAPER.model_copy(update={"id": "q-3", "title": "“Good Enough”: Segment-Level Quality Estimation"})
    subject, body, cited = render(DraftPlan(NOOR, [quoted_title, SECOND], channel="email", language=language,
                                            tone="warm", purpose=""), COMPANY)
    assert "q-3" in cited and "Good Enough: Segment-Level Quality Estimation" in body and "““" not in body
