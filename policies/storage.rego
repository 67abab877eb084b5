# Storage controls: EBS volume types and encryption, S3 bucket protections.
package archscan.storage

import rego.v1

import data.archscan.lib

import data.archscan.security as sec

volumes := lib.resources("aws_ebs_volume")

ebs := data.baseline.storage.ebs

# Types allowed for a volume: its environment's list, or any type not forbidden when
# the environment is unresolved (TAG-001 reports that separately).
allowed_types(r) := {t | some t in lib.env_spec(r).storage.ebs_allowed_types}

# METADATA
# title: EBS volumes are gp3 (io2 only where documented)
# description: "EBS volumes are gp3, io2 allowed in prod only; no gp2."
# custom:
#   id: STO-001
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_ebs_volume]
#   seed: "GP3 Volumes - 20% cheaper than GP2; cost table EBS Type"
#   rationale: gp3 gives the same baseline performance as gp2 for about 20% less; io2 is reserved for production databases.
#   remediation: "Terraform: set aws_ebs_volume.type = \"gp3\" (modifiable in place). Live: `aws ec2 modify-volume --volume-id ID --volume-type gp3`."
#   baseline: [environments.*.storage.ebs_allowed_types, storage.ebs.forbidden_types]
#   frameworks: {well_architected: "COST06-BP01", cis: null}
sto_001 contains v if {
	some vol in volumes
	lib.unknown(vol, "type")
	v := lib.verdict(vol, "UNKNOWN", sprintf("%s: volume type is known only after apply", [vol.id]), "gp3", null)
}

sto_001 contains v if {
	some vol in volumes
	not lib.unknown(vol, "type")
	t := object.get(vol.attributes, "type", "gp2") # the EC2 API's default type
	allowed := allowed_types(vol)
	problems := array.concat(
		[sprintf("type %s is forbidden", [t]) | t in ebs.forbidden_types],
		[sprintf("type %s is not allowed in %s (allowed: %s)", [t, vol.environment, concat(", ", sort([a | some a in allowed]))]) |
			not t in ebs.forbidden_types
			count(allowed) > 0
			not t in allowed
		],
	)
	v := lib.verdict(vol, lib.status_of(problems, []), lib.message_of(problems, [], vol.id, sprintf("type %s", [t])), sort([a | some a in allowed]), t)
}

# METADATA
# title: EBS volumes are encrypted
# description: EBS volumes and snapshots are encrypted.
# custom:
#   id: STO-002
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_ebs_volume]
#   seed: "KMS Encryption At Rest"
#   rationale: Unencrypted volumes leak data through snapshots and shared AMIs; encryption cannot be added to a volume in place.
#   remediation: "Terraform: set aws_ebs_volume.encrypted = true (with kms_key_id), or enable EBS encryption by default with aws_ebs_encryption_by_default. Live: snapshot, copy the snapshot with --encrypted, and create a new volume from it."
#   baseline: [storage.ebs.require_encryption]
#   frameworks: {well_architected: "SEC08-BP02", cis: "2.2.1"}
sto_002 contains v if {
	ebs.require_encryption
	some vol in volumes
	lib.unknown(vol, "encrypted")
	v := lib.verdict(vol, "UNKNOWN", sprintf("%s: encryption is known only after apply", [vol.id]), true, null)
}

sto_002 contains v if {
	ebs.require_encryption
	some vol in volumes
	not lib.unknown(vol, "encrypted")
	encrypted := object.get(vol.attributes, "encrypted", false) == true
	msg := lib.pick(encrypted, sprintf("%s is encrypted", [vol.id]), sprintf("%s is not encrypted", [vol.id]))
	v := lib.verdict(vol, lib.pass_fail(encrypted), msg, true, object.get(vol.attributes, "encrypted", null))
}

buckets := lib.resources("aws_s3_bucket")

s3 := data.baseline.storage.s3

pab_flags := ["block_public_acls", "block_public_policy", "ignore_public_acls", "restrict_public_buckets"]

versioning_required(b) if lib.env_spec(b).storage.s3_versioning_required == true

