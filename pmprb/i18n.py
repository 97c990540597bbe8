"""User-facing language: Indonesian by default, English with --lang en or PMPRB_LANG=en.

Messages are written in English in the code and translated through gettext; the
Indonesian catalogue lives in pmprb/locale/id/LC_MESSAGES/pmprb.po (compiled to .mo).
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "pmprb"
LOCALE_DIR = Path(__file__).parent / "locale"
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

_translation: gettext.NullTranslations | None = None
_current = DEFAULT_LANGUAGE


def resolve_language(explicit: str | None = None) -> str:
    """The language to use: an explicit choice, else PMPRB_LANG, else Indonesian."""
    lang = (explicit or os.environ.get("PMPRB_LANG") or DEFAULT_LANGUAGE).strip().lower()
    return lang if lang in LANGUAGES else DEFAULT_LANGUAGE


def set_language(lang: str | None = None) -> str:
    """Switch the message catalogue; returns the language now in use."""
    global _translation, _current
    chosen = resolve_language(lang)
    _current = chosen
    if chosen == "en":
        _translation = gettext.NullTranslations()
    else:
        _translation = gettext.translation(
            DOMAIN, localedir=LOCALE_DIR, languages=[chosen], fallback=True
        )
    return chosen


def current_language() -> str:
    """The language messages are shown in (for documents that declare it, like HTML)."""
    if _translation is None:
        set_language()
    return _current


def _(message: str) -> str:
    """Translate one message into the current language."""
    if _translation is None:
        set_language()
    assert _translation is not None
    return _translation.gettext(message)


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on a count."""
    if _translation is None:
        set_language()
    assert _translation is not None
    return _translation.ngettext(singular, plural, n)
