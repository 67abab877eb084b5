# Organization controls: documented accounts, service control policies, consolidated billing.
package archscan.organization

import rego.v1

import data.archscan.lib

accounts := lib.resources("aws_organizations_account")

organizations := lib.resources("aws_organizations_organization")

policies := lib.resources("aws_organizations_policy")

live := input.source.kind == "live"

# Organizations ledger entries (collected once, from the management account).
org_ledger := [e | some e in input.coverage; e.service == "organizations"]

org_collected if {
	some e in org_ledger
	e.status == "ok"
}

# Nothing was asked of Organizations at all: the controls say so instead of failing.
org_not_asked if count(org_ledger) == 0

not_collected_verdict(rule_scope) := {
	"resource": rule_scope,
	"status": "NOT_COLLECTED",
	"message": "organizations was not collected (run the audit from the management account with the organizations service)",
	"expected": null,
	"actual": null,
}

management_id := data.baseline.accounts.management.id

# The organization (undefined when the account belongs to none).
org := o if {
	some o in organizations
}

# The organization, or an empty object when there is none.
org_or_none := org if {
	org
} else := {}

member(id) := a if {
	some a in accounts
	a.id == id
}

# METADATA
# title: The documented accounts exist and are members of the organization
# description: The organization holds the six documented accounts (management, network, dev, staging, prod, shared-services), each an active member; the management account is the organization's management account.
# custom:
#   id: ORG-001
#   severity: high
#   inputs: [live]
#   reads: [aws_organizations_organization, aws_organizations_account]
#   seed: Multi-Account Organization
#   rationale: Isolation, SCP guardrails and consolidated billing all assume each environment lives in its own member account of one organization.
#   remediation: "Create or invite the missing account (`aws organizations create-account` / `invite-account-to-organization`) and accept the invitation; reinstate suspended accounts. Keep baselines/reference.yaml accounts.*.id in step with the real ids."
#   baseline: [accounts]
#   frameworks: {well_architected: "SEC01-BP01", cis: null}
org_001 contains v if {
	live
	org_not_asked
	v := not_collected_verdict("organization/accounts")
}

org_001 contains v if {
	live
	org_collected
	some key, spec in data.baseline.accounts
	problems := account_problems(key, spec)
	msg := lib.message_of(problems, [], sprintf("%s account %s", [key, spec.id]), "is an active member of the organization")
	v := {
		"resource": spec.id,
		"environment": spec.environment,
		"account": spec.id,
		"region": "global",
		"status": lib.status_of(problems, []),
		"message": msg,
		"expected": {"member": true, "status": "ACTIVE"},
		"actual": account_state(spec.id),
	}
}

account_problems(_, _) := ["the caller's account belongs to no organization"] if not org

account_problems(key, spec) := problems if {
	org
	a_problems := [sprintf("not in organization %s", [org.id]) | not member(spec.id)]
	s_problems := [sprintf("status is %s", [s]) | s := member(spec.id).attributes.status; s != "ACTIVE"]
	m_problems := [sprintf("the organization's management account is %s", [org.attributes.master_account_id]) |
		key == "management"
		org.attributes.master_account_id != spec.id
	]
	problems := array.concat(array.concat(a_problems, s_problems), m_problems)
}

account_state(id) := {"member": true, "status": object.get(member(id).attributes, "status", null)} if {
	member(id)
} else := {"member": false, "status": null}

# Accounts that must carry SCP guardrails: the accounts of the listed environments.
scp_accounts := {env: data.baseline.accounts[data.baseline.environments[env].account].id |
	some env in data.baseline.security.organizations.scp_required_for
}

scps := [p | some p in policies; object.get(p.attributes, "type", "SERVICE_CONTROL_POLICY") == "SERVICE_CONTROL_POLICY"]

restrictive(p) if p.attributes.full_aws_access == false

content_unknown(p) if lib.unknown(p, "full_aws_access")

targets_of(p) := {t | some t in object.get(p.attributes, "targets", [])} | lib.ref_ids(p, "targets")

targets_unknown(p) if lib.unknown(p, "refs.targets")

targets_unknown(p) if lib.unknown(p, "targets")

# Inventory resources that are the account with this id: the live account itself, or a
# planned account whose environment tag names the environment that owns the id.
account_nodes(env, id) := {a.id |
	some a in accounts
	represents(a, env, id)
}

represents(a, _, id) if a.id == id

represents(a, env, _) if {
	a.source == "plan"
	a.env_signals.tag == env
}

# Parent links of accounts and OUs, for the SCPs an account inherits.
tree_nodes := [n |
	some t in ["aws_organizations_account", "aws_organizations_organizational_unit"]
	some n in lib.resources(t)
]

# Every parent is a key too: graph.reachable follows only nodes that are keys.
parent_graph := object.union(
	{p: [] | some n in tree_nodes; p := n.refs.parent},
	{n.id: [p | p := n.refs.parent] | some n in tree_nodes},
)

