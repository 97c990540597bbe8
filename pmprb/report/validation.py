"""Renderers of a `pmprb validate` report: text, GitHub annotations, JSON, JUnit, Markdown.

Each is a pure function from the report to a string; nothing here prints or reads files.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from pmprb.analysis.validate import FileReport, Report
from pmprb.base.errors import Problem
from pmprb.base.escape import github_data, github_property, json_dumps, line, xml_text
from pmprb.base.escape import markdown as md
from pmprb.base.i18n import _, ngettext
from pmprb.report import FOLD_OVER, ValidateFormat


def resolve(fmt: ValidateFormat, environ: Mapping[str, str]) -> ValidateFormat:
    """`auto` is github inside GitHub Actions (GITHUB_ACTIONS=true), text elsewhere."""
    if fmt is not ValidateFormat.auto:
        return fmt
    if environ.get("GITHUB_ACTIONS") == "true":
        return ValidateFormat.github
    return ValidateFormat.text


def summary_line(report: Report) -> str:
    """`7 files checked, 1 with errors: 3 errors, 2 warnings.`"""
    n = len(report.files)
    return _("{files}, {failed} with errors: {errors}, {warnings}.").format(
        files=ngettext("{n} file checked", "{n} files checked", n).format(n=n),
        failed=report.failed,
        errors=ngettext("{n} error", "{n} errors", report.errors).format(n=report.errors),
        warnings=ngettext("{n} warning", "{n} warnings", report.warnings).format(n=report.warnings),
    )


@dataclass(frozen=True, slots=True)
class Listing:
    """Which problems the text and github reports list (json, junit and --summary list all)."""

    errors_only: bool = False  # --errors-only / --quiet: warnings are counted, not listed
    show_warnings: bool = False  # --show-warnings: every warning, however many


@dataclass(frozen=True, slots=True)
class Folded:
    """The warnings of one code, too many to list: how many, in how many files."""

    code: str
    count: int
    files: int

    def message(self) -> str:
        """`664 no_evidence warnings in 6 files; --show-warnings to list them`."""
        warnings = ngettext("{n} {code} warning", "{n} {code} warnings", self.count).format(
            n=self.count, code=self.code
        )
        files = ngettext("in {n} file", "in {n} files", self.files).format(n=self.files)
        return _("{warnings} {files}; --show-warnings to list them").format(
            warnings=warnings, files=files
        )


def listed(report: Report, listing: Listing) -> tuple[list[Problem], list[Folded]]:
    """The problems to list one by one, and the warning codes summed up instead."""
    problems = report.problems
    if listing.errors_only:
        return [p for p in problems if p.level == "error"], []
    if listing.show_warnings:
        return problems, []
    by_code: dict[str, list[Problem]] = {}
    for p in problems:
        if p.level == "warning":
            by_code.setdefault(p.code, []).append(p)
    many = {code for code, found in by_code.items() if len(found) > FOLD_OVER}
    kept = [p for p in problems if not (p.level == "warning" and p.code in many)]
    folded = [
        Folded(code, len(by_code[code]), len({p.path for p in by_code[code]}))
        for code in sorted(many)
    ]
    return kept, folded


def to_text(report: Report, listing: Listing = Listing()) -> str:
    """One `path:line:col: [level] code: message` line per problem, then the summary (user
    text on one line, control characters shown as escapes)."""
    problems, folded = listed(report, listing)
    lines = [line(p.format()) for p in problems]
    lines.extend(f"[warning] {f.code}: {f.message()}" for f in folded)
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def github_command(problem: Problem) -> str:
    """`::error file=...,line=...,col=...,title=...::message`: an annotation on the diff."""
    props = [f"file={github_property(problem.path)}"]
    if problem.line is not None:
        props.append(f"line={problem.line}")
        if problem.col is not None:
            props.append(f"col={problem.col}")
    props.append(f"title={github_property('pmprb ' + problem.code)}")
    return f"::{problem.level} {','.join(props)}::{github_data(problem.message)}"


def to_github(report: Report, listing: Listing = Listing()) -> str:
    """GitHub Actions workflow commands, one per problem, then the summary as a log line."""
    problems, folded = listed(report, listing)
    lines = [github_command(p) for p in problems]
    lines.extend(
        f"::warning title={github_property('pmprb ' + f.code)}::{github_data(f.message())}"
        for f in folded
    )
    lines.append(summary_line(report))
    return "\n".join(lines) + "\n"


def _file_record(f: FileReport) -> dict[str, Any]:
    s = f.scored
    return {
        "path": f.path,
        "valid": f.errors == 0,
        "errors": f.errors,
        "warnings": f.warnings,
        "index": float(s.index) if s else None,
        "category": s.category if s else None,
    }


def to_json(report: Report) -> str:
    """One byte-stable object: summary, files (sorted) and problems (sorted), fixed keys."""
    data = {
        "summary": {
            "files": len(report.files),
            "failed": report.failed,
            "errors": report.errors,
            "warnings": report.warnings,
        },
        "files": [_file_record(f) for f in report.files],
        "problems": [p.record() for p in report.problems],
    }
    return json_dumps(data)


def to_junit(report: Report) -> str:
    """JUnit XML for GitLab and Jenkins: one testcase per file, failing on its errors."""
    import xml.etree.ElementTree as ET  # only here: not loaded by every `validate`

    total, failed = str(len(report.files)), str(report.failed)
    suites = ET.Element(
        "testsuites", name="pmprb validate", tests=total, failures=failed, errors="0"
    )
    suite = ET.SubElement(
        suites, "testsuite", name="pmprb validate", tests=total, failures=failed, errors="0"
    )
    suite.set("skipped", "0")
    for f in report.files:
        path = xml_text(f.path)
        case = ET.SubElement(suite, "testcase", name=path, classname="pmprb.validate", file=path)
        body = "\n".join(xml_text(p.format()) for p in f.problems)
        if f.errors:
            message = ngettext("{n} error", "{n} errors", f.errors).format(n=f.errors)
            failure = ET.SubElement(case, "failure", message=message, type="pmprb")
            failure.text = body
        elif f.problems:
            ET.SubElement(case, "system-out").text = body
    ET.indent(suites)
    xml = ET.tostring(suites, encoding="unicode")
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml + "\n"


def to_summary(report: Report) -> str:
    """A Markdown table of the files, their scores and problem counts (for a job summary)."""
    headers = (
        _("File"),
        _("Unit"),
        _("Index"),
        _("Category"),
        _("Answered"),
        _("Errors"),
        _("Warnings"),
    )
    lines = [
        "## " + _("PMPRB submissions"),
        "",
        summary_line(report),
        "",
        "| " + " | ".join(headers) + " |",
        "|---|---|---:|---|---:|---:|---:|",
    ]
    for f in report.files:
        s = f.scored
        unit = f"{md(s.unit)} ({md(s.code)})" if s else md(f.unit or "-")
        index = f"{s.index}" if s else "-"
        category = f"{md(s.category or '-')} ({md(s.predicate or '-')})" if s else "-"
        answered = f"{s.answered}/{s.questions}" if s else "-"
        mark = "" if f.errors == 0 else "**"
        lines.append(
            f"| {md(f.path)} | {unit} | {index} | {category} | {answered} "
            f"| {mark}{f.errors}{mark} | {f.warnings} |"
        )
    return "\n".join(lines) + "\n"


RENDERERS: dict[ValidateFormat, Callable[[Report], str]] = {
    ValidateFormat.text: to_text,
    ValidateFormat.github: to_github,
    ValidateFormat.json: to_json,
    ValidateFormat.junit: to_junit,
}


def render(
    report: Report, fmt: ValidateFormat, environ: Mapping[str, str], listing: Listing = Listing()
) -> str:
    """The report in the chosen format (auto resolved from the environment); `listing`
    applies to text and github."""
    chosen = resolve(fmt, environ)
    if chosen is ValidateFormat.text:
        return to_text(report, listing)
    if chosen is ValidateFormat.github:
        return to_github(report, listing)
    return RENDERERS[chosen](report)


def skipped_notes(report: Report) -> list[str]:
    """One note per YAML file set aside as not an answer file."""
    return [_("{path}: skipped: {why}").format(path=path, why=why) for path, why in report.skipped]
