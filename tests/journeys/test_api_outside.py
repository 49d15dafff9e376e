"""Journey: an outside program uses the REST API. A staff administrator logs in and creates its
token on the staff page (HTTP, as a browser posts the page's forms); the program (httpx, to the
live server) creates a relation and a contact, opens a task, previews and performs a relink,
and sees that it happened; its own web server, registered as a webhook endpoint on the staff
page, receives the task and the relink signed, and checks the signature as the endpoint page's
snippet says. Then the token is revoked on the page and the program is refused."""

from __future__ import annotations

import datetime
import hashlib
import hmac
import html
import json
import re
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import httpx
from django.conf import settings

from tests.journeys.conftest import CUSTOMER_SCHEMAS, PASSWORD, SUPPLIER_SCHEMA

# The demo relation that binds the customer contractant "van_dijk_bouw" (demo.supplier).
BOUND = "K1003"
HOST = f"{SUPPLIER_SCHEMA}.{settings.BASE_DOMAIN}"


def http(live_site, **headers) -> httpx.Client:
    """Plain HTTP to the live server; the contractant is named by its host name (Host header)."""
    return httpx.Client(base_url=f"http://127.0.0.1:{live_site.port}", headers={"Host": HOST, **headers}, timeout=30)


def csrf_token(page: httpx.Response) -> str:
    match = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text)
    assert match, f"no form on {page.url}"
    return match.group(1)


def post_form(browser: httpx.Client, path: str, data: dict, page_path: str | None = None) -> httpx.Response:
    """Post a form of a page the way a browser does: the page first, its CSRF token with the form."""
    page = browser.get(page_path or path)
    assert page.status_code == 200, page.status_code
    return browser.post(
        path, data={"csrfmiddlewaretoken": csrf_token(page), **data}, headers={"Referer": str(page.url)}
    )


def staff_browser(live_site) -> httpx.Client:
    browser = http(live_site, **{"Accept-Language": "nl"})
    response = post_form(browser, "/login/", {"username": "staff@journey.test", "password": PASSWORD})
    assert response.status_code == 302, response.text[:500]
    return browser


def program(live_site, key: str) -> httpx.Client:
    """The outside program, with the key as any client sends it."""
    return http(live_site, Authorization=f"Bearer {key}", Accept="application/json")


class Receiver:
    """The outside program's webhook endpoint: a real HTTP server on a free local port."""

    def __init__(self):
        self.received: list[tuple[dict, bytes]] = []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):  # noqa: N802 (http.server's name)
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                outer.received.append((dict(self.headers.items()), body))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def events(self, kind: str, timeout: float = 20) -> list[tuple[dict, bytes]]:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = [item for item in self.received if item[0].get("X-Webhook-Event") == kind]
            if found:
                return found
            time.sleep(0.2)
        return []


def signed_by(secret: str, headers: dict, body: bytes) -> bool:
    """The check the endpoint page's snippet describes: HMAC-SHA256 over "<timestamp>.<body>"."""
    timestamp = headers.get("X-Webhook-Timestamp", "")
    if not timestamp.isdigit() or abs(time.time() - int(timestamp)) > 300:
        return False
    expected = "sha256=" + hmac.new(secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, headers.get("X-Webhook-Signature", ""))


