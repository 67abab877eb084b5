# Cost controls: budgets with alerts, anomaly detection, the NAT layout of the cost plan.
# (COST-001, the cost estimate, is a Python rule: rules/cost.py.)
package archscan.cost

import rego.v1

import data.archscan.lib
import data.archscan.network.net_004

live := input.source.kind == "live"

budgets := lib.resources("aws_budgets_budget")

monitors := lib.resources("aws_ce_anomaly_monitor")

subscriptions := lib.resources("aws_ce_anomaly_subscription")

env_account(env) := data.baseline.accounts[data.baseline.environments[env].account].id

# Ledger status of a service in an account: "ok", another status, or undefined when not asked.
ledger_ok(service, account) if {
	some e in input.coverage
	e.service == service
	e.account == account
	e.status == "ok"
}

ledger_asked(service, account) if {
	some e in input.coverage
	e.service == service
	e.account == account
}

# Environments a budget watches: the linked accounts it filters on, else its own environment.
budget_envs(b) := {env |
	some id in object.get(object.get(b.attributes, "cost_filters", {}), "LinkedAccount", [])
	some env, _ in data.baseline.environments
	env_account(env) == id
} if {
	count(object.get(object.get(b.attributes, "cost_filters", {}), "LinkedAccount", [])) > 0
} else := {b.environment} if {
	b.environment
} else := set()

covering(env) := [b | some b in budgets; env in budget_envs(b)]

alerting(b) if b.attributes.notification_count > 0

# Plans are judged when they manage budgets (a plan describes part of the estate).
budget_scope(_) if {
	not live
	count(budgets) > 0
}

budget_scope(_) if live

# METADATA
# title: Each environment account has an AWS Budget with alerts
# description: Every environment in budgets.alerts_required is watched by a budget (in its own account, or a management-account budget filtered on its linked account) with at least one notification.
# custom:
#   id: COST-002
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_budgets_budget]
#   seed: "Budgets & Alerts"
#   rationale: Without a budget alert, spend beyond the documented monthly figure is found on the invoice, weeks late.
#   remediation: "Terraform: add an aws_budgets_budget (budget_type COST, time_unit MONTHLY, limit_amount the environment's budget) with notification blocks, either in the environment account or in the management account with cost_filter { name = \"LinkedAccount\" values = [<account id>] }. Live: `aws budgets create-budget --notifications-with-subscribers ...`."
#   baseline: [budgets.alerts_required, accounts, environments.*.account]
#   frameworks: {well_architected: "COST02-BP05", cis: null}
cost_002 contains v if {
	some env in data.baseline.budgets.alerts_required
	budget_scope(env)
	found := covering(env)
	with_alerts := sort([b.id | some b in found; alerting(b)])
	undecided := sort([b.id | some b in found; lib.unknown(b, "notification_count")])
	problems := array.concat(
		["no budget watches it" | count(found) == 0],
		[sprintf("budgets without alerts: %s", [concat(", ", sort([b.id | some b in found]))]) | count(found) > 0; count(undecided) == 0],
	)
	failing := [p | count(with_alerts) == 0; some p in problems]
	open := [u | count(with_alerts) == 0; some u in undecided]
	prefix := sprintf("%s account %s", [env, env_account(env)])
	status := budget_status(env, lib.status_of(failing, open))
	msg := budget_message(status, env, lib.message_of(failing, open, prefix, sprintf("alerts from %s", [concat(", ", with_alerts)])))
	v := {
		"resource": sprintf("%s/budgets", [env_account(env)]),
		"environment": env,
		"account": env_account(env),
		"region": "global",
		"status": status,
		"message": msg,
		"expected": "a budget with at least one notification",
		"actual": {"budgets": sort([b.id | some b in found]), "with_alerts": with_alerts},
	}
}

# Live: only a collected account can prove that no budget with alerts exists.
budget_status(env, status) := "NOT_COLLECTED" if {
	status != "PASS"
	live
	not ledger_asked("budgets", env_account(env))
} else := status

budget_message("NOT_COLLECTED", env, text) := sprintf("%s (budgets of account %s were not collected)", [text, env_account(env)])

budget_message(status, _, text) := text if status != "NOT_COLLECTED"

# A monitor's subscription that notifies someone.
notifying(s) if s.attributes.subscriber_count > 0

subscribed_monitors(s) := lib.ref_ids(s, "monitors")

pairs := [s.id |
	some s in subscriptions
	notifying(s)
	some m in subscribed_monitors(s)
	lib.by_id[m].type == "aws_ce_anomaly_monitor"
]

