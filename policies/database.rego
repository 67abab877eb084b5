# Database controls: production Aurora shape, encryption at rest.
package archscan.database

import rego.v1

import data.archscan.lib

clusters := lib.resources("aws_rds_cluster")

instances_of(c) := [i |
	some i in lib.resources("aws_rds_cluster_instance")
	i.refs.cluster == c.id
]

# Environments this control family's production checks cover (DB-003 is "Production database").
production := {"prod"}

# METADATA
# title: Production database is the documented Aurora cluster
# description: "Production database is Aurora MySQL db.r5.xlarge, Multi-AZ, with exactly two read replicas, writer and readers in distinct AZs. On a live audit of the environment's account, no database in the primary region is a FAIL."
# custom:
#   id: DB-003
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_rds_cluster, aws_rds_cluster_instance]
#   seed: "Prod Data (Aurora MySQL db.r5.xlarge Multi-AZ 2 Read Replicas)"
#   rationale: The production data tier must survive an AZ failure and carry the documented read capacity.
#   remediation: "Terraform: aws_rds_cluster.engine = the documented engine; one writer plus the documented number of aws_rds_cluster_instance readers with instance_class as documented, each with a distinct availability_zone. Live: add readers with `aws rds create-db-instance --db-cluster-identifier ...` in the missing AZs."
#   baseline: [environments.prod.database]
#   frameworks: {well_architected: "REL10-BP01", cis: null}
db_003 contains v if {
	some c in clusters
	c.environment in production
	object.get(c, "region", null) != data.baseline.regions.dr # the DR secondary is judged by DR-003
	spec := data.baseline.environments[c.environment].database
	members := instances_of(c)
	azs := {i.attributes.availability_zone | some i in members; is_string(i.attributes.availability_zone)}
	wanted := spec.read_replicas + 1
	problems := array.concat(
		array.concat(
			[sprintf("engine %v, documented %s", [object.get(c.attributes, "engine", null), spec.engine]) |
				not lib.unknown(c, "engine")
				object.get(c.attributes, "engine", null) != spec.engine
			],
			[sprintf("%d instances, documented %s%d (writer + %d readers)", [count(members), at_least(spec), wanted, spec.read_replicas]) |
				not instance_count_ok(spec, count(members), wanted)
			],
		),
		array.concat(
			sort([sprintf("%s is %v, documented %s", [i.id, object.get(i.attributes, "instance_class", null), spec.instance_class]) |
				some i in members
				not lib.unknown(i, "instance_class")
				object.get(i.attributes, "instance_class", null) != spec.instance_class
			]),
			[sprintf("instances span %d distinct AZs for %d instances", [count(azs), count(members)]) |
				object.get(spec, "distinct_azs", true)
				count(unknown_azs(members)) == 0
				count(azs) != count(members)
			],
		),
	)
	undecided := array.concat(unknown_azs(members), [sprintf("%s.engine", [c.id]) | lib.unknown(c, "engine")])
	v := lib.verdict(
		c,
		lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, sprintf("%s database %s", [c.environment, c.id]), "matches the documented Aurora cluster"),
		{"engine": spec.engine, "instance_class": spec.instance_class, "instances": wanted, "distinct_azs": object.get(spec, "distinct_azs", true)},
		{"instances": count(members), "azs": sort([a | some a in azs])},
	)
}

db_003 contains v if some v in missing_database(production)

# With read-replica auto scaling the documented count is a floor, otherwise exact.
instance_count_ok(spec, n, wanted) if {
	object.get(spec, "read_replica_autoscaling", false) == true
	n >= wanted
}

instance_count_ok(spec, n, wanted) if {
	object.get(spec, "read_replica_autoscaling", false) != true
	n == wanted
}

at_least(spec) := lib.pick(object.get(spec, "read_replica_autoscaling", false) == true, "at least ", "")

unknown_azs(members) := sort([sprintf("%s.availability_zone", [i.id]) |
	some i in members
	not is_string(i.attributes.availability_zone)
])

databases := array.concat(clusters, lib.resources("aws_db_instance"))

