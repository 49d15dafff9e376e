"""HTTP client for Client Online: one request per operation, with an idempotency key."""

from __future__ import annotations

import httpx
from django.conf import settings

from portal_sync.planner import Operation


class TransientError(Exception):
    """5xx, timeout or connection trouble: try again later."""


class PermanentError(Exception):
    """4xx: Client Online refused this operation; retrying will not help."""

    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status


def _request(operation: Operation) -> tuple[str, str, dict | None]:
    data = dict(operation.data)
    kind, key = operation.kind, operation.key
    if kind == "create_client":
        return "POST", "/api/clients", {"id": key[0], **data}
    if kind == "update_client":
        return "PUT", f"/api/clients/{key[0]}", data
    if kind == "delete_client":
        return "DELETE", f"/api/clients/{key[0]}", None
    if kind == "create_user":
        return "POST", "/api/users", {"id": key[0], **data}
    if kind == "update_user":
        return "PUT", f"/api/users/{key[0]}", data
    if kind == "delete_user":
        return "DELETE", f"/api/users/{key[0]}", None
    if kind == "add_membership":
        return "POST", "/api/memberships", {"user": key[0], "client": key[1]}
    if kind == "remove_membership":
        return "DELETE", f"/api/memberships/{key[0]}/{key[1]}", None
    raise ValueError(f"unknown operation {kind}")


class ClientOnlineClient:
    def __init__(self, base_url: str | None = None, timeout: float | None = None):
        self.http = httpx.Client(
            base_url=base_url or settings.CLIENT_ONLINE_URL, timeout=timeout or settings.CLIENT_ONLINE_TIMEOUT
        )

    def push(self, operation: Operation, idempotency_key: str) -> None:
        method, path, body = _request(operation)
        try:
            response = self.http.request(method, path, json=body, headers={"Idempotency-Key": idempotency_key})
        except httpx.HTTPError as exc:  # timeouts, refused and dropped connections
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500:
            raise TransientError(f"HTTP {response.status_code}")
        if response.status_code >= 400:
            try:
                message = response.json().get("error", response.text)
            except ValueError:
                message = response.text
            raise PermanentError(response.status_code, message)

    def fetch_state(self) -> dict:
        try:
            response = self.http.get("/api/state")
            response.raise_for_status()
        except httpx.HTTPError as exc:
            raise TransientError(str(exc)) from exc
        return response.json()

    def close(self) -> None:
        self.http.close()
