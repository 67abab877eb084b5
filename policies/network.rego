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

# Route tables by associated subnet, and main tables by VPC: indexed once, not per subnet.
tables_by_subnet[sid] contains t.id if {
	some t in route_tables
	some sid in lib.ref_ids(t, "subnets")
}

main_tables_by_vpc[vpc] contains t.id if {
	some t in route_tables
	t.attributes.main == true
	vpc := t.refs.vpc
}

route_table_index := {t.id: t | some t in route_tables}

# Route tables governing a subnet: explicit associations, else the VPC's main table.
tables_of(s) := [route_table_index[id] | some id in tables_by_subnet[s.id]] if {
	count(tables_by_subnet[s.id]) > 0
} else := [route_table_index[id] | some id in main_tables_by_vpc[s.refs.vpc]] if {
	main_tables_by_vpc[s.refs.vpc]
} else := []

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

# Scope verdict of an environment's VPC (resource id suffix, status, message, expected, actual).
env_verdict(env, suffix, status, msg, expected, actual) := {
	"resource": sprintf("%s/%s", [env_vpc_id(env), suffix]),
	"environment": env,
	"account": object.get(env_vpc(env), "account", null),
	"region": object.get(env_vpc(env), "region", null),
	"status": status,
	"message": msg,
	"expected": expected,
	"actual": actual,
}

# Whether a tier's subnets are documented to map public IPs (false outside the documented tiers).
maps_public(env, cidr) := flag if {
	tier := lib.tier_of(env, cidr)
	flag := data.baseline.environments[env].vpc.subnet_tiers[tier].map_public_ip_on_launch == true
} else := false

# METADATA
# title: Only public-tier subnets map public IPs on launch
# description: A subnet may assign public IPv4 addresses on launch only in a tier the baseline documents as doing so (the public tier).
# custom:
#   id: NET-006
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_subnet, aws_vpc]
#   seed: Network Security
#   rationale: Instances launched in private or database subnets with public IPs become reachable from the internet wherever a route allows it.
#   remediation: "Terraform: set map_public_ip_on_launch = false on aws_subnet resources outside the public tier. Live: aws ec2 modify-subnet-attribute --subnet-id <id> --no-map-public-ip-on-launch."
#   baseline: [environments.*.vpc.subnet_tiers.*.map_public_ip_on_launch, environments.*.vpc.subnet_tiers.*.cidrs]
#   frameworks: {well_architected: "SEC05-BP01", cis: "5.x"}
net_006 contains v if {
	some s in subnets
	lib.env_spec(s).vpc
	lib.unknown(s, "map_public_ip_on_launch")
	v := lib.verdict(s, "UNKNOWN", "whether the subnet maps public IPs is known only after apply", "documented per tier", null)
}

net_006 contains v if {
	some s in subnets
	lib.env_spec(s).vpc
	not lib.unknown(s, "map_public_ip_on_launch")
	object.get(s.attributes, "map_public_ip_on_launch", false) != true
	v := lib.verdict(s, "PASS", sprintf("%s subnet %v does not map public IPs on launch", [s.environment, object.get(s.attributes, "cidr_block", null)]), "documented per tier", false)
}

net_006 contains v if {
	some s in subnets
	lib.env_spec(s).vpc
	s.attributes.map_public_ip_on_launch == true
	lib.unknown(s, "cidr_block")
	v := lib.verdict(s, "UNKNOWN", "subnet maps public IPs; its CIDR (and so its tier) is known only after apply", "public tier only", true)
}

net_006 contains v if {
	some s in subnets
	lib.env_spec(s).vpc
	s.attributes.map_public_ip_on_launch == true
	cidr := s.attributes.cidr_block
	is_string(cidr)
	allowed := maps_public(s.environment, cidr)
	tier := lib.tier_or_null(s.environment, cidr)
	msg := lib.pick(
		allowed,
		sprintf("%s subnet %s (%s tier) maps public IPs on launch as documented", [s.environment, cidr, tier]),
		sprintf("%s subnet %s (%v tier) maps public IPs on launch; only the public tier may", [s.environment, cidr, tier]),
	)
	v := lib.verdict(s, lib.pass_fail(allowed), msg, "public tier only", true)
}

endpoint_spec := data.baseline.network.vpc_endpoints

