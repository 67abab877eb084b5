# Tests of the storage family.
package archscan.storage_test

import rego.v1

import data.archscan.storage

volume(id, env, attrs, unknown) := {"id": id, "type": "aws_ebs_volume", "environment": env, "attributes": attrs, "refs": {}, "unknown": unknown}

statuses(results, id) := {r.status | some r in results; r.resource == id}

test_sto_001_gp3_passes_gp2_fails if {
	vols := [volume("a", "dev", {"type": "gp3"}, []), volume("b", "dev", {"type": "gp2"}, [])]
	results := storage.sto_001 with input as {"by_type": {"aws_ebs_volume": vols}}
	statuses(results, "a") == {"PASS"}
	statuses(results, "b") == {"FAIL"}
}

test_sto_001_io2_only_in_prod if {
	vols := [volume("p", "prod", {"type": "io2"}, []), volume("d", "dev", {"type": "io2"}, [])]
	results := storage.sto_001 with input as {"by_type": {"aws_ebs_volume": vols}}
	statuses(results, "p") == {"PASS"}
	statuses(results, "d") == {"FAIL"}
}

test_sto_001_unknown_type_is_unknown if {
	results := storage.sto_001 with input as {"by_type": {"aws_ebs_volume": [volume("u", "prod", {}, ["type"])]}}
	statuses(results, "u") == {"UNKNOWN"}
}

test_sto_002_encryption if {
	vols := [
		volume("yes", "prod", {"encrypted": true}, []),
		volume("no", "prod", {"encrypted": false}, []),
		volume("unset", "prod", {}, []),
		volume("later", "prod", {}, ["encrypted"]),
	]
	results := storage.sto_002 with input as {"by_type": {"aws_ebs_volume": vols}}
	statuses(results, "yes") == {"PASS"}
	statuses(results, "no") == {"FAIL"}
	statuses(results, "unset") == {"FAIL"}
	statuses(results, "later") == {"UNKNOWN"}
}

pab := {"block_public_acls": true, "block_public_policy": true, "ignore_public_acls": true, "restrict_public_buckets": true}

bucket(id, env, attrs, unknown) := {"id": id, "type": "aws_s3_bucket", "environment": env, "attributes": object.union({"bucket": id}, attrs), "refs": {}, "unknown": unknown}

good_attrs := {"encryption": {"sse_algorithm": "aws:kms"}, "public_access_block": pab, "versioning": {"status": "Enabled"}}

test_sto_005_protected_prod_bucket_passes if {
	results := storage.sto_005 with input as {"by_type": {"aws_s3_bucket": [bucket("b", "prod", good_attrs, [])]}}
	statuses(results, "b") == {"PASS"}
}

test_sto_005_missing_block_and_versioning_fail_in_prod if {
	attrs := {"encryption": {"sse_algorithm": "AES256"}, "versioning": {"status": "Suspended"}}
	results := storage.sto_005 with input as {"by_type": {"aws_s3_bucket": [bucket("b", "prod", attrs, [])]}}
	statuses(results, "b") == {"FAIL"}
	some r in results
	contains(r.message, "no public access block")
	contains(r.message, "versioning is Suspended")
}

test_sto_005_partial_block_fails if {
	attrs := object.union(good_attrs, {"public_access_block": object.union(pab, {"restrict_public_buckets": false})})
	results := storage.sto_005 with input as {"by_type": {"aws_s3_bucket": [bucket("b", "dev", attrs, [])]}}
	statuses(results, "b") == {"FAIL"}
}

test_sto_005_versioning_optional_in_dev if {
	attrs := {"encryption": {"sse_algorithm": "AES256"}, "public_access_block": pab}
	results := storage.sto_005 with input as {"by_type": {"aws_s3_bucket": [bucket("b", "dev", attrs, [])]}}
	statuses(results, "b") == {"PASS"}
}

test_sto_005_unknown_encryption_is_unknown if {
	attrs := {"public_access_block": pab, "versioning": {"status": "Enabled"}}
	results := storage.sto_005 with input as {"by_type": {"aws_s3_bucket": [bucket("b", "prod", attrs, ["encryption"])]}}
	statuses(results, "b") == {"UNKNOWN"}
}

res(id, type, env, attrs, unknown) := {"id": id, "type": type, "environment": env, "account": "555555555555", "region": "us-west-2", "attributes": attrs, "refs": {}, "unknown": unknown}

live := {"kind": "live"}

ledger(services) := [{"account": "555555555555", "region": "us-west-2", "service": s, "status": "ok"} | some s in services]

dlm_policy(id, days) := res(id, "aws_dlm_lifecycle_policy", "prod", {"state": "ENABLED", "policy_type": "EBS_SNAPSHOT_MANAGEMENT", "schedules": [{"name": "daily", "retain_days": days}]}, [])

scope_id := "dlm:555555555555:us-west-2"

