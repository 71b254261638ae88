"""The affinity model over the bundled knowledge: fit, calibrated evidence, find's cut-off and counts, `fit` CLI."""

import json

import numpy as np
import pytest
from typer.testing import CliRunner

from bot.assistant.affinity import RELEVANT, TopicScores, fit, rank, soft_max
from bot.assistant.evidence import measure
from bot.assistant.finder import FLOOR, TERM_SHARE, find_candidates, search_text
from bot.assistant.terms import says, terms_of
from bot.cli import app


def test_soft_max_lies_between_the_mean_and_the_maximum_and_rewards_several_matches():
    one = np.array([0.6, 0.1, 0.1, 0.1])
    two = np.array([0.6, 0.55, 0.1, 0.1])
    assert one.mean() < soft_max(one) < one.max()
    assert soft_max(two) > soft_max(one)
    assert soft_max(one, temperature=1e-3) == pytest.approx(0.6, abs=1e-2)


def test_a_researchers_own_abstract_fits_them_better_than_an_unrelated_text(full_kb):
    paper = full_kb.catalog.papers["N18-2078"]
    own = fit(full_kb, "ivan-titov", paper.abstract)
    unrelated = fit(full_kb, "ivan-titov", "Crop rotation schedules for wheat farms in dry climates.")
    assert own.score > unrelated.score + 0.2
    assert own.evidence[0] == "N18-2078"
    assert all("ivan-titov" in full_kb.catalog.papers[p].author_ids for p in own.evidence + unrelated.evidence)


def test_rank_orders_people_by_fit_and_counts_their_papers_on_the_topic(full_kb):
    fits = rank(full_kb, ["jason-weston", "ivan-titov"], "semantic role labeling with graph neural networks")
    assert [f.candidate_id for f in fits] == ["ivan-titov", "jason-weston"]
    assert fits[0].matching >= 1 and fits[1].matching == 0


def test_evidence_is_strong_for_a_candidates_topic_and_not_for_one_nobody_has(full_kb):
    assert measure(full_kb, "graph convolutional networks for semantic role labeling", ["ivan-titov"]).strong()
    absent = measure(full_kb, "protein folding", ["ivan-titov"])
    assert not absent.strong() and absent.probability < RELEVANT and absent.matching == []


def test_find_returns_nobody_for_a_topic_off_the_corpus(full_kb):
    assert find_candidates(full_kb, "Who has worked on protein folding?") == []
    assert find_candidates(full_kb, "who has experience with galaxy formation") == []
    # One paper shares "traffic" with it (police traffic stops): the best of a bad lot, not a paper on it.
    assert find_candidates(full_kb, "Who has worked on traffic signal control?") == []


def test_find_counts_real_matching_papers_and_cites_only_the_candidates_own(full_kb):
    hits = find_candidates(full_kb, "Which candidates have worked on speech translation?", 10)
    assert hits and len({h.matching for h in hits}) > 1, "counts differ from person to person"
    for hit in hits:
        assert hit.matching >= 1 and hit.evidence
        assert all(hit.candidate.id in c.paper.author_ids for c in hit.evidence)
    # Chosen by the expected number of papers on the topic (which the papers more likely on it than not bound
    # below), shown by the count printed beside each name: a list never reads "9, 8, 8, 9".
    more = find_candidates(full_kb, "Which candidates have worked on speech translation?", 30)
    assert min(h.score for h in hits) >= max(h.score for h in more if h.candidate.id not in {x.candidate.id for x in hits})
    assert [h.matching for h in hits] == sorted((h.matching for h in hits), reverse=True)
    assert all(h.score >= RELEVANT * h.matching for h in hits)


def test_find_counts_every_paper_of_a_candidate_not_only_the_best_pooled(full_kb):
    topic = "knowledge distillation from a large teacher model into a smaller student"
    hits = find_candidates(full_kb, topic, 5)
    assert len(hits) == 5
    scores = TopicScores(full_kb, topic)
    terms = terms_of(full_kb, search_text(full_kb, topic), TERM_SHARE)
    assert terms == ["knowle distil | teache smalle studen"]  # the topic's term, cut from what qualifies it
    for hit in hits:
        # every paper at least FLOOR likely, and every paper that says the term however unlikely
        papers = [p for p in scores.person(hit.candidate.id)
                  if p.probability >= FLOOR or says(full_kb, p.paper_id, terms)]
        said = {p.paper_id for p in papers if says(full_kb, p.paper_id, terms)}
        assert hit.matching == sum(p.probability >= RELEVANT or p.paper_id in said for p in papers)
        assert hit.score == pytest.approx(
            sum(max(p.probability, RELEVANT) if p.paper_id in said else p.probability for p in papers), abs=1e-3)


def test_a_paper_that_names_the_topic_counts_for_its_authors_though_its_abstract_is_mostly_elsewhere(full_kb):
    # Token-level self-evolution training is tried on translation, summarisation and grammatical error
    # correction: the abstract says the task, the embedder finds the paper only loosely related to it.
    paper = full_kb.catalog.papers["2023.acl-short.73"]
    assert "grammatical error correction" in paper.abstract.lower()
    probability = {p.paper_id: p.probability for p in TopicScores(full_kb, "grammatical error correction").person("keqin-peng")}
    assert FLOOR <= probability[paper.id] < RELEVANT
    hits = {h.candidate.id: h for h in find_candidates(full_kb, "Who has worked on grammatical error correction?", 500)}
    assert hits["keqin-peng"].matching == 1
    assert [c.paper.id for c in hits["keqin-peng"].evidence] == [paper.id]


