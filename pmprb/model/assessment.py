"""Answer files: one unit's answers for one year, validated against a rule set."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import TYPE_CHECKING, Annotated, Any, Literal, NamedTuple

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Discriminator,
    Field,
    PlainValidator,
    StrictBool,
    StrictInt,
    StrictStr,
    Tag,
    TypeAdapter,
    ValidationError,
    model_validator,
)
from pydantic_core import PydanticCustomError

from pmprb.base.errors import Problem, ProblemsError
from pmprb.base.i18n import _
from pmprb.base.limits import current as current_limits
from pmprb.base.numbers import fixed
from pmprb.inputs.loader import (
    Pending,
    explain_not_number,
    locate,
    non_ascii_hint,
    pydantic_pending,
    shorten,
    suggest,
    suggest_field,
)
from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale, LoadedRules, QuestionRef

if TYPE_CHECKING:
    from yaml.nodes import Node

    from pmprb.inputs.loader import Source


def _scalar(value: Any) -> str | int | Decimal:
    """An answer value: option label or number; booleans, lists and NaN are refused."""
    if isinstance(value, bool) or value is None:
        raise PydanticCustomError("answer_type", _("expected an option label or a number"))
    if isinstance(value, str | int):
        return value
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise PydanticCustomError("answer_type", _("expected a finite number"))
        return value
    raise PydanticCustomError("answer_type", _("expected an option label or a number"))


Scalar = Annotated[str | int | Decimal, PlainValidator(_scalar)]


def _published(value: Any) -> int | Decimal:
    """A published score: a number as YAML reads it; text ("8.5", Arabic-Indic digits)
    is refused as the exported schema refuses it, with the fix."""
    if isinstance(value, str):
        raise PydanticCustomError("bad_number", explain_not_number(value))
    if isinstance(value, int | Decimal) and not isinstance(value, bool):
        if isinstance(value, Decimal) and not value.is_finite():
            raise PydanticCustomError("bad_number", _("expected a finite number"))
        return value
    raise PydanticCustomError("bad_number", _("expected a number"))


Published = Annotated[int | Decimal, PlainValidator(_published)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class UnitInfo(_Model):
    """Who answered: the unit (perangkat daerah) and its instansi."""

    name: str = Field(min_length=1, description="Unit name, e.g. Dinas Kesehatan")
    code: str = Field(min_length=1, description="Unit code (quote it in YAML)")
    instansi: str = Field("", description="The government body the unit belongs to")


def _one_or_many(value: Any) -> Any:
    """`evidence: SK No. 1` (one string) is a one-item list; `evidence:` left empty, none."""
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,)
    return value


class Appeal(_Model):
    """The unit's appeal (sanggah) against a review value."""

    status: Literal["submitted", "accepted", "rejected", "withdrawn"] = Field(
        description="submitted, accepted, rejected or withdrawn"
    )
    reason: str = Field("", description="Why the unit disagrees with the review value")


class Review(_Model):
    """The reviewer's side of one answer (nilai TPI / evaluator): value, note, advice.

    One class with every field declared once: the YAML reader and the workbook reader read
    the same fields (a workbook column per field). The value is an `answer` or `counts`,
    or `not_counted` (with the justification) where the rule set allows it; a review with
    no value (a note only) leaves the unit's answer in force.
    """

    answer: Scalar | None = Field(None, description="The reviewer's option label or number")
    counts: dict[str, StrictInt] | None = Field(
        None, description="The reviewer's inputs of a count-based question"
    )
    not_counted: StrictStr | StrictBool | None = Field(
        None,
        description="The reviewer marks the line not counted: the justification; only where "
        "the rule set allows it",
    )
    note: str = Field("", description="The reviewer's note (catatan)")
    recommendation: str = Field("", description="The reviewer's recommendation (rekomendasi)")
    by: str = Field("", description="Who reviewed: TPI, Inspektorat, evaluator's name")
    appeal: Appeal | None = Field(None, description="The unit's appeal (sanggah)")
    response: str = Field("", description="The reviewer's response to the appeal")

    @model_validator(mode="after")
    def _one_value(self) -> Review:
        given = [self.answer is not None, self.counts is not None, self.not_counted is not None]
        if sum(given) > 1:
            raise ValueError(_("give one of `answer`, `counts` or `not_counted`"))
        return self

    @property
    def has_value(self) -> bool:
        """The reviewer gave a value (else the unit's answer stays in force)."""
        return self.answer is not None or self.counts is not None or self.not_counted is not None


