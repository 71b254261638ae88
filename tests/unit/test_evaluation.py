"""The evaluation scorer: each rule of the shared eval README (../shared/eval/README.md), on synthetic papers and real dev items."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rich.console import Console

from bot.evaluation import NOTHING_FOUND_PHRASES, Scorer, load_questions, normalise, venue_matches

CORPUS = Path(__file__).resolve().parents[2] / "knowledge" / "papers" / "acl-anthology.jsonl"


def paper(pid: str, title: str, authors: dict[str, str], year: int = 2020, venue: str = "ACL 2020") -> dict:
    """A corpus record; ``authors`` maps person id to name."""
    return {"id": pid, "title": title, "authors": list(authors.values()), "author_ids": list(authors),
            "year": year, "venue": venue}


ADA = {"ada-lovelace": "Ada Lovelace"}
SYNTHETIC = [
    paper("A1", "Counting Engines for Poetic Machine Translation", {**ADA, "charles-babbage": "Charles Babbage"}),
    paper("A2", "Analytical Dialogue Systems with Punched Cards", {**ADA, "mary-somerville": "Mary Somerville"}),
    paper("A3", "Difference Engines Are Strong Baselines for Parsing", {**ADA}),
    paper("B1", "Steam-Powered Summarisation of Very Long Documents", {"charles-babbage": "Charles Babbage"}),
    paper("B2", "A Survey of Mechanical Question Answering", {"mary-somerville": "Mary Somerville"}),
    paper("C1", "Løvås Machines: Søren's Study of Gears", {"soren-lovas": "Søren Løvås", **ADA}),
]


def question(qid: str, kind: str, **fields) -> dict:
    """A question dict with the schema's defaults."""
    base = {"id": qid, "type": kind, "lang": "en", "candidate": "ada-lovelace", "candidate_name": "Ada Lovelace",
            "question": "?", "gold_paper_ids": [], "gold_author_ids": [], "gold_answer": None, "notes": ""}
    return {**base, **fields}


def output(qid: str, answer: str = "", **fields) -> dict:
    return {"id": qid, "answer": answer, "paper_ids": [], "candidate_ids": [], "not_found": False, **fields}


@pytest.fixture(scope="module")
def synthetic() -> Scorer:
    return Scorer(SYNTHETIC)


@pytest.fixture(scope="module")
def real() -> Scorer:
    return Scorer([json.loads(line) for line in CORPUS.read_text(encoding="utf-8").splitlines() if line.strip()])


# Real dev items (copied from /work/shared/eval/dev.jsonl, question text left out).
DEV_001 = question("dev-001", "paper", candidate="jiajun-chen", candidate_name="Jiajun Chen",
                   gold_paper_ids=["2023.acl-long.297"])
DEV_036 = question("dev-036", "fact", candidate="pascale-fung", candidate_name="Pascale Fung",
                   gold_paper_ids=["2021.acl-long.66"], gold_answer="ACL-IJCNLP 2021")
DEV_038 = question("dev-038", "fact", candidate="weiyan-shi", candidate_name="Weiyan Shi",
                   gold_paper_ids=["2020.findings-emnlp.431"], gold_answer="Findings of EMNLP 2020")
DEV_044 = question("dev-044", "fact", candidate="ivan-vulic", candidate_name="Ivan Vulić",
                   gold_paper_ids=["P18-1072"], gold_author_ids=["anders-sgaard", "sebastian-ruder"],
                   gold_answer=["Anders Søgaard", "Sebastian Ruder"])
DEV_056 = question("dev-056", "none", candidate="jason-weston", candidate_name="Jason Weston")
DEV_066 = question("dev-066", "draft", candidate="zhou-yu", candidate_name="Zhou Yu",
                   gold_paper_ids=["P19-1566", "2020.findings-emnlp.431", "2021.findings-emnlp.295",
                                   "2022.aacl-main.31", "2023.eacl-main.53"])
PERSUASION = "Persuasion for Good: Towards a Personalized Persuasive Dialogue System for Social Good"


# ---- loading -------------------------------------------------------------------------------------


def test_load_questions_reads_jsonl_and_skips_blank_lines(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps(DEV_001) + "\n\n" + json.dumps(DEV_036) + "\n", encoding="utf-8")
    assert [q["id"] for q in load_questions(path)] == ["dev-001", "dev-036"]


