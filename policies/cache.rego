# Cache controls: node types and cluster mode, encryption and failover.
package archscan.cache

import rego.v1

import data.archscan.lib

groups := lib.resources("aws_elasticache_replication_group")

# Problems of one known attribute against an expected value ("" when it is unknown or fine).
mismatch(g, name, expected) := [sprintf("%s is %v, documented %v", [name, object.get(g.attributes, name, null), expected]) |
	not lib.unknown(g, name)
	object.get(g.attributes, name, null) != expected
]

undecided(g, name) := [name | lib.unknown(g, name)]

# METADATA
# title: Cache node type and cluster mode match the environment
# description: "Cache node types: dev cache.t3.micro, staging cache.t3.small, prod cache.r6g.large with cluster mode enabled. On a live audit of the environment's account, no cache in the primary region is a FAIL."
# custom:
#   id: CACHE-001
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_elasticache_replication_group]
#   seed: "Data boxes (ElastiCache Redis cache.t3.micro / cache.t3.small / cache.r6g.large Cluster Mode)"
#   rationale: The documented node sizes carry each environment's budget and load; production needs cluster mode to shard beyond one node's memory.
#   remediation: "Terraform: set aws_elasticache_replication_group.node_type to the environment's documented type, and in production cluster_mode = \"enabled\" with num_node_groups > 1. Live: `aws elasticache modify-replication-group --cache-node-type ...`; cluster mode needs a new group (or online migration to cluster mode compatible)."
#   baseline: [environments.*.cache.engine, environments.*.cache.node_type, environments.*.cache.cluster_mode]
#   frameworks: {well_architected: "PERF02-BP01", cis: null}
cache_001 contains v if {
	some g in groups
	spec := lib.env_spec(g).cache
	problems := array.concat(
		array.concat(mismatch(g, "engine", spec.engine), mismatch(g, "node_type", spec.node_type)),
		# Cluster mode is required where documented; where it is not, it is not forbidden.
		[p | spec.cluster_mode == true; some p in mismatch(g, "cluster_mode", true)],
	)
	unknowns := array.concat(
		array.concat(undecided(g, "engine"), undecided(g, "node_type")),
		[p | spec.cluster_mode == true; some p in undecided(g, "cluster_mode")],
	)
	v := lib.verdict(
		g,
		lib.status_of(problems, unknowns),
		lib.message_of(problems, unknowns, sprintf("%s cache %s", [g.environment, g.id]), "documented node type and mode"),
		{"engine": spec.engine, "node_type": spec.node_type, "cluster_mode": spec.cluster_mode},
		{
			"engine": object.get(g.attributes, "engine", null),
			"node_type": object.get(g.attributes, "node_type", null),
			"cluster_mode": object.get(g.attributes, "cluster_mode", null),
		},
	)
}

# Live: an audited environment account whose primary region holds no cache.
cache_001 contains v if {
	some env, spec in data.baseline.environments
	spec.cache
	lib.env_audited(env, "elasticache")
	count([g | some g in groups; g.environment == env; g.region == data.baseline.regions.primary]) == 0
	v := lib.missing_verdict(env, "cache", sprintf("%s cache (%s)", [spec.cache.engine, spec.cache.node_type]))
}

# Replicas that automatic failover can promote: one per shard in cluster mode, else a second node.
has_replica(g) if object.get(g.attributes, "replicas_per_node_group", 0) >= 1

has_replica(g) if object.get(g.attributes, "num_cache_clusters", 0) >= 2

replica_unknown(g) if lib.unknown(g, "replicas_per_node_group")

replica_unknown(g) if lib.unknown(g, "num_cache_clusters")

# METADATA
# title: Caches are encrypted and fail over across AZs where documented
# description: Caches encrypt at rest and in transit; production has automatic failover across AZs.
# custom:
#   id: CACHE-002
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_elasticache_replication_group]
#   seed: "Data Security (Encryption at rest / in transit); prod ElastiCache Multi-AZ"
#   rationale: Cached session and application data is as sensitive as the database; a production cache confined to one AZ fails with it.
#   remediation: "Terraform: at_rest_encryption_enabled = true and transit_encryption_enabled = true (at-rest encryption needs a new group); in production automatic_failover_enabled = true, multi_az_enabled = true and at least one replica per shard. Live: `aws elasticache modify-replication-group --automatic-failover-enabled --multi-az-enabled`; encryption at rest requires recreating the group from a backup."
#   baseline: [caches.encryption_at_rest, caches.encryption_in_transit, environments.*.cache.automatic_failover, environments.*.cache.multi_az]
#   frameworks: {well_architected: "SEC08-BP02", cis: null}
cache_002 contains v if {
	some g in groups
	spec := lib.env_spec(g).cache
	wanted := required(spec)
	problems := array.concat(
		[p | some name, _ in wanted; some p in mismatch(g, name, true)],
		[sprintf("no replica to fail over to (replicas_per_node_group %v, num_cache_clusters %v)", [object.get(g.attributes, "replicas_per_node_group", null), object.get(g.attributes, "num_cache_clusters", null)]) |
			spec.automatic_failover == true
			not has_replica(g)
			not replica_unknown(g)
		],
	)
	unknowns := array.concat(
		sort([p | some name, _ in wanted; some p in undecided(g, name)]),
		["replicas" | spec.automatic_failover == true; not has_replica(g); replica_unknown(g)],
	)
	v := lib.verdict(
		g,
		lib.status_of(problems, unknowns),
		lib.message_of(problems, unknowns, sprintf("%s cache %s", [g.environment, g.id]), "encrypted, failover as documented"),
		wanted,
		{name: object.get(g.attributes, name, null) | some name in attribute_names},
	)
}

attribute_names := ["at_rest_encryption_enabled", "transit_encryption_enabled", "automatic_failover_enabled", "multi_az_enabled"]

# The attributes that must be true for an environment's caches.
required(spec) := {name: true |
	some name, on in {
		"at_rest_encryption_enabled": object.get(data.baseline.caches, "encryption_at_rest", true),
		"transit_encryption_enabled": object.get(data.baseline.caches, "encryption_in_transit", true),
		"automatic_failover_enabled": object.get(spec, "automatic_failover", false),
		"multi_az_enabled": object.get(spec, "multi_az", false),
	}
	on == true
}
