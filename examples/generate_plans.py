#!/usr/bin/env python3
"""Generate the two example Terraform plans of archscan's production reference estate.

    python examples/generate_plans.py           # (re)write both plans next to this file
    python examples/generate_plans.py --check   # fail if the committed plans are stale

The files imitate ``terraform show -json plan.tfplan`` of Terraform 1.5.7 (plan format 1.2)
with the AWS provider 5.x, written on one line as Terraform writes them:

* ``prod-compliant.plan.json``: the first build of the production estate. Only the KMS
  keys and the DR replica buckets exist already (``no-op``); everything else is created,
  so ids, ARNs and most links between resources are known only after apply and a loader
  has to follow the ``configuration`` references.
* ``prod-drifted.plan.json``: the same configuration with the drifts listed in
  ``README.md``, planned against a state in which the network foundation already exists
  (so some links are known AWS ids) and from which one NAT gateway is deleted.

The estate is described once, declaratively, in the ``build_*`` functions: every argument
is written with the expression the configuration uses (``lit`` for a literal, ``via`` for
references) and the value it evaluates to. The rest of the file turns that description
into what Terraform prints. Standard library only; the output is deterministic.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
import sys
import zlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent

TERRAFORM_VERSION = "1.5.7"
AWS = "registry.terraform.io/hashicorp/aws"
HELM = "registry.terraform.io/hashicorp/helm"
HELM_VERSION_CONSTRAINT = "~> 2.17"
AWS_VERSION_CONSTRAINT = "~> 5.82"
ACCOUNT_ID = "555555555555"
REGION = "us-west-2"
DR_REGION = "us-east-1"
ALL_AZS = ("us-west-2a", "us-west-2b", "us-west-2c", "us-west-2d")
AZS = ALL_AZS[:3]
AZ_IDS = dict(zip(ALL_AZS, ("usw2-az2", "usw2-az1", "usw2-az3", "usw2-az4"), strict=True))
VPC_CIDR = "10.2.0.0/16"
PUBLIC_SUBNETS = ("10.2.1.0/24", "10.2.2.0/24", "10.2.3.0/24")
PRIVATE_SUBNETS = ("10.2.10.0/24", "10.2.11.0/24", "10.2.12.0/24")
DATABASE_SUBNETS = ("10.2.20.0/24", "10.2.21.0/24", "10.2.22.0/24")
COMMON_TAGS = {"CostCenter": "cc-4100", "Environment": "prod", "Owner": "platform-team"}
# The sensitive value a scanner must never repeat: tests grep every report for it.
DB_MASTER_PASSWORD = "s3cr3t-Pa55w0rd-DO-NOT-LEAK"
CERTIFICATE_ARN = (
    f"arn:aws:acm:{REGION}:{ACCOUNT_ID}:certificate/3b0e6c1e-7a55-4c1f-9d7e-2f1a8b9c0d42"
)
TLS13_POLICY = "ELBSecurityPolicy-TLS13-1-2-2021-06"
LEGACY_TLS_POLICY = "ELBSecurityPolicy-2016-08"
CALLER_ARN = f"arn:aws:sts::{ACCOUNT_ID}:assumed-role/prod-terraform-deployer/ci-pipeline"
WORLD = "0.0.0.0/0"


@dataclass(frozen=True)
class Variant:
    """What differs between the two plans: the drifts, and what already exists."""

    name: str
    timestamp: str
    private_subnets: tuple[str, ...] = PRIVATE_SUBNETS
    nat_gateway_count: int = 3
    database_internet_access: bool = False
    db_instance_class: str = "db.r5.xlarge"
    db_instance_count: int = 3
    db_storage_encrypted: bool = True
    alb_ssl_policy: str = TLS13_POLICY
    http_redirects_to_https: bool = True
    velero_versioning: str = "Enabled"
    velero_public_access_block: bool = True
    extra_drift_resources: bool = False
    network_foundation_exists: bool = False


COMPLIANT = Variant("prod-compliant", "2025-03-04T17:22:41Z")
DRIFTED = Variant(
    "prod-drifted",
    "2025-09-16T08:05:13Z",
    private_subnets=("10.2.10.0/24", "10.2.11.0/24", "10.2.30.0/24"),  # NET-003
    nat_gateway_count=2,  # NET-004
    database_internet_access=True,  # NET-005
    db_instance_class="db.r5.large",  # DB-003
    db_instance_count=2,  # DB-003
    db_storage_encrypted=False,  # DB-004
    alb_ssl_policy=LEGACY_TLS_POLICY,  # SEC-001
    http_redirects_to_https=False,  # SEC-001
    velero_versioning="Suspended",  # STO-005
    velero_public_access_block=False,  # STO-005
    extra_drift_resources=True,  # STO-001, STO-002, TAG-001, UNKNOWN
    network_foundation_exists=True,
)


# ---------------------------------------------------------------------------
# Values. Known values are plain JSON-like Python; these mark everything else.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Unknown:
    """A value known only after apply; ``kind`` says how Terraform summarises it."""

    kind: str  # "value", "list" or "map"


UNKNOWN = Unknown("value")
UNKNOWN_LIST = Unknown("list")
UNKNOWN_MAP = Unknown("map")


@dataclass(frozen=True)
class Secret:
    """A value from a sensitive variable: in clear in ``after``, marked sensitive."""

    value: Any


@dataclass(frozen=True)
class Ref:
    """Another instance's attribute: known in the plan only if that attribute is."""

    address: str
    attr: str


@dataclass(frozen=True)
class Arg:
    """A configured argument: what it evaluates to, and its configuration expression."""

    value: Any
    expression: Any


# ---------------------------------------------------------------------------
# Configuration expressions, with references unwrapped as Terraform lists them.
# ---------------------------------------------------------------------------

_STEP = re.compile(r"\.?[A-Za-z0-9_\-]+|\[[^\]]+\]")
_NAMED_ROOTS = {"var", "local", "count", "each", "path", "self", "terraform"}


def references(*traversals: str) -> list[str]:
    """Expand traversals the way ``configuration`` lists them.

    ``aws_subnet.public[0].id`` gives the attribute, the instance and the resource;
    ``module.vpc.vpc_id`` the output and the module call. A dynamic index is written as
    two traversals: ``references("aws_subnet.public", "count.index")``.
    """
    out: list[str] = []
    for traversal in traversals:
        steps = _STEP.findall(traversal)
        if "".join(steps) != traversal:
            raise ValueError(f"cannot parse traversal {traversal!r}")
        extra = None
        if steps[0] in _NAMED_ROOTS:
            subject_len = 2
        elif steps[0] == "module":
            subject_len, extra = 3, "".join(steps[:2])
        else:
            subject_len = 3 if steps[0] == "data" else 2
            if len(steps) > subject_len and steps[subject_len].startswith("["):
                extra = "".join(steps[:subject_len])
                subject_len += 1
        out.extend("".join(steps[:end]) for end in range(len(steps), subject_len, -1))
        out.append("".join(steps[:subject_len]))
        if extra:
            out.append(extra)
    return out


def ref(*traversals: str) -> dict[str, Any]:
    return {"references": references(*traversals)}


def const(value: Any) -> dict[str, Any]:
    return {"constant_value": value}


def lit(value: Any) -> Arg:
    """An argument written as a literal."""
    return Arg(value, const(value))


def via(value: Any, *traversals: str) -> Arg:
    """An argument computed from references (variables, locals, resources, modules)."""
    return Arg(value, ref(*traversals))


def split_args(values: dict[str, Any]) -> tuple[dict[str, Any], dict[str, Any]]:
    """Separate a resource description into configuration expressions and values.

    Plain values (no ``Arg``) are not in the configuration: computed attributes, or
    blocks generated by ``dynamic`` (which Terraform leaves out of ``expressions``).
    """
    expressions: dict[str, Any] = {}
    plain: dict[str, Any] = {}
    for key, item in values.items():
        if isinstance(item, Arg):
            expressions[key], plain[key] = item.expression, item.value
        elif isinstance(item, dict) and any(isinstance(x, Arg) for x in item.values()):
            expressions[key], plain[key] = split_args(item)  # a single nested block
        elif isinstance(item, list) and item and all(isinstance(b, dict) for b in item):
            parts = [split_args(block) for block in item]
            plain[key] = [p for _, p in parts]
            if any(e for e, _ in parts):
                expressions[key] = [e for e, _ in parts]
        else:
            plain[key] = item
    return expressions, plain


# ---------------------------------------------------------------------------
# Provider schemas: just enough of the AWS provider 5.x schemas to show what a real
# plan shows for arguments the configuration leaves unset.
# ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Schema:
    version: int
    defaults: dict[str, Any]  # unset optional arguments, as the plan shows them
    computed: dict[str, Unknown]  # unknown on create unless configured
    sensitive: tuple[str, ...]  # attributes the provider schema marks sensitive
    taggable: bool


def schema(
    version: int,
    computed: str = "",
    nulls: str = "",
    empty: str = "",
    *,
    sensitive: tuple[str, ...] = (),
    taggable: bool = True,
    **defaults: Any,
) -> Schema:
    """Space separated names: ``computed`` (``name[]`` a list, ``name{}`` a map) are
    unknown on create; ``nulls`` default to null and ``empty`` (blocks) to []."""
    kinds: dict[str, Unknown] = {}
    for word in computed.split():
        kind = UNKNOWN_LIST if word.endswith("[]") else UNKNOWN_MAP if word.endswith("{}") else None
        kinds[word.rstrip("[]{}")] = kind or UNKNOWN
    unset = {**dict.fromkeys(nulls.split()), **{k: [] for k in empty.split()}, **defaults}
    return Schema(version, unset, kinds, sensitive, taggable)


SCHEMAS: dict[str, Schema] = {
    "aws_vpc": schema(
        1,
        "arn default_network_acl_id default_route_table_id default_security_group_id "
        "dhcp_options_id enable_network_address_usage_metrics id ipv6_association_id "
        "ipv6_cidr_block ipv6_cidr_block_network_border_group main_route_table_id owner_id",
        "assign_generated_ipv6_cidr_block ipv4_ipam_pool_id ipv4_netmask_length "
        "ipv6_ipam_pool_id ipv6_netmask_length",
        enable_dns_support=True,
        instance_tenancy="default",
    ),
    "aws_subnet": schema(
        1,
        "arn availability_zone_id id ipv6_cidr_block_association_id owner_id "
        "private_dns_hostname_type_on_launch",
        "customer_owned_ipv4_pool enable_lni_at_device_index ipv6_cidr_block "
        "map_customer_owned_ip_on_launch outpost_arn timeouts",
        **dict.fromkeys(
            [
                "assign_ipv6_address_on_creation",
                "enable_dns64",
                "ipv6_native",
                "map_public_ip_on_launch",
                "enable_resource_name_dns_a_record_on_launch",
                "enable_resource_name_dns_aaaa_record_on_launch",
            ],
            False,
        ),
    ),
    "aws_internet_gateway": schema(0, "arn id owner_id", "timeouts"),
    "aws_eip": schema(
        0,
        "allocation_id arn association_id carrier_ip customer_owned_ip id instance "
        "network_border_group network_interface private_dns private_ip ptr_record public_dns "
        "public_ip public_ipv4_pool vpc",
        "address associate_with_private_ip customer_owned_ipv4_pool ipam_pool_id timeouts",
    ),
    "aws_nat_gateway": schema(
        0,
        "association_id id network_interface_id private_ip public_ip secondary_allocation_ids[] "
        "secondary_private_ip_address_count secondary_private_ip_addresses[]",
        "timeouts",
        connectivity_type="public",
    ),
    "aws_route_table": schema(0, "arn id owner_id propagating_vgws[] route[]", "timeouts"),
    "aws_route": schema(
        0,
        "id instance_id instance_owner_id network_interface_id origin state",
        "carrier_gateway_id core_network_arn destination_ipv6_cidr_block "
        "destination_prefix_list_id egress_only_gateway_id gateway_id local_gateway_id "
        "nat_gateway_id transit_gateway_id vpc_endpoint_id vpc_peering_connection_id",
        taggable=False,
    ),
    "aws_route_table_association": schema(0, "id", "gateway_id timeouts", taggable=False),
    "aws_network_acl": schema(0, "arn id owner_id"),
    "aws_vpc_endpoint": schema(
        0,
        "arn cidr_blocks[] dns_entry[] dns_options[] id ip_address_type network_interface_ids[] "
        "owner_id policy prefix_list_id requester_managed route_table_ids[] "
        "security_group_ids[] state subnet_configuration[] subnet_ids[]",
        "auto_accept resource_configuration_arn service_network_arn timeouts",
        private_dns_enabled=False,
    ),
    "aws_security_group": schema(
        1,
        "arn egress[] id ingress[] name_prefix owner_id",
        "timeouts",
        revoke_rules_on_delete=False,
    ),
    "aws_iam_role": schema(
        0,
        "arn create_date id inline_policy[] managed_policy_arns[] name_prefix unique_id",
        "description permissions_boundary",
        force_detach_policies=False,
        max_session_duration=3600,
        path="/",
    ),
    "aws_iam_role_policy_attachment": schema(0, "id", taggable=False),
    "aws_iam_role_policy": schema(0, "id name_prefix", taggable=False),
    "aws_cloudwatch_log_group": schema(0, "arn id log_group_class name_prefix", skip_destroy=False),
    "aws_launch_template": schema(
        0,
        "arn id latest_version name_prefix",
        "default_version description disable_api_stop disable_api_termination ebs_optimized "
        "image_id instance_initiated_shutdown_behavior instance_type kernel_id key_name "
        "ram_disk_id security_group_names user_data",
        "capacity_reservation_specification cpu_options credit_specification "
        "elastic_gpu_specifications elastic_inference_accelerator enclave_options "
        "hibernation_options iam_instance_profile instance_market_options "
        "instance_requirements license_specification maintenance_options monitoring "
        "network_interfaces placement private_dns_name_options",
    ),
    "aws_eks_cluster": schema(
        1,
        "arn certificate_authority[] cluster_id created_at endpoint id identity[] "
        "kubernetes_network_config[] platform_version status upgrade_policy[]",
        "timeouts",
        "compute_config outpost_config remote_network_config storage_config zonal_shift_config",
        bootstrap_self_managed_addons=True,
    ),
    "aws_eks_node_group": schema(
        0,
        "arn disk_size id node_group_name_prefix node_repair_config[] release_version "
        "resources[] status version",
        "force_update_version timeouts",
        "remote_access",
    ),
    "aws_db_subnet_group": schema(
        0,
        "arn id name_prefix supported_network_types[] vpc_id",
        description="Managed by Terraform",
    ),
    "aws_rds_cluster": schema(
        0,
        "allocated_storage apply_immediately arn ca_certificate_identifier "
        "ca_certificate_valid_till cluster_identifier_prefix cluster_members[] "
        "cluster_resource_id db_cluster_parameter_group_name db_system_id endpoint "
        "engine_lifecycle_support engine_version_actual hosted_zone_id iam_roles[] id "
        "kms_key_id master_user_secret[] master_user_secret_kms_key_id network_type "
        "performance_insights_enabled performance_insights_kms_key_id "
        "performance_insights_retention_period port reader_endpoint storage_type",
        "allow_major_version_upgrade backtrack_window db_cluster_instance_class "
        "db_instance_parameter_group_name domain domain_iam_role_name "
        "enable_global_write_forwarding enable_local_write_forwarding global_cluster_identifier "
        "iops manage_master_user_password replication_source_identifier snapshot_identifier "
        "source_region timeouts",
        "restore_to_point_in_time s3_import scaling_configuration "
        "serverlessv2_scaling_configuration",
        sensitive=("master_password",),
        delete_automated_backups=True,
        enable_http_endpoint=False,
    ),
    "aws_rds_cluster_instance": schema(
        0,
        "apply_immediately arn ca_cert_identifier db_parameter_group_name dbi_resource_id "
        "endpoint engine_version engine_version_actual id identifier_prefix kms_key_id "
        "monitoring_role_arn network_type performance_insights_retention_period port "
        "preferred_backup_window preferred_maintenance_window storage_encrypted writer",
        "custom_iam_instance_profile timeouts",
        auto_minor_version_upgrade=True,
        copy_tags_to_snapshot=False,
        monitoring_interval=0,
    ),
    "aws_elasticache_subnet_group": schema(0, "arn id vpc_id", description="Managed by Terraform"),
    "aws_elasticache_replication_group": schema(
        1,
        "apply_immediately arn auto_minor_version_upgrade cluster_enabled "
        "configuration_endpoint_address data_tiering_enabled engine_version_actual "
        "global_replication_group_id id ip_discovery member_clusters[] network_type "
        "num_cache_clusters primary_endpoint_address reader_endpoint_address "
        "security_group_names[] transit_encryption_mode",
        "auth_token auth_token_update_strategy final_snapshot_identifier notification_topic_arn "
        "preferred_cache_cluster_azs snapshot_arns snapshot_name timeouts user_group_ids",
        "log_delivery_configuration",
        sensitive=("auth_token",),
    ),
    "aws_ebs_volume": schema(
        0,
        "arn create_time id snapshot_id",
        "multi_attach_enabled outpost_arn timeouts",
        final_snapshot=False,
    ),
    "aws_ebs_encryption_by_default": schema(0, "id", taggable=False),
    "aws_kms_key": schema(
        0,
        "arn id key_id multi_region policy rotation_period_in_days",
        "custom_key_store_id timeouts xks_key_id",
        bypass_policy_lockout_safety_check=False,
        customer_master_key_spec="SYMMETRIC_DEFAULT",
        is_enabled=True,
        key_usage="ENCRYPT_DECRYPT",
    ),
    "aws_kms_alias": schema(0, "arn id name_prefix target_key_arn", taggable=False),
    "aws_lb": schema(
        0,
        "arn arn_suffix dns_name enforce_security_group_inbound_rules_on_private_link_traffic "
        "id ip_address_type name_prefix security_groups[] subnet_mapping[] vpc_id zone_id",
        "customer_owned_ipv4_pool dns_record_client_routing_policy "
        "enable_cross_zone_load_balancing timeouts",
        "access_logs connection_logs ipam_pools minimum_load_balancer_capacity",
        client_keep_alive=3600,
        desync_mitigation_mode="defensive",
        drop_invalid_header_fields=False,
        enable_deletion_protection=False,
        enable_http2=True,
        enable_tls_version_and_cipher_suite_headers=False,
        enable_waf_fail_open=False,
        enable_xff_client_port=False,
        enable_zonal_shift=False,
        idle_timeout=60,
        preserve_host_header=False,
        xff_header_processing_mode="append",
    ),
    "aws_lb_target_group": schema(
        0,
        "arn arn_suffix connection_termination id ip_address_type load_balancer_arns[] "
        "load_balancing_algorithm_type load_balancing_anomaly_mitigation "
        "load_balancing_cross_zone_enabled name_prefix preserve_client_ip protocol_version "
        "stickiness[] target_failover[] target_group_health[] target_health_state[]",
        deregistration_delay="300",
        lambda_multi_value_headers_enabled=False,
        proxy_protocol_v2=False,
        slow_start=0,
    ),
    "aws_lb_listener": schema(
        0,
        "arn id mutual_authentication[] ssl_policy tcp_idle_timeout_seconds",
        "alpn_policy certificate_arn timeouts",
    ),
    "aws_s3_bucket": schema(
        0,
        "acceleration_status acl arn bucket_domain_name bucket_regional_domain_name "
        "cors_rule[] grant[] hosted_zone_id id lifecycle_rule[] logging[] "
        "object_lock_configuration[] object_lock_enabled policy region "
        "replication_configuration[] request_payer server_side_encryption_configuration[] "
        "versioning[] website[] website_domain website_endpoint",
        "bucket_prefix timeouts",
        force_destroy=False,
    ),
    "aws_s3_bucket_versioning": schema(0, "id", "expected_bucket_owner mfa", taggable=False),
    "aws_s3_bucket_server_side_encryption_configuration": schema(
        0, "id", "expected_bucket_owner", taggable=False
    ),
    "aws_s3_bucket_public_access_block": schema(0, "id", taggable=False),
    "aws_s3_bucket_lifecycle_configuration": schema(
        0, "id", "expected_bucket_owner timeouts", taggable=False
    ),
    "aws_s3_bucket_replication_configuration": schema(
        0, "id", "token", sensitive=("token",), taggable=False
    ),
    "data.aws_availability_zones": schema(
        0,
        "group_names[] id names[] zone_ids[]",
        "all_availability_zones exclude_names exclude_zone_ids timeouts",
        "filter",
        taggable=False,
    ),
    "data.aws_caller_identity": schema(0, "account_id arn id user_id", taggable=False),
    "data.aws_iam_policy_document": schema(
        0,
        "id json minified_json",
        "override_json override_policy_documents policy_id source_json "
        "source_policy_documents version",
        taggable=False,
    ),
    "data.aws_ebs_encryption_by_default": schema(0, "enabled id", taggable=False),
    "data.aws_ec2_transit_gateway": schema(
        0,
        "amazon_side_asn arn association_default_route_table_id auto_accept_shared_attachments "
        "default_route_table_association default_route_table_propagation description "
        "dns_support id multicast_support owner_id propagation_default_route_table_id "
        "security_group_referencing_support tags transit_gateway_cidr_blocks "
        "vpn_ecmp_support",
        "id timeouts",
        taggable=False,
    ),
    "aws_ec2_transit_gateway_vpc_attachment": schema(
        0,
        "id vpc_owner_id",
        "timeouts",
        appliance_mode_support="disable",
        dns_support="enable",
        ipv6_support="disable",
        security_group_referencing_support="enable",
        transit_gateway_default_route_table_association=True,
        transit_gateway_default_route_table_propagation=True,
    ),
    "aws_rds_global_cluster": schema(
        0,
        "arn endpoint engine_lifecycle_support engine_version_actual global_cluster_members[] "
        "global_cluster_resource_id id",
        "database_name force_destroy source_db_cluster_identifier",
        taggable=False,
    ),
    "aws_backup_vault": schema(0, "arn id recovery_points", "timeouts", force_destroy=False),
    "aws_backup_plan": schema(0, "arn id version", "", "advanced_backup_setting"),
    "aws_backup_selection": schema(
        0, "id", "", "condition not_resources selection_tag", taggable=False
    ),
    "aws_dlm_lifecycle_policy": schema(0, "arn id", "default_policy"),
    "aws_xray_group": schema(0, "arn id"),
    "aws_xray_sampling_rule": schema(0, "arn id", "attributes"),
    "aws_cloudwatch_dashboard": schema(0, "dashboard_arn id", taggable=False),
    "helm_release": schema(
        1,
        "id manifest metadata[]",
        "description devel keyring postrender repository_ca_file repository_cert_file "
        "repository_key_file repository_password repository_username set_list "
        "set_sensitive",
        "set",
        sensitive=("repository_password",),
        taggable=False,
        atomic=False,
        cleanup_on_fail=False,
        create_namespace=False,
        dependency_update=False,
        disable_crd_hooks=False,
        disable_openapi_validation=False,
        disable_webhooks=False,
        force_update=False,
        lint=False,
        max_history=0,
        pass_credentials=False,
        recreate_pods=False,
        render_subchart_notes=True,
        replace=False,
        reset_values=False,
        reuse_values=False,
        skip_crds=False,
        status="deployed",
        timeout=300,
        upgrade_install=None,
        verify=False,
        wait=True,
        wait_for_jobs=False,
    ),
}


