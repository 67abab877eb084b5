"""The architecture the baseline documents, drawn as SVG and coloured by the controls' results.

Elements come from the baseline (``ReportContext.extra["baseline_data"]``): the
management, network and shared-services accounts and the edge; one column per workload
environment (account, VPC with its CIDR, subnet tiers per AZ, NAT gateways, load
balancers, EKS, Aurora, ElastiCache, S3, EBS, security services, budget); and the DR
region. Each element takes the colour of the worst result among the findings that
concern it (FAIL > ERROR > UNKNOWN > NOT_COLLECTED > WAIVED > PASS; grey: none).

Which findings concern which element is decided in ``html_placement``.
"""

from __future__ import annotations

from typing import Any

from scanner.findings import Status
from scanner.report.context import ReportContext
from scanner.report.html_base import (
    NO_RESULT,
    STATUS_COLOURS,
    STATUS_LABELS,
    esc,
    legend,
    rect,
    short,
    status_counts,
    svg,
    text,
)
from scanner.report.html_placement import BASELINE_KEY, Element, Layout, dict_of, place

W = 1280
MUTED = "#57606a"
GAP = 16
CHIP_H = 38
FRAME_FILL = "#f6f8fa"
FRAME = 'stroke-width="2" stroke-dasharray="6 3"'  # frames dashed, elements solid


# --- drawing -----------------------------------------------------------------------------------


class Canvas:
    """SVG parts plus the placed findings, so each drawn element can look up its colour."""

    def __init__(self, elements: dict[str, Element]) -> None:
        self.elements = elements
        self.parts: list[str] = []
        self.drawn: set[str] = set()

    def element(self, key: str) -> Element:
        """The element drawn under ``key`` (recorded, so undrawn findings can be counted)."""
        self.drawn.add(key)
        return self.elements.get(key) or Element(key)

    def box(self, key: str, x: float, y: float, w: float, h: float, label: str) -> None:
        """A framed area (account, VPC, region): its frame and badge show its own findings.

        The fill stays neutral so a passing frame does not look as if all it holds passed.
        """
        element = self.element(key)
        strong = STATUS_COLOURS[element.status][0]
        tip = element.tooltip(label)
        body = [rect(x, y, w, h, FRAME_FILL, stroke=strong, radius=8, title=tip, extra=FRAME)]
        self.parts.append(_link(key, [*body, *_badge(element, x + w, y + 8, strong)]))

    def chip(self, key: str, x: float, y: float, w: float, label: str, detail: str = "") -> None:
        """A labelled element with a status badge; ``label`` and ``detail`` are escaped."""
        element = self.element(key)
        status = element.status
        strong, tint = STATUS_COLOURS[status]
        fill = "#ffffff" if status == NO_RESULT else tint
        tip = element.tooltip(f"{label} ({detail})" if detail else label)
        body = [
            rect(
                x, y, w, CHIP_H, fill, stroke=strong, radius=6, title=tip, extra='stroke-width="2"'
            ),
            text(x + 10, y + 16, short(label, int(w / 7.5)), size=12.5, weight="bold", title=tip),
        ]
        if detail:
            body.append(
                text(
                    x + 10,
                    y + 31,
                    short(detail, int(w / 6.3) - 2),
                    size=11,
                    fill="#57606a",
                    title=tip,
                )
            )
        body += _badge(element, x + w, y + 6, strong)
        self.parts.append(_link(key, body))

    def label(self, x: float, y: float, content: str, **style: Any) -> None:
        """A heading inside the drawing: bold 13px unless ``style`` says otherwise."""
        self.parts.append(text(x, y, content, **{"size": 13, "weight": "bold", **style}))


def _link(key: str, parts: list[str]) -> str:
    """An element's SVG parts in a link that filters the findings table to it."""
    return f'<a href="#el={esc(key)}" data-el="{esc(key)}" class="el">' + "".join(parts) + "</a>"


