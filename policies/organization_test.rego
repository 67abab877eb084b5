# Tests of the organization family; `archscan rules test` and pytest run them.
package archscan.organization_test

import rego.v1

import data.archscan.organization

ok_ledger := [{"account": "111111111111", "region": "global", "service": "organizations", "status": "ok"}]

org(master) := {"id": "o-1", "type": "aws_organizations_organization", "attributes": {"master_account_id": master, "feature_set": "ALL"}, "refs": {}, "unknown": []}

account(id, status, parent) := {"id": id, "type": "aws_organizations_account", "source": "live", "attributes": {"status": status, "parent_id": parent}, "refs": parent_ref(parent), "unknown": []}

parent_ref(parent) := {"parent": parent} if {
	startswith(parent, "ou-")
} else := {}

ou(id) := {"id": id, "type": "aws_organizations_organizational_unit", "attributes": {}, "refs": {}, "unknown": []}

scp(id, full, targets) := {"id": id, "type": "aws_organizations_policy", "source": "live", "attributes": {"type": "SERVICE_CONTROL_POLICY", "full_aws_access": full, "targets": targets}, "refs": {"targets": [t | some t in targets; not startswith(t, "r-")]}, "unknown": []}

all_accounts := [account(id, "ACTIVE", "r-1") | some id in ["111111111111", "222222222222", "333333333333", "444444444444", "555555555555", "666666666666"]]

live_input(by_type) := {"source": {"kind": "live"}, "coverage": ok_ledger, "by_type": by_type}

statuses(results, id) := {r.status | some r in results; r.resource == id}

test_org_001_six_active_members_pass if {
	results := organization.org_001 with input as live_input({"aws_organizations_organization": [org("111111111111")], "aws_organizations_account": all_accounts})
	count(results) == 6
	{r.status | some r in results} == {"PASS"}
}

test_org_001_missing_suspended_and_wrong_management_fail if {
	accounts := array.concat([a | some a in all_accounts; not a.id in {"333333333333", "444444444444"}], [account("444444444444", "SUSPENDED", "r-1")])
	results := organization.org_001 with input as live_input({"aws_organizations_organization": [org("999999999999")], "aws_organizations_account": accounts})
	statuses(results, "333333333333") == {"FAIL"}
	statuses(results, "444444444444") == {"FAIL"}
	statuses(results, "111111111111") == {"FAIL"}
	statuses(results, "555555555555") == {"PASS"}
}

test_org_001_no_organization_fails_every_account if {
	results := organization.org_001 with input as live_input({})
	count(results) == 6
	{r.status | some r in results} == {"FAIL"}
}

test_org_001_not_asked_is_not_collected if {
	results := organization.org_001 with input as {"source": {"kind": "live"}, "coverage": [], "by_type": {}}
	{r.status | some r in results} == {"NOT_COLLECTED"}
}

test_org_001_plans_are_not_judged if {
	count(organization.org_001) == 0 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {}}
}

test_org_002_guardrail_on_ou_and_account_passes if {
	accounts := [account("333333333333", "ACTIVE", "ou-w"), account("444444444444", "ACTIVE", "ou-w"), account("555555555555", "ACTIVE", "r-1")]
	policies := [scp("p-FullAWSAccess", true, ["r-1"]), scp("p-guard", false, ["ou-w"]), scp("p-prod", false, ["555555555555"])]
	results := organization.org_002 with input as live_input({"aws_organizations_account": accounts, "aws_organizations_organizational_unit": [ou("ou-w")], "aws_organizations_policy": policies})
	statuses(results, "333333333333") == {"PASS"}
	statuses(results, "444444444444") == {"PASS"}
	statuses(results, "555555555555") == {"PASS"}
}

test_org_002_full_aws_access_only_fails if {
	accounts := [account("333333333333", "ACTIVE", "ou-w"), account("555555555555", "ACTIVE", "r-1")]
	policies := [scp("p-FullAWSAccess", true, ["r-1"]), scp("p-guard", false, ["ou-w"]), scp("p-open", true, ["555555555555"])]
	results := organization.org_002 with input as live_input({"aws_organizations_account": accounts, "aws_organizations_organizational_unit": [ou("ou-w")], "aws_organizations_policy": policies})
	statuses(results, "333333333333") == {"PASS"}
	statuses(results, "555555555555") == {"FAIL"}
}

test_org_002_root_guardrail_reaches_every_account if {
	results := organization.org_002 with input as live_input({"aws_organizations_policy": [scp("p-root", false, ["r-1"])]})
	count(results) == 3
	{r.status | some r in results} == {"PASS"}
}

test_org_002_plan_unknown_content_or_target_is_unknown if {
	later := object.union(scp("aws_organizations_policy.a", null, ["333333333333"]), {"source": "plan", "attributes": {"full_aws_access": null}, "unknown": ["full_aws_access"]})
	unresolved := object.union(scp("aws_organizations_policy.b", false, []), {"source": "plan", "unknown": ["refs.targets", "targets"]})
	results := organization.org_002 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {"aws_organizations_policy": [later, unresolved]}}
	statuses(results, "333333333333") == {"UNKNOWN"}
	statuses(results, "555555555555") == {"UNKNOWN"}
}

test_org_002_plan_ou_target_reaches_tagged_planned_account if {
	planned := {"id": "aws_organizations_account.prod", "type": "aws_organizations_account", "source": "plan", "env_signals": {"tag": "prod"}, "attributes": {"parent_id": "aws_organizations_organizational_unit.w"}, "refs": {"parent": "aws_organizations_organizational_unit.w"}, "unknown": []}
	guard := object.union(scp("aws_organizations_policy.g", false, ["aws_organizations_organizational_unit.w"]), {"source": "plan"})
	results := organization.org_002 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {"aws_organizations_account": [planned], "aws_organizations_policy": [guard]}}
	statuses(results, "555555555555") == {"PASS"}
	statuses(results, "333333333333") == {"UNKNOWN"} # the OU may hold dev: the plan does not say
}

test_org_002_plan_without_scps_is_not_judged if {
	count(organization.org_002) == 0 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {}}
}

test_org_003_members_of_documented_payer_pass if {
	results := organization.org_003 with input as live_input({"aws_organizations_organization": [org("111111111111")], "aws_organizations_account": all_accounts})
	count(results) == 5
	{r.status | some r in results} == {"PASS"}
}

test_org_003_other_payer_or_outside_fails if {
	accounts := [a | some a in all_accounts; a.id != "666666666666"]
	results := organization.org_003 with input as live_input({"aws_organizations_organization": [org("999999999999")], "aws_organizations_account": accounts})
	statuses(results, "333333333333") == {"FAIL"}
	statuses(results, "666666666666") == {"FAIL"}
	results2 := organization.org_003 with input as live_input({"aws_organizations_organization": [org("111111111111")], "aws_organizations_account": accounts})
	statuses(results2, "666666666666") == {"FAIL"}
	statuses(results2, "333333333333") == {"PASS"}
}

test_org_003_no_organization_fails if {
	results := organization.org_003 with input as live_input({})
	count(results) == 5
	{r.status | some r in results} == {"FAIL"}
}
