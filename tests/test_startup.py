"""A fast start: the rule set cache (pmprb.model.rulecache) and what one-file commands import."""

from __future__ import annotations

import json
import os
import pickle
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from pmprb.model import load as loading
from pmprb.model import rulecache, rules
from pmprb.model.rules import LoadedRules, bundled_dir, sha256_text

from .conftest import ROOT

RID = "permenpanrb-26-2020"
EXAMPLE = ROOT / "assessments" / "kota-sukamaju-2021" / "dinkes.yaml"
# What `score -f json` and `validate` on one file must not load: terminal rendering
# (rich and what it brings), workbooks, templates, and pmprb's own modules for other
# commands (rule set checking, overlays, batch, the guide, the table).
NOT_ON_FAST_PATH = (
    "rich",
    "openpyxl",
    "xlsxwriter",
    "jinja2",
    "markdown_it",
    "pygments",
    "xml.etree.ElementTree",
    "pmprb.model.overlay",
    "pmprb.analysis.batch",
    "pmprb.inputs.cache",
    "pmprb.report.table",
    "pmprb.report.xlsx",
    "pmprb.report.guide",
    "pmprb.report.batch",
    "pmprb.analysis.rulecheck",
    "pmprb.analysis.rulediff",
    "pmprb.report.schema",
)
MAIN = "from pmprb.cli import main; main()"
PROBE = """
import json, sys
sys.argv = ["pmprb", *sys.argv[1:]]
from pmprb.cli import main
try:
    main()
except SystemExit as exc:
    code = exc.code
else:
    code = 0
sys.stdout.flush()
plugins = sys.modules.get("pydantic.plugin._loader")
scanned = getattr(plugins, "_plugins", None) is not None  # pydantic's cache of found plugins
print(json.dumps({"code": code, "modules": sorted(sys.modules), "scanned": scanned}),
      file=sys.stderr)
"""


@pytest.fixture
def cache_home(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """A cache folder of this test's own (the suite's shared one is filled by others)."""
    path = tmp_path / "xdg-cache"
    monkeypatch.setenv("XDG_CACHE_HOME", str(path))
    # this process's own memo of loaded rule sets, empty (restored afterwards)
    monkeypatch.setattr(rules, "_LOADED", {})
    return path


def load(path: Path, shown: str) -> LoadedRules:
    """A bundled rule set as a new process would load it: from the disk cache or its file."""
    rules._LOADED.clear()
    return loading._load_bundled(path, shown)


def bundled() -> tuple[Path, str, str]:
    path = bundled_dir() / f"{RID}.yaml"
    return path, f"{RID} ({path.name})", path.read_text(encoding="utf-8")


def entry_path(cache_home: Path) -> Path:
    return cache_home / "pmprb" / "rules" / f"{RID}.pickle"


def probe(argv: list[str], env: dict[str, str]) -> dict[str, Any]:
    """What one pmprb command did in a fresh process: its exit code, the modules it
    loaded, whether pydantic looked for plugins in the installed packages."""
    proc = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        check=False,
    )
    last = proc.stderr.strip().splitlines()[-1]
    report: dict[str, Any] = json.loads(last)
    return report


def loaded_after_run(argv: list[str], env: dict[str, str]) -> tuple[int, set[str]]:
    """The exit code and the modules loaded by one pmprb command in a fresh process."""
    report = probe(argv, env)
    return report["code"], set(report["modules"])


@pytest.mark.parametrize(
    "argv",
    [
        ["validate", str(EXAMPLE)],
        ["score", str(EXAMPLE), "-f", "json"],
    ],
)
def test_one_file_commands_load_no_heavy_module(argv: list[str], cache_home: Path) -> None:
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    for _run in ("cold", "warm"):
        code, modules = loaded_after_run(argv, env)
        assert code in (0, 1)  # the example has unanswered questions: validate says so
        heavy = sorted(
            m for m in modules if any(m == h or m.startswith(h + ".") for h in NOT_ON_FAST_PATH)
        )
        assert heavy == [], (argv, _run)
    assert entry_path(cache_home).is_file()


def test_pydantic_plugins_are_not_looked_for(cache_home: Path) -> None:
    """Looking for plugins reads every installed package's metadata at each start."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    env.pop("PYDANTIC_DISABLE_PLUGINS", None)
    report = probe(["score", str(EXAMPLE), "-f", "json"], env)
    assert report["code"] == 0
    assert "pydantic.main" in report["modules"]  # the models were built
    assert report["scanned"] is False


def test_the_table_still_loads_rich(cache_home: Path) -> None:
    """The probe can see a heavy module when one is loaded (the table needs rich)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    code, modules = loaded_after_run(["score", str(EXAMPLE)], env)
    assert code == 0
    assert "rich.console" in modules
    assert "pmprb.report.table" in modules