# ---------------------------------------------------------------------------
# The estate model: modules, resource blocks, instances.
# ---------------------------------------------------------------------------

Key = int | str | None


def instance_address(base: str, key: Key) -> str:
    if key is None:
        return base
    return f"{base}[{key if isinstance(key, int) else json.dumps(key)}]"


@dataclass
class Instance:
    block: Block
    key: Key
    values: dict[str, Any]
    removed: bool = False  # still in state, gone from the configuration (count shrank)

    @property
    def address(self) -> str:
        return instance_address(self.block.address, self.key)

    @property
    def type(self) -> str:
        return self.block.type

    @property
    def region(self) -> str:
        return DR_REGION if self.block.provider == "aws.dr" else REGION


@dataclass
class Block:
    """One ``resource`` or ``data`` block of a module."""

    module: Module
    mode: str
    type: str
    name: str
    provider: str
    expressions: dict[str, Any]
    count: dict[str, Any] | None = None
    for_each: dict[str, Any] | None = None
    depends_on: tuple[str, ...] = ()
    instances: list[Instance] = field(default_factory=list)

    @property
    def local_address(self) -> str:
        return ("data." if self.mode == "data" else "") + f"{self.type}.{self.name}"

    @property
    def address(self) -> str:
        return self.module.prefix + self.local_address

    @property
    def schema(self) -> Schema:
        return SCHEMAS[("data." if self.mode == "data" else "") + self.type]


@dataclass
class Output:
    expression: dict[str, Any]
    description: str
    value: Any = None  # what the output evaluates to (used for root outputs)


@dataclass
class Variable:
    description: str
    default: Any = None
    has_default: bool = False
    sensitive: bool = False


class Module:
    """The root module, or a local module called from the root."""

    def __init__(
        self,
        name: str | None = None,
        source: str | None = None,
        inputs: dict[str, Any] | None = None,
    ) -> None:
        self.name = name
        self.source = source
        self.inputs = inputs or {}  # module call arguments: name -> expression
        self.blocks: list[Block] = []
        self.variables: dict[str, Variable] = {}
        self.outputs: dict[str, Output] = {}
        self.calls: dict[str, Module] = {}

    @property
    def prefix(self) -> str:
        return f"module.{self.name}." if self.name else ""

    def at(self, local_address: str, attr: str = "id") -> Ref:
        """A reference to an attribute of one of this module's instances."""
        return Ref(self.prefix + local_address, attr)

    def call(self, module: Module) -> Module:
        assert module.name
        self.calls[module.name] = module
        return module

    def var(self, name: str, description: str, *, sensitive: bool = False, **default: Any):
        has_default = "default" in default
        self.variables[name] = Variable(description, default.get("default"), has_default, sensitive)

    def output(self, name: str, description: str, *traversals: str, value: Any = None) -> None:
        self.outputs[name] = Output(ref(*traversals), description, value)

    def resource(
        self,
        type_: str,
        name: str,
        instances: dict[Key, dict[str, Any]],
        *,
        count: str | None = None,
        for_each: Arg | str | None = None,
        provider: str = "aws",
        depends_on: tuple[str, ...] = (),
        removed: dict[Key, dict[str, Any]] | None = None,
        template: dict[str, Any] | None = None,
        mode: str = "managed",
    ) -> Block:
        """A block with its instances; ``count``/``for_each`` are traversals (or a literal
        ``Arg`` for for_each). ``template`` gives the configuration of a block that
        currently has no instances."""
        samples = [*instances.values(), *(removed or {}).values()] or [template or {}]
        expressions = split_args(samples[0])[0]
        for values in samples:
            if split_args(values)[0] != expressions:
                raise ValueError(f"{type_}.{name}: instances disagree on the configuration")
        each = for_each.expression if isinstance(for_each, Arg) else for_each and ref(for_each)
        block = Block(
            self, mode, type_, name, provider, expressions, count and ref(count), each, depends_on
        )
        for gone, group in ((False, instances), (True, removed or {})):
            for key, values in group.items():
                block.instances.append(Instance(block, key, split_args(values)[1], gone))
        self.blocks.append(block)
        return block

    def one(self, type_: str, name: str, values: dict[str, Any], **kwargs: Any) -> Block:
        return self.resource(type_, name, {None: values}, **kwargs)

    def data(self, type_: str, name: str, values: dict[str, Any], **kwargs: Any) -> Block:
        return self.resource(type_, name, {None: values}, mode="data", **kwargs)


@dataclass
class Estate:
    variant: Variant
    root: Module
    variables: dict[str, Any]
    existing: set[str]  # resource or instance addresses already in the prior state
    deferred_reads: dict[str, str]  # data source address -> action_reason
    prior_outputs: set[str]

    def modules(self) -> list[Module]:
        return [self.root, *self.root.calls.values()]

    def instances(self) -> list[Instance]:
        return [i for m in self.modules() for b in m.blocks for i in b.instances]


# ---------------------------------------------------------------------------
# Small builders used by the estate description.
# ---------------------------------------------------------------------------


def digest(seed: str, length: int = 16) -> str:
    return hashlib.sha256(seed.encode()).hexdigest()[:length]


def aws_id(prefix: str, address: str) -> str:
    """A stable fake AWS id (``subnet-0…``) for the object at ``address``."""
    return f"{prefix}-0{digest(address)}"


def tags(name: str | None = None, via_: tuple[str, ...] = ("local.tags",), **extra: str) -> Arg:
    """The ``tags`` argument: the common cost-allocation tags, a Name and extras."""
    value = dict(COMMON_TAGS)
    if name:
        value["Name"] = name
    value.update(extra)
    return via(value, *via_)


def sg_rule(
    protocol: str,
    ports: tuple[int, int],
    *,
    cidrs: tuple[str, ...] = (),
    groups: tuple[Ref, ...] = (),
    self_: bool = False,
    description: str = "",
) -> dict[str, Any]:
    """One inline security group rule as the plan shows it."""
    return {
        "cidr_blocks": list(cidrs),
        "description": description,
        "from_port": ports[0],
        "ipv6_cidr_blocks": [],
        "prefix_list_ids": [],
        "protocol": protocol,
        "security_groups": list(groups),
        "self": self_,
        "to_port": ports[1],
    }


def sg_rules(rules: list[dict[str, Any]], *traversals: str) -> Arg:
    """Inline rules: a literal (unset fields null) unless they reference something."""
    if traversals:
        return via(rules, *traversals)
    literal = [{k: v if v not in ([], "", False) else None for k, v in r.items()} for r in rules]
    for written, rule in zip(literal, rules, strict=True):
        written["from_port"], written["to_port"] = rule["from_port"], rule["to_port"]
    return Arg(rules, const(literal))


def acl_rules(*rules: tuple[int, str, int, int, str]) -> Arg:
    """Network ACL rules ``(rule_no, protocol, from_port, to_port, cidr)``, all allow."""
    value = [
        {
            "action": "allow",
            "cidr_block": cidr,
            "from_port": low,
            "icmp_code": None,
            "icmp_type": None,
            "ipv6_cidr_block": "",
            "protocol": protocol,
            "rule_no": number,
            "to_port": high,
        }
        for number, protocol, low, high, cidr in rules
    ]
    return Arg(value, const([{**r, "ipv6_cidr_block": None} for r in value]))


def lb_action(action: dict[str, Any]) -> dict[str, Any]:
    """A listener default_action block with the provider's empty sub-blocks."""
    empty = ["authenticate_cognito", "authenticate_oidc", "fixed_response", "forward", "redirect"]
    return {**{k: [] for k in empty}, "order": UNKNOWN, "target_group_arn": None, **action}


def statement(
    actions: list[str],
    *,
    service: str | None = None,
    resources: Arg | None = None,
    sid: str | None = None,
) -> dict[str, Any]:
    """One statement block of data.aws_iam_policy_document."""
    principals = []
    if service:
        principals = [{"identifiers": lit([service]), "type": lit("Service")}]
    return {
        "actions": lit(sorted(actions)),
        "condition": [],
        "effect": None,
        "not_actions": None,
        "not_principals": [],
        "not_resources": None,
        "principals": principals,
        "resources": resources if resources else None,
        "sid": lit(sid) if sid else None,
    }


def policy_json(statements: list[dict[str, Any]]) -> tuple[str, str]:
    """The ``json`` and ``minified_json`` the provider renders for known statements."""
    rendered = []
    for st in statements:
        item: dict[str, Any] = {"Sid": st["sid"]} if st["sid"] else {}
        item["Effect"] = st["effect"] or "Allow"
        item["Action"] = st["actions"][0] if len(st["actions"]) == 1 else st["actions"]
        if st["resources"]:
            resources = sorted(st["resources"])
            item["Resource"] = resources[0] if len(resources) == 1 else resources
        for p in st["principals"]:
            item["Principal"] = {p["type"]: p["identifiers"][0]}
        rendered.append(item)
    doc = {"Version": "2012-10-17", "Statement": rendered}
    return json.dumps(doc, indent=2), json.dumps(doc, separators=(",", ":"))


def assume_role_policy(service: str) -> str:
    return policy_json([split_args(statement(["sts:AssumeRole"], service=service))[1]])[1]


# ---------------------------------------------------------------------------
# The estate.
# ---------------------------------------------------------------------------


