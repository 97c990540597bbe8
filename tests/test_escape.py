"""User text in every output: shown literally, never obeyed (issue 10 items 1, 7, 13, 15).

Hostile unit names, answers and file names go through score, batch and validate in every
format; the expected visible text is written out by hand from the escaping rules in
pmprb/escape.py's docstring (a control character shown as `\\x1b`, `\\r`, `\\n`; rich
markup kept literal; Markdown punctuation backslash-escaped).
"""

from __future__ import annotations

import json
import os
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from pmprb.base import escape
from pmprb.cli import app

from .conftest import MINI

# name in the file -> what a reader must see in a table or a problem line
HOSTILE = {
    "[/bold] x": "[/bold] x",
    "Kantor [plt] Camat": "Kantor [plt] Camat",
    "[link=http://x]y[/link]": "[link=http://x]y[/link]",
    "\x1b[2J": "\\x1b[2J",
    "\x1b]8;;http://x\x07": "\\x1b]8;;http://x\\x07",
    "a\r::error::x": "a\\r::error::x",
    "\n::set-output name=x::y": "\\n::set-output name=x::y",
    "\u202eevil": "\\u202eevil",
    "\x9b31m": "\\x9b31m",
}
WIDE = {"COLUMNS": "250"}  # a rich table wide enough that no name is wrapped


def answer_file(name: str, code: str, answer: str = "50", rules: str = "mini") -> str:
    # JSON strings are YAML double-quoted scalars: every control character can be written
    return (
        f"rules: {json.dumps(rules)}\nyear: 2021\n"
        f"unit: {{name: {json.dumps(name)}, code: {json.dumps(code)}}}\n"
        f"answers:\n  h.x.a: {answer}\n"
    )


def hostile_tree(tmp_path: Path) -> Path:
    folder = tmp_path / "units"
    folder.mkdir()
    for i, name in enumerate(HOSTILE):
        (folder / f"u{i}.yaml").write_text(answer_file(name, f"c{i}"), encoding="utf-8")
    return folder


def no_raw_control(text: str) -> None:
    assert escape.CONTROL.search(text.replace("\n", "")) is None, repr(text)


# --- the sanitisers ----------------------------------------------------------------------


@pytest.mark.parametrize(("raw", "shown"), sorted(HOSTILE.items()))
def test_line_shows_every_control_character_as_an_escape(raw: str, shown: str) -> None:
    assert escape.line(raw) == shown
    assert escape.line(shown) == shown  # idempotent: an escaped text is left as it is


def test_a_path_that_is_not_utf8_is_shown_with_byte_escapes() -> None:
    name = os.fsdecode(b"dinas-\xff\xfe caf\xe9.yaml")  # surrogate-escaped, as Linux gives it
    assert escape.path(name) == "dinas-\\xff\\xfe caf\\xe9.yaml"
    assert escape.path(Path("ok/Dinas Kesehatan.yaml")) == "ok/Dinas Kesehatan.yaml"
    escape.path(name).encode("utf-8")  # valid text for every writer


def test_terminal_text_is_never_markup() -> None:
    from rich.console import Console

    console = Console(width=200, color_system=None, record=True)
    with console.capture() as out:
        console.print(escape.terminal("Kantor [plt] Camat [/bold] [link=http://x]y[/link]"))
    assert out.get() == "Kantor [plt] Camat [/bold] [link=http://x]y[/link]\n"


def test_markdown_keeps_one_line_and_escapes_table_syntax() -> None:
    assert escape.markdown("a | b\nc\rd") == "a \\| b\\\\nc\\\\rd"
    assert escape.markdown("::error::x") == "\\::error::x"
    assert escape.markdown("&#8238;x") == "\\&\\#8238;x"
    assert escape.markdown("**b** [l](u) <i> #h `c` _e_") == (
        "\\*\\*b\\*\\* \\[l\\](u) \\<i\\> \\#h \\`c\\` \\_e\\_"
    )


