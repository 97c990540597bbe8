"""The cells of an .xlsx, read safely and exactly.

An .xlsx is a zip of XML parts. Before anything is parsed, the container is checked: the
file's size (limits.max_file_bytes), the number of members, each member's declared size
and compression ratio and their total (a zip bomb is refused before it is inflated, and a
member is never read past its declared size). Old .xls files, encrypted workbooks (both
are OLE compound files), OpenDocument spreadsheets and anything that is not a zip get a
problem each. XML with a DOCTYPE is refused (no entities at all).

Numbers are kept as the text the file stores (`85.5`), so they become exact Decimals, never
binary floats. Only the parts the reader asks for are parsed; a sheet's cells come back as
{(row, col): Cell} with 1-based rows and columns, and its merged ranges.
"""

from __future__ import annotations

import io
import re
import zipfile
import zlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal, NamedTuple
from xml.etree import ElementTree as ET

from pmprb.base.errors import Problem, ProblemsError
from pmprb.base.i18n import _
from pmprb.base.limits import current as current_limits

MAX_MEMBERS = 1000
MAX_RATIO = 100  # uncompressed / compressed, for members above RATIO_FLOOR bytes
RATIO_FLOOR = 1 << 20
TREE_BYTES = 16 << 20  # the largest part parsed into an element tree (the general path)
EXPANSION = 10  # the parts may hold at most this many times the file limit, in total

Kind = Literal["s", "n", "b", "e", "f", "d"]  # text, number, boolean, error, formula, date


class Cell(NamedTuple):
    """One cell: its kind and its text (a number's digits as stored, a formula's source)."""

    kind: Kind
    text: str


@dataclass(frozen=True, slots=True)
class Sheet:
    """The cells of one worksheet that hold something, and its merged ranges."""

    name: str
    cells: dict[tuple[int, int], Cell]
    merged: tuple[tuple[int, int, int, int], ...]  # first row, first col, last row, last col


def column_letter(col: int) -> str:
    """1 -> A, 27 -> AA."""
    out = ""
    while col:
        col, rest = divmod(col - 1, 26)
        out = chr(65 + rest) + out
    return out


def ref(row: int, col: int) -> str:
    """(12, 3) -> C12."""
    return f"{column_letter(col)}{row}"


_REF = re.compile(r"^([A-Z]{1,3})(\d{1,7})$")


def parse_ref(text: str) -> tuple[int, int] | None:
    """C12 -> (12, 3); None when it is not a cell reference."""
    found = _REFS.get(text)
    if found is not None:
        return found
    m = _REF.match(text.replace("$", "").upper())
    if m is None:
        return None
    col = 0
    for ch in m.group(1):
        col = col * 26 + ord(ch) - 64
    found = (int(m.group(2)), col)
    if len(_REFS) < 200_000:  # the same few thousand references recur in every workbook
        _REFS[text] = found
    return found


_REFS: dict[str, tuple[int, int]] = {}


_ESCAPE = re.compile(r"_x([0-9A-Fa-f]{4})_")


def _unescape(text: str) -> str:
    # OOXML writes characters XML cannot hold as _xHHHH_ (and a literal "_x" as _x005F_x)
    if "_x" not in text:
        return text
    return _ESCAPE.sub(lambda m: chr(int(m.group(1), 16)), text)


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_DATE_FORMATS = frozenset({*range(14, 23), *range(27, 37), *range(45, 48), *range(50, 59)})
_QUOTED = re.compile(r'"[^"]*"|\[[^\]]*\]|\\.')


