"""A real HTTP receiver on a free local port, in a thread: it checks each delivery's signature
and timestamp the way the endpoint page tells receivers to, and answers what the test asks."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from webhooks.models import EventKind
from webhooks.services import endpoint_create

TOLERANCE = 300


@dataclass
class Received:
    headers: dict[str, str]
    body: bytes
    signature_ok: bool

    @property
    def document(self) -> dict:
        return json.loads(self.body)


@dataclass
class Receiver:
    url: str
    secret: str = ""
    # Status codes to answer, in turn; the last one repeats.
    answers: list[int] = field(default_factory=lambda: [200])
    received: list[Received] = field(default_factory=list)

    def answer(self) -> int:
        return self.answers.pop(0) if len(self.answers) > 1 else self.answers[0]


def verify(secret: str, headers: dict[str, str], body: bytes) -> bool:
    # Written from the endpoint page's snippet, not from webhooks.signing.
    timestamp = headers.get("X-Webhook-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > TOLERANCE:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("X-Webhook-Signature", ""))


@pytest.fixture
def receiver():
    state = Receiver(url="")

    class Handler(BaseHTTPRequestHandler):
        def do_POST(self):  # noqa: N802 (http.server's name)
            body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            headers = dict(self.headers.items())
            state.received.append(Received(headers, body, verify(state.secret, headers, body)))
            self.send_response(state.answer())
            self.end_headers()
            self.wfile.write(b"ok")

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield state
    server.shutdown()
    server.server_close()


@pytest.fixture
def endpoint(supplier_user, receiver):
    """The supplier's endpoint for every event, pointing at the receiver."""
    created, secret = endpoint_create(actor=supplier_user, url=receiver.url, events=list(EventKind.values))
    receiver.secret = secret
    return created
