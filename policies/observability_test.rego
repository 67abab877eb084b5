# Tests of the observability family.
package archscan.observability_test

import rego.v1

import data.archscan.observability

res(id, type, env, attrs, unknown) := {"id": id, "type": type, "environment": env, "region": "us-west-2", "attributes": attrs, "refs": {}, "unknown": unknown}

inv(rs) := {"by_type": {t: [r | some r in rs; r.type == t] | some x in rs; t := x.type}}

statuses(results, id) := {r.status | some r in results; r.resource == id}

test_obs_001_encrypted_domain_in_shared_services if {
	results := observability.obs_001 with input as inv([
		res("logs", "aws_opensearch_domain", "shared-services", {"encrypt_at_rest": true, "node_to_node_encryption": true}, []),
		res("plain", "aws_opensearch_domain", "shared-services", {"encrypt_at_rest": false, "node_to_node_encryption": true}, []),
		res("later", "aws_opensearch_domain", "shared-services", {"node_to_node_encryption": true}, ["encrypt_at_rest"]),
		res("elsewhere", "aws_opensearch_domain", "dev", {}, []),
	])
	statuses(results, "logs") == {"PASS"}
	statuses(results, "plain") == {"FAIL"}
	statuses(results, "later") == {"UNKNOWN"}
	statuses(results, "elsewhere") == set()
	statuses(results, "shared-services/opensearch") == set()
}

test_obs_001_missing_domain_fails_where_the_environment_is_present if {
	results := observability.obs_001 with input as inv([res("b", "aws_s3_bucket", "shared-services", {}, [])])
	statuses(results, "shared-services/opensearch") == {"FAIL"}
}

test_obs_002_xray_and_dashboards_for_prod if {
	eks := res("eks", "aws_eks_cluster", "prod", {}, [])
	ok := observability.obs_002 with input as inv([
		eks,
		res("g", "aws_xray_group", "prod", {}, []),
		res("dash", "aws_cloudwatch_dashboard", "prod", {}, []),
	])
	statuses(ok, "prod/observability") == {"PASS"}
	bad := observability.obs_002 with input as inv([eks, res("g", "aws_xray_group", "prod", {}, [])])
	statuses(bad, "prod/observability") == {"FAIL"}
	dev := observability.obs_002 with input as inv([res("eks", "aws_eks_cluster", "dev", {}, [])])
	count(dev) == 0
}