class LongAnswer(_Model):
    """An answer with its data dukung (evidence) and a note.

    `answer` may be left empty (with no counts) while the evidence is already recorded: the
    question is then unanswered, like an empty short answer.
    """

    answer: Scalar | None = Field(None, description="Option label or number")
    counts: dict[str, StrictInt] | None = Field(
        None, description="Inputs of a count-based question"
    )
    evidence: Annotated[tuple[str, ...], BeforeValidator(_one_or_many)] = Field(
        (), description="Data dukung: document names or links"
    )
    note: str = Field("", description="Free-text note")
    not_counted: StrictStr | StrictBool | None = Field(
        None,
        description="The line is not counted (nilai tidak diperhitungkan): the justification,"
        " required; its maximum leaves the adjusted weight. Only where the rule set allows it",
    )
    review: Review | None = Field(None, description="The reviewer's value, note and advice")

    @model_validator(mode="after")
    def _answer_or_counts(self) -> LongAnswer:
        if self.not_counted is not None:
            if self.answer is not None or self.counts is not None:
                raise ValueError(_("a line not counted takes no `answer` or `counts`"))
            return self
        if self.answer is not None and self.counts is not None:
            raise ValueError(_("give either `answer` or `counts`"))
        return self

    @property
    def blank(self) -> bool:
        """No answer, no counts and not marked not counted yet: unanswered."""
        return self.answer is None and self.counts is None and self.not_counted is None


def is_blank(raw: Any) -> bool:
    """An entry of `answers` that gives no answer yet: empty, or a long form without an
    answer, counts or not-counted marking (raw YAML data or a checked LongAnswer)."""
    if raw is None:
        return True
    if isinstance(raw, LongAnswer):
        return raw.blank
    return isinstance(raw, dict) and all(
        raw.get(key) is None for key in ("answer", "counts", "not_counted")
    )


def _answer_kind(value: Any) -> str:
    if value is None:
        return "blank-answer"
    return "long-answer" if isinstance(value, dict) else "short-answer"


# A question left empty (`mp.tim_rb.a:` as in a fresh template) is unanswered, not an error.
Answer = Annotated[
    Annotated[Scalar, Tag("short-answer")]
    | Annotated[LongAnswer, Tag("long-answer")]
    | Annotated[None, Tag("blank-answer")],
    Discriminator(_answer_kind),
]


# Published points of a node: a plain number, read by the one published-number check above.
Points = Published


class PublishedScore(_Model):
    """A node's published points with the adjusted weight they were rescaled by."""

    points: Points = Field(description="The node's points before rescaling (e.g. RB General)")
    adjusted_weight: Points | None = Field(
        None,
        description="The adjusted weight the official result divides by (its weight less "
        "the lines not counted); only on a node with `rescale: adjusted`",
    )


ScoreEntry = Annotated[
    Annotated[Points, Tag("points")] | Annotated[PublishedScore, Tag("published-score")],
    Discriminator(
        lambda v: "published-score" if isinstance(v, dict | PublishedScore) else "points"
    ),
]


class Held(_Model):
    """A predicate the unit already holds (e.g. WBK) and the year it was awarded."""

    predicate: str = Field(min_length=1, description="The predicate held, e.g. WBK")
    since: Annotated[StrictInt, Field(ge=1990, le=2100)] = Field(
        description="The year it was awarded"
    )


