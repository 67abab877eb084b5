# Security controls: TLS on load balancer listeners.
package archscan.security

import rego.v1

import data.archscan.lib

listeners := lib.resources("aws_lb_listener")

policies := {p | some p in data.baseline.security.listener_tls_policies}

# METADATA
# title: HTTPS listeners use TLS 1.3 policies; HTTP only redirects
# description: Load balancer HTTPS listeners use a TLS 1.3 security policy; HTTP listeners only redirect to HTTPS.
# custom:
#   id: SEC-001
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_lb_listener]
#   seed: "TLS 1.3 In Transit"
#   rationale: Older policies allow TLS 1.0/1.1 and weak ciphers; a plain HTTP listener that forwards serves traffic unencrypted.
#   remediation: "Terraform: set aws_lb_listener.ssl_policy to a TLS 1.3 policy such as ELBSecurityPolicy-TLS13-1-2-2021-06; give port-80 listeners a default_action of type redirect with protocol HTTPS. Live: `aws elbv2 modify-listener --ssl-policy ...`."
#   baseline: [security.listener_tls_policies, security.http_listeners]
#   frameworks: {well_architected: "SEC09-BP02", cis: null}
sec_001 contains v if {
	some l in listeners
	upper(object.get(l.attributes, "protocol", "")) in {"HTTPS", "TLS"}
	lib.unknown(l, "ssl_policy")
	v := lib.verdict(l, "UNKNOWN", sprintf("%s: TLS policy is known only after apply", [l.id]), sort([p | some p in policies]), null)
}

sec_001 contains v if {
	some l in listeners
	upper(object.get(l.attributes, "protocol", "")) in {"HTTPS", "TLS"}
	not lib.unknown(l, "ssl_policy")
	policy := object.get(l.attributes, "ssl_policy", "ELBSecurityPolicy-2016-08") # AWS default
	ok := policy in policies
	msg := lib.pick(ok, sprintf("%s uses %s", [l.id, policy]), sprintf("%s uses %s, not a TLS 1.3 policy", [l.id, policy]))
	v := lib.verdict(l, lib.pass_fail(ok), msg, sort([p | some p in policies]), policy)
}

sec_001 contains v if {
	data.baseline.security.http_listeners == "redirect_to_https"
	some l in listeners
	upper(object.get(l.attributes, "protocol", "")) == "HTTP"
	lib.unknown(l, "default_actions")
	v := lib.verdict(l, "UNKNOWN", sprintf("%s: default actions are known only after apply", [l.id]), "redirect to HTTPS", null)
}

sec_001 contains v if {
	data.baseline.security.http_listeners == "redirect_to_https"
	some l in listeners
	upper(object.get(l.attributes, "protocol", "")) == "HTTP"
	not lib.unknown(l, "default_actions")
	actions := object.get(l.attributes, "default_actions", [])
	bad := [a.type | some a in actions; not redirects_to_https(a)]
	problems := array.concat(
		[sprintf("default action %s does not redirect to HTTPS", [t]) | some t in bad],
		["no default action" | count(actions) == 0],
	)
	v := lib.verdict(l, lib.status_of(problems, []), lib.message_of(problems, [], l.id, "redirects to HTTPS"), "redirect to HTTPS", [a.type | some a in actions])
}

redirects_to_https(a) if {
	a.type == "redirect"
	upper(a.redirect.protocol) == "HTTPS"
}

# -- SEC-002..SEC-007: keys, secrets, Config, GuardDuty, CloudTrail, ECR ---------------------

# The baseline environment of an account id (null for an account it does not list).
account_env(account) := env if {
	some spec in data.baseline.accounts
	spec.id == account
	env := spec.environment
} else := null

# True when ``service`` was read successfully for scope [account, region]. A plan is complete
# for what it describes; live collection must have an ``ok`` ledger entry for the scope.
collected(service, scope) if input.source.kind == "plan"

collected(service, scope) if {
	input.source.kind != "plan"
	some e in input.coverage
	e.service == service
	e.account == scope[0]
	e.region in {scope[1], "global"}
	e.status == "ok"
}

# Resources that exist in every region without anyone using it: default VPCs and what
# belongs to them, and the audit services these controls look for.
audit_types := {"aws_config_configuration_recorder", "aws_config_configuration_recorder_status", "aws_config_delivery_channel", "aws_guardduty_detector", "aws_cloudtrail"}

