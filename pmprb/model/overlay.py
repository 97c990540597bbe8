"""Overlays: a rule set file that `extends` another and states only what it changes.

An overlay names its base (a bundled id or a path relative to the overlay), gets its own
`id` and `version`, and may replace top-level fields, scales, areas and bands, edit or
replace predicates, and patch named nodes and questions (`nodes:`), including removing
them or adding children and questions. The merged result is validated like any rule set.

Every problem points at the file that caused it: the merge keeps, for each part of the
merged data, where it came from (the overlay, or a place in the base, which may itself be
an overlay), so a problem found in the merged rule set is located in the overlay's lines.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from pmprb.base.errors import Problem, ProblemsError, RulesError
from pmprb.base.escape import path as display_path
from pmprb.base.i18n import _
from pmprb.inputs.loader import Loc, Pending, locate, pydantic_pending, read_text, suggest
from pmprb.model.rules import (
    LINE_OPTIONS,
    LoadedRules,
    NodeId,
    locate_ref,
    parse_rules,
    rules_pending,
    sha256_text,
)

MAX_DEPTH = 8  # overlays of overlays: a long chain is a mistake, and a cycle must stop

LINE_FIELDS = frozenset(LINE_OPTIONS)  # an overlay can set or (null) remove each
# `documents` replaces (or, null, removes) an indicator's expected documents; a node patch's
# `add_documents` appends to them
NODE_FIELDS = frozenset({"name", "weight", "area", "provenance", "documents"}) | LINE_FIELDS
QUESTION_FIELDS = frozenset({"text", "detail", "scale", "options", "counts", "provenance"})
REQUIRED = frozenset({"name", "weight", "text", "scale"})  # may change, never be removed
CONDITION_FIELDS = frozenset({"name", "node", "each_area", "min_points", "min_share", "provenance"})


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class OverlayFile(_Model):
    """The schema of record of an overlay (values are checked once merged)."""

    extends: str = Field(min_length=1, description="Bundled rule set id, or a path")
    id: NodeId = Field(description="The overlay's own id")
    version: str = Field(description="The overlay's own version")
    title: Any = Field(None, description="Replaces the title (default: the base's)")
    basis: Any = None
    years: Any = None
    total: Any = None
    precision: Any = None
    provenance: Any = None
    line_rounding: Any = None
    not_counted: Any = None
    scales: dict[str, Any] = Field(default_factory=dict, description="Add or replace scales")
    areas: list[Any] | None = Field(None, description="Replaces the areas")
    bands: list[Any] | None = Field(None, description="Replaces the bands")
    predicates: list[Any] | dict[str, Any] | None = Field(
        None, description="A list replaces the predicates; a mapping edits them by id"
    )
    nodes: dict[str, Any] = Field(
        default_factory=dict, description="Node or question id -> changes"
    )


@dataclass(frozen=True, slots=True)
class Source:
    """One file: its displayed path and its text (to locate problems in it)."""

    path: str
    text: str


Origin = tuple[Source, Loc]


@dataclass(frozen=True, slots=True)
class Resolved:
    """A rule set (plain or merged) with, for any key path, the file place it came from."""

    data: dict[str, Any]
    origin: Callable[[Loc], Origin]
    loaded: LoadedRules
    source: Source

    def locate(self, pending: list[Pending]) -> list[Problem]:
        """Locate problems found in the (merged) data in the files that caused them."""
        by_source: dict[Source, list[Pending]] = {}
        for p in pending:
            src, loc = self.origin(p.loc)
            by_source.setdefault(src, []).append(Pending(loc, p.code, p.message, p.where, p.level))
        out: list[Problem] = []
        for src, items in by_source.items():
            out.extend(locate(src.path, src.text, items))
        return sorted(out, key=Problem.sort_key)


def resolve_file(path: Path, display: str | None = None) -> Resolved:
    """Read a rule set file or an overlay; problems raise ProblemsError (located)."""
    shown = display or display_path(path)
    return _resolve(path, Source(shown, read_text(path, shown)), ())


def _resolve(path: Path, src: Source, stack: tuple[str, ...]) -> Resolved:
    data, loaded = parse_rules(src.path, src.text)
    if loaded is not None:
        return Resolved(data, lambda loc: (src, loc), loaded, src)
    return _resolve_overlay(path, src, data, (*stack, _real(path)))


def _real(path: Path) -> str:
    return os.path.realpath(path)


def _fail(src: Source, pending: list[Pending]) -> ProblemsError:
    return ProblemsError(locate(src.path, src.text, pending))


def _resolve_overlay(path: Path, src: Source, data: Any, stack: tuple[str, ...]) -> Resolved:
    try:
        spec = OverlayFile.model_validate(data)
    except ValidationError as exc:
        raise _fail(src, pydantic_pending(exc.errors())) from None
    try:
        # a bundled id, or a path relative to the overlay
        base_path, base_display = locate_ref(spec.extends, path.parent)
    except RulesError as exc:
        raise _fail(src, [Pending(("extends",), p.code, p.message) for p in exc.problems]) from None
    if not base_path.is_file():
        message = _("'{ref}' is neither a bundled rule set nor a file").format(ref=spec.extends)
        raise _fail(src, [Pending(("extends",), "unknown_rules", message)])
    real = _real(base_path)
    if real in stack:
        chain = " -> ".join(os.path.basename(p) for p in (*stack, real))
        message = _("`extends` makes a cycle: {chain}").format(chain=chain)
        raise _fail(src, [Pending(("extends",), "extends_cycle", message)])
    if len(stack) >= MAX_DEPTH:
        message = _("more than {n} overlays in a chain").format(n=MAX_DEPTH)
        raise _fail(src, [Pending(("extends",), "extends_depth", message)])
    base = _resolve(base_path, Source(base_display, read_text(base_path, base_display)), stack)

    merge = _Merge(base.data, data, spec)
    merge.run()

    def origin(loc: Loc) -> Origin:
        where, mapped = merge.origin(loc)
        return (src, mapped) if where == "overlay" else base.origin(mapped)

    # the merge skips what it cannot apply, so the rest is still checked: all problems at once
    rs, pending = rules_pending(merge.data)
    if merge.pending or pending or rs is None:
        located: list[Problem] = locate(src.path, src.text, merge.pending)
        for p in pending:
            where, mapped = merge.origin(p.loc)
            cause = merge.cause(p) if where != "overlay" else None
            if where == "overlay" or cause is not None:
                place = cause if cause is not None else mapped
                located.extend(locate(src.path, src.text, [_moved(p, place, where == "overlay")]))
            else:
                # a base part the overlay did not touch: shown where it is, with the overlay
                base_src, base_loc = base.origin(mapped)
                note = _(" (after applying {overlay})").format(overlay=src.path)
                moved = Pending(base_loc, p.code, p.message + note, p.where, p.level)
                located.extend(locate(base_src.path, base_src.text, [moved]))
        raise ProblemsError(sorted(located, key=Problem.sort_key))
    loaded = LoadedRules.build(rs, src.path, sha256_text(src.text), base.loaded)
    return Resolved(merge.data, origin, loaded, src)


def _moved(p: Pending, loc: Loc, same_place: bool) -> Pending:
    """The problem at a place in the overlay (a cause is shown at its value)."""
    return Pending(loc, p.code, p.message, p.where if same_place else "value", p.level)


# --- merging -------------------------------------------------------------------------------


@dataclass
class _Merge:
    """Apply one overlay to its base's data, remembering where every part came from."""

    base: dict[str, Any]
    raw: dict[str, Any]
    spec: OverlayFile
    data: dict[str, Any] = field(default_factory=dict)
    pending: list[Pending] = field(default_factory=list)
    # id(merged dict) -> its place in the base's data, or in the overlay (added parts)
    base_loc: dict[int, Loc] = field(default_factory=dict)
    added_loc: dict[int, Loc] = field(default_factory=dict)
    # id(merged dict) -> {field: the overlay key path that set it}
    patched: dict[int, dict[str, Loc]] = field(default_factory=dict)
    origins: dict[Loc, tuple[str, Loc]] = field(default_factory=dict)
    removed: dict[str, Loc] = field(default_factory=dict)  # id -> the overlay's remove entry
    base_ids: set[str] = field(default_factory=set)
    # the base tree's node and question ids (indexed once; only _nodes changes the tree)
    index: dict[str, tuple[dict[str, Any], list[Any], str]] = field(default_factory=dict)
    # (node id, position) -> the overlay place of an added document that is not a mapping
    origins_of_items: dict[tuple[str, int], Loc] = field(default_factory=dict)

    def run(self) -> None:
        """Merge, then index the merged data's origins."""
        self.data = copy.deepcopy(self.base)
        self._index_base()
        self._top_level()
        self._nodes()
        self._predicates()
        self._index_merged()

    # the base's places, recorded by object identity before anything moves
    def _index_base(self) -> None:
        def visit(nodes: Any, loc: Loc) -> None:
            if not isinstance(nodes, list):
                return
            for i, node in enumerate(nodes):
                if not isinstance(node, dict):
                    continue
                here = (*loc, i)
                self.base_loc[id(node)] = here
                visit(node.get("children"), (*here, "children"))
                for k, doc in enumerate(_documents(node)):
                    self.base_loc[id(doc)] = (*here, "documents", k)
                for j, q in enumerate(node.get("questions") or []):
                    if isinstance(q, dict):
                        self.base_loc[id(q)] = (*here, "questions", j)

        visit(self.data.get("tree"), ("tree",))
        self.index = self._index_tree()
        self.base_ids = set(self.index)
        for i, pred in enumerate(self.data.get("predicates") or []):
            if isinstance(pred, dict):
                self.base_loc[id(pred)] = ("predicates", i)
                for j, cond in enumerate(pred.get("conditions") or []):
                    if isinstance(cond, dict):
                        self.base_loc[id(cond)] = ("predicates", i, "conditions", j)

    def _top_level(self) -> None:
        keys = ("id", "version", "title", "basis", "years", "total", "precision")
        for key in (*keys, "line_rounding", "not_counted"):
            if key in self.raw:
                self.data[key] = copy.deepcopy(self.raw[key])
                self.origins[(key,)] = ("overlay", (key,))
        if "provenance" in self.raw:
            self._set(self.data, "provenance", self.raw["provenance"], None)
            self.origins[("provenance",)] = ("overlay", ("provenance",))
        scales = self.data.setdefault("scales", {})
        for name, scale in self.spec.scales.items():
            if isinstance(scales, dict):
                scales[name] = copy.deepcopy(scale)
            self.origins[("scales", name)] = ("overlay", ("scales", name))
        for key in ("areas", "bands"):
            if getattr(self.spec, key) is not None:
                self.data[key] = copy.deepcopy(self.raw[key])
                self.origins[(key,)] = ("overlay", (key,))

    def _set(self, target: dict[str, Any], key: str, value: Any, overlay_loc: Loc | None) -> None:
        """Set a field (null removes an optional one) and remember who set it."""
        if value is None:
            target.pop(key, None)
        else:
            target[key] = copy.deepcopy(value)
        if overlay_loc is not None:
            self.patched.setdefault(id(target), {})[key] = overlay_loc

    # --- nodes and questions
    def _index_tree(self) -> dict[str, tuple[dict[str, Any], list[Any], str]]:
        """Every node and question id -> (its dict, the list holding it, node|question)."""
        out: dict[str, tuple[dict[str, Any], list[Any], str]] = {}

        def visit(nodes: Any) -> None:
            if not isinstance(nodes, list):
                return
            for node in nodes:
                if not isinstance(node, dict):
                    continue
                out[str(node.get("id"))] = (node, nodes, "node")
                visit(node.get("children"))
                questions = node.get("questions")
                if not isinstance(questions, list):
                    continue
                for q in questions:
                    if isinstance(q, dict):
                        out[str(q.get("id"))] = (q, questions, "question")

        visit(self.data.get("tree"))
        return out

    def _nodes(self) -> None:
        index = self.index
        removals: list[tuple[str, Loc]] = []
        # (the list it joins, the added node or question, its place in the overlay)
        additions: list[tuple[list[Any], Any, Loc]] = []
        for target_id, patch in self.spec.nodes.items():
            loc: Loc = ("nodes", target_id)
            if target_id not in index:
                message = _("no node or question '{id}' in the base rule set{hint}").format(
                    id=target_id, hint=suggest(target_id, list(index))
                )
                self.pending.append(Pending(loc, "unknown_node", message, "key"))
                continue
            if not isinstance(patch, dict) or not patch:
                message = _("expected a mapping of changes (for example weight: 2)")
                self.pending.append(Pending(loc, "invalid", message))
                continue
            target, _holder, kind = index[target_id]
            if "documents" in patch and "add_documents" in patch:
                # one would silently undo the other, whichever comes first
                message = _("give `documents` (the whole list) or `add_documents`, not both")
                self.pending.append(Pending((*loc, "add_documents"), "invalid", message, "key"))
                continue
            if patch.get("remove") is True:
                others = [k for k in patch if k != "remove"]
                if others:
                    message = _("a removed node takes no other changes")
                    self.pending.append(Pending((*loc, others[0]), "invalid", message, "key"))
                    continue
                removals.append((target_id, loc))
                continue
            for key, value in patch.items():
                kloc: Loc = (*loc, key)
                problem = _field_problem(kind, key, value, target_id)
                if problem is not None:
                    self.pending.append(Pending(kloc, *problem))
                elif key in ("add_children", "add_questions"):
                    holder_key = "children" if key == "add_children" else "questions"
                    if not isinstance(target.get(holder_key), list):
                        message = (
                            _("'{id}' holds questions: use add_questions")
                            if key == "add_children"
                            else _("'{id}' holds child nodes: use add_children")
                        ).format(id=target_id)
                        self.pending.append(Pending(kloc, "invalid", message, "key"))
                        continue
                    for i, item in enumerate(value):
                        if not isinstance(item, dict):
                            message = _("expected a mapping (key: value)")
                            self.pending.append(Pending((*kloc, i), "invalid", message))
                            continue
                        additions.append((target[holder_key], copy.deepcopy(item), (*kloc, i)))
                elif key == "add_documents":
                    self._add_documents(target, target_id, value, kloc)
                else:
                    self._set(target, key, value, kloc)
        self._remove(index, removals, {id(holder) for holder, _a, _w in additions})
        self._add(additions)

    def _add_documents(
        self, target: dict[str, Any], target_id: str, value: list[Any], loc: Loc
    ) -> None:
        """Append expected documents to a node's (the merged rule set checks them)."""
        if not isinstance(target.get("questions"), list):
            message = _("`documents` needs an indicator (a node with questions)")
            self.pending.append(Pending(loc, "invalid", message, "key"))
            return
        docs = target.get("documents")
        if not isinstance(docs, list):
            docs = target["documents"] = []
        for i, item in enumerate(value):
            added = copy.deepcopy(item)
            docs.append(added)
            if isinstance(added, dict):
                self.added_loc[id(added)] = (*loc, i)
            else:  # not a mapping: the merged rule set's schema says so, here
                self.origins_of_items[(target_id, len(docs) - 1)] = (*loc, i)

    def _remove(
        self,
        index: dict[str, tuple[dict[str, Any], list[Any], str]],
        removals: list[tuple[str, Loc]],
        refilled: set[int],
    ) -> None:
        for target_id, loc in removals:
            target, holder, _kind = index[target_id]
            if len(holder) == 1 and id(holder) not in refilled:
                # an empty node (nothing added there instead) is the overlay's mistake
                message = _("removing '{id}' leaves its parent empty").format(id=target_id)
                self.pending.append(Pending(loc, "empty_node", message, "key"))
                continue
            for i, item in enumerate(holder):
                if item is target:
                    del holder[i]
                    break
            self.removed[target_id] = loc
            # every id under a removed node is gone too
            for sub in _ids_below(target):
                self.removed.setdefault(sub, loc)

    def _add(self, additions: list[tuple[list[Any], Any, Loc]]) -> None:
        """Append added nodes and questions; one that reuses a kept base id is refused."""
        kept = self.base_ids - set(self.removed)
        for holder, added, where in additions:
            clashes = [
                (sub_loc, sub_id) for sub_loc, sub_id in _ids_with_locs(added, ()) if sub_id in kept
            ]
            for sub_loc, sub_id in clashes:
                message = _("duplicate id '{id}' (already in the base rule set)").format(id=sub_id)
                self.pending.append(Pending((*where, *sub_loc, "id"), "duplicate_id", message))
            if clashes:
                continue
            holder.append(added)
            if isinstance(added, dict):
                self.added_loc[id(added)] = where

    # --- predicates
    def _predicates(self) -> None:
        edits = self.spec.predicates
        if edits is None:
            return
        if isinstance(edits, list):
            self.data["predicates"] = copy.deepcopy(self.raw["predicates"])
            self.origins[("predicates",)] = ("overlay", ("predicates",))
            return
        preds = self.data.get("predicates")
        by_id = {p.get("id"): p for p in preds or [] if isinstance(p, dict)}
        for pred_id, edit in edits.items():
            loc: Loc = ("predicates", pred_id)
            pred = by_id.get(pred_id)
            if pred is None:
                message = _(
                    "no predicate '{id}' in the base rule set (give the whole list to add one)"
                ).format(id=pred_id)
                self.pending.append(Pending(loc, "unknown_predicate", message, "key"))
                continue
            if not isinstance(edit, dict):
                self.pending.append(Pending(loc, "invalid", _("expected a mapping of changes")))
                continue
            removal = self._removal(edit, loc, _("a removed predicate takes no other changes"))
            if removal is not False:
                if removal:
                    preds.remove(pred)  # type: ignore[union-attr]
                continue
            for key, value in edit.items():
                kloc: Loc = (*loc, key)
                if key == "remove":
                    continue  # refused by _removal
                if key in ("name", "requires_held"):  # requires_held: null removes it
                    self._set(pred, key, value, kloc)
                elif key == "conditions" and isinstance(value, dict):
                    self._conditions(pred, value, kloc)
                elif key == "conditions":
                    message = _("expected a mapping: condition id -> changes")
                    self.pending.append(Pending(kloc, "invalid", message))
                else:
                    message = _("unknown field '{field}'").format(field=key)
                    self.pending.append(Pending(kloc, "extra_forbidden", message, "key"))

    def _conditions(self, pred: dict[str, Any], edits: dict[str, Any], loc: Loc) -> None:
        conds = pred.setdefault("conditions", [])
        by_id = {c.get("id"): c for c in conds if isinstance(c, dict)}
        for cond_id, edit in edits.items():
            cloc: Loc = (*loc, cond_id)
            if not isinstance(edit, dict):
                self.pending.append(Pending(cloc, "invalid", _("expected a mapping of changes")))
                continue
            cond = by_id.get(cond_id)
            if cond is None:  # a new condition: the whole of it
                added = {"id": cond_id, **copy.deepcopy(edit)}
                conds.append(added)
                self.added_loc[id(added)] = cloc
                continue
            removal = self._removal(edit, cloc, _("a removed condition takes no other changes"))
            if removal is not False:
                if removal:
                    conds.remove(cond)
                continue
            for key, value in edit.items():
                if key == "remove":
                    continue  # refused by _removal
                if key not in CONDITION_FIELDS:
                    message = _("unknown field '{field}'").format(field=key)
                    self.pending.append(Pending((*cloc, key), "extra_forbidden", message, "key"))
                    continue
                self._set(cond, key, value, (*cloc, key))

    def _removal(self, edit: dict[str, Any], loc: Loc, others_message: str) -> bool | None:
        """Whether an edit removes its predicate or condition, as nodes do: True removes it;
        False applies the other changes (a `remove` other than true is a problem); None: a
        removal with other changes, refused (the problem is recorded)."""
        if "remove" not in edit:
            return False
        if edit["remove"] is not True:
            message = _("`remove` takes only true")
            self.pending.append(Pending((*loc, "remove"), "invalid", message))
            return False
        others = [k for k in edit if k != "remove"]
        if others:
            self.pending.append(Pending((*loc, others[0]), "invalid", others_message, "key"))
            return None
        return True

    # --- where each part of the merged data came from
    def _index_merged(self) -> None:
        self.origins.setdefault((), ("base", ()))

        def note(obj: Any, loc: Loc) -> None:
            if not isinstance(obj, dict):
                return
            if id(obj) in self.added_loc:
                self.origins[loc] = ("overlay", self.added_loc[id(obj)])
            elif id(obj) in self.base_loc:
                self.origins[loc] = ("base", self.base_loc[id(obj)])
            for key, where in self.patched.get(id(obj), {}).items():
                self.origins[(*loc, key)] = ("overlay", where)

        def visit(nodes: Any, loc: Loc) -> None:
            if not isinstance(nodes, list):
                return
            for i, node in enumerate(nodes):
                here = (*loc, i)
                note(node, here)
                if isinstance(node, dict):
                    visit(node.get("children"), (*here, "children"))
                    for j, q in enumerate(node.get("questions") or []):
                        note(q, (*here, "questions", j))
                    for k, doc in enumerate(_documents(node)):
                        note(doc, (*here, "documents", k))
                        where = self.origins_of_items.get((str(node.get("id")), k))
                        if where is not None:
                            self.origins[(*here, "documents", k)] = ("overlay", where)

        visit(self.data.get("tree"), ("tree",))
        if self.origins.get(("predicates",), ("base",))[0] != "overlay":
            for i, pred in enumerate(self.data.get("predicates") or []):
                note(pred, ("predicates", i))
                for j, cond in enumerate((pred or {}).get("conditions") or []):
                    note(cond, ("predicates", i, "conditions", j))
        note(self.data, ())

    def origin(self, loc: Loc) -> tuple[str, Loc]:
        """The longest known prefix of `loc`, mapped, plus the rest of `loc`."""
        for n in range(len(loc), -1, -1):
            hit = self.origins.get(loc[:n])
            if hit is not None:
                where, mapped = hit
                return where, (*mapped, *loc[n:])
        return "base", loc

    def cause(self, p: Pending) -> Loc | None:
        """For a merged problem found in an untouched base part: the overlay entry behind it."""
        loc = p.loc
        if p.code in ("unknown_option", "unknown_scale") or (
            p.code == "invalid" and "counts" in loc
        ):
            qloc = loc[: _index_after(loc, "questions") + 1]
            where, mapped = self.origin((*qloc, "scale"))
            if where == "overlay":
                return mapped
            scale = _get(self.data, (*qloc, "scale"))
            if isinstance(scale, str) and ("scales", scale) in self.origins:
                return ("scales", scale)
        elif p.code == "unknown_area" and self.origins.get(("areas",), ("",))[0] == "overlay":
            return ("areas",)
        elif p.code == "unknown_node" and loc[:1] == ("predicates",):
            node = _get(self.data, loc)
            if isinstance(node, str) and node in self.removed:
                return self.removed[node]
        elif p.code in ("band_cover", "band_gap", "unreachable") and "total" in self.raw:
            return ("total",)
        return None