class AnswerFile(_Model):
    """The schema of record of an answer file."""

    rules: str = Field(min_length=1, description="Rule set id, e.g. permenpanrb-26-2020")
    year: Annotated[StrictInt, Field(ge=1990, le=2100)] = Field(description="Assessment year")
    unit: UnitInfo
    answers: dict[str, Answer] = Field(default_factory=dict, description="Question id -> answer")
    scores: dict[str, ScoreEntry] = Field(
        default_factory=dict,
        description="Published points for whole nodes (node id -> points, or {points, "
        "adjusted_weight} on a rescaled node)",
    )
    held: Held | None = Field(
        None,
        description="A predicate the unit already holds and since when (WBK before WBBM); "
        "pmprb never infers it",
    )
    common: str | None = Field(
        None,
        min_length=1,
        description="The shared-values file of the whole instansi, relative to this file "
        "(e.g. bersama.yaml); this file's own answers win",
    )


class Given(NamedTuple):
    """One answer as checked against its scale (a named tuple: built once per answer)."""

    display: str
    value: Fraction
    evidence: tuple[str, ...] = ()
    note: str = ""
    direct: bool = False  # `value` is the points themselves (a `points` scale)
    number: Decimal | int | None = None  # the number answered (for binary64 line rounding)
    not_counted: str = ""  # the justification of a line marked not counted (value 0)


class Reviewed(NamedTuple):
    """One answer's review as checked: the reviewer's value (None: a note only)."""

    given: Given | None
    note: str = ""
    recommendation: str = ""
    by: str = ""
    appeal: Appeal | None = None
    response: str = ""


@dataclass(frozen=True, slots=True)
class Assessment:
    """A validated answer file, ready to score."""

    path: str
    unit: UnitInfo
    year: int
    rules: LoadedRules
    answers: dict[str, Given]
    scores: dict[str, Fraction]
    warnings: tuple[Problem, ...] = ()
    # published adjusted weights (node id -> weight units) of rescaled nodes in `scores`
    adjusted: dict[str, Fraction] = field(default_factory=dict)
    # question id -> the review of its answer (issue 12); scoring reads `answers` only
    reviews: dict[str, Reviewed] = field(default_factory=dict)
    held: Held | None = None  # the predicate the unit already holds, as the file records it
    # the shared-values file applied (its display path) and the question ids taken from it
    common: str | None = None
    shared: tuple[str, ...] = ()


def _show_number(value: Decimal | int) -> str:
    return format(value, "f") if isinstance(value, Decimal) else str(value)


def _check_answer(qid: str, ref: QuestionRef, raw: Any) -> tuple[Given | None, list[Pending]]:
    """Map one raw answer onto its scale's value, or say why it cannot be."""
    loc = ("answers", qid)
    long = raw if isinstance(raw, LongAnswer) else None
    value = long.answer if long is not None else raw
    evidence = long.evidence if long else ()
    note = long.note if long else ""
    vloc = (*loc, "answer") if long is not None else loc
    scale = ref.scale
    if long is not None and long.not_counted is not None:
        return _not_counted(qid, ref, long)
    if long is not None and long.counts is not None:
        return _from_counts(qid, ref, long)
    if isinstance(scale, ChoiceScale):
        # a whole number names an option labelled with digits ("1" = 100 in SURABE)
        label = str(value) if isinstance(value, int) and not isinstance(value, bool) else value
        hit = scale.read(label) if isinstance(label, str) else None
        if hit is None:
            return None, [
                Pending(
                    vloc,
                    "bad_option",
                    _("'{value}' is not an answer of '{qid}'; choose one of: {options}").format(
                        value=shorten(str(value)), qid=qid, options=", ".join(scale.options)
                    ),
                )
            ]
        return Given(hit[0], hit[1], evidence, note), []
    if isinstance(value, str):
        needs = _("'{qid}' needs a number from {lo} to {hi}").format(
            qid=qid, lo=scale.min, hi=scale.max
        )
        return None, [Pending(vloc, "bad_number", f"{explain_not_number(value)}; {needs}")]
    assert value is not None
    if not scale.min <= value <= scale.max:
        return None, [
            Pending(
                vloc,
                "out_of_range",
                _("{value} is outside {lo} to {hi} for '{qid}'").format(
                    value=shorten(_show_number(value)), lo=scale.min, hi=scale.max, qid=qid
                ),
            )
        ]
    # a percentage shows as a count-derived one does (63.64%): one display for both
    shown = fixed(Decimal(value), 2) + "%" if scale.unit == "%" else _show_number(value)
    given = Given(shown, scale.value(value), evidence, note, scale.direct, value)
    return given, []