# METADATA
# title: S3 buckets are encrypted, blocked from public access, and versioned in production
# description: "S3 buckets have default encryption and a public access block; production buckets are versioned."
# custom:
#   id: STO-005
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_s3_bucket]
#   seed: "S3 Buckets; Data Security; S3 Bucket Versioning Enabled"
#   rationale: A public bucket or an unversioned production bucket is the most common path to data exposure and unrecoverable deletes.
#   remediation: "Terraform: add aws_s3_bucket_server_side_encryption_configuration, aws_s3_bucket_public_access_block with all four flags true, and (production) aws_s3_bucket_versioning with status Enabled. Live: `aws s3api put-public-access-block`, `put-bucket-encryption`, `put-bucket-versioning`."
#   baseline: [storage.s3.require_default_encryption, storage.s3.require_public_access_block, environments.*.storage.s3_versioning_required]
#   frameworks: {well_architected: "SEC08-BP02", cis: "2.1.4"}
sto_005 contains v if {
	some b in buckets
	problems := array.concat(
		array.concat(encryption_problems(b), pab_problems(b)),
		versioning_problems(b),
	)
	undecided := sort([p |
		some p in ["encryption", "public_access_block", "versioning"]
		lib.unknown(b, p)
	])
	v := lib.verdict(
		b,
		lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, sprintf("bucket %s", [object.get(b.attributes, "bucket", b.id)]), "encrypted, public access blocked, versioning as required"),
		{"encryption": s3.require_default_encryption, "public_access_block": s3.require_public_access_block, "versioning": versioning_required_value(b)},
		{"encryption": object.get(b.attributes, "encryption", null), "public_access_block": object.get(b.attributes, "public_access_block", null), "versioning": object.get(b.attributes, ["versioning", "status"], null)},
	)
}

encryption_problems(b) := ["no default encryption configuration" |
	s3.require_default_encryption
	not lib.unknown(b, "encryption")
	not b.attributes.encryption.sse_algorithm
]

pab_problems(b) := ["no public access block" |
	s3.require_public_access_block
	not lib.unknown(b, "public_access_block")
	not b.attributes.public_access_block
] if not b.attributes.public_access_block

pab_problems(b) := [sprintf("public access block %s is not true", [f]) |
	s3.require_public_access_block
	some f in pab_flags
	not lib.unknown(b, sprintf("public_access_block.%s", [f]))
	object.get(b.attributes.public_access_block, f, false) != true
] if b.attributes.public_access_block

versioning_problems(b) := [sprintf("versioning is %v, required Enabled in %s", [object.get(b.attributes, ["versioning", "status"], "Disabled"), b.environment]) |
	versioning_required(b)
	not lib.unknown(b, "versioning")
	object.get(b.attributes, ["versioning", "status"], "Disabled") != "Enabled"
]

versioning_required_value(b) := "Enabled" if versioning_required(b) else := "optional"

# -- STO-003, STO-004, STO-006: snapshot cleanup, S3 lifecycle, unused resources -------------

snapshots := lib.resources("aws_ebs_snapshot")

dlm_policies := lib.resources("aws_dlm_lifecycle_policy")

snap := data.baseline.storage.snapshots

# [account, region] pairs that hold EBS volumes, snapshots or snapshot policies.
ebs_scopes contains [r.account, r.region] if {
	some r in array.concat(array.concat(volumes, snapshots), dlm_policies)
}

# An enabled EBS snapshot policy (undefined for other policies).
ebs_policy(p) if {
	object.get(p.attributes, "state", "ENABLED") == "ENABLED"
	object.get(p.attributes, "policy_type", "EBS_SNAPSHOT_MANAGEMENT") == "EBS_SNAPSHOT_MANAGEMENT"
}

# The policy keeps snapshots no longer than the limit in at least one schedule.
policy_within_limit(p) if {
	some s in p.attributes.schedules
	is_number(s.retain_days)
	s.retain_days <= snap.max_age_days
}

policy_undecided(p) if lib.unknown(p, "schedules")

policy_undecided(p) if lib.unknown(p, "state")

policy_undecided(p) if {
	not policy_within_limit(p)
	some s in object.get(p.attributes, "schedules", [])
	not is_number(s.retain_days)
}

