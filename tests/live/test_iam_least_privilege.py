"""Least privilege: the documented policy is what the collectors need, checked under IAM.

``docs/iam/archscan-readonly.json`` is generated from every collector's declared actions
(:mod:`scanner.collect.aws.iam_policy`). On a moto server that enforces IAM, a user holding
only that policy audits a seeded account with nothing denied; without one action, exactly
that service is denied and the rules reading it are NOT_COLLECTED.

What moto can and cannot check (facts of moto 5.2.5, pinned by the canary test below):

- enforcement starts with POST "0" to ``/moto-api/reset-auth`` and is process-wide, like
  every in-process moto server's state: the ``enforce`` fixture always switches it off;
- only calls actually made are checked, so the account is seeded with one of nearly
  everything first, and every recorded call is also compared with the declared actions;
- REST-JSON and REST-XML services (EKS, GuardDuty, Backup, OpenSearch, Route 53, CloudFront)
  fail moto's SigV4 check for any principal: those denials are excused only when the failing
  call is such a REST call and the answer is not an AccessDenied;
- moto authorizes ``service:Operation``, where real IAM sometimes names the action otherwise
  (``budgets:DescribeBudgets`` is authorized by ``budgets:ViewBudget``), and maps some S3
  bucket sub-resources (encryption, replication, public access block, intelligent tiering)
  to ``s3:ListBucket``: the test user gets those names too, in a separate moto-only
  statement (:func:`moto_only`), never in the documented policy.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import boto3
import pytest
from botocore.config import Config
from botocore.exceptions import ClientError

from scanner.collect.aws import discovery, iam_policy, registry
from scanner.collect.aws.collector import collect_live
from scanner.collect.aws.fanout import plan_tasks, run_tasks
from scanner.collect.aws.moto_server import DEFAULT_ACCOUNT, Seeder, post, reset
from scanner.collect.aws.options import AwsOptions
from scanner.collect.aws.session import Sessions
from scanner.engine.ruleset import RuleSet
from scanner.findings import Status
from scanner.inventory.model import CoverageEntry, CoverageStatus, Inventory
from scanner.inventory.types import services_for
from scanner.pipeline import ScanOptions, run
from tests.live.fault_proxy import share_botocore_models

REPO = Path(__file__).resolve().parents[2]
POLICY_FILE = REPO / "docs" / "iam" / "archscan-readonly.json"
REGION = "us-east-1"
USER = "archscan-auditor"
ROLE = f"arn:aws:iam::{DEFAULT_ACCOUNT}:role/service"
TAGS = [{"Key": "Environment", "Value": "prod"}]
REST_PROTOCOLS = frozenset({"rest-json", "rest-xml"})
SEED_BUCKET = "archscan-seed"
KMS_RULE = """
from scanner.engine.python_rules import rule
from scanner.engine.verdict import Verdict


@rule(id="TST-KMS-001", title="KMS keys rotate (test rule)", severity="high",
      inputs=["live"], reads=["aws_kms_key"])
def rotation(inventory, baseline):
    for r in inventory.resources:
        if r.type == "aws_kms_key":
            rotates = r.attributes.get("enable_key_rotation")
            yield Verdict(resource=r.id, status="PASS" if rotates else "FAIL", message="rotation")
"""


@pytest.fixture(autouse=True)
def _shared_models(monkeypatch: pytest.MonkeyPatch) -> None:
    share_botocore_models(monkeypatch)


def write_kms_rule(folder: Path) -> Path:
    """A rules folder holding TST-KMS-001, a high-severity rule that reads aws_kms_key."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "kms_rotation.py").write_text(KMS_RULE, encoding="utf-8")
    return folder


# --- the documented policy -----------------------------------------------------------------


def test_documented_policy_is_current() -> None:
    expected = iam_policy.render(iam_policy.policy_document())
    assert POLICY_FILE.exists(), "run: python -m scanner.collect.aws.iam_policy --write " + str(
        POLICY_FILE.relative_to(REPO)
    )
    assert POLICY_FILE.read_text(encoding="utf-8") == expected, (
        "docs/iam/archscan-readonly.json is stale: run "
        "python -m scanner.collect.aws.iam_policy --write docs/iam/archscan-readonly.json"
    )
    assert iam_policy.main(["--check", str(POLICY_FILE)]) == 0


