"""The command line: options in, calls to the core, a renderer, an exit code. No logic here.

Heavy modules (the engine, pydantic models, renderers) are imported inside the commands so
that `pmprb --help` starts fast.
"""

# No `from __future__ import annotations` here: typer reads the annotations of every command
# at each start, and evaluating them from strings costs ~10 ms (issue 16, a fast start).

import io
import os
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from enum import StrEnum
from functools import wraps
from pathlib import Path
from typing import Annotated, Any, NoReturn, TypeVar

import typer

from pmprb.base.errors import Exit, Problem, ProblemsError, RulesError
from pmprb.base.i18n import _, ngettext, set_language
from pmprb.clihelp import PIPE_CLOSED, drop_stdout
from pmprb.report import FOLD_OVER

EXIT_CODES = """Exit codes: 0 ok; 1 the input is invalid (or a threshold fails);
2 the tool could not run (missing file, bad usage, unreadable rule set)."""

app = typer.Typer(
    name="pmprb",
    help="Score PMPRB self-assessments (Indeks RB) from YAML rule sets and answer files.\n\n"
    + EXIT_CODES,
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    # plain help: typer's rich help imports a Markdown parser (~0.1 s at every start)
    rich_markup_mode=None,
)
rules_app = typer.Typer(
    help="List, describe, check and compare rule sets (bundled ids, files, overlays).",
    no_args_is_help=True,
)
app.add_typer(rules_app, name="rules")

F = TypeVar("F", bound=Callable[..., Any])

_CANNOT_RUN = frozenset({"not_found", "unreadable", "no_files"})


def _stderr() -> Any:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


def _say(message: str, style: str = "") -> None:
    """One message on stderr: plain text on one line (escape.line); under GitHub Actions
    also made inert for the runner (escape.github_line)."""
    from pmprb.base.escape import github_line, in_github_actions, line

    shown = github_line(message) if in_github_actions() else line(message)
    _stderr().print(shown, style=style, markup=False, highlight=False)


def _stdout(text: str, human: bool = True) -> None:
    """A rendered output on stdout (through emit); under GitHub Actions, a human-readable
    one (text, Markdown) is made inert for the runner line by line. Data formats are left
    whole."""
    from pmprb.base.escape import github_lines, in_github_actions

    emit(github_lines(text) if human and in_github_actions() else text)


def _show(renderable: Any) -> None:
    """A rich renderable on stdout through emit (colours and width of the terminal; its user
    text is plain Text, escape.cells/terminal); under GitHub Actions made inert for the
    runner."""
    from rich.console import Console

    from pmprb.base.escape import github_inert, in_github_actions

    terminal = Console(highlight=False)  # what stdout is: a terminal, its width, colours
    console = Console(
        file=io.StringIO(),
        highlight=False,
        width=terminal.width,
        color_system=terminal.color_system,  # type: ignore[arg-type]
        force_terminal=terminal.is_terminal,
    )
    console.print(renderable)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    emit(github_inert(text) if in_github_actions() else text)


def _as_text(renderable: Any, width: int = 120) -> str:
    """A rich renderable as plain text for a file (`--output`): no colour, a fixed width."""
    from rich.console import Console

    console = Console(file=io.StringIO(), highlight=False, width=width, color_system=None)
    console.print(renderable)
    return console.file.getvalue()  # type: ignore[no-any-return,attr-defined]


def print_problems(problems: list[Problem]) -> None:
    """Problems go to stderr, one per line, as path:line:col: [level] code: message."""
    for p in problems:
        _say(p.format(), "red" if p.level == "error" else "yellow")


def emit(payload: str | bytes | Iterable[str]) -> None:
    """Write a command's output to stdout, whole and flushed: the one way to stdout.

    A failed or short write (a full disk, /dev/full, a terminal gone) is one line on
    stderr and exit 2, never a traceback or a silent exit 0. A reader that stops reading
    (`pmprb ... | head`) is not an error: pmprb stops quietly with 141, like a program
    ended by SIGPIPE. Text in pieces is written as it comes.
    """
    try:
        if isinstance(payload, bytes):
            sys.stdout.flush()
            sys.stdout.buffer.write(payload)
            sys.stdout.buffer.flush()
        else:
            sys.stdout.writelines((payload,) if isinstance(payload, str) else payload)
            sys.stdout.flush()
    except BrokenPipeError:
        drop_stdout()
        raise typer.Exit(PIPE_CLOSED) from None
    except OSError as exc:
        drop_stdout()
        why = exc.strerror or str(exc)
        _bad_usage(_("cannot write the output to stdout: {why}").format(why=why))


def handle_problems(func: F) -> F:
    """Turn the tool's own errors into problems on stderr and a documented exit code.

    Only ProblemsError is caught: a real bug keeps its traceback.
    """

    @wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except ProblemsError as exc:
            print_problems(exc.problems)
            cannot_run = isinstance(exc, RulesError) or all(
                p.code in _CANNOT_RUN for p in exc.problems
            )
            raise typer.Exit(Exit.CANNOT_RUN if cannot_run else Exit.INVALID) from None

    return wrapper  # type: ignore[return-value]


LangOption = Annotated[
    str | None,
    typer.Option(
        "--lang",
        help="Output language: id (default) or en (also id_ID, en_US.UTF-8); also PMPRB_LANG.",
        show_default=False,
    ),
]
BasisOption = Annotated[
    str,
    typer.Option(
        "--basis",
        help="Whose answers: unit (default), review (the reviewer's values, the unit's where "
        "none) or both (side by side, with the difference).",
    ),
]
RulesOption = Annotated[
    str | None,
    typer.Option(
        "--rules",
        help="Rule set: a bundled id or a path (default: the file's own).",
        show_default=False,
    ),
]

CommonOption = Annotated[
    Path | None,
    typer.Option(
        "--common",
        help="The shared-values file of the whole instansi (YAML), instead of the one each "
        "answer file names with `common:`; a unit's own answer wins.",
        show_default=False,
    ),
]

CsvLocaleOption = Annotated[
    str | None,
    typer.Option(
        "--csv-locale",
        help="csv: c (default; comma, decimal point, for programs) or id (semicolon, "
        "decimal comma, UTF-8 with BOM: for a spreadsheet set to Indonesian).",
        show_default=False,
    ),
]


