"""Processes and streams: stdout that cannot take the output, worker processes that are
killed, stopped or hung, workers outliving their parent, --jobs bounds, the machine running
short of memory, and memory per unit of a JSON rekap.

Every test that kills or stops a process runs pmprb in a subprocess with a strict timeout,
so a regression fails the test instead of hanging the suite.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import tracemalloc
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

import pmprb.analysis.batch as core
from pmprb import cli, clihelp
from pmprb.cli import app
from pmprb.report import BatchFormat
from pmprb.report import batch as view

from .conftest import ROOT

CITY = ROOT / "assessments" / "kota-sukamaju-2021"
ONE = CITY / "dinkes.yaml"
PMPRB = [
    sys.executable,
    "-c",
    "import sys; sys.argv[0] = 'pmprb'; from pmprb.cli import main; main()",
]
NO_SPACE = "cannot write the output to stdout: No space left on device"


def pmprb(*args: str, timeout: float = 60, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PMPRB_LANG": "en", **kwargs.pop("env", {})}
    return subprocess.run([*PMPRB, *args], cwd=ROOT, env=env, text=True, timeout=timeout, **kwargs)


def generated(folder: Path, n: int) -> Path:
    from benchmarks.generate import generate

    generate(folder, n, seed=3)
    return folder


# --- stdout that cannot take the output (item 8) ----------------------------------------

# one per command, and each way to stdout: text, a rich table (score, rules list), bytes
COMMANDS = {
    "score-json": ["score", str(ONE), "-f", "json"],
    "score-table": ["score", str(ONE)],
    "batch-json": ["batch", str(CITY), "-f", "json"],
    "batch-xlsx": ["batch", str(CITY), "-f", "xlsx"],
    "validate": ["validate", str(CITY), "-f", "text"],
    "rules-list": ["rules", "list"],
    "rules-check": ["rules", "check", "permenpanrb-26-2020"],
    "rules-diff": ["rules", "diff", "permenpanrb-14-2014", "permenpanrb-26-2020"],
    "guide": ["guide"],
    "schema": ["schema"],
    "help": ["--help"],  # written by typer itself, not through cli.emit
    "command-help": ["validate", "--help"],
}


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_stdout_on_a_full_device_is_one_line_and_exit_2(command: str) -> None:
    with open("/dev/full", "w") as full:
        result = pmprb(*COMMANDS[command], stdout=full, stderr=subprocess.PIPE)
    assert result.returncode == 2, result.stderr
    assert "Traceback" not in result.stderr
    assert result.stderr.count(NO_SPACE) == 1, result.stderr


def test_init_onto_a_full_device_is_exit_2(tmp_path: Path) -> None:
    args = ["init", "--unit", "Dinas", "--code", "1", "--year", "2021", "-o", "/dev/full"]
    result = pmprb(*args, capture_output=True)
    assert result.returncode == 2
    assert "cannot write /dev/full: No space left on device" in result.stderr
    assert "Traceback" not in result.stderr


def test_stdout_on_a_full_disk_is_exit_2() -> None:
    """A redirect into a file on a full file system (a 64 KiB tmpfs; the rekap with
    --detail is ~380 KB): the part that did not fit is said, not lost in silence."""
    folder = Path(tempfile.mkdtemp(prefix="pmprb-full-"))
    mounted = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=64k", "tmpfs", str(folder)],
        capture_output=True,
        text=True,
    )
    if mounted.returncode != 0:
        folder.rmdir()
        pytest.skip(f"cannot mount a small tmpfs here (needs root): {mounted.stderr.strip()}")
    try:
        with open(folder / "out.json", "w") as out:
            result = pmprb(
                "batch", str(CITY), "-f", "json", "--detail", stdout=out, stderr=subprocess.PIPE
            )
        assert result.returncode == 2, result.stderr
        assert result.stderr.count(NO_SPACE) == 1, result.stderr
        assert "Traceback" not in result.stderr
    finally:
        subprocess.run(["umount", str(folder)], check=True)
        folder.rmdir()


def test_a_reader_that_stops_reading_ends_pmprb_quietly() -> None:
    """`pmprb ... | head`: the closed pipe is the reader's choice, not an error to report;
    pmprb stops at once with 141 (128 + SIGPIPE), as a program ended by SIGPIPE does."""
    proc = subprocess.Popen(
        [*PMPRB, "batch", str(CITY), "-f", "json", "--detail"],
        cwd=ROOT,
        env={**os.environ, "PMPRB_LANG": "en"},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    assert proc.stdout is not None
    proc.stdout.read(100)  # the output is ~380 KB: far more than a pipe holds
    proc.stdout.close()
    _out, err = proc.communicate(timeout=60)
    assert proc.returncode == clihelp.PIPE_CLOSED == 141
    assert err == b""


def test_help_to_a_reader_that_stops_reading_is_quiet() -> None:
    proc = subprocess.Popen(
        [*PMPRB, "--help"], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE
    )
    assert proc.stdout is not None
    proc.stdout.close()  # before pmprb writes a byte
    _out, err = proc.communicate(timeout=60)
    # click itself ends a help written to a closed pipe quietly with 1; the help may also
    # fit in the pipe's buffer (0)
    assert proc.returncode in (0, 1, clihelp.PIPE_CLOSED)
    assert err == b""


# --- --jobs bounds and a pool that cannot start (item 14) -------------------------------


@pytest.mark.parametrize("jobs", ["100000", "99999999999999999999"])
def test_jobs_above_the_bound_is_bad_usage(runner: CliRunner, jobs: str) -> None:
    result = runner.invoke(app, ["batch", str(CITY), "--jobs", jobs])
    assert result.exit_code == 2
    assert f"--jobs is at most {4 * (os.cpu_count() or 1)} (four per CPU), not {jobs}" in (
        result.stderr
    )
    assert result.exception is None or isinstance(result.exception, SystemExit)


def test_jobs_at_the_bound_runs(runner: CliRunner) -> None:
    two = [str(ONE), str(CITY / "bappeda.yaml")]
    result = runner.invoke(app, ["batch", *two, "--jobs", str(core.max_jobs()), "-f", "csv"])
    assert result.exit_code == 0, result.output


CANNOT_FORK = """
import errno, json, multiprocessing, os, sys
from pmprb.cli import main

