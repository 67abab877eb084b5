# Disaster recovery controls: regions, S3 replication, Aurora replicas, snapshot copies,
# the standby EKS cluster and Route 53 failover.
package archscan.dr

import rego.v1

import data.archscan.lib

dr := data.baseline.dr

regions := data.baseline.regions

# Regions of an environment's regional resources in this inventory ("global" ledger
# entries and CloudFront-scope objects, which live in us-east-1 by definition, excluded).
global_types := {"aws_cloudfront_distribution", "aws_route53_zone", "aws_route53_record", "aws_route53_health_check", "aws_shield_protection", "aws_shield_subscription"}

env_resources(env) := [r |
	some t, rs in input.by_type
	not t in global_types
	some r in rs
	r.environment == env
	is_string(r.region)
	r.region != "global"
]

scope_verdict(env, name, problems, unknowns, pass_text, expected, actual) := {
	"resource": sprintf("%s/%s", [env, name]),
	"environment": env,
	"status": lib.status_of(problems, unknowns),
	"message": lib.message_of(problems, unknowns, sprintf("%s %s", [env, name]), pass_text),
	"expected": expected,
	"actual": actual,
}

# METADATA
# title: Production runs in the primary region with the DR region as its only other region
# description: "Production runs in us-west-2 with us-east-1 as the DR region (regions come from the baseline)."
# custom:
#   id: DR-001
#   severity: medium
#   inputs: [plan, live]
#   reads: []
#   seed: "Disaster Recovery (us-west-2 primary, us-east-1 DR)"
#   rationale: Failover plans, replication targets and runbooks all assume the documented region pair; resources elsewhere are outside them.
#   remediation: "Move the resources to the primary region (or the DR region for standby copies); for Terraform, set the provider region or alias to regions.primary / regions.dr."
#   baseline: [regions.primary, regions.dr, dr.environments]
#   frameworks: {well_architected: "REL13-BP02", cis: null}
dr_001 contains v if {
	some env in dr.environments
	rs := env_resources(env)
	count(rs) > 0
	used := {r.region | some r in rs}
	problems := array.concat(
		[sprintf("resources in %s, outside %s/%s", [g, regions.primary, regions.dr]) | some g in used; not g in {regions.primary, regions.dr}],
		[sprintf("nothing in the primary region %s", [regions.primary]) | not regions.primary in used],
	)
	v := scope_verdict(env, "regions", problems, [], sprintf("runs in %s", [concat(", ", sort([g | some g in used]))]), {"primary": regions.primary, "dr": regions.dr}, sort([g | some g in used]))
}

buckets := lib.resources("aws_s3_bucket")

bucket_ids := {b.id: b | some b in buckets}

# Resolve a replication destination to a bucket: by ref id, by ARN, or by name.
dest_bucket(id) := bucket_ids[id]

dest_bucket(id) := b if some b in buckets_by_name[id]

# Buckets by ARN and by name, built once (not scanned per destination).
buckets_by_name[key] contains b if {
	some b in buckets
	some key in {sprintf("arn:aws:s3:::%s", [object.get(b.attributes, "bucket", "")]), object.get(b.attributes, "bucket", "")}
}

replication_findings(b) := {"problems": [], "unknowns": ["replication"]} if {
	lib.unknown(b, "replication")
} else := {"problems": ["no replication configuration"], "unknowns": []} if {
	count([r | some r in object.get(b.attributes, ["replication", "rules"], []); r.status == "Enabled"]) == 0
} else := {"problems": [], "unknowns": ["refs.replication_destinations"]} if {
	lib.unknown(b, "refs.replication_destinations")
} else := f if {
	dests := lib.ref_ids(b, "replication_destinations") | {r.destination_bucket | some r in b.attributes.replication.rules; r.status == "Enabled"; is_string(r.destination_bucket)}
	in_dr := [d | some d in dests; dest_bucket(d).region == regions.dr]
	elsewhere := [sprintf("destination %s is in %s", [d, dest_bucket(d).region]) | some d in dests; dest_bucket(d).region != regions.dr]
	missing := [sprintf("destination %s is not in this inventory", [d]) | some d in dests; not dest_bucket(d)]
	f := {
		"problems": [sprintf("no destination bucket in %s%s", [regions.dr, lib.pick(count(elsewhere) > 0, sprintf(" (%s)", [concat("; ", elsewhere)]), "")]) | count(in_dr) == 0; count(missing) == 0],
		"unknowns": [m | count(in_dr) == 0; some m in missing],
	}
}

