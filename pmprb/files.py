"""Writing files safely: whole or not at all, never over an input by accident."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path


def write_atomic(
    path: Path, data: str | bytes, overwrite: bool = True, durable: bool = True
) -> None:
    """Write to a temporary file beside `path`, then move it into place.

    An interrupted run leaves either the old file or the new one, never half of one.
    With overwrite=False an existing file is never replaced (FileExistsError).
    durable=False skips the fsync (about 1 ms a file): only for files that are checked
    when read back, such as cache entries, where a power cut may lose the file but the
    rename still never exposes half of one to another process.
    """
    target = path.resolve()
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
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


SUFFIXES = (".yaml", ".yml")


def answer_files(paths: Iterable[Path]) -> list[tuple[Path, str]]:
    """Files as given, and *.yaml / *.yml under directories; each once, with its display path.

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
                if not name.startswith(".") and name.lower().endswith(SUFFIXES):
                    add(Path(root) / name)
    return out
