# Tests of the cache family.
package archscan.cache_test

import rego.v1

import data.archscan.cache

group(id, env, attrs, unknown) := {"id": id, "type": "aws_elasticache_replication_group", "environment": env, "attributes": attrs, "refs": {}, "unknown": unknown}

prod_attrs := {
	"engine": "redis", "node_type": "cache.r6g.large", "cluster_mode": true,
	"num_node_groups": 2, "replicas_per_node_group": 1, "num_cache_clusters": 4,
	"automatic_failover_enabled": true, "multi_az_enabled": true,
	"at_rest_encryption_enabled": true, "transit_encryption_enabled": true,
}

dev_attrs := {
	"engine": "redis", "node_type": "cache.t3.micro", "cluster_mode": false,
	"num_node_groups": 1, "replicas_per_node_group": 0, "num_cache_clusters": 1,
	"automatic_failover_enabled": false, "multi_az_enabled": false,
	"at_rest_encryption_enabled": true, "transit_encryption_enabled": true,
}

inp(groups) := {"by_type": {"aws_elasticache_replication_group": groups}}

statuses(results, id) := {r.status | some r in results; r.resource == id}

test_cache_001_documented_node_types_pass if {
	results := cache.cache_001 with input as inp([group("p", "prod", prod_attrs, []), group("d", "dev", dev_attrs, [])])
	statuses(results, "p") == {"PASS"}
	statuses(results, "d") == {"PASS"}
}

test_cache_001_wrong_node_type_fails if {
	results := cache.cache_001 with input as inp([group("d", "dev", object.union(dev_attrs, {"node_type": "cache.r6g.large"}), [])])
	statuses(results, "d") == {"FAIL"}
	some r in results
	contains(r.message, "cache.t3.micro")
}

test_cache_001_prod_without_cluster_mode_fails if {
	results := cache.cache_001 with input as inp([group("p", "prod", object.union(prod_attrs, {"cluster_mode": false}), [])])
	statuses(results, "p") == {"FAIL"}
}

test_cache_001_cluster_mode_not_forbidden_outside_prod if {
	results := cache.cache_001 with input as inp([group("s", "staging", object.union(dev_attrs, {"node_type": "cache.t3.small", "cluster_mode": true}), [])])
	statuses(results, "s") == {"PASS"}
}

test_cache_001_unknown_node_type_is_unknown if {
	results := cache.cache_001 with input as inp([group("p", "prod", object.remove(prod_attrs, ["node_type"]), ["node_type"])])
	statuses(results, "p") == {"UNKNOWN"}
}

test_cache_001_unresolved_environment_is_skipped if {
	results := cache.cache_001 with input as inp([group("x", null, dev_attrs, [])])
	count(results) == 0
}

test_cache_002_encrypted_prod_with_failover_passes if {
	results := cache.cache_002 with input as inp([group("p", "prod", prod_attrs, []), group("d", "dev", dev_attrs, [])])
	statuses(results, "p") == {"PASS"}
	statuses(results, "d") == {"PASS"}
}

test_cache_002_unencrypted_in_transit_fails if {
	results := cache.cache_002 with input as inp([group("d", "dev", object.union(dev_attrs, {"transit_encryption_enabled": false}), [])])
	statuses(results, "d") == {"FAIL"}
	some r in results
	contains(r.message, "transit_encryption_enabled")
}

test_cache_002_prod_without_multi_az_fails if {
	results := cache.cache_002 with input as inp([group("p", "prod", object.union(prod_attrs, {"multi_az_enabled": false}), [])])
	statuses(results, "p") == {"FAIL"}
}

test_cache_002_prod_without_replicas_fails if {
	single := object.union(prod_attrs, {"replicas_per_node_group": 0, "num_cache_clusters": 1})
	results := cache.cache_002 with input as inp([group("p", "prod", single, [])])
	statuses(results, "p") == {"FAIL"}
	some r in results
	contains(r.message, "no replica")
}

test_cache_002_unknown_encryption_is_unknown if {
	results := cache.cache_002 with input as inp([group("p", "prod", object.remove(prod_attrs, ["at_rest_encryption_enabled"]), ["at_rest_encryption_enabled"])])
	statuses(results, "p") == {"UNKNOWN"}
}

test_cache_002_follows_the_baseline_flags if {
	results := cache.cache_002 with input as {"by_type": {"aws_elasticache_replication_group": [group("d", "dev", object.union(dev_attrs, {"transit_encryption_enabled": false}), [])]}}
		with data.baseline.caches.encryption_in_transit as false
	statuses(results, "d") == {"PASS"}
}

# -- a documented cache missing from an audited account (live only) --------------------------

audited(env) := [{"account": data.baseline.accounts[env].id, "region": data.baseline.regions.primary, "service": "elasticache", "status": "ok"}]

test_cache_001_live_audited_account_without_a_cache_fails if {
	results := cache.cache_001 with input as {"source": {"kind": "live"}, "by_type": {}, "coverage": audited("prod")}
	statuses(results, "prod/cache") == {"FAIL"}
	statuses(results, "dev/cache") == set() # dev's account was not audited
}

test_cache_001_live_cache_in_the_primary_region_is_no_absence if {
	placed := object.union(group("p", "prod", prod_attrs, []), {"region": data.baseline.regions.primary})
	results := cache.cache_001 with input as {"source": {"kind": "live"}, "by_type": {"aws_elasticache_replication_group": [placed]}, "coverage": audited("prod")}
	statuses(results, "prod/cache") == set()
	statuses(results, "p") == {"PASS"}
}

test_cache_001_plan_without_a_cache_is_not_judged if {
	results := cache.cache_001 with input as {"source": {"kind": "plan"}, "by_type": {}, "coverage": audited("prod")}
	count(results) == 0
}
