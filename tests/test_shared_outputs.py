"""Outputs that survive being shared (issue 16 items 9, 10 and 13): the provisional
caveat everywhere, `score -f markdown` as a short report, one display of numbers."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from typer.testing import CliRunner

from pmprb.cli import app

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assessments"
DINKES = EXAMPLES / "kota-sukamaju-2021" / "dinkes.yaml"
BATAM = EXAMPLES / "kota-batam-2020.yaml"
ZI = EXAMPLES / "zona-integritas-2022" / "dpmptsp.yaml"
# 26/2020 leaves Hasil Antara, Reform and five result indicators without published
# weights (rules/permenpanrb-26-2020.yaml marks them provisional)
CAVEAT = "Note: this result depends on provisional weights (Hasil Antara, Reform, "


def out(runner: CliRunner, *args: str) -> str:
    done = runner.invoke(app, list(args))
    assert done.exit_code in (0, 1), done.output
    return done.stdout


def test_the_caveat_goes_wherever_a_result_is_shared(runner: CliRunner) -> None:
    assert CAVEAT in out(runner, "score", str(DINKES), "-f", "markdown")
    assert json.loads(out(runner, "score", str(DINKES), "-f", "json"))[
        "provisional_note"
    ].startswith(CAVEAT)
    rows = list(csv.reader(io.StringIO(out(runner, "score", str(DINKES), "-f", "csv"))))
    assert rows[-1][:2] == ["note", "provisional"]
    assert rows[-1][2].startswith(CAVEAT)
    # the ZI scheme has no provisional weight: no caveat, a null in JSON
    assert json.loads(out(runner, "score", str(ZI), "-f", "json"))["provisional_note"] is None
    assert "provisional" not in out(runner, "score", str(ZI), "-f", "markdown")
    # a batch: each group says its own (14/2014 and 26/2020 have one, the ZI group none)
    data = json.loads(out(runner, "batch", str(EXAMPLES), "-f", "json"))
    notes = {g["rules"]["id"]: g["provisional_note"] for g in data["groups"]}
    assert notes["zona-integritas-2022"] is None
    assert notes["permenpanrb-26-2020"].startswith(CAVEAT)
    assert notes["permenpanrb-14-2014"].startswith("Note: this result depends on provisional")
    markdown = out(runner, "batch", str(EXAMPLES), "-f", "markdown")
    # 4 groups: 14/2014 (2019) and 26/2020 (2020, 2021, 2022); each says it once
    with_caveat = [g for g in data["groups"] if g["provisional_note"]]
    assert len(with_caveat) == 4
    assert markdown.count("> Note: this result depends on provisional weights") == 4
    table = out(runner, "batch", str(EXAMPLES / "kota-sukamaju-2021"))
    assert "Note: this result depends on provisional weights" in table


def test_the_guide_says_which_weights_are_provisional(runner: CliRunner) -> None:
    text = out(runner, "guide", "--rules", "permenpanrb-26-2020")
    assert CAVEAT in text.split("## ", 1)[0]  # said up front
    zi = out(runner, "guide", "--rules", "zona-integritas-2022")
    assert "this result depends on provisional weights" not in zi


def test_markdown_is_a_short_report(runner: CliRunner) -> None:
    text = out(runner, "score", str(DINKES), "-f", "markdown")
    # the points to the next band: B starts above 60, the index is 58.69 -> 60.01 - 58.69
    assert "1.32 more points reach B (Baik)." in text
    assert "## Weakest areas" in text
    # Penataan Tata Laksana: 2.35 of 6.50 (36.2%) is the weakest area of this unit
    weakest = text.split("## Weakest areas", 1)[1].split("##", 1)[0]
    assert weakest.strip().splitlines()[0] == "- Penataan Tata Laksana 36.2% (4.15 points lost)"
    # each improvement with its question text and the answer given
    assert (
        "| `reform.pw.mekanisme_pengendalian.a` | Telah dilakukan mekanisme pengendalian"
        " aktivitas secara berjenjang | D | 1.50 |"
    ) in text
    assert "Unanswered: 7 of 188" in text
    # --top bounds the list as in the table
    short = out(runner, "score", str(DINKES), "-f", "markdown", "--top", "2")
    assert short.count("| `") == 2


def test_one_display_of_percentages(runner: CliRunner) -> None:
    data = json.loads(out(runner, "score", str(DINKES), "-f", "json"))
    answers = {}

    def walk(node: dict) -> None:  # type: ignore[type-arg]
        for item in node.get("items", []):
            answers[item["id"]] = item["answer"]
        for child in node.get("children", []):
            walk(child)

    walk(data["tree"])
    # typed `50` on a percentage scale, and 7 of 11 from counts: shown alike
    assert answers["reform.sdm.pelanggaran_disiplin.a"] == "50.00%"
    assert answers["hasil.kinerja.capaian_kinerja.nilai"] == "63.64%"
    # a number that is no percentage stays as typed
    assert answers["hasil.akuntabilitas.nilai_sakip.nilai"] == "65.64"


def test_csv_has_the_decimals_of_the_tables(runner: CliRunner) -> None:
    rows = {
        r["id"]: r
        for r in csv.DictReader(io.StringIO(out(runner, "score", str(DINKES), "-f", "csv")))
    }
    table = out(runner, "score", str(DINKES))
    assert rows["root"]["points"] == "58.69"
    assert "58.69" in table
    assert rows["pengungkit"]["points"] == "27.77"
    assert "27.77" in table
    assert rows["pengungkit"]["max"] == "60.00"
    assert "60.00" in table
    assert rows["mp.tim_rb.a"]["max"] == "0.1333"  # 0.4 / 3 questions, 4 decimals


def test_evidence_is_a_list_in_every_json(runner: CliRunner) -> None:
    data = json.loads(out(runner, "batch", str(DINKES), "-f", "json", "--detail"))
    items = data["groups"][0]["ranking"][0]["items"]
    by_id = {i["question"]: i for i in items}
    # dinkes.yaml: opini_bpk has one evidence, kepuasan_masyarakat two
    assert by_id["hasil.pelayanan.kepuasan_masyarakat.nilai"]["evidence"] == [
        "Laporan Survei Kepuasan Masyarakat Dinkes Tahun 2021",
        "https://sukamaju.example/dinkes/dokumen/laporan-skm-2021.pdf",
    ]
    assert all(isinstance(i["evidence"], list) for i in items)


def test_no_files_names_the_path(runner: CliRunner, tmp_path: Path) -> None:
    for command in ("batch", "validate"):
        done = runner.invoke(app, [command, str(tmp_path)])
        assert done.exit_code == 2
        assert done.stderr.startswith(f"{tmp_path}: "), done.stderr


def test_zi_total_is_no_index_and_batam_says_what_is_hidden(runner: CliRunner) -> None:
    zi = out(runner, "score", str(ZI))
    assert "Total score: 83.02" in zi
    assert "Index" not in zi
    assert "**Total score: 83.02**" in out(runner, "score", str(ZI), "-f", "markdown")
    assert "Index: 58.69" in out(runner, "score", str(DINKES))
    hidden = "Published component scores hide the areas and the improvements under them"
    assert hidden in out(runner, "score", str(BATAM))
    assert hidden in out(runner, "score", str(BATAM), "-f", "markdown")
    assert hidden not in out(runner, "score", str(DINKES))


def test_guide_html_headings_contents_and_print(runner: CliRunner) -> None:
    import re
    from itertools import pairwise

    from pmprb.model.load import load_rules

    for rid in ("permenpanrb-26-2020", "zona-integritas-2022"):
        page = out(runner, "guide", "--rules", rid, "-f", "html")
        levels = [int(n) for n in re.findall(r"<h([1-6])[ >]", page)]
        assert levels[0] == 1
        assert all(b <= a + 1 for a, b in pairwise(levels)), levels
        nav = page.split("<nav>", 1)[1].split("</nav>", 1)[0]
        for qid in load_rules(rid).questions:
            assert f'href="#q-{qid}"' in nav, qid
            assert f'<div class="q" id="q-{qid}">' in page, qid
        for target in re.findall(r'href="#([^"]+)"', nav):
            assert f'id="{target}"' in page, target
        assert re.search(r"@page\s*\{\s*size:\s*A4", page)
