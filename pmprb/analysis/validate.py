"""`pmprb validate`: check many answer files in one process, as a gate before review.

Everything the loader checks, plus what a submission needs before a person reads it: every
question answered (except under a published score), the rule set the run expects, and data
dukung for answers above a scale's lowest option. No printing: the CLI renders the Report.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from pathlib import Path
from typing import Any

from pmprb.base.errors import Exit, Problem, ProblemsError, RulesError, has_errors
from pmprb.base.escape import path as display_path
from pmprb.base.files import answer_files
from pmprb.base.i18n import _, ngettext
from pmprb.inputs.loader import Pending
from pmprb.inputs.source import read_source
from pmprb.model.assessment import (
    Assessment,
    Given,
    is_blank,
    not_answer_file,
    not_answer_message,
    usable_answers,
    validate_source,
)
from pmprb.model.common import Memo, apply_to, check_shared, is_common_file, with_use
from pmprb.model.load import load_rules
from pmprb.model.rules import ChoiceScale, Document, LoadedRules, Node

# A file that could not be read at all: the tool could not run on it (exit 2).
# a path that cannot be read, or a --fail-under-category that a file's rule set lacks
CANNOT_RUN = frozenset({"not_found", "unreadable", "unknown_category"})
# A problem about the rule set named, not the answers: completeness checks would only add noise.
_WRONG_RULES = frozenset({"rules_mismatch", "unknown_rules", "rules_version"})
MISSING_LISTED = 10  # question ids named in a "missing from answers" message


@dataclass(frozen=True, slots=True)
class Options:
    """What one run checks."""

    rules: str | None = None  # the rule set every file must use (id or path); None: each file's
    strict: bool = False  # warnings are errors
    fail_under: Decimal | None = None  # minimum index
    fail_under_category: str | None = None  # minimum category (a band id)
    score: bool = False  # score valid files even without a threshold (for the summary)
    # YAML files that are not answer files (rule sets, CI files) are skipped with a note
    # even when named on the command line (the pre-commit hook); under a folder they always are
    skip_other: bool = False
    common: Path | None = None  # --common: the shared-values file for every file


@dataclass(frozen=True, slots=True)
class Scored:
    """The score of a valid file, for thresholds and the summary."""

    unit: str
    code: str
    rules: str
    year: int
    index: Decimal
    category: str | None
    predicate: str | None
    answered: int
    questions: int


@dataclass(frozen=True, slots=True)
class FileReport:
    """One file's problems (sorted) and, when it was scored, its score."""

    path: str
    problems: tuple[Problem, ...]
    scored: Scored | None = None
    unit: str | None = None  # "name (code)" as the file gives it, even when it is invalid

    @property
    def errors(self) -> int:
        """How many problems are errors."""
        return sum(p.level == "error" for p in self.problems)

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return sum(p.level == "warning" for p in self.problems)


@dataclass(frozen=True, slots=True)
class Report:
    """Every file checked in one run, sorted by path."""

    files: tuple[FileReport, ...]
    # YAML files that are not answer files, set aside unchecked: (path, why)
    skipped: tuple[tuple[str, str], ...] = ()

    @property
    def problems(self) -> list[Problem]:
        """All problems, each once, sorted by file, position and code (files that name the
        same broken rule set share its problems)."""
        return sorted({p for f in self.files for p in f.problems}, key=Problem.sort_key)

    @property
    def errors(self) -> int:
        """How many problems are errors."""
        return sum(f.errors for f in self.files)

    @property
    def warnings(self) -> int:
        """How many problems are warnings."""
        return sum(f.warnings for f in self.files)

    @property
    def failed(self) -> int:
        """How many files have at least one error."""
        return sum(f.errors > 0 for f in self.files)

    @property
    def exit_code(self) -> Exit:
        """2 when a file could not be read (or the category asked for does not exist), 1 when
        any error, else 0."""
        problems = self.problems
        if any(p.code in CANNOT_RUN for p in problems):
            return Exit.CANNOT_RUN
        return Exit.INVALID if has_errors(problems) else Exit.OK


