"""Custom attributes in the portal: shown when visible, editable when editable; the server enforces both."""

from __future__ import annotations

from dataclasses import dataclass

import pytest

from contacts.models import AttributeDefinition, AttributeValue, ContactLink
from contacts.services.attributes import attribute_define, set_attribute_values
from contacts.services.contacts import create_contact
from tests.portal.conftest import org_url, page, portal_client

NOT_IN_PORTAL = "cannot be changed in the portal."


@dataclass
class Attributes:
    newsletter: AttributeDefinition
    customer_since: AttributeDefinition
    credit_risk: AttributeDefinition


@pytest.fixture
def attributes(supplier_user) -> Attributes:
    """Staff defined three attributes: editable in the portal, visible read-only, and staff-only."""
    return Attributes(
        newsletter=attribute_define(
            actor=supplier_user, name="Nieuwsbrief", type="boolean", visible_in_portal=True, editable_in_portal=True
        ),
        customer_since=attribute_define(actor=supplier_user, name="Klant sinds", type="date", visible_in_portal=True),
        credit_risk=attribute_define(actor=supplier_user, name="Kredietrisico", type="text"),
    )


@pytest.fixture
def with_values(attributes, accountant, supplier_user) -> Attributes:
    set_attribute_values(
        contact=accountant,
        values={attributes.customer_since.pk: "2019-03-01", attributes.credit_risk.pk: "laag"},
        actor=supplier_user,
    )
    return attributes


def values_of(contact) -> dict[str, str]:
    return {value.definition.name: value.value for value in contact.attribute_values.select_related("definition")}


def contact_page(client, relation, contact):
    return client.get(org_url(relation, f"contacts/{contact.code}/"))


def post_attributes(client, relation, contact, data: dict):
    return client.post(org_url(relation, f"contacts/{contact.code}/"), {"section": "attributes", **data})


def test_the_page_shows_inputs_only_for_editable_attributes_and_hides_staff_only_ones(
    accountant, bakkerij, with_values
):
    html = page(contact_page(portal_client(accountant), bakkerij, accountant))

    assert f'name="attr_{with_values.newsletter.pk}"' in html
    assert "Klant sinds" in html and "2019-03-01" in html
    assert f'name="attr_{with_values.customer_since.pk}"' not in html
    assert "Kredietrisico" not in html and "laag" not in html


def test_a_visible_and_editable_attribute_is_saved_from_the_portal(accountant, bakkerij, with_values):
    client = portal_client(accountant)

    response = post_attributes(client, bakkerij, accountant, {f"attr_{with_values.newsletter.pk}": "true"})

    assert response.status_code == 302
    assert values_of(accountant) == {"Nieuwsbrief": "true", "Klant sinds": "2019-03-01", "Kredietrisico": "laag"}
    assert '<option value="true" selected>' in page(contact_page(client, bakkerij, accountant))


def test_admin_sets_an_attribute_of_a_contact_only_this_organisation_knows(
    org_admin, bakkerij, attributes, supplier_user
):
    dirk = create_contact(
        actor=supplier_user,
        last_name="Deeg",
        email="dirk@bakkerij-jansen.test",
        relation=bakkerij,
        link={"status": ContactLink.PortalStatus.APPROVED},
    )

    post_attributes(portal_client(org_admin), bakkerij, dirk, {f"attr_{attributes.newsletter.pk}": "false"})

    assert values_of(dirk)["Nieuwsbrief"] == "false"


def test_posting_a_hidden_attribute_is_rejected_and_nothing_is_saved(accountant, bakkerij, with_values):
    response = post_attributes(
        portal_client(accountant),
        bakkerij,
        accountant,
        {f"attr_{with_values.credit_risk.pk}": "hoog", f"attr_{with_values.newsletter.pk}": "true"},
    )

    assert response.status_code == 400
    assert "Unknown attribute." in page(response)
    assert "Kredietrisico" not in page(response)
    assert values_of(accountant) == {"Klant sinds": "2019-03-01", "Kredietrisico": "laag"}


def test_posting_a_visible_but_read_only_attribute_is_rejected_and_nothing_is_saved(accountant, bakkerij, with_values):
    response = post_attributes(
        portal_client(accountant), bakkerij, accountant, {f"attr_{with_values.customer_since.pk}": "2000-01-01"}
    )

    assert response.status_code == 400
    assert f"Klant sinds {NOT_IN_PORTAL}" in page(response)
    assert values_of(accountant)["Klant sinds"] == "2019-03-01"


def test_an_invalid_value_for_an_editable_attribute_is_rejected(accountant, bakkerij, with_values):
    response = post_attributes(
        portal_client(accountant), bakkerij, accountant, {f"attr_{with_values.newsletter.pk}": "misschien"}
    )

    assert response.status_code == 400
    assert "Choose yes or no." in page(response)
    assert not AttributeValue.objects.filter(definition=with_values.newsletter).exists()


def test_an_unknown_attribute_id_is_rejected(accountant, bakkerij, with_values):
    response = post_attributes(portal_client(accountant), bakkerij, accountant, {"attr_999999": "x"})

    assert response.status_code == 400
    assert "Unknown attribute." in page(response)


def test_probing_a_hidden_attribute_does_not_reveal_its_name(accountant, bakkerij, with_values):
    response = post_attributes(
        portal_client(accountant), bakkerij, accountant, {f"attr_{with_values.credit_risk.pk}": ""}
    )

    assert response.status_code == 400
    assert "Kredietrisico" not in page(response)


def test_a_malformed_attribute_id_is_no_server_error(accountant, bakkerij, with_values):
    response = post_attributes(portal_client(accountant), bakkerij, accountant, {"attr_²": "x"})

    assert response.status_code in {302, 400}
    assert values_of(accountant) == {"Klant sinds": "2019-03-01", "Kredietrisico": "laag"}