def test_policy_is_read_only_and_fits_a_managed_policy() -> None:
    document = iam_policy.policy_document()
    actions = document["Statement"][0]["Action"]
    assert iam_policy.not_read_only(actions) == []
    assert all(action.count(":") == 1 and "*" not in action for action in actions)
    assert iam_policy.policy_size(document) <= iam_policy.MANAGED_POLICY_LIMIT
    assert set(registry.permissions()) == set(actions)
    assert iam_policy.not_read_only(["s3:PutBucketPolicy", "kms:ListKeys"]) == [
        "s3:PutBucketPolicy"
    ]


@pytest.mark.parametrize(
    ("call", "action"),
    [
        ("kms:ListKeys", "kms:ListKeys"),
        ("elbv2:DescribeListeners", "elasticloadbalancing:DescribeListeners"),
        ("opensearch:ListDomainNames", "es:ListDomainNames"),
        ("s3:ListBuckets", "s3:ListAllMyBuckets"),
        ("s3:GetBucketEncryption", "s3:GetEncryptionConfiguration"),
        ("budgets:DescribeBudgets", "budgets:ViewBudget"),
    ],
)
def test_recorded_calls_map_to_iam_actions(call: str, action: str) -> None:
    assert iam_policy.iam_action(call) == action


# --- a seeded account --------------------------------------------------------------------


class _Clients:
    """One client per service (creating a boto3 client costs more than most moto calls)."""

    def __init__(self, moto: Seeder, region: str) -> None:
        self.session = moto.session()
        self.url, self.region, self.config = moto.url, region, moto.config
        self.made: dict[str, Any] = {}

    def client(self, service: str, region: str | None = None) -> Any:
        if service not in self.made:
            self.made[service] = self.session.client(
                service, region_name=self.region, endpoint_url=self.url, config=self.config
            )
        return self.made[service]


