"""A blank answer file for a rule set: every question, its text and its answers as comments."""

from __future__ import annotations

import json
from typing import Any

from pmprb.base.i18n import _
from pmprb.model.rules import ChoiceScale, LoadedRules, Node


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON strings are valid YAML)."""
    return json.dumps(text, ensure_ascii=False)


def _comment(text: str, indent: str) -> list[str]:
    return [f"{indent}# {line}".rstrip() for line in text.splitlines() or [""]]


def blank_answer_file(
    loaded: LoadedRules,
    name: str,
    code: str,
    year: int,
    instansi: str,
    shared: dict[str, Any] | None = None,
    source: str = "",
) -> str:
    """The text of a blank answer file, ready to fill in; `shared` answers (id -> an
    AnswerFile value, from the shared-values file `source`) are written in, each marked."""
    from pmprb.report.convert import answer_yaml_value

    rs = loaded.rules
    lines = [
        "# " + _("PMPRB answer file: {title}").format(title=rs.title) + f" ({rs.id} {rs.version})",
        "# " + _("Fill in each answer after its colon; leave it empty if not yet answered."),
        "# "
        + _("Long form: {example}").format(
            example="{answer: A, evidence: [SK ..., https://...], note: ...}"
        ),
        *(
            [
                "# "
                + _("A line the evaluators do not count: {example}").format(
                    example='{not_counted: "<alasan>", evidence: [...]}'
                )
            ]
            if any(ref.not_counted for ref in loaded.questions.values())
            else []
        ),
        *(
            [
                "# "
                + _("Overlay of {base}: score with --rules {path}").format(
                    base=loaded.base.rules.id, path=loaded.path
                )
            ]
            if loaded.base is not None
            else []
        ),
        f"rules: {rs.id}",
        f"year: {year}",
        "unit:",
        f"  name: {_q(name)}",
        f"  code: {_q(code)}",
        f"  instansi: {_q(instansi)}",
        "answers:",
    ]

    def visit(node: Node, trail: list[str]) -> None:
        here = [*trail, node.name]
        if node.questions is None:
            for child in node.children or ():
                visit(child, here)
            return
        lines.append("")
        weight = _("weight {weight}").format(weight=node.weight)
        lines.append(f"  # == {' > '.join(here)} ({node.id}), {weight}")
        for q in node.questions:
            scale = rs.scales[q.scale]
            lines.extend(_comment(q.detail or q.text, "  "))
            if isinstance(scale, ChoiceScale):
                for label in scale.options:
                    meaning = q.options.get(label, "")
                    lines.append(f"  #   {label}: {meaning}".rstrip())
            else:
                unit = f" {scale.unit}" if scale.unit else ""
                allowed = _("a number from {lo} to {hi}").format(lo=scale.min, hi=scale.max)
                lines.append(f"  #   {allowed}{unit}")
                if q.counts is not None:
                    names = ", ".join(f"{k}: N" for k in q.counts.inputs)
                    lines.append(
                        "  #   "
                        + _("or the counts: {counts}").format(counts="{counts: {" + names + "}}")
                    )
                    lines.extend(f"  #     {k}: {label}" for k, label in q.counts.inputs.items())
            documents = loaded.documents_of(q.id)
            if documents:
                names = "; ".join(f"{d.shown} [{d.id}]" for d in documents)
                lines.append(
                    "  #   "
                    + _("Expected documents (data dukung): {documents}").format(documents=names)
                )
            if shared is not None and q.id in shared:
                lines.append("  # " + _("from the shared file {file}").format(file=source))
                lines.append(f"  {q.id}: {answer_yaml_value(shared[q.id])}")
            else:
                lines.append(f"  {q.id}:")

    for top in rs.tree:
        visit(top, [])
    return "\n".join(lines) + "\n"
