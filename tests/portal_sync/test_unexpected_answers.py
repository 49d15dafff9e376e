"""The worker counts only the answers it expects as done: anything else is a failure it records
and shows on the Sync status page, never an acknowledged operation."""

from __future__ import annotations

import httpx
import pytest
from django.db import connection

from contacts.services.contacts import create_contact
from portal_sync.client import ClientOnlineClient
from portal_sync.models import RemoteClient, RemoteUser, SyncFailure, SyncRun
from portal_sync.services import reconcile, retry_failure, run_sync
from tests.factories import RelationFactory


def answering(*responses: httpx.Response) -> ClientOnlineClient:
    """A client whose Client Online answers every request with the next of these (the last one
    again when they run out)."""
    answers = list(responses)

    def handler(request: httpx.Request) -> httpx.Response:
        return answers.pop(0) if len(answers) > 1 else answers[0]

    return ClientOnlineClient(base_url="http://client-online.test", transport=httpx.MockTransport(handler))


def sync_status_page(staff_client) -> str:
    staff_client.post("/i18n/setlang/", {"language": "en"})
    return " ".join(staff_client.get("/sync/").content.decode().split())


@pytest.mark.parametrize(
    ("answer", "status"),
    [
        (httpx.Response(200, json={}), 200),  # no id at all
        (httpx.Response(200, json={"client": "supplier.someone-else"}), 200),
        (httpx.Response(200, json=["supplier.x"]), 200),  # not an object
        (httpx.Response(200, text="<html><body>Welcome to nginx!</body></html>"), 200),
        (httpx.Response(204), 204),
        (httpx.Response(302, headers={"Location": "https://login.example/"}), 302),
        (httpx.Response(409, text="Conflict"), 409),  # a conflict without a reason is not "already exists"
    ],
)
def test_an_unexpected_answer_to_a_create_is_a_failure_and_not_acknowledged(
    supplier_staff_client, in_supplier, answer, status
):
    relation = RelationFactory(name="A B.V.", sync_client_online=True)

    run = run_sync(client=answering(answer))

    assert (run.status, run.done, run.failed) == (SyncRun.Status.PARTIAL, 0, 1)
    failure = SyncFailure.objects.get()
    assert (failure.kind, failure.key, failure.status_code) == (
        "create_client",
        [f"supplier.{relation.code}"],
        status,
    )
    assert not RemoteClient.objects.exists()
    page = sync_status_page(supplier_staff_client)
    assert "Needs attention" in page and "create_client" in page and f"{status} " in page


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(404, text="<html>Not Found</html>"),  # a wrong URL or a proxy, not Client Online
        httpx.Response(404, json={"error": "no such endpoint", "code": "no_such_endpoint"}),
        httpx.Response(200, json={"user": "supplier.gone"}),  # answers about another kind of record
    ],
)
def test_a_delete_is_done_only_when_client_online_says_so(in_supplier, answer):
    RemoteClient.objects.create(external_id="supplier.gone", data={"name": "Gone"})

    run = run_sync(client=answering(answer))

    assert (run.status, run.done, run.failed) == (SyncRun.Status.PARTIAL, 0, 1)
    assert RemoteClient.objects.filter(external_id="supplier.gone").exists()
    assert SyncFailure.objects.get().kind == "delete_client"


def test_a_500_is_retried_and_then_shown_as_an_interrupted_run(supplier_staff_client, in_supplier):
    RelationFactory(name="A B.V.", sync_client_online=True)
    calls = []

    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request)
        return httpx.Response(500, text="<h1>Internal Server Error</h1>")

    client = ClientOnlineClient(base_url="http://client-online.test", transport=httpx.MockTransport(handler))

    run = run_sync(client=client, sleep=lambda seconds: None)

    assert run.status == SyncRun.Status.INTERRUPTED and run.done == 0
    assert "HTTP 500" in run.error
    assert len(calls) > 1  # tried again with backoff before giving up
    assert not RemoteClient.objects.exists() and not SyncFailure.objects.exists()
    page = sync_status_page(supplier_staff_client)
    assert "Needs attention" in page
    assert "The last run was interrupted; it is tried again automatically." in page
    assert "HTTP 500: &lt;h1&gt;Internal Server Error&lt;/h1&gt;" in page  # the answer shown, escaped


