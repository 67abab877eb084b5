# Tests of the edge family.
package archscan.edge_test

import rego.v1

import data.archscan.edge

res(id, type, env, attrs, refs, unknown) := {"id": id, "type": type, "environment": env, "account": "555555555555", "region": "us-east-1", "attributes": attrs, "refs": refs, "unknown": unknown}

alb := res("alb", "aws_lb", "prod", {"load_balancer_type": "application", "scheme": "internet-facing", "dns_name": "prod-1.us-west-2.elb.amazonaws.com"}, {}, [])

good_dist := {
	"origins": [{"id": "alb", "domain_name": "prod-1.us-west-2.elb.amazonaws.com"}],
	"default_cache_behavior": {"compress": true},
	"minimum_protocol_version": "TLSv1.2_2021",
	"cloudfront_default_certificate": false,
	"geo_restriction": {"restriction_type": "whitelist", "locations": ["CA", "US"]},
	"web_acl_id": "arn:acl",
}

dist(id, attrs, refs, unknown) := res(id, "aws_cloudfront_distribution", "prod", object.union(good_dist, attrs), refs, unknown)

statuses(results, id) := {r.status | some r in results; r.resource == id}

inv(rs) := {"by_type": {t: [r | some r in rs; r.type == t] | some x in rs; t := x.type}}

test_edge_001_fronting_alb_passes_others_fail if {
	results := edge.edge_001 with input as inv([
		alb,
		dist("good", {}, {}, []),
		dist("byref", {"origins": [{"id": "o", "domain_name": "x"}]}, {"origins": ["alb"]}, []),
		dist("elsewhere", {"origins": [{"id": "s3", "domain_name": "b.s3.amazonaws.com"}]}, {}, []),
		dist("old-tls", {"minimum_protocol_version": "TLSv1"}, {}, []),
		dist("default-cert", {"cloudfront_default_certificate": true, "minimum_protocol_version": "TLSv1"}, {}, []),
		dist("plain", {"default_cache_behavior": {"compress": false}}, {}, []),
		dist("later", {"origins": []}, {}, ["refs.origins"]),
	])
	statuses(results, "good") == {"PASS"}
	statuses(results, "byref") == {"PASS"}
	statuses(results, "elsewhere") == {"FAIL"}
	statuses(results, "old-tls") == {"FAIL"}
	statuses(results, "default-cert") == {"FAIL"}
	statuses(results, "plain") == {"FAIL"}
	statuses(results, "later") == {"UNKNOWN"}
}

test_edge_001_unfronted_alb_fails if {
	results := edge.edge_001 with input as inv([alb, dist("elsewhere", {"origins": []}, {}, [])])
	statuses(results, "alb") == {"FAIL"}
}

test_edge_001_no_alb_in_inventory_is_unknown if {
	results := edge.edge_001 with input as inv([dist("d", {}, {}, [])])
	statuses(results, "d") == {"UNKNOWN"}
}

acl(id, rules, scope) := res(id, "aws_wafv2_web_acl", "prod", {"scope": scope, "rules": rules}, {}, [])

crs := {"name": "crs", "managed_rule_group": {"vendor": "AWS", "name": "AWSManagedRulesCommonRuleSet"}, "override_action": "none"}

test_edge_002_acl_with_common_rule_set if {
	results := edge.edge_002 with input as inv([
		acl("arn:acl", [crs], "CLOUDFRONT"),
		acl("arn:counting", [object.union(crs, {"override_action": "count"})], "CLOUDFRONT"),
		acl("arn:empty", [], "CLOUDFRONT"),
		dist("good", {}, {"web_acl": "arn:acl"}, []),
		dist("byattr", {}, {}, []),
		dist("counting", {"web_acl_id": "arn:counting"}, {}, []),
		dist("empty", {"web_acl_id": "arn:empty"}, {}, []),
		dist("none", {"web_acl_id": null}, {}, []),
		dist("later", {"web_acl_id": null}, {}, ["web_acl_id"]),
		dist("missing", {"web_acl_id": "arn:gone"}, {}, []),
	])
	statuses(results, "good") == {"PASS"}
	statuses(results, "byattr") == {"PASS"}
	statuses(results, "counting") == {"FAIL"}
	statuses(results, "empty") == {"FAIL"}
	statuses(results, "none") == {"FAIL"}
	statuses(results, "later") == {"UNKNOWN"}
	statuses(results, "missing") == {"UNKNOWN"}
}

test_edge_003_geo_restriction if {
	results := edge.edge_003 with input as inv([
		dist("geo", {}, {}, []),
		dist("open", {"geo_restriction": {"restriction_type": "none", "locations": []}}, {}, []),
		dist("later", {}, {}, ["geo_restriction"]),
	])
	statuses(results, "geo") == {"PASS"}
	statuses(results, "open") == {"FAIL"}
	statuses(results, "later") == {"UNKNOWN"}
}

test_edge_003_other_environments_not_checked if {
	d := object.union(dist("dev", {"geo_restriction": {}}, {}, []), {"environment": "dev"})
	results := edge.edge_003 with input as inv([d])
	count(results) == 0
}

shield_inv := inv([
	dist("d", {}, {}, []),
	alb,
	res("sub", "aws_shield_subscription", "prod", {"active": true}, {}, []),
	res("p", "aws_shield_protection", "prod", {"resource_arn": "d"}, {"resource": "d"}, []),
])

test_edge_004_disabled_in_baseline_reports_nothing if {
	results := edge.edge_004 with input as shield_inv
	count(results) == 0
}

test_edge_004_enabled_requires_protection if {
	results := edge.edge_004 with input as shield_inv with data.baseline.edge.shield_advanced.enabled as true
	statuses(results, "d") == {"PASS"}
	statuses(results, "alb") == {"FAIL"}
}

test_edge_004_enabled_without_subscription_fails if {
	rs := [dist("d", {}, {}, []), res("p", "aws_shield_protection", "prod", {"resource_arn": "d"}, {"resource": "d"}, [])]
	results := edge.edge_004 with input as inv(rs) with data.baseline.edge.shield_advanced.enabled as true
	statuses(results, "d") == {"FAIL"}
}