def seed_account(seeder: Seeder, region: str = REGION) -> dict[str, Any]:
    """One of nearly everything the collectors read, so that their per-item calls happen."""
    moto = _Clients(seeder, region)
    ids: dict[str, Any] = {}
    org = moto.client("organizations", region)
    org.create_organization(FeatureSet="ALL")
    scp = {"Version": "2012-10-17", "Statement": [{"Effect": "Deny", "Action": "*:Leave*"}]}
    scp["Statement"][0]["Resource"] = "*"
    org.create_policy(
        Name="no-leave", Description="scp", Type="SERVICE_CONTROL_POLICY", Content=json.dumps(scp)
    )
    ec2 = moto.client("ec2", region)
    vpc = ec2.create_vpc(
        CidrBlock="10.9.0.0/16", TagSpecifications=[{"ResourceType": "vpc", "Tags": TAGS}]
    )["Vpc"]["VpcId"]
    subnets = [
        ec2.create_subnet(VpcId=vpc, CidrBlock=f"10.9.{n}.0/24", AvailabilityZone=f"{region}{z}")[
            "Subnet"
        ]["SubnetId"]
        for n, z in ((1, "a"), (2, "b"))
    ]
    igw = ec2.create_internet_gateway()["InternetGateway"]["InternetGatewayId"]
    ec2.attach_internet_gateway(InternetGatewayId=igw, VpcId=vpc)
    allocation = ec2.allocate_address(Domain="vpc")["AllocationId"]
    ec2.create_nat_gateway(SubnetId=subnets[0], AllocationId=allocation)
    table = ec2.create_route_table(VpcId=vpc)["RouteTable"]["RouteTableId"]
    ec2.create_route(RouteTableId=table, DestinationCidrBlock="0.0.0.0/0", GatewayId=igw)
    ec2.associate_route_table(RouteTableId=table, SubnetId=subnets[0])
    ec2.create_network_acl(VpcId=vpc)
    ec2.create_vpc_endpoint(
        VpcId=vpc, ServiceName=f"com.amazonaws.{region}.s3", RouteTableIds=[table]
    )
    tgw = ec2.create_transit_gateway(Description="hub")["TransitGateway"]["TransitGatewayId"]
    ec2.create_transit_gateway_vpc_attachment(
        TransitGatewayId=tgw, VpcId=vpc, SubnetIds=[subnets[1]]
    )
    group = ec2.create_security_group(GroupName="app", Description="app", VpcId=vpc)["GroupId"]
    volume = ec2.create_volume(
        AvailabilityZone=f"{region}a", Size=8, VolumeType="gp3", Encrypted=True
    )["VolumeId"]
    ec2.create_snapshot(VolumeId=volume)
    ec2.create_launch_template(
        LaunchTemplateName="app", LaunchTemplateData={"InstanceType": "t3.micro"}
    )
    ec2.run_instances(ImageId="ami-12345678", MinCount=1, MaxCount=1, SubnetId=subnets[0])
    moto.client("autoscaling", region).create_auto_scaling_group(
        AutoScalingGroupName="app",
        LaunchTemplate={"LaunchTemplateName": "app"},
        MinSize=1,
        MaxSize=2,
        VPCZoneIdentifier=",".join(subnets),
    )
    elb = moto.client("elbv2", region)
    lb = elb.create_load_balancer(Name="web", Subnets=subnets, SecurityGroups=[group])[
        "LoadBalancers"
    ][0]["LoadBalancerArn"]
    target = elb.create_target_group(Name="web", Protocol="HTTP", Port=80, VpcId=vpc)[
        "TargetGroups"
    ][0]["TargetGroupArn"]
    elb.create_listener(
        LoadBalancerArn=lb,
        Protocol="HTTP",
        Port=80,
        DefaultActions=[{"Type": "forward", "TargetGroupArn": target}],
    )
    eks = moto.client("eks", region)
    eks.create_cluster(name="prod", roleArn=ROLE, resourcesVpcConfig={"subnetIds": subnets})
    eks.create_nodegroup(
        clusterName="prod", nodegroupName="workers", nodeRole=ROLE, subnets=subnets
    )
    _seed_data_stores(moto, region, subnets)
    _seed_security(moto, region)
    ids.update(vpc=vpc, subnets=subnets, group=group)
    return ids


