"""The cost model: ``estimate(inventory, baseline, prices) -> Estimate``.

Every priced thing becomes a :class:`Line` with its resource id, quantity, unit price, the
multiplier a stated assumption applied (spot, commitments) and the assumption in words. A
line whose deciding value is known only after apply, or that has no price in the tables,
has ``monthly = None`` and says why: it is never counted as zero.

Components follow the document's cost table: ``compute`` (EKS control plane, node groups,
auto scaling groups, instances), ``database`` (Aurora and RDS instances, Serverless v2
ACUs), ``storage`` (EBS volumes, node root volumes from launch templates on plans, S3 by
assumption), ``network`` (NAT gateways and the data they process: the document's network
row lists exactly these). The document draws ElastiCache and load balancers but its cost
table has no line for them: they are the ``cache`` and ``load_balancing`` components, priced
and shown, and counted in the environment total only.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from scanner.cost.prices import Prices, PriceTable
from scanner.inventory.model import Inventory, Resource

COMPONENTS = ("compute", "database", "cache", "storage", "network", "load_balancing")
UNATTRIBUTED = "(unattributed)"

# Tags that mark an instance or group as counted elsewhere (by its node group or its ASG).
NODE_GROUP_TAG = "eks:nodegroup-name"
ASG_TAG = "aws:autoscaling:groupName"


@dataclass
class Line:
    """One priced item of the estimate."""

    environment: str
    component: str
    resource: str
    item: str
    quantity: float | None = None
    unit: str = ""
    unit_price: float | None = None
    multiplier: float = 1.0
    monthly: float | None = None
    assumption: str | None = None
    unknown: str | None = None  # why the line cannot be priced (known after apply, no price)
    region: str | None = None

    def to_dict(self) -> dict[str, Any]:
        # Every field is a scalar: no deep copy (``asdict``) needed, and a 20k plan has
        # thousands of lines.
        return {k: v for k, v in vars(self).items() if v is not None}


@dataclass
class Estimate:
    """All lines of an inventory, with totals per environment and component."""

    lines: list[Line] = field(default_factory=list)
    currency: str = "USD"
    hours_per_month: float = 730.0
    not_estimated: list[str] = field(default_factory=list)
    provenance: list[dict[str, Any]] = field(default_factory=list)

    def environments(self) -> list[str]:
        return sorted({line.environment for line in self.lines})

    def of(self, environment: str, component: str | None = None) -> list[Line]:
        """Lines of an environment (and component)."""
        return [
            line
            for line in self.lines
            if line.environment == environment and component in (None, line.component)
        ]

    def known(self, environment: str, component: str | None = None) -> float:
        """Sum of the priced lines (unknown lines excluded: see :meth:`unknown`)."""
        return round(sum(x.monthly or 0.0 for x in self.of(environment, component)), 2)

    def unknown(self, environment: str, component: str | None = None) -> list[Line]:
        return [x for x in self.of(environment, component) if x.monthly is None]

    def summary(self) -> dict[str, Any]:
        """Per environment: the known sum and unknown-line count of each component and total."""
        result: dict[str, Any] = {}
        for env in self.environments():
            comps = {
                comp: {"monthly": self.known(env, comp), "unknown": len(self.unknown(env, comp))}
                for comp in COMPONENTS
                if self.of(env, comp)
            }
            result[env] = {
                "components": comps,
                "total": {"monthly": self.known(env), "unknown": len(self.unknown(env))},
            }
        return result

    def to_dict(self) -> dict[str, Any]:
        return {
            "currency": self.currency,
            "hours_per_month": self.hours_per_month,
            "summary": self.summary(),
            "lines": [line.to_dict() for line in self.lines],
            "not_estimated": self.not_estimated,
            "prices": self.provenance,
        }


@dataclass
class _Context:
    inventory: Inventory
    baseline: dict[str, Any]
    prices: Prices
    index: dict[str, Resource]

    def env_of(self, resource: Resource) -> str:
        return resource.environment or UNATTRIBUTED

    def table(self, resource: Resource) -> tuple[PriceTable | None, str | None]:
        """The price table of the resource's region (the primary region when none is known)."""
        region = resource.region or self.baseline.get("regions", {}).get("primary")
        return self.prices.region(region), region

    def env_spec(self, env: str) -> dict[str, Any]:
        return dict(self.baseline.get("environments", {}).get(env) or {})


