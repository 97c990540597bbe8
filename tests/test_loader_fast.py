"""The loader's fast construction path gives exactly what PyYAML's generic path gives."""

from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from pmprb.base.errors import ProblemsError
from pmprb.inputs.loader import parse

from .conftest import ROOT


class Reference(yaml.SafeLoader):
    """Pure-Python PyYAML resolving plain scalars by the documented rules alone (nothing
    taken from pmprb.inputs.loader): true/false booleans, null, plain decimal integers and
    decimals read exactly; every other plain scalar (yes, no, dates...) is text."""

    yaml_implicit_resolvers: dict[Any, Any] = {}  # noqa: RUF012 (PyYAML fills it in place)


DIGITS = list("-0123456789")
Reference.add_implicit_resolver(
    "tag:yaml.org,2002:bool", re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)
Reference.add_implicit_resolver(
    "tag:yaml.org,2002:null", re.compile(r"^(?:~|null|Null|NULL|)$"), ["~", "n", "N", ""]
)
Reference.add_implicit_resolver(
    "tag:yaml.org,2002:int", re.compile(r"^-?(?:0|[1-9][0-9]*)$"), DIGITS
)
Reference.add_implicit_resolver(
    "tag:yaml.org,2002:float", re.compile(r"^-?(?:0|[1-9][0-9]*)\.[0-9]+$"), DIGITS
)
Reference.add_constructor("tag:yaml.org,2002:float", lambda _loader, node: Decimal(node.value))

FILES = sorted(
    [
        *(ROOT / "assessments").rglob("*.yaml"),
        *(ROOT / "rules").glob("*.yaml"),
        *(ROOT / "tests" / "data").glob("*.yaml"),
    ]
)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_real_files_parse_as_the_generic_path_does(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    assert parse(str(path), text) == yaml.load(text, Loader=Reference)


@pytest.mark.parametrize(
    "text",
    [
        "a: !!str 5\nb: !!int '7'\nc: !!float '0.5'\n",
        "!!map {a: [1, 2.50, '3', yes, true, ~, null, '0x1F', -7, 0]}\n",
        "a: !!seq [1, {b: -0.0}]\nc: '.inf'\nd: 2021-01-01\ne: 1e3\n",
        "'quoted': \"x\"\n! nonspecific: ! 12\n",
        "[1, 2]\n",
        "just text\n",
        "",
    ],
)
def test_edge_cases_parse_as_the_generic_path_does(text: str) -> None:
    assert parse("x.yaml", text) == yaml.load(text, Loader=Reference)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("a: &x 1\nb: *x\n", "yaml_alias"),
        ("a: [&x k, *x]\n", "yaml_alias"),
        ("a: !!binary aGVsbG8=\n", "yaml_tag"),
        ("a: !!set {x, y}\n", "yaml_tag"),
        ("b: !!omap [{k: 1}]\n", "yaml_tag"),
        ("base: &b {x: 1}\nother:\n  <<: *b\n", "yaml_merge"),
        ("other:\n  <<: {x: 1}\n", "yaml_merge"),
        ("? [a]\n: b\n", "yaml_key"),
        ("a: 1\na: 2\n", "duplicate_key"),
        ("a: !!python/name:os.system x\n", "yaml_tag"),
        ("a: !custom x\n", "yaml_tag"),
    ],
)
def test_refusals_are_unchanged(text: str, code: str) -> None:
    with pytest.raises(ProblemsError) as info:
        parse("x.yaml", text)
    assert info.value.problems[0].code == code
