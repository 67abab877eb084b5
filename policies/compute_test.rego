# Tests of the compute family.
package archscan.compute_test

import rego.v1

import data.archscan.compute

ng(id, env, ctype, mn, desired, mx, labels) := {"id": id, "type": "aws_eks_node_group", "environment": env, "account": "555555555555", "region": "us-west-2", "source": "plan", "tags": {}, "attributes": {"node_group_name": id, "capacity_type": ctype, "instance_types": ["m5.xlarge"], "min_size": mn, "desired_size": desired, "max_size": mx, "labels": labels}, "refs": {"cluster": "eks.prod"}, "unknown": []}

asg(id, env, desired, mixed) := {"id": id, "type": "aws_autoscaling_group", "environment": env, "tags": {}, "attributes": {"name": id, "min_size": 0, "max_size": 10, "desired_capacity": desired, "instance_types": ["t3.medium"], "mixed_instances": mixed}, "refs": {}, "unknown": []}

cluster(env, attrs, source) := {"id": "eks.prod", "type": "aws_eks_cluster", "environment": env, "source": source, "tags": {}, "attributes": attrs, "refs": {}, "unknown": []}

prod_groups := [
	ng("system", "prod", "ON_DEMAND", 3, 3, 3, {"role": "system"}),
	ng("app", "prod", "ON_DEMAND", 0, 8, 20, {"role": "application"}),
	ng("batch", "prod", "SPOT", 0, 1, 7, {"role": "batch"}),
]

statuses(results, id) := {r.status | some r in results; r.resource == id}

# CMP-001
test_cmp_001_prod_spot_within_ceiling_passes if {
	results := compute.cmp_001 with input as {"by_type": {"aws_eks_node_group": prod_groups}}
	statuses(results, "prod/spot-share") == {"PASS"} # 1 of 12 desired nodes
}

test_cmp_001_prod_spot_above_ceiling_fails if {
	groups := [ng("system", "prod", "ON_DEMAND", 3, 3, 3, {}), ng("batch", "prod", "SPOT", 0, 3, 30, {})]
	results := compute.cmp_001 with input as {"by_type": {"aws_eks_node_group": groups}}
	statuses(results, "prod/spot-share") == {"FAIL"}
	some r in results
	r.actual.spot_percent == 50
}

test_cmp_001_weighs_desired_not_max_capacity if {
	# max sizes would give 30 of 33 spot (91%), desired gives 1 of 4 (25%): dev's band is 60-80
	groups := [ng("a", "dev", "ON_DEMAND", 1, 3, 3, {}), ng("b", "dev", "SPOT", 0, 1, 30, {})]
	results := compute.cmp_001 with input as {"by_type": {"aws_eks_node_group": groups}}
	some r in results
	r.actual.spot_percent == 25
	r.status == "FAIL"
}

test_cmp_001_mixed_instances_policy_counts_by_percentages if {
	# 10 desired: 2 on-demand base, 25% of the remaining 8 on-demand -> 6 spot (60%) in dev
	mixed := {"on_demand_base_capacity": 2, "on_demand_percentage_above_base_capacity": 25}
	results := compute.cmp_001 with input as {"by_type": {"aws_autoscaling_group": [asg("dev-asg", "dev", 10, mixed)]}}
	some r in results
	r.actual.spot_percent == 60
	r.status == "PASS"
}

test_cmp_001_eks_managed_asg_is_not_counted_twice if {
	managed := object.union(asg("eks-batch-1", "dev", 10, {"on_demand_base_capacity": 0, "on_demand_percentage_above_base_capacity": 0}), {"tags": {"eks:nodegroup-name": "b"}})
	groups := [ng("a", "dev", "ON_DEMAND", 1, 1, 3, {}), ng("b", "dev", "SPOT", 0, 3, 7, {})]
	results := compute.cmp_001 with input as {"by_type": {"aws_eks_node_group": groups, "aws_autoscaling_group": [managed]}}
	some r in results
	r.actual.desired == 4
	r.status == "PASS" # 75%
}

test_cmp_001_unknown_desired_is_unknown if {
	g := object.union(ng("b", "dev", "SPOT", 0, 3, 7, {}), {"attributes": {"desired_size": null}, "unknown": ["desired_size"]})
	results := compute.cmp_001 with input as {"by_type": {"aws_eks_node_group": [g]}}
	statuses(results, "dev/spot-share") == {"UNKNOWN"}
}