def _badge(element: Element, right: float, top: float, colour: str) -> list[str]:
    """``2 fail`` on an element with failures, ``12 ok`` when all passed, else the status."""
    counts = status_counts(element.findings)
    status = element.status
    if status == NO_RESULT:
        return []
    word = "ok" if status == Status.PASS.value else STATUS_LABELS[status]
    badge = f"{counts[status]} {word}"
    width = 8 + 6.6 * len(badge)
    return [
        rect(right - width - 6, top, width, 16, colour, radius=8),
        text(
            right - width / 2 - 6,
            top + 12,
            badge,
            size=10.5,
            anchor="middle",
            fill="#fff",
            weight="bold",
        ),
    ]


def diagram(ctx: ReportContext) -> tuple[str, int]:
    """The architecture as SVG, and how many findings it could not place."""
    baseline = ctx.extra.get(BASELINE_KEY)
    if not isinstance(baseline, dict) or not dict_of(baseline.get("environments")):
        return "", len(ctx.findings)
    layout = Layout(baseline)
    elements, unplaced = place(ctx, layout)
    canvas = Canvas(elements)
    swatches = [(STATUS_COLOURS[s][0], STATUS_LABELS[s]) for s in STATUS_COLOURS]
    canvas.parts += legend(10, 16, swatches, step=118)
    y = _organization_row(canvas, layout, 34)
    y = _environment_columns(canvas, layout, y + 18)
    y = _dr_region(canvas, layout, y + 18)
    undrawn = sum(len(e.findings) for key, e in elements.items() if key not in canvas.drawn)
    label = "Architecture from the baseline, coloured by control status"
    return svg(W, y + 4, canvas.parts, label), len(unplaced) + undrawn


ACCOUNT_CHIPS: dict[str, list[tuple[str, str, str]]] = {
    "management": [
        ("organization", "Organization & billing", "accounts, SCPs, consolidated billing"),
        ("anomaly", "Cost anomaly alerts", "anomaly detection subscription"),
    ],
    "network": [
        ("tgw", "Transit Gateway", "attaches each workload VPC"),
        ("dx", "Direct Connect", "on-premises link"),
    ],
    "shared-services": [
        ("observability", "Observability", "OpenSearch logs, X-Ray, dashboards"),
    ],
    "edge": [
        ("cloudfront", "CloudFront", "compression, TLS floor, geo"),
        ("waf", "WAF", "AWS common rule set"),
        ("shield", "Shield", "DDoS protection"),
    ],
}


def _organization_row(canvas: Canvas, layout: Layout, top: float) -> float:
    """The non-workload accounts (with their shared services) and the edge, side by side."""
    boxes = [*layout.others, "edge"]
    width = (W - 20 - GAP * (len(boxes) - 1)) / len(boxes)
    rows = max(len(ACCOUNT_CHIPS.get(name, [])) for name in boxes)
    height = 48 + max(rows, 1) * (CHIP_H + 6)
    for index, name in enumerate(boxes):
        x = 10 + index * (width + GAP)
        title = "Edge (global)" if name == "edge" else f"{name} account"
        canvas.box(f"{name}.account", x, top, width, height, title)
        canvas.label(x + 12, top + 22, short(title, int(width / 8)))
        account = layout.account_id(name) if name != "edge" else ""
        if account:
            canvas.label(
                x + 12, top + 38, f"account {account}", size=11, weight="normal", fill=MUTED
            )
        for row, (part, label, detail) in enumerate(ACCOUNT_CHIPS.get(name, [])):
            y = top + 48 + row * (CHIP_H + 6)
            canvas.chip(f"{name}.{part}", x + 10, y, width - 20, label, detail)
    return top + height


def _environment_columns(canvas: Canvas, layout: Layout, top: float) -> float:
    if not layout.workloads:
        return top
    region = f"Primary region {layout.primary}" if layout.primary else "Workload accounts"
    canvas.label(10, top + 4, region, size=14)
    count = len(layout.workloads)
    width = (W - 20 - GAP * (count - 1)) / count
    bottom = top
    for index, env in enumerate(layout.workloads):
        x = 10 + index * (width + GAP)
        bottom = max(bottom, _environment(canvas, layout, env, x, top + 14, width))
    return bottom


