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

# NET-006 .. NET-012

prod_vpc := vpc("vpc.prod", "prod", "10.2.0.0/16")

with_attrs(r, attrs) := object.union(r, {"attributes": object.union(r.attributes, attrs)})

test_net_006_public_tier_may_map_public_ips if {
	s := with_attrs(subnet("pub_a", "prod", "10.2.1.0/24", "us-west-2a"), {"map_public_ip_on_launch": true})
	results := network.net_006 with input as {"by_type": {"aws_subnet": [s]}}
	statuses(results, "pub_a") == {"PASS"}
}

test_net_006_private_tier_mapping_public_ips_fails if {
	s := with_attrs(subnet("priv_a", "prod", "10.2.10.0/24", "us-west-2a"), {"map_public_ip_on_launch": true})
	ok := with_attrs(subnet("db_a", "prod", "10.2.20.0/24", "us-west-2a"), {"map_public_ip_on_launch": false})
	results := network.net_006 with input as {"by_type": {"aws_subnet": [s, ok]}}
	statuses(results, "priv_a") == {"FAIL"}
	statuses(results, "db_a") == {"PASS"}
}

test_net_006_unknown_flag_is_unknown if {
	s := object.union(subnet("priv_a", "prod", "10.2.10.0/24", "us-west-2a"), {"unknown": ["map_public_ip_on_launch"]})
	results := network.net_006 with input as {"by_type": {"aws_subnet": [s]}}
	statuses(results, "priv_a") == {"UNKNOWN"}
}

endpoint(id, service, kind, vpc_id, env) := {"id": id, "type": "aws_vpc_endpoint", "environment": env, "attributes": {"service": service, "vpc_endpoint_type": kind}, "refs": {"vpc": vpc_id}, "unknown": []}

all_endpoints := [
	endpoint("e_s3", "s3", "Gateway", "vpc.prod", "prod"),
	endpoint("e_ddb", "dynamodb", "Gateway", "vpc.prod", "prod"),
	endpoint("e_api", "ecr.api", "Interface", "vpc.prod", "prod"),
	endpoint("e_dkr", "ecr.dkr", "Interface", "vpc.prod", "prod"),
	endpoint("e_sm", "secretsmanager", "Interface", "vpc.prod", "prod"),
]

test_net_007_all_endpoints_pass if {
	results := network.net_007 with input as {"by_type": {"aws_vpc": [prod_vpc], "aws_vpc_endpoint": all_endpoints}}
	statuses(results, "vpc.prod/vpc-endpoints") == {"PASS"}
}

test_net_007_missing_gateway_endpoint_fails if {
	results := network.net_007 with input as {"by_type": {"aws_vpc": [prod_vpc], "aws_vpc_endpoint": array.slice(all_endpoints, 1, 5)}}
	statuses(results, "vpc.prod/vpc-endpoints") == {"FAIL"}
}

test_net_007_interface_endpoints_in_network_account_pass if {
	central := [endpoint(e.id, e.attributes.service, "Interface", "vpc.net", "network") | some e in array.slice(all_endpoints, 2, 5)]
	eps := array.concat(array.slice(all_endpoints, 0, 2), central)
	results := network.net_007 with input as {"by_type": {"aws_vpc": [prod_vpc], "aws_vpc_endpoint": eps}}
	statuses(results, "vpc.prod/vpc-endpoints") == {"PASS"}
}

test_net_007_missing_interface_without_network_account_is_unknown if {
	results := network.net_007 with input as {"by_type": {"aws_vpc": [prod_vpc], "aws_vpc_endpoint": array.slice(all_endpoints, 0, 2)}}
	statuses(results, "vpc.prod/vpc-endpoints") == {"UNKNOWN"}
}

tgw(id, owner) := {"id": id, "type": "aws_ec2_transit_gateway", "environment": "network", "account": owner, "attributes": {"owner_id": owner}, "refs": {}, "unknown": []}

attachment(id, tgw_id, subnet_ids) := {"id": id, "type": "aws_ec2_transit_gateway_vpc_attachment", "environment": "prod", "attributes": {}, "refs": {"vpc": "vpc.prod", "transit_gateway": tgw_id, "subnets": subnet_ids}, "unknown": []}