ce_undecided := sort([s.id |
	some s in subscriptions
	some path in ["refs.monitors", "subscriber_count"]
	lib.unknown(s, path)
])

management := data.baseline.accounts.management.id

anomaly_scope if {
	not live
	count(monitors) + count(subscriptions) > 0
}

anomaly_scope if {
	live
	count(pairs) > 0
}

anomaly_scope if {
	live
	ledger_ok("ce", management)
}

# METADATA
# title: Cost anomaly detection has an alert subscription
# description: At least one Cost Anomaly Detection monitor exists with a subscription that notifies a subscriber; judged where the management (payer) account's Cost Explorer data was collected, or when a plan manages anomaly detection.
# custom:
#   id: COST-003
#   severity: low
#   inputs: [plan, live]
#   reads: [aws_ce_anomaly_monitor, aws_ce_anomaly_subscription]
#   seed: Anomaly Detection
#   rationale: Budgets catch a month that runs over; anomaly detection catches a sudden spike (a runaway job, a leaked key) within a day.
#   remediation: "Terraform: add an aws_ce_anomaly_monitor (monitor_type DIMENSIONAL, monitor_dimension SERVICE) and an aws_ce_anomaly_subscription whose monitor_arn_list names it, with a subscriber block. Live: `aws ce create-anomaly-monitor` and `aws ce create-anomaly-subscription` in the management account."
#   baseline: [budgets.anomaly_detection, accounts.management]
#   frameworks: {well_architected: "COST02-BP05", cis: null}
cost_003 contains v if {
	data.baseline.budgets.anomaly_detection == true
	anomaly_scope
	problems := array.concat(
		["no anomaly monitor" | count(monitors) == 0],
		["no subscription that notifies a subscriber for a monitor" | count(monitors) > 0; count(ce_undecided) == 0],
	)
	failing := [p | count(pairs) == 0; some p in problems]
	open := [u | count(pairs) == 0; some u in ce_undecided]
	msg := lib.message_of(failing, open, "cost anomaly detection", sprintf("alerts through %s", [concat(", ", sort(pairs))]))
	v := {
		"resource": sprintf("%s/anomaly-detection", [anomaly_owner]),
		"account": anomaly_owner,
		"region": "global",
		"status": lib.status_of(failing, open),
		"message": msg,
		"expected": "a monitor with a notifying subscription",
		"actual": {"monitors": sort([m.id | some m in monitors]), "subscriptions_with_subscribers": sort(pairs)},
	}
}

cost_003 contains v if {
	data.baseline.budgets.anomaly_detection == true
	live
	count(pairs) == 0
	not ledger_asked("ce", management)
	v := {
		"resource": sprintf("%s/anomaly-detection", [management]),
		"account": management,
		"region": "global",
		"status": "NOT_COLLECTED",
		"message": sprintf("Cost Explorer was not collected in the management account %s", [management]),
		"expected": "a monitor with a notifying subscription",
		"actual": null,
	}
}

anomaly_owner := management if {
	live
} else := "plan"

# METADATA
# title: NAT gateway layout matches the cost plan
# description: "Single NAT gateway for non-production, one per AZ for production, as the cost plan budgets them; the count and AZ spread come from NET-004's layout check."
# custom:
#   id: COST-004
#   severity: medium
#   inputs: [plan, live]
#   reads: [aws_nat_gateway, aws_subnet, aws_vpc]
#   seed: NAT Gateway
#   rationale: Each NAT gateway costs about $32 a month plus data processing; extra gateways in dev or staging are waste, missing ones in prod trade availability for pennies.
#   remediation: "Terraform: one aws_nat_gateway in dev and staging (single_nat_gateway = true in the VPC module), one per AZ in prod (one_nat_gateway_per_az = true). Live: delete surplus NAT gateways after repointing routes, or add one per AZ in prod."
#   baseline: [environments.*.vpc.nat_gateways]
#   frameworks: {well_architected: "COST07-BP02", cis: null}
cost_004 contains v if {
	some n in net_004
	n.environment
	endswith(n.resource, "/nat-gateways")
	spec := data.baseline.environments[n.environment].vpc.nat_gateways
	layout := lib.pick(spec.one_per_az, "one per AZ", "a single NAT gateway")
	v := {
		"resource": n.resource,
		"environment": n.environment,
		"account": n.account,
		"region": n.region,
		"status": n.status,
		"message": sprintf("cost plan (%s, %d): %s", [layout, spec.count, n.message]),
		"expected": n.expected,
		"actual": n.actual,
	}
}
