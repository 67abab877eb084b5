# Edge controls: CloudFront in front of the production ALB, WAF, geo restriction, Shield.
package archscan.edge

import rego.v1

import data.archscan.lib

cf := data.baseline.edge.cloudfront

waf := data.baseline.edge.waf

distributions := lib.resources("aws_cloudfront_distribution")

# Distributions of the environments the baseline puts behind CloudFront.
edge_distributions(envs) := [d | some d in distributions; d.environment in envs]

# The environment whose ALB the baseline names as origin ("<environment>-alb").
origin_env := trim_suffix(cf.origin, "-alb")

origin_albs := [lb |
	some lb in lib.resources("aws_lb")
	lb.environment == origin_env
	object.get(lb.attributes, "load_balancer_type", "application") == "application"
	object.get(lb.attributes, "scheme", "") == "internet-facing"
]

fronts(d, lb) if lb.id in lib.ref_ids(d, "origins")

fronts(d, lb) if {
	some o in object.get(d.attributes, "origins", [])
	is_string(lb.attributes.dns_name)
	lower(o.domain_name) == lower(lb.attributes.dns_name)
}

fronted(d) := [lb.id | some lb in origin_albs; fronts(d, lb)]

origin_problems(d) := [sprintf("no origin is the %s internet-facing ALB", [origin_env]) |
	count(fronted(d)) == 0
	count(origin_albs) > 0
	not origin_undecided(d)
]

origin_undecided(d) if lib.unknown(d, "refs.origins")

origin_undecided(d) if lib.unknown(d, "origins")

origin_unknowns(d) := ["origins"] if {
	count(fronted(d)) == 0
	origin_undecided(d)
} else := [sprintf("no %s internet-facing ALB in this inventory to match", [origin_env])] if {
	count(origin_albs) == 0
} else := []

compress_problems(d) := [sprintf("compression is %v, documented %v", [object.get(d.attributes, ["default_cache_behavior", "compress"], false), cf.compression]) |
	not lib.unknown(d, "default_cache_behavior")
	object.get(d.attributes, ["default_cache_behavior", "compress"], false) != cf.compression
]

tls_problems(d) := [sprintf("minimum protocol version %v is older than %s", [v, cf.minimum_protocol_version]) |
	not lib.unknown(d, "minimum_protocol_version")
	v := object.get(d.attributes, "minimum_protocol_version", null)
	not v in cf.accepted_protocol_versions
]

tls_unknowns(d) := [p | some p in ["minimum_protocol_version", "default_cache_behavior"]; lib.unknown(d, p)]

# METADATA
# title: CloudFront fronts the production ALB with compression and a modern TLS floor
# description: "CloudFront fronts the production ALB, with compression on and a minimum viewer TLS policy of TLSv1.2_2021 or newer."
# custom:
#   id: EDGE-001
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_cloudfront_distribution, aws_lb]
#   seed: "CloudFront CDN; Data Flow (Users -> CloudFront -> WAF -> ALB)"
#   rationale: The edge caches and compresses responses and terminates viewer TLS; a distribution that does not front the ALB, or accepts TLS 1.0, leaves the documented data path.
#   remediation: "Terraform: point an origin of aws_cloudfront_distribution at aws_lb.<prod>.dns_name, set default_cache_behavior.compress = true and viewer_certificate.minimum_protocol_version = \"TLSv1.2_2021\" (with an ACM certificate). Live: update the distribution config in the CloudFront console or with `aws cloudfront update-distribution`."
#   baseline: [edge.cloudfront.environments, edge.cloudfront.origin, edge.cloudfront.compression, edge.cloudfront.minimum_protocol_version, edge.cloudfront.accepted_protocol_versions]
#   frameworks: {well_architected: "PERF04-BP01", cis: null}
edge_001 contains v if {
	some d in edge_distributions(cf.environments)
	problems := array.concat(array.concat(origin_problems(d), compress_problems(d)), tls_problems(d))
	undecided := array.concat(origin_unknowns(d), tls_unknowns(d))
	v := lib.verdict(
		d,
		lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, sprintf("distribution %s", [d.id]), sprintf("fronts %s, compressed, TLS floor %v", [concat(", ", fronted(d)), d.attributes.minimum_protocol_version])),
		{"origin": cf.origin, "compress": cf.compression, "minimum_protocol_version": cf.accepted_protocol_versions},
		{"origin": fronted(d), "compress": object.get(d.attributes, ["default_cache_behavior", "compress"], null), "minimum_protocol_version": object.get(d.attributes, "minimum_protocol_version", null)},
	)
}

