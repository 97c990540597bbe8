"""The Indonesian catalogue covers every message and no more; the shipped .mo matches the .po."""

from __future__ import annotations

from tools.i18n import MO, compiled, obsolete, untranslated


def test_every_message_is_translated() -> None:
    assert untranslated() == []


def test_no_translation_is_left_over() -> None:
    assert obsolete() == []


def test_compiled_catalogue_is_current() -> None:
    assert MO.read_bytes() == compiled(), "run: python tools/i18n.py compile"
