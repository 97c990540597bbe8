"""Batch scoring: many answer files in, one compact summary per unit, a city's rekap out.

Each file is read, validated and scored on its own (in worker processes with --jobs) and
boiled down to a UnitSummary of a few hundred bytes; the parsed document and the result
tree are dropped at once, so memory stays flat however many files there are. A file that
cannot be scored becomes a Failure with its problems and never stops the others. The
aggregation (ranking, distribution, profile, weak areas) is pure and deterministic.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import multiprocessing
import os
import re
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field, replace
from decimal import Decimal
from fractions import Fraction
from functools import cache
from math import gcd
from multiprocessing.connection import Connection
from multiprocessing.connection import wait as wait_for
from pathlib import Path
from typing import Any, NamedTuple

from pmprb import __version__
from pmprb.analysis.engine import Result, round_half_up, score, weak_areas
from pmprb.analysis.review import Basis, on_basis, reviewed_count
from pmprb.base.errors import Problem, ProblemsError
from pmprb.base.escape import path as display_path
from pmprb.base.files import answer_files
from pmprb.base.i18n import _, set_language
from pmprb.base.limits import current as current_limits
from pmprb.base.limits import worker_deadline
from pmprb.inputs.cache import EntryStore, load_key
from pmprb.inputs.loader import Pending
from pmprb.inputs.source import content_key, open_source, read_content, read_source
from pmprb.model.assessment import Assessment, validate_source
from pmprb.model.common import Memo, Use, apply_to, is_common_file, resolve, with_use
from pmprb.model.load import load_rules
from pmprb.model.rules import LoadedRules

Ratio = tuple[int, int]  # an exact share in [0, 1] as (numerator, denominator), reduced


class DetailRow(NamedTuple):
    """One question of one unit, ready for a long table (numbers rounded as in JSON)."""

    question: str
    indicator: str
    answer: str | None
    value: float | None
    points: float | None
    max: float
    evidence: str
    note: str
    shared: bool = False  # the answer came from the shared-values file (pmprb.model.common)


@dataclass(frozen=True, slots=True)
class UnitSummary:
    """What the rekap needs from one scored file: small, picklable, cacheable."""

    path: str
    name: str
    code: str
    instansi: str
    year: int
    rules_ref: str  # how the rule set was named (a bundled id or a path)
    rules_digest: str  # LoadedRules.digest: the rule set file and, for an overlay, its bases
    index: Decimal
    category: str | None
    predicate: str | None
    published: bool  # some points come from the file's published `scores`
    questions: int
    answered: int
    components: tuple[Ratio | None, ...]  # attainment, aligned with Layout.components
    areas: tuple[Ratio | None, ...]  # attainment, aligned with Layout.areas; None: unknown
    weak: tuple[str, ...]  # area ids, weakest first (engine.weak_areas)
    warnings: tuple[Problem, ...] = ()
    detail: tuple[DetailRow, ...] = ()
    # --basis review/both (issue 12): answers with a review value; with both, the summary
    # of the review basis beside this one (the unit's)
    reviewed: int = 0
    review: UnitSummary | None = None
    # the shared-values file applied (display path), how it was named (the `common:` text
    # or the --common path) and its sha256 for the cache, and the ids answered from it
    common: str | None = None
    common_ref: str | None = None
    common_digest: str | None = None
    shared: tuple[str, ...] = ()

    @property
    def unanswered(self) -> int:
        """Questions that count but have no answer."""
        return self.questions - self.answered


@dataclass(frozen=True, slots=True)
class Failure:
    """A file that could not be scored, with every problem found in it."""

    path: str
    problems: tuple[Problem, ...]
    internal: bool = False  # pmprb itself failed on the file (a bug or a crashed worker)


@dataclass(frozen=True, slots=True)
class SharedFile:
    """A shared-values file met among the answer files: no unit, set aside (pmprb.model.common)."""

    path: str


Outcome = UnitSummary | Failure | SharedFile


@dataclass(frozen=True, slots=True)
class Layout:
    """The columns of a rule set's rekap: components (two levels) and areas, in tree order."""

    components: tuple[tuple[str, str, int], ...]  # id, name, depth (1: top level)
    areas: tuple[tuple[str, str], ...]  # id, name
    categories: tuple[tuple[str, str], ...]  # id, name, highest first


_LAYOUTS: dict[tuple[str, str], Layout] = {}


def layout(rules: LoadedRules) -> Layout:
    """The rekap columns of a rule set (computed once per rule set file)."""
    key = (rules.path, rules.digest)
    found = _LAYOUTS.get(key)
    if found is None:
        found = _LAYOUTS[key] = _layout_of(rules)
    return found


def _layout_of(rules: LoadedRules) -> Layout:
    rs = rules.rules
    components: list[tuple[str, str, int]] = []
    for top in rs.tree:
        components.append((top.id, top.name, 1))
        components.extend((c.id, c.name, 2) for c in top.children or ())
    categories = [(b.id, b.name) for b in reversed(rs.bands)]
    categories += [(p.id, p.name) for p in rs.predicates if p.id not in dict(categories)]
    return Layout(tuple(components), tuple((a.id, a.name) for a in rs.areas), tuple(categories))


