"""Helpers for workbook tests: make an LKE template, fill it the way a unit would (openpyxl,
by the English headers a person sees), and write the same answers as YAML."""

from __future__ import annotations

import json
import subprocess
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
from openpyxl.worksheet.worksheet import Worksheet

from pmprb.model.rules import ChoiceScale, LoadedRules

Answer = dict[str, Any]  # answer / counts / evidence / note, as in the YAML long form


def header_columns(ws: Worksheet, first: str = "ID") -> tuple[int, dict[str, int]]:
    """The header row of a sheet and each header's column (1-based)."""
    for row in ws.iter_rows(min_row=1, max_row=10):
        texts = {c.value: c.column for c in row if isinstance(c.value, str)}
        if first in texts:
            return int(row[0].row or 0), texts
    raise AssertionError("no header row")


def question_rows(ws: Worksheet) -> dict[str, int]:
    """Question id -> row on the answers sheet."""
    header, cols = header_columns(ws)
    out: dict[str, int] = {}
    for r in range(header + 1, ws.max_row + 1):
        value = ws.cell(r, cols["ID"]).value
        if isinstance(value, str) and value:
            out[value] = r
    return out


def fill(path: Path, answers: dict[str, Answer], out: Path | None = None) -> Path:
    """Type the answers into the workbook's cells, as a person filling it in would."""
    wb = openpyxl.load_workbook(path)
    ws = wb["Answers"]
    _header, cols = header_columns(ws)
    rows = question_rows(ws)
    evidence_col = cols["Evidence (data dukung), one per line"]
    for qid, given in answers.items():
        r = rows[qid]
        if "answer" in given:
            value = given["answer"]
            ws.cell(r, cols["Answer"]).value = float(value) if isinstance(value, Decimal) else value
        for i, n in enumerate((given.get("counts") or {}).values()):
            ws.cell(r, cols[f"Count {i + 1}"]).value = n
        if given.get("evidence"):
            ws.cell(r, evidence_col).value = "\n".join(given["evidence"])
        if given.get("note"):
            ws.cell(r, cols["Note"]).value = given["note"]
    target = out or path
    wb.save(target)
    return target


def yaml_text(rules: str, unit: dict[str, str], year: int, answers: dict[str, Answer]) -> str:
    """The same answers as a YAML answer file, written by hand (JSON strings are YAML)."""

    def scalar(value: Any) -> str:
        if isinstance(value, Decimal):
            return format(value, "f")
        return json.dumps(value, ensure_ascii=False) if isinstance(value, str) else str(value)

    lines = [f"rules: {rules}", f"year: {year}", "unit:"]
    lines += [f"  {k}: {json.dumps(v, ensure_ascii=False)}" for k, v in unit.items()]
    lines.append("answers:")
    for qid, given in answers.items():
        if set(given) == {"answer"}:
            lines.append(f"  {qid}: {scalar(given['answer'])}")
            continue
        lines.append(f"  {qid}:")
        if "answer" in given:
            lines.append(f"    answer: {scalar(given['answer'])}")
        if given.get("counts"):
            inner = ", ".join(f"{k}: {v}" for k, v in given["counts"].items())
            lines.append(f"    counts: {{{inner}}}")
        if given.get("evidence"):
            lines.append(f"    evidence: {json.dumps(given['evidence'], ensure_ascii=False)}")
        if given.get("note"):
            lines.append(f"    note: {json.dumps(given['note'], ensure_ascii=False)}")
    return "\n".join(lines) + "\n"


def sample_answers(loaded: LoadedRules) -> dict[str, Answer]:
    """A varied answer for every question: each option in turn, numbers with decimals,
    counts on every other counts question, data dukung on every third, a note on every fifth."""
    out: dict[str, Answer] = {}
    for i, (qid, ref) in enumerate(loaded.questions.items()):
        scale = ref.scale
        given: Answer = {}
        if ref.question.counts is not None and i % 2 == 0:
            names = list(ref.question.counts.inputs)
            given["counts"] = {names[0]: 3 + i % 5, names[1]: 8}
        elif isinstance(scale, ChoiceScale):
            labels = list(scale.options)
            given["answer"] = labels[i % len(labels)]
        else:
            step = (scale.max - scale.min) / 7
            # as a person types it: 71.4, 100 (not 100.0)
            given["answer"] = (scale.min + step * (i % 8)).quantize(Decimal("0.1")).normalize()
        if i % 3 == 0:
            given["evidence"] = [f"SK {i}/2021", f"https://contoh.go.id/{i}"]
        if i % 5 == 0:
            given["note"] = f'catatan {i}: sebagian, "dalam proses"'
        out[qid] = given
    return out


def soffice_convert(
    soffice: str, source: Path, to: str, outdir: Path, profile: Path, timeout: int = 240
) -> subprocess.CompletedProcess[str]:
    """LibreOffice headless converting `source` into `outdir` (`to`: "pdf", or
    "xlsx:Calc MS Excel 2007 XML" to save it again as a person would), with a profile of
    its own (runs may overlap); the finished process, for the caller to check."""
    return subprocess.run(
        [
            soffice,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            to,
            "--outdir",
            str(outdir),
            str(source),
        ],
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
