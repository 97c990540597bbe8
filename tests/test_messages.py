"""Messages that teach (issue 16 items 2-6 and 12): each asserted in Indonesian and English.

Expected texts are written here from the issue's wording and the catalogue's translations,
not copied from a run; positions are counted by hand in the small files below.
"""

from __future__ import annotations

import os
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from typer.testing import CliRunner

from pmprb.analysis.engine import score
from pmprb.analysis.validate import Options, validate_paths
from pmprb.base.errors import Problem, ProblemsError
from pmprb.base.i18n import normalize_language, resolve_language, set_language
from pmprb.cli import app
from pmprb.inputs.loader import parse
from pmprb.model.common import load_assessment
from pmprb.report import FOLD_OVER, ValidateFormat
from pmprb.report.validation import render, to_summary

from .conftest import MINI, ROOT, write

HEAD = "rules: mini\nyear: 2021\nunit:\n  name: Dinas Uji\n  code: '9.99'\n"


def syntax(text: str, lang: str) -> Problem:
    set_language(lang)
    with pytest.raises(ProblemsError) as info:
        parse("f.yaml", text)
    [p] = info.value.problems
    return p


def answer_problems(tmp_path: Path, text: str, lang: str = "en") -> list[Problem]:
    set_language(lang)
    path = write(tmp_path, text)
    with pytest.raises(ProblemsError) as info:
        load_assessment(path, str(MINI))
    return info.value.problems


# --- 2. YAML syntax errors name the cause, in the user's language ----------------------

SYNTAX = {
    # name: (text, line, col, English cause, Indonesian cause)
    "tab": (
        "rules: mini\nunit:\n\tname: A\n",
        3,
        1,
        "a tab is used for indentation; YAML indents with spaces only",
        "tab dipakai untuk indentasi; YAML hanya memakai spasi untuk indentasi",
    ),
    "no-space": (
        "rules: mini\nyear:2021\nunit: x\n",
        2,
        5,  # the colon
        "a space is missing after ':' in 'year:2021'; write 'year: 2021'",
        "spasi setelah ':' tidak ada pada 'year:2021'; tulis 'year: 2021'",
    ),
    "no-space-answer": (
        "answers:\n  p.a1.i1.a:Ya\n  p.a1.i2.a: Tidak\n",
        2,
        12,
        "a space is missing after ':' in 'p.a1.i1.a:Ya'; write 'p.a1.i1.a: Ya'",
        "spasi setelah ':' tidak ada pada 'p.a1.i1.a:Ya'; tulis 'p.a1.i1.a: Ya'",
    ),
    "indent": (
        "unit:\n  name: A\n   code: B\n",
        3,
        4,
        "this line is not indented like the lines above it",
        "indentasi baris ini tidak sejajar dengan baris di atasnya",
    ),
    "outdent": (
        "unit:\n  name: A\n code: B\n",
        3,
        2,
        "this line is not indented like the lines above it",
        "indentasi baris ini tidak sejajar dengan baris di atasnya",
    ),
    "quote": (
        'unit:\n  name: "Dinas\n  code: B\n',
        2,
        9,  # where the quote opens
        'the quote " opened here is never closed; add the closing "',
        'tanda kutip " yang dibuka di sini tidak ditutup; tambahkan " penutupnya',
    ),
    "bracket": (
        "evidence: [SK 1, SK 2\nnote: x\n",
        1,
        11,
        "the bracket [ opened here is not closed: add ], or a comma between items",
        "kurung [ yang dibuka di sini tidak ditutup: tambahkan ], atau koma di antara butir",
    ),
    "bracket-at-end": (
        "id: x\ntitle: [\n",
        2,
        8,
        "the bracket [ opened here is not closed",
        "kurung [ yang dibuka di sini tidak ditutup",
    ),
    "colon-in-value": (
        "note: rapat: selesai\n",
        1,
        12,
        "a value containing ': ' must be put in quotes",
        "nilai yang memuat ': ' harus diapit tanda kutip",
    ),
}


@pytest.mark.parametrize("name", sorted(SYNTAX))
def test_syntax_errors_name_their_cause_then_the_parser_text(name: str) -> None:
    text, line, col, english, indonesian = SYNTAX[name]
    for lang, cause in (("en", english), ("id", indonesian)):
        p = syntax(text, lang)
        assert (p.line, p.col, p.code) == (line, col, "yaml_syntax"), (lang, p)
        assert p.message.startswith(cause), (lang, p.message)
        # the raw parser text only ever follows, in parentheses
        assert p.message.endswith(")"), p.message
        assert " (parser: " in p.message, p.message