class Book:
    """An opened, checked .xlsx: its sheets by name, parsed on demand."""

    def __init__(self, path: str, raw: bytes) -> None:
        self.path = path
        self.archive = _open(path, raw)
        rels = self._rels("xl/_rels/workbook.xml.rels")
        root = self._xml("xl/workbook.xml")
        ns = _ns(root)
        rid = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
        self.sheets: dict[str, str] = {}  # name -> part
        self.states: dict[str, str] = {}  # name -> visible, hidden, veryHidden
        for node in root.iter(f"{ns}sheet"):
            name = node.get("name", "")
            target = rels.get(node.get(rid, "") or node.get("id", ""), ("", ""))[1]
            if target:
                self.sheets[name] = target
                self.states[name] = node.get("state", "visible")
        types = dict(rels.values())
        self._strings_part = types.get("sharedStrings")
        self._styles_part = types.get("styles")
        self._strings: list[str] | None = None
        self._dates: frozenset[int] | None = None

    # --- parts ----------------------------------------------------------------------

    def _fail(self, code: str, message: str) -> ProblemsError:
        return ProblemsError([Problem(self.path, None, None, code, message)])

    def _read(self, part: str) -> bytes:
        try:
            info = self.archive.getinfo(part)
        except KeyError:
            message = _corrupt(_("part {part} is missing").format(part=part))
            raise self._fail("xlsx_corrupt", message) from None
        try:
            with self.archive.open(info) as fh:
                data = fh.read(info.file_size + 1)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, NotImplementedError) as exc:
            raise self._fail("xlsx_corrupt", _corrupt(str(exc), part)) from None
        if len(data) > info.file_size:
            raise self._fail("xlsx_corrupt", _corrupt(_("a part is larger than declared"), part))
        return data

    def _xml(self, part: str, cut: Callable[[bytes], bytes] | None = None) -> ET.Element:
        data = self._read(part)
        if b"<!DOCTYPE" in data or b"<!ENTITY" in data:
            message = _("the workbook's XML declares entities, which are not allowed")
            raise self._fail("xlsx_corrupt", message)
        if cut is not None:
            data = cut(data)
        if len(data) > TREE_BYTES:
            # an element tree takes ten times its XML: only the scanner reads larger parts
            message = _("the workbook's part {part} is {size} bytes; the limit is {limit}").format(
                part=part, size=len(data), limit=TREE_BYTES
            )
            raise self._fail("too_large", message)
        try:
            return ET.fromstring(data)
        except ET.ParseError as exc:
            raise self._fail("xlsx_corrupt", _corrupt(str(exc), part)) from None

    def _rels(self, part: str) -> dict[str, tuple[str, str]]:
        """Relationship id -> (type's last word, target part)."""
        root = self._xml(part)
        base = part.rsplit("/_rels/", 1)[0]
        out: dict[str, tuple[str, str]] = {}
        for node in root.iter():
            if not node.tag.endswith("Relationship"):
                continue
            target = node.get("Target", "")
            if target.startswith("/"):
                target = target[1:]
            elif target:
                target = _join(base, target)
            out[node.get("Id", "")] = (node.get("Type", "").rsplit("/", 1)[-1], target)
        return out

    def strings(self) -> list[str]:
        """The shared strings (rich-text runs joined)."""
        if self._strings is None:
            found: list[str] = []
            plain = None
            if self._strings_part is not None:
                data = self._read(self._strings_part)
                plain = _plain_strings(data)
            if plain is not None:
                found = plain
            elif self._strings_part is not None:
                root = self._xml(self._strings_part)
                ns = _ns(root)
                t_tag, rph = f"{ns}t", f"{ns}rPh"
                for si in root.iter(f"{ns}si"):
                    if len(si) == 1 and si[0].tag == t_tag:  # plain text: the usual case
                        found.append(_unescape(si[0].text or ""))
                        continue
                    parts = [
                        t.text or ""
                        for child in si
                        if child.tag != rph
                        for t in ([child] if child.tag == t_tag else child.iter(t_tag))
                    ]
                    found.append(_unescape("".join(parts)))
            self._strings = found
        return self._strings

    def date_styles(self) -> frozenset[int]:
        """Indexes of the cell styles whose number format shows a date or a time."""
        if self._dates is None:
            dates: set[int] = set()
            if self._styles_part is not None:
                root = self._xml(self._styles_part)
                ns = _ns(root)
                custom: set[int] = set()
                for fmt in root.iter(f"{ns}numFmt"):
                    code = _QUOTED.sub("", fmt.get("formatCode", "")).lower()
                    if any(ch in code for ch in "dmyhs") and "general" not in code:
                        custom.add(int(fmt.get("numFmtId", "0")))
                xfs = root.find(f"{ns}cellXfs")
                for i, xf in enumerate(xfs if xfs is not None else ()):
                    fid = int(xf.get("numFmtId", "0"))
                    if fid in _DATE_FORMATS or fid in custom:
                        dates.add(i)
            self._dates = frozenset(dates)
        return self._dates

    def sheet(self, name: str) -> Sheet:
        """The cells of a sheet (raises ProblemsError when its part is broken)."""
        part = self.sheets[name]
        data = self._read(part)
        found = _scan(data) if _plain(data) else None
        if found is None:
            found = self._tree(part)
        raws, merged = found
        return Sheet(name, self._cells(raws), tuple(merged))

    def _tree(self, part: str) -> tuple[list[Raw], list[Merge]]:
        """A sheet's raw cells through the XML parser (any namespace prefix, cells without
        references, rich inline text): the general path."""
        root = self._xml(part, _cells_only)
        ns = _ns(root)
        c_tag, v_tag, f_tag, is_tag, t_tag = (f"{ns}{t}" for t in ("c", "v", "f", "is", "t"))
        raws: list[Raw] = []
        data = root.find(f"{ns}sheetData")
        row_no = 0
        for row in data if data is not None else ():
            r = row.get("r")
            row_no = int(r) if r and r.isdigit() else row_no + 1
            col_no = 0
            for c in row.iter(c_tag):
                at = parse_ref(c.get("r", ""))
                col_no = at[1] if at is not None else col_no + 1
                if not len(c):
                    continue  # a formatted empty cell: most cells of a template
                kind = c.get("t", "n")
                value: str | None = None
                formula: str | None = None
                for child in c:
                    if child.tag == v_tag:
                        value = child.text
                    elif child.tag == f_tag:
                        formula = child.text or ""
                if kind == "inlineStr":
                    box = c.find(is_tag)
                    value = (
                        "".join(t.text or "" for t in box.iter(t_tag)) if box is not None else ""
                    )
                raws.append((row_no, col_no, kind, c.get("s"), value, formula))
        merged: list[Merge] = []
        for m in root.iter(f"{ns}mergeCell"):
            first, _sep, last = m.get("ref", "").partition(":")
            a, b = parse_ref(first), parse_ref(last or first)
            if a is not None and b is not None:
                merged.append((a[0], a[1], b[0], b[1]))
        return raws, merged

    def _cells(self, raws: list[Raw]) -> dict[tuple[int, int], Cell]:
        cells: dict[tuple[int, int], Cell] = {}
        strings: list[str] | None = None
        dates: frozenset[int] | None = None
        for row_no, col_no, kind, style, value, formula in raws:
            if formula is not None:
                cells[(row_no, col_no)] = Cell("f", formula)
            elif kind == "s":
                if value is None:
                    continue
                if strings is None:
                    strings = self.strings()
                try:
                    text = strings[int(value)]
                except (ValueError, IndexError):
                    message = _("a cell refers to a missing shared string")
                    raise self._fail("xlsx_corrupt", message) from None
                cells[(row_no, col_no)] = Cell("s", text)
            elif kind in ("inlineStr", "str"):
                cells[(row_no, col_no)] = Cell("s", _unescape(value or ""))
            elif value is None:
                continue
            elif kind in ("b", "e", "d"):
                cells[(row_no, col_no)] = Cell(kind, value)  # type: ignore[arg-type]
            else:
                if style is not None and style != "0":
                    if dates is None:
                        dates = self.date_styles()
                    if style.isdigit() and int(style) in dates:
                        cells[(row_no, col_no)] = Cell("d", value)
                        continue
                cells[(row_no, col_no)] = Cell("n", value)
        return cells


