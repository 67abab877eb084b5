"""Where each finding belongs on the architecture drawing (see ``html_architecture``).

Which findings concern an element (:func:`element_key`), first rule that applies wins:

1. Rules about one shared place: EDGE-001/003 CloudFront, EDGE-002 WAF, EDGE-004 Shield;
   OBS-* the shared-services observability; ORG-001/003 and COST-003 the management
   account; NET-008 the Transit Gateway and NET-012 Direct Connect (network account).
2. DR-* rules go to the DR region: DR-003 Aurora replica, DR-002 S3 replication, DR-005
   EKS standby, DR-006 Route 53 failover, DR-004/007 backups, DR-001 the region itself.
   Any other finding of a DR environment located in the DR region goes there too, by
   resource type (Aurora, S3, EKS, backups; else the region).
3. A finding of a workload environment goes to that environment's column: by rule
   (:data:`RULE_PARTS`, ids before families), else by resource type
   (:data:`TYPE_PARTS`, prefixes), else the account. Subnet rules (NET-003/005/006/011)
   pick the tier whose documented CIDR, name (``aws_subnet.private[0]``,
   ``subnet-tier/private``) or "<tier> tier" the finding's resource id or message names;
   the VPC when none does.
4. A finding of the network, shared-services or management environment goes to that
   account's box; findings of no known environment are not drawn (the page counts them).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from scanner.findings import Finding, Status
from scanner.report.context import ReportContext
from scanner.report.html_base import STATUS_LABELS, count_text, family_of, status_counts, worst

BASELINE_KEY = "baseline_data"

GLOBAL_RULES = {
    "EDGE-001": "edge.cloudfront",
    "EDGE-003": "edge.cloudfront",
    "EDGE-002": "edge.waf",
    "EDGE-004": "edge.shield",
    "OBS": "shared-services.observability",
    "ORG-001": "management.organization",
    "ORG-003": "management.organization",
    "COST-003": "management.anomaly",
    "NET-008": "network.tgw",
    "NET-012": "network.dx",
}
DR_RULES = {
    "DR-001": "region",
    "DR-002": "s3",
    "DR-003": "db",
    "DR-004": "backup",
    "DR-005": "eks",
    "DR-006": "route53",
    "DR-007": "backup",
}
RULE_PARTS = {
    "NET-003": "tier",
    "NET-005": "tier",
    "NET-006": "tier",
    "NET-011": "tier",
    "NET-004": "nat",
    "COST-004": "nat",
    "NET-009": "lb",
    "SEC-001": "lb",
    "NET-010": "security",
    "STO-001": "ebs",
    "STO-002": "ebs",
    "STO-003": "ebs",
    "STO-004": "s3",
    "STO-005": "s3",
    "STO-006": "",  # unused resources of any type: placed by type
    "ORG-002": "account",
    "NET": "vpc",
    "CMP": "eks",
    "DB": "db",
    "CACHE": "cache",
    "SEC": "security",
    "COST": "budget",
}
TYPE_PARTS = (
    ("aws_subnet", "tier"),
    ("aws_nat_gateway", "nat"),
    ("aws_eip", "nat"),
    ("aws_lb", "lb"),
    ("aws_alb", "lb"),
    ("aws_eks_", "eks"),
    ("aws_launch_template", "eks"),
    ("aws_rds_", "db"),
    ("aws_db_", "db"),
    ("aws_elasticache_", "cache"),
    ("aws_s3_", "s3"),
    ("aws_ebs_", "ebs"),
    ("aws_dlm_", "ebs"),
    ("aws_vpc", "vpc"),
    ("aws_internet_gateway", "vpc"),
    ("aws_route", "vpc"),
    ("aws_network_acl", "vpc"),
    ("aws_security_group", "security"),
    ("aws_kms_", "security"),
    ("aws_secretsmanager_", "security"),
    ("aws_ecr_", "security"),
    ("aws_iam_", "security"),
    ("aws_cloudtrail", "security"),
    ("aws_config_", "security"),
    ("aws_guardduty_", "security"),
    ("aws_budgets_", "budget"),
)
DR_TYPE_PARTS = {"db": "db", "s3": "s3", "eks": "eks"}
DR_BACKUP_PREFIXES = ("aws_backup_", "aws_db_snapshot", "aws_dlm_")


@dataclass
class Element:
    """One drawn box: what it is, and the findings that concern it."""

    key: str
    findings: list[Finding] = field(default_factory=list)

    @property
    def status(self) -> str:
        return worst(f.status.value for f in self.findings)

    def tooltip(self, label: str) -> str:
        counts = count_text(status_counts(self.findings))
        failing = sorted({f.rule_id for f in self.findings if f.status is Status.FAIL})
        rules = sorted({f.rule_id for f in self.findings})
        line = f"{label}: {STATUS_LABELS[self.status]} ({counts})"
        if failing:
            line += f"; failing: {', '.join(failing)}"
        elif rules:
            line += f"; rules: {', '.join(rules[:12])}"
        return line


class Layout:
    """What the baseline documents, and where each finding belongs on the drawing."""

    def __init__(self, baseline: dict[str, Any]) -> None:
        self.data = baseline
        environments = dict_of(baseline.get("environments"))
        self.workloads = [n for n, s in environments.items() if dict_of(s).get("workload")]
        self.others = [n for n in environments if n not in self.workloads]
        regions = dict_of(baseline.get("regions"))
        self.primary = str(regions.get("primary") or "")
        self.dr_region = str(regions.get("dr") or "")
        self.dr_envs = [str(e) for e in dict_of(baseline.get("dr")).get("environments") or []]

    def env(self, name: str) -> dict[str, Any]:
        return dict_of(dict_of(self.data.get("environments")).get(name))

    def account_id(self, env: str) -> str:
        account = self.env(env).get("account", env)
        return str(dict_of(dict_of(self.data.get("accounts")).get(account)).get("id") or "")

    def element_key(self, finding: Finding) -> str | None:
        """The drawn element a finding concerns, or None when it has no place on the drawing."""
        rule, family = finding.rule_id, family_of(finding.rule_id)
        fixed = GLOBAL_RULES.get(rule) or GLOBAL_RULES.get(family)
        if fixed:
            return fixed
        if family == "DR":
            return f"dr.{DR_RULES.get(rule, 'region')}"
        env = finding.environment
        in_dr = bool(self.dr_region) and self.dr_region != self.primary
        if in_dr and finding.region == self.dr_region and env in self.dr_envs:
            return f"dr.{_dr_part(finding.resource_type or '')}"
        if env in self.workloads:
            return f"{env}.{self._part(finding, env)}"
        if env in self.others:
            return f"{env}.account"
        return None

    def _part(self, finding: Finding, env: str) -> str:
        part = RULE_PARTS.get(finding.rule_id, RULE_PARTS.get(family_of(finding.rule_id)))
        if not part:
            part = _type_part(finding.resource_type or "")
        if part != "tier":
            return part
        tier = subnet_tier(finding, dict_of(dict_of(self.env(env).get("vpc")).get("subnet_tiers")))
        return f"tier.{tier}" if tier else "vpc"


def subnet_tier(finding: Finding, tiers: dict[str, Any]) -> str | None:
    """The documented tier a subnet finding names by CIDR, by resource name or in its message."""
    haystack = f"{finding.resource_id} {finding.address or ''} {finding.message}"
    for tier, spec in tiers.items():
        for cidr in dict_of(spec).get("cidrs") or []:
            if re.search(rf"(?<![\d.]){re.escape(str(cidr))}(?!\d)", haystack):
                return str(tier)
    names = f"{finding.resource_id} {finding.address or ''}"
    for tier in tiers:
        word = re.escape(str(tier))
        if re.search(rf"(aws_subnet\.{word}\b|subnet-tier/{word}\b)", names):
            return str(tier)
        if re.search(rf"\b{word} tier\b", finding.message):
            return str(tier)
    return None


def _type_part(resource_type: str) -> str:
    for prefix, part in TYPE_PARTS:
        if resource_type.startswith(prefix):
            return part
    return "account"


def _dr_part(resource_type: str) -> str:
    if resource_type.startswith(DR_BACKUP_PREFIXES):
        return "backup"
    return DR_TYPE_PARTS.get(_type_part(resource_type), "region")


def dict_of(value: Any) -> dict[str, Any]:
    """``value`` when it is a mapping, else an empty one (the baseline may omit any part)."""
    return value if isinstance(value, dict) else {}


def place(ctx: ReportContext, layout: Layout) -> tuple[dict[str, Element], list[Finding]]:
    """Findings grouped by element key, and those that have no place on the drawing."""
    elements: dict[str, Element] = {}
    unplaced: list[Finding] = []
    for finding in ctx.findings:
        key = layout.element_key(finding)
        if key is None:
            unplaced.append(finding)
        else:
            elements.setdefault(key, Element(key)).findings.append(finding)
    return elements, unplaced