test_net_008_private_attachment_to_network_tgw_passes if {
	inp := {"by_type": {
		"aws_vpc": [prod_vpc], "aws_subnet": prod_subnets,
		"aws_ec2_transit_gateway": [tgw("tgw-1", "222222222222")],
		"aws_ec2_transit_gateway_vpc_attachment": [attachment("att", "tgw-1", ["priv_a", "priv_b", "priv_c"])],
	}}
	results := network.net_008 with input as inp
	statuses(results, "vpc.prod/transit-gateway") == {"PASS"}
}

test_net_008_public_subnet_or_foreign_gateway_fails if {
	inp := {"by_type": {
		"aws_vpc": [prod_vpc], "aws_subnet": prod_subnets,
		"aws_ec2_transit_gateway": [tgw("tgw-1", "555555555555")],
		"aws_ec2_transit_gateway_vpc_attachment": [attachment("att", "tgw-1", ["pub_a", "priv_b"])],
	}}
	results := network.net_008 with input as inp
	statuses(results, "vpc.prod/transit-gateway") == {"FAIL"}
}

test_net_008_no_attachment_fails_and_unseen_gateway_is_unknown if {
	none := network.net_008 with input as {"by_type": {"aws_vpc": [prod_vpc], "aws_subnet": prod_subnets}}
	statuses(none, "vpc.prod/transit-gateway") == {"FAIL"}
	inp := {"by_type": {"aws_vpc": [prod_vpc], "aws_subnet": prod_subnets, "aws_ec2_transit_gateway_vpc_attachment": [attachment("att", "tgw-x", ["priv_a"])]}}
	unseen := network.net_008 with input as inp
	statuses(unseen, "vpc.prod/transit-gateway") == {"UNKNOWN"}
}

lb(id, kind, scheme, subnet_ids) := {"id": id, "type": "aws_lb", "environment": "prod", "attributes": {"load_balancer_type": kind, "scheme": scheme}, "refs": {"subnets": subnet_ids}, "unknown": []}

test_net_009_three_az_alb_and_nlb_pass if {
	inp := {"by_type": {"aws_vpc": [prod_vpc], "aws_subnet": prod_subnets, "aws_lb": [
		lb("alb", "application", "internet-facing", ["pub_a", "pub_b", "pub_c"]),
		lb("nlb", "network", "internal", ["priv_a"]),
	]}}
	results := network.net_009 with input as inp
	statuses(results, "vpc.prod/load-balancers") == {"PASS"}
}

test_net_009_two_az_alb_without_nlb_fails if {
	inp := {"by_type": {"aws_vpc": [prod_vpc], "aws_subnet": prod_subnets, "aws_lb": [lb("alb", "application", "internet-facing", ["pub_a", "pub_b"])]}}
	results := network.net_009 with input as inp
	statuses(results, "vpc.prod/load-balancers") == {"FAIL"}
}

test_net_009_live_zones_and_unknown_subnets if {
	live_alb := with_attrs(lb("alb", "application", "internet-facing", []), {"availability_zones": ["a", "b", "c"]})
	live := network.net_009 with input as {"by_type": {"aws_vpc": [prod_vpc], "aws_lb": [live_alb, lb("nlb", "network", "internal", [])]}}
	statuses(live, "vpc.prod/load-balancers") == {"PASS"}
	pending := object.union(lb("alb", "application", "internet-facing", []), {"refs": {}, "unknown": ["refs.subnets"]})
	planned := network.net_009 with input as {"by_type": {"aws_vpc": [prod_vpc], "aws_lb": [pending, lb("nlb", "network", "internal", [])]}}
	statuses(planned, "vpc.prod/load-balancers") == {"UNKNOWN"}
}

sg(id, rules) := {"id": id, "type": "aws_security_group", "environment": "prod", "attributes": {"ingress": rules}, "refs": {}, "unknown": []}