_ROOT = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)worksheet[\s>]")
_END_DATA = re.compile(rb"</(?:[A-Za-z_][\w.-]*:)?sheetData>")
_MERGES = re.compile(rb"<((?:[A-Za-z_][\w.-]*:)?)mergeCells[\s>].*?</\1mergeCells>", re.S)


def _cells_only(data: bytes) -> bytes:
    """A worksheet's XML without what follows its cells but the merged ranges: data
    validations, print settings... are most of a template's bytes and never read."""
    root = _ROOT.search(data)
    end = _END_DATA.search(data)
    if root is None or end is None:
        return data
    merges = _MERGES.search(data, end.end())
    tail = merges.group(0) if merges is not None else b""
    return data[: end.end()] + tail + b"</" + root.group(1) + b"worksheet>"


Raw = tuple[int, int, str, str | None, str | None, str | None]  # row, col, t, s, value, formula
Merge = tuple[int, int, int, int]
_ATTR = re.compile(rb'([\w:]+)="([^"]*)"')
_ENTITY = re.compile(r"&(lt|gt|amp|quot|apos|#[0-9]+|#x[0-9a-fA-F]+);")
_NAMED = {"lt": "<", "gt": ">", "amp": "&", "quot": '"', "apos": "'"}


def _entity(m: re.Match[str]) -> str:
    name = m.group(1)
    if name[0] != "#":
        return _NAMED[name]
    try:
        return chr(int(name[2:], 16) if name[1] == "x" else int(name[1:]))
    except (ValueError, OverflowError):
        return m.group(0)


