# Tests of the security family.
package archscan.security_test

import rego.v1

import data.archscan.security

listener(id, attrs, unknown) := {"id": id, "type": "aws_lb_listener", "environment": "prod", "attributes": attrs, "refs": {}, "unknown": unknown}

statuses(results, id) := {r.status | some r in results; r.resource == id}

redirect := {"type": "redirect", "redirect": {"protocol": "HTTPS", "port": "443", "status_code": "HTTP_301"}}

test_sec_001_tls13_https_and_redirecting_http_pass if {
	ls := [
		listener("https", {"protocol": "HTTPS", "port": 443, "ssl_policy": "ELBSecurityPolicy-TLS13-1-2-2021-06"}, []),
		listener("http", {"protocol": "HTTP", "port": 80, "default_actions": [redirect]}, []),
	]
	results := security.sec_001 with input as {"by_type": {"aws_lb_listener": ls}}
	statuses(results, "https") == {"PASS"}
	statuses(results, "http") == {"PASS"}
}

test_sec_001_old_policy_and_forwarding_http_fail if {
	ls := [
		listener("https", {"protocol": "HTTPS", "port": 443, "ssl_policy": "ELBSecurityPolicy-2016-08"}, []),
		listener("https_default", {"protocol": "HTTPS", "port": 8443}, []),
		listener("http", {"protocol": "HTTP", "port": 80, "default_actions": [{"type": "forward"}]}, []),
	]
	results := security.sec_001 with input as {"by_type": {"aws_lb_listener": ls}}
	statuses(results, "https") == {"FAIL"}
	statuses(results, "https_default") == {"FAIL"}
	statuses(results, "http") == {"FAIL"}
}

test_sec_001_unknown_policy_is_unknown if {
	ls := [listener("https", {"protocol": "HTTPS", "port": 443}, ["ssl_policy"])]
	results := security.sec_001 with input as {"by_type": {"aws_lb_listener": ls}}
	statuses(results, "https") == {"UNKNOWN"}
}

test_sec_001_tcp_listener_not_judged if {
	ls := [listener("tcp", {"protocol": "TCP", "port": 5432}, [])]
	results := security.sec_001 with input as {"by_type": {"aws_lb_listener": ls}}
	count(results) == 0
}
