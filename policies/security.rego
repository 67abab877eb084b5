# Security controls: TLS on load balancer listeners.
package archscan.security

import rego.v1

import data.archscan.lib

listeners := lib.resources("aws_lb_listener")

policies := {p | some p in data.baseline.security.listener_tls_policies}

# METADATA
# title: HTTPS listeners use TLS 1.3 policies; HTTP only redirects
# description: Load balancer HTTPS listeners use a TLS 1.3 security policy; HTTP listeners only redirect to HTTPS.
# custom:
#   id: SEC-001
#   severity: high
#   inputs: [plan, live]
#   reads: [aws_lb_listener]
#   seed: "TLS 1.3 In Transit"
#   rationale: Older policies allow TLS 1.0/1.1 and weak ciphers; a plain HTTP listener that forwards serves traffic unencrypted.
#   remediation: "Terraform: set aws_lb_listener.ssl_policy to a TLS 1.3 policy such as ELBSecurityPolicy-TLS13-1-2-2021-06; give port-80 listeners a default_action of type redirect with protocol HTTPS. Live: `aws elbv2 modify-listener --ssl-policy ...`."
#   baseline: [security.listener_tls_policies, security.http_listeners]
#   frameworks: {well_architected: "SEC09-BP02", cis: null}
sec_001 contains v if {
	some l in listeners
	upper(object.get(l.attributes, "protocol", "")) in {"HTTPS", "TLS"}
	lib.unknown(l, "ssl_policy")
	v := lib.verdict(l, "UNKNOWN", sprintf("%s: TLS policy is known only after apply", [l.id]), sort([p | some p in policies]), null)
}

sec_001 contains v if {
	some l in listeners
	upper(object.get(l.attributes, "protocol", "")) in {"HTTPS", "TLS"}
	not lib.unknown(l, "ssl_policy")
	policy := object.get(l.attributes, "ssl_policy", "ELBSecurityPolicy-2016-08") # AWS default
	ok := policy in policies
	msg := lib.pick(ok, sprintf("%s uses %s", [l.id, policy]), sprintf("%s uses %s, not a TLS 1.3 policy", [l.id, policy]))
	v := lib.verdict(l, lib.pass_fail(ok), msg, sort([p | some p in policies]), policy)
}

sec_001 contains v if {
	data.baseline.security.http_listeners == "redirect_to_https"
	some l in listeners
	upper(object.get(l.attributes, "protocol", "")) == "HTTP"
	lib.unknown(l, "default_actions")
	v := lib.verdict(l, "UNKNOWN", sprintf("%s: default actions are known only after apply", [l.id]), "redirect to HTTPS", null)
}

sec_001 contains v if {
	data.baseline.security.http_listeners == "redirect_to_https"
	some l in listeners
	upper(object.get(l.attributes, "protocol", "")) == "HTTP"
	not lib.unknown(l, "default_actions")
	actions := object.get(l.attributes, "default_actions", [])
	bad := [a.type | some a in actions; not redirects_to_https(a)]
	problems := array.concat(
		[sprintf("default action %s does not redirect to HTTPS", [t]) | some t in bad],
		["no default action" | count(actions) == 0],
	)
	v := lib.verdict(l, lib.status_of(problems, []), lib.message_of(problems, [], l.id, "redirects to HTTPS"), "redirect to HTTPS", [a.type | some a in actions])
}

redirects_to_https(a) if {
	a.type == "redirect"
	upper(a.redirect.protocol) == "HTTPS"
}