# METADATA
# title: Databases are encrypted at rest with KMS
# description: Every database cluster and instance is encrypted at rest with KMS.
# custom:
#   id: DB-004
#   severity: critical
#   inputs: [plan, live]
#   reads: [aws_rds_cluster, aws_db_instance]
#   seed: "KMS Encryption At Rest"
#   rationale: Unencrypted storage exposes data in snapshots, replicas and retired disks; encryption cannot be turned on in place later.
#   remediation: "Terraform: set storage_encrypted = true (and kms_key_id to a customer-managed key where the baseline requires one); an existing unencrypted cluster must be restored from an encrypted snapshot copy. Live: copy a snapshot with --kms-key-id and restore from it."
#   baseline: [databases.require_encryption, databases.require_kms]
#   frameworks: {well_architected: "SEC08-BP02", cis: "2.3.1"}
db_004 contains v if {
	some d in databases
	lib.unknown(d, "storage_encrypted")
	v := lib.verdict(d, "UNKNOWN", sprintf("%s: encryption is known only after apply", [d.id]), true, null)
}

db_004 contains v if {
	some d in databases
	not lib.unknown(d, "storage_encrypted")
	encrypted := object.get(d.attributes, "storage_encrypted", false) == true
	needs_key := object.get(data.baseline.databases, "require_kms", false) == true
	key_set := object.get(d.attributes, "kms_key_id_set", false) == true
	problems := array.concat(
		["storage is not encrypted" | not encrypted],
		["no customer-managed KMS key" | encrypted; needs_key; not key_set; not lib.unknown(d, "kms_key_id_set")],
	)
	undecided := ["kms_key_id" | encrypted; needs_key; lib.unknown(d, "kms_key_id_set")]
	v := lib.verdict(
		d,
		lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, d.id, "encrypted at rest with KMS"),
		{"storage_encrypted": true, "kms_key": needs_key},
		{"storage_encrypted": object.get(d.attributes, "storage_encrypted", null), "kms_key": key_set},
	)
}

# -- DB-001 / DB-002: non-production database shape ----------------------------------------

# Environments of DB-001 ("Dev database") and DB-002 ("Staging database").
dev_scope := {"dev"}

staging_scope := {"staging"}

serverless_class := object.get(data.baseline.databases, "serverless_v2_instance_class", "db.serverless")

known_classes(members) := [i.attributes.instance_class | some i in members; is_string(i.attributes.instance_class)]

# The cluster's mode in the baseline's words: from its instances when it has any.
mode_of(c, classes) := "serverless-v1" if {
	object.get(c.attributes, "engine_mode", "provisioned") == "serverless"
} else := "serverless-v2" if {
	serverless_class in classes
} else := "provisioned" if {
	count(classes) > 0
} else := "serverless-v2" if {
	is_object(c.attributes.serverless_v2)
} else := "unknown" if {
	lib.unknown(c, "serverless_v2")
} else := "provisioned"

# Problems of a serverless v2 cluster's capacity and auto-pause against the spec.
serverless_problems(c, spec) := [] if {
	lib.unknown(c, "serverless_v2")
} else := ["no serverless v2 scaling configuration"] if {
	not is_object(c.attributes.serverless_v2)
} else := problems if {
	sv := spec.serverless_v2
	cfg := c.attributes.serverless_v2
	min := object.get(cfg, "min_capacity", null)
	max := object.get(cfg, "max_capacity", null)
	pause := object.get(cfg, "seconds_until_auto_pause", null)
	minutes := object.get(sv, "auto_pause_minutes", null)
	problems := array.concat(
		array.concat(
			[sprintf("minimum capacity %v ACU, accepted %v", [min, sv.accepted_min_capacities]) | not min in sv.accepted_min_capacities],
			[sprintf("maximum capacity %v ACU, documented %v", [max, sv.max_capacity]) | max != sv.max_capacity],
		),
		array.concat(
			[sprintf("minimum capacity %v ACU cannot auto-pause (needs 0; decision dev-serverless-auto-pause)", [min]) | minutes != null; min != 0],
			[sprintf("auto-pause after %v s, documented %v s", [pause, minutes * 60]) | minutes != null; min == 0; pause != minutes * 60],
		),
	)
}

serverless_unknowns(c) := [sprintf("%s.serverless_v2", [c.id]) | lib.unknown(c, "serverless_v2")]