def test_github_line_is_never_a_workflow_command() -> None:
    assert escape.github_line("::error::x") == "%3A%3Aerror::x"
    assert escape.github_line("  ::warning::x") == "  %3A%3Awarning::x"
    assert escape.github_line("file.yaml: ##[error]x") == "file.yaml: ##%5Berror]x"
    assert escape.github_line("a\n::error::x") == "a\\n::error::x"
    assert escape.github_lines("ok\n::error::x\n") == "ok\n%3A%3Aerror::x\n"


def test_json_is_valid_utf8_and_keeps_values() -> None:
    data = {"name": "\x1b[2J \x9b \u2028 ##[error]x", "file": os.fsdecode(b"\xff.yaml")}
    text = escape.json_dumps(data)
    text.encode("utf-8")
    no_raw_control(text)
    assert "##[" not in text
    back = json.loads(text)
    assert back["name"] == data["name"]  # lossless for every valid character
    assert back["file"] == "\\xff.yaml"  # a byte that is not UTF-8: its visible escape


_JSON_VALUES = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.decimals(places=4, min_value=-(10**6), max_value=10**6).map(float)  # like num()
    | st.text(),  # any code point, unpaired surrogates included
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=5), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=400, deadline=None)
@given(_JSON_VALUES)
def test_json_text_is_what_the_json_module_writes(data: object) -> None:
    """The fast encoder is used only where it writes the json module's text, byte for
    byte; json_text then treats both alike."""
    expected = escape.json_text(json.dumps(data, ensure_ascii=False, indent=2)) + "\n"
    assert escape.json_dumps(data) == expected


def test_json_refuses_what_the_json_module_refuses() -> None:
    from decimal import Decimal

    for bad in ({"x": Decimal("1.5")}, {"x": Path("a")}, {1: "int key"}, {"x": {1, 2}}):
        try:
            expected: object = json.dumps(bad, ensure_ascii=False, indent=2)
        except TypeError as exc:
            expected = type(exc)
        try:
            got: object = escape.json_dumps(bad)[:-1]
        except TypeError as exc:
            got = type(exc)
        assert got == expected, bad


# --- rich terminal output: batch and score tables ----------------------------------------


def test_batch_table_shows_hostile_names_literally(runner: CliRunner, tmp_path: Path) -> None:
    folder = hostile_tree(tmp_path)
    result = runner.invoke(app, ["batch", str(folder), "--rules", str(MINI)], env=WIDE)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.stderr
    rows = [r for r in result.stdout.splitlines() if " c" in r and "│" in r]
    for i, shown in enumerate(HOSTILE.values()):
        row = next(r for r in rows if f"│ c{i} " in r)
        assert row.split("│")[1].strip() == shown
    no_raw_control(result.stdout)


def test_batch_markup_name_crashed_the_table(runner: CliRunner, tmp_path: Path) -> None:
    # `[/bold] x` raised MarkupError: a traceback and no rekap
    (tmp_path / "a.yaml").write_text(answer_file("[/bold] x", "1"), encoding="utf-8")
    result = runner.invoke(app, ["batch", str(tmp_path), "--rules", str(MINI)], env=WIDE)
    assert result.exit_code == 0
    assert "[/bold] x" in result.stdout


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_score_table_headline_shows_the_name(runner: CliRunner, tmp_path: Path, name: str) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(answer_file(name, "1"), encoding="utf-8")
    result = runner.invoke(app, ["score", str(path), "--rules", str(MINI)], env=WIDE)
    assert result.exit_code == 0
    assert result.stdout.splitlines()[0] == f"{HOSTILE[name]} (1) · year 2021"
    no_raw_control(result.stdout)


# --- problems on stderr and the text format -------------------------------------------------