def test_a_french_topic_finds_the_same_field(full_kb):
    english = {h.candidate.id for h in find_candidates(full_kb, "speech translation", 10)}
    french = {h.candidate.id for h in find_candidates(full_kb, "traduction de la parole", 10)}
    assert len(english & french) >= 5


@pytest.fixture
def env(full_kb, monkeypatch):
    monkeypatch.setenv("RECRUITBOT_DATA_DIR", str(full_kb.settings.data_dir))
    monkeypatch.setenv("RECRUITBOT_STORE__PATH", str(full_kb.settings.store.path))
    return full_kb


def run(*args):
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def test_fit_jsonl_scores_each_line_and_answers_bad_lines_with_error_records(env, tmp_path):
    requests = tmp_path / "pairs.jsonl"
    requests.write_text("\n".join([
        json.dumps({"id": "a", "candidate": "ivan-titov", "text": "semantic role labeling"}),
        json.dumps({"id": "b", "candidate": "Ivan Titov", "text": "semantic role labeling"}),
        "{not json",
        json.dumps({"id": "d", "candidate": "Zhang", "text": "dialogue"}),
        json.dumps({"id": "e", "candidate": "Nobody Withthisname", "text": "dialogue"}),
        json.dumps({"id": "f", "candidate": "ivan-titov"}),
    ]) + "\n")
    result = run("fit", "--jsonl", str(requests))
    assert result.exit_code == 0 and "Traceback" not in result.output
    a, b, c, d, e, f = [json.loads(line) for line in result.stdout.splitlines()]
    assert a["candidate_id"] == b["candidate_id"] == "ivan-titov" and a["score"] == b["score"]
    assert a["evidence"] and all("ivan-titov" in env.catalog.papers[p].author_ids for p in a["evidence"])
    assert c["line"] == 3 and "not valid JSON" in c["error"]
    assert d["id"] == "d" and "several candidates" in d["error"]
    assert e["id"] == "e" and "no candidate matches" in e["error"]
    assert f["id"] == "f" and "'text'" in f["error"]


def test_fit_of_one_name_prints_json_or_a_clear_error(env):
    record = json.loads(run("fit", "Ivan Titov", "semantic role labeling", "--json").stdout)
    assert record["candidate_id"] == "ivan-titov" and record["evidence"]
    missing = run("fit", "Nobody Withthisname", "dialogue")
    assert missing.exit_code == 1 and "no candidate matches" in missing.output


def test_a_short_fit_text_reads_acronyms_as_the_field_does_and_an_abstract_as_written(env, tmp_path):
    short = json.loads(run("fit", "Tie-Yan Liu", "NMT role", "--json").stdout)
    long = json.loads(run("fit", "Tie-Yan Liu", "neural machine translation role", "--json").stdout)
    assert short["score"] == pytest.approx(long["score"], abs=1e-6) and short["evidence"] == long["evidence"]
    requests = tmp_path / "pairs.jsonl"
    requests.write_text(json.dumps({"id": "r", "candidate": "tie-yan-liu", "text": "NMT role"}) + "\n")
    (line,) = [json.loads(x) for x in run("fit", "--jsonl", str(requests)).stdout.splitlines()]
    assert line["score"] == pytest.approx(short["score"], abs=1e-6)
    from bot.assistant.affinity import SHORT_TEXT, fit_text

    abstract = " ".join(["We study NMT on speech data."] * (SHORT_TEXT // 5 + 1))
    assert fit_text(env, abstract) == abstract  # an abstract defines its own acronyms


def test_a_topics_context_words_are_not_terms_that_make_a_paper_count(full_kb):
    # "... in dialogue" and "... or translation" name the field around the topic: half the corpus says them.
    assert terms_of(full_kb, "lexical simplification, in dialogue or translation", TERM_SHARE) == \
        terms_of(full_kb, "lexical simplification", TERM_SHARE)
    # each word by its root (terms.ROOT letters of its stem): "lexic simplif" is "lexic simpli"
    assert terms_of(full_kb, "code-switching or lexical simplification", TERM_SHARE) == ["code switch", "lexic simpli"]


def test_a_term_said_with_what_qualifies_it_is_the_term_the_papers_say(full_kb):
    # No paper says "word alignment source target sentences" in a row, its little words gone (the topic of "who
    # has worked on word alignment between source and target sentences?"): the term is the beginning that papers
    # say, and a paper that says it counts for its authors. Words that half the field says qualify nothing.
    assert terms_of(full_kb, "word alignment source target sentences", TERM_SHARE) == ["word align"]
    # ... the topic's own words do: a paper on error correction that speaks of learners
    learners = terms_of(full_kb, "grammatical error correction language learners", TERM_SHARE)
    assert learners == ["gramma error correc | learne"]
    gec = [p for p in full_kb.catalog.papers.values() if "grammatical error correction" in p.text().lower()]
    assert 0 < sum(says(full_kb, p.id, learners) for p in gec) < len(gec)
    assert all(says(full_kb, p.id, learners) == ("learner" in p.text().lower()) for p in gec)
    # a part that papers say is its own term, as before
    assert terms_of(full_kb, "grammatical error correction", TERM_SHARE) == ["gramma error correc"]


def test_what_a_question_narrows_its_term_to_is_kept(full_kb):
    # "question answering over tables": a paper on question answering counts when it also speaks of tables (or
    # when the model itself finds it on the topic), not for saying "question answering" alone.
    hits = find_candidates(full_kb, "question answering tables", 10)
    assert hits and "jason-weston" not in [h.candidate.id for h in hits]  # five papers on open-domain QA
    terms = terms_of(full_kb, "question answering tables", TERM_SHARE)
    assert terms == ["questi answer | tabl"]
