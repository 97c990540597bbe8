"""Cache integrity and file system faults (issue 10: items 4-6, 10-12, 16, 17, 20).

Cases that could hang (FIFOs) or eat memory (huge entries, huge limits) run the command
in a subprocess with a timeout and an address-space limit, so the suite can never hang.
"""

from __future__ import annotations

import json
import os
import pwd
import re
import resource
import shutil
import stat
import subprocess
import sys
import sysconfig
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import pmprb.analysis.batch as core
from pmprb.analysis.engine import score
from pmprb.base import limits
from pmprb.base.errors import ProblemsError
from pmprb.base.files import answer_files, write_atomic
from pmprb.cli import app
from pmprb.inputs.loader import read_text
from pmprb.model.load import load_rules

from .conftest import ROOT, copy_example

CITY = ROOT / "assessments" / "kota-sukamaju-2021"
TIMEOUT = 60  # seconds for a subprocess: far above the ~1 s these take when nothing hangs


def city(tmp_path: Path, count: int = 6) -> Path:
    """A copy of (the first `count` unit files of) the example city, with its shared file."""
    folder = tmp_path / "city"
    folder.mkdir()
    units = [p for p in sorted(CITY.glob("*.yaml")) if p.name != "bersama.yaml"]
    for path in [*units[:count], CITY / "bersama.yaml"]:
        shutil.copy(path, folder / path.name)
    return folder


