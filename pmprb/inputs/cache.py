"""The batch cache on disk: entries tied to their content by a keyed MAC, never a link followed.

What the batch cache trusts, and nothing more:

- the **key file** (`cache_key_path`: PMPRB_CACHE_KEY, else $XDG_STATE_HOME/pmprb/cache-key,
  else ~/.local/state/pmprb/cache-key): 32 random bytes made on first use, private to the
  user (created 0600 in a 0700 folder; refused when another user owns it or may read or
  write it) and never inside the cache folder. Whoever can read it can forge entries;
- an entry only when its HMAC-SHA256 under that key matches its format, its key (the
  sha256 of the answer file's text and the run's options) and its summary: an edited,
  swapped or foreign entry is a miss, scored again and rewritten.

Nothing inside the cache folder is followed: a shard folder is opened with O_NOFOLLOW
(a link there is never used), entries and temporary files are opened relative to it with
O_NOFOLLOW (temporaries also O_EXCL), and only regular files of at most ENTRY_MAX_BYTES
are read, opened without blocking (a FIFO, a device, /dev/zero or a 4 GB file is a miss).
"""

from __future__ import annotations

import contextlib
import errno
import hashlib
import hmac
import json
import os
import re
import secrets
import stat
from pathlib import Path
from typing import Any

from pmprb.base.files import (
    O_CLOEXEC,
    O_DIRECTORY,
    O_NOFOLLOW,
    O_NONBLOCK,
    read_upto,
    remove_stale_temps,
    replace_in_folder,
    temp_name,
)
from pmprb.base.i18n import _

KEY_ENV = "PMPRB_CACHE_KEY"
ENTRY_MAX_BYTES = 8 * 1024 * 1024  # larger entries are neither written nor read
_KEY_FILE_MAX = 1024
_HEX_KEY = re.compile(r"[0-9a-f]{64}")


def cache_key_path() -> Path:
    """Where the cache's MAC key lives: PMPRB_CACHE_KEY, else under the XDG state folder."""
    override = os.environ.get(KEY_ENV, "").strip()
    if override:
        return Path(override)
    state = os.environ.get("XDG_STATE_HOME", "").strip()
    base = Path(state) if state and os.path.isabs(state) else Path.home() / ".local" / "state"
    return base / "pmprb" / "cache-key"


def _key_error(code: int, message: str) -> OSError:
    return OSError(code, message)


def _read_key(path: Path) -> bytes | None:
    """The key in `path`, None when there is none yet; OSError when it cannot be trusted."""
    try:
        fd = os.open(path, os.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
    except FileNotFoundError:
        return None
    try:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > _KEY_FILE_MAX:
            message = _("the cache key {path} is not a small regular file")
            raise _key_error(errno.EINVAL, message.format(path=path))
        if hasattr(os, "geteuid") and (info.st_uid != os.geteuid() or info.st_mode & 0o077):
            message = _(
                "the cache key {path} is not private to this user "
                "(it must be yours, mode 600): whoever can read or change it can forge results"
            )
            raise _key_error(errno.EPERM, message.format(path=path))
        raw = read_upto(fd, _KEY_FILE_MAX + 1)
    finally:
        os.close(fd)
    text = raw.decode("ascii", "replace").strip()
    if not _HEX_KEY.fullmatch(text):
        message = _("the cache key {path} is damaged; delete it (the cache is then rebuilt)")
        raise _key_error(errno.EINVAL, message.format(path=path))
    return bytes.fromhex(text)


def _create_key(path: Path) -> None:
    """Write a new random key to `path` atomically, 0600, unless one appears meanwhile."""
    path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
    remove_stale_temps(path.parent, path.name)
    tmp = path.parent / temp_name(path.name)
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_CLOEXEC
    fd = os.open(tmp, flags, 0o600)
    try:
        try:
            os.write(fd, (secrets.token_hex(32) + "\n").encode("ascii"))
            os.fsync(fd)
        finally:
            os.close(fd)
        with contextlib.suppress(FileExistsError):
            os.link(tmp, path)  # never replaces a key another process made first
    finally:
        os.unlink(tmp)


def _key_at(path: Path) -> bytes:
    found = _read_key(path)
    if found is None:
        _create_key(path)
        found = _read_key(path)
        if found is None:  # removed between the link and the read
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(path))
    return found


