"""Shared values (pmprb/common.py): the unit's own answer wins; a conflict is a warning."""

from __future__ import annotations

from pmprb.model.common import apply_common

COMMON = {
    "answers": {
        "q1": {"answer": "A", "evidence": ["Hasil SPBE"]},
        "q2": "Ya",
        "q3": "Tidak",
    }
}


def test_shared_answers_fill_what_the_unit_leaves_out() -> None:
    data = {"rules": "tiny", "answers": {"q2": "Ya", "q3": {"answer": "Ya", "note": "x"}}}
    got = apply_common(data, COMMON, "u.yaml", "bersama.yaml")
    assert got.shared == ("q1",)
    assert got.data["answers"]["q1"] == {"answer": "A", "evidence": ["Hasil SPBE"]}
    assert got.data["answers"]["q3"] == {"answer": "Ya", "note": "x"}  # own answer wins
    assert data["answers"] == {"q2": "Ya", "q3": {"answer": "Ya", "note": "x"}}  # not mutated
    (w,) = got.warnings  # q2 agrees; q3 conflicts
    assert (w.code, w.level, w.path) == ("common_conflict", "warning", "u.yaml")
    assert "'q3'" in w.message


def test_no_answers_section_gets_them_all() -> None:
    got = apply_common({"rules": "tiny"}, COMMON, "u.yaml", "b.yaml")
    assert got.shared == ("q1", "q2", "q3")
    assert got.warnings == ()


def test_score_common_cli(tmp_path, runner) -> None:  # type: ignore[no-untyped-def]
    import json

    from pmprb.cli import app

    from .test_compare import TINY

    (tmp_path / "tiny.yaml").write_text(TINY, encoding="utf-8")
    unit = tmp_path / "u.yaml"
    unit.write_text(
        'rules: tiny\nyear: 2022\nunit: {name: U, code: "9.01", instansi: K}\n'
        "answers:\n  q2: Ya\n  q3: Ya\n",
        encoding="utf-8",
    )
    shared = tmp_path / "bersama.yaml"
    shared.write_text("answers:\n  q1: {answer: A, evidence: [SPBE]}\n  q3: Tidak\n", "utf-8")
    args = ["score", str(unit), "--rules", str(tmp_path / "tiny.yaml"), "--common", str(shared)]
    out = runner.invoke(app, [*args, "-f", "json"])
    assert out.exit_code == 0, out.stderr
    data = json.loads(out.stdout)
    # q1 A 20 (shared) + q2 Ya 20 + q3 Ya 20 (own wins over the shared Tidak) = 60
    assert data["index"] == 60.0
    assert data["shared"] == ["q1"]
    assert "common_conflict" in out.stderr
    table = runner.invoke(app, ["--lang", "en", *args])
    assert "From the shared file" in table.stdout
    assert "q1" in table.stdout
