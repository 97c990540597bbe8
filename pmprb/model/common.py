"""Values shared by every OPD of a Pemda, applied to a unit's raw answer mapping.

Some answers are measured once for the whole instansi (the BPK opinion on the LKPD, the
APIP capability, Indeks SPBE, IP ASN, survey results). A shared-values file holds them,
with their evidence, in the answer file's own `answers:` form:

    instansi: Pemerintah Kota Sukamaju (fiktif)   # required: it marks a shared file (no unit)
    year: 2021                                    # optional: must be the unit's year
    rules: permenpanrb-26-2020                    # optional: validate checks the answers
    answers:
      hasil.akuntabilitas.opini_bpk.nilai: {answer: WTP, evidence: [LHP BPK ...]}

A unit gets one shared file: the one given with `--common FILE` (score, explain, plan,
batch, validate, init), else the one its answer file names with a top-level
`common: bersama.yaml` (relative to the answer file). One rule, whichever way it came:
an answer the unit gives itself wins (a blank entry is no answer: the shared one fills
it); when the two differ, a `common_conflict` warning at the unit's answer says so.

Applying is a transformation of the raw Source (before validation), so YAML and workbook
answer files get it alike and every check after it is the one code path; problems in a
shared answer (an unknown id, a label the scale lacks) are located in the shared file,
the conflict warnings in the unit's file. The ids taken are recorded on the Assessment
(`common`, `shared`) for every result to say where each value came from.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterable
from dataclasses import dataclass, replace
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, StrictInt, ValidationError

from pmprb.base.errors import Problem, ProblemsError
from pmprb.base.escape import path as display_path
from pmprb.base.i18n import _
from pmprb.inputs.loader import Pending, locate, parse_nodes, pydantic_pending, read_text
from pmprb.model.assessment import (
    Answer,
    Assessment,
    check,
    check_reviews,
    is_blank,
    looks_shared,
    validate_source,
)

if TYPE_CHECKING:
    from pmprb.inputs.loader import Source

KEY = "common"  # the answer file's reference to its shared file


class CommonFile(BaseModel):
    """The schema of a shared-values file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    instansi: str = Field(min_length=1, description="The instansi whose values these are")
    year: StrictInt | None = Field(None, description="The assessment year (checked)")
    rules: str | None = Field(None, min_length=1, description="The rule set id (checked)")
    answers: dict[str, Answer] = Field(default_factory=dict)


def is_common_file(data: Any) -> bool:
    """Whether parsed YAML is a shared-values file: `instansi` at the top and nothing only
    an answer file has (assessment.looks_shared)."""
    return looks_shared(data)


@dataclass(frozen=True, slots=True)
class Shared:
    """A shared-values file, read and checked on its own."""

    path: str  # display path
    digest: str  # sha256 of its text: what a cache entry records
    data: dict[str, Any]
    text: str
    root: Any  # its YAML node tree, to locate problems without a second parse

    @property
    def answers(self) -> dict[str, Any]:
        """The shared answers, raw."""
        found = self.data.get("answers")
        return found if isinstance(found, dict) else {}

    def where(self, pending: Iterable[Pending]) -> list[Problem]:
        """Problems located in the shared file."""
        return locate(self.path, self.text, pending, self.root)


