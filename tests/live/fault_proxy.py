"""A loopback HTTP proxy in front of the moto server that injects AWS faults.

boto3 talks to the proxy through ``endpoint_url``. The proxy names each request's service
(the SigV4 credential scope ``.../<region>/<service>/aws4_request``, so ``elbv2`` is
``elasticloadbalancing`` and ``opensearch`` is ``es``) and action (``Action=`` for query
protocols, ``X-Amz-Target`` for JSON ones, ``/service/S/operation/Op`` for RPC v2 CBOR,
the operation whose HTTP method and URI template match for REST ones, as botocore's
service model declares them), and either applies the first matching :class:`Fault`
or forwards the request unchanged to moto and relays the answer.

Error answers use the shape of the request's protocol, as AWS sends them: EC2's
``<Response><Errors>``, the query APIs' ``<ErrorResponse>``, S3's bare ``<Error>``, the
JSON APIs' ``__type`` body with ``x-amzn-ErrorType``, REST-JSON's header-named errors and
CBOR maps for RPC v2. Everything listens and connects on 127.0.0.1 only, and every wait
is bounded (and cut short when the proxy stops).
"""

from __future__ import annotations

import contextlib
import fnmatch
import http.client
import json
import os
import re
import socket
import struct
import threading
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from enum import StrEnum
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

LOOPBACK = "127.0.0.1"
HOP_BY_HOP = frozenset(
    {
        "connection",
        "keep-alive",
        "proxy-authenticate",
        "proxy-authorization",
        "te",
        "trailers",
        "transfer-encoding",
        "upgrade",
    }
)
MAX_BODY = 64 * 1024 * 1024  # a request body larger than this is refused, not buffered
REST_XML_SERVICES = frozenset({"route53", "cloudfront"})  # S3 has its own error shape
MODEL_OF_SIGNING_NAME = {"es": "opensearch"}  # botocore model of a REST signing name
_SCOPE = re.compile(r"Credential=[^/,\s]+/\d{8}/([^/]+)/([^/]+)/aws4_request")
_CBOR_PATH = re.compile(r"^/service/[^/]+/operation/([^/?]+)")


class FaultKind(StrEnum):
    """What the proxy does to a matching request."""

    THROTTLE = "throttle"  # the protocol's throttling error
    DENY = "deny"  # the protocol's access-denied error
    LATENCY = "latency"  # wait ``delay`` seconds, then forward
    HANG = "hang"  # answer nothing for ``hang_seconds`` (then close), longer than a read timeout
    RESET = "reset"  # close the connection with a TCP reset, without answering
    RESPOND = "respond"  # answer ``status`` and ``body`` (a recorded response)


@dataclass
class Fault:
    """A fault for requests of one service (and action, region, body text), first N or always.

    ``service`` and ``action`` are fnmatch patterns (``"*"`` matches all); ``times`` is how
    many matching requests get the fault (None: every one); ``body_contains`` narrows the
    match to requests whose body holds that text (a page's marker).
    """

    service: str
    kind: FaultKind
    action: str = "*"
    region: str = "*"
    times: int | None = None
    delay: float = 0.0
    status: int = 200
    body: str = ""
    content_type: str = "application/x-amz-json-1.1"
    body_contains: str | None = None
    hits: int = 0  # requests this fault was applied to

    def matches(self, request: Seen, body: bytes) -> bool:
        """Whether this fault applies to the request (and still has uses left)."""
        if self.times is not None and self.hits >= self.times:
            return False
        if self.body_contains is not None and self.body_contains.encode() not in body:
            return False
        return (
            fnmatch.fnmatchcase(request.service, self.service)
            and fnmatch.fnmatchcase(request.action, self.action)
            and fnmatch.fnmatchcase(request.region, self.region)
        )


@dataclass(frozen=True)
class Seen:
    """One request the proxy received, and what it did with it."""

    service: str
    region: str
    action: str
    protocol: str
    outcome: str = "forwarded"  # or the FaultKind applied


@dataclass
class _State:
    faults: list[Fault] = field(default_factory=list)
    seen: list[Seen] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)
    stopping: threading.Event = field(default_factory=threading.Event)