process = multiprocessing.get_context("fork").Process
real, started = process.start, []

def start(self):
    if started:  # the system refuses the second worker
        raise BlockingIOError(errno.EAGAIN, os.strerror(errno.EAGAIN))
    real(self)
    started.append(self.pid)

process.start = start
sys.argv = ["pmprb", "batch", sys.argv[1], "--jobs", "2", "-f", "json"]
try:
    main()
except SystemExit as exc:
    code = exc.code
alive = [p for p in started if os.path.exists(f"/proc/{p}")]
print(json.dumps({"code": code, "started": len(started), "alive": alive}), file=sys.stderr)
"""


def test_a_pool_that_cannot_start_ends_what_started_and_exits_2() -> None:
    result = subprocess.run(
        [sys.executable, "-c", CANNOT_FORK, str(CITY)],
        cwd=ROOT,
        env={**os.environ, "PMPRB_LANG": "en"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    *said, last = result.stderr.strip().splitlines()
    assert json.loads(last) == {"code": 2, "started": 1, "alive": []}
    assert said == ["cannot start 2 worker processes: Resource temporarily unavailable"]
    assert result.stdout == ""


# --- workers end with their parent (item 9) ---------------------------------------------


def children(pid: int) -> list[int]:
    """The live processes whose parent is `pid` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == pid and fields[0] != "Z":
            found.append(int(entry))
    return found


def alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as fh:
            return fh.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


NO_PRCTL = "import sys, pmprb.analysis.batch as b; b.PR_SET_PDEATHSIG = 0; " + PMPRB[2]