network_env := data.baseline.accounts[data.baseline.network.transit_gateway.account].environment

# Endpoints of the inventory with their service and type.
endpoints := lib.resources("aws_vpc_endpoint")

endpoint_in_vpc(e, vpc_ids) if e.refs.vpc in vpc_ids

# Endpoints that may serve an environment for one kind (Gateway/Interface) and service.
serving(env, kind, service, placement) := [e.id |
	some e in endpoints
	lower(object.get(e.attributes, "vpc_endpoint_type", "")) == kind
	e.attributes.service == service
	placed(e, env, placement)
]

placed(e, env, placement) if {
	"workload" in placement
	endpoint_in_vpc(e, {v.id | some v in vpcs; v.environment == env})
}

placed(e, _, placement) if {
	"network" in placement
	e.environment == network_env
}

# Endpoints whose service or VPC is known only after apply.
undecided_endpoints := [e.id |
	some e in endpoints
	some path in ["service", "vpc_endpoint_type", "refs.vpc"]
	lib.unknown(e, path)
]

# The network account is part of this inventory (centralized endpoints could be seen).
network_in_inventory if {
	some rs in input.by_type
	some r in rs
	r.environment == network_env
}

# METADATA
# title: VPC endpoints for S3, DynamoDB, ECR and Secrets Manager
# description: Every workload VPC has gateway endpoints for S3 and DynamoDB; interface endpoints for ECR (api, dkr) and Secrets Manager exist in the workload VPC or centrally in the network account, as the baseline places them.
# custom:
#   id: NET-007
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_vpc_endpoint, aws_vpc]
#   seed: VPC Endpoints
#   rationale: Endpoints keep AWS API and image traffic off NAT gateways (cost) and off the internet (exposure).
#   remediation: "Terraform: add aws_vpc_endpoint resources (vpc_endpoint_type Gateway for s3 and dynamodb with route_table_ids of the private tables; Interface for ecr.api, ecr.dkr and secretsmanager with private subnet_ids and private_dns_enabled). Live: aws ec2 create-vpc-endpoint."
#   baseline: [network.vpc_endpoints]
#   frameworks: {well_architected: "COST08-BP02", cis: null}
net_007 contains v if {
	some env in lib.envs_with_vpc
	data.baseline.environments[env].workload == true
	missing := [m |
		some kind in ["gateway", "interface"]
		some service in endpoint_spec[kind]
		count(serving(env, kind, service, endpoint_spec.placement[kind])) == 0
		m := {"kind": kind, "service": service}
	]
	named := [sprintf("no %s endpoint for %s", [m.kind, m.service]) | some m in missing; not maybe_central(m)]
	central := [sprintf("%s %s may be centralized in the network account, which this inventory lacks", [m.kind, m.service]) | some m in missing; maybe_central(m)]
	problems := [p | count(undecided_endpoints) == 0; some p in named]
	undecided := array.concat(central, [p | count(undecided_endpoints) > 0; some p in array.concat(named, undecided_endpoints)])
	status := lib.status_of(problems, undecided)
	msg := lib.message_of(problems, undecided, sprintf("%s VPC endpoints", [env]), "every documented endpoint is present")
	v := env_verdict(env, "vpc-endpoints", status, msg, endpoint_spec, {"missing": missing})
}

# A missing interface endpoint may sit in a network account that this inventory does not cover.
maybe_central(m) if {
	"network" in endpoint_spec.placement[m.kind]
	not network_in_inventory
}

tgw_spec := data.baseline.network.transit_gateway

network_account_id := data.baseline.accounts[tgw_spec.account].id

# Where a transit gateway lives: "network" when in the network account, "other", or undefined when unknown.
tgw_home(t) := lib.pick(t.attributes.owner_id == network_account_id, "network", "other") if is_string(t.attributes.owner_id)

tgw_home(t) := lib.pick(t.account == network_account_id, "network", "other") if {
	not is_string(t.attributes.owner_id)
	is_string(t.account)
}

tgw_home(t) := lib.pick(t.environment == network_env, "network", "other") if {
	not is_string(t.attributes.owner_id)
	not is_string(t.account)
	t.environment
}

attachments := lib.resources("aws_ec2_transit_gateway_vpc_attachment")