def _ratio(points: Fraction, maximum: Fraction) -> Ratio | None:
    if not maximum:
        return None
    share = points / maximum
    return (share.numerator, share.denominator)


def _round(value: Fraction) -> float:
    return float(round_half_up(value, 4))


def summarise(
    result: Result, rules_ref: str, detail: bool = False, use: Use | None = None
) -> UnitSummary:
    """Boil a result down to what the rekap and the exports need (`use`: the shared file
    applied, pmprb.model.common)."""
    a = result.assessment
    taken = frozenset(a.shared)
    components: list[Ratio | None] = []
    for top in result.root.children:
        components.append(_ratio(top.points, top.maximum) if top.known else None)
        components.extend(_ratio(c.points, c.maximum) if c.known else None for c in top.children)
    named = result.category
    rows: list[DetailRow] = []
    published = False
    for node in result.root.walk():
        published = published or node.published
        if not detail:
            continue
        for item in node.items:
            given = item.answer
            if given is None and not item.known:
                continue  # under a published score and not answered: nothing to show
            rows.append(
                DetailRow(
                    item.id,
                    node.id,
                    given.display if given else None,
                    _round(given.value) if given else None,
                    _round(item.points) if item.known else None,
                    _round(item.maximum),
                    "; ".join(given.evidence) if given else "",
                    given.note if given else "",
                    item.id in taken,
                )
            )
    return UnitSummary(
        path=a.path,
        name=a.unit.name,
        code=a.unit.code,
        instansi=a.unit.instansi,
        year=a.year,
        rules_ref=rules_ref,
        rules_digest=result.rules.digest,
        index=result.index,
        category=named[0] if named else None,
        predicate=named[1] if named else None,
        published=published,
        questions=result.questions,
        answered=result.answered,
        components=tuple(components),
        areas=tuple(_ratio(ar.points, ar.maximum) if ar.known else None for ar in result.areas),
        weak=tuple(w.id for w in weak_areas(result)),
        warnings=a.warnings,
        detail=tuple(rows),
        common=a.common,
        common_ref=use.ref if use is not None else None,
        common_digest=use.digest if use is not None else None,
        shared=a.shared,
    )


# --- the cache -------------------------------------------------------------------------

CACHE_FORMAT = "pmprb-batch-cache/3"


@cache
def _code_digest() -> str:
    """A digest of pmprb's own code and catalogues: a changed pmprb never trusts old entries."""
    root = Path(__file__).resolve().parent.parent  # the pmprb package
    h = hashlib.sha256(__version__.encode())
    for path in sorted(root.rglob("*")):
        if path.suffix in (".py", ".mo") and path.is_file():
            h.update(path.relative_to(root).as_posix().encode() + b"\0")
            h.update(path.read_bytes())
    return h.hexdigest()


class Cache:
    """Per-file results keyed by content, options and pmprb's code; each entry checked on read.

    An entry is trusted only when its MAC under the user's cache key matches (pmprb.cache:
    what the cache trusts, and how links and odd files inside it are never followed), it
    names this format and its own key, its rule set (and its bases) still has the recorded
    digest, and every field has the right type and shape. Anything else is a miss: the file
    is scored again and the entry rewritten.
    """

    def __init__(self, root: Path, salt: str, secret: bytes | None = None) -> None:
        self.root = root
        self.salt = salt
        self.store = EntryStore(root, load_key(root) if secret is None else secret, CACHE_FORMAT)

    def key(self, text: str) -> str:
        """The entry key of a file's text under this run's options."""
        h = hashlib.sha256(self.salt.encode())
        h.update(b"\0")
        h.update(text.encode("utf-8", "surrogatepass"))
        return h.hexdigest()

    def get(self, key: str, display: str, check: SharedCheck | None = None) -> UnitSummary | None:
        """The cached summary for a key, or None when missing or not to be trusted
        (`check` says whether the shared file an entry used still has its digest)."""
        raw = self.store.read(key)
        if raw is None:
            return None
        try:
            return _decode(raw, display, check)
        except (ValueError, TypeError, KeyError, ProblemsError, RecursionError):
            return None

    def put(self, key: str, summary: UnitSummary) -> None:
        """Store a summary; a failed write only costs a re-score next time."""
        try:
            self.store.write(key, _encode(summary))
        except OSError:
            return


def _encode(s: UnitSummary) -> dict[str, Any]:
    return {
        "name": s.name,
        "code": s.code,
        "instansi": s.instansi,
        "year": s.year,
        "rules_ref": s.rules_ref,
        "rules_digest": s.rules_digest,
        "index": str(s.index),
        "category": s.category,
        "predicate": s.predicate,
        "published": s.published,
        "questions": s.questions,
        "answered": s.answered,
        "components": [list(r) if r else None for r in s.components],
        "areas": [list(r) if r else None for r in s.areas],
        "weak": list(s.weak),
        "warnings": [[p.line, p.col, p.code, p.message, p.level] for p in s.warnings],
        "detail": [list(r) for r in s.detail],
        "reviewed": s.reviewed,
        "review": _encode(s.review) if s.review is not None else None,
        "common": s.common,
        "common_ref": s.common_ref,
        "common_digest": s.common_digest,
        "shared": list(s.shared),
    }


