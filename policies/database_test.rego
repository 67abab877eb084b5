# Tests of the database family.
package archscan.database_test

import rego.v1

import data.archscan.database

cluster(attrs, unknown) := {"id": "db.prod", "type": "aws_rds_cluster", "environment": "prod", "attributes": attrs, "refs": {}, "unknown": unknown}

instance(id, class, az) := {"id": id, "type": "aws_rds_cluster_instance", "environment": "prod", "attributes": {"instance_class": class, "availability_zone": az}, "refs": {"cluster": "db.prod"}, "unknown": []}

good_cluster := cluster({"engine": "aurora-mysql", "storage_encrypted": true, "kms_key_id_set": true}, [])

three := [
	instance("w", "db.r5.xlarge", "us-west-2a"),
	instance("r1", "db.r5.xlarge", "us-west-2b"),
	instance("r2", "db.r5.xlarge", "us-west-2c"),
]

statuses(results, id) := {r.status | some r in results; r.resource == id}

test_db_003_documented_cluster_passes if {
	results := database.db_003 with input as {"by_type": {"aws_rds_cluster": [good_cluster], "aws_rds_cluster_instance": three}}
	statuses(results, "db.prod") == {"PASS"}
}

test_db_003_one_reader_of_wrong_class_fails if {
	two := [instance("w", "db.r5.xlarge", "us-west-2a"), instance("r1", "db.r5.large", "us-west-2b")]
	results := database.db_003 with input as {"by_type": {"aws_rds_cluster": [good_cluster], "aws_rds_cluster_instance": two}}
	statuses(results, "db.prod") == {"FAIL"}
	some r in results
	contains(r.message, "2 instances, documented at least 3")
	contains(r.message, "db.r5.large")
}

test_db_003_autoscaled_readers_above_the_floor_pass if {
	four := array.concat(three, [instance("r3", "db.r5.xlarge", "us-west-2d")])
	results := database.db_003 with input as {"by_type": {"aws_rds_cluster": [good_cluster], "aws_rds_cluster_instance": four}}
		with data.baseline.environments.prod.database.read_replica_autoscaling as true
	statuses(results, "db.prod") == {"PASS"}
}

test_db_003_extra_readers_fail_without_autoscaling if {
	four := array.concat(three, [instance("r3", "db.r5.xlarge", "us-west-2d")])
	results := database.db_003 with input as {"by_type": {"aws_rds_cluster": [good_cluster], "aws_rds_cluster_instance": four}}
		with data.baseline.environments.prod.database.read_replica_autoscaling as false
	statuses(results, "db.prod") == {"FAIL"}
}

test_db_003_shared_az_fails if {
	same := [instance("w", "db.r5.xlarge", "us-west-2a"), instance("r1", "db.r5.xlarge", "us-west-2a"), instance("r2", "db.r5.xlarge", "us-west-2c")]
	results := database.db_003 with input as {"by_type": {"aws_rds_cluster": [good_cluster], "aws_rds_cluster_instance": same}}
	statuses(results, "db.prod") == {"FAIL"}
}

test_db_003_unknown_azs_are_unknown if {
	unknown_az := [instance("w", "db.r5.xlarge", null), instance("r1", "db.r5.xlarge", null), instance("r2", "db.r5.xlarge", null)]
	results := database.db_003 with input as {"by_type": {"aws_rds_cluster": [good_cluster], "aws_rds_cluster_instance": unknown_az}}
	statuses(results, "db.prod") == {"UNKNOWN"}
}

test_db_003_ignores_other_environments if {
	staging := object.union(good_cluster, {"environment": "staging"})
	results := database.db_003 with input as {"by_type": {"aws_rds_cluster": [staging]}}
	count(results) == 0
}

test_db_004_encrypted_with_key_passes if {
	results := database.db_004 with input as {"by_type": {"aws_rds_cluster": [good_cluster]}}
	statuses(results, "db.prod") == {"PASS"}
}

test_db_004_unencrypted_fails if {
	plain := cluster({"engine": "aurora-mysql", "storage_encrypted": false}, [])
	results := database.db_004 with input as {"by_type": {"aws_rds_cluster": [plain]}}
	statuses(results, "db.prod") == {"FAIL"}
}

test_db_004_unknown_encryption_is_unknown if {
	pending := cluster({"engine": "aurora-mysql"}, ["storage_encrypted"])
	results := database.db_004 with input as {"by_type": {"aws_rds_cluster": [pending]}}
	statuses(results, "db.prod") == {"UNKNOWN"}
}

test_db_004_db_instance_without_encryption_fails if {
	inst := {"id": "legacy", "type": "aws_db_instance", "environment": "dev", "attributes": {"engine": "mysql"}, "refs": {}, "unknown": []}
	results := database.db_004 with input as {"by_type": {"aws_db_instance": [inst]}}
	statuses(results, "legacy") == {"FAIL"}
}
