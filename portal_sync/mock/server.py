"""The mock Client Online: its own process, HTTP JSON API, persistent store, fault injection.

    python -m portal_sync.mock.server            (make run starts it)

API (JSON): POST /api/clients {id, name, ...}, PUT|DELETE /api/clients/<id>,
POST /api/users {id, email, name}, PUT|DELETE /api/users/<id>,
POST /api/memberships {user, client}, DELETE /api/memberships/<user>/<client>.
Send an `Idempotency-Key` header: a repeated key returns the first answer, applied once.
Inspection: GET / (HTML), GET /api/state, GET /api/ledger (credential e-mails sent).
Faults: env MOCK_ERROR_RATE, MOCK_TIMEOUT_RATE, MOCK_DROP_RATE (0..1), MOCK_LATENCY_MS,
or POST /admin/faults with the same keys in lower case; POST /admin/reset empties the store.
"""

from __future__ import annotations

import html
import json
import os
import random
import socket
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from portal_sync.mock.store import ClientOnlineStore, Refused

BASE_DIR = Path(__file__).resolve().parents[2]

FAULTS = {
    "error_rate": float(os.environ.get("MOCK_ERROR_RATE", "0")),
    "timeout_rate": float(os.environ.get("MOCK_TIMEOUT_RATE", "0")),
    "drop_rate": float(os.environ.get("MOCK_DROP_RATE", "0")),
    "latency_ms": float(os.environ.get("MOCK_LATENCY_MS", "0")),
    "timeout_seconds": float(os.environ.get("MOCK_TIMEOUT_SECONDS", "15")),
}

ROUTES = {
    ("POST", "clients"): "create_client",
    ("PUT", "clients"): "update_client",
    ("DELETE", "clients"): "delete_client",
    ("POST", "users"): "create_user",
    ("PUT", "users"): "update_user",
    ("DELETE", "users"): "delete_user",
    ("POST", "memberships"): "add_membership",
    ("DELETE", "memberships"): "remove_membership",
}


class Handler(BaseHTTPRequestHandler):
    store: ClientOnlineStore
    protocol_version = "HTTP/1.1"

    def setup(self):
        super().setup()
        # One small response per request: without this, Nagle plus delayed ACKs add ~40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if os.environ.get("MOCK_LOG"):
            super().log_message(format, *args)

    def _send(self, status: int, body, content_type: str = "application/json") -> None:
        payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def _body(self) -> dict | None:
        """The JSON body, or None when it is incomplete or not JSON (a client that died
        mid-request must never create anything)."""
        length = int(self.headers.get("Content-Length") or 0)
        if not length:
            return {}
        raw = self.rfile.read(length)
        if len(raw) < length:
            return None
        try:
            body = json.loads(raw)
        except ValueError:
            return None
        return body if isinstance(body, dict) else None

    def _faults(self) -> bool:
        """Inject the configured faults; True when the request was answered by a fault."""
        if FAULTS["latency_ms"]:
            time.sleep(FAULTS["latency_ms"] / 1000)
        roll = random.random()  # noqa: S311 - fault injection, not security
        if roll < FAULTS["drop_rate"]:
            self.close_connection = True
            self.connection.close()
            return True
        roll -= FAULTS["drop_rate"]
        if roll < FAULTS["timeout_rate"]:
            time.sleep(FAULTS["timeout_seconds"])
            self._send(504, {"error": "injected timeout"})
            return True
        roll -= FAULTS["timeout_rate"]
        if roll < FAULTS["error_rate"]:
            self._send(503, {"error": "injected error"})
            return True
        return False

    def _api(self, method: str) -> None:
        parts = [part for part in self.path.split("?")[0].split("/") if part]
        if len(parts) < 2 or parts[0] != "api" or (method, parts[1]) not in ROUTES:
            self._send(404, {"error": "no such endpoint"})
            return
        body = self._body()
        if body is None:
            self._send(400, {"error": "bad request: incomplete or invalid JSON body"})
            return
        kind = ROUTES[(method, parts[1])]
        if method == "POST":
            names = ["user", "client"] if parts[1] == "memberships" else ["id"]
            key = [str(body.pop(name, "") or "") for name in names]
        else:
            key = parts[2:]
        if not all(key) or (method in {"POST", "PUT"} and parts[1] != "memberships" and not body):
            self._send(400, {"error": "bad request: an id and data are required"})
            return
        if self._faults():
            return
        try:
            result = self.store.apply(kind, key, body, self.headers.get("Idempotency-Key"))
        except Refused as exc:
            self._send(exc.status, {"error": exc.message})
        except (TypeError, KeyError) as exc:
            self._send(400, {"error": f"bad request: {exc}"})
        else:
            self._send(200, result)

    def do_POST(self):  # noqa: N802 - stdlib names
        if self.path.startswith("/admin/faults"):
            for name, value in self._body().items():
                if name in FAULTS:
                    FAULTS[name] = float(value)
            self._send(200, FAULTS)
        elif self.path.startswith("/admin/reset"):
            self.store.reset()
            self._send(200, {"reset": True})
        else:
            self._api("POST")

    def do_PUT(self):  # noqa: N802
        self._api("PUT")

    def do_DELETE(self):  # noqa: N802
        self._api("DELETE")

    def do_GET(self):  # noqa: N802
        if self.path.startswith("/api/state"):
            with self.store.lock:
                self._send(200, self.store.snapshot())
        elif self.path.startswith("/api/ledger"):
            self._send(200, {"ledger": self.store.ledger})
        elif self.path.startswith("/health"):
            self._send(200, {"ok": True})
        elif self.path in {"/", ""}:
            self._send(200, inspection_page(self.store), "text/html; charset=utf-8")
        else:
            self._send(404, {"error": "no such page"})


