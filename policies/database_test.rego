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

res(id, type, env, attrs, refs, unknown) := {"id": id, "type": type, "environment": env, "region": "us-west-2", "account": null, "attributes": attrs, "refs": refs, "unknown": unknown}

dev_cluster(sv) := res("db.dev", "aws_rds_cluster", "dev", {"engine": "aurora-mysql", "engine_mode": "provisioned", "serverless_v2": sv, "backup_retention_period": 7}, {}, [])

member(id, cluster, env, class) := res(id, "aws_rds_cluster_instance", env, {"instance_class": class, "publicly_accessible": false}, {"cluster": cluster}, [])

paused := {"min_capacity": 0, "max_capacity": 2, "seconds_until_auto_pause": 600}

test_db_001_serverless_v2_with_auto_pause_passes if {
	results := database.db_001 with input as {"by_type": {"aws_rds_cluster": [dev_cluster(paused)], "aws_rds_cluster_instance": [member("w", "db.dev", "dev", "db.serverless")]}}
	statuses(results, "db.dev") == {"PASS"}
}

test_db_001_half_acu_minimum_cannot_pause_fails if {
	sv := object.union(paused, {"min_capacity": 0.5})
	results := database.db_001 with input as {"by_type": {"aws_rds_cluster": [dev_cluster(sv)], "aws_rds_cluster_instance": [member("w", "db.dev", "dev", "db.serverless")]}}
	statuses(results, "db.dev") == {"FAIL"}
	some r in results
	contains(r.message, "cannot auto-pause")
}

test_db_001_provisioned_dev_cluster_fails if {
	results := database.db_001 with input as {"by_type": {"aws_rds_cluster": [dev_cluster(paused)], "aws_rds_cluster_instance": [member("w", "db.dev", "dev", "db.r5.large")]}}
	statuses(results, "db.dev") == {"FAIL"}
	some r in results
	contains(r.message, "mode provisioned")
}

test_db_001_wrong_max_and_pause_fail if {
	sv := {"min_capacity": 0, "max_capacity": 8, "seconds_until_auto_pause": 3600}
	results := database.db_001 with input as {"by_type": {"aws_rds_cluster": [dev_cluster(sv)]}}
	statuses(results, "db.dev") == {"FAIL"}
	some r in results
	contains(r.message, "maximum capacity 8")
	contains(r.message, "auto-pause after 3600")
}

test_db_001_unknown_scaling_is_unknown if {
	c := object.union(dev_cluster(null), {"attributes": {"engine": "aurora-mysql"}, "unknown": ["serverless_v2"]})
	results := database.db_001 with input as {"by_type": {"aws_rds_cluster": [c], "aws_rds_cluster_instance": [member("w", "db.dev", "dev", "db.serverless")]}}
	statuses(results, "db.dev") == {"UNKNOWN"}
}

test_db_001_standalone_instance_fails if {
	d := res("legacy", "aws_db_instance", "dev", {"engine": "mysql", "instance_class": "db.t3.micro"}, {}, [])
	results := database.db_001 with input as {"by_type": {"aws_db_instance": [d]}}
	statuses(results, "legacy") == {"FAIL"}
}

staging(class_w, class_r) := {
	"aws_rds_cluster": [res("db.stg", "aws_rds_cluster", "staging", {"engine": "aurora-mysql", "engine_mode": "provisioned"}, {}, [])],
	"aws_rds_cluster_instance": array.concat(
		[member("w", "db.stg", "staging", class_w)],
		[member("r", "db.stg", "staging", class_r) | class_r != null],
	),
}

test_db_002_provisioned_t3_medium_passes if {
	results := database.db_002 with input as {"by_type": staging("db.t3.medium", null)}
	statuses(results, "db.stg") == {"PASS"}
}

test_db_002_reader_makes_it_multi_az_fails if {
	results := database.db_002 with input as {"by_type": staging("db.t3.medium", "db.t3.medium")}
	statuses(results, "db.stg") == {"FAIL"}
	some r in results
	contains(r.message, "Multi-AZ")
}

