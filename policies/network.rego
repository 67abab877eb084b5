# Network controls: VPC CIDRs, subnet tiers, NAT layout, internet routes.
package archscan.network

import rego.v1

import data.archscan.lib

vpcs := [v | some v in lib.resources("aws_vpc"); not v.attributes.is_default]

# METADATA
# title: Environment VPC uses its documented CIDR
# description: Each environment's VPC must use exactly the CIDR block the architecture documents for it.
# custom:
#   id: NET-001
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_vpc]
#   seed: "VPC boxes (Dev VPC - 10.0.0.0/16, Staging VPC - 10.1.0.0/16, Prod VPC - 10.2.0.0/16)"
#   rationale: Transit Gateway routing and the subnet plan depend on every environment keeping its documented address space.
#   remediation: "Terraform: set aws_vpc.cidr_block to the environment's documented CIDR (a VPC's primary CIDR cannot change in place: plan a replacement). Live: migrate workloads to a VPC created with the documented CIDR."
#   baseline: [environments.*.vpc.cidr]
#   frameworks: {well_architected: "REL02-BP03", cis: null}
net_001 contains v if {
	some vpc in vpcs
	spec := lib.env_spec(vpc).vpc
	lib.unknown(vpc, "cidr_block")
	v := lib.verdict(vpc, "UNKNOWN", "VPC CIDR is known only after apply", spec.cidr, null)
}

net_001 contains v if {
	some vpc in vpcs
	spec := lib.env_spec(vpc).vpc
	not lib.unknown(vpc, "cidr_block")
	actual := object.get(vpc.attributes, "cidr_block", null)
	status := lib.pass_fail(actual == spec.cidr)
	msg := sprintf("%s VPC CIDR is %v, documented %s", [vpc.environment, actual, spec.cidr])
	v := lib.verdict(vpc, status, msg, spec.cidr, actual)
}

# METADATA
# title: Environment VPC CIDRs do not overlap
# description: VPCs of different environments must not share addresses, or Transit Gateway cannot route between them.
# custom:
#   id: NET-002
#   severity: critical
#   inputs: [plan, live]
#   reads: [aws_vpc]
#   seed: Transit Gateway
#   rationale: Overlapping CIDRs make routes through the Transit Gateway ambiguous and break cross-environment connectivity.
#   remediation: "Terraform: give the VPC a CIDR that does not intersect any other environment's (see baselines/reference.yaml environments.*.vpc.cidr). Live: re-address one of the VPCs."
#   baseline: [environments.*.vpc.cidr]
#   frameworks: {well_architected: "REL02-BP05", cis: null}
net_002 contains v if {
	some vpc in vpcs
	vpc.environment
	lib.unknown(vpc, "cidr_block")
	v := lib.verdict(vpc, "UNKNOWN", "VPC CIDR is known only after apply", "no overlap", null)
}

net_002 contains v if {
	some vpc in vpcs
	vpc.environment
	cidr := vpc.attributes.cidr_block
	clashes := sort([sprintf("%s (%s, %s)", [o.id, o.environment, o.attributes.cidr_block]) |
		some o in vpcs
		o.id != vpc.id
		o.environment
		o.environment != vpc.environment
		is_string(o.attributes.cidr_block)
		net.cidr_intersects(cidr, o.attributes.cidr_block)
	])
	status := lib.pass_fail(count(clashes) == 0)
	msg := lib.message_of(clashes, [], sprintf("%s VPC %s", [vpc.environment, cidr]), "overlaps no other environment")
	v := lib.verdict(vpc, status, msg, "no overlap", clashes)
}

subnets := lib.planned_subnets

# METADATA
# title: Subnets follow the documented tier plan
# description: Three tiers (public, private, database), one subnet per AZ across the documented AZ count; every subnet inside its VPC's documented CIDR and inside its tier's documented set.
# custom:
#   id: NET-003
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_subnet, aws_vpc]
#   seed: "Subnet boxes (Public 10.x.1-3.0/24, Private 10.x.10-12.0/24, Database 10.x.20-22.0/24)"
#   rationale: Routing, NACLs and database placement are defined per tier; a subnet outside the plan escapes them.
#   remediation: "Terraform: set aws_subnet.cidr_block to one of the tier's documented CIDRs and spread the tier's subnets over distinct availability_zone values. Live: recreate the subnet in the documented range."
#   baseline: [environments.*.vpc.cidr, environments.*.vpc.subnet_tiers, environments.*.vpc.az_count]
#   frameworks: {well_architected: "REL02-BP03", cis: null}
net_003 contains v if {
	some s in subnets
	lib.env_spec(s).vpc
	lib.unknown(s, "cidr_block")
	v := lib.verdict(s, "UNKNOWN", "subnet CIDR is known only after apply", "a documented tier CIDR", null)
}

