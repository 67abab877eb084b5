# Compute controls: EKS node capacity mix, commitments, sizes, roles, add-ons, schedules, hardening.
package archscan.compute

import rego.v1

import data.archscan.lib

clusters := lib.resources("aws_eks_cluster")

# Auto scaling groups that EKS creates for a managed node group carry this tag; they are
# counted through their node group, never twice.
managed_asg_tag := "eks:nodegroup-name"

eks_managed(g) if object.get(object.get(g, "tags", {}), managed_asg_tag, null) != null

# Node groups and self-managed auto scaling groups of environments that document EKS.
groups := array.concat(
	[g |
		some g in lib.resources("aws_eks_node_group")
		lib.env_spec(g).eks
	],
	[g |
		some g in lib.resources("aws_autoscaling_group")
		not eks_managed(g)
		lib.env_spec(g).eks
	],
)

group_envs := {g.environment | some g in groups}

env_groups(env) := [g | some g in groups; g.environment == env]

group_name(g) := object.get(g.attributes, "node_group_name", object.get(g.attributes, "name", g.id))

# The first member (by id) of a scope, for the scope verdict's account and region.
first_of(members) := m if {
	first := min({x.id | some x in members})
	some m in members
	m.id == first
}

scope_verdict(env, name, members, status, message, expected, actual) := {
	"resource": sprintf("%s/%s", [env, name]),
	"environment": env,
	"account": object.get(first_of(members), "account", null),
	"region": object.get(first_of(members), "region", null),
	"status": status,
	"message": message,
	"expected": expected,
	"actual": actual,
}

# Running (desired) capacity of a group; undefined when not known.
desired(g) := g.attributes.desired_size if {
	g.type == "aws_eks_node_group"
	is_number(g.attributes.desired_size)
}

desired(g) := g.attributes.desired_capacity if {
	g.type == "aws_autoscaling_group"
	is_number(g.attributes.desired_capacity)
}

size(g, "min") := g.attributes.min_size if is_number(g.attributes.min_size)

size(g, "max") := g.attributes.max_size if is_number(g.attributes.max_size)

launch_template(g) := lib.by_id[g.refs.launch_template]

# Spot instances among a group's desired capacity; undefined when it cannot be decided.
spot_units(g) := desired(g) if {
	g.type == "aws_eks_node_group"
	g.attributes.capacity_type == "SPOT"
}

spot_units(g) := 0 if {
	g.type == "aws_eks_node_group"
	is_number(desired(g))
	g.attributes.capacity_type == "ON_DEMAND"
}

# Mixed instances policy: the base is on-demand, then the percentage above it.
spot_units(g) := s if {
	g.type == "aws_autoscaling_group"
	not lib.unknown(g, "mixed_instances")
	m := g.attributes.mixed_instances
	is_number(m.on_demand_base_capacity)
	is_number(m.on_demand_percentage_above_base_capacity)
	d := desired(g)
	above := max([d - m.on_demand_base_capacity, 0])
	s := (above * (100 - m.on_demand_percentage_above_base_capacity)) / 100
}

# No mixed policy: the launch template's market type decides (on-demand without one).
spot_units(g) := s if {
	g.type == "aws_autoscaling_group"
	not lib.unknown(g, "mixed_instances")
	not g.attributes.mixed_instances
	d := desired(g)
	s := template_spot(g, d)
}

template_spot(g, d) := 0 if {
	not g.refs.launch_template
	not lib.unknown(g, "refs.launch_template")
}

template_spot(g, d) := d if lower(object.get(launch_template(g).attributes, "market_type", "")) == "spot"

template_spot(g, d) := 0 if {
	t := launch_template(g)
	not lib.unknown(t, "market_type")
	lower(object.get(t.attributes, "market_type", "")) != "spot"
}

