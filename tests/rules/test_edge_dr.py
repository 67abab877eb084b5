"""Edge, observability and DR controls on real plans and on live inventories from moto.

Plans go through ``plan_of`` plus configuration references (``_config``) so that links
between new resources resolve as in a real `terraform show -json`; resources of the DR
region use a provider alias (``aws.dr``). Live cases seed the moto server and resolve every
resource to prod with the ``--env`` override (moto's account is not in the baseline).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from scanner.baseline.environment import resolve_environments
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder
from scanner.engine.evaluate import evaluate
from tests.live import conftest as live
from tests.rules import helpers
from tests.rules.helpers import UNKNOWN, plan_of, scan_inventory, scan_plan, statuses

# The moto server fixtures of tests/live, shared here.
moto_url = live.moto_url
moto = live.moto
audit = live.audit

DR_REGION = "us-east-1"
PROD = {"Environment": "prod"}


def _config(plan: dict[str, Any], address: str, **expressions: Any) -> None:
    """Give ``address`` a configuration block: expressions, and ``dr=True`` for the DR provider."""
    rtype, name = address.split(".")
    provider = "aws.dr" if expressions.pop("dr", False) else "aws"
    plan["configuration"]["root_module"]["resources"].append(
        {
            "address": address,
            "mode": "managed",
            "type": rtype,
            "name": name,
            "provider_config_key": provider,
            "expressions": expressions,
            "schema_version": 0,
        }
    )


def _ref(*targets: str) -> dict[str, list[str]]:
    refs = []
    for target in targets:
        refs += [target, target.rsplit(".", 1)[0]]
    return {"references": refs}


def _split(value: Any) -> tuple[Any, Any]:
    """A value without its ``UNKNOWN`` parts, and the ``after_unknown`` mirror of them."""
    if value is UNKNOWN:
        return None, True
    if isinstance(value, dict):
        known, marks = {}, {}
        for key, item in value.items():
            k, m = _split(item)
            if m is not True:
                known[key] = k
            if m:
                marks[key] = m
        return known, marks
    if isinstance(value, list):
        pairs = [_split(item) for item in value]
        marks_list = [m or False for _, m in pairs]
        return [k for k, _ in pairs], marks_list if any(marks_list) else {}
    return value, {}


def _plan(*resources: tuple[str, dict[str, Any]], region: str = "us-west-2") -> dict[str, Any]:
    """``plan_of`` with ``UNKNOWN`` allowed at any depth, and an ``aws.dr`` provider alias."""
    split = [(address, _split(values)) for address, values in resources]
    plan = plan_of(*[(address, known) for address, (known, _) in split], region=region)
    for change, (_, (_, marks)) in zip(plan["resource_changes"], split, strict=True):
        change["change"]["after_unknown"] = marks or {}
    plan["configuration"]["provider_config"]["aws.dr"] = {
        "name": "aws",
        "full_name": "registry.terraform.io/hashicorp/aws",
        "alias": "dr",
        "expressions": {"region": {"constant_value": DR_REGION}},
    }
    return plan


def _distribution(**overrides: Any) -> dict[str, Any]:
    values = {
        "id": UNKNOWN,
        "domain_name": UNKNOWN,
        "enabled": True,
        "origin": [{"domain_name": UNKNOWN, "origin_id": "alb"}],
        "default_cache_behavior": [
            {
                "compress": True,
                "viewer_protocol_policy": "redirect-to-https",
                "target_origin_id": "alb",
            }
        ],
        "viewer_certificate": [
            {"minimum_protocol_version": "TLSv1.2_2021", "cloudfront_default_certificate": False}
        ],
        "restrictions": [
            {"geo_restriction": [{"restriction_type": "whitelist", "locations": ["US"]}]}
        ],
        "web_acl_id": UNKNOWN,
        "tags": PROD,
    }
    values.update(overrides)
    return values


def _alb() -> dict[str, Any]:
    return {"name": "prod", "load_balancer_type": "application", "internal": False, "tags": PROD}


def _acl(*groups: str, override: str = "none") -> dict[str, Any]:
    rules = [
        {
            "name": group,
            "priority": n,
            "statement": [
                {"managed_rule_group_statement": [{"vendor_name": "AWS", "name": group}]}
            ],
            "override_action": [{override: [{}]}],
        }
        for n, group in enumerate(groups)
    ]
    return {
        "name": "edge",
        "scope": "CLOUDFRONT",
        "default_action": [{"allow": [{}]}],
        "rule": rules,
    }


def _edge_plan(distribution: dict[str, Any], acl: dict[str, Any]) -> dict[str, Any]:
    plan = _plan(
        ("aws_lb.prod", _alb()),
        ("aws_wafv2_web_acl.edge", acl),
        ("aws_cloudfront_distribution.prod", distribution),
    )
    _config(
        plan,
        "aws_cloudfront_distribution.prod",
        origin=[{"domain_name": _ref("aws_lb.prod.dns_name")}],
        web_acl_id=_ref("aws_wafv2_web_acl.edge.arn"),
    )
    return plan


EDGE = {"EDGE-001", "EDGE-002", "EDGE-003"}
DIST = "aws_cloudfront_distribution.prod"


def test_edge_001_to_003_plan_compliant_distribution_passes(tmp_path: Path) -> None:
    """EDGE-001..003: the prod distribution fronts aws_lb.prod, with WAF and geo restriction."""
    plan = _edge_plan(_distribution(), _acl("AWSManagedRulesCommonRuleSet"))
    findings = scan_plan(plan, tmp_path, EDGE, env="prod")
    for rule in sorted(EDGE):
        assert statuses(findings, rule) == {DIST: "PASS"}, rule


def test_edge_001_to_003_plan_drifted_distribution_fails(tmp_path: Path) -> None:
    """EDGE-001 (no compression, TLSv1), EDGE-002 (rule group only counts), EDGE-003 (no geo)."""
    distribution = _distribution(
        default_cache_behavior=[{"compress": False, "target_origin_id": "alb"}],
        viewer_certificate=[
            {"minimum_protocol_version": "TLSv1", "cloudfront_default_certificate": False}
        ],
        restrictions=[{"geo_restriction": [{"restriction_type": "none", "locations": []}]}],
    )
    plan = _edge_plan(distribution, _acl("AWSManagedRulesCommonRuleSet", override="count"))
    findings = scan_plan(plan, tmp_path, EDGE, env="prod")
    for rule in sorted(EDGE):
        assert statuses(findings, rule) == {DIST: "FAIL"}, rule


def test_edge_001_plan_origin_elsewhere_fails_the_alb(tmp_path: Path) -> None:
    """EDGE-001: a distribution whose origin is an S3 website leaves aws_lb.prod unfronted."""
    plan = _plan(
        ("aws_lb.prod", _alb()),
        (DIST, _distribution(origin=[{"domain_name": "site.s3.amazonaws.com", "origin_id": "s3"}])),
    )
    findings = scan_plan(plan, tmp_path, {"EDGE-001"}, env="prod")
    assert statuses(findings, "EDGE-001") == {DIST: "FAIL", "aws_lb.prod": "FAIL"}


def test_obs_001_plan_encrypted_domain_passes_plain_fails(tmp_path: Path) -> None:
    """OBS-001: encrypted shared-services domain passes; one without node-to-node fails."""
    on = [{"enabled": True}]
    plan = _plan(
        (
            "aws_opensearch_domain.logs",
            {"domain_name": "logs", "encrypt_at_rest": on, "node_to_node_encryption": on},
        ),
        ("aws_opensearch_domain.plain", {"domain_name": "plain", "encrypt_at_rest": on}),
    )
    findings = scan_plan(plan, tmp_path, {"OBS-001"}, env="shared-services")
    assert statuses(findings, "OBS-001") == {
        "aws_opensearch_domain.logs": "PASS",
        "aws_opensearch_domain.plain": "FAIL",
    }


def test_obs_002_plan_xray_and_dashboard(tmp_path: Path) -> None:
    """OBS-002 (plan only): prod EKS with an X-Ray group and a dashboard passes; without, fails."""
    eks = ("aws_eks_cluster.prod", {"name": "prod", "tags": PROD})
    xray = ("aws_xray_group.prod", {"group_name": "prod", "filter_expression": "ok", "tags": PROD})
    dash = ("aws_cloudwatch_dashboard.prod", {"dashboard_name": "prod", "dashboard_body": "{}"})
    good = scan_plan(_plan(eks, xray, dash), tmp_path, {"OBS-002"}, env="prod")
    assert statuses(good, "OBS-002") == {"prod/observability": "PASS"}
    bad = scan_plan(_plan(eks, xray), tmp_path, {"OBS-002"}, env="prod")
    assert statuses(bad, "OBS-002") == {"prod/observability": "FAIL"}


def _bucket(name: str, **extra: Any) -> dict[str, Any]:
    return {"bucket": name, "tags": PROD, **extra}


def _replicated_plan(destination_region_dr: bool, versioned: bool = True) -> dict[str, Any]:
    plan = _plan(
        ("aws_s3_bucket.data", _bucket("prod-data")),
        ("aws_s3_bucket.replica", _bucket("prod-data-replica")),
        (
            "aws_s3_bucket_versioning.data",
            {
                "bucket": "prod-data",
                "versioning_configuration": [{"status": "Enabled" if versioned else "Suspended"}],
            },
        ),
        (
            "aws_s3_bucket_replication_configuration.data",
            {
                "bucket": "prod-data",
                "role": "arn:aws:iam::555555555555:role/replication",
                "rule": [{"id": "all", "status": "Enabled", "destination": [{"bucket": UNKNOWN}]}],
            },
        ),
    )
    _config(plan, "aws_s3_bucket.replica", dr=destination_region_dr)
    _config(
        plan,
        "aws_s3_bucket_replication_configuration.data",
        bucket=_ref("aws_s3_bucket.data.id"),
        rule=[{"destination": [{"bucket": _ref("aws_s3_bucket.replica.arn")}]}],
    )
    _config(plan, "aws_s3_bucket_versioning.data", bucket=_ref("aws_s3_bucket.data.id"))
    return plan


def test_dr_002_plan_replication_to_dr_region(tmp_path: Path) -> None:
    """DR-002: aws_s3_bucket.data replicates to a bucket in us-east-1; same-region replica fails."""
    good = scan_plan(_replicated_plan(True), tmp_path, {"DR-002"}, env="prod")
    assert statuses(good, "DR-002") == {"aws_s3_bucket.data": "PASS"}
    bad = scan_plan(_replicated_plan(False), tmp_path, {"DR-002"}, env="prod")
    assert statuses(bad, "DR-002")["aws_s3_bucket.data"] == "FAIL"


def test_dr_001_plan_regions(tmp_path: Path) -> None:
    """DR-001: prod in us-west-2 (+ us-east-1) passes; prod only in eu-west-1 fails."""
    good = scan_plan(_replicated_plan(True), tmp_path, {"DR-001"}, env="prod")
    assert statuses(good, "DR-001") == {"prod/regions": "PASS"}
    plan = plan_of(
        ("aws_vpc.prod", {"cidr_block": "10.2.0.0/16", "tags": PROD}), region="eu-west-1"
    )
    bad = scan_plan(plan, tmp_path, {"DR-001"}, env="prod")
    assert statuses(bad, "DR-001") == {"prod/regions": "FAIL"}


def _aurora(identifier: str, **extra: Any) -> dict[str, Any]:
    return {"cluster_identifier": identifier, "engine": "aurora-mysql", "tags": PROD, **extra}


def test_dr_003_plan_global_database(tmp_path: Path) -> None:
    """DR-003: aws_rds_cluster.prod joined to a global database with a DR member passes."""
    plan = _plan(
        ("aws_rds_cluster.prod", _aurora("prod", global_cluster_identifier="global-prod")),
        ("aws_rds_cluster.dr", _aurora("prod-dr", global_cluster_identifier="global-prod")),
    )
    _config(plan, "aws_rds_cluster.dr", dr=True)
    good = scan_plan(plan, tmp_path, {"DR-003"}, env="prod")
    assert statuses(good, "DR-003") == {"aws_rds_cluster.prod": "PASS"}
    alone = scan_plan(
        _plan(("aws_rds_cluster.prod", _aurora("prod"))), tmp_path, {"DR-003"}, env="prod"
    )
    assert statuses(alone, "DR-003") == {"aws_rds_cluster.prod": "FAIL"}


def _eks_plan(max_size: int) -> dict[str, Any]:
    plan = _plan(
        ("aws_eks_cluster.prod", {"name": "prod", "tags": PROD}),
        ("aws_eks_cluster.dr", {"name": "prod-dr", "tags": PROD}),
        (
            "aws_eks_node_group.dr",
            {
                "node_group_name": "dr",
                "cluster_name": "prod-dr",
                "capacity_type": "ON_DEMAND",
                "instance_types": ["m5.xlarge"],
                "scaling_config": [{"min_size": 1, "max_size": max_size, "desired_size": 1}],
                "tags": PROD,
            },
        ),
    )
    _config(plan, "aws_eks_cluster.dr", dr=True)
    _config(plan, "aws_eks_node_group.dr", dr=True, cluster_name=_ref("aws_eks_cluster.dr.name"))
    return plan


def test_dr_005_plan_minimal_standby_cluster(tmp_path: Path) -> None:
    """DR-005: a DR-region cluster of at most 3 nodes passes; a 10-node standby fails."""
    good = scan_plan(_eks_plan(2), tmp_path, {"DR-005"}, env="prod")
    assert statuses(good, "DR-005") == {"prod/eks-standby": "PASS"}
    bad = scan_plan(_eks_plan(10), tmp_path, {"DR-005"}, env="prod")
    assert statuses(bad, "DR-005") == {"prod/eks-standby": "FAIL"}


def _dns_plan(health_checked: bool) -> dict[str, Any]:
    primary: dict[str, Any] = {
        "zone_id": "Z1",
        "name": "app.example.com",
        "type": "A",
        "set_identifier": "primary",
        "failover_routing_policy": [{"type": "PRIMARY"}],
        "records": ["192.0.2.1"],
        "ttl": 60,
    }
    if health_checked:
        primary["health_check_id"] = UNKNOWN
    secondary = {
        "zone_id": "Z1",
        "name": "app.example.com",
        "type": "A",
        "set_identifier": "secondary",
        "failover_routing_policy": [{"type": "SECONDARY"}],
        "records": ["192.0.2.2"],
        "ttl": 60,
    }
    plan = _plan(
        ("aws_route53_health_check.app", {"type": "HTTPS", "fqdn": "app.example.com", "port": 443}),
        ("aws_route53_record.primary", primary),
        ("aws_route53_record.secondary", secondary),
    )
    if health_checked:
        _config(
            plan,
            "aws_route53_record.primary",
            health_check_id=_ref("aws_route53_health_check.app.id"),
        )
    return plan


def test_dr_006_plan_failover_records(tmp_path: Path) -> None:
    """DR-006: a health-checked PRIMARY with a SECONDARY passes; without the health check fails."""
    good = scan_plan(_dns_plan(True), tmp_path, {"DR-006"}, env="prod")
    assert statuses(good, "DR-006") == {"prod/dns-failover": "PASS"}
    bad = scan_plan(_dns_plan(False), tmp_path, {"DR-006"}, env="prod")
    assert statuses(bad, "DR-006") == {"prod/dns-failover": "FAIL"}


# --- live inventories from the moto server ---------------------------------------------

VISIBILITY = {"SampledRequestsEnabled": True, "CloudWatchMetricsEnabled": True, "MetricName": "m"}


def _seed_alb(moto: Seeder) -> dict[str, Any]:
    """An internet-facing ALB in us-west-2 over two subnets."""
    ec2 = moto.client("ec2", "us-west-2")
    vpc = ec2.create_vpc(CidrBlock="10.2.0.0/16")["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.2.{n}.0/24", AvailabilityZone=f"us-west-2{az}")[
            "Subnet"
        ]["SubnetId"]
        for n, az in ((1, "a"), (2, "b"))
    ]
    elb = moto.client("elbv2", "us-west-2")
    return elb.create_load_balancer(Name="prod-alb", Subnets=subnets, Scheme="internet-facing")[
        "LoadBalancers"
    ][0]


def _seed_acl(moto: Seeder, name: str, count: bool) -> str:
    rule = {
        "Name": "crs",
        "Priority": 1,
        "OverrideAction": {"Count": {}} if count else {"None": {}},
        "Statement": {
            "ManagedRuleGroupStatement": {
                "VendorName": "AWS",
                "Name": "AWSManagedRulesCommonRuleSet",
            }
        },
        "VisibilityConfig": VISIBILITY,
    }
    return moto.client("wafv2").create_web_acl(
        Name=name,
        Scope="CLOUDFRONT",
        DefaultAction={"Allow": {}},
        VisibilityConfig=VISIBILITY,
        Rules=[rule],
    )["Summary"]["ARN"]


def _seed_distribution(moto: Seeder, origin: str, acl: str, compliant: bool) -> str:
    config: dict[str, Any] = {
        "CallerReference": f"{origin}-{compliant}",
        "Comment": "prod",
        "Enabled": True,
        "Origins": {
            "Quantity": 1,
            "Items": [
                {
                    "Id": "alb",
                    "DomainName": origin,
                    "CustomOriginConfig": {
                        "HTTPPort": 80,
                        "HTTPSPort": 443,
                        "OriginProtocolPolicy": "https-only",
                    },
                }
            ],
        },
        "DefaultCacheBehavior": {
            "TargetOriginId": "alb",
            "ViewerProtocolPolicy": "redirect-to-https",
            "Compress": compliant,
            "CachePolicyId": "658327ea-f89d-4fab-a63d-7e88639e58f6",
        },
        "ViewerCertificate": {
            "ACMCertificateArn": f"arn:aws:acm:us-east-1:{DEFAULT_ACCOUNT}:certificate/c",
            "SSLSupportMethod": "sni-only",
            "MinimumProtocolVersion": "TLSv1.2_2021" if compliant else "TLSv1",
        },
        "WebACLId": acl,
    }
    if compliant:
        config["Restrictions"] = {
            "GeoRestriction": {"RestrictionType": "whitelist", "Quantity": 1, "Items": ["US"]}
        }
    client = moto.client("cloudfront")
    return str(client.create_distribution(DistributionConfig=config)["Distribution"]["ARN"])


def test_edge_001_to_003_live(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    """EDGE-001..003 live: a compliant and a drifted distribution in front of prod-alb; DR-001."""
    alb = _seed_alb(moto)
    good = _seed_distribution(moto, alb["DNSName"], _seed_acl(moto, "good", count=False), True)
    bad = _seed_distribution(moto, alb["DNSName"], _seed_acl(moto, "bad", count=True), False)
    inventory = audit(["cloudfront", "wafv2", "elbv2"], regions=["us-west-2"])
    findings = scan_inventory(inventory, EDGE | {"DR-001"}, env="prod")
    for rule in sorted(EDGE):
        found = statuses(findings, rule)
        assert (found[good], found[bad]) == ("PASS", "FAIL"), rule
    assert alb["LoadBalancerArn"] not in statuses(findings, "EDGE-001")
    assert statuses(findings, "DR-001") == {"prod/regions": "PASS"}


def test_edge_004_live_when_enabled(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    """EDGE-004 live, baseline enabled: the protected distribution passes, the other fails."""
    acl = _seed_acl(moto, "edge", count=False)
    protected = _seed_distribution(moto, "a.example.com", acl, True)
    unprotected = _seed_distribution(moto, "b.example.com", acl, True)
    shield = moto.client("shield")
    shield.create_subscription()
    shield.create_protection(Name="cdn", ResourceArn=protected)
    inventory = audit(["shield", "cloudfront"], regions=["us-east-1"])
    enabled = {**helpers.baseline()}
    enabled["edge"] = {
        **enabled["edge"],
        "shield_advanced": {"enabled": True, "environments": ["prod"]},
    }
    resolve_environments(inventory, enabled, "prod")
    findings = evaluate(inventory, enabled, helpers.ruleset(), {"EDGE-004"})
    assert statuses(findings, "EDGE-004") == {protected: "PASS", unprotected: "FAIL"}
    # The bundled baseline leaves Shield Advanced off (decision shield-advanced): no verdicts.
    assert statuses(scan_inventory(inventory, {"EDGE-004"}, env="prod"), "EDGE-004") == {}


def test_obs_001_live(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    """OBS-001 live: the encrypted log domain passes, the unencrypted one fails."""
    client = moto.client("opensearch", "us-west-2")
    arns = {
        encrypted: client.create_domain(
            DomainName=f"logs-{str(encrypted).lower()}",
            EncryptionAtRestOptions={"Enabled": encrypted},
            NodeToNodeEncryptionOptions={"Enabled": encrypted},
        )["DomainStatus"]["ARN"]
        for encrypted in (True, False)
    }
    inventory = audit(["opensearch"], regions=["us-west-2"])
    findings = scan_inventory(inventory, {"OBS-001"}, env="shared-services")
    assert statuses(findings, "OBS-001") == {arns[True]: "PASS", arns[False]: "FAIL"}


def test_dr_001_002_live(moto: Seeder, audit) -> None:  # type: ignore[no-untyped-def]
    """DR-002 live: prod-data replicates to us-east-1 (PASS), prod-logs to eu-west-1 (FAIL).

    DR-001 fails: the eu-west-1 bucket is a production resource outside the region pair.
    """
    west = moto.client("s3", "us-west-2")
    for source, target, region in (
        ("prod-data", "prod-data-dr", "us-east-1"),
        ("prod-logs", "prod-logs-eu", "eu-west-1"),
    ):
        west.create_bucket(
            Bucket=source, CreateBucketConfiguration={"LocationConstraint": "us-west-2"}
        )
        other = moto.client("s3", region)
        location = {} if region == "us-east-1" else {"LocationConstraint": region}
        other.create_bucket(
            Bucket=target, **({"CreateBucketConfiguration": location} if location else {})
        )
        for client, name in ((west, source), (other, target)):
            client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        west.put_bucket_replication(
            Bucket=source,
            ReplicationConfiguration={
                "Role": f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/replication",
                "Rules": [
                    {
                        "ID": "to-dr",
                        "Priority": 1,
                        "Status": "Enabled",
                        "Filter": {"Prefix": ""},
                        "DeleteMarkerReplication": {"Status": "Disabled"},
                        "Destination": {"Bucket": f"arn:aws:s3:::{target}"},
                    }
                ],
            },
        )
    inventory = audit(["s3"], regions=["us-west-2"])
    findings = scan_inventory(inventory, {"DR-001", "DR-002"}, env="prod")
    assert statuses(findings, "DR-002") == {
        "arn:aws:s3:::prod-data": "PASS",
        "arn:aws:s3:::prod-logs": "FAIL",
        "arn:aws:s3:::prod-logs-eu": "FAIL",  # a prod bucket outside the DR region, not replicating
    }
    assert statuses(findings, "DR-001") == {"prod/regions": "FAIL"}


@pytest.mark.parametrize("health_checked", [True, False])
def test_dr_006_live(moto: Seeder, audit, health_checked: bool) -> None:  # type: ignore[no-untyped-def]
    """DR-006 live: PRIMARY/SECONDARY failover records for app.example.com."""
    route53 = moto.client("route53")
    zone = route53.create_hosted_zone(Name="example.com", CallerReference="z")["HostedZone"]["Id"]
    check = route53.create_health_check(
        CallerReference="hc",
        HealthCheckConfig={
            "Type": "HTTPS",
            "FullyQualifiedDomainName": "app.example.com",
            "Port": 443,
        },
    )["HealthCheck"]["Id"]
    changes = []
    for role, ip in (("PRIMARY", "192.0.2.1"), ("SECONDARY", "192.0.2.2")):
        record: dict[str, Any] = {
            "Name": "app.example.com",
            "Type": "A",
            "SetIdentifier": role.lower(),
            "Failover": role,
            "TTL": 60,
            "ResourceRecords": [{"Value": ip}],
        }
        if role == "PRIMARY" and health_checked:
            record["HealthCheckId"] = check
        changes.append({"Action": "CREATE", "ResourceRecordSet": record})
    route53.change_resource_record_sets(HostedZoneId=zone, ChangeBatch={"Changes": changes})
    inventory = audit(["route53"], regions=["us-west-2"])
    findings = scan_inventory(inventory, {"DR-006"}, env="prod")
    assert statuses(findings, "DR-006") == {
        "prod/dns-failover": "PASS" if health_checked else "FAIL"
    }


PASSWORD = {"MasterUsername": "admin", "MasterUserPassword": "not-a-secret-1"}


@pytest.mark.parametrize("copied", [True, False])
def test_dr_003_004_live(moto: Seeder, audit, copied: bool) -> None:  # type: ignore[no-untyped-def]
    """DR-003 live: prod has a replica in us-east-1, solo has none. DR-004: the daily backup
    plan copying to a us-east-1 vault passes; without it, the prod scope fails."""
    west = moto.client("rds", "us-west-2")
    clusters = {
        name: west.create_db_cluster(DBClusterIdentifier=name, Engine="aurora-mysql", **PASSWORD)[
            "DBCluster"
        ]["DBClusterArn"]
        for name in ("prod", "solo")
    }
    moto.client("rds", DR_REGION).create_db_cluster(
        DBClusterIdentifier="prod-dr",
        Engine="aurora-mysql",
        ReplicationSourceIdentifier=clusters["prod"],
        **PASSWORD,
    )
    if copied:
        dr_vault = moto.client("backup", DR_REGION).create_backup_vault(BackupVaultName="dr")[
            "BackupVaultArn"
        ]
        backup = moto.client("backup", "us-west-2")
        backup.create_backup_vault(BackupVaultName="prod")
        backup.create_backup_plan(
            BackupPlan={
                "BackupPlanName": "daily",
                "Rules": [
                    {
                        "RuleName": "daily",
                        "TargetBackupVaultName": "prod",
                        "ScheduleExpression": "cron(0 5 ? * * *)",
                        "CopyActions": [{"DestinationBackupVaultArn": dr_vault}],
                    }
                ],
            }
        )
    inventory = audit(["rds", "backup"], regions=["us-west-2", DR_REGION])
    findings = scan_inventory(inventory, {"DR-003", "DR-004"}, env="prod")
    assert statuses(findings, "DR-003") == {clusters["prod"]: "PASS", clusters["solo"]: "FAIL"}
    assert statuses(findings, "DR-004") == {"prod/snapshot-copy": "PASS" if copied else "FAIL"}


@pytest.mark.parametrize(("standby_max", "expected"), [(2, "PASS"), (10, "FAIL")])
def test_dr_005_live_standby_cluster(moto: Seeder, audit, standby_max: int, expected: str) -> None:  # type: ignore[no-untyped-def]
    """DR-005 live: prod's cluster in us-west-2 and a standby in us-east-1 whose node groups
    may grow to ``standby_max`` nodes (the baseline allows a minimal standby)."""
    role = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/eks"
    for region, name, high in (("us-west-2", "prod", 9), (DR_REGION, "prod-dr", standby_max)):
        eks = moto.client("eks", region)
        eks.create_cluster(
            name=name,
            roleArn=role,
            resourcesVpcConfig={"subnetIds": ["subnet-0a1b2c3d"]},
            tags={"Environment": "prod"},
        )
        eks.create_nodegroup(
            clusterName=name,
            nodegroupName="workers",
            nodeRole=role,
            subnets=["subnet-0a1b2c3d"],
            scalingConfig={"minSize": 0, "desiredSize": 1, "maxSize": high},
            tags={"Environment": "prod"},
        )
    inventory = audit(["eks"], regions=["us-west-2", DR_REGION])
    findings = scan_inventory(inventory, {"DR-005"}, env="prod")
    assert statuses(findings, "DR-005") == {"prod/eks-standby": expected}
