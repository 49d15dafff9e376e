"""The mock Client Online: its own process, HTTP JSON API, persistent store, fault injection.

    python -m portal_sync.mock.server            (make run starts it)

API (JSON): POST /api/clients {id, name, ...}, PUT|DELETE /api/clients/<id>,
POST /api/users {id, email, name}, PUT|DELETE /api/users/<id>,
POST /api/memberships {user, client}, DELETE /api/memberships/<user>/<client>.
Send an `Idempotency-Key` header: the same key with the same request returns the first answer,
applied once; the same key with a different request is refused (422).
Every refusal is `{"error": message, "code": reason}` with a 4xx; a body that is not a JSON
object is a 400. A user's e-mail address is unique (case-insensitively): a second user with it
is refused (409, code `email_taken`), so nobody gets two credential e-mails.
Inspection: GET / (HTML), GET /api/state, GET /api/ledger (credential e-mails sent).
Faults: env MOCK_ERROR_RATE, MOCK_TIMEOUT_RATE, MOCK_DROP_RATE (0..1), MOCK_LATENCY_MS,
or POST /admin/faults with the same keys in lower case; POST /admin/reset empties the store.
Every /admin/ route needs `Authorization: Bearer <CLIENT_ONLINE_ADMIN_TOKEN>` (401 without,
403 with a wrong one). Without the variable, development and tests use DEV_ADMIN_TOKEN;
with DJANGO_ENV=production the mock refuses to start without one.
Binds MOCK_CLIENT_ONLINE_HOST (127.0.0.1) : MOCK_CLIENT_ONLINE_PORT (8765).
"""

from __future__ import annotations

import hmac
import html
import json
import os
import random
import socket
import sys
import time
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from portal_sync.mock.store import INVALID, ClientOnlineStore, Refused

BASE_DIR = Path(__file__).resolve().parents[2]
DEV_ADMIN_TOKEN = "dev-client-online-admin-token"
MAX_BODY = 1_000_000

FAULTS = {
    "error_rate": float(os.environ.get("MOCK_ERROR_RATE", "0")),
    "timeout_rate": float(os.environ.get("MOCK_TIMEOUT_RATE", "0")),
    "drop_rate": float(os.environ.get("MOCK_DROP_RATE", "0")),
    "latency_ms": float(os.environ.get("MOCK_LATENCY_MS", "0")),
    "timeout_seconds": float(os.environ.get("MOCK_TIMEOUT_SECONDS", "15")),
}
RATES = {"error_rate", "timeout_rate", "drop_rate"}

# (method, collection) -> (store operation, number of ids in the path)
ROUTES = {
    ("POST", "clients"): ("create_client", 0),
    ("PUT", "clients"): ("update_client", 1),
    ("DELETE", "clients"): ("delete_client", 1),
    ("POST", "users"): ("create_user", 0),
    ("PUT", "users"): ("update_user", 1),
    ("DELETE", "users"): ("delete_user", 1),
    ("POST", "memberships"): ("add_membership", 0),
    ("DELETE", "memberships"): ("remove_membership", 2),
}


def admin_token(environ=os.environ) -> str:
    """The token every /admin/ route asks for. Development and tests may run on the fixed dev
    token; a production environment must choose its own."""
    token = environ.get("CLIENT_ONLINE_ADMIN_TOKEN", "").strip()
    if token:
        return token
    if environ.get("DJANGO_ENV") == "production":
        raise SystemExit("CLIENT_ONLINE_ADMIN_TOKEN is required when DJANGO_ENV=production")
    return DEV_ADMIN_TOKEN


class BadRequest(Exception):
    """A 400 answered before the request reaches the store (framing, JSON, ids)."""