# The production ALB with no distribution in front of it (only where distributions were collected).
edge_001 contains v if {
	count(distributions) > 0
	some lb in origin_albs
	not lb_fronted(lb)
	v := lib.verdict(lb, "FAIL", sprintf("%s: no CloudFront distribution fronts this ALB", [lb.id]), "a CloudFront origin", null)
}

lb_fronted(lb) if {
	some d in distributions
	fronts(d, lb)
}

lb_fronted(lb) if {
	some d in distributions
	origin_undecided(d)
}

web_acls := lib.resources("aws_wafv2_web_acl")

# The web ACL a distribution names: by ref, or by the ARN in web_acl_id.
acl_of(d) := acl if {
	some acl in web_acls
	acl.id in lib.ref_ids(d, "web_acl")
} else := acl if {
	some acl in web_acls
	is_string(d.attributes.web_acl_id)
	d.attributes.web_acl_id in {acl.id, object.get(acl.attributes, "arn", "")}
}

acl_groups(acl) := {r.managed_rule_group.name |
	some r in object.get(acl.attributes, "rules", [])
	r.managed_rule_group.vendor == "AWS"
	object.get(r, "override_action", "none") != "count"
}

waf_findings(d) := {"problems": [], "unknowns": ["web_acl_id"]} if {
	not acl_of(d)
	waf_undecided(d)
} else := {"problems": ["no WAF web ACL attached"], "unknowns": []} if {
	not acl_of(d)
	object.get(d.attributes, "web_acl_id", null) in {null, ""}
	count(lib.ref_ids(d, "web_acl")) == 0
} else := {"problems": [], "unknowns": [sprintf("web ACL %s is not in this inventory", [object.get(d.attributes, "web_acl_id", "?")])]} if {
	not acl_of(d)
} else := {"problems": array.concat(
	[sprintf("web ACL %s has scope %v, documented %s", [acl.id, acl.attributes.scope, waf.scope]) | acl.attributes.scope != waf.scope],
	[sprintf("web ACL %s lacks the managed rule group %s (blocking)", [acl.id, g]) | some g in waf.managed_rule_groups; not g in acl_groups(acl)],
), "unknowns": [p | some p in ["rules", "scope"]; lib.unknown(acl, p)]} if {
	acl := acl_of(d)
}

waf_undecided(d) if lib.unknown(d, "web_acl_id")

waf_undecided(d) if lib.unknown(d, "refs.web_acl")

# METADATA
# title: A WAF web ACL with the AWS common rule set protects the production distribution
# description: "A WAF web ACL with the OWASP-style managed rule group (AWSManagedRulesCommonRuleSet) is attached to the production CloudFront distribution."
# custom:
#   id: EDGE-002
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_cloudfront_distribution, aws_wafv2_web_acl]
#   seed: "AWS WAF, OWASP Rules"
#   rationale: The common rule set blocks the OWASP top-ten request patterns before they reach the ALB; a rule group in count mode only observes.
#   remediation: "Terraform: create aws_wafv2_web_acl with scope = \"CLOUDFRONT\" (provider in us-east-1) and a rule whose statement is managed_rule_group_statement { vendor_name = \"AWS\", name = \"AWSManagedRulesCommonRuleSet\" } with override_action none; set the distribution's web_acl_id to its arn. Live: `aws wafv2 update-web-acl`, then attach it in the distribution config."
#   baseline: [edge.waf.environments, edge.waf.scope, edge.waf.managed_rule_groups]
#   frameworks: {well_architected: "SEC06-BP01", cis: null}
edge_002 contains v if {
	some d in edge_distributions(waf.environments)
	found := waf_findings(d)
	v := lib.verdict(
		d,
		lib.status_of(found.problems, found.unknowns),
		lib.message_of(found.problems, found.unknowns, sprintf("distribution %s", [d.id]), "web ACL with the documented managed rule groups"),
		{"scope": waf.scope, "managed_rule_groups": waf.managed_rule_groups},
		{"web_acl": object.get(d.attributes, "web_acl_id", null)},
	)
}

