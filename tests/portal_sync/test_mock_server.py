"""The mock Client Online over HTTP, as strict as a real identity service: unique e-mail,
idempotency keys bound to their request, admin routes behind a token, bad JSON a 400."""

from __future__ import annotations

import subprocess
import sys

import httpx
import pytest

from tests.portal_sync.conftest import BASE_DIR, _free_port


def test_a_second_user_with_one_email_is_refused_with_a_json_409(mock_client_online):
    url = mock_client_online.url

    first = httpx.post(f"{url}/api/users", json={"id": "supplier.p", "email": "piet@seed.test", "name": "Piet"})
    second = httpx.post(f"{url}/api/users", json={"id": "alpha.p", "email": "PIET@seed.test", "name": "Piet"})

    assert first.status_code == 200
    assert second.status_code == 409
    assert second.headers["Content-Type"] == "application/json"
    assert second.json() == {"error": "another user already has this e-mail address", "code": "email_taken"}
    assert [entry["user"] for entry in mock_client_online.ledger()] == ["supplier.p"]


def test_an_idempotency_key_replays_its_request_and_refuses_another_with_422(mock_client_online):
    url, key = mock_client_online.url, {"Idempotency-Key": "create-a-1"}

    first = httpx.post(f"{url}/api/clients", json={"id": "a", "name": "A"}, headers=key)
    replay = httpx.post(f"{url}/api/clients", json={"id": "a", "name": "A"}, headers=key)
    other = httpx.post(f"{url}/api/clients", json={"id": "a", "name": "A Holding"}, headers=key)

    assert (first.status_code, replay.status_code, replay.json()) == (200, 200, first.json())
    assert other.status_code == 422 and other.json()["code"] == "idempotency_key_reused"
    assert mock_client_online.state()["clients"] == {"a": {"name": "A"}}


@pytest.mark.parametrize("path", ["/admin/faults", "/admin/reset", "/admin/anything"])
@pytest.mark.parametrize(
    ("headers", "status"),
    [
        ({}, 401),
        ({"Authorization": "Bearer wrong-token"}, 403),
        ({"Authorization": "Basic YWRtaW46YWRtaW4="}, 401),
        ({"Authorization": "Bearer dev-client-online-admin-token"}, 403),  # the dev token is not this one's
    ],
)
def test_admin_routes_refuse_a_request_without_the_token(mock_client_online, path, headers, status):
    httpx.post(f"{mock_client_online.url}/api/clients", json={"id": "kept", "name": "Kept"})

    with httpx.Client(base_url=mock_client_online.url) as http:  # one kept-alive connection
        response = http.post(path, json={"error_rate": 1}, headers=headers)
        get = http.get(path, headers=headers)
        # The refused request's unread body is not taken for the next request.
        after = http.post("/api/clients", json={"id": "b", "name": "B"})

    assert (response.status_code, get.status_code) == (status, status)
    assert "error" in response.json()
    assert after.status_code == 200
    assert list(mock_client_online.state()["clients"]) == ["kept", "b"]  # not reset, no faults


def test_admin_routes_work_with_the_token_and_refuse_bad_faults(mock_client_online):
    url, admin = mock_client_online.url, mock_client_online.admin

    assert httpx.post(f"{url}/admin/faults", json={"latency_ms": 1}, headers=admin).json()["latency_ms"] == 1
    for bad in [{"error_rate": 2}, {"error_rate": "lots"}, {"no_such_fault": 1}, {"latency_ms": -1}]:
        answer = httpx.post(f"{url}/admin/faults", json=bad, headers=admin)
        assert answer.status_code == 400 and "error" in answer.json()
    assert httpx.post(f"{url}/admin/nothing", headers=admin).status_code == 404


@pytest.mark.parametrize(
    "content",
    [b'{"id": "u", "na', b"not json", b"\xff\xfe", b"[1, 2]", b'"a string"', b"null", b"42"],
)
@pytest.mark.parametrize("path", ["/api/users", "/api/clients", "/api/memberships", "/admin/faults"])
def test_malformed_or_non_object_json_is_a_json_400(mock_client_online, content, path):
    headers = {"Content-Type": "application/json", **mock_client_online.admin}

    response = httpx.post(f"{mock_client_online.url}{path}", content=content, headers=headers)

    assert response.status_code == 400
    assert response.json()["error"].startswith("bad request")
    assert httpx.get(f"{mock_client_online.url}/health").status_code == 200  # still serving


@pytest.mark.parametrize(
    "body",
    [
        {"id": 5, "email": "p@test", "name": "P"},
        {"id": " ", "email": "p@test", "name": "P"},
        {"id": "p", "email": ["p@test"], "name": "P"},
        {"id": "p", "email": "p@test", "name": None},
    ],
)
def test_ids_and_fields_that_are_not_strings_are_a_400(mock_client_online, body):
    response = httpx.post(f"{mock_client_online.url}/api/users", json=body)

    assert response.status_code == 400 and "error" in response.json()
    assert mock_client_online.state()["users"] == {} and mock_client_online.ledger() == []


def test_a_bad_content_length_is_a_400_not_a_crash(mock_client_online):
    import socket
    from urllib.parse import urlparse

    address = urlparse(mock_client_online.url)
    with socket.create_connection((address.hostname, address.port), timeout=5) as sock:
        sock.sendall(b"POST /api/users HTTP/1.1\r\nHost: mock\r\nContent-Length: -5\r\n\r\n")
        chunks = []
        while chunk := sock.recv(4096):  # the mock closes the connection after a framing error
            chunks.append(chunk)
    answer = b"".join(chunks).decode()

    assert answer.startswith("HTTP/1.1 400") and '"error"' in answer


def test_in_production_the_mock_refuses_to_start_without_a_token(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "portal_sync.mock.server"],
        cwd=BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_ENV": "production",
            "MOCK_CLIENT_ONLINE_PORT": str(_free_port()),
            "MOCK_CLIENT_ONLINE_STORE": str(tmp_path / "store.json"),
        },
        capture_output=True,
        text=True,
        timeout=20,
    )

    assert result.returncode != 0
    assert "CLIENT_ONLINE_ADMIN_TOKEN is required" in result.stderr
