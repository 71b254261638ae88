"""Bad input gets a clear error naming the file, line or field, and loses nothing else."""

import json

from bot.knowledge.loaders import load_bibtex, load_dossier, load_papers_jsonl, load_pdf

GOOD = {"id": "X-1", "title": "A paper", "authors": ["Ann Lee"], "author_ids": ["ann-lee"], "year": 2020,
        "venue": "ACL 2020", "abstract": "We study things."}


def test_malformed_jsonl_line_is_reported_with_its_number_and_the_rest_loads(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text(json.dumps(GOOD) + "\n{not json\n" + json.dumps({**GOOD, "id": "X-2"}) + "\n")
    papers, errors = load_papers_jsonl(path)
    assert [p.id for p in papers] == ["X-1", "X-2"]
    assert len(errors) == 1 and errors[0].line == 2 and "not valid JSON" in str(errors[0])
    assert str(path) in str(errors[0])


def test_missing_required_field_names_the_field(tmp_path):
    path = tmp_path / "papers.jsonl"
    path.write_text(json.dumps({**GOOD, "title": ""}) + "\n" + json.dumps({**GOOD, "year": "soon"}) + "\n")
    papers, errors = load_papers_jsonl(path)
    assert papers == []
    assert errors[0].field == "title" and errors[0].line == 1
    assert errors[1].field == "year" and errors[1].line == 2


def test_broken_yaml_dossier_names_file_and_line(tmp_path):
    path = tmp_path / "ann.yaml"
    path.write_text("id: ann-lee\nlanguages: [en, fr\nnotes: x\n")
    data, error = load_dossier(path)
    assert data is None and error.line is not None and "not valid YAML" in error.message


def test_dossier_without_id_or_with_unknown_field_is_refused(tmp_path):
    (tmp_path / "a.yaml").write_text("name: Ann\n")
    (tmp_path / "b.md").write_text("---\nid: ann-lee\nfavourite_colour: blue\n---\nNotes.\n")
    assert load_dossier(tmp_path / "a.yaml")[1].field == "id"
    assert load_dossier(tmp_path / "b.md")[1].field == "favourite_colour"


def test_markdown_dossier_body_becomes_notes(tmp_path):
    path = tmp_path / "ann.md"
    path.write_text("---\nid: ann-lee\nlanguages: [fr]\n---\nPrefers French.\n")
    data, error = load_dossier(path)
    assert error is None and data["notes"] == "Prefers French." and data["languages"] == ["fr"]


def test_bibtex_entries_load_and_a_titleless_entry_is_reported(tmp_path):
    path = tmp_path / "refs.bib"
    path.write_text("@inproceedings{lee2020,\n title={Good {MT}},\n author={Lee, Ann and Bo Chen},\n"
                    " year={2020}, booktitle={ACL}}\n@article{nobody,\n author={X, Y},\n year={2021}}\n")
    papers, errors = load_bibtex(path)
    assert [(p.id, p.title, p.authors, p.year) for p in papers] == [("lee2020", "Good MT", ["Ann Lee", "Bo Chen"], 2020)]
    assert errors and errors[0].field == "nobody.title"


def test_pdf_without_text_and_garbage_pdf_are_reported(tmp_path):
    from pypdf import PdfWriter

    blank = tmp_path / "blank.pdf"
    writer = PdfWriter()
    writer.add_blank_page(width=200, height=200)
    with blank.open("wb") as handle:
        writer.write(handle)
    garbage = tmp_path / "garbage.pdf"
    garbage.write_bytes(b"this is not a pdf at all")
    assert "no extractable text" in load_pdf(blank)[1].message
    assert "not a readable PDF" in load_pdf(garbage)[1].message
