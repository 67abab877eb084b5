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