@app.callback()
def main_options(lang: LangOption = None) -> None:
    """Score PMPRB self-assessments (Indeks RB)."""
    set_language(lang)
    from pmprb.base.i18n import unknown_language

    unknown = unknown_language()
    if unknown is not None:
        _say(
            _("unknown language '{lang}'; using Indonesian (id); choose id or en").format(
                lang=unknown
            ),
            "yellow",
        )
    from pmprb.base.limits import invalid

    bad_limits = invalid()
    if bad_limits:  # an absurd PMPRB_MAX_* is said once, before any work (exit 2)
        print_problems(bad_limits)
        raise typer.Exit(Exit.CANNOT_RUN)


@app.command()
@handle_problems
def score(
    file: Annotated[
        Path,
        typer.Argument(help="The unit's answer file (YAML or .xlsx).", show_default=False),
    ],
    rules: RulesOption = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, markdown or csv.")
    ] = "table",
    top: Annotated[int, typer.Option("--top", min=0, help="How many improvements to list.")] = 10,
    csv_locale: CsvLocaleOption = None,
    basis: BasisOption = "unit",
    common: CommonOption = None,
) -> None:
    """Score one answer file: index, category, components, areas and what to improve.

    --basis review scores the reviewer's values (the unit's answer where none); --basis
    both shows the two side by side with the difference.
    Exit codes: 0 ok; 1 the input is invalid; 2 the tool could not run.
    """
    from pmprb.analysis.engine import score as score_assessment
    from pmprb.analysis.review import Basis
    from pmprb.model.common import load_assessment, shared_note
    from pmprb.report import Format

    fmt = _format(Format, format)
    locale = _csv_locale(csv_locale, fmt is Format.csv)
    side = _basis(basis)
    assessment = load_assessment(file, rules, common=common)
    if assessment.warnings:
        print_problems(list(assessment.warnings))
    note = shared_note(assessment)
    if side is not Basis.unit:
        _score_review(assessment, side, fmt, top, locale)
        if note is not None and fmt is Format.table:
            _stdout(note + "\n")
        return
    result = score_assessment(assessment)
    if fmt is Format.table:
        from pmprb.report.table import render

        _show(render(result, top))
        if note is not None:
            _stdout(note + "\n")
        return
    from pmprb.report import text

    if fmt is Format.markdown:
        _stdout(text.to_markdown(result, top))
        return
    if fmt is Format.csv:
        _stdout(text.to_csv(result, locale), human=False)
        return
    _stdout(text.to_json(result), human=False)


def _score_review(assessment: Any, side: Any, fmt: Any, top: int, locale: Any) -> None:
    """`score --basis review|both`: the reviewer's result, or both side by side."""
    from pmprb.analysis.engine import score as score_assessment
    from pmprb.analysis.review import Basis, compare, on_basis, reviewed_count
    from pmprb.report import Format
    from pmprb.report import compare as view

    if side is Basis.both:
        comp = compare(assessment)
        if fmt is Format.table:
            _show(view.render_compare(comp))
            return
        _emit_as(
            fmt,
            {
                Format.json: view.compare_json,
                Format.csv: lambda c: view.compare_csv(c, locale),
                Format.markdown: view.compare_markdown,
            },
            comp,
        )
        return
    result = score_assessment(on_basis(assessment, Basis.review))
    reviewed = reviewed_count(assessment)
    if fmt is not Format.json:  # JSON carries the count itself
        _say(view.reviewed_line(reviewed, result.questions))
    if fmt is Format.table:
        from pmprb.report.table import render

        _show(render(result, top))
        return
    from pmprb.report import text

    if fmt is Format.json:
        _stdout(view.basis_json(result, reviewed), human=False)
        return
    if fmt is Format.markdown:
        _stdout(text.to_markdown(result, top), human=True)
        return
    _stdout(text.to_csv(result, locale), human=False)


@app.command()
@handle_problems
def explain(
    file: Annotated[Path, typer.Argument(help="The answer file (YAML).", show_default=False)],
    node: Annotated[
        str,
        typer.Argument(help="Node or question id (default: root, the index).", show_default=False),
    ] = "root",
    rules: RulesOption = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, markdown or csv.")
    ] = "table",
    basis: BasisOption = "unit",
    common: CommonOption = None,
) -> None:
    """How a node's points are computed, down to each answer, in exact decimals: weights,
    effective maxima, answer values, published scores.

    Exit codes: 0 ok; 1 the input is invalid; 2 the tool could not run (unknown node).
    """
    from pmprb.analysis.engine import score as score_assessment
    from pmprb.analysis.explain import explain as explain_node
    from pmprb.analysis.explain import node_ids
    from pmprb.analysis.review import on_basis
    from pmprb.inputs.loader import suggest
    from pmprb.model.common import load_assessment
    from pmprb.report import Format
    from pmprb.report import explain as view

    fmt = _format(Format, format)
    side = _basis(basis, allow_both=False)
    assessment = load_assessment(file, rules, common=common)
    if assessment.warnings:
        print_problems(list(assessment.warnings))
    result = score_assessment(on_basis(assessment, side))
    ex = explain_node(result, node)
    if ex is None:
        _bad_usage(
            _("unknown node id '{id}'{hint}").format(id=node, hint=suggest(node, node_ids(result)))
        )
    _emit_as(
        fmt,
        {
            Format.table: view.explain_text,
            Format.json: view.explain_json,
            Format.csv: view.explain_csv,
            Format.markdown: view.explain_markdown,
        },
        ex,
    )


