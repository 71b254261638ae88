"""The offline engine over the bundled knowledge: answers, follow-ups, finding, drafts and revisions."""

import re

import pytest

from bot.assistant.drafting import BUDGET, SUBJECT_RANGE
from bot.assistant.protocol import NOT_FOUND_PHRASE, OFFLINE_LABEL, UNKNOWN_PERSON, Conversation
from bot.assistant.service import UnknownCandidateError

QUOTED = re.compile(r"“([^”]+)”|« ([^»]+) »")


def titles_in(text):
    return [a or b for a, b in QUOTED.findall(text)]


def test_an_answer_cites_the_paper_with_title_year_venue_and_link(assistant):
    answer = assistant.ask("Which of Rico Sennrich's papers evaluates how well translation models handle "
                           "pronouns and coherence using contrastive test sets of document context?")
    assert answer.engine == OFFLINE_LABEL and not answer.not_found
    assert answer.candidate_ids == ["rico-sennrich"]
    first = answer.citations[0].paper
    assert "rico-sennrich" in first.author_ids and first.url and first.year and first.venue
    assert "[1]" in answer.text and first.title in answer.text


def test_nothing_found_is_said_plainly_and_cites_nothing(assistant):
    answer = assistant.ask("What has Jason Weston published on machine translation?")
    assert answer.not_found and NOT_FOUND_PHRASE in answer.text
    assert answer.citations == [] and answer.ranked_paper_ids == []
    assert not titles_in(answer.text)


def test_follow_ups_lean_on_the_conversation(assistant):
    conversation = Conversation()
    first = assistant.ask("Which of David Vilar's papers forces pre-specified words into the output of beam search "
                          "at a cost that does not grow with the number of constraints?", conversation)
    paper = first.citations[0].paper
    assert conversation.candidate_id == "david-vilar"
    coauthors = assistant.ask("Who were the co-authors on that one?", conversation)
    assert coauthors.citations[0].paper.id == paper.id
    listed = coauthors.text.split("co-authors were", 1)[1]
    for name, person in zip(paper.authors, paper.author_ids):
        assert (name in listed) == (person != "david-vilar")
    year = assistant.ask("And what did he publish in 2021?", conversation)
    assert year.citations and all(c.paper.year == 2021 for c in year.citations)
    assert all("david-vilar" in c.paper.author_ids for c in year.citations)


def test_a_summary_of_a_candidate_uses_the_dossier(assistant):
    answer = assistant.ask("Tell me about Rico Sennrich")
    assert "University of Zurich (example)" in answer.text and "papers in the knowledge base" in answer.text


def test_finding_candidates_ranks_people_with_papers_as_evidence(assistant):
    hits = assistant.find("simultaneous machine translation", k=5)
    assert len(hits) == 5
    for hit in hits:
        assert hit.evidence and all(hit.candidate.id in c.paper.author_ids for c in hit.evidence)
    assert not any(h.candidate.ambiguous for h in hits)
    answer = assistant.ask("Who has worked on simultaneous machine translation?")
    assert answer.intent == "find" and answer.candidate_ids[:5] == [h.candidate.id for h in hits]


def test_an_ambiguous_name_is_a_question_back(assistant):
    answer = assistant.ask("What has Chen published on evaluation?")
    assert answer.status == "clarify" and len(answer.clarify) >= 2 and not answer.citations


@pytest.mark.parametrize("channel", ["email", "linkedin", "whatsapp", "telegram"])
def test_drafts_fit_their_channel_and_cite_only_the_candidates_papers(assistant, channel):
    draft = assistant.draft("Zhou Yu", channel=channel, purpose="persuasive dialogue agents for charity campaigns")
    own = {p.title for p in assistant.papers_of("zhou-yu")}
    assert draft.cited_paper_ids and set(titles_in(draft.body)) <= own
    assert len(draft.body) <= BUDGET[channel]
    if channel == "email":
        assert SUBJECT_RANGE[0] <= len(draft.subject) <= SUBJECT_RANGE[1]
    else:
        assert draft.subject is None


def test_drafts_follow_the_dossier_language_and_translate_on_request(assistant):
    french = assistant.draft("François Yvon")
    assert french.language == "fr" and french.body.startswith("Bonjour")
    english = assistant.revise(french, "translate", "en")
    assert english.language == "en" and english.cited_paper_ids == french.cited_paper_ids
    german = assistant.revise(french, "translate", "de")
    assert german.language == "en" and german.warnings, "the offline engine says it cannot write German"


def test_revisions_shorten_and_formalise_without_losing_citations(assistant):
    draft = assistant.draft("Lucia Specia", purpose="an advisory role on quality estimation")
    shorter = assistant.revise(draft, "shorter")
    formal = assistant.revise(draft, "formal")
    assert len(shorter.body) < len(draft.body) and shorter.cited_paper_ids
    assert formal.body.startswith("Dear Dr Specia") and formal.tone == "formal"


def test_drafting_for_nobody_is_a_clear_error(assistant):
    with pytest.raises(UnknownCandidateError):
        assistant.draft("Nobody McNobodyface")


def test_a_person_who_is_not_in_the_knowledge_base_is_said_so(assistant):
    answer = assistant.ask("What has Jane Doe published on machine translation?")
    assert answer.not_found and UNKNOWN_PERSON.format(name="Jane Doe") in answer.text and not answer.citations
    assert not answer.citations


def test_the_built_assistant_is_loaded_and_its_objects_are_out_of_the_collectors_scans(full_kb):
    import gc

    from bot.assistant.service import build_assistant

    try:
        gc.unfreeze()
        built = build_assistant(full_kb.settings, kb=full_kb)
        assert gc.get_freeze_count() > 100_000  # the catalog, the index's views, the names: loaded, then frozen
        assert "_searcher" in full_kb.__dict__ and "_resolver" in full_kb.__dict__
        assert built.ask("Who has worked on machine translation?").candidate_ids
        full_kb._drop_views()  # a reload: the old views can be collected again
        assert gc.get_freeze_count() == 0
    finally:
        gc.unfreeze()