def build_vpc(v: Variant) -> Module:
    m = Module(
        "vpc",
        "./modules/vpc",
        {
            "azs": ref("local.azs"),
            "cidr": ref("var.vpc_cidr"),
            "create_database_internet_gateway_route": ref("var.database_internet_access"),
            "database_subnets": ref("var.database_subnets"),
            "interface_endpoints": const(["ecr.api", "ecr.dkr", "secretsmanager"]),
            "name": ref("local.name"),
            "nat_gateway_count": ref("var.nat_gateway_count"),
            "private_subnets": ref("var.private_subnets"),
            "public_subnets": ref("var.public_subnets"),
            "tags": ref("local.tags"),
        },
    )
    m.var("name", "Name prefix for every resource of the VPC")
    m.var("cidr", "IPv4 CIDR block of the VPC")
    m.var("azs", "Availability zones, one subnet of each tier per zone")
    for tier in ("public", "private", "database"):
        m.var(f"{tier}_subnets", f"CIDR blocks of the {tier} subnets, one per AZ")
    m.var("nat_gateway_count", "Number of NAT gateways (one per AZ in production)", default=3)
    m.var("create_database_internet_gateway_route", "Never in production", default=False)
    m.var("interface_endpoints", "Services reached through interface endpoints", default=[])
    m.var("region", "Region of the VPC", default=REGION)
    m.var("tags", "Tags applied to every resource", default={})

    def named(name: str, **extra: str) -> Arg:
        return tags(name, ("var.tags", "var.name"), **extra)

    def per_az(name: str, **extra: str) -> Arg:
        return tags(name, ("var.tags", "var.name", "var.azs", "count.index"), **extra)

    vpc_id = via(m.at("aws_vpc.this"), "aws_vpc.this.id")
    m.one(
        "aws_vpc",
        "this",
        {
            "cidr_block": via(VPC_CIDR, "var.cidr"),
            "enable_dns_hostnames": lit(True),
            "enable_dns_support": lit(True),
            "tags": named("prod-vpc"),
        },
    )
    tiers = {"public": PUBLIC_SUBNETS, "private": v.private_subnets, "database": DATABASE_SUBNETS}
    for tier, cidrs in tiers.items():
        subnets = {
            i: {
                "availability_zone": via(AZS[i], "var.azs", "count.index"),
                "cidr_block": via(cidrs[i], f"var.{tier}_subnets", "count.index"),
                "map_public_ip_on_launch": lit(tier == "public"),
                "tags": per_az(f"prod-{tier}-{AZS[i]}", Tier=tier),
                "vpc_id": vpc_id,
            }
            for i in range(3)
        }
        m.resource("aws_subnet", tier, subnets, count=f"var.{tier}_subnets")
    igw_id = via(m.at("aws_internet_gateway.this"), "aws_internet_gateway.this.id")
    m.one("aws_internet_gateway", "this", {"tags": named("prod-igw"), "vpc_id": vpc_id})

    # NAT gateways, one per AZ. Lowering the count deletes the last ones from state.
    def eip(i: int) -> dict[str, Any]:
        return {"domain": lit("vpc"), "tags": per_az(f"prod-nat-{AZS[i]}")}

    def nat(i: int) -> dict[str, Any]:
        return {
            "allocation_id": via(m.at(f"aws_eip.nat[{i}]"), "aws_eip.nat", "count.index"),
            "subnet_id": via(m.at(f"aws_subnet.public[{i}]"), "aws_subnet.public", "count.index"),
            "tags": per_az(f"prod-nat-{AZS[i]}"),
        }

    kept = range(v.nat_gateway_count)
    gone = range(v.nat_gateway_count, 3) if v.network_foundation_exists else range(0)
    for type_, name, make in (("aws_eip", "nat", eip), ("aws_nat_gateway", "this", nat)):
        m.resource(
            type_,
            name,
            {i: make(i) for i in kept},
            removed={i: make(i) for i in gone},
            count="var.nat_gateway_count",
            depends_on=("aws_internet_gateway.this",),
        )

    def default_route(table: Arg, target: str, target_id: Arg) -> dict[str, Any]:
        return {
            "destination_cidr_block": lit(WORLD),
            target: target_id,
            "route_table_id": table,
            "timeouts": {"create": lit("5m"), "delete": None, "update": None},
        }

    # Public tier: one route table, default route to the internet gateway.
    public_rt = via(m.at("aws_route_table.public"), "aws_route_table.public.id")
    m.one(
        "aws_route_table", "public", {"tags": named("prod-public", Tier="public"), "vpc_id": vpc_id}
    )
    m.one("aws_route", "public_internet_gateway", default_route(public_rt, "gateway_id", igw_id))

    # Private tier: a route table per AZ, default route to a NAT gateway. The module picks
    # element(aws_nat_gateway.this[*].id, count.index): it wraps around when there are
    # fewer NAT gateways than AZs.
    def private_rt(i: int) -> Arg:
        return via(m.at(f"aws_route_table.private[{i}]"), "aws_route_table.private", "count.index")

    def private_nat(i: int) -> Arg:
        target = m.at(f"aws_nat_gateway.this[{i % v.nat_gateway_count}]")
        return via(target, "aws_nat_gateway.this", "count.index")

    m.resource(
        "aws_route_table",
        "private",
        {
            i: {"tags": per_az(f"prod-private-{AZS[i]}", Tier="private"), "vpc_id": vpc_id}
            for i in range(3)
        },
        count="var.azs",
    )
    m.resource(
        "aws_route",
        "private_nat_gateway",
        {i: default_route(private_rt(i), "nat_gateway_id", private_nat(i)) for i in range(3)},
        count="var.azs",
    )

    # Database tier: one route table, and no internet route unless the variable says so.
    database_rt = via(m.at("aws_route_table.database"), "aws_route_table.database.id")
    m.one(
        "aws_route_table",
        "database",
        {"tags": named("prod-database", Tier="database"), "vpc_id": vpc_id},
    )
    db_route = default_route(database_rt, "gateway_id", igw_id)
    m.resource(
        "aws_route",
        "database_internet_gateway",
        {0: db_route} if v.database_internet_access else {},
        template=db_route,
        count="var.create_database_internet_gateway_route",
    )

    tables = {
        "public": lambda i: public_rt,
        "private": private_rt,
        "database": lambda i: database_rt,
    }
    for tier, table in tables.items():
        associations = {
            i: {
                "route_table_id": table(i),
                "subnet_id": via(
                    m.at(f"aws_subnet.{tier}[{i}]"), f"aws_subnet.{tier}", "count.index"
                ),
            }
            for i in range(3)
        }
        m.resource("aws_route_table_association", tier, associations, count=f"var.{tier}_subnets")

    # Network ACLs, one per tier.
    acls = {
        "public": (
            acl_rules(
                (100, "tcp", 443, 443, WORLD),
                (110, "tcp", 80, 80, WORLD),
                (120, "tcp", 1024, 65535, WORLD),
            ),
            acl_rules((100, "-1", 0, 0, WORLD)),
        ),
        "private": (
            acl_rules((100, "-1", 0, 0, VPC_CIDR), (110, "tcp", 1024, 65535, WORLD)),
            acl_rules((100, "-1", 0, 0, WORLD)),
        ),
        "database": (
            acl_rules((100, "-1", 0, 0, VPC_CIDR)),
            acl_rules((100, "-1", 0, 0, VPC_CIDR)),
        ),
    }
    for tier, (ingress, egress) in acls.items():
        subnet_ids = [m.at(f"aws_subnet.{tier}[{i}]") for i in range(3)]
        m.one(
            "aws_network_acl",
            tier,
            {
                "egress": egress,
                "ingress": ingress,
                "subnet_ids": via(subnet_ids, f"aws_subnet.{tier}"),
                "tags": named(f"prod-{tier}", Tier=tier),
                "vpc_id": vpc_id,
            },
        )

    # VPC endpoints: S3 and DynamoDB gateways on every route table, interface endpoints
    # for ECR and Secrets Manager in the private subnets.
    every_table = [m.at("aws_route_table.public"), m.at("aws_route_table.database")]
    every_table += [m.at(f"aws_route_table.private[{i}]") for i in range(3)]
    gateways = {
        svc: {
            "route_table_ids": via(
                every_table,
                "aws_route_table.public.id",
                "aws_route_table.database.id",
                "aws_route_table.private",
            ),
            "service_name": via(f"com.amazonaws.{REGION}.{svc}", "var.region", "each.value"),
            "tags": tags(f"prod-{svc}", ("var.tags", "var.name", "each.key")),
            "vpc_endpoint_type": lit("Gateway"),
            "vpc_id": vpc_id,
        }
        for svc in ("dynamodb", "s3")
    }
    m.resource("aws_vpc_endpoint", "gateway", gateways, for_each=lit(["dynamodb", "s3"]))
    https_from_vpc = sg_rule("tcp", (443, 443), cidrs=(VPC_CIDR,), description="HTTPS from the VPC")
    m.one(
        "aws_security_group",
        "vpc_endpoints",
        {
            "description": lit("Interface VPC endpoints"),
            "ingress": sg_rules([https_from_vpc]),
            "name": via("prod-vpc-endpoints", "var.name"),
            "tags": named("prod-vpc-endpoints"),
            "vpc_id": vpc_id,
        },
    )
    private_subnets = [m.at(f"aws_subnet.private[{i}]") for i in range(3)]
    interfaces = {
        svc: {
            "private_dns_enabled": lit(True),
            "security_group_ids": via(
                [m.at("aws_security_group.vpc_endpoints")], "aws_security_group.vpc_endpoints.id"
            ),
            "service_name": via(f"com.amazonaws.{REGION}.{svc}", "var.region", "each.value"),
            "subnet_ids": via(private_subnets, "aws_subnet.private"),
            "tags": tags(f"prod-{svc}", ("var.tags", "var.name", "each.key")),
            "vpc_endpoint_type": lit("Interface"),
            "vpc_id": vpc_id,
        }
        for svc in ("ecr.api", "ecr.dkr", "secretsmanager")
    }
    m.resource("aws_vpc_endpoint", "interface", interfaces, for_each="var.interface_endpoints")

    m.output("vpc_id", "ID of the VPC", "aws_vpc.this.id")
    m.output("vpc_cidr_block", "CIDR block of the VPC", "aws_vpc.this.cidr_block")
    m.output("azs", "Availability zones of the subnets", "var.azs")
    for tier in tiers:
        m.output(f"{tier}_subnet_ids", f"IDs of the {tier} subnets", f"aws_subnet.{tier}")
    m.output("public_route_table_id", "ID of the public route table", "aws_route_table.public.id")
    m.output(
        "private_route_table_ids", "IDs of the private route tables", "aws_route_table.private"
    )
    m.output(
        "database_route_table_id", "ID of the database route table", "aws_route_table.database.id"
    )
    m.output("nat_gateway_ids", "IDs of the NAT gateways", "aws_nat_gateway.this")
    m.output("internet_gateway_id", "ID of the internet gateway", "aws_internet_gateway.this.id")
    return m


# Node groups: capacity type, min, desired, max, and a taint for dedicated groups.
NODE_GROUPS = {
    "system": ("ON_DEMAND", 3, 3, 3, ("CriticalAddonsOnly", "true")),
    "application": ("ON_DEMAND", 0, 3, 20, None),
    "batch": ("SPOT", 0, 1, 4, ("workload", "batch")),
}
NODE_POLICIES = [
    f"arn:aws:iam::aws:policy/{name}"
    for name in (
        "AmazonEC2ContainerRegistryReadOnly",
        "AmazonEKSWorkerNodePolicy",
        "AmazonEKS_CNI_Policy",
    )
]


def build_eks(vpc: Module) -> Module:
    m = Module(
        "eks",
        "./modules/eks",
        {
            "alb_security_group_id": ref("aws_security_group.alb.id"),
            "cluster_name": ref("local.name"),
            "cluster_version": ref("var.eks_version"),
            "kms_key_arn": ref("aws_kms_key.main.arn"),
            "node_groups": ref("local.node_groups"),
            "subnet_ids": ref("module.vpc.private_subnet_ids"),
            "tags": ref("local.tags"),
            "vpc_cidr": ref("module.vpc.vpc_cidr_block"),
            "vpc_id": ref("module.vpc.vpc_id"),
        },
    )
    for name, description in (
        ("cluster_name", "Name of the EKS cluster"),
        ("cluster_version", "Kubernetes version"),
        ("vpc_id", "VPC of the cluster"),
        ("vpc_cidr", "CIDR block of the VPC"),
        ("subnet_ids", "Private subnets for the control plane and the nodes"),
        ("kms_key_arn", "KMS key for Kubernetes secrets, logs and node volumes"),
        ("alb_security_group_id", "Security group of the public load balancer"),
        ("node_groups", "Managed node groups by role"),
    ):
        m.var(name, description)
    m.var("tags", "Tags applied to every resource", default={})

    def named(name: str, **extra: str) -> Arg:
        return tags(name, ("var.tags", "var.cluster_name"), **extra)

    kms_arn = via(Ref("aws_kms_key.main", "arn"), "var.kms_key_arn")
    vpc_id = via(vpc.at("aws_vpc.this"), "var.vpc_id")
    private_subnets = via([vpc.at(f"aws_subnet.private[{i}]") for i in range(3)], "var.subnet_ids")

    for role, service in (("cluster", "eks.amazonaws.com"), ("node", "ec2.amazonaws.com")):
        m.data(
            "aws_iam_policy_document",
            f"{role}_assume_role",
            {
                "statement": [statement(["sts:AssumeRole"], service=service)],
            },
        )
        m.one(
            "aws_iam_role",
            role,
            {
                "assume_role_policy": via(
                    assume_role_policy(service),
                    f"data.aws_iam_policy_document.{role}_assume_role.json",
                ),
                "name": via(f"prod-eks-{role}", "var.cluster_name"),
                "tags": named(f"prod-eks-{role}"),
            },
        )
    cluster_policy = "arn:aws:iam::aws:policy/AmazonEKSClusterPolicy"
    m.one(
        "aws_iam_role_policy_attachment",
        "cluster",
        {
            "policy_arn": lit(cluster_policy),
            "role": via(m.at("aws_iam_role.cluster", "name"), "aws_iam_role.cluster.name"),
        },
    )
    node_role = via(m.at("aws_iam_role.node", "name"), "aws_iam_role.node.name")
    m.resource(
        "aws_iam_role_policy_attachment",
        "node",
        {arn: {"policy_arn": via(arn, "each.value"), "role": node_role} for arn in NODE_POLICIES},
        for_each=lit(NODE_POLICIES),
    )
    m.one(
        "aws_cloudwatch_log_group",
        "cluster",
        {
            "kms_key_id": kms_arn,
            "name": via("/aws/eks/prod-eks/cluster", "var.cluster_name"),
            "retention_in_days": lit(90),
            "tags": named("prod-eks"),
        },
    )

    world_egress = sg_rule("-1", (0, 0), cidrs=(WORLD,), description="All egress")
    api_from_vpc = sg_rule("tcp", (443, 443), cidrs=(VPC_CIDR,), description="Kubernetes API")
    m.one(
        "aws_security_group",
        "cluster",
        {
            "description": lit("EKS control plane, additional"),
            "egress": sg_rules([world_egress]),
            "ingress": sg_rules([api_from_vpc]),
            "name": via("prod-eks-cluster", "var.cluster_name"),
            "tags": named("prod-eks-cluster"),
            "vpc_id": vpc_id,
        },
    )
    cluster_sg = m.at("aws_security_group.cluster")
    alb_sg = Ref("aws_security_group.alb", "id")
    node_ingress = [
        sg_rule("-1", (0, 0), self_=True, description="Node to node"),
        sg_rule("tcp", (1025, 65535), groups=(cluster_sg,), description="Control plane"),
        sg_rule("tcp", (443, 443), groups=(cluster_sg,), description="Webhooks"),
        sg_rule("tcp", (8080, 8080), groups=(alb_sg,), description="Pods behind the ALB"),
        sg_rule("tcp", (8443, 8443), cidrs=(VPC_CIDR,), description="Ingress behind the NLB"),
    ]
    m.one(
        "aws_security_group",
        "node",
        {
            "description": lit("EKS worker nodes"),
            "egress": sg_rules([world_egress]),
            "ingress": sg_rules(
                node_ingress, "aws_security_group.cluster.id", "var.alb_security_group_id"
            ),
            "name": via("prod-eks-node", "var.cluster_name"),
            "tags": named("prod-eks-node"),
            "vpc_id": vpc_id,
        },
    )

    node_tags = named("prod-eks-node")
    m.one(
        "aws_launch_template",
        "node",
        {
            "block_device_mappings": [
                {
                    "device_name": lit("/dev/xvda"),
                    "ebs": [
                        {
                            "delete_on_termination": Arg("true", const(True)),
                            "encrypted": Arg("true", const(True)),
                            "iops": UNKNOWN,
                            "kms_key_id": kms_arn,
                            "snapshot_id": UNKNOWN,
                            "throughput": UNKNOWN,
                            "volume_initialization_rate": None,
                            "volume_size": lit(100),
                            "volume_type": lit("gp3"),
                        }
                    ],
                    "no_device": None,
                    "virtual_name": None,
                }
            ],
            "metadata_options": [
                {
                    "http_endpoint": lit("enabled"),
                    "http_protocol_ipv6": UNKNOWN,
                    "http_put_response_hop_limit": lit(2),
                    "http_tokens": lit("required"),
                    "instance_metadata_tags": UNKNOWN,
                }
            ],
            "name": via("prod-eks-node", "var.cluster_name"),
            "tag_specifications": [
                {"resource_type": lit(kind), "tags": node_tags} for kind in ("instance", "volume")
            ],
            "tags": node_tags,
            "update_default_version": lit(True),
            "vpc_security_group_ids": via(
                [m.at("aws_security_group.node")], "aws_security_group.node.id"
            ),
        },
    )

    m.one(
        "aws_eks_cluster",
        "this",
        {
            "access_config": [
                {
                    "authentication_mode": lit("API"),
                    "bootstrap_cluster_creator_admin_permissions": True,
                }
            ],
            "enabled_cluster_log_types": lit(["api", "audit", "authenticator"]),
            "encryption_config": [
                {"provider": [{"key_arn": kms_arn}], "resources": lit(["secrets"])}
            ],
            "name": via("prod-eks", "var.cluster_name"),
            "role_arn": via(m.at("aws_iam_role.cluster", "arn"), "aws_iam_role.cluster.arn"),
            "tags": named("prod-eks"),
            "version": via("1.29", "var.cluster_version"),
            "vpc_config": [
                {
                    "cluster_security_group_id": UNKNOWN,
                    "endpoint_private_access": lit(True),
                    "endpoint_public_access": lit(False),
                    "public_access_cidrs": UNKNOWN_LIST,
                    "security_group_ids": via([cluster_sg], "aws_security_group.cluster.id"),
                    "subnet_ids": private_subnets,
                    "vpc_id": UNKNOWN,
                }
            ],
        },
        depends_on=("aws_cloudwatch_log_group.cluster", "aws_iam_role_policy_attachment.cluster"),
    )

    def node_group(key: str) -> dict[str, Any]:
        capacity, low, desired, high, taint = NODE_GROUPS[key]
        template = m.at("aws_launch_template.node")
        return {
            "ami_type": lit("AL2023_x86_64_STANDARD"),
            "capacity_type": via(capacity, "each.value.capacity_type"),
            "cluster_name": via(m.at("aws_eks_cluster.this", "name"), "aws_eks_cluster.this.name"),
            "instance_types": via(["m5.xlarge"], "each.value.instance_types"),
            "labels": via({"workload": key}, "each.key"),
            "launch_template": [
                {
                    "id": via(template, "aws_launch_template.node.id"),
                    "name": None,
                    "version": via(
                        Ref(template.address, "latest_version"),
                        "aws_launch_template.node.latest_version",
                    ),
                }
            ],
            "node_group_name": via(f"prod-{key}", "var.cluster_name", "each.key"),
            "node_role_arn": via(m.at("aws_iam_role.node", "arn"), "aws_iam_role.node.arn"),
            "scaling_config": [
                {
                    "desired_size": via(desired, "each.value.desired_size"),
                    "max_size": via(high, "each.value.max_size"),
                    "min_size": via(low, "each.value.min_size"),
                }
            ],
            "subnet_ids": private_subnets,
            "tags": tags(f"prod-{key}", ("var.tags", "each.key"), NodeGroup=key),
            # A dynamic "taint" block: in the plan, absent from the configuration.
            "taint": [{"effect": "NO_SCHEDULE", "key": taint[0], "value": taint[1]}]
            if taint
            else [],
            "update_config": [{"max_unavailable": lit(1), "max_unavailable_percentage": None}],
        }

    m.resource(
        "aws_eks_node_group",
        "this",
        {key: node_group(key) for key in NODE_GROUPS},
        for_each="var.node_groups",
        depends_on=("aws_iam_role_policy_attachment.node",),
    )

    m.output("cluster_name", "Name of the EKS cluster", "aws_eks_cluster.this.name")
    m.output(
        "cluster_endpoint",
        "Private endpoint of the Kubernetes API",
        "aws_eks_cluster.this.endpoint",
    )
    m.output(
        "cluster_security_group_id",
        "Security group EKS created for the cluster",
        "aws_eks_cluster.this.vpc_config[0].cluster_security_group_id",
    )
    m.output(
        "node_security_group_id", "Security group of the worker nodes", "aws_security_group.node.id"
    )
    m.output(
        "cluster_ca_certificate",
        "Certificate authority of the Kubernetes API",
        "aws_eks_cluster.this.certificate_authority[0].data",
    )
    m.output("cluster_role_arn", "IAM role of the control plane", "aws_iam_role.cluster.arn")
    m.output("node_role_arn", "IAM role of the worker nodes", "aws_iam_role.node.arn")
    return m