def test_an_answer_without_the_id_after_client_online_applied_it_converges_on_retry_without_new_credentials(
    in_supplier, mock_client_online
):
    """A proxy that swallows the answer: the user was created, but nothing says so. The
    failure is shown; Retry finds the user there ("already exists") and sends no new e-mail."""
    jan = create_contact(actor=None, first_name="Jan", last_name="Jansen", email="jan@seed.test")
    RelationFactory(name="J. Jansen", kind="person", person=jan, sync_client_online=True)
    real = httpx.HTTPTransport()

    def swallowing(request: httpx.Request) -> httpx.Response:
        real.handle_request(request).read()
        return httpx.Response(200, json={"ok": True})

    client = ClientOnlineClient(transport=httpx.MockTransport(swallowing))
    first = run_sync(client=client)
    user_id = f"supplier.{jan.code}"

    assert (first.status, first.done) == (SyncRun.Status.PARTIAL, 0)
    assert not RemoteUser.objects.exists()
    for failure in SyncFailure.objects.filter(resolved_at__isnull=True):
        retry_failure(failure=failure)
    second = run_sync()

    assert second.status == SyncRun.Status.DONE
    assert RemoteUser.objects.filter(external_id=user_id).exists()
    assert [entry["user"] for entry in mock_client_online.ledger()] == [user_id]


def test_two_people_with_one_email_in_two_contractants_get_one_login_and_the_second_sync_shows_why(
    alpha_staff_client, supplier, alpha, mock_client_online
):
    connection.set_tenant(supplier)
    piet = create_contact(actor=None, first_name="Piet", last_name="Pieters", email="piet@seed.test")
    RelationFactory(name="P privé", kind="person", person=piet, sync_client_online=True)
    assert run_sync().status == SyncRun.Status.DONE

    connection.set_tenant(alpha)
    other = create_contact(actor=None, first_name="Piet", last_name="Pieters", email="Piet@Seed.test")
    private = RelationFactory(name="P. Pieters", kind="person", person=other, sync_client_online=True)
    run = run_sync()

    # The client is created, the user refused, and the membership that needs it waits.
    assert (run.status, run.done, run.failed, run.skipped) == (SyncRun.Status.PARTIAL, 1, 1, 1)
    failure = SyncFailure.objects.get()
    assert (failure.kind, failure.key, failure.status_code) == ("create_user", [f"alpha.{other.code}"], 409)
    assert failure.error == "another user already has this e-mail address"
    assert set(mock_client_online.state()["users"]) == {f"supplier.{piet.code}"}
    assert f"alpha.{private.code}" in mock_client_online.state()["clients"]
    assert [entry["email"] for entry in mock_client_online.ledger()] == ["piet@seed.test"]
    page = sync_status_page(alpha_staff_client)
    assert "Needs attention" in page and "409 another user already has this e-mail address" in page

    # Until staff retry (say, after correcting the address), later runs do not ask again.
    assert run_sync().failed == 0 and SyncFailure.objects.count() == 1


@pytest.mark.parametrize(
    "answer",
    [
        httpx.Response(200, json={"clients": {}, "users": {}}),  # no memberships: not a state
        httpx.Response(200, text="<html>maintenance</html>"),
        httpx.Response(503, json={"error": "down for maintenance"}),
    ],
)
def test_a_reconciliation_that_cannot_read_the_state_keeps_what_was_acknowledged(
    supplier_staff_client, in_supplier, answer
):
    RemoteClient.objects.create(external_id="supplier.kept", data={"name": "Kept"})

    run = reconcile(client=answering(answer))

    assert run.status == SyncRun.Status.INTERRUPTED and run.error.startswith("Reconciliation: ")
    assert RemoteClient.objects.filter(external_id="supplier.kept").exists()
    assert "The last run was interrupted" in sync_status_page(supplier_staff_client)
