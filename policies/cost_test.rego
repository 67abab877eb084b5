# Tests of the cost family (COST-002..004); `archscan rules test` and pytest run them.
package archscan.cost_test

import rego.v1

import data.archscan.cost

budget(id, env, alerts, linked) := {
	"id": id,
	"type": "aws_budgets_budget",
	"environment": env,
	"attributes": {"notification_count": alerts, "cost_filters": filters(linked)},
	"refs": {},
	"unknown": [],
}

filters(linked) := {"LinkedAccount": linked} if count(linked) > 0

filters(linked) := {} if count(linked) == 0

ledger(service, accounts) := [{"account": a, "region": "global", "service": service, "status": "ok"} | some a in accounts]

statuses(results, id) := {r.status | some r in results; r.resource == id}

test_cost_002_budgets_with_alerts_pass if {
	budgets := [
		budget("333333333333:dev", "dev", 2, []),
		budget("111111111111:staging", "management", 1, ["444444444444"]),
		budget("111111111111:prod", "management", 1, ["555555555555"]),
	]
	results := cost.cost_002 with input as {"source": {"kind": "live"}, "coverage": ledger("budgets", ["111111111111", "333333333333"]), "by_type": {"aws_budgets_budget": budgets}}
	count(results) == 3
	{r.status | some r in results} == {"PASS"}
}

test_cost_002_budget_without_alerts_or_none_fails if {
	results := cost.cost_002 with input as {"source": {"kind": "live"}, "coverage": ledger("budgets", ["333333333333", "444444444444"]), "by_type": {"aws_budgets_budget": [budget("333333333333:dev", "dev", 0, [])]}}
	statuses(results, "333333333333/budgets") == {"FAIL"}
	statuses(results, "444444444444/budgets") == {"FAIL"}
	statuses(results, "555555555555/budgets") == {"NOT_COLLECTED"} # prod's account was not read
}

test_cost_002_plan_unknown_notifications_is_unknown if {
	later := object.union(budget("aws_budgets_budget.dev", "dev", null, []), {"attributes": {"cost_filters": {}}, "unknown": ["notification_count", "notifications"]})
	results := cost.cost_002 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {"aws_budgets_budget": [later]}}
	statuses(results, "333333333333/budgets") == {"UNKNOWN"}
	statuses(results, "555555555555/budgets") == {"FAIL"}
}

test_cost_002_plan_without_budgets_is_not_judged if {
	count(cost.cost_002) == 0 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {}}
}

monitor := {"id": "arn:m", "type": "aws_ce_anomaly_monitor", "attributes": {"monitor_type": "DIMENSIONAL"}, "refs": {}, "unknown": []}

subscription(subscribers, monitors) := {"id": "arn:s", "type": "aws_ce_anomaly_subscription", "attributes": {"subscriber_count": subscribers}, "refs": {"monitors": monitors}, "unknown": []}

test_cost_003_monitor_with_subscription_passes if {
	results := cost.cost_003 with input as {"source": {"kind": "live"}, "coverage": ledger("ce", ["111111111111"]), "by_type": {"aws_ce_anomaly_monitor": [monitor], "aws_ce_anomaly_subscription": [subscription(1, ["arn:m"])]}}
	statuses(results, "111111111111/anomaly-detection") == {"PASS"}
}

test_cost_003_no_subscriber_or_no_monitor_fails if {
	silent := cost.cost_003 with input as {"source": {"kind": "live"}, "coverage": ledger("ce", ["111111111111"]), "by_type": {"aws_ce_anomaly_monitor": [monitor], "aws_ce_anomaly_subscription": [subscription(0, ["arn:m"])]}}
	statuses(silent, "111111111111/anomaly-detection") == {"FAIL"}
	nothing := cost.cost_003 with input as {"source": {"kind": "live"}, "coverage": ledger("ce", ["111111111111"]), "by_type": {}}
	statuses(nothing, "111111111111/anomaly-detection") == {"FAIL"}
}

test_cost_003_management_not_collected_is_not_collected if {
	results := cost.cost_003 with input as {"source": {"kind": "live"}, "coverage": ledger("ce", ["123456789012"]), "by_type": {}}
	statuses(results, "111111111111/anomaly-detection") == {"NOT_COLLECTED"}
}

test_cost_003_plan_unresolved_monitors_is_unknown if {
	later := object.union(subscription(1, []), {"refs": {}, "unknown": ["refs.monitors"]})
	results := cost.cost_003 with input as {"source": {"kind": "plan"}, "coverage": [], "by_type": {"aws_ce_anomaly_monitor": [monitor], "aws_ce_anomaly_subscription": [later]}}
	statuses(results, "plan/anomaly-detection") == {"UNKNOWN"}
}

vpc := {"id": "vpc.dev", "type": "aws_vpc", "environment": "dev", "attributes": {"cidr_block": "10.0.0.0/16"}, "refs": {}, "unknown": []}

subnet(id, cidr, az) := {"id": id, "type": "aws_subnet", "environment": "dev", "attributes": {"cidr_block": cidr, "availability_zone": az}, "refs": {"vpc": "vpc.dev"}, "unknown": []}

nat(id, subnet_id) := {"id": id, "type": "aws_nat_gateway", "environment": "dev", "attributes": {}, "refs": {"subnet": subnet_id}, "unknown": []}

dev_input(nats) := {"source": {"kind": "plan"}, "coverage": [], "by_type": {
	"aws_vpc": [vpc],
	"aws_subnet": [subnet("pub_a", "10.0.1.0/24", "us-west-2a"), subnet("pub_b", "10.0.2.0/24", "us-west-2b")],
	"aws_nat_gateway": nats,
}}

test_cost_004_single_nat_in_dev_passes if {
	results := cost.cost_004 with input as dev_input([nat("nat_a", "pub_a")])
	statuses(results, "vpc.dev/nat-gateways") == {"PASS"}
	count(results) == 1
}

test_cost_004_nat_per_az_in_dev_fails if {
	results := cost.cost_004 with input as dev_input([nat("nat_a", "pub_a"), nat("nat_b", "pub_b")])
	statuses(results, "vpc.dev/nat-gateways") == {"FAIL"}
}