class Handler(BaseHTTPRequestHandler):
    store: ClientOnlineStore
    admin_token: str = DEV_ADMIN_TOKEN
    protocol_version = "HTTP/1.1"
    body_read = False

    def setup(self):
        super().setup()
        # One small response per request: without this, Nagle plus delayed ACKs add ~40 ms each.
        self.connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def log_message(self, format, *args):  # noqa: A002 - stdlib signature
        if os.environ.get("MOCK_LOG"):
            super().log_message(format, *args)

    def _send(self, status: int, body, content_type: str = "application/json", headers: dict | None = None) -> None:
        payload = body.encode() if isinstance(body, str) else json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(payload)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        if not self.body_read and (self.headers.get("Content-Length") or "0") != "0":
            # Answered without reading the body (refused, unknown route): those bytes would be
            # taken for the next request on this connection.
            self.close_connection = True
        if self.close_connection:
            self.send_header("Connection", "close")
        self.end_headers()
        self.wfile.write(payload)

    def _refuse(self, status: int, message: str, code: str = INVALID, headers: dict | None = None) -> None:
        self._send(status, {"error": message, "code": code}, headers=headers)

    def _body(self) -> dict:
        """The JSON object sent, {} without a body. Anything else is a BadRequest; a client that
        died mid-request must never create anything. After a framing error the connection is
        closed: what follows on it cannot be trusted to be the next request."""
        raw_length = self.headers.get("Content-Length") or "0"
        if not raw_length.isdecimal() or int(raw_length) > MAX_BODY:
            self.close_connection = True
            raise BadRequest(f"bad request: Content-Length must be a number up to {MAX_BODY}")
        length = int(raw_length)
        if not length:
            return {}
        self.body_read = True
        raw = self.rfile.read(length)
        if len(raw) < length:
            self.close_connection = True
            raise BadRequest("bad request: incomplete body")
        try:
            body = json.loads(raw)
        except ValueError:  # also bytes that are not UTF-8
            raise BadRequest("bad request: the body is not valid JSON") from None
        if not isinstance(body, dict):
            raise BadRequest("bad request: the body must be a JSON object")
        return body

    def _dispatch(self, handler) -> None:
        """Every request gets a JSON answer: a bad one a 400, a bug in the mock a 500, never a
        dropped connection."""
        self.body_read = False
        try:
            handler()
        except BadRequest as exc:
            self._refuse(400, str(exc))
        except OSError:  # the client went away (or a dropped-connection fault): nobody to answer
            self.close_connection = True
        except Exception:  # noqa: BLE001 - the mock answers, whatever went wrong
            traceback.print_exc(file=sys.stderr)
            self.close_connection = True
            self._refuse(500, "internal error in the mock Client Online", "internal")

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
            self._send(504, {"error": "injected timeout", "code": "timeout"})
            return True
        roll -= FAULTS["timeout_rate"]
        if roll < FAULTS["error_rate"]:
            self._send(503, {"error": "injected error", "code": "unavailable"})
            return True
        return False

    def _parts(self) -> list[str]:
        return [part for part in self.path.split("?")[0].split("/") if part]

    def _api(self, method: str) -> None:
        parts = self._parts()
        route = ROUTES.get((method, parts[1])) if len(parts) >= 2 and parts[0] == "api" else None
        if route is None or len(parts) != 2 + route[1]:
            self._refuse(404, "no such endpoint", "no_such_endpoint")
            return
        kind, ids_in_path = route
        body = self._body()
        if ids_in_path:
            key = parts[2:]
        else:
            names = ["user", "client"] if parts[1] == "memberships" else ["id"]
            key = [body.pop(name, None) for name in names]
        if not all(isinstance(part, str) and part.strip() for part in key):
            raise BadRequest("bad request: ids must be non-empty strings")
        if method in {"POST", "PUT"} and parts[1] != "memberships" and not body:
            raise BadRequest("bad request: an id and data are required")
        if not all(isinstance(value, str) for value in body.values()):
            raise BadRequest("bad request: every field must be a string")
        if self._faults():
            return
        try:
            result = self.store.apply(kind, key, body, self.headers.get("Idempotency-Key"))
        except Refused as exc:
            self._refuse(exc.status, exc.message, exc.code)
        else:
            self._send(200, result)

    def _admin_allowed(self) -> bool:
        """Bearer token, compared in constant time. 401 without credentials, 403 with wrong ones."""
        scheme, _, token = (self.headers.get("Authorization") or "").partition(" ")
        if scheme.lower() != "bearer" or not token.strip():
            self._refuse(401, "admin endpoints need a bearer token", "unauthorized", {"WWW-Authenticate": "Bearer"})
            return False
        if not hmac.compare_digest(token.strip().encode(), self.admin_token.encode()):
            self._refuse(403, "wrong admin token", "forbidden")
            return False
        return True

    def _admin(self, method: str) -> None:
        if not self._admin_allowed():
            return
        parts = self._parts()
        if method == "POST" and parts == ["admin", "faults"]:
            values = self._body()
            unknown = sorted(set(values) - set(FAULTS))
            if unknown:
                raise BadRequest(f"bad request: unknown faults {', '.join(unknown)}")
            parsed = {}
            for name, value in values.items():
                if isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
                    raise BadRequest(f"bad request: {name} must be a number of at least 0")
                if name in RATES and value > 1:
                    raise BadRequest(f"bad request: {name} is a rate between 0 and 1")
                parsed[name] = float(value)
            FAULTS.update(parsed)
            self._send(200, FAULTS)
        elif method == "POST" and parts == ["admin", "reset"]:
            self.store.reset()
            self._send(200, {"reset": True})
        else:
            self._refuse(404, "no such admin endpoint", "no_such_endpoint")

    def _route(self, method: str) -> None:
        if self._parts()[:1] == ["admin"]:
            self._admin(method)
        elif method == "GET":
            self._inspect()
        else:
            self._api(method)

    def _inspect(self) -> None:
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
            self._refuse(404, "no such page", "no_such_endpoint")

    def do_POST(self):  # noqa: N802 - stdlib names
        self._dispatch(lambda: self._route("POST"))

    def do_PUT(self):  # noqa: N802
        self._dispatch(lambda: self._route("PUT"))

    def do_DELETE(self):  # noqa: N802
        self._dispatch(lambda: self._route("DELETE"))

    def do_GET(self):  # noqa: N802
        self._dispatch(lambda: self._route("GET"))


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


def serve(port: int, store_path: Path, *, token: str, host: str = "127.0.0.1") -> None:
    store_path.parent.mkdir(parents=True, exist_ok=True)
    Handler.store = ClientOnlineStore(store_path)
    Handler.admin_token = token
    server = ThreadingHTTPServer((host, port), Handler)
    server.daemon_threads = True
    print(f"Mock Client Online on http://{host}:{port}/ (store {store_path})", flush=True)
    if token == DEV_ADMIN_TOKEN:
        print("  admin endpoints use the development token (set CLIENT_ONLINE_ADMIN_TOKEN to choose one)", flush=True)
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
        token=admin_token(),
        host=os.environ.get("MOCK_CLIENT_ONLINE_HOST", "127.0.0.1"),
    )