# METADATA
# title: EBS snapshots are cleaned up after the documented age
# description: "A Data Lifecycle Manager policy retires EBS snapshots within storage.snapshots.max_age_days, and (live) no snapshot the account owns is older than that."
# custom:
#   id: STO-003
#   severity: low
#   inputs: [plan, live]
#   reads: [aws_dlm_lifecycle_policy, aws_ebs_snapshot]
#   seed: "Snapshot Management - delete old snapshots after 30 days"
#   rationale: Snapshots nobody deletes are paid for every month; a lifecycle policy makes the cleanup automatic.
#   remediation: "Terraform: aws_dlm_lifecycle_policy (policy_type EBS_SNAPSHOT_MANAGEMENT) whose schedule retain_rule keeps snapshots no longer than the limit. Live: `aws dlm create-lifecycle-policy ...`, and delete old snapshots with `aws ec2 delete-snapshot --snapshot-id ID`."
#   baseline: [storage.snapshots.max_age_days, storage.snapshots.lifecycle_policy_required]
#   frameworks: {well_architected: "COST04-BP05", cis: null}
sto_003 contains v if {
	snap.lifecycle_policy_required == true
	some scope in ebs_scopes
	not sec.collected("dlm", scope)
	v := sec.scope_verdict("dlm", scope, "NOT_COLLECTED", sprintf("dlm was not collected in %v/%v", scope), "a snapshot lifecycle policy", null)
}

sto_003 contains v if {
	snap.lifecycle_policy_required == true
	some scope in ebs_scopes
	sec.collected("dlm", scope)
	found := [p | some p in dlm_policies; sec.in_scope(p, scope); ebs_policy(p)]
	good := [p.id | some p in found; policy_within_limit(p); not lib.unknown(p, "schedules")]
	undecided := [p.id | some p in found; not p.id in good; policy_undecided(p)]
	status := sec.scope_status(count(good), count(undecided), false)
	prefix := sprintf("snapshot lifecycle in %v/%v", scope)
	messages := {
		"PASS": sprintf("%s: %s", [prefix, concat(", ", good)]),
		"UNKNOWN": sprintf("%s: retention known only after apply or not in days (%s)", [prefix, concat(", ", undecided)]),
		"FAIL": sprintf("%s: %s", [prefix, lib.pick(count(found) == 0, "no enabled EBS snapshot policy", sprintf("no policy retires snapshots within %v days", [snap.max_age_days]))]),
	}
	v := sec.scope_verdict("dlm", scope, status, messages[status], sprintf("retain <= %v days", [snap.max_age_days]), [p.id | some p in found])
}

sto_003 contains v if {
	some s in snapshots
	is_number(s.attributes.age_days)
	ok := s.attributes.age_days <= snap.max_age_days
	msg := lib.pick(ok, sprintf("%s is %v days old", [s.id, s.attributes.age_days]), sprintf("%s is %v days old, older than %v", [s.id, s.attributes.age_days, snap.max_age_days]))
	v := lib.verdict(s, lib.pass_fail(ok), msg, sprintf("<= %v days", [snap.max_age_days]), s.attributes.age_days)
}

# The lifecycle profile of a bucket's environment (undefined when it has none).
lifecycle_profile(b) := s3.lifecycle_profiles[lib.env_spec(b).storage.s3_lifecycle_profile]

enabled_rules(b) := [r | some r in object.get(b.attributes, "lifecycle_rules", []); r.status == "Enabled"]

# Intelligent-Tiering: an enabled configuration, or a lifecycle transition into the class.
intelligent_tiering(b) if {
	some c in object.get(b.attributes, "intelligent_tiering", [])
	object.get(c, "status", "Enabled") == "Enabled"
}

intelligent_tiering(b) if {
	some r in enabled_rules(b)
	some t in r.transitions
	t.storage_class == "INTELLIGENT_TIERING"
}

transition_problems(b, profile) := [sprintf("no transition to %s within %v days", [want.storage_class, want.max_days]) |
	some want in profile.transitions
	not transitions_within(b, want)
]

transitions_within(b, want) if {
	some r in enabled_rules(b)
	some t in r.transitions
	t.storage_class == want.storage_class
	is_number(t.days)
	t.days <= want.max_days
}