@app.command()
@handle_problems
def plan(
    file: Annotated[Path, typer.Argument(help="The answer file (YAML).", show_default=False)],
    target: Annotated[
        str, typer.Option("--target", help="The category to reach, e.g. B.", show_default=False)
    ],
    rules: RulesOption = None,
    basis: BasisOption = "unit",
    max_changes: Annotated[
        int | None,
        typer.Option("--max-changes", min=0, help="At most this many changes.", show_default=False),
    ] = None,
    only: Annotated[
        list[str] | None,
        typer.Option(
            "--only",
            help="Change only questions under this area or node (repeat).",
            show_default=False,
        ),
    ] = None,
    fixed: Annotated[
        list[str] | None,
        typer.Option(
            "--fixed", help="Never change this question or node (repeat).", show_default=False
        ),
    ] = None,
    numeric: Annotated[
        bool,
        typer.Option("--numeric", help="Also raise numeric answers (external indices)."),
    ] = False,
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, markdown or csv.")
    ] = "table",
    common: CommonOption = None,
) -> None:
    """The fewest answer changes (a step up one option; with --numeric, a number raised)
    that make the index reach a category after the rule set's rounding.

    Exit codes: 0 a plan (or already reached); 1 the target cannot be reached or the input
    is invalid; 2 the tool could not run.
    """
    from pmprb.analysis.engine import score as score_assessment
    from pmprb.analysis.plan import PlanRefused, questions_under, unsupported
    from pmprb.analysis.plan import plan as make_plan
    from pmprb.analysis.review import on_basis
    from pmprb.inputs.loader import suggest
    from pmprb.model.common import load_assessment
    from pmprb.report import Format
    from pmprb.report import plan as view

    fmt = _format(Format, format)
    side = _basis(basis, allow_both=False)
    assessment = load_assessment(file, rules, common=common)
    if assessment.warnings:
        print_problems(list(assessment.warnings))
    result = score_assessment(on_basis(assessment, side))
    refused = unsupported(result.rules)
    if refused is not None:  # a structure the plan cannot solve exactly, located
        from pmprb.inputs.loader import locate
        from pmprb.model.rules import bundled_dir

        where = result.rules.path  # a path, or a bundled id shown as 'id (id.yaml)'
        files = [Path(where), bundled_dir() / f"{result.rules.rules.id}.yaml"]
        source = next((f for f in files if f.is_file()), None)
        text = source.read_text(encoding="utf-8") if source is not None else ""
        raise RulesError(locate(where, text, [refused]))
    bands = result.rules.rules.bands
    if not bands:
        _bad_usage(
            _("rule set '{id}' has no categories to plan for").format(id=result.rules.rules.id)
        )
    band = next((b for b in bands if b.id.casefold() == target.strip().casefold()), None)
    if band is None:
        _bad_usage(
            _("unknown category '{target}'; use one of: {all}").format(
                target=target, all=", ".join(b.id for b in bands)
            )
        )
    allowed: set[str] | None = None
    names = [n.id for n in result.root.walk()] + [a.id for a in result.rules.rules.areas]
    names += list(result.rules.questions)
    for ids, kind in ((only, "--only"), (fixed, "--fixed")):
        if not ids:
            continue
        found, unknown = questions_under(result, ids)
        if unknown:
            _bad_usage(
                _("{option}: unknown id '{id}'{hint}").format(
                    option=kind, id=unknown[0], hint=suggest(unknown[0], names)
                )
            )
        if kind == "--only":
            allowed = found
        else:
            frozen = frozenset(found)
    try:
        made = make_plan(
            result, band, max_changes, allowed, frozen if fixed else frozenset(), numeric
        )
    except PlanRefused as exc:  # too costly to solve exactly, or not confirmed: no plan
        _bad_usage(str(exc))
    _emit_as(
        fmt,
        {
            Format.table: view.plan_text,
            Format.json: view.plan_json,
            Format.csv: view.plan_csv,
            Format.markdown: view.plan_markdown,
        },
        made,
    )
    if not made.reached:
        if fmt in (Format.json, Format.csv):
            _say(view.headline(made), "red")
        raise typer.Exit(Exit.INVALID)


def _basis(value: str, allow_both: bool = True) -> Any:
    """A --basis value (any case); anything else is bad usage (exit 2)."""
    from pmprb.analysis.review import Basis

    try:
        side = Basis(value.strip().lower())
    except ValueError:
        side = None
    if side is None or (side is Basis.both and not allow_both):
        allowed = "unit, review or both" if allow_both else "unit or review"
        _bad_usage(_("unknown basis '{basis}'; use {allowed}").format(basis=value, allowed=allowed))
    return side


@app.command()
@handle_problems
def diff(
    old: Annotated[
        Path, typer.Argument(help="The older answer file (YAML or .xlsx).", show_default=False)
    ],
    new: Annotated[
        Path, typer.Argument(help="The newer answer file of the same unit.", show_default=False)
    ],
    format: Annotated[
        str, typer.Option("--format", "-f", help="table, json, markdown or csv.")
    ] = "table",
    rules: RulesOption = None,
    old_rules: Annotated[
        str | None,
        typer.Option("--old-rules", help="OLD's rule set, when not --rules.", show_default=False),
    ] = None,
    top: Annotated[
        int, typer.Option("--top", min=0, help="table: questions shown per kind (0: all).")
    ] = 10,
    csv_locale: CsvLocaleOption = None,
) -> None:
    """Compare two answer files of one unit: index, category, components, areas, questions.

    Exit codes: 0 ok; 1 the input is invalid; 2 the tool could not run.
    """
    from pmprb.analysis.compare import compare
    from pmprb.analysis.engine import score as score_assessment
    from pmprb.model.common import load_assessment
    from pmprb.report import Format
    from pmprb.report import filediff as view

    fmt = _format(Format, format)
    locale = _csv_locale(csv_locale, fmt is Format.csv)
    results = []
    for path, ref in ((old, old_rules or rules), (new, rules)):
        assessment = load_assessment(path, ref)
        if assessment.warnings:
            print_problems(list(assessment.warnings))
        results.append(score_assessment(assessment))
    comparison = compare(results[0], results[1])
    if fmt is Format.table:
        _show(view.render(comparison, top))
        return
    _emit_as(
        fmt,
        {
            Format.json: view.to_json,
            Format.csv: lambda c: view.to_csv(c, locale),
            Format.markdown: view.to_markdown,
        },
        comparison,
    )


