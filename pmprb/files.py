"""Writing files safely: whole or not at all, never over an input by accident."""

from __future__ import annotations

import os
import tempfile
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
