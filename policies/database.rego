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
# description: "Production database is Aurora MySQL db.r5.xlarge, Multi-AZ, with exactly two read replicas, writer and readers in distinct AZs."
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