# Problems and undecidable points of one attachment.
attachment_problems(a, env) := [p |
	some tgw_id in lib.ref_ids(a, "transit_gateway")
	t := lib.by_id[tgw_id]
	tgw_home(t) == "other"
	p := sprintf("transit gateway %s is not in the %s account", [tgw_id, tgw_spec.account])
]

attachment_tier_problems(a, env) := [sprintf("subnet %s is in the %v tier, documented %s", [sid, tier, tgw_spec.attach_subnet_tier]) |
	some sid in lib.ref_ids(a, "subnets")
	cidr := lib.by_id[sid].attributes.cidr_block
	is_string(cidr)
	tier := lib.tier_or_null(env, cidr)
	tier != tgw_spec.attach_subnet_tier
]

attachment_undecided(a) := array.concat(
	[sprintf("%s: %s", [a.id, path]) | some path in ["refs.transit_gateway", "refs.subnets"]; lib.unknown(a, path)],
	array.concat(
		[sprintf("transit gateway %s is not in this inventory", [id]) |
			some id in lib.ref_ids(a, "transit_gateway")
			not tgw_home(lib.by_id[id])
		],
		[sprintf("subnet %s is not in this inventory", [sid]) |
			some sid in lib.ref_ids(a, "subnets")
			not is_string(lib.by_id[sid].attributes.cidr_block)
		],
	),
)

# METADATA
# title: Transit Gateway in the network account attaches each environment VPC through private subnets
# description: Every environment VPC has a Transit Gateway VPC attachment to a gateway owned by the network account, and the attachment uses only subnets of the documented tier (private).
# custom:
#   id: NET-008
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_ec2_transit_gateway_vpc_attachment, aws_ec2_transit_gateway, aws_vpc, aws_subnet]
#   seed: Transit Gateway
#   rationale: The hub-and-spoke design routes all inter-VPC and on-premises traffic through the network account's gateway; attachments in public subnets expose that path.
#   remediation: "Terraform: create aws_ec2_transit_gateway_vpc_attachment with transit_gateway_id of the network account's gateway (shared through AWS RAM) and subnet_ids of the VPC's private subnets. Live: aws ec2 create-transit-gateway-vpc-attachment / modify-transit-gateway-vpc-attachment."
#   baseline: [network.transit_gateway, accounts.network.id, environments.*.vpc.subnet_tiers]
#   frameworks: {well_architected: "REL02-BP05", cis: null}
net_008 contains v if {
	some env in lib.envs_with_vpc
	vpc_ids := {x.id | some x in vpcs; x.environment == env}
	mine := [a | some a in attachments; a.refs.vpc in vpc_ids]
	unresolved := [a.id | some a in attachments; lib.unknown(a, "refs.vpc"); a.environment == env]
	problems := array.concat(
		[sprintf("no Transit Gateway attachment for VPC %s", [env_vpc_id(env)]) | count(mine) == 0; count(unresolved) == 0],
		[p | some a in mine; some p in array.concat(attachment_problems(a, env), attachment_tier_problems(a, env))],
	)
	undecided := array.concat(
		[sprintf("attachment %s: VPC known only after apply", [id]) | count(mine) == 0; some id in unresolved],
		[u | some a in mine; some u in attachment_undecided(a)],
	)
	status := lib.status_of(problems, undecided)
	msg := lib.message_of(problems, undecided, sprintf("%s Transit Gateway attachment", [env]), sprintf("attached through %s subnets to the %s account's gateway", [tgw_spec.attach_subnet_tier, tgw_spec.account]))
	v := env_verdict(env, "transit-gateway", status, msg, tgw_spec, {"attachments": sort([a.id | some a in mine])})
}

lb_spec(env) := data.baseline.environments[env].vpc.load_balancers

# The AZs a load balancer spans: live lists them, plans give them through its subnets.
lb_azs(lb) := {z | some z in lb.attributes.availability_zones} if is_array(lb.attributes.availability_zones)

lb_azs(lb) := {az |
	some sid in lib.ref_ids(lb, "subnets")
	az := lib.by_id[sid].attributes.availability_zone
	is_string(az)
} if {
	not is_array(lb.attributes.availability_zones)
	not lb_azs_unknown(lb)
}

lb_azs_unknown(lb) if {
	not is_array(lb.attributes.availability_zones)
	lib.unknown(lb, "refs.subnets")
}

