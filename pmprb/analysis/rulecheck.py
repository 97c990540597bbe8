"""`pmprb rules check`: validate a rule set or an overlay, and warn where printed weights
do not add up to their parent's weight."""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from pmprb.base import numbers
from pmprb.base.errors import Problem, ProblemsError
from pmprb.base.i18n import _
from pmprb.inputs.loader import Loc, Pending
from pmprb.model.overlay import Resolved, resolve_file
from pmprb.model.rules import LoadedRules, Node, locate_ref

TOLERANCE = Fraction(1, 100)  # printed weights rounded to 2 decimals stay well within 1%


@dataclass(frozen=True, slots=True)
class CheckReport:
    """What `rules check` found: the loaded rule set (None when invalid) and every problem."""

    loaded: LoadedRules | None
    problems: list[Problem]


def check_rules(ref: str) -> CheckReport:
    """Every problem of a rule set or overlay at once, and the weight warnings."""
    path, shown = locate_ref(ref)  # an unknown id raises RulesError: the tool cannot run
    try:
        resolved = resolve_file(path, shown)
    except ProblemsError as exc:
        return CheckReport(None, exc.problems)
    return CheckReport(resolved.loaded, resolved.locate(weight_warnings(resolved)))


def weight_warnings(resolved: Resolved) -> list[Pending]:
    """Groups whose children's printed weights differ from the group's weight by over 1%.

    The scoring model still gives each child its weight over the sum of its siblings', so
    the result is well defined; the warning says the printed numbers do not add up.
    """
    rs = resolved.loaded.rules
    out: list[Pending] = []
    # the files of the chain, nearest overlay first, down to the plain rule set
    chain = [r.path for r in resolved.loaded.lineage()]

    def cause(parent_loc: Loc, children_key: str, children: tuple[Node, ...]) -> Loc:
        # point at the weight changed last along the chain of overlays (a child weight
        # before the parent's), so a middle overlay's change is shown in that overlay
        own = (*parent_loc, "weight") if parent_loc else ("total",)
        places = [(*parent_loc, children_key, i, "weight") for i in range(len(children))]
        ranked = []
        for loc in (*places, own):
            src = resolved.origin(loc)[0].path
            ranked.append((chain.index(src) if src in chain else len(chain), loc))
        best = min(rank for rank, _loc in ranked)
        if best >= len(chain) - 1:
            return own  # no overlay changed these weights
        return next(loc for rank, loc in ranked if rank == best)

    def check(
        node_id: str, weight: Fraction, children: tuple[Node, ...], loc: Loc, key: str
    ) -> None:
        # an adjustment (a signed koefisien) takes no share of its parent's weight
        printed = sum((Fraction(c.weight) for c in children if not c.adjustment), Fraction(0))
        if abs(printed - weight) > weight * TOLERANCE:
            off = abs(printed - weight) / weight * 100
            message = _(
                "the weights under '{id}' add up to {sum}, not {weight} ({off}% apart):"
                " each one counts as its share of {sum}"
            ).format(
                id=node_id,
                sum=numbers.number(printed),
                weight=numbers.number(weight),
                off=f"{float(off):.1f}",
            )
            out.append(Pending(cause(loc, key, children), "weight_sum", message, level="warning"))

    def visit(node: Node, loc: Loc) -> None:
        # plain_mean ignores the weights below it: nothing to add up
        if node.children and node.aggregate != "plain_mean":
            check(node.id, Fraction(node.weight), node.children, loc, "children")
            for i, child in enumerate(node.children):
                visit(child, (*loc, "children", i))

    check("root", Fraction(rs.total), rs.tree, (), "tree")
    for i, top in enumerate(rs.tree):
        visit(top, ("tree", i))
    return out