def test_an_outside_program_works_through_the_api_with_a_token_from_the_staff_page(live_site, new_page, camera, orm):
    staff = staff_browser(live_site)
    home = staff.get("/")
    assert 'href="/api/tokens/"' in home.text  # in the staff navigation
    created = post_form(staff, "/api/tokens/", {"name": "Salariskoppeling", "scope": "write"})
    assert created.status_code == 200 and "API-tokens" in created.text
    key = html.unescape(re.search(r'<code id="new-token-key">([^<]+)</code>', created.text).group(1)).strip()
    assert len(key) > 30
    # Shown once: the list that follows names it by its first characters only.
    listing = staff.get("/api/tokens/").text
    assert f"{key[:8]}…" in listing and key not in listing
    receiver = Receiver()
    registered = post_form(
        staff,
        "/webhooks/new/",
        {"url": receiver.url, "description": "Salariskoppeling", "events": ["task.created", "relation.relinked"]},
    )
    assert registered.status_code == 200, registered.text[:500]
    secret = html.unescape(re.search(r'<code id="webhook-secret">([^<]+)</code>', registered.text).group(1)).strip()

    with program(live_site, key) as api:
        old = api.get("/api/relations/", params={"q": BOUND}).json()["results"]
        assert [row["customer_number"] for row in old] == [BOUND]
        old_id = old[0]["id"]

        created = api.post(
            "/api/relations/",
            json={"name": "Van Dijk Infra B.V.", "customer_number": "K9001", "coc_number": "99887766"},
        )
        assert created.status_code == 201, created.text
        new_id = created.json()["id"]
        subscription = api.post(
            "/api/subscriptions/",
            json={"relation": new_id, "product": "MaxCC Payroll", "start_date": datetime.date.today().isoformat()},
        )
        assert subscription.status_code == 201, subscription.text
        contact = api.post(
            "/api/contacts/",
            json={"first_name": "Daan", "last_name": "van Dijk", "email": "daan@vandijkinfra.test", "relation": new_id},
        )
        assert contact.status_code == 201, contact.text
        # The same address again: refused, with the contact that has it.
        again = api.post("/api/contacts/", json={"last_name": "Dubbel", "email": "DAAN@vandijkinfra.test"})
        assert again.status_code == 400 and again.json()["existing_contact"] == contact.json()["id"]

        task = api.post("/api/tasks/", json={"subject": "Loonrun hangt", "relation_ids": [old_id]})
        assert task.status_code == 201, task.text
        task_id = task.json()["id"]

        preview = api.get(f"/api/relations/{old_id}/relink/", params={"to": new_id})
        assert preview.status_code == 200, preview.text
        assert preview.json()["contractant_name"] == "Reis Van Dijk Bouw"
        assert task_id in [row["id"] for row in preview.json()["first_tasks"]]
        moving = preview.json()["task_count"]

        done = api.post(f"/api/relations/{old_id}/relink/", json={"to": new_id})
        assert done.status_code == 200, done.text
        assert done.json()["moved_task_count"] == moving

        assert api.get(f"/api/tasks/{task_id}/").json()["relations"] == [new_id]
        # The program's endpoint heard of both, signed with the secret the staff page showed once.
        for kind in ("task.created", "relation.relinked"):
            deliveries = receiver.events(kind)
            assert deliveries, f"no {kind} delivery"
            assert all(signed_by(secret, headers, body) for headers, body in deliveries), kind
            assert not signed_by("another secret", *deliveries[0])
        created_event = json.loads(receiver.events("task.created")[0][1])
        assert created_event["data"]["task_id"] == task_id
        assert "description" not in json.dumps(created_event)
        setups = [
            row["technical_setup"]
            for row in api.get("/api/subscriptions/", params={"relation": new_id}).json()["results"]
        ]
        assert [setup["contractant_name"] for setup in setups if setup] == ["Reis Van Dijk Bouw"]

        with orm(SUPPLIER_SCHEMA):
            from audit.models import SecurityEvent
            from subscriptions.models import TechnicalSetup
            from tenants.models import Contractant

            customer = Contractant.objects.get(schema_name=CUSTOMER_SCHEMAS["van_dijk_bouw"])
            assert TechnicalSetup.objects.get(contractant=customer).subscription.relation_id == new_id
            writes = SecurityEvent.objects.filter(
                kind=SecurityEvent.Kind.API_WRITE, actor__username="staff@journey.test"
            )
            assert writes.filter(summary__contains="Salariskoppeling").count() >= 5

        # Put the binding back where the other journeys expect it.
        back = api.post(f"/api/relations/{new_id}/relink/", json={"to": old_id})
        assert back.status_code == 200, back.text

        with orm(SUPPLIER_SCHEMA):
            from api.models import ApiToken

            token_pk = ApiToken.objects.get(name="Salariskoppeling").pk
        # The program goes away: its endpoint too, so that later journeys deliver to nobody.
        with orm(SUPPLIER_SCHEMA):
            from webhooks.models import Endpoint

            endpoint_pk = Endpoint.objects.get(url=receiver.url).pk
        deleted = post_form(staff, f"/webhooks/{endpoint_pk}/delete/", {}, page_path=f"/webhooks/{endpoint_pk}/")
        assert deleted.status_code == 302
        receiver.server.shutdown()
        revoked = post_form(staff, f"/api/tokens/{token_pk}/revoke/", {}, page_path="/api/tokens/")
        assert revoked.status_code == 302
        assert "ingetrokken" in staff.get("/api/tokens/").text
        refused = api.get("/api/relations/")
        assert refused.status_code == 401
