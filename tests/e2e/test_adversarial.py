"""The adversarial suite: an embellishing model in 22 ways, and an honest one, replayed through the real system.

Candidates and wording are this suite's own (tests/fakes/writers.py); the audit that judges the final text
shares no code with the engine's checks (tests/fakes/audit.py). bench/adversarial.py prints the same two
figures over more candidates.
"""

from __future__ import annotations

from bot.assistant.drafting import Company
from tests.fakes.audit import audit
from tests.fakes.replay import Job, replay
from tests.fakes.writers import KINDS

JOBS = [Job("draft", "zhou-yu", "email", "en", "persuasive dialogue systems"),
        Job("draft", "yang-feng", "linkedin", "fr"),
        Job("draft", "ivan-vulic", "whatsapp", "en", "multilingual representation learning"),
        Job("draft", "rico-sennrich", "telegram", "fr", "document-level translation"),
        Job("answer", "zhou-yu", question="What has Zhou Yu published on persuasion?"),
        Job("answer", "yang-feng", question="What did Yang Feng write about simultaneous translation?"),
        Job("answer", "", question="Who has worked on dialogue state tracking?")]


def test_no_embellishment_reaches_a_user_and_honest_replies_are_shown_as_written(full_kb):
    results = replay(full_kb, Company.load(full_kb.settings.knowledge.company_dir), JOBS)
    assert results.planted >= len(KINDS) * len(JOBS) - 3 * len(JOBS)  # nearly every kind applied to every job
    assert "listed_person_wrong_paper" in results.applied_kinds
    assert results.reached == []
    assert results.honest_worded / results.honest >= 0.95, results.honest_misses


def test_the_audit_finds_what_it_is_meant_to(full_kb):
    """The audit is the judge: it must catch fabrications without the engine's help."""
    paper = full_kb.catalog.papers_of("zhou-yu")[0]
    prompt = f"[P1] {paper.title} ({paper.venue}). Authors: {', '.join(paper.authors)}. Abstract: {paper.abstract}"
    clean = f"Hi Zhou,\n\nI read “{paper.title}” ({paper.venue}).\n\nBest,\nClaire Moreau"
    assert audit(full_kb, clean, "zhou-yu", [paper.id], prompt=prompt) == []
    for bad in (f"I read “{paper.title}” ({paper.year - 2}).", "Your keynote was great.",
                "Call me on +33 6 11 22 33 44.", "Your years at Quorvex Systems show.",
                f"I read “{paper.title}”, written with Desmond Faraway-Pike."):
        assert audit(full_kb, f"Hi Zhou,\n\n{bad}", "zhou-yu", [paper.id], prompt=prompt), bad
