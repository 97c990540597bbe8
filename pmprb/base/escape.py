"""Sanitisers of user text, one per output kind: the only place where text from a file, a
file name or the command line is made safe to show.

Every piece of user text (unit names and codes, paths, notes, answers, evidence, rule text,
problem messages that quote them) reaches an output through one of these:

- `path`: the display string of a file name, made once where the name enters the tool
  (discovery, the command line). Bytes that are not UTF-8 (surrogate-escaped by Python on
  Linux) are shown as `\\xff`, so every writer receives valid text.
- `line`: one line of plain text (problems on stderr, `validate -f text`, messages).
  Control characters (C0, DEL, C1, line and paragraph separators, bidirectional
  overrides) and unpaired surrogates are shown as visible escapes (`\\n`, `\\r`, `\\x1b`,
  `\\u202e`): no line break, cursor movement, screen clearing or terminal hyperlink can
  come from user text. Backslashes are kept, so `line` is idempotent.
- `terminal` / `cells`: the same text as rich.text.Text, never parsed as rich markup
  (`[/bold]`, `[link=...]` stay literal).
- `github_line` (`github_lines`, `github_inert`): a line printed under GitHub Actions,
  which the runner must not obey as a workflow command (`::cmd::` at the start, `##[cmd]`
  anywhere).
- `github_data` / `github_property`: the message and properties of our own annotations.
- `markdown`: a Markdown table cell, heading or paragraph.
- `json_dumps`: JSON that is valid UTF-8 and carries no raw control, C1 or bidi character.
- `xml_text`: JUnit XML text and attributes.
- `cell`: a CSV or workbook cell whose text a spreadsheet would run as a formula;
  `excel_text`: text as a workbook cell can hold and show it.

This module needs nothing from pmprb but the message catalogue (files.py and loader.py use
it), and imports rich only inside `terminal` and `cells`.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

from pmprb.base.i18n import _

if TYPE_CHECKING:
    from rich.console import RenderableType
    from rich.text import Text

# C0 controls, DEL, C1 controls, line/paragraph separators, bidi embeddings, overrides and
# isolates (CVE-2021-42574), and unpaired surrogates (bytes of a name that is not UTF-8)
CONTROL = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")
_NAMED = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def visible(ch: str) -> str:
    """The visible escape of one character matched by CONTROL: `\\n`, `\\x1b`, `\\u202e`; a
    surrogate-escaped byte of a file name (U+DC80..U+DCFF) as the byte itself, `\\xff`."""
    named = _NAMED.get(ch)
    if named is not None:
        return named
    code = ord(ch)
    if 0xDC80 <= code <= 0xDCFF:
        return f"\\x{code - 0xDC00:02x}"
    if code <= 0xFF:
        return f"\\x{code:02x}"
    return f"\\u{code:04x}"


def _sub(match: re.Match[str]) -> str:
    return visible(match.group())


# --- plain text: problems, messages, validate -f text ------------------------------------


def line(text: str) -> str:
    """One line of plain text with every control character shown as an escape."""
    return CONTROL.sub(_sub, text)


def path(name: str | os.PathLike[str]) -> str:
    """The display string of a file name (made once, where the name enters the tool)."""
    return line(os.fspath(name))


# --- terminal (rich) ---------------------------------------------------------------------


def terminal(text: str, style: str = "") -> Text:
    """User text as a rich Text: plain, never markup, with control characters escaped."""
    from rich.text import Text

    return Text(line(text), style=style)


def cells(*values: RenderableType | None) -> list[RenderableType]:
    """A table row: every str becomes plain Text (rich would parse a str cell as markup)."""
    from rich.text import Text

    out: list[RenderableType] = []
    for value in values:
        if value is None:
            out.append(Text(""))
        elif isinstance(value, str):
            out.append(Text(line(value)))
        else:
            out.append(value)
    return out


# --- GitHub Actions ----------------------------------------------------------------------

_COMMAND_START = re.compile(r"^([^\S\n]*)::", re.MULTILINE)


def github_line(text: str) -> str:
    """A log line the Actions runner shows and never runs.

    The runner obeys a line that starts with `::` (after spaces) and, through its legacy
    parser, a `##[` anywhere in a line; both are written with the runner's own percent
    codes (`%3A%3A`, `##%5B`), after `line` has removed every line break.
    """
    return github_inert(line(text))


def github_inert(text: str) -> str:
    """`github_line` without `line`, for a text whose user parts are already escaped (a
    rendered rich table, which holds the terminal's own style codes): each line made inert."""
    out = text.replace("##[", "##%5B")
    return _COMMAND_START.sub(r"\1%3A%3A", out)


def github_lines(text: str) -> str:
    """`github_line` on every line of a text (line breaks kept)."""
    return "\n".join(github_line(part) for part in text.split("\n"))


def github_data(text: str) -> str:
    """The message of a workflow command (the toolkit's escapeData: %, CR, LF)."""
    return line(text).replace("%", "%25")


def github_property(text: str) -> str:
    """A property of a workflow command (escapeProperty: also ':' and ',')."""
    return github_data(text).replace(":", "%3A").replace(",", "%2C")


def in_github_actions(environ: Mapping[str, str] | None = None) -> bool:
    """Whether the process runs in GitHub Actions (GITHUB_ACTIONS=true)."""
    return (os.environ if environ is None else environ).get("GITHUB_ACTIONS") == "true"


# --- Markdown ------------------------------------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\|*_`\[\]<>#&])")


def markdown(text: str) -> str:
    """User text for a Markdown cell, heading or paragraph: one line (line breaks shown as
    `\\n`, so a CR or LF cannot end a table row or a heading), Markdown punctuation
    backslash-escaped (with `&`, so no HTML entity such as `&#8238;` is
    decoded), and a leading ':' escaped so that no line starts with '::'."""
    out = _MD_SPECIAL.sub(r"\\\1", line(text))
    return "\\" + out if out.startswith(":") else out


# --- JSON ----------------------------------------------------------------------------------

_JSON_RAW = re.compile("[\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069]|##\\[")
_JSON_SURROGATE = re.compile("[\ud800-\udfff]")


def _json_char(match: re.Match[str]) -> str:
    found = match.group()
    if found == "##[":
        return "##\\u005b"
    return f"\\u{ord(found):04x}"


def _json_surrogate(match: re.Match[str]) -> str:
    return visible(match.group()).replace("\\", "\\\\")


def json_dumps(data: Any) -> str:
    """Byte-stable JSON (indented, fixed key order, UTF-8 text, ending in a newline).

    Characters a terminal or a log would act on are written as JSON escapes (the value is
    unchanged): DEL, C1, line separators, bidi controls, and `[` after `##`. An unpaired
    surrogate (not encodable as UTF-8) becomes its visible escape text, as `line` shows it.
    """
    return json_text(_indented(data)) + "\n"


def _indented(data: Any) -> str:
    """`json.dumps(data, ensure_ascii=False, indent=2)`, the same text.

    The json module indents in pure Python (~9 ms for one unit's result); pydantic_core's
    encoder writes the same text about six times faster for the values both write alike:
    str-keyed dicts, lists, tuples, strings, ints, bools, None and finite floats that
    Python writes without an exponent. Anything else (an exponent, NaN, another type, an
    unpaired surrogate) goes to the json module, which then writes or refuses it as always.
    """
    if _plain(data):
        from pydantic_core import PydanticSerializationError, to_json

        try:
            return to_json(data, indent=2).decode()
        except PydanticSerializationError:  # an unpaired surrogate in a string
            pass
    return json.dumps(data, ensure_ascii=False, indent=2)


def _plain(data: Any) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        kind = type(value)
        if kind is dict:
            if not all(type(key) is str for key in value):
                return False
            stack.extend(value.values())
        elif kind is list or kind is tuple:
            stack.extend(value)
        elif kind is float:
            if not (value == 0 or 1e-4 <= abs(value) < 1e16):  # NaN fails both
                return False
        elif not (kind is str or kind is int or kind is bool or value is None):
            return False
    return True


def json_text(text: str) -> str:
    """What json_dumps does to a JSON text already made with json.dumps(ensure_ascii=False),
    for a writer that streams its JSON in pieces."""
    if text.isascii() and "\x7f" not in text:  # the usual case, without a regex scan
        return text.replace("##[", "##\\u005b")
    if _JSON_SURROGATE.search(text):  # only inside strings: JSON syntax is ASCII
        text = _JSON_SURROGATE.sub(_json_surrogate, text)
    return _JSON_RAW.sub(_json_char, text)


# --- XML (JUnit) -----------------------------------------------------------------------------


def xml_text(text: str) -> str:
    """User text for XML: one line, every control shown as an escape (XML 1.0 cannot hold
    most C0 characters at all); ElementTree then escapes <, & and quotes."""
    return line(text)


# --- spreadsheets (CSV and XLSX) -----------------------------------------------------------

_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # a spreadsheet runs these as a formula
# where a reader may start a new row or line: CR LF, CR, LF and the other str.splitlines breaks
_LINE_BREAK = re.compile("(\r\n|[\n\r\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029])")


def cell(value: Any) -> Any:
    """Neutralise text a spreadsheet would run as a formula (OWASP CSV injection): a quote
    before text that starts like a formula, and before every line of it that does, since a
    reader that ends rows at a bare CR or LF starts a new cell there."""
    if not isinstance(value, str):
        return value
    if _LINE_BREAK.search(value) is None:
        return "'" + value if value.startswith(_FORMULA_START) else value
    parts = _LINE_BREAK.split(value)  # text, break, text, break, ... (breaks kept)
    for i in range(0, len(parts), 2):
        if parts[i].startswith(_FORMULA_START):
            parts[i] = "'" + parts[i]
    return "".join(parts)


# Characters a workbook cannot hold or that would hide in it: C0 controls but tab, LF and CR
# (XML 1.0 refuses them; openpyxl raises IllegalCharacterError), DEL and the C1 controls
# (legal but invisible), lone surrogates (a file name not in UTF-8) and the non-characters
# U+FFFE and U+FFFF.
_NOT_IN_WORKBOOK = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff\ufffe\uffff]")
EXCEL_TEXT_MAX = 32_767  # characters in one Excel cell (UTF-16 code units)


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def excel_text(value: str) -> str:
    """User text as a workbook cell shows it: neutralised like cell(), every character a
    workbook cannot hold shown as a visible escape (ESC as `\\x1b`, a lone surrogate as
    `\\udcff`), and cut to what one cell holds, saying so."""
    out = _NOT_IN_WORKBOOK.sub(_visible, cell(value))
    if len(out) > EXCEL_TEXT_MAX // 2 and len(out.encode("utf-16-le")) // 2 > EXCEL_TEXT_MAX:
        mark = " " + _("[cut: longer than an Excel cell holds]")
        room = EXCEL_TEXT_MAX - len(mark.encode("utf-16-le")) // 2
        kept = out.encode("utf-16-le")[: 2 * room].decode("utf-16-le", errors="ignore")
        out = kept + mark
    return out
