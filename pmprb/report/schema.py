"""A JSON Schema (draft-07) of the answer file for one rule set, for editors and CI.

Draft-07 because every client this is meant for reads it fully: the VS Code YAML extension
(yaml-language-server) and check-jsonschema. Field descriptions come from the pydantic
models (the schema of record); question texts and option meanings from the rule set.

What a schema cannot say is left to `pmprb validate`: duplicate keys, YAML anchors and
aliases, unanswered questions (null is allowed here so a half-filled file is not all red),
missing data dukung, the rule set's years, counts whose denominator is 0, bounds finer
than a millionth on published scores, and numbers not written as plain decimals (075, 1:05,
0x1F, 1_000, +5: YAML 1.2 editors read some as numbers, pmprb refuses them all; quoted
numbers are text to both).
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import ROUND_CEILING, Decimal
from fractions import Fraction
from typing import Any

from pmprb.base.escape import json_dumps
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _
from pmprb.model.assessment import (
    AnswerFile,
    Appeal,
    Held,
    LongAnswer,
    PublishedScore,
    Review,
    UnitInfo,
)
from pmprb.model.rules import ChoiceScale, Document, LoadedRules, NumberScale, QuestionRef

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


def _expects(documents: Sequence[Document]) -> str:
    """The documents a question's indicator expects for it, in one line (none: empty)."""
    if not documents:
        return ""
    names = "; ".join(f"{d.shown} [{d.id}]" for d in documents)
    return _("Expected documents (data dukung): {documents}").format(documents=names)


def _description(ref: QuestionRef, documents: Sequence[Document] = ()) -> str:
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
    if documents:
        lines.append(_expects(documents))
    return "\n".join(lines)


def _markdown(ref: QuestionRef, documents: Sequence[Document] = ()) -> str:
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
    if documents:
        parts.append(md(_expects(documents)))
    return "\n\n".join(parts)


def _allowed(qid: str, ref: QuestionRef) -> str:
    """What a question accepts, said in full: the message editors show for a wrong answer
    (yaml-language-server's `errorMessage`), instead of "Incorrect type. Expected ..."."""
    scale = ref.scale
    if isinstance(scale, ChoiceScale):
        message = _("{id}: choose one of {options}, or leave it blank").format(
            id=qid, options=", ".join(scale.options)
        )
    else:
        unit = f" ({scale.unit})" if scale.unit else ""
        message = _(
            "{id}: a number from {lo} to {hi}{unit}, written plainly (85.5: no quotes, "
            "no %, a dot for decimals), or leave it blank"
        ).format(id=qid, lo=scale.min, hi=scale.max, unit=unit)
    counts = ref.question.counts
    if counts is not None:
        names = ", ".join(f"{k}: N" for k in counts.inputs)
        message += _("; or give the counts: {counts}").format(counts="{counts: {" + names + "}}")
    return message


def _short(ref: QuestionRef, message: str) -> list[dict[str, Any]]:
    """The short answer forms of a question, blank (null) included.

    Every branch carries the same `errorMessage`, and none names a single type (a type
    list instead): yaml-language-server then shows that message whichever branch it finds
    closest, instead of merging the branches' types into "Incorrect type. Expected null |
    object(...)". Its range keywords (minimum, maximum) take no message, so a number out of
    range is refused through if/then, which reports the same message.
    """
    scale = ref.scale
    if isinstance(scale, NumberScale):
        lo, hi = _number(scale.min), _number(scale.max)
        return [
            {
                "type": ["number", "null"],
                "errorMessage": message,
                # a number outside [lo, hi] must then be null: it never is, so it is refused
                "if": {"type": "number", "not": {"minimum": lo, "maximum": hi}},
                "then": {"type": ["null"], "errorMessage": message},
            }
        ]
    labels = list(scale.options)
    meanings = [ref.question.options.get(label, "") for label in labels]
    forms: list[dict[str, Any]] = [
        # the exact labels and blank, for completion in editors
        {
            "enum": [*labels, None],
            "enumDescriptions": [*meanings, _("not answered yet")],
            "errorMessage": message,
        },
        # pmprb reads labels case-insensitively and trims spaces
        {
            "type": ["string"],
            "pattern": "^\\s*(?:" + "|".join(_any_case(label) for label in labels) + ")\\s*$",
            "errorMessage": message,
        },
    ]
    digits = [int(label) for label in labels if label.isdigit() and label == str(int(label))]
    if digits:  # an option labelled with digits may be written as a whole number
        forms.append({"type": ["integer"], "enum": digits, "errorMessage": message})
    return forms


