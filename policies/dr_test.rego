# Tests of the disaster recovery family.
package archscan.dr_test

import rego.v1

import data.archscan.dr

res(id, type, env, region, attrs, refs, unknown) := {"id": id, "type": type, "environment": env, "region": region, "attributes": attrs, "refs": refs, "unknown": unknown}

inv(rs) := {"by_type": {t: [r | some r in rs; r.type == t] | some x in rs; t := x.type}}

statuses(results, id) := {r.status | some r in results; r.resource == id}

test_dr_001_regions if {
	ok := dr.dr_001 with input as inv([res("a", "aws_vpc", "prod", "us-west-2", {}, {}, []), res("b", "aws_vpc", "prod", "us-east-1", {}, {}, [])])
	statuses(ok, "prod/regions") == {"PASS"}
	stray := dr.dr_001 with input as inv([res("a", "aws_vpc", "prod", "us-west-2", {}, {}, []), res("b", "aws_vpc", "prod", "eu-west-1", {}, {}, [])])
	statuses(stray, "prod/regions") == {"FAIL"}
	dr_only := dr.dr_001 with input as inv([res("b", "aws_vpc", "prod", "us-east-1", {}, {}, [])])
	statuses(dr_only, "prod/regions") == {"FAIL"}
}

bucket(id, region, attrs, refs, unknown) := res(id, "aws_s3_bucket", "prod", region, object.union({"bucket": id}, attrs), refs, unknown)

versioned := {"versioning": {"status": "Enabled"}}

replicating(dest) := object.union(versioned, {"replication": {"rules": [{"id": "r", "status": "Enabled", "destination_bucket": dest}]}})

test_dr_002_replication_to_dr_region if {
	results := dr.dr_002 with input as inv([
		bucket("replica", "us-east-1", versioned, {}, []),
		bucket("other", "eu-west-1", versioned, {}, []),
		bucket("good", "us-west-2", replicating("replica"), {"replication_destinations": ["replica"]}, []),
		bucket("wrong", "us-west-2", replicating("other"), {"replication_destinations": ["other"]}, []),
		bucket("none", "us-west-2", versioned, {}, []),
		bucket("unversioned", "us-west-2", object.union(replicating("replica"), {"versioning": {"status": "Suspended"}}), {"replication_destinations": ["replica"]}, []),
		bucket("later", "us-west-2", versioned, {}, ["replication"]),
		bucket("away", "us-west-2", replicating("not-here"), {}, []),
	])
	statuses(results, "good") == {"PASS"}
	statuses(results, "wrong") == {"FAIL"}
	statuses(results, "none") == {"FAIL"}
	statuses(results, "unversioned") == {"FAIL"}
	statuses(results, "later") == {"UNKNOWN"}
	statuses(results, "away") == {"UNKNOWN"}
	statuses(results, "replica") == set()
}

cluster(id, region, attrs, refs, unknown) := res(id, "aws_rds_cluster", "prod", region, object.union({"engine": "aurora-mysql", "cluster_identifier": id}, attrs), refs, unknown)

test_dr_003_cross_region_replica if {
	replica := dr.dr_003 with input as inv([cluster("p", "us-west-2", {}, {}, []), cluster("r", "us-east-1", {"replication_source_identifier": "p"}, {"replication_source": "p"}, [])])
	statuses(replica, "p") == {"PASS"}
	global := dr.dr_003 with input as inv([cluster("p", "us-west-2", {"global_cluster_identifier": "g"}, {}, []), cluster("r", "us-east-1", {"global_cluster_identifier": "g"}, {}, [])])
	statuses(global, "p") == {"PASS"}
	alone := dr.dr_003 with input as inv([cluster("p", "us-west-2", {"replication_source_identifier": null}, {}, [])])
	statuses(alone, "p") == {"FAIL"}
	later := dr.dr_003 with input as inv([cluster("p", "us-west-2", {}, {}, []), cluster("r", "us-east-1", {}, {}, ["replication_source_identifier"])])
	statuses(later, "p") == {"UNKNOWN"}
}