def _text(raw: bytes) -> str:
    text = raw.decode("utf-8")
    return _ENTITY.sub(_entity, text) if "&" in text else text


_SI = re.compile(rb'<si><t(?: xml:space="preserve")?>([^<]*)</t></si>')


def _plain_strings(data: bytes) -> list[str] | None:
    """The shared strings when every one is plain text (no rich runs): matched in C."""
    if b"<!DOCTYPE" in data or b"<!ENTITY" in data or b"<![CDATA[" in data:
        return None
    found = _SI.findall(data)
    if len(found) != data.count(b"<si>") or data.count(b"<si") != len(found):
        return None
    return [_unescape(_text(raw)) for raw in found]


def _plain(data: bytes) -> bool:
    """Whether a sheet can take the fast path: no namespace prefixes, no CDATA, entities."""
    root = _ROOT.search(data)
    return (
        root is not None
        and not root.group(1)
        and b"<![CDATA[" not in data
        and b"<!DOCTYPE" not in data
        and b"<!ENTITY" not in data
    )


# The cell as Excel, LibreOffice, openpyxl and xlsxwriter write it: attributes r, s, t in
# this order, empty or holding one value. Matched in C by findall (the common case).
_SIMPLE = re.compile(
    rb'<c r="([A-Z]{1,3}[0-9]{1,7})"(?: s="([0-9]+)")?(?: t="([a-z]+)")?(?:/>|><v>([^<&]*)</v></c>)'
)
_BREFS: dict[bytes, tuple[int, int]] = {}


def _simple(data: bytes, start: int, stop: int) -> list[Raw] | None:
    """Every cell of a sheet in the common form; None when any cell has another form."""
    found = _SIMPLE.findall(data, start, stop)
    if len(found) != data.count(b"<c ", start, stop):
        return None
    raws: list[Raw] = []
    refs = _BREFS
    for r, style, kind, value in found:
        if not value:
            continue  # empty (or an empty value)
        at = refs.get(r)
        if at is None:
            at = parse_ref(r.decode("ascii"))
            if at is None:
                return None
            if len(refs) < 200_000:
                refs[r] = at
        raws.append(
            (
                at[0],
                at[1],
                kind.decode() if kind else "n",
                style.decode() if style else None,
                value.decode("utf-8"),
                None,
            )
        )
    return raws


def _scan(data: bytes) -> tuple[list[Raw], list[Merge]] | None:
    """A sheet's raw cells by scanning its XML (linear: every search moves forward).

    About five times faster than building the element tree of a template's sheet; None
    sends anything unusual (a cell without its reference, inline rich text, an attribute
    holding '>') to the XML parser instead.
    """
    find = data.find
    start = find(b"<sheetData")
    end = _END_DATA.search(data, max(start, 0))
    if start < 0 or end is None or find(b"<c>", start, end.start()) >= 0:
        return None
    stop = end.start()
    simple = _simple(data, start, stop)
    raws: list[Raw] = simple if simple is not None else []
    pos = stop if simple is not None else start
    while True:
        i = find(b"<c ", pos, stop)
        if i < 0:
            break
        j = find(b">", i, stop)
        if j < 0:
            return None
        head = data[i + 3 : j]
        if head.count(b'"') % 2:
            return None
        if head.endswith(b"/"):
            pos = j + 1
            continue  # an empty cell
        k = find(b"</c>", j, stop)
        if k < 0:
            return None
        body = data[j + 1 : k]
        pos = k + 4
        if not body:
            continue
        attrs = dict(_ATTR.findall(head))
        at = parse_ref(attrs.get(b"r", b"").decode("ascii", "replace"))
        if at is None:
            return None
        kind = attrs.get(b"t", b"n").decode("ascii", "replace")
        style_raw = attrs.get(b"s")
        style = style_raw.decode("ascii", "replace") if style_raw is not None else None
        value: str | None = None
        formula: str | None = None
        fi = body.find(b"<f")
        if fi >= 0:
            close = body.find(b">", fi)
            if close < 0:
                return None
            if body[close - 1 : close] == b"/":
                formula = ""
            else:
                fe = body.find(b"</f>", close)
                formula = _text(body[close + 1 : fe]) if fe >= 0 else ""
        if kind == "inlineStr":
            if b"<r>" in body or b"<r " in body or b"<rPh" in body:
                return None
            ti = body.find(b"<t")
            if ti >= 0:
                tc = body.find(b">", ti)
                te = body.find(b"</t>", tc)
                if tc < 0 or te < 0:
                    return None
                value = _text(body[tc + 1 : te]) if body[tc - 1 : tc] != b"/" else ""
            else:
                value = ""
        else:
            vi = body.find(b"<v>")
            if vi >= 0:
                ve = body.find(b"</v>", vi)
                if ve < 0:
                    return None
                value = _text(body[vi + 3 : ve])
            elif b"<v " in body:
                return None
        raws.append((at[0], at[1], kind, style, value, formula))
    merged: list[Merge] = []
    pos = end.end()
    while True:
        i = find(b"<mergeCell ", pos)
        if i < 0:
            break
        j = find(b">", i)
        if j < 0:
            return None
        m = dict(_ATTR.findall(data[i:j]))
        pos = j + 1
        first, _sep, last = m.get(b"ref", b"").decode("ascii", "replace").partition(":")
        a, b = parse_ref(first), parse_ref(last or first)
        if a is not None and b is not None:
            merged.append((a[0], a[1], b[0], b[1]))
    return raws, merged