def build_db(v: Variant, vpc: Module) -> Module:
    m = Module(
        "db",
        "./modules/aurora",
        {
            "allowed_security_group_ids": ref("module.eks.node_security_group_id"),
            "availability_zones": ref("local.azs"),
            "backup_retention_period": const(7),
            "global_cluster_identifier": ref(
                "aws_rds_global_cluster.prod.global_cluster_identifier"
            ),
            "instance_class": ref("var.db_instance_class"),
            "instance_count": ref("var.db_instance_count"),
            "kms_key_arn": ref("aws_kms_key.main.arn"),
            "master_password": ref("var.db_master_password"),
            "name": ref("local.name"),
            "storage_encrypted": ref("var.db_storage_encrypted"),
            "subnet_ids": ref("module.vpc.database_subnet_ids"),
            "tags": ref("local.tags"),
            "vpc_id": ref("module.vpc.vpc_id"),
        },
    )
    for name, description in (
        ("name", "Name prefix"),
        ("vpc_id", "VPC of the cluster"),
        ("subnet_ids", "Database-tier subnets"),
        ("allowed_security_group_ids", "Security groups allowed to reach MySQL"),
        ("availability_zones", "AZs of the writer and the readers"),
        ("kms_key_arn", "KMS key for storage and Performance Insights"),
        ("instance_class", "Instance class of every cluster instance"),
        ("instance_count", "Writer plus readers"),
    ):
        m.var(name, description)
    m.var("master_password", "Master password of the cluster", sensitive=True)
    m.var("storage_encrypted", "Encrypt the cluster storage", default=True)
    m.var("backup_retention_period", "Days of automated backups", default=7)
    m.var("global_cluster_identifier", "Aurora global database this cluster is primary of")
    m.var("tags", "Tags applied to every resource", default={})

    def named(name: str, *extra: str, **more: str) -> Arg:
        return tags(name, ("var.tags", "var.name", *extra), **more)

    kms_arn = via(Ref("aws_kms_key.main", "arn"), "var.kms_key_arn")
    subnet_group = via(m.at("aws_db_subnet_group.this", "name"), "aws_db_subnet_group.this.name")
    m.one(
        "aws_db_subnet_group",
        "this",
        {
            "name": via("prod-aurora", "var.name"),
            "subnet_ids": via(
                [vpc.at(f"aws_subnet.database[{i}]") for i in range(3)], "var.subnet_ids"
            ),
            "tags": named("prod-aurora"),
        },
    )
    mysql_from_nodes = sg_rule(
        "tcp",
        (3306, 3306),
        groups=(Ref("module.eks.aws_security_group.node", "id"),),
        description="MySQL from the EKS nodes",
    )
    m.one(
        "aws_security_group",
        "this",
        {
            "description": lit("Aurora MySQL"),
            "ingress": sg_rules([mysql_from_nodes], "var.allowed_security_group_ids"),
            "name": via("prod-aurora", "var.name"),
            "tags": named("prod-aurora"),
            "vpc_id": via(vpc.at("aws_vpc.this"), "var.vpc_id"),
        },
    )
    # Encrypted storage takes the estate key: kms_key_id = var.storage_encrypted ? key : null.
    encryption = {"storage_encrypted": via(v.db_storage_encrypted, "var.storage_encrypted")}
    if v.db_storage_encrypted:
        encryption["kms_key_id"] = via(
            Ref("aws_kms_key.main", "arn"), "var.storage_encrypted", "var.kms_key_arn"
        )
    else:
        encryption["kms_key_id"] = Arg(UNKNOWN, ref("var.storage_encrypted", "var.kms_key_arn"))
    m.one(
        "aws_rds_cluster",
        "this",
        {
            "availability_zones": via(list(AZS), "var.availability_zones"),
            "backup_retention_period": via(7, "var.backup_retention_period"),
            "global_cluster_identifier": via(GLOBAL_CLUSTER, "var.global_cluster_identifier"),
            "cluster_identifier": via("prod-aurora", "var.name"),
            "copy_tags_to_snapshot": lit(True),
            "database_name": lit("app"),
            "db_subnet_group_name": subnet_group,
            "deletion_protection": lit(True),
            "enabled_cloudwatch_logs_exports": lit(["audit", "error", "slowquery"]),
            "engine": lit("aurora-mysql"),
            "engine_mode": lit("provisioned"),
            "engine_version": lit("8.0.mysql_aurora.3.05.2"),
            "final_snapshot_identifier": via("prod-aurora-final", "var.name"),
            "iam_database_authentication_enabled": lit(True),
            **encryption,
            "master_password": via(Secret(DB_MASTER_PASSWORD), "var.master_password"),
            "master_username": lit("admin"),
            "preferred_backup_window": lit("07:00-09:00"),
            "preferred_maintenance_window": lit("sun:10:00-sun:11:00"),
            "skip_final_snapshot": lit(False),
            "tags": named("prod-aurora"),
            "vpc_security_group_ids": via(
                [m.at("aws_security_group.this")], "aws_security_group.this.id"
            ),
        },
    )
    instances = {
        i: {
            "availability_zone": via(AZS[i], "var.availability_zones", "count.index"),
            "cluster_identifier": via(m.at("aws_rds_cluster.this"), "aws_rds_cluster.this.id"),
            "db_subnet_group_name": subnet_group,
            "engine": via("aurora-mysql", "aws_rds_cluster.this.engine"),
            "identifier": via(f"prod-aurora-{i + 1}", "var.name", "count.index"),
            "instance_class": via(v.db_instance_class, "var.instance_class"),
            "performance_insights_enabled": lit(True),
            "performance_insights_kms_key_id": kms_arn,
            "promotion_tier": via(min(i, 1), "count.index"),
            "publicly_accessible": lit(False),
            "tags": named(
                f"prod-aurora-{i + 1}", "count.index", Role="writer" if i == 0 else "reader"
            ),
        }
        for i in range(v.db_instance_count)
    }
    m.resource("aws_rds_cluster_instance", "this", instances, count="var.instance_count")

    m.output("cluster_endpoint", "Writer endpoint", "aws_rds_cluster.this.endpoint")
    m.output("reader_endpoint", "Reader endpoint", "aws_rds_cluster.this.reader_endpoint")
    m.output(
        "writer_instance_id", "The first (writer) instance", "aws_rds_cluster_instance.this[0].id"
    )
    m.output("security_group_id", "Security group of the cluster", "aws_security_group.this.id")
    m.output("cluster_arn", "ARN of the cluster", "aws_rds_cluster.this.arn")
    return m


def bucket_name(key: str, dr: bool = False) -> str:
    return f"prod-{key}-{ACCOUNT_ID}" + ("-dr" if dr else "")


def add_edge(root: Module, vpc: Module, v: Variant) -> None:
    """Internet-facing ALB over the public subnets, internal NLB over the private ones."""
    vpc_id = via(vpc.at("aws_vpc.this"), "module.vpc.vpc_id")
    alb_ingress = [
        sg_rule("tcp", (443, 443), cidrs=(WORLD,), description="HTTPS"),
        sg_rule("tcp", (80, 80), cidrs=(WORLD,), description="HTTP, redirected to HTTPS"),
    ]
    to_pods = sg_rule("tcp", (8080, 8080), cidrs=(VPC_CIDR,), description="To the pods")
    root.one(
        "aws_security_group",
        "alb",
        {
            "description": lit("Public ALB"),
            "egress": sg_rules([to_pods]),
            "ingress": sg_rules(alb_ingress),
            "name": lit("prod-alb"),
            "tags": tags("prod-alb"),
            "vpc_id": vpc_id,
        },
    )
    public = [vpc.at(f"aws_subnet.public[{i}]") for i in range(3)]
    private = [vpc.at(f"aws_subnet.private[{i}]") for i in range(3)]
    root.one(
        "aws_lb",
        "public",
        {
            "drop_invalid_header_fields": lit(True),
            "enable_deletion_protection": lit(True),
            "internal": lit(False),
            "load_balancer_type": lit("application"),
            "name": lit("prod-public"),
            "security_groups": via(
                [Ref("aws_security_group.alb", "id")], "aws_security_group.alb.id"
            ),
            "subnets": via(public, "module.vpc.public_subnet_ids"),
            "tags": tags("prod-public"),
        },
    )
    root.one(
        "aws_lb",
        "internal",
        {
            "enable_cross_zone_load_balancing": lit(True),
            "enable_deletion_protection": lit(True),
            "internal": lit(True),
            "load_balancer_type": lit("network"),
            "name": lit("prod-internal"),
            "subnets": via(private, "module.vpc.private_subnet_ids"),
            "tags": tags("prod-internal"),
        },
    )
    http_check = {
        "enabled": True,
        "healthy_threshold": 3,
        "interval": 15,
        "matcher": lit("200-399"),
        "path": lit("/healthz"),
        "port": "traffic-port",
        "protocol": lit("HTTP"),
        "timeout": 5,
        "unhealthy_threshold": 3,
    }
    tcp_check = {**http_check, "matcher": None, "path": None, "protocol": lit("TCP")}
    for name, port, protocol, check in (
        ("app", 8080, "HTTP", http_check),
        ("ingress", 8443, "TCP", tcp_check),
    ):
        root.one(
            "aws_lb_target_group",
            name,
            {
                "health_check": [check],
                "name": lit(f"prod-{name}"),
                "port": lit(port),
                "protocol": lit(protocol),
                "tags": tags(f"prod-{name}"),
                "target_type": lit("ip"),
                "vpc_id": vpc_id,
            },
        )

    def forward(group: str) -> dict[str, Any]:
        arn = via(Ref(f"aws_lb_target_group.{group}", "arn"), f"aws_lb_target_group.{group}.arn")
        return lb_action({"target_group_arn": arn, "type": lit("forward")})

    def listener(
        lb: str, port: int, protocol: str, action: dict[str, Any], **tls: Arg
    ) -> dict[str, Any]:
        return {
            **tls,
            "default_action": [action],
            "load_balancer_arn": via(Ref(f"aws_lb.{lb}", "arn"), f"aws_lb.{lb}.arn"),
            "port": lit(port),
            "protocol": lit(protocol),
            "tags": tags(f"prod-{lb}-{protocol.lower()}"),
        }

    certificate = via(CERTIFICATE_ARN, "var.acm_certificate_arn")
    https_policy = via(v.alb_ssl_policy, "var.alb_ssl_policy")
    root.one(
        "aws_lb_listener",
        "https",
        listener(
            "public",
            443,
            "HTTPS",
            forward("app"),
            certificate_arn=certificate,
            ssl_policy=https_policy,
        ),
    )
    redirect = {
        "host": "#{host}",
        "path": "/#{path}",
        "port": lit("443"),
        "protocol": lit("HTTPS"),
        "query": "#{query}",
        "status_code": lit("HTTP_301"),
    }
    to_https = lb_action({"redirect": [redirect], "type": lit("redirect")})
    http_action = to_https if v.http_redirects_to_https else forward("app")
    root.one("aws_lb_listener", "http", listener("public", 80, "HTTP", http_action))
    root.one(
        "aws_lb_listener",
        "internal_tls",
        listener(
            "internal",
            443,
            "TLS",
            forward("ingress"),
            certificate_arn=certificate,
            ssl_policy=lit(TLS13_POLICY),
        ),
    )


