"""Zona Integritas 2022: structure, count-based answers, WBK/WBBM predicates at their edges."""

from __future__ import annotations

import json
from fractions import Fraction as F
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.analysis.engine import ConditionResult, Result, next_predicate, score
from pmprb.base.errors import ProblemsError
from pmprb.cli import app
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules

from .conftest import ROOT, write

ZI = "zona-integritas-2022"
EXAMPLE = ROOT / "assessments" / "zona-integritas-2022" / "dpmptsp.yaml"
HEAD = f"rules: {ZI}\nyear: 2023\nunit: {{name: Unit Uji, code: '9.99'}}\n"


def run(tmp_path: Path, body: str) -> Result:
    return score(load_assessment(write(tmp_path, HEAD + body)))


def condition(result: Result, pred: str, cond: str, target: str | None = None) -> ConditionResult:
    p = next(p for p in result.predicates if p.id == pred)
    return next(c for c in p.conditions if c.id == cond and target in (None, c.target))


def test_structure_and_weights_are_exact() -> None:
    loaded = load_rules(ZI)
    m = loaded.maxima
    assert len(loaded.questions) == 113
    assert [m["pengungkit"], m["pemenuhan"], m["reform"], m["hasil"]] == [60, 30, 30, 40]
    weights = {"mp": F(4), "tl": F("3.5"), "sdm": F(5), "ak": F(5), "pw": F("7.5"), "pp": F(5)}
    for area, weight in weights.items():
        assert m[area] == weight
        assert m[f"reform.{area}"] == weight
    # each area sums Pemenuhan + Reform: 8 / 7 / 10 / 10 / 15 / 10
    tagged: dict[str, F] = {}
    for node_id, node in loaded.nodes.items():
        if node.area is not None:
            tagged[node.area] = tagged.get(node.area, F(0)) + m[node_id]
    assert tagged == {a: 2 * w for a, w in weights.items()}
    assert m["hasil.bersih.ipak"] == F("17.5")
    assert m["hasil.bersih.capaian_kinerja"] == 5
    assert m["hasil.pelayanan.ipkp"] == F("17.5")
    assert not loaded.rules.bands
    assert [p.id for p in loaded.rules.predicates] == ["WBBM", "WBK"]
    # every choice question carries its answer descriptors
    for qid, ref in loaded.questions.items():
        if ref.question.scale in ("abc", "abcd", "abcde"):
            assert set(ref.question.options) == set(ref.scale.options), qid  # type: ignore[union-attr]


def test_ipak_and_ipkp_score_index_over_four(tmp_path: Path) -> None:
    result = run(
        tmp_path, "answers:\n  hasil.bersih.ipak.nilai: 3.6\n  hasil.pelayanan.ipkp.nilai: 3.2\n"
    )
    nodes = {n.id: n for n in result.root.walk()}
    assert nodes["hasil.bersih.ipak"].points == F("15.75")  # 3.6 / 4 x 17.5
    assert nodes["hasil.pelayanan.ipkp"].points == F("14.00")  # 3.2 / 4 x 17.5


# --- count-based answers ---------------------------------------------------------------

DISIPLIN = "reform.sdm.pelanggaran_disiplin.a"
AGEN = "reform.mp.komitmen_perubahan.a"


def value(tmp_path: Path, qid: str, answer: str) -> F:
    a = load_assessment(write(tmp_path, HEAD + f"answers:\n  {qid}: {answer}\n"))
    return a.answers[qid].value


@pytest.mark.parametrize(
    ("last", "now", "expected"),
    [
        (4, 1, F(3, 4)),  # (4 - 1) / 4
        (4, 4, F(0)),
        (2, 5, F(0)),  # more violations: floored at 0
        (0, 0, F(1)),  # none in either year: if_zero (RB2171)
        (0, 3, F(0)),  # none before, some now: no reduction (RB2171), not a 0/0
    ],
)
def test_reduction_follows_the_source(tmp_path: Path, last: int, now: int, expected: F) -> None:
    answer = f"{{counts: {{tahun_lalu: {last}, tahun_ini: {now}}}}}"
    assert value(tmp_path, DISIPLIN, answer) == expected