def test_load_questions_names_file_and_line_on_bad_json(tmp_path):
    path = tmp_path / "bad.jsonl"
    path.write_text(json.dumps(DEV_001) + "\n{not json\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2: invalid JSON"):
        load_questions(path)


def test_load_questions_names_the_missing_field(tmp_path):
    path = tmp_path / "q.jsonl"
    path.write_text(json.dumps({k: v for k, v in DEV_001.items() if k != "gold_paper_ids"}), encoding="utf-8")
    with pytest.raises(ValueError, match=r"q\.jsonl:1: missing field\(s\) gold_paper_ids"):
        load_questions(path)


def test_normalise_strips_diacritics_case_and_punctuation():
    assert normalise("Søren  Løvås-Vulić!") == "soren lovas vulic"


# ---- paper ---------------------------------------------------------------------------------------


def test_paper_recall_and_mrr_come_from_the_ranked_ids(synthetic):
    q = question("q1", "paper", gold_paper_ids=["A2"])
    result = synthetic.score(q, output("q1", paper_ids=["A1", "A3", "A2"]))
    assert result["recall@5"] == 1.0 and result["mrr@10"] == pytest.approx(1 / 3)
    missed = synthetic.score(q, output("q1", paper_ids=["A1", "A3", "B1", "B2", "C1", "A2"]))
    assert missed["recall@5"] == 0.0 and missed["mrr@10"] == pytest.approx(1 / 6)


def test_paper_mrr_cuts_the_list_at_ten(synthetic):
    q = question("q1", "paper", gold_paper_ids=["A2"])
    assert synthetic.score(q, output("q1", paper_ids=[f"X{i}" for i in range(10)] + ["A2"]))["mrr@10"] == 0.0


def test_paper_titles_in_the_answer_count_only_when_no_ids_are_returned(synthetic):
    q = question("q1", "paper", gold_paper_ids=["A2"])
    answer = "Her paper “analytical dialogue systems, with punched cards” [1] is the one."
    assert synthetic.score(q, output("q1", answer))["mrr@10"] == 1.0
    assert synthetic.score(q, output("q1", answer, paper_ids=["A1"]))["mrr@10"] == 0.0


def test_paper_answer_on_a_real_dev_item_passes_and_a_wrong_one_fails(real):
    good = "It is “BLEURT Has Universal Translations: An Analysis of Automatic Metrics by Minimum Risk Training”."
    assert real.score(DEV_001, output("dev-001", good))["recall@5"] == 1.0
    wrong = output("dev-001", "See [1].", paper_ids=["2024.findings-acl.211", "2023.emnlp-main.764"])
    assert real.score(DEV_001, wrong)["recall@5"] == 0.0


# ---- expert --------------------------------------------------------------------------------------


def test_expert_recall_counts_the_first_ten_distinct_candidates(synthetic):
    q = question("q1", "expert", candidate=None, gold_author_ids=["ada-lovelace", "mary-somerville"])
    ranked = ["ada-lovelace"] * 5 + [f"x{i}" for i in range(9)] + ["mary-somerville"]
    assert synthetic.score(q, output("q1", candidate_ids=ranked))["recall@10"] == 0.5
    ranked = ["ada-lovelace"] * 5 + [f"x{i}" for i in range(8)] + ["mary-somerville"]  # 10th distinct
    assert synthetic.score(q, output("q1", candidate_ids=ranked))["recall@10"] == 1.0
    assert synthetic.score(q, output("q1", candidate_ids=["mary-somerville", "x", "ada-lovelace"]))["recall@10"] == 1.0


# ---- fact ----------------------------------------------------------------------------------------


def test_fact_year_is_the_first_year_in_the_answer_not_a_paper_id(synthetic):
    q = question("q1", "fact", gold_paper_ids=["A1"], gold_answer=2019)
    assert synthetic.score(q, output("q1", "Paper P18-2019 appeared in 2019 [1]."))["exact"] is True
    assert synthetic.score(q, output("q1", "It appeared in 2018, revised in 2019."))["exact"] is False