class FaultProxy:
    """The proxy: ``add`` faults, point boto3 at ``url``, read ``seen`` afterwards."""

    def __init__(
        self, upstream: str, hang_seconds: float = 20.0, upstream_timeout: float = 30.0
    ) -> None:
        parts = urlsplit(upstream)
        if parts.hostname not in {LOOPBACK, "localhost"} or parts.port is None:
            raise ValueError(f"the proxy only forwards to a loopback host:port, not {upstream}")
        self.upstream = (LOOPBACK, parts.port)
        self.hang_seconds = hang_seconds
        self.upstream_timeout = upstream_timeout
        self._state = _State()
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """The proxy's endpoint URL (after start)."""
        if self._server is None:
            raise RuntimeError("the proxy is not running")
        return f"http://{LOOPBACK}:{self._server.server_address[1]}"

    def add(self, fault: Fault) -> Fault:
        """Apply ``fault`` from now on (faults added earlier win when several match)."""
        with self._state.lock:
            self._state.faults.append(fault)
        return fault

    def clear(self) -> None:
        """Drop every fault and forget the requests seen."""
        with self._state.lock:
            self._state.faults.clear()
            self._state.seen.clear()

    @property
    def seen(self) -> list[Seen]:
        """Every request received so far, in arrival order."""
        with self._state.lock:
            return list(self._state.seen)

    def count(self, service: str, action: str = "*", outcome: str = "*") -> int:
        """How many requests of ``service``/``action`` ended with ``outcome`` (patterns)."""
        return sum(
            1
            for item in self.seen
            if fnmatch.fnmatchcase(item.service, service)
            and fnmatch.fnmatchcase(item.action, action)
            and fnmatch.fnmatchcase(item.outcome, outcome)
        )

    def start(self) -> str:
        """Listen on an ephemeral loopback port; return the URL."""
        handler = type("Handler", (_Handler,), {"proxy": self, "state": self._state})
        server = ThreadingHTTPServer((LOOPBACK, 0), handler)
        server.daemon_threads = True
        self._server = server
        self._thread = threading.Thread(
            target=server.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )
        self._thread.start()
        return self.url

    def stop(self) -> None:
        """Release every hung request, stop listening and wait (bounded) for the loop."""
        self._state.stopping.set()
        if self._server is not None:
            self._server.shutdown()
            self._server.server_close()
        if self._thread is not None:
            self._thread.join(timeout=5)


@contextmanager
def fault_proxy(upstream: str, **settings: float) -> Iterator[FaultProxy]:
    """A running :class:`FaultProxy` in front of ``upstream``; stopped afterwards."""
    proxy = FaultProxy(upstream, **settings)
    proxy.start()
    try:
        yield proxy
    finally:
        proxy.stop()


class _Handler(BaseHTTPRequestHandler):
    """One connection: identify, fault or forward, then close."""

    proxy: FaultProxy
    state: _State
    protocol_version = "HTTP/1.1"
    timeout = 30  # an idle client socket cannot hold a thread forever

    def do_GET(self) -> None:
        self._handle()

    do_POST = do_PUT = do_DELETE = do_HEAD = do_PATCH = do_GET

    def log_message(self, format: str, *args: object) -> None:
        """Silent: the tests read ``FaultProxy.seen`` instead."""

    def _handle(self) -> None:
        self.close_connection = True
        # The client may give up first (its read timeout): then nothing is left to answer.
        with contextlib.suppress(BrokenPipeError, ConnectionResetError, TimeoutError):
            self._serve()

    def _serve(self) -> None:
        length = int(self.headers.get("Content-Length") or 0)
        if length > MAX_BODY:
            self._answer(413, {"Content-Type": "text/plain"}, b"request body too large")
            return
        body = self.rfile.read(length) if length else b""
        request = self._identify(body)
        with self.state.lock:
            fault = next((f for f in self.state.faults if f.matches(request, body)), None)
            if fault is not None:
                fault.hits += 1
            outcome = fault.kind.value if fault else "forwarded"
            self.state.seen.append(_with_outcome(request, outcome))
        if fault is None:
            self._forward(body)
        elif fault.kind == FaultKind.LATENCY:
            self.state.stopping.wait(fault.delay)
            self._forward(body)
        elif fault.kind == FaultKind.HANG:
            self.state.stopping.wait(self.proxy.hang_seconds)
            self._reset()
        elif fault.kind == FaultKind.RESET:
            self._reset()
        elif fault.kind == FaultKind.RESPOND:
            self._answer(fault.status, {"Content-Type": fault.content_type}, fault.body.encode())
        else:
            status, headers, payload = error_response(request, fault.kind)
            self._answer(status, headers, payload)

    def _identify(self, body: bytes) -> Seen:
        authorization = self.headers.get("Authorization", "")
        parts = urlsplit(self.path)
        query = parse_qs(parts.query, keep_blank_values=True)
        scope = _SCOPE.search(authorization) or _SCOPE.search(
            "Credential=" + "".join(query.get("X-Amz-Credential", [""])) + ","
        )
        region, service = scope.groups() if scope else ("unknown", "unknown")
        target = self.headers.get("X-Amz-Target")
        form = {}
        if "x-www-form-urlencoded" in (self.headers.get("Content-Type") or ""):
            form = parse_qs(body.decode("utf-8", "replace"))
        action_param = (form.get("Action") or query.get("Action") or [None])[0]
        cbor = _CBOR_PATH.match(parts.path)
        if service == "ec2":
            protocol = "ec2"
        elif service == "s3":
            protocol = "s3"
        elif target:
            protocol = "json"
        elif cbor or "cbor" in (self.headers.get("smithy-protocol") or ""):
            protocol = "cbor"
        elif action_param:
            protocol = "query"
        elif service in REST_XML_SERVICES:
            protocol = "rest-xml"
        else:
            protocol = "rest-json"
        if target:
            action = target.rsplit(".", 1)[-1]
        elif action_param:
            action = action_param
        elif cbor:
            action = cbor.group(1)
        else:
            action = rest_operation(service, self.command, parts.path, query) or (
                f"{self.command} {parts.path}"
            )
        return Seen(service=service, region=region, action=action, protocol=protocol)

    def _forward(self, body: bytes) -> None:
        host, port = self.proxy.upstream
        connection = http.client.HTTPConnection(host, port, timeout=self.proxy.upstream_timeout)
        try:
            connection.putrequest(
                self.command, self.path, skip_host=True, skip_accept_encoding=True
            )
            for name, value in self.headers.items():
                if name.lower() not in HOP_BY_HOP:
                    connection.putheader(name, value)
            connection.endheaders(body or None)
            answer = connection.getresponse()
            payload = answer.read()
            headers = [(k, v) for k, v in answer.getheaders() if k.lower() not in HOP_BY_HOP]
            status, reason = answer.status, answer.reason
        except OSError as exc:
            self._answer(502, {"Content-Type": "text/plain"}, f"upstream: {exc}".encode())
            return
        finally:
            connection.close()
        self.send_response_only(status, reason)
        for name, value in headers:
            if name.lower() != "content-length" or self.command == "HEAD":
                self.send_header(name, value)
        if self.command != "HEAD":
            self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _answer(self, status: int, headers: dict[str, str], payload: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(payload)))
        self.send_header("Connection", "close")
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(payload)

    def _reset(self) -> None:
        """Close the socket with a TCP RST (SO_LINGER 0) and no answer at all."""
        try:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            os.close(self.connection.detach())
        except OSError:
            pass