test_db_002_accepted_serverless_v2_passes if {
	by_type := object.union(staging("db.serverless", null), {"aws_rds_cluster": [res("db.stg", "aws_rds_cluster", "staging", {"engine": "aurora-mysql", "serverless_v2": paused}, {}, [])]})
	results := database.db_002 with input as {"by_type": by_type}
	statuses(results, "db.stg") == {"PASS"}
}

test_db_002_serverless_not_accepted_fails if {
	by_type := object.union(staging("db.serverless", null), {"aws_rds_cluster": [res("db.stg", "aws_rds_cluster", "staging", {"engine": "aurora-mysql", "serverless_v2": paused}, {}, [])]})
	results := database.db_002 with input as {"by_type": by_type}
		with data.baseline.environments.staging.database.accepted_modes as ["provisioned"]
	statuses(results, "db.stg") == {"FAIL"}
}

test_db_002_larger_class_fails if {
	results := database.db_002 with input as {"by_type": staging("db.r5.large", null)}
	statuses(results, "db.stg") == {"FAIL"}
}

prod_db := res("db.prod", "aws_rds_cluster", "prod", {"engine": "aurora-mysql", "backup_retention_period": 7}, {}, [])

test_db_005_retention_and_backup_plan_copy_pass if {
	p := res("plan", "aws_backup_plan", "prod", {"rules": [{"copy_actions": [{"destination_region": "us-east-1"}]}]}, {}, [])
	results := database.db_005 with input as {"by_type": {"aws_rds_cluster": [prod_db], "aws_backup_plan": [p]}}
	statuses(results, "db.prod") == {"PASS"}
}

test_db_005_prod_without_cross_region_copy_fails if {
	p := res("plan", "aws_backup_plan", "prod", {"rules": [{"copy_actions": []}]}, {}, [])
	results := database.db_005 with input as {"by_type": {"aws_rds_cluster": [prod_db], "aws_backup_plan": [p]}}
	statuses(results, "db.prod") == {"FAIL"}
	some r in results
	contains(r.message, "not copied to the DR region us-east-1")
}

test_db_005_instance_backup_replication_passes if {
	d := res("db.rep", "aws_db_instance", "prod", {"engine": "postgres", "backup_retention_period": 7}, {}, [])
	rep := object.union(res("rep", "aws_db_instance_automated_backups_replication", "prod", {"destination_region": "us-east-1"}, {"source_db_instance": "db.rep"}, []), {"region": "us-east-1"})
	results := database.db_005 with input as {"by_type": {"aws_db_instance": [d], "aws_db_instance_automated_backups_replication": [rep]}}
	statuses(results, "db.rep") == {"PASS"}
}

test_db_005_short_retention_fails_in_dev if {
	c := dev_cluster(paused)
	short := object.union(c, {"attributes": object.union(c.attributes, {"backup_retention_period": 1})})
	results := database.db_005 with input as {"by_type": {"aws_rds_cluster": [short]}}
	statuses(results, "db.dev") == {"FAIL"}
}

test_db_005_unknown_copy_destination_is_unknown if {
	p := res("plan", "aws_backup_plan", "prod", {}, {}, ["rules"])
	results := database.db_005 with input as {"by_type": {"aws_rds_cluster": [prod_db], "aws_backup_plan": [p]}}
	statuses(results, "db.prod") == {"UNKNOWN"}
}

subnet(id, cidr) := res(id, "aws_subnet", "prod", {"cidr_block": cidr}, {}, [])

placed(cidrs) := {
	"aws_rds_cluster": [res("db.prod", "aws_rds_cluster", "prod", {"engine": "aurora-mysql"}, {"subnet_group": "sg"}, [])],
	"aws_rds_cluster_instance": [member("w", "db.prod", "prod", "db.r5.xlarge")],
	"aws_db_subnet_group": [res("sg", "aws_db_subnet_group", "prod", {}, {"subnets": [sprintf("s%d", [n]) | some n, _ in cidrs]}, [])],
	"aws_subnet": [subnet(sprintf("s%d", [n]), c) | some n, c in cidrs],
}