def _environment(
    canvas: Canvas, layout: Layout, env: str, x: float, top: float, width: float
) -> float:
    spec = layout.env(env)
    vpc = dict_of(spec.get("vpc"))
    account = layout.account_id(env)
    canvas.chip(
        f"{env}.account", x, top, width, f"{env}", f"account {account}" if account else "account"
    )
    tiers = dict_of(vpc.get("subnet_tiers"))
    vpc_top = top + CHIP_H + 10
    tier_h, inner = 30, width - 20
    grid_top = vpc_top + 34 + len(tiers) * (tier_h + 4) + 4
    vpc_h = grid_top - vpc_top + 3 * (CHIP_H + 8) + 4
    canvas.box(f"{env}.vpc", x, vpc_top, width, vpc_h, f"{env} VPC")
    azs = vpc.get("az_count", "?")
    canvas.label(x + 12, vpc_top + 22, f"VPC {vpc.get('cidr', '?')} · {azs} AZs")
    for row, (tier, tier_spec) in enumerate(tiers.items()):
        _tier(
            canvas,
            f"{env}.tier.{tier}",
            x + 10,
            vpc_top + 34 + row * (tier_h + 4),
            inner,
            tier,
            dict_of(tier_spec),
        )
    half = (inner - 8) / 2
    chips = [
        ("nat", "NAT gateways", _nat_detail(vpc)),
        ("lb", "Load balancers", _lb_detail(vpc)),
        ("eks", "EKS", _eks_detail(dict_of(spec.get("eks")))),
        ("db", "Aurora", _db_detail(dict_of(spec.get("database")))),
        ("cache", "ElastiCache", _cache_detail(dict_of(spec.get("cache")))),
    ]
    for index, (part, label, detail) in enumerate(chips):
        cx = x + 10 + (index % 2) * (half + 8)
        cy = grid_top + (index // 2) * (CHIP_H + 8)
        canvas.chip(f"{env}.{part}", cx, cy, half, label, detail)
    y = vpc_top + vpc_h + 10
    storage = dict_of(spec.get("storage"))
    budget = dict_of(spec.get("budget"))
    currency = str(dict_of(layout.data.get("budgets")).get("currency") or "USD")
    regional = [
        ("s3", "S3", _s3_detail(storage)),
        ("ebs", "EBS", "/".join(map(str, storage.get("ebs_allowed_types") or [])) or "volumes"),
        ("security", "Security", "KMS, secrets, ECR, SGs, Config, GuardDuty, CloudTrail"),
        (
            "budget",
            "Budget",
            f"{_money(budget.get('total'))} {currency}/month" if budget else "budget",
        ),
    ]
    half = (width - 8) / 2
    for index, (part, label, detail) in enumerate(regional):
        canvas.chip(
            f"{env}.{part}",
            x + (index % 2) * (half + 8),
            y + (index // 2) * (CHIP_H + 8),
            half,
            label,
            detail,
        )
    return y + 2 * (CHIP_H + 8)


def _tier(
    canvas: Canvas, key: str, x: float, y: float, width: float, tier: str, spec: dict[str, Any]
) -> None:
    element = canvas.element(key)
    strong, tint = STATUS_COLOURS[element.status]
    fill = "#ffffff" if element.status == NO_RESULT else tint
    cidrs = [str(c) for c in spec.get("cidrs") or []]
    egress = {"internet_gateway": "→ IGW", "nat_gateway": "→ NAT", "none": "no egress"}.get(
        str(spec.get("internet_egress")), str(spec.get("internet_egress") or "")
    )
    label = f"{tier} subnets ({egress})" if egress else f"{tier} subnets"
    tip = element.tooltip(f"{label}: {', '.join(cidrs)}")
    parts = [
        rect(x, y, width, 30, fill, stroke=strong, radius=5, title=tip, extra='stroke-width="2"')
    ]
    parts.append(text(x + 8, y + 13, short(tier, 12), size=11.5, weight="bold", title=tip))
    parts.append(text(x + 8, y + 25, short(egress, 12), size=10, fill="#57606a"))
    cell_x, cell_w = x + 86, (width - 92) / max(len(cidrs), 1)
    for index, cidr in enumerate(cidrs):
        cx = cell_x + index * cell_w
        parts.append(rect(cx, y + 5, cell_w - 4, 20, "#ffffff", stroke="#d0d7de", radius=3))
        parts.append(
            text(
                cx + (cell_w - 4) / 2,
                y + 19,
                short(cidr, 18),
                size=10.5,
                anchor="middle",
                title=tip,
            )
        )
    canvas.parts.append(_link(key, parts))


def _dr_region(canvas: Canvas, layout: Layout, top: float) -> float:
    if not layout.dr_region:
        return top
    envs = ", ".join(layout.dr_envs) or "no environment"
    height = 46 + CHIP_H + 12
    canvas.box("dr.region", 10, top, W - 20, height, f"DR region {layout.dr_region}")
    canvas.label(22, top + 22, f"DR region {layout.dr_region} · standby for {envs}")
    standby = dict_of(dict_of(layout.data.get("dr")).get("eks_standby")).get("max_nodes")
    chips = [
        ("dr.db", "Aurora replica", "cross-region replica"),
        ("dr.s3", "S3 replication", "versioned, replicated buckets"),
        ("dr.eks", "EKS standby", f"at most {standby} nodes" if standby else "minimal cluster"),
        ("dr.route53", "Route 53 failover", "health-checked records"),
        ("dr.backup", "Backups", "snapshot copies, Velero bucket"),
    ]
    width = (W - 40 - 8 * (len(chips) - 1)) / len(chips)
    for index, (key, label, detail) in enumerate(chips):
        canvas.chip(key, 20 + index * (width + 8), top + 36, width, label, detail)
    return top + height


def _money(value: Any) -> str:
    return f"{value:,.0f}" if isinstance(value, int | float) else "?"


def _nat_detail(vpc: dict[str, Any]) -> str:
    nat = dict_of(vpc.get("nat_gateways"))
    detail = f"{nat.get('count', '?')} in {nat.get('subnet_tier', '?')} tier"
    return detail + (", one per AZ" if nat.get("one_per_az") else "")


def _lb_detail(vpc: dict[str, Any]) -> str:
    lbs = dict_of(vpc.get("load_balancers"))
    kinds = [
        name
        for name, key in (("ALB", "application"), ("NLB", "network"))
        if dict_of(lbs.get(key)).get("required")
    ]
    scheme = dict_of(lbs.get("application")).get("scheme")
    return " + ".join(kinds or ["none required"]) + (f", {scheme}" if scheme else "")


def _eks_detail(eks: dict[str, Any]) -> str:
    types = ", ".join(map(str, eks.get("instance_types") or [])) or "?"
    count = dict_of(eks.get("node_count"))
    return f"{types} · {count.get('min', '?')}–{count.get('max', '?')} nodes"


def _db_detail(db: dict[str, Any]) -> str:
    if db.get("mode") == "serverless-v2":
        v2 = dict_of(db.get("serverless_v2"))
        detail = f"Serverless v2 {v2.get('min_capacity', '?')}–{v2.get('max_capacity', '?')} ACU"
    else:
        detail = str(db.get("instance_class") or db.get("engine") or "?")
    if db.get("multi_az"):
        detail += ", Multi-AZ"
    if db.get("read_replicas"):
        detail += f", {db['read_replicas']} readers"
    return detail


def _cache_detail(cache: dict[str, Any]) -> str:
    detail = f"{cache.get('engine', '?')} {cache.get('node_type', '')}".strip()
    return detail + (", cluster mode" if cache.get("cluster_mode") else "")


def _s3_detail(storage: dict[str, Any]) -> str:
    detail = f"lifecycle {storage.get('s3_lifecycle_profile', '?')}"
    return detail + (", versioned" if storage.get("s3_versioning_required") else "")