def test_ratio_is_capped_and_a_percentage_works_too(tmp_path: Path) -> None:
    assert value(tmp_path, AGEN, "{counts: {perubahan: 9, agen: 12}}") == F(3, 4)
    assert value(tmp_path, AGEN, "{counts: {perubahan: 15, agen: 12}}") == 1
    assert value(tmp_path, AGEN, "80") == F(4, 5)


def test_zero_denominator_without_a_rule_is_a_located_problem(tmp_path: Path) -> None:
    path = write(tmp_path, HEAD + f"answers:\n  {AGEN}: {{counts: {{perubahan: 3, agen: 0}}}}\n")
    with pytest.raises(ProblemsError) as info:
        load_assessment(path)
    [p] = info.value.problems
    assert (p.line, p.col, p.code) == (5, 44, "zero_count")  # at the counts
    assert "'agen' is 0" in p.message


def test_reduction_from_zero_to_zero_without_if_zero_is_a_problem(tmp_path: Path) -> None:
    rules = write(
        tmp_path,
        "id: red\ntitle: R\nversion: '1'\ntotal: 10\n"
        "scales: {persen: {kind: number, name: P, min: 0, max: 100}}\n"
        "bands: [{id: X, min: 0, max: 10, name: X}]\n"
        "tree:\n  - id: a\n    name: A\n    weight: 1\n    questions:\n"
        "      - id: a.q\n        text: Q\n        scale: persen\n"
        "        counts: {formula: reduction, inputs: {lalu: L, kini: K}}\n",
        "red.yaml",
    )
    head = "rules: red\nyear: 2023\nunit: {name: U, code: '1'}\nanswers:\n"
    both = write(tmp_path, head + "  a.q: {counts: {lalu: 0, kini: 0}}\n", "both.yaml")
    with pytest.raises(ProblemsError) as info:
        load_assessment(both, str(rules))
    assert [p.code for p in info.value.problems] == ["zero_count"]
    rise = write(tmp_path, head + "  a.q: {counts: {lalu: 0, kini: 2}}\n", "rise.yaml")
    assert load_assessment(rise, str(rules)).answers["a.q"].value == 0


# --- predicates at their thresholds --------------------------------------------------------

