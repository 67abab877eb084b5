"""A moto server on loopback, for the tests and `archscan demo` (needs the demo extra)."""

from __future__ import annotations

import json
import logging
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import boto3
from botocore.config import Config

DEFAULT_ACCOUNT = "123456789012"  # moto's account for the default test credentials
TEST_CREDENTIALS = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
}


def free_port() -> int:
    """A TCP port free on 127.0.0.1 right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def moto_server() -> Iterator[str]:
    """Start a ThreadedMotoServer on 127.0.0.1 and yield its URL; stop it afterwards."""
    try:
        from moto.server import ThreadedMotoServer
    except ImportError as exc:  # pragma: no cover - depends on the install
        raise RuntimeError(
            "the moto server is not installed: pip install 'archscan[demo]'"
        ) from exc
    logging.getLogger("werkzeug").setLevel(logging.ERROR)  # no request log on stderr
    os.environ.setdefault("MOTO_EC2_LOAD_DEFAULT_AMIS", "false")
    for key, value in TEST_CREDENTIALS.items():
        os.environ.setdefault(key, value)
    port = free_port()
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=port, verbose=False)
    server.start()
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.stop()


@contextmanager
def moto_process(startup_seconds: float = 60.0) -> Iterator[str]:
    """A moto server in a child process on 127.0.0.1, its log discarded (for the demo)."""
    port = free_port()
    env = {**os.environ, **TEST_CREDENTIALS, "MOTO_EC2_LOAD_DEFAULT_AMIS": "false"}
    child = subprocess.Popen(
        [sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        env=env,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, child, startup_seconds)
        yield url
    finally:
        child.terminate()
        try:
            child.wait(timeout=10)
        except subprocess.TimeoutExpired:
            child.kill()


def _wait_until_up(url: str, child: subprocess.Popen[bytes], seconds: float) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if child.poll() is not None:
            raise RuntimeError("the moto server exited at start: is moto[server] installed?")
        try:
            with urllib.request.urlopen(url + "/moto-api/", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the moto server did not answer on {url} within {seconds:.0f} s")


def reset(url: str) -> None:
    """Forget every resource the server holds."""
    post(url, "/moto-api/reset", b"")


def post(url: str, path: str, body: bytes, content_type: str = "application/json") -> Any:
    """POST to the moto API (reset, reset-auth, ...)."""
    request = urllib.request.Request(
        url + path, data=body, method="POST", headers={"Content-Type": content_type}
    )
    with urllib.request.urlopen(request, timeout=10) as answer:
        text = answer.read().decode("utf-8") or "null"
    try:
        return json.loads(text)
    except json.JSONDecodeError:
        return text


class Seeder:
    """boto3 clients against the moto server, as the default account or an assumed member."""

    def __init__(self, url: str) -> None:
        self.url = url
        self.config = Config(retries={"total_max_attempts": 1, "mode": "standard"})
        self._members: dict[str, boto3.Session] = {}

    def session(self, account: str = DEFAULT_ACCOUNT) -> boto3.Session:
        """The default session, or one holding credentials of a role in ``account``."""
        if account == DEFAULT_ACCOUNT:
            return boto3.Session(
                aws_access_key_id="testing",
                aws_secret_access_key="testing",
                aws_session_token="testing",
            )
        if account not in self._members:
            sts = self.client("sts")
            credentials = sts.assume_role(
                RoleArn=f"arn:aws:iam::{account}:role/OrganizationAccountAccessRole",
                RoleSessionName="seed",
            )["Credentials"]
            self._members[account] = boto3.Session(
                aws_access_key_id=credentials["AccessKeyId"],
                aws_secret_access_key=credentials["SecretAccessKey"],
                aws_session_token=credentials["SessionToken"],
            )
        return self._members[account]

    def client(
        self, service: str, region: str = "us-east-1", account: str = DEFAULT_ACCOUNT
    ) -> Any:
        """A client of ``service`` in ``region`` of ``account`` on the moto server."""
        return self.session(account).client(
            service, region_name=region, endpoint_url=self.url, config=self.config
        )