def load_key(root: Path | None = None) -> bytes:
    """The cache's MAC key, made on first use. Raises OSError when it cannot be made or
    trusted, or when it would live inside the cache folder `root`."""
    path = cache_key_path()
    if root is not None:
        here = os.path.realpath(path)
        folder = os.path.realpath(root)
        if os.path.commonpath([here, folder]) == folder:
            message = _("the cache key {path} must not be inside the cache folder")
            raise _key_error(errno.EINVAL, message.format(path=path))
    return _key_at(path)


def _canonical(body: dict[str, Any]) -> bytes:
    return json.dumps(
        body, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    ).encode("ascii")


class EntryStore:
    """JSON entries under `root`/KEY[:2]/KEY.json, each carrying its HMAC under `secret`."""

    def __init__(self, root: Path, secret: bytes, fmt: str) -> None:
        self.root = root
        self.secret = secret
        self.format = fmt

    def _mac(self, body: dict[str, Any]) -> str:
        return hmac.new(self.secret, _canonical(body), hashlib.sha256).hexdigest()

    def _shard(self, key: str, create: bool) -> int:
        """An open descriptor of the entry's shard folder; OSError when it is not a real
        folder (a link is refused, never followed)."""
        if not _HEX_KEY.fullmatch(key):
            raise ValueError("a cache key is 64 hex digits")
        root = os.open(self.root, os.O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try:
            if create:
                with contextlib.suppress(FileExistsError):
                    os.mkdir(key[:2], dir_fd=root)
            return os.open(key[:2], os.O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC, dir_fd=root)
        finally:
            os.close(root)

    def read(self, key: str) -> Any:
        """The payload stored for `key`, or None when missing or not to be trusted."""
        try:
            shard = self._shard(key, create=False)
        except OSError:
            return None
        name = f"{key}.json"
        try:
            first = os.stat(name, dir_fd=shard, follow_symlinks=False)
            if not stat.S_ISREG(first.st_mode) or first.st_size > ENTRY_MAX_BYTES:
                return None  # a link, a FIFO, a device, a folder, a huge file: never opened
            flags = os.O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC
            fd = os.open(name, flags, dir_fd=shard)
            try:
                info = os.fstat(fd)  # what was opened, should it have been swapped since
                if not stat.S_ISREG(info.st_mode) or info.st_size > ENTRY_MAX_BYTES:
                    return None
                raw = read_upto(fd, ENTRY_MAX_BYTES + 1, info.st_size)
            finally:
                os.close(fd)
        except OSError:
            return None
        finally:
            os.close(shard)
        if len(raw) > ENTRY_MAX_BYTES:
            return None
        try:
            entry = json.loads(raw)
            if not isinstance(entry, dict):
                return None
            mac = entry.pop("mac", None)
            if not isinstance(mac, str) or not hmac.compare_digest(mac, self._mac(entry)):
                return None
        except (ValueError, TypeError, RecursionError):
            return None
        if set(entry) != {"format", "key", "summary"}:
            return None
        if entry["format"] != self.format or entry["key"] != key:
            return None
        return entry["summary"]

    def write(self, key: str, payload: Any) -> None:
        """Store `payload` for `key` atomically (temporary file, rename). Raises OSError;
        an entry over ENTRY_MAX_BYTES is not written."""
        body = {"format": self.format, "key": key, "summary": payload}
        data = json.dumps({**body, "mac": self._mac(body)}, separators=(",", ":")).encode()
        if len(data) > ENTRY_MAX_BYTES:
            return
        shard = self._shard(key, create=True)
        name = f"{key}.json"
        try:
            replace_in_folder(shard, name, data)
        finally:
            os.close(shard)

    def probe(self) -> None:
        """Prove the folder takes entries (create and remove a temporary); raises OSError."""
        root = os.open(self.root, os.O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try:
            tmp = temp_name("probe")
            flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL | O_NOFOLLOW | O_CLOEXEC
            os.close(os.open(tmp, flags, 0o600, dir_fd=root))
            os.unlink(tmp, dir_fd=root)
        finally:
            os.close(root)
