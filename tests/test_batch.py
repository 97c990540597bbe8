"""`pmprb batch`: the rekap, bad and duplicated files, mixed groups, exports, jobs, cache."""

from __future__ import annotations

import csv
import gc
import io
import json
import math
import os
import shutil
from collections.abc import Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

import pmprb.analysis.batch as core
from pmprb.analysis.engine import score
from pmprb.cli import app
from pmprb.inputs.cache import EntryStore
from pmprb.model.common import Memo, load_assessment
from pmprb.model.load import load_rules
from pmprb.report import BatchFormat

from .conftest import MINI, MINI_ANSWERS, ROOT, example_text, write

CITY = ROOT / "assessments" / "kota-sukamaju-2021"
UNITS = sorted(p for p in CITY.glob("*.yaml") if p.name != "bersama.yaml")  # its answer files
EXAMPLES = ROOT / "assessments"


def city(tmp_path: Path) -> Path:
    """A copy of the example city to break in tests."""
    folder = tmp_path / "city"
    shutil.copytree(CITY, folder)
    return folder


def run(runner: CliRunner, *args: str) -> Any:
    return runner.invoke(app, ["batch", *args])


def as_json(runner: CliRunner, *args: str) -> dict[str, Any]:
    result = run(runner, *args, "--format", "json")
    assert result.exit_code in (0, 1), result.output
    data: dict[str, Any] = json.loads(result.stdout)
    return data


def test_example_city_rekap(runner: CliRunner) -> None:
    result = run(runner, str(CITY))
    assert result.exit_code == 0, result.output
    out = result.stdout
    for heading in ("Ranking", "Distribution", "Profile: components", "Profile: areas"):
        assert heading in out
    assert "City-wide weak areas" in out
    assert "6 of 6 files scored." in out
    assert result.stderr == ""  # not a terminal: no progress bar, and no problem to list
    # the ranking holds each unit's own `pmprb score` index, best first
    data = as_json(runner, str(CITY))
    (group,) = data["groups"]
    expected = {}
    for path in UNITS:
        res = score(load_assessment(path))
        expected[res.assessment.unit.code] = float(res.index)
    ranking = group["ranking"]
    assert {r["unit"]["code"]: r["index"] for r in ranking} == expected
    indices = [r["index"] for r in ranking]
    assert indices == sorted(indices, reverse=True)
    assert [r["rank"] for r in ranking] == list(range(1, 7))
    assert sum(d["units"] for d in group["distribution"]) == 6


def test_profile_and_weak_areas_are_exact_means(runner: CliRunner) -> None:
    results = [score(load_assessment(p)) for p in UNITS]
    (group,) = as_json(runner, str(CITY))["groups"]
    shares = {a.id: [] for a in results[0].areas}  # type: dict[str, list[Fraction]]
    for res in results:
        for ar in res.areas:
            shares[ar.id].append(ar.share)
    means = {aid: sum(v, Fraction(0)) / len(v) for aid, v in shares.items()}

    def half_up(value: Fraction) -> float:
        # 4 decimals, half up, worked out with integers (Python's round() is half even)
        return math.floor(value * 10_000 + Fraction(1, 2)) / 10_000

    for area in group["profile"]["areas"]:
        values = shares[area["id"]]
        assert area["mean"] == half_up(means[area["id"]])
        assert area["min"] == half_up(min(values))
        assert area["max"] == half_up(max(values))
    lowest = sorted(means, key=lambda a: (means[a], a))[:3]
    assert [w["id"] for w in group["weak_areas"]] == lowest
    for w in group["weak_areas"]:
        assert w["weak_units"] == sum(1 for r in group["ranking"] if w["id"] in r["weak_areas"])