_INDEX = re.compile(r"^\d{1,6}(\.\d{1,6})?$")


def _str(value: Any) -> str:
    if not isinstance(value, str):
        raise TypeError("expected text")
    return value


def _opt_str(value: Any) -> str | None:
    return None if value is None else _str(value)


def _int(value: Any) -> int:
    if not isinstance(value, int) or isinstance(value, bool):
        raise TypeError("expected an integer")
    return value


def _opt_int(value: Any) -> int | None:
    return None if value is None else _int(value)


def _num(value: Any) -> float | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError("expected a number")
    return float(value)


def _share(value: Any) -> Ratio | None:
    if value is None:
        return None
    if not isinstance(value, list) or len(value) != 2:
        raise TypeError("expected [numerator, denominator]")
    n, d = _int(value[0]), _int(value[1])
    if not (d > 0 and 0 <= n <= d and gcd(n, d) == 1):
        raise ValueError("not a reduced share in [0, 1]")
    return (n, d)


def _list(value: Any) -> list[Any]:
    if not isinstance(value, list):
        raise TypeError("expected a list")
    return value


SharedCheck = Callable[[str, str], str | None]  # (ref, digest) -> display path, or None


def _decode(raw: Any, display: str, check: SharedCheck | None = None) -> UnitSummary | None:
    """Rebuild a summary from a cache entry, checking every field; None if not trusted.

    An entry made with a shared file is trusted only while that file (found again from
    the reference it recorded) has the digest recorded: a changed shared file rescores."""
    if not isinstance(raw, dict):
        return None
    common_ref, common_digest = _opt_str(raw["common_ref"]), _opt_str(raw["common_digest"])
    common = None
    if common_ref is not None:
        if check is None or common_digest is None:
            return None
        common = check(common_ref, common_digest)
        if common is None:
            return None
    shared = tuple(_str(q) for q in _list(raw["shared"]))
    rules_ref = _str(raw["rules_ref"])
    loaded = load_rules(rules_ref)
    if loaded.digest != _str(raw["rules_digest"]):
        return None  # the rule set changed since: score again
    shape = layout(loaded)
    index = _str(raw["index"])
    if not _INDEX.match(index):
        return None
    components = tuple(_share(v) for v in _list(raw["components"]))
    areas = tuple(_share(v) for v in _list(raw["areas"]))
    if len(components) != len(shape.components) or len(areas) != len(shape.areas):
        return None
    area_ids = {a for a, _name in shape.areas}
    weak = tuple(_str(w) for w in _list(raw["weak"]))
    if not set(weak) <= area_ids:
        return None
    warnings = []
    for w in _list(raw["warnings"]):
        line, col, code, message, level = _list(w)
        if level not in ("error", "warning"):
            return None
        warnings.append(
            Problem(display, _opt_int(line), _opt_int(col), _str(code), _str(message), level)
        )
    detail = []
    for row in _list(raw["detail"]):
        q, ind, answer, value, points, maximum, evidence, note, taken = _list(row)
        if not isinstance(taken, bool):
            return None
        top = _num(maximum)
        if top is None:
            return None
        detail.append(
            DetailRow(
                _str(q),
                _str(ind),
                _opt_str(answer),
                _num(value),
                _num(points),
                top,
                _str(evidence),
                _str(note),
                taken,
            )
        )
    questions, answered = _int(raw["questions"]), _int(raw["answered"])
    if not 0 <= answered <= questions:
        return None
    published = raw["published"]
    if not isinstance(published, bool):
        return None
    reviewed = _int(raw["reviewed"])
    review = _decode(raw["review"], display, check) if raw["review"] is not None else None
    if raw["review"] is not None and review is None:
        return None
    return UnitSummary(
        path=display,
        name=_str(raw["name"]),
        code=_str(raw["code"]),
        instansi=_str(raw["instansi"]),
        year=_int(raw["year"]),
        rules_ref=rules_ref,
        rules_digest=loaded.digest,
        index=Decimal(index),
        category=_opt_str(raw["category"]),
        predicate=_opt_str(raw["predicate"]),
        published=published,
        questions=questions,
        answered=answered,
        components=components,
        areas=areas,
        weak=weak,
        warnings=tuple(warnings),
        detail=tuple(detail),
        reviewed=reviewed,
        review=review,
        common=common,
        common_ref=common_ref,
        common_digest=common_digest,
        shared=shared,
    )


# --- scoring one file --------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Options:
    """What every worker needs to score a file the same way."""

    rules: str | None = None  # --rules: a bundled id or a path, for every file
    detail: bool = False  # keep per-question rows
    cache_dir: str | None = None
    language: str = "en"
    cwd: str = field(default_factory=os.getcwd)
    basis: str = "unit"  # unit, review or both (review.Basis)
    common: str | None = None  # --common: the shared-values file for every file