# METADATA
# title: Spot share of node capacity is within the documented band
# description: "Per environment, the share of spot instances in the desired (running) capacity of its EKS node groups and self-managed auto scaling groups lies within environments.<env>.eks.capacity_mix.spot min..max. Desired capacity is weighed, not max: it is what runs and is billed. A SPOT node group counts whole; a mixed instances policy counts the capacity above on_demand_base_capacity times (100 - on_demand_percentage_above_base_capacity); a group without one follows its launch template's market type. Auto scaling groups EKS creates for managed node groups are counted through the node group."
# custom:
#   id: CMP-001
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_eks_node_group, aws_autoscaling_group, aws_launch_template]
#   seed: "Spot Instances; EKS boxes; cost table"
#   rationale: The cost table is priced on the documented spot share; too little spot overspends, too much spot in production risks capacity loss on interruption.
#   remediation: "Terraform: set aws_eks_node_group.capacity_type = \"SPOT\" (or ON_DEMAND) per group, or tune mixed_instances_policy.instances_distribution on_demand_base_capacity / on_demand_percentage_above_base_capacity, and desired sizes. Live: `aws eks update-nodegroup-config --scaling-config ...` or create spot node groups."
#   baseline: [environments.*.eks.capacity_mix.spot]
#   frameworks: {well_architected: "COST06-BP03", cis: null}
cmp_001 contains v if {
	some env in group_envs
	band := data.baseline.environments[env].eks.capacity_mix.spot
	members := env_groups(env)
	undecided := sort([sprintf("%s capacity", [g.id]) | some g in members; not is_number(spot_units(g))])
	total := sum([desired(g) | some g in members; is_number(spot_units(g))])
	spot := sum([spot_units(g) | some g in members; is_number(spot_units(g))])
	v := spot_verdict(env, members, band, total, spot, undecided)
}

spot_verdict(env, members, band, total, spot, undecided) := scope_verdict(
	env, "spot-share", members, "UNKNOWN",
	sprintf("%s spot share: known only after apply or not collected: %s", [env, concat(", ", undecided)]),
	band, null,
) if count(undecided) > 0

spot_verdict(env, members, band, total, spot, undecided) := scope_verdict(
	env, "spot-share", members, "UNKNOWN",
	sprintf("%s spot share: no desired capacity to weigh", [env]),
	band, {"spot": spot, "desired": total},
) if {
	count(undecided) == 0
	total == 0
}

spot_verdict(env, members, band, total, spot, undecided) := scope_verdict(
	env, "spot-share", members, lib.pass_fail(ok),
	sprintf("%s spot share is %v%% of %v desired nodes, documented %v-%v%%", [env, share, total, band.min, band.max]),
	band, {"spot_percent": share, "spot": spot, "desired": total},
) if {
	count(undecided) == 0
	total > 0
	share := round((1000 * spot) / total) / 10
	ok := in_band_bool(share, band)
}

in_band(x, band) if {
	x >= band.min
	x <= band.max
}

in_band_bool(x, band) := true if in_band(x, band)

else := false

# Environments whose commitment coverage the baseline states.
coverage_envs := {env | some env, spec in data.baseline.environments; is_number(spec.eks.commitment_coverage_min)}

coverage_of(env) := [c | some c in lib.resources("aws_ce_coverage"); c.environment == env]

percent_of(items, kind) := p if {
	some c in items
	c.attributes.kind == kind
	c.attributes.data_available == true
	p := c.attributes.coverage_percent
	is_number(p)
}

# METADATA
# title: Committed capacity covers the documented share
# description: "Per environment with environments.<env>.eks.commitment_coverage_min, the last full month's Cost Explorer reservation coverage plus savings plans coverage (the document's 60% + 30%) is at least that minimum. Cost Explorer figures cover the account's eligible usage, not only EKS nodes. Only live data shows it."
# custom:
#   id: CMP-002
#   severity: medium
#   inputs: [live]
#   reads: [aws_ce_coverage]
#   seed: "EKS boxes; cost table"
#   rationale: Production's budget assumes 90% of its steady capacity is bought at reserved or savings plan rates; on-demand usage above that overspends.
#   remediation: "Buy reserved instances or compute savings plans for the uncovered steady usage (Cost Explorer > Reservations / Savings Plans > Recommendations) in the environment's account."
#   baseline: [environments.*.eks.commitment_coverage_min]
#   frameworks: {well_architected: "COST07-BP01", cis: null}
cmp_002 contains v if {
	some env in coverage_envs
	items := coverage_of(env)
	count(items) > 0
	wanted := data.baseline.environments[env].eks.commitment_coverage_min
	v := coverage_verdict(env, items, wanted)
}

