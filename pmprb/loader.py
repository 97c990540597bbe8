"""Read YAML safely and exactly, and turn every mistake into a located Problem.

The fast path builds plain Python data with libyaml's parser (when available). Only when
a later check finds a problem is the file composed again to map the problem's key path
to a line and column, so valid files pay nothing for positions.
"""

from __future__ import annotations

import difflib
import operator
import os
import re
import stat
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from .errors import Problem, ProblemsError
from .files import O_CLOEXEC, O_NONBLOCK, read_upto
from .i18n import _
from .limits import current as current_limits

Loc = tuple[str | int, ...]

_Base: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def _strict_resolvers() -> dict[Any, list[tuple[str, re.Pattern[str]]]]:
    """YAML 1.1 implicit resolvers minus the traps: yes/no/on/off booleans and dates."""
    bool_re = re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$")
    table: dict[Any, list[tuple[str, re.Pattern[str]]]] = {}
    for first, entries in yaml.resolver.Resolver.yaml_implicit_resolvers.items():
        kept: list[tuple[str, re.Pattern[str]]] = []
        for tag, regexp in entries:
            if tag == "tag:yaml.org,2002:timestamp":
                continue
            if tag == "tag:yaml.org,2002:bool":
                if first in "tTfF":
                    kept.append((tag, bool_re))
                continue
            kept.append((tag, regexp))
        if kept:
            table[first] = kept
    return table


class _Loader(_Base):  # type: ignore[misc]
    """Safe loader: no aliases, no merge keys, duplicate keys collected, exact decimals."""

    yaml_implicit_resolvers = _strict_resolvers()

    def __init__(self, stream: str, max_depth: int | None = None) -> None:
        super().__init__(stream)
        # containers nested deeper are refused while building
        self.max_depth = max_depth if max_depth is not None else current_limits().max_depth
        self.found: list[tuple[Node, str, str]] = []
        self.seen: set[int] = set()  # ids of the nodes built so far: a second visit is an alias
        self.may_alias = "&" in stream

    # --- speed (batch scoring reads thousands of files) --------------------------------
    # libyaml composes in C but calls back into Python for every scalar's tag and builds
    # every object through PyYAML's generic, generator-based constructor. Plain data (the
    # only thing answer files and rule sets hold) takes the direct path below instead,
    # with the same checks; anything else (explicit tags, sets...) falls back to PyYAML's
    # generic path, so its behaviour and errors are unchanged.

    def resolve(self, kind: Any, value: Any, implicit: Any) -> Any:
        # This loader has no path resolvers (checked below the class), so a node's tag
        # depends on its kind and, for a plain scalar, on its text only; keys, option
        # labels and numbers repeat across files: remember them.
        if kind is ScalarNode:
            if not implicit[0]:
                return _STR  # quoted, or the non-specific tag "!": always a string
            tag = _RESOLVED.get(value)
            if tag is None:
                tag = super().resolve(kind, value, implicit)
                if len(_RESOLVED) >= _RESOLVED_MAX:
                    _RESOLVED.clear()
                _RESOLVED[value] = tag
            return tag
        return _MAP if kind is MappingNode else _SEQ

    # No path resolvers, so nothing to track as libyaml descends into and ascends out of
    # every node: C-level no-ops (two calls per node) instead of PyYAML's Python methods.
    descend_resolver = staticmethod(operator.is_)
    ascend_resolver = staticmethod(tuple)

    def construct_document(self, node: Node) -> Any:
        try:
            return self._build(node)
        finally:
            self.constructed_objects: dict[Node, Any] = {}
            self.recursive_objects: dict[Node, None] = {}
            self.seen = set()

    def _build(self, root: Node) -> Any:
        """Plain data straight from the node tree; aliases, merges and bad keys refused."""
        seen = self.seen
        # Anchors start with '&': without one in the text no alias can exist (an alias to
        # an unknown anchor is a syntax error), so the per-node alias check is skipped.
        check = self.may_alias
        found = self.found
        constructors = self.yaml_constructors
        generic = self.construct_object
        limit = self.max_depth

        # `build` is handed itself (`again`) instead of naming itself: a closure that
        # calls itself by name is a reference cycle, and this one holds the loader (via
        # `generic`), which would then wait for the cyclic GC instead of being freed by
        # reference counting as soon as the file is parsed.
        def build(node: Node, depth: int, again: Callable[..., Any]) -> Any:
            if check:
                if id(node) in seen:
                    # An alias: refused, since expanding shared nodes is how YAML bombs work.
                    message = _("anchors and aliases (*name) are not allowed")
                    raise _Refused(node, "yaml_alias", message)
                seen.add(id(node))
            kind = node.__class__
            tag = node.tag
            if kind is ScalarNode:
                if tag == _STR:
                    return node.value
                if tag in _PLAIN_SCALARS:
                    return constructors[tag](self, node)
            elif kind is MappingNode and tag == _MAP:
                if depth > limit:
                    raise _Refused(node, "too_deep", _too_deep(limit))
                depth += 1
                mapping: dict[Any, Any] = {}
                for key_node, value_node in node.value:
                    if key_node.tag == _MERGE:
                        message = _("merge keys (<<) are not allowed")
                        raise _Refused(key_node, "yaml_merge", message)
                    key = again(key_node, depth, again)
                    if key.__class__ is not str and isinstance(key, list | dict):
                        raise _Refused(key_node, "yaml_key", _("a key must be a plain value"))
                    if key in mapping:
                        message = _("duplicate key '{key}'").format(key=key)
                        found.append((key_node, "duplicate_key", message))
                    mapping[key] = again(value_node, depth, again)
                return mapping
            elif kind is SequenceNode and tag == _SEQ:
                if depth > limit:
                    raise _Refused(node, "too_deep", _too_deep(limit))
                return [again(item, depth + 1, again) for item in node.value]
            # anything else (an explicit tag on the wrong kind of node, or outside the core
            # schema) goes to PyYAML's own constructors, which refuse it
            return generic(node, deep=True)

        return build(root, 1, build)

    def construct_yaml_float(self, node: Node) -> Decimal:
        text = str(self.construct_scalar(node)).replace("_", "")
        try:
            value = Decimal(text)
        except InvalidOperation:
            # .nan, .inf and friends: kept as a Decimal special so checks can name them
            lowered = text.lower()
            value = (
                Decimal("NaN")
                if "nan" in lowered
                else Decimal("-Infinity" if lowered.startswith("-") else "Infinity")
            )
        return value