# Every id an SCP can be attached to and still reach the account: the account, its OUs, a root.
reaching(env, id) := ids if {
	nodes := account_nodes(env, id)
	ids := graph.reachable(parent_graph, nodes) | {id}
}

reaches(p, env, id) if {
	some t in targets_of(p)
	t in reaching(env, id)
}

reaches(p, _, _) if {
	some t in targets_of(p)
	startswith(t, "r-")
}

# A target that may hold the account without the inventory showing it (an OU whose members are elsewhere).
may_reach(p, env, id) if targets_unknown(p)

may_reach(p, env, id) if {
	not live
	count(account_nodes(env, id)) == 0
	some t in targets_of(p)
	not t in reaching(env, id)
	not startswith(t, "r-")
	not regex.match(`^[0-9]{12}$`, t)
	not lib.by_id[t].type == "aws_organizations_account"
}

# Plans are judged when they manage SCPs; live inventories when Organizations was collected.
scp_scope if {
	not live
	count(scps) > 0
}

scp_scope if {
	live
	org_collected
}

# METADATA
# title: Workload accounts carry service control policies beyond FullAWSAccess
# description: Each workload account (security.organizations.scp_required_for) is reached by at least one SCP that restricts something, attached to the account, one of its OUs or the root.
# custom:
#   id: ORG-002
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_organizations_policy, aws_organizations_account, aws_organizations_organizational_unit]
#   seed: Management Account / SCP
#   rationale: FullAWSAccess alone grants every action; guardrail SCPs (deny leaving the organization, region limits, protecting security services) are the documented preventive control for workload accounts.
#   remediation: "Terraform: create an aws_organizations_policy with deny statements and an aws_organizations_policy_attachment whose target_id is the workload account or its OU. Live: `aws organizations attach-policy --policy-id p-... --target-id <account or OU>`."
#   baseline: [security.organizations.scp_required_for, accounts, environments.*.account]
#   frameworks: {well_architected: "SEC01-BP03", cis: null}
org_002 contains v if {
	live
	org_not_asked
	v := not_collected_verdict("organization/scps")
}

org_002 contains v if {
	scp_scope
	some env, id in scp_accounts
	guards := sort([p.id | some p in scps; restrictive(p); reaches(p, env, id)])
	undecided := sort([p.id |
		some p in scps
		not p.id in guards
		undecided_policy(p, env, id)
	])
	problems := [sprintf("no SCP beyond FullAWSAccess reaches it (%d SCPs seen)", [count(scps)]) |
		count(guards) == 0
		count(undecided) == 0
	]
	open := [u | count(guards) == 0; some u in undecided]
	status := lib.status_of(problems, open)
	msg := lib.message_of(
		problems,
		open,
		sprintf("%s account %s", [env, id]),
		sprintf("guarded by %s", [concat(", ", guards)]),
	)
	v := {
		"resource": id,
		"environment": env,
		"account": id,
		"region": "global",
		"status": status,
		"message": msg,
		"expected": "at least one SCP beyond FullAWSAccess",
		"actual": guards,
	}
}

undecided_policy(p, env, id) if {
	content_unknown(p)
	reaches(p, env, id)
}

undecided_policy(p, env, id) if {
	not p.attributes.full_aws_access == true
	may_reach(p, env, id)
}

# METADATA
# title: Member accounts bill to the management account
# description: Consolidated billing - each documented account is a member of the organization whose management (payer) account is the documented management account.
# custom:
#   id: ORG-003
#   severity: low
#   inputs: [live]
#   reads: [aws_organizations_organization, aws_organizations_account]
#   seed: Consolidated Billing
#   rationale: One payer account gives one bill, shared volume discounts and reserved-instance / savings-plan sharing across environments, which the cost plan counts on.
#   remediation: "Invite the account into the organization run from the documented management account (`aws organizations invite-account-to-organization`), or move the management role to the documented account."
#   baseline: [security.organizations.consolidated_billing, accounts]
#   frameworks: {well_architected: "COST02-BP03", cis: null}
org_003 contains v if {
	live
	org_not_asked
	data.baseline.security.organizations.consolidated_billing == true
	v := not_collected_verdict("organization/billing")
}

org_003 contains v if {
	live
	org_collected
	data.baseline.security.organizations.consolidated_billing == true
	some key, spec in data.baseline.accounts
	key != "management"
	payer := object.get(object.get(org_or_none, "attributes", {}), "master_account_id", null)
	problems := array.concat(
		[sprintf("the organization's payer is %v, documented %s", [payer, management_id]) | payer != management_id],
		[sprintf("not a member of the organization %v", [object.get(org_or_none, "id", null)]) | not member(spec.id)],
	)
	msg := lib.message_of(problems, [], sprintf("%s account %s", [key, spec.id]), sprintf("bills to %s", [management_id]))
	v := {
		"resource": spec.id,
		"environment": spec.environment,
		"account": spec.id,
		"region": "global",
		"status": lib.status_of(problems, []),
		"message": msg,
		"expected": {"payer": management_id},
		"actual": {"payer": payer, "member": account_state(spec.id).member},
	}
}
