"""A JSON Schema (draft-07) of the answer file for one rule set, for editors and CI.

Draft-07 because every client this is meant for reads it fully: the VS Code YAML extension
(yaml-language-server) and check-jsonschema. Field descriptions come from the pydantic
models (the schema of record); question texts and option meanings from the rule set.

What a schema cannot say is left to `pmprb validate`: duplicate keys, YAML anchors and
aliases, unanswered questions (null is allowed here so a half-filled file is not all red),
missing data dukung, the rule set's years, counts whose denominator is 0, and bounds finer
than a millionth on published scores.
"""

from __future__ import annotations

import json
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Any

from .assessment import AnswerFile, Held, LongAnswer, PublishedScore, UnitInfo
from .display import md
from .i18n import _
from .rules import ChoiceScale, LoadedRules, NumberScale, QuestionRef

DIALECT = "http://json-schema.org/draft-07/schema#"
NULL: dict[str, Any] = {"type": "null"}
_REGEX_SYNTAX = frozenset("^$\\.*+?()[]{}|/")


def _number(value: Decimal | Fraction) -> int | float:
    """A JSON number: whole values as integers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value.numerator if value.denominator == 1 else float(value)


def _ceiling(value: Fraction, places: int = 6) -> int | float:
    """An upper bound no smaller than the exact value (so a bound never refuses a valid file)."""
    exact = Decimal(value.numerator) / Decimal(value.denominator)
    return _number(exact.quantize(Decimal(1).scaleb(-places), rounding=ROUND_CEILING))


def _any_case(label: str) -> str:
    """A portable (ECMA 262 and Python) regex for a label in any letter case."""
    out = []
    for ch in label:
        variants = {ch.lower(), ch.upper()}
        if len(variants) > 1 and all(len(v) == 1 for v in variants):
            out.append("[" + "".join(sorted(variants)) + "]")
        elif ch in _REGEX_SYNTAX:
            out.append("\\" + ch)
        else:
            out.append(ch)
    return "".join(out)


def _description(ref: QuestionRef) -> str:
    q, scale = ref.question, ref.scale
    lines = [q.text]
    if q.detail and q.detail != q.text:
        lines.append(q.detail)
    if isinstance(scale, ChoiceScale):
        lines.append(f"{scale.name}:")
        lines.extend(f"  {label}: {q.options.get(label, '')}".rstrip() for label in scale.options)
    else:
        allowed = _("a number from {lo} to {hi}").format(lo=scale.min, hi=scale.max)
        lines.append(f"{scale.name}: {allowed}{(' ' + scale.unit) if scale.unit else ''}")
    if q.counts is not None:
        names = ", ".join(f"{k}: N" for k in q.counts.inputs)
        lines.append(_("or the counts: {counts}").format(counts="{counts: {" + names + "}}"))
        lines.extend(f"  {k}: {label}" for k, label in q.counts.inputs.items())
    return "\n".join(lines)


def _markdown(ref: QuestionRef) -> str:
    """The hover text for editors (yaml-language-server renders hovers as Markdown)."""
    q, scale = ref.question, ref.scale
    parts = [f"**{md(q.text)}**"]
    if q.detail and q.detail != q.text:
        parts.append(md(q.detail))
    if isinstance(scale, ChoiceScale):
        items = [f"- `{label}` {md(q.options.get(label, ''))}".rstrip() for label in scale.options]
        parts.append(f"{md(scale.name)}:\n\n" + "\n".join(items))
    else:
        allowed = _("a number from {lo} to {hi}").format(lo=scale.min, hi=scale.max)
        parts.append(f"{md(scale.name)}: {md(allowed)} {md(scale.unit)}".rstrip())
    if q.counts is not None:
        names = ", ".join(f"{k}: N" for k in q.counts.inputs)
        counts = _("or the counts: {counts}").format(counts="`{counts: {" + names + "}}`")
        items = [f"- `{k}` {md(label)}" for k, label in q.counts.inputs.items()]
        parts.append(counts + "\n\n" + "\n".join(items))
    return "\n\n".join(parts)


def _short(ref: QuestionRef) -> list[dict[str, Any]]:
    """The short answer forms of a question (without null)."""
    scale = ref.scale
    if isinstance(scale, NumberScale):
        return [{"type": "number", "minimum": _number(scale.min), "maximum": _number(scale.max)}]
    labels = list(scale.options)
    meanings = [ref.question.options.get(label, "") for label in labels]
    forms: list[dict[str, Any]] = [
        # the exact labels, for completion in editors
        {"type": "string", "enum": labels, "enumDescriptions": meanings},
        # pmprb reads labels case-insensitively and trims spaces
        {
            "type": "string",
            "pattern": "^\\s*(?:" + "|".join(_any_case(label) for label in labels) + ")\\s*$",
        },
    ]
    digits = [int(label) for label in labels if label.isdigit() and label == str(int(label))]
    if digits:  # an option labelled with digits may be written as a whole number
        forms.append({"type": "integer", "enum": digits})
    return forms


def _field(model: type[Any], name: str) -> str:
    return model.model_fields[name].description or ""


def _present(key: str) -> dict[str, Any]:
    return {"required": [key], "properties": {key: {"not": NULL}}}


def question_schema(ref: QuestionRef) -> dict[str, Any]:
    """The allowed answers of one question: blank, short form or long form."""
    short = _short(ref)
    long: dict[str, Any] = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "answer": {"description": _field(LongAnswer, "answer"), "anyOf": short},
            "evidence": {
                "description": _field(LongAnswer, "evidence"),
                "type": "array",
                "items": {"type": "string"},
            },
            "note": {"description": _field(LongAnswer, "note"), "type": "string"},
            "counts": NULL,
        },
        "required": ["answer"],
    }
    counts = ref.question.counts
    if ref.not_counted:
        # a line not counted: its justification instead of an answer
        long["properties"]["not_counted"] = {
            "description": _field(LongAnswer, "not_counted"),
            "type": "string",
            "pattern": "\\S",
        }
        long["properties"]["answer"]["anyOf"] = [*short, NULL]
        del long["required"]
        long["oneOf"] = [_present("answer"), _present("not_counted")]
    if counts is not None:
        long["properties"]["answer"]["anyOf"] = [*short, NULL]
        long["properties"]["counts"] = {
            "description": _field(LongAnswer, "counts"),
            "anyOf": [
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": list(counts.inputs),
                    "properties": {
                        name: {"type": "integer", "minimum": 0, "description": label}
                        for name, label in counts.inputs.items()
                    },
                },
                NULL,
            ],
        }
        long.pop("required", None)
        # exactly one of them, as pmprb requires
        long["oneOf"] = [_present("answer"), _present("counts")]
        if ref.not_counted:
            long["oneOf"].append(_present("not_counted"))
    return {
        "description": _description(ref),
        "markdownDescription": _markdown(ref),
        "anyOf": [NULL, *short, long],
    }


def answer_schema(loaded: LoadedRules) -> dict[str, Any]:
    """The JSON Schema of an answer file for one rule set."""
    rs = loaded.rules
    year = AnswerFile.model_json_schema()["properties"]["year"]
    years = f" ({rs.years[0]}-{rs.years[1]})" if rs.years else ""
    return {
        "$schema": DIALECT,
        "$comment": f"pmprb schema --rules {rs.id}: rule set version {rs.version}, "
        f"sha256 {loaded.sha256}",
        "title": _("PMPRB answer file: {title}").format(title=rs.title) + f" ({rs.id})",
        "description": AnswerFile.__doc__ or "",
        "type": "object",
        "additionalProperties": False,
        "required": ["rules", "year", "unit"],
        "properties": {
            "rules": {"description": _field(AnswerFile, "rules"), **_one_of(loaded.accepted_ids())},
            "year": {**year, "description": str(year.get("description", "")) + years},
            "unit": UnitInfo.model_json_schema(),
            "answers": {
                "description": _field(AnswerFile, "answers"),
                "type": "object",
                "additionalProperties": False,
                "properties": {qid: question_schema(ref) for qid, ref in loaded.questions.items()},
            },
            "scores": {
                "description": _field(AnswerFile, "scores"),
                "type": "object",
                "additionalProperties": False,
                "properties": {
                    nid: _score_schema(loaded, nid, maximum)
                    for nid, maximum in loaded.maxima.items()
                },
            },
            **_held_schema(loaded),
        },
    }


def _held_schema(loaded: LoadedRules) -> dict[str, Any]:
    """`held` (a predicate already held, since a year) for a rule set with predicates."""
    preds = [p.id for p in loaded.rules.predicates]
    if not preds:
        return {}
    return {
        "held": {
            "description": _field(AnswerFile, "held"),
            "type": "object",
            "additionalProperties": False,
            "required": ["predicate", "since"],
            "properties": {
                "predicate": {"description": _field(Held, "predicate"), **_one_of(preds)},
                "since": {
                    "description": _field(Held, "since"),
                    "type": "integer",
                    "minimum": 1990,
                    "maximum": 2100,
                },
            },
        }
    }


def _score_schema(loaded: LoadedRules, nid: str, maximum: Fraction) -> dict[str, Any]:
    """A published score: points, or on a rescaled node also {points, adjusted_weight}."""
    plain: dict[str, Any] = {
        "description": _node_name(loaded, nid),
        "type": "number",
        "minimum": 0,
        "maximum": _ceiling(maximum),
    }
    node = loaded.nodes.get(nid)
    if node is None or node.rescale is None:
        return plain
    points = {k: v for k, v in plain.items() if k != "description"}
    published = {
        "type": "object",
        "additionalProperties": False,
        "required": ["points"],
        "properties": {
            "points": {"description": _field(PublishedScore, "points"), **points},
            "adjusted_weight": {
                "description": _field(PublishedScore, "adjusted_weight"),
                "type": "number",
                "exclusiveMinimum": 0,
                "maximum": _number(node.weight),
            },
        },
    }
    return {"description": plain["description"], "anyOf": [points, published]}


def _one_of(values: list[str]) -> dict[str, Any]:
    """A const for one allowed value, else an enum (an overlay accepts its bases' ids)."""
    return {"const": values[0]} if len(values) == 1 else {"enum": values}


def _node_name(loaded: LoadedRules, nid: str) -> str:
    node = loaded.nodes.get(nid)
    name = node.name if node is not None else loaded.rules.title
    return f"{name} (max {float(loaded.maxima[nid]):g})"


def dumps(schema: dict[str, Any]) -> str:
    """The schema as stable, readable JSON."""
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"