def _not_counted(
    qid: str, ref: QuestionRef, long: LongAnswer
) -> tuple[Given | None, list[Pending]]:
    """A line marked not counted: allowed by the rule set, and justified."""
    loc = ("answers", qid, "not_counted")
    if not ref.not_counted:
        message = _("'{qid}' cannot be marked not counted: its rule set does not allow it")
        return None, [Pending(loc, "not_counted_refused", message.format(qid=qid))]
    why = long.not_counted
    if not isinstance(why, str) or not why.strip():
        message = _("a line not counted needs a justification (the reason, as text)")
        return None, [Pending(loc, "no_justification", message)]
    shown = _("not counted")
    return Given(shown, Fraction(0), long.evidence, long.note, not_counted=why.strip()), []


def _from_counts(
    qid: str, ref: QuestionRef, long: LongAnswer
) -> tuple[Given | None, list[Pending]]:
    spec = ref.question.counts
    loc = ("answers", qid, "counts")
    assert long.counts is not None
    if spec is None:
        return None, [
            Pending(loc, "no_counts", _("'{qid}' takes no counts; give the answer").format(qid=qid))
        ]
    names = list(spec.inputs)
    missing = [n for n in names if n not in long.counts]
    extra = [n for n in long.counts if n not in spec.inputs]
    if missing or extra:
        needed = _("'{qid}' needs the counts: {names}").format(qid=qid, names=", ".join(names))
        if not extra:
            return None, [Pending(loc, "bad_counts", needed)]
        return None, [
            Pending(
                (*loc, name),
                "bad_counts",
                needed
                + _("; '{name}' is not one of them").format(name=shorten(name))
                + suggest_field(name, [n for n in names if n in missing] or names),
                "key",
            )
            for name in extra
        ]
    first, second = (long.counts[n] for n in names)
    if first < 0 or second < 0:
        return None, [Pending(loc, "bad_counts", _("counts cannot be negative"))]
    denominator = second if spec.formula == "ratio" else first
    if spec.formula == "reduction" and first == 0 and second > 0:
        # None before and some now is no reduction at all (RB2171's rule), not a 0/0.
        share = Fraction(0)
    elif denominator == 0:
        # ratio with nothing to count, or a reduction from 0 to 0: only `if_zero` says
        # what that is worth; without it the percentage is undefined, and said so.
        if spec.if_zero is None:
            return None, [
                Pending(
                    loc,
                    "zero_count",
                    _("'{name}' is 0: the percentage cannot be computed").format(
                        name=names[1] if spec.formula == "ratio" else names[0]
                    ),
                )
            ]
        share = Fraction(spec.if_zero)
    elif spec.formula == "ratio":
        share = Fraction(first, second)
    else:
        share = Fraction(first - second, first)
    share = min(max(share, Fraction(0)), Fraction(1))
    scale = ref.scale
    assert not isinstance(scale, ChoiceScale)
    # the percentage as shown: exact, half up, like every other figure
    return Given(fixed(share * 100, 2) + "%", share, long.evidence, long.note), []