@pytest.mark.parametrize("how", ["death-signal", "watchdog"])
def test_workers_end_when_the_main_process_is_killed(tmp_path: Path, how: str) -> None:
    """kill -9 of `batch --jobs 2`: its workers end within a few seconds. `watchdog`
    disables the Linux death signal (an invalid prctl option), leaving the portable check."""
    if not sys.platform.startswith("linux"):
        pytest.skip("reads /proc")
    folder = generated(tmp_path / "many", 400)  # ~2 s of work for two workers
    argv = [*PMPRB[:2], NO_PRCTL] if how == "watchdog" else PMPRB
    proc = subprocess.Popen(
        [*argv, "batch", str(folder), "--jobs", "2", "-f", "csv"],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    workers: list[int] = []
    try:
        deadline = time.monotonic() + 30
        while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
            workers = children(proc.pid)
            time.sleep(0.01)
        assert len(workers) == 2, "the workers never started"
        proc.kill()
        proc.wait(10)
        deadline = time.monotonic() + 5
        while any(alive(w) for w in workers) and time.monotonic() < deadline:
            time.sleep(0.05)
        assert [w for w in workers if alive(w)] == []
    finally:
        for w in workers:
            if alive(w):
                os.kill(w, signal.SIGKILL)
        if proc.poll() is None:
            proc.kill()
            proc.wait()


# --- killed, stopped and hung workers (items 19 and 21) ---------------------------------

FAULTY = """
import os, signal, sys, time
from pathlib import Path
import pmprb.analysis.batch as core
from pmprb.cli import main

mode, mark, folder = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
real = core.score_file

def score_file(path, display, options, store, *rest):
    if display.endswith("unit-00003.yaml"):
        if mode == "hang":  # every time: this file hangs its worker
            time.sleep(600)
        elif not mark.exists():  # once: something outside stops or kills the worker
            mark.touch()
            os.kill(os.getpid(), signal.SIGSTOP if mode == "stop" else signal.SIGKILL)
    return real(path, display, options, store, *rest)

core.score_file = score_file
# --rules: the rule set is loaded before the workers start, so a fresh worker's first
# file takes milliseconds, far within the short deadline these tests set
sys.argv = ["pmprb", "batch", folder, "--jobs", "2", "-f", "json", "--rules", "permenpanrb-26-2020"]
main()
"""


def faulty(
    tmp_path: Path, mode: str, deadline: str = "120"
) -> tuple[subprocess.CompletedProcess[str], Path]:
    folder = tmp_path / "gen"
    if not folder.exists():
        generated(folder, 48)  # chunks of a few files each
    result = subprocess.run(
        [sys.executable, "-c", FAULTY, mode, str(tmp_path / f"{mode}.mark"), str(folder)],
        cwd=ROOT,
        env={**os.environ, "PMPRB_LANG": "en", "PMPRB_MAX_CHUNK_SECONDS": deadline},
        capture_output=True,
        text=True,
        timeout=60,
    )
    return result, folder


def warned(stderr: str, code: str) -> list[str]:
    return sorted(
        Path(line.split(":")[0]).name for line in stderr.splitlines() if f"] {code}:" in line
    )


def test_a_worker_killed_from_outside_is_said_and_its_files_scored(tmp_path: Path) -> None:
    result, _folder = faulty(tmp_path, "kill")
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    assert data["scored"] == 48
    assert data["not_scored"] == []
    names = warned(result.stderr, "worker_restarted")
    # the files of the lost chunk, each named once: the killed one and its chunk mates
    assert "unit-00003.yaml" in names
    assert len(names) == len(set(names)) < 48
    line = next(x for x in result.stderr.splitlines() if "unit-00003.yaml" in x)
    assert "[warning] worker_restarted: the worker scoring this file with others ended" in line
    assert "(SIGKILL: killed from outside" in line


def test_a_stopped_worker_costs_the_deadline_not_the_batch(tmp_path: Path) -> None:
    start = time.monotonic()
    result, _folder = faulty(tmp_path, "stop", "2")
    assert time.monotonic() - start < 30
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["scored"] == 48
    names = warned(result.stderr, "worker_restarted")
    assert "unit-00003.yaml" in names
    assert len(names) < 48
    assert "did not finish within 2 s (stopped or hung; PMPRB_MAX_CHUNK_SECONDS)" in (result.stderr)


def test_a_file_that_hangs_its_worker_becomes_its_problem(tmp_path: Path) -> None:
    result, folder = faulty(tmp_path, "hang", "2")
    assert result.returncode == 2, result.stderr  # pmprb's own failure, as a crash is
    data = json.loads(result.stdout)
    assert data["scored"] == 47
    assert [f["file"] for f in data["not_scored"]] == [str(folder / "unit-00003.yaml")]
    (problem,) = data["not_scored"][0]["problems"]
    assert problem["code"] == "worker_timeout"
    assert problem["level"] == "error"
    assert "did not finish within 2 s" in problem["message"]
    assert "unit-00003.yaml" not in warned(result.stderr, "worker_restarted")


def test_the_chunk_deadline_is_configurable(monkeypatch: pytest.MonkeyPatch) -> None:
    from pmprb.base.limits import worker_deadline

    monkeypatch.delenv("PMPRB_MAX_CHUNK_SECONDS", raising=False)
    assert worker_deadline() == 120
    monkeypatch.setenv("PMPRB_MAX_CHUNK_SECONDS", "7")
    assert worker_deadline() == 7
    monkeypatch.setenv("PMPRB_MAX_CHUNK_SECONDS", "0")
    assert worker_deadline() == 120  # not a usable deadline: the default
    monkeypatch.setenv("PMPRB_MAX_CHUNK_SECONDS", "9" * 30)
    assert worker_deadline() == 86_400  # a day at most: select() overflows beyond


# --- the machine running short (item 18) ------------------------------------------------


@pytest.mark.parametrize(
    ("error", "line"),
    [
        (MemoryError(), "pmprb: out of memory\n"),
        (
            RuntimeError("can't start new thread"),
            "pmprb: cannot start a thread: can't start new thread\n",
        ),
    ],
)
def test_running_short_is_one_line_and_exit_2(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], error: Exception, line: str
) -> None:
    import pmprb.model.load

    def short(*_args: Any, **_kwargs: Any) -> Any:
        raise error

    monkeypatch.setattr(pmprb.model.load, "load_rules", short)
    monkeypatch.setattr(sys, "argv", ["pmprb", "schema"])
    with pytest.raises(SystemExit) as exc:
        cli.main()
    assert exc.value.code == 2
    assert capsys.readouterr().err == line


