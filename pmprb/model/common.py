"""Values shared by every OPD of a Pemda, applied to a unit's raw answer mapping.

Some answers are measured once for the whole instansi (Indeks SPBE, IP ASN, Nilai SAKIP
of the Pemda, survey results). A shared file holds them, with their evidence, in the
answer file's own `answers:` form:

    instansi: Pemerintah Kota Sukamaju (fiktif)
    answers:
      tl.e_government.a: {answer: A, evidence: [Hasil evaluasi SPBE 2022]}

`apply_common` is a transformation of the raw mapping (before validation), so YAML and
workbook answer files get it alike. Precedence: the unit's own answer wins; when it
differs from the shared one, a warning `common_conflict` says so. The ids taken from the
shared file are returned, for results to say where each value came from.
Used by `pmprb score --common FILE` (batch, validate and init are still to come).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from pmprb.base.errors import Problem
from pmprb.base.i18n import _


@dataclass(frozen=True, slots=True)
class Applied:
    """A unit's raw mapping with the shared answers in, and what came from where."""

    data: Any
    shared: tuple[str, ...]  # question ids answered from the shared file
    warnings: tuple[Problem, ...]


def _answer_of(raw: Any) -> Any:
    return raw.get("answer") if isinstance(raw, dict) else raw


def apply_common(data: Any, common: dict[str, Any], unit_path: str, common_path: str) -> Applied:
    """The unit's raw mapping with every shared answer it does not give itself."""
    shared = common.get("answers") if isinstance(common, dict) else None
    if not isinstance(data, dict) or not isinstance(shared, dict):
        return Applied(data, (), ())
    own = data.get("answers")
    own = dict(own) if isinstance(own, dict) else {}
    taken: list[str] = []
    warnings: list[Problem] = []
    for qid, raw in shared.items():
        if qid not in own:
            own[qid] = raw
            taken.append(str(qid))
        elif str(_answer_of(own[qid])).strip() != str(_answer_of(raw)).strip():
            message = _(
                "'{id}' is answered '{own}' here and '{shared}' in the shared file {file};"
                " the unit's own answer is used"
            ).format(id=qid, own=_answer_of(own[qid]), shared=_answer_of(raw), file=common_path)
            warnings.append(Problem(unit_path, None, None, "common_conflict", message, "warning"))
    return Applied({**data, "answers": own}, tuple(taken), tuple(warnings))


def load_common(path: Any, shown: str) -> dict[str, Any]:
    """Read a shared-values file (YAML); problems raise ProblemsError."""
    from pmprb.inputs.loader import parse, read_text

    data = parse(shown, read_text(path, shown))
    return data if isinstance(data, dict) else {}


def load_with_common(path: Any, rules_ref: str | None, common_path: Any) -> tuple[Any, Applied]:
    """An answer file validated with the shared answers applied: (Assessment, Applied)."""
    from dataclasses import replace

    from pmprb.base.escape import path as display_path
    from pmprb.inputs.source import read_source
    from pmprb.model.assessment import validate_source

    shown, common_shown = display_path(path), display_path(common_path)
    source = read_source(path, shown)
    applied = apply_common(source.data, load_common(common_path, common_shown), shown, common_shown)
    return validate_source(replace(source, data=applied.data), rules_ref), applied


def shared_note(applied: Applied, common_path: str) -> str:
    """The line saying which values came from the shared file."""
    return _("From the shared file {file}: {ids}").format(
        file=common_path, ids=", ".join(applied.shared) or "-"
    )