def _ns(root: ET.Element) -> str:
    return root.tag[: root.tag.index("}") + 1] if root.tag.startswith("{") else ""


def _join(base: str, target: str) -> str:
    parts = [p for p in base.split("/") if p]
    for piece in target.split("/"):
        if piece == "..":
            if parts:
                parts.pop()
        elif piece and piece != ".":
            parts.append(piece)
    return "/".join(parts)


def _corrupt(why: str, part: str = "") -> str:
    where = f" ({part})" if part else ""
    return _("the workbook is damaged and cannot be read{where}: {why}").format(
        where=where, why=why
    )


def _open(path: str, raw: bytes) -> zipfile.ZipFile:
    """The checked zip of an .xlsx, or ProblemsError saying what the file is instead."""

    def fail(code: str, message: str) -> ProblemsError:
        return ProblemsError([Problem(path, None, None, code, message)])

    if raw.startswith(OLE):
        if "EncryptionInfo".encode("utf-16-le") in raw:
            message = _(
                "the workbook is protected with a password (encrypted); save it without "
                "a password to open (File > Info > Protect Workbook) and try again"
            )
            raise fail("xlsx_encrypted", message)
        message = _("this is an old Excel 97-2003 workbook (.xls); save it as .xlsx and try again")
        raise fail("not_xlsx", message)
    if not raw.startswith(b"PK"):
        raise fail("not_xlsx", _("this is not an Excel workbook (.xlsx)"))
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as exc:
        raise fail("xlsx_corrupt", _corrupt(str(exc))) from None
    names = {m.filename for m in members}
    if "mimetype" in names and "xl/workbook.xml" not in names:
        message = _(
            "this is an OpenDocument spreadsheet (.ods); save it as Excel (.xlsx) and try again"
        )
        raise fail("not_xlsx", message)
    if len(members) > MAX_MEMBERS:
        message = _("the workbook has {n} parts; the limit is {limit}").format(
            n=len(members), limit=MAX_MEMBERS
        )
        raise fail("too_large", message)
    budget = current_limits().max_file_bytes * EXPANSION
    total = 0
    for m in members:
        total += m.file_size
        big = m.file_size > RATIO_FLOOR
        if total > budget or (big and m.file_size > MAX_RATIO * max(m.compress_size, 1)):
            message = _(
                "the workbook would expand to more than its limit ({part}: {size} bytes "
                "from {packed}); it may be a zip bomb"
            ).format(part=m.filename, size=m.file_size, packed=m.compress_size)
            raise fail("too_large", message)
        if m.flag_bits & 0x1:
            message = _("the workbook's parts are encrypted; save it without a password")
            raise fail("xlsx_encrypted", message)
    if "xl/workbook.xml" not in names:
        message = _corrupt(_("part {part} is missing").format(part="xl/workbook.xml"))
        raise fail("xlsx_corrupt", message)
    return archive