def check(
    raw_answers: dict[str, Any], raw_scores: dict[str, Any], rules: LoadedRules
) -> tuple[dict[str, Given], dict[str, Fraction], dict[str, Fraction], list[Pending]]:
    """Check answers and published scores (with any adjusted weights) against the rule set."""
    pending: list[Pending] = []
    answers: dict[str, Given] = {}
    known = list(rules.questions)
    for qid, raw in raw_answers.items():
        ref = rules.questions.get(qid)
        if ref is None:
            message = _("unknown question id '{qid}'{hint}").format(
                qid=shorten(qid), hint=suggest(qid, known) + non_ascii_hint(qid)
            )
            pending.append(Pending(("answers", qid), "unknown_question", message, "key"))
            continue
        if is_blank(raw):
            continue  # unanswered: counted by score, reported by validate
        given, found = _check_answer(qid, ref, raw)
        pending.extend(found)
        if given is not None:
            answers[qid] = given
    scores, adjusted, found = _check_scores(raw_scores, rules)
    pending.extend(found)
    return answers, scores, adjusted, pending


def _check_scores(
    raw_scores: dict[str, Any], rules: LoadedRules
) -> tuple[dict[str, Fraction], dict[str, Fraction], list[Pending]]:
    """Published points per node, and the adjusted weights given with them."""
    pending: list[Pending] = []
    scores: dict[str, Fraction] = {}
    adjusted: dict[str, Fraction] = {}
    maxima = rules.maxima
    for nid, entry in raw_scores.items():
        if nid not in maxima:
            pending.append(
                Pending(
                    ("scores", nid),
                    "unknown_node",
                    _("unknown node id '{id}'{hint}").format(
                        id=nid, hint=suggest(nid, list(maxima))
                    ),
                    "key",
                )
            )
            continue
        loc: tuple[str, ...] = ("scores", nid)
        points = entry
        if isinstance(entry, dict):  # salvaged from a file with other problems
            try:
                entry = PublishedScore.model_validate(entry)
            except ValidationError:
                continue
        if isinstance(entry, PublishedScore):
            points, loc = entry.points, ("scores", nid, "points")
            if entry.adjusted_weight is not None:
                weight = _adjusted_weight(nid, entry.adjusted_weight, rules, pending)
                if weight is None:
                    continue
                adjusted[nid] = weight
        if not isinstance(points, Decimal | int) or isinstance(points, bool):
            continue  # a wrong type: reported by the schema check
        value = Fraction(points)
        if not 0 <= value <= maxima[nid]:
            pending.append(
                Pending(
                    loc,
                    "out_of_range",
                    _("{value} is outside 0 to {max} for '{id}'").format(
                        value=shorten(_show_number(points)),
                        max=round(float(maxima[nid]), 4),
                        id=nid,
                    ),
                )
            )
            continue
        scores[nid] = value
    return scores, adjusted, pending


def _adjusted_weight(
    nid: str, weight: int | Decimal, rules: LoadedRules, pending: list[Pending]
) -> Fraction | None:
    """A published adjusted weight: on a rescaled node, above 0 and at most its weight."""
    node = rules.nodes.get(nid)
    loc = ("scores", nid, "adjusted_weight")
    if node is None or node.rescale is None:
        message = _("'{id}' is not rescaled: it takes no adjusted weight").format(id=nid)
        pending.append(Pending(loc, "not_rescaled", message))
        return None
    value = Fraction(weight)
    if not 0 < value <= Fraction(node.weight):
        message = _("the adjusted weight must be above 0 and at most {weight}").format(
            weight=node.weight
        )
        pending.append(Pending(loc, "out_of_range", message))
        return None
    return value


def _review_loc(p: Pending) -> Pending:
    """A problem of the review's value, located in the review block."""
    loc = p.loc
    return Pending((*loc[:2], "review", *loc[2:]), p.code, p.message, p.where, p.level)