incidental(r) if r.type in audit_types

incidental(r) if r.attributes.is_default == true

incidental(r) if lib.by_id[r.refs.vpc].attributes.is_default == true

# [account, region] pairs a live inventory shows in use (a resource that is not incidental).
used_scopes contains [r.account, r.region] if {
	input.source.kind != "plan"
	some rs in input.by_type
	some r in rs
	is_string(r.region)
	r.region != "global"
	not incidental(r)
}

in_scope(r, scope) if {
	r.account == scope[0]
	r.region == scope[1]
}

# A scope verdict (the engine replaces it by NOT_COLLECTED where the ledger has a gap).
scope_verdict(kind, scope, status, message, expected, actual) := {
	"resource": sprintf("%s:%v:%v", [kind, scope[0], scope[1]]),
	"status": status,
	"message": message,
	"expected": expected,
	"actual": actual,
	"environment": account_env(scope[0]),
	"account": scope[0],
	"region": scope[1],
}

# METADATA
# title: Customer-managed KMS keys rotate
# description: Customer-managed symmetric KMS keys have automatic rotation enabled.
# custom:
#   id: SEC-002
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_kms_key]
#   seed: "KMS Keys; KMS Encryption At Rest"
#   rationale: Rotation limits how much data one key version protects; AWS rotates key material yearly without changing the key id.
#   remediation: "Terraform: set aws_kms_key.enable_key_rotation = true. Live: `aws kms enable-key-rotation --key-id ID`."
#   baseline: [security.kms_rotation]
#   frameworks: {well_architected: "SEC08-BP01", cis: "3.6"}
sec_002 contains v if {
	data.baseline.security.kms_rotation == true
	some k in lib.resources("aws_kms_key")
	rotatable(k)
	lib.unknown(k, "enable_key_rotation")
	v := lib.verdict(k, "UNKNOWN", sprintf("%s: key rotation is known only after apply", [k.id]), true, null)
}

sec_002 contains v if {
	data.baseline.security.kms_rotation == true
	some k in lib.resources("aws_kms_key")
	rotatable(k)
	not lib.unknown(k, "enable_key_rotation")
	ok := object.get(k.attributes, "enable_key_rotation", false) == true
	msg := lib.pick(ok, sprintf("%s rotates", [k.id]), sprintf("%s does not rotate", [k.id]))
	v := lib.verdict(k, lib.pass_fail(ok), msg, true, object.get(k.attributes, "enable_key_rotation", null))
}

# Key usages AWS cannot rotate automatically (a missing usage is judged, fail-closed).
unrotatable_usages := {"SIGN_VERIFY", "GENERATE_VERIFY_MAC", "KEY_AGREEMENT"}

# Only customer-managed encryption keys can rotate (signing and MAC keys cannot).
rotatable(k) if {
	object.get(k.attributes, "customer_managed", true) == true
	not object.get(k.attributes, "key_usage", null) in unrotatable_usages
}

secret_rotations := lib.resources("aws_secretsmanager_secret_rotation")

# METADATA
# title: Secrets Manager secrets rotate
# description: Secrets Manager secrets have rotation enabled.
# custom:
#   id: SEC-003
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_secretsmanager_secret]
#   seed: "Secrets Manager Rotation"
#   rationale: A secret that never rotates stays valid for as long as anyone who ever read it keeps a copy.
#   remediation: "Terraform: add an aws_secretsmanager_secret_rotation for the secret with a rotation Lambda and rotation_rules. Live: `aws secretsmanager rotate-secret --secret-id ID --rotation-lambda-arn ARN --rotation-rules AutomaticallyAfterDays=30`."
#   baseline: [security.secrets_rotation]
#   frameworks: {well_architected: "SEC02-BP03", cis: null}
sec_003 contains v if {
	data.baseline.security.secrets_rotation == true
	some s in lib.resources("aws_secretsmanager_secret")
	rotated := secret_rotated(s)
	undecided := secret_undecided(s)
	status := lib.pick(rotated, "PASS", lib.pick(undecided, "UNKNOWN", "FAIL"))
	messages := {
		"PASS": sprintf("%s rotates", [s.id]),
		"UNKNOWN": sprintf("%s: the secret its rotation applies to is known only after apply", [s.id]),
		"FAIL": sprintf("%s has no rotation", [s.id]),
	}
	v := lib.verdict(s, status, messages[status], true, rotated)
}