def prepare_cache(root: Path) -> None:
    """Create the cache folder, make (or check) the user's cache key, and prove the folder
    takes entries: a read-only one would otherwise cache nothing without a word. Raises
    OSError."""
    if not {os.open, os.stat, os.mkdir, os.unlink, os.rename} <= os.supports_dir_fd:
        message = _("the cache needs a system that opens files relative to a folder (POSIX)")
        raise OSError(errno.ENOSYS, message)
    root.mkdir(parents=True, exist_ok=True)
    secret = load_key(root)
    EntryStore(root, secret, CACHE_FORMAT).probe()


def cache_for(options: Options) -> Cache | None:
    """The cache of a run, its key salted with everything the summary depends on."""
    if options.cache_dir is None:
        return None
    override = load_rules(options.rules).digest if options.rules is not None else ""
    salt = "\0".join(
        (
            CACHE_FORMAT,
            _code_digest(),
            options.language,
            options.rules or "",
            override,
            "detail" if options.detail else "summary",
            options.basis,
            # with --common, every entry is of that file (its digest is checked on read)
            options.common or "",
            # a file within the limits of one run may not be within another's
            repr(current_limits()),
        )
    )
    return Cache(Path(options.cache_dir), salt)


def _checker(path: Path, options: Options, memo: Memo) -> SharedCheck:
    """How a cache entry's shared file is checked: found again from its reference (the
    --common path, or `common:` relative to this answer file), with the same digest."""
    flag = options.common

    def check(ref: str, digest: str) -> str | None:
        if flag is not None and ref != flag:
            return None
        found = Path(flag) if flag is not None else resolve(path, ref)
        shown = display_path(found)
        try:
            shared = memo.get(found, shown)
        except ProblemsError:
            return None
        return shown if shared.digest == digest else None

    return check


def score_file(
    path: Path, display: str, options: Options, store: Cache | None, memo: Memo | None = None
) -> Outcome:
    """Read, validate and score one file into a summary, or a Failure with its problems;
    a shared-values file is set aside (SharedFile)."""
    memo = memo if memo is not None else Memo()
    try:
        content = read_content(path, display)
        key = store.key(content_key(content)) if store is not None else ""
        if store is not None:
            hit = store.get(key, display, _checker(path, options, memo))
            if hit is not None:
                return hit
        source = open_source(display, content)
        if is_common_file(source.data):
            return SharedFile(display)
        flag = Path(options.common) if options.common is not None else None
        source, use = apply_to(source, path, flag, memo)
        assessment = with_use(validate_source(source, options.rules), use)
        named = source.data.get("rules") if options.rules is None else options.rules
        summary = _summary_on_basis(assessment, str(named), options, use)
        if store is not None:
            store.put(key, summary)
        return summary
    except ProblemsError as exc:
        return Failure(display, tuple(exc.problems))
    except Exception as exc:
        # A bug in pmprb must not cost the whole batch its other files: it becomes this
        # file's problem (marked internal, so the run exits 2) with the exception named.
        message = _("pmprb failed on this file (please report it): {what}").format(
            what=f"{type(exc).__name__}: {exc}"
        )
        return Failure(display, (Problem(display, None, None, "internal_error", message),), True)


def _summary_on_basis(
    assessment: Assessment, named: str, options: Options, use: Use | None = None
) -> UnitSummary:
    """The summary of the basis asked for; with both, the review's rides on the unit's."""
    if options.basis == Basis.unit:
        return summarise(score(assessment), named, options.detail, use)
    reviewed = reviewed_count(assessment)
    on_review = summarise(score(on_basis(assessment, Basis.review)), named, options.detail, use)
    on_review = replace(on_review, reviewed=reviewed)
    if options.basis == Basis.review:
        return on_review
    own = summarise(score(assessment), named, options.detail, use)
    return replace(own, reviewed=reviewed, review=on_review)


Task = tuple[int, str, str]  # position, path, display

_worker: tuple[Options, Cache | None, Memo] | None = None


# Scoring a file allocates thousands of short-lived objects that reference counting frees;
# with Python's default gen-0 threshold (700) the cyclic collector still runs about six
# times per file, each time walking the file's freshly parsed data: measured at 1.1-1.5 ms
# of a ~9 ms file. A larger threshold keeps the collector, only runs it far less often.
GC_THRESHOLD = 50_000


def _raise_gc_threshold() -> tuple[int, int, int]:
    """Apply GC_THRESHOLD to generation 0; returns the thresholds it replaced."""
    old = gc.get_threshold()
    gc.set_threshold(max(old[0], GC_THRESHOLD), old[1], old[2])
    return old


@contextmanager
def _fewer_collections() -> Iterator[None]:
    old = _raise_gc_threshold()
    try:
        yield
    finally:
        gc.set_threshold(*old)