def _check_review(qid: str, ref: QuestionRef, review: Review) -> tuple[Reviewed, list[Pending]]:
    """Check a review's value against the question's scale, as the unit's answer is."""
    extra = (review.note, review.recommendation, review.by, review.appeal, review.response)
    if not review.has_value:
        return Reviewed(None, *extra), []
    if review.not_counted is not None:
        # not-counted lines come with the 2023 scheme (QuestionRef.not_counted); a rule set
        # without them refuses the marking, as it refuses it on the unit's own answer
        if not getattr(ref, "not_counted", False):
            message = _(
                "the review of '{qid}' cannot mark it not counted: its rule set does not allow it"
            )
            loc = ("answers", qid, "review", "not_counted")
            return Reviewed(None, *extra), [
                Pending(loc, "not_counted_refused", message.format(qid=qid))
            ]
        as_unit = LongAnswer.model_validate({"not_counted": review.not_counted})
    else:
        as_unit = LongAnswer(answer=review.answer, counts=review.counts)
    given, found = _check_answer(qid, ref, as_unit)
    if given is not None:
        given = given._replace(note=review.note)
    return Reviewed(given, *extra), [_review_loc(p) for p in found]


def check_reviews(
    raw_answers: dict[str, Any], rules: LoadedRules
) -> tuple[dict[str, Reviewed], list[Pending]]:
    """Check the review block of every long-form answer of a known question."""
    reviews: dict[str, Reviewed] = {}
    pending: list[Pending] = []
    for qid, raw in raw_answers.items():
        ref = rules.questions.get(qid)
        if ref is None or not isinstance(raw, LongAnswer) or raw.review is None:
            continue  # an unknown question is reported by check()
        reviewed, found = _check_review(qid, ref, raw.review)
        pending.extend(found)
        if not found:
            reviews[qid] = reviewed
    return reviews, pending


def _rules_for(named: Any, rules_ref: str | None) -> tuple[LoadedRules | None, list[Pending]]:
    """The rule set to check against: the one given (its problems raise), else the file's."""
    if rules_ref is not None:
        return load_rules(rules_ref), []
    if not isinstance(named, str) or not named:
        return None, []
    try:
        return load_rules(named), []
    except ProblemsError as exc:
        if exc.problems[0].code not in ("unknown_rules", "not_found"):
            raise
        # the file names a rule set that does not exist: the file's own mistake
        return None, [Pending(("rules",), "unknown_rules", exc.problems[0].message)]


_ONE_ANSWER: TypeAdapter[Any] = TypeAdapter(Answer)

# The top-level keys of an answer file: a mapping with none of them is something else.
ANSWER_KEYS = frozenset(AnswerFile.model_fields)


def _fields_at(loc: tuple[str | int, ...]) -> list[str]:
    """The fields allowed in the mapping at `loc` of an answer file (for did-you-mean)."""
    if not loc:
        return list(AnswerFile.model_fields)
    if loc == ("unit",):
        return list(UnitInfo.model_fields)
    if len(loc) == 2 and loc[0] == "answers":
        return list(LongAnswer.model_fields)
    if len(loc) == 3 and loc[0] == "answers" and loc[2] == "review":
        return list(Review.model_fields)
    if len(loc) == 4 and loc[0] == "answers" and loc[2:] == ("review", "appeal"):
        return list(Appeal.model_fields)
    return []


# Top-level keys only an answer file has (or a unit block spilled to the top): a mapping
# with one of them is a broken answer file, not a shared-values file.
_UNIT_ONLY = frozenset({"unit", "scores", "held", "common", "name", "code"})


def looks_shared(data: Any) -> bool:
    """Whether parsed YAML is a shared-values file (pmprb.model.common): `instansi` at the top
    and nothing only an answer file has (`unit`, `scores`, `held`, `common`, or a unit's
    `name`/`code` written at the top level by mistake)."""
    return (
        isinstance(data, dict)
        and "instansi" in data
        and not any(k in _UNIT_ONLY for k in data if isinstance(k, str))
    )