def digest_of(text: str) -> str:
    """The sha256 of a shared file's text."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()


def read_shared(path: Path, shown: str) -> Shared:
    """Read and check a shared-values file; its problems (located in it) raise ProblemsError."""
    text = read_text(path, shown)
    data, root = parse_nodes(shown, text)
    shared = Shared(shown, digest_of(text), data if isinstance(data, dict) else {}, text, root)
    if not is_common_file(data):
        message = _(
            "a shared-values file is a mapping with `instansi` (the instansi whose values "
            "these are) and `answers`, and no `unit`"
        )
        raise ProblemsError([Problem(shown, 1, 1, "not_common_file", message)])
    try:
        CommonFile.model_validate(data)
    except ValidationError as exc:
        raise ProblemsError(shared.where(pydantic_pending(exc.errors()))) from None
    return shared


def check_shared(path: Path, shown: str, rules_ref: str | None = None) -> list[Problem]:
    """Every problem of a shared-values file on its own (`pmprb validate`), located in it:
    its form and, against its `rules` (or the rule set given), each shared answer."""
    from pmprb.model.load import load_rules

    try:
        shared = read_shared(path, shown)
    except ProblemsError as exc:
        return list(exc.problems)
    ref = rules_ref if rules_ref is not None else shared.data.get("rules")
    if not isinstance(ref, str):
        return []  # no rule set to check the answers against: each unit's use checks them
    try:
        loaded = load_rules(ref)
    except ProblemsError as exc:
        if rules_ref is not None:
            raise
        return shared.where([Pending(("rules",), "unknown_rules", exc.problems[0].message)])
    answers = dict(CommonFile.model_validate(shared.data).answers)
    found = check(answers, {}, loaded)[3] + check_reviews(answers, loaded)[1]
    return shared.where(found)


def prefill(path: Path, rules_ref: str, year: int) -> tuple[Shared, dict[str, Any]]:
    """The shared answers `pmprb init --common` writes into a new answer file, checked
    against the rule set and the year first: (the file, id -> checked answer, in the
    file's order). Problems (located in the shared file) raise ProblemsError."""
    shown = display_path(path)
    shared = read_shared(path, shown)
    found = check_shared(path, shown, rules_ref)
    theirs = shared.data.get("year")
    if theirs is not None and theirs != year:
        message = _("the shared file is for {theirs}, the answer file {file} for {mine}").format(
            theirs=theirs, file="--year", mine=year
        )
        found += shared.where([Pending(("year",), "common_year", message)])
    if any(p.level == "error" for p in found):
        raise ProblemsError(found)
    return shared, dict(CommonFile.model_validate(shared.data).answers)


class Memo:
    """Shared files read once per run (a batch reads the same one for every unit)."""

    def __init__(self) -> None:
        # the file, or its problems (never the exception: its traceback would hold frames)
        self.files: dict[str, Shared | tuple[Problem, ...]] = {}

    def get(self, path: Path, shown: str) -> Shared:
        """The shared file at `path`; its problems raise ProblemsError (each time)."""
        key = os.path.abspath(path)
        found = self.files.get(key)
        if found is None:
            try:
                found = read_shared(path, shown)
            except ProblemsError as exc:
                found = tuple(exc.problems)
            self.files[key] = found
        if isinstance(found, tuple):
            raise ProblemsError(list(found))
        return found


def reference(data: Any) -> str | None:
    """The shared file an answer file names (`common:`), as written; None when none (or
    when it is not text: the schema check says so)."""
    ref = data.get(KEY) if isinstance(data, dict) else None
    return ref if isinstance(ref, str) and ref.strip() else None


def resolve(unit_file: Path, ref: str) -> Path:
    """A reference relative to the answer file's folder (an absolute one as it is)."""
    given = Path(ref)
    return given if given.is_absolute() else unit_file.parent / given


def which(unit_file: Path, data: Any, flag: Path | None) -> tuple[Path, bool] | None:
    """The shared file of a unit: --common when given, else the file's reference; with
    whether it came from the reference (then a problem reading it is located there)."""
    if flag is not None:
        return flag, False
    ref = reference(data)
    return (resolve(unit_file, ref), True) if ref is not None else None


@dataclass(frozen=True, slots=True)
class Applied:
    """A unit's raw mapping with the shared answers in, and what came from where."""

    data: Any
    shared: tuple[str, ...]  # question ids answered from the shared file
    warnings: tuple[Pending, ...]  # conflicts, located at the unit's own answer


def _same(own: Any, shared: Any) -> bool:
    """Whether two raw answers give the same answer (evidence and notes aside)."""

    def value(v: Any) -> str:
        # labels are case-insensitive; 2 and 2.0 are one number
        if isinstance(v, int | Decimal) and not isinstance(v, bool):
            return format(Decimal(v).normalize(), "f")
        return str(v).strip().casefold()

    def key(raw: Any) -> tuple[str, str, str]:
        if not isinstance(raw, dict):
            return (value(raw), "", "")
        counts = raw.get("counts")
        shown = "" if counts is None else repr(sorted((str(k), str(v)) for k, v in counts.items()))
        return (value(raw.get("answer")), shown, str(raw.get("not_counted") or ""))

    try:
        return key(own) == key(shared)
    except (AttributeError, TypeError):
        return False


def _shown(raw: Any) -> str:
    if isinstance(raw, dict):
        if raw.get("answer") is not None:
            return str(raw["answer"])
        if isinstance(raw.get("counts"), dict):
            return ", ".join(f"{k}: {v}" for k, v in raw["counts"].items())
    return str(raw)


def apply_common(data: Any, answers: dict[str, Any], common_path: str) -> Applied:
    """The unit's raw mapping with every shared answer it does not give itself."""
    if not isinstance(data, dict) or not answers:
        return Applied(data, (), ())
    raw_own = data.get("answers")
    if raw_own is not None and not isinstance(raw_own, dict):
        return Applied(data, (), ())  # the file's schema problem says so
    own = dict(raw_own or {})
    taken: list[str] = []
    warnings: list[Pending] = []
    for qid, raw in answers.items():
        if qid not in own or is_blank(own[qid]):
            own[qid] = raw
            taken.append(str(qid))
        elif not _same(own[qid], raw):
            message = _(
                "'{id}' is answered '{own}' here and '{shared}' in the shared file {file};"
                " the unit's own answer is used"
            ).format(id=qid, own=_shown(own[qid]), shared=_shown(raw), file=common_path)
            warnings.append(Pending(("answers", qid), "common_conflict", message, "key", "warning"))
    return Applied({**data, "answers": own}, tuple(taken), tuple(warnings))


def _mismatch(data: dict[Any, Any], shared: Shared, unit: str) -> list[Pending]:
    """The shared file's `year`, when it gives one, against the unit's: last year's shared
    file is the wrong one. (Its `rules` is only what its own answers are checked against
    by `pmprb validate`: a unit may name an overlay of it.)"""
    mine, theirs = data.get("year"), shared.data.get("year")
    if theirs is None or mine is None or mine == theirs:
        return []
    message = _("the shared file is for {theirs}, the answer file {file} for {mine}").format(
        theirs=theirs, file=unit, mine=mine
    )
    return [Pending(("year",), "common_year", message)]


@dataclass(frozen=True, slots=True)
class Use:
    """The shared file a unit used: how it was named, its digest, the ids taken."""

    path: str  # display path
    ref: str  # as written in the answer file, or the --common path as given
    digest: str
    shared: tuple[str, ...]


def apply_to(
    source: Source, unit_file: Path, flag: Path | None = None, memo: Memo | None = None
) -> tuple[Source, Use | None]:
    """The Source with its shared file applied (see the module docstring), and what was used.

    Raises ProblemsError: a reference that cannot be read (located at `common:` in the
    answer file), a shared file with problems, or one for another year (located in the
    shared file).
    """
    chosen = which(unit_file, source.data, flag)
    if chosen is None:
        return source, None
    path, from_ref = chosen
    shown = display_path(path)
    try:
        shared = (memo or Memo()).get(path, shown)
    except ProblemsError as exc:
        first = exc.problems[0]
        if from_ref and first.code in ("not_found", "unreadable", "too_large"):
            message = _("the shared file {file} named here cannot be read: {why}").format(
                file=shown, why=first.message
            )
            problem = Pending((KEY,), "common_unreadable", message)
            raise ProblemsError(source.where([problem])) from None
        raise
    data = source.data
    mismatch = _mismatch(data, shared, source.path) if isinstance(data, dict) else []
    if mismatch:
        raise ProblemsError(shared.where(mismatch))
    applied = apply_common(data, shared.answers, shown)
    taken = set(applied.shared)
    own_where = source.where

    def where(pending: Iterable[Pending]) -> list[Problem]:
        mine: list[Pending] = []
        theirs: list[Pending] = []
        for p in pending:
            ours = len(p.loc) >= 2 and p.loc[0] == "answers" and p.loc[1] in taken
            (theirs if ours else mine).append(p)
        return sorted(own_where(mine) + shared.where(theirs), key=Problem.sort_key)

    ref = str(flag) if flag is not None else str(reference(data))
    use = Use(shown, ref, shared.digest, applied.shared)
    return replace(
        source, data=applied.data, where=where, extra=(*source.extra, *applied.warnings)
    ), use


def with_use(assessment: Assessment, use: Use | None) -> Assessment:
    """The assessment recording the shared file it used."""
    if use is None:
        return assessment
    return replace(assessment, common=use.path, shared=use.shared)


def validate_with_common(
    source: Source,
    unit_file: Path,
    rules_ref: str | None = None,
    flag: Path | None = None,
    memo: Memo | None = None,
) -> tuple[Assessment, Use | None]:
    """Validate an answer file with its shared file applied."""
    source, use = apply_to(source, unit_file, flag, memo)
    return with_use(validate_source(source, rules_ref), use), use


def load_assessment(
    path: Path, rules_ref: str | None = None, display: str | None = None, common: Path | None = None
) -> Assessment:
    """Read, parse and validate one answer file, with its shared-values file applied (the
    one given, else the one the file names); every problem raises ProblemsError at once.

    Here rather than in assessment.py: reading a unit's file whole takes its shared file,
    and this module builds on assessment.py."""
    from pmprb.inputs.source import read_source

    shown = display or display_path(path)
    return validate_with_common(read_source(path, shown), path, rules_ref, common)[0]


def shared_note(assessment: Assessment) -> str | None:
    """The line saying which values came from the shared file; None when none was used."""
    if assessment.common is None:
        return None
    return _("From the shared file {file}: {ids}").format(
        file=assessment.common, ids=", ".join(assessment.shared) or "-"
    )