def add_data_services(root: Module, vpc: Module, eks: Module) -> None:
    """Redis (cluster mode enabled) and the EBS data volumes."""
    kms_arn = via(Ref("aws_kms_key.main", "arn"), "aws_kms_key.main.arn")
    redis_from_nodes = sg_rule(
        "tcp",
        (6379, 6379),
        groups=(eks.at("aws_security_group.node"),),
        description="Redis from nodes",
    )
    root.one(
        "aws_security_group",
        "cache",
        {
            "description": lit("ElastiCache Redis"),
            "ingress": sg_rules([redis_from_nodes], "module.eks.node_security_group_id"),
            "name": lit("prod-redis"),
            "tags": tags("prod-redis"),
            "vpc_id": via(vpc.at("aws_vpc.this"), "module.vpc.vpc_id"),
        },
    )
    root.one(
        "aws_elasticache_subnet_group",
        "redis",
        {
            "name": lit("prod-redis"),
            "subnet_ids": via(
                [vpc.at(f"aws_subnet.database[{i}]") for i in range(3)],
                "module.vpc.database_subnet_ids",
            ),
            "tags": tags("prod-redis"),
        },
    )
    root.one(
        "aws_elasticache_replication_group",
        "redis",
        {
            "at_rest_encryption_enabled": lit(True),
            "automatic_failover_enabled": lit(True),
            "cluster_mode": lit("enabled"),
            "description": lit("prod Redis, cluster mode enabled"),
            "engine": lit("redis"),
            "engine_version": lit("7.1"),
            "kms_key_id": kms_arn,
            "maintenance_window": lit("sun:08:00-sun:09:00"),
            "multi_az_enabled": lit(True),
            "node_type": lit("cache.r6g.large"),
            "num_node_groups": lit(2),
            "parameter_group_name": lit("default.redis7.cluster.on"),
            "port": lit(6379),
            "replicas_per_node_group": lit(1),
            "replication_group_id": lit("prod-redis"),
            "security_group_ids": via(
                [Ref("aws_security_group.cache", "id")], "aws_security_group.cache.id"
            ),
            "snapshot_retention_limit": lit(7),
            "snapshot_window": lit("05:00-06:00"),
            "subnet_group_name": via(
                Ref("aws_elasticache_subnet_group.redis", "name"),
                "aws_elasticache_subnet_group.redis.name",
            ),
            "tags": tags("prod-redis"),
            "transit_encryption_enabled": lit(True),
        },
    )
    # gp3 data volumes and one io2 volume, all encrypted with the estate key.
    volumes = {
        "grafana": ("us-west-2b", "gp3", 50, 3000, 125),
        "ledger": ("us-west-2c", "io2", 500, 3000, None),
        "prometheus": ("us-west-2a", "gp3", 200, 6000, 250),
    }
    root.resource(
        "aws_ebs_volume",
        "data",
        {
            key: {
                "availability_zone": via(az, "each.value.az"),
                "encrypted": lit(True),
                "iops": via(iops, "each.value.iops"),
                "kms_key_id": kms_arn,
                "size": via(size, "each.value.size"),
                "tags": tags(f"prod-{key}", ("local.tags", "each.key")),
                "throughput": via(throughput, "each.value.throughput"),
                "type": via(kind, "each.value.type"),
            }
            for key, (az, kind, size, iops, throughput) in volumes.items()
        },
        for_each="local.data_volumes",
    )


def add_bucket_set(root: Module, buckets: dict[str, tuple[str, bool]], dr: bool) -> None:
    """Buckets with versioning, KMS encryption and a public access block: the primary
    set (``aws_s3_bucket.this``) or the DR replicas (``.replica``, provider aws.dr)."""
    name, provider = ("replica", "aws.dr") if dr else ("this", "aws")
    key = "dr" if dr else "main"
    key_arn = via(Ref(f"aws_kms_key.{key}", "arn"), f"aws_kms_key.{key}.arn")

    def bucket_id(k: str) -> Arg:
        address = f'aws_s3_bucket.{name}["{k}"]'
        return via(Ref(address, "id"), f"aws_s3_bucket.{name}", "each.key")

    def status(k: str) -> Arg:
        return lit("Enabled") if dr else via(buckets[k][0], "each.value.versioning")

    def lifecycle(k: str) -> dict[str, Any]:
        """Standard-IA after 30 days, Glacier after 90."""
        return {
            "bucket": bucket_id(k),
            "rule": [
                {
                    "abort_incomplete_multipart_upload": [{"days_after_initiation": lit(7)}],
                    "expiration": [],
                    "filter": [
                        {
                            "and": [],
                            "object_size_greater_than": None,
                            "object_size_less_than": None,
                            "prefix": lit(""),
                            "tag": [],
                        }
                    ],
                    "id": lit("tiering"),
                    "noncurrent_version_expiration": [
                        {"newer_noncurrent_versions": None, "noncurrent_days": lit(365)}
                    ],
                    "noncurrent_version_transition": [],
                    "prefix": None,
                    "status": lit("Enabled"),
                    "transition": [
                        {"date": None, "days": lit(30), "storage_class": lit("STANDARD_IA")},
                        {"date": None, "days": lit(90), "storage_class": lit("GLACIER")},
                    ],
                }
            ],
        }

    account = "data.aws_caller_identity.current.account_id"
    role = "dr-replica" if dr else "primary"
    resources = {
        "aws_s3_bucket": {
            k: {
                "bucket": via(bucket_name(k, dr), "local.name", "each.key", account),
                "tags": tags(bucket_name(k, dr), ("local.tags", "each.key"), Role=role),
            }
            for k in buckets
        },
        "aws_s3_bucket_versioning": {
            k: {
                "bucket": bucket_id(k),
                # Set explicitly, as the community S3 module does; unset it is computed.
                "versioning_configuration": [{"mfa_delete": lit("Disabled"), "status": status(k)}],
            }
            for k in buckets
        },
        "aws_s3_bucket_lifecycle_configuration": {k: lifecycle(k) for k in buckets},
        "aws_s3_bucket_server_side_encryption_configuration": {
            k: {
                "bucket": bucket_id(k),
                "rule": [
                    {
                        "apply_server_side_encryption_by_default": [
                            {"kms_master_key_id": key_arn, "sse_algorithm": lit("aws:kms")}
                        ],
                        "bucket_key_enabled": lit(True),
                    }
                ],
            }
            for k in buckets
        },
    }
    for type_, instances in resources.items():
        root.resource(type_, name, instances, for_each="local.buckets", provider=provider)
    # The primary set iterates over the buckets that want a public access block.
    blocked = [k for k, (_, block) in buckets.items() if block or dr]
    root.resource(
        "aws_s3_bucket_public_access_block",
        name,
        {
            k: {
                "block_public_acls": lit(True),
                "block_public_policy": lit(True),
                "bucket": bucket_id(k),
                "ignore_public_acls": lit(True),
                "restrict_public_buckets": lit(True),
            }
            for k in blocked
        },
        for_each="local.buckets" if dr else "local.public_access_blocked_buckets",
        provider=provider,
    )


def add_buckets(root: Module, v: Variant) -> None:
    """S3 in the split-resource style, replicated to buckets in the DR region."""
    buckets = {
        "app-assets": ("Enabled", True),
        "velero": (v.velero_versioning, v.velero_public_access_block),
    }
    keys = list(buckets)
    main_key = Ref("aws_kms_key.main", "arn")
    dr_key = Ref("aws_kms_key.dr", "arn")
    add_bucket_set(root, buckets, dr=False)
    add_bucket_set(root, buckets, dr=True)

    def source(key: str) -> Arg:
        return via(Ref(f'aws_s3_bucket.this["{key}"]', "id"), "aws_s3_bucket.this", "each.key")

    # Replication: a role, its policy (read at apply: it needs the new buckets' ARNs), and
    # one replication configuration per bucket.
    root.data(
        "aws_iam_policy_document",
        "s3_replication_assume_role",
        {
            "statement": [statement(["sts:AssumeRole"], service="s3.amazonaws.com")],
        },
    )
    root.one(
        "aws_iam_role",
        "replication",
        {
            "assume_role_policy": via(
                assume_role_policy("s3.amazonaws.com"),
                "data.aws_iam_policy_document.s3_replication_assume_role.json",
            ),
            "name": lit("prod-s3-replication"),
            "tags": tags("prod-s3-replication"),
        },
    )
    sources = via(
        [Ref(f'aws_s3_bucket.this["{k}"]', "arn") for k in keys],
        *(f'aws_s3_bucket.this["{k}"].arn' for k in keys),
    )
    replicas = via(
        sorted(f"arn:aws:s3:::{bucket_name(k, dr=True)}/*" for k in keys), "aws_s3_bucket.replica"
    )
    root.data(
        "aws_iam_policy_document",
        "replication",
        {
            "statement": [
                statement(
                    ["s3:GetReplicationConfiguration", "s3:ListBucket"],
                    resources=sources,
                    sid="SourceBuckets",
                ),
                statement(
                    [
                        "s3:GetObjectVersionAcl",
                        "s3:GetObjectVersionForReplication",
                        "s3:GetObjectVersionTagging",
                    ],
                    resources=sources,
                    sid="SourceObjects",
                ),
                statement(
                    ["s3:ReplicateDelete", "s3:ReplicateObject", "s3:ReplicateTags"],
                    resources=replicas,
                    sid="ReplicaObjects",
                ),
                statement(
                    ["kms:Decrypt"],
                    resources=via([main_key], "aws_kms_key.main.arn"),
                    sid="DecryptSource",
                ),
                statement(
                    ["kms:Encrypt"],
                    resources=via([dr_key], "aws_kms_key.dr.arn"),
                    sid="EncryptReplica",
                ),
            ]
        },
    )
    root.one(
        "aws_iam_role_policy",
        "replication",
        {
            "name": lit("prod-s3-replication"),
            "policy": via(
                Ref("data.aws_iam_policy_document.replication", "json"),
                "data.aws_iam_policy_document.replication.json",
            ),
            "role": via(Ref("aws_iam_role.replication", "name"), "aws_iam_role.replication.name"),
        },
    )
    root.resource(
        "aws_s3_bucket_replication_configuration",
        "this",
        {
            k: {
                "bucket": source(k),
                "role": via(Ref("aws_iam_role.replication", "arn"), "aws_iam_role.replication.arn"),
                "rule": [
                    {
                        "delete_marker_replication": [{"status": lit("Enabled")}],
                        "destination": [
                            {
                                "access_control_translation": [],
                                "account": None,
                                "bucket": via(
                                    Ref(f'aws_s3_bucket.replica["{k}"]', "arn"),
                                    "aws_s3_bucket.replica",
                                    "each.key",
                                ),
                                "encryption_configuration": [
                                    {"replica_kms_key_id": via(dr_key, "aws_kms_key.dr.arn")}
                                ],
                                "metrics": [],
                                "replication_time": [],
                                "storage_class": lit("STANDARD"),
                            }
                        ],
                        "existing_object_replication": [],
                        "filter": [{"and": [], "prefix": lit(""), "tag": []}],
                        "id": lit("dr"),
                        "prefix": None,
                        "priority": lit(1),
                        "source_selection_criteria": [
                            {
                                "replica_modifications": [],
                                "sse_kms_encrypted_objects": [{"status": lit("Enabled")}],
                            }
                        ],
                        "status": lit("Enabled"),
                    }
                ],
            }
            for k in keys
        },
        for_each="local.buckets",
        depends_on=("aws_s3_bucket_versioning.this",),
    )


def add_drift_resources(root: Module, vpc: Module) -> None:
    """Resources that exist only in the drifted configuration."""
    # STO-001, STO-002: a legacy gp2 scratch volume without encryption.
    root.one(
        "aws_ebs_volume",
        "legacy_scratch",
        {
            "availability_zone": via("us-west-2a", "module.vpc.azs[0]"),
            "encrypted": lit(False),
            "iops": UNKNOWN,
            "kms_key_id": UNKNOWN,
            "size": lit(250),
            "tags": tags("prod-legacy-scratch"),
            "throughput": UNKNOWN,
            "type": lit("gp2"),
        },
    )
    # UNKNOWN: encryption follows the account default, which this same plan turns on, so
    # the data source is read during apply and `encrypted` is unknown in the plan.
    root.one("aws_ebs_encryption_by_default", "this", {"enabled": lit(True)})
    root.data(
        "aws_ebs_encryption_by_default",
        "current",
        {},
        depends_on=("aws_ebs_encryption_by_default.this",),
    )
    root.one(
        "aws_ebs_volume",
        "batch_scratch",
        {
            "availability_zone": via("us-west-2c", "module.vpc.azs[2]"),
            "encrypted": via(
                Ref("data.aws_ebs_encryption_by_default.current", "enabled"),
                "data.aws_ebs_encryption_by_default.current.enabled",
            ),
            "iops": UNKNOWN,
            "kms_key_id": UNKNOWN,
            "size": lit(500),
            "tags": tags("prod-batch-scratch"),
            "throughput": UNKNOWN,
            "type": lit("gp3"),
        },
    )
    # TAG-001: a security group in the prod VPC whose tags say staging.
    debug = sg_rule(
        "tcp", (8080, 8080), cidrs=("10.2.10.0/23",), description="Debug port from private subnets"
    )
    root.one(
        "aws_security_group",
        "batch_debug",
        {
            "description": lit("Temporary debug access to batch pods"),
            "ingress": sg_rules([debug]),
            "name": lit("batch-debug"),
            "tags": Arg(
                {**COMMON_TAGS, "Environment": "staging", "Name": "batch-debug"}, ref("local.tags")
            ),
            "vpc_id": via(vpc.at("aws_vpc.this"), "module.vpc.vpc_id"),
        },
    )


NETWORK_ACCOUNT_ID = "222222222222"  # accounts.network in baselines/reference.yaml
TRANSIT_GATEWAY_ID = "tgw-0c1f9e4d7a2b35e80"  # shared with prod through AWS RAM
DR_PRIVATE_SUBNET_IDS = (  # the DR network stack's private subnets in us-east-1
    "subnet-0d3b7f2a91c4e5a06",
    "subnet-0e84c1d5b6a9f2317",
    "subnet-0f2a6e9c3d18b7425",
)
DR_DB_SUBNET_GROUP = "prod-dr-database"
GLOBAL_CLUSTER = "prod-aurora-global"  # created by the DR network stack
# environments.prod.eks.addons, plus Karpenter (environments.prod.eks.karpenter).
ADDONS = {
    "adot": (
        "https://open-telemetry.github.io/opentelemetry-helm-charts",
        "opentelemetry-operator",
        "0.79.0",
        "opentelemetry-operator-system",
    ),
    "aws-load-balancer-controller": (
        "https://aws.github.io/eks-charts",
        "aws-load-balancer-controller",
        "1.11.0",
        "kube-system",
    ),
    "cert-manager": ("https://charts.jetstack.io", "cert-manager", "v1.16.3", "cert-manager"),
    "external-dns": (
        "https://kubernetes-sigs.github.io/external-dns",
        "external-dns",
        "1.15.1",
        "external-dns",
    ),
    "external-secrets": (
        "https://charts.external-secrets.io",
        "external-secrets",
        "0.13.0",
        "external-secrets",
    ),
    "fluent-bit": ("https://fluent.github.io/helm-charts", "fluent-bit", "0.48.5", "logging"),
    "istio": (
        "https://istio-release.storage.googleapis.com/charts",
        "istiod",
        "1.24.2",
        "istio-system",
    ),
    "karpenter": ("oci://public.ecr.aws/karpenter", "karpenter", "1.1.1", "kube-system"),
    "keda": ("https://kedacore.github.io/charts", "keda", "2.16.1", "keda"),
    "metrics-server": (
        "https://kubernetes-sigs.github.io/metrics-server",
        "metrics-server",
        "3.12.2",
        "kube-system",
    ),
    "prometheus": (
        "https://prometheus-community.github.io/helm-charts",
        "kube-prometheus-stack",
        "68.3.0",
        "monitoring",
    ),
    "vertical-pod-autoscaler": (
        "https://charts.fairwinds.com/stable",
        "vpa",
        "4.7.1",
        "kube-system",
    ),
}


