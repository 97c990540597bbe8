"""Pure renderers: a result in, a string or a rich renderable out. No printing here."""

from __future__ import annotations

from enum import StrEnum


class Format(StrEnum):
    """Output formats of `pmprb score`."""

    table = "table"
    json = "json"
    markdown = "markdown"
    csv = "csv"


# `pmprb validate` (text, github): warnings of one code beyond this many are summed up in
# one line; here, light to import, so the CLI's help can name it
FOLD_OVER = 20


class ValidateFormat(StrEnum):
    """Output formats of `pmprb validate`; auto picks github under GitHub Actions, else text."""

    auto = "auto"
    text = "text"
    github = "github"
    json = "json"
    junit = "junit"


class BatchFormat(StrEnum):
    """Output formats of `pmprb batch`."""

    table = "table"
    json = "json"
    csv = "csv"
    markdown = "markdown"
    xlsx = "xlsx"


class DiffFormat(StrEnum):
    """Output formats of `pmprb rules diff`."""

    table = "table"
    json = "json"


class GuideFormat(StrEnum):
    """Output formats of `pmprb guide`."""

    markdown = "markdown"
    html = "html"


class AnswerFormat(StrEnum):
    """Formats of an answer file (`pmprb init --format`, `pmprb convert`)."""

    yaml = "yaml"
    xlsx = "xlsx"
