"""The suggested .yamllint accepts what `pmprb init` writes (issue 16 item 15)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.cli import app

ROOT = Path(__file__).resolve().parent.parent


def yamllint(*args: str) -> subprocess.CompletedProcess[str]:
    """yamllint (a test dependency) from this environment, with the repository's config."""
    found = shutil.which("yamllint", path=str(Path(sys.executable).parent)) or shutil.which(
        "yamllint"
    )
    assert found, "yamllint is a test dependency: pip install -e '.[test]'"
    return subprocess.run(
        [found, "-f", "parsable", "-c", str(ROOT / ".yamllint"), *args],
        capture_output=True,
        text=True,
        check=False,
    )


@pytest.mark.parametrize("rules", ["permenpanrb-26-2020", "zona-integritas-2022"])
def test_yamllint_accepts_a_fresh_init(runner: CliRunner, tmp_path: Path, rules: str) -> None:
    target = tmp_path / "new.yaml"
    args = ["init", "--unit", "Dinas X", "--code", "1", "--year", "2023", "--rules", rules]
    done = runner.invoke(app, [*args, "-o", str(target)])
    assert done.exit_code == 0, done.output
    lint = yamllint(str(target))
    assert lint.returncode == 0, lint.stdout + lint.stderr
    assert lint.stdout == ""


def test_yamllint_still_finds_mistakes(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("rules: x\nrules: y\nanswers:\n  a: 1\n  b:   2\n", encoding="utf-8")
    lint = yamllint(str(bad))
    assert lint.returncode == 1
    assert "key-duplicates" in lint.stdout
    assert "colons" in lint.stdout


def test_panduan_is_linked_from_the_readme_and_shows_real_output() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "docs/panduan.md" in "\n".join(readme.splitlines()[:6])
    guide = (ROOT / "docs" / "panduan.md").read_text(encoding="utf-8")
    for section in ("Memasang", "Nilai pertama", "Membaca hasilnya", "Rekap", "CI", "Kesalahan"):
        assert section in guide, section
    # the outputs are pmprb's own (Indonesian, as printed): spot-check a few lines
    assert "Indeks: 58.69  CC (Cukup)" in guide
    assert "'85%' bukan angka; hapus tanda %: 85" in guide
    assert "1.02.01-2021.yaml ditulis (188 pertanyaan)." in guide
