"""Loading plan files: versions, encodings, wrapper noise and every kind of bad input."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from scanner.collect.terraform import collect_plan, load_plan_document
from scanner.errors import InputError
from tests.collect.conftest import DATA, read_json, real_plans, shared_dir

SHOW_HINT = (
    "create one with `terraform plan -out=tfplan && terraform show -json tfplan > plan.json`"
)


def minimal_plan(version: str = "1.2") -> dict:
    return {
        "format_version": version,
        "terraform_version": "1.7.0",
        "planned_values": {"root_module": {}},
        "resource_changes": [],
    }


def write(tmp_path: Path, content: str | bytes, name: str = "plan.json") -> Path:
    path = tmp_path / name
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8")
    return path


def load_error(path: Path) -> InputError:
    with pytest.raises(InputError) as caught:
        load_plan_document(path)
    error = caught.value
    assert "\n" not in str(error), "errors are one line"
    assert error.source == str(path)
    assert str(error).startswith(f"{path}: {error.message}")
    return error


# -- format versions ----------------------------------------------------------------------


@pytest.mark.parametrize("version", ["0.1", "0.2", "1.0", "1.1", "1.2"])
def test_known_format_versions_load_without_warning(tmp_path: Path, version: str) -> None:
    plan, warnings = load_plan_document(write(tmp_path, json.dumps(minimal_plan(version))))
    assert plan["format_version"] == version
    assert warnings == []


def test_newer_minor_version_loads_with_a_warning(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(minimal_plan("1.9")))
    plan, warnings = load_plan_document(path)
    assert plan["format_version"] == "1.9"
    assert warnings == [
        f"{path}: plan format_version 1.9 is newer than the newest known (1.2); reading it as 1.2"
    ]


@pytest.mark.parametrize("version", ["0.0", "2.0", "3.1"])
def test_unsupported_format_versions_are_refused(tmp_path: Path, version: str) -> None:
    error = load_error(write(tmp_path, json.dumps(minimal_plan(version))))
    assert error.message == f"unsupported plan format_version {version} (archscan reads 0.1 to 1.2)"


@pytest.mark.parametrize("version", [1.2, "latest", "1", None])
def test_unparsable_format_versions_are_refused(tmp_path: Path, version: object) -> None:
    error = load_error(write(tmp_path, json.dumps(minimal_plan() | {"format_version": version})))
    assert error.message == (
        f"unsupported plan format_version {version!r} (archscan reads 0.1 to 1.2)"
    )


def test_missing_format_version_is_refused(tmp_path: Path) -> None:
    plan = minimal_plan()
    del plan["format_version"]
    error = load_error(write(tmp_path, json.dumps(plan)))
    assert error.message == "no `format_version`: not a Terraform JSON plan"
    assert error.hint == SHOW_HINT


def test_unknown_top_level_keys_are_ignored(tmp_path: Path) -> None:
    plan = minimal_plan() | {"// comment": "written by hand", "checks": [], "timestamp": "now"}
    loaded, warnings = load_plan_document(write(tmp_path, json.dumps(plan)))
    assert loaded["// comment"] == "written by hand"
    assert warnings == []
    assert collect_plan(tmp_path / "plan.json").resources == []


def test_every_real_fixture_declares_a_supported_version() -> None:
    if not real_plans():
        pytest.skip("shared plan fixtures not found: set ARCHSCAN_SHARED to the shared folder")
    seen = {load_plan_document(path)[0]["format_version"] for path in real_plans()}
    assert {"0.1", "0.2", "1.0", "1.1", "1.2"} <= seen


# -- encodings ----------------------------------------------------------------------------


@pytest.fixture
def source_plan() -> Path:
    """A real plan (a hand-written one when the shared fixtures are absent)."""
    real = [p for p in real_plans() if p.name == "opencostcalc_eks_vpc.json"]
    return real[0] if real else DATA / "network_plan.json"


@pytest.mark.parametrize(
    ("bom", "codec", "label"),
    [
        (codecs.BOM_UTF8, "utf-8", None),
        (codecs.BOM_UTF16_LE, "utf-16-le", "UTF-16 LE with BOM"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "UTF-16 BE with BOM"),
    ],
)
def test_byte_order_marks_are_decoded(
    tmp_path: Path, source_plan: Path, bom: bytes, codec: str, label: str | None
) -> None:
    text = source_plan.read_text(encoding="utf-8")
    path = write(tmp_path, bom + text.encode(codec))
    plan, warnings = load_plan_document(path)
    assert plan == json.loads(text)
    assert warnings == ([f"{path}: read as {label} text"] if label else [])
    original = collect_plan(source_plan)
    assert [r.id for r in collect_plan(path).resources] == [r.id for r in original.resources]


def test_utf16_without_bom_is_recognised(tmp_path: Path, source_plan: Path) -> None:
    text = source_plan.read_text(encoding="utf-8")
    path = write(tmp_path, text.encode("utf-16-le"))
    plan, warnings = load_plan_document(path)
    assert plan == json.loads(text)
    assert warnings == [f"{path}: read as UTF-16 LE text"]


def test_powershell_redirect_output_loads(tmp_path: Path) -> None:
    # `terraform show -json > plan.json` in Windows PowerShell 5: UTF-16 LE, BOM, CRLF.
    text = json.dumps(minimal_plan(), indent=2).replace("\n", "\r\n") + "\r\n"
    path = write(tmp_path, codecs.BOM_UTF16_LE + text.encode("utf-16-le"))
    plan, _ = load_plan_document(path)
    assert plan == minimal_plan()


# -- setup-terraform wrapper noise --------------------------------------------------------


def test_wrapper_noise_is_stripped_with_a_warning(tmp_path: Path, source_plan: Path) -> None:
    body = source_plan.read_text(encoding="utf-8")
    noisy = (
        "[command]/home/runner/work/_temp/terraform-bin show -json tfplan\n"
        + body.rstrip("\n")
        + "\n::debug::Terraform exited with code 0.\n"
        + "::debug::stdout: {}\n"
        + "::set-output name=exitcode::0\n"
    )
    path = write(tmp_path, noisy)
    plan, warnings = load_plan_document(path)
    assert plan == json.loads(body)
    assert warnings == [
        f"{path}: stripped setup-terraform wrapper output: 1 line before the JSON "
        "and 3 lines after it"
    ]


def test_wrapper_line_before_only(tmp_path: Path) -> None:
    path = write(tmp_path, "[command]terraform show -json tfplan\n" + json.dumps(minimal_plan()))
    plan, warnings = load_plan_document(path)
    assert plan == minimal_plan()
    assert warnings == [f"{path}: stripped setup-terraform wrapper output: 1 line before the JSON"]


def test_text_after_the_json_that_is_not_wrapper_output_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, json.dumps(minimal_plan()) + "\nPlan: 1 to add\n")
    error = load_error(path)
    assert (
        error.message == "malformed JSON: unexpected text after the JSON value at line 2 column 1"
    )


# -- bad input ----------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    assert load_error(tmp_path / "nope.json").message == "file not found"


def test_directory(tmp_path: Path) -> None:
    error = load_error(tmp_path)
    assert error.message == "is a directory, not a plan file"
    assert error.hint == SHOW_HINT


@pytest.mark.parametrize("content", [b"", b"  \n\t\r\n"])
def test_empty_file(tmp_path: Path, content: bytes) -> None:
    assert load_error(write(tmp_path, content)).message == "file is empty"


def test_binary_file(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, bytes(range(256)) * 4))
    assert error.message == "binary file, not a JSON plan"


def test_binary_plan_archive(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, b"PK\x03\x04\x14\x00\x00\x00tfplan", "tfplan"))
    assert error.message == (
        "binary file (a zip or gzip archive, perhaps a binary plan from `terraform plan -out`)"
    )
    assert error.hint == SHOW_HINT


def test_invalid_utf8(tmp_path: Path) -> None:
    content = b'{"format_version": "1.2", "name": "caf\xe9"}'
    error = load_error(write(tmp_path, content))
    assert error.message == f"not valid UTF-8 text (byte 0xe9 at offset {content.index(0xE9)})"


def test_invalid_utf16(tmp_path: Path) -> None:
    content = codecs.BOM_UTF16_LE + '{"a": 1}'.encode("utf-16-le") + b"\x00\xdc"
    error = load_error(write(tmp_path, content))
    assert error.message.startswith("not valid UTF-16 LE with BOM text (byte 0x")


def test_malformed_json_names_line_and_column(tmp_path: Path) -> None:
    second_line = '  "format_version": "1.2",,'
    column = second_line.index(",,") + 2  # the second comma, 1-based
    error = load_error(write(tmp_path, "{\n" + second_line + '\n  "x": 1\n}\n'))
    assert error.message == (
        f"malformed JSON at line 2 column {column}: "
        "Expecting property name enclosed in double quotes"
    )


def test_truncated_json(tmp_path: Path, source_plan: Path) -> None:
    text = source_plan.read_text(encoding="utf-8")
    cut = text[: len(text) // 2]
    line = cut.count("\n") + 1
    column = len(cut) - (cut.rfind("\n") + 1) + 1
    stripped_cut = cut.rstrip(" \t\r\n")
    if stripped_cut != cut:  # the cut fell on whitespace: the end is where the text stops
        line = stripped_cut.count("\n") + 1
        column = len(stripped_cut) - (stripped_cut.rfind("\n") + 1) + 1
    error = load_error(write(tmp_path, cut))
    assert (
        error.message == f"JSON ends unexpectedly at line {line} column {column} (truncated file?)"
    )


def test_truncated_inside_a_string(tmp_path: Path) -> None:
    text = '{"format_version": "1.2", "terraform_version": "1.'
    error = load_error(write(tmp_path, text))
    assert error.message == (
        f"JSON ends unexpectedly at line 1 column {len(text) + 1} (truncated file?)"
    )


@pytest.mark.parametrize(
    ("content", "kind"),
    [("[1, 2]", "an array"), ('"plan"', "a string"), ("42", "a number"), ("null", "null")],
)
def test_json_that_is_not_an_object(tmp_path: Path, content: str, kind: str) -> None:
    error = load_error(write(tmp_path, content))
    assert error.message == f"expected a JSON object (a Terraform plan), found {kind}"


def test_terraform_state_file(tmp_path: Path) -> None:
    state = {
        "version": 4,
        "terraform_version": "1.5.7",
        "serial": 12,
        "lineage": "2c4f8b36-5a3e-4f4e-9a43-1b4f2f3c4d5e",
        "outputs": {},
        "resources": [],
    }
    error = load_error(write(tmp_path, json.dumps(state), "terraform.tfstate"))
    assert error.message == "this is a Terraform state file (terraform.tfstate), not a plan"
    assert error.hint == SHOW_HINT


def test_show_json_of_a_state(tmp_path: Path) -> None:
    shown = {"format_version": "1.0", "terraform_version": "1.5.7", "values": {"root_module": {}}}
    error = load_error(write(tmp_path, json.dumps(shown)))
    assert error.message == (
        "this is `terraform show -json` of a state, not of a plan (it has `values` "
        "but no `planned_values` or `resource_changes`)"
    )


def test_cloudformation_json_template(tmp_path: Path) -> None:
    folder = shared_dir()
    templates = sorted((folder / "fixtures" / "cfn").glob("*.json")) if folder else []
    if not templates:
        pytest.skip("shared CloudFormation fixtures not found")
    for template in templates:
        error = load_error(template)
        assert error.message == "this is a CloudFormation template, not a Terraform plan"


def test_cloudformation_yaml_template() -> None:
    folder = shared_dir()
    templates = sorted((folder / "fixtures" / "cfn").glob("*.yaml")) if folder else []
    if not templates:
        pytest.skip("shared CloudFormation fixtures not found")
    for template in templates:
        error = load_error(template)
        assert error.message == "this is a CloudFormation template (YAML), not a Terraform plan"


def test_cloudformation_without_version_key(tmp_path: Path) -> None:
    template = {"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {}}}}
    error = load_error(write(tmp_path, json.dumps(template)))
    assert error.message == "this is a CloudFormation template, not a Terraform plan"


def test_sarif_file(tmp_path: Path) -> None:
    sarif = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{"tool": {"driver": {"name": "checkov"}}, "results": []}],
    }
    error = load_error(write(tmp_path, json.dumps(sarif), "results.sarif"))
    assert error.message == "this is a SARIF report, not a Terraform plan"


def test_yaml_or_text_that_is_not_json(tmp_path: Path) -> None:
    first_line = "Terraform will perform the following actions:"
    error = load_error(write(tmp_path, "\n" + first_line + "\n"))
    assert error.message == f"not JSON: line 2 starts with {first_line[:40]!r}"


def test_plan_without_plan_parts(tmp_path: Path) -> None:
    error = load_error(write(tmp_path, json.dumps({"format_version": "1.2"})))
    assert error.message == "no `planned_values` or `resource_changes`: not a Terraform JSON plan"


def test_hand_written_fixtures_load() -> None:
    for path in sorted(DATA.glob("*.json")):
        plan, warnings = load_plan_document(path)
        assert plan == read_json(path)
        assert warnings == []