@app.command()
@handle_problems
def batch(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Answer files, or folders searched recursively for *.yaml, *.yml and *.xlsx.",
            show_default=False,
        ),
    ],
    rules: RulesOption = None,
    jobs: Annotated[
        int,
        typer.Option(
            "--jobs",
            "-j",
            min=0,
            help="Worker processes (0: one per CPU for large batches; at most 4 per CPU).",
        ),
    ] = 0,
    format: Annotated[
        str | None,
        typer.Option(
            "--format",
            "-f",
            help="table, json, csv, markdown or xlsx (default: from the --output name: "
            ".xlsx, .json, .csv, .md; else table).",
            show_default=False,
        ),
    ] = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", "-o", help="Write to this file (whole or not at all).", show_default=False
        ),
    ] = None,
    detail: Annotated[
        bool, typer.Option("--detail", help="csv/json: one row per unit and question.")
    ] = False,
    cache: Annotated[
        Path | None,
        typer.Option(
            "--cache",
            help="Cache folder: files unchanged since a run with the same rule set are "
            "not scored again.",
            show_default=False,
        ),
    ] = None,
    csv_locale: CsvLocaleOption = None,
    basis: BasisOption = "unit",
    compare: Annotated[
        list[Path] | None,
        typer.Option(
            "--compare",
            help="An earlier year's files or folder (repeatable): the trend against each "
            "(units matched by unit code) instead of the rekap; xlsx adds a trend sheet.",
            show_default=False,
        ),
    ] = None,
    common: CommonOption = None,
) -> None:
    """Score many answer files: the ranking, categories, profile and weak areas (rekap).

    One bad file never stops the batch: its problems are listed and the rest are scored.
    Exit codes: 0 ok; 1 some file is invalid or duplicated; 2 the tool could not run
    (bad usage, missing path, unknown rule set, or pmprb failed on a file).
    """
    from pmprb.analysis import batch as core
    from pmprb.base.i18n import resolve_language
    from pmprb.report import BatchFormat

    fmt = _batch_format(format, output)
    locale = _csv_locale(csv_locale, fmt is BatchFormat.csv)
    if jobs > core.max_jobs():
        _bad_usage(
            _("--jobs is at most {n} (four per CPU), not {jobs}").format(
                n=core.max_jobs(), jobs=jobs
            )
        )
    side = _basis(basis)
    if side == "both" and detail:
        _bad_usage(_("--basis both has no --detail: the rekap compares units and areas"))
    if compare and detail and fmt is not BatchFormat.xlsx:
        _bad_usage(_("--detail has no trend: leave it out with --compare"))
    if detail and fmt in (BatchFormat.table, BatchFormat.markdown):
        # the rows would be built for every unit and never shown
        _bad_usage(_("--detail is for csv and json (xlsx always has the detail sheet)"))
    if fmt is BatchFormat.xlsx and output is None and sys.stdout.isatty():
        _bad_usage(_("xlsx is binary: give --output FILE or redirect the output"))
    if rules is not None:
        from pmprb.model.load import load_rules

        load_rules(rules)  # a broken --rules stops here (exit 2), not once per file
    files, unread = _discover(paths)
    if compare and side != "unit":
        _bad_usage(_("--compare compares the units' own answers: leave out --basis"))
    earlier = [_discover([path]) for path in compare or ()]
    options = core.Options(
        rules=rules,
        detail=detail or fmt is BatchFormat.xlsx,
        cache_dir=str(cache) if cache is not None else None,
        language=resolve_language(),
        basis=str(side),
        common=str(common) if common is not None else None,
    )
    if common is not None:
        _check_common(common)  # a missing or broken --common stops here (exit 2)
    if cache is not None:
        try:
            core.prepare_cache(cache)
        except OSError as exc:
            _bad_usage(_("cannot use {path}: {why}").format(path=cache, why=exc.strerror))
    inputs = [path for path, _shown in files] + ([common] if common is not None else [])
    inputs += [path for found, _unread in earlier for path, _shown in found]
    if output is not None and not _write(output, None, inputs, rules):
        raise typer.Exit(Exit.CANNOT_RUN)  # said before scoring, not after
    try:
        with _progress(len(files)) as tick:
            outcomes = core.run(files, options, core.workers(jobs, len(files)), tick)
    except core.PoolError as exc:
        _bad_usage(str(exc))
    result = core.aggregate([*unread, *outcomes], len(files) + len(unread))
    if result.problems:
        print_problems(list(result.problems))
    if earlier:
        from dataclasses import replace

        # the earlier years' files use their own `common:`: a --common is of this year
        _emit_trend(
            result, earlier, replace(options, common=None), jobs, fmt, output, inputs, rules, locale
        )
        return
    if side != "unit":
        reviewed = sum(r.unit.reviewed for g in result.groups for r in g.ranking)
        _say(
            _("{n} answers reviewed across {units} units.").format(n=reviewed, units=result.scored)
        )
    if side == "both":
        _emit_review_batch(result, fmt, output, inputs, rules, locale)
    else:
        _emit_batch(result, fmt, detail, output, inputs, rules, locale)
    from pmprb.base.errors import has_errors

    if result.internal:
        raise typer.Exit(Exit.CANNOT_RUN)
    if has_errors(list(result.problems)):
        raise typer.Exit(Exit.INVALID)


def _check_common(common: Path) -> None:
    """A --common file that cannot be read or is broken: its problems, exit 2 (one file
    for every unit: nothing could be scored as asked)."""
    from pmprb.base.escape import path as display_path
    from pmprb.model.common import read_shared

    try:
        read_shared(common, display_path(common))
    except ProblemsError as exc:
        print_problems(exc.problems)
        raise typer.Exit(Exit.CANNOT_RUN) from None


def _emit_review_batch(
    result: Any, fmt: Any, output: Path | None, inputs: list[Path], rules: str | None, locale: Any
) -> None:
    """The self-versus-review rekap, to the output file or stdout."""
    from pmprb.report import BatchFormat
    from pmprb.report import review_batch as view

    payload: str | bytes
    if fmt is BatchFormat.xlsx:
        payload = view.review_xlsx(result)
    elif fmt is BatchFormat.table:
        if output is None:
            _show(view.render_review(result))
            return
        payload = _as_text(view.render_review(result))
    else:
        payload = {
            BatchFormat.json: view.review_json,
            BatchFormat.csv: lambda b: view.review_csv(b, locale),
            BatchFormat.markdown: view.review_markdown,
        }[fmt](result)
    if output is None and isinstance(payload, bytes):
        emit(payload)
    elif output is None and isinstance(payload, str):
        _stdout(payload, human=fmt is BatchFormat.markdown)
    elif output is not None and not _write(output, payload, inputs, rules):
        raise typer.Exit(Exit.CANNOT_RUN)


def _discover(paths: list[Path]) -> tuple[list[Any], list[Any]]:
    """The answer files under `paths` and the unreadable ones; a missing path (exit 2) or
    no answer file at all (bad usage) stops the command here."""
    from pmprb.analysis import batch as core

    files, missing, unread = core.discover(paths)
    if missing:
        print_problems(missing)
        raise typer.Exit(Exit.CANNOT_RUN)
    if not files and not unread:
        from pmprb.base.escape import path as display_path

        # the same `path: message` as validate's no_files problem
        shown = " ".join(display_path(p) for p in paths) or "."
        _bad_usage(shown + ": " + _("no answer files (*.yaml, *.yml, *.xlsx) found"))
    return files, unread


