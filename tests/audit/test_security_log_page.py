"""The security log page (/audit/): staff administrators only, newest first, filter and search,
local times, and never another contractant's events."""

from __future__ import annotations

import datetime
import re

import pytest
from django.db import connection
from django.utils import timezone

from audit.models import SecurityEvent
from audit.services import record_security_event
from tests.audit.conftest import PLAIN_STAFF_EMAIL, staff_client
from tests.conftest import ALPHA, SUPPLIER, client_for, logged_in_staff
from tests.portal.conftest import portal_client

Kind = SecurityEvent.Kind
URL = "/audit/"


def event(kind=Kind.STAFF_LOGIN, *, label="someone@example.test", summary="Something happened.", at=None, **extra):
    recorded = record_security_event(kind=kind, actor_label=label, summary=summary, **extra)
    if at is not None:
        # Events are append-only; a test may still place one in time.
        SecurityEvent.objects.filter(pk=recorded.pk).update(occurred_at=at)
    return recorded


def rows(response) -> list[str]:
    """The table rows of the page as plain text, one string per event."""
    html = response.content.decode()
    body = re.search(r"<tbody>(.*?)</tbody>", html, re.S)
    if not body:
        return []
    return [
        " ".join(re.sub(r"<[^>]+>", " ", row).split()) for row in re.findall(r"<tr>(.*?)</tr>", body.group(1), re.S)
    ]


def test_a_staff_admin_sees_the_events_newest_first_in_local_time(in_supplier):
    event(
        label="oud@example.test", summary="Old event.", at=datetime.datetime(2026, 1, 15, 11, 30, tzinfo=datetime.UTC)
    )
    event(
        Kind.STAFF_LOGIN_FAILED,
        label="nieuw@example.test",
        summary="New event.",
        ip_address="203.0.113.9",
        at=datetime.datetime(2026, 7, 1, 8, 5, tzinfo=datetime.UTC),
    )
    client = staff_client()

    response = client.get(URL)

    assert response.status_code == 200
    listed = rows(response)
    # The admin's own login is the newest row.
    assert listed[0].startswith(timezone.localtime().strftime("%d-%m-%Y"))
    assert "Staff login" in listed[0] and SUPPLIER.staff_email in listed[0]
    # CEST (+2) in July, CET (+1) in January.
    assert listed[1] == "01-07-2026 10:05:00 Staff login failed nieuw@example.test New event. 203.0.113.9"
    assert listed[2] == "15-01-2026 12:30:00 Staff login oud@example.test Old event. —"


def test_a_system_event_links_to_its_object(in_supplier):
    event(
        Kind.OUT_OF_SERVICE_APPLIED,
        label="",
        summary="Els is out of service.",
        object_label="Els",
        object_url="/contacts/1/",
    )

    page = staff_client().get(URL, {"kind": Kind.OUT_OF_SERVICE_APPLIED}).content.decode()

    assert "System" in page
    assert '<a href="/contacts/1/">Els</a>' in page


def test_the_navigation_shows_the_security_log_to_staff_admins_only(plain_staff_user):
    admin_page = staff_client().get("/").content.decode()
    plain_page = staff_client(PLAIN_STAFF_EMAIL).get("/").content.decode()

    assert f'href="{URL}"' in admin_page and "Security log" in admin_page
    assert f'href="{URL}"' not in plain_page and "Security log" not in plain_page


def test_the_navigation_marks_the_security_log_as_current(in_supplier):
    page = staff_client().get(URL).content.decode()

    assert f'<a href="{URL}" aria-current="page">' in page


def test_a_staff_member_who_is_not_an_admin_gets_403(plain_staff_user):
    assert staff_client(PLAIN_STAFF_EMAIL).get(URL).status_code == 403


def test_anonymous_visitors_go_to_the_login_page(supplier):
    response = client_for(SUPPLIER).get(URL)

    assert response.status_code == 302
    assert response["Location"] == f"/login/?next={URL}"


def test_a_portal_user_cannot_reach_the_page(stranger):
    assert portal_client(stranger).get(URL).status_code == 403


def test_another_contractants_events_never_appear(supplier, alpha):
    connection.set_tenant(supplier)
    event(label="alleen-leverancier@example.test", summary="Supplier only.")
    connection.set_tenant(alpha)
    event(label="alleen-alpha@example.test", summary="Alpha only.")

    alpha_page = logged_in_staff(ALPHA).get(URL).content.decode()
    supplier_page = staff_client().get(URL).content.decode()

    assert "alleen-alpha@example.test" in alpha_page and "alleen-leverancier@example.test" not in alpha_page
    assert "alleen-leverancier@example.test" in supplier_page and "alleen-alpha@example.test" not in supplier_page
    assert ALPHA.staff_email not in supplier_page


def test_filter_by_kind(in_supplier):
    event(Kind.RELINK, label="a@example.test", summary="Relinked Bakkerij.")
    event(Kind.MEMBERSHIP_APPROVED, label="b@example.test", summary="Approved Sanne.")
    client = staff_client()

    listed = rows(client.get(URL, {"kind": Kind.RELINK}))

    assert len(listed) == 1 and "Relinked Bakkerij." in listed[0]


@pytest.mark.parametrize(
    ("query", "expected"),
    [("bakkerij", ["Relinked Bakkerij."]), ("B@EXAMPLE", ["Approved Sanne."]), ("Els", ["Out of service."])],
)
def test_search_on_who_summary_and_object(in_supplier, query, expected):
    event(Kind.RELINK, label="a@example.test", summary="Relinked Bakkerij.")
    event(Kind.MEMBERSHIP_APPROVED, label="b@example.test", summary="Approved Sanne.")
    event(Kind.OUT_OF_SERVICE_APPLIED, label="", summary="Out of service.", object_label="Els de Boer")
    client = staff_client()

    listed = rows(client.get(URL, {"q": query}))

    assert [next(text for text in expected if text in row) for row in listed] == expected


def test_a_search_with_a_nul_byte_is_handled(in_supplier):
    event(Kind.RELINK, label="a@example.test", summary="Relinked Bakkerij.")

    response = staff_client().get(URL, {"q": "Bakk\x00erij", "kind": "no-such-kind"})

    assert response.status_code == 200
    assert len(rows(response)) == 1


def test_empty_states(in_supplier):
    client = staff_client()

    assert "No events match these filters." in client.get(URL, {"q": "niets-zoals-dit"}).content.decode()
    SecurityEvent.objects.all().delete()
    assert "No security events recorded yet." in client.get(URL).content.decode()


def test_the_htmx_request_gets_only_the_results(in_supplier):
    response = staff_client().get(URL, {"q": "brightsoft"}, HTTP_HX_REQUEST="true")

    page = response.content.decode()
    assert page.lstrip().startswith('<div id="results">')
    assert "<nav" not in page


def test_pages_of_25(in_supplier):
    for number in range(30):
        event(label=f"user{number}@example.test")
    client = staff_client()

    first, second = client.get(URL), client.get(URL, {"page": 2})

    assert len(rows(first)) == 25 and len(rows(second)) == 6  # 30 and the admin's own login
    assert "Page 1 of 2" in first.content.decode()


def test_the_page_runs_a_constant_number_of_queries(in_supplier, django_assert_max_num_queries):
    client = staff_client()
    for number in range(3):
        event(label=f"user{number}@example.test")
    # Domain, session, user, count, rows: five queries, each after a search_path SET.
    with django_assert_max_num_queries(10) as few:
        client.get(URL)
    for number in range(40):
        event(Kind.RELINK, label=f"user{number}@example.test", object_label="X", object_url="/relations/1/")

    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(URL)
