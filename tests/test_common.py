"""Shared values (pmprb/common.py): one shared file per unit, from --common or from the
answer file's `common:`; the unit's own answer wins, a conflict is a warning; problems in
the shared file are located in it; score, batch, validate and init alike.

The tiny rule set (tests/test_compare.py) gives each of q1..q5 20 points: abc A 1, B 0.5,
C 0; yt Ya 1, Tidak 0. Every index below is worked out from that by hand.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import pmprb.analysis.batch as core
from pmprb.analysis.engine import score
from pmprb.cli import app
from pmprb.model.common import apply_common
from pmprb.model.load import load_rules

from .conftest import ROOT
from .test_compare import TINY

COMMON = {
    "q1": {"answer": "A", "evidence": ["Hasil SPBE"]},
    "q2": "Ya",
    "q3": "Tidak",
}


def test_shared_answers_fill_what_the_unit_leaves_out() -> None:
    data = {"rules": "tiny", "answers": {"q2": "Ya", "q3": {"answer": "Ya", "note": "x"}}}
    got = apply_common(data, COMMON, "bersama.yaml")
    assert got.shared == ("q1",)
    assert got.data["answers"]["q1"] == {"answer": "A", "evidence": ["Hasil SPBE"]}
    assert got.data["answers"]["q3"] == {"answer": "Ya", "note": "x"}  # own answer wins
    assert data["answers"] == {"q2": "Ya", "q3": {"answer": "Ya", "note": "x"}}  # not mutated
    (w,) = got.warnings  # q2 agrees; q3 conflicts
    assert (w.code, w.level, w.loc) == ("common_conflict", "warning", ("answers", "q3"))
    assert "'q3'" in w.message


def test_a_blank_entry_is_no_answer_and_counts_are_compared() -> None:
    # `pmprb init` writes every question blank: the shared answer fills a blank one
    data = {"answers": {"q1": None, "q2": {"evidence": ["x"]}, "q4": {"counts": {"a": 1}}}}
    got = apply_common(data, {**COMMON, "q4": {"counts": {"a": 2}}}, "b.yaml")
    assert got.shared == ("q1", "q2", "q3")
    assert [w.loc for w in got.warnings] == [("answers", "q4")]  # 1 of 2 against 2 of 2


def test_the_same_answer_written_otherwise_is_no_conflict() -> None:
    from decimal import Decimal

    data = {"answers": {"q1": "a", "q2": {"answer": Decimal("2.0")}, "q3": Decimal("2.5")}}
    shared = {"q1": "A", "q2": 2, "q3": {"answer": Decimal("2.50"), "evidence": ["x"]}}
    assert apply_common(data, shared, "b.yaml").warnings == ()  # labels case-insensitive


def test_no_answers_section_gets_them_all() -> None:
    got = apply_common({"rules": "tiny"}, COMMON, "b.yaml")
    assert got.shared == ("q1", "q2", "q3")
    assert got.warnings == ()


# --- the command line ---------------------------------------------------------------------


def unit_text(answers: str, extra: str = "", code: str = "9.01", year: int = 2022) -> str:
    return (
        f'rules: tiny\nyear: {year}\nunit: {{name: U {code}, code: "{code}", instansi: K}}\n'
        f"{extra}answers:\n{answers}"
    )


@pytest.fixture
def city(tmp_path: Path) -> Path:
    """tiny.yaml, a shared file giving q1 A (with evidence) and q3 Tidak, and two units
    naming it: u1 answers q2, q3 itself (q3 Ya: a conflict), u2 answers q2 only."""
    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    folder = tmp_path / "kota"
    folder.mkdir()
    (folder / "bersama.yaml").write_text(
        "instansi: K\nyear: 2022\nanswers:\n  q1: {answer: A, evidence: [SPBE]}\n  q3: Tidak\n",
        encoding="utf-8",
    )
    ref = "common: bersama.yaml\n"
    (folder / "u1.yaml").write_text(unit_text("  q2: Ya\n  q3: Ya\n", ref), encoding="utf-8")
    (folder / "u2.yaml").write_text(unit_text("  q2: Ya\n", ref, "9.02"), encoding="utf-8")
    return folder


def rules_of(folder: Path) -> list[str]:
    return ["--rules", str(folder.parent / "tiny.yaml")]


def invoke(runner: CliRunner, *args: str) -> Any:
    load_rules.cache_clear()
    return runner.invoke(app, ["--lang", "en", *args])


def walk(node: dict[str, Any]) -> list[dict[str, Any]]:
    return [node, *(n for c in node.get("children", []) for n in walk(c))]


def test_score_through_the_reference_and_in_every_format(runner: CliRunner, city: Path) -> None:
    u1 = str(city / "u1.yaml")
    out = invoke(runner, "score", u1, *rules_of(city), "-f", "json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    # q1 A 20 (shared) + q2 Ya 20 + q3 Ya 20 (own wins over the shared Tidak) = 60
    assert data["index"] == 60.0
    assert data["common"] == str(city / "bersama.yaml")
    assert data["shared"] == ["q1"]
    items = {i["id"]: i for n in walk(data["tree"]) for i in n.get("items", [])}
    assert items["q1"]["shared"] is True
    assert items["q1"]["evidence"] == ["SPBE"]
    assert "shared" not in items["q2"]
    # the conflict is located at u1's own q3 (line 7 of u1.yaml)
    assert f"{u1}:7:3: [warning] common_conflict" in out.stderr
    rows = list(
        csv.reader(io.StringIO(invoke(runner, "score", u1, *rules_of(city), "-f", "csv").stdout))
    )
    assert ["shared", "q1", str(city / "bersama.yaml")] == rows[-1][:3]
    table = invoke(runner, "score", u1, *rules_of(city)).stdout
    assert f"From the shared file {city / 'bersama.yaml'}: q1" in " ".join(table.split())
    markdown = invoke(runner, "score", u1, *rules_of(city), "-f", "markdown").stdout
    (line,) = [x for x in markdown.splitlines() if x.startswith("From the shared file")]
    assert line.endswith("bersama.yaml: q1")  # the path escaped for Markdown


def test_the_flag_takes_the_place_of_the_reference(runner: CliRunner, city: Path) -> None:
    other = city.parent / "lain.yaml"
    other.write_text("instansi: K\nanswers:\n  q1: B\n  q4: A\n", encoding="utf-8")
    args = ["score", str(city / "u2.yaml"), *rules_of(city), "-f", "json"]
    by_ref = json.loads(invoke(runner, *args).stdout)
    # u2 answers q2 Ya: with bersama q1 A 20, q3 Tidak 0: 40
    assert (by_ref["index"], by_ref["shared"]) == (40.0, ["q1", "q3"])
    by_flag = json.loads(invoke(runner, *args, "--common", str(other)).stdout)
    # with lain.yaml only (not both): q1 B 10 + q2 Ya 20 + q4 A 20 = 50
    assert (by_flag["index"], by_flag["shared"]) == (50.0, ["q1", "q4"])
    assert by_flag["common"] == str(other)


def test_a_bad_shared_answer_is_located_in_the_shared_file(runner: CliRunner, city: Path) -> None:
    shared = city / "bersama.yaml"
    shared.write_text(shared.read_text(encoding="utf-8").replace("q3: Tidak", "q3: Mungkin"))
    out = invoke(runner, "score", str(city / "u2.yaml"), *rules_of(city))
    assert out.exit_code == 1
    assert f"{shared}:5:7: [error]" in out.stderr  # line 5 `  q3: Mungkin`, at the value


def test_a_missing_reference_is_located_at_common(runner: CliRunner, city: Path) -> None:
    (city / "bersama.yaml").unlink()
    out = invoke(runner, "score", str(city / "u2.yaml"), *rules_of(city))
    assert out.exit_code == 1
    assert f"{city / 'u2.yaml'}:4:9: [error] common_unreadable" in out.stderr
    missing = invoke(runner, "score", str(city / "u2.yaml"), "--common", str(city / "nope.yaml"))
    assert missing.exit_code == 2  # a --common that does not exist: cannot run


def test_a_shared_file_of_another_year_is_refused(runner: CliRunner, city: Path) -> None:
    shared = city / "bersama.yaml"
    shared.write_text(shared.read_text(encoding="utf-8").replace("year: 2022", "year: 2021"))
    out = invoke(runner, "score", str(city / "u1.yaml"), *rules_of(city))
    assert out.exit_code == 1
    assert f"{shared}:2:7: [error] common_year" in out.stderr


def test_score_of_the_shared_file_itself_says_what_it_is(runner: CliRunner, city: Path) -> None:
    out = invoke(runner, "score", str(city / "bersama.yaml"))
    assert out.exit_code == 1
    assert "looks like a shared-values file" in out.stderr
    # a unit block written at the top level by mistake is a broken answer file, not one
    spilled = city / "spilled.yaml"
    spilled.write_text("rules: tiny\nyear: 2022\nname: U\ncode: '1'\ninstansi: K\n", "utf-8")
    out = invoke(runner, "score", str(spilled), *rules_of(city))
    assert out.exit_code == 1
    assert "shared-values" not in out.stderr
    assert "unit" in out.stderr


# --- batch ------------------------------------------------------------------------------------


def test_batch_sets_the_shared_file_aside_and_says_what_came_from_it(
    runner: CliRunner, city: Path
) -> None:
    # a third unit with a label the scale lacks: not scored, the others are
    (city / "u3.yaml").write_text(
        unit_text("  q2: Kadang\n", "common: bersama.yaml\n", "9.03"), encoding="utf-8"
    )
    out = invoke(runner, "batch", str(city), *rules_of(city), "-f", "json", "--detail")
    assert out.exit_code == 1
    data = json.loads(out.stdout)
    assert (data["files"], data["scored"]) == (3, 2)  # bersama.yaml is no unit
    assert [f["file"] for f in data["not_scored"]] == [str(city / "u3.yaml")]
    ranking = {r["unit"]["code"]: r for r in data["groups"][0]["ranking"]}
    assert (ranking["9.01"]["index"], ranking["9.02"]["index"]) == (60.0, 40.0)
    assert ranking["9.01"]["shared"] == ["q1"]
    assert ranking["9.02"]["shared"] == ["q1", "q3"]
    assert ranking["9.02"]["common"] == str(city / "bersama.yaml")
    taken = {i["question"] for i in ranking["9.02"]["items"] if i["shared"]}
    assert taken == {"q1", "q3"}
    detail = invoke(runner, "batch", str(city), *rules_of(city), "-f", "csv", "--detail").stdout
    rows = list(csv.DictReader(io.StringIO(detail)))
    assert {(r["unit_code"], r["question"]) for r in rows if r["shared"] == "true"} == {
        ("9.01", "q1"),
        ("9.02", "q1"),
        ("9.02", "q3"),
    }
    table = invoke(runner, "batch", str(city), *rules_of(city)).stdout
    assert "2 of 3 files scored." in table
    assert "From the shared file" in table
    assert "(2 units)" in table


def test_batch_with_the_flag_and_a_broken_shared_file(runner: CliRunner, city: Path) -> None:
    other = city.parent / "lain.yaml"
    other.write_text("instansi: K\nanswers:\n  q1: B\n", encoding="utf-8")
    out = invoke(runner, "batch", str(city), *rules_of(city), "-f", "json", "--common", str(other))
    ranking = {
        r["unit"]["code"]: r["index"] for r in json.loads(out.stdout)["groups"][0]["ranking"]
    }
    # u1: q1 B 10 + q2 20 + q3 20 = 50; u2: q1 B 10 + q2 20 = 30 (bersama.yaml not used)
    assert ranking == {"9.01": 50.0, "9.02": 30.0}
    other.write_text("instansi: K\nanswers: [q1]\n", encoding="utf-8")
    broken = invoke(runner, "batch", str(city), *rules_of(city), "--common", str(other))
    assert broken.exit_code == 2  # like a broken --rules: nothing scored as asked
    assert f"{other}:2:10: [error]" in broken.stderr
    # referenced: the units naming it fail (located in it), the others are scored
    shared = city / "bersama.yaml"
    shared.write_text("instansi: K\nanswers: [q1]\n", encoding="utf-8")
    (city / "u4.yaml").write_text(unit_text("  q1: A\n", code="9.04"), encoding="utf-8")
    out = invoke(runner, "batch", str(city), *rules_of(city), "-f", "json")
    assert out.exit_code == 1
    data = json.loads(out.stdout)
    assert [r["unit"]["code"] for r in data["groups"][0]["ranking"]] == ["9.04"]
    assert f"{shared}:2:10: [error]" in out.stderr
    assert out.stderr.count(f"{shared}:2:10") == 1  # said once for both units


class Counter:
    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0

        def counted(assessment: Any) -> Any:
            self.calls += 1
            return score(assessment)

        monkeypatch.setattr(core, "score", counted)


def test_a_changed_shared_file_is_scored_again(
    runner: CliRunner, city: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = Counter(monkeypatch)
    args = ["batch", str(city), *rules_of(city), "-f", "json", "--cache", str(tmp_path / "c")]

    def indices() -> dict[str, float]:
        out = invoke(runner, *args)
        assert out.exit_code == 0, out.stderr
        return {
            r["unit"]["code"]: r["index"] for r in json.loads(out.stdout)["groups"][0]["ranking"]
        }

    assert indices() == {"9.01": 60.0, "9.02": 40.0}
    assert counter.calls == 2
    assert indices() == {"9.01": 60.0, "9.02": 40.0}
    assert counter.calls == 2  # both from the cache
    shared = city / "bersama.yaml"
    shared.write_text(shared.read_text(encoding="utf-8").replace("{answer: A,", "{answer: C,"))
    # q1 C 0: u1 40, u2 20; the unit files did not change, their shared file did
    assert indices() == {"9.01": 40.0, "9.02": 20.0}
    assert counter.calls == 4
    flag = ["--common", str(shared)]
    invoke(runner, *args, *flag)
    assert counter.calls == 6  # entries of a --common run are their own
    invoke(runner, *args, *flag)
    assert counter.calls == 6
    shared.write_text(shared.read_text(encoding="utf-8").replace("{answer: C,", "{answer: B,"))
    out = invoke(runner, *args, *flag)
    ranking = {
        r["unit"]["code"]: r["index"] for r in json.loads(out.stdout)["groups"][0]["ranking"]
    }
    assert ranking == {"9.01": 50.0, "9.02": 30.0}
    assert counter.calls == 8


# --- validate ---------------------------------------------------------------------------------


def test_validate_checks_the_shared_file_and_its_units(runner: CliRunner, city: Path) -> None:
    shared = city / "bersama.yaml"
    out = invoke(runner, "validate", str(city), *rules_of(city), "-f", "json")
    data = json.loads(out.stdout)
    files = {Path(f["path"]).name: f for f in data["files"]}
    assert set(files) == {"bersama.yaml", "u1.yaml", "u2.yaml"}
    assert files["bersama.yaml"]["errors"] == 0
    codes = {(Path(p["path"]).name, p["code"]) for p in data["problems"]}
    assert ("u1.yaml", "common_conflict") in codes
    # q1 (A, with evidence) and q3 (Tidak, the lowest) come from the shared file: u2 is
    # missing q4 and q5 only
    missing = [p for p in data["problems"] if p["code"] == "missing_answers"]
    assert all("q4, q5" in p["message"] and "q1" not in p["message"] for p in missing)
    shared.write_text(shared.read_text(encoding="utf-8").replace("q3: Tidak", "q3: Mungkin"))
    out = invoke(runner, "validate", str(city), *rules_of(city), "-f", "json")
    assert out.exit_code == 1
    data = json.loads(out.stdout)
    bad = [p for p in data["problems"] if p["code"] == "bad_option"]
    # located in the shared file (line 5, the value), said once though three files see it
    assert [(p["path"], p["line"], p["col"]) for p in bad] == [(str(shared), 5, 7)]
    files = {Path(f["path"]).name: f["errors"] for f in data["files"]}
    # u2 takes q3 from the shared file: that error, and q4, q5 missing (validate's own);
    # u1 answers q3 itself, the shared q3 is not used: only q4, q5 missing
    assert files == {"bersama.yaml": 1, "u1.yaml": 1, "u2.yaml": 2}


def test_validate_with_the_flag(runner: CliRunner, city: Path) -> None:
    other = city.parent / "lain.yaml"
    other.write_text("instansi: K\nanswers:\n  q3: Ya\n", encoding="utf-8")
    out = invoke(runner, "validate", str(city / "u1.yaml"), *rules_of(city), "-f", "json")
    assert "common_conflict" in out.stdout  # bersama's q3 Tidak against u1's Ya
    out = invoke(
        runner,
        "validate",
        str(city / "u1.yaml"),
        *rules_of(city),
        "-f",
        "json",
        "--common",
        str(other),
    )
    assert "common_conflict" not in out.stdout  # lain.yaml's q3 Ya agrees


# --- init -------------------------------------------------------------------------------------


def test_init_prefills_the_shared_answers_marked(runner: CliRunner, city: Path) -> None:
    target = city.parent / "baru.yaml"
    args = ["init", "--unit", "Baru", "--code", "9.09", "--year", "2022", *rules_of(city)]
    out = invoke(runner, *args, "--common", str(city / "bersama.yaml"), "-o", str(target))
    assert out.exit_code == 0, out.stderr
    assert "2 answers pre-filled from the shared file" in out.stderr
    lines = target.read_text(encoding="utf-8").splitlines()
    at = lines.index('  q1: {answer: "A", evidence: ["SPBE"]}')
    assert lines[at - 1] == f"  # from the shared file {city / 'bersama.yaml'}"
    assert '  q3: "Tidak"' in lines
    assert "  q2:" in lines  # the others are left blank
    scored = json.loads(invoke(runner, "score", str(target), *rules_of(city), "-f", "json").stdout)
    assert scored["index"] == 20.0  # q1 A 20 + q3 Tidak 0: the unit's own answers now
    assert "shared" not in scored
    # a shared file of another year, or with a bad answer: nothing is written
    again = city.parent / "lagi.yaml"
    wrong = invoke(
        runner,
        *args[:6],
        "2021",
        *args[7:],
        "--common",
        str(city / "bersama.yaml"),
        "-o",
        str(again),
    )
    assert wrong.exit_code == 1
    assert "common_year" in wrong.stderr
    shared = city / "bersama.yaml"
    shared.write_text(shared.read_text(encoding="utf-8").replace("q3: Tidak", "q9: Tidak"))
    bad = invoke(runner, *args, "--common", str(shared), "-o", str(again))
    assert bad.exit_code == 1
    assert f"{shared}:5:3: [error] unknown_question" in bad.stderr
    assert not again.exists()


# --- the example city -------------------------------------------------------------------------


def test_the_example_city_takes_its_shared_values(runner: CliRunner) -> None:
    city = ROOT / "assessments" / "kota-sukamaju-2021"
    out = invoke(runner, "batch", str(city), "-f", "json")
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert (data["files"], data["scored"]) == (6, 6)
    for r in data["groups"][0]["ranking"]:
        assert r["shared"] == [
            "ha.pw.kapabilitas_apip.nilai",
            "hasil.akuntabilitas.opini_bpk.nilai",
        ]
        assert r["common"] == str(city / "bersama.yaml")


def test_explain_and_plan_take_the_flag(runner: CliRunner, city: Path, tmp_path: Path) -> None:
    """A unit file that names no shared file, with --common: explain and plan see the
    shared answers as score does."""
    lone = tmp_path / "u3.yaml"
    lone.write_text(unit_text("  q2: Ya\n", code="9.03"), encoding="utf-8")
    shared = ["--common", str(city / "bersama.yaml")]
    # q1 A 20 (shared) + q2 Ya 20 + q3 Tidak 0 (shared) = 40; without: q2 alone, 20
    without = json.loads(invoke(runner, "explain", str(lone), *rules_of(city), "-f", "json").stdout)
    out = invoke(runner, "explain", str(lone), *rules_of(city), "-f", "json", *shared)
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    assert (without["points"], data["points"]) == ("20", "40")  # exact decimals
    # B is above 50 (50.00 itself is C), each question is worth 20 (an abc answer 10 a
    # step): from the 40 with the shared answers q3 Tidak -> Ya (60) is enough; from the
    # 20 without them q3 -> Ya (40), then two abc steps (50, still C; 60)
    plan = invoke(runner, "plan", str(lone), *rules_of(city), "--target", "B", "-f", "json")
    planned = invoke(
        runner, "plan", str(lone), *rules_of(city), "--target", "B", "-f", "json", *shared
    )
    assert planned.exit_code == 0, planned.stderr
    assert len(json.loads(planned.stdout)["changes"]) == 1
    assert len(json.loads(plan.stdout)["changes"]) == 3