# Problems and undecidable checks of one cluster against an environment's database spec.
cluster_shape(c, spec) := {"problems": problems, "unknowns": unknowns, "mode": mode} if {
	members := instances_of(c)
	classes := known_classes(members)
	mode := mode_of(c, classes)
	accepted := object.get(spec, "accepted_modes", [spec.mode])
	mode_ok := mode in accepted
	wanted_class := lib.pick(mode == "serverless-v2", serverless_class, object.get(spec, "instance_class", null))
	problems := array.concat(
		array.concat(
			[sprintf("engine %v, documented %s", [object.get(c.attributes, "engine", null), spec.engine]) |
				not lib.unknown(c, "engine")
				object.get(c.attributes, "engine", null) != spec.engine
			],
			[sprintf("mode %s, accepted %v", [mode, accepted]) | not mode_ok; mode != "unknown"],
		),
		array.concat(
			array.concat(
				[p | mode_ok; mode == "serverless-v2"; some p in serverless_problems(c, spec)],
				sort([sprintf("%s is %s, documented %v", [i.id, i.attributes.instance_class, wanted_class]) |
					mode_ok
					some i in members
					is_string(i.attributes.instance_class)
					i.attributes.instance_class != wanted_class
				]),
			),
			[sprintf("%d instances: readers make it Multi-AZ, documented a single writer", [count(members)]) |
				object.get(spec, "multi_az", false) == false
				count(members) > 1
			],
		),
	)
	unknowns := array.concat(
		array.concat(
			[sprintf("%s.engine", [c.id]) | lib.unknown(c, "engine")],
			[u | mode in {"serverless-v2", "unknown"}; some u in serverless_unknowns(c)],
		),
		sort([sprintf("%s.instance_class", [i.id]) | some i in members; not is_string(object.get(i.attributes, "instance_class", null))]),
	)
}

# A standalone RDS instance where an Aurora cluster is documented.
standalone_problems(d, spec) := array.concat(
	[sprintf("standalone RDS instance (engine %v), documented an Aurora %s cluster", [object.get(d.attributes, "engine", null), spec.engine])],
	["Multi-AZ is on, documented off" | object.get(spec, "multi_az", false) == false; d.attributes.multi_az == true],
)

shape_verdicts(scope, label) := {v |
	some c in clusters
	c.environment in scope
	spec := lib.env_spec(c).database
	shape := cluster_shape(c, spec)
	v := lib.verdict(
		c,
		lib.status_of(shape.problems, shape.unknowns),
		lib.message_of(shape.problems, shape.unknowns, sprintf("%s database %s", [c.environment, c.id]), label),
		expected_shape(spec),
		{"mode": shape.mode, "engine": object.get(c.attributes, "engine", null), "serverless_v2": object.get(c.attributes, "serverless_v2", null), "instances": count(instances_of(c))},
	)
} | {v |
	some d in lib.resources("aws_db_instance")
	d.environment in scope
	spec := lib.env_spec(d).database
	problems := standalone_problems(d, spec)
	v := lib.verdict(
		d,
		"FAIL",
		lib.message_of(problems, [], sprintf("%s database %s", [d.environment, d.id]), label),
		expected_shape(spec),
		{"engine": object.get(d.attributes, "engine", null), "instance_class": object.get(d.attributes, "instance_class", null)},
	)
}

expected_shape(spec) := {
	"engine": spec.engine,
	"accepted_modes": object.get(spec, "accepted_modes", [spec.mode]),
	"instance_class": object.get(spec, "instance_class", null),
	"serverless_v2": object.get(spec, "serverless_v2", null),
	"multi_az": object.get(spec, "multi_az", false),
}