def _emit_trend(
    result: Any,
    earlier: list[tuple[list[Any], list[Any]]],
    options: Any,
    jobs: int,
    fmt: Any,
    output: Path | None,
    inputs: list[Path],
    rules: str | None,
    locale: Any,
) -> None:
    """`batch --compare`: score each earlier folder's files the same way, then show the
    trends (in xlsx: the rekap with a trend sheet)."""
    from pmprb.analysis import batch as core
    from pmprb.analysis.trend import history, trend
    from pmprb.base.errors import has_errors
    from pmprb.report import BatchFormat
    from pmprb.report import trend as view

    trends = []
    batches = [result]
    failed = has_errors(list(result.problems))
    for files, unread in earlier:
        outcomes = core.run(files, options, core.workers(jobs, len(files)))
        before = core.aggregate([*unread, *outcomes], len(files) + len(unread))
        if before.problems:
            print_problems(list(before.problems))
        failed = failed or has_errors(list(before.problems))
        trends.append(trend(before, result))
        batches.append(before)
    years = history(batches) if len(batches) > 2 else None  # several years: year by year
    payload: str
    if fmt is BatchFormat.xlsx:
        _emit_batch(result, fmt, False, output, inputs, rules, locale, trends)
    elif fmt is BatchFormat.table and output is None:
        _show(view.render(trends, years))
    else:
        payload = {
            BatchFormat.table: lambda: _as_text(view.render(trends, years)),
            BatchFormat.json: lambda: view.to_json(trends, years),
            BatchFormat.csv: lambda: view.to_csv(trends, locale),
            BatchFormat.markdown: lambda: view.to_markdown(trends, years),
        }[fmt]()
        if output is None:
            _stdout(payload, human=fmt is BatchFormat.markdown)
        elif not _write(output, payload, inputs, rules):
            raise typer.Exit(Exit.CANNOT_RUN)
    if result.internal:
        raise typer.Exit(Exit.CANNOT_RUN)
    if failed:
        raise typer.Exit(Exit.INVALID)


def _emit_batch(
    result: Any,
    fmt: Any,
    detail: bool,
    output: Path | None,
    inputs: list[Path],
    rules: str | None,
    locale: Any = None,
    trends: list[Any] | None = None,
) -> None:
    """Render the rekap and write it to the output file or stdout (xlsx: with `trends`, a
    trend sheet after the rekap's sheets)."""
    from pmprb.report import BatchFormat
    from pmprb.report import batch as view

    note = view.mixed_note(result)
    if note and (fmt is not BatchFormat.table or output is not None):
        # the table says it itself; machine formats and files get it on stderr
        _say(note, "yellow")
    payload: str | bytes | Iterable[str]
    if fmt is BatchFormat.xlsx:
        from pmprb.report import xlsx

        rows = xlsx.detail_size(result)
        if rows > xlsx.MAX_ROWS:
            _bad_usage(
                _(
                    "the detail needs {n} rows, more than Excel holds; use --format csv --detail"
                ).format(n=rows)
            )
        payload = xlsx.to_xlsx(result, trends)
    elif fmt is BatchFormat.table:
        if output is None:
            _show(view.render(result))
            return
        payload = _as_text(view.render(result))
    elif fmt is BatchFormat.json:
        payload = view.iter_json(result, detail)  # written as it is made: never held whole
    elif fmt is BatchFormat.csv:
        payload = view.to_csv(result, detail, locale)
    else:
        payload = view.to_markdown(result)
    if output is None:
        if isinstance(payload, str):
            _stdout(payload, human=fmt is BatchFormat.markdown)
        else:
            emit(payload)
        return
    if not _write(output, payload, inputs, rules):
        raise typer.Exit(Exit.CANNOT_RUN)


