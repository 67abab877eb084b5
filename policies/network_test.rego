# Tests of the network family; `archscan rules test` and pytest run them.
package archscan.network_test

import rego.v1

import data.archscan.network

vpc(id, env, cidr) := {"id": id, "type": "aws_vpc", "environment": env, "attributes": {"cidr_block": cidr}, "refs": {}, "unknown": []}

subnet(id, env, cidr, az) := {"id": id, "type": "aws_subnet", "environment": env, "attributes": {"cidr_block": cidr, "availability_zone": az}, "refs": {"vpc": "vpc.prod"}, "unknown": []}

nat(id, subnet_id) := {"id": id, "type": "aws_nat_gateway", "environment": "prod", "attributes": {}, "refs": {"subnet": subnet_id}, "unknown": []}

prod_subnets := [
	subnet("pub_a", "prod", "10.2.1.0/24", "us-west-2a"),
	subnet("pub_b", "prod", "10.2.2.0/24", "us-west-2b"),
	subnet("pub_c", "prod", "10.2.3.0/24", "us-west-2c"),
	subnet("priv_a", "prod", "10.2.10.0/24", "us-west-2a"),
	subnet("priv_b", "prod", "10.2.11.0/24", "us-west-2b"),
	subnet("priv_c", "prod", "10.2.12.0/24", "us-west-2c"),
	subnet("db_a", "prod", "10.2.20.0/24", "us-west-2a"),
	subnet("db_b", "prod", "10.2.21.0/24", "us-west-2b"),
	subnet("db_c", "prod", "10.2.22.0/24", "us-west-2c"),
]

statuses(results, id) := {r.status | some r in results; r.resource == id}

test_net_001_documented_cidr_passes if {
	results := network.net_001 with input as {"by_type": {"aws_vpc": [vpc("vpc.prod", "prod", "10.2.0.0/16")]}}
	statuses(results, "vpc.prod") == {"PASS"}
}

test_net_001_other_cidr_fails if {
	results := network.net_001 with input as {"by_type": {"aws_vpc": [vpc("vpc.prod", "prod", "10.9.0.0/16")]}}
	statuses(results, "vpc.prod") == {"FAIL"}
}

test_net_001_unknown_cidr_is_unknown if {
	unknown_vpc := object.union(vpc("vpc.prod", "prod", null), {"attributes": {}, "unknown": ["cidr_block"]})
	results := network.net_001 with input as {"by_type": {"aws_vpc": [unknown_vpc]}}
	statuses(results, "vpc.prod") == {"UNKNOWN"}
}

test_net_002_overlap_fails if {
	results := network.net_002 with input as {"by_type": {"aws_vpc": [vpc("a", "prod", "10.2.0.0/16"), vpc("b", "dev", "10.2.128.0/17")]}}
	statuses(results, "a") == {"FAIL"}
	statuses(results, "b") == {"FAIL"}
}

test_net_002_disjoint_passes if {
	results := network.net_002 with input as {"by_type": {"aws_vpc": [vpc("a", "prod", "10.2.0.0/16"), vpc("b", "dev", "10.0.0.0/16")]}}
	statuses(results, "a") == {"PASS"}
}

test_net_003_documented_tiers_pass if {
	results := network.net_003 with input as {"by_type": {"aws_vpc": [vpc("vpc.prod", "prod", "10.2.0.0/16")], "aws_subnet": prod_subnets}}
	{r.status | some r in results} == {"PASS"}
	count(results) == 12 # nine subnets and three tier scopes
}

test_net_003_subnet_outside_tier_fails if {
	drifted := array.concat(array.slice(prod_subnets, 0, 5), [subnet("priv_c", "prod", "10.2.30.0/24", "us-west-2c")])
	results := network.net_003 with input as {"by_type": {"aws_vpc": [vpc("vpc.prod", "prod", "10.2.0.0/16")], "aws_subnet": drifted}}
	statuses(results, "priv_c") == {"FAIL"}
	statuses(results, "vpc.prod/subnet-tier/private") == {"FAIL"}
}

