"""`pmprb convert`: an answer file from YAML to an LKE workbook and back, losslessly.

Only valid answer files are converted (the file is validated first, as `pmprb score`
would): a workbook is laid out from the rule set, so every answer must have its row.
What is carried over is the answer file's data as given (labels as typed, numbers exact,
the long form's fields, published scores), not the scored values. A workbook names no
shared-values file: the answers a YAML file takes from its `common:` file are written
into the workbook with the file's own (pmprb.model.common).
"""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from pmprb.base.errors import ProblemsError
from pmprb.base.i18n import _
from pmprb.inputs.loader import Pending, Source
from pmprb.inputs.source import read_source
from pmprb.model.assessment import AnswerFile, LongAnswer, PublishedScore, validate_source


def to_workbook(path: Path, shown: str, rules_ref: str | None = None) -> bytes:
    """A valid answer file (either format) as an LKE workbook."""
    from pmprb.report.workbook import NotExact, workbook_bytes

    source, model = _valid(path, shown, rules_ref)
    assessment = validate_source(source, rules_ref)
    unit = {"name": model.unit.name, "code": model.unit.code, "instansi": model.unit.instansi}
    try:
        return workbook_bytes(
            assessment.rules, model.rules, unit, model.year, model.answers, model.scores
        )
    except NotExact as exc:
        message = _(
            "{value} has more significant digits than a spreadsheet cell keeps (15)"
        ).format(value=exc.value)
        raise ProblemsError(source.where([Pending(exc.loc, "too_precise", message)])) from None


def to_yaml(path: Path, shown: str, rules_ref: str | None = None) -> str:
    """A valid answer file (either format) as YAML text."""
    _source, model = _valid(path, shown, rules_ref)
    note = _("converted from {file} by pmprb convert").format(file=Path(shown).name)
    return answer_yaml(model, note)


def _valid(path: Path, shown: str, rules_ref: str | None) -> tuple[Source, AnswerFile]:
    from pmprb.model.common import apply_to

    source, _use = apply_to(read_source(path, shown), path)
    validate_source(source, rules_ref)  # raises ProblemsError with every problem
    return source, AnswerFile.model_validate(source.data)


# --- YAML out ----------------------------------------------------------------------------

# characters YAML reads as line breaks or a byte order mark, even inside quotes
_YAML_BREAKS = str.maketrans({c: f"\\u{ord(c):04x}" for c in "\x85\u2028\u2029\ufeff"})


def _text(value: str) -> str:
    return json.dumps(value, ensure_ascii=False).translate(_YAML_BREAKS)


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        shown = format(value, "f")
        return shown if "." in shown else shown + ".0"  # stays a decimal when read back
    if isinstance(value, int):
        return str(value)
    if isinstance(value, str):
        return _text(value)
    if isinstance(value, tuple | list):
        return "[" + ", ".join(_scalar(v) for v in value) + "]"
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_text(k)}: {_scalar(v)}" for k, v in value.items()) + "}"
    raise TypeError(type(value).__name__)


def _fields(model: BaseModel, indent: str) -> list[str]:
    """A model's fields that are not at their default, one a line; a nested model (the
    review block, its appeal) as a block of its own."""
    out: list[str] = []
    for name, info in type(model).model_fields.items():
        value = getattr(model, name)
        if value is None or value == info.default:
            continue
        if isinstance(value, BaseModel):
            out.append(f"{indent}{name}:")
            out += _fields(value, indent + "  ")
        else:
            out.append(f"{indent}{name}: {_scalar(value)}")
    return out


def answer_yaml_value(given: Any) -> str:
    """One answer (an AnswerFile value) as a YAML value on the line of its id: the short
    form, or the long form in flow style with every field not at its default."""
    if given is None:
        return ""
    if not isinstance(given, LongAnswer):
        return _scalar(given)
    fields = {
        name: value.model_dump(exclude_none=True) if isinstance(value, BaseModel) else value
        for name, info in LongAnswer.model_fields.items()
        if (value := getattr(given, name)) is not None and value != info.default
    }
    return "{" + ", ".join(f"{name}: {_scalar(v)}" for name, v in fields.items()) + "}"


def answer_yaml(model: AnswerFile, note: str = "") -> str:
    """An answer file's text: the short form where only the answer is given, else the long
    form with every field that is not at its default (whatever fields LongAnswer and its
    review block have)."""
    lines = [f"# {note}"] if note else []
    lines += [
        f"rules: {_text(model.rules)}",
        f"year: {model.year}",
        "unit:",
        f"  name: {_text(model.unit.name)}",
        f"  code: {_text(model.unit.code)}",
        f"  instansi: {_text(model.unit.instansi)}",
        "answers:" + ("" if model.answers else " {}"),
    ]
    for qid, given in model.answers.items():
        key = _text(qid)
        if given is None:
            lines.append(f"  {key}:")
        elif not isinstance(given, LongAnswer):
            lines.append(f"  {key}: {_scalar(given)}")
        else:
            lines.append(f"  {key}:")
            lines += _fields(given, "    ")
    if model.scores:
        lines.append("scores:")
        for nid, points in model.scores.items():
            if isinstance(points, PublishedScore):
                parts = [f"points: {_scalar(points.points)}"]
                if points.adjusted_weight is not None:
                    parts.append(f"adjusted_weight: {_scalar(points.adjusted_weight)}")
                lines.append(f"  {_text(nid)}: {{{', '.join(parts)}}}")
            else:
                lines.append(f"  {_text(nid)}: {_scalar(points)}")
    return "\n".join(lines) + "\n"
