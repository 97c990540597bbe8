"""`pmprb rules check`, `pmprb rules diff` and `pmprb guide`."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.analysis.rulediff import Change, diff
from pmprb.base.errors import RulesError
from pmprb.base.i18n import set_language
from pmprb.cli import app
from pmprb.model.load import load_rules
from pmprb.model.rules import bundled_ids, locate_ref

from .conftest import MINI, ROOT, write

CONTOH = ROOT / "rules" / "overlays" / "contoh-reform-resmi.yaml"


@pytest.mark.parametrize("rid", bundled_ids())
def test_every_bundled_rule_set_passes_rules_check(runner: CliRunner, rid: str) -> None:
    out = runner.invoke(app, ["rules", "check", rid])
    assert out.exit_code == 0, out.output
    assert f"valid: {rid}" in out.stdout
    assert "[error]" not in out.stderr


def test_weight_warnings(runner: CliRunner, tmp_path: Path) -> None:
    # ZI and 14/2014 print weights that add up exactly; 26/2020's SDM prints 4.99 for 5,
    # within 1%, but its provisional Reform uses ZI sub-component weights as shares
    assert runner.invoke(app, ["rules", "check", "zona-integritas-2022"]).stderr == ""
    assert runner.invoke(app, ["rules", "check", "permenpanrb-14-2014"]).stderr == ""
    bundled = runner.invoke(app, ["rules", "check", "permenpanrb-26-2020"]).stderr
    assert "'sdm'" not in bundled
    assert "[warning] weight_sum: the weights under 'reform.mp' add up to 4, not 3" in bundled
    # an overlay's warning points at the weight it changed, in its own file
    overlay = write(
        tmp_path,
        f"extends: {MINI}\nid: o\nversion: '1'\nnodes:\n  p.a1.i6: {{weight: 2.2}}\n",
        "o.yaml",
    )
    out = runner.invoke(app, ["rules", "check", str(overlay)])
    assert out.exit_code == 0
    assert f"{overlay}:5:21: [warning] weight_sum: the weights under 'p.a1' add up to 5.19" in (
        out.stderr
    )
    # a warning about the base itself stays in the base file
    assert f"{MINI}:58:17: [warning] weight_sum: the weights under 'p.a2'" in out.stderr
    assert "2 warnings" in out.stdout


def test_rules_check_exit_codes(runner: CliRunner, tmp_path: Path) -> None:
    broken = write(
        tmp_path,
        f"extends: {MINI}\nid: o\nversion: '1'\n"
        "nodes:\n  p.a9: {weight: 2}\n  h: {weight: 0}\n",
        "broken.yaml",
    )
    out = runner.invoke(app, ["rules", "check", str(broken)])
    assert out.exit_code == 1
    assert out.stdout == ""
    lines = out.stderr.strip().splitlines()
    assert [re.sub(r": \[.*", "", line) for line in lines] == [f"{broken}:5:3", f"{broken}:6:15"]
    missing = runner.invoke(app, ["rules", "check", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2
    bad_rules = write(tmp_path, "id: x\ntitle: X\n", "bad.yaml")
    assert runner.invoke(app, ["rules", "check", str(bad_rules)]).exit_code == 1


def test_diff_finds_reweighted_and_rescaled_nodes() -> None:
    changes = diff(load_rules("permenpanrb-26-2020"), load_rules(str(CONTOH)))
    by = {(c.kind, c.change, c.id): c for c in changes}
    assert by[("node", "reweighted", "reform.mp")] == Change(
        "node", "reweighted", "reform.mp", "3 (max 3)", "4 (max 4)"
    )
    assert by[("node", "rescaled", "reform.tl.peta_proses_bisnis")].after == "max 0.5"
    assert ("node", "provenance", "reform.mp") in by
    assert not [c for c in changes if c.kind in ("question", "band", "scale")]


def test_diff_between_schemes() -> None:
    changes = diff(load_rules("permenpanrb-14-2014"), load_rules("permenpanrb-26-2020"))
    kinds = {(c.kind, c.change) for c in changes}
    assert ("node", "added") in kinds  # Hasil Antara, Reform ...
    assert ("node", "removed") in kinds  # 14/2014's Hasil items
    assert ("node", "moved") in kinds  # the eight areas move under Pemenuhan
    reweighted = {c.id: c for c in changes if c.change == "reweighted"}
    assert reweighted["mp"].before == "5 (max 5)"
    assert reweighted["mp"].after == "2 (max 2)"
    zi = diff(load_rules("zona-integritas-2022"), load_rules("zona-integritas-2022"))
    assert zi == []


def test_diff_of_predicates_and_bands(tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        "extends: zona-integritas-2022\nid: zi-x\nversion: '1'\n"
        "predicates:\n  WBK:\n    conditions:\n      ipkp: {min_points: 15}\n"
        "      total: {remove: true}\n",
        "zi.yaml",
    )
    changes = diff(load_rules("zona-integritas-2022"), load_rules(str(overlay)))
    assert Change("condition", "changed", "WBK.ipkp", "hasil.pelayanan.ipkp >= 14.00",
                  "hasil.pelayanan.ipkp >= 15") in changes  # fmt: skip
    assert Change("condition", "removed", "WBK.total", "root >= 75", None) in changes
    bands = diff(load_rules(str(MINI)), load_rules("permenpanrb-26-2020"))
    assert not [c for c in bands if c.kind == "band"]  # the same seven bands


def test_rules_diff_cli(runner: CliRunner) -> None:
    table = runner.invoke(app, ["rules", "diff", "permenpanrb-26-2020", str(CONTOH)])
    assert table.exit_code == 0, table.output
    assert "reweighted" in table.stdout
    assert "reform.mp" in table.stdout
    same = runner.invoke(app, ["rules", "diff", "zona-integritas-2022", "zona-integritas-2022"])
    assert "No differences." in same.stdout
    out = runner.invoke(app, ["rules", "diff", "permenpanrb-26-2020", str(CONTOH), "-f", "json"])
    data = json.loads(out.stdout)
    assert data["a"]["id"] == "permenpanrb-26-2020"
    assert data["b"]["base"]["sha256"] == data["a"]["sha256"]
    assert {"kind": "node", "change": "reweighted", "id": "reform.mp", "before": "3 (max 3)",
            "after": "4 (max 4)"} in data["changes"]  # fmt: skip
    assert runner.invoke(app, ["rules", "diff", "nope-rules", str(CONTOH)]).exit_code == 2
    assert runner.invoke(app, ["rules", "diff", str(MINI), str(MINI), "-f", "xml"]).exit_code == 2


@pytest.mark.parametrize("rid", bundled_ids())
def test_guide_prints_every_question_with_its_answers(runner: CliRunner, rid: str) -> None:
    loaded = load_rules(rid)
    out = runner.invoke(app, ["guide", "--rules", rid])
    assert out.exit_code == 0, out.output
    for qid, ref in loaded.questions.items():
        assert f"**`{qid}`**" in out.stdout
        for meaning in ref.question.options.values():
            assert meaning.replace("*", "\\*").replace("_", "\\_")[:40] in out.stdout
    for node_id in loaded.nodes:
        assert f"({node_id.replace('_', chr(92) + '_')})" in out.stdout


def test_guide_html_escapes_rule_text_and_stands_alone(runner: CliRunner, tmp_path: Path) -> None:
    rules = write(
        tmp_path,
        "id: evil\ntitle: '<script>alert(1)</script> & co'\nversion: '1'\ntotal: 10\n"
        "scales: {yt: {kind: choice, name: 'Ya<b>', options: {Ya: 1, Tidak: 0}}}\n"
        "bands: [{id: X, min: 0, max: 10, name: '\"X\"'}]\n"
        "tree:\n  - id: a\n    name: '<img src=x onerror=alert(1)>'\n    weight: 1\n"
        "    questions:\n      - {id: a.q, text: 'Q & <i>A</i>', scale: yt,"
        " options: {Ya: '<a href=\"javascript:x\">ya</a>'}}\n",
        "evil.yaml",
    )
    target = tmp_path / "guide.html"
    out = runner.invoke(app, ["guide", "--rules", str(rules), "-f", "html", "-o", str(target)])
    assert out.exit_code == 0, out.output
    assert out.stdout == ""
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert page.rstrip().endswith("</html>")
    for raw in ("<script>", "<img", "<i>", '<a href="javascript', "Ya<b>"):
        assert raw not in page
    # the only links are the table of contents' own, inside the page
    assert all(href.startswith("#") for href in re.findall(r'<a [^>]*href="([^"]*)"', page))
    assert "Ya&lt;b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in page
    assert "&lt;a href=&quot;javascript:x&quot;&gt;ya&lt;/a&gt;" in page
    # standalone: no external style sheets, scripts or images
    assert not re.search(r"<(link|script|img)\b", page)
    # never over the rule set itself
    again = runner.invoke(app, ["guide", "--rules", str(rules), "-f", "html", "-o", str(rules)])
    assert again.exit_code == 2
    assert rules.read_text(encoding="utf-8").startswith("id: evil")


def test_guide_markdown_escapes_and_bad_format(runner: CliRunner) -> None:
    out = runner.invoke(app, ["guide", "--rules", str(MINI)])
    assert "| ya\\_tidak |" not in out.stdout  # mini's scales are yt, abc ...
    assert "- **`p.a1.i6.a`** Q" in out.stdout
    assert "**A** (1): semua" in out.stdout
    assert runner.invoke(app, ["guide", "-f", "pdf"]).exit_code == 2


def test_every_rules_command_finds_a_rule_set_the_same_way(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # an unknown id: the same problem (with the bundled ids) from check and show, exit 2
    check = runner.invoke(app, ["rules", "check", "permenpanrb-26-2021"])
    show = runner.invoke(app, ["rules", "show", "permenpanrb-26-2021"])
    assert (check.exit_code, show.exit_code) == (2, 2)
    assert check.stderr == show.stderr
    assert "unknown_rules" in check.stderr
    assert "did you mean 'permenpanrb-26-2020'" in check.stderr
    # a directory named like a bundled id does not hide the bundled rule set
    monkeypatch.chdir(tmp_path)
    (tmp_path / "permenpanrb-26-2020").mkdir()
    check = runner.invoke(app, ["rules", "check", "permenpanrb-26-2020"])
    assert check.exit_code == 0, check.output
    assert "valid: permenpanrb-26-2020" in check.stdout
    assert runner.invoke(app, ["rules", "show", "permenpanrb-26-2020"]).exit_code == 0
    # a directory that is no bundled id is named as such by both
    (tmp_path / "folder").mkdir()
    for command in ("check", "show"):
        out = runner.invoke(app, ["rules", command, "folder"])
        assert out.exit_code == 2
        assert "folder: [error] unreadable: is a directory" in out.stderr


def test_locate_ref_paths_and_bundled_ids(tmp_path: Path) -> None:
    bundled, shown = locate_ref("zona-integritas-2022")
    assert bundled.is_file()
    assert shown == "zona-integritas-2022 (zona-integritas-2022.yaml)"
    # files under rules/overlays are not bundled ids, whatever the folder layout
    path, shown = locate_ref("overlays/contoh-reform-resmi")
    assert (path, shown) == (Path("overlays/contoh-reform-resmi"), "overlays/contoh-reform-resmi")
    # relative to an overlay's folder, shown normalised
    path, shown = locate_ref("../base.yaml", tmp_path / "sub")
    assert path == tmp_path / "sub" / "../base.yaml"
    assert shown == str(tmp_path / "base.yaml")
    with pytest.raises(RulesError) as info:
        locate_ref("nosuch")
    [problem] = info.value.problems
    assert problem.code == "unknown_rules"
    assert ", ".join(bundled_ids()) in problem.message


def test_diff_reports_what_changes_validate_and_score_output(tmp_path: Path) -> None:
    mini = MINI.read_text(encoding="utf-8")
    question = "{id: p.a1.i1.a, text: Q, scale: yt}"
    assert question in mini
    changed = mini.replace("provenance: {status: verified, source: tests}", "").replace(
        question,
        "{id: p.a1.i1.a, text: Q, scale: yt, detail: Full Q, evidence_required: true,"
        " provenance: {status: inferred, source: a guess}}",
    )
    path = write(tmp_path, changed + "evidence_required: true\n", "evidence.yaml")
    changes = diff(load_rules(str(MINI)), load_rules(str(path)))
    assert changes == [
        Change("rules", "changed", "evidence_required", "false", "true"),
        Change("rules", "changed", "provenance", "verified: tests", None),
        Change("question", "detail", "p.a1.i1.a", "", "Full Q"),
        Change("question", "provenance", "p.a1.i1.a", None, "inferred: a guess"),
        Change("question", "evidence", "p.a1.i1.a", None, "true"),
    ]
    overlay = write(
        tmp_path,
        "extends: zona-integritas-2022\nid: zi-x\nversion: '1'\npredicates:\n  WBK:\n"
        "    conditions:\n      ipkp: {name: IPKP, provenance: {status: provisional}}\n",
        "zi.yaml",
    )
    by = {(c.kind, c.change, c.id): c for c in diff(load_rules("zona-integritas-2022"),
                                                    load_rules(str(overlay)))}  # fmt: skip
    assert by[("condition", "provenance", "WBK.ipkp")].after == "provisional: "
    assert by[("condition", "renamed", "WBK.ipkp")].after == "IPKP"


def test_diff_of_files_that_differ_only_where_nothing_is_compared(
    runner: CliRunner, tmp_path: Path
) -> None:
    copy = write(tmp_path, MINI.read_text(encoding="utf-8") + "# a comment\n", "copy.yaml")
    assert diff(load_rules(str(MINI)), load_rules(str(copy))) == []
    out = runner.invoke(app, ["rules", "diff", str(MINI), str(copy)])
    assert out.exit_code == 0
    assert "No differences." not in out.stdout
    assert "the files are not the same" in out.stdout
    assert load_rules(str(copy)).sha256[:12] in out.stdout
    same = runner.invoke(app, ["rules", "diff", str(MINI), str(MINI)])
    assert "No differences." in same.stdout


def test_diff_conditions_speak_the_language(tmp_path: Path) -> None:
    overlay = write(
        tmp_path,
        "extends: zona-integritas-2022\nid: zi-x\nversion: '1'\npredicates:\n  WBK:\n"
        "    conditions:\n      area: {min_share: 0.7}\n",
        "zi.yaml",
    )
    before, after = load_rules("zona-integritas-2022"), load_rules(str(overlay))
    set_language("id")
    try:
        changes = diff(before, after)
    finally:
        set_language("en")
    [area] = [c for c in changes if c.id == "WBK.area"]
    assert (area.before, area.after) == ("setiap area >= 60%", "setiap area >= 70%")