# METADATA
# title: CloudFront geo restriction is configured
# description: CloudFront geo restriction is configured on the documented distributions.
# custom:
#   id: EDGE-003
#   severity: low
#   inputs: [plan, live]
#   reads: [aws_cloudfront_distribution]
#   seed: "Geo-blocking"
#   rationale: Serving only the countries the business serves cuts the attack surface and the bot traffic paid for at the edge.
#   remediation: "Terraform: set restrictions.geo_restriction { restriction_type = \"whitelist\" (or \"blacklist\"), locations = [...] } on aws_cloudfront_distribution. Live: edit the distribution's Geographic restrictions."
#   baseline: [edge.cloudfront.geo_restriction, edge.cloudfront.environments]
#   frameworks: {well_architected: "SEC06-BP01", cis: null}
edge_003 contains v if {
	cf.geo_restriction
	some d in edge_distributions(cf.environments)
	lib.unknown(d, "geo_restriction")
	v := lib.verdict(d, "UNKNOWN", sprintf("distribution %s: geo restriction is known only after apply", [d.id]), "whitelist or blacklist", null)
}

edge_003 contains v if {
	cf.geo_restriction
	some d in edge_distributions(cf.environments)
	not lib.unknown(d, "geo_restriction")
	geo := object.get(d.attributes, "geo_restriction", {})
	kind := object.get(geo, "restriction_type", "none")
	ok := count([1 | kind != "none"; count(object.get(geo, "locations", [])) > 0]) == 1
	msg := lib.pick(ok, sprintf("distribution %s: geo restriction %s", [d.id, kind]), sprintf("distribution %s: no geo restriction", [d.id]))
	v := lib.verdict(d, lib.pass_fail(ok), msg, "whitelist or blacklist", geo)
}

shield := data.baseline.edge.shield_advanced

protected := {p.refs.resource | some p in lib.resources("aws_shield_protection"); p.refs.resource} | {p.attributes.resource_arn | some p in lib.resources("aws_shield_protection"); p.attributes.resource_arn}

# Internet-facing entry points of the environments Shield Advanced must protect.
shield_targets := array.concat(
	[d | some d in distributions; d.environment in shield.environments],
	[lb | some lb in lib.resources("aws_lb"); lb.environment in shield.environments; object.get(lb.attributes, "scheme", "") == "internet-facing"],
)

subscribed(account) if {
	some s in lib.resources("aws_shield_subscription")
	s.account == account
	s.attributes.active == true
}

# METADATA
# title: Shield Advanced protects production where the baseline enables it
# description: "Shield Advanced protects production entry points (CloudFront distributions, internet-facing load balancers) when edge.shield_advanced.enabled is true."
# custom:
#   id: EDGE-004
#   severity: low
#   inputs: [live]
#   reads: [aws_shield_subscription, aws_shield_protection, aws_cloudfront_distribution, aws_lb]
#   seed: "AWS Shield, DDoS Protection"
#   rationale: Shield Advanced adds DDoS response and cost protection; it is a subscription decision the baseline records (decision shield-advanced).
#   remediation: "Subscribe the account to Shield Advanced (`aws shield create-subscription`) and add a protection per entry point (`aws shield create-protection --resource-arn ...`), or aws_shield_protection in Terraform."
#   baseline: [edge.shield_advanced.enabled, edge.shield_advanced.environments]
#   frameworks: {well_architected: "SEC06-BP01", cis: null}
edge_004 contains v if {
	shield.enabled == true
	some t in shield_targets
	problems := array.concat(
		[sprintf("account %v has no active Shield Advanced subscription", [t.account]) | not subscribed(t.account)],
		["no Shield Advanced protection for this resource" | not t.id in protected],
	)
	v := lib.verdict(t, lib.status_of(problems, []), lib.message_of(problems, [], t.id, "protected by Shield Advanced"), "Shield Advanced protection", count(problems) == 0)
}