# An environment whose EKS capacity is in the inventory but whose coverage is not.
cmp_002 contains v if {
	some env in coverage_envs
	count(coverage_of(env)) == 0
	members := [r | some r in array.concat(clusters, groups); r.environment == env]
	count(members) > 0
	wanted := data.baseline.environments[env].eks.commitment_coverage_min
	v := scope_verdict(env, "commitment-coverage", members, "UNKNOWN", sprintf("%s commitment coverage: Cost Explorer coverage is not in the inventory", [env]), wanted, null)
}

coverage_verdict(env, items, wanted) := scope_verdict(
	env, "commitment-coverage", items, lib.pass_fail(total >= wanted),
	sprintf("%s commitment coverage is %v%% (reserved %v%% + savings plans %v%%), documented at least %v%%", [env, total, ri, sp, wanted]),
	wanted, {"coverage_percent": total, "reservation": ri, "savings_plans": sp},
) if {
	ri := percent_of(items, "reservation")
	sp := percent_of(items, "savings_plans")
	total := ri + sp
}

coverage_verdict(env, items, wanted) := scope_verdict(
	env, "commitment-coverage", items, "UNKNOWN",
	sprintf("%s commitment coverage: Cost Explorer has no figure for %s", [env, concat(", ", missing)]),
	wanted, null,
) if {
	missing := sort([k | some k in ["reservation", "savings_plans"]; not is_number(percent_of(items, k))])
	count(missing) > 0
}

# Instance types of a group: a launch template's type wins (EKS refuses both).
types_of(g) := [t.attributes.instance_type] if {
	t := launch_template(g)
	is_string(t.attributes.instance_type)
}

types_of(g) := g.attributes.instance_types if {
	not is_string(launch_template(g).attributes.instance_type)
	not lib.unknown(g, "instance_types")
	is_array(g.attributes.instance_types)
	count(g.attributes.instance_types) > 0
}

# METADATA
# title: Node instance types are the documented ones
# description: "Every EKS node group and self-managed auto scaling group uses only the instance types of environments.<env>.eks.instance_types (a launch template's instance type counts for its group)."
# custom:
#   id: CMP-003
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_eks_node_group, aws_autoscaling_group, aws_launch_template]
#   seed: "Node Groups; cost table"
#   rationale: The cost table prices each environment's nodes by their documented type; a larger type multiplies the bill.
#   remediation: "Terraform: set aws_eks_node_group.instance_types (or the launch template's instance_type, or the mixed policy overrides) to the documented type. Live: create a node group with the documented type and drain the old one."
#   baseline: [environments.*.eks.instance_types]
#   frameworks: {well_architected: "COST06-BP01", cis: null}
cmp_003 contains v if {
	some g in groups
	wanted := data.baseline.environments[g.environment].eks.instance_types
	types := types_of(g)
	wrong := sort([t | some t in types; not t in wanted])
	v := lib.verdict(
		g, lib.pass_fail(count(wrong) == 0),
		lib.message_of(wrong, [], sprintf("%s %s instance types", [g.environment, g.id]), concat(", ", types)),
		wanted, types,
	)
}

cmp_003 contains v if {
	some g in groups
	not types_of(g)
	wanted := data.baseline.environments[g.environment].eks.instance_types
	v := lib.verdict(g, "UNKNOWN", sprintf("%s: instance types are known only after apply or not collected", [g.id]), wanted, null)
}