def not_answer_file(data: dict[Any, Any]) -> str | None:
    """Why a parsed mapping is not an answer file (what it looks like), or None when it
    has any answer-file key (then its mistakes are reported field by field)."""
    keys = {k for k in data if isinstance(k, str)}
    if looks_shared(data):
        return _(
            "it has `instansi` and no `unit`, so it looks like a shared-values file (use it "
            "with --common FILE or `common: FILE` in an answer file)"
        )
    if keys & ANSWER_KEYS:
        return None
    if "extends" in keys:
        return _("it has `extends`, so it looks like a rule set overlay")
    if keys & {"tree", "scales", "bands"}:
        return _("it has `tree`, `scales` or `bands`, so it looks like a rule set")
    if "services" in keys:
        return _("it has `services`, so it looks like a docker-compose file")
    if "jobs" in keys and ("on" in keys or True in data):
        return _("it has `on` and `jobs`, so it looks like a GitHub Actions workflow")
    if keys & {"stages", "jobs", "steps", "pipelines", "script", "image", "trigger"}:
        return _("it looks like a CI configuration")
    return _("it has none of the fields rules, year, unit, answers")


def not_answer_message(why: str) -> str:
    """The one problem of a YAML file that is not an answer file."""
    return _(
        "this is not a PMPRB answer file: {why}; an answer file has rules, year, unit and "
        "answers (for an overlay or a rule set use `pmprb rules check`)"
    ).format(why=why)


def _salvage(data: dict[Any, Any], pending: list[Pending]) -> tuple[dict[str, Any], dict[str, Any]]:
    """The answers and scores that are well-formed on their own, to check them too."""
    bad = {p.loc[:2] for p in pending}
    answers: dict[str, Any] = {}
    raw_answers = data.get("answers")
    if isinstance(raw_answers, dict):
        for qid, raw in raw_answers.items():
            if isinstance(qid, str) and ("answers", qid) not in bad:
                try:
                    answers[qid] = _ONE_ANSWER.validate_python(raw)
                except ValidationError:
                    continue
    scores: dict[str, Any] = {}
    raw_scores = data.get("scores")
    if isinstance(raw_scores, dict):
        for nid, points in raw_scores.items():
            if isinstance(nid, str) and ("scores", nid) not in bad:
                scores[nid] = points
    return answers, scores


def usable_answers(data: dict[Any, Any], rules: LoadedRules) -> dict[str, Given]:
    """The answers of a file that are valid on their own, even when the file has problems."""
    raw_answers, _raw_scores = _salvage(data, [])
    answers, _scores, _adjusted, _pending = check(raw_answers, {}, rules)
    return answers


def validate_assessment(
    data: Any, path: str, text: str, rules_ref: str | None = None, root: Node | None = None
) -> Assessment:
    """Validate parsed YAML answer data against its rule set (or the one given).

    `root`, the text's node tree when the caller kept it (loader.parse_nodes), spares
    composing the text again to locate problems.
    """

    def where(pending: Iterable[Pending]) -> list[Problem]:
        return locate(path, text, pending, root)

    return validate_data(data, path, where, rules_ref)


def validate_source(source: Source, rules_ref: str | None = None) -> Assessment:
    """Validate an answer file of either format (source.Source)."""
    return validate_data(
        source.data, source.path, source.where, rules_ref, source.extra, source.made_for
    )


