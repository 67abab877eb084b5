"""boto3 sessions per thread and account: the caller's own, or an assumed role in a member."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
import botocore.loaders
import botocore.session
from botocore.config import Config

from scanner.collect.aws import log_redaction
from scanner.collect.aws.errors import CollectionFailure, classify
from scanner.collect.aws.options import AwsOptions

_REFRESH_MARGIN = timedelta(minutes=5)


class Sessions:
    """Hands out boto3 clients; sessions are per thread, assumed-role credentials are shared."""

    def __init__(self, options: AwsOptions) -> None:
        self.options = options
        self.config = Config(
            connect_timeout=options.connect_timeout,
            read_timeout=options.read_timeout,
            retries={"total_max_attempts": options.max_attempts, "mode": "standard"},
            user_agent_extra="archscan",
        )
        self._local = threading.local()
        self._lock = threading.Lock()
        # Service models are read-only data: parse them once for every thread's session.
        self._loader = botocore.loaders.create_loader()
        self._credentials: dict[str, dict[str, Any]] = {}
        log_redaction.install()
        self.caller_account = self._caller_account()

    def _base(self) -> boto3.Session:
        session = getattr(self._local, "base", None)
        if session is None:
            session = boto3.Session(
                profile_name=self.options.profile, botocore_session=self._botocore()
            )
            self._local.base = session
        return session

    def _botocore(self) -> botocore.session.Session:
        """A fresh botocore session (one per thread) that shares the parsed models."""
        session = botocore.session.Session()
        session.register_component("data_loader", self._loader)
        return session

    def _caller_account(self) -> str:
        sts = self._base().client(
            "sts",
            region_name=self.options.home_region,
            endpoint_url=self.options.endpoint_url,
            config=self.config,
        )
        try:
            return str(sts.get_caller_identity()["Account"])
        except Exception as exc:  # no credentials, bad profile, unreachable endpoint
            status, message = classify(exc)
            raise CollectionFailure(status, "sts:GetCallerIdentity", message) from exc

    def session(self, account: str) -> boto3.Session:
        """This thread's session for ``account`` (assuming the audit role for members)."""
        if account == self.caller_account:
            return self._base()
        sessions: dict[str, tuple[boto3.Session, datetime]] = self._local.__dict__.setdefault(
            "members", {}
        )
        cached = sessions.get(account)
        credentials = self._assumed(account)
        if cached and cached[1] == credentials["Expiration"]:
            return cached[0]
        session = boto3.Session(
            aws_access_key_id=credentials["AccessKeyId"],
            aws_secret_access_key=credentials["SecretAccessKey"],
            aws_session_token=credentials["SessionToken"],
            botocore_session=self._botocore(),
        )
        sessions[account] = (session, credentials["Expiration"])
        return session

    def _assumed(self, account: str) -> dict[str, Any]:
        with self._lock:
            current = self._credentials.get(account)
            if current and current["Expiration"] - _REFRESH_MARGIN > datetime.now(UTC):
                return current
            sts = self._base().client(
                "sts",
                region_name=self.options.home_region,
                endpoint_url=self.options.endpoint_url,
                config=self.config,
            )
            params: dict[str, Any] = {
                "RoleArn": f"arn:aws:iam::{account}:role/{self.options.role_name}",
                "RoleSessionName": "archscan",
            }
            if self.options.external_id:
                params["ExternalId"] = self.options.external_id
            try:
                credentials = sts.assume_role(**params)["Credentials"]
            except Exception as exc:
                status, message = classify(exc)
                raise CollectionFailure(status, "sts:AssumeRole", message) from exc
            expiration = credentials["Expiration"]
            if expiration.tzinfo is None:
                credentials["Expiration"] = expiration.replace(tzinfo=UTC)
            self._credentials[account] = credentials
            return credentials

    def client(self, account: str, service: str, region: str) -> Any:
        """This thread's client for one account, service and region (created once)."""
        session = self.session(account)
        clients: dict[tuple[int, str, str], Any] = self._local.__dict__.setdefault("clients", {})
        key = (id(session), service, region)
        if key not in clients:
            clients[key] = session.client(
                service,
                region_name=region,
                endpoint_url=self.options.endpoint_url,
                config=self.config,
            )
            log_redaction.install()  # loggers of modules the new client imported
        return clients[key]
