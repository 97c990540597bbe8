"""Expected documents per indicator (issue 12 item 6): the rule-set field `documents`, the
`missing_document` check of `pmprb validate`, overlays, and the views that show them.

The rule set and answer files are written here, so every line:col below is counted by hand
from the text of this file.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.analysis.validate import Options, cites, validate_paths, words
from pmprb.base.errors import Problem, RulesError
from pmprb.cli import app
from pmprb.model.load import load_rules_file

from .conftest import write

RULES = """\
id: docs
title: Dokumen uji
version: "1"
total: 10
scales:
  yt: {kind: choice, name: Ya/Tidak, options: {Ya: 1, Tidak: 0}}
  abc: {kind: choice, name: A/B/C, options: {A: 1, B: 0.5, C: 0}}
bands:
  - {id: D, min: 0, max: 5, name: Kurang}
  - {id: A, min: 5, max: 10, name: Baik}
tree:
  - id: g
    name: Grup
    weight: 1
    children:
      - id: rm
        name: Road Map
        weight: 1
        documents:
          - id: road-map
            name: Road Map RB
            questions: [rm.a]
          - id: sk-tim
            name: SK Tim RB
            match: [SK]
        questions:
          - {id: rm.a, text: Road Map disusun, scale: yt}
          - {id: rm.b, text: Tim RB, scale: abc}
      - id: other
        name: Lain
        weight: 1
        questions:
          - {id: other.a, text: Lain, scale: yt}