secret_rotated(s) := true if {
	s.attributes.rotation_enabled == true
} else := true if {
	some r in secret_rotations
	r.refs.secret == s.id
} else := false

# A rotation whose secret is unresolved until apply may be this secret's.
secret_undecided(s) := true if {
	some r in secret_rotations
	lib.unknown(r, "refs.secret")
} else := false

config_recorders := lib.resources("aws_config_configuration_recorder")

config_statuses := lib.resources("aws_config_configuration_recorder_status")

config_scopes contains scope if some scope in used_scopes

config_scopes contains [r.account, r.region] if {
	some r in array.concat(config_recorders, config_statuses)
}

# Recording: the live recorder's status, or a plan's recorder status resource of that name.
recorder_records(rec) if rec.attributes.recording == true

recorder_records(rec) if {
	some s in config_statuses
	s.account == rec.account
	s.region == rec.region
	s.attributes.name == rec.attributes.name
	s.attributes.recording == true
}

recorder_undecided(rec) if lib.unknown(rec, "name")

recorder_undecided(rec) if {
	some s in config_statuses
	s.account == rec.account
	s.region == rec.region
	some p in ["name", "recording"]
	lib.unknown(s, p)
}

recorder_problems(rec) := array.concat(
	["it is not recording" | not recorder_records(rec); not recorder_undecided(rec)],
	["it does not record all supported resource types" | object.get(rec.attributes, "all_supported", false) != true; not lib.unknown(rec, "all_supported")],
)

# METADATA
# title: AWS Config records in every account and used region
# description: "AWS Config has a recording configuration recorder (all supported types) in every account and every region in use. On plans, the recorders a plan defines are judged; a region with no recorder is judged on live accounts."
# custom:
#   id: SEC-004
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_config_configuration_recorder]
#   seed: "AWS Config"
#   rationale: Without a recorder in a region, changes there leave no configuration history and Config rules cannot evaluate them.
#   remediation: "Terraform: aws_config_configuration_recorder (recording_group all_supported = true), aws_config_delivery_channel and aws_config_configuration_recorder_status with is_enabled = true, in every account and region (StackSets or an organization conformance pack). Live: `aws configservice put-configuration-recorder` and `start-configuration-recorder`."
#   baseline: [security.config.all_accounts, security.config.all_used_regions]
#   frameworks: {well_architected: "SEC04-BP01", cis: "3.3"}
sec_004 contains v if {
	data.baseline.security.config.all_used_regions == true
	some scope in config_scopes
	not collected("config", scope)
	v := scope_verdict("config", scope, "NOT_COLLECTED", sprintf("config was not collected in %v/%v", scope), "a recording recorder", null)
}

sec_004 contains v if {
	data.baseline.security.config.all_used_regions == true
	some scope in config_scopes
	collected("config", scope)
	recs := [r | some r in config_recorders; in_scope(r, scope)]
	good := [r.attributes.name | some r in recs; count(recorder_problems(r)) == 0; not recorder_undecided(r)]
	undecided := [r.attributes.name | some r in recs; count(recorder_problems(r)) == 0; recorder_undecided(r)]
	problems := array.concat(
		["no configuration recorder" | count(recs) == 0],
		[sprintf("recorder %v: %s", [r.attributes.name, concat(", ", recorder_problems(r))]) | some r in recs; count(recorder_problems(r)) > 0],
	)
	status := scope_status(count(good), count(undecided), false)
	prefix := sprintf("Config in %v/%v", scope)
	messages := {
		"PASS": sprintf("%s: recorder %s records", [prefix, concat(", ", good)]),
		"UNKNOWN": sprintf("%s: recording is known only after apply", [prefix]),
		"FAIL": sprintf("%s: %s", [prefix, concat("; ", problems)]),
	}
	v := scope_verdict("config", scope, status, messages[status], "a recorder recording all supported types", [r.attributes.name | some r in recs])
}

detectors := lib.resources("aws_guardduty_detector")

guardduty_scopes contains scope if some scope in used_scopes

guardduty_scopes contains [d.account, d.region] if some d in detectors