def test_whole_examples_folder_keeps_years_apart(runner: CliRunner) -> None:
    result = run(runner, str(EXAMPLES))
    assert result.exit_code == 0, result.output
    assert "span 11 rule sets or years" in result.stdout
    data = as_json(runner, str(EXAMPLES))
    assert [(g["rules"]["id"], g["year"], g["units"]) for g in data["groups"]] == [
        ("permenpanrb-14-2014", 2019, 1),
        ("permenpanrb-26-2020", 2020, 1),
        ("permenpanrb-26-2020", 2021, 6),
        ("permenpanrb-26-2020", 2022, 6),  # the same city a year later (issue 13)
        # Evaluasi RB 2023+: published results and the fictional Sukamaju kab/kota
        ("permenpanrb-9-2023-kabkota", 2023, 2),
        ("permenpanrb-9-2023-kabkota", 2025, 4),
        ("permenpanrb-9-2023-kl", 2023, 2),
        ("permenpanrb-9-2023-provinsi", 2023, 5),
        ("surabe-2025-opd", 2025, 4),  # the fictional Kota Teluk Damai's OPDs
        ("zona-integritas-2022", 2023, 1),
        ("zona-integritas-2024", 2025, 2),  # as amended by PermenPANRB 5/2024
    ]
    batam = data["groups"][1]["ranking"][0]
    assert (batam["index"], batam["category"], batam["published"]) == (52.33, "CC", True)
    assert batam["weakest_area"] is None  # published component points only: no area known
    json_run = run(runner, str(EXAMPLES), "--format", "json")
    assert "span 11 rule sets or years" in json_run.stderr


def test_a_broken_file_never_stops_the_batch(runner: CliRunner, tmp_path: Path) -> None:
    folder = city(tmp_path)
    write(folder, "rules: permenpanrb-26-2020\nyear: [2021\n", "rusak.yaml")
    text = (CITY / "bappeda.yaml").read_text(encoding="utf-8")
    bad = text.replace('code: "5.01.01"', 'code: "5.01.99"').replace(
        "mp.tim_rb.a: ", "mp.tim_rb.a: Z  # ", 1
    )
    write(folder, bad, "salah.yaml")
    result = run(runner, str(folder))
    assert result.exit_code == 1
    assert "6 of 8 files scored." in result.stdout
    assert "Not scored" in result.stdout
    # located at the bracket never closed
    assert f"{folder / 'rusak.yaml'}:2:7: [error] yaml_syntax" in result.stderr
    assert "[error] yaml_syntax" in result.stderr
    line = bad.splitlines().index(
        next(ln for ln in bad.splitlines() if ln.startswith("  mp.tim_rb.a:"))
    )
    assert f"{folder / 'salah.yaml'}:{line + 1}:16: [error] bad_option" in result.stderr
    data = as_json(runner, str(folder))
    assert [f["file"] for f in data["not_scored"]] == [
        str(folder / "rusak.yaml"),
        str(folder / "salah.yaml"),
    ]
    assert data["groups"][0]["units"] == 6


def test_duplicate_units_are_reported_on_both_files(runner: CliRunner, tmp_path: Path) -> None:
    folder = city(tmp_path)
    shutil.copy(folder / "bappeda.yaml", folder / "bappeda-revisi.yaml")
    result = run(runner, str(folder))
    assert result.exit_code == 1
    text = (folder / "bappeda.yaml").read_text(encoding="utf-8").splitlines()
    line = next(i for i, ln in enumerate(text, 1) if ln.strip().startswith("code:"))
    for name in ("bappeda.yaml", "bappeda-revisi.yaml"):
        assert f"{folder / name}:{line}:9: [error] duplicate_unit" in result.stderr
    data = as_json(runner, str(folder))
    assert data["groups"][0]["units"] == 5
    assert all(r["unit"]["code"] != "5.01.01" for r in data["groups"][0]["ranking"])
    assert len(data["not_scored"]) == 2