def add_resilience(root: Module, v: Variant, vpc: Module, eks: Module) -> None:
    """What the estate needs beyond the primary region's workload: the Transit Gateway
    attachment, the DR standby (Aurora replica cluster, minimal EKS cluster), backups and
    snapshots, the cluster add-ons, tracing and dashboards."""
    # Transit Gateway: owned by the network account, shared through RAM, read by id.
    root.data(
        "aws_ec2_transit_gateway",
        "network",
        {"id": via(TRANSIT_GATEWAY_ID, "var.transit_gateway_id")},
    )
    root.one(
        "aws_ec2_transit_gateway_vpc_attachment",
        "prod",
        {
            "subnet_ids": via(
                [vpc.at(f"aws_subnet.private[{i}]") for i in range(3)],
                "module.vpc.private_subnet_ids",
            ),
            "tags": tags("prod-vpc"),
            "transit_gateway_id": via(
                TRANSIT_GATEWAY_ID, "data.aws_ec2_transit_gateway.network.id"
            ),
            "vpc_id": via(vpc.at("aws_vpc.this"), "module.vpc.vpc_id"),
        },
    )

    # Aurora: a global database, the primary cluster in module.db and a headless
    # secondary cluster (no instances until failover) in the DR region.
    root.one(
        "aws_rds_global_cluster",
        "prod",
        {
            "deletion_protection": lit(True),
            "engine": lit("aurora-mysql"),
            "engine_version": lit("8.0.mysql_aurora.3.05.2"),
            "global_cluster_identifier": lit(GLOBAL_CLUSTER),
            "storage_encrypted": via(v.db_storage_encrypted, "var.db_storage_encrypted"),
        },
    )
    dr_kms = via(Ref("aws_kms_key.dr", "arn"), "aws_kms_key.dr.arn")
    root.one(
        "aws_rds_cluster",
        "dr_replica",
        {
            "backup_retention_period": lit(7),
            "cluster_identifier": lit("prod-aurora-dr"),
            "copy_tags_to_snapshot": lit(True),
            "db_subnet_group_name": via(DR_DB_SUBNET_GROUP, "var.dr_db_subnet_group_name"),
            "deletion_protection": lit(True),
            "enabled_cloudwatch_logs_exports": lit(["audit", "error", "slowquery"]),
            "engine": lit("aurora-mysql"),
            "engine_mode": lit("provisioned"),
            "engine_version": lit("8.0.mysql_aurora.3.05.2"),
            "final_snapshot_identifier": lit("prod-aurora-dr-final"),
            "kms_key_id": dr_kms
            if v.db_storage_encrypted
            else Arg(UNKNOWN, ref("var.db_storage_encrypted", "aws_kms_key.dr.arn")),
            "master_password": None,
            "master_username": UNKNOWN,
            "preferred_backup_window": lit("07:00-09:00"),
            "preferred_maintenance_window": lit("sun:10:00-sun:11:00"),
            "global_cluster_identifier": via(
                GLOBAL_CLUSTER, "aws_rds_global_cluster.prod.global_cluster_identifier"
            ),
            "skip_final_snapshot": lit(False),
            "storage_encrypted": via(v.db_storage_encrypted, "var.db_storage_encrypted"),
            "tags": tags("prod-aurora-dr", Role="dr-replica"),
            "vpc_security_group_ids": UNKNOWN_LIST,
        },
        provider="aws.dr",
    )

    # Daily backups copied to a vault in the DR region.
    for name, provider, key in (("main", "aws", "main"), ("dr", "aws.dr", "dr")):
        root.one(
            "aws_backup_vault",
            name,
            {
                "kms_key_arn": via(Ref(f"aws_kms_key.{key}", "arn"), f"aws_kms_key.{key}.arn"),
                "name": lit(f"prod-{name}"),
                "tags": tags(f"prod-{name}"),
            },
            provider=provider,
        )
    root.one(
        "aws_backup_plan",
        "daily",
        {
            "name": lit("prod-daily"),
            "rule": [
                {
                    "completion_window": lit(360),
                    "copy_action": [
                        {
                            "destination_vault_arn": via(
                                Ref("aws_backup_vault.dr", "arn"), "aws_backup_vault.dr.arn"
                            ),
                            "lifecycle": [
                                {
                                    "cold_storage_after": None,
                                    "delete_after": lit(35),
                                    "opt_in_to_archive_for_supported_resources": None,
                                }
                            ],
                        }
                    ],
                    "enable_continuous_backup": None,
                    "lifecycle": [
                        {
                            "cold_storage_after": None,
                            "delete_after": lit(35),
                            "opt_in_to_archive_for_supported_resources": None,
                        }
                    ],
                    "recovery_point_tags": None,
                    "rule_name": lit("daily"),
                    "schedule": lit("cron(0 5 * * ? *)"),
                    "schedule_expression_timezone": "Etc/UTC",
                    "start_window": lit(60),
                    "target_vault_name": via("prod-main", "aws_backup_vault.main.name"),
                }
            ],
            "tags": tags("prod-daily"),
        },
    )
    root.data(
        "aws_iam_policy_document",
        "backup_assume_role",
        {"statement": [statement(["sts:AssumeRole"], service="backup.amazonaws.com")]},
    )
    root.data(
        "aws_iam_policy_document",
        "dlm_assume_role",
        {"statement": [statement(["sts:AssumeRole"], service="dlm.amazonaws.com")]},
    )
    for role, service, policy in (
        ("backup", "backup.amazonaws.com", "service-role/AWSBackupServiceRolePolicyForBackup"),
        ("dlm", "dlm.amazonaws.com", "service-role/AWSDataLifecycleManagerServiceRole"),
    ):
        root.one(
            "aws_iam_role",
            role,
            {
                "assume_role_policy": via(
                    assume_role_policy(service),
                    f"data.aws_iam_policy_document.{role}_assume_role.json",
                ),
                "name": lit(f"prod-{role}"),
                "tags": tags(f"prod-{role}"),
            },
        )
        root.one(
            "aws_iam_role_policy_attachment",
            role,
            {
                "policy_arn": lit(f"arn:aws:iam::aws:policy/{policy}"),
                "role": via(Ref(f"aws_iam_role.{role}", "name"), f"aws_iam_role.{role}.name"),
            },
        )
    root.one(
        "aws_backup_selection",
        "aurora",
        {
            "iam_role_arn": via(Ref("aws_iam_role.backup", "arn"), "aws_iam_role.backup.arn"),
            "name": lit("prod-aurora"),
            "plan_id": via(Ref("aws_backup_plan.daily", "id"), "aws_backup_plan.daily.id"),
            "resources": via(
                [Ref("module.db.aws_rds_cluster.this", "arn")], "module.db.cluster_arn"
            ),
        },
    )

    # EBS snapshots: daily, kept 14 days (storage.snapshots.max_age_days is 30).
    root.one(
        "aws_dlm_lifecycle_policy",
        "ebs",
        {
            "description": lit("prod EBS daily snapshots"),
            "execution_role_arn": via(Ref("aws_iam_role.dlm", "arn"), "aws_iam_role.dlm.arn"),
            "policy_details": [
                {
                    "action": [],
                    "event_source": [],
                    "parameters": [],
                    "policy_type": lit("EBS_SNAPSHOT_MANAGEMENT"),
                    "resource_locations": lit(["CLOUD"]),
                    "resource_type": None,
                    "resource_types": lit(["VOLUME"]),
                    "schedule": [
                        {
                            "copy_tags": lit(True),
                            "create_rule": [
                                {
                                    "cron_expression": None,
                                    "interval": lit(24),
                                    "interval_unit": lit("HOURS"),
                                    "location": lit("CLOUD"),
                                    "times": lit(["03:00"]),
                                }
                            ],
                            "cross_region_copy_rule": [],
                            "deprecate_rule": [],
                            "fast_restore_rule": [],
                            "name": lit("daily-14d"),
                            "retain_rule": [
                                {"count": None, "interval": lit(14), "interval_unit": lit("DAYS")}
                            ],
                            "share_rule": [],
                            "tags_to_add": None,
                            "variable_tags": None,
                        }
                    ],
                    "target_tags": via({"Environment": "prod"}, "local.tags"),
                }
            ],
            "state": lit("ENABLED"),
            "tags": tags("prod-ebs-snapshots"),
        },
    )

    # The DR standby: a minimal EKS cluster in the DR region on the DR network's subnets.
    dr_subnets = via(list(DR_PRIVATE_SUBNET_IDS), "var.dr_private_subnet_ids")
    root.one(
        "aws_cloudwatch_log_group",
        "dr_cluster",
        {
            "kms_key_id": dr_kms,
            "name": lit("/aws/eks/prod-eks-dr/cluster"),
            "retention_in_days": lit(90),
            "tags": tags("prod-eks-dr"),
        },
        provider="aws.dr",
    )
    root.one(
        "aws_eks_cluster",
        "dr",
        {
            "access_config": [
                {
                    "authentication_mode": lit("API"),
                    "bootstrap_cluster_creator_admin_permissions": True,
                }
            ],
            "enabled_cluster_log_types": lit(["api", "audit", "authenticator"]),
            "encryption_config": [
                {"provider": [{"key_arn": dr_kms}], "resources": lit(["secrets"])}
            ],
            "name": lit("prod-eks-dr"),
            "role_arn": via(
                Ref("module.eks.aws_iam_role.cluster", "arn"), "module.eks.cluster_role_arn"
            ),
            "tags": tags("prod-eks-dr", Role="dr-standby"),
            "version": via("1.29", "var.eks_version"),
            "vpc_config": [
                {
                    "cluster_security_group_id": UNKNOWN,
                    "endpoint_private_access": lit(True),
                    "endpoint_public_access": lit(False),
                    "public_access_cidrs": UNKNOWN_LIST,
                    "security_group_ids": UNKNOWN_LIST,
                    "subnet_ids": dr_subnets,
                    "vpc_id": UNKNOWN,
                }
            ],
        },
        provider="aws.dr",
        depends_on=("aws_cloudwatch_log_group.dr_cluster",),
    )
    root.one(
        "aws_eks_node_group",
        "dr_standby",
        {
            "ami_type": lit("AL2023_x86_64_STANDARD"),
            "capacity_type": lit("ON_DEMAND"),
            "cluster_name": via(Ref("aws_eks_cluster.dr", "name"), "aws_eks_cluster.dr.name"),
            "instance_types": lit(["m5.xlarge"]),
            "labels": lit({"workload": "application"}),
            "launch_template": [],
            "node_group_name": lit("prod-dr-standby"),
            "node_role_arn": via(
                Ref("module.eks.aws_iam_role.node", "arn"), "module.eks.node_role_arn"
            ),
            "scaling_config": [{"desired_size": lit(1), "max_size": lit(3), "min_size": lit(0)}],
            "subnet_ids": dr_subnets,
            "tags": tags("prod-dr-standby", NodeGroup="standby"),
            "taint": [],
            "update_config": [{"max_unavailable": lit(1), "max_unavailable_percentage": None}],
        },
        provider="aws.dr",
    )

    # Cluster add-ons, installed by Helm on both clusters.
    for name, provider in (("addons", "helm"), ("dr_addons", "helm.dr")):
        root.resource(
            "helm_release",
            name,
            {
                key: {
                    "chart": via(chart, "each.value.chart"),
                    "name": via(key, "each.key"),
                    "namespace": via(namespace, "each.value.namespace"),
                    "repository": via(repo, "each.value.repository"),
                    "values": lit([]),
                    "version": via(version, "each.value.version"),
                }
                for key, (repo, chart, version, namespace) in ADDONS.items()
            },
            for_each="local.addons",
            provider=provider,
        )

    # Tracing and dashboards.
    root.one(
        "aws_xray_group",
        "prod",
        {
            "filter_expression": lit('annotation.environment = "prod"'),
            "group_name": lit("prod"),
            "insights_configuration": [
                {"insights_enabled": lit(True), "notifications_enabled": lit(False)}
            ],
            "tags": tags("prod"),
        },
    )
    root.one(
        "aws_xray_sampling_rule",
        "prod",
        {
            "fixed_rate": lit(0.05),
            "host": lit("*"),
            "http_method": lit("*"),
            "priority": lit(1000),
            "reservoir_size": lit(1),
            "resource_arn": lit("*"),
            "rule_name": lit("prod-default"),
            "service_name": lit("*"),
            "service_type": lit("*"),
            "tags": tags("prod-default"),
            "url_path": lit("*"),
            "version": lit(1),
        },
    )
    body = json.dumps(
        {
            "widgets": [
                {
                    "height": 6,
                    "properties": {
                        "metrics": [
                            ["AWS/EKS", "cluster_failed_node_count", "ClusterName", "prod-eks"]
                        ],
                        "region": REGION,
                        "title": "EKS failed nodes",
                    },
                    "type": "metric",
                    "width": 12,
                    "x": 0,
                    "y": 0,
                },
                {
                    "height": 6,
                    "properties": {
                        "metrics": [
                            ["AWS/RDS", "AuroraReplicaLag", "DBClusterIdentifier", "prod-aurora"]
                        ],
                        "region": REGION,
                        "title": "Aurora replica lag",
                    },
                    "type": "metric",
                    "width": 12,
                    "x": 12,
                    "y": 0,
                },
            ]
        },
        separators=(",", ":"),
    )
    root.one(
        "aws_cloudwatch_dashboard",
        "prod",
        {"dashboard_body": lit(body), "dashboard_name": lit("prod-overview")},
    )


def build_root(v: Variant) -> Module:
    root = Module()
    for name, description, default in (
        ("region", "Primary region", {"default": REGION}),
        ("dr_region", "Disaster recovery region", {"default": DR_REGION}),
        ("vpc_cidr", "CIDR block of the production VPC", {}),
        ("public_subnets", "Public subnets, one per AZ", {}),
        ("private_subnets", "Private subnets, one per AZ", {}),
        ("database_subnets", "Database subnets, one per AZ", {}),
        ("nat_gateway_count", "NAT gateways (one per AZ in production)", {"default": 3}),
        ("database_internet_access", "Internet route for the database subnets", {"default": False}),
        ("eks_version", "Kubernetes version of the cluster", {"default": "1.29"}),
        ("db_instance_class", "Aurora instance class", {}),
        ("db_instance_count", "Aurora writer plus readers", {"default": 3}),
        ("db_storage_encrypted", "Encrypt Aurora storage", {"default": True}),
        ("acm_certificate_arn", "Certificate of the HTTPS and TLS listeners", {}),
        ("alb_ssl_policy", "TLS policy of the public HTTPS listener", {"default": TLS13_POLICY}),
        ("owner", "Owner tag", {"default": COMMON_TAGS["Owner"]}),
        ("transit_gateway_id", "Transit Gateway of the network account, shared through RAM", {}),
        ("dr_private_subnet_ids", "Private subnets of the DR network in the DR region", {}),
        ("dr_db_subnet_group_name", "DB subnet group of the DR network in the DR region", {}),
        ("cost_center", "CostCenter tag", {"default": COMMON_TAGS["CostCenter"]}),
    ):
        root.var(name, description, **default)
    root.var(
        "db_master_password", "Aurora master password, from the CI secret store", sensitive=True
    )

    # Read while planning, so only in prior_state.
    root.data("aws_availability_zones", "available", {"state": lit("available")})
    root.data("aws_caller_identity", "current", {})

    # The KMS keys were bootstrapped before the estate: no-ops here.
    for name, provider, region in (("main", "aws", REGION), ("dr", "aws.dr", DR_REGION)):
        root.one(
            "aws_kms_key",
            name,
            {
                "deletion_window_in_days": lit(30),
                "description": lit(f"prod {name} encryption key"),
                "enable_key_rotation": lit(True),
                "multi_region": lit(False),
                "tags": tags(f"prod-{name}", Region=region),
            },
            provider=provider,
        )
        root.one(
            "aws_kms_alias",
            name,
            {
                "name": lit(f"alias/prod-{name}"),
                "target_key_id": via(
                    Ref(f"aws_kms_key.{name}", "key_id"), f"aws_kms_key.{name}.key_id"
                ),
            },
            provider=provider,
        )

    vpc = root.call(build_vpc(v))
    eks = root.call(build_eks(vpc))
    root.call(build_db(v, vpc))
    add_edge(root, vpc, v)
    add_data_services(root, vpc, eks)
    add_buckets(root, v)
    add_resilience(root, v, vpc, eks)
    if v.extra_drift_resources:
        add_drift_resources(root, vpc)

    root.output(
        "vpc_id", "ID of the production VPC", "module.vpc.vpc_id", value=vpc.at("aws_vpc.this")
    )
    root.output(
        "eks_cluster_name",
        "Name of the EKS cluster",
        "module.eks.cluster_name",
        value=eks.at("aws_eks_cluster.this", "name"),
    )
    root.output(
        "alb_dns_name",
        "DNS name of the public ALB",
        "aws_lb.public.dns_name",
        value=Ref("aws_lb.public", "dns_name"),
    )
    root.output(
        "aurora_endpoint",
        "Writer endpoint of Aurora",
        "module.db.cluster_endpoint",
        value=Ref("module.db.aws_rds_cluster.this", "endpoint"),
    )
    root.output(
        "kms_key_arn",
        "ARN of the estate KMS key",
        "aws_kms_key.main.arn",
        value=Ref("aws_kms_key.main", "arn"),
    )
    return root


