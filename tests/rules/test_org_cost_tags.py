"""ORG-001..003, COST-002..004 and TAG-002 on real plans and on a seeded moto server.

Live accounts in moto get random ids, so live tests of account-bound controls evaluate
against a copy of the bundled baseline whose account ids are moto's (``with_accounts``).
moto implements no Cost Explorer anomaly API: COST-003's live case is NOT_COLLECTED, and
its logic on live data is tested on a hand-built live inventory.
"""

from __future__ import annotations

import copy
import json
from pathlib import Path
from typing import Any

import pytest

from scanner.baseline.environment import resolve_environments
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.engine.evaluate import evaluate
from scanner.findings import Finding
from scanner.inventory.model import CoverageEntry, CoverageStatus, Inventory, Resource
from tests.live.conftest import audit, moto, moto_url  # noqa: F401  (live fixtures)
from tests.rules.helpers import baseline, plan_of, ruleset, scan_inventory, scan_plan, statuses

DEV, STAGING, PROD = "333333333333", "444444444444", "555555555555"
DENY_LEAVE = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Deny", "Action": "organizations:LeaveOrganization", "Resource": "*"}],
}
ALLOW_ALL = {
    "Version": "2012-10-17",
    "Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}],
}
TAGS = {"Environment": "dev", "Owner": "platform", "CostCenter": "cc-1"}


def with_accounts(ids: dict[str, str]) -> dict[str, Any]:
    """The bundled baseline with some accounts' ids replaced."""
    data = copy.deepcopy(baseline())
    for name, account_id in ids.items():
        data["accounts"][name]["id"] = account_id
    return data


def scan_with(inventory: Inventory, rules: set[str], data: dict[str, Any]) -> list[Finding]:
    """Findings of ``rules`` against a baseline other than the bundled one."""
    resolve_environments(inventory, data)
    return evaluate(inventory, data, ruleset(), rules)


# -- plans ------------------------------------------------------------------------------------


def _scp_plan(content: dict[str, Any], targets: list[str]) -> dict[str, Any]:
    attachments = [
        (f"aws_organizations_policy_attachment.a{i}", {"policy_id": "p-guard", "target_id": t})
        for i, t in enumerate(targets)
    ]
    policy = {"id": "p-guard", "name": "guard", "content": json.dumps(content)}
    return plan_of(("aws_organizations_policy.guard", policy), *attachments)


def test_org_002_plan_guardrail_attached_to_each_workload_account_passes(tmp_path: Path) -> None:
    findings = scan_plan(_scp_plan(DENY_LEAVE, [DEV, STAGING, PROD]), tmp_path, {"ORG-002"})
    assert statuses(findings, "ORG-002") == {DEV: "PASS", STAGING: "PASS", PROD: "PASS"}


def test_org_002_plan_allow_all_or_missing_attachment_fails(tmp_path: Path) -> None:
    findings = scan_plan(_scp_plan(ALLOW_ALL, [DEV, STAGING, PROD]), tmp_path, {"ORG-002"})
    assert statuses(findings, "ORG-002") == {DEV: "FAIL", STAGING: "FAIL", PROD: "FAIL"}
    findings = scan_plan(_scp_plan(DENY_LEAVE, [DEV]), tmp_path, {"ORG-002"})
    assert statuses(findings, "ORG-002") == {DEV: "PASS", STAGING: "FAIL", PROD: "FAIL"}


def _budget(account: str, alerts: int) -> dict[str, Any]:
    notification = {
        "comparison_operator": "GREATER_THAN",
        "threshold": 80,
        "threshold_type": "PERCENTAGE",
        "notification_type": "ACTUAL",
        "subscriber_email_addresses": ["finance@example.com"],
    }
    return {
        "name": f"budget-{account}",
        "budget_type": "COST",
        "limit_amount": "500",
        "limit_unit": "USD",
        "time_unit": "MONTHLY",
        "cost_filter": [{"name": "LinkedAccount", "values": [account]}],
        "notification": [notification] * alerts,
    }


def test_cost_002_plan_budgets_with_alerts_pass(tmp_path: Path) -> None:
    plan = plan_of(*[(f"aws_budgets_budget.b{a}", _budget(a, 1)) for a in (DEV, STAGING, PROD)])
    findings = scan_plan(plan, tmp_path, {"COST-002"})
    expected = {f"{a}/budgets": "PASS" for a in (DEV, STAGING, PROD)}
    assert statuses(findings, "COST-002") == expected
    assert "finance@example.com" not in json.dumps([f.actual for f in findings])