lb_azs_unknown(lb) if {
	not is_array(lb.attributes.availability_zones)
	some sid in lib.ref_ids(lb, "subnets")
	not is_string(lib.by_id[sid].attributes.availability_zone)
}

lbs_of(env, kind) := [lb | some lb in lib.resources("aws_lb"); lb.environment == env; lb.attributes.load_balancer_type == kind]

# Why an ALB falls short of the documented one (empty when it meets it).
alb_shortfalls(lb, spec) := array.concat(
	[sprintf("%s is %v, documented %s", [lb.id, lb.attributes.scheme, spec.scheme]) |
		spec.scheme
		not lib.unknown(lb, "scheme")
		lb.attributes.scheme != spec.scheme
	],
	[sprintf("%s spans %d AZs, documented at least %d", [lb.id, count(lb_azs(lb)), spec.min_azs]) |
		count(lb_azs(lb)) < spec.min_azs
	],
)

alb_undecided(lb, spec) if {
	spec.scheme
	lib.unknown(lb, "scheme")
}

alb_undecided(lb, _) if lb_azs_unknown(lb)

# METADATA
# title: Load balancers as documented (production internet-facing multi-AZ ALB and NLB)
# description: Each environment has the load balancers its baseline requires; production has an internet-facing Application Load Balancer across at least three AZs and a Network Load Balancer.
# custom:
#   id: NET-009
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_lb, aws_subnet, aws_vpc]
#   seed: "Prod ALB Multi-AZ, NLB"
#   rationale: An ALB confined to fewer AZs fails with one of them; the NLB carries the documented non-HTTP traffic.
#   remediation: "Terraform: give the aws_lb (load_balancer_type application, internal = false) one public subnet per AZ in subnets, and add an aws_lb with load_balancer_type network. Live: aws elbv2 set-subnets / create-load-balancer --type network."
#   baseline: [environments.*.vpc.load_balancers]
#   frameworks: {well_architected: "REL10-BP01", cis: null}
net_009 contains v if {
	some env in lib.envs_with_vpc
	spec := lb_spec(env)
	app := object.get(spec, "application", {"required": false})
	nlb := object.get(spec, "network", {"required": false})
	albs := lbs_of(env, "application")
	good := [lb.id | some lb in albs; not alb_undecided(lb, app); count(alb_shortfalls(lb, app)) == 0]
	pending := [lb.id | some lb in albs; alb_undecided(lb, app)]
	alb_problems := [p |
		app.required == true
		count(good) == 0
		count(pending) == 0
		some p in array.concat(
			[sprintf("no application load balancer in %s", [env]) | count(albs) == 0],
			[s | some lb in albs; some s in alb_shortfalls(lb, app)],
		)
	]
	nlb_problems := [sprintf("no network load balancer in %s", [env]) | nlb.required == true; count(lbs_of(env, "network")) == 0]
	problems := array.concat(alb_problems, nlb_problems)
	undecided := [id | app.required == true; count(good) == 0; some id in pending]
	status := lib.status_of(problems, undecided)
	msg := lib.message_of(problems, undecided, sprintf("%s load balancers", [env]), "as documented")
	v := env_verdict(env, "load-balancers", status, msg, spec, {"qualifying_albs": good, "nlbs": sort([lb.id | some lb in lbs_of(env, "network")])})
}

world_spec := data.baseline.network.world_ingress

world_cidrs := {"0.0.0.0/0", "::/0"}

world_rules(sg) := [r |
	some r in object.get(sg.attributes, "ingress", [])
	some c in array.concat(object.get(r, "cidr_blocks", []), object.get(r, "ipv6_cidr_blocks", []))
	c in world_cidrs
]

# Load balancers (of the allowed types) that use a security group.
fronted_by(sg) := [entry[2] | some entry in fronting[sg.id]]

# Security group id -> [type position, resource position, id] of the allowed resources
# that use it, built once; the positions keep the order of a scan of those resources.
fronting[sg_id] contains [i, j, x.id] if {
	some i, t in world_spec.allowed_resource_types
	some j, x in lib.resources(t)
	some sg_id in lib.ref_ids(x, "security_groups")
}

# Whether an allowed resource's security groups are known only after apply.
sg_refs_pending := [x.id |
	some t in world_spec.allowed_resource_types
	some x in lib.resources(t)
	lib.unknown(x, "refs.security_groups")
]