# CMP-002
coverage(kind, pct) := {"id": sprintf("555555555555/ce-coverage/%s", [kind]), "type": "aws_ce_coverage", "environment": "prod", "account": "555555555555", "region": "global", "tags": {}, "attributes": {"kind": kind, "data_available": true, "coverage_percent": pct}, "refs": {}, "unknown": []}

test_cmp_002_reserved_plus_savings_plans_at_minimum_passes if {
	results := compute.cmp_002 with input as {"by_type": {"aws_ce_coverage": [coverage("reservation", 60), coverage("savings_plans", 30)]}}
	statuses(results, "prod/commitment-coverage") == {"PASS"}
}

test_cmp_002_low_coverage_fails if {
	results := compute.cmp_002 with input as {"by_type": {"aws_ce_coverage": [coverage("reservation", 50), coverage("savings_plans", 20)]}}
	statuses(results, "prod/commitment-coverage") == {"FAIL"}
}

test_cmp_002_no_data_is_unknown if {
	none := object.union(coverage("savings_plans", null), {"attributes": {"data_available": false}})
	results := compute.cmp_002 with input as {"by_type": {"aws_ce_coverage": [coverage("reservation", 95), none]}}
	statuses(results, "prod/commitment-coverage") == {"UNKNOWN"}
}

test_cmp_002_capacity_without_coverage_is_unknown if {
	results := compute.cmp_002 with input as {"by_type": {"aws_eks_node_group": prod_groups}}
	statuses(results, "prod/commitment-coverage") == {"UNKNOWN"}
}

# CMP-003
test_cmp_003_documented_type_passes if {
	results := compute.cmp_003 with input as {"by_type": {"aws_eks_node_group": prod_groups}}
	statuses(results, "system") == {"PASS"}
}

test_cmp_003_other_type_fails if {
	g := object.union(ng("system", "prod", "ON_DEMAND", 3, 3, 3, {}), {"attributes": {"instance_types": ["m5.4xlarge"]}})
	results := compute.cmp_003 with input as {"by_type": {"aws_eks_node_group": [g]}}
	statuses(results, "system") == {"FAIL"}
}

test_cmp_003_launch_template_type_wins if {
	lt := {"id": "lt", "type": "aws_launch_template", "environment": "prod", "tags": {}, "attributes": {"instance_type": "c5.large"}, "refs": {}, "unknown": []}
	g := object.union(ng("system", "prod", "ON_DEMAND", 3, 3, 3, {}), {"refs": {"launch_template": "lt"}})
	results := compute.cmp_003 with input as {"by_type": {"aws_eks_node_group": [g], "aws_launch_template": [lt]}}
	statuses(results, "system") == {"FAIL"}
}

test_cmp_003_unknown_types_are_unknown if {
	g := object.union(ng("system", "prod", "ON_DEMAND", 3, 3, 3, {}), {"unknown": ["instance_types"]})
	results := compute.cmp_003 with input as {"by_type": {"aws_eks_node_group": [g]}}
	statuses(results, "system") == {"UNKNOWN"}
}

# CMP-004
test_cmp_004_sums_within_bounds_pass if {
	results := compute.cmp_004 with input as {"by_type": {"aws_eks_node_group": prod_groups}}
	statuses(results, "prod/node-count") == {"PASS"} # 3-30
}

test_cmp_004_sum_of_max_above_bound_fails if {
	groups := array.concat(prod_groups, [ng("extra", "prod", "SPOT", 0, 0, 5, {})])
	results := compute.cmp_004 with input as {"by_type": {"aws_eks_node_group": groups}}
	statuses(results, "prod/node-count") == {"FAIL"}
}

test_cmp_004_floor_below_documented_fails if {
	groups := [ng("system", "prod", "ON_DEMAND", 2, 2, 30, {})]
	results := compute.cmp_004 with input as {"by_type": {"aws_eks_node_group": groups}}
	statuses(results, "prod/node-count") == {"FAIL"}
}

# CMP-005
test_cmp_005_three_roles_pass if {
	results := compute.cmp_005 with input as {"by_type": {"aws_eks_cluster": [cluster("prod", {}, "plan")], "aws_eks_node_group": prod_groups}}
	statuses(results, "eks.prod") == {"PASS"}
	statuses(results, "system") == {"PASS"}
	statuses(results, "batch") == {"PASS"}
}

test_cmp_005_missing_batch_and_spot_system_fail if {
	groups := [ng("system", "prod", "SPOT", 3, 3, 3, {"role": "system"}), ng("application-nodes", "prod", "ON_DEMAND", 0, 8, 20, {})]
	results := compute.cmp_005 with input as {"by_type": {"aws_eks_cluster": [cluster("prod", {}, "plan")], "aws_eks_node_group": groups}}
	statuses(results, "eks.prod") == {"FAIL"}
	statuses(results, "system") == {"FAIL"}
	statuses(results, "application-nodes") == {"PASS"} # role from the name
}

