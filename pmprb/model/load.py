"""Loading a rule set by bundled id or by path: a bundled file through the rule set cache
(pmprb.model.rulecache), an overlay through its chain of bases (pmprb.model.overlay).

The one place that knows all three, so that rules.py (the models and their parsing) needs
neither the overlay resolution nor the cache built on it.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from pmprb.base.errors import ProblemsError, RulesError
from pmprb.inputs.loader import read_text
from pmprb.model import rules
from pmprb.model.rulecache import read_entry, write_entry
from pmprb.model.rules import (
    LoadedRules,
    locate_ref,
    parse_rules,
    remember,
    remembered,
    sha256_text,
)


def load_rules_file(path: Path, display: str | None = None) -> LoadedRules:
    """Read and validate a rule set file or an overlay; problems raise RulesError."""
    from pmprb.model.overlay import resolve_file  # not needed for a bundled rule set

    try:
        return resolve_file(path, display).loaded
    except RulesError:
        raise
    except ProblemsError as exc:
        raise RulesError(exc.problems) from None


@cache
def load_rules(ref: str) -> LoadedRules:
    """A rule set by bundled id or by path; problems raise ProblemsError."""
    path, shown = locate_ref(ref)
    if path.parent == rules.bundled_dir():
        return _load_bundled(path, shown)
    return load_rules_file(path, shown)


def _load_bundled(path: Path, shown: str) -> LoadedRules:
    """A bundled rule set, from the rule set cache when its entry matches the file's text
    (pmprb.model.rulecache), else read, checked and stored there."""
    try:
        text = read_text(path, shown)
        known = remembered(shown, sha256_text(text))
        if known is not None:  # already read in this process (as an overlay's base)
            return known
        cached = read_entry(path, shown, text)
        if cached is not None:
            return remember(cached)
        _data, loaded = parse_rules(shown, text)
    except RulesError:
        raise
    except ProblemsError as exc:
        raise RulesError(exc.problems) from None
    if loaded is None:  # an overlay among the bundled files: it depends on other files
        return load_rules_file(path, shown)
    write_entry(path, shown, text, loaded)
    return loaded