class Counter:
    """Counts how many files are actually scored (not served from the cache)."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.calls = 0

        def counted(assessment: Any) -> Any:
            self.calls += 1
            return score(assessment)

        monkeypatch.setattr(core, "score", counted)


def batch(runner: CliRunner, *args: str) -> Any:
    load_rules.cache_clear()  # each CLI run is a new process in real life
    return runner.invoke(app, ["batch", *args])


def cached(runner: CliRunner, folder: Path, store: Path) -> Any:
    return batch(runner, str(folder), "--cache", str(store), "-f", "json")


def entries(store: Path) -> list[Path]:
    return sorted(p for p in store.rglob("*.json") if not p.is_symlink())


def pmprb(
    *args: str,
    limit_memory: bool = False,
    preexec_fn: Callable[[], None] | None = None,
    **kwargs: Any,
) -> subprocess.CompletedProcess[str]:
    """Run the CLI in a fresh interpreter, with a timeout (and optionally 1 GiB of address
    space, so a read without bound fails fast instead of filling the machine)."""

    def cap() -> None:
        if preexec_fn is not None:
            preexec_fn()
        if limit_memory:
            resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30))

    code = "import sys; from pmprb.cli import main; sys.argv[0] = 'pmprb'; main()"
    return subprocess.run(
        [sys.executable, "-c", code, *args],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        preexec_fn=cap,
        env={**os.environ, "PMPRB_LANG": "en"},
        check=False,
        **kwargs,
    )


# --- 4: a tampered entry is never trusted (keyed MAC) -----------------------------------


def test_a_forged_entry_is_ignored_and_rewritten(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = city(tmp_path)
    store = tmp_path / "cache"
    counter = Counter(monkeypatch)
    clean = cached(runner, folder, store)
    assert clean.exit_code == 0
    assert counter.calls == 6
    target = entries(store)[0]
    entry = json.loads(target.read_text(encoding="utf-8"))
    # every field still has a valid type and shape, and the key is the entry's own:
    # only the MAC can tell this from a real result
    entry["summary"].update(index="99.99", category="AA", name="Dinas Palsu")
    target.write_text(json.dumps(entry), encoding="utf-8")
    again = cached(runner, folder, store)
    assert again.exit_code == 0
    assert "99.99" not in again.stdout
    assert "Dinas Palsu" not in again.stdout
    assert again.stdout == clean.stdout
    assert counter.calls == 7  # the forged one was scored again...
    rewritten = json.loads(target.read_text(encoding="utf-8"))
    assert rewritten["summary"]["name"] != "Dinas Palsu"  # ...and its entry rewritten
    cached(runner, folder, store)
    assert counter.calls == 7  # and trusted again


def test_an_entry_made_under_another_key_is_not_trusted(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = city(tmp_path, 2)
    store = tmp_path / "cache"
    counter = Counter(monkeypatch)
    cached(runner, folder, store)
    # another user's cache (another key) copied in: every entry is a miss
    monkeypatch.setenv("PMPRB_CACHE_KEY", str(tmp_path / "other-user" / "cache-key"))
    cached(runner, folder, store)
    assert counter.calls == 4


def test_the_cache_key_is_private_and_lives_outside_the_cache(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("PMPRB_CACHE_KEY")
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    folder = city(tmp_path, 1)
    store = tmp_path / "cache"
    assert cached(runner, folder, store).exit_code == 0
    key = tmp_path / "state" / "pmprb" / "cache-key"
    info = key.stat()
    assert stat.S_IMODE(info.st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    made = key.read_text(encoding="ascii")
    assert re.fullmatch("[0-9a-f]{64}\n", made)  # 32 random bytes in hex, a newline
    assert cached(runner, folder, store).exit_code == 0
    assert key.read_text(encoding="ascii") == made  # made once, then kept
    assert not list(store.rglob("*key*"))
    # a key others may read (or change) could forge results: the cache is refused
    key.chmod(0o644)
    refused = cached(runner, folder, store)
    assert refused.exit_code == 2
    assert "not private" in refused.stderr
    key.chmod(0o600)
    key.write_text("not a key\n", encoding="ascii")
    assert "damaged" in cached(runner, folder, store).stderr
    # a key inside the cache folder would be no secret from whoever writes the cache
    monkeypatch.setenv("PMPRB_CACHE_KEY", str(store / "key"))
    inside = cached(runner, folder, store)
    assert inside.exit_code == 2
    assert "must not be inside the cache folder" in inside.stderr
    assert not (store / "key").exists()


# --- 5: links inside the cache are never followed ---------------------------------------


def test_a_linked_entry_never_writes_through_the_link(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = city(tmp_path, 1)
    store = tmp_path / "cache"
    counter = Counter(monkeypatch)
    clean = cached(runner, folder, store)
    (target,) = entries(store)
    victim = tmp_path / "victim.txt"
    victim.write_text("precious\n", encoding="utf-8")
    target.unlink()
    target.symlink_to(victim)
    again = cached(runner, folder, store)
    assert again.exit_code == 0
    assert again.stdout == clean.stdout
    assert victim.read_text(encoding="utf-8") == "precious\n"
    assert not target.is_symlink()
    assert target.is_file()
    cached(runner, folder, store)
    assert counter.calls == 2  # the rewritten entry is used


def test_a_linked_shard_folder_is_never_used(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = city(tmp_path, 1)
    store = tmp_path / "cache"
    clean = cached(runner, folder, store)
    (target,) = entries(store)
    shard = target.parent
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    shutil.copy(target, elsewhere / target.name)  # a valid entry behind the link
    shutil.rmtree(shard)
    shard.symlink_to(elsewhere, target_is_directory=True)
    (elsewhere / target.name).unlink()
    counter = Counter(monkeypatch)
    again = cached(runner, folder, store)
    assert again.exit_code == 0
    assert again.stdout == clean.stdout
    assert counter.calls == 1
    assert list(elsewhere.iterdir()) == []  # nothing written through the link


# --- 6: only small regular files are read as entries ------------------------------------


def _make_odd(kind: str, path: Path) -> None:
    path.unlink()
    if kind == "fifo":
        os.mkfifo(path)
    elif kind == "huge":
        with open(path, "wb") as fh:
            fh.truncate(4 * 1024**3)  # sparse: 4 GB long, no disk used
    elif kind == "zero":
        try:
            os.mknod(path, 0o600 | stat.S_IFCHR, os.makedev(1, 5))  # /dev/zero itself
        except PermissionError:
            path.symlink_to("/dev/zero")  # not allowed to make devices: a link to one


@pytest.mark.parametrize("kind", ["fifo", "huge", "zero"])
def test_an_entry_that_is_no_small_regular_file_is_a_miss(tmp_path: Path, kind: str) -> None:
    folder = city(tmp_path, 1)
    store = tmp_path / "cache"
    clean = pmprb("batch", str(folder), "--cache", str(store), "-f", "json")
    assert clean.returncode == 0, clean.stderr
    (target,) = entries(store)
    _make_odd(kind, target)
    again = pmprb("batch", str(folder), "--cache", str(store), "-f", "json", limit_memory=True)
    assert again.returncode == 0, again.stderr
    assert again.stdout == clean.stdout
    info = target.lstat()
    assert stat.S_ISREG(info.st_mode)
    assert info.st_size < 1024 * 1024


# --- 10: a file swapped for a FIFO after the stat is never waited on ---------------------

SWAP = """
import os, pathlib, sys
from pmprb.base.errors import ProblemsError
from pmprb.inputs.source import read_content