def estimate(inventory: Inventory, baseline: dict[str, Any], prices: Prices) -> Estimate:
    """Estimate the monthly cost of every resource the model knows how to price."""
    ctx = _Context(inventory, baseline, prices, inventory.by_id())
    result = Estimate()
    first = next(iter(prices.tables.values()), None)
    if first is not None:
        result.currency = str(first.data.get("currency", "USD"))
        result.hours_per_month = first.hours
        result.not_estimated = list(first.usage.get("not_estimated", []))
    result.provenance = [table.provenance() for table in prices.tables.values()]
    for resource in inventory.resources:
        pricer = PRICERS.get(resource.type)
        if pricer is None:
            continue
        table, region = ctx.table(resource)
        env = ctx.env_of(resource)
        if table is None:
            result.lines.append(
                Line(
                    env,
                    COMPONENT_OF[resource.type],
                    resource.id,
                    resource.type,
                    unknown=f"no price table for region {region or '(none)'}",
                    region=region,
                )
            )
            continue
        for line in pricer(ctx, resource, table):
            line.region = region
            result.lines.append(line)
    return result


# --- helpers -------------------------------------------------------------------------------


def _unknown(resource: Resource, *paths: str) -> str | None:
    """The first of ``paths`` that is unknown until apply or absent, as a reason."""
    for path in paths:
        if path in resource.unknown:
            return f"{path} is known only after apply"
        if resource.attributes.get(path) is None:
            return f"{path} is not given"
    return None


def _line(
    resource: Resource,
    env: str,
    component: str,
    item: str,
    quantity: float,
    unit: str,
    unit_price: float | None,
    multiplier: float = 1.0,
    assumption: str | None = None,
    missing_price: str | None = None,
) -> Line:
    if unit_price is None:
        return Line(
            env,
            component,
            resource.id,
            item,
            quantity,
            unit,
            assumption=assumption,
            unknown=missing_price or "no price in the table",
        )
    return Line(
        env,
        component,
        resource.id,
        item,
        quantity,
        unit,
        unit_price,
        multiplier,
        round(quantity * unit_price * multiplier, 2),
        assumption,
    )


def _blocked(resource: Resource, env: str, component: str, item: str, reason: str) -> Line:
    return Line(env, component, resource.id, item, unknown=reason)


def on_demand_multiplier(
    baseline: dict[str, Any], env: str, table: PriceTable
) -> tuple[float, str]:
    """Price multiplier of non-spot capacity under the environment's documented commitments.

    The non-spot part of ``environments.<env>.eks.capacity_mix`` (targets of reserved,
    savings_plans, on_demand) is assumed to be bought as documented: reserved instances at
    ``commitments.reserved_instances.term_years.<env>`` and savings plans at
    ``commitments.savings_plans.term_years``, each at the table's stated discount.
    """
    mix = (baseline.get("environments", {}).get(env) or {}).get("eks", {}).get("capacity_mix")
    if not mix:
        return 1.0, "on-demand list price (no capacity mix for this environment)"
    target = {k: float((mix.get(k) or {}).get("target", 0)) for k in mix}
    reserved, plans = target.get("reserved", 0.0), target.get("savings_plans", 0.0)
    on_demand = target.get("on_demand", 0.0)
    base = reserved + plans + on_demand
    if base <= 0:
        return 1.0, "on-demand list price"
    commitments = baseline.get("commitments", {})
    discounts = table.discounts
    parts = [f"{on_demand:g}% on-demand"]
    factor = on_demand
    if reserved:
        term = str((commitments.get("reserved_instances", {}).get("term_years") or {}).get(env, 1))
        off = float(discounts.get("reserved_instances_percent", {}).get(term, 0))
        factor += reserved * (1 - off / 100)
        parts.insert(0, f"{reserved:g}% reserved {term}-yr (-{off:g}%)")
    if plans:
        term = str(commitments.get("savings_plans", {}).get("term_years", 1))
        off = float(discounts.get("savings_plans_percent", {}).get(term, 0))
        factor += plans * (1 - off / 100)
        parts.insert(-1, f"{plans:g}% savings plans {term}-yr (-{off:g}%)")
    multiplier = round(factor / base, 4)
    return multiplier, f"non-spot capacity bought as the baseline's mix: {', '.join(parts)}"