def parse_threshold(text: str) -> Decimal:
    """A --fail-under value as an exact decimal; ValueError when it is not a number >= 0."""
    try:
        value = Decimal(text.strip())
    except InvalidOperation:
        raise ValueError(text) from None
    if not value.is_finite() or value < 0:
        raise ValueError(text)
    return value


def validate_paths(paths: Sequence[Path], options: Options) -> Report:
    """Check every answer file under `paths`.

    Raises RulesError when the rule set given (or a threshold category) cannot be used, and
    ProblemsError (code no_files) when there is nothing to check: the tool cannot run.
    """
    if options.rules is not None:
        pinned = load_rules(options.rules)
        wanted = options.fail_under_category
        if wanted is not None and _band_rank(pinned, wanted) is None:
            raise RulesError([_unknown_category(pinned.path, pinned, wanted)])
    files, unread = answer_files(paths)
    if not files and not unread:
        shown = " ".join(display_path(p) for p in paths) or "."
        raise ProblemsError(
            [
                Problem(
                    shown,
                    None,
                    None,
                    "no_files",
                    _("no answer files (*.yaml, *.yml, *.xlsx) found"),
                )
            ]
        )
    run = _Run(options)
    named = {str(p) for p in paths if not p.is_dir()}
    checked: list[FileReport] = []
    skipped: list[tuple[str, str]] = []
    for path, shown in files:
        result = run.check(path, shown, skip_other=options.skip_other or shown not in named)
        if isinstance(result, FileReport):
            checked.append(result)
        else:
            skipped.append((shown, result))
    checked += [FileReport(p.path, (p,)) for p in unread]  # a folder not read: exit 2
    return Report(tuple(sorted(checked, key=_by_path)), tuple(sorted(skipped)))


def _by_path(report: FileReport) -> str:
    return report.path


@dataclass(frozen=True, slots=True)
class _Plan:
    """Look-ups for one rule set, computed once per run."""

    ancestors: dict[str, frozenset[str]]  # question id -> ids of the nodes above it, and root
    lowest: dict[str, Fraction]  # question id -> value of its scale's lowest answer
    required: dict[str, bool]  # question id -> evidence required by the rule set
    numeric: frozenset[str] = frozenset()  # ids of the questions answered with a number
    items: dict[str, int] = field(default_factory=dict)  # question id -> evidence_items
    documents: tuple[_Expected, ...] = ()  # every indicator's expected documents


@dataclass(frozen=True, slots=True)
class _Expected:
    """One document an indicator expects: the questions it applies to, and the word
    sequences that cite it (its id, its name, its match terms: see cites())."""

    indicator: str
    document: Document
    questions: tuple[str, ...]
    terms: tuple[str, ...]


_WORD = re.compile(r"[^\W_]+")


def words(text: str) -> str:
    """Text as its words (letters and digits, case folded) joined by single spaces: how an
    evidence entry and a document's terms are compared."""
    return " ".join(_WORD.findall(text.casefold()))


def cites(entry: str, terms: tuple[str, ...]) -> bool:
    """Whether an evidence entry cites a document: one of its terms (as words()) occurs in
    the entry as a whole run of words ("Road-Map_RB.pdf" cites "road map"; "roadmap" does
    not, nor does "SKB" cite "SK")."""
    padded = f" {words(entry)} "
    return any(f" {term} " in padded for term in terms)


def _expected(loaded: LoadedRules) -> tuple[_Expected, ...]:
    out: list[_Expected] = []
    for node in loaded.nodes.values():
        for doc in node.documents or ():
            qids = doc.questions or tuple(q.id for q in node.questions or ())
            texts = [doc.id, doc.name, *(doc.match or ())]
            terms = tuple(dict.fromkeys(w for w in map(words, texts) if w))
            out.append(_Expected(node.id, doc, tuple(qids), terms))
    return tuple(out)