def build_estate(v: Variant) -> Estate:
    existing = {
        "aws_kms_key.main",
        "aws_kms_key.dr",
        "aws_kms_alias.main",
        "aws_kms_alias.dr",
        "aws_s3_bucket.replica",
        "aws_s3_bucket_versioning.replica",
        "aws_s3_bucket_server_side_encryption_configuration.replica",
        "aws_s3_bucket_public_access_block.replica",
        "aws_s3_bucket_lifecycle_configuration.replica",
    }
    prior_outputs = {"kms_key_arn"}
    if v.network_foundation_exists:
        foundation = "aws_vpc.this aws_internet_gateway.this aws_subnet.public aws_eip.nat "
        foundation += (
            "aws_nat_gateway.this aws_route_table.public aws_route.public_internet_gateway "
        )
        foundation += "aws_route_table_association.public aws_network_acl.public"
        existing |= {f"module.vpc.{a}" for a in foundation.split()}
        prior_outputs.add("vpc_id")
    deferred = {"data.aws_iam_policy_document.replication": "read_because_config_unknown"}
    if v.extra_drift_resources:
        deferred["data.aws_ebs_encryption_by_default.current"] = "read_because_dependency_pending"
    variables = {
        "acm_certificate_arn": CERTIFICATE_ARN,
        "alb_ssl_policy": v.alb_ssl_policy,
        "cost_center": COMMON_TAGS["CostCenter"],
        "database_internet_access": v.database_internet_access,
        "database_subnets": list(DATABASE_SUBNETS),
        "db_instance_class": v.db_instance_class,
        "db_instance_count": v.db_instance_count,
        # Terraform writes every root variable value in clear, sensitive or not.
        "db_master_password": DB_MASTER_PASSWORD,
        "db_storage_encrypted": v.db_storage_encrypted,
        "dr_db_subnet_group_name": DR_DB_SUBNET_GROUP,
        "dr_private_subnet_ids": list(DR_PRIVATE_SUBNET_IDS),
        "dr_region": DR_REGION,
        "eks_version": "1.29",
        "nat_gateway_count": v.nat_gateway_count,
        "owner": COMMON_TAGS["Owner"],
        "private_subnets": list(v.private_subnets),
        "public_subnets": list(PUBLIC_SUBNETS),
        "region": REGION,
        "transit_gateway_id": TRANSIT_GATEWAY_ID,
        "vpc_cidr": VPC_CIDR,
    }
    return Estate(v, build_root(v), variables, existing, deferred, prior_outputs)


# ---------------------------------------------------------------------------
# Attribute values of objects that already exist: ids, ARNs and the like.
# ---------------------------------------------------------------------------


def nat_facts(i: int) -> dict[str, str]:
    """Addresses shared by NAT gateway ``i`` and its Elastic IP."""
    seed = f"module.vpc.aws_nat_gateway.this[{i}]"
    private_ip = f"10.2.{i + 1}.{10 + int(digest(seed, 4), 16) % 240}"
    public_ip = f"44.{230 + i}.17.{10 + int(digest(seed + '#eip', 4), 16) % 240}"
    return {
        "eni": aws_id("eni", seed),
        "assoc": aws_id("eipassoc", seed),
        "private_ip": private_ip,
        "public_ip": public_ip,
        "private_dns": f"ip-{private_ip.replace('.', '-')}.{REGION}.compute.internal",
    }


def realize(inst: Instance) -> dict[str, Any]:
    """Computed attributes of an object that exists, as the provider stored them."""
    t, a, region = inst.type, inst.address, inst.region
    ec2 = f"arn:aws:ec2:{region}:{ACCOUNT_ID}"
    index = inst.key if isinstance(inst.key, int) else 0
    if inst.block.mode == "data":
        if t == "aws_availability_zones":
            zone_ids = [AZ_IDS[z] for z in ALL_AZS]
            return {
                "group_names": [REGION],
                "id": REGION,
                "names": list(ALL_AZS),
                "zone_ids": zone_ids,
            }
        if t == "aws_caller_identity":
            user = "AROAWHXLQ2EXAMPLE7TQ3:ci-pipeline"
            return {"account_id": ACCOUNT_ID, "arn": CALLER_ARN, "id": ACCOUNT_ID, "user_id": user}
        if t == "aws_ec2_transit_gateway":
            rtb = aws_id("tgw-rtb", a)
            return {
                "amazon_side_asn": 64512,
                "arn": f"arn:aws:ec2:{region}:{NETWORK_ACCOUNT_ID}:"
                f"transit-gateway/{TRANSIT_GATEWAY_ID}",
                "association_default_route_table_id": rtb,
                "auto_accept_shared_attachments": "enable",
                "default_route_table_association": "enable",
                "default_route_table_propagation": "enable",
                "description": "Organization hub (network account)",
                "dns_support": "enable",
                "id": TRANSIT_GATEWAY_ID,
                "multicast_support": "disable",
                "owner_id": NETWORK_ACCOUNT_ID,
                "propagation_default_route_table_id": rtb,
                "security_group_referencing_support": "disable",
                "tags": {"Environment": "network", "Name": "org-hub", "Owner": "network-team"},
                "transit_gateway_cidr_blocks": [],
                "vpn_ecmp_support": "enable",
            }
        pretty, minified = policy_json(inst.values["statement"])
        return {"id": str(zlib.crc32(pretty.encode())), "json": pretty, "minified_json": minified}
    if t == "aws_kms_key":
        h = digest(a, 32)
        kid = f"{h[:8]}-{h[8:12]}-4{h[13:16]}-a{h[17:20]}-{h[20:32]}"
        root_principal = {"AWS": f"arn:aws:iam::{ACCOUNT_ID}:root"}
        statement_ = {
            "Action": "kms:*",
            "Effect": "Allow",
            "Principal": root_principal,
            "Resource": "*",
        }
        statement_["Sid"] = "Enable IAM User Permissions"
        policy = {"Id": "key-default-1", "Statement": [statement_], "Version": "2012-10-17"}
        return {
            "arn": f"arn:aws:kms:{region}:{ACCOUNT_ID}:key/{kid}",
            "id": kid,
            "key_id": kid,
            "multi_region": False,
            "policy": json.dumps(policy, separators=(",", ":")),
            "rotation_period_in_days": 365,
        }
    if t == "aws_kms_alias":
        name = inst.values["name"]
        target = Ref(inst.values["target_key_id"].address, "arn")
        return {
            "arn": f"arn:aws:kms:{region}:{ACCOUNT_ID}:{name}",
            "id": name,
            "name_prefix": "",
            "target_key_arn": target,
        }
    if t == "aws_s3_bucket":
        name = inst.values["bucket"]
        key = Ref("aws_kms_key.dr" if region == DR_REGION else "aws_kms_key.main", "arn")
        by_default = [{"kms_master_key_id": key, "sse_algorithm": "aws:kms"}]
        owner = {
            "id": digest("canonical-user", 64),
            "permissions": ["FULL_CONTROL"],
            "type": "CanonicalUser",
            "uri": "",
        }
        return {
            "acceleration_status": "",
            "acl": None,
            "arn": f"arn:aws:s3:::{name}",
            "bucket_domain_name": f"{name}.s3.amazonaws.com",
            "bucket_regional_domain_name": f"{name}.s3.{region}.amazonaws.com",
            "cors_rule": [],
            "grant": [owner],
            "hosted_zone_id": "Z3AQBSTGFYJSTF",
            "id": name,
            "lifecycle_rule": [],
            "logging": [],
            "object_lock_configuration": [],
            "object_lock_enabled": False,
            "policy": "",
            "region": region,
            "replication_configuration": [],
            "request_payer": "BucketOwner",
            "server_side_encryption_configuration": [
                {
                    "rule": [
                        {
                            "apply_server_side_encryption_by_default": by_default,
                            "bucket_key_enabled": True,
                        }
                    ]
                }
            ],
            "versioning": [{"enabled": True, "mfa_delete": False}],
            "website": [],
            "website_domain": None,
            "website_endpoint": None,
        }
    if t.startswith("aws_s3_bucket_"):
        computed: dict[str, Any] = {"id": Ref(inst.values["bucket"].address, "bucket")}
        if t != "aws_s3_bucket_public_access_block":
            computed["expected_bucket_owner"] = ""
        return computed
    if t == "aws_vpc":
        vid, main_rtb = aws_id("vpc", a), aws_id("rtb", a + "#main")
        return {
            "arn": f"{ec2}:vpc/{vid}",
            "default_network_acl_id": aws_id("acl", a),
            "default_route_table_id": main_rtb,
            "default_security_group_id": aws_id("sg", a),
            "dhcp_options_id": aws_id("dopt", a),
            "enable_network_address_usage_metrics": False,
            "id": vid,
            "ipv6_association_id": "",
            "ipv6_cidr_block": "",
            "ipv6_cidr_block_network_border_group": "",
            "main_route_table_id": main_rtb,
            "owner_id": ACCOUNT_ID,
        }
    if t == "aws_subnet":
        sid = aws_id("subnet", a)
        return {
            "arn": f"{ec2}:subnet/{sid}",
            "availability_zone_id": AZ_IDS[inst.values["availability_zone"]],
            "id": sid,
            "ipv6_cidr_block_association_id": "",
            "owner_id": ACCOUNT_ID,
            "private_dns_hostname_type_on_launch": "ip-name",
        }
    if t == "aws_internet_gateway":
        gid = aws_id("igw", a)
        return {"arn": f"{ec2}:internet-gateway/{gid}", "id": gid, "owner_id": ACCOUNT_ID}
    if t == "aws_eip":
        eid, facts = aws_id("eipalloc", a), nat_facts(index)
        public = facts["public_ip"]
        return {
            "allocation_id": eid,
            "arn": f"{ec2}:elastic-ip/{eid}",
            "association_id": facts["assoc"],
            "carrier_ip": "",
            "customer_owned_ip": "",
            "id": eid,
            "instance": "",
            "network_border_group": region,
            "network_interface": facts["eni"],
            "private_dns": facts["private_dns"],
            "private_ip": facts["private_ip"],
            "ptr_record": "",
            "public_dns": f"ec2-{public.replace('.', '-')}.{region}.compute.amazonaws.com",
            "public_ip": public,
            "public_ipv4_pool": "amazon",
            "vpc": True,
        }
    if t == "aws_nat_gateway":
        facts = nat_facts(index)
        return {
            "association_id": facts["assoc"],
            "id": aws_id("nat", a),
            "network_interface_id": facts["eni"],
            "private_ip": facts["private_ip"],
            "public_ip": facts["public_ip"],
            "secondary_allocation_ids": [],
            "secondary_private_ip_address_count": 0,
            "secondary_private_ip_addresses": [],
        }
    if t == "aws_route_table":
        rid = aws_id("rtb", a)
        route = dict.fromkeys(
            [
                "carrier_gateway_id",
                "core_network_arn",
                "destination_prefix_list_id",
                "egress_only_gateway_id",
                "ipv6_cidr_block",
                "local_gateway_id",
                "nat_gateway_id",
                "network_interface_id",
                "transit_gateway_id",
                "vpc_endpoint_id",
                "vpc_peering_connection_id",
            ],
            "",
        )
        route.update(cidr_block=WORLD, gateway_id=Ref("module.vpc.aws_internet_gateway.this", "id"))
        return {
            "arn": f"{ec2}:route-table/{rid}",
            "id": rid,
            "owner_id": ACCOUNT_ID,
            "propagating_vgws": [],
            "route": [route],
        }
    if t == "aws_route":
        table = aws_id("rtb", inst.values["route_table_id"].address)
        empty = dict.fromkeys(["instance_id", "instance_owner_id", "network_interface_id"], "")
        return {"id": f"r-{table}1080289494", **empty, "origin": "CreateRoute", "state": "active"}
    if t == "aws_route_table_association":
        return {"id": aws_id("rtbassoc", a)}
    if t == "aws_network_acl":
        nid = aws_id("acl", a)
        return {"arn": f"{ec2}:network-acl/{nid}", "id": nid, "owner_id": ACCOUNT_ID}
    raise ValueError(f"no realized values for existing {a}")


# ---------------------------------------------------------------------------
# Planning: the action for each instance, and its before and after values.
# ---------------------------------------------------------------------------


class Planner:
    def __init__(self, estate: Estate) -> None:
        self.estate = estate
        self.by_address = {i.address: i for i in estate.instances()}
        self._planned: dict[str, dict[str, Any] | None] = {}
        self._prior: dict[str, dict[str, Any]] = {}

    def exists(self, inst: Instance) -> bool:
        """Whether the instance is in the prior state (data sources: read while planning)."""
        if inst.block.mode == "data":
            return inst.block.address not in self.estate.deferred_reads
        existing = self.estate.existing
        return inst.removed or inst.address in existing or inst.block.address in existing

    def action(self, inst: Instance) -> tuple[list[str], str | None] | None:
        """The planned change, or None when the instance is not in resource_changes."""
        if inst.block.mode == "data":
            reason = self.estate.deferred_reads.get(inst.block.address)
            return (["read"], reason) if reason else None
        if inst.removed:
            return ["delete"], "delete_because_count_index"
        return (["no-op"], None) if self.exists(inst) else (["create"], None)

    def resolve(self, value: Any, prior: bool) -> Any:
        if isinstance(value, Ref):
            target = self.by_address[value.address]
            values = self.prior(target) if prior else self.planned(target)
            if values is None:
                raise ValueError(f"{value.address} has no value to reference")
            return values[value.attr]
        if isinstance(value, Secret):
            return Secret(self.resolve(value.value, prior))
        if isinstance(value, list):
            items = [self.resolve(x, prior) for x in value]
            # Lists of references are sets of ids: wholly unknown as soon as one element
            # is, and sorted once known (Terraform orders sets of strings).
            if any(isinstance(x, Unknown) for x in items):
                return UNKNOWN_LIST
            if any(isinstance(x, Ref) for x in value) and all(isinstance(x, str) for x in items):
                return sorted(items)
            return items
        if isinstance(value, dict):
            return {k: self.resolve(x, prior) for k, x in value.items()}
        return value

    def _configured(self, inst: Instance, prior: bool) -> dict[str, Any]:
        sch = inst.block.schema
        values = {**sch.defaults, **self.resolve(inst.values, prior)}
        if sch.taggable and "tags" in values:
            values["tags_all"] = values["tags"]  # no provider default_tags
        return values

    def prior(self, inst: Instance) -> dict[str, Any]:
        if inst.address not in self._prior:
            if not self.exists(inst):
                raise ValueError(f"{inst.address} does not exist before the plan")
            values = self._configured(inst, prior=True)
            values.update(self.resolve(realize(inst), prior=True))
            missing = set(inst.block.schema.computed) - set(values)
            if missing:
                raise ValueError(f"{inst.address}: no realized value for {sorted(missing)}")
            self._prior[inst.address] = values
        return self._prior[inst.address]

    def planned(self, inst: Instance) -> dict[str, Any] | None:
        if inst.address not in self._planned:
            change = self.action(inst)
            if inst.removed:
                result = None
            elif self.exists(inst) and (change is None or change[0] == ["no-op"]):
                result = self.prior(inst)
            else:
                result = self._configured(inst, prior=False)
                for attr, unknown in inst.block.schema.computed.items():
                    result.setdefault(attr, unknown)
            self._planned[inst.address] = result
        return self._planned[inst.address]


# ---------------------------------------------------------------------------
# Rendering into Terraform's JSON shapes.
# ---------------------------------------------------------------------------

_OMIT = object()


def known_json(value: Any) -> Any:
    """A value as ``after`` shows it: unknowns left out of objects, null in lists."""
    if isinstance(value, Unknown):
        return _OMIT
    if isinstance(value, Secret):
        return known_json(value.value)
    if isinstance(value, dict):
        items = ((k, known_json(value[k])) for k in sorted(value))
        return {k: x for k, x in items if x is not _OMIT}
    if isinstance(value, list):
        return [None if x is _OMIT else x for x in map(known_json, value)]
    return value


def unknown_as_bool(value: Any) -> Any:
    """``after_unknown``: true for unknown leaves, structure kept for collections."""
    if isinstance(value, Unknown):
        return True
    if isinstance(value, Secret):
        return unknown_as_bool(value.value)
    if isinstance(value, dict):
        items = ((k, unknown_as_bool(value[k])) for k in sorted(value))
        return {k: b for k, b in items if b is not False}
    if isinstance(value, list):
        return [unknown_as_bool(x) for x in value]
    return False


def wholly_known(value: Any) -> bool:
    if isinstance(value, Unknown):
        return False
    if isinstance(value, Secret):
        return wholly_known(value.value)
    if isinstance(value, dict):
        return all(map(wholly_known, value.values()))
    if isinstance(value, list):
        return all(map(wholly_known, value))
    return True


def sensitive_as_bool(value: Any, schema_sensitive: tuple[str, ...] = ()) -> Any:
    """``*_sensitive`` and ``sensitive_values``: true for sensitive leaves."""
    if isinstance(value, Secret):
        return True
    if isinstance(value, Unknown):
        return {"list": [], "map": {}}.get(value.kind, False)
    if isinstance(value, dict):
        out = {}
        for k in sorted(value):
            b = True if k in schema_sensitive else sensitive_as_bool(value[k])
            if b is not False:
                out[k] = b
        return out
    if isinstance(value, list):
        return [sensitive_as_bool(x) for x in value]
    return False


def provider_source(inst: Instance) -> str:
    return HELM if inst.block.provider.startswith("helm") else AWS


def header(inst: Instance) -> dict[str, Any]:
    """The fields that identify an instance, in Terraform's order."""
    out = {
        "address": inst.address,
        "mode": inst.block.mode,
        "type": inst.type,
        "name": inst.block.name,
    }
    if inst.key is not None:
        out["index"] = inst.key
    return out