@contextmanager
def _progress(total: int) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when it is a terminal; silent otherwise."""
    err = _stderr()
    if not err.is_terminal:
        yield lambda n: None
        return
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TimeRemainingColumn

    # manual refreshes only: no refresh thread alive while worker processes are forked
    bar = Progress(
        "{task.description}",
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
        console=err,
        auto_refresh=False,
        transient=True,
    )
    task = bar.add_task(_("Scoring"), total=total)
    last = [0.0]

    def tick(n: int) -> None:
        bar.advance(task, n)
        now = time.monotonic()
        if now - last[0] > 0.1:
            last[0] = now
            bar.refresh()

    with bar:
        yield tick


E = TypeVar("E", bound=StrEnum)


def _emit_as(fmt: Any, renderers: dict[Any, Callable[[Any], str]], value: Any) -> None:
    """`value` rendered for the --format asked, to stdout; table and Markdown are for
    people (stdout a terminal: shown as such), json and csv for programs."""
    _stdout(renderers[fmt](value), human=fmt.value in ("table", "markdown"))


def _format(kind: type[E], value: str) -> E:
    """A --format value as its enum member (any case); anything else is bad usage (exit 2)."""
    try:
        return kind(value.strip().lower())
    except ValueError:
        _bad_usage(
            _("unknown format '{fmt}'; use one of: {all}").format(
                fmt=value, all=", ".join(member.value for member in kind)
            )
        )


def _batch_format(value: str | None, output: Path | None) -> Any:
    """The batch format: --format, else the one the --output name says, else the table.

    A workbook is binary: written under another name, or text under a .xlsx name, no
    program would open it, so that mismatch is bad usage (exit 2)."""
    from pmprb.report import BatchFormat

    suffixes = {
        ".xlsx": BatchFormat.xlsx,
        ".json": BatchFormat.json,
        ".csv": BatchFormat.csv,
        ".md": BatchFormat.markdown,
    }
    named = None if output is None else suffixes.get(output.suffix.lower())
    if value is None:
        return named or BatchFormat.table
    fmt = _format(BatchFormat, value)
    if output is not None and (fmt is BatchFormat.xlsx) != (named is BatchFormat.xlsx):
        if fmt is BatchFormat.xlsx:
            _bad_usage(_("--format xlsx writes a workbook: give --output a .xlsx name"))
        _bad_usage(_("a .xlsx output is a workbook: use --format xlsx (or leave --format out)"))
    return fmt


def _csv_locale(value: str | None, is_csv: bool) -> Any:
    """The --csv-locale value as a CsvLocale (c when not given); bad usage (exit 2) when it
    is unknown or given for a format that is not csv."""
    from pmprb.report.csvout import CsvLocale

    if value is None:
        return CsvLocale.c
    if not is_csv:
        _bad_usage(_("--csv-locale is for --format csv"))
    try:
        return CsvLocale(value)
    except ValueError:
        _bad_usage(
            _("unknown CSV locale '{locale}'; use one of: {all}").format(
                locale=value, all=", ".join(member.value for member in CsvLocale)
            )
        )


def _bad_usage(message: str) -> NoReturn:
    _say(message, "red")
    raise typer.Exit(Exit.CANNOT_RUN)


@app.command()
@handle_problems
def init(
    unit: Annotated[str, typer.Option("--unit", help="Unit name, e.g. Dinas Kesehatan.")],
    code: Annotated[str, typer.Option("--code", help="Unit code.")],
    year: Annotated[int, typer.Option("--year", min=1990, max=2100, help="Assessment year.")],
    rules: Annotated[
        str | None,
        typer.Option(
            "--rules",
            help="Rule set id or path (default: the scheme in force for --year and --level).",
            show_default=False,
        ),
    ] = None,
    level: Annotated[
        str | None,
        typer.Option(
            "--level",
            help="kl, provinsi or kabkota: picks the 2023+ worksheet (default kabkota).",
            show_default=False,
        ),
    ] = None,
    instansi: Annotated[str, typer.Option("--instansi", help="The unit's instansi.")] = "",
    output: Annotated[
        Path | None,
        typer.Option(
            "--output",
            "-o",
            help="File to write (default: <code>-<year>.yaml or .xlsx).",
            show_default=False,
        ),
    ] = None,
    format: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="yaml, or xlsx: a fillable LKE workbook (Excel, LibreOffice)."
        ),
    ] = "yaml",
    common: Annotated[
        Path | None,
        typer.Option(
            "--common",
            help="Pre-fill the answers of this shared-values file (with their evidence), "
            "each marked as coming from it.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a blank answer file with every question, its text and allowed answers.

    Never overwrites an existing file (exit 2).
    """
    from pmprb.base.files import write_atomic
    from pmprb.model.load import load_rules
    from pmprb.model.rules import LEVELS, default_rules_for
    from pmprb.report import AnswerFormat
    from pmprb.report.template import blank_answer_file

    for option, value in (("--unit", unit), ("--code", code), ("--instansi", instansi)):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # bytes that are not UTF-8 on the command line
            _bad_usage(_("{option} is not valid UTF-8 text").format(option=option))
    if level is not None and level not in LEVELS:
        raise typer.BadParameter(_("choose kl, provinsi or kabkota"), param_hint="--level")
    if rules is None:
        rules = default_rules_for(year, level)
        _say(
            _("Rule set {id}: the scheme in force for {year} (--rules to choose another).").format(
                id=rules, year=year
            )
        )
    fmt = _format(AnswerFormat, format)
    loaded = load_rules(rules)
    target = output or Path(f"{_slug(code)}-{year}.{fmt.value}")
    shared: dict[str, Any] | None = None
    source = ""
    if common is not None:
        from pmprb.model.common import prefill

        found, shared = prefill(common, rules, year)  # its problems: nothing is written
        source = found.path
    text: str | bytes
    if fmt is AnswerFormat.xlsx:
        from pmprb.report.workbook import workbook_bytes

        person = {"name": unit, "code": code, "instansi": instansi}
        text = workbook_bytes(loaded, loaded.rules.id, person, year, shared)
    else:
        from pmprb.report.template import blank_answer_file

        text = blank_answer_file(loaded, unit, code, year, instansi, shared, source)
    try:
        write_atomic(target, text, overwrite=False)
    except FileExistsError:
        _bad_usage(_("{path} already exists; not overwritten").format(path=target))
    except OSError as exc:
        _bad_usage(_("cannot write {path}: {why}").format(path=target, why=exc.strerror))
    _say(_("Wrote {path} ({n} questions).").format(path=target, n=len(loaded.questions)))
    if shared:
        _say(
            ngettext(
                "{n} answer pre-filled from the shared file {file}.",
                "{n} answers pre-filled from the shared file {file}.",
                len(shared),
            ).format(n=len(shared), file=source)
        )
    years = loaded.rules.years
    if years is not None and not years[0] <= year <= years[1]:
        warning = _("{year} is outside the years of rule set '{id}' ({lo}-{hi})").format(
            year=year, id=loaded.rules.id, lo=years[0], hi=years[1]
        )
        _say(_("warning: {message}; check --year and --rules").format(message=warning), "yellow")


@app.command()
@handle_problems
def convert(
    file: Annotated[
        Path, typer.Argument(help="A valid answer file: YAML or .xlsx.", show_default=False)
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output", "-o", help="The file to write: .xlsx or .yaml.", show_default=False
        ),
    ],
    rules: RulesOption = None,
) -> None:
    """Convert an answer file from YAML to an LKE workbook (.xlsx) or back, losslessly.

    The file must be valid (its problems are listed, exit 1). Never overwrites an
    existing file (exit 2).
    """
    from pmprb.base.files import ProtectedFile, write_atomic
    from pmprb.inputs.source import is_workbook

    to_xlsx = output.suffix.lower() == ".xlsx"
    if not to_xlsx and output.suffix.lower() not in (".yaml", ".yml"):
        _bad_usage(_("the output must be a .xlsx or a .yaml file: {path}").format(path=output))
    if is_workbook(file) == to_xlsx:
        _bad_usage(_("convert goes from YAML to .xlsx or from .xlsx to YAML"))
    from pmprb.base.escape import path as display_path
    from pmprb.report.convert import to_workbook, to_yaml

    shown = display_path(file)
    payload = to_workbook(file, shown, rules) if to_xlsx else to_yaml(file, shown, rules)
    try:
        write_atomic(output, payload, overwrite=False, protect=[file])
    except (FileExistsError, ProtectedFile):
        _bad_usage(_("{path} already exists; not overwritten").format(path=output))
    except OSError as exc:
        _bad_usage(_("cannot write {path}: {why}").format(path=output, why=exc.strerror))
    _say(_("Wrote {path}.").format(path=output))


def _slug(text: str) -> str:
    kept = "".join(ch if ch.isalnum() or ch in "-_." else "-" for ch in text.strip())
    return kept.strip("-.") or "unit"


@rules_app.command("list")
@handle_problems
def rules_list() -> None:
    """List the bundled rule sets."""
    from rich.table import Table

    from pmprb.base.escape import cells
    from pmprb.model.load import load_rules
    from pmprb.model.rules import bundled_ids

    table = Table(show_edge=False)
    for col in (_("Id"), _("Title"), _("Version"), _("Years"), _("Questions")):
        table.add_column(col)
    for rid in bundled_ids():
        loaded = load_rules(rid)
        rs = loaded.rules
        years = f"{rs.years[0]}-{rs.years[1]}" if rs.years else ""
        table.add_row(*cells(rs.id, rs.title, rs.version, years, str(len(loaded.questions))))
    _show(table)