def test_same_unit_in_another_rule_set_or_with_spaces(runner: CliRunner, tmp_path: Path) -> None:
    folder = city(tmp_path)
    # the unit's Zona Integritas file for the same year: another assessment, both scored
    zi = (EXAMPLES / "zona-integritas-2022" / "dpmptsp.yaml").read_text(encoding="utf-8")
    write(folder, zi.replace("year: 2023", "year: 2021"), "dpmptsp-zi.yaml")
    # the same unit again with a space in its code: a duplicate
    bappeda = (folder / "bappeda.yaml").read_text(encoding="utf-8")
    write(folder, bappeda.replace('code: "5.01.01"', 'code: "5.01.01 "'), "bappeda-2.yaml")
    data = as_json(runner, str(folder))
    assert sorted(f["file"].rsplit("/", 1)[-1] for f in data["not_scored"]) == [
        "bappeda-2.yaml",
        "bappeda.yaml",
    ]
    assert sum(g["units"] for g in data["groups"]) == 6  # 5 PMPRB units + the ZI file


@pytest.fixture
def catalogue(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A bundled catalogue of two rule sets: the default and `mini` (answer files name ids)."""
    import pmprb.model.rules

    folder = tmp_path / "catalogue"
    folder.mkdir()
    shutil.copy(pmprb.model.rules.bundled_dir() / "permenpanrb-26-2020.yaml", folder)
    shutil.copy(MINI, folder / "mini.yaml")
    monkeypatch.setattr(pmprb.model.rules, "bundled_dir", lambda: folder)
    load_rules.cache_clear()
    yield folder
    load_rules.cache_clear()


def test_mixed_rule_sets_get_separate_rekaps(
    runner: CliRunner, tmp_path: Path, catalogue: Path
) -> None:
    folder = city(tmp_path)
    shutil.copy(MINI_ANSWERS, folder / "mini-unit.yaml")
    data = as_json(runner, str(folder))
    assert [(g["rules"]["id"], g["units"]) for g in data["groups"]] == [
        ("mini", 1),
        ("permenpanrb-26-2020", 6),
    ]
    assert data["groups"][0]["ranking"][0]["index"] == 40.09
    # --rules forces one rule set: files of another are problems, not merged
    forced = run(runner, str(folder), "--rules", "permenpanrb-26-2020", "-f", "json")
    assert forced.exit_code == 1
    assert "rules_mismatch" in forced.stderr
    assert [g["units"] for g in json.loads(forced.stdout)["groups"]] == [6]


def generated(tmp_path: Path, n: int) -> Path:
    from benchmarks.generate import generate

    folder = tmp_path / "gen"
    generate(folder, n, seed=7)
    return folder


def test_jobs_do_not_change_the_output(runner: CliRunner, tmp_path: Path) -> None:
    folder = generated(tmp_path, 24)
    shutil.copy(folder / "unit-00003.yaml", folder / "unit-00003-copy.yaml")
    write(folder, "rules: permenpanrb-26-2020\nyear: 2021\nunit: {}\n", "broken.yaml")
    outputs = {}
    for jobs in ("1", "2"):
        for fmt in ("json", "csv", "table"):
            result = run(runner, str(folder), "--jobs", jobs, "--format", fmt)
            assert result.exit_code == 1, result.output
            outputs[jobs, fmt] = (result.stdout, result.stderr)
    for fmt in ("json", "csv", "table"):
        assert outputs["1", fmt] == outputs["2", fmt]
    data = json.loads(outputs["2", "json"][0])
    assert data["files"] == 26
    assert data["scored"] == 23


def test_csv_exports(runner: CliRunner) -> None:
    result = run(runner, str(CITY), "--format", "csv")
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == 6
    assert list(rows[0])[:6] == ["rules", "rules_version", "year", "rank", "file", "unit_code"]
    assert "area.dk" in rows[0]
    assert "component.pemenuhan" in rows[0]
    detail = run(runner, str(CITY), "--format", "csv", "--detail")
    long = list(csv.DictReader(io.StringIO(detail.stdout)))
    questions = len(load_rules("permenpanrb-26-2020").questions)
    assert len(long) == 6 * questions
    assert {r["unit_code"] for r in long} == {r["unit_code"] for r in rows}
    with_evidence = [r for r in long if r["evidence"]]
    assert with_evidence


def formula_city(tmp_path: Path) -> Path:
    folder = city(tmp_path)
    path = folder / "bappeda.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace(
        "name: Badan Perencanaan Pembangunan Daerah", 'name: "=HYPERLINK(\\"http://x\\")"'
    )
    text = text.replace("mp.tim_rb.a: ", "mp.tim_rb.a: {note: '+cmd|calc', answer: ", 1)
    lines = text.splitlines()
    i = next(i for i, ln in enumerate(lines) if ln.startswith("  mp.tim_rb.a:"))
    lines[i] = lines[i] + "}"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def test_formula_like_text_is_neutralised(runner: CliRunner, tmp_path: Path) -> None:
    folder = formula_city(tmp_path)
    result = run(runner, str(folder), "--format", "csv")
    assert result.exit_code == 0, result.output
    names = [r["unit_name"] for r in csv.DictReader(io.StringIO(result.stdout))]
    assert '\'=HYPERLINK("http://x")' in names
    assert not any(n.startswith("=") for n in names)
    detail = run(runner, str(folder), "--format", "csv", "--detail")
    notes = [r["note"] for r in csv.DictReader(io.StringIO(detail.stdout))]
    assert "'+cmd|calc" in notes


def test_xlsx_reads_back(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    folder = formula_city(tmp_path)
    target = tmp_path / "rekap.xlsx"
    result = run(runner, str(folder), "--format", "xlsx", "--output", str(target))
    assert result.exit_code == 0, result.output
    data = as_json(runner, str(folder))
    wb = load_workbook(target)
    assert wb.sheetnames == ["rekap", "charts", "areas", "profile", "detail"]
    rekap = wb["rekap"]
    header = [c.value for c in rekap[1]]
    assert header[:4] == ["Rank", "Unit", "Code", "Index"]  # the unit beside its index
    assert "Pemenuhan" in header
    rows = list(rekap.iter_rows(min_row=2, values_only=True))
    ranking = data["groups"][0]["ranking"]
    assert [r[header.index("Index")] for r in rows] == [u["index"] for u in ranking]
    assert [r[header.index("Code")] for r in rows] == [u["unit"]["code"] for u in ranking]
    assert rekap.cell(2, header.index("Index") + 1).number_format == "0.00"
    assert rekap.cell(2, header.index("Pemenuhan") + 1).number_format == "0.0%"
    # formula-like text stays text
    name_col = header.index("Unit") + 1
    cells = [rekap.cell(r, name_col) for r in range(2, rekap.max_row + 1)]
    evil = [c for c in cells if "HYPERLINK" in str(c.value)]
    assert len(evil) == 1
    assert evil[0].data_type == "s"
    assert str(evil[0].value).startswith("'=")
    areas = wb["areas"]
    area_header = [c.value for c in areas[1]]
    assert "Deregulasi Kebijakan" in area_header
    first = next(areas.iter_rows(min_row=2, max_row=2, values_only=True))
    assert first[area_header.index("Deregulasi Kebijakan")] == ranking[0]["areas"]["dk"]
    detail = wb["detail"]
    questions = len(load_rules("permenpanrb-26-2020").questions)
    assert detail.max_row == 1 + 6 * questions
    notes = [c.value for c in detail["M"] if c.value and "cmd" in str(c.value)]
    assert notes == ["'+cmd|calc"]
    assert wb["profile"].max_row > 10


@pytest.mark.parametrize("fmt", list(BatchFormat))
def test_every_format_is_handled(runner: CliRunner, tmp_path: Path, fmt: BatchFormat) -> None:
    target = tmp_path / f"rekap.{fmt.value}"
    result = run(runner, str(EXAMPLES), "--format", fmt.value, "--output", str(target))
    assert result.exit_code == 0, result.output
    data = target.read_bytes()
    assert b"Sukamaju" in data or fmt is BatchFormat.xlsx
    assert len(data) > 500


def test_output_file_and_usage_errors(runner: CliRunner, tmp_path: Path) -> None:
    target = tmp_path / "rekap.json"
    written = run(runner, str(CITY), "--format", "json", "--output", str(target))
    assert written.exit_code == 0
    assert written.stdout == ""
    assert target.read_text(encoding="utf-8") == run(runner, str(CITY), "-f", "json").stdout
    assert run(runner, str(tmp_path / "nowhere")).exit_code == 2
    (tmp_path / "empty").mkdir()
    assert run(runner, str(tmp_path / "empty")).exit_code == 2
    assert run(runner, str(CITY), "--format", "pdf").exit_code == 2
    assert run(runner, str(CITY), "--rules", "no-such-rules").exit_code == 2


def test_discovery_is_recursive_sorted_and_skips_hidden(tmp_path: Path) -> None:
    for name in ("b/z.yaml", "a.yml", "b/a.yaml", ".git/x.yaml", "b/.hidden.yaml", "c.txt"):
        path = tmp_path / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("x: 1\n", encoding="utf-8")
    files, problems, unread = core.discover([tmp_path, tmp_path / "a.yml"])
    assert [Path(d).relative_to(tmp_path).as_posix() for _p, d in files] == [
        "a.yml",
        "b/a.yaml",
        "b/z.yaml",
    ]
    assert problems == []
    assert unread == []


# --- failures inside workers -------------------------------------------------------------


def test_an_exception_on_one_file_becomes_its_problem(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = generated(tmp_path, 6)
    real = score

    def flaky(assessment: Any) -> Any:
        if assessment.path.endswith("unit-00002.yaml"):
            raise ZeroDivisionError("boom")
        return real(assessment)

    monkeypatch.setattr(core, "score", flaky)
    for jobs in ("1", "2"):
        result = run(runner, str(folder), "--jobs", jobs, "-f", "json")
        assert result.exit_code == 2
        assert "unit-00002.yaml: [error] internal_error" in result.stderr
        assert "ZeroDivisionError: boom" in result.stderr
        assert json.loads(result.stdout)["scored"] == 5


def test_a_crashed_worker_costs_only_its_file(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = generated(tmp_path, 12)
    real = core.score_file

    def crashing(path: Path, display: str, options: Any, store: Any, *rest: Any) -> Any:
        if display.endswith("unit-00005.yaml"):
            os._exit(9)  # a worker killed mid-file: no exception, no result
        return real(path, display, options, store, *rest)

    monkeypatch.setattr(core, "score_file", crashing)
    result = run(runner, str(folder), "--jobs", "2", "-f", "json")
    assert result.exit_code == 2
    assert "unit-00005.yaml: [error] worker_crash" in result.stderr
    data = json.loads(result.stdout)
    assert data["scored"] == 11
    assert [f["file"] for f in data["not_scored"]] == [str(folder / "unit-00005.yaml")]


# --- the cache ---------------------------------------------------------------------------


class Counter:
    """Counts real scorings (not cache hits) in this process."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0
        real = score

        def counted(assessment: Any) -> Any:
            self.calls += 1
            return real(assessment)

        monkeypatch.setattr(core, "score", counted)


def cached_run(runner: CliRunner, folder: Path, cache: Path, *extra: str) -> Any:
    load_rules.cache_clear()  # each CLI run is a new process in real life
    return run(runner, str(folder), "--cache", str(cache), "-f", "json", *extra)


def test_cache_hit_and_miss(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = city(tmp_path)
    store = tmp_path / "cache"
    counter = Counter(monkeypatch)
    first = cached_run(runner, folder, store)
    assert first.exit_code == 0
    assert counter.calls == 6
    assert len(list(store.rglob("*.json"))) == 6
    again = cached_run(runner, folder, store)
    assert counter.calls == 6  # nothing scored again
    assert again.stdout == first.stdout
    # a changed file is scored again, and only that one
    path = folder / "dinkes.yaml"
    path.write_text(path.read_text(encoding="utf-8") + "# revised\n", encoding="utf-8")
    cached_run(runner, folder, store)
    assert counter.calls == 7
    # other options (detail rows, another language) never share entries
    cached_run(runner, folder, store, "--detail")
    assert counter.calls == 13


def test_an_output_that_cannot_be_written_is_refused_before_scoring(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    counter = Counter(monkeypatch)
    folder = city(tmp_path)
    for target in (tmp_path / "no-such-folder" / "rekap.csv", tmp_path, folder / "dinkes.yaml"):
        result = run(runner, str(folder), "-f", "csv", "-o", str(target))
        assert result.exit_code == 2
        assert str(target) in result.stderr
    assert counter.calls == 0


def test_cache_rescores_when_the_rule_set_changes(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, catalogue: Path
) -> None:
    rules = catalogue / "mini.yaml"
    folder = tmp_path / "units"
    folder.mkdir()
    text = MINI_ANSWERS.read_text(encoding="utf-8")
    write(folder, text, "a.yaml")
    write(folder, text.replace('code: "9.99"', 'code: "9.98"'), "b.yaml")
    store = tmp_path / "cache"
    counter = Counter(monkeypatch)
    before = json.loads(cached_run(runner, folder, store).stdout)
    cached_run(runner, folder, store)
    assert counter.calls == 2
    rules.write_text(rules.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    after = json.loads(cached_run(runner, folder, store).stdout)
    assert counter.calls == 4
    assert after["groups"][0]["rules"]["sha256"] != before["groups"][0]["rules"]["sha256"]


def test_cache_rescores_when_an_overlays_base_changes(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the overlay's own file is unchanged: only the rule set it extends is edited
    base = tmp_path / "base.yaml"
    base.write_bytes(MINI.read_bytes())
    overlay = write(tmp_path, "extends: base.yaml\nid: mini-overlay\nversion: '1'\n", "ov.yaml")
    folder = tmp_path / "units"
    folder.mkdir()
    write(folder, MINI_ANSWERS.read_text(encoding="utf-8"), "a.yaml")
    store = tmp_path / "cache"
    counter = Counter(monkeypatch)
    cached_run(runner, folder, store, "--rules", str(overlay))
    cached_run(runner, folder, store, "--rules", str(overlay))
    assert counter.calls == 1
    base.write_text(base.read_text(encoding="utf-8") + "# edited\n", encoding="utf-8")
    cached_run(runner, folder, store, "--rules", str(overlay))
    assert counter.calls == 2


def test_cached_results_never_bypass_a_lower_limit(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = city(tmp_path)
    store = tmp_path / "cache"
    assert cached_run(runner, folder, store).exit_code == 0
    monkeypatch.setenv("PMPRB_MAX_ANSWERS", "10")
    again = cached_run(runner, folder, store)
    assert again.exit_code == 1
    assert "too_many" in again.stderr


def test_corrupt_or_foreign_cache_entries_are_never_trusted(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = city(tmp_path)
    store = tmp_path / "cache"
    counter = Counter(monkeypatch)
    clean = cached_run(runner, folder, store).stdout
    entries = sorted(store.rglob("*.json"))
    assert len(entries) == 6
    good = json.loads(entries[0].read_text(encoding="utf-8"))
    # 0: truncated; 1: not JSON; 2: another format; 3: a key that is not its own;
    # 4: a tampered, impossible share; 5: a tampered index
    entries[0].write_bytes(entries[0].read_bytes()[:50])
    entries[1].write_bytes(b"\x00\xff garbage")
    entries[2].write_text(json.dumps({**good, "format": "other/1"}), encoding="utf-8")
    other = json.loads(entries[3].read_text(encoding="utf-8"))
    entries[3].write_text(json.dumps({**other, "key": good["key"]}), encoding="utf-8")
    tampered = json.loads(entries[4].read_text(encoding="utf-8"))
    tampered["summary"]["areas"][0] = [5, 3]
    entries[4].write_text(json.dumps(tampered), encoding="utf-8")
    tampered = json.loads(entries[5].read_text(encoding="utf-8"))
    tampered["summary"]["index"] = "=1+1"
    entries[5].write_text(json.dumps(tampered), encoding="utf-8")
    again = cached_run(runner, folder, store)
    assert again.exit_code == 0
    assert again.stdout == clean
    assert counter.calls == 12  # every entry refused, every file scored again
    # the entries were rewritten and are trusted again
    cached_run(runner, folder, store)
    assert counter.calls == 12


def test_cache_entries_round_trip_exactly(tmp_path: Path) -> None:
    options = core.Options(cache_dir=str(tmp_path), detail=True)
    store = core.cache_for(options)
    assert store is not None
    path = CITY / "dinkes.yaml"
    fresh = core.score_file(path, str(path), options, None)
    assert isinstance(fresh, core.UnitSummary)
    key = store.key(path.read_text(encoding="utf-8"))
    store.put(key, fresh)
    # trusted while its shared file (bersama.yaml, named by `common:`) has the same digest
    assert store.get(key, str(path), core._checker(path, options, Memo())) == fresh
    assert store.get(key, str(path)) is None  # with no way to check the shared file: a miss


# --- exact statistics ------------------------------------------------------------------


@given(
    st.lists(
        st.fractions(min_value=0, max_value=1, max_denominator=10_000), min_size=1, max_size=40
    )
)
def test_stats_are_exact(values: list[Fraction]) -> None:
    mean, low, high = core._stats([(v.numerator, v.denominator) for v in values])
    assert mean == sum(values, Fraction(0)) / len(values)
    assert (low, high) == (min(values), max(values))


def test_scoring_a_file_leaves_nothing_for_the_cyclic_gc(tmp_path: Path) -> None:
    # A batch keeps the cyclic GC mostly idle (core.GC_THRESHOLD); that is only safe, and
    # memory only flat, if everything a file allocates is freed by reference counting.
    bad = example_text(CITY / "bappeda.yaml").replace("mp.tim_rb.a: ", "x: ")
    files = [*sorted(EXAMPLES.rglob("*.yaml")), write(tmp_path, bad, "salah.yaml")]
    options = core.Options()
    for path in files:
        core.score_file(path, str(path), options, None)  # load (and cache) the rule sets
    gc.collect()
    gc.set_debug(gc.DEBUG_SAVEALL)
    try:
        for path in files:
            outcome = core.score_file(path, str(path), options, None)
            assert gc.collect() == 0, path
            assert not gc.garbage, path
        assert isinstance(outcome, core.Failure)  # the broken file went through too
    finally:
        gc.set_debug(0)
        gc.garbage.clear()


def test_detail_is_refused_where_it_would_not_be_shown(runner: CliRunner) -> None:
    for fmt in ("table", "markdown"):
        result = run(runner, str(CITY), "--detail", "-f", fmt)
        assert result.exit_code == 2
        assert "--detail is for csv and json" in result.stderr


def test_xlsx_names_shared_columns_by_every_rule_set(runner: CliRunner, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    target = tmp_path / "rekap.xlsx"
    assert run(runner, str(EXAMPLES), "-f", "xlsx", "-o", str(target)).exit_code == 0
    book = load_workbook(target, read_only=True)
    header = [c.value for c in next(book["areas"].iter_rows(max_row=1))]
    old, new = load_rules("permenpanrb-14-2014"), load_rules("permenpanrb-26-2020")
    names = [{a.id: a.name for a in rs.rules.areas}["dk"] for rs in (old, new)]
    assert names[0] != names[1]  # the case this test is about
    assert f"{names[0]} / {names[1]}" in header
    # each unit's weakest area is named by its own rule set
    rekap = list(book["rekap"].iter_rows(values_only=True))
    weakest, rule_set = rekap[0].index("Weakest area"), rekap[0].index("Rule set")
    by_rules = {row[rule_set]: row[weakest] for row in rekap[1:]}
    own = {a.id: a.name for a in old.rules.areas}
    assert by_rules["permenpanrb-14-2014"] in own.values()


def test_a_cache_that_takes_no_entries_is_refused_up_front(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a read-only cache folder (simulated: root may write anywhere) used to cache nothing
    def refuse(self: Any) -> None:
        raise OSError(30, "Read-only file system", str(self.root))

    monkeypatch.setattr(EntryStore, "probe", refuse)
    result = run(runner, str(CITY), "--cache", str(tmp_path / "cache"))
    assert result.exit_code == 2
    assert "Read-only file system" in result.stderr


TINY_RULES = """\
id: tiny
title: Tiny
version: "1"
years: [2020, 2030]
total: 100
precision: 2
provenance: {status: verified, source: tests}
scales:
  idx: {kind: number, name: Nilai, min: 0, max: 100}
areas:
  - {id: a, name: Area A}
bands:
  - {id: D, min: 0, max: 50, name: Rendah}
  - {id: A, min: 50, max: 100, name: Tinggi}
tree:
  - {id: n, name: N, weight: 1, area: a, questions: [{id: n.q, text: Q, scale: idx}]}
"""


def test_profile_means_round_half_up_not_half_even(runner: CliRunner, tmp_path: Path) -> None:
    rules = tmp_path / "tiny.yaml"
    rules.write_text(TINY_RULES, encoding="utf-8")
    units = tmp_path / "units"
    units.mkdir()
    for code, value in (("1", "12.34"), ("2", "12.35")):
        (units / f"u{code}.yaml").write_text(
            f"rules: tiny\nyear: 2021\nunit: {{name: U{code}, code: '{code}'}}\n"
            f"answers:\n  n.q: {value}\n",
            encoding="utf-8",
        )
    out = runner.invoke(app, ["batch", str(units), "--rules", str(rules), "-f", "json"])
    assert out.exit_code == 0, out.output
    (area,) = json.loads(out.stdout)["groups"][0]["profile"]["areas"]
    # shares 0.1234 and 0.1235: the mean 0.12345 is 0.1235 half up (0.1234 half even)
    assert (area["mean"], area["min"], area["max"]) == (0.1235, 0.1234, 0.1235)


def test_the_output_name_gives_the_format_and_a_workbook_mismatch_is_refused(
    runner: CliRunner, tmp_path: Path
) -> None:
    book = tmp_path / "rekap.xlsx"
    assert run(runner, str(CITY), "-o", str(book)).exit_code == 0
    assert book.read_bytes()[:4] == b"PK\x03\x04"  # a workbook (a zip), not the table's text
    data = tmp_path / "rekap.json"
    assert run(runner, str(CITY), "-o", str(data)).exit_code == 0
    assert json.loads(data.read_text(encoding="utf-8"))["groups"][0]["ranking"]
    plain = tmp_path / "rekap.txt"
    assert run(runner, str(CITY), "-o", str(plain)).exit_code == 0
    assert "Ranking" in plain.read_text(encoding="utf-8")  # no known suffix: the table
    for args, says in (
        (["-f", "table", "-o", str(tmp_path / "a.xlsx")], "use --format xlsx"),
        (["-f", "csv", "-o", str(tmp_path / "b.XLSX")], "use --format xlsx"),
        (["-f", "xlsx", "-o", str(tmp_path / "c.csv")], "give --output a .xlsx name"),
    ):
        result = run(runner, str(CITY), *args)
        assert result.exit_code == 2, args
        assert says in result.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["rekap.json", "rekap.txt", "rekap.xlsx"]