# METADATA
# title: Dev database is Aurora Serverless v2 with the documented capacity and auto-pause
# description: "Dev database is Aurora Serverless v2 with capacity 0.5-2 ACU and auto-pause after 10 minutes. On a live audit of the environment's account, no database in the primary region is a FAIL."
# custom:
#   id: DB-001
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_rds_cluster, aws_rds_cluster_instance, aws_db_instance]
#   seed: "Dev Data (Aurora Serverless v2, 0.5-2 ACU, Auto-pause 10min); cost table"
#   rationale: The dev database's budget assumes it scales down and pauses when idle; a provisioned or oversized cluster costs several times more.
#   remediation: "Terraform: aws_rds_cluster with engine as documented, serverlessv2_scaling_configuration { min_capacity = 0, max_capacity = 2, seconds_until_auto_pause = 600 } and aws_rds_cluster_instance.instance_class = \"db.serverless\". Live: `aws rds modify-db-cluster --serverless-v2-scaling-configuration MinCapacity=0,MaxCapacity=2,SecondsUntilAutoPause=600` and modify instances to db.serverless."
#   baseline: [environments.dev.database, databases.serverless_v2_instance_class]
#   frameworks: {well_architected: "COST06-BP03", cis: null}
db_001 contains v if {
	some v in shape_verdicts(dev_scope, "Aurora Serverless v2 with the documented capacity and auto-pause")
}

db_001 contains v if some v in missing_database(dev_scope)

# METADATA
# title: Staging database is the documented Aurora cluster without Multi-AZ
# description: "Staging database is Aurora MySQL db.t3.medium without Multi-AZ, or Aurora Serverless v2 where the baseline accepts it (accepted_modes). On a live audit of the environment's account, no database in the primary region is a FAIL."
# custom:
#   id: DB-002
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_rds_cluster, aws_rds_cluster_instance, aws_db_instance]
#   seed: "Staging Data (Aurora MySQL db.t3.medium, no Multi-AZ); Database Optimization (Aurora Serverless Dev/Staging)"
#   rationale: Staging is sized and priced as a single small writer; readers or larger classes exceed its budget without a documented need.
#   remediation: "Terraform: one aws_rds_cluster_instance with instance_class as documented (or db.serverless with the documented serverlessv2_scaling_configuration), no reader instances. Live: delete reader instances and `aws rds modify-db-instance --db-instance-class ...`."
#   baseline: [environments.staging.database, databases.serverless_v2_instance_class]
#   frameworks: {well_architected: "COST06-BP03", cis: null}
db_002 contains v if {
	some v in shape_verdicts(staging_scope, "matches an accepted mode")
}

db_002 contains v if some v in missing_database(staging_scope)

# Live: an audited environment account whose primary region holds no database at all.
missing_database(scope) := {v |
	some env in scope
	data.baseline.environments[env].database
	lib.env_audited(env, "rds")
	count([d |
		some t in ["aws_rds_cluster", "aws_db_instance"]
		some d in lib.resources(t)
		d.environment == env
		d.region == data.baseline.regions.primary
	]) == 0
	v := lib.missing_verdict(env, "database", sprintf("%s database", [data.baseline.environments[env].database.engine]))
}

# -- DB-005: backup retention and cross-region copies ---------------------------------------

# Databases that own automated backups: clusters, and RDS instances that are not read replicas.
backed_up := array.concat(clusters, [d |
	some d in lib.resources("aws_db_instance")
	not d.attributes.replicate_source_db
])

dr_region := data.baseline.regions.dr

# Automated backups of an RDS instance replicated to the DR region.
copied_to_dr(d) if {
	some rep in lib.resources("aws_db_instance_automated_backups_replication")
	d.id in lib.ref_ids(rep, "source_db_instance")
	object.get(rep.attributes, "destination_region", rep.region) == dr_region
}

# An AWS Backup plan of the database's environment and account that copies to the DR region.
# Backup selections are not part of the inventory: such a plan is taken to cover its
# environment's databases.
copied_to_dr(d) if {
	some p in dr_copy_plans
	p.environment == d.environment
	object.get(p, "account", null) == object.get(d, "account", null)
}

dr_copy_plans contains p if {
	some p in lib.resources("aws_backup_plan")
	some rule in object.get(p.attributes, "rules", [])
	some copy in object.get(rule, "copy_actions", [])
	copy.destination_region == dr_region
}

dr_copy_plans contains p if {
	some p in lib.resources("aws_backup_plan")
	some id in lib.ref_ids(p, "copy_destinations")
	some vault in lib.resources("aws_backup_vault")
	vault.id == id
	vault.region == dr_region
}