# METADATA
# title: Node count bounds match the environment
# description: "Per environment, the sum of min sizes of its EKS node groups and self-managed auto scaling groups equals environments.<env>.eks.node_count.min, and the sum of their max sizes is at most node_count.max. On a live audit of the environment's account, no node group or auto scaling group in the primary region is a FAIL."
# custom:
#   id: CMP-004
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_eks_node_group, aws_autoscaling_group]
#   seed: "cost table (node counts)"
#   rationale: The floor is what keeps the cluster available and what runs around the clock; the ceiling caps what a scaling burst can cost.
#   remediation: "Terraform: adjust scaling_config min_size / max_size (or the ASG's min_size / max_size) so their sums match the documented bounds. Live: `aws eks update-nodegroup-config --scaling-config minSize=..,maxSize=..`."
#   baseline: [environments.*.eks.node_count]
#   frameworks: {well_architected: "REL07-BP01", cis: null}
cmp_004 contains v if {
	some env in group_envs
	spec := data.baseline.environments[env].eks.node_count
	members := env_groups(env)
	undecided := sort([sprintf("%s.%s_size", [g.id, b]) | some g in members; some b in ["min", "max"]; not is_number(size(g, b))])
	lo := sum([size(g, "min") | some g in members; is_number(size(g, "min"))])
	hi := sum([size(g, "max") | some g in members; is_number(size(g, "max"))])
	problems := array.concat(
		[sprintf("minimum %v nodes, documented %v", [lo, spec.min]) | lo != spec.min],
		[sprintf("maximum %v nodes, documented at most %v", [hi, spec.max]) | hi > spec.max],
	)
	v := scope_verdict(
		env, "node-count", members, lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, sprintf("%s node count", [env]), sprintf("%v-%v nodes", [lo, hi])),
		spec, {"min": lo, "max": hi},
	)
}

# Live: an audited environment account with no node group or auto scaling group at all.
cmp_004 contains v if {
	some env, spec in data.baseline.environments
	spec.eks.node_count
	not env in group_envs
	lib.env_audited(env, "eks")
	v := lib.missing_verdict(env, "node-count", sprintf("EKS capacity of %v-%v nodes", [spec.eks.node_count.min, spec.eks.node_count.max]))
}

node_groups_of(c) := [g | some g in lib.resources("aws_eks_node_group"); g.refs.cluster == c.id]

role_names(env) := {r | some r, _ in data.baseline.environments[env].eks.node_groups}

label_roles(g) := {lower(x) | some x in object.get(g.attributes, "labels", {}); is_string(x); lower(x) in role_names(g.environment)}

name_roles(g) := {r | some r in role_names(g.environment); contains(lower(group_name(g)), r)}

# A group's role: from a label value, else from its name; undefined when ambiguous or none.
role_of(g) := r if {
	count(label_roles(g)) == 1
	some r in label_roles(g)
}

role_of(g) := r if {
	count(label_roles(g)) == 0
	count(name_roles(g)) == 1
	some r in name_roles(g)
}

# Billing kinds a capacity type can be: on-demand capacity is bought on demand or covered
# by reserved instances or savings plans.
capacity_kinds("SPOT") := {"spot"}

capacity_kinds("ON_DEMAND") := {"on_demand", "reserved", "savings_plans"}

# METADATA
# title: Node groups have the documented roles
# description: "Each EKS cluster has a node group per role of environments.<env>.eks.node_groups (system, application, batch; a role comes from a label value or the group's name). Each group's capacity type is one its role allows, and a role with a documented node count has that desired size."
# custom:
#   id: CMP-005
#   severity: low
#   inputs: [plan, live]
#   reads: [aws_eks_cluster, aws_eks_node_group]
#   seed: "Kubernetes Architecture"
#   rationale: System pods need stable on-demand nodes; applications and batch jobs carry the spot savings the budget assumes.
#   remediation: "Terraform: one aws_eks_node_group per role, labelled role = system|application|batch, with capacity_type as documented (system ON_DEMAND with the documented desired_size, batch SPOT)."
#   baseline: [environments.*.eks.node_groups]
#   frameworks: {well_architected: "REL10-BP01", cis: null}
cmp_005 contains v if {
	some c in clusters
	object.get(c, "region", null) != data.baseline.regions.dr # the DR standby is judged by DR-005
	roles := role_names(c.environment)
	found := {role_of(g) | some g in node_groups_of(c)}
	missing := sort([sprintf("no %s node group", [r]) | some r in roles; not r in found])
	v := lib.verdict(
		c, lib.pass_fail(count(missing) == 0),
		lib.message_of(missing, [], sprintf("%s cluster %s", [c.environment, c.id]), "has every documented node group role"),
		sort([r | some r in roles]), sort([r | some r in found]),
	)
}

