"""Hostile input to the knowledge base: each case gets a named error (file, line, field) or is refused, the
rest of its folder is still saved, and a known search gives the same results before and after."""

from __future__ import annotations

import json
import os
import time

import pytest

from bot.knowledge.base import KnowledgeBase
from tests.conftest import make_settings
from tests.fakes.assistant import make_pdf
from tests.hostile.corpus import PAPERS, cli, write_corpus

QUERY = "translating weather reports with harbour dialect lexicons"


@pytest.fixture
def base(tmp_path):
    """A knowledge base of the invented corpus, and the known search's results on it."""
    folder = tmp_path / "knowledge"
    write_corpus(folder)
    kb = KnowledgeBase(make_settings(tmp_path))
    assert not kb.ingest([folder]).failed
    return kb, folder, _known(kb)


def _known(kb: KnowledgeBase) -> list[tuple[str, list[str]]]:
    return [(c.paper.id, c.paper.author_ids) for c in kb.searcher.search(QUERY, k=5)]


def _every_candidate_reads(kb: KnowledgeBase) -> None:
    fresh = KnowledgeBase(kb.settings)
    for person in fresh.catalog.candidates:
        fresh.catalog.papers_of(person)
    assert fresh.catalog.candidates["orla-quennell"].name == "Orla Quennell"


def _only(report, field: str):
    [error] = [e for e in report.failed if e.field == field]
    return error


def test_wrongly_typed_dossier_fields_are_named_errors_and_nothing_breaks(base):
    kb, folder, known = base
    dossiers = folder / "dossiers"
    dossiers.mkdir()
    (dossiers / "orla.yaml").write_text("id: orla-quennell\naffiliation: Galway\nemail: {a: 1}\n")
    (dossiers / "ines.md").write_text("---\nid: ines-achterberg\n\nlanguages: 7\n---\nLikes glaciers.\n")
    report = kb.ingest([folder])
    email = _only(report, "email")
    assert email.file.endswith("orla.yaml") and email.line == 3 and "string" in email.message
    languages = _only(report, "languages")
    assert languages.file.endswith("ines.md") and languages.line == 4  # front matter lines count from the fence
    assert report.added == 0 and kb.catalog.data.dossiers == {}
    _every_candidate_reads(kb)
    assert _known(kb) == known


def test_a_list_as_id_is_a_named_error_and_the_rest_of_the_folder_is_saved(base):
    kb, folder, _ = base
    (folder / "a-bad.yaml").write_text("id: [1, 2]\nname: Nobody\n")
    (folder / "b-good.yaml").write_text("id: tomasz-wierzbicki\naffiliation: Gdańsk\n")
    report = kb.ingest([folder])
    error = _only(report, "id")
    assert error.file.endswith("a-bad.yaml") and error.line == 1 and "text person id" in error.message
    assert kb.catalog.candidates["tomasz-wierzbicki"].affiliation == "Gdańsk"


def test_yaml_alias_bomb_is_refused_quickly(base):
    kb, folder, known = base
    levels = ["a: &a [x, x, x, x, x, x, x, x, x]"]
    for n, name in enumerate("bcdefghi"):
        prev = "abcdefghi"[n]
        levels.append(f"{name}: &{name} [*{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}, *{prev}]")
    bomb = "id: ines-achterberg\nlinks:\n" + "".join(f"  {line}\n" for line in levels) + "notes: *i\n"
    (folder / "bomb.yaml").write_text(bomb)
    started = time.perf_counter()
    report = kb.ingest([folder])
    assert time.perf_counter() - started < 20
    [error] = report.failed
    assert error.file.endswith("bomb.yaml") and "alias" in error.message
    assert _known(kb) == known


def test_oversized_records_are_refused_with_their_line(base):
    kb, folder, _ = base
    huge = {"id": "HUGE-1", "title": "Big", "authors": ["Orla Quennell"], "author_ids": ["orla-quennell"],
            "abstract": "word " * 300_000}
    (folder / "papers" / "huge.jsonl").write_text(json.dumps({**huge, "id": "SMALL-1", "abstract": "ok"}) + "\n"
                                                 + json.dumps(huge) + "\n")
    (folder / "big.yaml").write_text("id: orla-quennell\nnotes: " + "x" * 300_000 + "\n")
    report = kb.ingest([folder])
    by_file = {e.file.rsplit("/", 1)[-1]: e for e in report.failed}
    assert by_file["huge.jsonl"].line == 2 and "limit" in by_file["huge.jsonl"].message
    assert "limit" in by_file["big.yaml"].message
    assert "SMALL-1" in kb.catalog.papers and "HUGE-1" not in kb.catalog.papers