# Backup plans whose copy destinations are known only after apply.
copy_unknown(d) if {
	some p in lib.resources("aws_backup_plan")
	p.environment == d.environment
	some path in ["rules", "refs.copy_destinations"]
	lib.unknown(p, path)
}

copy_unknown(d) if {
	some rep in lib.resources("aws_db_instance_automated_backups_replication")
	d.id in lib.ref_ids(rep, "source_db_instance")
	lib.unknown(rep, "destination_region")
}

needs_dr_copy(d, spec) := true if {
	object.get(spec, "cross_region_backup_copy", false) == true
	d.region != dr_region
} else := false

# METADATA
# title: Database backups are retained as documented and copied cross-region for production
# description: Backup retention is 7 days and backups are copied cross-region for production.
# custom:
#   id: DB-005
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_rds_cluster, aws_db_instance, aws_db_instance_automated_backups_replication, aws_backup_plan, aws_backup_vault]
#   seed: "Backup Optimization (7-day retention, cross-region copy for production)"
#   rationale: Point-in-time recovery needs the documented retention, and a regional outage must not take the only backups with it.
#   remediation: "Terraform: backup_retention_period = 7 on aws_rds_cluster / aws_db_instance; for production add aws_db_instance_automated_backups_replication in the DR region (RDS instances) or an aws_backup_plan rule with copy_action to a vault in the DR region (Aurora). Live: `aws rds modify-db-cluster --backup-retention-period 7`; `aws rds start-db-instance-automated-backups-replication` or an AWS Backup copy rule."
#   baseline: [environments.*.database.backup_retention_days, environments.*.database.cross_region_backup_copy, regions.dr]
#   frameworks: {well_architected: "REL09-BP01", cis: null}
db_005 contains v if {
	some d in backed_up
	spec := lib.env_spec(d).database
	retention := object.get(d.attributes, "backup_retention_period", null)
	copy_needed := needs_dr_copy(d, spec)
	copied := copied_to_dr_or_false(d)
	problems := array.concat(
		[sprintf("backup retention %v days, documented %d", [retention, spec.backup_retention_days]) |
			not lib.unknown(d, "backup_retention_period")
			retention != spec.backup_retention_days
		],
		[sprintf("backups are not copied to the DR region %s", [dr_region]) | copy_needed; not copied; not copy_unknown(d)],
	)
	unknowns := array.concat(
		["backup_retention_period" | lib.unknown(d, "backup_retention_period")],
		["cross-region copy destination" | copy_needed; not copied; copy_unknown(d)],
	)
	v := lib.verdict(
		d,
		lib.status_of(problems, unknowns),
		lib.message_of(problems, unknowns, sprintf("%s database %s", [d.environment, d.id]), backup_pass_text(copy_needed)),
		{"backup_retention_days": spec.backup_retention_days, "cross_region_copy_to": lib.pick(copy_needed, dr_region, null)},
		{"backup_retention_days": retention, "cross_region_copy": copied},
	)
}

copied_to_dr_or_false(d) := true if copied_to_dr(d)

else := false

backup_pass_text(true) := sprintf("retention as documented, copied to %s", [dr_region])

backup_pass_text(false) := "retention as documented"

# -- DB-006: private, in database-tier subnets ---------------------------------------------

public_ok := object.get(data.baseline.databases, "allow_public", false) == true

db_tier := object.get(data.baseline.databases, "subnet_tier", "database")

# Lookups by id within one type (functions, not the cached lib.by_id: regorus keeps a cached
# rule's value across `with input` in tests).
one_of(type_name, id) := r if {
	some r in lib.resources(type_name)
	r.id == id
}

subnet_group_of(d) := one_of(subnet_group_type(d), d.refs.subnet_group)

subnet_group_type(d) := "aws_elasticache_subnet_group" if d.type == "aws_elasticache_replication_group"

else := "aws_db_subnet_group"

