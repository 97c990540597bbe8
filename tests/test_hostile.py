"""Hostile and broken input: a clear problem and a documented exit code, never a traceback,
never a hang, never a memory spike."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.cli import app

from .conftest import MINI

GOOD = "rules: mini\nyear: 2021\nunit: {name: Dinas, code: '1'}\nanswers:\n  h.x.a: 50\n"
HEAD = "rules: mini\nyear: 2021\nunit: {name: Dinas, code: '1'}\n"
BOMB = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{c}: &{c} [{', '.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi", strict=True)
)

# name -> (file bytes, expected exit code, expected problem code)
CASES: dict[str, tuple[bytes, int, str]] = {
    "empty": (b"", 1, "empty"),
    "only-comments": (b"# nothing\n# here\n", 1, "empty"),
    "top-level-list": (b"- a\n- b\n", 1, "not_mapping"),
    "top-level-scalar": (b"just words\n", 1, "not_mapping"),
    "invalid-utf8": (GOOD.encode() + b"# \xc3\x28\n", 1, "encoding"),
    "utf16-without-bom": (GOOD.encode("utf-16-le"), 1, "encoding"),
    "tabs": (HEAD.encode() + b"answers:\n\th.x.a: 50\n", 1, "yaml_syntax"),
    "unclosed-quote": (HEAD.encode() + b"answers:\n  h.x.a: 'fifty\n", 1, "yaml_syntax"),
    "unclosed-bracket": (HEAD.encode() + b"answers: [h.x.a\n", 1, "yaml_syntax"),
    "dup-top": (b"rules: mini\nrules: mini\n" + GOOD.encode()[12:], 1, "duplicate_key"),
    "dup-unit": (
        b"rules: mini\nyear: 2021\nunit: {name: A, name: B, code: '1'}\n",
        1,
        "duplicate_key",
    ),
    "dup-answer": (HEAD.encode() + b"answers:\n  h.x.a: 1\n  h.x.a: 2\n", 1, "duplicate_key"),
    "dup-long-form": (
        HEAD.encode() + b"answers:\n  h.x.a: {answer: 1, answer: 2}\n",
        1,
        "duplicate_key",
    ),
    "alias": (HEAD.encode() + b"answers:\n  h.x.a: &v 50\n  h.y.a: *v\n", 1, "yaml_alias"),
    "billion-laughs": (BOMB.encode(), 1, "yaml_alias"),
    "anchor-cycle": (b"a: &a [*a]\n", 1, "yaml_alias"),
    "merge-key": (b"base: {x: 1}\nother:\n  <<: {x: 2}\n", 1, "yaml_merge"),
    "python-object": (b"rules: !!python/object/apply:os.system [echo pwned]\n", 1, "yaml_tag"),
    "python-name": (b"rules: !!python/name:os.system\n", 1, "yaml_tag"),
    "binary-tag": (b"rules: !!binary aGVsbG8=\n", 1, "yaml_tag"),
    "timestamp-tag": (b"year: !!timestamp 2021-01-01\n", 1, "yaml_tag"),
    "custom-tag": (b"rules: !mine x\n", 1, "yaml_tag"),
    "deep-10000": (b"[" * 10000 + b"]" * 10000, 1, "yaml_syntax"),
    "deep-40": (HEAD.encode() + b"answers: " + b"[" * 40 + b"]" * 40 + b"\n", 1, "too_deep"),
    "long-line": (
        HEAD.encode() + b"answers:\n  h.x.a: " + b"x" * 2_000_000 + b"\n",
        1,
        "bad_number",
    ),
    "nan-year": (b"rules: mini\nyear: .nan\nunit: {name: A, code: '1'}\n", 1, "number_form"),
    "inf-answer": (HEAD.encode() + b"answers:\n  h.x.a: .inf\n", 1, "number_form"),
    "huge-int-year": (b"rules: mini\nyear: " + b"9" * 5000 + b"\n", 1, "too_large"),
    "huge-int-answer": (
        HEAD.encode() + b"answers:\n  h.x.a: " + b"9" * 400 + b"\n",
        1,
        "out_of_range",
    ),
    "date-year": (b"rules: mini\nyear: 2021-01-01\nunit: {name: A, code: '1'}\n", 1, "invalid"),
    "yes-answer": (HEAD.encode() + b"answers:\n  p.a1.i1.a: yes\n", 1, "bad_option"),
    "bool-answer": (HEAD.encode() + b"answers:\n  p.a1.i1.a: true\n", 1, "invalid"),
    "lookalike-id": (
        HEAD.encode() + "answers:\n  h.x.\u0430: 50\n".encode(),
        1,
        "unknown_question",
    ),
    "int-key": (HEAD.encode() + b"answers:\n  12: A\n", 1, "invalid"),
    "control-char": (HEAD.encode() + b"answers:\n  h.x.a: \x07\n", 1, "yaml_syntax"),
    "two-documents": (GOOD.encode() + b"---\n" + GOOD.encode(), 1, "yaml_syntax"),
}


def _run(runner: CliRunner, path: Path) -> tuple[int, str, float]:
    start = time.process_time()
    result = runner.invoke(app, ["score", str(path), "--rules", str(MINI)])
    elapsed = time.process_time() - start
    # a user's mistake is never a traceback: the only exception allowed is the exit itself
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.stderr, elapsed


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_case(runner: CliRunner, tmp_path: Path, name: str) -> None:
    content, exit_code, code = CASES[name]
    path = tmp_path / f"{name}.yaml"
    path.write_bytes(content)
    got, stderr, elapsed = _run(runner, path)
    assert got == exit_code, stderr
    assert f"{path}" in stderr
    assert f"[error] {code}:" in stderr, stderr
    assert len(stderr) < 2000  # long input is never echoed whole
    assert elapsed < 2.0  # CPU seconds: not wall time, so a loaded machine does not flake


def test_utf16_with_bom_is_read(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "utf16.yaml"
    path.write_bytes(GOOD.encode("utf-16"))  # with BOM
    code, stderr, _ = _run(runner, path)
    assert code == 0, stderr


def test_negative_zero_is_zero(runner: CliRunner, tmp_path: Path) -> None:
    path = tmp_path / "zero.yaml"
    path.write_text(HEAD + "answers:\n  h.x.a: -0\n  h.y.a: -0.0\n", encoding="utf-8")
    result = runner.invoke(app, ["score", str(path), "--rules", str(MINI), "-f", "json"])
    assert result.exit_code == 0, result.stderr
    assert '"index": 0.0' in result.stdout


@pytest.mark.parametrize("kind", ["directory", "fifo", "symlink-loop", "missing", "dangling"])
def test_unreadable_inputs_cannot_run(runner: CliRunner, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "input.yaml"
    if kind == "directory":
        path.mkdir()
    elif kind == "fifo":
        os.mkfifo(path)  # reading it would block forever
    elif kind == "symlink-loop":
        path.symlink_to(path)
    elif kind == "dangling":
        path.symlink_to(tmp_path / "gone.yaml")
    code, stderr, elapsed = _run(runner, path)
    assert code == 2, stderr
    assert str(path) in stderr
    assert elapsed < 2.0


def test_too_many_answers_is_bounded(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMPRB_MAX_ANSWERS", "3")
    path = tmp_path / "many.yaml"
    body = "".join(f"  x{i}: A\n" for i in range(4))
    path.write_text(HEAD + "answers:\n" + body, encoding="utf-8")
    code, stderr, _ = _run(runner, path)
    assert code == 1
    assert ":4:1: [error] too_many: 4 answers; the limit is 3" in stderr


_PEAK_PROBE = """
import atexit, os, sys