versioned_problems(b) := [sprintf("versioning is %v", [object.get(b.attributes, ["versioning", "status"], "Disabled")]) |
	not lib.unknown(b, "versioning")
	object.get(b.attributes, ["versioning", "status"], "Disabled") != "Enabled"
]

# METADATA
# title: Production buckets are versioned and replicate to the DR region
# description: "Production S3 buckets (outside the DR region) are versioned and replicate to a bucket in the DR region."
# custom:
#   id: DR-002
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_s3_bucket]
#   seed: "S3 Cross-Region Replication"
#   rationale: A regional outage or a deleted bucket must not lose production objects; replication needs versioning on both sides.
#   remediation: "Terraform: aws_s3_bucket_versioning (Enabled) and aws_s3_bucket_replication_configuration with a rule whose destination is a versioned bucket created through a provider in the DR region. Live: `aws s3api put-bucket-versioning` and `put-bucket-replication`."
#   baseline: [dr.environments, dr.s3_replication, regions.dr]
#   frameworks: {well_architected: "REL09-BP03", cis: null}
dr_002 contains v if {
	dr.s3_replication
	some b in buckets
	b.environment in dr.environments
	b.region != regions.dr
	found := replication_findings(b)
	problems := array.concat(versioned_problems(b), found.problems)
	undecided := array.concat([p | p := "versioning"; lib.unknown(b, p)], found.unknowns)
	v := lib.verdict(
		b,
		lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, sprintf("bucket %s", [object.get(b.attributes, "bucket", b.id)]), sprintf("versioned, replicating to %s", [regions.dr])),
		{"versioning": "Enabled", "replication_region": regions.dr},
		{"versioning": object.get(b.attributes, ["versioning", "status"], null), "destinations": sort([d | some d in lib.ref_ids(b, "replication_destinations")])},
	)
}

clusters := [c | some c in lib.resources("aws_rds_cluster"); startswith(object.get(c.attributes, "engine", ""), "aurora")]

primary_clusters := [c |
	some c in clusters
	c.environment in dr.environments
	c.region == regions.primary
	object.get(c.attributes, "replication_source_identifier", null) in {null, ""}
]

dr_clusters := [c | some c in clusters; c.region == regions.dr]

replica_of(c, r) if c.id in lib.ref_ids(r, "replication_source")

replica_of(c, r) if r.attributes.replication_source_identifier in {c.id, object.get(c.attributes, "cluster_identifier", "")}

replica_of(c, r) if {
	g := c.attributes.global_cluster_identifier
	is_string(g)
	g != ""
	r.attributes.global_cluster_identifier == g
}

global_member_in_dr(c) if {
	some g in lib.resources("aws_rds_global_cluster")
	c.id in lib.ref_ids(g, "members")
	some m in g.attributes.members
	m.region == regions.dr
}

dr_partners(c) := [r.id | some r in dr_clusters; replica_of(c, r)]

# DR-region clusters whose link back is known only after apply.
dr_undecided(c) := [sprintf("%s replication source", [r.id]) |
	count(dr_partners(c)) == 0
	some r in dr_clusters
	some p in ["replication_source_identifier", "refs.replication_source", "global_cluster_identifier"]
	lib.unknown(r, p)
] if not global_member_in_dr(c)

dr_undecided(c) := [] if global_member_in_dr(c)