test_db_006_database_tier_subnets_pass if {
	by_type := placed(["10.2.20.0/24", "10.2.21.0/24"])
	results := database.db_006 with input as {"by_type": by_type}
	statuses(results, "db.prod") == {"PASS"}
	statuses(results, "w") == {"PASS"}
}

test_db_006_private_tier_subnet_fails if {
	by_type := placed(["10.2.20.0/24", "10.2.10.0/24"])
	results := database.db_006 with input as {"by_type": by_type}
	statuses(results, "db.prod") == {"FAIL"}
	some r in results
	contains(r.message, "private tier")
}

test_db_006_public_instance_fails if {
	by_type := object.union(placed(["10.2.20.0/24"]), {"aws_rds_cluster_instance": [object.union(member("w", "db.prod", "prod", "db.r5.xlarge"), {"attributes": {"publicly_accessible": true}})]})
	results := database.db_006 with input as {"by_type": by_type}
	statuses(results, "w") == {"FAIL"}
}

test_db_006_no_subnet_group_fails if {
	d := res("legacy", "aws_db_instance", "prod", {"publicly_accessible": false}, {}, [])
	results := database.db_006 with input as {"by_type": {"aws_db_instance": [d]}}
	statuses(results, "legacy") == {"FAIL"}
}

test_db_006_unknown_subnet_cidr_is_unknown if {
	by_type := object.union(placed(["10.2.20.0/24"]), {"aws_subnet": [res("s0", "aws_subnet", "prod", {}, {}, ["cidr_block"])]})
	results := database.db_006 with input as {"by_type": by_type}
	statuses(results, "db.prod") == {"UNKNOWN"}
}

test_db_003_dr_region_secondary_is_left_to_dr_003 if {
	secondary := object.union(good_cluster, {"id": "db.dr", "region": "us-east-1"})
	results := database.db_003 with input as {"by_type": {"aws_rds_cluster": [secondary]}}
	count(results) == 0
}

# -- a documented database missing from an audited account (live only) ---------------------

prod_account := data.baseline.accounts.prod.id

ledger(service, status) := [{"account": prod_account, "region": data.baseline.regions.primary, "service": service, "status": status}]

test_db_003_live_audited_account_without_a_database_fails if {
	results := database.db_003 with input as {"source": {"kind": "live"}, "by_type": {}, "coverage": ledger("rds", "ok")}
	statuses(results, "prod/database") == {"FAIL"}
	some r in results
	r.account == prod_account
	contains(r.message, "no aurora-mysql database")
}

test_db_003_live_cluster_in_the_primary_region_is_no_absence if {
	placed := object.union(good_cluster, {"region": data.baseline.regions.primary})
	results := database.db_003 with input as {"source": {"kind": "live"}, "by_type": {"aws_rds_cluster": [placed], "aws_rds_cluster_instance": three}, "coverage": ledger("rds", "ok")}
	statuses(results, "prod/database") == set()
	statuses(results, "db.prod") == {"PASS"}
}

test_db_003_account_outside_the_audit_is_not_judged if {
	results := database.db_003 with input as {"source": {"kind": "live"}, "by_type": {}, "coverage": []}
	count(results) == 0
}

test_db_003_plan_without_a_database_is_not_judged if {
	results := database.db_003 with input as {"source": {"kind": "plan"}, "by_type": {}, "coverage": ledger("rds", "ok")}
	count(results) == 0
}

test_db_001_and_002_live_absence_per_environment if {
	dev := [{"account": data.baseline.accounts.dev.id, "region": data.baseline.regions.primary, "service": "rds", "status": "ok"}]
	dev_results := database.db_001 with input as {"source": {"kind": "live"}, "by_type": {}, "coverage": dev}
	statuses(dev_results, "dev/database") == {"FAIL"}
	staging_results := database.db_002 with input as {"source": {"kind": "live"}, "by_type": {}, "coverage": dev}
	count(staging_results) == 0
}