def render_change(planner: Planner, inst: Instance) -> dict[str, Any]:
    actions, reason = planner.action(inst) or ([], None)
    sensitive = inst.block.schema.sensitive
    before = planner.prior(inst) if actions in (["delete"], ["no-op"]) else None
    after = planner.planned(inst)
    change = {
        "actions": actions,
        "before": None if before is None else known_json(before),
        "after": None if after is None else known_json(after),
        "after_unknown": {} if after is None or wholly_known(after) else unknown_as_bool(after),
        "before_sensitive": False if before is None else sensitive_as_bool(before, sensitive),
        "after_sensitive": False if after is None else sensitive_as_bool(after, sensitive),
    }
    rc = header(inst)
    if inst.block.module.name:
        rc = {
            "address": rc.pop("address"),
            "module_address": f"module.{inst.block.module.name}",
            **rc,
        }
    rc.update(provider_name=provider_source(inst), change=change)
    if reason:
        rc["action_reason"] = reason
    return rc


def sort_key(inst: Instance) -> tuple[Any, ...]:
    """Terraform's order of changes: module, data before managed, type, name, key."""
    key = inst.key
    key_order = (0, 0, "") if key is None else (1, key, "") if isinstance(key, int) else (2, 0, key)
    module = inst.block.module.name or ""
    return (bool(module), module, inst.block.mode != "data", inst.type, inst.block.name, key_order)


def module_tree(entries: list[tuple[Instance, dict[str, Any]]]) -> dict[str, Any]:
    """Group resources into root_module and child_modules, sorted like Terraform."""
    by_module: dict[str, list[dict[str, Any]]] = {}
    for inst, rendered in entries:
        by_module.setdefault(inst.block.module.prefix.rstrip("."), []).append(rendered)
    root: dict[str, Any] = {}
    if by_module.get(""):
        root["resources"] = sorted(by_module.pop(""), key=lambda r: r["address"])
    children = [
        {"resources": sorted(rs, key=lambda r: r["address"]), "address": address}
        for address, rs in sorted(by_module.items())
    ]
    if children:
        root["child_modules"] = children
    return root


def expression_lists(expressions: Any) -> list[list[str]]:
    """The ``references`` list of every expression, one list per expression."""
    if isinstance(expressions, dict):
        if isinstance(expressions.get("references"), list):
            return [expressions["references"]]
        if "constant_value" in expressions:
            return []
        return [r for x in expressions.values() for r in expression_lists(x)]
    if isinstance(expressions, list):
        return [r for x in expressions for r in expression_lists(x)]
    return []


def config_refs(expressions: Any) -> list[str]:
    return [r for refs in expression_lists(expressions) for r in refs]


def sorted_expressions(expressions: Any) -> Any:
    if isinstance(expressions, dict):
        if set(expressions) <= {"references", "constant_value"}:
            return expressions
        return {k: sorted_expressions(expressions[k]) for k in sorted(expressions)}
    if isinstance(expressions, list):
        return [sorted_expressions(x) for x in expressions]
    return expressions


def render_module_config(module: Module) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if module.outputs:
        out["outputs"] = {
            name: {"expression": o.expression, "description": o.description}
            for name, o in sorted(module.outputs.items())
        }
    blocks = sorted(module.blocks, key=lambda b: (b.mode == "data", b.local_address))
    resources = []
    for b in blocks:
        r: dict[str, Any] = {
            "address": b.local_address,
            "mode": b.mode,
            "type": b.type,
            "name": b.name,
            "provider_config_key": b.provider,
        }
        if b.expressions:
            r["expressions"] = sorted_expressions(b.expressions)
        r["schema_version"] = b.schema.version
        if b.count:
            r["count_expression"] = b.count
        if b.for_each:
            r["for_each_expression"] = b.for_each
        if b.depends_on:
            r["depends_on"] = list(b.depends_on)
        resources.append(r)
    if resources:
        out["resources"] = resources
    if module.calls:
        out["module_calls"] = {
            name: {
                "source": child.source,
                "expressions": sorted_expressions(child.inputs),
                "module": render_module_config(child),
            }
            for name, child in sorted(module.calls.items())
        }
    if module.variables:
        out["variables"] = {}
        for name, var in sorted(module.variables.items()):
            item = {"default": var.default} if var.has_default else {}
            item["description"] = var.description
            if var.sensitive:
                item["sensitive"] = True
            out["variables"][name] = item
    return out


class Dependencies:
    """Resource-level dependencies as state records them, derived from the configuration."""

    def __init__(self, estate: Estate) -> None:
        self.estate = estate
        self.blocks = {b.address: b for m in estate.modules() for b in m.blocks}
        self.modules = {m.name: m for m in estate.modules() if m.name}
        self._memo: dict[str, set[str]] = {}

    def _resolve(self, module: Module, reference: str, seen: set[str]) -> set[str]:
        steps = [s.lstrip(".") for s in _STEP.findall(reference)]
        if steps[0] in _NAMED_ROOTS - {"var"} or (steps[0] == "var" and not module.name):
            return set()
        if steps[0] == "var":
            assert module.name
            expression = self.estate.root.calls[module.name].inputs.get(steps[1])
            return self._refs(self.estate.root, config_refs(expression), seen)
        if steps[0] == "module":
            if len(steps) < 3:
                return set()
            child = self.modules[steps[1]]
            return self._refs(child, config_refs(child.outputs[steps[2]].expression), seen)
        first = 3 if steps[0] == "data" else 2
        address = module.prefix + ".".join(steps[:first])
        return {address} | self.of(self.blocks[address], seen)

    def _refs(self, module: Module, refs: list[str], seen: set[str]) -> set[str]:
        return set().union(*(self._resolve(module, r, seen) for r in refs))

    def of(self, block: Block, seen: frozenset[str] | set[str] = frozenset()) -> set[str]:
        if block.address not in self._memo:
            if block.address in seen:
                return set()
            refs = config_refs([block.expressions, block.count, block.for_each])
            refs += list(block.depends_on)
            deps = self._refs(block.module, refs, {*seen, block.address})
            self._memo[block.address] = deps - {block.address}
        return self._memo[block.address]


def relevant_attributes(estate: Estate) -> list[dict[str, Any]]:
    """Resource attributes the configuration reads (the whole resource when indexed
    dynamically), per expression the longest traversal of each resource."""
    found: set[tuple[str, tuple[Any, ...]]] = set()
    for module in estate.modules():
        exprs: list[Any] = [b.expressions for b in module.blocks]
        exprs += [o.expression for o in module.outputs.values()]
        for refs in expression_lists(exprs):
            paths: dict[str, tuple[Any, ...]] = {}
            for reference in refs:
                steps = _STEP.findall(reference)
                if steps[0] in _NAMED_ROOTS or steps[0] == "module":
                    continue
                first = 3 if steps[0] == "data" else 2
                if len(steps) > first and steps[first].startswith("["):
                    first += 1
                subject = "".join(steps[:first])
                if any(other != subject and other.startswith(subject) for other in paths):
                    continue
                path = tuple(
                    json.loads(s[1:-1]) if s[0] == "[" else s.lstrip(".") for s in steps[first:]
                )
                if len(path) >= len(paths.get(subject, ())):
                    paths[subject] = path
            found |= {(module.prefix + subject, path) for subject, path in paths.items()}
    ordered = sorted(found, key=lambda x: (x[0], json.dumps(x[1])))
    return [{"resource": r, "attribute": list(a)} for r, a in ordered]


def render_outputs(estate: Estate, planner: Planner) -> tuple[dict, dict, dict]:
    """planned_values.outputs, output_changes and prior_state outputs."""
    planned, changes, prior = {}, {}, {}
    for name, o in sorted(estate.root.outputs.items()):
        value = planner.resolve(o.value, prior=False)
        known = not isinstance(value, Unknown)
        planned[name] = {"sensitive": False, **({"value": value} if known else {})}
        old = None
        if name in estate.prior_outputs:
            old = planner.resolve(o.value, prior=True)
            prior[name] = {"sensitive": False, "value": old, "type": "string"}
            action = "no-op" if old == value else "update"
        else:
            action = "create"
        change: dict[str, Any] = {"actions": [action], "before": old}
        if known:
            change["after"] = value
        change.update(after_unknown=not known, before_sensitive=False, after_sensitive=False)
        changes[name] = change
    return planned, changes, prior


def render_plan(estate: Estate) -> dict[str, Any]:
    planner = Planner(estate)
    deps = Dependencies(estate)
    instances = sorted(estate.instances(), key=sort_key)

    changes = [(i, render_change(planner, i)) for i in instances if planner.action(i)]
    planned_entries = []
    for inst, rc in changes:
        if rc["change"]["actions"] != ["delete"]:
            after = planner.planned(inst)
            planned_entries.append(
                (
                    inst,
                    {
                        **header(inst),
                        "provider_name": provider_source(inst),
                        "schema_version": inst.block.schema.version,
                        "values": known_json(after),
                        "sensitive_values": sensitive_as_bool(after),
                    },
                )
            )
    prior_entries = []
    for inst in filter(planner.exists, instances):
        values = planner.prior(inst)
        state = {
            **header(inst),
            "provider_name": provider_source(inst),
            "schema_version": inst.block.schema.version,
            "values": known_json(values),
            "sensitive_values": sensitive_as_bool(values),
        }
        if inst.block.mode == "managed" and (depends := sorted(deps.of(inst.block))):
            state["depends_on"] = depends
        prior_entries.append((inst, state))

    outputs, output_changes, prior_outputs = render_outputs(estate, planner)
    providers = {}
    for key, alias, region in (("aws", None, REGION), ("aws.dr", "dr", DR_REGION)):
        providers[key] = {"name": "aws", "full_name": AWS, **({"alias": alias} if alias else {})}
        providers[key]["version_constraint"] = AWS_VERSION_CONSTRAINT
        providers[key]["expressions"] = {
            "allowed_account_ids": const([ACCOUNT_ID]),
            "region": const(region),
        }
    providers["helm"] = {
        "name": "helm",
        "full_name": HELM,
        "version_constraint": HELM_VERSION_CONSTRAINT,
        "expressions": {
            "kubernetes": [
                {
                    "cluster_ca_certificate": ref("module.eks.cluster_ca_certificate"),
                    "host": ref("module.eks.cluster_endpoint"),
                }
            ]
        },
    }
    providers["helm.dr"] = {
        "name": "helm",
        "full_name": HELM,
        "alias": "dr",
        "version_constraint": HELM_VERSION_CONSTRAINT,
        "expressions": {
            "kubernetes": [
                {
                    "cluster_ca_certificate": ref(
                        "aws_eks_cluster.dr.certificate_authority[0].data"
                    ),
                    "host": ref("aws_eks_cluster.dr.endpoint"),
                }
            ]
        },
    }
    return {
        "format_version": "1.2",
        "terraform_version": TERRAFORM_VERSION,
        "variables": {k: {"value": v} for k, v in sorted(estate.variables.items())},
        "planned_values": {"outputs": outputs, "root_module": module_tree(planned_entries)},
        "resource_changes": [rc for _, rc in changes],
        "output_changes": output_changes,
        "prior_state": {
            "format_version": "1.0",
            "terraform_version": TERRAFORM_VERSION,
            "values": {"outputs": prior_outputs, "root_module": module_tree(prior_entries)},
        },
        "configuration": {
            "provider_config": providers,
            "root_module": render_module_config(estate.root),
        },
        "relevant_attributes": relevant_attributes(estate),
        "timestamp": estate.variant.timestamp,
    }


# ---------------------------------------------------------------------------
# Self-checks: each plan must be well formed and consistent with itself.
# ---------------------------------------------------------------------------


def module_resources(module: dict[str, Any]) -> dict[str, dict[str, Any]]:
    out = {r["address"]: r for r in module.get("resources", [])}
    for child in module.get("child_modules", []):
        out.update(module_resources(child))
    return out


def check_changes(plan: dict[str, Any], errors: list[str]) -> None:
    planned = module_resources(plan["planned_values"]["root_module"])
    prior = module_resources(plan["prior_state"]["values"]["root_module"])
    addresses = [rc["address"] for rc in plan["resource_changes"]]
    if len(set(addresses)) != len(addresses):
        errors.append("duplicate resource_changes addresses")
    if set(planned) - set(addresses):
        errors.append(f"planned_values without a change: {sorted(set(planned) - set(addresses))}")
    for rc in plan["resource_changes"]:
        a, ch = rc["address"], rc["change"]
        actions, after = ch["actions"], ch["after"] or {}
        if actions == ["delete"]:
            if a in planned or a not in prior:
                errors.append(f"{a}: a delete must be in prior_state and not in planned_values")
        elif a not in planned or planned[a]["values"] != ch["after"]:
            errors.append(f"{a}: planned_values missing or different from after")
        if actions in (["no-op"], ["update"]) and a not in prior:
            errors.append(f"{a}: {actions} without prior_state")
        if actions == ["no-op"] and ch["before"] != ch["after"]:
            errors.append(f"{a}: no-op with different before and after")
        if actions in (["create"], ["read"]) and (
            ch["before"] is not None or ch["before_sensitive"]
        ):
            errors.append(f"{a}: {actions} with a before value")
        both = [k for k, unknown in ch["after_unknown"].items() if unknown is True and k in after]
        if both:
            errors.append(f"{a}: known and unknown at once: {both}")
        if isinstance(after.get("tags"), dict):
            for tag in ("Environment", "Owner", "CostCenter"):
                if tag not in after["tags"] or tag not in after.get("tags_all", {}):
                    errors.append(f"{a}: {tag} missing from tags or tags_all")
        module = a.split("[")[0].rsplit(".", 3 if rc["mode"] == "data" else 2)[0]
        if rc.get("module_address", "") != (module if module.startswith("module.") else ""):
            errors.append(f"{a}: wrong module_address")
        if (
            DB_MASTER_PASSWORD in json.dumps(after)
            and ch["after_sensitive"].get("master_password") is not True
        ):
            errors.append(f"{a}: the password is not marked sensitive")


def check_configuration(plan: dict[str, Any], errors: list[str]) -> None:
    """Every reference names a declared variable, a configured resource or a module output."""
    providers = plan["configuration"]["provider_config"]

    def check(module: dict[str, Any], path: str, inputs: set[str]) -> None:
        resources = {r["address"] for r in module.get("resources", [])}
        calls = module.get("module_calls", {})
        variables = set(module.get("variables", {}))
        exprs: list[Any] = [o["expression"] for o in module.get("outputs", {}).values()]
        exprs += [c.get("expressions", {}) for c in calls.values()]
        for r in module.get("resources", []):
            exprs += [
                r.get(k, {}) for k in ("expressions", "count_expression", "for_each_expression")
            ]
            if r["provider_config_key"] not in providers:
                errors.append(f"{path}{r['address']}: unknown provider configuration")
            for dependency in r.get("depends_on", []):
                if dependency not in resources:
                    errors.append(f"{path}{r['address']}: depends on unknown {dependency}")
        for reference in config_refs(exprs):
            steps = [s.lstrip(".") for s in _STEP.findall(reference)]
            if steps[0] in _NAMED_ROOTS - {"var"}:
                continue
            if steps[0] == "var":
                ok = steps[1] in variables
            elif steps[0] == "module":
                outputs = calls.get(steps[1], {}).get("module", {}).get("outputs", {})
                ok = steps[1] in calls and (len(steps) < 3 or steps[2] in outputs)
            else:
                ok = ".".join(steps[: 3 if steps[0] == "data" else 2]) in resources
            if not ok:
                errors.append(f"{path}: {reference} names nothing that is configured")
        if inputs - variables:
            errors.append(f"{path}: module inputs without variables: {sorted(inputs - variables)}")
        for name, call in calls.items():
            check(call["module"], f"module.{name}.", set(call.get("expressions", {})))

    check(plan["configuration"]["root_module"], "", set())


def validate(plan: dict[str, Any]) -> None:
    errors: list[str] = []
    check_changes(plan, errors)
    check_configuration(plan, errors)
    if errors:
        raise SystemExit("plan is inconsistent:\n  " + "\n  ".join(errors))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Generate the example production plans.")
    parser.add_argument("--check", action="store_true", help="fail if the files on disk are stale")
    parser.add_argument("--out-dir", type=Path, default=HERE)
    args = parser.parse_args(argv)
    status = 0
    for variant in (COMPLIANT, DRIFTED):
        plan = render_plan(build_estate(variant))
        validate(plan)
        text = json.dumps(plan, separators=(",", ":")) + "\n"
        path = args.out_dir / f"{variant.name}.plan.json"
        if args.check:
            if not path.exists() or path.read_text() != text:
                print(f"{path} is stale: run {Path(__file__).name}", file=sys.stderr)
                status = 1
        else:
            path.write_text(text)
            print(f"wrote {path} ({len(plan['resource_changes'])} resource changes)")
    return status


if __name__ == "__main__":
    sys.exit(main())
