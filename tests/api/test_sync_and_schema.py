"""Client Online sync state, and the OpenAPI schema with its browsable docs on local assets."""

from __future__ import annotations

from contacts.services.contacts import create_contact
from portal_sync.models import SyncFailure, SyncRun
from tests.conftest import SUPPLIER, client_for
from tests.factories import RelationFactory


def test_sync_state_of_the_contractant(api, in_supplier):
    SyncRun.objects.create(status=SyncRun.Status.DONE, planned=3, done=3)
    SyncFailure.objects.create(kind="user", key={"id": "x"}, error="refused", status_code=422)
    body = api.get("/api/sync/").json()
    assert body["has_failures"] is True
    assert [row["status_code"] for row in body["failures"]] == [422]
    assert body["runs"][0]["done"] == 3


def test_sync_state_of_a_relation_and_a_contact(api, in_supplier, supplier_user):
    relation = RelationFactory(sync_client_online=True)
    contact = create_contact(
        actor=supplier_user, last_name="Smit", email="smit@x.test", relation=relation, link={"sync_client_online": True}
    )
    assert api.get(f"/api/relations/{relation.pk}/sync/").json() == {
        "wanted": True,
        "present": False,
        "in_sync": False,
        "memberships": [],
        "failures": 0,
    }
    assert api.get(f"/api/contacts/{contact.pk}/sync/").json()["wanted"] is True


def test_schema_is_openapi_3_and_docs_use_local_assets(api, supplier_staff_client):
    schema = api.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.")
    assert {"/api/relations/", "/api/relations/{id}/relink/", "/api/tasks/{id}/messages/"} <= set(schema["paths"])
    page = supplier_staff_client.get("/api/docs/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn." not in html and "unpkg" not in html


def test_schema_and_docs_are_for_staff_only(db):
    assert client_for(SUPPLIER).get("/api/schema/").status_code == 401
    assert client_for(SUPPLIER).get("/api/docs/").status_code == 401