@pytest.mark.parametrize(
    ("answer", "gold", "expected"),
    [
        ("Published at ACL-IJCNLP 2021 [1].", "ACL-IJCNLP 2021", True),
        ("Published at ACL 2021 [1].", "ACL-IJCNLP 2021", True),
        ("It appeared at ACL.", "ACL-IJCNLP 2021", True),
        ("Published at ACL 2020 [1].", "ACL-IJCNLP 2021", False),
        ("Published at EMNLP 2021 [1].", "ACL-IJCNLP 2021", False),
        ("Published at EACL 2017.", "ACL 2017", False),
        ("In Findings of EMNLP 2020 [1].", "Findings of EMNLP 2020", True),
        ("Findings of the Association for Computational Linguistics: EMNLP 2020", "Findings of EMNLP 2020", True),
        ("Published at EMNLP 2020 [1].", "Findings of EMNLP 2020", False),
        ("Published in Findings of EMNLP 2021.", "EMNLP 2021", False),
        ("EMNLP-IJCNLP 2019", "EMNLP-IJCNLP 2019", True),
        ("Published at EMNLP 2019.", "EMNLP-IJCNLP 2019", True),
        ("The ACL Anthology lists it under TACL 2020.", "TACL 2020", True),
        ("It is 2021.emnlp-main.736, presented at EMNLP 2021.", "EMNLP 2021", True),
        ("It was published somewhere in 2021.", "EMNLP 2021", False),
    ],
)
def test_fact_venue_rules(answer, gold, expected):
    assert venue_matches(answer, gold) is expected


def test_fact_venue_on_real_dev_items(real):
    assert real.score(DEV_036, output("dev-036", "Published at ACL-IJCNLP 2021 [1]."))["exact"] is True
    assert real.score(DEV_036, output("dev-036", "Published at ACL 2021 [1]."))["exact"] is True
    assert real.score(DEV_038, output("dev-038", "Published in Findings of EMNLP 2020 [1]."))["exact"] is True
    assert real.score(DEV_038, output("dev-038", "Published at EMNLP 2020 [1]."))["exact"] is False


def test_fact_coauthors_match_as_a_set_ignoring_diacritics_and_the_candidate(real):
    good = real.score(DEV_044, output("dev-044", "Ivan Vulić wrote it with Sebastian Ruder and Anders Sogaard [1]."))
    assert good["exact"] is True and good["coauthor_f1"] == 1.0
    missing = real.score(DEV_044, output("dev-044", "Ivan Vulić wrote it with Sebastian Ruder [1]."))
    assert missing["exact"] is False and missing["coauthor_f1"] == pytest.approx(2 / 3)
    extra = real.score(DEV_044, output("dev-044", "Anders Søgaard, Sebastian Ruder and Rico Sennrich."))
    assert extra["exact"] is False


def test_fact_coauthor_names_map_through_corpus_variants(synthetic):
    q = question("q1", "fact", gold_paper_ids=["C1"], gold_author_ids=["soren-lovas"], gold_answer=["Søren Løvås"])
    assert synthetic.score(q, output("q1", "Ada Lovelace wrote it with SOREN LOVAS."))["exact"] is True
    assert synthetic.score(q, output("q1", "Ada Lovelace wrote it alone."))["exact"] is False


def test_fact_reports_gold_paper_recall_as_a_diagnostic(real):
    result = real.score(DEV_044, output("dev-044", "Anders Søgaard and Sebastian Ruder.", paper_ids=["P18-1072"]))
    assert result["paper_recall@5"] == 1.0


# ---- none ----------------------------------------------------------------------------------------


def test_none_passes_on_the_not_found_flag_or_a_nothing_found_statement(real):
    assert real.score(DEV_056, output("dev-056", "", not_found=True))["pass"] is True
    for phrase in ("I found nothing in the knowledge base that answers this.", "Jason Weston has no papers on MT."):
        assert real.score(DEV_056, output("dev-056", phrase))["pass"] is True
    assert "found nothing" in NOTHING_FOUND_PHRASES


def test_none_allows_mentioning_other_topics_but_fails_when_a_paper_is_cited(real):
    topics = "I found no paper on machine translation; Jason Weston works on dialogue and retrieval."
    assert real.score(DEV_056, output("dev-056", topics))["pass"] is True
    related = "No paper on that, but related: “ParlAI: A Dialog Research Software Platform”."
    assert real.score(DEV_056, output("dev-056", related))["pass"] is False
    by_id = output("dev-056", "Nothing relevant.", paper_ids=["D17-2014"], not_found=True)
    assert real.score(DEV_056, by_id)["pass"] is False