# METADATA
# title: The production Aurora cluster has a replica in the DR region
# description: "The production Aurora cluster has a cross-region read replica (or global database member) in the DR region."
# custom:
#   id: DR-003
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_rds_cluster, aws_rds_global_cluster]
#   seed: "Async Replication (prod Aurora -> DR Aurora)"
#   rationale: The documented recovery point depends on asynchronous replication of the production database to the DR region.
#   remediation: "Terraform: an aws_rds_global_cluster with the production cluster as primary and an aws_rds_cluster in the DR region joined to it (or replication_source_identifier = the primary's ARN). Live: `aws rds create-global-cluster` then `create-db-cluster --global-cluster-identifier` in the DR region."
#   baseline: [dr.environments, dr.aurora_cross_region_replica, regions.primary, regions.dr]
#   frameworks: {well_architected: "REL09-BP03", cis: null}
dr_003 contains v if {
	dr.aurora_cross_region_replica
	some c in primary_clusters
	partners := dr_partners(c)
	ok := count(partners) > 0
	problems := [sprintf("no replica or global database member in %s", [regions.dr]) | not ok; not global_member_in_dr(c); count(dr_undecided(c)) == 0]
	undecided := [u | not ok; some u in dr_undecided(c)]
	v := lib.verdict(
		c,
		lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, sprintf("cluster %s", [c.id]), sprintf("replicated to %s", [regions.dr])),
		{"replica_region": regions.dr},
		partners,
	)
}

# Daily: a cron whose day-of-month, month and day-of-week fields are all wildcards.
daily(schedule) if {
	startswith(schedule, "cron(")
	fields := split(trim_suffix(trim_prefix(schedule, "cron("), ")"), " ")
	count(fields) >= 5
	every f in array.slice(fields, 2, 5) {
		f in {"*", "?"}
	}
}

daily(schedule) if schedule in {"rate(1 day)", "rate(24 hours)"}

copies_to_dr(rule) if {
	some a in object.get(rule, "copy_actions", [])
	a.destination_region == regions.dr
}

copies_to_dr(rule) if {
	some a in object.get(rule, "copy_actions", [])
	arn := object.get(a, "destination_vault_arn", "")
	is_string(arn) # a live copy action may carry null here
	contains(arn, sprintf(":%s:", [regions.dr]))
}

daily_copy_rules(env) := [sprintf("%s/%s", [p.id, r.rule_name]) |
	some p in lib.resources("aws_backup_plan")
	p.environment == env
	some r in object.get(p.attributes, "rules", [])
	daily(object.get(r, "schedule", ""))
	copies_to_dr(r)
]

replicated_instances := {x.refs.source_db_instance |
	some x in lib.resources("aws_db_instance_automated_backups_replication")
	x.attributes.destination_region == regions.dr
}

# METADATA
# title: Production database snapshots are taken daily and copied to the DR region
# description: "RDS snapshots are taken daily and copied to the DR region: an AWS Backup plan with a daily rule and a copy action to the DR region, or (RDS instances) automated backup replication to the DR region. Live only: backup plans are not mapped from plans yet."
# custom:
#   id: DR-004
#   severity: medium
#   inputs: [live]
#   reads: [aws_rds_cluster, aws_db_instance, aws_backup_plan, aws_db_instance_automated_backups_replication]
#   seed: "RDS Snapshots Daily, Copy Snapshots"
#   rationale: A regional outage must leave a recent restorable copy of the production database in the DR region.
#   remediation: "Add an AWS Backup plan rule with schedule cron(0 5 * * ? *) and a copy_action to a vault in the DR region, selecting the production clusters; for RDS instances, `aws rds start-db-instance-automated-backups-replication` in the DR region also works."
#   baseline: [dr.environments, dr.snapshot_copy.daily, regions.dr]
#   frameworks: {well_architected: "REL09-BP02", cis: null}
dr_004 contains v if {
	dr.snapshot_copy.daily
	some env in dr.environments
	dbs := [d | some t in ["aws_rds_cluster", "aws_db_instance"]; some d in lib.resources(t); d.environment == env; d.region == regions.primary]
	count(dbs) > 0
	rules := daily_copy_rules(env)
	uncovered := [d.id | count(rules) == 0; some d in dbs; not d.id in replicated_instances]
	problems := [sprintf("no daily backup copied to %s for %s", [regions.dr, concat(", ", uncovered)]) | count(uncovered) > 0]
	v := scope_verdict(env, "snapshot-copy", problems, [], sprintf("daily copies to %s", [regions.dr]), {"daily": true, "copy_region": regions.dr}, {"backup_rules": rules})
}

