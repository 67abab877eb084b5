"""Format registry, and properties every format shares."""

from __future__ import annotations

import inspect
from typing import TYPE_CHECKING

import pytest

from scanner.errors import UsageError
from scanner.report import registry
from scanner.report.context import ReportContext

if TYPE_CHECKING:
    from pathlib import Path

    from .conftest import Factory


def test_format_names() -> None:
    assert registry.names() == ["html", "json", "junit", "markdown", "sarif", "table"]


@pytest.mark.parametrize(
    ("alias", "name"), [("md", "markdown"), ("TEXT", "table"), ("xml", "junit")]
)
def test_aliases(alias: str, name: str) -> None:
    assert registry.get(alias).name == name


def test_unknown_format_is_a_usage_error() -> None:
    with pytest.raises(UsageError) as raised:
        registry.get("html5")
    assert "html5" in str(raised.value)
    assert "json, junit, markdown, sarif, table" in str(raised.value)


def test_declared_options_match_the_render_signatures() -> None:
    for spec in registry.FORMATS.values():
        parameters = inspect.signature(spec.render).parameters
        keyword_only = {
            name for name, p in parameters.items() if p.kind is inspect.Parameter.KEYWORD_ONLY
        }
        assert spec.options <= keyword_only, spec.name
        assert next(iter(parameters)) == "ctx"


def test_options_reach_only_the_formats_that_take_them(factory: type[Factory]) -> None:
    ctx = factory.mixed()
    coloured = registry.render("table", ctx, color=True, show_passed=True, base_dir=".")
    assert "\x1b[" in coloured and "aws_vpc.staging" in coloured
    assert "\x1b[" not in registry.render("json", ctx, color=True, show_passed=True)


@pytest.mark.parametrize("name", sorted(registry.FORMATS))
def test_every_format_renders_every_context(
    name: str, any_context: ReportContext, tmp_path: Path
) -> None:
    options = {"base_dir": tmp_path} if name == "sarif" else {}
    text = registry.render(name, any_context, **options)
    assert text.endswith("\n") and text.strip()
    assert registry.render(name, any_context, **options) == text


@pytest.mark.parametrize("name", sorted(registry.FORMATS))
def test_rendering_does_not_change_the_context(
    name: str, factory: type[Factory], tmp_path: Path
) -> None:
    ctx = factory.mixed()
    before = [f.to_dict() for f in ctx.findings], list(ctx.warnings), ctx.exit_code
    options = {"base_dir": tmp_path} if name == "sarif" else {}
    registry.render(name, ctx, **options)
    assert ([f.to_dict() for f in ctx.findings], list(ctx.warnings), ctx.exit_code) == before


@pytest.mark.parametrize("name", sorted(registry.FORMATS))
def test_formats_report_the_gate_they_are_given(
    name: str, factory: type[Factory], tmp_path: Path
) -> None:
    """Reports never decide: the same findings with another exit code render differently."""
    options = {"base_dir": tmp_path} if name == "sarif" else {}
    passing = registry.render(name, factory.mixed(exit_code=0), **options)
    failing = registry.render(name, factory.mixed(exit_code=3), **options)
    if name == "junit":  # JUnit has no place for a gate; its content is the findings
        assert passing == failing
    else:
        assert passing != failing
