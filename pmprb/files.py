"""Writing files safely: whole or not at all, never over an input by accident."""

from __future__ import annotations

import errno
import os
import secrets
import stat
from collections.abc import Iterable
from pathlib import Path


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
    data: str | bytes,
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
    """
    payload = data.encode("utf-8") if isinstance(data, str) else data
    info = check_target(path, protect)
    if info is not None and not stat.S_ISREG(info.st_mode):
        with open(path, "wb") as fh:
            fh.write(payload)
        return
    target = path.resolve()
    tmp = target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"
    # O_EXCL: never follow or reuse a file someone else put there; 0o666: umask applies
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
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


def answer_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Files as given, and *.yaml / *.yml / *.xlsx under directories; each once, with its
    display path.

    Walking a directory is sorted, skips hidden files and directories (.git, .github,
    .pre-commit-config.yaml) and does not follow symbolic links to directories. A file named
    on the command line is always taken, even if it does not exist or cannot be read: the
    loader then reports it. Duplicates are found by real path, which never fails (a symlink
    loop stays unresolved instead of raising).
    """
    out: list[tuple[Path, str]] = []
    seen: set[str] = set()

    def add(path: Path) -> None:
        key = os.path.realpath(path)
        if key not in seen:
            seen.add(key)
            out.append((path, str(path)))

    for given in paths:
        if not given.is_dir():
            add(given)
            continue
        for root, dirs, names in os.walk(given):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                # "~$name.xlsx" is the lock file Excel keeps beside a workbook it has open
                if not name.startswith((".", "~$")) and name.lower().endswith(SUFFIXES):
                    add(Path(root) / name)
    return out