def test_none_fails_without_an_explicit_statement(real):
    assert real.score(DEV_056, output("dev-056", "Jason Weston works on dialogue."))["pass"] is False


# ---- draft ---------------------------------------------------------------------------------------


def draft(body: str, cited: list[str] | None = None) -> dict:
    return output("dev-066", "", draft={"subject": "Persuasive agents", "body": body,
                                        "cited_paper_ids": cited or []})


def test_draft_quoting_one_of_the_candidates_papers_passes(real):
    result = real.score(DEV_066, draft(f"Dear Zhou Yu,\nI enjoyed “{PERSUASION}”.\nBest, Anna"))
    assert result["pass"] is True and result["gold_share"] == 1.0


def test_draft_citing_by_id_only_passes(real):
    assert real.score(DEV_066, draft("Dear Zhou Yu, let's talk.", cited=["P19-1566"]))["pass"] is True


def test_draft_never_cites_a_made_up_title(real):
    body = f"Dear Zhou Yu,\nI enjoyed “{PERSUASION}” and “Persuasive Agents for Charity at Scale with Bandits”."
    result = real.score(DEV_066, draft(body))
    assert result["pass"] is False
    assert result["fabricated"] == ["Persuasive Agents for Charity at Scale with Bandits"]


def test_draft_never_cites_a_paper_the_candidate_did_not_write(real):
    body = f"Dear Zhou Yu,\n\n[1] {PERSUASION}\n[2] Context-Aware Neural Machine Translation Learns Anaphora Resolution"
    result = real.score(DEV_066, draft(body))
    assert result["pass"] is False and result["foreign_ids"] == ["P18-1117"]
    assert real.score(DEV_066, draft("Hi.", cited=["P19-1566", "P18-1117"]))["pass"] is False


def test_draft_without_any_citation_fails(real):
    result = real.score(DEV_066, draft("Dear Zhou Yu, your work on persuasive dialogue is great."))
    assert result["pass"] is False and result["cites_candidate"] is False


def test_draft_counts_cited_papers_outside_the_gold_in_the_diagnostic(real):
    result = real.score(DEV_066, draft("Hi.", cited=["P19-1566", "P18-1140"]))
    assert result["pass"] is True and result["gold_share"] == 0.5


# ---- reporting -----------------------------------------------------------------------------------


def test_score_refuses_an_output_for_another_question(synthetic):
    with pytest.raises(ValueError, match="does not answer"):
        synthetic.score(question("q1", "paper", gold_paper_ids=["A1"]), output("q2"))


def test_summarise_macro_averages_per_type_and_language(synthetic):
    results = [
        {"id": "1", "type": "paper", "lang": "en", "recall@5": 1.0, "mrr@10": 1.0},
        {"id": "2", "type": "paper", "lang": "en", "recall@5": 0.0, "mrr@10": 0.5},
        {"id": "3", "type": "paper", "lang": "fr", "recall@5": 1.0, "mrr@10": 0.25},
        {"id": "4", "type": "draft", "lang": "en", "pass": True, "fabricated": ["x"]},
        {"id": "5", "type": "draft", "lang": "en", "pass": False, "fabricated": []},
    ]
    rows = {(row["type"], row["lang"]): row for row in synthetic.summarise(results)}
    assert rows[("paper", "en")] == {"type": "paper", "lang": "en", "n": 2, "mrr@10": 0.75, "recall@5": 0.5}
    assert rows[("paper", "fr")]["mrr@10"] == 0.25
    assert rows[("paper", "all")]["n"] == 3 and rows[("paper", "all")]["recall@5"] == pytest.approx(2 / 3)
    assert rows[("draft", "en")] == {"type": "draft", "lang": "en", "n": 2, "pass": 0.5}


def test_print_table_shows_every_metric(synthetic):
    console = Console(record=True, width=120)
    rows = synthetic.summarise([{"id": "1", "type": "expert", "lang": "en", "recall@10": 0.8}])
    synthetic.print_table(rows, console=console)
    text = console.export_text()
    assert "recall@10" in text and "0.800" in text and "expert" in text
