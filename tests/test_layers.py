"""The package layout is the layering: each module imports only from its own layer or the
layers below it (every import, also those inside functions), so imports flow one way."""

from __future__ import annotations

import ast
from pathlib import Path

from .conftest import ROOT

PACKAGE = ROOT / "pmprb"
# lowest first; a module not in a layer package is the command line (the top)
LAYERS = ("base", "inputs", "model", "analysis", "report")


def layer_of(module: str) -> int:
    """The rank of a pmprb module (dotted, without 'pmprb.'); the package itself and the
    command line rank above every layer."""
    head = module.split(".")[0]
    return LAYERS.index(head) if head in LAYERS else len(LAYERS)


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts = parts[:-1]
    return ".".join(parts)


def imports(path: Path) -> list[tuple[int, str]]:
    """(line, imported pmprb module without 'pmprb.') for every import of the file."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    found: list[tuple[int, str]] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            assert node.level == 0, f"{path}:{node.lineno}: relative import"
            names = [node.module or ""]
        elif isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        else:
            continue
        found += [(node.lineno, n[len("pmprb.") :]) for n in names if n.startswith("pmprb.")]
    return found


def test_imports_flow_down_the_layers() -> None:
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        here = module_name(path)
        for line, target in imports(path):
            if layer_of(target) > layer_of(here):
                wrong.append(f"{path.relative_to(ROOT)}:{line}: {here} imports {target}")
    assert wrong == []


def test_every_module_is_in_a_layer_but_the_command_line() -> None:
    top = sorted(module_name(p) for p in PACKAGE.glob("*.py") if module_name(p) not in ("", "cli"))
    assert top == ["clihelp"]
    for layer in LAYERS:
        assert (PACKAGE / layer / "__init__.py").is_file()


def test_the_check_sees_an_upward_import(tmp_path: Path) -> None:
    """The rank of a few modules, so the first test cannot pass by ranking all alike."""
    assert layer_of("base.errors") < layer_of("inputs.loader") < layer_of("model.rules")
    assert layer_of("model.rules") < layer_of("analysis.engine") < layer_of("report.table")
    assert layer_of("report.table") < layer_of("cli")
    bad = tmp_path / "m.py"
    bad.write_text("def f():\n    from pmprb.report.table import render\n")
    assert imports(bad) == [(2, "report.table")]


def test_the_workbook_knows_the_appeal_statuses_of_the_model() -> None:
    from typing import get_args

    from pmprb.inputs.workbook.layout import APPEAL_STATUSES
    from pmprb.model.assessment import Appeal

    assert get_args(Appeal.model_fields["status"].annotation) == APPEAL_STATUSES


def _type_checking_lines(tree: ast.Module) -> set[int]:
    """The lines of `if TYPE_CHECKING:` blocks (imports for annotations only)."""
    lines: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and ast.unparse(node.test) in ("TYPE_CHECKING",):
            for inner in node.body:
                lines.update(range(inner.lineno, (inner.end_lineno or inner.lineno) + 1))
    return lines


def _graph() -> dict[str, set[str]]:
    """Each pmprb module -> the pmprb modules it imports when it runs."""
    modules = {module_name(p): p for p in PACKAGE.rglob("*.py")}
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        skip = _type_checking_lines(ast.parse(path.read_text(encoding="utf-8")))
        targets = set()
        for line, target in imports(path):
            if line in skip:
                continue
            while target and target not in modules:  # from pmprb.x import a_module
                target = target.rpartition(".")[0]
            if target and target != name:
                targets.add(target)
        graph[name] = targets
    return graph


def test_no_module_imports_itself_through_others() -> None:
    """No cycle of run-time imports, also within a layer and through imports inside
    functions (an import for annotations only, under TYPE_CHECKING, is not one)."""
    graph = _graph()
    cycles = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                cycles.append(" -> ".join([*path[path.index(nxt) :], nxt]))
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for start in sorted(graph):
        if start not in state:
            visit(start, [start])
    assert cycles == []