def test_an_unexplained_syntax_error_still_leads_with_a_sentence() -> None:
    text = "- a\n--- \n- b\n"  # two documents: none of the named causes
    for lang, lead in (
        ("en", "the YAML syntax is invalid here"),
        ("id", "sintaks YAML tidak valid di sini"),
    ):
        p = syntax(text, lang)
        assert (p.line, p.code) == (2, "yaml_syntax")
        assert p.message.startswith(lead + " (parser: "), p.message


# --- 3. duplicate keys name both places -------------------------------------------------


def test_a_duplicate_key_names_the_line_of_the_first(tmp_path: Path) -> None:
    text = HEAD + "answers:\n  p.a1.i1.a: Ya\n  p.a1.i2.a: Ya\n  p.a1.i1.a: Tidak\n"
    for lang, expected in (
        ("en", "duplicate key 'p.a1.i1.a': also at line 7; keep only one"),
        ("id", "kunci ganda 'p.a1.i1.a': juga ada di baris 7; sisakan satu saja"),
    ):
        [p] = answer_problems(tmp_path, text, lang)
        assert (p.line, p.col, p.code, p.message) == (9, 3, "duplicate_key", expected)


def test_a_duplicate_written_differently_still_finds_the_first() -> None:
    # 1 and 1.0 are the same key once read
    p = syntax("scores:\n  x: 1\nmap:\n  1: a\n  1.0: b\n", "en")
    assert (p.line, p.message) == (5, "duplicate key '1.0': also at line 4; keep only one")


# --- 4. a file that is not an answer file -----------------------------------------------

NOT_ANSWERS = {
    "overlay.yaml": ("extends: permenpanrb-26-2020\nid: x\nversion: '1'\n", "overlay"),
    "rules.yaml": ("id: r\ntitle: T\ntree: []\n", "rule set"),
    "docker-compose.yml": ("services:\n  web: {image: nginx}\n", "docker-compose"),
    "ci.yml": ("on: [push]\njobs:\n  test: {runs-on: ubuntu-latest}\n", "GitHub Actions"),
}


@pytest.mark.parametrize("name", sorted(NOT_ANSWERS))
def test_a_file_that_is_not_an_answer_file_gets_one_problem(tmp_path: Path, name: str) -> None:
    text, looks = NOT_ANSWERS[name]
    path = write(tmp_path, text, name)
    set_language("en")
    with pytest.raises(ProblemsError) as info:
        load_assessment(path)
    [p] = info.value.problems
    assert (p.line, p.col, p.code) == (1, 1, "not_answer_file")
    assert p.message.startswith("this is not a PMPRB answer file: ")
    assert looks in p.message
    assert "`pmprb rules check`" in p.message
    set_language("id")
    with pytest.raises(ProblemsError) as info:
        load_assessment(path)
    [p] = info.value.problems
    assert p.message.startswith("ini bukan berkas jawaban PMPRB: ")
    assert "untuk overlay atau set aturan gunakan `pmprb rules check`" in p.message


def test_an_answer_file_with_mistakes_is_still_checked_field_by_field(tmp_path: Path) -> None:
    found = answer_problems(tmp_path, "rules: mini\nunit: {name: A}\n")
    assert {p.code for p in found} == {"missing"}


