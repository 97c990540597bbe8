"""User-facing language: Indonesian by default, English with --lang en or PMPRB_LANG=en.

Messages are written in English in the code and translated through gettext; the
Indonesian catalogue lives in pmprb/locale/id/LC_MESSAGES/pmprb.po (compiled to .mo).
"""

from __future__ import annotations

import gettext
import os
from pathlib import Path

DOMAIN = "pmprb"
LOCALE_DIR = Path(__file__).resolve().parent.parent / "locale"  # pmprb/locale
LANGUAGES = ("id", "en")
DEFAULT_LANGUAGE = "id"

_translation: gettext.NullTranslations | None = None
_current = DEFAULT_LANGUAGE
_unknown: str | None = None  # the language asked for last, when it was not one we have


def normalize_language(text: str) -> str | None:
    """A language as `id` or `en`, from forms such as `id`, `EN`, `id_ID`, `id-ID` or
    `en_US.UTF-8` (a locale name); None when it is neither."""
    base = text.strip().split(".", 1)[0].split("@", 1)[0]
    code = base.replace("-", "_").split("_", 1)[0].lower()
    return code if code in LANGUAGES else None


def resolve_language(explicit: str | None = None) -> str:
    """The language to use: an explicit choice, else PMPRB_LANG, else Indonesian."""
    asked = explicit or os.environ.get("PMPRB_LANG") or DEFAULT_LANGUAGE
    return normalize_language(asked) or DEFAULT_LANGUAGE


def unknown_language() -> str | None:
    """The language last asked for (--lang or PMPRB_LANG) when it is not one pmprb has, so
    the command line can say so instead of falling back silently."""
    return _unknown


def set_language(lang: str | None = None) -> str:
    """Switch the message catalogue; returns the language now in use."""
    global _translation, _current, _unknown
    asked = lang or os.environ.get("PMPRB_LANG") or DEFAULT_LANGUAGE
    chosen = resolve_language(lang)
    _unknown = asked.strip() if normalize_language(asked) is None else None
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


def N_(message: str) -> str:
    """Mark a message for the catalogue where it is translated later (typer's own words)."""
    return message


def ngettext(singular: str, plural: str, n: int) -> str:
    """Translate a message whose form depends on a count."""
    if _translation is None:
        set_language()
    assert _translation is not None
    return _translation.ngettext(singular, plural, n)