node_groups := lib.resources("aws_eks_node_group")

# METADATA
# title: A minimal EKS cluster stands by in the DR region
# description: "A minimal-size EKS cluster exists in the DR region (node groups' max sizes add up to no more than dr.eks_standby.max_nodes). Runs where the inventory holds the environment's EKS clusters."
# custom:
#   id: DR-005
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_eks_cluster, aws_eks_node_group]
#   seed: "DR EKS Minimal Size"
#   rationale: A warm standby cluster shortens recovery; keeping it minimal keeps its cost within the DR budget.
#   remediation: "Terraform: an aws_eks_cluster through a provider in the DR region with one small node group (max_size within the baseline's eks_standby.max_nodes), scaled up during failover."
#   baseline: [dr.environments, dr.eks_standby.max_nodes, regions.dr]
#   frameworks: {well_architected: "REL13-BP02", cis: null}
dr_005 contains v if {
	some env in dr.environments
	eks := [c | some c in lib.resources("aws_eks_cluster"); c.environment == env]
	count(eks) > 0
	standby := [c | some c in eks; c.region == regions.dr]
	groups := [g | some g in node_groups; some c in standby; c.id in lib.ref_ids(g, "cluster")]
	max_nodes := sum([object.get(g.attributes, "max_size", 0) | some g in groups; is_number(object.get(g.attributes, "max_size", 0))])
	unknowns := array.concat(
		[sprintf("%s max_size", [g.id]) | some g in groups; lib.unknown(g, "max_size")],
		[sprintf("%s cluster", [g.id]) | count(standby) > 0; some g in node_groups; g.region == regions.dr; lib.unknown(g, "refs.cluster")],
	)
	problems := array.concat(
		[sprintf("no EKS cluster in %s", [regions.dr]) | count(standby) == 0],
		[sprintf("standby node groups allow %d nodes, documented at most %d", [max_nodes, dr.eks_standby.max_nodes]) | count(standby) > 0; max_nodes > dr.eks_standby.max_nodes],
	)
	v := scope_verdict(env, "eks-standby", problems, unknowns, sprintf("standby cluster %s, at most %d nodes", [concat(", ", [c.id | some c in standby]), max_nodes]), {"region": regions.dr, "max_nodes": dr.eks_standby.max_nodes}, {"clusters": [c.id | some c in standby], "max_nodes": max_nodes})
}

records := lib.resources("aws_route53_record")

health_checked(r) if count(lib.ref_ids(r, "health_check")) > 0

health_checked(r) if is_string(r.attributes.health_check_id)

# Alias records to a load balancer inherit its health with evaluate_target_health.
health_checked(r) if r.attributes.alias.evaluate_target_health == true