cmp_005 contains v if {
	some g in lib.resources("aws_eks_node_group")
	lib.env_spec(g).eks.node_groups
	not role_of(g)
	v := lib.verdict(g, "FAIL", sprintf("%s: no role label or name among %v", [g.id, sort([r | some r in role_names(g.environment)])]), sort([r | some r in role_names(g.environment)]), object.get(g.attributes, "labels", {}))
}

cmp_005 contains v if {
	some g in lib.resources("aws_eks_node_group")
	role := role_of(g)
	spec := data.baseline.environments[g.environment].eks.node_groups[role]
	ctype := object.get(g.attributes, "capacity_type", null)
	nodes := object.get(spec, "nodes", null)
	undecided := array.concat(
		["capacity_type" | lib.unknown(g, "capacity_type")],
		["desired_size" | is_number(nodes); not is_number(desired(g))],
	)
	problems := array.concat(
		[sprintf("capacity %v, documented %v", [ctype, spec.capacity]) |
			not lib.unknown(g, "capacity_type")
			count(capacity_kinds(ctype) & {x | some x in spec.capacity}) == 0
		],
		[sprintf("%v nodes, documented %v", [desired(g), nodes]) | is_number(nodes); is_number(desired(g)); desired(g) != nodes],
	)
	v := lib.verdict(
		g, lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, sprintf("%s %s node group %s", [g.environment, role, g.id]), "capacity as documented"),
		spec, {"capacity_type": ctype, "desired_size": object.get(g.attributes, "desired_size", null)},
	)
}

# Names that show an add-on is installed on a cluster: EKS add-ons (plan and live) and Helm
# releases of the environment (plans only: releases are not collected live).
addon_names(c) := {lower(a.attributes.addon_name) | some a in lib.resources("aws_eks_addon"); a.refs.cluster == c.id; is_string(a.attributes.addon_name)}

helm_names(c) := helm_names_of_env(c) | helm_names_unowned

# The names of one Helm release.
release_names(h) := {lower(n) |
	some f in ["name", "chart"]
	n := h.attributes[f]
	is_string(n)
}

# A Helm release has no link to its cluster (the provider configuration holds it): it counts
# for the clusters of its environment, or, with no environment, where the inventory's
# clusters are all of one environment (a plan of one environment's stack). Both sets are
# built once, not per cluster and add-on.
helm_names_by_env := {env: names |
	some env in {h.environment | some h in lib.resources("helm_release")}
	names := union({release_names(h) | some h in lib.resources("helm_release"); h.environment == env})
}

helm_names_of_env(c) := names if {
	names := helm_names_by_env[c.environment]
} else := set()

helm_names_unowned := union({release_names(h) |
	some h in lib.resources("helm_release")
	object.get(h, "environment", null) == null
}) if {
	count({x.environment | some x in clusters}) == 1
} else := set()

# Karpenter's discovery tag on the cluster also shows it manages the nodes.
tag_names(c) := {"karpenter" | object.get(object.get(c, "tags", {}), "karpenter.sh/discovery", null) != null}

installed(c, name) if {
	some n in (addon_names(c) | helm_names(c)) | tag_names(c)
	contains(n, name)
}

required_addons(env) := {a | some a in data.baseline.environments[env].eks.addons} | {"karpenter" | data.baseline.environments[env].eks.karpenter == true}

# METADATA
# title: Documented EKS add-ons are installed
# description: "Each EKS cluster runs the add-ons of environments.<env>.eks.addons, and Karpenter where environments.<env>.eks.karpenter is true. Evidence: EKS add-ons, Helm releases (plans) and Karpenter's discovery tag. Live collection sees no Helm releases, so an add-on missing there is UNKNOWN, not FAIL."
# custom:
#   id: CMP-006
#   severity: low
#   inputs: [plan, live]
#   reads: [aws_eks_cluster, aws_eks_addon, helm_release]
#   seed: "Karpenter; Auto-Scaling; Add-ons"
#   rationale: Autoscaling (Karpenter or the Cluster Autoscaler, KEDA, VPA) is what makes the documented node counts and spot savings real; the other add-ons carry ingress, certificates, secrets and telemetry.
#   remediation: "Terraform: add aws_eks_addon or helm_release resources for the missing add-ons (karpenter, keda, cluster-autoscaler, ...). Live: `aws eks create-addon` or install the Helm chart."
#   baseline: [environments.*.eks.addons, environments.*.eks.karpenter]
#   frameworks: {well_architected: "PERF02-BP05", cis: null}
cmp_006 contains v if {
	some c in clusters
	wanted := required_addons(c.environment)
	missing := sort([a | some a in wanted; not installed(c, a)])
	status := addon_status(c, missing)
	v := lib.verdict(
		c, status,
		lib.message_of([sprintf("missing %s", [concat(", ", missing)]) | status == "FAIL"], [concat(", ", missing) | status == "UNKNOWN"], sprintf("%s cluster %s add-ons", [c.environment, c.id]), "all documented add-ons present"),
		sort([a | some a in wanted]), sort([a | some a in wanted; installed(c, a)]),
	)
}