def test_cost_002_plan_budget_without_alerts_or_missing_fails(tmp_path: Path) -> None:
    plan = plan_of(("aws_budgets_budget.dev", _budget(DEV, 0)))
    findings = scan_plan(plan, tmp_path, {"COST-002"})
    assert statuses(findings, "COST-002") == {
        f"{DEV}/budgets": "FAIL",
        f"{STAGING}/budgets": "FAIL",
        f"{PROD}/budgets": "FAIL",
    }


MONITOR_ARN = "arn:aws:ce::111111111111:anomalymonitor/abc"


def _subscription(subscribers: int) -> dict[str, Any]:
    return {
        "name": "daily",
        "frequency": "DAILY",
        "monitor_arn_list": [MONITOR_ARN],
        "subscriber": [{"type": "EMAIL", "address": "finance@example.com"}] * subscribers,
        "threshold_expression": [],
    }


def test_cost_003_plan_monitor_with_subscription_passes(tmp_path: Path) -> None:
    monitor = {"name": "services", "monitor_type": "DIMENSIONAL", "arn": MONITOR_ARN}
    plan = plan_of(
        ("aws_ce_anomaly_monitor.services", monitor),
        ("aws_ce_anomaly_subscription.daily", _subscription(1)),
    )
    findings = scan_plan(plan, tmp_path, {"COST-003"})
    assert statuses(findings, "COST-003") == {"plan/anomaly-detection": "PASS"}


def test_cost_003_plan_subscription_without_monitor_fails(tmp_path: Path) -> None:
    plan = plan_of(("aws_ce_anomaly_subscription.daily", _subscription(1)))
    findings = scan_plan(plan, tmp_path, {"COST-003"})
    assert statuses(findings, "COST-003") == {"plan/anomaly-detection": "FAIL"}


def _nat_plan(nats: int) -> dict[str, Any]:
    resources: list[tuple[str, dict[str, Any]]] = [
        ("aws_vpc.dev", {"id": "vpc-1", "cidr_block": "10.0.0.0/16"})
    ]
    for i, az in enumerate(("a", "b", "c")):
        subnet = {
            "id": f"subnet-{az}",
            "vpc_id": "vpc-1",
            "cidr_block": f"10.0.{i + 1}.0/24",
            "availability_zone": f"us-west-2{az}",
        }
        resources.append((f"aws_subnet.public_{az}", subnet))
    for i, az in enumerate(("a", "b", "c")[:nats]):
        resources.append((f"aws_nat_gateway.n{i}", {"subnet_id": f"subnet-{az}"}))
    return plan_of(*resources)


def test_cost_004_plan_single_nat_in_dev_passes(tmp_path: Path) -> None:
    findings = scan_plan(_nat_plan(1), tmp_path, {"COST-004"})
    assert statuses(findings, "COST-004") == {"aws_vpc.dev/nat-gateways": "PASS"}


def test_cost_004_plan_nat_per_az_in_dev_fails(tmp_path: Path) -> None:
    findings = scan_plan(_nat_plan(3), tmp_path, {"COST-004"})
    assert statuses(findings, "COST-004") == {"aws_vpc.dev/nat-gateways": "FAIL"}
    [finding] = [f for f in findings if f.rule_id == "COST-004"]
    assert "3 NAT gateways, documented 1" in finding.message


def test_tag_002_plan_required_tags(tmp_path: Path) -> None:
    plan = plan_of(
        ("aws_kms_key.tagged", {"description": "k", "tags": TAGS}),
        ("aws_kms_key.bare", {"description": "k", "tags": {"Environment": "dev"}}),
    )
    findings = scan_plan(plan, tmp_path, {"TAG-002"})
    assert statuses(findings, "TAG-002") == {
        "aws_kms_key.tagged": "PASS",
        "aws_kms_key.bare": "FAIL",
    }


# -- live -------------------------------------------------------------------------------------


def _org(seeder: Seeder, names: list[str]) -> dict[str, str]:
    """An organization run from moto's default account, with member accounts ``names``."""
    org = seeder.client("organizations")
    org.create_organization(FeatureSet="ALL")
    root = org.list_roots()["Roots"][0]["Id"]
    org.enable_policy_type(RootId=root, PolicyType="SERVICE_CONTROL_POLICY")
    ids = {"management": DEFAULT_ACCOUNT, "root": root}
    for name in names:
        status = org.create_account(Email=f"{name}@example.com", AccountName=name)
        ids[name] = status["CreateAccountStatus"]["AccountId"]
    return ids