@dataclass(frozen=True)
class _Route:
    operation: str
    method: str
    path: re.Pattern[str]
    query: tuple[tuple[str, str | None], ...]  # required keys (and values) of the URI
    literal: int  # characters of the template that are not placeholders
    current: bool  # not deprecated (GetBucketLifecycleConfiguration over GetBucketLifecycle)


@cache
def _routes(service: str) -> tuple[_Route, ...]:
    """Every operation of a REST service's botocore model, most specific first."""
    import botocore.session

    try:
        model = botocore.session.get_session().get_service_model(
            MODEL_OF_SIGNING_NAME.get(service, service)
        )
    except Exception:
        return ()
    routes: list[_Route] = []
    for name in model.operation_names:
        operation = model.operation_model(name)
        http = operation.http
        template, _, query_text = str(http.get("requestUri", "/")).partition("?")
        pattern = re.sub(
            r"\\\{[^}]+?(\\\+)?\\\}",
            lambda m: ".+" if m.group(1) else "[^/]+",
            re.escape(template),
        )
        query = tuple(
            (key, value if sep else None)
            for key, sep, value in (item.partition("=") for item in query_text.split("&") if item)
        )
        literal = len(re.sub(r"\{[^}]+\}", "", template))
        method = str(http.get("method", "GET"))
        current = not operation.deprecated
        routes.append(_Route(name, method, re.compile(pattern), query, literal, current))
    routes.sort(key=lambda route: (len(route.query), route.literal, route.current), reverse=True)
    return tuple(routes)


def rest_operation(service: str, method: str, path: str, query: dict[str, list[str]]) -> str:
    """The operation of a REST request (``GetBucketTagging``), or "" when none matches."""
    for route in _routes(service):
        if route.method != method or not route.path.fullmatch(path):
            continue
        if all(
            key in query and (value is None or value in query[key]) for key, value in route.query
        ):
            return route.operation
    return ""


def _with_outcome(request: Seen, outcome: str) -> Seen:
    return Seen(request.service, request.region, request.action, request.protocol, outcome)


