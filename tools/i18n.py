"""Keep the Indonesian catalogue in step with the code.

    python tools/i18n.py check     # every message in the code has a translation
    python tools/i18n.py compile   # pmprb.po -> pmprb.mo (commit both)

Needs Babel (a test dependency).
"""

from __future__ import annotations

import io
import sys
from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
PO = ROOT / "pmprb" / "locale" / "id" / "LC_MESSAGES" / "pmprb.po"
MO = PO.with_suffix(".mo")
KEYWORDS = {"_": None, "ngettext": (1, 2)}


def code_messages() -> set[str]:
    """Every message id passed to _() or ngettext() in the package."""
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "pmprb"), keywords=KEYWORDS, comment_tags=()
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def untranslated() -> list[str]:
    """Messages in the code with no Indonesian translation."""
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    done = {
        (m.id[0] if isinstance(m.id, tuple) else m.id)
        for m in catalog
        if m.id and (all(m.string) if isinstance(m.string, tuple) else m.string)
    }
    return sorted(code_messages() - done)


def compiled() -> bytes:
    """The .mo bytes for the current .po."""
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    buf = io.BytesIO()
    write_mo(buf, catalog)
    return buf.getvalue()


def main(argv: list[str]) -> int:
    """Run `check` or `compile`."""
    if argv[1:] == ["check"]:
        missing = untranslated()
        for message in missing:
            print(f"untranslated: {message!r}")
        return 1 if missing else 0
    if argv[1:] == ["compile"]:
        MO.write_bytes(compiled())
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