def _peak():
    # VmHWM: the peak RSS of this program's own address space (ru_maxrss would also count
    # the copy of the parent a fork made before exec: a large test process)
    with open("/proc/self/status") as status:
        kb = next(line.split()[1] for line in status if line.startswith("VmHWM:"))
    with open(os.environ["PMPRB_TEST_PEAK"], "w") as out:
        out.write(kb)

atexit.register(_peak)
from pmprb.cli import main
sys.argv = ["pmprb", *sys.argv[1:]]
main()
"""


def _child_peak_rss_mb(args: list[str], tmp_path: Path) -> tuple[int, float, str]:
    """Run pmprb in a fresh process; its exit code, its own peak RSS in MB and stderr."""
    peak = tmp_path / "peak-kb"
    env = {**os.environ, "PMPRB_LANG": "en", "PMPRB_TEST_PEAK": str(peak)}
    proc = subprocess.run(
        [sys.executable, "-c", _PEAK_PROBE, *args],
        capture_output=True,
        text=True,
        timeout=60,
        env=env,
        check=False,
    )
    return proc.returncode, int(peak.read_text()) / 1024, proc.stderr


@pytest.mark.parametrize("name", ["50mb", "billion-laughs"])
def test_no_memory_spike(tmp_path: Path, name: str) -> None:
    path = tmp_path / f"{name}.yaml"
    if name == "50mb":
        with path.open("wb") as fh:
            fh.write(HEAD.encode() + b"answers:\n")
            line = b"  # " + b"padding " * 12 + b"\n"
            while fh.tell() < 50 * 1024 * 1024:
                fh.write(line * 1000)
        expected = "too_large"
    else:
        path.write_bytes(BOMB.encode())
        expected = "yaml_alias"
    code, peak_mb, stderr = _child_peak_rss_mb(["score", str(path), "--rules", str(MINI)], tmp_path)
    assert code == 1, stderr
    assert f"[error] {expected}" in stderr
    assert 20 < peak_mb < 300  # the bound we enforce: a refused file never costs its size
    # in memory (and more than 20 MB: the probe measured a Python running pmprb)


def _corpus(folder: Path) -> None:
    """Every hostile case as a file in one folder, with a FIFO and a symlink loop beside them."""
    folder.mkdir()
    for name, (content, _code, _problem) in CASES.items():
        (folder / f"{name}.yaml").write_bytes(content)
    os.mkfifo(folder / "fifo.yaml")
    (folder / "loop.yaml").symlink_to(folder / "loop.yaml")
    (folder / "good.yaml").write_text(GOOD, encoding="utf-8")


def test_validate_reports_every_hostile_file_and_goes_on(runner: CliRunner, tmp_path: Path) -> None:
    folder = tmp_path / "corpus"
    _corpus(folder)
    start = time.process_time()
    result = runner.invoke(app, ["validate", str(folder), "--rules", str(MINI), "-f", "text"])
    elapsed = time.process_time() - start
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    # an unreadable input (the FIFO, the loop) means the run could not do all it was asked:
    # exit 2, and every other file is still checked and reported
    assert result.exit_code == 2, result.output
    for name, (_content, _code, problem) in CASES.items():
        assert f"{folder / name}.yaml" in result.stdout, name
        assert f"] {problem}:" in result.stdout.split(f"{folder / name}.yaml", 1)[1], name
    assert f"{folder / 'fifo.yaml'}" in result.stdout
    assert f"{folder / 'loop.yaml'}" in result.stdout
    assert elapsed < 2.0 * (len(CASES) + 3)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_batch_scores_the_good_file_and_lists_every_hostile_one(
    runner: CliRunner, tmp_path: Path, jobs: str
) -> None:
    folder = tmp_path / "corpus"
    _corpus(folder)
    args = ["batch", str(folder), "--rules", str(MINI), "--jobs", jobs, "-f", "json"]
    result = runner.invoke(app, args)
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code in (1, 2), result.output
    data = json.loads(result.stdout)
    scored = [r["unit"]["code"] for g in data["groups"] for r in g["ranking"]]
    assert scored == ["1"]  # good.yaml, and only it
    for name in CASES:
        assert f"{folder / name}.yaml" in result.stderr, name
    assert f"{folder / 'fifo.yaml'}" in result.stderr
