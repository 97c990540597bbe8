"""The Indonesian catalogue covers every message, and the shipped .mo matches the .po."""

from __future__ import annotations

from tools.i18n import MO, compiled, untranslated


def test_every_message_is_translated() -> None:
    assert untranslated() == []


def test_compiled_catalogue_is_current() -> None:
    assert MO.read_bytes() == compiled(), "run: python tools/i18n.py compile"