def _field(model: type[Any], name: str) -> str:
    return model.model_fields[name].description or ""


def _present(key: str) -> dict[str, Any]:
    return {"required": [key], "properties": {key: {"not": NULL}}}


def question_schema(
    qid: str, ref: QuestionRef, documents: Sequence[Document] = ()
) -> dict[str, Any]:
    """The allowed answers of one question: blank, short form or long form (its
    description names the documents its indicator expects for it)."""
    message = _allowed(qid, ref)
    short = _short(ref, message)
    long: dict[str, Any] = {
        "additionalProperties": False,
        "properties": {
            # left empty while the evidence is recorded: unanswered, not an error
            "answer": {"description": _field(LongAnswer, "answer"), "anyOf": short},
            "evidence": {
                "description": _field(LongAnswer, "evidence"),
                # one document may be written as one string; left empty, none
                "type": ["array", "string", "null"],
                "items": {"type": "string"},
            },
            "note": {"description": _field(LongAnswer, "note"), "type": "string"},
            "counts": NULL,
        },
    }
    counts = ref.question.counts
    if ref.not_counted:
        # a line not counted: its justification instead of an answer
        long["properties"]["not_counted"] = {
            "description": _field(LongAnswer, "not_counted"),
            "type": "string",
            "pattern": "\\S",
        }
    if counts is not None:
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
    # at most one of answer, counts and not_counted, as pmprb requires (none of them is a
    # blank answer: unanswered)
    given = ["answer", *(["counts"] if counts is not None else []), "not_counted"]
    given = [key for key in given if key in long["properties"]]
    pairs = [(a, b) for i, a in enumerate(given) for b in given[i + 1 :]]
    if pairs:
        long["not"] = {"anyOf": [{"allOf": [_present(a), _present(b)]} for a, b in pairs]}
    long["properties"]["review"] = _review_schema(ref, short, long["properties"]["counts"])
    return {
        "description": _description(ref, documents),
        "markdownDescription": _markdown(ref, documents),
        # the long form's type is checked apart from its fields, so only a value that is no
        # mapping at all gets the question's message (a misspelt field keeps its own)
        "anyOf": [*short, {"allOf": [{"type": ["object"], "errorMessage": message}, long]}],
    }


def _review_schema(
    ref: QuestionRef, short: list[dict[str, Any]], counts: dict[str, Any]
) -> dict[str, Any]:
    """The reviewer's block of a long answer (assessment.Review): one value at most."""
    text = {"type": "string"}
    status = Appeal.model_fields["status"]
    props: dict[str, Any] = {
        "answer": {"description": _field(Review, "answer"), "anyOf": [*short, NULL]},
        "counts": {**counts, "description": _field(Review, "counts")} if counts != NULL else NULL,
        # the 2023 scheme's not-counted lines (QuestionRef.not_counted) where allowed
        "not_counted": {
            "description": _field(Review, "not_counted"),
            "type": ["string", "boolean", "null"],
        }
        if getattr(ref, "not_counted", False)
        else NULL,
        "appeal": {
            "description": _field(Review, "appeal"),
            "anyOf": [
                {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["status"],
                    "properties": {
                        "status": {
                            "description": status.description or "",
                            "enum": ["submitted", "accepted", "rejected", "withdrawn"],
                        },
                        "reason": {"description": _field(Appeal, "reason"), **text},
                    },
                },
                NULL,
            ],
        },
    }
    for name in ("note", "recommendation", "by", "response"):
        props[name] = {"description": _field(Review, name), **text}
    values = [_present(k) for k in ("answer", "counts", "not_counted")]
    return {
        "description": _field(LongAnswer, "review"),
        "anyOf": [
            {
                "type": "object",
                "additionalProperties": False,
                "properties": props,
                # one value at most, as pmprb requires
                "not": {
                    "anyOf": [
                        {"allOf": [a, b]} for i, a in enumerate(values) for b in values[i + 1 :]
                    ]
                },
            },
            NULL,
        ],
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
                "properties": {
                    qid: question_schema(qid, ref, loaded.documents_of(qid))
                    for qid, ref in loaded.questions.items()
                },
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
            "common": {
                "description": _field(AnswerFile, "common"),
                "type": "string",
                "minLength": 1,
            },
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
    return json_dumps(schema)