# METADATA
# title: S3 lifecycle follows the environment's profile
# description: "S3 buckets transition objects to each storage class of their environment's lifecycle profile in time, or use Intelligent-Tiering where the baseline accepts it."
# custom:
#   id: STO-004
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_s3_bucket]
#   seed: "S3 Lifecycle: IA 30 days, Glacier 90 days; Intelligent Tiering"
#   rationale: Objects left in S3 Standard cost several times what infrequent-access and archive classes charge for the same bytes.
#   remediation: "Terraform: aws_s3_bucket_lifecycle_configuration with an Enabled rule whose transitions reach each storage class of the environment's profile in time (or a transition to INTELLIGENT_TIERING). Live: `aws s3api put-bucket-lifecycle-configuration`."
#   baseline: [environments.*.storage.s3_lifecycle_profile, storage.s3.lifecycle_profiles, storage.s3.intelligent_tiering_accepted]
#   frameworks: {well_architected: "COST04-BP05", cis: null}
sto_004 contains v if {
	some b in buckets
	profile := lifecycle_profile(b)
	accepted := s3.intelligent_tiering_accepted == true
	problems := lifecycle_problems(b, profile)
	undecided := [p | some p in ["lifecycle_rules", "intelligent_tiering"]; lib.unknown(b, p)]
	status := lib.pick(count(problems) > 0, lib.pick(count(undecided) > 0, "UNKNOWN", "FAIL"), "PASS")
	v := lib.verdict(
		b,
		status,
		lib.message_of(lib.pick(status == "FAIL", problems, []), lib.pick(status == "UNKNOWN", undecided, []), sprintf("bucket %s", [object.get(b.attributes, "bucket", b.id)]), sprintf("lifecycle meets the %s profile", [lib.env_spec(b).storage.s3_lifecycle_profile])),
		{"profile": lib.env_spec(b).storage.s3_lifecycle_profile, "transitions": profile.transitions, "intelligent_tiering_accepted": accepted},
		{"lifecycle_rules": object.get(b.attributes, "lifecycle_rules", []), "intelligent_tiering": object.get(b.attributes, "intelligent_tiering", [])},
	)
}

tiering_ok(b) if {
	s3.intelligent_tiering_accepted == true
	intelligent_tiering(b)
}

lifecycle_problems(b, _) := [] if tiering_ok(b)

lifecycle_problems(b, profile) := transition_problems(b, profile) if not tiering_ok(b)

# METADATA
# title: Unused resources are reported
# description: "Unattached EBS volumes, unassociated Elastic IPs and load balancers with no registered targets are reported."
# custom:
#   id: STO-006
#   severity: low
#   inputs: [live]
#   reads: [aws_ebs_volume, aws_eip, aws_lb]
#   seed: "Resource Cleanup - unused resources weekly"
#   rationale: Idle volumes, addresses and load balancers are billed by the hour while serving nothing.
#   remediation: "Snapshot and delete unattached volumes (`aws ec2 delete-volume`), release unused addresses (`aws ec2 release-address`), delete load balancers with no targets (`aws elbv2 delete-load-balancer`), or attach them to what should use them."
#   baseline: [automation.resource_cleanup.frequency]
#   frameworks: {well_architected: "COST02-BP06", cis: null}
sto_006 contains v if {
	some vol in volumes
	ok := vol.attributes.attached == true
	msg := lib.pick(ok, sprintf("%s is attached", [vol.id]), sprintf("%s is not attached to any instance", [vol.id]))
	v := lib.verdict(vol, lib.pass_fail(ok), msg, "attached", vol.attributes.attached)
}

sto_006 contains v if {
	some ip in lib.resources("aws_eip")
	ok := ip.attributes.associated == true
	msg := lib.pick(ok, sprintf("%s is associated", [ip.id]), sprintf("%s (%v) is not associated", [ip.id, object.get(ip.attributes, "public_ip", null)]))
	v := lib.verdict(ip, lib.pass_fail(ok), msg, "associated", ip.attributes.associated)
}

sto_006 contains v if {
	some lb in lib.resources("aws_lb")
	is_number(lb.attributes.registered_targets)
	ok := lb.attributes.registered_targets > 0
	msg := lib.pick(ok, sprintf("%s has %v registered targets", [lb.id, lb.attributes.registered_targets]), sprintf("%s has no registered targets", [lb.id]))
	v := lib.verdict(lb, lib.pass_fail(ok), msg, "> 0 registered targets", lb.attributes.registered_targets)
}