world(port_from, port_to) := {"protocol": "tcp", "from_port": port_from, "to_port": port_to, "cidr_blocks": ["0.0.0.0/0"], "ipv6_cidr_blocks": []}

lb_with_sg(sg_id) := object.union(lb("alb", "application", "internet-facing", []), {"refs": {"security_groups": [sg_id]}})

test_net_010_load_balancer_on_443_passes if {
	inp := {"by_type": {"aws_security_group": [sg("sg_lb", [world(443, 443), world(80, 80)])], "aws_lb": [lb_with_sg("sg_lb")]}}
	results := network.net_010 with input as inp
	statuses(results, "sg_lb") == {"PASS"}
}

test_net_010_world_ssh_on_app_group_fails if {
	ssh := object.union(world(22, 22), {"cidr_blocks": [], "ipv6_cidr_blocks": ["::/0"]})
	inp := {"by_type": {"aws_security_group": [sg("sg_app", [ssh]), sg("sg_lb", [world(0, 65535)])], "aws_lb": [lb_with_sg("sg_lb")]}}
	results := network.net_010 with input as inp
	statuses(results, "sg_app") == {"FAIL"}
	statuses(results, "sg_lb") == {"FAIL"}
}

test_net_010_unknown_ingress_is_unknown if {
	pending := object.union(sg("sg_x", []), {"unknown": ["ingress"]})
	results := network.net_010 with input as {"by_type": {"aws_security_group": [pending]}}
	statuses(results, "sg_x") == {"UNKNOWN"}
}

nacl(id, is_default, subnet_ids) := {"id": id, "type": "aws_network_acl", "environment": "prod", "attributes": {"is_default": is_default}, "refs": {"subnets": subnet_ids}, "unknown": []}

test_net_011_custom_acl_passes_default_fails if {
	inp := {"by_type": {"aws_subnet": array.slice(prod_subnets, 0, 2), "aws_network_acl": [nacl("acl-custom", false, ["pub_a"]), nacl("acl-default", true, ["pub_b"])]}}
	results := network.net_011 with input as inp
	statuses(results, "pub_a") == {"PASS"}
	statuses(results, "pub_b") == {"FAIL"}
}

test_net_011_plan_association_counts_and_missing_acl if {
	assoc := {"id": "assoc", "type": "aws_network_acl_association", "attributes": {}, "refs": {"subnet": "pub_b", "network_acl": "acl"}, "unknown": []}
	inp := {"source": {"kind": "plan"}, "by_type": {"aws_subnet": array.slice(prod_subnets, 0, 3), "aws_network_acl": [nacl("acl", false, ["pub_a"])], "aws_network_acl_association": [assoc]}}
	results := network.net_011 with input as inp
	statuses(results, "pub_b") == {"PASS"}
	statuses(results, "pub_c") == {"FAIL"}
	live := network.net_011 with input as object.union(inp, {"source": {"kind": "live"}})
	statuses(live, "pub_c") == {"UNKNOWN"}
}

dx(id, account) := {"id": id, "type": "aws_dx_connection", "account": account, "attributes": {"state": "available"}, "refs": {}, "unknown": []}

dx_cov(status) := [{"account": "222222222222", "region": "us-west-2", "service": "directconnect", "status": status}]

test_net_012_connection_in_network_account_passes if {
	results := network.net_012 with input as {"coverage": dx_cov("ok"), "by_type": {"aws_dx_connection": [dx("dxcon-1", "222222222222")]}}
	statuses(results, "222222222222/direct-connect") == {"PASS"}
}

test_net_012_none_fails_and_gap_is_unknown if {
	elsewhere := {"aws_dx_connection": [dx("dxcon-1", "555555555555")]}
	missing := network.net_012 with input as {"coverage": dx_cov("ok"), "by_type": elsewhere}
	statuses(missing, "222222222222/direct-connect") == {"FAIL"}
	gap := network.net_012 with input as {"coverage": dx_cov("unsupported"), "by_type": {}}
	statuses(gap, "222222222222/direct-connect") == {"UNKNOWN"}
	uncovered := network.net_012 with input as {"coverage": [], "by_type": {}}
	count(uncovered) == 0
}
