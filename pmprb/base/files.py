"""Writing files safely: whole or not at all, never over an input by accident."""

from __future__ import annotations

import contextlib
import errno
import os
import re
import stat
import time
from collections.abc import Iterable
from pathlib import Path

from pmprb.base.errors import Problem
from pmprb.base.escape import path as display_path
from pmprb.base.i18n import _

O_NOFOLLOW: int = getattr(os, "O_NOFOLLOW", 0)
O_NONBLOCK: int = getattr(os, "O_NONBLOCK", 0)
O_CLOEXEC: int = getattr(os, "O_CLOEXEC", 0)
O_DIRECTORY: int = getattr(os, "O_DIRECTORY", 0)
READ_CHUNK = 1 << 20  # a read never asks for more than this at once, whatever the limit


def read_upto(fd: int, limit: int, hint: int = 64 * 1024) -> bytes:
    """At most `limit` bytes from `fd`, read in chunks: memory follows what the file holds,
    never the limit (a limit of 1 TB reads a 2 KB file with 2 KB). `hint`, the size the
    file is expected to have, sizes the first chunk."""
    parts: list[bytes] = []
    total = 0
    size = min(max(hint + 1, 4096), READ_CHUNK)
    while total < limit:
        asked = min(size, limit - total)
        chunk = os.read(fd, asked)
        if not chunk:
            break
        parts.append(chunk)
        total += len(chunk)
        # a full chunk: more may follow, read on in large ones; a short one: end of file
        # expected, so the read that confirms it asks for little
        size = READ_CHUNK if len(chunk) == asked else 4096
    return b"".join(parts)


# --- temporary files ---------------------------------------------------------------------
# A temporary file is named `.NAME.pmprb-tmp-PID-RANDOM` beside its target NAME. A run
# killed between creating it and the rename leaves it behind; the next write of the same
# target removes it when it is stale: its writer (PID) is no longer running on this
# machine and it is over a minute old, or it is over an hour old whatever the PID says
# (the PID may have been reused, or belong to another machine sharing the folder).

TEMP_MARK = ".pmprb-tmp-"
STALE_DEAD_WRITER = 60.0  # seconds: a dead writer's temporary is removed after this
STALE_ANY = 3600.0  # seconds: any temporary of the target is removed after this
_TEMP_TAIL = re.compile(r"([0-9]{1,10})-[0-9a-f]{12}")


def temp_name(name: str) -> str:
    """A fresh temporary name for a file to be renamed to `name` (in the same folder)."""
    import secrets  # only when writing: `secrets` loads `random` and `hmac`

    return f".{name}{TEMP_MARK}{os.getpid()}-{secrets.token_hex(6)}"


def replace_in_folder(folder: int, name: str, data: bytes, mode: int = 0o666) -> None:
    """Write `data` to `name` in the open folder `folder`, whole or not at all, without
    following a link anywhere: a fresh temporary (O_EXCL | O_NOFOLLOW, `mode` before the
    umask) then a rename, which replaces whatever is at `name` (a link too) instead of
    writing through it. The target's stale temporaries go first; on any failure the new
    temporary is removed and the error raised. No fsync: callers check what they read."""
    remove_stale_temps(Path(), name, dir_fd=folder)
    tmp = temp_name(name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_CLOEXEC
    fd = os.open(tmp, flags, mode, dir_fd=folder)
    try:
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(fd, view) :]
        finally:
            os.close(fd)
        os.replace(tmp, name, src_dir_fd=folder, dst_dir_fd=folder)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp, dir_fd=folder)
        raise


def _running(pid: int) -> bool:
    """Whether a process with this id runs on this machine (a process of another user
    counts)."""
    if pid <= 0:
        return False
    if os.name == "nt":
        return True  # os.kill would end the process there: only the age rule applies
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (OSError, OverflowError):
        return True  # EPERM: it exists, it is someone else's; anything else: assume so
    return True


def remove_stale_temps(folder: Path, name: str, dir_fd: int | None = None) -> int:
    """Remove the stale temporary files of target `name` in `folder` (or the open folder
    `dir_fd`), by the rule above; returns how many. Never fails: a temporary that cannot be
    removed is left."""
    prefix = f".{name}{TEMP_MARK}"
    try:
        names = os.listdir(dir_fd if dir_fd is not None else folder)
    except OSError:
        return 0
    now = time.time()
    removed = 0
    for entry in names:
        if not entry.startswith(prefix):
            continue
        found = _TEMP_TAIL.fullmatch(entry[len(prefix) :])
        if found is None:
            continue
        where: str | Path = entry if dir_fd is not None else folder / entry
        try:
            info = os.stat(where, dir_fd=dir_fd, follow_symlinks=False)
            if not (stat.S_ISREG(info.st_mode) or stat.S_ISLNK(info.st_mode)):
                continue
            age = now - info.st_mtime
            if age > STALE_ANY or (age > STALE_DEAD_WRITER and not _running(int(found[1]))):
                os.unlink(where, dir_fd=dir_fd)
                removed += 1
        except OSError:
            continue
    return removed


class ProtectedFile(OSError):
    """The target is one of the files this run reads: it is never written over."""