net_003 contains v if {
	some s in subnets
	spec := lib.env_spec(s).vpc
	cidr := s.attributes.cidr_block
	allowed := sort([c | some t in spec.subnet_tiers; some c in t.cidrs])
	tier := lib.tier_or_null(s.environment, cidr)
	ok := tier != null
	status := lib.pass_fail(ok)
	msg := lib.pick(
		ok,
		sprintf("%s subnet %s is in the %s tier", [s.environment, cidr, tier]),
		sprintf("%s subnet %s is not a documented tier CIDR of VPC %s", [s.environment, cidr, spec.cidr]),
	)
	v := lib.verdict(s, status, msg, allowed, cidr)
}

# Scope check per environment and tier: one subnet per AZ across az_count AZs.
net_003 contains v if {
	some env in lib.envs_with_vpc
	spec := data.baseline.environments[env].vpc
	some tier, tier_spec in spec.subnet_tiers
	members := [s | some s in subnets; s.environment == env; s.attributes.cidr_block in tier_spec.cidrs]
	azs := {s.attributes.availability_zone | some s in members; is_string(s.attributes.availability_zone)}
	unknown_az := [s.id | some s in members; not is_string(s.attributes.availability_zone)]
	problems := array.concat(
		[sprintf("%d subnets, documented %d", [count(members), spec.az_count]) | count(members) != spec.az_count],
		[sprintf("%d distinct AZs, documented %d", [count(azs), spec.az_count]) | count(unknown_az) == 0; count(azs) != spec.az_count],
	)
	status := lib.status_of(problems, unknown_az)
	msg := lib.message_of(problems, unknown_az, sprintf("%s %s tier", [env, tier]), sprintf("%d subnets over %d AZs", [count(members), count(azs)]))
	v := {
		"resource": sprintf("%s/subnet-tier/%s", [env_vpc_id(env), tier]),
		"environment": env,
		"account": object.get(env_vpc(env), "account", null),
		"region": object.get(env_vpc(env), "region", null),
		"status": status,
		"message": msg,
		"expected": {"subnets": spec.az_count, "azs": spec.az_count},
		"actual": {"subnets": count(members), "azs": sort([a | some a in azs])},
	}
}

env_vpc_id(env) := min({v.id | some v in vpcs; v.environment == env})

# The environment's VPC (the first by id when several), for a scope verdict's account and region.
env_vpc(env) := v if {
	some v in vpcs
	v.id == env_vpc_id(env)
}

nats := [n | some n in lib.resources("aws_nat_gateway"); object.get(n.attributes, "connectivity_type", "public") != "private"]

nat_subnet(n) := lib.by_id[n.refs.subnet]

# METADATA
# title: NAT gateway layout matches the environment
# description: "NAT gateways per environment as documented (dev 1, staging 1, prod 3 one per AZ), each in a distinct AZ where one per AZ is documented, each in a public subnet."
# custom:
#   id: NET-004
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_nat_gateway, aws_subnet, aws_vpc]
#   seed: "Single NAT Gateway / 3x NAT Gateways One per AZ; Network Optimization"
#   rationale: Production egress must survive the loss of an AZ; non-production keeps one NAT to hold cost down.
#   remediation: "Terraform: create one aws_nat_gateway per public subnet in prod (count = az_count) and a single one in dev/staging, each with subnet_id pointing at a public-tier subnet. Live: add or remove NAT gateways and update private route tables."
#   baseline: [environments.*.vpc.nat_gateways, environments.*.vpc.subnet_tiers.public.cidrs]
#   frameworks: {well_architected: "REL10-BP01", cis: null}
net_004 contains v if {
	some n in nats
	spec := lib.env_spec(n).vpc
	not nat_subnet(n)
	v := lib.verdict(n, "UNKNOWN", "NAT gateway's subnet is not known until apply", "a public-tier subnet", null)
}

net_004 contains v if {
	some n in nats
	spec := lib.env_spec(n).vpc
	s := nat_subnet(n)
	tier_name := object.get(spec.nat_gateways, "subnet_tier", "public")
	cidr := object.get(s.attributes, "cidr_block", null)
	tier := lib.tier_or_null(n.environment, cidr)
	status := lib.pass_fail(tier == tier_name)
	msg := sprintf("NAT gateway is in subnet %s (%v tier)", [s.id, tier])
	v := lib.verdict(n, status, msg, tier_name, tier)
}

