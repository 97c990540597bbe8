"""The Indonesian catalogue covers every message and no more; the shipped .mo matches the .po."""

from __future__ import annotations

from tools.i18n import MO, compiled, obsolete, untranslated


def test_every_message_is_translated() -> None:
    assert untranslated() == []


def test_no_translation_is_left_over() -> None:
    assert obsolete() == []


def test_compiled_catalogue_is_current() -> None:
    assert MO.read_bytes() == compiled(), "run: python tools/i18n.py compile"


# --- Indonesian everywhere (issue 16 item 7) --------------------------------------------

import csv  # noqa: E402
import functools  # noqa: E402
import io  # noqa: E402
import json  # noqa: E402
import re  # noqa: E402
from collections.abc import Iterator  # noqa: E402
from pathlib import Path  # noqa: E402
from typing import Any  # noqa: E402

import pytest  # noqa: E402
from babel.messages.pofile import read_po  # noqa: E402

from pmprb.base.i18n import set_language  # noqa: E402
from pmprb.cli import app  # noqa: E402
from pmprb.clihelp import run  # noqa: E402
from tools.i18n import PO  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "assessments"
DINKES = EXAMPLES / "kota-sukamaju-2021" / "dinkes.yaml"
BATAM = EXAMPLES / "kota-batam-2020.yaml"
ZI = EXAMPLES / "zona-integritas-2022" / "dpmptsp.yaml"

# English words pmprb could print; the rule sets' and examples' own texts are removed
# from an output before it is searched (pmprb_text)
ENGLISH = (
    "the",
    "rule",
    "of",
    "is",
    "are",
    "not",
    "with",
    "from",
    "Rule",
    "Index",
    "Points",
    "points",
    "Component",
    "Question",
    "Questions",
    "question",
    "questions",
    "Answer",
    "Weakest",
    "improvement",
    "Unanswered",
    "unanswered",
    "weight",
    "verified",
    "inferred",
    "provisional",
    "added",
    "removed",
    "changed",
    "Usage",
    "Options",
    "Commands",
    "Arguments",
    "Show",
    "default",
    "required",
    "Error",
    "Try",
    "Missing",
    "Write",
    "Wrote",
    "file",
    "files",
    "warning",
    "warnings",
    "Note",
    "Category",
    "Areas",
    "Condition",
    "Gap",
    "none",
    "yes",
    "no",
    "each",
    "Published",
    "published",
    "Rank",
    "Year",
    "Code",
    "Mean",
    "Group",
    "Kind",
    "Before",
    "After",
)
_WORD = re.compile(r"\b(" + "|".join(ENGLISH) + r")\b")


@functools.cache
def english_fragments() -> list[str]:
    """Pieces of every catalogue message whose translation differs from it: in
    Indonesian output, such a piece betrays an untranslated message."""
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    found: set[str] = set()
    for m in catalog:
        if not m.id:
            continue
        ids = m.id if isinstance(m.id, tuple) else (m.id,)
        strings = m.string if isinstance(m.string, tuple) else (m.string,)
        for mid in ids:
            if mid in strings:
                continue
            for piece in re.split(r"\{[^}]*\}", str(mid)):
                piece = piece.strip(" .,:;()'\"")
                if len(piece) >= 12 and " " in piece:
                    found.add(piece)
    return sorted(found)