# (code, message, HTTP status) of throttling and denial, per protocol, as AWS answers them.
_ERRORS: dict[str, dict[FaultKind, tuple[str, str, int]]] = {
    "ec2": {
        FaultKind.THROTTLE: ("RequestLimitExceeded", "Request limit exceeded.", 503),
        FaultKind.DENY: (
            "UnauthorizedOperation",
            "You are not authorized to perform this operation.",
            403,
        ),
    },
    "query": {
        FaultKind.THROTTLE: ("Throttling", "Rate exceeded", 400),
        FaultKind.DENY: ("AccessDenied", "{principal} is not authorized to perform: {iam}", 403),
    },
    "s3": {
        FaultKind.THROTTLE: ("SlowDown", "Please reduce your request rate.", 503),
        FaultKind.DENY: ("AccessDenied", "Access Denied", 403),
    },
    "json": {
        FaultKind.THROTTLE: ("ThrottlingException", "Rate exceeded", 400),
        FaultKind.DENY: (
            "AccessDeniedException",
            "{principal} is not authorized to perform: {iam}",
            400,
        ),
    },
    "cbor": {
        FaultKind.THROTTLE: ("ThrottlingException", "Rate exceeded", 400),
        FaultKind.DENY: (
            "AccessDeniedException",
            "{principal} is not authorized to perform: {iam}",
            400,
        ),
    },
    "rest-json": {
        FaultKind.THROTTLE: ("ThrottlingException", "Rate exceeded", 429),
        FaultKind.DENY: (
            "AccessDeniedException",
            "{principal} is not authorized to perform: {iam}",
            403,
        ),
    },
    "rest-xml": {
        FaultKind.THROTTLE: ("Throttling", "Rate exceeded", 400),
        FaultKind.DENY: ("AccessDenied", "{principal} is not authorized to perform: {iam}", 403),
    },
}
PRINCIPAL = "User: arn:aws:iam::123456789012:user/archscan"


def error_response(request: Seen, kind: FaultKind) -> tuple[int, dict[str, str], bytes]:
    """Status, headers and body of ``kind`` in the protocol of ``request``."""
    code, template, status = _ERRORS[request.protocol][kind]
    action = request.action if " " not in request.action else "*"
    message = template.format(principal=PRINCIPAL, iam=f"{request.service}:{action}")
    request_id = str(uuid.uuid4())
    if request.protocol == "ec2":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Response><Errors><Error><Code>{code}</Code><Message>{message}</Message>"
            f"</Error></Errors><RequestID>{request_id}</RequestID></Response>"
        )
        return status, {"Content-Type": "text/xml;charset=UTF-8"}, body.encode()
    if request.protocol in {"query", "rest-xml"}:
        body = (
            "<ErrorResponse><Error><Type>Sender</Type>"
            f"<Code>{code}</Code><Message>{message}</Message></Error>"
            f"<RequestId>{request_id}</RequestId></ErrorResponse>"
        )
        headers = {"Content-Type": "text/xml", "x-amzn-RequestId": request_id}
        return status, headers, body.encode()
    if request.protocol == "s3":
        body = (
            '<?xml version="1.0" encoding="UTF-8"?>\n'
            f"<Error><Code>{code}</Code><Message>{message}</Message>"
            f"<RequestId>{request_id}</RequestId><HostId>proxy</HostId></Error>"
        )
        headers = {"Content-Type": "application/xml", "x-amz-request-id": request_id}
        return status, headers, body.encode()
    if request.protocol == "cbor":
        headers = {
            "Content-Type": "application/cbor",
            "smithy-protocol": "rpc-v2-cbor",
            "x-amzn-RequestId": request_id,
        }
        return status, headers, cbor_text_map({"__type": code, "message": message})
    headers = {"x-amzn-RequestId": request_id, "x-amzn-ErrorType": code}
    if request.protocol == "json":
        headers["Content-Type"] = "application/x-amz-json-1.1"
        return status, headers, json.dumps({"__type": code, "message": message}).encode()
    headers["Content-Type"] = "application/json"
    return status, headers, json.dumps({"message": message}).encode()


def share_botocore_models(monkeypatch: Any) -> None:
    """Make every botocore session share one model loader (a pytest ``monkeypatch``).

    Each live collection builds fresh sessions, and parsing the service models again is
    most of a short run's time; the models are read-only data.
    """
    import botocore.loaders
    import botocore.session

    loader = botocore.loaders.create_loader()
    monkeypatch.setattr(botocore.session, "create_loader", lambda *_args, **_kw: loader)


def cbor_text_map(values: dict[str, str]) -> bytes:
    """A CBOR map of text strings (RFC 8949 major types 5 and 3), enough for an error body."""

    def head(major: int, length: int) -> bytes:
        if length < 24:
            return bytes([major << 5 | length])
        if length < 256:
            return bytes([major << 5 | 24, length])
        return bytes([major << 5 | 25]) + length.to_bytes(2, "big")

    out = bytearray(head(5, len(values)))
    for key, value in values.items():
        for text in (key, value):
            data = text.encode()
            out += head(3, len(data)) + data
    return bytes(out)