test_sto_003_policy_within_limit_passes_old_snapshot_fails if {
	doc := {"source": live, "coverage": ledger(["ec2", "dlm"]), "by_type": {
		"aws_dlm_lifecycle_policy": [dlm_policy("p", 14)],
		"aws_ebs_snapshot": [
			res("snap-new", "aws_ebs_snapshot", "prod", {"age_days": 3}, []),
			res("snap-old", "aws_ebs_snapshot", "prod", {"age_days": 45}, []),
		],
	}}
	results := storage.sto_003 with input as doc
	statuses(results, scope_id) == {"PASS"}
	statuses(results, "snap-new") == {"PASS"}
	statuses(results, "snap-old") == {"FAIL"}
}

test_sto_003_missing_or_long_policy_fails if {
	vols := [volume("v", "prod", {"type": "gp3"}, [])]
	none := {"source": live, "coverage": ledger(["ec2", "dlm"]), "by_type": {"aws_ebs_volume": [object.union(vols[0], {"account": "555555555555", "region": "us-west-2"})]}}
	r1 := storage.sto_003 with input as none
	statuses(r1, scope_id) == {"FAIL"}
	long := {"source": live, "coverage": ledger(["ec2", "dlm"]), "by_type": {"aws_dlm_lifecycle_policy": [dlm_policy("p", 90)]}}
	r2 := storage.sto_003 with input as long
	statuses(r2, scope_id) == {"FAIL"}
}

test_sto_003_uncollected_dlm_is_not_collected if {
	doc := {"source": live, "coverage": ledger(["ec2"]), "by_type": {"aws_ebs_snapshot": [res("s", "aws_ebs_snapshot", "prod", {"age_days": 1}, [])]}}
	results := storage.sto_003 with input as doc
	statuses(results, scope_id) == {"NOT_COLLECTED"}
}

test_sto_003_unknown_schedules_are_unknown if {
	p := res("p", "aws_dlm_lifecycle_policy", "prod", {"state": "ENABLED"}, ["schedules"])
	doc := {"source": {"kind": "plan"}, "coverage": [], "by_type": {"aws_dlm_lifecycle_policy": [p]}}
	results := storage.sto_003 with input as doc
	statuses(results, scope_id) == {"UNKNOWN"}
}

rule(transitions) := {"id": "r", "status": "Enabled", "transitions": transitions}

test_sto_004_profile_transitions_pass_and_late_glacier_fails if {
	good := bucket("good", "staging", {"lifecycle_rules": [rule([{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 90, "storage_class": "GLACIER"}])]}, [])
	late := bucket("late", "staging", {"lifecycle_rules": [rule([{"days": 30, "storage_class": "STANDARD_IA"}, {"days": 180, "storage_class": "GLACIER"}])]}, [])
	none := bucket("none", "dev", {}, [])
	results := storage.sto_004 with input as {"by_type": {"aws_s3_bucket": [good, late, none]}}
	statuses(results, "good") == {"PASS"}
	statuses(results, "late") == {"FAIL"}
	statuses(results, "none") == {"FAIL"}
}

test_sto_004_intelligent_tiering_accepted if {
	it := bucket("it", "dev", {"lifecycle_rules": [rule([{"days": 0, "storage_class": "INTELLIGENT_TIERING"}])]}, [])
	results := storage.sto_004 with input as {"by_type": {"aws_s3_bucket": [it]}}
	statuses(results, "it") == {"PASS"}
	refused := storage.sto_004 with input as {"by_type": {"aws_s3_bucket": [it]}} with data.baseline.storage.s3.intelligent_tiering_accepted as false
	statuses(refused, "it") == {"FAIL"}
}

test_sto_004_unknown_lifecycle_is_unknown if {
	results := storage.sto_004 with input as {"by_type": {"aws_s3_bucket": [bucket("b", "prod", {}, ["lifecycle_rules"])]}}
	statuses(results, "b") == {"UNKNOWN"}
}

test_sto_006_unused_volumes_addresses_and_idle_balancers_fail if {
	doc := {"by_type": {
		"aws_ebs_volume": [volume("used", "dev", {"attached": true}, []), volume("spare", "dev", {"attached": false}, [])],
		"aws_eip": [res("eip-a", "aws_eip", "dev", {"associated": true}, []), res("eip-b", "aws_eip", "dev", {"associated": false}, [])],
		"aws_lb": [res("lb-busy", "aws_lb", "dev", {"registered_targets": 2}, []), res("lb-idle", "aws_lb", "dev", {"registered_targets": 0}, [])],
	}}
	results := storage.sto_006 with input as doc
	statuses(results, "used") == {"PASS"}
	statuses(results, "spare") == {"FAIL"}
	statuses(results, "eip-a") == {"PASS"}
	statuses(results, "eip-b") == {"FAIL"}
	statuses(results, "lb-busy") == {"PASS"}
	statuses(results, "lb-idle") == {"FAIL"}
}