def _seed_data_stores(moto: _Clients, region: str, subnets: list[str]) -> None:
    rds = moto.client("rds", region)
    rds.create_db_subnet_group(
        DBSubnetGroupName="db", DBSubnetGroupDescription="db", SubnetIds=subnets
    )
    rds.create_db_cluster(
        DBClusterIdentifier="prod",
        Engine="aurora-postgresql",
        MasterUsername="admin",
        MasterUserPassword="password1",
        DBSubnetGroupName="db",
        StorageEncrypted=True,
    )
    rds.create_db_instance(
        DBInstanceIdentifier="prod-1",
        DBClusterIdentifier="prod",
        Engine="aurora-postgresql",
        DBInstanceClass="db.r6g.large",
    )
    rds.create_db_instance(
        DBInstanceIdentifier="solo",
        Engine="postgres",
        DBInstanceClass="db.t3.micro",
        AllocatedStorage=20,
        MasterUsername="admin",
        MasterUserPassword="password1",
    )
    cache = moto.client("elasticache", region)
    cache.create_cache_subnet_group(
        CacheSubnetGroupName="cache", CacheSubnetGroupDescription="cache", SubnetIds=subnets
    )
    cache.create_replication_group(
        ReplicationGroupId="sessions",
        ReplicationGroupDescription="sessions",
        Engine="redis",
        CacheNodeType="cache.t3.micro",
        NumCacheClusters=2,
        CacheSubnetGroupName="cache",
    )
    s3 = moto.client("s3", region)
    bucket = SEED_BUCKET
    s3.create_bucket(Bucket=bucket)
    s3.put_bucket_tagging(Bucket=bucket, Tagging={"TagSet": TAGS})
    s3.put_bucket_versioning(Bucket=bucket, VersioningConfiguration={"Status": "Enabled"})
    s3.put_bucket_encryption(
        Bucket=bucket,
        ServerSideEncryptionConfiguration={
            "Rules": [{"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "aws:kms"}}]
        },
    )
    s3.put_bucket_lifecycle_configuration(
        Bucket=bucket,
        LifecycleConfiguration={
            "Rules": [
                {"ID": "expire", "Status": "Enabled", "Filter": {}, "Expiration": {"Days": 30}}
            ]
        },
    )
    s3.put_public_access_block(
        Bucket=bucket,
        PublicAccessBlockConfiguration={
            "BlockPublicAcls": True,
            "IgnorePublicAcls": True,
            "BlockPublicPolicy": True,
            "RestrictPublicBuckets": True,
        },
    )
    moto.client("ecr", region).create_repository(
        repositoryName="app",
        imageScanningConfiguration={"scanOnPush": True},
        imageTagMutability="IMMUTABLE",
    )
    moto.client("opensearch", region).create_domain(DomainName="logs")
    backup = moto.client("backup", region)
    backup.create_backup_vault(BackupVaultName="vault")
    backup.create_backup_plan(
        BackupPlan={
            "BackupPlanName": "daily",
            "Rules": [
                {
                    "RuleName": "daily",
                    "TargetBackupVaultName": "vault",
                    "ScheduleExpression": "cron(0 5 * * ? *)",
                }
            ],
        }
    )


def _seed_security(moto: _Clients, region: str) -> None:
    kms = moto.client("kms", region)
    key = kms.create_key(Description="seed", Tags=[{"TagKey": "Environment", "TagValue": "prod"}])
    kms.enable_key_rotation(KeyId=key["KeyMetadata"]["KeyId"])
    moto.client("secretsmanager", region).create_secret(Name="db/password", SecretString="x")
    config = moto.client("config", region)
    config.put_configuration_recorder(
        ConfigurationRecorder={
            "name": "default",
            "roleARN": ROLE,
            "recordingGroup": {"allSupported": True, "includeGlobalResourceTypes": True},
        }
    )
    config.put_delivery_channel(DeliveryChannel={"name": "default", "s3BucketName": SEED_BUCKET})
    config.start_configuration_recorder(ConfigurationRecorderName="default")
    moto.client("guardduty", region).create_detector(Enable=True)
    moto.client("cloudtrail", region).create_trail(
        Name="org", S3BucketName=SEED_BUCKET, IsMultiRegionTrail=True
    )
    moto.client("route53", region).create_hosted_zone(Name="example.com", CallerReference="x")
    moto.client("budgets", region).create_budget(
        AccountId=DEFAULT_ACCOUNT,
        Budget={
            "BudgetName": "monthly",
            "BudgetLimit": {"Amount": "100", "Unit": "USD"},
            "TimeUnit": "MONTHLY",
            "BudgetType": "COST",
        },
    )
    moto.client("wafv2", region).create_web_acl(
        Name="edge",
        Scope="REGIONAL",
        DefaultAction={"Allow": {}},
        VisibilityConfig={
            "SampledRequestsEnabled": False,
            "CloudWatchMetricsEnabled": False,
            "MetricName": "edge",
        },
    )


# --- enforcement ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def seeded(moto_url: str) -> Iterator[Seeder]:
    """The session's moto server, seeded once for this module (and clean afterwards).

    Seeding costs seconds; these tests only read it and add IAM users of their own.
    """
    reset(moto_url)
    seeder = Seeder(moto_url)
    seed_account(seeder)
    yield seeder
    reset(moto_url)


@pytest.fixture
def enforce(moto_url: str) -> Iterator[Callable[[], None]]:
    """Call to switch IAM enforcement on; it is always switched off again afterwards."""

    def on() -> None:
        post(moto_url, "/moto-api/reset-auth", b"0", "text/plain")

    try:
        yield on
    finally:
        post(moto_url, "/moto-api/reset-auth", b"inf", "text/plain")


def moto_only(actions: list[str]) -> list[str]:
    """The names moto checks instead of real IAM actions among ``actions`` (module docstring)."""
    names = {"s3:ListBucket"} if any(a.startswith("s3:") for a in actions) else set()
    for (service, operation), action in iam_policy.ACTION_OVERRIDES.items():
        prefix = iam_policy.iam_action(f"{service}:{operation}").split(":", 1)[0]
        if service != "s3" and f"{prefix}:{action}" in actions:
            names.add(f"{prefix}:{operation}")
    return sorted(names)


def create_auditor(moto: Seeder, user: str, actions: list[str]) -> dict[str, str]:
    """An IAM user holding only ``actions`` (plus the moto-only statement); its access key."""
    document = iam_policy.policy_document()
    document["Statement"][0]["Action"] = sorted(actions)
    document["Statement"].append(
        {"Sid": "MotoOnly", "Effect": "Allow", "Action": moto_only(actions), "Resource": "*"}
    )
    iam = moto.client("iam")
    iam.create_user(UserName=user)
    arn = iam.create_policy(PolicyName=user, PolicyDocument=json.dumps(document))["Policy"]["Arn"]
    iam.attach_user_policy(UserName=user, PolicyArn=arn)
    key = iam.create_access_key(UserName=user)["AccessKey"]
    return {"AccessKeyId": key["AccessKeyId"], "SecretAccessKey": key["SecretAccessKey"]}


def act_as(monkeypatch: pytest.MonkeyPatch, key: dict[str, str]) -> None:
    """Make the default credential chain (what Sessions uses) return the auditor's key."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", key["AccessKeyId"])
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", key["SecretAccessKey"])
    monkeypatch.delenv("AWS_SESSION_TOKEN", raising=False)  # moto rejects a user key with one
    monkeypatch.delenv("AWS_PROFILE", raising=False)


def client_of(url: str, service: str, key: dict[str, str]) -> Any:
    """A client signing with ``key`` alone (a fresh session: boto3's default one caches)."""
    session = boto3.Session(
        aws_access_key_id=key["AccessKeyId"], aws_secret_access_key=key["SecretAccessKey"]
    )
    config = Config(retries={"total_max_attempts": 1})
    return session.client(service, endpoint_url=url, region_name=REGION, config=config)


def audit(url: str) -> Inventory:
    """Every registered service, one region."""
    options = AwsOptions(endpoint_url=url, regions=[REGION], max_attempts=1, read_timeout=10)
    return collect_live(options)


def moto_cannot_verify(entry: CoverageEntry) -> bool:
    """A denial caused by moto's SigV4 check of REST protocols, not by the policy."""
    service = (entry.api_call or ":").split(":", 1)[0]
    if service == "s3" or _protocol(service) not in REST_PROTOCOLS:
        return False
    return "AccessDenied" not in (entry.message or "")


def _protocol(service: str) -> str:
    import botocore.session

    try:
        model = botocore.session.get_session().get_service_model(service)
    except Exception:
        return "unknown"
    return str(model.resolved_protocol)


def denials(inventory: Inventory) -> list[CoverageEntry]:
    """Denied ledger entries that moto's limits do not explain."""
    return [
        entry
        for entry in inventory.coverage
        if entry.status == CoverageStatus.DENIED and not moto_cannot_verify(entry)
    ]


def snapshot(inventory: Inventory, services: set[str]) -> dict[str, Any]:
    """Resources of the given services' types and ledger statuses, for comparison."""
    specs = registry.all_specs()
    types = {t for name in services for t in specs[name].types}
    return {
        "ledger": sorted(
            (e.service, e.region or "", e.status.value)
            for e in inventory.coverage
            if e.service in services
        ),
        "resources": sorted(
            json.dumps(r.to_dict(), sort_keys=True, default=str)
            for r in inventory.resources
            if r.type in types
        ),
    }


def test_documented_policy_suffices_under_enforcement(
    seeded: Seeder, enforce: Callable[[], None], monkeypatch: pytest.MonkeyPatch
) -> None:
    moto = seeded
    key = create_auditor(moto, USER, iam_policy.policy_document()["Statement"][0]["Action"])
    act_as(monkeypatch, key)
    before = audit(moto.url)  # the same user, enforcement still off
    enforce()
    with pytest.raises(ClientError) as outside:  # enforcement is on: outside the policy fails
        client_of(moto.url, "iam", key).list_users()
    assert "AccessDenied" in str(outside.value)
    after = audit(moto.url)
    assert denials(after) == []
    verified = {
        e.service
        for e in after.coverage
        if e.status != CoverageStatus.DENIED or not moto_cannot_verify(e)
    }
    assert {"kms", "ec2", "rds", "s3"} <= verified
    # Nothing a verifiable collector read differs: no denial was swallowed as "absent".
    assert snapshot(after, verified) == snapshot(before, verified)
    assert any(r.type == "aws_kms_key" for r in after.resources)
    sessions = Sessions(AwsOptions(endpoint_url=moto.url, max_attempts=1))
    assert REGION in discovery.regions(AwsOptions(endpoint_url=moto.url), sessions)


def test_one_missing_action_denies_exactly_that_service(
    seeded: Seeder, enforce: Callable[[], None], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    moto = seeded
    actions = [a for a in registry.permissions() if a != "kms:ListKeys"]
    act_as(monkeypatch, create_auditor(moto, f"{USER}-no-listkeys", actions))
    enforce()
    inventory = audit(moto.url)
    [entry] = denials(inventory)
    assert (entry.service, entry.region, entry.api_call) == ("kms", REGION, "kms:ListKeys")
    assert not any(r.type == "aws_kms_key" for r in inventory.resources)

    result = run(inventory, ScanOptions(rules_dirs=[write_kms_rule(tmp_path / "rules")]))
    reading_kms = {
        meta.id
        for meta in RuleSet.load([], [tmp_path / "rules"]).all_meta()
        if "kms" in services_for(meta.reads) and "live" in meta.inputs
    }
    assert "TST-KMS-001" in reading_kms
    for rule_id in reading_kms:
        statuses = {
            (f.status, f.account, f.region) for f in result.context.findings if f.rule_id == rule_id
        }
        assert statuses == {(Status.NOT_COLLECTED, DEFAULT_ACCOUNT, REGION)}, rule_id


def test_every_recorded_call_is_declared(seeded: Seeder) -> None:
    """Calls moto never authorizes (REST protocols) are checked here, from the call log."""
    moto = seeded
    options = AwsOptions(endpoint_url=moto.url, regions=[REGION], max_attempts=1)
    sessions = Sessions(options)
    specs = list(registry.all_specs().values())
    results = run_tasks(
        plan_tasks([DEFAULT_ACCOUNT], [REGION], specs, DEFAULT_ACCOUNT), sessions, options
    )
    missing = {
        result.task.spec.name: iam_policy.undeclared(result.calls, result.task.spec.permissions)
        for result in results
    }
    assert {name: gap for name, gap in missing.items() if gap} == {}
    assert sum(len(result.calls) for result in results) > 2 * len(specs)


def test_moto_enforcement_limits_still_hold(seeded: Seeder, enforce: Callable[[], None]) -> None:
    """Canary: when moto fixes these, drop :func:`moto_only` and the REST excuse above."""
    iam = seeded.client("iam")
    user = f"{USER}-canary"
    iam.create_user(UserName=user)
    bare = {
        "Version": "2012-10-17",
        "Statement": [
            {
                "Effect": "Allow",
                "Action": ["eks:ListClusters", "s3:GetEncryptionConfiguration"],
                "Resource": "*",
            }
        ],
    }
    iam.put_user_policy(UserName=user, PolicyName="bare", PolicyDocument=json.dumps(bare))
    key = iam.create_access_key(UserName=user)["AccessKey"]
    moto = seeded
    enforce()
    with pytest.raises(ClientError) as rest:
        client_of(moto.url, "eks", key).list_clusters()
    assert "SignatureDoesNotMatch" in str(rest.value)
    with pytest.raises(ClientError) as sub_resource:
        client_of(moto.url, "s3", key).get_bucket_encryption(Bucket=SEED_BUCKET)
    assert sub_resource.value.response["Error"]["Code"] == "AccessDenied"
