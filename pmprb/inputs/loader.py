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
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Literal

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from pmprb.base.errors import Problem, ProblemsError
from pmprb.base.escape import path as display_path
from pmprb.base.files import O_CLOEXEC, O_NONBLOCK, read_upto
from pmprb.base.i18n import _
from pmprb.base.limits import current as current_limits

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
                        first = _first_key(self, node, key_node, key)
                        message = _duplicate_message(key, first)
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

    # Numbers are plain decimals only. YAML 1.1 also reads 075 as octal (61), 1:05 in base
    # 60 (65), 0x1F, 0b101, 1_000, +5, .5, 1.0e+3, .inf and .nan as numbers: a person
    # typing a score rarely means that, so each such form is a located `number_form`
    # problem (collected like duplicate keys, so every one in the file is listed at once)
    # instead of a silently different number.

    def construct_yaml_int(self, node: Node) -> int | str:
        text: str = node.value
        if PLAIN_INT.match(text):
            return int(text)
        self.found.append((node, "number_form", explain_not_number(text)))
        return text

    def construct_yaml_float(self, node: Node) -> Decimal | str:
        text: str = node.value
        if PLAIN_DECIMAL.match(text):
            return Decimal(text)
        self.found.append((node, "number_form", explain_not_number(text)))
        return text


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
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


# --- numbers ------------------------------------------------------------------------

PLAIN_INT = re.compile(r"-?(?:0|[1-9][0-9]*)\Z")
PLAIN_DECIMAL = re.compile(r"-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?\Z")
_INF_NAN = re.compile(r"[-+]?\.?(?:inf|infinity|nan)\Z", re.IGNORECASE)
_BASE_60 = re.compile(r"[-+]?[0-9][0-9_]*(?::[0-9_]+)+(?:\.[0-9_]*)?\Z")
_OCTAL_LOOKING = re.compile(r"[-+]?0[0-9_]+\Z")
_DECIMAL_COMMA = re.compile(r"[-+]?[0-9]+,[0-9]+\Z")
_WITH_WORD = re.compile(r"(\S+)\s+([^\d\s].*)\Z")
_LOOSE = re.compile(r"[-+]?(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\Z")


def _meant(text: str) -> str | None:
    """The plain decimal a person most likely meant by `text`, when it can be told."""
    # digits of other scripts (Arabic-Indic ٨٥) as the ASCII digits they stand for
    s = "".join(
        str(unicodedata.decimal(ch)) if not ch.isascii() and ch.isdecimal() else ch
        for ch in text.strip()
    )
    s = s.replace("_", "")
    if _DECIMAL_COMMA.match(s):
        s = s.replace(",", ".")
    sign = "-" if s.startswith("-") else ""
    body = s.lstrip("+-")
    if re.fullmatch(r"0[xX][0-9a-fA-F]+|0[bB][01]+|0[oO][0-7]+", body):
        return sign + str(int(body, 0))
    if not _LOOSE.match(body):
        return None
    exact = Decimal(body)
    shown = format(exact.normalize() if "e" in body.lower() else exact, "f")
    out = sign + shown if exact else shown
    return out if PLAIN_DECIMAL.match(out) else None