_Loader.add_constructor("tag:yaml.org,2002:float", _Loader.construct_yaml_float)
# Only the core schema: explicit tags such as !!binary, !!set, !!timestamp or !!python/...
# fall through to the "undefined" constructor and become a problem.
_CORE_TAGS = frozenset(
    "tag:yaml.org,2002:" + t for t in ("null", "bool", "int", "float", "str", "seq", "map")
)
_Loader.yaml_constructors = {
    tag: fn for tag, fn in _Loader.yaml_constructors.items() if tag in _CORE_TAGS or tag is None
}


assert not _Loader.yaml_path_resolvers  # _Loader.resolve relies on it

_STR = "tag:yaml.org,2002:str"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"
_MERGE = "tag:yaml.org,2002:merge"
_PLAIN_SCALARS = frozenset(f"tag:yaml.org,2002:{name}" for name in ("int", "float", "bool", "null"))
_RESOLVED: dict[str, str] = {}  # plain scalar text -> its implicit tag (see _Loader.resolve)
_RESOLVED_MAX = 50_000


class _Refused(Exception):
    def __init__(self, node: Node, code: str, message: str) -> None:
        super().__init__(message)
        self.node = node
        self.code = code
        self.message = message


def _mark_problem(path: str, mark: Any, code: str, message: str) -> Problem:
    if mark is None:
        return Problem(path, None, None, code, message)
    return Problem(path, mark.line + 1, mark.column + 1, code, message)


def decode(path: str, raw: bytes) -> str:
    """Bytes to text: UTF-8 (with or without BOM) or UTF-16 with a BOM."""
    try:
        if raw.startswith((b"\xff\xfe", b"\xfe\xff")):
            return raw.decode("utf-16")
        if b"\x00" in raw[:4096]:
            message = _("the file looks like UTF-16 without a byte order mark; save it as UTF-8")
            raise ProblemsError([Problem(path, None, None, "encoding", message)])
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        col = exc.start - (before.rfind(b"\n") + 1) + 1
        raise ProblemsError(
            [Problem(path, line, col, "encoding", _("the file is not valid UTF-8 text"))]
        ) from None


