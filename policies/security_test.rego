# Tests of the security family.
package archscan.security_test

import rego.v1

import data.archscan.security

listener(id, attrs, unknown) := {"id": id, "type": "aws_lb_listener", "environment": "prod", "attributes": attrs, "refs": {}, "unknown": unknown}

statuses(results, id) := {r.status | some r in results; r.resource == id}

redirect := {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}

test_sec_001_tls13_https_and_redirecting_http_pass if {
	ls := [
		listener("https", {"protocol": "HTTPS", "port": 443, "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}, []),
		listener("http", {"protocol": "HTTP", "port": 80, "default_actions": [redirect]}, []),
	]
	results := security.sec_001 with input as {"by_type": {"aws_lb_listener": ls}}
	statuses(results, "https") == {"PASS"}
	statuses(results, "http") == {"PASS"}
}

test_sec_001_old_policy_and_forwarding_http_fail if {
	ls := [
		listener("https", {"protocol": "HTTPS", "port": 443, "ssl_policy": "ELBSecurityPolicy-2016-08"}, []),
		listener("https_default", {"protocol": "HTTPS", "port": 8443}, []),
		listener("http", {"protocol": "HTTP", "port": 80, "default_actions": [{"type": "forward"}]}, []),
	]
	results := security.sec_001 with input as {"by_type": {"aws_lb_listener": ls}}
	statuses(results, "https") == {"FAIL"}
	statuses(results, "https_default") == {"FAIL"}
	statuses(results, "http") == {"FAIL"}
}

test_sec_001_unknown_policy_is_unknown if {
	ls := [listener("https", {"protocol": "HTTPS", "port": 443}, ["ssl_policy"])]
	results := security.sec_001 with input as {"by_type": {"aws_lb_listener": ls}}
	statuses(results, "https") == {"UNKNOWN"}
}

test_sec_001_tcp_listener_not_judged if {
	ls := [listener("tcp", {"protocol": "TCP", "port": 5432}, [])]
	results := security.sec_001 with input as {"by_type": {"aws_lb_listener": ls}}
	count(results) == 0
}

res(id, type, attrs, unknown) := {"id": id, "type": type, "environment": "prod", "account": "555555555555", "region": "us-west-2", "attributes": attrs, "refs": {}, "unknown": unknown}

ok_ledger(services, regions) := [{"account": "555555555555", "region": r, "service": s, "status": "ok"} | some s in services; some r in regions]

test_sec_002_rotating_key_passes_others_fail if {
	keys := [
		res("on", "aws_kms_key", {"customer_managed": true, "key_usage": "ENCRYPT_DECRYPT", "enable_key_rotation": true}, []),
		res("off", "aws_kms_key", {"customer_managed": true, "key_usage": "ENCRYPT_DECRYPT", "enable_key_rotation": false}, []),
		res("later", "aws_kms_key", {"customer_managed": true}, ["enable_key_rotation"]),
		res("sign", "aws_kms_key", {"customer_managed": true, "key_usage": "SIGN_VERIFY"}, []),
	]
	results := security.sec_002 with input as {"by_type": {"aws_kms_key": keys}}
	statuses(results, "on") == {"PASS"}
	statuses(results, "off") == {"FAIL"}
	statuses(results, "later") == {"UNKNOWN"}
	statuses(results, "sign") == set()
}

test_sec_003_secret_with_rotation_passes if {
	secrets := [
		res("live-rotating", "aws_secretsmanager_secret", {"rotation_enabled": true}, []),
		res("planned", "aws_secretsmanager_secret", {}, []),
		res("static", "aws_secretsmanager_secret", {"rotation_enabled": false}, []),
	]
	rotation := object.union(res("rot", "aws_secretsmanager_secret_rotation", {"rotation_days": 30}, []), {"refs": {"secret": "planned"}})
	results := security.sec_003 with input as {"by_type": {"aws_secretsmanager_secret": secrets, "aws_secretsmanager_secret_rotation": [rotation]}}
	statuses(results, "live-rotating") == {"PASS"}
	statuses(results, "planned") == {"PASS"}
	statuses(results, "static") == {"FAIL"}
}

test_sec_003_unresolved_rotation_is_unknown if {
	rotation := res("rot", "aws_secretsmanager_secret_rotation", {}, ["refs.secret"])
	doc := {"by_type": {"aws_secretsmanager_secret": [res("s", "aws_secretsmanager_secret", {}, [])], "aws_secretsmanager_secret_rotation": [rotation]}}
	results := security.sec_003 with input as doc
	statuses(results, "s") == {"UNKNOWN"}
}

recorder(name, recording) := res(sprintf("rec-%s", [name]), "aws_config_configuration_recorder", {"name": name, "recording": recording, "all_supported": true}, [])

vpc_in(id, region) := object.union(res(id, "aws_vpc", {"cidr_block": "10.2.0.0/16"}, []), {"region": region})

test_sec_004_recording_region_passes_region_without_recorder_fails if {
	doc := {
		"source": {"kind": "live"},
		"coverage": ok_ledger(["ec2", "config"], ["us-west-2", "us-east-1"]),
		"by_type": {"aws_vpc": [vpc_in("vpc-w", "us-west-2"), vpc_in("vpc-e", "us-east-1")], "aws_config_configuration_recorder": [recorder("default", true)]},
	}
	results := security.sec_004 with input as doc
	statuses(results, "config:555555555555:us-west-2") == {"PASS"}
	statuses(results, "config:555555555555:us-east-1") == {"FAIL"}
}

test_sec_004_uncollected_region_is_not_collected if {
	doc := {
		"source": {"kind": "live"},
		"coverage": ok_ledger(["ec2"], ["us-west-2"]),
		"by_type": {"aws_vpc": [vpc_in("vpc-w", "us-west-2")]},
	}
	results := security.sec_004 with input as doc
	statuses(results, "config:555555555555:us-west-2") == {"NOT_COLLECTED"}
}

test_sec_004_default_vpc_region_is_not_used if {
	default_vpc := object.union(vpc_in("vpc-d", "eu-west-1"), {"attributes": {"is_default": true}})
	doc := {"source": {"kind": "live"}, "coverage": ok_ledger(["ec2", "config"], ["eu-west-1"]), "by_type": {"aws_vpc": [default_vpc]}}
	results := security.sec_004 with input as doc
	count(results) == 0
}

test_sec_004_plan_recorder_needs_enabled_status if {
	status_on := res("st", "aws_config_configuration_recorder_status", {"name": "default", "recording": true}, [])
	rec := res("rec", "aws_config_configuration_recorder", {"name": "default", "all_supported": true}, [])
	on := security.sec_004 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {"aws_config_configuration_recorder": [rec], "aws_config_configuration_recorder_status": [status_on]}}
	statuses(on, "config:555555555555:us-west-2") == {"PASS"}
	off := security.sec_004 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {"aws_config_configuration_recorder": [rec]}}
	statuses(off, "config:555555555555:us-west-2") == {"FAIL"}
}