def explain_not_number(text: str) -> str:
    """Why `text`, found where a number belongs, is not one, and how to write it.

    The one explanation of number mistakes, shared by every reader: YAML forms the loader
    refuses (075, 1:05, 0x1F, 1_000, .inf...), and text met where a number is needed (a
    quoted "85", 85%, 85,5, 85 poin, A). Numbers are plain decimals: optional minus,
    digits, optional point and digits (85, 85.5, -0.25).
    """
    s = text.strip()
    value = shorten(text)
    if PLAIN_DECIMAL.match(s):
        return _(
            "'{value}' is in quotes, so it is text, not a number; remove the quotes: {fix}"
        ).format(value=value, fix=s)
    if _INF_NAN.match(s):
        return _("'{value}' is not a finite number; write a number such as 85 or 85.5").format(
            value=value
        )
    if _BASE_60.match(s):
        return _(
            "'{value}' is not a plain decimal number: YAML reads a number with ':' in base 60;"
            " write it with digits and a decimal point, such as 85.5"
        ).format(value=value)
    if s.endswith("%"):
        fix = _meant(s[:-1])
        if fix is not None:
            return _("'{value}' is not a number; remove the % sign: {fix}").format(
                value=value, fix=fix
            )
    words = _WITH_WORD.match(s)
    if words is not None:
        fix = _meant(words[1])
        if fix is not None:
            return _(
                "'{value}' is not a number; write the number alone, without '{word}': {fix}"
            ).format(value=value, word=shorten(words[2], 20), fix=fix)
    fix = _meant(s)
    if fix is None:
        return _("'{value}' is not a number").format(value=value)
    if _DECIMAL_COMMA.match(s):
        return _("'{value}' is not a number; use a point as the decimal separator: {fix}").format(
            value=value, fix=fix
        )
    if _OCTAL_LOOKING.match(s):
        return _(
            "'{value}' is not a plain decimal number: YAML reads a leading 0 as octal; write"
            ' {fix} (or "{value}" in quotes if it is a code)'
        ).format(value=value, fix=fix)
    return _("'{value}' is not a plain decimal number; write {fix}").format(value=value, fix=fix)


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
    """Read a regular file as UTF-8 text within the size limit (read_bytes); problems
    raise ProblemsError."""
    shown = display if display is not None else display_path(path)
    return decode(shown, read_bytes(path, shown, limit))


def read_bytes(path: Path, display: str | None = None, limit: int | None = None) -> bytes:
    """Read a regular file's bytes within the size limit; problems raise ProblemsError.

    The file is opened without blocking and judged by its open descriptor (fstat), so a
    file swapped for a FIFO or a device after a first look is refused, never waited on; it
    is read in chunks up to the limit, so a large limit costs nothing on a small file."""
    shown = display if display is not None else display_path(path)
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
    return raw


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
        line, col, message = explain_syntax(text, exc)
        raise ProblemsError([Problem(path, line, col, "yaml_syntax", message)]) from None
    except yaml.reader.ReaderError as exc:
        line, col = _line_col(text, exc.position)
        message = _("character {char} is not allowed in YAML").format(
            char=f"#x{exc.character:04x}" if isinstance(exc.character, int) else repr(exc.character)
        )
        raise ProblemsError([Problem(path, line, col, "yaml_syntax", message)]) from None
    except yaml.YAMLError as exc:
        message = _with_parser(_("the YAML syntax is invalid"), str(exc))
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


def _first_key(loader: Any, mapping: Node, dup: Node, key: Any) -> Node | None:
    """The earlier key node of a mapping equal to `key` (a duplicate was just found at `dup`).

    Only called on a duplicate, so valid files pay nothing; plain scalar keys are built again
    with their own constructors (never through the alias check, which would see them twice).
    """
    for key_node, _value in mapping.value:
        if key_node is dup:
            return None
        if not isinstance(key_node, ScalarNode):
            continue
        tag = key_node.tag
        if tag == _STR:
            other: Any = key_node.value
        elif tag in _PLAIN_SCALARS:
            try:
                other = loader.yaml_constructors[tag](loader, key_node)
            except ValueError:  # a key that cannot be rebuilt is not the one
                continue
        else:
            continue
        if other == key:
            return key_node
    return None


def _duplicate_message(key: Any, first: Node | None) -> str:
    shown = shorten(str(key))
    if first is None:
        return _("duplicate key '{key}'").format(key=shown)
    return _("duplicate key '{key}': also at line {line}; keep only one").format(
        key=shown, line=first.start_mark.line + 1
    )


# --- YAML syntax errors, explained ---------------------------------------------------

# `key:value` on one line: a key-like word, a colon and no space (a URL's "://" is not one)
_NO_SPACE = re.compile(r"^\s*(?:-\s+)?(?P<key>[A-Za-z_][\w.\-]*):(?P<value>[^\s/:][^#]*)$")
_KEY_COLON = re.compile(r"^\s*(?:-\s+)?(?:\"[^\"]*\"|'[^']*'|[^\s#'\"][^#]*?):(?:\s|$)")