def _documents(node: dict[str, Any]) -> list[Any]:
    docs = node.get("documents")
    return docs if isinstance(docs, list) else []


def _index_after(loc: Loc, key: str) -> int:
    for i, part in enumerate(loc):
        if part == key:
            return i + 1
    return len(loc) - 1


def _get(data: Any, loc: Loc) -> Any:
    current = data
    for part in loc:
        if isinstance(current, dict):
            current = current.get(part)
        elif isinstance(current, list) and isinstance(part, int) and 0 <= part < len(current):
            current = current[part]
        else:
            return None
    return current


def _ids_below(node: dict[str, Any]) -> list[str]:
    return [i for _loc, i in _ids_with_locs(node, ())][1:]


def _ids_with_locs(node: Any, loc: Loc) -> list[tuple[Loc, str]]:
    """The ids in a node's subtree (itself first), each with its key path inside the node."""
    if not isinstance(node, dict):
        return []
    out: list[tuple[Loc, str]] = []
    if isinstance(node.get("id"), str):
        out.append((loc, node["id"]))
    for key in ("children", "questions"):
        items = node.get(key)
        for i, item in enumerate(items if isinstance(items, list) else []):
            out.extend(_ids_with_locs(item, (*loc, key, i)))
    return out


def _field_problem(
    kind: str, key: str, value: Any, target_id: str
) -> tuple[str, str, Literal["key", "value"]] | None:
    """Why a patch field cannot apply to a node or question (code, message, where)."""
    structural = {"add_children", "add_questions", "add_documents"}
    allowed = (NODE_FIELDS | structural) if kind == "node" else QUESTION_FIELDS
    if key == "remove":
        return "invalid", _("`remove` takes only true"), "value"
    if key not in allowed and key in NODE_FIELDS | QUESTION_FIELDS | structural:
        message = (
            _("'{field}' does not apply to a question")
            if kind == "question"
            else _("'{field}' does not apply to a node")
        ).format(field=key)
        return "invalid", message, "key"
    if key not in allowed:
        hint = suggest(key, sorted(allowed))
        return "extra_forbidden", _("unknown field '{field}'").format(field=key) + hint, "key"
    if value is None and key in REQUIRED:
        return "invalid", _("'{field}' can be changed, not removed").format(field=key), "value"
    if key in structural and not isinstance(value, list):
        return "invalid", _("expected a list"), "value"
    return None