def test_a_bug_still_has_its_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import pmprb.model.load

    def bug(*_args: Any, **_kwargs: Any) -> Any:
        raise RuntimeError("a bug")

    monkeypatch.setattr(pmprb.model.load, "load_rules", bug)
    monkeypatch.setattr(sys, "argv", ["pmprb", "schema"])
    with pytest.raises(RuntimeError, match="a bug"):
        cli.main()


# --- memory of a JSON rekap (item 22) ---------------------------------------------------


def many_units(n: int) -> core.Batch:
    """A batch of n units: the example city's six, copied under new codes."""
    files, _missing, _unread = core.discover([CITY])
    units = [
        o for o in core.run(files, core.Options(language="en")) if isinstance(o, core.UnitSummary)
    ]
    copies = [
        replace(u, path=f"{u.path}.{k}", code=f"{u.code}-{k}")
        for k in range(n // len(units))
        for u in units
    ]
    return core.aggregate(copies, len(copies))


def test_a_json_rekap_is_written_without_holding_it(tmp_path: Path) -> None:
    """`batch -f json -o`: writing the rekap of 1,200 units (~1.2 KB of text each) peaks
    at well under 1 MB (a few pieces and the file's buffer); it used to be ~10 KB a unit
    (the record, the encoder's pieces, the text and its bytes, all at once)."""
    batch = many_units(1200)
    out = tmp_path / "rekap.json"
    tracemalloc.start()
    try:
        cli._emit_batch(batch, BatchFormat.json, False, out, [], None)
        _now, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    size = out.stat().st_size
    assert size > 1200 * 1000
    assert peak < 1_000_000, f"{peak / 1200:.0f} bytes a unit"  # before: ~12 MB
    # the same text as the standard library's encoder gives for the whole record
    expected = json.dumps(view.record(batch), ensure_ascii=False, indent=2) + "\n"
    assert out.read_text(encoding="utf-8") == expected


@pytest.mark.parametrize("detail", [False, True])
def test_json_in_pieces_is_the_standard_encoding(detail: bool) -> None:
    for folder in (ROOT / "assessments", ROOT / "tests" / "data"):
        files, _missing, _unread = core.discover([folder])
        outcomes = core.run(files, core.Options(language="en", detail=detail))
        batch = core.aggregate(outcomes, len(files))
        expected = json.dumps(view.record(batch, detail), ensure_ascii=False, indent=2) + "\n"
        pieces = list(view.iter_json(batch, detail))
        assert "".join(pieces) == expected
        assert max(map(len, pieces)) < 64 * 1024 if not detail else True
    empty = core.aggregate([], 0)
    assert (
        view.to_json(empty) == json.dumps(view.record(empty), ensure_ascii=False, indent=2) + "\n"
    )
