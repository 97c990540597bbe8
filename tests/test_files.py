"""Writing outputs: whole or not at all, never over an input, a device or a pipe."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.base.files import ProtectedFile, write_atomic
from pmprb.cli import app

from .conftest import MINI, MINI_ANSWERS


def test_a_replaced_file_keeps_its_mode_and_a_new_one_follows_the_umask(tmp_path: Path) -> None:
    kept = tmp_path / "kept.txt"
    kept.write_text("old", encoding="utf-8")
    kept.chmod(0o640)
    write_atomic(kept, "new")
    assert kept.read_text(encoding="utf-8") == "new"
    assert stat.S_IMODE(kept.stat().st_mode) == 0o640
    umask = os.umask(0o022)
    try:
        write_atomic(tmp_path / "fresh.txt", "x")
    finally:
        os.umask(umask)
    assert stat.S_IMODE((tmp_path / "fresh.txt").stat().st_mode) == 0o644
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fresh.txt", "kept.txt"]


def test_inputs_are_protected_even_through_a_link(tmp_path: Path) -> None:
    source = tmp_path / "answers.yaml"
    source.write_text("data", encoding="utf-8")
    link = tmp_path / "link.yaml"
    link.symlink_to(source)
    for target in (source, link):
        with pytest.raises(ProtectedFile):
            write_atomic(target, "over", protect=[source])
    assert source.read_text(encoding="utf-8") == "data"
    write_atomic(tmp_path / "out.json", "ok", protect=[source, tmp_path / "missing.yaml"])


def test_a_pipe_is_written_to_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    got: list[bytes] = []
    reader = threading.Thread(target=lambda: got.append(fifo.read_bytes()))
    reader.start()
    write_atomic(fifo, "through the pipe")
    reader.join(timeout=10)
    assert got == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_batch_and_validate_never_write_over_their_inputs(
    runner: CliRunner, tmp_path: Path
) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(MINI_ANSWERS.read_bytes())
    rules = tmp_path / "rules.yaml"
    rules.write_bytes(MINI.read_bytes())
    before = answers.read_bytes(), rules.read_bytes()
    for target in (answers, rules):
        out = runner.invoke(
            app, ["batch", str(answers), "--rules", str(rules), "-f", "json", "-o", str(target)]
        )
        assert out.exit_code == 2
        assert "one of the files this run reads" in out.stderr
    # validate: the refused output costs only itself; the others and the report still come
    summary = tmp_path / "summary.md"
    out = runner.invoke(
        app,
        [
            *("validate", str(answers), "--rules", str(rules), "-f", "json"),
            *("--json", str(answers), "--summary", str(summary)),
        ],
    )
    assert out.exit_code == 2
    assert '"files"' in out.stdout
    assert "| File |" in summary.read_text(encoding="utf-8")
    assert (answers.read_bytes(), rules.read_bytes()) == before
