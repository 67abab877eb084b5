"""No credential reaches a report, the snapshot, stdout/stderr or a DEBUG log of a live audit.

A real audit over HTTP against moto (seeded organization, roles assumed in member accounts
through moto's STS) runs with marker credentials in the environment, ``--debug``, every
report format, and every logger (botocore included) recording at DEBUG level: not one
record may carry a credential. The
assumed-role credentials moto hands out are observed on their way into the sessions.
"""

from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

import pytest

from scanner.collect.aws import session as aws_session
from scanner.collect.aws.moto_server import Seeder
from scanner.demo.command import demo_baseline
from scanner.demo.seed import REGION, seed
from scanner.report.registry import FORMATS
from tests.fuzz.support import run_cli
from tests.leaks.test_plan_secrets import debug_records  # noqa: F401  (fixture)
from tests.live.conftest import moto, moto_url  # noqa: F401  (fixtures)

STATIC_SECRET = "SECRETMARKER0fakeSecretAccessKey0123456789"
STATIC_TOKEN = "TOKENMARKER0fakeSessionToken0123456789abcdef"


@pytest.fixture
def assumed(monkeypatch: pytest.MonkeyPatch) -> list[dict[str, Any]]:
    """Credentials moto's STS returns for the audit's role sessions, as they are used."""
    seen: list[dict[str, Any]] = []
    original = aws_session.Sessions._assumed

    def observe(self: aws_session.Sessions, account: str) -> dict[str, Any]:
        credentials = original(self, account)
        seen.append(dict(credentials))
        return credentials

    monkeypatch.setattr(aws_session.Sessions, "_assumed", observe)
    return seen


def test_live_audit_leaks_no_credential(
    moto: Seeder,  # noqa: F811
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    assumed: list[dict[str, Any]],
    debug_records: list[logging.LogRecord],  # noqa: F811
) -> None:
    seeded = seed(moto)
    baseline = demo_baseline(seeded.accounts, tmp_path)
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "AKIAMARKER0000000000")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", STATIC_SECRET)
    monkeypatch.setenv("AWS_SESSION_TOKEN", STATIC_TOKEN)
    out_dir = tmp_path / "out"
    out_dir.mkdir()
    args: list[object] = ["audit", "--endpoint-url", moto.url, "--org", "--region", REGION]
    args += ["--baseline", baseline, "--max-attempts", "1", "--debug", "--unknown", "warn"]
    args += ["--services", "organizations", "--services", "ec2", "--services", "s3"]
    args += ["--sarif-force"]
    for name in sorted(set(FORMATS) - {"table"}):
        args += [f"--{name}", out_dir / f"audit{FORMATS[name].extension}"]
    code, out, err = run_cli(args)
    assert code in (0, 1, 3), err
    assert assumed, "the audit assumed roles in member accounts"
    secrets = {STATIC_SECRET, STATIC_TOKEN}
    secrets |= {c["SecretAccessKey"] for c in assumed} | {c["SessionToken"] for c in assumed}
    written = [out, err] + [p.read_text(encoding="utf-8") for p in out_dir.iterdir()]
    assert len(written) == len(FORMATS) + 1
    assert not [s for s in secrets if any(s in text for text in written)]

    logs = [record.getMessage() for record in debug_records]
    assert any(r.name.startswith("botocore") for r in debug_records), "botocore logged at DEBUG"
    # botocore logs request headers, canonical requests and the AssumeRole response body at
    # DEBUG; archscan's filter (scanner/collect/aws/log_redaction.py) redacts them, so no
    # log line at all, botocore's included, carries a credential.
    assert any("<redacted>" in line for line in logs), "the redaction was exercised"
    assert not [s for s in secrets if any(s in line for line in logs)]


def test_debug_does_not_switch_on_library_debug_logging(tmp_path: Path) -> None:
    """--debug shows tracebacks; it configures no logger, so no request log can appear."""
    before = {name: logging.getLogger(name).level for name in ("", "botocore", "boto3")}
    handlers = list(logging.getLogger().handlers)
    plan = tmp_path / "p.json"
    plan.write_text("{", encoding="utf-8")
    code, _out, err = run_cli(["plan", plan, "--debug"])
    assert code == 2 and "Traceback" in err
    after = {name: logging.getLogger(name).level for name in ("", "botocore", "boto3")}
    assert after == before and logging.getLogger().handlers == handlers