@rules_app.command("show")
@handle_problems
def rules_show(
    rules: Annotated[str, typer.Argument(help="Rule set id or path.", show_default=False)],
    questions: Annotated[
        bool, typer.Option("--questions", help="List every question too.")
    ] = False,
    fmt: Annotated[
        str,
        typer.Option(
            "--format", "-f", help="table, or json: the whole tree for other tools to map onto."
        ),
    ] = "table",
) -> None:
    """Describe a rule set: its tree with weights and provenance, scales and bands."""
    from pmprb.model.load import load_rules
    from pmprb.report.rules_view import render_rules, rules_json

    if fmt.lower() not in ("table", "json"):
        raise typer.BadParameter(_("choose table or json"), param_hint="--format")
    loaded = load_rules(rules)
    if fmt.lower() == "json":
        _stdout(rules_json(loaded), human=False)
        return
    _show(render_rules(loaded, questions))


@rules_app.command("check")
@handle_problems
def rules_check(
    rules: Annotated[
        str, typer.Argument(help="Rule set or overlay: a path or a bundled id.", show_default=False)
    ],
) -> None:
    """Validate a rule set or an overlay: every problem at once, as path:line:col.

    Also warns where the printed weights under a node add up to more than 1% away from
    the node's weight. Exit codes: 0 valid (warnings allowed); 1 invalid; 2 unreadable.
    """
    from pmprb.analysis.rulecheck import check_rules

    report = check_rules(rules)
    print_problems(report.problems)
    if report.loaded is None:
        cannot_run = all(p.code in _CANNOT_RUN for p in report.problems)
        raise typer.Exit(Exit.CANNOT_RUN if cannot_run else Exit.INVALID)
    from pmprb.report.rules_view import check_summary

    _stdout(check_summary(report.loaded, report.problems))


@rules_app.command("diff")
@handle_problems
def rules_diff(
    a: Annotated[str, typer.Argument(help="The rule set before: id or path.", show_default=False)],
    b: Annotated[str, typer.Argument(help="The rule set after: id or path.", show_default=False)],
    format: Annotated[str, typer.Option("--format", "-f", help="table or json.")] = "table",
) -> None:
    """What changes from rule set A to B: nodes added, removed, reweighted, rescaled,
    renamed or moved; questions; scales; bands; predicates and their conditions.

    Exit codes: 0 (differences or not); 2 a rule set could not be read.
    """
    from pmprb.analysis.rulediff import diff
    from pmprb.model.load import load_rules
    from pmprb.report import DiffFormat

    fmt = _format(DiffFormat, format)
    before, after = load_rules(a), load_rules(b)
    changes = diff(before, after)
    if fmt is DiffFormat.json:
        from pmprb.report.diff import diff_json

        _stdout(diff_json(before, after, changes), human=False)
        return
    from pmprb.report.diff import render_diff

    _show(render_diff(before, after, changes))


@app.command()
@handle_problems
def validate(
    paths: Annotated[
        list[Path], typer.Argument(help="Answer files or directories (*.yaml, *.yml, *.xlsx).")
    ],
    rules: RulesOption = None,
    format: Annotated[
        str, typer.Option("--format", "-f", help="auto, text, github, json or junit.")
    ] = "auto",
    strict: Annotated[bool, typer.Option("--strict", help="Warnings are errors.")] = False,
    fail_under: Annotated[
        str | None,
        typer.Option(
            "--fail-under", help="Fail files whose index is below this.", show_default=False
        ),
    ] = None,
    fail_under_category: Annotated[
        str | None,
        typer.Option(
            "--fail-under-category", help="Fail files below this category.", show_default=False
        ),
    ] = None,
    json_file: Annotated[
        Path | None,
        typer.Option("--json", help="Also write the JSON report to this file.", show_default=False),
    ] = None,
    junit_file: Annotated[
        Path | None,
        typer.Option("--junit", help="Also write a JUnit XML report here.", show_default=False),
    ] = None,
    summary: Annotated[
        Path | None,
        typer.Option(
            "--summary", help="Also write a Markdown table of scores here.", show_default=False
        ),
    ] = None,
    errors_only: Annotated[
        bool,
        typer.Option(
            "--errors-only",
            "--quiet",
            "-q",
            help="List errors only (warnings are still counted); text and github output.",
        ),
    ] = False,
    show_warnings: Annotated[
        bool,
        typer.Option(
            "--show-warnings",
            help=f"List every warning, even when one code has more than {FOLD_OVER}.",
        ),
    ] = False,
    skip_other: Annotated[
        bool,
        typer.Option(
            "--skip-non-answer-files",
            help="Skip YAML files that are not answer files with a note, also when named "
            "(always under a folder); for the pre-commit hook.",
        ),
    ] = False,
    common: CommonOption = None,
) -> None:
    """Check answer files before review: problems, unanswered questions, missing evidence.

    Exit codes: 0 all valid; 1 problems found or a threshold fails; 2 the tool could not run.
    """
    import os

    from pmprb.analysis.validate import Options, parse_threshold, validate_paths
    from pmprb.report import ValidateFormat
    from pmprb.report.validation import Listing, render, resolve, skipped_notes, to_summary

    fmt = _format(ValidateFormat, format)
    try:
        threshold = parse_threshold(fail_under) if fail_under is not None else None
    except ValueError:
        _bad_usage(
            _("--fail-under needs a number of 0 or more, not '{value}'").format(value=fail_under)
        )
    options = Options(
        rules=rules,
        strict=strict,
        fail_under=threshold,
        fail_under_category=fail_under_category,
        score=summary is not None,
        skip_other=skip_other,
        common=common,
    )
    report = validate_paths(paths, options)
    for note in skipped_notes(report):
        _say(note, "yellow")
    from pmprb.base.files import answer_files

    # the real names (a display path shows bytes that are not UTF-8 as escapes)
    inputs = [path for path, _shown in answer_files(paths)[0]] if report.files else []
    extra: list[tuple[Path | None, Callable[[], str]]] = [
        (json_file, lambda: render(report, ValidateFormat.json, os.environ)),
        (junit_file, lambda: render(report, ValidateFormat.junit, os.environ)),
        (summary, lambda: to_summary(report)),
    ]
    # every output is tried and the report always printed: one unwritable file costs
    # only itself (and makes the exit code 2)
    written = [_write(target, make(), inputs, rules) for target, make in extra if target]
    listing = Listing(errors_only=errors_only, show_warnings=show_warnings)
    shown = render(report, fmt, os.environ, listing)
    _stdout(shown, human=resolve(fmt, os.environ) is ValidateFormat.text)
    raise typer.Exit(report.exit_code if all(written) else Exit.CANNOT_RUN)