rule_on_allowed_port(r) if {
	r.protocol == "tcp"
	r.from_port == r.to_port
	r.from_port in world_spec.allowed_ports
}

port_text(r) := sprintf("%v %v-%v", [r.protocol, r.from_port, r.to_port])

# METADATA
# title: No world-open ingress except load balancers on 80/443
# description: "No security group allows ingress from 0.0.0.0/0 or ::/0, except security groups of load balancers, and then only on the documented ports."
# custom:
#   id: NET-010
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_security_group, aws_lb]
#   seed: Security Groups
#   rationale: World-open ingress to anything but the load balancers bypasses the ALB/WAF front door the architecture puts in front of every workload.
#   remediation: "Terraform: replace cidr_blocks 0.0.0.0/0 (or ipv6 ::/0) in the ingress rule with the load balancer's security group (source_security_group_id / referenced_security_group_id), or limit the load balancer's rule to ports 80 and 443. Live: aws ec2 revoke-security-group-ingress."
#   baseline: [network.world_ingress]
#   frameworks: {well_architected: "SEC05-BP02", cis: "5.2"}
net_010 contains v if {
	some sg in lib.resources("aws_security_group")
	lib.unknown(sg, "ingress")
	v := lib.verdict(sg, "UNKNOWN", "ingress rules are known only after apply", "no world-open ingress", null)
}

net_010 contains v if {
	some sg in lib.resources("aws_security_group")
	not lib.unknown(sg, "ingress")
	open := world_rules(sg)
	lbs := fronted_by(sg)
	bad_ports := sort({port_text(r) | some r in open; not rule_on_allowed_port(r)})
	problems := array.concat(
		[sprintf("world-open ingress (%s) on a group no load balancer uses", [concat(", ", sort({port_text(r) | some r in open}))]) | count(open) > 0; count(lbs) == 0; count(sg_refs_pending) == 0],
		[sprintf("world-open ingress on %s, allowed only on %v", [concat(", ", bad_ports), world_spec.allowed_ports]) | count(bad_ports) > 0; count(lbs) + count(sg_refs_pending) > 0],
	)
	undecided := [sprintf("load balancer %s's security groups", [id]) |
		count(open) > 0
		count(lbs) == 0
		count(bad_ports) == 0
		some id in sg_refs_pending
	]
	status := lib.status_of(problems, undecided)
	msg := lib.message_of(problems, undecided, sprintf("security group %s", [sg.id]), lib.pick(count(open) == 0, "no world-open ingress", sprintf("world-open only for load balancer(s) %s on allowed ports", [concat(", ", lbs)])))
	v := lib.verdict(sg, status, msg, world_spec, {"world_open": open, "load_balancers": lbs})
}

nacls := lib.resources("aws_network_acl")

# Network ACLs naming a subnet, directly or through a separate association (plans).
nacls_of(s) := [nacls[entry[0]] | some entry in nacls_by_subnet[s.id]]

# Subnet id -> [position, id] of the network ACLs naming it, built once.
nacls_by_subnet[sid] contains [i, n.id] if {
	some i, n in nacls
	some sid in nacl_subnets(n)
}

nacl_subnets(n) := lib.ref_ids(n, "subnets") | {sid | some sid in association_subnets[n.id]}

# Network ACL id -> subnets of its separate associations.
association_subnets[acl] contains a.refs.subnet if {
	some a in lib.resources("aws_network_acl_association")
	acl := a.refs.network_acl
}

nacl_pending := [n.id | some n in nacls; lib.unknown(n, "refs.subnets")]

association_pending := [a.id |
	some a in lib.resources("aws_network_acl_association")
	some path in ["refs.subnet", "refs.network_acl"]
	lib.unknown(a, path)
]

default is_live := false

is_live if input.source.kind == "live"