def _init_worker(options: Options, parent: int) -> None:
    """Set a worker up like the parent: tied to its life, language, directory, rule set."""
    global _worker
    _follow_parent(parent)
    # Ctrl-C reaches every process of the terminal's group: it is the parent's to handle
    # (it ends the workers), not a traceback per worker.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _raise_gc_threshold()  # for the worker's whole life
    set_language(options.language)
    os.chdir(options.cwd)
    store = cache_for(options)
    if options.rules is not None:
        load_rules(options.rules)
    _worker = (options, store, Memo())


PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 0.5  # how often the fallback watchdog checks that the parent is alive


def _follow_parent(parent: int) -> None:
    """End this worker when the main process ends, however it ends (kill -9 included).

    On Linux the kernel sends the worker SIGKILL as soon as its parent goes (prctl
    PR_SET_PDEATHSIG; it follows the thread that started the worker: run() starts them
    from the calling thread, which outlives them). Everywhere, and as a fallback, a daemon
    thread checks twice a second that `parent` is still this process's parent.
    """
    if sys.platform.startswith("linux"):
        try:
            import ctypes

            libc = ctypes.CDLL(None, use_errno=True)
            libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            pass  # no prctl: the watchdog below still does it
    if os.getppid() != parent:
        os._exit(1)  # the parent ended before the death signal was set

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(WATCH_SECONDS)
        os._exit(1)

    with suppress(RuntimeError):  # no thread to spare: on Linux the death signal does it
        threading.Thread(target=watch, name="pmprb-parent-watch", daemon=True).start()


def _run_chunk(tasks: list[Task]) -> list[tuple[int, Outcome]]:
    """Score a chunk of files in a worker."""
    assert _worker is not None
    options, store, memo = _worker
    return [(i, score_file(Path(p), d, options, store, memo)) for i, p, d in tasks]


def _worker_main(conn: Connection, options: Options, parent: int) -> None:
    """A worker's life: chunks in, outcomes out, until the parent closes its end."""
    _init_worker(options, parent)
    while True:
        try:
            tasks = conn.recv()
        except (EOFError, OSError):
            return
        if tasks is None:
            return
        conn.send(_run_chunk(tasks))


# --- running a batch -------------------------------------------------------------------

Progress = Callable[[int], None]
Done = Callable[[list[tuple[int, Outcome]]], None]


class PoolError(Exception):
    """The worker processes could not be started (the system refused: too many processes,
    no memory, no file descriptors). Every worker that had started is ended first."""


def max_jobs() -> int:
    """The most worker processes a batch may ask for: four per CPU."""
    return 4 * (os.cpu_count() or 1)


def _context() -> Any:
    # fork where it is safe and cheap (Linux): workers start in milliseconds and inherit
    # the loaded rule set; elsewhere the platform's default (spawn) re-imports pmprb.
    if sys.platform.startswith("linux"):
        return multiprocessing.get_context("fork")
    return multiprocessing.get_context()


