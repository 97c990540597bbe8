"""A cache of the bundled rule sets, parsed and checked, so a one-file command starts fast.

Reading and checking a bundled rule set (YAML parse, the pydantic models, the cross-checks)
costs about as much as everything else a one-file `pmprb validate` does; the result only
depends on the rule set's text and on pmprb's code. So it is kept, as a pickle, in
$XDG_CACHE_HOME/pmprb/rules (else ~/.cache/pmprb/rules), one file per bundled rule set,
and used again only when everything it was made from is unchanged.

What it trusts, and why that is enough:

- **The key.** An entry holds the sha256 of its key: the rule set file's text as read
  now, the name it is shown by, pmprb's version, the sha256 of the source of the modules
  that build a rule set (CODE_FILES), the Python and pydantic versions and the reading
  limits. Anything else is a miss, rebuilt from the file and written again. The
  unpickled value must also be a plain LoadedRules with that text's sha256 and name.
- **The folder, not the network or other users.** An entry is only read (or written) in
  a folder that is a real folder (opened with O_NOFOLLOW: a link is never followed),
  owned by the user running pmprb and closed to everyone else (mode 0700; pmprb creates
  it so); the entry must be a regular file owned by the same user, writable by no one
  else, at most ENTRY_MAX_BYTES. Whoever can write there can already run code as that
  user. A folder that fails a check is not used at all (the rule set is read from its
  file, as without a cache), and nothing is written to it.
- **Not even then, arbitrary pickles.** The unpickler resolves only the classes a rule
  set is made of (ALLOWED: pmprb.model.rules' models and records, Decimal, Fraction); any other
  global, or a damaged, truncated or foreign entry, is a miss. A hostile entry could at
  worst describe a wrong rule set, never run code.

An entry is written whole or not at all (a temporary file in the same folder, then a
rename, as pmprb.files does for outputs; relative to the checked folder, never through a
link). A cache that cannot be used never stops a command: it costs only speed.
PMPRB_RULES_CACHE=off turns it off.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
import pickle
import re
import stat
import sys
from pathlib import Path
from typing import Any

from pmprb.base.files import (
    O_CLOEXEC,
    O_DIRECTORY,
    O_NOFOLLOW,
    O_NONBLOCK,
    read_upto,
    replace_in_folder,
)

FORMAT = b"pmprb-rules-cache 1\n"
ENTRY_MAX_BYTES = 16 * 1024 * 1024
OFF_ENV = "PMPRB_RULES_CACHE"
# The modules whose code decides what a loaded (plain) rule set holds: rules.py and the
# pmprb modules it reads, parses and checks with. Changing any of them changes the key.
CODE_FILES = (
    "model/rules.py",
    "inputs/loader.py",
    "base/numbers.py",
    "base/errors.py",
    "base/limits.py",
    "model/rulecache.py",
)
_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]{0,100}")
ALLOWED = {
    "decimal": frozenset({"Decimal"}),
    "fractions": frozenset({"Fraction"}),
    "pmprb.model.rules": frozenset(
        {
            "LoadedRules",
            "QuestionRef",
            "RuleSet",
            "Provenance",
            "ChoiceScale",
            "NumberScale",
            "Counts",
            "Question",
            "Document",
            "Node",
            "Area",
            "Band",
            "Condition",
            "Predicate",
        }
    ),
}


def cache_folder() -> Path | None:
    """Where entries live; None when the cache is turned off (PMPRB_RULES_CACHE=off)."""
    if os.environ.get(OFF_ENV, "").strip().lower() in ("0", "off", "no", "false"):
        return None
    if not hasattr(os, "geteuid") or not O_NOFOLLOW or not O_DIRECTORY:
        return None  # the checks below need POSIX owners and no-follow opens
    xdg = os.environ.get("XDG_CACHE_HOME", "").strip()
    try:
        base = Path(xdg) if xdg and os.path.isabs(xdg) else Path.home() / ".cache"
    except (RuntimeError, KeyError):  # no home folder to be found: no cache
        return None
    return base / "pmprb" / "rules"


def _code_digest() -> str:
    here = Path(__file__).resolve().parent.parent  # the pmprb package
    digest = hashlib.sha256()
    for name in CODE_FILES:
        digest.update(name.encode() + b"\0" + (here / name).read_bytes() + b"\0")
    return digest.hexdigest()


def entry_key(shown: str, text: str) -> bytes:
    """The sha256 an entry must carry to be used for this rule set text, shown as `shown`."""
    from pydantic import VERSION as PYDANTIC

    from pmprb import __version__
    from pmprb.base.limits import current

    parts = [
        FORMAT.decode(),
        shown,
        hashlib.sha256(text.encode("utf-8")).hexdigest(),
        __version__,
        _code_digest(),
        sys.version,
        PYDANTIC,
        repr(current()),
    ]
    return hashlib.sha256("\0".join(parts).encode("utf-8")).digest()


class _Unpickler(pickle.Unpickler):
    """Resolves only the classes a loaded rule set is made of."""

    def find_class(self, module: str, name: str) -> Any:
        if name in ALLOWED.get(module, ()):
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not allowed in a rule set entry")


def _private(info: os.stat_result, folder: bool) -> bool:
    """Owned by this user; a folder closed to others, a file writable by no one else."""
    mask = 0o077 if folder else 0o022
    return info.st_uid == os.geteuid() and not info.st_mode & mask


def _open_folder(root: Path, create: bool) -> int | None:
    """An open descriptor of the cache folder when it can be trusted, else None.

    The folder's parent (the XDG cache folder, which may be a link) is opened as named;
    `pmprb` and `rules` below it are created 0700 if asked and opened with O_NOFOLLOW.
    """
    parent = root.parent.parent
    try:
        if create:
            parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(parent, os.O_RDONLY | O_DIRECTORY | O_CLOEXEC)
    except OSError:
        return None
    try:
        for part in (root.parent.name, root.name):
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(part, 0o700, dir_fd=fd)
            child = os.open(part, os.O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, dir_fd=fd)
            os.close(fd)
            fd = child
        if not _private(os.fstat(fd), folder=True):
            raise PermissionError("the rule set cache folder is not private to this user")
    except OSError:
        os.close(fd)
        return None
    return fd


def _entry_name(rules_path: Path) -> str | None:
    name = rules_path.stem
    return f"{name}.pickle" if _NAME.fullmatch(name) else None


def read_entry(rules_path: Path, shown: str, text: str) -> Any:
    """The LoadedRules stored for this rule set text, or None (a miss)."""
    root, name = cache_folder(), _entry_name(rules_path)
    if root is None or name is None:
        return None
    folder = _open_folder(root, create=False)
    if folder is None:
        return None
    try:
        fd = os.open(name, os.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, dir_fd=folder)
    except OSError:
        return None
    finally:
        os.close(folder)
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or not _private(info, folder=False):
            return None
        if info.st_size > ENTRY_MAX_BYTES:
            return None
        raw = read_upto(fd, ENTRY_MAX_BYTES + 1, info.st_size)
    except OSError:
        return None
    finally:
        os.close(fd)
    return _decode(raw, shown, text)


def _decode(raw: bytes, shown: str, text: str) -> Any:
    from pmprb.model.rules import LoadedRules, sha256_text

    head = len(FORMAT) + 64  # the format line, then the key's and the payload's sha256
    if len(raw) <= head or not raw.startswith(FORMAT):
        return None
    key, checksum, payload = raw[len(FORMAT) : head - 32], raw[head - 32 : head], raw[head:]
    try:
        expected = entry_key(shown, text)
    except OSError:  # pmprb's sources cannot be read (installed without them): no cache
        return None
    if key != expected or hashlib.sha256(payload).digest() != checksum:
        return None
    try:
        value = _Unpickler(io.BytesIO(payload)).load()
    except Exception:  # anything a damaged or foreign entry can raise: a miss
        return None
    if (
        type(value) is not LoadedRules
        or value.base is not None
        or value.path != shown
        or value.sha256 != sha256_text(text)
    ):
        return None
    return value


def write_entry(rules_path: Path, shown: str, text: str, loaded: Any) -> None:
    """Store a loaded rule set for its text; never fails (a cache that cannot be written
    costs only speed)."""
    root, name = cache_folder(), _entry_name(rules_path)
    if root is None or name is None:
        return
    try:
        payload = pickle.dumps(loaded, protocol=pickle.HIGHEST_PROTOCOL)
        key = entry_key(shown, text)
    except (pickle.PicklingError, TypeError, AttributeError, RecursionError, OSError):
        return
    data = FORMAT + key + hashlib.sha256(payload).digest() + payload
    if len(data) > ENTRY_MAX_BYTES:
        return
    folder = _open_folder(root, create=True)
    if folder is None:
        return
    try:
        replace_in_folder(folder, name, data, 0o600)
    except OSError:
        pass  # a cache that cannot take the entry costs only a re-parse next time
    finally:
        os.close(folder)
