# Helpers shared by the control families: resource lookup, baseline lookup, verdicts.
package archscan.lib

import rego.v1

# Resources of one canonical type (an empty list when the inventory has none).
resources(type_name) := object.get(input.by_type, type_name, [])

# Every resource indexed by id, for joins across types.
by_id := {r.id: r | some rs in input.by_type; some r in rs}

# The baseline's description of a resource's environment (undefined when unresolved).
env_spec(r) := data.baseline.environments[r.environment]

# True when the value at a dotted attribute (or "refs.x") path is known only after apply.
unknown(r, path) if path in r.unknown

# A verdict object as the engine expects it.
verdict(r, status, message, expected, actual) := {
	"resource": r.id,
	"status": status,
	"message": message,
	"expected": expected,
	"actual": actual,
}

# The documented tier whose CIDR set holds a subnet CIDR exactly (undefined otherwise).
tier_of(env, cidr) := tier if {
	some tier, spec in data.baseline.environments[env].vpc.subnet_tiers
	cidr in spec.cidrs
}

# Resolved ids of a ref that may be a single id or a list.
ref_ids(r, name) := {id | some id in r.refs[name]} if is_array(r.refs[name])

ref_ids(r, name) := {r.refs[name]} if is_string(r.refs[name])

ref_ids(r, name) := set() if not r.refs[name]

# Status from a list of problems and a list of undecidable checks.
status_of(problems, unknowns) := "FAIL" if count(problems) > 0

status_of(problems, unknowns) := "UNKNOWN" if {
	count(problems) == 0
	count(unknowns) > 0
}

status_of(problems, unknowns) := "PASS" if {
	count(problems) == 0
	count(unknowns) == 0
}

# Environments whose VPC resource is part of this inventory: scope-level checks
# (counts per tier, NAT layout) run only where the inventory owns the VPC.
envs_with_vpc := {v.environment |
	some v in resources("aws_vpc")
	v.environment
	not v.attributes.is_default
	data.baseline.environments[v.environment].vpc
}

# Choose between two values on a boolean (Rego has no conditional expression).
pick(true, when_true, _) := when_true

pick(false, _, when_false) := when_false

# PASS or FAIL from a boolean.
pass_fail(ok) := pick(ok, "PASS", "FAIL")

# The tier of a subnet CIDR, or null when it is in no documented tier set.
tier_or_null(env, cidr) := tier if {
	tier := tier_of(env, cidr)
} else := null

# One message per status, for rules that report problems and undecidable checks.
message_of(problems, unknowns, prefix, pass_text) := sprintf("%s: %s", [prefix, concat("; ", problems)]) if {
	count(problems) > 0
} else := sprintf("%s: known only after apply: %s", [prefix, concat(", ", unknowns)]) if {
	count(unknowns) > 0
} else := sprintf("%s: %s", [prefix, pass_text])

# Subnets of a default VPC (AWS creates one per region) are not part of the tier plan.
in_default_vpc(s) if s.attributes.is_default == true

in_default_vpc(s) if by_id[s.refs.vpc].attributes.is_default == true

# Subnets that the documented tier plan governs.
planned_subnets := [s | some s in resources("aws_subnet"); not in_default_vpc(s)]

# -- Documented components a live audit did not find ---------------------------------------

env_account_id(env) := data.baseline.accounts[data.baseline.environments[env].account].id

# Live only: the audit asked `service` in the environment's account and primary region
# (whatever the ledger says; the engine turns a verdict in a failed scope into NOT_COLLECTED).
# An account the audit did not cover is out of its scope: no verdict, not a failure.
env_audited(env, service) if {
	input.source.kind == "live"
	account := env_account_id(env)
	some e in input.coverage
	e.service == service
	e.account == account
	e.region == data.baseline.regions.primary
}

# FAIL for a component the baseline documents for `env` that its audited account lacks.
missing_verdict(env, component, expected) := {
	"resource": sprintf("%s/%s", [env, component]),
	"status": "FAIL",
	"message": sprintf("%s: no %s in account %s, %s (the baseline documents one)", [env, expected, env_account_id(env), data.baseline.regions.primary]),
	"expected": expected,
	"actual": null,
	"environment": env,
	"account": env_account_id(env),
	"region": data.baseline.regions.primary,
}
