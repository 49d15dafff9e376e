from __future__ import annotations

import secrets
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

BASE_DIR = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class MockClientOnline:
    def __init__(self, url: str, admin_token: str):
        self.url = url
        self.admin = {"Authorization": f"Bearer {admin_token}"}

    def state(self) -> dict:
        return httpx.get(f"{self.url}/api/state").json()

    def ledger(self) -> list[dict]:
        return httpx.get(f"{self.url}/api/ledger").json()["ledger"]

    def faults(self, **values) -> None:
        httpx.post(f"{self.url}/admin/faults", json=values, headers=self.admin).raise_for_status()

    def reset(self) -> None:
        httpx.post(f"{self.url}/admin/reset", headers=self.admin).raise_for_status()


@pytest.fixture(scope="session")
def mock_process(tmp_path_factory):
    """The real mock Client Online, as its own process (as `make run` starts it), with an admin
    token of its own for this session."""
    port = _free_port()
    token = secrets.token_urlsafe(24)
    store = tmp_path_factory.mktemp("client_online") / "store.json"
    process = subprocess.Popen(
        [sys.executable, "-m", "portal_sync.mock.server"],
        cwd=BASE_DIR,
        env={
            "PATH": "/usr/bin:/bin",
            "MOCK_CLIENT_ONLINE_PORT": str(port),
            "MOCK_CLIENT_ONLINE_STORE": str(store),
            "MOCK_TIMEOUT_SECONDS": "2",
            "CLIENT_ONLINE_ADMIN_TOKEN": token,
        },
        stdout=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    for _ in range(100):
        try:
            httpx.get(f"{url}/health")
            break
        except httpx.HTTPError:
            time.sleep(0.05)
    yield url, process, store, token
    process.terminate()
    process.wait(5)


@pytest.fixture
def mock_client_online(mock_process, settings) -> MockClientOnline:
    url, _process, _store, token = mock_process
    settings.CLIENT_ONLINE_URL = url
    mock = MockClientOnline(url, token)
    mock.reset()
    mock.faults(error_rate=0, timeout_rate=0, drop_rate=0, latency_ms=0)
    return mock