net_004 contains v if {
	some env in lib.envs_with_vpc
	spec := data.baseline.environments[env].vpc.nat_gateways
	members := [n | some n in nats; n.environment == env]
	azs := {az | some n in members; az := nat_az(n)}
	unknown_az := [n.id | some n in members; not nat_az(n)]
	per_az_problem := [sprintf("%d distinct AZs for %d NAT gateways", [count(azs), count(members)]) |
		spec.one_per_az
		count(unknown_az) == 0
		count(azs) != count(members)
	]
	problems := array.concat(
		[sprintf("%d NAT gateways, documented %d", [count(members), spec.count]) | count(members) != spec.count],
		per_az_problem,
	)
	undecided := [id | spec.one_per_az; some id in unknown_az]
	status := lib.status_of(problems, undecided)
	msg := lib.message_of(problems, undecided, sprintf("%s NAT gateways", [env]), sprintf("%d as documented", [count(members)]))
	v := {
		"resource": sprintf("%s/nat-gateways", [env_vpc_id(env)]),
		"environment": env,
		"account": object.get(env_vpc(env), "account", null),
		"region": object.get(env_vpc(env), "region", null),
		"status": status,
		"message": msg,
		"expected": {"count": spec.count, "one_per_az": spec.one_per_az},
		"actual": {"count": count(members), "azs": sort([a | some a in azs])},
	}
}

nat_az(n) := n.attributes.availability_zone if is_string(n.attributes.availability_zone)

nat_az(n) := az if {
	not is_string(n.attributes.availability_zone)
	az := nat_subnet(n).attributes.availability_zone
	is_string(az)
}

route_tables := lib.resources("aws_route_table")

internet_targets := {"internet_gateway", "egress_only_internet_gateway", "nat_gateway"}

# Internet target types a tier may use, from the baseline's internet_egress.
allowed_targets("internet_gateway") := internet_targets

allowed_targets("nat_gateway") := {"nat_gateway"}

allowed_targets("none") := set()

# Route tables governing a subnet: explicit associations, else the VPC's main table.
tables_of(s) := explicit if {
	explicit := [t | some t in route_tables; s.id in lib.ref_ids(t, "subnets")]
	count(explicit) > 0
} else := [t |
	some t in route_tables
	t.attributes.main == true
	t.refs.vpc == s.refs.vpc
]

# METADATA
# title: Private and database subnets have no internet gateway route
# description: Private and database subnets have no route to an internet gateway; private subnets reach the internet only through a NAT gateway, database subnets not at all.
# custom:
#   id: NET-005
#   severity: critical
#   inputs: [plan, live]
#   reads: [aws_route_table, aws_subnet]
#   seed: "Private Subnets - No Internet Gateway"
#   rationale: A route to an internet gateway exposes workloads and data stores that the architecture keeps private.
#   remediation: "Terraform: remove the aws_route (or inline route) whose gateway_id is an internet gateway from the private/database route table; private tables send 0.0.0.0/0 to a nat_gateway_id. Live: delete the route with `aws ec2 delete-route`."
#   baseline: [environments.*.vpc.subnet_tiers.*.internet_egress]
#   frameworks: {well_architected: "SEC05-BP01", cis: null}
net_005 contains v if {
	some s in subnets
	is_string(s.attributes.cidr_block)
	tier := lib.tier_of(s.environment, s.attributes.cidr_block)
	egress := data.baseline.environments[s.environment].vpc.subnet_tiers[tier].internet_egress
	egress != "internet_gateway"
	tables := tables_of(s)
	allowed := allowed_targets(egress)
	bad := sort([sprintf("%s -> %s %s", [r.destination, r.target_type, r.target]) |
		some t in tables
		some r in t.attributes.routes
		r.target_type in internet_targets
		not r.target_type in allowed
	])
	undecided := sort([t.id |
		some t in tables
		route_state_unknown(t)
	])
	status := lib.status_of(bad, undecided)
	prefix := sprintf("%s subnet %s (%s tier)", [s.environment, s.attributes.cidr_block, tier])
	msg := lib.message_of(bad, undecided, prefix, "no disallowed internet route")
	v := lib.verdict(s, status, msg, sprintf("internet egress: %s", [egress]), bad)
}

route_state_unknown(t) if lib.unknown(t, "routes")

route_state_unknown(t) if {
	some r in t.attributes.routes
	r.target_type == "unknown"
}