# Tier problems and undecidable checks of a database's subnet group.
placement(d) := {"problems": [], "unknowns": ["refs.subnet_group"]} if {
	lib.unknown(d, "refs.subnet_group")
} else := {"problems": ["no DB subnet group: placed in the default VPC"], "unknowns": []} if {
	not d.refs.subnet_group
} else := {"problems": [], "unknowns": [sprintf("subnet group %s is not in the inventory", [d.refs.subnet_group])]} if {
	not subnet_group_of(d)
} else := {"problems": [], "unknowns": [sprintf("%s.refs.subnets", [d.refs.subnet_group])]} if {
	lib.unknown(subnet_group_of(d), "refs.subnets")
} else := group_placement(d, subnet_group_of(d))

group_placement(d, g) := {"problems": problems, "unknowns": unknowns} if {
	ids := lib.ref_ids(g, "subnets")
	subnets := {s.id: s | some s in lib.resources("aws_subnet"); s.id in ids}
	missing := sort([sprintf("subnet %s is not in the inventory", [id]) | some id in ids; not subnets[id]])
	pending := sort([sprintf("%s.cidr_block", [id]) | some id, s in subnets; not is_string(s.attributes.cidr_block)])
	wrong := sort([sprintf("subnet %s (%s) is in the %v tier", [id, s.attributes.cidr_block, lib.tier_or_null(d.environment, s.attributes.cidr_block)]) |
		some id, s in subnets
		is_string(s.attributes.cidr_block)
		lib.tier_or_null(d.environment, s.attributes.cidr_block) != db_tier
	])
	problems := array.concat(["the subnet group has no subnets" | count(ids) == 0], wrong)
	unknowns := array.concat(missing, pending)
}

public_problems(d) := ["publicly accessible" | not public_ok; d.attributes.publicly_accessible == true]

public_unknowns(d) := ["publicly_accessible" | not public_ok; lib.unknown(d, "publicly_accessible")]

# Environments with a documented tier plan (tier placement is checked there only).
# The tier plan documents the primary region's VPCs; DR-region databases are not judged by it.
tiered(d) if {
	lib.env_spec(d).vpc.subnet_tiers
	object.get(d, "region", null) != data.baseline.regions.dr
}

db006_verdict(d, problems, unknowns) := lib.verdict(
	d,
	lib.status_of(problems, unknowns),
	lib.message_of(problems, unknowns, sprintf("database %s", [d.id]), sprintf("private, in %s-tier subnets", [db_tier])),
	{"publicly_accessible": public_ok, "subnet_tier": db_tier},
	{"publicly_accessible": object.get(d.attributes, "publicly_accessible", null), "subnet_group": object.get(d.refs, "subnet_group", null)},
)

# METADATA
# title: Databases are private and live in database-tier subnets
# description: No database is publicly accessible; databases live in database-tier subnets.
# custom:
#   id: DB-006
#   severity: critical
#   inputs: [plan, live]
#   reads: [aws_rds_cluster, aws_rds_cluster_instance, aws_db_instance, aws_db_subnet_group, aws_subnet]
#   seed: "Private subnets (Database Subnets 10.x.20-22.0/24)"
#   rationale: A database reachable from the internet, or placed outside the isolated tier, bypasses the network layers of the design.
#   remediation: "Terraform: publicly_accessible = false on every aws_db_instance / aws_rds_cluster_instance, and db_subnet_group_name pointing at an aws_db_subnet_group whose subnet_ids are the environment's database-tier subnets. Live: `aws rds modify-db-instance --no-publicly-accessible`; move the database to a subnet group of database-tier subnets."
#   baseline: [databases.allow_public, databases.subnet_tier, environments.*.vpc.subnet_tiers]
#   frameworks: {well_architected: "SEC05-BP01", cis: "2.3.3"}
db_006 contains v if {
	some c in clusters
	tiered(c)
	place := placement(c)
	v := db006_verdict(c, place.problems, place.unknowns)
}

db_006 contains v if {
	some i in lib.resources("aws_rds_cluster_instance")
	v := db006_verdict(i, public_problems(i), public_unknowns(i))
}

db_006 contains v if {
	some d in lib.resources("aws_db_instance")
	place := placement_if_tiered(d)
	v := db006_verdict(d, array.concat(public_problems(d), place.problems), array.concat(public_unknowns(d), place.unknowns))
}

placement_if_tiered(d) := placement(d) if tiered(d)

else := {"problems": [], "unknowns": []}