def test_validate_skips_other_yaml_under_a_folder_with_a_note(
    runner: CliRunner, tmp_path: Path
) -> None:
    good = (ROOT / "assessments" / "kota-batam-2020.yaml").read_text(encoding="utf-8")
    write(tmp_path, good, "batam.yaml")
    write(tmp_path, NOT_ANSWERS["docker-compose.yml"][0], "docker-compose.yml")
    result = runner.invoke(app, ["validate", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert "1 file checked, 0 with errors" in result.stdout
    note = f"{tmp_path / 'docker-compose.yml'}: skipped: this is not a PMPRB answer file"
    assert note in result.stderr
    # named on the command line it is an error, unless the hook's switch is given
    named = runner.invoke(app, ["validate", str(tmp_path / "docker-compose.yml")])
    assert named.exit_code == 1
    assert "[error] not_answer_file: this is not a PMPRB answer file" in named.stdout
    hooked = runner.invoke(
        app, ["validate", "--skip-non-answer-files", str(tmp_path / "docker-compose.yml")]
    )
    assert hooked.exit_code == 0
    assert "0 files checked" in hooked.stdout
    set_language("id")
    indonesian = runner.invoke(app, ["--lang", "id", "validate", str(tmp_path)])
    assert f"{tmp_path / 'docker-compose.yml'}: dilewati: ini bukan berkas" in indonesian.stderr


def test_the_pre_commit_hook_skips_overlays_and_compose_files(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = [h for h in hooks if h["id"] == "pmprb-validate"]
    argv = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    argv[0] = str(Path(sys.executable).parent / "pmprb")
    overlay = write(tmp_path, NOT_ANSWERS["overlay.yaml"][0], "overlay.yaml")
    compose = write(tmp_path, NOT_ANSWERS["docker-compose.yml"][0], "docker-compose.yml")
    good = str(ROOT / "assessments" / "kota-batam-2020.yaml")
    env = {**os.environ, "PMPRB_LANG": "en"}
    run = subprocess.run(
        [*argv, good, str(overlay), str(compose)],
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert "1 file checked" in run.stdout
    assert run.stderr.count(": skipped: this is not a PMPRB answer file") == 2


# --- 5. field typos, evidence as a string, blank long answers ---------------------------


@pytest.mark.parametrize(
    ("text", "line", "hint"),
    [
        (HEAD + "answers:\n  p.a1.i1.a: {answer: Ya, evidance: [SK 1]}\n", 7, "evidence"),
        (HEAD + "answers:\n  p.a1.i1.a: {jawaban: Ya}\n", 7, "answer"),
        (HEAD + "answers:\n  p.a1.i1.a: {answer: Ya, bukti: [SK 1]}\n", 7, "evidence"),
        (HEAD + "jawaban:\n  p.a1.i1.a: Ya\n", 6, "answers"),
        ("rules: mini\nyaer: 2021\nunit: {name: A, code: '1'}\n", 2, "year"),
        ("rules: mini\nyear: 2021\nunit: {name: A, kode: '1'}\n", 3, "code"),
        ("rules: mini\nyear: 2021\nunit_kerja: {name: A, code: '1'}\n", 3, "unit"),
    ],
)
def test_a_misspelled_field_gets_a_did_you_mean(
    tmp_path: Path, text: str, line: int, hint: str
) -> None:
    found = answer_problems(tmp_path, text, "en")
    [p] = [p for p in found if p.code == "extra_forbidden"]
    assert p.line == line
    assert p.message.endswith(f" (did you mean '{hint}'?)"), p.message
    found = answer_problems(tmp_path, text, "id")
    [p] = [p for p in found if p.code == "extra_forbidden"]
    assert p.message.endswith(f" (maksud Anda '{hint}'?)"), p.message


def test_a_wrong_counts_key_gets_a_did_you_mean(tmp_path: Path) -> None:
    text = HEAD + "answers:\n  p.a1.i6.c:\n    counts: {selesei: 3, total: 4}\n"
    for lang, expected in (
        (
            "en",
            "'p.a1.i6.c' needs the counts: selesai, total; 'selesei' is not one of them"
            " (did you mean 'selesai'?)",
        ),
        (
            "id",
            "'p.a1.i6.c' memerlukan jumlah: selesai, total; 'selesei' tidak termasuk"
            " (maksud Anda 'selesai'?)",
        ),
    ):
        [p] = answer_problems(tmp_path, text, lang)
        assert (p.line, p.col, p.code) == (8, 14, "bad_counts")
        assert p.message == expected


def full_answers(**overrides: str) -> str:
    """Every question of the mini rule set answered (hand-picked), some lines replaced."""
    lines = {
        "p.a1.i1.a": "Tidak",
        "p.a1.i2.a": "Tidak",
        "p.a1.i3.a": "Tidak",
        "p.a1.i7.a": "Tidak",
        "p.a1.i8.a": "Tidak",
        "p.a1.i4.a": "C",
        "p.a1.i4.b": "D",
        "p.a1.i5.a": "Tidak",
        "p.a1.i6.a": "C",
        "p.a1.i6.b": "D",
        "p.a1.i6.c": "0",
        "p.a2.i1.a": "0",
        "p.a2.i1.b": "1",
        "h.x.a": "0",
        "h.y.a": "0",
    }
    lines.update(overrides)
    return HEAD + "answers:\n" + "".join(f"  {k}: {v}\n" for k, v in lines.items())


def test_evidence_may_be_one_string(tmp_path: Path) -> None:
    path = write(tmp_path, full_answers(**{"p.a1.i1.a": "{answer: Ya, evidence: SK 12/2021}"}))
    assessment = load_assessment(path, str(MINI))
    assert assessment.answers["p.a1.i1.a"].evidence == ("SK 12/2021",)
    report = validate_paths([path], Options(rules=str(MINI)))
    assert report.problems == []  # the evidence counts: no no_evidence warning


def test_a_long_answer_left_blank_is_unanswered_not_an_error(tmp_path: Path) -> None:
    blank = "\n    answer:\n    evidence: [SK 12/2021]"
    path = write(tmp_path, full_answers(**{"p.a1.i1.a": blank}))
    assessment = load_assessment(path, str(MINI))  # no problem raised
    assert "p.a1.i1.a" not in assessment.answers
    result = score(assessment)
    assert result.questions - result.answered == 1
    report = validate_paths([path], Options(rules=str(MINI)))
    assert [(p.line, p.code) for p in report.problems] == [(7, "unanswered")]
    # the same without the `answer:` line at all
    path = write(tmp_path, full_answers(**{"p.a1.i1.a": "{evidence: [SK 12/2021]}"}))
    assert "p.a1.i1.a" not in load_assessment(path, str(MINI)).answers


def test_an_answer_and_counts_together_are_still_refused(tmp_path: Path) -> None:
    text = HEAD + "answers:\n  p.a1.i6.c: {answer: 50, counts: {selesai: 1, total: 2}}\n"
    [p] = answer_problems(tmp_path, text)
    assert "give either `answer` or `counts`" in p.message


# --- 6. init's year, the language, --format in any case --------------------------------


def test_init_warns_when_the_year_is_outside_the_rule_set(
    runner: CliRunner, tmp_path: Path
) -> None:
    target = tmp_path / "x.yaml"
    # (--rules: without it, init picks the scheme in force in 2019, which covers 2019)
    args = ["init", "--unit", "A", "--code", "1", "--year", "2019", "--rules"]
    args += ["permenpanrb-26-2020", "-o", str(target)]
    result = runner.invoke(app, args)
    assert result.exit_code == 0
    assert target.exists()
    assert (
        "warning: 2019 is outside the years of rule set 'permenpanrb-26-2020' (2020-2022); "
        "check --year and --rules" in result.stderr
    )
    other = tmp_path / "y.yaml"
    result = runner.invoke(app, ["--lang", "id", *args[:-1], str(other)])
    assert (
        "peringatan: 2019 di luar tahun berlaku set aturan 'permenpanrb-26-2020' (2020-2022); "
        "periksa --year dan --rules" in result.stderr
    )
    inside = runner.invoke(app, [*args[:6], "2021", "-o", str(tmp_path / "z.yaml")])
    assert inside.exit_code == 0
    assert "warning" not in inside.stderr


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("id", "id"),
        ("en", "en"),
        ("EN", "en"),
        ("id_ID", "id"),
        ("en_US.UTF-8", "en"),
        ("id-ID", "id"),
        ("en_GB@euro", "en"),
        ("fr", None),
        ("", None),
    ],
)
def test_language_names_in_locale_forms(given: str, expected: str | None) -> None:
    assert normalize_language(given) == expected


def test_an_unknown_language_warns_instead_of_falling_back_silently(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMPRB_LANG", "en_US.UTF-8")
    assert resolve_language() == "en"
    result = runner.invoke(app, ["rules", "list"])
    assert result.exit_code == 0
    assert "unknown language" not in result.stderr
    assert "Questions" in result.stdout  # English headers
    monkeypatch.setenv("PMPRB_LANG", "fr_FR.UTF-8")
    result = runner.invoke(app, ["rules", "list"])
    assert result.exit_code == 0
    assert (
        "bahasa 'fr_FR.UTF-8' tidak dikenal; memakai bahasa Indonesia (id); pilih id atau en"
        in result.stderr
    )
    result = runner.invoke(app, ["--lang", "de", "rules", "list"])
    assert "bahasa 'de' tidak dikenal" in result.stderr
    result = runner.invoke(app, ["--lang", "id_ID", "rules", "list"])
    assert "tidak dikenal" not in result.stderr


def test_format_values_are_case_insensitive(runner: CliRunner) -> None:
    batam = str(ROOT / "assessments" / "kota-batam-2020.yaml")
    upper = runner.invoke(app, ["score", batam, "--format", "JSON"])
    lower = runner.invoke(app, ["score", batam, "--format", "json"])
    assert upper.exit_code == 0
    assert upper.stdout == lower.stdout
    bad = runner.invoke(app, ["score", batam, "--format", "yaml"])
    assert bad.exit_code == 2
    assert "unknown format 'yaml'" in bad.stderr


# --- 12. validate's output ------------------------------------------------------------


def many_warnings(tmp_path: Path, files: int) -> Path:
    """`files` copies of a complete answer file whose 8 answers above the lowest option have
    no evidence: 8 no_evidence warnings each (counted by hand from full_answers)."""
    text = full_answers(
        **{
            "p.a1.i1.a": "Ya",
            "p.a1.i2.a": "Ya",
            "p.a1.i3.a": "Ya",
            "p.a1.i7.a": "Ya",
            "p.a1.i8.a": "Ya",
            "p.a1.i4.a": "A",
            "p.a2.i1.a": "50",
            "h.x.a": "60",
        }
    )
    folder = tmp_path / "opd"
    folder.mkdir()
    for i in range(files):
        write(folder, text, f"unit-{i}.yaml")
    return folder


def test_many_warnings_of_one_code_are_summed_up(runner: CliRunner, tmp_path: Path) -> None:
    folder = many_warnings(tmp_path, 3)  # 24 warnings > FOLD_OVER
    assert FOLD_OVER < 3 * 8
    base = ["validate", str(folder), "--rules", str(MINI), "--format", "text"]
    result = runner.invoke(app, base)
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines == [
        "[warning] no_evidence: 24 no_evidence warnings in 3 files; --show-warnings to list them",
        "3 files checked, 0 with errors: 0 errors, 24 warnings.",
    ]
    result = runner.invoke(app, ["--lang", "id", *base])
    assert (
        "24 peringatan no_evidence di 3 berkas; --show-warnings untuk menampilkannya"
        in result.stdout
    )
    shown = runner.invoke(app, [*base, "--show-warnings"])
    assert shown.stdout.count("[warning] no_evidence") == 24
    github = runner.invoke(app, [*base[:-1], "github"])
    assert github.stdout.startswith(
        "::warning title=pmprb no_evidence::24 no_evidence warnings in 3 files;"
    )
    # the machine-readable reports always hold every warning
    report = validate_paths([folder], Options(rules=str(MINI)))
    assert render(report, ValidateFormat.json, {}).count('"code": "no_evidence"') == 24
    few = validate_paths([folder / "unit-0.yaml"], Options(rules=str(MINI)))
    assert render(few, ValidateFormat.text, {}).count("[warning] no_evidence: '") == 8


def test_errors_only_lists_no_warning(runner: CliRunner, tmp_path: Path) -> None:
    folder = many_warnings(tmp_path, 1)
    write(folder, HEAD + "answers:\n  p.a1.i1.a: Mungkin\n", "bad.yaml")
    for flag in ("--errors-only", "--quiet", "-q"):
        result = runner.invoke(app, ["validate", str(folder), "--rules", str(MINI), flag])
        assert result.exit_code == 1
        assert "[warning]" not in result.stdout
        assert "[error] bad_option" in result.stdout
        assert "8 warnings." in result.stdout  # still counted in the summary


def test_numeric_answers_without_evidence_say_what_to_add(tmp_path: Path) -> None:
    path = write(tmp_path, full_answers(**{"h.x.a": "60"}))
    for lang, expected in (
        (
            "en",
            "'h.x.a' is 60 with no evidence (data dukung): add the source of the figure "
            "(a report, a survey result) under `evidence`",
        ),
        (
            "id",
            "'h.x.a' bernilai 60 tanpa data dukung: tambahkan sumber angka itu "
            "(laporan, hasil survei) di `evidence`",
        ),
    ):
        set_language(lang)
        report = validate_paths([path], Options(rules=str(MINI)))
        [p] = report.problems
        assert (p.code, p.level, p.message) == ("no_evidence", "warning", expected)


def test_the_summary_row_of_an_invalid_file_names_its_unit(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + "answers:\n  p.a1.i1.a: Mungkin\n")
    report = validate_paths([path], Options(rules=str(MINI), score=True))
    [row] = [ln for ln in to_summary(report).splitlines() if "answers.yaml" in ln]
    assert row.endswith(" | Dinas Uji (9.99) | - | - | - | **2** | 0 |"), (
        row
    )  # bad_option, missing_answers
    set_language("id")
    assert "| Dinas Uji (9.99) |" in to_summary(validate_paths([path], Options(rules=str(MINI))))