def test_a_reused_paper_id_is_a_collision_and_the_real_paper_is_untouched(base):
    kb, folder, known = base
    real = kb.catalog.papers["QW-2"].model_copy()
    thief = folder / "papers" / "thief.jsonl"
    thief.write_text(json.dumps({"id": "QW-2", "title": "Stolen", "authors": ["Ines Achterberg"],
                                 "author_ids": ["ines-achterberg"]}) + "\n")
    report = kb.ingest([folder])
    error = _only(report, "id")
    assert error.file == str(thief) and error.line == 1 and "invented.jsonl" in error.message
    assert kb.catalog.papers["QW-2"] == real and report.updated == 0
    thief.write_text("")  # the line removed: the real paper stays
    again = kb.ingest([folder])
    assert not again.failed and KnowledgeBase(kb.settings).catalog.papers["QW-2"] == real
    assert _known(kb) == known


def test_failures_are_kept_until_the_file_changes_and_the_cli_exits_non_zero(tmp_path):
    folder = tmp_path / "knowledge"
    write_corpus(folder)
    bad = folder / "papers" / "bad.jsonl"
    bad.write_text('{"id": "B-1", "title": "Fine", "authors": []}\n{"id": "B-2", "year": "soon", "title": "x"}\n')
    first = cli(tmp_path, "ingest", str(folder))
    assert first.returncode == 1 and "bad.jsonl:2: field 'year'" in first.stderr and "Traceback" not in first.stderr
    second = cli(tmp_path, "ingest", str(folder))
    assert second.returncode == 1 and "bad.jsonl:2: field 'year'" in second.stderr and "unchanged" in second.stderr
    bad.write_text('{"id": "B-1", "title": "Fine", "authors": []}\n')
    third = cli(tmp_path, "ingest", str(folder))
    assert third.returncode == 0 and "failed 0" in third.stderr


def test_bibtex_errors_have_a_reason_and_the_right_line(base):
    kb, folder, _ = base
    (folder / "refs.bib").write_text(
        "@article{fine2021,\n title={Fine},\n author={Quennell, Orla},\n year={2021}}\n\n"
        "@article{broken,\n title={Never closed\n author={X, Y},\n\n"
        "@article{wordy,\n title={Wordy},\n author={Quennell, Orla},\n year={twenty twenty}}\n")
    report = kb.ingest([folder])
    messages = {e.line: str(e) for e in report.failed}
    assert set(messages) == {6, 10}, messages
    assert "closing" in messages[6] and "cannot be parsed: " in messages[6]
    assert "wordy.year" in messages[10] and "twenty twenty" in messages[10]
    assert "fine2021" in kb.catalog.papers and "wordy" not in kb.catalog.papers


def test_an_unreadable_sub_folder_is_reported(base, monkeypatch):
    kb, folder, _ = base
    locked = folder / "locked"
    locked.mkdir()
    (locked / "x.yaml").write_text("id: orla-quennell\n")
    real_scandir = os.scandir

    def scandir(path="."):  # tests run as root, where chmod cannot make a folder unreadable
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(locked))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    report = kb.ingest([folder])
    [error] = report.failed
    assert error.file == str(locked) and "cannot be read" in error.message


def test_progress_and_errors_show_as_they_happen_and_pypdf_is_quiet(tmp_path):
    folder = tmp_path / "knowledge"
    write_corpus(folder)
    (folder / "papers" / "bad.jsonl").write_text("{oops\n")
    pdf = make_pdf("Lighthouse logbooks, a second look", "by Orla Quennell, Galway 2024")
    broken = pdf.replace(b"startxref\n", b"startxref\n9").replace(b"0000000009 00000 n", b"0000000010 00000 n")
    person = folder / "orla-quennell"
    person.mkdir()
    (person / "logbooks.pdf").write_bytes(broken)
    run = cli(tmp_path, "ingest", str(folder))
    lines = run.stderr.splitlines()
    failed = next(i for i, line in enumerate(lines) if "bad.jsonl:1" in line)
    progress = [i for i, line in enumerate(lines) if line.startswith("embedded ")]
    assert progress and failed < progress[0], run.stderr  # the error was printed before the embedding began
    assert lines[progress[-1]].startswith("embedded 7/7")  # 5 abstracts, the PDF's abstract and its full text
    assert "pypdf" not in run.stderr.lower() and "startxref" not in run.stderr.lower(), run.stderr


def test_a_private_note_is_searchable_but_never_citable(base):
    kb, _, _ = base
    note = kb.add_pdf("orla-quennell", make_pdf("Interview notes for the recruiting team",
                                                "Orla asked about relocation and apiary recordings"),
                      "notes.pdf", private=True)
    paper = kb.add_pdf("orla-quennell", make_pdf("Harbour speech corpora revisited", "Orla Quennell 2024"),
                       "harbour.pdf")
    assert note.private and not paper.private
    citable = [p.id for p in kb.catalog.citable_papers_of("orla-quennell")]
    assert paper.id in citable and note.id not in citable and not kb.catalog.is_citable(note.id)
    hits = kb.searcher.search("relocation questions in the interview", people=["orla-quennell"], k=3)
    assert hits[0].paper.id == note.id  # the team finds its note
    assert {p.id for p in kb.catalog.papers_of("orla-quennell")} >= {note.id, paper.id}
    assert len(PAPERS) == 5