test_cmp_005_system_size_and_unlabelled_group if {
	groups := [ng("system", "prod", "ON_DEMAND", 2, 2, 2, {}), ng("misc", "prod", "ON_DEMAND", 0, 1, 2, {})]
	results := compute.cmp_005 with input as {"by_type": {"aws_eks_node_group": groups}}
	statuses(results, "system") == {"FAIL"}
	statuses(results, "misc") == {"FAIL"}
}

# CMP-006
addon(name) := {"id": sprintf("addon.%s", [name]), "type": "aws_eks_addon", "environment": "prod", "tags": {}, "attributes": {"addon_name": name}, "refs": {"cluster": "eks.prod"}, "unknown": []}

helm(name, chart) := {"id": sprintf("helm.%s", [name]), "type": "helm_release", "environment": "prod", "tags": {}, "attributes": {"name": name, "chart": chart}, "refs": {}, "unknown": []}

all_prod_addons := array.concat(
	[addon(a) | some a in ["aws-load-balancer-controller", "external-dns", "metrics-server", "cert-manager", "fluent-bit", "adot"]],
	[helm(n, c) | some pair in [["istiod", "istio"], ["karpenter", "karpenter"], ["keda", "keda"], ["vpa", "vertical-pod-autoscaler"], ["es", "external-secrets"], ["mon", "kube-prometheus-stack"]]; n := pair[0]; c := pair[1]],
)

test_cmp_006_documented_addons_pass if {
	inp := {"by_type": {"aws_eks_cluster": [cluster("prod", {}, "plan")], "aws_eks_addon": [a | some a in all_prod_addons; a.type == "aws_eks_addon"], "helm_release": [h | some h in all_prod_addons; h.type == "helm_release"]}}
	results := compute.cmp_006 with input as inp
	statuses(results, "eks.prod") == {"PASS"}
}

test_cmp_006_missing_karpenter_fails_on_plans if {
	helms := [h | some h in all_prod_addons; h.type == "helm_release"; h.attributes.name != "karpenter"]
	inp := {"by_type": {"aws_eks_cluster": [cluster("prod", {}, "plan")], "aws_eks_addon": [a | some a in all_prod_addons; a.type == "aws_eks_addon"], "helm_release": helms}}
	results := compute.cmp_006 with input as inp
	statuses(results, "eks.prod") == {"FAIL"}
	some r in results
	contains(r.message, "karpenter")
}

test_cmp_006_helm_release_without_environment_counts_for_the_only_environment if {
	helms := [object.union(h, {"environment": null}) | some h in all_prod_addons; h.type == "helm_release"]
	inp := {"by_type": {"aws_eks_cluster": [cluster("prod", {}, "plan")], "aws_eks_addon": [a | some a in all_prod_addons; a.type == "aws_eks_addon"], "helm_release": helms}}
	results := compute.cmp_006 with input as inp
	statuses(results, "eks.prod") == {"PASS"}
}

test_cmp_006_missing_on_live_is_unknown if {
	inp := {"by_type": {"aws_eks_cluster": [cluster("prod", {}, "live")], "aws_eks_addon": [addon("vpc-cni")]}}
	results := compute.cmp_006 with input as inp
	statuses(results, "eks.prod") == {"UNKNOWN"}
}

# CMP-007
schedule(id, group, desired, refs, unknown) := {"id": id, "type": "aws_autoscaling_schedule", "environment": null, "tags": {}, "attributes": {"autoscaling_group_name": group, "desired_capacity": desired}, "refs": refs, "unknown": unknown}

test_cmp_007_scale_to_zero_schedule_passes if {
	g := asg("dev-asg", "dev", 2, null)
	results := compute.cmp_007 with input as {"by_type": {"aws_autoscaling_group": [g], "aws_autoscaling_schedule": [schedule("night", "dev-asg", 0, {}, [])]}}
	statuses(results, "dev-asg") == {"PASS"}
}

test_cmp_007_no_schedule_fails_and_prod_is_not_judged if {
	groups := [ng("b", "dev", "SPOT", 0, 3, 7, {}), ng("p", "prod", "SPOT", 0, 3, 7, {})]
	results := compute.cmp_007 with input as {"by_type": {"aws_eks_node_group": groups, "aws_autoscaling_schedule": [schedule("up", "eks-b-1", 3, {}, [])]}}
	statuses(results, "b") == {"FAIL"}
	statuses(results, "p") == set()
}