ALL_MEMBERS = ["network", "dev", "staging", "prod", "shared-services"]


def _accounts(ids: dict[str, str]) -> dict[str, str]:
    return {name: ids.get(name, "999999999999") for name in ["management", *ALL_MEMBERS]}


def test_org_001_and_003_live_documented_members_pass(moto: Seeder, audit) -> None:  # noqa: F811
    ids = _org(moto, ALL_MEMBERS)
    data = with_accounts(_accounts(ids))
    findings = scan_with(audit(["organizations"]), {"ORG-001", "ORG-003"}, data)
    assert statuses(findings, "ORG-001") == {ids[n]: "PASS" for n in ["management", *ALL_MEMBERS]}
    assert statuses(findings, "ORG-003") == {ids[n]: "PASS" for n in ALL_MEMBERS}


def test_org_001_and_003_live_missing_account_fails(moto: Seeder, audit) -> None:  # noqa: F811
    ids = _org(moto, ALL_MEMBERS[:-1])  # no shared-services account
    data = with_accounts(_accounts(ids))
    findings = scan_with(audit(["organizations"]), {"ORG-001", "ORG-003"}, data)
    assert statuses(findings, "ORG-001")["999999999999"] == "FAIL"
    assert statuses(findings, "ORG-001")[ids["dev"]] == "PASS"
    assert statuses(findings, "ORG-003")["999999999999"] == "FAIL"


def test_org_001_live_organizations_not_audited_is_not_collected(
    moto: Seeder,  # noqa: F811
    audit,  # noqa: F811
) -> None:
    findings = scan_inventory(audit(["budgets"]), {"ORG-001", "ORG-002", "ORG-003"})
    assert {f.status.value for f in findings} == {"NOT_COLLECTED"}
    assert {f.rule_id for f in findings} == {"ORG-001", "ORG-002", "ORG-003"}


def _scp(seeder: Seeder, name: str, document: dict[str, Any], target: str) -> None:
    org = seeder.client("organizations")
    policy = org.create_policy(
        Content=json.dumps(document), Description=name, Name=name, Type="SERVICE_CONTROL_POLICY"
    )["Policy"]["PolicySummary"]["Id"]
    org.attach_policy(PolicyId=policy, TargetId=target)


def test_org_002_live_guardrails_on_ou_and_account(moto: Seeder, audit) -> None:  # noqa: F811
    ids = _org(moto, ALL_MEMBERS)
    org = moto.client("organizations")
    unit = org.create_organizational_unit(ParentId=ids["root"], Name="workloads")
    ou = unit["OrganizationalUnit"]["Id"]
    for name in ("dev", "staging"):
        org.move_account(AccountId=ids[name], SourceParentId=ids["root"], DestinationParentId=ou)
    _scp(moto, "deny-leave", DENY_LEAVE, ou)
    _scp(moto, "allow-all", ALLOW_ALL, ids["prod"])  # restricts nothing
    data = with_accounts(_accounts(ids))
    findings = scan_with(audit(["organizations"]), {"ORG-002"}, data)
    assert statuses(findings, "ORG-002") == {
        ids["dev"]: "PASS",
        ids["staging"]: "PASS",
        ids["prod"]: "FAIL",
    }