def spot_multiplier(table: PriceTable) -> tuple[float, str]:
    off = float(table.discounts.get("spot_percent", 0))
    return round(1 - off / 100, 4), f"spot at {off:g}% off on-demand (stated assumption)"


# --- compute -------------------------------------------------------------------------------


def _eks_cluster(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    yield _line(
        r,
        ctx.env_of(r),
        "compute",
        "EKS control plane",
        table.hours,
        "cluster-hour",
        table.single("eks_cluster_hour"),
    )


def _instance_type_of(ctx: _Context, r: Resource) -> tuple[str | None, str | None]:
    """A node group's or ASG's first instance type, from itself or its launch template."""
    types = r.attributes.get("instance_types")
    if types:
        return str(types[0]), None
    template = ctx.index.get(str(r.refs.get("launch_template") or ""))
    if template is not None and template.attributes.get("instance_type"):
        return str(template.attributes["instance_type"]), None
    if "instance_types" in r.unknown:
        return None, "instance_types is known only after apply"
    return None, "no instance type (neither on the group nor on a launch template in the inventory)"


def _node_lines(
    ctx: _Context,
    r: Resource,
    table: PriceTable,
    item: str,
    count: float,
    on_demand_share: float,
    instance_type: str,
) -> Iterator[Line]:
    env = ctx.env_of(r)
    price = table.hourly("ec2_instance_hour", instance_type)
    missing = f"no price for {instance_type} in {table.region}"
    if on_demand_share > 0:
        multiplier, why = on_demand_multiplier(ctx.baseline, env, table)
        nodes = count * on_demand_share
        yield _line(
            r,
            env,
            "compute",
            f"{item}: {nodes:g} x {instance_type} on-demand capacity",
            nodes * table.hours,
            "instance-hour",
            price,
            multiplier,
            why,
            missing,
        )
    if on_demand_share < 1:
        multiplier, why = spot_multiplier(table)
        nodes = count * (1 - on_demand_share)
        yield _line(
            r,
            env,
            "compute",
            f"{item}: {nodes:g} x {instance_type} spot",
            nodes * table.hours,
            "instance-hour",
            price,
            multiplier,
            why,
            missing,
        )


def _root_volumes(ctx: _Context, r: Resource, table: PriceTable, count: float) -> Iterator[Line]:
    """Plans only: root volumes of the nodes, from the launch template's block devices."""
    if ctx.inventory.kind != "plan":
        return  # live: the volumes are collected as aws_ebs_volume
    template = ctx.index.get(str(r.refs.get("launch_template") or ""))
    if template is None:
        return
    for device in template.attributes.get("block_devices") or []:
        kind, size = device.get("volume_type") or "gp2", device.get("volume_size")
        if size is None:
            yield _blocked(r, ctx.env_of(r), "storage", "node root volume", "volume_size not given")
            continue
        yield _line(
            r,
            ctx.env_of(r),
            "storage",
            f"node volumes {device.get('device_name', '')}: {count:g} x {size} GB {kind}",
            count * float(size),
            "GB-month",
            table.data.get("ebs", {}).get("gb_month", {}).get(kind),
            assumption=f"launch template {template.id}, one volume per node",
        )


def _node_group(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    env = ctx.env_of(r)
    reason = _unknown(r, "desired_size", "capacity_type")
    instance_type, type_reason = _instance_type_of(ctx, r)
    reason = reason or type_reason
    if reason or instance_type is None:
        yield _blocked(r, env, "compute", "EKS node group", reason or "no instance type")
        return
    count = float(r.attributes["desired_size"])
    spot = str(r.attributes["capacity_type"]).upper() == "SPOT"
    yield from _node_lines(ctx, r, table, "node group", count, 0.0 if spot else 1.0, instance_type)
    yield from _root_volumes(ctx, r, table, count)


def _asg(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    if NODE_GROUP_TAG in r.tags:
        return  # an EKS managed node group's own ASG: priced through its node group
    env = ctx.env_of(r)
    reason = _unknown(r, "desired_capacity")
    instance_type, type_reason = _instance_type_of(ctx, r)
    reason = reason or type_reason
    if reason or instance_type is None:
        yield _blocked(r, env, "compute", "auto scaling group", reason or "no instance type")
        return
    count = float(r.attributes["desired_capacity"])
    mixed = r.attributes.get("mixed_instances")
    template = ctx.index.get(str(r.refs.get("launch_template") or ""))
    if mixed:
        base = min(float(mixed.get("on_demand_base_capacity") or 0), count)
        above = float(mixed.get("on_demand_percentage_above_base_capacity", 100))
        on_demand = base + (count - base) * above / 100
        share = on_demand / count if count else 1.0
    elif template is not None and template.attributes.get("market_type") == "spot":
        share = 0.0
    else:
        share = 1.0
    yield from _node_lines(ctx, r, table, "auto scaling group", count, share, instance_type)
    yield from _root_volumes(ctx, r, table, count)


def _instance(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    if NODE_GROUP_TAG in r.tags or ASG_TAG in r.tags:
        return  # counted by its node group or auto scaling group
    if r.attributes.get("state") in ("stopped", "stopping", "terminated", "shutting-down"):
        return  # a stopped instance bills its volumes only (collected as aws_ebs_volume)
    reason = _unknown(r, "instance_type")
    if reason:
        yield _blocked(r, ctx.env_of(r), "compute", "EC2 instance", reason)
        return
    spot = r.attributes.get("lifecycle") == "spot"
    yield from _node_lines(
        ctx, r, table, "instance", 1.0, 0.0 if spot else 1.0, str(r.attributes["instance_type"])
    )


# --- database and cache --------------------------------------------------------------------


def _serverless(ctx: _Context, r: Resource, table: PriceTable, cluster: Resource) -> Line:
    env = ctx.env_of(r)
    if "serverless_v2" in cluster.unknown or any(
        p.startswith("serverless_v2") for p in cluster.unknown
    ):
        return _blocked(r, env, "database", "Serverless v2", "capacity known only after apply")
    config = cluster.attributes.get("serverless_v2") or {}
    low, high = config.get("min_capacity"), config.get("max_capacity")
    if low is None or high is None:
        return _blocked(
            r, env, "database", "Serverless v2", f"{cluster.id} gives no min/max capacity"
        )
    share = float(table.usage.get("serverless_v2_utilization", 0.25))
    average = float(low) + share * (float(high) - float(low))
    return _line(
        r,
        env,
        "database",
        f"Aurora Serverless v2 ({low}-{high} ACU, average {average:g} ACU)",
        average * table.hours,
        "ACU-hour",
        table.single("aurora_serverless_v2_acu_hour"),
        assumption=f"average ACU = min + {share:g} x (max - min) (stated usage assumption)",
    )


def _cluster_instance(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    env = ctx.env_of(r)
    reason = _unknown(r, "instance_class")
    if reason:
        yield _blocked(r, env, "database", "Aurora instance", reason)
        return
    klass = str(r.attributes["instance_class"])
    serverless_class = ctx.baseline.get("databases", {}).get("serverless_v2_instance_class")
    cluster = ctx.index.get(str(r.refs.get("cluster") or ""))
    if klass == serverless_class:
        if cluster is None:
            yield _blocked(
                r, env, "database", "Serverless v2", "its cluster is not in the inventory"
            )
        else:
            yield _serverless(ctx, r, table, cluster)
        return
    yield _line(
        r,
        env,
        "database",
        f"Aurora instance {klass}",
        table.hours,
        "instance-hour",
        table.hourly("aurora_instance_hour", klass),
        missing_price=f"no Aurora price for {klass} in {table.region}",
    )


def _db_instance(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    env = ctx.env_of(r)
    reason = _unknown(r, "instance_class")
    if reason:
        yield _blocked(r, env, "database", "RDS instance", reason)
        return
    klass = str(r.attributes["instance_class"])
    multi_az = bool(r.attributes.get("multi_az"))
    if "multi_az" in r.unknown:
        yield _blocked(r, env, "database", "RDS instance", "multi_az is known only after apply")
        return
    yield _line(
        r,
        env,
        "database",
        f"RDS instance {klass}{' Multi-AZ' if multi_az else ''}",
        table.hours * (2 if multi_az else 1),
        "instance-hour",
        table.hourly("rds_instance_hour", klass),
        assumption="Multi-AZ bills a standby instance" if multi_az else None,
        missing_price=f"no RDS price for {klass} in {table.region}",
    )


def cache_nodes(r: Resource) -> tuple[int | None, str | None]:
    """Node count of a replication group, or the reason it is not known."""
    a = r.attributes
    if a.get("cluster_mode") or (a.get("num_node_groups") or 0) > 1:
        reason = _unknown(r, "num_node_groups", "replicas_per_node_group")
        if reason:
            return None, reason
        return int(a["num_node_groups"]) * (1 + int(a["replicas_per_node_group"])), None
    reason = _unknown(r, "num_cache_clusters")
    if reason:
        return None, reason
    return int(a["num_cache_clusters"]), None


def _cache(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    env = ctx.env_of(r)
    reason = _unknown(r, "node_type")
    nodes, count_reason = cache_nodes(r)
    reason = reason or count_reason
    if reason or nodes is None:
        yield _blocked(r, env, "cache", "ElastiCache replication group", reason or "no nodes")
        return
    klass = str(r.attributes["node_type"])
    yield _line(
        r,
        env,
        "cache",
        f"ElastiCache {nodes} x {klass}",
        nodes * table.hours,
        "node-hour",
        table.hourly("elasticache_node_hour", klass),
        missing_price=f"no ElastiCache price for {klass} in {table.region}",
    )


# --- storage -------------------------------------------------------------------------------


def io2_iops_month(iops: float, tiers: list[dict[str, Any]]) -> float:
    """Monthly price of provisioned io2 IOPS under the tiered rate."""
    total, floor = 0.0, 0.0
    for tier in tiers:
        ceiling = float("inf") if tier.get("up_to") is None else float(tier["up_to"])
        if iops > floor:
            total += (min(iops, ceiling) - floor) * float(tier["price"])
        floor = ceiling
    return total


def _ebs(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    env = ctx.env_of(r)
    reason = _unknown(r, "type", "size")
    if reason:
        yield _blocked(r, env, "storage", "EBS volume", reason)
        return
    ebs = table.data.get("ebs", {})
    kind, size = str(r.attributes["type"]), float(r.attributes["size"])
    yield _line(
        r,
        env,
        "storage",
        f"EBS {kind} {size:g} GB",
        size,
        "GB-month",
        ebs.get("gb_month", {}).get(kind),
        missing_price=f"no EBS price for {kind} in {table.region}",
    )
    iops = r.attributes.get("iops")
    if kind in ("io1", "io2", "gp3") and iops is None and "iops" in r.unknown:
        if kind != "gp3":  # gp3 defaults to its free 3,000 IOPS
            yield _blocked(r, env, "storage", f"EBS {kind} IOPS", "iops known only after apply")
        return
    if kind == "gp3":
        extra = max(0.0, float(iops or 0) - float(ebs.get("gp3_free_iops", 3000)))
        if extra:
            yield _line(
                r,
                env,
                "storage",
                f"gp3 IOPS above the free 3,000: {extra:g}",
                extra,
                "IOPS-month",
                ebs.get("gp3_iops_month"),
            )
        throughput = r.attributes.get("throughput")
        extra_mbps = max(0.0, float(throughput or 0) - float(ebs.get("gp3_free_throughput", 125)))
        if extra_mbps:
            yield _line(
                r,
                env,
                "storage",
                f"gp3 throughput above 125 MB/s: {extra_mbps:g}",
                extra_mbps,
                "MBps-month",
                ebs.get("gp3_throughput_mbps_month"),
            )
    elif kind == "io1" and iops:
        yield _line(
            r,
            env,
            "storage",
            f"io1 IOPS {float(iops):g}",
            float(iops),
            "IOPS-month",
            ebs.get("io1_iops_month"),
        )
    elif kind == "io2" and iops:
        amount = io2_iops_month(float(iops), ebs.get("io2_iops_tiers", []))
        yield Line(
            env,
            "storage",
            r.id,
            f"io2 IOPS {float(iops):g} (tiered)",
            float(iops),
            "IOPS-month",
            round(amount / float(iops), 6),
            1.0,
            round(amount, 2),
            "io2 IOPS tiers of the price table (average unit price shown)",
        )


def _bucket(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    gb = float(table.usage.get("s3_standard_gb_per_bucket", 0))
    yield _line(
        r,
        ctx.env_of(r),
        "storage",
        f"S3 Standard, {gb:g} GB assumed",
        gb,
        "GB-month",
        table.single("s3_standard_gb_month"),
        assumption="stored volume is usage: stated assumption per bucket",
    )


# --- network -------------------------------------------------------------------------------


def _nat(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    env = ctx.env_of(r)
    if r.attributes.get("state") in ("deleted", "deleting", "failed"):
        return
    nat = table.data["nat_gateway"]
    yield _line(r, env, "network", "NAT gateway", table.hours, "NAT-hour", float(nat["hour"]))
    level = str((ctx.env_spec(env).get("budget") or {}).get("data_transfer") or "default")
    volumes = table.usage.get("nat_gb_processed_per_month", {})
    gb = float(volumes.get(level, volumes.get("default", 0)))
    yield _line(
        r,
        env,
        "network",
        f"NAT data processed, {gb:g} GB assumed",
        gb,
        "GB",
        float(nat["gb_processed"]),
        assumption=f"budget.data_transfer '{level}' -> {gb:g} GB per NAT (stated usage assumption)",
    )


def _lb(ctx: _Context, r: Resource, table: PriceTable) -> Iterator[Line]:
    env = ctx.env_of(r)
    reason = _unknown(r, "load_balancer_type")
    if reason:
        yield _blocked(r, env, "load_balancing", "load balancer", reason)
        return
    kind = str(r.attributes["load_balancer_type"])
    rates = table.data.get("load_balancer", {}).get(kind)
    if rates is None:
        yield _blocked(r, env, "load_balancing", f"{kind} load balancer", "no price")
        return
    units = float(table.usage.get("load_balancer_capacity_units", 1))
    yield _line(
        r, env, "load_balancing", f"{kind} load balancer", table.hours, "LB-hour", rates["hour"]
    )
    yield _line(
        r,
        env,
        "load_balancing",
        f"{kind} load balancer capacity units, {units:g} assumed",
        units * table.hours,
        "LCU-hour",
        rates["capacity_unit_hour"],
        assumption="average capacity units are usage: stated assumption",
    )


Pricer = Callable[[_Context, Resource, PriceTable], Iterator[Line]]

PRICERS: dict[str, Pricer] = {
    "aws_eks_cluster": _eks_cluster,
    "aws_eks_node_group": _node_group,
    "aws_autoscaling_group": _asg,
    "aws_instance": _instance,
    "aws_rds_cluster_instance": _cluster_instance,
    "aws_db_instance": _db_instance,
    "aws_elasticache_replication_group": _cache,
    "aws_ebs_volume": _ebs,
    "aws_s3_bucket": _bucket,
    "aws_nat_gateway": _nat,
    "aws_lb": _lb,
}

COMPONENT_OF: dict[str, str] = {
    "aws_eks_cluster": "compute",
    "aws_eks_node_group": "compute",
    "aws_autoscaling_group": "compute",
    "aws_instance": "compute",
    "aws_rds_cluster_instance": "database",
    "aws_db_instance": "database",
    "aws_elasticache_replication_group": "cache",
    "aws_ebs_volume": "storage",
    "aws_s3_bucket": "storage",
    "aws_nat_gateway": "network",
    "aws_lb": "load_balancing",
}

# Types the estimate reads (priced, or consulted: launch templates, clusters).
READS = [*PRICERS, "aws_launch_template", "aws_rds_cluster"]
