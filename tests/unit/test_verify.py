"""The verifier: every model output is checked against the papers it was given."""

from __future__ import annotations

import pytest

from bot.assistant.verify import Verdict, verify
from bot.models import Paper

BPE = Paper(
    id="P16-1162",
    title="Neural Machine Translation of Rare Words with Subword Units",
    authors=["Rico Sennrich", "Barry Haddow", "Alexandra Birch"],
    author_ids=["rico-sennrich", "barry-haddow", "alexandra-birch"],
    year=2016,
    venue="ACL 2016",
    url="https://aclanthology.org/P16-1162",
)
BACKTRANS = Paper(
    id="P16-1009",
    title="Improving Neural Machine Translation Models with Monolingual Data",
    authors=["Rico Sennrich", "Barry Haddow", "Alexandra Birch"],
    author_ids=["rico-sennrich", "barry-haddow", "alexandra-birch"],
    year=2016,
    venue="ACL 2016",
)
GENDER = Paper(
    id="2020.findings-emnlp.1",
    title="Gender Bias in Multilingual Machine Translation Benchmarks",
    authors=["Rico Sennrich", "Jane Doe"],
    author_ids=["rico-sennrich", "jane-doe"],
    year=2020,
    venue="Findings of EMNLP 2020",
)
ATTENTION = Paper(
    id="nips-2017",
    title="Attention Is All You Need",
    authors=["Ashish Vaswani", "Noam Shazeer"],
    author_ids=["ashish-vaswani", "noam-shazeer"],
    year=2017,
    venue="NeurIPS 2017",
)
ALL = {p.id: p for p in (BPE, BACKTRANS, GENDER, ATTENTION)}
KEYS = {"P1": BPE, "P2": BACKTRANS, "P3": GENDER}
MINE = [BPE, BACKTRANS, GENDER]


def check(text: str, *, remove: bool = False, candidate: str | None = "rico-sennrich") -> Verdict:
    return verify(text, KEYS, MINE if candidate else [], ALL, candidate, remove=remove)


def test_correct_text_passes_with_only_keys_rewritten():
    text = (
        'Rico Sennrich wrote "Neural Machine Translation of Rare Words with Subword Units" with Barry Haddow '
        "in 2016 [P1]. His work on monolingual data at ACL [P2] is widely used.\n\n"
        "- Gender bias in MT, 2020, Findings of EMNLP [P3]\n"
    )
    verdict = check(text, remove=True)
    assert verdict.problems == [] and verdict.ok
    assert verdict.text == text.replace("[P1]", "[1]").replace("[P2]", "[2]").replace("[P3]", "[3]")
    assert verdict.cited == [BPE.id, BACKTRANS.id, GENDER.id]
    assert (verdict.removed, verdict.repaired) == (0, 0)


def test_text_without_citations_is_returned_unchanged():
    text = "Thanks for the question. I can help with recruiting, e.g. drafting messages!"
    verdict = check(text, remove=True)
    assert verdict == Verdict(text=text, cited=[], problems=[], removed=0, repaired=0)


def test_given_keys_are_numbered_in_order_of_first_use():
    verdict = check("Back-translation [P2] builds on subword units [P1]. Both matter [P1; P2].")
    assert verdict.text == "Back-translation [1] builds on subword units [2]. Both matter [2, 1]."
    assert verdict.cited == [BACKTRANS.id, BPE.id]


def test_a_key_that_was_never_given_is_stripped():
    verdict = check("He also proposed a new decoder [P9]. Subword units [P1, P7] are his best-known idea.")
    assert verdict.text == "He also proposed a new decoder. Subword units [1] are his best-known idea."
    assert verdict.cited == [BPE.id]
    assert len(verdict.problems) == 2 and "[P9]" in verdict.problems[0] and "[P7]" in verdict.problems[1]
    assert verdict.repaired == 2 and verdict.unfixable == []


@pytest.mark.parametrize("quote", ['"{}"', "“{}”", "«{}»", "*{}*"])
def test_a_fabricated_title_is_flagged_and_its_sentence_removed_on_request(quote):
    fake = quote.format("A Survey of Quantum Translation Engines")
    text = f"Rico is a strong candidate. He wrote {fake} in 2019. He leads a group in Zurich."
    flagged = check(text)
    assert flagged.text == text
    assert len(flagged.unfixable) == 1 and "Quantum Translation Engines" in flagged.problems[0]
    removed = check(text, remove=True)
    assert removed.text == "Rico is a strong candidate. He leads a group in Zurich."
    assert removed.removed == 1


def test_a_title_of_someone_elses_paper_is_not_credited_to_the_candidate():
    verdict = check('He is best known for "Attention Is All You Need".', remove=True)
    assert verdict.removed == 1 and verdict.text == ""


def test_a_quoted_title_with_small_differences_counts_as_citing_the_paper():
    verdict = check('His paper "neural machine translation of rare words with sub-word units" is widely cited.')
    assert verdict.problems == [] and verdict.cited == [BPE.id]


def test_without_a_candidate_titles_are_checked_against_the_given_papers():
    ok = verify('"Improving Neural Machine Translation Models with Monolingual Data" helps.', KEYS, [], ALL, None)
    assert ok.problems == [] and ok.cited == [BACKTRANS.id]
    bad = verify('"Attention Is All You Need" helps.', KEYS, [], ALL, None)
    assert len(bad.unfixable) == 1


def test_a_wrong_year_is_repaired():
    verdict = check("His paper on subword units [P1] appeared in 2015 and is widely used.", remove=True)
    assert verdict.text == "His paper on subword units [1] appeared in 2016 and is widely used."
    assert verdict.repaired == 1 and verdict.removed == 0
    assert "2015" in verdict.problems[0] and verdict.unfixable == []


def test_a_year_matching_none_of_several_cited_papers_is_unfixable():
    verdict = check("Between 2012 and 2016 he wrote [P1] and [P3].", remove=True)
    assert verdict.removed == 1 and verdict.text == ""


def test_a_wrong_coauthor_is_flagged():
    text = "He wrote the subword paper with Noam Shazeer [P1]. He now works in Zurich."
    flagged = check(text)
    assert len(flagged.unfixable) == 1 and "Noam Shazeer" in flagged.problems[0]
    removed = check(text, remove=True)
    assert removed.text == "He now works in Zurich." and removed.cited == []


def test_a_real_coauthor_is_fine():
    assert check("He worked with Jane Doe on gender bias [P3].").problems == []


def test_a_wrong_venue_is_flagged():
    verdict = check("His gender bias paper appeared at ACL [P3].")
    assert len(verdict.unfixable) == 1 and "ACL" in verdict.problems[0]


def test_unknown_links_are_stripped_and_paper_links_kept():
    verdict = check(
        "Read it at https://aclanthology.org/P16-1162 [P1]. More at [his blog](https://example.com/blog)."
    )
    assert verdict.text == "Read it at https://aclanthology.org/P16-1162 [1]. More at his blog."
    assert verdict.repaired == 1 and "example.com" in verdict.problems[0]


def test_removed_sentences_leave_paragraphs_intact():
    text = "Intro line.\n\n- Wrote *A Survey of Quantum Translation Engines* [P1].\n- Wrote subword units [P1].\n"
    verdict = check(text, remove=True)
    assert verdict.text == "Intro line.\n\n- Wrote subword units [1].\n"
    assert verdict.cited == [BPE.id]