def inspection_page(store: ClientOnlineStore) -> str:
    with store.lock:
        clients = "".join(
            f"<tr><td><code>{html.escape(key)}</code></td><td>{html.escape(data.get('name', ''))}</td>"
            f"<td>{sum(1 for _u, c in store.memberships if c == key)}</td></tr>"
            for key, data in sorted(store.clients.items(), key=lambda item: item[1].get("name", ""))
        )
        users = "".join(
            f"<tr><td><code>{html.escape(key)}</code></td><td>{html.escape(data.get('name', ''))}</td>"
            f"<td>{html.escape(data.get('email', ''))}</td>"
            f"<td>{', '.join(html.escape(store.clients.get(c, {}).get('name', c)) for u, c in sorted(store.memberships) if u == key)}</td></tr>"  # noqa: E501
            for key, data in sorted(store.users.items(), key=lambda item: item[1].get("name", ""))
        )
        ledger = "".join(
            f"<li>{html.escape(entry['email'])} <code>{html.escape(entry['user'])}</code></li>"
            for entry in store.ledger
        )
    return f"""<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Mock Client Online</title>
<style>body{{font-family:system-ui,sans-serif;margin:2rem;color:#1d2433}}table{{border-collapse:collapse;margin-bottom:2rem}}
td,th{{border:1px solid #d9dee7;padding:.3rem .6rem;text-align:left}}h1{{color:#7a2e8c}}</style></head><body>
<h1>Mock Client Online</h1><p>Faults: {html.escape(json.dumps(FAULTS))}</p>
<h2>Clients ({len(store.clients)})</h2><table><tr><th>id</th><th>name</th><th>members</th></tr>{clients}</table>
<h2>Users ({len(store.users)})</h2>
<table><tr><th>id</th><th>name</th><th>e-mail</th><th>clients</th></tr>{users}</table>
<h2>Credential e-mails sent ({len(store.ledger)})</h2><ol>{ledger}</ol></body></html>"""


def serve(port: int, store_path: Path) -> None:
    store_path.parent.mkdir(parents=True, exist_ok=True)
    Handler.store = ClientOnlineStore(store_path)
    server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
    server.daemon_threads = True
    print(f"Mock Client Online on http://127.0.0.1:{port}/ (store {store_path})", flush=True)
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


if __name__ == "__main__":
    serve(
        int(os.environ.get("MOCK_CLIENT_ONLINE_PORT", "8765")),
        Path(os.environ.get("MOCK_CLIENT_ONLINE_STORE", BASE_DIR / ".local" / "client_online.json")),
    )