def read_text(path: Path, display: str | None = None, limit: int | None = None) -> str:
    """Read a regular file as text within the size limit; problems raise ProblemsError.

    The file is opened without blocking and judged by its open descriptor (fstat), so a
    file swapped for a FIFO or a device after a first look is refused, never waited on; it
    is read in chunks up to the limit, so a large limit costs nothing on a small file."""
    shown = display if display is not None else str(path)
    max_bytes = limit if limit is not None else current_limits().max_file_bytes

    def fail(code: str, message: str) -> ProblemsError:
        return ProblemsError([Problem(shown, None, None, code, message)])

    def check(info: os.stat_result) -> None:
        if stat.S_ISDIR(info.st_mode):
            raise fail("unreadable", _("is a directory"))
        if not stat.S_ISREG(info.st_mode):
            # a FIFO or a device would block or never end: refused, never read
            raise fail("unreadable", _("is not a regular file"))
        if info.st_size > max_bytes:
            message = _("the file is {size} bytes; the limit is {limit}").format(
                size=info.st_size, limit=max_bytes
            )
            raise fail("too_large", message)

    try:
        check(os.stat(path))  # before opening: a device is never even opened
        fd = os.open(path, os.O_RDONLY | O_NONBLOCK | O_CLOEXEC | getattr(os, "O_NOCTTY", 0))
        try:
            info = os.fstat(fd)  # what was opened, whatever the path names by now
            check(info)
            raw = read_upto(fd, max_bytes + 1, info.st_size)  # it may have grown since
        finally:
            os.close(fd)
        if len(raw) > max_bytes:
            raise fail(
                "too_large",
                _("the file is larger than the limit of {limit} bytes").format(limit=max_bytes),
            )
    except FileNotFoundError:
        raise fail("not_found", _("no such file")) from None
    except IsADirectoryError:
        raise fail("unreadable", _("is a directory")) from None
    except OSError as exc:
        raise fail("unreadable", _("cannot read: {why}").format(why=exc.strerror)) from None
    return decode(shown, raw)


def parse(path: str, text: str, max_depth: int | None = None) -> Any:
    """Parse one YAML document into plain data, or raise ProblemsError."""
    return parse_nodes(path, text, max_depth)[0]


def parse_nodes(path: str, text: str, max_depth: int | None = None) -> tuple[Any, Node | None]:
    """Parse one document into plain data and its node tree, which `locate` can reuse.

    For callers that expect problems in valid YAML (pmprb validate): keeping the tree
    spares composing the file a second time to find positions.
    """
    loader = _Loader(text, max_depth)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    except _Refused as exc:
        mark = exc.node.start_mark
        if exc.code == "yaml_alias":
            mark = _first_alias_mark(text) or mark
        raise ProblemsError([_mark_problem(path, mark, exc.code, exc.message)]) from None
    except yaml.constructor.ConstructorError as exc:
        what = exc.problem or "unknown tag"
        message = _("YAML tag not allowed: {what}").format(what=what)
        raise ProblemsError([_mark_problem(path, exc.problem_mark, "yaml_tag", message)]) from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        what = exc.problem or exc.context or "syntax error"
        message = _("YAML syntax: {what}").format(what=what)
        raise ProblemsError([_mark_problem(path, mark, "yaml_syntax", message)]) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        message = _("character {char} is not allowed in YAML").format(
            char=f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        )
        raise ProblemsError([Problem(path, line, col, "yaml_syntax", message)]) from None
    except yaml.YAMLError as exc:
        message = _("YAML syntax: {what}").format(what=exc)
        raise ProblemsError([Problem(path, None, None, "yaml_syntax", message)]) from None
    except ValueError:
        # Python refuses to convert integers of more than 4300 digits
        message = _("a number in the file is too large")
        raise ProblemsError([Problem(path, None, None, "too_large", message)]) from None
    except RecursionError:
        message = _("the document is nested too deeply")
        raise ProblemsError([Problem(path, None, None, "too_deep", message)]) from None
    finally:
        loader.dispose()
    if loader.found:
        raise ProblemsError([_mark_problem(path, n.start_mark, c, m) for n, c, m in loader.found])
    return data, node


def _too_deep(limit: int) -> str:
    return _("the document is nested deeper than {limit} levels").format(limit=limit)


def _line_col(text: str, position: int) -> tuple[int, int]:
    before = text[:position]
    return before.count("\n") + 1, position - (before.rfind("\n") + 1) + 1


def _first_alias_mark(text: str) -> Any:
    """Where the first alias is used (libyaml's composer hides it; the pure parser does not)."""
    try:
        for event in yaml.parse(text, Loader=yaml.SafeLoader):
            if isinstance(event, yaml.AliasEvent):
                return event.start_mark
    except yaml.YAMLError:
        return None
    return None


# --- locating problems found after parsing -------------------------------------------

Where = Literal["key", "value"]


@dataclass(frozen=True, slots=True)
class Pending:
    """A problem found in parsed data, located by its key path until positions are known."""

    loc: Loc
    code: str
    message: str
    where: Where = "value"
    level: Literal["error", "warning"] = "error"


def locate(
    path: str, text: str, pending: Iterable[Pending], root: Node | None = None
) -> list[Problem]:
    """Give each pending problem the line:col of its key path in the file.

    `root` is the file's node tree when the caller kept it (parse_nodes); else it is composed.
    """
    items = list(pending)
    if not items:
        return []
    if root is None:
        try:
            root = yaml.compose(text, Loader=_Loader)
        except yaml.YAMLError:
            root = None
    keys: dict[int, dict[str, tuple[Node, Node]]] = {}
    out = []
    for p in items:
        node = _find(root, p.loc, p.where, keys) if root is not None else None
        mark = node.start_mark if node is not None else None
        out.append(
            Problem(
                path,
                mark.line + 1 if mark else None,
                mark.column + 1 if mark else None,
                p.code,
                p.message,
                p.level,
            )
        )
    return sorted(out, key=Problem.sort_key)