def _seed_budget(seeder: Seeder, name: str, alerts: bool) -> None:
    notifications = [
        {
            "Notification": {
                "NotificationType": "ACTUAL",
                "ComparisonOperator": "GREATER_THAN",
                "Threshold": 80.0,
                "ThresholdType": "PERCENTAGE",
            },
            "Subscribers": [{"SubscriptionType": "EMAIL", "Address": "finance@example.com"}],
        }
    ]
    seeder.client("budgets").create_budget(
        AccountId=DEFAULT_ACCOUNT,
        Budget={
            "BudgetName": name,
            "BudgetLimit": {"Amount": "495", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
        NotificationsWithSubscribers=notifications if alerts else [],
    )


@pytest.mark.parametrize(("alerts", "expected"), [(True, "PASS"), (False, "FAIL")])
def test_cost_002_live_budget_in_the_dev_account(
    moto: Seeder,  # noqa: F811
    audit,  # noqa: F811
    alerts: bool,
    expected: str,
) -> None:
    _seed_budget(moto, "dev-monthly", alerts)
    data = with_accounts({"dev": DEFAULT_ACCOUNT})
    findings = scan_with(audit(["budgets"]), {"COST-002"}, data)
    assert statuses(findings, "COST-002") == {
        f"{DEFAULT_ACCOUNT}/budgets": expected,
        f"{STAGING}/budgets": "NOT_COLLECTED",  # their accounts were not audited
        f"{PROD}/budgets": "NOT_COLLECTED",
    }


def test_cost_003_live_moto_lacks_cost_explorer_so_not_collected(
    moto: Seeder,  # noqa: F811
    audit,  # noqa: F811
) -> None:
    """moto implements no anomaly-detection API: COST-003 must not pass or fail on live data."""
    findings = scan_inventory(audit(["ce"]), {"COST-003"})
    assert findings and {f.status.value for f in findings} == {"NOT_COLLECTED"}


def _live_ce(resources: list[Resource]) -> Inventory:
    management = baseline()["accounts"]["management"]["id"]
    return Inventory(
        source={"kind": "live"},
        resources=resources,
        coverage=[CoverageEntry(management, "global", "ce", CoverageStatus.OK)],
    )


def test_cost_003_live_logic_on_a_hand_built_inventory() -> None:
    """What the ce collector would give (see tests/live/test_ce.py), judged as live data."""
    management = baseline()["accounts"]["management"]["id"]
    monitor = Resource(
        id="arn:aws:ce::1:anomalymonitor/m",
        type="aws_ce_anomaly_monitor",
        account=management,
        source="live",
        attributes={"name": "services", "monitor_type": "DIMENSIONAL"},
    )
    subscription = Resource(
        id="arn:aws:ce::1:anomalysubscription/s",
        type="aws_ce_anomaly_subscription",
        account=management,
        source="live",
        attributes={"name": "daily", "subscriber_count": 1, "subscriber_types": ["EMAIL"]},
        refs={"monitors": [monitor.id]},
    )
    scope = f"{management}/anomaly-detection"
    passing = scan_inventory(_live_ce([monitor, subscription]), {"COST-003"})
    assert statuses(passing, "COST-003") == {scope: "PASS"}
    failing = scan_inventory(_live_ce([monitor]), {"COST-003"})
    assert statuses(failing, "COST-003") == {scope: "FAIL"}


def _live_vpc(seeder: Seeder, cidr: str, nats: int, tags: dict[str, str]) -> str:
    """A VPC with three public-tier subnets (10.x.1-3.0/24) and ``nats`` NAT gateways."""
    ec2 = seeder.client("ec2", "us-west-2")
    vpc = ec2.create_vpc(CidrBlock=cidr)["Vpc"]["VpcId"]
    if tags:
        ec2.create_tags(Resources=[vpc], Tags=[{"Key": k, "Value": v} for k, v in tags.items()])
    prefix = cidr.rsplit(".", 2)[0]
    for i, az in enumerate(("a", "b", "c")):
        subnet = ec2.create_subnet(
            VpcId=vpc, CidrBlock=f"{prefix}.{i + 1}.0/24", AvailabilityZone=f"us-west-2{az}"
        )["Subnet"]["SubnetId"]
        if i < nats:
            allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
            ec2.create_nat_gateway(SubnetId=subnet, AllocationId=allocation)
    return vpc


def test_cost_004_and_tag_002_live_vpcs(moto: Seeder, audit) -> None:  # noqa: F811
    """dev (tagged, two NAT gateways) fails COST-004; staging (untagged, one NAT) fails TAG-002."""
    dev = _live_vpc(moto, "10.0.0.0/16", 2, TAGS)
    staging = _live_vpc(moto, "10.1.0.0/16", 1, {})
    findings = scan_inventory(audit(["ec2"], regions=["us-west-2"]), {"COST-004", "TAG-002"})
    assert statuses(findings, "COST-004") == {
        f"{dev}/nat-gateways": "FAIL",
        f"{staging}/nat-gateways": "PASS",
    }
    tags = statuses(findings, "TAG-002")
    assert (tags[dev], tags[staging]) == ("PASS", "FAIL")
    judged_vpcs = {f.resource_id for f in findings if f.rule_id == "TAG-002"} & {
        f.resource_id for f in findings if f.resource_type == "aws_vpc"
    }
    assert judged_vpcs == {dev, staging}  # AWS's default VPC is not judged
