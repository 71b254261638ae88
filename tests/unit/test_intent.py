"""What a recruiter's message asks for."""

import pytest

from bot.assistant.intent import language_of, read_intent


@pytest.mark.parametrize("text, named, kind", [
    ("In what year did Rico Sennrich publish the case study on low-resource NMT?", True, "year"),
    ("When did Zhou Yu publish the study of anthropomorphic chatbot lines?", True, "year"),
    ("Where did Weiyan Shi publish the analysis of resistance strategies?", True, "venue"),
    ("At which venue did Pascale Fung publish the work on related languages?", True, "venue"),
    ("Who co-authored Ivan Vulić's paper on dictionary induction?", True, "coauthors"),
    ("Who did Matt Post write the constrained decoding paper with?", True, "coauthors"),
    ("Who co-wrote David Vilar's paper on data weighting?", True, "coauthors"),
    ("Which Jason Weston paper shows chatbots confuse who is talking?", True, "papers"),
    ("Which of Michael Heck's papers checks when the tracker is unsure?", True, "papers"),
    ("Tell me about Lucia Specia", True, "summary"),
    ("How many papers does Rico Sennrich have from 2021?", True, "count"),
    ("Who has worked on unsupervised machine translation?", False, "find"),
    ("Which candidates have worked on dialogue state tracking?", False, "find"),
    ("Draft a first-contact email to Zhou Yu about persuasion", True, "draft"),
    ("Could you write a LinkedIn message to Rico Sennrich?", True, "draft"),
])
def test_reads_the_kind_of_request(text, named, kind):
    assert read_intent(text, named).kind == kind


def test_a_draft_request_carries_channel_language_tone_and_purpose():
    intent = read_intent("Please draft a formal WhatsApp message in French to Lucia Specia about an advisory seat", True)
    assert (intent.channel, intent.language, intent.tone) == ("whatsapp", "fr", "formal")
    assert intent.purpose == "an advisory seat"


def test_language_of_tells_french_from_english():
    assert language_of("Quel article de Masao Utiyama rend la traduction plus robuste pour le khmer ?") == "fr"
    assert language_of("Which of Masao Utiyama's papers makes translation robust for Khmer?") == "en"