def _find(
    node: Node, loc: Loc, where: Where, keys: dict[int, dict[str, tuple[Node, Node]]]
) -> Node | None:
    """The deepest node along loc (the key node when `where` is key and loc is complete).

    `keys` caches each mapping's scalar keys, so many problems in one file cost one pass.
    """
    current = node
    for i, part in enumerate(loc):
        last = i == len(loc) - 1
        if isinstance(current, MappingNode):
            table = keys.get(id(current))
            if table is None:
                table = {}
                for key_node, value_node in current.value:
                    if isinstance(key_node, ScalarNode):
                        table.setdefault(key_node.value, (key_node, value_node))
                keys[id(current)] = table
            found = table.get(str(part))
            if found is None:
                return current
            if last and where == "key":
                return found[0]
            current = found[1]
        elif isinstance(current, SequenceNode) and isinstance(part, int):
            if 0 <= part < len(current.value):
                current = current.value[part]
            else:
                return current
        else:
            return current
    return current


def suggest(word: str, choices: Sequence[str]) -> str:
    """A ' (did you mean X?)' hint, or nothing."""
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.75)
    return _(" (did you mean '{hint}'?)").format(hint=close[0]) if close else ""


def pydantic_pending(errors: Iterable[Any], prefix: Loc = ()) -> list[Pending]:
    """Turn pydantic error dicts into friendly located problems, keyed on the error type."""
    out: list[Pending] = []
    seen: set[tuple[Loc, str]] = set()
    for err in errors:
        loc: Loc = prefix + tuple(p for p in err["loc"] if not _is_tag(p))
        kind: str = err["type"]
        ctx: dict[str, Any] = err.get("ctx") or {}
        where: Where = "value"
        if loc and loc[-1] == "[key]":  # a mapping key of the wrong type
            loc, where = loc[:-1], "key"
        if kind == "missing":
            field = loc[-1] if loc else ""
            loc = loc[:-1]
            message = _("required field '{field}' is missing").format(field=field)
        elif kind == "extra_forbidden":
            where = "key"
            message = _("unknown field '{field}'").format(field=loc[-1] if loc else "")
        elif kind in ("string_type", "str_type"):
            message = _("expected text (put numbers like codes in quotes)")
        elif kind in ("int_type", "int_parsing", "int_from_float"):
            message = _("expected a whole number")
        elif kind in ("decimal_type", "decimal_parsing", "float_type", "finite_number"):
            message = _("expected a finite number")
        elif kind in ("dict_type", "model_type", "model_attributes_type"):
            message = _("expected a mapping (key: value)")
        elif kind in ("list_type", "tuple_type"):
            message = _("expected a list")
        elif kind in ("greater_than_equal", "greater_than", "less_than_equal", "less_than"):
            sign = {
                "greater_than_equal": ">=",
                "greater_than": ">",
                "less_than_equal": "<=",
                "less_than": "<",
            }[kind]
            bound = next(iter(ctx.values()), "")
            message = _("must be {sign} {bound}").format(sign=sign, bound=bound)
        elif kind == "string_pattern_mismatch":
            message = _(
                "'{value}' is not a valid identifier (letters, digits, '.', '_', '-')"
            ).format(value=err.get("input"))
        elif kind in ("too_short", "too_long"):
            message = _("has the wrong number of items")
        elif kind == "bool_type":
            message = _("expected true or false")
        elif kind == "literal_error":
            message = _("expected one of: {allowed}").format(allowed=ctx.get("expected", ""))
        else:
            message = str(err.get("msg", kind))
            if message.startswith("Value error, "):
                message = message[len("Value error, ") :]
        if (loc, message) in seen:
            continue
        seen.add((loc, message))
        out.append(Pending(loc, kind if kind in _PUBLIC_CODES else "invalid", message, where))
    return out


_PUBLIC_CODES = frozenset({"missing", "extra_forbidden"})


def _is_tag(part: Any) -> bool:
    # pydantic inserts union/discriminator tags and function names into loc paths
    return isinstance(part, str) and (part.startswith("function-") or part in _TAGS)


_TAGS = frozenset({"short-answer", "long-answer", "blank-answer"})


def shorten(text: str, width: int = 60) -> str:
    """User text quoted in a message, cut to a readable length."""
    return text if len(text) <= width else text[: width - 1] + "…"


def non_ascii_hint(word: str) -> str:
    """Name the first non-ASCII character of an id: look-alikes (a Cyrillic a) hide there."""
    for ch in word:
        if not ch.isascii():
            return _(" (it contains the non-ASCII character '{ch}' U+{code:04X})").format(
                ch=ch, code=ord(ch)
            )
    return ""