# METADATA
# title: GuardDuty is enabled in every account and used region
# description: "GuardDuty has an enabled detector in every account and every region in use. On plans, the detectors a plan defines are judged; a region with no detector is judged on live accounts."
# custom:
#   id: SEC-005
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_guardduty_detector]
#   seed: "GuardDuty"
#   rationale: GuardDuty sees only the regions where a detector runs; an attacker working in an unmonitored region goes unseen.
#   remediation: "Terraform: aws_guardduty_detector with enable = true in every account and region (or aws_guardduty_organization_configuration with auto_enable from the delegated administrator). Live: `aws guardduty create-detector --enable`."
#   baseline: [security.guardduty.all_accounts, security.guardduty.all_used_regions]
#   frameworks: {well_architected: "SEC04-BP01", cis: null}
sec_005 contains v if {
	data.baseline.security.guardduty.all_used_regions == true
	some scope in guardduty_scopes
	not collected("guardduty", scope)
	v := scope_verdict("guardduty", scope, "NOT_COLLECTED", sprintf("guardduty was not collected in %v/%v", scope), "an enabled detector", null)
}

sec_005 contains v if {
	data.baseline.security.guardduty.all_used_regions == true
	some scope in guardduty_scopes
	collected("guardduty", scope)
	found := [d | some d in detectors; in_scope(d, scope)]
	enabled := [d.id | some d in found; d.attributes.status == "ENABLED"]
	undecided := [d.id | some d in found; lib.unknown(d, "status")]
	status := lib.pick(count(enabled) > 0, "PASS", lib.pick(count(undecided) > 0, "UNKNOWN", "FAIL"))
	prefix := sprintf("GuardDuty in %v/%v", scope)
	messages := {
		"PASS": sprintf("%s: detector enabled", [prefix]),
		"UNKNOWN": sprintf("%s: detector status is known only after apply", [prefix]),
		"FAIL": sprintf("%s: %s", [prefix, lib.pick(count(found) == 0, "no detector", "detector not enabled")]),
	}
	v := scope_verdict("guardduty", scope, status, messages[status], "ENABLED", [object.get(d.attributes, "status", null) | some d in found])
}

trails := lib.resources("aws_cloudtrail")

ct := data.baseline.security.cloudtrail

# Trail settings the baseline requires: attribute -> why.
trail_checks := {spec[0]: spec[1] |
	some key, spec in {
		"multi_region": ["is_multi_region_trail", "not multi-region"],
		"log_file_validation": ["log_file_validation_enabled", "no log file validation"],
		"kms_encrypted": ["kms_key_id_set", "not encrypted with KMS"],
	}
	ct[key] == true
}

# A trail that does not log records nothing (part of what "a trail" means, not a setting).
trail_problems(t) := array.concat(
	[text | some attr, text in trail_checks; not lib.unknown(t, attr); object.get(t.attributes, attr, false) != true],
	["not logging" | not lib.unknown(t, "is_logging"); object.get(t.attributes, "is_logging", false) != true],
)

trail_undecided(t) := [attr | some attr in array.concat([a | some a, _ in trail_checks], ["is_logging"]); lib.unknown(t, attr)]

trail_accounts contains scope[0] if some scope in used_scopes

trail_accounts contains t.account if some t in trails

# An account whose CloudTrail ledger has a gap in some region (a trail may be homed there).
trail_gap(account) if {
	input.source.kind != "plan"
	some e in input.coverage
	e.service == "cloudtrail"
	e.account == account
	e.status != "ok"
}

trail_gap(account) if {
	input.source.kind != "plan"
	not some_trail_entry(account)
}

trail_gap_flag(account) := true if trail_gap(account) else := false

some_trail_entry(account) if {
	some e in input.coverage
	e.service == "cloudtrail"
	e.account == account
}

