"""`pmprb schema`: a draft-07 JSON Schema that check-jsonschema uses as it is, agreeing with
`pmprb validate` wherever a schema can express the rule."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from pmprb.analysis.validate import Options, validate_paths
from pmprb.cli import app
from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale

from .conftest import MINI, ROOT

CHECK_JSONSCHEMA = Path(sys.executable).parent / "check-jsonschema"
CASES = ROOT / "tests" / "data" / "schema-cases"
EXAMPLES = ROOT / "assessments"
# Checks only pmprb can make: a schema cannot see duplicate keys or anchors once the YAML is
# parsed, and allows null (blank) answers and absent ones so a file half filled in an
# editor is not all red.
PMPRB_ONLY = frozenset({"unanswered", "missing_answers", "yaml_alias", "duplicate_key"})


def export(rules: str, tmp_path: Path) -> Path:
    """`pmprb schema --rules RULES` into a file."""
    result = CliRunner().invoke(app, ["schema", "--rules", rules])
    assert result.exit_code == 0, result.output
    target = tmp_path / "schema.json"
    target.write_text(result.stdout, encoding="utf-8")
    return target


def check_jsonschema(schema: Path, files: list[Path]) -> dict[str, list[str]]:
    """Run check-jsonschema once over files; the error messages of each rejected file."""
    proc = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--schemafile", str(schema), "-o", "json", *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode in (0, 1), proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    rejected: dict[str, list[str]] = {}
    for err in data.get("errors", []) + data.get("parse_errors", []):
        rejected.setdefault(Path(err["filename"]).name, []).append(str(err.get("message", "")))
    assert (proc.returncode == 1) == bool(rejected)
    return rejected


def header(path: Path, key: str) -> str:
    """A case file's `# key: value` header line."""
    found = re.search(rf"^# {key}: (\S+)$", path.read_text(encoding="utf-8"), re.MULTILINE)
    assert found, (path, key)
    return found.group(1)