def _plan(loaded: LoadedRules) -> _Plan:
    rs = loaded.rules
    ancestors: dict[str, frozenset[str]] = {}

    def visit(node: Node, above: frozenset[str]) -> None:
        here = above | {node.id}
        for child in node.children or ():
            visit(child, here)
        for q in node.questions or ():
            ancestors[q.id] = here

    for top in rs.tree:
        visit(top, frozenset({"root"}))
    lowest: dict[str, Fraction] = {}
    required: dict[str, bool] = {}
    for qid, ref in loaded.questions.items():
        scale = ref.scale
        # a number's lowest answer is its minimum: worth 0 on a `range` scale, min / max on
        # a `ratio` one, min itself on a `points` one
        lowest[qid] = (
            Fraction(min(scale.options.values()))
            if isinstance(scale, ChoiceScale)
            else scale.value(scale.min)
        )
        own = ref.question.evidence_required
        required[qid] = rs.evidence_required if own is None else own
    numeric = frozenset(
        qid for qid, ref in loaded.questions.items() if not isinstance(ref.scale, ChoiceScale)
    )
    items = {
        qid: ref.question.evidence_items
        for qid, ref in loaded.questions.items()
        if ref.question.evidence_items is not None
    }
    return _Plan(ancestors, lowest, required, numeric, items, _expected(loaded))