test_sec_005_enabled_detector_passes_missing_fails_uncollected_not_collected if {
	doc := {
		"source": {"kind": "live"},
		"coverage": array.concat(ok_ledger(["ec2"], ["us-west-2", "us-east-1", "eu-west-1"]), ok_ledger(["guardduty"], ["us-west-2", "us-east-1"])),
		"by_type": {
			"aws_vpc": [vpc_in("vpc-w", "us-west-2"), vpc_in("vpc-e", "us-east-1"), vpc_in("vpc-eu", "eu-west-1")],
			"aws_guardduty_detector": [res("det", "aws_guardduty_detector", {"status": "ENABLED"}, [])],
		},
	}
	results := security.sec_005 with input as doc
	statuses(results, "guardduty:555555555555:us-west-2") == {"PASS"}
	statuses(results, "guardduty:555555555555:us-east-1") == {"FAIL"}
	statuses(results, "guardduty:555555555555:eu-west-1") == {"NOT_COLLECTED"}
}

test_sec_005_disabled_and_unknown_detectors if {
	off := security.sec_005 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {"aws_guardduty_detector": [res("d", "aws_guardduty_detector", {"status": "DISABLED"}, [])]}}
	statuses(off, "guardduty:555555555555:us-west-2") == {"FAIL"}
	later := security.sec_005 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {"aws_guardduty_detector": [res("d", "aws_guardduty_detector", {}, ["status"])]}}
	statuses(later, "guardduty:555555555555:us-west-2") == {"UNKNOWN"}
}

good_trail := {"name": "org", "is_multi_region_trail": true, "log_file_validation_enabled": true, "kms_key_id_set": true, "is_logging": true}

test_sec_006_compliant_trail_passes if {
	doc := {"source": {"kind": "live"}, "coverage": ok_ledger(["cloudtrail"], ["us-west-2"]), "by_type": {"aws_cloudtrail": [res("t", "aws_cloudtrail", good_trail, [])]}}
	results := security.sec_006 with input as doc
	statuses(results, "cloudtrail:555555555555") == {"PASS"}
}

test_sec_006_single_region_unvalidated_trail_fails if {
	bad := object.union(good_trail, {"is_multi_region_trail": false, "log_file_validation_enabled": false})
	doc := {"source": {"kind": "live"}, "coverage": ok_ledger(["cloudtrail"], ["us-west-2"]), "by_type": {"aws_cloudtrail": [res("t", "aws_cloudtrail", bad, [])]}}
	results := security.sec_006 with input as doc
	statuses(results, "cloudtrail:555555555555") == {"FAIL"}
	some r in results
	contains(r.message, "not multi-region")
}

test_sec_006_no_trail_with_ledger_gap_is_not_collected if {
	gap := [{"account": "555555555555", "region": "us-east-1", "service": "cloudtrail", "status": "denied"}]
	doc := {"source": {"kind": "live"}, "coverage": array.concat(ok_ledger(["ec2", "cloudtrail"], ["us-west-2"]), gap), "by_type": {"aws_vpc": [vpc_in("v", "us-west-2")]}}
	results := security.sec_006 with input as doc
	statuses(results, "cloudtrail:555555555555") == {"NOT_COLLECTED"}
	no_gap := security.sec_006 with input as object.union(doc, {"coverage": ok_ledger(["ec2", "cloudtrail"], ["us-west-2"])})
	statuses(no_gap, "cloudtrail:555555555555") == {"FAIL"}
}

test_sec_007_scan_on_push_and_immutable_tags if {
	repos := [
		res("good", "aws_ecr_repository", {"scan_on_push": true, "image_tag_mutability": "IMMUTABLE"}, []),
		res("mutable", "aws_ecr_repository", {"scan_on_push": true, "image_tag_mutability": "MUTABLE"}, []),
		res("noscan", "aws_ecr_repository", {"scan_on_push": false, "image_tag_mutability": "IMMUTABLE"}, []),
		res("later", "aws_ecr_repository", {"image_tag_mutability": "IMMUTABLE"}, ["scan_on_push"]),
	]
	results := security.sec_007 with input as {"by_type": {"aws_ecr_repository": repos}}
	statuses(results, "good") == {"PASS"}
	statuses(results, "mutable") == {"FAIL"}
	statuses(results, "noscan") == {"FAIL"}
	statuses(results, "later") == {"UNKNOWN"}
}