addon_status(c, missing) := "PASS" if count(missing) == 0

addon_status(c, missing) := "FAIL" if {
	count(missing) > 0
	object.get(c, "source", "plan") != "live"
}

addon_status(c, missing) := "UNKNOWN" if {
	count(missing) > 0
	object.get(c, "source", "plan") == "live"
}

schedule_envs := {e | some e in object.get(data.baseline, ["automation", "instance_scheduler", "environments"], [])}

schedules := lib.resources("aws_autoscaling_schedule")

# A schedule that scales a group to zero.
to_zero(s) if s.attributes.desired_capacity == 0

to_zero(s) if s.attributes.max_size == 0

# Schedules aimed at a group: by ref, by name, or (live) at the ASG EKS made for a node group.
targets(s, g) if s.refs.autoscaling_group == g.id

targets(s, g) if {
	g.type == "aws_autoscaling_group"
	s.attributes.autoscaling_group_name == g.attributes.name
}

targets(s, g) if {
	g.type == "aws_eks_node_group"
	is_string(s.attributes.autoscaling_group_name)
	startswith(s.attributes.autoscaling_group_name, sprintf("eks-%s-", [group_name(g)]))
}

scheduler_tagged(g) if {
	key := data.baseline.automation.instance_scheduler.tag_key
	some k, val in object.get(g, "tags", {})
	lower(k) == lower(key)
	val != ""
}

scheduled(g) if scheduler_tagged(g)

scheduled(g) if {
	some s in schedules
	to_zero(s)
	targets(s, g)
}

# Groups exempt from scheduling: a role whose baseline entry says scheduled: false.
exempt(g) if {
	role := role_of(g)
	data.baseline.environments[g.environment].eks.node_groups[role].scheduled == false
}

# METADATA
# title: Non-production nodes are scheduled off outside working hours
# description: "In the environments of automation.instance_scheduler.environments (dev auto-shutdown, staging business hours), every EKS node group and self-managed auto scaling group either carries the instance scheduler tag (automation.instance_scheduler.tag_key) or is the target of a scheduled action that scales it to zero (desired capacity or max size 0)."
# custom:
#   id: CMP-007
#   severity: low
#   inputs: [plan, live]
#   reads: [aws_eks_node_group, aws_autoscaling_group, aws_autoscaling_schedule]
#   seed: "Dev Auto-Shutdown; Business hours only; Instance Scheduler"
#   rationale: Dev and staging budgets assume nodes that stop outside working hours; nodes left running bill around the clock.
#   remediation: "Terraform: add an aws_autoscaling_schedule with desired_capacity = 0 (and one scaling back up) for the group's auto scaling group, or tag the group Schedule = <schedule name> for the Instance Scheduler. Live: `aws autoscaling put-scheduled-update-group-action --desired-capacity 0 --recurrence ...`."
#   baseline: [automation.instance_scheduler, environments.*.eks.schedule]
#   frameworks: {well_architected: "COST09-BP03", cis: null}
cmp_007 contains v if {
	some g in groups
	g.environment in schedule_envs
	not exempt(g)
	kind := data.baseline.environments[g.environment].eks.schedule
	pending := [s.id | some s in schedules; lib.unknown(s, "refs.autoscaling_group")]
	status := schedule_status(scheduled_bool(g), pending)
	v := lib.verdict(
		g, status,
		schedule_message(g, kind, status),
		{"schedule": kind, "tag_key": data.baseline.automation.instance_scheduler.tag_key},
		{"tagged": scheduler_tagged_bool(g), "scaled_to_zero": scheduled_bool(g)},
	)
}