def _write(
    path: Path, data: str | bytes | Iterable[str] | None, inputs: list[Path], rules: str | None
) -> bool:
    """Write an output whole, never over one of the run's inputs or its rule set file;
    with data None, only check that it could be written (before a long run).

    False (with the reason on stderr) when it could not be written.
    """
    from pmprb.base.files import ProtectedFile, check_target, write_atomic
    from pmprb.model.rules import locate_ref

    protect = [*inputs, locate_ref(rules)[0]] if rules is not None else inputs
    try:
        if data is None:
            check_target(path, protect)
        else:
            write_atomic(path, data, protect=protect)
    except ProtectedFile:
        message = _("{path} is one of the files this run reads; not overwritten").format(path=path)
    except OSError as exc:
        message = _("cannot write {path}: {why}").format(path=path, why=exc.strerror)
    else:
        return True
    _say(message, "red")
    return False


@app.command()
@handle_problems
def report(
    paths: Annotated[
        list[Path],
        typer.Argument(
            help="Answer files, or folders searched recursively (one unit or a whole city).",
            show_default=False,
        ),
    ],
    output: Annotated[
        Path,
        typer.Option(
            "--output",
            "-o",
            help="The HTML file to write (whole or not at all).",
            show_default=False,
        ),
    ],
    rules: RulesOption = None,
    lang: LangOption = None,
    compare: Annotated[
        list[Path] | None,
        typer.Option(
            "--compare",
            help="Earlier answer files (a file or folder; repeatable): the trend against "
            "each, as `batch --compare` shows it (units matched by unit code).",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Write a report with charts for leaders: one standalone, offline HTML page, ready to
    print on A4 (index, category, components, areas; for a city also the ranking, the unit x
    area heat map, the weak areas and the categories).

    Exit codes: 0 ok; 1 some file is invalid (the others are in the report); 2 cannot run.
    """
    from pmprb.analysis import batch as core
    from pmprb.base.errors import has_errors
    from pmprb.base.i18n import current_language, resolve_language

    if lang is not None:
        set_language(lang)
    if rules is not None:
        from pmprb.model.load import load_rules

        load_rules(rules)
    files, unread = _discover(paths)
    earlier = [_discover([path]) for path in compare or ()]
    inputs = [path for path, _shown in files]
    inputs += [path for found, _unread in earlier for path, _shown in found]
    if not _write(output, None, inputs, rules):
        raise typer.Exit(Exit.CANNOT_RUN)
    options = core.Options(rules=rules, detail=True, language=resolve_language())
    with _progress(len(files)) as tick:
        outcomes = core.run(files, options, core.workers(0, len(files)), tick)
    result = core.aggregate([*unread, *outcomes], len(files) + len(unread))
    if result.problems:
        print_problems(list(result.problems))
    if not result.groups:
        _say(_("no file could be scored; no report written"), "red")
        raise typer.Exit(Exit.INVALID)
    befores = []
    for old_files, old_unread in earlier:
        old_outcomes = core.run(old_files, options, core.workers(0, len(old_files)))
        before = core.aggregate([*old_unread, *old_outcomes], len(old_files) + len(old_unread))
        if before.problems:
            print_problems(list(before.problems))
        befores.append(before)
    from pmprb.report.html import render

    if not _write(output, render(result, current_language(), befores), inputs, rules):
        raise typer.Exit(Exit.CANNOT_RUN)
    _say(_("Wrote {path}.").format(path=output))
    if result.internal:
        raise typer.Exit(Exit.CANNOT_RUN)
    if has_errors([*result.problems, *(p for b in befores for p in b.problems)]):
        raise typer.Exit(Exit.INVALID)


@app.command()
@handle_problems
def guide(
    rules: Annotated[
        str, typer.Option("--rules", help="Rule set id or path.")
    ] = "permenpanrb-26-2020",
    format: Annotated[str, typer.Option("--format", "-f", help="markdown or html.")] = "markdown",
    output: Annotated[
        Path | None,
        typer.Option("--output", "-o", help="File to write (default: stdout).", show_default=False),
    ] = None,
) -> None:
    """Print the whole questionnaire of a rule set: its tree with weights and maxima, every
    question with its text, answer scale and what each answer means.

    HTML is one standalone page, ready to print. Exit codes: 0 ok; 2 cannot run.
    """
    from pmprb.base.i18n import current_language
    from pmprb.model.load import load_rules
    from pmprb.report import GuideFormat
    from pmprb.report.guide import guide_html, guide_markdown

    fmt = _format(GuideFormat, format)
    loaded = load_rules(rules)
    text = (
        guide_html(loaded, current_language())
        if fmt is GuideFormat.html
        else guide_markdown(loaded)
    )
    if output is None:
        _stdout(text, human=fmt is GuideFormat.markdown)
        return
    if not _write(output, text, [], rules):
        raise typer.Exit(Exit.CANNOT_RUN)
    _say(_("Wrote {path}.").format(path=output))


@app.command()
@handle_problems
def schema(
    rules: Annotated[
        str, typer.Option("--rules", help="Rule set id or path.")
    ] = "permenpanrb-26-2020",
) -> None:
    """Print the JSON Schema (draft-07) of an answer file for a rule set, for editors and CI."""
    from pmprb.model.load import load_rules
    from pmprb.report.schema import answer_schema, dumps

    _stdout(dumps(answer_schema(load_rules(rules))), human=False)


def main() -> None:
    """Console-script entry point: typer's help and usage errors in the user's language.

    The machine running short (no memory, no thread to start) is one line and exit 2,
    never a traceback: it is not a bug in pmprb nor a problem with the input.
    """
    from pmprb.clihelp import run

    # pmprb is an application: no pydantic plugin is meant to observe its models, and
    # looking for them reads every installed package's metadata at each start (~10 ms).
    # typer does the same around the models it builds for its options.
    os.environ.setdefault("PYDANTIC_DISABLE_PLUGINS", "__all__")
    try:
        run(app)
    except MemoryError:
        _out_of_resources(_("out of memory"))
    except RuntimeError as exc:
        if "can't start new thread" not in str(exc):
            raise
        _out_of_resources(_("cannot start a thread: {why}").format(why=exc))


def _out_of_resources(message: str) -> NoReturn:
    try:
        sys.stderr.write(f"pmprb: {message}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        pass
    sys.exit(Exit.CANNOT_RUN)