# METADATA
# title: Subnets carry custom network ACLs
# description: Every subnet of an environment VPC is associated with a network ACL other than the VPC's default one.
# custom:
#   id: NET-011
#   severity: low
#   inputs: [plan, live]
#   reads: [aws_network_acl, aws_subnet, aws_vpc]
#   seed: Network ACLs
#   rationale: The default network ACL allows all traffic in both directions; per-tier ACLs are the stateless second layer beneath security groups.
#   remediation: "Terraform: create an aws_network_acl per tier with subnet_ids of that tier's subnets (or aws_network_acl_association) and explicit rules. Live: aws ec2 replace-network-acl-association with a custom ACL."
#   baseline: [network.nacls.require_custom]
#   frameworks: {well_architected: "SEC05-BP01", cis: null}
net_011 contains v if {
	data.baseline.network.nacls.require_custom == true
	some s in subnets
	lib.env_spec(s).vpc
	found := nacls_of(s)
	custom := [n.id | some n in found; n.attributes.is_default != true]
	defaults := [n.id | some n in found; n.attributes.is_default == true]
	pending := array.concat(nacl_pending, association_pending)
	status := nacl_status(custom, defaults, pending)
	msg := nacl_message(status, custom, defaults, pending)
	v := lib.verdict(s, status, sprintf("%s subnet %v: %s", [s.environment, object.get(s.attributes, "cidr_block", null), msg]), "a custom network ACL", {"custom": custom, "default": defaults})
}

nacl_status(custom, _, _) := "PASS" if count(custom) > 0

nacl_status(custom, _, pending) := "UNKNOWN" if {
	count(custom) == 0
	count(pending) > 0
}

nacl_status(custom, defaults, pending) := "FAIL" if {
	count(custom) == 0
	count(pending) == 0
	count(defaults) > 0
}

# No ACL names the subnet: in a plan it keeps the VPC's default ACL; live data always names one.
nacl_status(custom, defaults, pending) := lib.pick(is_live, "UNKNOWN", "FAIL") if {
	count(custom) + count(defaults) + count(pending) == 0
}

nacl_message("PASS", custom, _, _) := sprintf("network ACL %s", [concat(", ", custom)])

nacl_message("UNKNOWN", [], [], []) := "no network ACL lists the subnet"

nacl_message("UNKNOWN", _, _, pending) := sprintf("associations known only after apply: %s", [concat(", ", pending)]) if count(pending) > 0

nacl_message("FAIL", _, defaults, _) := sprintf("only the default network ACL %s", [concat(", ", defaults)]) if count(defaults) > 0

nacl_message("FAIL", _, [], _) := "no custom network ACL is associated (the VPC's default applies)"

dx_spec := data.baseline.network.direct_connect

dx_account := data.baseline.accounts[dx_spec.account].id

dx_types := ["aws_dx_connection", "aws_dx_gateway"]

dx_gone := {"deleted", "deleting", "rejected", "down"}

dx_found := [x.id |
	some t in dx_types
	some x in lib.resources(t)
	x.account == dx_account
	not lower(object.get(x.attributes, "state", "")) in dx_gone
]

dx_coverage := [c | some c in input.coverage; c.service == "directconnect"; c.account == dx_account]

# METADATA
# title: Direct Connect present for the network account
# description: Where the baseline enables Direct Connect, the network account has a Direct Connect connection or gateway that is not deleted or down.
# custom:
#   id: NET-012
#   severity: low
#   inputs: [live]
#   reads: [aws_dx_connection, aws_dx_gateway]
#   seed: Direct Connect
#   rationale: The documented hybrid connectivity depends on a dedicated link; without it on-premises traffic falls back to the internet or a VPN.
#   remediation: "Order a Direct Connect connection (or accept a hosted connection) in the network account and attach it to a Direct Connect gateway associated with the Transit Gateway; or set network.direct_connect.enabled to false in the baseline."
#   baseline: [network.direct_connect]
#   frameworks: {well_architected: "REL02-BP02", cis: null}
net_012 contains v if {
	dx_spec.enabled == true
	count(dx_coverage) > 0
	gaps := [sprintf("%s not collected", [c.region]) | some c in dx_coverage; c.status != "ok"]
	problems := [sprintf("no Direct Connect connection or gateway in account %s", [dx_account]) | count(dx_found) == 0; count(gaps) == 0]
	undecided := [g | count(dx_found) == 0; some g in gaps]
	status := lib.status_of(problems, undecided)
	v := {
		"resource": sprintf("%s/direct-connect", [dx_account]),
		"environment": network_env,
		"account": dx_account,
		"status": status,
		"message": lib.message_of(problems, undecided, sprintf("%s account Direct Connect", [dx_spec.account]), sprintf("present (%s)", [concat(", ", dx_found)])),
		"expected": dx_spec,
		"actual": dx_found,
	}
}