scheduled_bool(g) := true if scheduled(g)

else := false

scheduler_tagged_bool(g) := true if scheduler_tagged(g)

else := false

schedule_status(true, _) := "PASS"

schedule_status(false, pending) := "UNKNOWN" if count(pending) > 0

schedule_status(false, pending) := "FAIL" if count(pending) == 0

schedule_message(g, kind, "PASS") := sprintf("%s %s is scheduled (%s)", [g.environment, g.id, kind])

schedule_message(g, kind, "UNKNOWN") := sprintf("%s %s: the targets of scheduled actions are known only after apply", [g.environment, g.id])

schedule_message(g, kind, "FAIL") := sprintf("%s %s has no scale-to-zero schedule and no instance scheduler tag (documented %s)", [g.environment, g.id, kind])

open_cidrs := {"0.0.0.0/0", "::/0"}

# What EKS allows when a public endpoint names no CIDRs.
aws_default_public_cidrs := ["0.0.0.0/0"]

# METADATA
# title: EKS clusters encrypt secrets, log the control plane and keep the endpoint closed
# description: "Every EKS cluster encrypts Kubernetes secrets with a KMS key (security.eks.secrets_encryption), enables the control-plane log types of security.eks.control_plane_logs, and does not expose a public endpoint open to 0.0.0.0/0 or ::/0 (security.eks.public_endpoint_world_open)."
# custom:
#   id: CMP-008
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_eks_cluster]
#   seed: "Security layers"
#   rationale: Unencrypted secrets in etcd, an unaudited API server and a world-reachable endpoint are the usual ways into a cluster.
#   remediation: "Terraform: add encryption_config { resources = [\"secrets\"], provider { key_arn = aws_kms_key.eks.arn } }, enabled_cluster_log_types = the documented types, and vpc_config.public_access_cidrs limited to known ranges (or endpoint_public_access = false). Live: `aws eks associate-encryption-config`, `aws eks update-cluster-config --logging ... --resources-vpc-config publicAccessCidrs=...`."
#   baseline: [security.eks.secrets_encryption, security.eks.control_plane_logs, security.eks.public_endpoint_world_open]
#   frameworks: {well_architected: "SEC08-BP02", cis: "5.4.1"}
cmp_008 contains v if {
	some c in clusters
	spec := data.baseline.security.eks
	logs := {l | some l in object.get(c.attributes, "enabled_cluster_log_types", [])}
	cidrs := {x | some x in object.get(c.attributes, "public_access_cidrs", aws_default_public_cidrs)}
	public := object.get(c.attributes, "endpoint_public_access", true)
	undecided := sort([p | some p in ["secrets_encrypted", "enabled_cluster_log_types", "endpoint_public_access", "public_access_cidrs"]; lib.unknown(c, p)])
	problems := array.concat(
		array.concat(
			["secrets are not encrypted with KMS" |
				spec.secrets_encryption == true
				not lib.unknown(c, "secrets_encrypted")
				object.get(c.attributes, "secrets_encrypted", false) != true
			],
			[sprintf("control-plane logs missing: %s", [concat(", ", missing)]) |
				not lib.unknown(c, "enabled_cluster_log_types")
				missing := sort([l | some l in spec.control_plane_logs; not l in logs])
				count(missing) > 0
			],
		),
		["public endpoint open to the world" |
			spec.public_endpoint_world_open == false
			not lib.unknown(c, "endpoint_public_access")
			not lib.unknown(c, "public_access_cidrs")
			public == true
			count(cidrs & open_cidrs) > 0
		],
	)
	v := lib.verdict(
		c, lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, sprintf("cluster %s", [c.id]), "secrets encrypted, control plane logged, endpoint not world-open"),
		{"secrets_encrypted": spec.secrets_encryption, "control_plane_logs": spec.control_plane_logs, "public_endpoint_world_open": spec.public_endpoint_world_open},
		{"secrets_encrypted": object.get(c.attributes, "secrets_encrypted", null), "control_plane_logs": sort([l | some l in logs]), "endpoint_public_access": public, "public_access_cidrs": sort([x | some x in cidrs])},
	)
}
