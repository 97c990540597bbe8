"""Shared fixtures: paths, the mini rule set, a CLI runner."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from pmprb.base.i18n import set_language

ROOT = Path(__file__).resolve().parent.parent
DATA = Path(__file__).resolve().parent / "data"
MINI = DATA / "mini.yaml"
MINI_ANSWERS = DATA / "mini-answers.yaml"


@pytest.fixture(autouse=True)
def english(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Tests read messages in English unless they choose otherwise."""
    monkeypatch.setenv("PMPRB_LANG", "en")
    set_language("en")
    yield
    set_language("en")


@pytest.fixture(autouse=True)
def cache_key(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The batch cache's MAC key lives in the test session's temporary folder, never in
    the home of whoever runs the tests."""
    path = tmp_path_factory.getbasetemp() / "state" / "cache-key"
    monkeypatch.setenv("PMPRB_CACHE_KEY", str(path))
    return path


@pytest.fixture(autouse=True)
def cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The rule set cache (pmprb.model.rulecache) lives in the test session's temporary folder,
    never in the home of whoever runs the tests."""
    path = tmp_path_factory.getbasetemp() / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(path))
    return path


@pytest.fixture
def runner() -> CliRunner:
    """A CLI runner that keeps stdout and stderr apart."""
    return CliRunner()


def write(tmp_path: Path, text: str, name: str = "answers.yaml") -> Path:
    """Write a test file and return its path."""
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def need_program(name: str) -> str:
    """The path of a system program a test needs (LibreOffice, Chromium, ...).

    Without it the test skips with its reason on a developer's machine; CI sets
    PMPRB_REQUIRE_PROGRAMS=1 (see .ci/run), where a missing program fails the test.
    """
    import os
    import shutil

    found = shutil.which(name)
    if found is not None:
        return found
    reason = f"needs the program '{name}' (not installed)"
    if os.environ.get("PMPRB_REQUIRE_PROGRAMS") == "1":
        pytest.fail(reason + "; PMPRB_REQUIRE_PROGRAMS=1 makes it required")
    pytest.skip(reason)


def need_domain() -> Path:
    """The shared domain tables (../shared/domain beside the clone, or PMPRB_DOMAIN) that the
    rule set generators read; they are not part of the repository. Without them the test
    skips with its reason; CI, which has them beside its clone, sets PMPRB_REQUIRE_DOMAIN=1
    so such a test fails instead of skipping."""
    import os

    domain = Path(os.environ.get("PMPRB_DOMAIN", ROOT.parent / "shared" / "domain"))
    if (domain / "rb-2023-lke.tsv").is_file():
        return domain
    reason = f"needs the shared domain tables in {domain} (set PMPRB_DOMAIN)"
    if os.environ.get("PMPRB_REQUIRE_DOMAIN") == "1":
        pytest.fail(reason + "; PMPRB_REQUIRE_DOMAIN=1 makes it required")
    pytest.skip(reason)


def copy_example(src: Path, dest: Path) -> Path:
    """Copy an example answer file to `dest`, with the shared-values file it names
    (`common:`, pmprb.common) next to it, as a city folder holds them."""
    import shutil

    import yaml

    shutil.copy(src, dest)
    ref = (yaml.safe_load(src.read_text(encoding="utf-8")) or {}).get("common")
    if isinstance(ref, str):
        target = dest.parent / ref
        if not target.exists():
            shutil.copy(src.parent / ref, target)
    return dest


def example_text(src: Path) -> str:
    """An example answer file's text, its shared-values file (`common:`) named by absolute
    path, so that the text works wherever a test writes it."""
    text = src.read_text(encoding="utf-8")
    return text.replace("\ncommon: bersama.yaml", f"\ncommon: {src.parent / 'bersama.yaml'}")