def test_a_warm_cache_is_used_without_reading_the_rules_again(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, shown, text = bundled()
    first = load(path, shown)
    assert entry_path(cache_home).is_file()

    def no_parse(*_args: object) -> None:
        raise AssertionError("the rule set was parsed again")

    monkeypatch.setattr(rules, "parse_rules", no_parse)
    again = load(path, shown)
    assert again is not first
    assert again == first
    assert again.sha256 == sha256_text(text)
    assert list(again.questions) == list(first.questions)
    assert again.maxima == first.maxima


def test_an_entry_for_other_text_or_other_code_is_a_miss(cache_home: Path) -> None:
    path, shown, text = bundled()
    loaded = load(path, shown)
    assert rulecache.read_entry(path, shown, text) == loaded
    # one changed character in the rule set text: the key differs
    assert rulecache.read_entry(path, shown, text.replace("title:", "title: ", 1)) is None
    # the same text under another name (the name is part of what is shown)
    assert rulecache.read_entry(path, "other (x.yaml)", text) is None


def test_a_damaged_or_foreign_entry_is_ignored_and_rewritten(cache_home: Path) -> None:
    path, shown, text = bundled()
    load(path, shown)
    entry = entry_path(cache_home)
    good = entry.read_bytes()
    for damaged in (
        b"",
        b"garbage",
        good[: len(good) // 2],  # truncated
        good[:-10] + b"0123456789",  # payload changed: the checksum no longer matches
        good.replace(rulecache.FORMAT, b"pmprb-rules-cache 0\n", 1),
    ):
        entry.write_bytes(damaged)
        assert rulecache.read_entry(path, shown, text) is None
        again = load(path, shown)  # read from the file, stored again
        assert again.rules.id == RID
        assert rulecache.read_entry(path, shown, text) == again


class _Mkdir:
    """Unpickled, it would call os.mkdir(target): a global the cache must never resolve."""

    def __init__(self, target: str) -> None:
        self.target = target

    def __reduce__(self) -> tuple[object, tuple[str]]:
        return (os.mkdir, (self.target,))


def test_a_pickle_naming_other_globals_is_never_run(cache_home: Path, tmp_path: Path) -> None:
    path, shown, text = bundled()
    load(path, shown)
    marker = tmp_path / "ran"
    import hashlib

    payload = pickle.dumps(_Mkdir(str(marker)))
    forged = (
        rulecache.FORMAT
        + rulecache.entry_key(shown, text)
        + hashlib.sha256(payload).digest()
        + payload
    )
    entry_path(cache_home).write_bytes(forged)
    assert rulecache.read_entry(path, shown, text) is None
    assert not marker.exists()
    # a well-formed pickle of another pmprb value is refused too
    other = pickle.dumps({"not": "a rule set"})
    entry_path(cache_home).write_bytes(
        rulecache.FORMAT + rulecache.entry_key(shown, text) + hashlib.sha256(other).digest() + other
    )
    assert rulecache.read_entry(path, shown, text) is None


def test_links_and_open_folders_are_never_trusted(cache_home: Path, tmp_path: Path) -> None:
    path, shown, text = bundled()
    load(path, shown)
    entry = entry_path(cache_home)
    folder = entry.parent
    # the entry as a link to a good entry elsewhere: not followed
    elsewhere = tmp_path / "elsewhere.pickle"
    elsewhere.write_bytes(entry.read_bytes())
    entry.unlink()
    entry.symlink_to(elsewhere)
    assert rulecache.read_entry(path, shown, text) is None
    entry.unlink()
    # an entry others may write to
    load(path, shown)
    entry.chmod(0o664)
    assert rulecache.read_entry(path, shown, text) is None
    entry.chmod(0o600)
    assert rulecache.read_entry(path, shown, text) is not None
    # a folder others may read: neither read nor written
    folder.chmod(0o755)
    try:
        assert rulecache.read_entry(path, shown, text) is None
        entry.unlink()
        load(path, shown)
        assert not entry.exists()
    finally:
        folder.chmod(0o700)
    # the folder itself a link to a private folder: not followed
    real = tmp_path / "real-rules"
    folder.rename(real)
    folder.symlink_to(real)
    load(path, shown)
    assert rulecache.read_entry(path, shown, text) is None
    assert not (real / entry.name).exists()


def test_made_private_and_can_be_turned_off(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, shown, _text = bundled()
    monkeypatch.setenv("PMPRB_RULES_CACHE", "off")
    load(path, shown)
    assert not (cache_home / "pmprb").exists()
    monkeypatch.delenv("PMPRB_RULES_CACHE")
    load(path, shown)
    for folder in (cache_home / "pmprb", cache_home / "pmprb" / "rules"):
        assert folder.stat().st_mode & 0o777 == 0o700
    assert entry_path(cache_home).stat().st_mode & 0o777 == 0o600


def test_the_cached_rule_set_scores_like_the_file(cache_home: Path) -> None:
    """Warm or cold, the same figures (the golden files cover the rest)."""
    env = {**os.environ, "XDG_CACHE_HOME": str(cache_home)}
    outputs = []
    for _run in ("cold", "warm", "off"):
        run_env = {**env, "PMPRB_RULES_CACHE": "off"} if _run == "off" else env
        proc = subprocess.run(
            [sys.executable, "-c", MAIN, "score", str(EXAMPLE), "-f", "json"],
            capture_output=True,
            text=True,
            env=run_env,
            cwd=ROOT,
            check=True,
        )
        outputs.append(proc.stdout)
    assert outputs[0] == outputs[1] == outputs[2]
    assert json.loads(outputs[0])["rules"]["id"] == RID


def test_loaded_rules_type_is_checked() -> None:
    assert rulecache.ALLOWED["pmprb.model.rules"] >= {"LoadedRules", "QuestionRef", "RuleSet"}
    assert LoadedRules.__module__ == "pmprb.model.rules"


@pytest.mark.parametrize("order", ["bundled first", "overlay first"])
def test_an_overlay_base_is_the_bundled_object_from_the_cache(
    cache_home: Path, tmp_path: Path, order: str
) -> None:
    path, shown, _text = bundled()
    load(path, shown)  # fills the disk cache
    rules._LOADED.clear()  # as in a new process: the next load comes from the disk cache
    over = tmp_path / "over.yaml"
    over.write_text(f"extends: {RID}\nid: over\nversion: '1'\ntitle: Over\n", encoding="utf-8")
    if order == "bundled first":
        direct = loading._load_bundled(path, shown)
        assert loading.load_rules_file(over).base is direct
    else:
        base = loading.load_rules_file(over).base
        assert loading._load_bundled(path, shown) is base


@pytest.mark.parametrize(
    "text",
    ['{"a": "##[error]x"}', '{"a": "###[x ##["}', '{"a": "\x7f"}', '{"a": "plain"}', ""],
)
def test_json_text_without_the_regex_scan_escapes_alike(text: str) -> None:
    """ASCII JSON skips the regex scan (a fast start); the result is the same."""
    from pmprb.base import escape

    by_regex = escape._JSON_RAW.sub(escape._json_char, text)
    assert escape.json_text(text) == by_regex
    assert "##[" not in escape.json_text(text)


def test_unreadable_sources_or_no_home_mean_no_cache(
    cache_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path, shown, text = bundled()
    monkeypatch.setattr(rulecache, "CODE_FILES", ("no-such-module.py",))
    assert load(path, shown).rules.id == RID  # read from its file, nothing stored
    assert not entry_path(cache_home).exists()
    assert rulecache.read_entry(path, shown, text) is None
    monkeypatch.delenv("XDG_CACHE_HOME")

    def no_home() -> Path:
        raise RuntimeError("Could not determine home directory.")

    monkeypatch.setattr(Path, "home", no_home)
    assert rulecache.cache_folder() is None


def _names(app: Any) -> list[str]:
    import typer.main

    return sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]


def test_only_the_command_run_is_built() -> None:
    from pmprb.cli import app
    from pmprb.clihelp import only_command

    everything = _names(app)
    assert {"score", "validate", "rules"} <= set(everything)
    assert _names(only_command(app, ["validate", "x.yaml"])) == ["validate"]
    assert _names(only_command(app, ["--lang", "en", "score", "x.yaml", "-f", "json"])) == ["score"]
    # the value of --lang is not taken for a command name
    assert _names(only_command(app, ["--lang", "validate", "score"])) == ["score"]
    for argv in (
        [],
        ["--help"],
        ["--help", "score"],  # the tool's help lists every command
        ["rules", "list"],  # a group keeps its subcommands
        ["scor", "x.yaml"],  # a typo: "did you mean" needs every name
    ):
        assert _names(only_command(app, argv)) == everything, argv


def test_one_command_runs_as_the_whole_tool_does(tmp_path: Path) -> None:
    """The same output and exit code through main() (one command built) and CliRunner."""
    from typer.testing import CliRunner

    from pmprb.cli import app

    for argv in (
        ["score", str(EXAMPLE), "-f", "json"],
        ["--lang", "en", "validate", str(EXAMPLE)],
        ["score", "--format", "nope", str(EXAMPLE)],
    ):
        proc = subprocess.run(
            [sys.executable, "-c", MAIN, *argv],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=False,
        )
        whole = CliRunner().invoke(app, argv)
        assert proc.returncode == whole.exit_code, argv
        assert proc.stdout == whole.stdout, argv
