"""`pmprb plan` (issue 12 item 5): optimal against brute force, exact at band boundaries.

The brute force tries every combination of answers at or above each question's current
option, scores each with the engine and keeps the fewest option steps that reach the
target category; the plan must need exactly as many.
"""

from __future__ import annotations

import itertools
import json
from dataclasses import replace
from fractions import Fraction
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.analysis.engine import Result, score
from pmprb.analysis.plan import plan
from pmprb.cli import app
from pmprb.model.assessment import Assessment, Given
from pmprb.model.common import load_assessment
from pmprb.model.rules import ChoiceScale

from .conftest import DATA, write

PLAN_MINI = DATA / "plan-mini.yaml"
BOUNDARY = DATA / "plan-boundary.yaml"
QUESTIONS = ["p.a1.i1.a", "p.a1.i1.b", "p.a1.i2.a", "p.a2.i1.a", "p.a2.i1.b", "p.a2.i2.a"]


def answers_file(tmp_path: Path, rules: Path, answers: dict[str, str], name: str) -> Assessment:
    body = "".join(f"\n  {q}: {a}" for q, a in answers.items()) or " {}"
    text = f"rules: {rules.stem}\nyear: 2021\nunit: {{name: U, code: '1'}}\nanswers:{body}\n"
    path = write(tmp_path, text, name)
    return load_assessment(path, str(rules))


def brute_force(
    result: Result, target: str, allowed: set[str], max_changes: int | None
) -> int | None:
    """The fewest option steps reaching `target` by trying every combination."""
    a = result.assessment
    loaded = a.rules
    ladders: list[list[tuple[int, Given | None]]] = []
    for qid in allowed:
        scale = loaded.questions[qid].scale
        assert isinstance(scale, ChoiceScale)
        current = a.answers.get(qid)
        value = current.value if current is not None else Fraction(0)
        above = sorted({Fraction(v) for v in scale.options.values() if Fraction(v) > value})
        rungs: list[tuple[int, Given | None]] = [(0, current)]
        for steps, v in enumerate(above, 1):
            label = next(lb for lb, x in scale.options.items() if Fraction(x) == v)
            rungs.append((steps, Given(label, v)))
        ladders.append(rungs)
    order = [b.id for b in loaded.rules.bands]
    best: int | None = None
    for combo in itertools.product(*ladders):
        steps = sum(s for s, _g in combo)
        if (best is not None and steps >= best) or (
            max_changes is not None and steps > max_changes
        ):
            continue
        answers = dict(a.answers)
        for qid, (_s, given) in zip(allowed, combo, strict=True):
            if given is not None:
                answers[qid] = given
        r = score(replace(a, answers=answers))
        if r.band is not None and order.index(r.band.id) >= order.index(target):
            best = steps
    return best


SEEN: list[int | None] = []
STARTS = [
    {},
    {"p.a1.i1.a": "Tidak", "p.a1.i1.b": "C", "p.a1.i2.a": "B", "p.a2.i1.a": "D", "h.x.a": "40"},
    {"p.a1.i1.a": "Ya", "p.a1.i2.a": "C", "p.a2.i1.a": "B", "p.a2.i1.b": "Tidak", "h.x.a": "75"},
]


@pytest.mark.parametrize("start", range(len(STARTS)))
@pytest.mark.parametrize("target", ["C", "CC", "B", "BB", "A"])
def test_plan_needs_as_few_steps_as_brute_force(tmp_path: Path, start: int, target: str) -> None:
    a = answers_file(tmp_path, PLAN_MINI, STARTS[start], f"s{start}.yaml")
    result = score(a)
    band = next(b for b in a.rules.rules.bands if b.id == target)
    for allowed, max_changes in (
        (set(QUESTIONS), None),
        (set(QUESTIONS), 3),
        ({q for q in QUESTIONS if q.startswith("p.a2")}, None),  # like --only a2
    ):
        expected = brute_force(result, target, allowed, max_changes)
        SEEN.append(expected)
        made = plan(result, band, max_changes, allowed)
        if expected is None:
            assert not made.reached, (target, start, made.changes)
            continue
        assert made.reached
        assert len(made.changes) == expected, (target, start, allowed, max_changes)
        assert made.final is not None
        # the running index ends where the engine puts the changed answers
        if made.changes:
            assert made.running[-1] == made.final.index


