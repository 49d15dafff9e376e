"""One guard for "may this member edit that contact" (issue 14, finding 4): details, notification
preference and portal attributes alike (portal.access.may_edit_org_contact). A member who manages
their own details (a portal login, or other organisations) is changed by no one else."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from contacts.models import AttributeValue, Contact, ContactLink
from contacts.services.attributes import attribute_define
from contacts.services.contacts import create_contact
from contacts.services.links import link_contact
from portal.access import may_edit_org_contact
from portal.services import (
    set_notification_preference,
    set_organisation_contact_attributes,
    update_organisation_contact,
)
from tests.portal.conftest import form_errors, org_url, page, portal_client

REFUSED = "Anneke Visser manages their own details; ask them to change these themselves."


@pytest.fixture
def newsletter(supplier_user):
    return attribute_define(
        actor=supplier_user, name="Nieuwsbrief", type="boolean", visible_in_portal=True, editable_in_portal=True
    )


@pytest.fixture
def dirk(supplier_user, bakkerij) -> Contact:
    """A contact only Bakkerij Jansen knows, without a portal login: its admins keep his details."""
    return create_contact(
        actor=supplier_user,
        first_name="Dirk",
        last_name="Deeg",
        email="dirk@bakkerij-jansen.test",
        relation=bakkerij,
        link={"status": ContactLink.PortalStatus.APPROVED, "support_access": "all"},
    )


def membership_of(contact, relation) -> ContactLink:
    return ContactLink.objects.select_related("relation").get(contact=contact, relation=relation)


def test_admin_cannot_change_the_notification_preference_of_a_member_who_manages_their_own(
    org_admin, accountant, bakkerij
):
    response = portal_client(org_admin).post(
        org_url(bakkerij, f"contacts/{accountant.code}/"),
        {"section": "notify", "notify_scope": "own", "notify_trigger": "on_close"},
    )

    assert response.status_code == 400
    assert form_errors(page(response)) == [REFUSED]
    accountant.refresh_from_db()
    # Her preference holds for her other organisations too: it stays hers to set.
    assert (accountant.notify_scope, accountant.notify_trigger) == ("own", "every_change")


def test_admin_cannot_change_the_attributes_of_a_member_who_manages_their_own(
    org_admin, accountant, bakkerij, newsletter
):
    response = portal_client(org_admin).post(
        org_url(bakkerij, f"contacts/{accountant.code}/"), {"section": "attributes", f"attr_{newsletter.pk}": "true"}
    )

    assert response.status_code == 400
    assert REFUSED in page(response)
    assert not AttributeValue.objects.filter(contact=accountant).exists()


def test_admin_cannot_change_the_details_of_a_member_who_manages_their_own(org_admin, accountant, bakkerij):
    response = portal_client(org_admin).post(
        org_url(bakkerij, f"contacts/{accountant.code}/"),
        {"section": "details", "first_name": "Anneke", "last_name": "Overgenomen", "email": accountant.email},
    )

    assert response.status_code == 400
    assert form_errors(page(response)) == [REFUSED]
    accountant.refresh_from_db()
    assert accountant.last_name == "Visser"


def test_admin_changes_all_three_of_a_contact_only_this_organisation_knows(org_admin, dirk, bakkerij, newsletter):
    client = portal_client(org_admin)
    url = org_url(bakkerij, f"contacts/{dirk.code}/")

    details = client.post(
        url,
        {
            "section": "details",
            "first_name": "Dirk",
            "last_name": "Brood",
            "email": dirk.email,
            "version": dirk.version,
        },
    )
    notify = client.post(url, {"section": "notify", "notify_scope": "all", "notify_trigger": "on_close"})
    attributes = client.post(url, {"section": "attributes", f"attr_{newsletter.pk}": "true"})

    assert details.status_code == notify.status_code == attributes.status_code == 302
    dirk.refresh_from_db()
    assert (dirk.last_name, dirk.notify_scope, dirk.notify_trigger) == ("Brood", "all", "on_close")
    assert dirk.attribute_values.get().value == "true"


def test_a_member_changes_all_three_of_their_own(accountant, bakkerij, newsletter):
    client = portal_client(accountant)
    url = org_url(bakkerij, f"contacts/{accountant.code}/")

    assert (
        client.post(url, {"section": "notify", "notify_scope": "own", "notify_trigger": "on_close"}).status_code == 302
    )
    assert client.post(url, {"section": "attributes", f"attr_{newsletter.pk}": "true"}).status_code == 302
    assert (
        client.post(
            url,
            {
                "section": "details",
                "first_name": "Anne",
                "last_name": "Visser",
                "email": accountant.email,
                "version": accountant.version,
            },
        ).status_code
        == 302
    )


def test_the_page_shows_a_self_managing_member_read_only(org_admin, accountant, bakkerij, newsletter):
    html = page(portal_client(org_admin).get(org_url(bakkerij, f"contacts/{accountant.code}/")))

    assert REFUSED in html
    assert 'name="section"' not in html
    assert "Anneke Visser" in html and accountant.email in html


def test_one_rule_decides_for_every_contact(org_admin, accountant, dirk, bakkerij, bouwbedrijf, supplier_user):
    admin = membership_of(org_admin, bakkerij)
    member = membership_of(accountant, bakkerij)
    shared = create_contact(actor=supplier_user, last_name="Gedeeld", email="gedeeld@elders.test", relation=bouwbedrijf)
    link_contact(contact=shared, relation=bakkerij, actor=supplier_user)

    assert may_edit_org_contact(admin, org_admin)  # themselves
    assert may_edit_org_contact(admin, dirk)  # known only here, no login
    assert not may_edit_org_contact(admin, accountant)  # has a portal login
    assert not may_edit_org_contact(admin, shared)  # known to another organisation too
    assert may_edit_org_contact(member, accountant)
    assert not may_edit_org_contact(member, dirk)  # not an admin


@pytest.mark.parametrize("change", ["details", "notify", "attributes"])
def test_every_service_refuses_through_the_guard(change, org_admin, accountant, bakkerij, newsletter):
    admin = membership_of(org_admin, bakkerij)
    calls = {
        "details": lambda: update_organisation_contact(
            membership=admin, contact=accountant, data={"last_name": "X"}, actor=org_admin.user
        ),
        "notify": lambda: set_notification_preference(
            membership=admin, contact=accountant, scope="own", trigger="on_close", actor=org_admin.user
        ),
        "attributes": lambda: set_organisation_contact_attributes(
            membership=admin, contact=accountant, values={newsletter.pk: "true"}, actor=org_admin.user
        ),
    }

    with pytest.raises(ValidationError) as refused:
        calls[change]()

    assert refused.value.messages == [REFUSED]