def test_schema_is_valid_draft_07(tmp_path: Path) -> None:
    schema = export("permenpanrb-26-2020", tmp_path)
    data = json.loads(schema.read_text(encoding="utf-8"))
    assert data["$schema"] == "http://json-schema.org/draft-07/schema#"
    proc = subprocess.run(
        [str(CHECK_JSONSCHEMA), "--check-metaschema", str(schema)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_lists_every_question_with_its_answers(tmp_path: Path) -> None:
    loaded = load_rules("permenpanrb-26-2020")
    data = json.loads(export("permenpanrb-26-2020", tmp_path).read_text(encoding="utf-8"))
    props = data["properties"]
    assert props["rules"]["const"] == "permenpanrb-26-2020"
    assert set(data["required"]) == {"rules", "year", "unit"}
    answers = props["answers"]
    assert answers["additionalProperties"] is False
    assert list(answers["properties"]) == list(loaded.questions)
    for qid, ref in loaded.questions.items():
        schema: dict[str, Any] = answers["properties"][qid]
        assert schema["description"].startswith(ref.question.text)
        branches = schema["anyOf"]
        # every branch says what the question accepts (the message editors show)
        messages = {b.get("errorMessage") or b["allOf"][0]["errorMessage"] for b in branches}
        assert len(messages) == 1
        if isinstance(ref.scale, ChoiceScale):
            # one enum branch: the labels and blank (null), for completion
            [enum] = [b for b in branches if "enum" in b]
            assert enum["enum"] == [*ref.scale.options, None]
            for label, meaning in ref.question.options.items():
                assert f"{label}: {meaning}" in schema["description"]
                assert f"- `{label}` " in schema["markdownDescription"]
            assert ", ".join(ref.scale.options) in messages.pop()
        else:
            [number] = [b for b in branches if "number" in b.get("type", ())]
            assert number["type"] == ["number", "null"]
            # the range is refused through if/then (so that the message is the question's)
            limits = number["if"]["not"]
            assert (limits["minimum"], limits["maximum"]) == (ref.scale.min, ref.scale.max)
            assert f"from {ref.scale.min} to {ref.scale.max}" in messages.pop()
    assert set(props["scores"]["properties"]) == set(loaded.maxima)
    assert props["scores"]["properties"]["pemenuhan"]["maximum"] == 20


def test_every_example_is_accepted_by_both_or_fails_a_pmprb_only_check(tmp_path: Path) -> None:
    examples = sorted(p for p in EXAMPLES.rglob("*.yaml") if p.name != "bersama.yaml")
    assert len(examples) >= 7
    by_rules: dict[str, list[Path]] = {}
    for path in examples:
        rid = yaml.safe_load(path.read_text(encoding="utf-8"))["rules"]
        by_rules.setdefault(rid, []).append(path)
    assert len(by_rules) >= 3  # every bundled rule set has an example
    for rid, paths in by_rules.items():
        schema = export(rid, tmp_path)
        assert check_jsonschema(schema, paths) == {}, rid
        report = validate_paths(paths, Options(rules=rid))
        assert len(report.files) == len(paths)
        errors = {p.code for p in report.problems if p.level == "error"}
        assert errors <= PMPRB_ONLY, (rid, errors)


def test_check_jsonschema_and_pmprb_agree_on_every_case(tmp_path: Path) -> None:
    schema = export(str(MINI), tmp_path)
    files = sorted(CASES.glob("*.yaml"))
    assert len(files) >= 30
    rejected = check_jsonschema(schema, files)
    report = validate_paths([CASES], Options(rules=str(MINI)))
    by_name = {Path(f.path).name: f for f in report.files}
    assert set(by_name) == {f.name for f in files}
    for path in files:
        expected_code, expected_schema = header(path, "pmprb"), header(path, "schema")
        result = by_name[path.name]
        errors = [p.code for p in result.problems if p.level == "error"]
        if expected_code == "ok":
            assert errors == [], (path.name, result.problems)
        else:
            assert expected_code in errors, (path.name, result.problems)
        schema_rejects = path.name in rejected
        assert schema_rejects == (expected_schema == "reject"), (path.name, rejected.get(path.name))
        # agreement: the schema is never stricter than pmprb, and where it is more lenient
        # the reason is a check only pmprb can make
        if schema_rejects:
            assert errors, path.name
        elif errors:
            assert set(errors) <= PMPRB_ONLY, (path.name, errors)


@pytest.mark.parametrize("label", ["Ya", "ya", "YA", " tidak ", "Tidak"])
def test_case_variants_match_the_portable_pattern(label: str, tmp_path: Path) -> None:
    data = json.loads(export(str(MINI), tmp_path).read_text(encoding="utf-8"))
    branches = data["properties"]["answers"]["properties"]["p.a1.i1.a"]["anyOf"]
    [pattern] = [b["pattern"] for b in branches if "pattern" in b]
    # no inline flags or Python-only syntax: ECMA 262 (editors) reads it the same way
    assert "(?i)" not in pattern
    assert re.fullmatch(pattern, label)
    assert not re.fullmatch(pattern, "Yaa")


def test_an_overlays_schema_accepts_the_ids_pmprb_accepts(tmp_path: Path) -> None:
    overlay = ROOT / "rules" / "overlays" / "contoh-reform-resmi.yaml"
    loaded = load_rules(str(overlay))
    schema = export(str(overlay), tmp_path)
    rules = json.loads(schema.read_text(encoding="utf-8"))["properties"]["rules"]
    assert rules["enum"] == ["contoh-reform-resmi", "permenpanrb-26-2020"]
    assert "const" not in rules
    assert rules["enum"] == loaded.accepted_ids()
    # an answer file for the base and one naming the overlay: both valid for pmprb and schema
    base_file = EXAMPLES / "kota-sukamaju-2021" / "diskominfo.yaml"
    text = base_file.read_text(encoding="utf-8")
    assert "rules: permenpanrb-26-2020\n" in text
    (tmp_path / "bersama.yaml").write_bytes((base_file.parent / "bersama.yaml").read_bytes())
    own = tmp_path / "own.yaml"
    own.write_text(text.replace("rules: permenpanrb-26-2020\n", "rules: contoh-reform-resmi\n"))
    other = tmp_path / "other.yaml"
    other.write_text(text.replace("rules: permenpanrb-26-2020\n", "rules: zona-integritas-2022\n"))
    for path in (base_file, own):
        assert (
            CliRunner().invoke(app, ["validate", str(path), "--rules", str(overlay)]).exit_code == 0
        )
    assert CliRunner().invoke(app, ["validate", str(other), "--rules", str(overlay)]).exit_code == 1
    assert list(check_jsonschema(schema, [base_file, own, other])) == ["other.yaml"]