def validate_data(
    data: Any,
    path: str,
    where: Callable[[Iterable[Pending]], list[Problem]],
    rules_ref: str | None = None,
    extra: Sequence[Pending] = (),
    made_for: str | None = None,
) -> Assessment:
    """Validate raw answer data (from YAML or a workbook) against its rule set.

    Every problem is reported at once: when the schema check fails, the answers that are
    well-formed on their own are still checked against the rule set. `where` locates
    problems in the file; `extra` are problems its reader found; `made_for` is the digest
    of the rule set a workbook was made for, checked against the one it is scored with.
    """
    if data is None:
        message = _("the file is empty: an answer file needs rules, year, unit and answers")
        raise ProblemsError([Problem(path, 1, 1, "empty", message)])
    if not isinstance(data, dict):
        message = _("an answer file must be a mapping with rules, year, unit and answers")
        raise ProblemsError([Problem(path, 1, 1, "not_mapping", message)])
    why = not_answer_file(data)
    if why is not None:
        raise ProblemsError(where([Pending((), "not_answer_file", not_answer_message(why))]))
    limit = current_limits().max_answers
    raw_answers = data.get("answers")
    if isinstance(raw_answers, dict) and len(raw_answers) > limit:
        # refuse before validating thousands of entries
        message = _("{n} answers; the limit is {limit}").format(n=len(raw_answers), limit=limit)
        raise ProblemsError(where([Pending(("answers",), "too_many", message, "key")]))
    pending: list[Pending] = [p for p in extra if p.level == "error"]
    model: AnswerFile | None = None
    try:
        model = AnswerFile.model_validate(data)
    except ValidationError as exc:
        pending.extend(pydantic_pending(exc.errors(), fields=_fields_at))
    loaded, found = _rules_for(data.get("rules"), rules_ref)
    pending.extend(found)
    answers: dict[str, Given] = {}
    scores: dict[str, Fraction] = {}
    adjusted: dict[str, Fraction] = {}
    reviews: dict[str, Reviewed] = {}
    if loaded is not None:
        named = data.get("rules")
        # an overlay scores the answer files of the rule sets it extends
        if isinstance(named, str) and named not in loaded.accepted_ids():
            message = _("the file is for rule set '{file}', not '{given}'").format(
                file=named, given=loaded.rules.id
            )
            pending.append(Pending(("rules",), "rules_mismatch", message))
        if made_for is not None and isinstance(named, str):
            pending.extend(_made_for(loaded, named, made_for))
        if model is not None:
            raw_answers, raw_scores = dict(model.answers), dict(model.scores)
        else:
            raw_answers, raw_scores = _salvage(data, pending)
        answers, scores, adjusted, found = check(raw_answers, raw_scores, loaded)
        pending.extend(found)
        reviews, found = check_reviews(raw_answers, loaded)
        pending.extend(found)
        if model is not None and model.held is not None:
            pending.extend(_check_held(model.held, model.year, loaded))
    if pending or model is None or loaded is None:
        raise ProblemsError(where(pending))
    warnings: list[Pending] = [p for p in extra if p.level != "error"]
    years = loaded.rules.years
    if years is not None and not years[0] <= model.year <= years[1]:
        message = _("{year} is outside the years of rule set '{id}' ({lo}-{hi})").format(
            year=model.year, id=loaded.rules.id, lo=years[0], hi=years[1]
        )
        warnings.append(Pending(("year",), "year_outside", message, level="warning"))
    return Assessment(
        path,
        model.unit,
        model.year,
        loaded,
        answers,
        scores,
        tuple(where(warnings)),
        adjusted,
        reviews,
        model.held,
    )


def _made_for(loaded: LoadedRules, named: str, digest: str) -> list[Pending]:
    """A problem when a workbook was made from another version of its rule set."""
    for r in loaded.lineage():
        if r.rules.id == named:
            if r.digest == digest:
                return []
            message = _(
                "the workbook was made for another version of rule set '{id}' (sha256 "
                "{made}...; this one is {now}...): make it again with `pmprb init --format "
                "xlsx`, or score it with the rule set file it was made for (--rules)"
            ).format(id=named, made=digest[:12], now=r.digest[:12])
            return [Pending(("rules",), "rules_version", message)]
    return []


def _check_held(held: Held, year: int, loaded: LoadedRules) -> list[Pending]:
    """The predicate held is one of the rule set's, awarded no later than the year assessed."""
    ids = [p.id for p in loaded.rules.predicates]
    if held.predicate not in ids:
        message = _("'{held}' is not a predicate of rule set '{id}'; one of: {ids}").format(
            held=shorten(held.predicate), id=loaded.rules.id, ids=", ".join(ids) or "-"
        )
        return [Pending(("held", "predicate"), "unknown_predicate", message)]
    if held.since > year:
        message = _("held since {since}, after the assessment year {year}").format(
            since=held.since, year=year
        )
        return [Pending(("held", "since"), "held_later", message)]
    return []
