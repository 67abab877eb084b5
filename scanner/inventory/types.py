"""Canonical resource types: aliases folded, and the AWS service that collects each type."""

from __future__ import annotations

TYPE_ALIASES: dict[str, str] = {
    "aws_alb": "aws_lb",
    "aws_alb_listener": "aws_lb_listener",
    "aws_alb_target_group": "aws_lb_target_group",
    "aws_alb_listener_rule": "aws_lb_listener_rule",
    "aws_alb_target_group_attachment": "aws_lb_target_group_attachment",
}

# Service (as in the coverage ledger) that a live collector reads each type from.
SERVICE_OF_TYPE: dict[str, str] = {
    "aws_vpc": "ec2",
    "aws_subnet": "ec2",
    "aws_internet_gateway": "ec2",
    "aws_nat_gateway": "ec2",
    "aws_route_table": "ec2",
    "aws_security_group": "ec2",
    "aws_network_acl": "ec2",
    "aws_vpc_endpoint": "ec2",
    "aws_ec2_transit_gateway": "ec2",
    "aws_ec2_transit_gateway_vpc_attachment": "ec2",
    "aws_eip": "ec2",
    "aws_instance": "ec2",
    "aws_ebs_volume": "ec2",
    "aws_ebs_snapshot": "ec2",
    "aws_launch_template": "ec2",
    "aws_autoscaling_group": "autoscaling",
    "aws_eks_cluster": "eks",
    "aws_eks_node_group": "eks",
    "aws_eks_addon": "eks-addons",
    "aws_rds_cluster": "rds",
    "aws_rds_cluster_instance": "rds",
    "aws_db_instance": "rds",
    "aws_rds_global_cluster": "rds",
    "aws_elasticache_replication_group": "elasticache",
    "aws_s3_bucket": "s3",
    "aws_lb": "elbv2",
    "aws_lb_listener": "elbv2",
    "aws_kms_key": "kms",
    "aws_cloudfront_distribution": "cloudfront",
    "aws_wafv2_web_acl": "wafv2",
    "aws_secretsmanager_secret": "secretsmanager",
    "aws_cloudtrail": "cloudtrail",
    "aws_config_configuration_recorder": "config",
    "aws_guardduty_detector": "guardduty",
    "aws_ecr_repository": "ecr",
    "aws_budgets_budget": "budgets",
    "aws_organizations_account": "organizations",
    "aws_organizations_policy": "organizations",
    "aws_organizations_organization": "organizations",
    "aws_organizations_organizational_unit": "organizations",
    "aws_ec2_reserved_instances": "ec2-reserved",
    "aws_autoscaling_schedule": "autoscaling",
    "aws_db_instance_automated_backups_replication": "rds",
    "aws_db_subnet_group": "rds",
    "aws_elasticache_subnet_group": "elasticache",
    "aws_shield_subscription": "shield",
    "aws_shield_protection": "shield",
    "aws_route53_zone": "route53",
    "aws_route53_record": "route53",
    "aws_route53_health_check": "route53",
    "aws_config_delivery_channel": "config",
    "aws_ce_coverage": "ce",
    "aws_ce_anomaly_monitor": "ce",
    "aws_ce_anomaly_subscription": "ce",
    "aws_backup_plan": "backup",
    "aws_backup_vault": "backup",
    "aws_dlm_lifecycle_policy": "dlm",
    "aws_opensearch_domain": "opensearch",
    "aws_dx_connection": "directconnect",
    "aws_dx_gateway": "directconnect",
}


def canonical_type(terraform_type: str) -> str:
    """The canonical name of a Terraform resource type (aliases folded)."""
    return TYPE_ALIASES.get(terraform_type, terraform_type)


def services_for(types: list[str]) -> set[str]:
    """Services whose collection a rule reading ``types`` depends on."""
    return {SERVICE_OF_TYPE[t] for t in types if t in SERVICE_OF_TYPE}