def _with_parser(cause: str, raw: str) -> str:
    """The cause in the user's language, then the parser's own words in parentheses."""
    return _("{cause} (parser: {raw})").format(cause=cause, raw=raw)


def explain_syntax(text: str, exc: yaml.MarkedYAMLError) -> tuple[int | None, int | None, str]:
    """A YAML syntax error as (line, col, message): the likely cause named in the user's
    language (a tab, a missing space after ':', an indent, an unclosed quote or bracket),
    with the parser's text in parentheses after it."""
    raw = "; ".join(x for x in (exc.context, exc.problem) if x) or "syntax error"
    problem = exc.problem or ""
    context = exc.context or ""
    mark = exc.problem_mark or exc.context_mark
    opened = exc.context_mark
    lines = text.splitlines()

    def at(m: Any) -> tuple[int | None, int | None]:
        return (m.line + 1, m.column + 1) if m is not None else (None, None)

    def line_text(index: int) -> str:
        return lines[index] if 0 <= index < len(lines) else ""

    here = mark.line if mark is not None else -1
    # 1. a tab in the indentation of the line at fault (or of the one just above it)
    for index in (here, here - 1):
        current = line_text(index)
        indent = current[: len(current) - len(current.lstrip(" \t"))]
        if "\t" in indent:
            cause = _("a tab is used for indentation; YAML indents with spaces only")
            return index + 1, indent.index("\t") + 1, _with_parser(cause, raw)
    # 2. `key:value` without the space after ':' (YAML then reads one long word)
    if "could not find expected ':'" in problem or "mapping values are not allowed" in problem:
        start = opened.line if opened is not None and "simple key" in context else here - 1
        for index in range(max(start, 0), max(here, start) + 1):
            found = _NO_SPACE.match(line_text(index))
            if found:
                key, value = found.group("key"), found.group("value").strip()
                cause = _("a space is missing after ':' in '{text}'; write '{key}: {value}'")
                cause = cause.format(text=shorten(f"{key}:{value}"), key=key, value=shorten(value))
                return index + 1, found.start("value"), _with_parser(cause, raw)
    # 3. a quote opened and never closed
    if "quoted scalar" in context and opened is not None:
        quote = line_text(opened.line)[opened.column : opened.column + 1] or '"'
        cause = _("the quote {quote} opened here is never closed; add the closing {quote}").format(
            quote=quote
        )
        return opened.line + 1, opened.column + 1, _with_parser(cause, raw)
    # 4. a bracket or brace opened and never closed
    if ("flow sequence" in context or "flow mapping" in context) and opened is not None:
        cause = _bracket_cause("[" if "sequence" in context else "{")
        return opened.line + 1, opened.column + 1, _with_parser(cause, raw)
    # (`key: [` at the end of the file: libyaml names neither the bracket nor where it opened)
    # (a character scan: skipped for huge texts, where it would cost more than it tells)
    if ("expected node content" in problem or "end of stream" in problem) and len(text) < 1 << 20:
        found_at = _unclosed_bracket(text)
        if found_at is not None:
            index, column, bracket = found_at
            return index + 1, column + 1, _with_parser(_bracket_cause(bracket), raw)
    # 5. ': ' inside a plain value, or a line indented differently from its neighbours
    if "mapping values are not allowed" in problem and mark is not None:
        before = line_text(here)[: mark.column]
        if _KEY_COLON.match(before):
            cause = _("a value containing ': ' must be put in quotes")
            return *at(mark), _with_parser(cause, raw)
    if (
        "mapping values are not allowed" in problem
        or "expected key" in problem
        or "expected <block end>" in problem
        or "expected '-' indicator" in problem
    ):
        cause = _(
            "this line is not indented like the lines above it: keys of one mapping start "
            "in the same column, and the keys under a key are indented further"
        )
        line, _col = at(mark)
        spaces = len(line_text(here)) - len(line_text(here).lstrip(" "))
        return line, spaces + 1, _with_parser(cause, raw)
    return *at(mark), _with_parser(_("the YAML syntax is invalid here"), raw)


def _bracket_cause(bracket: str) -> str:
    close = "]" if bracket == "[" else "}"
    return _(
        "the bracket {open} opened here is not closed: add {close}, or a comma between items"
    ).format(open=bracket, close=close)


