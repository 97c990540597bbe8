"""`pmprb plan` on the 2023 line semantics (issue 12 item 5): exact against brute force.

The brute force builds every combination of answer steps up to N changes (a choice one
option up at a time, a numeric answer raised to its maximum, one change), scores each with
the engine, and keeps per count the highest index and per category the fewest changes
that reach it. The plan must agree on both: the most its changes can reach for every
count, and the fewest changes for every category, on a rule set with lines rounded as
IEEE doubles, multipliers, a rescaled `sum` group with a line not counted, a koefisien
and a published line.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.analysis.engine import Result, score
from pmprb.analysis.plan import PlanRefused, plan, unsupported
from pmprb.cli import app
from pmprb.model.assessment import Given
from pmprb.model.common import load_assessment
from pmprb.model.load import load_rules_file
from pmprb.model.rules import ChoiceScale

from .conftest import DATA, ROOT, write

RULES = DATA / "plan-lines.yaml"
EXAMPLES = ROOT / "assessments"
DIY = EXAMPLES / "evaluasi-rb-2023" / "provinsi-di-yogyakarta.yaml"

STARTS: list[tuple[dict[str, str], dict[str, str]]] = [
    (  # a line not counted (the adjusted weight is 99.9) and a koefisien below 0
        {
            "g.ra.a": "C",
            "g.impl.a": "B",
            "g.x.a": "B",
            "g.y.a": "C",
            "g.y.b": "B",
            "g.c.a": "61.37",
            "g.nc.a": "{not_counted: tidak dinilai}",
            "g.koef.a": "-0.5",
            "t.ra.a": "B",
            "t.out.a": "C",
            "t.d.a": "1.25",
        },
        {},
    ),
    ({"g.c.a": "35", "t.d.a": "0.4"}, {}),  # mostly unanswered
    (  # the line others are multiplied by is published: a fixed share
        {"g.impl.a": "C", "g.impl.b": "Tidak", "g.x.a": "C", "g.y.b": "D", "g.c.a": "88.88"},
        {"g.ra": "2.2"},
    ),
    (  # well up, every question answered
        {
            "g.ra.a": "B",
            "g.impl.a": "A",
            "g.impl.b": "Tidak",
            "g.x.a": "A",
            "g.y.a": "C",
            "g.y.b": "A",
            "g.c.a": "70.5",
            "g.nc.a": "Ya",
            "g.koef.a": "1",
            "t.ra.a": "A",
            "t.out.a": "B",
            "t.d.a": "1.75",
        },
        {},
    ),
]


def start(tmp_path: Path, n: int) -> Result:
    answers, scores = STARTS[n]
    body = "".join(f"\n  {q}: {a}" for q, a in answers.items()) or " {}"
    text = f"rules: plan-lines\nyear: 2023\nunit: {{name: U, code: '1'}}\nanswers:{body}\n"
    if scores:
        text += "scores:" + "".join(f"\n  {n}: {v}" for n, v in scores.items()) + "\n"
    path = write(tmp_path, text, f"s{n}.yaml")
    return score(load_assessment(path, str(RULES)))


def ladders(result: Result, numeric: bool) -> list[tuple[str, list[Given]]]:
    """Each question that may change with the answers above its own, from the rule text:
    not the koefisien, not a line marked not counted, not under a published score."""
    a = result.assessment
    loaded = a.rules
    hidden = {i.id for n in result.root.walk() for i in n.items if not n.known or n.published}
    out: list[tuple[str, list[Given]]] = []
    for qid, ref in loaded.questions.items():
        current = a.answers.get(qid)
        if qid in hidden or ref.indicator == "g.koef" or (current and current.not_counted):
            continue
        scale = ref.scale
        value = current.value if current is not None else Fraction(0)
        if isinstance(scale, ChoiceScale):
            up = sorted((Fraction(v), k) for k, v in scale.options.items() if Fraction(v) > value)
            rungs = [Given(k, v) for v, k in up]
        elif numeric and value < scale.value(scale.max):
            top = scale.max
            rungs = [Given(str(top), scale.value(top), (), "", scale.direct, top)]
        else:
            continue
        if rungs:
            out.append((qid, rungs))
    return out


def brute_force(result: Result, most: int, numeric: bool) -> tuple[list[Fraction], dict[str, int]]:
    """Per count k <= most: the highest unrounded index with at most k changes; per
    category reached: the fewest changes."""
    a = result.assessment
    order = [b.id for b in a.rules.rules.bands]
    rows = ladders(result, numeric)
    best = [result.raw] * (most + 1)
    fewest: dict[str, int] = {}

    def visit(i: int, used: int, answers: dict[str, Given]) -> None:
        if i == len(rows):
            r = score(replace(a, answers=answers))
            for k in range(used, most + 1):
                best[k] = max(best[k], r.raw)
            if r.band is not None:
                for band in order[: order.index(r.band.id) + 1]:
                    fewest[band] = min(fewest.get(band, used), used)
            return
        qid, rungs = rows[i]
        visit(i + 1, used, answers)
        for steps, given in enumerate(rungs, 1):
            cost = 1 if given.number is not None else steps
            if used + cost <= most:
                visit(i + 1, used + cost, {**answers, qid: given})

    visit(0, 0, dict(a.answers))
    return best, fewest


@pytest.mark.parametrize("numeric", [False, True])
@pytest.mark.parametrize("n", range(len(STARTS)))
def test_plan_agrees_with_brute_force(tmp_path: Path, n: int, numeric: bool) -> None:
    result = start(tmp_path, n)
    most = 4
    best, fewest = brute_force(result, most, numeric)
    bands = result.rules.rules.bands
    top = bands[-1]
    for k in range(most + 1):
        made = plan(result, top, max_changes=k, numeric=numeric)
        if made.needed > 0:  # the most the plan says k changes reach is the true most
            assert result.raw + made.best_gain == best[k], (n, numeric, k)
    for band in bands:
        made = plan(result, band, max_changes=most, numeric=numeric)
        expected = fewest.get(band.id)
        if expected is None:
            assert not made.reached, (n, band.id)
            continue
        assert made.reached, (n, band.id)
        assert len(made.changes) == expected, (n, numeric, band.id)
        assert made.final is not None
        assert made.final.band is not None
        assert bands.index(made.final.band) >= bands.index(band)
        if made.changes:
            assert made.running[-1] == made.final.index
            # the gains shown add up to the engine's index
            assert result.raw + sum(c.gain for c in made.changes) == made.final.raw
        for ch in made.changes:
            if not ch.numeric:
                continue
            # a numeric raise is the least hundredth that reaches: one less does not
            lower = Decimal(ch.after) - Decimal("0.01")
            if ch.before and lower <= Decimal(ch.before):
                continue
            scale = result.rules.questions[ch.question].scale
            assert not isinstance(scale, ChoiceScale)
            answers = dict(made.final.assessment.answers)
            answers[ch.question] = Given(
                str(lower), scale.value(lower), (), "", scale.direct, lower
            )
            below = score(replace(made.final.assessment, answers=answers))
            assert below.band is None or bands.index(below.band) < bands.index(band)


def test_a_chain_of_multipliers_across_groups_agrees_with_brute_force(tmp_path: Path) -> None:
    # X (inside Kebijakan) multiplied by Implementasi, itself multiplied by Rencana Aksi:
    # three lines solved together at RB General, with a not-counted line in its weight
    text = RULES.read_text(encoding="utf-8").replace(
        "{id: g.x, name: X, weight: 13.3,", "{id: g.x, name: X, weight: 13.3, multiply_by: g.impl,"
    )
    assert "multiply_by: g.impl" in text
    rules = write(tmp_path, text, "plan-lines.yaml")
    answers, _scores = STARTS[0]
    body = "".join(f"\n  {q}: {a}" for q, a in answers.items())
    head = "rules: plan-lines\nyear: 2023\nunit: {name: U, code: '1'}\nanswers:"
    result = score(load_assessment(write(tmp_path, head + body + "\n", "c.yaml"), str(rules)))
    most = 4
    best, fewest = brute_force(result, most, numeric=False)
    bands = result.rules.rules.bands
    for k in range(most + 1):
        assert result.raw + plan(result, bands[-1], max_changes=k).best_gain == best[k]
    for band in bands:
        made = plan(result, band, max_changes=most)
        assert (len(made.changes) if made.reached else None) == fewest.get(band.id), band.id
    assert len(set(fewest.values())) >= 3


def test_brute_force_cases_reach_several_counts(tmp_path: Path) -> None:
    # the cases above are not trivial: counts 1 to 4 all occur, and some are unreachable
    seen: set[int | None] = set()
    for n in range(len(STARTS)):
        result = start(tmp_path, n)
        for band in result.rules.rules.bands:
            for numeric in (False, True):
                made = plan(result, band, max_changes=4, numeric=numeric)
                seen.add(len(made.changes) if made.reached else None)
    assert {1, 2, 3, 4, None} <= seen


def test_only_and_fixed_on_lines(tmp_path: Path) -> None:
    result = start(tmp_path, 0)
    b = next(x for x in result.rules.rules.bands if x.id == "B")
    # only the multiplied pair: Rencana Aksi raises Implementasi's share too
    made = plan(result, b, allowed={"g.ra.a", "g.impl.a", "g.impl.b"})
    assert not made.reached
    # at most: ra A (3.30), impl 6.70 x 1 = 6.70 -> 10.00 of general instead of 1.64
    # 49.61 + 8.36 = 57.97 / 99.9 x 100 = 58.03; + 1.55 = 59.58
    assert result.raw + made.best_gain == Fraction("59.58")
    fixed = plan(result, b, fixed=frozenset({"g.y.a"}))
    assert fixed.reached
    assert all(c.question != "g.y.a" for c in fixed.changes)


def test_the_koefisien_and_not_counted_lines_are_never_changed(tmp_path: Path) -> None:
    result = start(tmp_path, 0)
    aa = result.rules.rules.bands[-1]
    made = plan(result, aa, numeric=True)
    assert made.reached
    assert made.candidates == 10  # 12 questions less the koefisien and the line not counted
    assert not {c.question for c in made.changes} & {"g.koef.a", "g.nc.a"}


def test_band_boundary_on_the_bundled_yogyakarta_example() -> None:
    # DIY 2023: RB General 75.35 + Tematik 12.80 = 88.15. Capaian IKU non makro (weight 8)
    # is multiplied by SAKIP's share 92.1 / 100: at 57.14 it scores 4.21. At 82.31 it
    # scores 8 x 0.8231 x 0.921 = 6.0646 -> 6.06: 75.35 + 1.85 + 12.80 = 90.00, which is
    # A, not AA; at 82.32, 6.0653 -> 6.07: 90.01, AA. The plan raises it to 82.32.
    a = load_assessment(DIY, None)
    result = score(a)
    aa = a.rules.rules.bands[-1]
    made = plan(result, aa, numeric=True, allowed={"c.iku_non_makro.nilai"})
    assert made.reached
    assert [(c.question, c.before, c.after) for c in made.changes] == [
        ("c.iku_non_makro.nilai", "57.14", "82.32")
    ]
    assert made.changes[0].gain == Fraction("1.86")
    assert made.final is not None
    assert str(made.final.index) == "90.01"
    ref = a.rules.questions["c.iku_non_makro.nilai"]
    scale = ref.scale
    assert not isinstance(scale, ChoiceScale)
    under = Decimal("82.31")
    answers = {**a.answers, ref.question.id: Given("82.31", scale.value(under), number=under)}
    below = score(replace(a, answers=answers))
    assert str(below.index) == "90.00"
    assert below.band is not None
    assert below.band.id == "A"


def bundled_2023() -> list[Path]:
    return sorted((EXAMPLES / "evaluasi-rb-2023").glob("*.yaml")) + sorted(
        (EXAMPLES / "sukamaju-evaluasi-rb-2025").glob("*.yaml")
    )


def test_every_bundled_2023_example_gets_a_plan_the_engine_confirms() -> None:
    planned = 0
    for path in bundled_2023():
        a = load_assessment(path, None)
        result = score(a)
        bands = a.rules.rules.bands
        for band in bands[bands.index(result.band) + 1 :] if result.band else bands:
            made = plan(result, band, max_changes=10, numeric=True)
            if not made.reached:
                # nothing can change (published scores), or 10 changes are not enough
                assert made.candidates == 0 or made.best_gain < made.needed
                continue
            planned += 1
            assert made.final is not None
            assert made.final.band is not None
            assert bands.index(made.final.band) >= bands.index(band)
            assert made.running[-1] == made.final.index
            rescored = score(made.final.assessment)
            assert rescored.raw == made.final.raw
            # no plan with one change fewer: each single change left out misses
            if len(made.changes) <= 3:
                for i in range(len(made.changes)):
                    kept = [c for j, c in enumerate(made.changes) if j != i]
                    answers = dict(a.answers)
                    for c in kept:
                        answers[c.question] = made.final.assessment.answers[c.question]
                    r = score(replace(a, answers=answers))
                    assert r.band is None or bands.index(r.band) < bands.index(band)
    assert planned >= 8


def test_small_bundled_plans_are_minimal_against_brute_force() -> None:
    # every subset of one change fewer, each raised to its maximum, misses the target
    import itertools

    checked = 0
    for path in bundled_2023():
        a = load_assessment(path, None)
        result = score(a)
        bands = a.rules.rules.bands
        for band in bands[bands.index(result.band) + 1 :] if result.band else bands:
            made = plan(result, band, max_changes=3, numeric=True)
            if not made.reached or len(made.changes) > 2:
                continue
            checked += 1
            rows = ladders(result, numeric=True)
            for subset in itertools.combinations(rows, len(made.changes) - 1):
                answers = dict(a.answers)
                for qid, rungs in subset:
                    answers[qid] = rungs[-1]
                r = score(replace(a, answers=answers))
                assert r.band is None or bands.index(r.band) < bands.index(band), subset
    assert checked >= 4


def test_plan_cli_on_a_2023_example_in_both_languages(runner: CliRunner) -> None:
    args = ["plan", str(DIY), "--target", "AA"]
    said = runner.invoke(app, ["--lang", "en", *args])
    assert said.exit_code == 1
    assert "36 numeric answers (external indices) could rise: add --numeric" in said.stdout
    said = runner.invoke(app, ["--lang", "id", *args])
    assert said.exit_code == 1
    assert "36 jawaban numerik" in said.stdout
    assert "--numeric" in said.stdout
    for lang in ("en", "id"):
        for fmt in ("table", "json", "csv", "markdown"):
            done = runner.invoke(app, ["--lang", lang, *args, "--numeric", "-f", fmt])
            assert done.exit_code == 0, done.output
            assert "c.iku_non_makro.nilai" in done.stdout


def refused(tmp_path: Path, old: str, new: str) -> tuple[tuple[str | int, ...], str, str]:
    text = RULES.read_text(encoding="utf-8")
    assert old in text
    found = unsupported(load_rules_file(write(tmp_path, text.replace(old, new), "r.yaml")))
    assert found is not None
    return found.loc, found.code, found.message


def test_structures_the_plan_cannot_solve_exactly_are_refused_located(tmp_path: Path) -> None:
    assert unsupported(load_rules_file(RULES)) is None
    # Output in RB Tematik multiplied by a line inside the rescaled RB General
    loc, code, message = refused(tmp_path, "multiply_by: t.ra", "multiply_by: g.ra")
    assert (loc, code) == (("tree", 0, "rescale"), "plan_unsupported")
    assert "'g.ra'" in message
    assert "'general'" in message
    # the multiplied line rounds half up, the line it is multiplied by as doubles
    loc, code, message = refused(
        tmp_path, "multiply_by: g.ra\n", "multiply_by: g.ra\n        line_rounding: {decimals: 2}\n"
    )
    assert (loc, code) == (("tree", 0, "children", 1, "multiply_by"), "plan_unsupported")
    # a multiplied line whose answer can be below 0
    loc, code, message = refused(
        tmp_path, "{id: t.out.a, text: Output, scale: abcd}", "{id: t.out.a, text: O, scale: koef}"
    )
    assert (loc, code) == (("tree", 1, "children", 1, "questions"), "plan_unsupported")
    assert "'t.out.a'" in message


def test_refusals_reach_the_cli_located_in_both_languages(
    runner: CliRunner, tmp_path: Path
) -> None:
    text = RULES.read_text(encoding="utf-8").replace("multiply_by: t.ra", "multiply_by: g.ra")
    rules = write(tmp_path, text, "plan-lines.yaml")
    answers = write(
        tmp_path, "rules: plan-lines\nyear: 2023\nunit: {name: U, code: '1'}\n", "a.yaml"
    )
    args = ["plan", str(answers), "--rules", str(rules), "--target", "B"]
    en = runner.invoke(app, ["--lang", "en", *args])
    assert en.exit_code == 2
    assert en.stdout == ""
    assert "plan-lines.yaml:31:5: [error] plan_unsupported" in en.stderr
    assert "multiplied across a rescaled group" in en.stderr
    id_ = runner.invoke(app, ["--lang", "id", *args])
    assert id_.exit_code == 2
    assert "plan_unsupported" in id_.stderr
    assert "dikalikan" in id_.stderr


def test_an_unconfirmed_or_too_costly_plan_is_refused(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    result = start(tmp_path, 0)
    b = next(x for x in result.rules.rules.bands if x.id == "B")
    with pytest.raises(PlanRefused, match="could not confirm"):
        plan(replace(result, raw=result.raw - Fraction(1, 100)), b)
    import pmprb.analysis.plan

    monkeypatch.setattr(pmprb.analysis.plan, "WORK_LIMIT", 3)
    with pytest.raises(PlanRefused, match="too many combinations"):
        plan(result, b)
    path = tmp_path / "s0.yaml"
    for lang, words in (("en", "too many combinations"), ("id", "terlalu banyak kombinasi")):
        said = runner.invoke(
            app, ["--lang", lang, "plan", str(path), "--rules", str(RULES), "--target", "B"]
        )
        assert said.exit_code == 2
        assert words in said.stderr