fifo, regular = sys.argv[1], sys.argv[2]
real_stat = os.stat
seen_regular = real_stat(regular)

def stat_then_swap(path, *args, **kwargs):
    # what a look at the path saw just before the file became a FIFO
    return seen_regular if os.fspath(path) == fifo else real_stat(path, *args, **kwargs)

os.stat = stat_then_swap
pathlib.Path.stat = lambda self, *args, **kwargs: stat_then_swap(self, *args, **kwargs)
try:
    read_content(pathlib.Path(fifo), fifo)  # YAML text or, for .xlsx, a workbook's bytes
    print("read")
except ProblemsError as exc:
    print(exc.problems[0].code, exc.problems[0].message)
"""


@pytest.mark.parametrize("suffix", [".yaml", ".xlsx"])
def test_a_file_swapped_for_a_fifo_after_the_stat_is_refused(tmp_path: Path, suffix: str) -> None:
    fifo = tmp_path / f"answers{suffix}"
    os.mkfifo(fifo)
    regular = tmp_path / f"regular{suffix}"
    regular.write_text("x: 1\n", encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-c", SWAP, str(fifo), str(regular)],
        capture_output=True,
        text=True,
        timeout=TIMEOUT,
        env={**os.environ, "PMPRB_LANG": "en"},
        check=False,
    )
    assert done.stdout.strip() == "unreadable is not a regular file", done.stderr


# --- 17: a large PMPRB_MAX_FILE_BYTES costs nothing; an absurd one is refused ------------


def test_a_huge_limit_reads_only_what_the_file_holds(tmp_path: Path) -> None:
    path = tmp_path / "small.yaml"
    path.write_text("x: 1\n", encoding="utf-8")
    assert read_text(path, limit=2**62) == "x: 1\n"
    tracemalloc.start()
    try:
        read_text(path, limit=256 * 1024 * 1024)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert peak < 1024 * 1024  # a 5-byte file, not the 256 MiB the limit allows
    big = tmp_path / "big.yaml"
    big.write_bytes(b"#" * 3_000_000)  # read in several chunks, and the limit still holds
    assert len(read_text(big, limit=3_000_000)) == 3_000_000
    with pytest.raises(ProblemsError, match="too_large"):
        read_text(big, limit=2_999_999)


@pytest.mark.parametrize("value", ["99999999999999999999", "1073741825", "0", "-5", "10MB"])
def test_an_absurd_limit_is_refused_before_anything_runs(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch, value: str
) -> None:
    monkeypatch.setenv("PMPRB_MAX_FILE_BYTES", value)
    result = runner.invoke(app, ["score", str(CITY / "dinkes.yaml")])
    assert result.exit_code == 2
    assert result.stderr.startswith("PMPRB_MAX_FILE_BYTES: [error] bad_limit: ")
    assert "from 1 to 1073741824" in result.stderr
    # the library never uses more than the bound either
    assert limits.current().max_file_bytes <= 1024**3


def test_the_largest_limit_allowed_works(
    runner: CliRunner, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("PMPRB_MAX_FILE_BYTES", "1073741824")
    assert limits.current().max_file_bytes == 1024**3
    assert runner.invoke(app, ["score", str(CITY / "dinkes.yaml")]).exit_code == 0


# --- 11: a file that vanishes during discovery is only its own problem -------------------


def test_a_file_deleted_during_discovery_is_only_that_files_problem(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = city(tmp_path)
    victim = folder / "dinkes.yaml"
    real: Callable[..., Any] = answer_files

    def then_delete(paths: Any) -> Any:
        found = real(paths)
        victim.unlink(missing_ok=True)  # gone between the walk and the read
        return found

    monkeypatch.setattr(core, "answer_files", then_delete)
    result = batch(runner, str(folder), "-f", "json")
    assert result.exit_code == 1  # invalid input, not "could not run"
    data = json.loads(result.stdout)
    assert (data["files"], data["scored"]) == (6, 5)
    assert f"{victim}: [error] not_found: " in result.stderr
    # a path named on the command line that does not exist still stops the run
    assert batch(runner, str(folder), str(tmp_path / "nowhere.yaml")).exit_code == 2


# --- 12: folders that cannot be read are problems, never skipped in silence --------------


def _two_units(base: Path) -> tuple[Path, Path]:
    """base/a.yaml, and base/locked/b.yaml in a folder to be made unreadable."""
    files = sorted(p for p in CITY.glob("*.yaml") if p.name != "bersama.yaml")
    copy_example(files[0], base / "a.yaml")
    locked = base / "locked"
    locked.mkdir()
    copy_example(files[1], locked / "b.yaml")
    return base / "a.yaml", locked


def test_an_unreadable_folder_is_reported(
    runner: CliRunner, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _good, locked = _two_units(tmp_path)
    real = os.scandir

    def refuse(path: Any = ".") -> Any:
        if os.fspath(path) == str(locked):
            raise PermissionError(13, "Permission denied", str(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", refuse)  # as for a folder of another user, mode 700
    result = batch(runner, str(tmp_path), "-f", "json")
    assert result.exit_code == 1
    assert f"{locked}: [error] unreadable: cannot read this folder: Permission denied" in (
        result.stderr
    )
    data = json.loads(result.stdout)
    assert (data["files"], data["scored"]) == (2, 1)
    checked = runner.invoke(app, ["validate", str(tmp_path)])
    assert checked.exit_code == 2  # validate: a path it could not read (README exit codes)
    assert f"{locked}: [error] unreadable" in checked.stderr + checked.stdout


@pytest.fixture
def shared_tmp() -> Iterator[Path]:
    """A temporary folder an unprivileged user can enter (pytest's own is root's, 0700)."""
    base = Path(tempfile.mkdtemp(prefix="pmprb-perm-"))
    base.chmod(0o755)
    try:
        yield base
    finally:
        for folder in base.rglob("*"):
            if folder.is_dir():
                folder.chmod(0o755)
        shutil.rmtree(base)


def _as_nobody() -> tuple[list[str], dict[str, str], Callable[[], None]]:
    """How to run pmprb as the unprivileged user nobody: an interpreter nobody may run
    (this one may live in root's home), the environment to find pmprb, and the switch of
    user. Skips, saying why, when the machine offers no way."""
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        pytest.skip("running as root and there is no user 'nobody' to drop to")

    def demote() -> None:
        os.setgroups([])
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)

    version = f"python{sys.version_info[0]}.{sys.version_info[1]}"
    paths = [sysconfig.get_paths()["purelib"], str(ROOT)]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(paths), "PMPRB_LANG": "en"}
    for candidate in (sys.executable, shutil.which(version), f"/usr/bin/{version}"):
        if candidate is None:
            continue
        try:
            probe = subprocess.run(
                [candidate, "-c", "import pmprb.cli"],
                preexec_fn=demote,
                env=env,
                capture_output=True,
                timeout=TIMEOUT,
                check=False,
                cwd="/",
            )
        except OSError:
            continue  # nobody may not run it (under root's home)
        if probe.returncode == 0:
            return [candidate], env, demote
    pytest.skip(f"running as root and no {version} that the user nobody may run imports pmprb")


def test_a_folder_without_permission_is_reported_for_real(shared_tmp: Path) -> None:
    # Real permissions: as root (who may read any folder) the command runs as the
    # unprivileged user nobody; as any other user, as that user.
    _good, locked = _two_units(shared_tmp)
    locked.chmod(0o700 if os.geteuid() == 0 else 0o000)
    python: list[str] = [sys.executable]
    env = {**os.environ, "PMPRB_LANG": "en"}
    demote = None
    if os.geteuid() == 0:
        python, env, demote = _as_nobody()
    code = "import sys; from pmprb.cli import main; sys.argv[0] = 'pmprb'; main()"
    for command, exit_code in (("batch", 1), ("validate", 2)):
        done = subprocess.run(
            [*python, "-c", code, command, str(shared_tmp)],
            preexec_fn=demote,
            env=env,
            capture_output=True,
            text=True,
            timeout=TIMEOUT,
            check=False,
            cwd=shared_tmp,
        )
        assert done.returncode == exit_code, done.stderr
        assert f"{locked}: [error] unreadable: cannot read this folder: Permission denied" in (
            done.stderr + done.stdout
        )


def _deep(base: Path, name: str, depth: int) -> Path:
    """base/name/name/... `depth` folders deep (made through descriptors, so paths longer
    than the system allows can be made); returns the deepest folder's path."""
    fd = os.open(base, os.O_RDONLY)
    try:
        for _ in range(depth):
            os.mkdir(name, dir_fd=fd)
            inner = os.open(name, os.O_RDONLY, dir_fd=fd)
            os.close(fd)
            fd = inner
        source = (CITY / "dinkes.yaml").read_bytes()
        # its shared file named by absolute path: none sits down there
        shared = str(CITY / "bersama.yaml").encode()
        source = source.replace(b"common: bersama.yaml", b"common: " + shared)
        out = os.open("deep.yaml", os.O_WRONLY | os.O_CREAT, 0o644, dir_fd=fd)
        os.write(out, source)
        os.close(out)
    finally:
        os.close(fd)
    return base.joinpath(*[name] * depth)


def test_a_path_longer_than_the_system_allows_is_reported(
    runner: CliRunner, tmp_path: Path
) -> None:
    copy_example(CITY / "bappeda.yaml", tmp_path / "a.yaml")
    deepest = _deep(tmp_path, "d" * 200, 25)  # over 5,000 characters: PATH_MAX is 4096
    assert len(str(deepest)) > 4096
    result = batch(runner, str(tmp_path), "-f", "json")
    assert result.exit_code == 1
    assert "[error] unreadable: cannot read this folder: File name too long" in result.stderr
    assert json.loads(result.stdout)["scored"] == 1
    assert runner.invoke(app, ["validate", str(tmp_path)]).exit_code == 2


# --- 16: deep trees are walked without recursion -----------------------------------------


def _undeep(base: Path, name: str, depth: int) -> None:
    """Remove what _deep made, bottom up and without recursion (shutil.rmtree recurses)."""
    fd = os.open(base, os.O_RDONLY)
    for _ in range(depth):
        inner = os.open(name, os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = inner
    os.unlink("deep.yaml", dir_fd=fd)
    for _ in range(depth):
        parent = os.open("..", os.O_RDONLY, dir_fd=fd)
        os.close(fd)
        fd = parent
        os.rmdir(name, dir_fd=fd)
    os.close(fd)


def test_a_tree_a_thousand_folders_deep_is_walked(runner: CliRunner, tmp_path: Path) -> None:
    copy_example(CITY / "bappeda.yaml", tmp_path / "a.yaml")
    deepest = _deep(tmp_path, "d", 1000)
    try:
        found, unread = answer_files([tmp_path])
        shared = tmp_path / "bersama.yaml"  # a.yaml's shared file: set aside by batch
        assert [p for p, _shown in found] == [tmp_path / "a.yaml", shared, deepest / "deep.yaml"]
        assert unread == []
        result = batch(runner, str(tmp_path), "-f", "json")
        assert result.exit_code == 0, result.stderr
        assert json.loads(result.stdout)["scored"] == 2
    finally:
        _undeep(tmp_path, "d", 1000)


# --- 20: stale temporaries of a target are removed by its next write ---------------------


def _dead_pid() -> int:
    child = subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert child.returncode == 0
    done = subprocess.Popen([sys.executable, "-c", "pass"])
    done.wait()
    return done.pid


def _age(path: Path, seconds: float) -> None:
    then = time.time() - seconds
    os.utime(path, (then, then))


def test_a_later_write_removes_its_own_stale_temporaries(tmp_path: Path) -> None:
    dead, alive = _dead_pid(), os.getpid()
    target = tmp_path / "rekap.json"
    made = {
        "dead_old": (f".rekap.json.pmprb-tmp-{dead}-0123456789ab", 120),
        "dead_fresh": (f".rekap.json.pmprb-tmp-{dead}-0123456789ac", 0),
        "alive_old": (f".rekap.json.pmprb-tmp-{alive}-0123456789ad", 120),
        "alive_ancient": (f".rekap.json.pmprb-tmp-{alive}-0123456789ae", 7200),
        "other_target": (f".other.json.pmprb-tmp-{dead}-0123456789af", 7200),
        "not_ours": (".rekap.json.pmprb-tmp-backup", 7200),
    }
    for name, seconds in made.values():
        (tmp_path / name).write_text("half", encoding="utf-8")
        _age(tmp_path / name, seconds)
    write_atomic(target, "whole")
    assert target.read_text(encoding="utf-8") == "whole"
    left = {p.name for p in tmp_path.iterdir()}
    kept = {k for k, (name, _s) in made.items() if name in left}
    # dead writer and over a minute old, or over an hour old: removed; the rest is kept
    assert kept == {"dead_fresh", "alive_old", "other_target", "not_ours"}


KILLED = """
import os, sys
from pathlib import Path
from pmprb.base.files import write_atomic

os.replace = lambda *args: os._exit(9)  # killed after the write, before the rename
write_atomic(Path(sys.argv[1]), "half")
"""


def test_a_write_killed_before_its_rename_is_cleaned_up_later(tmp_path: Path) -> None:
    target = tmp_path / "rekap.csv"
    target.write_text("old", encoding="utf-8")
    killed = subprocess.run(
        [sys.executable, "-c", KILLED, str(target)], timeout=TIMEOUT, check=False
    )
    assert killed.returncode == 9
    (left,) = [p for p in tmp_path.iterdir() if p != target]
    assert left.name.startswith(".rekap.csv.pmprb-tmp-")  # recognisable
    assert target.read_text(encoding="utf-8") == "old"  # and the target untouched
    _age(left, 120)
    write_atomic(target, "new")
    assert [p.name for p in tmp_path.iterdir()] == ["rekap.csv"]
    assert target.read_text(encoding="utf-8") == "new"


def test_a_cache_entry_write_removes_stale_temporaries_too(
    runner: CliRunner, tmp_path: Path
) -> None:
    folder = city(tmp_path, 1)
    store = tmp_path / "cache"
    cached(runner, folder, store)
    (target,) = entries(store)
    stale = target.parent / f".{target.name}.pmprb-tmp-{_dead_pid()}-0123456789ab"
    stale.write_text("{", encoding="utf-8")
    _age(stale, 120)
    target.unlink()  # scored again, so written again
    cached(runner, folder, store)
    assert sorted(p.name for p in target.parent.iterdir()) == [target.name]