def _unclosed_bracket(text: str) -> tuple[int, int, str] | None:
    """(line index, column, bracket) of the last [ or { never closed, outside quotes and
    comments; None when every bracket is closed."""
    stack: list[tuple[int, int, str]] = []
    for index, line in enumerate(text.splitlines()):
        quote = ""
        for column, ch in enumerate(line):
            if quote:
                if ch == quote:
                    quote = ""
            elif ch in "\"'" and (column == 0 or line[column - 1] in " \t[{,:-"):
                quote = ch
            elif ch == "#" and (column == 0 or line[column - 1] in " \t"):
                break
            elif ch in "[{":
                stack.append((index, column, ch))
            elif ch in "]}" and stack:
                stack.pop()
    return stack[-1] if stack else None


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


# Indonesian words users type for a field (a did-you-mean cannot see them: they share no
# letters with the English name); each maps to the field names it may stand for.
FIELD_WORDS: dict[str, tuple[str, ...]] = {
    "jawaban": ("answers", "answer"),
    "jawab": ("answers", "answer"),
    # in an answer file the evidence; on a rule set's indicator its expected documents
    "bukti": ("evidence", "documents"),
    "data_dukung": ("evidence", "documents"),
    "datadukung": ("evidence", "documents"),
    "dukung": ("evidence", "documents"),
    "dokumen": ("documents",),
    "catatan": ("note",),
    "keterangan": ("note",),
    "tahun": ("year",),
    "unit_kerja": ("unit",),
    "perangkat_daerah": ("unit",),
    "opd": ("unit",),
    "instansi_induk": ("instansi",),
    "nama": ("name",),
    "kode": ("code",),
    "aturan": ("rules",),
    "nilai": ("scores", "answer"),
    "skor": ("scores",),
    "jumlah": ("counts",),
    # the review block (issue 12)
    "reviu": ("review",),
    "tinjauan": ("review",),
    "evaluasi": ("review",),
    "rekomendasi": ("recommendation",),
    "saran": ("recommendation",),
    "oleh": ("by",),
    "reviewer": ("by",),
    "evaluator": ("by",),
    "sanggah": ("appeal",),
    "sanggahan": ("appeal",),
    "banding": ("appeal",),
    "tanggapan": ("response",),
    "jawaban_sanggah": ("response",),
    "alasan": ("reason", "not_counted"),
    "status_sanggah": ("status",),
    "tidak_dihitung": ("not_counted",),
}


def suggest_field(word: str, fields: Sequence[str]) -> str:
    """A ' (did you mean X?)' hint for a misspelled or translated field name, or nothing."""
    lowered = word.strip().lower().replace("-", "_").replace(" ", "_")
    for target in FIELD_WORDS.get(lowered, ()):
        if target in fields:
            return _(" (did you mean '{hint}'?)").format(hint=target)
    close = difflib.get_close_matches(lowered, fields, n=1, cutoff=0.6)
    return _(" (did you mean '{hint}'?)").format(hint=close[0]) if close else ""


FieldsAt = Callable[[Loc], Sequence[str]]


def pydantic_pending(
    errors: Iterable[Any], prefix: Loc = (), fields: FieldsAt | None = None
) -> list[Pending]:
    """Turn pydantic error dicts into friendly located problems, keyed on the error type.

    `fields` gives the field names allowed in the mapping at a location, so an unknown
    field gets a did-you-mean (`evidance`, `jawaban`).
    """
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
            field = str(loc[-1]) if loc else ""
            allowed = fields(loc[:-1]) if fields is not None and loc else ()
            message = _("unknown field '{field}'").format(field=shorten(field)) + suggest_field(
                field, allowed
            )
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


_PUBLIC_CODES = frozenset({"missing", "extra_forbidden", "bad_number"})


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


@dataclass(frozen=True, slots=True)
class Source:
    """One answer file's raw data, and how to locate problems found in it."""

    path: str
    data: Any
    where: Callable[[Iterable[Pending]], list[Problem]]
    extra: tuple[Pending, ...] = ()  # problems the reader found in the cells themselves
    made_for: str | None = None  # a workbook's recorded rule set digest