# (predicate, condition, target, file body at the threshold, body just below it)
EDGES = [
    ("WBK", "total", "root", "scores: {pengungkit: 45, hasil: 30}\n",
     "scores: {pengungkit: 45, hasil: 29.99}\n"),
    ("WBBM", "total", "root", "scores: {pengungkit: 50, hasil: 35}\n",
     "scores: {pengungkit: 50, hasil: 34.99}\n"),
    ("WBK", "pengungkit", "pengungkit", "scores: {pengungkit: 40}\n",
     "scores: {pengungkit: 39.99}\n"),
    ("WBBM", "pengungkit", "pengungkit", "scores: {pengungkit: 48}\n",
     "scores: {pengungkit: 47.99}\n"),
    # area shares: Pemenuhan + Reform of Manajemen Perubahan, out of 8
    ("WBK", "area", "mp", "scores: {mp: 2.4, reform.mp: 2.4}\n",
     "scores: {mp: 2.4, reform.mp: 2.39}\n"),
    ("WBBM", "area", "mp", "scores: {mp: 3, reform.mp: 3}\n",
     "scores: {mp: 3, reform.mp: 2.99}\n"),
    ("WBK", "bersih_akuntabel", "hasil.bersih", "scores: {hasil.bersih: 18.25}\n",
     "scores: {hasil.bersih: 18.24}\n"),
    ("WBBM", "bersih_akuntabel", "hasil.bersih", "scores: {hasil.bersih: 19.5}\n",
     "scores: {hasil.bersih: 19.49}\n"),
    ("WBK", "ipak", "hasil.bersih.ipak", "answers: {hasil.bersih.ipak.nilai: 3.6}\n",
     "answers: {hasil.bersih.ipak.nilai: 3.59}\n"),
    ("WBBM", "ipak", "hasil.bersih.ipak", "answers: {hasil.bersih.ipak.nilai: 3.6}\n",
     "answers: {hasil.bersih.ipak.nilai: 3.59}\n"),
    ("WBK", "capaian_kinerja", "hasil.bersih.capaian_kinerja",
     "answers: {hasil.bersih.capaian_kinerja.nilai: C}\n",
     "answers: {hasil.bersih.capaian_kinerja.nilai: D}\n"),
    ("WBBM", "capaian_kinerja", "hasil.bersih.capaian_kinerja",
     "answers: {hasil.bersih.capaian_kinerja.nilai: B}\n",
     "answers: {hasil.bersih.capaian_kinerja.nilai: C}\n"),
    ("WBK", "ipkp", "hasil.pelayanan.ipkp", "answers: {hasil.pelayanan.ipkp.nilai: 3.2}\n",
     "answers: {hasil.pelayanan.ipkp.nilai: 3.19}\n"),
    ("WBBM", "ipkp", "hasil.pelayanan.ipkp", "answers: {hasil.pelayanan.ipkp.nilai: 3.6}\n",
     "answers: {hasil.pelayanan.ipkp.nilai: 3.59}\n"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("pred", "cond", "target", "at", "below"), EDGES, ids=[f"{e[0]}-{e[1]}" for e in EDGES]
)
def test_every_condition_passes_at_its_threshold_and_fails_just_below(
    tmp_path: Path, pred: str, cond: str, target: str, at: str, below: str
) -> None:
    passing = condition(run(tmp_path, at), pred, cond, target)
    assert passing.met
    assert passing.value == passing.threshold
    assert passing.gap == 0
    failing = condition(run(tmp_path, below), pred, cond, target)
    assert not failing.met
    assert failing.gap > 0
    assert failing.value + failing.gap == failing.threshold


def test_conditions_are_decided_on_the_published_two_decimals(tmp_path: Path) -> None:
    # 39.995 is published as 40.00, like the index: it meets the WBK minimum of 40
    rounded_up = condition(run(tmp_path, "scores: {pengungkit: 39.995}\n"), "WBK", "pengungkit")
    assert rounded_up.met
    assert rounded_up.exact == F("39.995")
    rounded_down = condition(run(tmp_path, "scores: {pengungkit: 39.994}\n"), "WBK", "pengungkit")
    assert not rounded_down.met
    assert rounded_down.gap == F("0.01")


def test_a_unit_meeting_every_condition_is_wbbm(tmp_path: Path) -> None:
    body = (
        "scores: {mp: 3.5, reform.mp: 3.5, tl: 3, reform.tl: 3, sdm: 4, reform.sdm: 4,"
        " ak: 4, reform.ak: 4, pw: 6, reform.pw: 6, pp: 4, reform.pp: 4}\n"
        "answers: {hasil.bersih.ipak.nilai: 3.8, hasil.bersih.capaian_kinerja.nilai: A,"
        " hasil.pelayanan.ipkp.nilai: 3.7}\n"
    )
    result = run(tmp_path, body)
    assert result.reached is not None
    assert result.reached.id == "WBBM"
    assert next_predicate(result) is result.reached


# --- the example and the renderers ---------------------------------------------------------


def test_example_reaches_wbk_and_lists_the_failing_wbbm_conditions(runner: CliRunner) -> None:
    result = score(load_assessment(EXAMPLE))
    assert result.assessment.unit.instansi.endswith("(fiktif)")
    assert result.reached is not None
    assert result.reached.id == "WBK"
    upcoming = next_predicate(result)
    assert upcoming is not None
    assert upcoming.id == "WBBM"
    failing = {(c.id, c.target) for c in upcoming.conditions if not c.met}
    assert failing == {("total", "root"), ("area", "sdm"), ("ipkp", "hasil.pelayanan.ipkp")}
    # some answers are given as counts
    shown = {q: g.display for q, g in result.assessment.answers.items()}
    assert shown[AGEN] == "75.00%"

    table = runner.invoke(app, ["score", str(EXAMPLE)])
    assert table.exit_code == 0, table.output
    assert "Predicate: WBK (Wilayah Bebas dari Korupsi)" in table.stdout
    assert "Conditions for WBBM" in table.stdout
    assert "3 conditions of WBBM are not met." in table.stdout
    assert "4.68%" in table.stdout  # Penataan SDM: 70.32% of 75.00%

    data = json.loads(runner.invoke(app, ["score", str(EXAMPLE), "-f", "json"]).stdout)
    assert (data["category"], data["predicate"]) == ("WBK", "Wilayah Bebas dari Korupsi")
    assert data["reached"] == {"id": "WBK", "name": "Wilayah Bebas dari Korupsi"}
    assert data["next_category"] is None
    assert data["next_predicate"]["id"] == "WBBM"
    assert {(c["id"], c["target"]) for c in data["next_predicate"]["unmet"]} == failing
    wbbm = data["predicates"][0]
    ipkp = next(c for c in wbbm["conditions"] if c["id"] == "ipkp")
    assert (ipkp["value"], ipkp["threshold"], ipkp["gap"], ipkp["met"]) == (
        14.92,
        15.75,
        0.83,
        False,
    )

    markdown = runner.invoke(app, ["score", str(EXAMPLE), "-f", "markdown"]).stdout
    assert "**Predicate:** WBK (Wilayah Bebas dari Korupsi)" in markdown
    assert "| Nilai IPKP | 14.92 | 15.75 | 0.83 | ✗ |" in markdown


def test_no_predicate_reached_renders_everywhere(tmp_path: Path, runner: CliRunner) -> None:
    path = write(tmp_path, HEAD)
    table = runner.invoke(app, ["score", str(path)])
    assert table.exit_code == 0, table.output
    assert "Predicate: none reached" in table.stdout
    assert "Conditions for WBK" in table.stdout
    data = json.loads(runner.invoke(app, ["score", str(path), "-f", "json"]).stdout)
    assert (data["category"], data["predicate"], data["reached"]) == (None, None, None)
    assert data["next_predicate"]["id"] == "WBK"
    assert "none reached" in runner.invoke(app, ["score", str(path), "-f", "markdown"]).stdout
    csv = runner.invoke(app, ["score", str(path), "-f", "csv"])
    assert csv.exit_code == 0
    assert "hasil.pelayanan.ipkp.nilai" in csv.stdout


def test_init_writes_the_counts_of_percentage_questions(tmp_path: Path, runner: CliRunner) -> None:
    target = tmp_path / "zi.yaml"
    args = [
        "init",
        "--unit",
        "U",
        "--code",
        "1",
        "--year",
        "2023",
        "--rules",
        ZI,
        "-o",
        str(target),
    ]
    assert runner.invoke(app, args).exit_code == 0
    text = target.read_text(encoding="utf-8")
    assert "#   or the counts: {counts: {tahun_lalu: N, tahun_ini: N}}" in text
    assert "#   A: Jika dengan prosedur/mekanisme yang jelas" in text
    assert score(load_assessment(target)).unanswered == 113


def test_conditions_hidden_by_a_published_score_are_unknown(
    tmp_path: Path, runner: CliRunner
) -> None:
    # a published Pengungkit hides the areas under it: the area shares cannot be checked
    body = (
        "scores: {pengungkit: 50}\n"
        "answers: {hasil.bersih.ipak.nilai: 4, hasil.bersih.capaian_kinerja.nilai: A,"
        " hasil.pelayanan.ipkp.nilai: 4}\n"
    )
    result = run(tmp_path, body)
    wbk = next(p for p in result.predicates if p.id == "WBK")
    areas = [c for c in wbk.conditions if c.id == "area"]
    assert len(areas) == 6
    assert all(not c.known and not c.met for c in areas)
    assert all(c.met for c in wbk.conditions if c.id != "area")  # total 90, ...
    assert result.reached is None
    path = write(tmp_path, HEAD + body, "hidden.yaml")
    data = json.loads(runner.invoke(app, ["score", str(path), "-f", "json"]).stdout)
    hidden = [c for c in data["predicates"][1]["conditions"] if c["id"] == "area"]
    assert {(c["value"], c["gap"], c["met"]) for c in hidden} == {(None, None, False)}
    markdown = runner.invoke(app, ["score", str(path), "-f", "markdown"]).stdout
    assert "| Area (% bobot): Manajemen Perubahan | ? | 60.00% | ? | ? |" in markdown