test_cmp_007_live_node_group_asg_and_scheduler_tag_pass if {
	tagged := object.union(ng("t", "staging", "SPOT", 0, 3, 7, {}), {"tags": {"Schedule": "office-hours"}})
	groups := [ng("b", "dev", "SPOT", 0, 3, 7, {}), tagged]
	results := compute.cmp_007 with input as {"by_type": {"aws_eks_node_group": groups, "aws_autoscaling_schedule": [schedule("down", "eks-b-6ac5e1f2", 0, {}, [])]}}
	statuses(results, "b") == {"PASS"}
	statuses(results, "t") == {"PASS"}
}

test_cmp_007_unresolved_schedule_target_is_unknown if {
	results := compute.cmp_007 with input as {"by_type": {"aws_eks_node_group": [ng("b", "dev", "SPOT", 0, 3, 7, {})], "aws_autoscaling_schedule": [schedule("down", null, 0, {}, ["refs.autoscaling_group"])]}}
	statuses(results, "b") == {"UNKNOWN"}
}

# CMP-008
hardened := {"secrets_encrypted": true, "enabled_cluster_log_types": ["api", "audit", "authenticator"], "endpoint_public_access": true, "public_access_cidrs": ["203.0.113.0/24"]}

test_cmp_008_hardened_cluster_passes if {
	results := compute.cmp_008 with input as {"by_type": {"aws_eks_cluster": [cluster("prod", hardened, "plan")]}}
	statuses(results, "eks.prod") == {"PASS"}
}

test_cmp_008_open_endpoint_missing_logs_and_plain_secrets_fail if {
	attrs := {"secrets_encrypted": false, "enabled_cluster_log_types": ["api"], "endpoint_public_access": true, "public_access_cidrs": ["0.0.0.0/0"]}
	results := compute.cmp_008 with input as {"by_type": {"aws_eks_cluster": [cluster("prod", attrs, "plan")]}}
	statuses(results, "eks.prod") == {"FAIL"}
	some r in results
	contains(r.message, "audit, authenticator")
	contains(r.message, "open to the world")
	contains(r.message, "not encrypted")
}

test_cmp_008_private_endpoint_with_default_cidrs_passes if {
	attrs := object.union(hardened, {"endpoint_public_access": false, "public_access_cidrs": ["0.0.0.0/0"]})
	results := compute.cmp_008 with input as {"by_type": {"aws_eks_cluster": [cluster("prod", attrs, "plan")]}}
	statuses(results, "eks.prod") == {"PASS"}
}

test_cmp_008_unknown_encryption_is_unknown if {
	c := object.union(cluster("prod", hardened, "plan"), {"unknown": ["secrets_encrypted"]})
	results := compute.cmp_008 with input as {"by_type": {"aws_eks_cluster": [c]}}
	statuses(results, "eks.prod") == {"UNKNOWN"}
}

test_cmp_007_role_marked_unscheduled_in_the_baseline_is_exempt if {
	groups := [ng("system", "staging", "ON_DEMAND", 2, 2, 2, {"role": "system"}), ng("batch", "staging", "SPOT", 0, 2, 6, {"role": "batch"})]
	results := compute.cmp_007 with input as {"by_type": {"aws_eks_node_group": groups}}
		with data.baseline.environments.staging.eks.node_groups.system.scheduled as false
	statuses(results, "system") == set()
	statuses(results, "batch") == {"FAIL"}
}

# -- EKS capacity missing from an audited account (live only) --------------------------------

eks_audited(env) := [{"account": data.baseline.accounts[env].id, "region": data.baseline.regions.primary, "service": "eks", "status": "ok"}]

test_cmp_004_live_audited_account_without_node_groups_fails if {
	results := compute.cmp_004 with input as {"source": {"kind": "live"}, "by_type": {}, "coverage": eks_audited("prod")}
	statuses(results, "prod/node-count") == {"FAIL"}
	statuses(results, "staging/node-count") == set()
}

test_cmp_004_live_with_node_groups_is_judged_on_them if {
	results := compute.cmp_004 with input as {"source": {"kind": "live"}, "by_type": {"aws_eks_node_group": prod_groups}, "coverage": eks_audited("prod")}
	statuses(results, "prod/node-count") == {"PASS"}
}

test_cmp_004_plan_without_node_groups_is_not_judged if {
	results := compute.cmp_004 with input as {"source": {"kind": "plan"}, "by_type": {}, "coverage": eks_audited("prod")}
	count(results) == 0
}
