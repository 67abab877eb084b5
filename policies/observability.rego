# Observability controls: the shared OpenSearch log domain, X-Ray and dashboards for production.
package archscan.observability

import rego.v1

import data.archscan.lib

obs := data.baseline.observability

# The environment of the account the baseline puts the OpenSearch domain in.
log_env := data.baseline.accounts[obs.opensearch.account].environment

domains := lib.resources("aws_opensearch_domain")

# Environments with at least one resource in this inventory.
present_envs := {r.environment | some rs in input.by_type; some r in rs; is_string(r.environment)}

# METADATA
# title: The shared-services account has an encrypted OpenSearch log domain
# description: "The shared-services account has an OpenSearch domain for log analytics, encrypted at rest and node-to-node."
# custom:
#   id: OBS-001
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_opensearch_domain]
#   seed: "OpenSearch (shared services)"
#   rationale: Central log analytics holds every environment's logs; they must be unreadable on disk and between nodes.
#   remediation: "Terraform: aws_opensearch_domain with encrypt_at_rest { enabled = true } and node_to_node_encryption { enabled = true } in the shared-services account (both need a new domain when changed on older engines). Live: `aws opensearch update-domain-config --encryption-at-rest-options Enabled=true --node-to-node-encryption-options Enabled=true`."
#   baseline: [observability.opensearch.account, observability.opensearch.encrypt_at_rest, observability.opensearch.node_to_node_encryption]
#   frameworks: {well_architected: "SEC08-BP02", cis: null}
obs_001 contains v if {
	some d in domains
	d.environment == log_env
	checks := {"encrypt_at_rest": obs.opensearch.encrypt_at_rest, "node_to_node_encryption": obs.opensearch.node_to_node_encryption}
	problems := [sprintf("%s is %v, documented %v", [k, object.get(d.attributes, k, false), want]) |
		some k, want in checks
		not lib.unknown(d, k)
		object.get(d.attributes, k, false) != want
	]
	undecided := [k | some k, _ in checks; lib.unknown(d, k)]
	v := lib.verdict(
		d,
		lib.status_of(problems, undecided),
		lib.message_of(problems, undecided, sprintf("OpenSearch domain %s", [d.id]), "encrypted at rest and node-to-node"),
		checks,
		{k: object.get(d.attributes, k, null) | some k, _ in checks},
	)
}

# The log environment is in this inventory but holds no domain.
obs_001 contains v if {
	log_env in present_envs
	count([d | some d in domains; d.environment == log_env]) == 0
	v := {
		"resource": sprintf("%s/opensearch", [log_env]),
		"environment": log_env,
		"status": "FAIL",
		"message": sprintf("no OpenSearch domain in the %s environment", [log_env]),
		"expected": "an encrypted OpenSearch domain",
		"actual": null,
	}
}

xray_types := ["aws_xray_group", "aws_xray_sampling_rule", "aws_xray_encryption_config"]

# Environments whose EKS cluster (the traced workload) is in this inventory.
workload_envs := {c.environment | some c in lib.resources("aws_eks_cluster"); is_string(c.environment)}

xray_of(env) := [r.id | some t in xray_types; some r in lib.resources(t); r.environment == env]

dashboards_of(env) := [r.id | some r in lib.resources("aws_cloudwatch_dashboard"); r.environment == env]

# METADATA
# title: X-Ray tracing and CloudWatch dashboards exist for production
# description: "X-Ray tracing and CloudWatch dashboards exist for production. Plan only: no live collector reads X-Ray or CloudWatch dashboards yet; runs where the plan holds the environment's EKS cluster."
# custom:
#   id: OBS-002
#   severity: low
#   inputs: [plan]
#   reads: [aws_eks_cluster, aws_xray_group, aws_xray_sampling_rule, aws_xray_encryption_config, aws_cloudwatch_dashboard]
#   seed: "CloudWatch, X-Ray"
#   rationale: Without traces and dashboards an incident in production is diagnosed from raw logs only.
#   remediation: "Terraform: add aws_xray_group (or aws_xray_sampling_rule) and aws_cloudwatch_dashboard to the production stack, and run the ADOT collector in the cluster."
#   baseline: [observability.xray_environments, observability.dashboards_environments]
#   frameworks: {well_architected: "OPS08-BP01", cis: null}
obs_002 contains v if {
	some env in workload_envs
	needs := {"xray": env in obs.xray_environments, "dashboards": env in obs.dashboards_environments}
	true in [needs.xray, needs.dashboards]
	found := {"xray": xray_of(env), "dashboards": dashboards_of(env)}
	problems := [sprintf("no %s resources", [k]) | some k, need in needs; need; count(found[k]) == 0]
	v := {
		"resource": sprintf("%s/observability", [env]),
		"environment": env,
		"status": lib.status_of(problems, []),
		"message": lib.message_of(problems, [], sprintf("%s observability", [env]), "X-Ray and dashboards present"),
		"expected": needs,
		"actual": found,
	}
}