class _Run:
    """One run over many files: the options and the per-rule-set look-ups."""

    def __init__(self, options: Options) -> None:
        self.options = options
        self.plans: dict[int, tuple[LoadedRules, _Plan]] = {}
        self.memo = Memo()  # each shared file read once per run

    def plan(self, loaded: LoadedRules) -> _Plan:
        """The look-ups for a rule set (rule sets are loaded once and cached by load_rules)."""
        key = id(loaded)
        if key not in self.plans:
            self.plans[key] = (loaded, _plan(loaded))
        return self.plans[key][1]

    def check(self, path: Path, shown: str, skip_other: bool = False) -> FileReport | str:
        """Every problem of one file; its score when a threshold or the summary asks.

        With `skip_other`, a file that is not an answer file gives only the note why (a str).
        """
        try:
            source = read_source(path, shown, keep_nodes=True)
        except ProblemsError as exc:
            return FileReport(shown, tuple(exc.problems))
        if is_common_file(source.data):  # checked on its own, its problems located in it
            found = check_shared(path, shown, self.options.rules)
            if self.options.strict:
                found = [replace(p, level="error") for p in found]
            return FileReport(shown, tuple(sorted(found, key=Problem.sort_key)))
        data = source.data
        if skip_other and isinstance(data, dict):
            why = not_answer_file(data)
            if why is not None:
                return not_answer_message(why)
        problems: list[Problem] = []
        assessment: Assessment | None = None
        try:
            source, use = apply_to(source, path, self.options.common, self.memo)
            data = source.data  # with the shared answers: they count as answered
            assessment = with_use(validate_source(source, self.options.rules), use)
            problems.extend(assessment.warnings)
        except ProblemsError as exc:
            # a broken rule set named by the file (RulesError) is this file's problem too:
            # the other files are still checked (a broken --rules stops the run up front)
            problems.extend(exc.problems)
        loaded = None
        if isinstance(data, dict) and not any(p.code in _WRONG_RULES for p in problems):
            loaded = assessment.rules if assessment is not None else self._rules_of(data)
            if loaded is not None:
                pending = self._completeness(data, loaded, assessment)
                # a question whose cell the reader refused (a formula...) is said once
                refused = {p.loc[:2] for p in source.extra}
                pending = [p for p in pending if p.code != "unanswered" or p.loc[:2] not in refused]
                problems.extend(source.where(pending))
        wanted = self.options.fail_under_category
        if loaded is not None and wanted is not None and _band_rank(loaded, wanted) is None:
            problems.append(_unknown_category(shown, loaded, wanted))
        if self.options.strict:
            problems = [replace(p, level="error") for p in problems]
        scored = None
        if assessment is not None and not has_errors(problems) and self._wants_score():
            scored, below = self._score(shown, assessment)
            problems.extend(below)
        return FileReport(
            shown, tuple(sorted(problems, key=Problem.sort_key)), scored, _unit_of(data)
        )

    def _rules_of(self, data: dict[Any, Any]) -> LoadedRules | None:
        """The rule set a file with problems is checked against, when it can be known."""
        ref = self.options.rules if self.options.rules is not None else data.get("rules")
        if not isinstance(ref, str) or not ref:
            return None
        try:
            return load_rules(ref)
        except ProblemsError:
            return None  # already reported as the file's unknown_rules

    def _completeness(
        self, data: dict[Any, Any], loaded: LoadedRules, assessment: Assessment | None
    ) -> list[Pending]:
        """Unanswered questions and answers without data dukung."""
        raw = data.get("answers", {})
        if not isinstance(raw, dict):
            return []  # the file's schema problem already says so
        plan = self.plan(loaded)
        if assessment is not None:
            given, published = assessment.answers, set(assessment.scores)
        else:
            given = usable_answers(data, loaded)
            scores = data.get("scores")
            published = (
                {k for k in scores if isinstance(k, str) and k in loaded.maxima}
                if isinstance(scores, dict)
                else set()
            )
        out: list[Pending] = []
        missing: list[str] = []
        for qid in loaded.questions:
            if published and not published.isdisjoint(plan.ancestors[qid]):
                continue  # under a published score: its answers are not used
            if qid not in raw:
                missing.append(qid)
            elif is_blank(raw[qid]):
                message = _("'{qid}' is not answered").format(qid=qid)
                out.append(Pending(("answers", qid), "unanswered", message, "key"))
            elif qid in given:
                found = self._evidence(qid, given[qid], plan)
                if found is not None:
                    out.append(found)
        if missing:
            out.append(_missing(missing))
        out.extend(self._documents(given, published, plan))
        return out

    def _documents(
        self, given: dict[str, Given], published: set[str], plan: _Plan
    ) -> list[Pending]:
        """A problem for each expected document that no evidence of its questions cites,
        when one of them is answered above its scale's lowest option (the claim the document
        supports); at that answer."""
        out: list[Pending] = []
        for exp in plan.documents:
            if published and not published.isdisjoint(plan.ancestors[exp.questions[0]]):
                continue  # under a published score: its answers are not used
            claimed = [q for q in exp.questions if q in given and given[q].value > plan.lowest[q]]
            if not claimed:
                continue
            entries = (e for q in exp.questions if q in given for e in given[q].evidence)
            if any(cites(e, exp.terms) for e in entries):
                continue
            values = {
                "document": exp.document.shown,
                "id": exp.document.id,
                "indicator": exp.indicator,
                "questions": ", ".join(f"'{q}'" for q in claimed),
            }
            if any(plan.required[q] for q in claimed):
                message = _(
                    "the rule set requires evidence (data dukung) for {questions}, and it does "
                    "not cite the document '{document}' expected by indicator '{indicator}' "
                    "(write its name, or its id {id}, in `evidence`)"
                ).format(**values)
                out.append(Pending(("answers", claimed[0]), "missing_document", message, "key"))
                continue
            message = _(
                "the evidence (data dukung) of {questions} does not cite the document "
                "'{document}' expected by indicator '{indicator}' (write its name, or its id "
                "{id}, in `evidence`)"
            ).format(**values)
            loc = ("answers", claimed[0])
            out.append(Pending(loc, "missing_document", message, "key", level="warning"))
        return out

    def _evidence(self, qid: str, given: Given, plan: _Plan) -> Pending | None:
        """A problem when an answer above the lowest option has no data dukung, or fewer
        documents than the rule set asks for (`evidence_items`)."""
        if given.value <= plan.lowest[qid]:
            return None
        docs = sum(1 for e in given.evidence if e.strip())
        wanted = plan.items.get(qid)
        if docs and wanted is not None and docs < wanted:
            message = _(
                "'{qid}' has {n} evidence documents; the rule set asks for {wanted}"
            ).format(qid=qid, n=docs, wanted=wanted)
            return Pending(("answers", qid, "evidence"), "few_evidence", message, level="warning")
        if docs:
            return None
        loc = ("answers", qid)
        if plan.required[qid]:
            message = _(
                "the rule set requires evidence (data dukung) for '{qid}' (answered {answer})"
            ).format(qid=qid, answer=given.display)
            return Pending(loc, "no_evidence", message, "key")
        if qid in plan.numeric:
            message = _(
                "'{qid}' is {answer} with no evidence (data dukung): add the source of the "
                "figure (a report, a survey result) under `evidence`"
            ).format(qid=qid, answer=given.display)
        else:
            message = _(
                "'{qid}' is answered {answer}, above the lowest option, with no evidence "
                "(data dukung)"
            ).format(qid=qid, answer=given.display)
        return Pending(loc, "no_evidence", message, "key", level="warning")

    def _wants_score(self) -> bool:
        o = self.options
        return o.score or o.fail_under is not None or o.fail_under_category is not None

    def _score(self, shown: str, assessment: Assessment) -> tuple[Scored, list[Problem]]:
        """Score a valid file and check it against the thresholds."""
        from pmprb.analysis.engine import score

        result = score(assessment)
        rs = assessment.rules.rules
        named = result.category
        category, predicate = named if named is not None else (None, None)
        scored = Scored(
            assessment.unit.name,
            assessment.unit.code,
            rs.id,
            assessment.year,
            result.index,
            category,
            predicate,
            result.answered,
            result.questions,
        )
        out: list[Problem] = []
        threshold = self.options.fail_under
        if threshold is not None and result.index < threshold:
            message = _("index {index} < {threshold} (--fail-under)").format(
                index=result.index, threshold=_shown_threshold(threshold, rs.precision)
            )
            out.append(Problem(shown, None, None, "below_threshold", message))
        wanted = self.options.fail_under_category
        if wanted is not None:
            rank = _band_rank(assessment.rules, wanted)
            assert rank is not None  # checked before scoring (check())
            ids = [b.id for b in rs.bands]
            have = ids.index(result.band.id) if result.band is not None else -1
            if have < rank:
                message = _("category {category} < {wanted} (index {index})").format(
                    category=category or "-", wanted=ids[rank], index=result.index
                )
                out.append(Problem(shown, None, None, "below_threshold", message))
        return scored, out


