# Storage controls: EBS volume types and encryption, S3 bucket protections.
package archscan.storage

import rego.v1

import data.archscan.lib

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