test_net_004_three_nats_in_public_subnets_pass if {
	inp := {"by_type": {
		"aws_vpc": [vpc("vpc.prod", "prod", "10.2.0.0/16")],
		"aws_subnet": prod_subnets,
		"aws_nat_gateway": [nat("n1", "pub_a"), nat("n2", "pub_b"), nat("n3", "pub_c")],
	}}
	results := network.net_004 with input as inp
	{r.status | some r in results} == {"PASS"}
}

test_net_004_two_nats_fail_and_private_subnet_nat_fails if {
	inp := {"by_type": {
		"aws_vpc": [vpc("vpc.prod", "prod", "10.2.0.0/16")],
		"aws_subnet": prod_subnets,
		"aws_nat_gateway": [nat("n1", "pub_a"), nat("n2", "priv_b")],
	}}
	results := network.net_004 with input as inp
	statuses(results, "vpc.prod/nat-gateways") == {"FAIL"}
	statuses(results, "n2") == {"FAIL"}
	statuses(results, "n1") == {"PASS"}
}

test_net_004_unresolved_subnet_is_unknown if {
	inp := {"by_type": {"aws_subnet": prod_subnets, "aws_nat_gateway": [nat("n1", null)]}}
	results := network.net_004 with input as inp
	statuses(results, "n1") == {"UNKNOWN"}
}

route_table(id, subnet_ids, target_type) := {
	"id": id, "type": "aws_route_table", "environment": "prod", "unknown": [],
	"attributes": {"routes": [{"destination": "0.0.0.0/0", "target_type": target_type, "target": "x"}]},
	"refs": {"vpc": "vpc.prod", "subnets": subnet_ids},
}

test_net_005_database_route_to_igw_fails if {
	inp := {"by_type": {"aws_subnet": prod_subnets, "aws_route_table": [route_table("rt_db", ["db_a"], "internet_gateway")]}}
	results := network.net_005 with input as inp
	statuses(results, "db_a") == {"FAIL"}
	statuses(results, "db_b") == {"PASS"}
}

test_net_005_private_via_nat_passes_database_via_nat_fails if {
	inp := {"by_type": {"aws_subnet": prod_subnets, "aws_route_table": [
		route_table("rt_priv", ["priv_a"], "nat_gateway"),
		route_table("rt_db", ["db_a"], "nat_gateway"),
	]}}
	results := network.net_005 with input as inp
	statuses(results, "priv_a") == {"PASS"}
	statuses(results, "db_a") == {"FAIL"}
}

test_net_005_unresolved_target_is_unknown if {
	inp := {"by_type": {"aws_subnet": prod_subnets, "aws_route_table": [route_table("rt_priv", ["priv_a"], "unknown")]}}
	results := network.net_005 with input as inp
	statuses(results, "priv_a") == {"UNKNOWN"}
}

test_net_005_public_subnets_are_not_judged if {
	inp := {"by_type": {"aws_subnet": prod_subnets, "aws_route_table": [route_table("rt_pub", ["pub_a"], "internet_gateway")]}}
	results := network.net_005 with input as inp
	count(statuses(results, "pub_a")) == 0
}

test_net_004_scope_verdict_carries_the_vpc_account_and_region if {
	live_vpc := object.union(vpc("vpc.prod", "prod", "10.2.0.0/16"), {"account": "555555555555", "region": "us-west-2"})
	inp := {"by_type": {"aws_vpc": [live_vpc], "aws_subnet": prod_subnets, "aws_nat_gateway": [nat("n1", "pub_a")]}}
	results := network.net_004 with input as inp
	some r in results
	r.resource == "vpc.prod/nat-gateways"
	r.account == "555555555555"
	r.region == "us-west-2"
}

test_net_003_default_vpc_subnets_are_not_judged if {
	default_vpc := object.union(vpc("vpc.default", "prod", "172.31.0.0/16"), {"attributes": {"cidr_block": "172.31.0.0/16", "is_default": true}})
	default_subnet := object.union(subnet("default_a", "prod", "172.31.0.0/20", "us-west-2a"), {"refs": {"vpc": "vpc.default"}})
	results := network.net_003 with input as {"by_type": {"aws_vpc": [default_vpc], "aws_subnet": [default_subnet]}}
	count(statuses(results, "default_a")) == 0
}