"""


def answers(rm_a: str, rm_b: str, other_a: str = "Tidak") -> str:
    """An answer file: rm.a on line 5, rm.b on line 6, other.a on line 7."""
    return (
        "rules: docs\n"
        "year: 2021\n"
        'unit: {name: Dinas Uji, code: "1"}\n'
        "answers:\n"
        f"  rm.a: {rm_a}\n"
        f"  rm.b: {rm_b}\n"
        f"  other.a: {other_a}\n"
    )


SK_UNCITED_EN = (
    "the evidence (data dukung) of 'rm.a', 'rm.b' does not cite the document 'SK Tim RB'"
    " expected by indicator 'rm' (write its name, or its id sk-tim, in `evidence`)"
)
SK_UNCITED_ID = (
    "data dukung 'rm.a', 'rm.b' tidak menyebut dokumen 'SK Tim RB' yang diharapkan indikator"
    " 'rm' (tulis namanya, atau id-nya sk-tim, di `evidence`)"
)


def documents_found(tmp_path: Path, answer_text: str, rules_text: str = RULES) -> list[Problem]:
    rules = write(tmp_path, rules_text, "docs.yaml")
    path = write(tmp_path, answer_text)
    report = validate_paths([path], Options(rules=str(rules)))
    [only] = report.files
    return [p for p in only.problems if p.code == "missing_document"]


# --- the model --------------------------------------------------------------------------


def test_documents_are_read_with_the_questions_they_apply_to(tmp_path: Path) -> None:
    loaded = load_rules_file(write(tmp_path, RULES, "docs.yaml"))
    docs = loaded.nodes["rm"].documents
    assert docs is not None
    assert [(d.id, d.name, d.questions, d.match) for d in docs] == [
        ("road-map", "Road Map RB", ("rm.a",), None),
        ("sk-tim", "SK Tim RB", None, ("SK",)),
    ]
    # a document without `questions` applies to every question of its indicator
    assert [d.id for d in loaded.documents_of("rm.a")] == ["road-map", "sk-tim"]
    assert [d.id for d in loaded.documents_of("rm.b")] == ["sk-tim"]
    assert loaded.documents_of("other.a") == []
    assert loaded.nodes["other"].documents is None


def problems_of(tmp_path: Path, text: str) -> list[tuple[int | None, int | None, str, str]]:
    with pytest.raises(RulesError) as caught:
        load_rules_file(write(tmp_path, text, "bad.yaml"))
    return [(p.line, p.col, p.code, p.message) for p in caught.value.problems]


def test_an_unknown_field_of_a_document_gets_a_did_you_mean(tmp_path: Path) -> None:
    bad = RULES.replace("            name: Road Map RB", "            nmae: Road Map RB")
    # line 21, after 12 spaces
    assert problems_of(tmp_path, bad) == [
        (21, 13, "extra_forbidden", "unknown field 'nmae' (did you mean 'name'?)")
    ]
    # the same hint anywhere in a rule set, e.g. a node's field
    bad = RULES.replace(
        "        weight: 1\n        documents:", "        wieght: 1\n        documents:"
    )
    [(line, col, code, message)] = [p for p in problems_of(tmp_path, bad) if p[2] != "missing"]
    assert (line, col, code) == (18, 9, "extra_forbidden")
    assert message == "unknown field 'wieght' (did you mean 'weight'?)"


def test_a_document_names_questions_of_its_own_indicator(tmp_path: Path) -> None:
    bad = RULES.replace("questions: [rm.a]", "questions: [rm.aa]")
    # line 22: 12 spaces, `questions: [` takes columns 13-24, the id starts at 25
    assert problems_of(tmp_path, bad) == [
        (
            22,
            25,
            "unknown_question",
            "'rm.aa' is not a question of indicator 'rm' (did you mean 'rm.a'?)",
        )
    ]
    other = RULES.replace("questions: [rm.a]", "questions: [other.a]")
    [(line, col, code, _message)] = problems_of(tmp_path, other)
    assert (line, col, code) == (22, 25, "unknown_question")


def test_documents_need_an_indicator_unique_ids_and_citable_terms(tmp_path: Path) -> None:
    on_group = RULES.replace(
        "    weight: 1\n    children:",
        "    weight: 1\n    documents: [{id: x}]\n    children:",
    )
    assert problems_of(tmp_path, on_group) == [
        (15, 5, "invalid", "`documents` needs an indicator (a node with questions)")
    ]
    twice = RULES.replace("          - id: sk-tim", "          - id: road-map")
    assert problems_of(tmp_path, twice) == [(23, 17, "duplicate_id", "duplicate id 'road-map'")]
    # a term of punctuation only would be cited by nothing (or by everything)
    blank = RULES.replace("match: [SK]", 'match: [SK, "--"]')
    assert problems_of(tmp_path, blank) == [
        (25, 25, "invalid", "'--' has no letter or digit: it cannot be cited")
    ]
    empty = RULES.replace("match: [SK]", "match: []")
    [(line, col, code, _message)] = problems_of(tmp_path, empty)
    assert (line, col, code) == (25, 20, "invalid")


# --- matching ---------------------------------------------------------------------------


def test_an_entry_cites_a_term_as_a_whole_run_of_words() -> None:
    assert words("  Road-Map_RB (2020/2024).PDF ") == "road map rb 2020 2024 pdf"
    terms = (words("road-map"), words("Road Map RB"), words("SK"))
    assert cites("road_map_rb.pdf", terms)
    assert cites("SK Kepala Dinas No. 5/2021", terms)
    assert cites("Lampiran: sk.pdf", terms)
    assert not cites("Roadmap 2020", terms)  # one word, not "road map"
    assert not cites("SKB Menteri", terms)  # "SKB" is not "SK"
    assert not cites("Rencana kerja", terms)


# --- validate ---------------------------------------------------------------------------


def test_an_uncited_document_is_a_warning_at_the_first_answer_that_claims_it(
    tmp_path: Path,
) -> None:
    # road-map: cited by its name (other case, other punctuation); sk-tim: by nothing
    found = documents_found(
        tmp_path,
        answers(
            "{answer: Ya, evidence: [Road-Map_rb 2021.pdf]}", "{answer: B, evidence: [Notulen]}"
        ),
    )
    assert [(p.line, p.col, p.level, p.message) for p in found] == [
        (5, 3, "warning", SK_UNCITED_EN)
    ]


@pytest.mark.parametrize(
    ("rm_a", "rm_b"),
    [
        # each document cited: by its name, by a match term, by its id
        ("{answer: Ya, evidence: [Road Map RB 2021]}", "{answer: A, evidence: [SK Kadis 1/2021]}"),
        ("{answer: Ya, evidence: [road-map.pdf, '[sk-tim]']}", "A"),
        # sk-tim is cited in the evidence of another of its questions
        ("{answer: Ya, evidence: [Road Map RB, SK Tim RB]}", "B"),
        # answers at the lowest option claim nothing: no document is expected
        ("Tidak", "C"),
        # road-map applies to rm.a only; rm.b's SK cites sk-tim
        ("Tidak", "{answer: A, evidence: [sk tim rb.pdf]}"),
    ],
)
def test_no_warning_when_every_claimed_document_is_cited(
    tmp_path: Path, rm_a: str, rm_b: str
) -> None:
    assert documents_found(tmp_path, answers(rm_a, rm_b)) == []


def test_only_the_documents_of_claimed_questions_are_reported(tmp_path: Path) -> None:
    # rm.a is Ya with an SK only: road-map (for rm.a) is missing; rm.b (C) claims nothing
    [problem] = documents_found(tmp_path, answers("{answer: Ya, evidence: [SK 1]}", "C"))
    assert (problem.line, problem.level) == (5, "warning")
    assert problem.message == (
        "the evidence (data dukung) of 'rm.a' does not cite the document 'Road Map RB'"
        " expected by indicator 'rm' (write its name, or its id road-map, in `evidence`)"
    )
    # rm.a Tidak, rm.b A without evidence: sk-tim, at rm.b (line 6)
    [problem] = documents_found(tmp_path, answers("Tidak", "A"))
    assert (problem.line, problem.col) == (6, 3)
    assert "'rm.b' does not cite the document 'SK Tim RB'" in problem.message


def test_a_published_score_above_the_indicator_skips_its_documents(tmp_path: Path) -> None:
    text = answers("Ya", "A") + "scores: {g: 8}\n"
    assert documents_found(tmp_path, text) == []


UNCITED = answers("{answer: Ya, evidence: [Road Map RB]}", "{answer: B, evidence: [Notulen]}")


def run(runner: CliRunner, tmp_path: Path, *args: str, rules_text: str = RULES) -> tuple[int, str]:
    rules = write(tmp_path, rules_text, "docs.yaml")
    path = write(tmp_path, UNCITED)
    result = runner.invoke(
        app, [*args[:2], "validate", str(path), "--rules", str(rules), *args[2:]]
    )
    return result.exit_code, result.stdout


def test_the_warning_in_both_languages(runner: CliRunner, tmp_path: Path) -> None:
    code, out = run(runner, tmp_path, "--lang", "en")
    assert code == 0
    assert f"answers.yaml:5:3: [warning] missing_document: {SK_UNCITED_EN}\n" in out
    assert out.endswith("1 file checked, 0 with errors: 0 errors, 1 warning.\n")
    code, out = run(runner, tmp_path, "--lang", "id")
    assert code == 0
    assert f"answers.yaml:5:3: [warning] missing_document: {SK_UNCITED_ID}\n" in out


def test_strict_makes_it_an_error(runner: CliRunner, tmp_path: Path) -> None:
    code, out = run(runner, tmp_path, "--lang", "en", "--strict")
    assert code == 1
    assert f"answers.yaml:5:3: [error] missing_document: {SK_UNCITED_EN}\n" in out


REQUIRED_EN = (
    "the rule set requires evidence (data dukung) for 'rm.a', 'rm.b', and it does not cite"
    " the document 'SK Tim RB' expected by indicator 'rm' (write its name, or its id sk-tim,"
    " in `evidence`)"
)


def test_evidence_required_makes_it_an_error(runner: CliRunner, tmp_path: Path) -> None:
    required = RULES + "evidence_required: true\n"
    code, out = run(runner, tmp_path, "--lang", "en", rules_text=required)
    assert code == 1
    assert f"answers.yaml:5:3: [error] missing_document: {REQUIRED_EN}\n" in out
    code, out = run(runner, tmp_path, "--lang", "id", rules_text=required)
    assert code == 1
    assert (
        "[error] missing_document: set aturan mewajibkan data dukung untuk 'rm.a', 'rm.b', dan"
        " data dukungnya tidak menyebut dokumen 'SK Tim RB' yang diharapkan indikator 'rm'"
    ) in out


def test_evidence_required_on_a_claimed_question_makes_it_an_error(tmp_path: Path) -> None:
    old = "{id: rm.b, text: Tim RB, scale: abc}"
    on_b = RULES.replace(old, "{id: rm.b, text: Tim RB, scale: abc, evidence_required: true}")
    claimed_b = answers("{answer: Ya, evidence: [Road Map RB]}", "{answer: B, evidence: [x]}")
    [problem] = documents_found(tmp_path, claimed_b, on_b)
    assert problem.level == "error"
    # rm.b at its lowest option claims nothing: rm.a alone claims sk-tim, and it is not required
    claimed_a = answers("{answer: Ya, evidence: [Road Map RB]}", "C")
    [problem] = documents_found(tmp_path, claimed_a, on_b)
    assert (problem.level, problem.line) == ("warning", 5)


def test_many_warnings_fold_into_one_line_and_errors_only_hides_them(
    runner: CliRunner, tmp_path: Path
) -> None:
    # 11 indicators with one document each, answered Ya with other evidence, in 2 files:
    # 22 missing_document warnings, more than the 20 listed one by one
    nodes = "".join(
        f"  - {{id: i{n}, name: I{n}, weight: 1, documents: [{{id: doc-{n}}}],"
        f" questions: [{{id: i{n}.a, text: Q, scale: yt}}]}}\n"
        for n in range(11)
    )
    rules = RULES.split("tree:\n")[0] + "tree:\n" + nodes
    rules_path = write(tmp_path, rules, "many.yaml")
    body = "".join(f"  i{n}.a: {{answer: Ya, evidence: [Notulen]}}\n" for n in range(11))
    head = 'rules: docs\nyear: 2021\nunit: {name: U, code: "1"}\nanswers:\n'
    folder = tmp_path / "files"
    folder.mkdir()
    for name in ("a.yaml", "b.yaml"):
        write(folder, head + body, name)
    args = ["--lang", "en", "validate", str(folder), "--rules", str(rules_path)]
    out = runner.invoke(app, args).stdout
    assert out.count("missing_document") == 2  # the one folded line names it twice
    assert (
        "[warning] missing_document: 22 missing_document warnings in 2 files;"
        " --show-warnings to list them\n"
    ) in out
    assert out.endswith("2 files checked, 0 with errors: 0 errors, 22 warnings.\n")
    shown = runner.invoke(app, [*args, "--show-warnings"]).stdout
    assert shown.count("[warning] missing_document: the evidence") == 22
    quiet = runner.invoke(app, [*args, "--errors-only"]).stdout
    assert "missing_document" not in quiet
    assert quiet.endswith("22 warnings.\n")
    strict = runner.invoke(app, [*args, "--errors-only", "--strict"])
    assert strict.exit_code == 1
    assert strict.stdout.count("[error] missing_document") == 22


# --- overlays ---------------------------------------------------------------------------


def overlay(tmp_path: Path, nodes: str, name: str = "overlay.yaml") -> Path:
    write(tmp_path, RULES, "docs.yaml")
    text = f'extends: docs.yaml\nid: docs-lokal\nversion: "1"\nnodes:\n{nodes}'
    return write(tmp_path, text, name)


def test_an_overlay_adds_replaces_and_removes_documents(tmp_path: Path) -> None:
    path = overlay(
        tmp_path,
        "  other:\n"
        "    add_documents:\n"
        "      - {id: laporan, name: Laporan Lain}\n"
        "  rm:\n"
        "    documents: [{id: sk-tim, name: SK Tim RB}]\n",
    )
    loaded = load_rules_file(path)
    assert [d.id for d in loaded.documents_of("other.a")] == ["laporan"]
    assert [d.id for d in loaded.documents_of("rm.a")] == ["sk-tim"]  # road-map replaced
    adds = "  rm:\n    add_documents: [{id: laporan}]\n"
    added = load_rules_file(overlay(tmp_path, adds, "adds.yaml"))
    assert [d.id for d in added.documents_of("rm.a")] == ["road-map", "sk-tim", "laporan"]
    removed = load_rules_file(overlay(tmp_path, "  rm:\n    documents: null\n", "none.yaml"))
    assert removed.documents_of("rm.a") == []
    # the overlay's documents are checked by validate like the base's
    answer = write(tmp_path, answers("Tidak", "C", "{answer: Ya, evidence: [Notulen]}"))
    report = validate_paths([answer], Options(rules=str(path)))
    [problem] = [p for p in report.problems if p.code == "missing_document"]
    assert (problem.line, problem.level) == (7, "warning")
    assert "the document 'Laporan Lain' expected by indicator 'other'" in problem.message


def test_overlay_document_problems_are_located_in_the_overlay(tmp_path: Path) -> None:
    def located(nodes: str) -> list[tuple[str, int | None, int | None, str, str]]:
        with pytest.raises(RulesError) as caught:
            load_rules_file(overlay(tmp_path, nodes))
        return [
            (Path(p.path).name, p.line, p.col, p.code, p.message) for p in caught.value.problems
        ]

    # line 7: `      - {id: laporan, ` takes columns 1-22
    assert located("  other:\n    add_documents:\n      - {id: laporan, nmae: Laporan}\n") == [
        ("overlay.yaml", 7, 23, "extra_forbidden", "unknown field 'nmae' (did you mean 'name'?)")
    ]
    # line 7: `      - {id: x, questions: [` takes columns 1-28
    assert located("  other:\n    add_documents:\n      - {id: x, questions: [other.b]}\n") == [
        (
            "overlay.yaml",
            7,
            29,
            "unknown_question",
            "'other.b' is not a question of indicator 'other' (did you mean 'other.a'?)",
        )
    ]
    assert located("  g:\n    add_documents: [{id: x}]\n") == [
        ("overlay.yaml", 6, 5, "invalid", "`documents` needs an indicator (a node with questions)")
    ]
    assert located("  rm:\n    add_document: [{id: x}]\n") == [
        (
            "overlay.yaml",
            6,
            5,
            "extra_forbidden",
            "unknown field 'add_document' (did you mean 'add_documents'?)",
        )
    ]
    both = "  rm:\n    documents: [{id: x}]\n    add_documents: [{id: y}]\n"
    assert located(both) == [
        (
            "overlay.yaml",
            7,
            5,
            "invalid",
            "give `documents` (the whole list) or `add_documents`, not both",
        )
    ]
    assert located("  rm.a:\n    add_documents: [{id: x}]\n") == [
        ("overlay.yaml", 6, 5, "invalid", "'add_documents' does not apply to a question")
    ]


# --- the views --------------------------------------------------------------------------


def test_rules_show_schema_and_guide_list_the_documents(runner: CliRunner, tmp_path: Path) -> None:
    rules = str(write(tmp_path, RULES, "docs.yaml"))
    table = runner.invoke(app, ["--lang", "en", "rules", "show", rules, "--questions"]).stdout
    assert "2 expected documents" in table
    assert "document Road Map RB [road-map] (for rm.a)" in table
    assert "document SK Tim RB [sk-tim]" in table
    record = json.loads(runner.invoke(app, ["rules", "show", rules, "-f", "json"]).stdout)
    rm = record["tree"][0]["children"][0]
    assert rm["documents"] == [
        {"id": "road-map", "name": "Road Map RB", "questions": ["rm.a"]},
        {"id": "sk-tim", "name": "SK Tim RB", "match": ["SK"]},
    ]
    assert "documents" not in record["tree"][0]["children"][1]
    schema = json.loads(runner.invoke(app, ["--lang", "en", "schema", "--rules", rules]).stdout)
    props = schema["properties"]["answers"]["properties"]
    assert props["rm.a"]["description"].endswith(
        "\nExpected documents (data dukung): Road Map RB [road-map]; SK Tim RB [sk-tim]"
    )
    assert props["rm.b"]["description"].endswith(
        "\nExpected documents (data dukung): SK Tim RB [sk-tim]"
    )
    assert "Expected documents" not in props["other.a"]["description"]
    guide = runner.invoke(app, ["--lang", "id", "guide", "--rules", rules]).stdout
    assert "Dokumen yang diharapkan (data dukung): Road Map RB \\[road-map\\] (untuk rm.a)" in guide


# --- the bundled rule sets ----------------------------------------------------------------


def test_the_2020_road_map_question_expects_the_road_map(tmp_path: Path) -> None:
    # LKE 2020 (the 14/2014 descriptor): "Road Map telah disusun dan ditetapkan sebagai
    # dokumen formal"; "Roadmap" is accepted as the one-word spelling
    def found(evidence: str) -> list[Problem]:
        text = (
            "rules: permenpanrb-26-2020\nyear: 2021\nunit: {name: U, code: '1'}\nanswers:\n"
            f"  mp.road_map.a: {{answer: Ya, evidence: [{evidence}]}}\n"
        )
        report = validate_paths([write(tmp_path, text)], Options())
        return [p for p in report.problems if p.code == "missing_document"]

    [problem] = found("SK Walikota No. 1/2021")
    assert (problem.line, problem.level) == (5, "warning")
    assert "the document 'Road Map' expected by indicator 'mp.road_map'" in problem.message
    assert found("Roadmap RB Kota Uji 2020-2024") == []
    assert found("road-map.pdf") == []


def test_rules_diff_shows_a_change_of_documents(runner: CliRunner, tmp_path: Path) -> None:
    path = overlay(tmp_path, "  other:\n    add_documents: [{id: laporan, name: Laporan}]\n")
    base = str(tmp_path / "docs.yaml")
    out = runner.invoke(app, ["rules", "diff", base, str(path), "-f", "json"]).stdout
    changes = [c for c in json.loads(out)["changes"] if c["kind"] == "node"]
    assert changes == [
        {
            "kind": "node",
            "change": "documents",
            "id": "other",
            "before": None,
            "after": "Laporan [laporan]",
        }
    ]


def test_the_indonesian_word_for_the_field_points_at_documents(tmp_path: Path) -> None:
    bad = RULES.replace(
        "        documents:\n          - id: road-map",
        "        data_dukung:\n          - id: road-map",
    )
    [(line, col, code, message)] = problems_of(tmp_path, bad)
    assert (line, col, code) == (19, 9, "extra_forbidden")
    assert message == "unknown field 'data_dukung' (did you mean 'documents'?)"
