"""HTTP client for Client Online: one request per operation, with an idempotency key.

Only the answers it expects count as done: a 200/201 whose JSON object names the record the
request was about. Everything else is an error of one of two kinds:
- TransientError (5xx, 408, 425, 429, timeouts, broken connections): tried again with backoff;
- PermanentError (any other 4xx, and UnexpectedAnswer for a status or body it does not know):
  recorded as a SyncFailure and shown on the Sync status page with a Retry button.
"""

from __future__ import annotations

import httpx
from django.conf import settings

from portal_sync.planner import Operation

SUCCESS = {200, 201}
# 4xx answers that mean "not now" rather than "no".
TRY_AGAIN_LATER = {408, 425, 429}
EXCERPT = 200


class TransientError(Exception):
    """5xx, timeout or connection trouble: try again later."""


class PermanentError(Exception):
    """Client Online refused this operation; retrying will not help until something changes.

    `code` is the refusal's machine-readable reason ("already_exists", "email_taken", ...);
    "already done" answers are recognised by it, not by the status alone."""

    def __init__(self, status: int, message: str, code: str = ""):
        super().__init__(message)
        self.status = status
        self.code = code


class UnexpectedAnswer(PermanentError):
    """A status or body the client does not expect (a 3xx, a 204, a 200 without the record's id,
    HTML from a proxy): never taken for success, recorded like a refusal."""


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


def _acknowledgement(operation: Operation) -> tuple[str, object]:
    """The field and value an accepted operation's answer carries: the record it was about."""
    if operation.kind.endswith("membership"):
        return "membership", list(operation.key)
    return ("client" if operation.kind.endswith("client") else "user"), operation.key[0]


def _json_object(response: httpx.Response) -> dict | None:
    try:
        body = response.json()
    except ValueError:  # not JSON, or not UTF-8
        return None
    return body if isinstance(body, dict) else None


def _excerpt(response: httpx.Response) -> str:
    text = " ".join(response.text.split())
    return (text[:EXCERPT] + "…") if len(text) > EXCERPT else (text or "an empty body")


class ClientOnlineClient:
    def __init__(
        self,
        base_url: str | None = None,
        timeout: float | None = None,
        transport: httpx.BaseTransport | None = None,
    ):
        self.http = httpx.Client(
            base_url=base_url or settings.CLIENT_ONLINE_URL,
            timeout=timeout or settings.CLIENT_ONLINE_TIMEOUT,
            transport=transport,
        )

    def push(self, operation: Operation, idempotency_key: str) -> None:
        """Send one operation; return only when Client Online acknowledged it as expected."""
        method, path, body = _request(operation)
        try:
            response = self.http.request(method, path, json=body, headers={"Idempotency-Key": idempotency_key})
        except httpx.HTTPError as exc:  # timeouts, refused and dropped connections
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        status = response.status_code
        answer = _json_object(response)
        if status >= 500 or status in TRY_AGAIN_LATER:
            raise TransientError(f"HTTP {status}: {answer.get('error') if answer else _excerpt(response)}")
        if 400 <= status < 500:
            if answer is not None and isinstance(answer.get("error"), str):
                raise PermanentError(status, answer["error"], str(answer.get("code") or ""))
            raise PermanentError(status, _excerpt(response))
        field, expected = _acknowledgement(operation)
        if status not in SUCCESS or answer is None or answer.get(field) != expected:
            raise UnexpectedAnswer(
                status,
                f"unexpected answer to {operation.kind}: HTTP {status} with {_excerpt(response)} "
                f"(expected a JSON object with {field!r} = {expected!r}); not counted as done",
            )

    def fetch_state(self) -> dict:
        """Everything Client Online holds, checked for the shape a reconciliation relies on."""
        try:
            response = self.http.get("/api/state")
        except httpx.HTTPError as exc:
            raise TransientError(f"{type(exc).__name__}: {exc}") from exc
        if response.status_code >= 500 or response.status_code in TRY_AGAIN_LATER:
            raise TransientError(f"HTTP {response.status_code}: {_excerpt(response)}")
        state = _json_object(response)
        if response.status_code != 200 or state is None or not _is_state(state):
            raise UnexpectedAnswer(
                response.status_code,
                f"unexpected answer to the state request: HTTP {response.status_code} with {_excerpt(response)}",
            )
        return state

    def close(self) -> None:
        self.http.close()


def _is_state(state: dict) -> bool:
    records = [state.get("clients"), state.get("users")]
    memberships = state.get("memberships")
    return (
        all(isinstance(group, dict) and all(isinstance(data, dict) for data in group.values()) for group in records)
        and isinstance(memberships, list)
        and all(isinstance(pair, list) and len(pair) == 2 for pair in memberships)
    )