test_dr_004_daily_copy_to_dr if {
	db := cluster("p", "us-west-2", {}, {}, [])
	rule := {"rule_name": "daily", "schedule": "cron(0 5 * * ? *)", "copy_actions": [{"destination_vault_arn": "arn:aws:backup:us-east-1:555555555555:backup-vault:dr", "destination_region": "us-east-1"}]}
	plan := res("plan", "aws_backup_plan", "prod", "us-west-2", {"rules": [rule]}, {}, [])
	ok := dr.dr_004 with input as inv([db, plan])
	statuses(ok, "prod/snapshot-copy") == {"PASS"}
	weekly := res("plan", "aws_backup_plan", "prod", "us-west-2", {"rules": [object.union(rule, {"schedule": "cron(0 5 ? * SUN *)"})]}, {}, [])
	bad := dr.dr_004 with input as inv([db, weekly])
	statuses(bad, "prod/snapshot-copy") == {"FAIL"}
	nothing := dr.dr_004 with input as inv([db])
	statuses(nothing, "prod/snapshot-copy") == {"FAIL"}
}

test_dr_004_null_vault_arn_is_no_copy_and_no_error if {
	db := cluster("p", "us-west-2", {}, {}, [])
	rule := {"rule_name": "daily", "schedule": "rate(1 day)", "copy_actions": [{"destination_vault_arn": null, "destination_region": null}]}
	plan := res("plan", "aws_backup_plan", "prod", "us-west-2", {"rules": [rule]}, {}, [])
	results := dr.dr_004 with input as inv([db, plan])
	statuses(results, "prod/snapshot-copy") == {"FAIL"}
}

test_dr_005_standby_cluster if {
	prod := res("c", "aws_eks_cluster", "prod", "us-west-2", {}, {}, [])
	standby := res("s", "aws_eks_cluster", "prod", "us-east-1", {}, {}, [])
	small := res("ng", "aws_eks_node_group", "prod", "us-east-1", {"max_size": 2}, {"cluster": "s"}, [])
	big := res("ng", "aws_eks_node_group", "prod", "us-east-1", {"max_size": 10}, {"cluster": "s"}, [])
	r1 := dr.dr_005 with input as inv([prod, standby, small])
	statuses(r1, "prod/eks-standby") == {"PASS"}
	r2 := dr.dr_005 with input as inv([prod, standby, big])
	statuses(r2, "prod/eks-standby") == {"FAIL"}
	r3 := dr.dr_005 with input as inv([prod])
	statuses(r3, "prod/eks-standby") == {"FAIL"}
}

record(id, failover, attrs, refs, unknown) := res(id, "aws_route53_record", "prod", "us-east-1", object.union({"name": "app.example.com", "type": "A", "failover": failover}, attrs), refs, unknown)

test_dr_006_failover_records if {
	primary := record("p", "PRIMARY", {}, {"health_check": "hc"}, [])
	secondary := record("s", "SECONDARY", {}, {}, [])
	r4 := dr.dr_006 with input as inv([primary, secondary])
	statuses(r4, "prod/dns-failover") == {"PASS"}
	unchecked := record("p", "PRIMARY", {}, {}, [])
	r5 := dr.dr_006 with input as inv([unchecked, secondary])
	statuses(r5, "prod/dns-failover") == {"FAIL"}
	r6 := dr.dr_006 with input as inv([primary])
	statuses(r6, "prod/dns-failover") == {"FAIL"}
	later := record("p", "PRIMARY", {}, {}, ["refs.health_check"])
	r7 := dr.dr_006 with input as inv([later, secondary])
	statuses(r7, "prod/dns-failover") == {"UNKNOWN"}
}

velero_inventory(status, region) := {"by_type": {
	"aws_eks_cluster": [{"id": "eks", "type": "aws_eks_cluster", "environment": "prod", "region": "us-west-2", "attributes": {}, "refs": {}, "unknown": []}],
	"aws_s3_bucket": [{"id": "b", "type": "aws_s3_bucket", "environment": "prod", "region": region, "attributes": {"bucket": "prod-velero-backups", "versioning": {"status": status}}, "refs": {}, "unknown": []}],
}}

test_dr_007_versioned_primary_bucket_passes if {
	results := dr.dr_007 with input as velero_inventory("Enabled", "us-west-2")
	{r.status | some r in results} == {"PASS"}
}

test_dr_007_suspended_or_misplaced_bucket_fails if {
	suspended := dr.dr_007 with input as velero_inventory("Suspended", "us-west-2")
	{r.status | some r in suspended} == {"FAIL"}
	misplaced := dr.dr_007 with input as velero_inventory("Enabled", "us-east-1")
	{r.status | some r in misplaced} == {"FAIL"}
}

test_dr_007_missing_bucket_fails if {
	inp := {"by_type": {"aws_eks_cluster": velero_inventory("Enabled", "us-west-2").by_type.aws_eks_cluster}}
	results := dr.dr_007 with input as inp
	some r in results
	r.status == "FAIL"
	contains(r.message, "no bucket")
}
