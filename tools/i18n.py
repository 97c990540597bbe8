"""Keep the Indonesian catalogue in step with the code.

    python tools/i18n.py check     # every message in the code has a translation, and
                                   # the catalogue holds no message the code no longer has
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
KEYWORDS = {"_": None, "N_": None, "ngettext": (1, 2)}


def code_messages() -> set[str]:
    """Every message id passed to _() or ngettext() in the package."""
    found: set[str] = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT / "pmprb"), keywords=KEYWORDS, comment_tags=()
    ):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found | help_messages()


def help_messages() -> set[str]:
    """The help texts typer builds from cli.py (its docstrings and help= strings)."""
    import typer.main

    from pmprb.cli import app
    from pmprb.clihelp import help_texts

    return set(help_texts(typer.main.get_command(app)))


def _catalog_ids(translated_only: bool) -> set[str]:
    with PO.open("rb") as fh:
        catalog = read_po(fh)
    found: set[str] = set()
    for m in catalog:
        if not m.id:
            continue
        done = all(m.string) if isinstance(m.string, tuple) else bool(m.string)
        if done or not translated_only:
            found.add(m.id if isinstance(m.id, str) else m.id[0])
    return found


def untranslated() -> list[str]:
    """Messages in the code with no Indonesian translation."""
    return sorted(code_messages() - _catalog_ids(translated_only=True))


def obsolete() -> list[str]:
    """Messages in the catalogue that the code no longer uses."""
    return sorted(_catalog_ids(translated_only=False) - code_messages())


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
        missing, unused = untranslated(), obsolete()
        for message in missing:
            print(f"untranslated: {message!r}")
        for message in unused:
            print(f"obsolete (remove it from the catalogue): {message!r}")
        return 1 if missing or unused else 0
    if argv[1:] == ["compile"]:
        MO.write_bytes(compiled())
        return 0
    print(__doc__)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv))