def run_id(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """One command as a user runs it (pmprb.cli:main), in Indonesian: exit code, stdout
    and stderr."""
    set_language("id")
    try:
        run(app, ["--lang", "id", *args])
    except SystemExit as done:
        code = done.code if isinstance(done.code, int) else 0
    else:  # pragma: no cover - run() always exits
        code = 0
    captured = capsys.readouterr()
    return code, captured.out, captured.err


# JSON keys whose values are codes of the data (like the keys themselves), not prose
CODE_KEYS = {"level", "code", "kind", "change", "id", "file", "path", "status", "rules"}


@functools.cache
def data_strings() -> list[str]:
    """Every text of the bundled rule sets and the examples (names, questions, sources):
    content written by their authors, shown as is; longest first."""
    import yaml

    from pmprb.base.escape import markdown

    found: set[str] = set()

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(key)
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)
        elif isinstance(node, str) and len(node) > 2:
            found.update((node, markdown(node)))

    for path in [*(ROOT / "rules").glob("*.yaml"), *EXAMPLES.rglob("*.yaml")]:
        walk(yaml.safe_load(path.read_text(encoding="utf-8")))
    return sorted(found, key=len, reverse=True)


def pmprb_text(text: str) -> str:
    """What pmprb itself wrote: without the authors' content (data_strings), cells cut
    short with '…', option names (--show-warnings), problem codes (no_evidence) and
    their level ([warning]: the machine-read prefix of a problem line), HTML markup and
    the GitHub Actions commands."""
    text = re.sub(r"<style>.*?</style>", " ", text, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    text = re.sub(r"::(warning|error|notice)[^:]*::", " ", text)
    for piece in data_strings():
        text = text.replace(piece, " ")
    text = re.sub(r"[^│┃|\n]*…", " ", text)
    text = re.sub(r"--?[A-Za-z][\w-]*", " ", text)
    text = re.sub(r"\[(warning|error)\]", " ", text)
    return re.sub(r"\b[a-z0-9]+(?:_[a-z0-9]+)+\b", " ", text)


def user_text(out: str, fmt: str) -> str:
    """The text a person reads: JSON string values (keys are the data's names), CSV cells
    below the header row (its names are the data's names), everything else whole."""
    if fmt == "json":
        values: list[str] = []

        def walk(node: Any) -> None:
            if isinstance(node, dict):
                for key, value in node.items():
                    if key not in CODE_KEYS:
                        walk(value)
            elif isinstance(node, list):
                for value in node:
                    walk(value)
            elif isinstance(node, str):
                values.append(node)

        walk(json.loads(out))
        return "\n".join(values)
    if fmt == "csv":
        rows = list(csv.reader(io.StringIO(out)))
        keep = [i for i, name in enumerate(rows[0]) if name not in CODE_KEYS]
        return "\n".join(" ".join(row[i] for i in keep if i < len(row)) for row in rows[1:])
    return out


def english_in(text: str) -> list[str]:
    """The English words and untranslated message pieces found in some output."""
    fragments = [f for f in english_fragments() if f in text]
    words = sorted(set(_WORD.findall(text)))
    return fragments + words


def cases(tmp: Path) -> Iterator[tuple[list[str], str]]:
    """Every command and format (with its examples) a user can run."""
    for example in (DINKES, BATAM, ZI):
        for fmt in ("table", "markdown", "json", "csv"):
            yield ["score", str(example), "-f", fmt], fmt
    for fmt in ("table", "markdown", "json", "csv"):
        yield ["batch", str(EXAMPLES), "-f", fmt], fmt
        yield (
            ["batch", str(EXAMPLES), "-f", fmt, "--detail"]
            if fmt in ("json", "csv")
            else [
                "batch",
                str(EXAMPLES / "kota-sukamaju-2021"),
                "-f",
                fmt,
            ],
            fmt,
        )
    for fmt in ("text", "github", "json", "junit"):
        yield ["validate", str(EXAMPLES), "-f", fmt], fmt
    yield ["validate", str(DINKES), "--show-warnings", "--summary", str(tmp / "s.md")], "text"
    yield ["init", "--unit", "Dinas X", "--code", "9.9", "--year", "2031", "-o",
           str(tmp / "new.yaml")], "text"  # fmt: skip
    yield ["guide", "-f", "markdown"], "markdown"
    yield ["guide", "--rules", "zona-integritas-2022", "-f", "html"], "html"
    yield ["rules", "list"], "table"
    yield ["rules", "show", "permenpanrb-26-2020"], "table"
    yield ["rules", "show", "zona-integritas-2022"], "table"
    yield ["rules", "check", "permenpanrb-26-2020"], "text"
    yield ["rules", "diff", "permenpanrb-26-2020", "zona-integritas-2022"], "table"
    yield ["score", str(tmp / "missing.yaml")], "text"
    yield ["batch", str(tmp / "empty")], "text"
    for command in ("score", "batch", "init", "validate", "guide", "schema"):
        yield [command, "--help"], "text"
    yield ["--help"], "text"
    yield ["rules", "--help"], "text"
    for command in ("list", "show", "check", "diff"):
        yield ["rules", command, "--help"], "text"
    # usage errors
    yield ["init"], "text"
    yield ["score"], "text"
    yield ["scor"], "text"
    yield ["score", str(DINKES), "--bogus"], "text"
    yield ["score", str(DINKES), "--top", "x"], "text"
    yield ["score", str(DINKES), "--top", "-1"], "text"
    yield ["batch", str(EXAMPLES), "-j"], "text"


def test_nothing_english_in_indonesian_output(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("COLUMNS", "4000")  # no wrapped cells: the authors' texts stay whole
    (tmp_path / "empty").mkdir()
    seen: dict[str, list[str]] = {}
    for args, fmt in cases(tmp_path):
        code, out, err = run_id(capsys, *args)
        assert (out + err).strip(), args
        shown = user_text(out, fmt) if code in (0, 1) and out else out
        found = english_in(pmprb_text(shown + "\n" + err))
        if found:
            seen[" ".join(args)] = found
    assert seen == {}


def test_the_check_finds_english(capsys: pytest.CaptureFixture[str]) -> None:
    """The same check on English output finds it (so it can fail)."""
    set_language("en")
    with pytest.raises(SystemExit):
        run(app, ["--lang", "en", "score", str(DINKES), "-f", "markdown"])
    found = english_in(pmprb_text(capsys.readouterr().out))
    assert {"Rule", "Index", "Points", "Component"} <= set(found)


def test_help_in_english_with_lang_en(capsys: pytest.CaptureFixture[str]) -> None:
    set_language("en")
    with pytest.raises(SystemExit):
        run(app, ["--lang", "en", "score", "--help"])
    out = capsys.readouterr().out
    assert out.startswith("Usage: pmprb score [OPTIONS]")
    assert "Score one answer file" in out
    assert "Show this message and exit." in out


def test_help_in_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _err = run_id(capsys, "score", "--help")
    assert code == 0
    assert out.startswith("Penggunaan: pmprb score [OPSI]")
    assert "Menilai satu berkas jawaban" in out
    assert "Tampilkan pesan ini lalu keluar." in out
    assert "[bawaan: table]" in out


def test_usage_error_in_indonesian(capsys: pytest.CaptureFixture[str]) -> None:
    code, _out, err = run_id(capsys, "init")
    assert code == 2
    assert "Coba 'pmprb init --help' untuk bantuan." in err
    assert "Galat: Opsi '--unit' belum diberikan." in err


def test_no_python_type_shows_in_any_help(capsys: pytest.CaptureFixture[str]) -> None:
    """typer names an option's value by its Python type (<list[str]>, <int range>); every
    such name is shown as a word of the catalogue instead, in both languages."""
    import typer.main

    group = typer.main.get_command(app)
    names = [[name] for name in group.commands]  # type: ignore[attr-defined]
    names += [["rules", name] for name in ("list", "show", "check", "diff")]
    for lang in ("id", "en"):
        for words in names:
            code, out, _err = run_id(capsys, "--lang", lang, *words, "--help")
            assert code == 0, words
            found = re.findall(r"<[^\s<>]*[\[\]][^\s<>]*>|\b(?:str|int|Path)\b", out)
            assert found == [], (lang, words, found)