# METADATA
# title: Route 53 fails production over with health-checked records
# description: "Route 53 has failover (health-checked) records for the production entry point: a PRIMARY record with a health check and a SECONDARY record of the same name. Runs where the inventory holds the environment's hosted zones or records."
# custom:
#   id: DR-006
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_route53_record, aws_route53_zone]
#   seed: "Update Route 53 (DR runbook)"
#   rationale: DNS failover is the documented switch to the DR region; without a health check the primary record never fails over.
#   remediation: "Terraform: two aws_route53_record of the entry point name with failover_routing_policy PRIMARY (health_check_id = an aws_route53_health_check, or an alias with evaluate_target_health) and SECONDARY (the DR endpoint), each with a set_identifier."
#   baseline: [dr.environments, dr.route53_failover]
#   frameworks: {well_architected: "REL10-BP01", cis: null}
dr_006 contains v if {
	dr.route53_failover
	some env in dr.environments
	dns := [r | some t in ["aws_route53_zone", "aws_route53_record"]; some r in lib.resources(t); r.environment == env]
	count(dns) > 0
	mine := [r | some r in records; r.environment == env]
	primaries := [r | some r in mine; upper(object.get(r.attributes, "failover", "")) == "PRIMARY"]
	secondary_names := {r.attributes.name | some r in mine; upper(object.get(r.attributes, "failover", "")) == "SECONDARY"}
	good := [r.attributes.name | some r in primaries; health_checked(r); r.attributes.name in secondary_names]
	unknowns := [sprintf("%s health check", [r.id]) | count(good) == 0; some r in primaries; lib.unknown(r, "refs.health_check")]
	problems := [msg |
		count(good) == 0
		count(unknowns) == 0
		msg := lib.pick(count(primaries) == 0, "no PRIMARY failover record", "no health-checked PRIMARY record with a SECONDARY of the same name")
	]
	v := scope_verdict(env, "dns-failover", problems, unknowns, sprintf("failover for %s", [concat(", ", sort(good))]), {"failover": ["PRIMARY", "SECONDARY"], "health_check": true}, {"failover_names": sort(good)})
}

velero_buckets(env) := [b |
	some b in lib.resources("aws_s3_bucket")
	b.environment == env
	b.region == regions.primary # its DR replica is judged by DR-002
	contains(lower(object.get(b.attributes, "bucket", "")), lower(dr.velero.bucket_name_contains))
]

# METADATA
# title: Velero backs up to the versioned primary bucket
# description: "Kubernetes backups (Velero) write to a versioned bucket in the primary region: the bucket whose name contains dr.velero.bucket_name_contains. Runs where the plan holds the environment's EKS clusters."
# custom:
#   id: DR-007
#   severity: low
#   inputs: [plan]
#   reads: [aws_s3_bucket, aws_eks_cluster]
#   seed: "Velero - K8s Backup -> Backup to S3 (PRIM_S3, Versioning Enabled)"
#   rationale: Cluster backups in an unversioned bucket can be overwritten or deleted by the same mistake they are meant to undo.
#   remediation: "Terraform: an aws_s3_bucket for Velero in the primary region with aws_s3_bucket_versioning status Enabled, and Velero's BackupStorageLocation pointing at it."
#   baseline: [dr.environments, dr.velero.bucket_versioned, dr.velero.bucket_name_contains, regions.primary]
#   frameworks: {well_architected: "REL09-BP02", cis: null}
dr_007 contains v if {
	some env in dr.environments
	count([c | some c in lib.resources("aws_eks_cluster"); c.environment == env]) > 0
	buckets := velero_buckets(env)
	problems := array.concat(
		[sprintf("no bucket in %s whose name contains %q", [regions.primary, dr.velero.bucket_name_contains]) | count(buckets) == 0],
		array.concat(
			[sprintf("%s is in %v, not %s", [b.id, b.region, regions.primary]) | some b in buckets; b.region != regions.primary],
			[sprintf("%s versioning is %v", [b.id, object.get(b.attributes, ["versioning", "status"], "Disabled")]) |
				dr.velero.bucket_versioned
				some b in buckets
				not lib.unknown(b, "versioning")
				object.get(b.attributes, ["versioning", "status"], "Disabled") != "Enabled"
			],
		),
	)
	unknowns := [sprintf("%s versioning", [b.id]) | some b in buckets; lib.unknown(b, "versioning")]
	v := scope_verdict(env, "velero-bucket", problems, unknowns, sprintf("Velero bucket %s is versioned in %s", [concat(", ", [b.id | some b in buckets]), regions.primary]), {"versioned": dr.velero.bucket_versioned, "region": regions.primary}, {"buckets": [b.id | some b in buckets]})
}
