"""`pmprb validate`: checks, output formats (golden files), thresholds, exit codes, CI hooks.

Golden files live in tests/golden/; regenerate them with `PMPRB_UPDATE_GOLDEN=1 pytest`
and review the diff.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pmprb.analysis.engine import score
from pmprb.analysis.validate import FileReport, Options, Report, validate_paths
from pmprb.base.errors import Problem
from pmprb.base.files import answer_files
from pmprb.cli import app
from pmprb.model.common import load_assessment
from pmprb.report import ValidateFormat
from pmprb.report.validation import RENDERERS, github_command, render, resolve, to_junit

from .conftest import MINI, ROOT, example_text, write

GOLDEN = Path(__file__).resolve().parent / "golden"
CASES = Path("tests/data/validate")  # relative, so reports show stable paths
EXAMPLES = ROOT / "assessments"


@pytest.fixture(autouse=True)
def at_root(monkeypatch: pytest.MonkeyPatch) -> None:
    """Run from the repository root, outside GitHub Actions unless a test says otherwise."""
    monkeypatch.chdir(ROOT)
    monkeypatch.delenv("GITHUB_ACTIONS", raising=False)


def check_golden(name: str, actual: str) -> None:
    """Compare with tests/golden/NAME; PMPRB_UPDATE_GOLDEN=1 rewrites it instead."""
    path = GOLDEN / name
    if os.environ.get("PMPRB_UPDATE_GOLDEN") == "1":
        path.parent.mkdir(exist_ok=True)
        path.write_text(actual, encoding="utf-8")
    expected = path.read_text(encoding="utf-8")
    assert actual == expected, f"{name} differs; rerun with PMPRB_UPDATE_GOLDEN=1 and review"


def run(runner: CliRunner, *args: str, env: dict[str, str] | None = None) -> tuple[int, str, str]:
    """Invoke `pmprb validate ARGS`; returns (exit code, stdout, stderr)."""
    result = runner.invoke(app, ["validate", *args], env=env)
    return result.exit_code, result.stdout, result.stderr


# --- output formats -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "golden"),
    [
        ("text", "validate.txt"),
        ("github", "validate.github.txt"),
        ("json", "validate.json"),
        ("junit", "validate.junit.xml"),
    ],
)
def test_each_format_matches_its_golden_file(runner: CliRunner, fmt: str, golden: str) -> None:
    code, out, _err = run(runner, str(CASES), "--rules", str(MINI), "--format", fmt)
    assert code == 1
    check_golden(golden, out)


def test_markdown_summary_matches_its_golden_file(runner: CliRunner, tmp_path: Path) -> None:
    summary = tmp_path / "summary.md"
    code, out, _err = run(runner, str(CASES), "--rules", str(MINI), "--summary", str(summary))
    assert code == 1
    text = summary.read_text(encoding="utf-8")
    check_golden("validate.summary.md", text)
    good = score(load_assessment(CASES / "good.yaml", str(MINI)))
    assert f"| {good.index} | {good.band.id if good.band else ''} " in text
    assert out.startswith("tests/data/validate/opd/broken.yml:")  # the report still on stdout


def test_every_format_is_handled() -> None:
    report = validate_paths([CASES], Options(rules=str(MINI)))
    assert set(RENDERERS) == set(ValidateFormat) - {ValidateFormat.auto}
    for fmt in ValidateFormat:
        rendered = render(report, fmt, {})
        assert "broken.yml" in rendered, fmt


def test_auto_picks_github_annotations_only_under_github_actions(runner: CliRunner) -> None:
    assert resolve(ValidateFormat.auto, {"GITHUB_ACTIONS": "true"}) is ValidateFormat.github
    assert resolve(ValidateFormat.auto, {"GITHUB_ACTIONS": "false"}) is ValidateFormat.text
    assert resolve(ValidateFormat.auto, {}) is ValidateFormat.text
    assert resolve(ValidateFormat.json, {"GITHUB_ACTIONS": "true"}) is ValidateFormat.json
    _code, actions, _err = run(
        runner, str(CASES), "--rules", str(MINI), env={"GITHUB_ACTIONS": "true"}
    )
    assert actions.startswith("::error file=tests/data/validate/opd/broken.yml,line=5,col=1,")
    _code, local, _err = run(runner, str(CASES), "--rules", str(MINI))
    assert "::error" not in local
    assert local.startswith("tests/data/validate/opd/broken.yml:5:1: [error] missing_answers: ")


def test_github_commands_escape_per_the_toolkit() -> None:
    problem = Problem("dir,a:b/x%.yaml", 3, 7, "bad_option", "50% done\r\nnext: a, b", "warning")
    assert github_command(problem) == (
        "::warning file=dir%2Ca%3Ab/x%25.yaml,line=3,col=7,title=pmprb bad_option"
        # CR and LF from user text are shown as escapes (escape.line), never a line break
        "::50%25 done\\r\\nnext: a, b"
    )
    whole_file = Problem("x.yaml", None, None, "below_threshold", "index 1.00 < 2.00")
    assert github_command(whole_file) == (
        "::error file=x.yaml,title=pmprb below_threshold::index 1.00 < 2.00"
    )


def test_json_report_is_sorted_with_fixed_keys(runner: CliRunner) -> None:
    _code, out, _err = run(runner, str(CASES), "--rules", str(MINI), "-f", "json")
    data = json.loads(out)
    assert list(data) == ["summary", "files", "problems"]
    assert data["summary"] == {"files": 4, "failed": 1, "errors": 5, "warnings": 3}
    keys = ["path", "line", "col", "level", "code", "message"]
    assert all(list(p) == keys for p in data["problems"])
    order = [(p["path"], p["line"] or 0, p["col"] or 0, p["code"]) for p in data["problems"]]
    assert order == sorted(order)
    assert [f["path"] for f in data["files"]] == sorted(f["path"] for f in data["files"])


def test_junit_is_valid_xml_even_for_hostile_text() -> None:
    nasty = 'a & <b> ]]> "q" \x07 \x1b[31m'
    report = Report(
        (
            FileReport("ok.yaml", ()),
            FileReport(f"bad {nasty}.yaml", (Problem("bad.yaml", 1, 2, "x", nasty),)),
        )
    )
    root = ET.fromstring(to_junit(report).encode("utf-8"))
    assert root.get("tests") == "2"
    assert root.get("failures") == "1"
    cases = root.findall("./testsuite/testcase")
    assert cases[0].get("name") == "ok.yaml"
    # what XML 1.0 cannot hold (BEL, ESC) is shown as an escape, as in every text output
    assert cases[1].get("name") == 'bad a & <b> ]]> "q" \\x07 \\x1b[31m.yaml'
    failure = cases[1].find("failure")
    assert failure is not None
    assert failure.text is not None
    assert "a & <b> ]]>" in failure.text


# --- what is checked ------------------------------------------------------------------


def codes(report: Report, name: str) -> list[str]:
    """The problem codes of the file whose path ends with name."""
    return [p.code for f in report.files if f.path.endswith(name) for p in f.problems]


def test_files_are_found_recursively_skipping_hidden_ones() -> None:
    listed, unread = answer_files([CASES, CASES / "good.yaml"])
    assert unread == []
    found = [shown for _path, shown in listed]
    assert found == [
        "tests/data/validate/good.yaml",
        "tests/data/validate/published.yaml",
        "tests/data/validate/warn.yaml",
        "tests/data/validate/opd/broken.yml",
    ]


def test_unanswered_and_missing_questions_are_errors(tmp_path: Path) -> None:
    report = validate_paths([CASES], Options(rules=str(MINI)))
    assert codes(report, "broken.yml").count("unanswered") == 1
    assert "missing_answers" in codes(report, "broken.yml")
    # under a published score, questions may be left out
    assert codes(report, "published.yaml") == []
    empty = write(tmp_path, "rules: mini\nyear: 2021\nunit: {name: A, code: B}\n")
    [only] = validate_paths([empty], Options(rules=str(MINI))).files
    [problem] = only.problems
    assert (problem.code, problem.level) == ("missing_answers", "error")
    assert problem.message.startswith("15 questions have no entry in answers: p.a1.i1.a, ")
    assert " and 5 more " in problem.message


def test_answers_above_the_lowest_option_need_evidence() -> None:
    report = validate_paths([CASES / "warn.yaml"], Options(rules=str(MINI)))
    [f] = report.files
    flagged = [p for p in f.problems if p.code == "no_evidence"]
    # Ya without evidence and an evidence list of blanks; lowest answers (Tidak, D, 0) need none
    assert [(p.line, p.level) for p in flagged] == [(6, "warning"), (20, "warning")]
    assert report.exit_code == 0


def test_strict_makes_every_warning_an_error(runner: CliRunner) -> None:
    code, out, _err = run(runner, str(CASES / "warn.yaml"), "--rules", str(MINI))
    assert code == 0
    assert out.count("[warning]") == 3
    code, out, _err = run(runner, str(CASES / "warn.yaml"), "--rules", str(MINI), "--strict")
    assert code == 1
    assert out.count("[error] no_evidence") == 2
    assert "[error] year_outside" in out
    assert "[warning]" not in out


def test_a_rule_set_can_require_evidence(tmp_path: Path) -> None:
    text = MINI.read_text(encoding="utf-8")
    required = write(tmp_path, text + "evidence_required: true\n", "required.yaml")
    report = validate_paths([CASES / "warn.yaml"], Options(rules=str(required)))
    levels = {p.line: p.level for p in report.files[0].problems if p.code == "no_evidence"}
    assert levels == {6: "error", 20: "error"}
    assert "requires evidence" in report.files[0].problems[1].message
    # a question may opt out: back to a warning
    old = "{id: h.y.a, text: Nilai, scale: idx}"
    assert old in text
    opted = text.replace(old, "{id: h.y.a, text: Nilai, scale: idx, evidence_required: false}")
    opt_out = write(tmp_path, opted + "evidence_required: true\n", "opt-out.yaml")
    report = validate_paths([CASES / "warn.yaml"], Options(rules=str(opt_out)))
    levels = {p.line: p.level for p in report.files[0].problems if p.code == "no_evidence"}
    assert levels == {6: "error", 20: "warning"}


def test_the_rule_set_of_the_run_must_match_the_file(runner: CliRunner) -> None:
    code, out, _err = run(runner, str(EXAMPLES / "kota-batam-2020.yaml"), "--rules", str(MINI))
    assert code == 1
    assert "[error] rules_mismatch: the file is for rule set 'permenpanrb-26-2020'" in out


# --- thresholds -----------------------------------------------------------------------


def test_fail_under_states_both_numbers(runner: CliRunner) -> None:
    good = CASES / "good.yaml"
    index = score(load_assessment(good, str(MINI))).index
    code, out, _err = run(runner, str(good), "--rules", str(MINI), "--fail-under", "60")
    assert code == 1
    assert f"{good}: [error] below_threshold: index {index} < 60.00 (--fail-under)" in out
    code, out, _err = run(runner, str(good), "--rules", str(MINI), "--fail-under", str(index))
    assert code == 0, out
    more = f"{index}1"  # a threshold finer than the index's precision is shown as given
    code, out, _err = run(runner, str(good), "--rules", str(MINI), "--fail-under", more)
    assert code == 1
    assert f"index {index} < {more} " in out


def test_fail_under_category_compares_band_order(runner: CliRunner) -> None:
    good = CASES / "good.yaml"
    result = score(load_assessment(good, str(MINI)))
    assert result.band is not None
    assert result.band.id == "C"  # the comparisons below rely on it
    args = [str(good), "--rules", str(MINI), "--fail-under-category"]
    code, out, _err = run(runner, *args, "CC")
    assert code == 1
    assert f"category C < CC (index {result.index})" in out
    assert run(runner, *args, "c")[0] == 0
    assert run(runner, *args, "D")[0] == 0
    code, _out, err = run(runner, *args, "Z")
    assert code == 2
    assert "has no category 'Z'" in err


def test_thresholds_skip_files_that_are_already_invalid(runner: CliRunner) -> None:
    code, out, _err = run(runner, str(CASES), "--rules", str(MINI), "--fail-under", "99")
    assert code == 1
    assert out.count("below_threshold") == 3  # good, published, warn; not broken


# --- exit codes -----------------------------------------------------------------------


def test_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    valid = [str(CASES / "good.yaml"), str(CASES / "published.yaml")]
    assert run(runner, *valid, "--rules", str(MINI))[0] == 0
    assert run(runner, str(CASES), "--rules", str(MINI))[0] == 1
    # the tool could not run
    code, _out, err = run(runner, str(CASES), "--rules", "no-such-rules")
    assert code == 2
    assert "unknown_rules" in err
    (tmp_path / "empty").mkdir()
    code, _out, err = run(runner, str(tmp_path / "empty"))
    assert code == 2
    assert "no_files" in err
    code, out, _err = run(runner, str(tmp_path / "nope.yaml"), *valid, "--rules", str(MINI))
    assert code == 2
    assert "nope.yaml: [error] not_found" in out
    assert run(runner, *valid, "--format", "sarif")[0] == 2
    assert run(runner, *valid, "--fail-under", "sixty")[0] == 2
    assert run(runner, *valid, "--fail-under", "-1")[0] == 2
    assert run(runner)[0] == 2  # no paths


def test_report_files_beside_the_annotations(runner: CliRunner, tmp_path: Path) -> None:
    junit, report = tmp_path / "report.xml", tmp_path / "report.json"
    args = [str(CASES), "--rules", str(MINI), "--junit", str(junit), "--json", str(report)]
    code, out, _err = run(runner, *args, env={"GITHUB_ACTIONS": "true"})
    assert code == 1
    assert out.startswith("::error ")
    assert ET.fromstring(junit.read_bytes()).get("failures") == "1"
    assert json.loads(report.read_text(encoding="utf-8"))["summary"]["errors"] == 5
    code, _out, err = run(runner, str(CASES), "--json", str(tmp_path / "no" / "dir.json"))
    assert code == 2
    assert "cannot write" in err


# --- the CI story ---------------------------------------------------------------------


def test_a_repository_with_one_broken_file_fails_on_the_right_line(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = tmp_path / "repo"
    (repo / "submissions").mkdir(parents=True)
    # one file per name: the 2022 year of Sukamaju repeats the 2021 names
    later = EXAMPLES / "kota-sukamaju-2022"
    found = sorted(p for p in EXAMPLES.glob("*/*.yaml") if p.parent != later)
    for src in [EXAMPLES / "kota-batam-2020.yaml", *found]:
        # deliberately incomplete examples (D.I. Yogyakarta 2023 has a line with no score)
        if src.name not in (
            "dinkes.yaml",
            "kota-sukamaju-baru.yaml",
            "provinsi-di-yogyakarta.yaml",
            # SURABE: blank indicators count 0 (Teluk Damai's Diskominfo and kecamatan)
            "teluk-damai-diskominfo.yaml",
            "teluk-damai-kecamatan-teluk-utara.yaml",
        ):
            shutil.copy(src, repo / "submissions" / src.name)
    monkeypatch.chdir(repo)
    env = {"GITHUB_ACTIONS": "true"}
    code, out, _err = run(runner, "submissions", env=env)
    assert code == 0, out
    assert "::error" not in out
    target = repo / "submissions" / "diskominfo.yaml"
    good = target.read_text(encoding="utf-8")
    lines = good.splitlines(keepends=True)
    line = next(i for i, text in enumerate(lines) if text == "  mp.tim_rb.a: B\n")
    lines[line] = "  mp.tim_rb.a: E\n"
    target.write_text("".join(lines), encoding="utf-8")
    code, out, _err = run(runner, "submissions", env=env)
    assert code == 1
    errors = [x for x in out.splitlines() if x.startswith("::error")]
    assert errors == [
        f"::error file=submissions/diskominfo.yaml,line={line + 1},col=16,"
        "title=pmprb bad_option::'E' is not an answer of 'mp.tim_rb.a'; choose one of: A, B, C"
    ]
    target.write_text(good, encoding="utf-8")
    assert run(runner, "submissions", env=env)[0] == 0


def test_pre_commit_hook_definition_runs_pmprb_on_the_changed_files(tmp_path: Path) -> None:
    hooks = yaml.safe_load((ROOT / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    [hook] = [h for h in hooks if h["id"] == "pmprb-validate"]
    assert hook["language"] == "python"
    assert hook["pass_filenames"] is True
    assert hook["require_serial"] is True  # one process over all the changed files
    files, exclude = re.compile(hook["files"]), re.compile(hook["exclude"])

    def selected(path: str) -> bool:
        return bool(files.search(path)) and not exclude.search(path)

    assert selected("submissions/2021/dinkes.yaml")
    assert selected("opd.yml")
    assert not selected(".pre-commit-config.yaml")
    assert not selected(".github/workflows/validate.yml")
    assert not selected("README.md")
    # the entry, as pre-commit runs it: entry + args + the changed file names
    argv = [*shlex.split(hook["entry"]), *hook.get("args", [])]
    assert argv[0] == "pmprb"
    argv[0] = str(Path(sys.executable).parent / "pmprb")
    env = {**os.environ, "PMPRB_LANG": "en"}
    good = [
        str(EXAMPLES / "kota-batam-2020.yaml"),
        str(EXAMPLES / "kota-sukamaju-2021/bappeda.yaml"),
    ]
    ok = subprocess.run([*argv, *good], capture_output=True, text=True, env=env, check=False)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    broken = write(tmp_path, "rules: permenpanrb-26-2020\nyear: 2021\nunit: {name: A}\n")
    bad = subprocess.run(
        [*argv, *good, str(broken)], capture_output=True, text=True, env=env, check=False
    )
    assert bad.returncode == 1
    assert f"{broken}:3:7: [error] missing: required field 'code' is missing" in bad.stdout


def strings(data: object) -> list[str]:
    """Every string in parsed YAML (the steps' commands among them)."""
    if isinstance(data, str):
        return [data]
    if isinstance(data, dict):
        return [s for v in data.values() for s in strings(v)]
    if isinstance(data, list):
        return [s for v in data for s in strings(v)]
    return []


@pytest.mark.parametrize("name", ["github-actions.yml", "gitlab-ci.yml"])
def test_ci_examples_are_valid_yaml_calling_real_options(name: str) -> None:
    data = yaml.safe_load((ROOT / "docs" / "ci" / name).read_text(encoding="utf-8"))
    calls = [c for c in strings(data) if c.startswith("pmprb validate ")]
    assert calls
    help_text = CliRunner().invoke(app, ["validate", "--help"], terminal_width=200).stdout
    for call in calls:
        assert "--junit pmprb-junit.xml" in call
        for option in re.findall(r"(--[a-z-]+)", call):
            assert option in help_text, (name, option)


def test_threshold_mistakes_never_cost_the_report(runner: CliRunner) -> None:
    good = str(EXAMPLES / "kota-sukamaju-2021" / "bappeda.yaml")  # CC, its own bundled rules
    # a huge threshold is a plain failure, not a traceback
    code, out, _err = run(runner, good, "--fail-under", "1e30")
    assert code == 1
    assert "< 1000000000000000000000000000000 (--fail-under)" in out
    # a category the file's rule set lacks (no --rules): exit 2, and the report still comes
    code, out, _err = run(runner, good, "--fail-under-category", "ZZ", "-f", "json")
    assert code == 2
    assert '"code": "unknown_category"' in out
    assert "has no category 'ZZ'" in out


def test_a_broken_rule_set_named_by_one_file_does_not_stop_the_others(
    runner: CliRunner, tmp_path: Path
) -> None:
    broken = write(tmp_path, "id: broken\ntitle: [\n", "broken-rules.yaml")
    good = EXAMPLES / "kota-sukamaju-2021" / "bappeda.yaml"
    text = example_text(good).replace("rules: permenpanrb-26-2020", f"rules: {broken}")
    uses_broken = write(tmp_path, text, "uses-broken.yaml")
    code, out, _err = run(runner, str(good), str(uses_broken))
    assert code == 1
    assert "2 files checked, 1 with errors" in out
    assert f"{broken}:2:8: [error] yaml_syntax" in out  # located in the rule set file
    # two files naming it: its problems are listed once
    units = tmp_path / "units"
    units.mkdir()
    write(units, text, "one.yaml")
    write(units, text, "two.yaml")
    _code, out, _err = run(runner, str(units))
    assert "2 files checked, 2 with errors" in out
    assert out.count(f"{broken}:2:8: [error] yaml_syntax") == 1
    batch = runner.invoke(app, ["batch", str(units)])
    assert batch.stderr.count(f"{broken}:2:8: [error] yaml_syntax") == 1


def test_a_file_with_problems_is_composed_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # validate keeps the node tree it parsed; locating the problems must reuse it
    text = (EXAMPLES / "kota-sukamaju-2021" / "bappeda.yaml").read_text(encoding="utf-8")
    write(tmp_path, text.replace("mp.tim_rb.a: ", "mp.tim_rb.a: Z  # ", 1), "bad.yaml")
    calls: list[str] = []
    real = yaml.compose

    def counted(*args: Any, **kwargs: Any) -> Any:
        calls.append("compose")
        return real(*args, **kwargs)

    monkeypatch.setattr(yaml, "compose", counted)
    report = validate_paths([tmp_path], Options())
    assert report.exit_code == 1
    assert calls == []