# METADATA
# title: A multi-region CloudTrail trail with log validation and KMS
# description: "Every account is covered by a logging, multi-region CloudTrail trail (its own or the organization's) with log file validation, encrypted with KMS."
# custom:
#   id: SEC-006
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_cloudtrail]
#   seed: "CloudTrail Audit Logs"
#   rationale: A single-region trail misses API calls elsewhere; without validation and KMS the audit log can be altered or read unnoticed.
#   remediation: "Terraform: aws_cloudtrail with is_multi_region_trail = true, enable_log_file_validation = true and kms_key_id set (is_organization_trail = true from the management account covers every member). Live: `aws cloudtrail update-trail --name T --is-multi-region-trail --enable-log-file-validation --kms-key-id KEY`."
#   baseline: [security.cloudtrail.multi_region, security.cloudtrail.log_file_validation, security.cloudtrail.kms_encrypted]
#   frameworks: {well_architected: "SEC04-BP01", cis: "3.1"}
sec_006 contains v if {
	some account in trail_accounts
	own := [t | some t in trails; t.account == account]
	good := [t.id | some t in own; count(trail_problems(t)) == 0; count(trail_undecided(t)) == 0]
	undecided := [t.id | some t in own; count(trail_problems(t)) == 0; count(trail_undecided(t)) > 0]
	problems := [sprintf("%s: %s", [object.get(t.attributes, "name", t.id), concat(", ", trail_problems(t))]) | some t in own; count(trail_problems(t)) > 0]
	status := scope_status(count(good), count(undecided), trail_gap_flag(account))
	messages := {
		"PASS": sprintf("CloudTrail in %v: %s", [account, concat(", ", good)]),
		"UNKNOWN": sprintf("CloudTrail in %v: trail settings known only after apply (%s)", [account, concat(", ", undecided)]),
		"NOT_COLLECTED": sprintf("CloudTrail in %v: trails were not collected in every region", [account]),
		"FAIL": sprintf("CloudTrail in %v: %s", [account, lib.pick(count(own) == 0, "no trail", concat("; ", problems))]),
	}
	v := {
		"resource": sprintf("cloudtrail:%v", [account]),
		"status": status,
		"message": messages[status],
		"expected": {k: true | some k in ["multi_region", "log_file_validation", "kms_encrypted"]; ct[k] == true},
		"actual": [t.attributes | some t in own],
		"environment": account_env(account),
		"account": account,
	}
}

# The status of a scope from its counts of good and undecided members and a collection gap.
scope_status(good, _, _) := "PASS" if good > 0

scope_status(0, undecided, _) := "UNKNOWN" if undecided > 0

scope_status(0, 0, true) := "NOT_COLLECTED"

scope_status(0, 0, false) := "FAIL"

# METADATA
# title: ECR repositories scan on push and use immutable tags
# description: ECR repositories scan images on push and use immutable tags.
# custom:
#   id: SEC-007
#   severity: low
#   inputs: [plan, live]
#   reads: [aws_ecr_repository]
#   seed: "ECR Registry; Image Scanning"
#   rationale: Scanning on push finds known vulnerabilities before deployment; immutable tags stop a deployed tag from silently pointing at another image.
#   remediation: "Terraform: aws_ecr_repository with image_tag_mutability = \"IMMUTABLE\" and image_scanning_configuration { scan_on_push = true }. Live: `aws ecr put-image-scanning-configuration --image-scanning-configuration scanOnPush=true` and `aws ecr put-image-tag-mutability --image-tag-mutability IMMUTABLE`."
#   baseline: [security.ecr.scan_on_push, security.ecr.immutable_tags]
#   frameworks: {well_architected: "SEC06-BP01", cis: null}
sec_007 contains v if {
	some r in lib.resources("aws_ecr_repository")
	problems := array.concat(
		["scan on push is off" | data.baseline.security.ecr.scan_on_push == true; not lib.unknown(r, "scan_on_push"); object.get(r.attributes, "scan_on_push", false) != true],
		[sprintf("tags are %v", [object.get(r.attributes, "image_tag_mutability", "MUTABLE")]) |
			data.baseline.security.ecr.immutable_tags == true
			not lib.unknown(r, "image_tag_mutability")
			object.get(r.attributes, "image_tag_mutability", "MUTABLE") != "IMMUTABLE"
		],
	)
	undecided := [p | some p in ["scan_on_push", "image_tag_mutability"]; lib.unknown(r, p)]
	v := lib.verdict(
		r,
		lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, r.id, "scans on push, immutable tags"),
		{"scan_on_push": data.baseline.security.ecr.scan_on_push, "immutable_tags": data.baseline.security.ecr.immutable_tags},
		{"scan_on_push": object.get(r.attributes, "scan_on_push", null), "image_tag_mutability": object.get(r.attributes, "image_tag_mutability", null)},
	)
}