def run(
    files: Sequence[tuple[Path, str]],
    options: Options,
    jobs: int = 1,
    progress: Progress | None = None,
) -> list[Outcome]:
    """Score every file; outcomes come back in the order of `files`, whatever `jobs` is.

    Raises PoolError when the worker processes cannot be started.
    """
    tick = progress or (lambda n: None)
    if jobs <= 1 or len(files) < 2:
        store = cache_for(options)
        memo = Memo()  # each shared file read once per run
        out: list[Outcome] = []
        with _fewer_collections():
            for path, display in files:
                out.append(score_file(path, display, options, store, memo))
                tick(1)
        return out
    tasks = [(i, str(p), d) for i, (p, d) in enumerate(files)]
    results: dict[int, Outcome] = {}

    def done(batch: list[tuple[int, Outcome]]) -> None:
        for i, outcome in batch:
            results[i] = outcome
        tick(len(batch))

    # Small chunks keep the workers evenly loaded; big enough to amortise the round trip.
    size = max(1, min(64, len(tasks) // (jobs * 8)))
    queue = deque(_Chunk(tasks[i : i + size]) for i in range(0, len(tasks), size))
    _drain(queue, options, min(jobs, len(queue)), done)
    return [results[i] for i in range(len(tasks))]


@dataclass(slots=True)
class _Chunk:
    """Files sent to a worker together. A retry holds one file: the chunk it was in was
    lost with its worker ("lost") or ran past the deadline ("timeout"), as told by `how`."""

    tasks: list[Task]
    retry: str = ""
    how: str = ""


@dataclass(slots=True)
class _Worker:
    """One worker process, its end of the pipe, and the chunk it is scoring since when."""

    process: Any
    conn: Connection
    chunk: _Chunk | None = None
    since: float = 0.0


def _start(ctx: Any, options: Options) -> _Worker:
    ours, theirs = ctx.Pipe()
    process = ctx.Process(
        target=_worker_main, args=(theirs, options, os.getpid()), name="pmprb-worker"
    )
    try:
        process.start()
    finally:
        theirs.close()
    return _Worker(process, ours)


def _end(worker: _Worker) -> None:
    """End a worker now (SIGKILL also ends a stopped one) and reap it."""
    worker.conn.close()
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join(5)


def _ending(process: Any) -> str:
    """How a worker process ended, for a message: a signal name or an exit status."""
    code = process.exitcode
    if code is not None and code < 0:
        try:
            return signal.Signals(-code).name
        except ValueError:
            return f"signal {-code}"
    return _("exit status {code}").format(code=code)


def _drain(queue: deque[_Chunk], options: Options, jobs: int, done: Done) -> None:
    """Run the chunks on `jobs` workers, each sent one chunk at a time.

    A worker that dies (killed from outside, out of memory, a crash in C code) or does not
    finish its chunk within the deadline (stopped, hung) is ended and replaced; the files
    of its chunk run again one by one, each with a warning that says so. A file whose own
    retry fails too becomes its worker_crash or worker_timeout problem.
    """
    ctx = _context()
    limit = worker_deadline()
    pool: list[_Worker] = []
    try:
        try:
            for _n in range(jobs):
                pool.append(_start(ctx, options))
        except (OSError, RuntimeError) as exc:
            raise PoolError(
                _("cannot start {n} worker processes: {why}").format(n=jobs, why=_reason(exc))
            ) from None
        while queue or any(w.chunk for w in pool):
            for w in pool:
                if w.chunk is None and queue:
                    w.chunk, w.since = queue.popleft(), time.monotonic()
                    with suppress(OSError):  # a worker that is gone: its sentinel says so
                        w.conn.send(w.chunk.tasks)
            busy = [w for w in pool if w.chunk is not None]
            left = max(0.0, min(w.since for w in busy) + limit - time.monotonic())
            ready = set(wait_for([x for w in busy for x in (w.conn, w.process.sentinel)], left))
            now = time.monotonic()
            kept: list[_Worker] = []
            for w in pool:
                chunk = w.chunk
                if chunk is not None and w.conn in ready:
                    try:
                        got = w.conn.recv()
                    except (EOFError, OSError):
                        got = None  # it died while answering
                    if got is not None:
                        w.chunk = None
                        done(_retried(chunk, got, limit))
                if w.chunk is None or (w.process.sentinel not in ready and now - w.since < limit):
                    kept.append(w)
                    continue
                timed_out = w.process.sentinel not in ready and now - w.since >= limit
                _end(w)
                kind = "timeout" if timed_out else "lost"
                _failed(w.chunk, kind, _ending(w.process), queue, done)
                with suppress(OSError, RuntimeError):  # or carry on with the others
                    kept.append(_start(ctx, options))
            pool = kept
            if not pool:
                raise PoolError(_("cannot start a worker process to replace one that ended"))
    finally:
        for w in pool:
            w.conn.close()  # an idle worker reads the end of its pipe and leaves
        for w in pool:
            w.process.join(2)
            _end(w)


def _reason(exc: BaseException) -> str:
    return exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)


def _failed(chunk: _Chunk, kind: str, how: str, queue: deque[_Chunk], done: Done) -> None:
    """A chunk lost with its worker: its files again one by one, or, for a file that was
    already alone, its problem."""
    if not chunk.retry:
        queue.extendleft(_Chunk([t], kind, how) for t in reversed(chunk.tasks))
        return
    for i, _path, display in chunk.tasks:
        if kind == "timeout":
            code = "worker_timeout"
            message = _(
                "scoring this file did not finish within {seconds} s "
                "(PMPRB_MAX_CHUNK_SECONDS); its worker was ended"
            ).format(seconds=worker_deadline())
        else:
            code = "worker_crash"
            message = _("the worker scoring this file stopped abruptly (crash or killed)")
        problem = Problem(display, None, None, code, message)
        done([(i, Failure(display, (problem,), True))])


def _retried(
    chunk: _Chunk, got: list[tuple[int, Outcome]], limit: int
) -> list[tuple[int, Outcome]]:
    """A retried file's outcome, with a warning saying why it was scored again."""
    if not chunk.retry:
        return got
    out: list[tuple[int, Outcome]] = []
    for i, outcome in got:
        if isinstance(outcome, SharedFile):
            out.append((i, outcome))
            continue
        if chunk.retry == "timeout":
            message = _(
                "the worker scoring this file with others did not finish within {seconds} s "
                "(stopped or hung; PMPRB_MAX_CHUNK_SECONDS) and was ended; "
                "this file was scored again on its own"
            ).format(seconds=limit)
        else:
            message = _(
                "the worker scoring this file with others ended abruptly ({how}: killed "
                "from outside, e.g. when the system ran out of memory); "
                "this file was scored again on its own"
            ).format(how=chunk.how)
        note = Problem(outcome.path, None, None, "worker_restarted", message, "warning")
        if isinstance(outcome, Failure):
            out.append((i, replace(outcome, problems=(*outcome.problems, note))))
        else:
            out.append((i, replace(outcome, warnings=(*outcome.warnings, note))))
    return out


def discover(
    paths: Iterable[Path],
) -> tuple[list[tuple[Path, str]], list[Problem], list[Failure]]:
    """The answer files under the given paths (files.answer_files); the paths named that do
    not exist at all, as problems (the run cannot go on: exit 2); and the folders found that
    could not be read, as failures of their own (the others are still scored: exit 1).

    Only a path named here is checked for existence: a file found in a folder that
    vanishes before it is read is that file's problem when it is scored."""
    named = list(paths)
    given = set(named)
    found: list[tuple[Path, str]] = []
    missing: list[Problem] = []
    listed, unread = answer_files(named)
    for path, shown in listed:
        if path in given and not os.path.lexists(path):
            message = _("no such file or directory")
            missing.append(Problem(shown, None, None, "not_found", message))
        else:
            found.append((path, shown))
    return found, missing, [Failure(p.path, (p,)) for p in unread]


# --- the rekap ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Stat:
    """Attainment of one component or area across the units of a group (exact)."""

    id: str
    name: str
    depth: int  # 1 or 2 for components; 0 for areas
    units: int  # units where it is known
    mean: Fraction | None
    low: Fraction | None
    high: Fraction | None


@dataclass(frozen=True, slots=True)
class WeakArea:
    """A city-wide weak area: its attainment and how many units have it among their weakest."""

    stat: Stat
    weak_units: int


@dataclass(frozen=True, slots=True)
class Ranked:
    """A unit with its rank (equal indices share a rank; ties are listed by unit code)."""

    rank: int
    unit: UnitSummary


@dataclass(frozen=True, slots=True)
class Group:
    """The rekap of the units scored with one rule set (same digest) for one year."""

    rules: LoadedRules
    year: int
    layout: Layout
    ranking: tuple[Ranked, ...]
    distribution: tuple[tuple[str, str, int], ...]  # category id, name, units
    components: tuple[Stat, ...]
    areas: tuple[Stat, ...]
    weak: tuple[WeakArea, ...]


@dataclass(frozen=True, slots=True)
class Batch:
    """A whole batch: one rekap per (rule set, year), the files not scored, every problem."""

    files: int
    groups: tuple[Group, ...]
    failures: tuple[Failure, ...]
    problems: tuple[Problem, ...]
    shared_files: tuple[str, ...] = ()  # shared-values files met, set aside (not counted)

    @property
    def scored(self) -> int:
        """Units in the rekaps."""
        return sum(len(g.ranking) for g in self.groups)

    @property
    def internal(self) -> bool:
        """pmprb itself failed on some file."""
        return any(f.internal for f in self.failures)


WEAK_LIMIT = 3  # city-wide weak areas listed, like engine.weak_areas for one unit


def _stats(values: list[Ratio]) -> tuple[Fraction | None, Fraction | None, Fraction | None]:
    """Exact mean, min and max of shares without building a Fraction per value.

    Shares of one rule set have few distinct denominators: numerators are summed per
    denominator (plain integers), extremes compared by cross-multiplication.
    """
    if not values:
        return None, None, None
    sums: dict[int, int] = {}
    low = high = values[0]
    for n, d in values:
        sums[d] = sums.get(d, 0) + n
        if n * low[1] < low[0] * d:
            low = (n, d)
        if n * high[1] > high[0] * d:
            high = (n, d)
    total = sum((Fraction(n, d) for d, n in sums.items()), Fraction(0))
    return total / len(values), Fraction(*low), Fraction(*high)


def _duplicates(units: list[UnitSummary]) -> tuple[list[UnitSummary], list[Failure]]:
    """Units whose code, rule set and year appear in more than one file: all set aside.

    The rule set counts: a unit's PMPRB file and its Zona Integritas file for one year are
    two assessments. Codes are compared without surrounding spaces.
    """
    by_key: dict[tuple[str, str, int], list[UnitSummary]] = {}
    for u in units:
        by_key.setdefault((u.rules_digest, u.code.strip(), u.year), []).append(u)
    kept: list[UnitSummary] = []
    failures: list[Failure] = []
    for (_digest, code, year), same in by_key.items():
        if len(same) == 1:
            kept.append(same[0])
            continue
        for u in same:
            others = ", ".join(o.path for o in same if o is not u)
            message = _(
                "unit code '{code}' for {year} is also in {others}; "
                "none of these files is in the rekap"
            ).format(code=code, year=year, others=others)
            failures.append(Failure(u.path, (_locate_code(u.path, message),)))
    return kept, failures


def _locate_code(path: str, message: str) -> Problem:
    pending = Pending(("unit", "code"), "duplicate_unit", message)
    try:
        return read_source(Path(path), path).where([pending])[0]
    except ProblemsError:
        return Problem(path, None, None, pending.code, message)


def _group(rules: LoadedRules, year: int, units: list[UnitSummary]) -> Group:
    shape = layout(rules)
    units.sort(key=lambda u: (-u.index, u.code, u.path))
    ranking: list[Ranked] = []
    for pos, u in enumerate(units):
        same = ranking and ranking[-1].unit.index == u.index
        ranking.append(Ranked(ranking[-1].rank if same else pos + 1, u))
    counts: dict[str | None, int] = {}
    for u in units:
        counts[u.category] = counts.get(u.category, 0) + 1
    distribution = [(cid, name, counts.get(cid, 0)) for cid, name in shape.categories]
    if counts.get(None):
        distribution.append(("-", _("no category"), counts[None]))

    def stat(sid: str, name: str, depth: int, values: list[Ratio | None]) -> Stat:
        known = [v for v in values if v is not None]
        mean, low, high = _stats(known)
        return Stat(sid, name, depth, len(known), mean, low, high)

    components = tuple(
        stat(cid, name, depth, [u.components[j] for u in units])
        for j, (cid, name, depth) in enumerate(shape.components)
    )
    areas = tuple(
        stat(aid, name, 0, [u.areas[j] for u in units]) for j, (aid, name) in enumerate(shape.areas)
    )
    known = sorted((a for a in areas if a.mean is not None), key=lambda a: (a.mean, a.id))
    weak = tuple(WeakArea(a, sum(1 for u in units if a.id in u.weak)) for a in known[:WEAK_LIMIT])
    return Group(rules, year, shape, tuple(ranking), tuple(distribution), components, areas, weak)


def aggregate(outcomes: Iterable[Outcome], files: int) -> Batch:
    """The rekap of a batch: duplicates set aside, one group per (rule set, year)."""
    units: list[UnitSummary] = []
    failures: list[Failure] = []
    problems: list[Problem] = []
    shared_files: list[str] = []
    for outcome in outcomes:
        if isinstance(outcome, SharedFile):
            shared_files.append(outcome.path)
        elif isinstance(outcome, Failure):
            failures.append(outcome)
        else:
            units.append(outcome)
            problems.extend(outcome.warnings)
    units, duplicated = _duplicates(units)
    failures.extend(duplicated)
    groups: dict[tuple[str, int], tuple[LoadedRules, list[UnitSummary]]] = {}
    for u in units:
        try:
            rules = load_rules(u.rules_ref)
        except ProblemsError as exc:
            failures.append(Failure(u.path, tuple(replace(p, path=u.path) for p in exc.problems)))
            continue
        if rules.digest != u.rules_digest:
            message = _("the rule set '{ref}' changed during the run; score again").format(
                ref=u.rules_ref
            )
            failures.append(
                Failure(u.path, (Problem(u.path, None, None, "rules_changed", message),))
            )
            continue
        groups.setdefault((rules.digest, u.year), (rules, []))[1].append(u)
    built = [_group(rules, year, members) for (_sha, year), (rules, members) in groups.items()]
    built.sort(key=lambda g: (g.rules.rules.id, g.year, g.rules.digest))
    failures.sort(key=lambda f: f.path)
    for f in failures:
        problems.extend(f.problems)
    return Batch(
        # each once: files that name the same broken rule set share its problems
        files - len(shared_files),
        tuple(built),
        tuple(failures),
        tuple(sorted(set(problems), key=Problem.sort_key)),
        tuple(sorted(shared_files)),
    )


POOL_THRESHOLD = 64  # below this many files, starting workers costs more than it saves


def workers(jobs: int, files: int) -> int:
    """Worker processes for a run: --jobs as given, or with 0 one per CPU for large batches."""
    if jobs > 0:
        return jobs
    return (os.cpu_count() or 1) if files >= POOL_THRESHOLD else 1


# --- self-assessment against review (--basis both) --------------------------------------


@dataclass(frozen=True, slots=True)
class ReviewGap:
    """One unit's own index and category beside the reviewed ones."""

    unit: UnitSummary
    review: UnitSummary

    @property
    def gap(self) -> Decimal:
        """Own index less reviewed index (positive: the self-assessment runs above)."""
        return self.unit.index - self.review.index


@dataclass(frozen=True, slots=True)
class AreaGap:
    """An area's mean gap in attainment (own less reviewed) over the units where both
    are known."""

    id: str
    name: str
    units: int
    mean: Fraction | None


def review_gaps(group: Group) -> tuple[tuple[ReviewGap, ...], tuple[AreaGap, ...]]:
    """Per unit (by rank of its own index) the two indices; per area the mean gap over the
    units with review values, the largest first ("where self-assessment runs furthest
    above review"); a unit nobody reviewed has no gap to average."""
    rows = tuple(
        ReviewGap(r.unit, r.unit.review) for r in group.ranking if r.unit.review is not None
    )
    areas: list[AreaGap] = []
    for i, (aid, name) in enumerate(group.layout.areas):
        gaps = [
            Fraction(*own) - Fraction(*rev)
            for row in rows
            if row.unit.reviewed
            and (own := row.unit.areas[i]) is not None
            and (rev := row.review.areas[i]) is not None
        ]
        mean = sum(gaps, Fraction(0)) / len(gaps) if gaps else None
        areas.append(AreaGap(aid, name, len(gaps), mean))
    areas.sort(key=lambda a: (a.mean is None, -(a.mean or 0), a.id))
    return rows, tuple(areas)