def _unit_of(data: Any) -> str | None:
    """The unit a file names, "name (code)", whatever else is wrong with it."""
    unit = data.get("unit") if isinstance(data, dict) else None
    if not isinstance(unit, dict):
        return None
    name, code = unit.get("name"), unit.get("code")
    name = name.strip() if isinstance(name, str) else ""
    code = str(code).strip() if isinstance(code, str | int) and not isinstance(code, bool) else ""
    if not name and not code:
        return None
    return f"{name or '-'} ({code or '-'})"


def _missing(missing: list[str]) -> Pending:
    """One problem for the questions a file leaves out entirely (a template lists them all)."""
    n = len(missing)
    ids = ", ".join(missing[:MISSING_LISTED])
    if n > MISSING_LISTED:
        ids += _(" and {more} more").format(more=n - MISSING_LISTED)
    message = ngettext(
        "{n} question has no entry in answers: {ids} (`pmprb init` writes every question)",
        "{n} questions have no entry in answers: {ids} (`pmprb init` writes every question)",
        n,
    ).format(n=n, ids=ids)
    return Pending(("answers",), "missing_answers", message, "key")


def _shown_threshold(value: Decimal, precision: int) -> str:
    """A threshold with the index's decimals (60 -> 60.00), or all of its own if it has more."""
    quantum = Decimal(1).scaleb(-precision)
    exponent = value.as_tuple().exponent
    if isinstance(exponent, int) and exponent < -precision:
        return format(value, "f")
    try:
        return str(value.quantize(quantum))
    except InvalidOperation:  # more digits than a Decimal context holds (--fail-under 1e30)
        return format(value, "f")


def _band_rank(loaded: LoadedRules, wanted: str) -> int | None:
    """The position of a category among the rule set's bands (lowest first), case-insensitive;
    None when the rule set has no such category."""
    for i, band in enumerate(loaded.rules.bands):
        if band.id.casefold() == wanted.strip().casefold():
            return i
    return None


def _unknown_category(path: str, loaded: LoadedRules, wanted: str) -> Problem:
    ids = ", ".join(b.id for b in loaded.rules.bands) or "-"
    message = _("rule set '{id}' has no category '{wanted}'; its categories: {ids}").format(
        id=loaded.rules.id, wanted=wanted, ids=ids
    )
    return Problem(path, None, None, "unknown_category", message)