def test_sixty_does_not_reach_b(tmp_path: Path) -> None:
    a = answers_file(tmp_path, BOUNDARY, {"a.q": "Tidak", "b.q": "Tidak", "c.q": "Tidak"}, "b.yaml")
    result = score(a)
    b = a.rules.rules.bands[1]
    # only a may change: 60.00 exactly, which is CC (a band's min belongs to the band below)
    only_a = plan(result, b, allowed={"a.q"})
    assert not only_a.reached
    assert only_a.best_gain == 60
    # a and b: 60.005 rounds half up to 60.01, which is B
    a_and_b = plan(result, b, allowed={"a.q", "b.q"})
    assert a_and_b.reached
    assert [c.question for c in a_and_b.changes] == ["a.q", "b.q"]
    assert a_and_b.final is not None
    assert str(a_and_b.final.index) == "60.01"
    assert a_and_b.running == (a_and_b.running[0], a_and_b.final.index)
    assert str(a_and_b.running[0]) == "60.00"


def test_numeric_answers_only_when_asked_and_raised_to_what_is_needed(tmp_path: Path) -> None:
    a = answers_file(tmp_path, PLAN_MINI, {"h.x.a": "40"}, "n.yaml")
    result = score(a)
    cc = next(b for b in a.rules.rules.bands if b.id == "CC")
    assert all(not c.numeric for c in plan(result, cc).changes)
    # X holds 30 points at 40 of 100: 12; CC needs 50.005, so h.x.a alone cannot do it
    only_x = plan(result, cc, allowed={"h.x.a"}, numeric=True)
    assert not only_x.reached
    c = next(b for b in a.rules.rules.bands if b.id == "C")
    # C needs 30.005: X at v x 30 >= 30.005 means v >= 1.000166..., impossible; the
    # unanswered choices are needed. With everything allowed the plan is still minimal.
    mixed = plan(result, c, numeric=True)
    assert mixed.reached
    raised = [ch for ch in mixed.changes if ch.numeric]
    for ch in raised:  # the smallest 2-decimal raise: 0.01 less would not reach
        lower = Fraction(ch.after) - Fraction(1, 100)
        assert lower >= 40


def run(runner: CliRunner, path: Path, *args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["plan", str(path), "--rules", str(PLAN_MINI), *args])
    return result.exit_code, result.stdout, result.stderr


def test_plan_cli(runner: CliRunner, tmp_path: Path) -> None:
    a_path = tmp_path / "s.yaml"
    answers_file(tmp_path, PLAN_MINI, STARTS[1], "s.yaml")
    code, out, _err = run(runner, a_path, "--target", "C", "-f", "json")
    assert code == 0
    data = json.loads(out)
    assert data["reached"] is True
    assert data["changes"][-1]["index"] == data["final_index"]
    code, out, err = run(runner, a_path, "--target", "A", "--max-changes", "1")
    assert code == 1
    assert "cannot be reached" in out
    code, out, err = run(runner, a_path, "--target", "A", "--max-changes", "1", "-f", "csv")
    assert code == 1
    assert "cannot be reached" in err
    code, out, err = run(runner, a_path, "--target", "Z")
    assert code == 2
    assert "D, C, CC, B, BB, A" in err
    code, out, err = run(runner, a_path, "--target", "B", "--only", "a3")
    assert code == 2
    assert "did you mean 'a1'" in err or "unknown id 'a3'" in err
    code, out, _err = run(runner, a_path, "--target", "C", "--fixed", "p.a1", "-f", "markdown")
    assert code == 0
    assert "p.a1." not in out
    code, out, _err = run(runner, a_path, "--target", "C", "--only", "a1", "-f", "markdown")
    assert code in (0, 1)
    assert "p.a2." not in out


def test_the_brute_force_cases_cover_reachable_and_unreachable_targets() -> None:
    # run after the parametrised cases (file order): several step counts, and both kinds
    assert None in SEEN
    assert len({s for s in SEEN if s is not None}) >= 4