def check_target(path: Path, protect: Iterable[Path] = ()) -> os.stat_result | None:
    """Whether `path` can take an output, before any work is done for it: raises
    ProtectedFile, IsADirectoryError or FileNotFoundError (no such folder); returns the
    target's stat when it exists."""
    try:
        info: os.stat_result | None = os.stat(path)
    except OSError:
        info = None
    if info is None:
        folder = path.parent
        if not folder.is_dir():
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(folder))
        return None
    if stat.S_ISDIR(info.st_mode):
        raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), str(path))
    for other in protect:
        try:
            same = os.path.samestat(info, os.stat(other))
        except OSError:
            continue
        if same:
            raise ProtectedFile(errno.EEXIST, "one of this run's input files", str(path))
    return info


def write_atomic(
    path: Path,
    data: str | bytes | Iterable[str],
    overwrite: bool = True,
    durable: bool = True,
    protect: Iterable[Path] = (),
) -> None:
    """Write to a temporary file beside `path`, then move it into place.

    An interrupted run leaves either the old file or the new one, never half of one.
    With overwrite=False an existing file is never replaced (FileExistsError). A target
    that is one of `protect` (the run's inputs; compared by device and inode, so links
    count too) raises ProtectedFile. A target that exists but is not a regular file
    (/dev/null, /dev/stdout, a FIFO) is written to directly: replacing it would swap a
    device or pipe for a plain file. A replaced file keeps its permissions; a new one
    gets the usual ones (0666 less the umask), not the temporary file's 0600.
    durable=False skips the fsync (about 1 ms a file): only for files that are checked
    when read back, such as cache entries, where a power cut may lose the file but the
    rename still never exposes half of one to another process.
    `data` may also be text in pieces, written as they come (a large JSON rekap).
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    pieces = (payload,) if isinstance(payload, bytes) else (p.encode("utf-8") for p in payload)
    info = check_target(path, protect)
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(path, "wb") as fh:
            fh.writelines(pieces)
        return
    target = path.resolve()
    remove_stale_temps(target.parent, target.name)
    tmp = target.parent / temp_name(target.name)
    # O_EXCL: never follow or reuse a file someone else put there; 0o666: umask applies
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.writelines(pieces)
            fh.flush()
            if info is not None and overwrite:
                os.fchmod(fh.fileno(), stat.S_IMODE(info.st_mode))
            if durable:
                os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, target)
        else:
            os.link(tmp, target)  # fails if the target exists: no race with another writer
            os.unlink(tmp)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


SUFFIXES = (".yaml", ".yml", ".xlsx")


def answer_files(paths: Iterable[Path]) -> tuple[list[tuple[Path, str]], list[Problem]]:
    """Files as given, and *.yaml / *.yml / *.xlsx under directories; each once, with its
    display path (escape.path: bytes that are not UTF-8 and control characters shown as
    escapes); and the folders that could not be read, as problems.

    Walking a directory is sorted, skips hidden files and directories (.git, .github,
    .pre-commit-config.yaml) and does not follow symbolic links to directories. A file named
    on the command line is always taken, even if it does not exist or cannot be read: the
    loader then reports it. Duplicates are found by real path, which never fails (a symlink
    loop stays unresolved instead of raising). The walk is iterative (a tree thousands of
    folders deep is no problem); a folder that cannot be listed (no permission, a path
    longer than the system allows, removed meanwhile) is a problem of that folder
    (`unreadable`, or `not_found` when it vanished), never skipped in silence, and the rest
    of the tree is still walked. A file found here that vanishes before it is read is left
    to the loader too: it becomes that file's problem.
    """
    out: list[tuple[Path, str]] = []
    problems: list[Problem] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            out.append((path, display_path(path)))

    def unreadable(folder: Path, exc: OSError) -> None:
        if isinstance(exc, FileNotFoundError):
            code, message = "not_found", _("the folder vanished while it was being searched")
        else:
            why = exc.strerror or type(exc).__name__
            code, message = "unreadable", _("cannot read this folder: {why}").format(why=why)
        problems.append(Problem(display_path(folder), None, None, code, message))

    for given in paths:
        if not given.is_dir():
            add(given)
            continue
        stack = [given]  # depth first, in sorted order: a folder's files, then its folders
        while stack:
            folder = stack.pop()
            try:
                with os.scandir(folder) as listing:
                    entries = list(listing)
            except OSError as exc:
                unreadable(folder, exc)
                continue
            dirs: list[str] = []
            names: list[str] = []
            for entry in entries:
                if entry.name.startswith("."):
                    continue
                try:
                    is_dir = entry.is_dir()  # a link to a folder is a folder, never walked
                    if is_dir and entry.is_symlink():
                        continue
                except OSError:
                    is_dir = False
                if is_dir:
                    dirs.append(entry.name)
                elif entry.name.lower().endswith(SUFFIXES):
                    names.append(entry.name)
            for name in sorted(names):
                # "~$name.xlsx" is the lock file Excel keeps beside a workbook it has open
                if not name.startswith("~$"):
                    add(folder / name)
            stack.extend(folder / name for name in sorted(dirs, reverse=True))
    return out, problems