def test_a_quoted_answer_cannot_start_a_line(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    text = answer_file("Dinas", "1").replace("h.x.a: 50", 'p.a1.i1.a: "Ya\\n::error::x"')
    path.write_text(text, encoding="utf-8")
    result = runner.invoke(app, ["score", str(path), "--rules", str(MINI)])
    assert result.exit_code == 1
    lines = result.stderr.splitlines()
    assert len(lines) == 1
    assert "'Ya\\n::error::x' is not an answer of 'p.a1.i1.a'" in lines[0]
    assert lines[0].startswith(f"{path}:5:")


def named(tmp_path: Path, raw_name: bytes, content: str) -> Path:
    """A real file whose name is these bytes (a name that is not UTF-8, or holds a newline)."""
    folder = os.fsencode(tmp_path)
    with open(os.path.join(folder, raw_name), "w", encoding="utf-8") as fh:
        fh.write(content)
    return Path(os.fsdecode(os.path.join(folder, raw_name)))


def test_file_names_with_line_breaks_stay_on_their_line(runner: CliRunner, tmp_path: Path) -> None:
    bad = answer_file("Dinas", "1", answer="500")  # out of range: one error
    named(tmp_path, b"a\n::error::x.yaml", bad)
    named(tmp_path, b"b\r::set-output name=x::y.yaml", bad)
    for fmt in ("text", "github"):
        result = runner.invoke(app, ["validate", str(tmp_path), "--rules", str(MINI), "-f", fmt])
        assert result.exit_code == 1
        out = result.stdout.splitlines()
        assert len(out) == 5, out  # two problems a file (missing answers, 500) and the summary
        no_raw_control(result.stdout)
        if fmt == "text":
            assert out[1].startswith(f"{tmp_path}/a\\n::error::x.yaml:5:10: [error] out_of_range")
            assert out[3].startswith(f"{tmp_path}/b\\r::set-output name=x::y.yaml:5:10: [error]")
        else:
            assert all(row.startswith("::error file=") for row in out[:4])
            assert "a\\n%3A%3Aerror%3A%3Ax.yaml,line=5" in out[1]
    result = runner.invoke(app, ["batch", str(tmp_path), "--rules", str(MINI), "-f", "json"])
    assert result.exit_code == 1
    assert len(result.stderr.splitlines()) == 2
    no_raw_control(result.stderr)


def test_under_github_actions_no_line_is_a_command(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    Path("::error::x.yaml").write_text(answer_file("Dinas", "1", answer="500"), encoding="utf-8")
    Path("good.yaml").write_text(answer_file("##[error]unit", "2"), encoding="utf-8")
    args = ["validate", "::error::x.yaml", "--rules", str(MINI), "-f", "text"]
    outside = runner.invoke(app, args)
    # outside Actions the text is shown as it is (it starts with the file name)
    assert outside.stdout.startswith("::error::x.yaml:4:1:")
    actions = {"GITHUB_ACTIONS": "true", **WIDE}
    text = runner.invoke(app, args, env=actions)
    batch = runner.invoke(app, ["batch", "::error::x.yaml", "--rules", str(MINI)], env=actions)
    table = runner.invoke(app, ["batch", "good.yaml", "--rules", str(MINI)], env=actions)
    assert text.exit_code == 1
    assert text.stdout.startswith("%3A%3Aerror::x.yaml:4:1: [error] missing_answers")
    assert batch.exit_code == 1
    assert batch.stderr.startswith("%3A%3Aerror::x.yaml:5:")
    assert table.exit_code == 0
    assert "##%5Berror]unit" in table.stdout
    for out in (text.stdout, text.stderr, batch.stdout, batch.stderr, table.stdout):
        assert "##[" not in out
        assert not any(row.lstrip().startswith("::") for row in out.splitlines())


# --- Markdown ----------------------------------------------------------------------------


def test_markdown_rows_and_headings_hold_one_line_each(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    name = "Dinas | X\r\n## Fake heading\n| forged | row |"
    shown = "Dinas \\| X\\\\r\\\\n\\#\\# Fake heading\\\\n\\| forged \\| row \\|"
    path = tmp_path / "a.yaml"
    path.write_text(answer_file(name, "1"), encoding="utf-8")
    score = runner.invoke(app, ["score", str(path), "--rules", str(MINI), "-f", "markdown"])
    assert score.exit_code == 0
    assert score.stdout.splitlines()[0] == f"# {shown} (1), 2021"
    batch = runner.invoke(app, ["batch", str(path), "--rules", str(MINI), "-f", "markdown"])
    assert batch.exit_code == 0
    rows = [r for r in batch.stdout.splitlines() if r.startswith("| 1 |")]
    assert rows == [
        f"| 1 | {shown} | 1 | 5.00 | D | Area Satu | 14 |",
    ]
    assert "\r" not in score.stdout + batch.stdout
    # validate --summary: a file name with a pipe and a CR keeps its table row whole
    monkeypatch.chdir(tmp_path)
    named(tmp_path, b"x|y\r.yaml", answer_file("Dinas", "2"))
    result = runner.invoke(
        app, ["validate", "x|y\r.yaml", "--rules", str(MINI), "--summary", "summary.md"]
    )
    assert result.exit_code == 1  # questions left unanswered
    table = [r for r in Path("summary.md").read_text(encoding="utf-8").splitlines() if "|" in r]
    # (the row of a file with errors names its unit since the messages work, issue 16)
    assert table[2] == "| x\\|y\\\\r.yaml | Dinas (2) | - | - | - | **1** | 1 |"
    assert len(table) == 3  # the header, the rule and the one file


# --- file names that are not UTF-8 ---------------------------------------------------------


def test_a_name_that_is_not_utf8_reaches_every_writer_as_escapes(
    runner: CliRunner, tmp_path: Path
) -> None:
    shown = "caf\\xe9 \\xff.yaml"  # the bytes 0xe9 and 0xff are not UTF-8
    good = named(tmp_path, b"caf\xe9 \xff.yaml", answer_file("Dinas", "1"))
    score = runner.invoke(app, ["score", str(good), "--rules", str(MINI), "-f", "json"])
    assert score.exit_code == 0, score.exception
    assert json.loads(score.stdout_bytes)["file"] == f"{tmp_path}/{shown}"

    bad = named(tmp_path, b"bad \xff.yaml", answer_file("Dinas", "2", answer="500"))
    result = runner.invoke(app, ["score", str(bad), "--rules", str(MINI)])
    assert result.exit_code == 1
    assert result.stderr.startswith(f"{tmp_path}/bad \\xff.yaml:5:")

    for fmt in ("text", "github", "json", "junit"):
        result = runner.invoke(app, ["validate", str(tmp_path), "--rules", str(MINI), "-f", fmt])
        assert result.exit_code == 1, (fmt, result.exception)
        out = result.stdout_bytes.decode("utf-8")  # strict: valid UTF-8
        if fmt == "json":
            paths = [f["path"] for f in json.loads(out)["files"]]
            assert paths == [f"{tmp_path}/bad \\xff.yaml", f"{tmp_path}/{shown}"]
        elif fmt == "junit":
            names = [c.get("name") for c in ET.fromstring(result.stdout_bytes).iter("testcase")]
            assert names == [f"{tmp_path}/bad \\xff.yaml", f"{tmp_path}/{shown}"]
        elif fmt == "github":
            assert "bad \\xff.yaml,line=5" in out
        else:
            assert out.startswith(f"{tmp_path}/bad \\xff.yaml:4:1: [error] missing_answers")

    out_json, out_csv, out_xlsx = (tmp_path / f"rekap.{x}" for x in ("json", "csv", "xlsx"))
    for fmt, target in (("json", out_json), ("csv", out_csv), ("xlsx", out_xlsx)):
        result = runner.invoke(
            app, ["batch", str(tmp_path), "--rules", str(MINI), "-f", fmt, "-o", str(target)]
        )
        assert result.exit_code == 1, (fmt, result.exception)  # the bad file is invalid
    rekap = json.loads(out_json.read_bytes().decode("utf-8"))
    assert rekap["groups"][0]["ranking"][0]["file"] == f"{tmp_path}/{shown}"
    assert rekap["not_scored"][0]["file"] == f"{tmp_path}/bad \\xff.yaml"
    assert f"{tmp_path}/{shown}" in out_csv.read_bytes().decode("utf-8")

    import openpyxl

    book = openpyxl.load_workbook(out_xlsx, read_only=True)
    cells = {
        str(c)
        for sheet in book.worksheets
        for row in sheet.iter_rows(values_only=True)
        for c in row
        if c is not None
    }
    book.close()
    assert f"{tmp_path}/{shown}" in cells


# --- rule text: rules show, rules diff, guide, rules check ----------------------------------


def hostile_rules(tmp_path: Path) -> Path:
    text = MINI.read_text(encoding="utf-8")
    text = text.replace("name: Pengungkit", 'name: "Kantor [plt] Camat\\e[2J"', 1)
    text = text.replace(
        "{id: p.a1.i1.a, text: Q,", '{id: p.a1.i1.a, text: "[/bold] Q\\r\\n| x |",', 1
    )
    path = tmp_path / "hostile-rules.yaml"
    path.write_text(text, encoding="utf-8")
    return path


def test_rule_text_is_shown_literally(runner: CliRunner, tmp_path: Path) -> None:
    rules = hostile_rules(tmp_path)
    show = runner.invoke(app, ["rules", "show", str(rules), "--questions"], env=WIDE)
    assert show.exit_code == 0, show.exception
    assert "Kantor [plt] Camat\\x1b[2J [p]" in show.stdout
    assert "p.a1.i1.a [/bold] Q\\r\\n| x | (yt)" in show.stdout
    no_raw_control(show.stdout)
    diff = runner.invoke(app, ["rules", "diff", str(MINI), str(rules)], env=WIDE)
    assert diff.exit_code == 0, diff.exception
    assert "Kantor [plt] Camat\\x1b[2J" in diff.stdout
    no_raw_control(diff.stdout)
    guide = runner.invoke(app, ["guide", "--rules", str(rules)])
    assert guide.exit_code == 0
    assert "### 1. Kantor \\[plt\\] Camat\\\\x1b\\[2J (p) · weight 60, max 60" in guide.stdout
    assert "- **`p.a1.i1.a`** \\[/bold\\] Q\\\\r\\\\n\\| x \\|" in guide.stdout
    assert "\r" not in guide.stdout


def test_a_real_process_writes_valid_utf8_for_a_name_that_is_not(tmp_path: Path) -> None:
    import subprocess
    import sys

    named(tmp_path, b"\xff.yaml", answer_file("Dinas", "1"))
    rest = ["--rules", str(MINI), "-f", "json"]
    run = subprocess.run(
        [sys.executable, "-c", "from pmprb.cli import main; main()", "batch", str(tmp_path), *rest],
        capture_output=True,
        env={**os.environ, "LC_ALL": "C.UTF-8", "PMPRB_LANG": "en"},
        timeout=60,
    )
    assert run.returncode == 0, run.stderr
    rekap = json.loads(run.stdout.decode("utf-8"))
    assert rekap["groups"][0]["ranking"][0]["file"] == f"{tmp_path}/\\xff.yaml"


def test_init_refuses_a_unit_name_that_is_not_utf8(runner: CliRunner, tmp_path: Path) -> None:
    # the answer file could not be written as UTF-8: a traceback before
    target = tmp_path / "x.yaml"
    unit = os.fsdecode(b"Dinas \xff")
    result = runner.invoke(
        app, ["init", "--unit", unit, "--code", "1", "--year", "2021", "-o", str(target)]
    )
    assert result.exit_code == 2
    assert result.stderr == "--unit is not valid UTF-8 text\n"
    assert not target.exists()
