"""One id parser for posted and queried ids (staff.ui.parse_id): an odd id is "none chosen",
with the page's own message, never an error page."""

from __future__ import annotations

import pytest

from contacts.models import ContactLink
from staff.ui import MAX_ID, parse_id
from tests.factories import ContactFactory, RelationFactory, TaskFactory

ODD_IDS = ["", "abc", "-1", "0", "1.0", " 1", "²", "٣", "9" * 20, "9" * 5000]


@pytest.mark.parametrize(("value", "parsed"), [("1", 1), ("042", 42), (str(MAX_ID), MAX_ID), (None, None)])
def test_plain_ids_are_read(value, parsed):
    assert parse_id(value) == parsed


@pytest.mark.parametrize("value", ODD_IDS)
def test_anything_else_names_no_id(value):
    assert parse_id(value) is None


@pytest.mark.parametrize("value", ["²", "9" * 5000, "abc"])
def test_linking_a_contact_with_an_odd_id_says_choose_one_and_links_nothing(supplier_staff_client, value):
    relation = RelationFactory()

    response = supplier_staff_client.post(
        f"/relations/{relation.pk}/contacts/add/", {"contact": value}, HTTP_ACCEPT_LANGUAGE="nl", follow=True
    )

    assert response.status_code == 200
    assert not ContactLink.objects.filter(relation=relation).exists()
    assert "Kies een contactpersoon om te koppelen." in response.content.decode()


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_relink_preview_with_an_odd_target_shows_the_picker(supplier_staff_client, value):
    relation = RelationFactory()

    response = supplier_staff_client.get(f"/relations/{relation.pk}/relink/", {"to": value})

    assert response.status_code == 200


@pytest.mark.parametrize("value", ["²", "9" * 5000])
def test_merge_with_an_odd_other_contact_shows_the_form(supplier_staff_client, value):
    contact = ContactFactory()

    assert supplier_staff_client.get(f"/contacts/{contact.pk}/merge/", {"other": value}).status_code == 200


@pytest.mark.parametrize("value", ["²", "٣", "9" * 20, "9" * 5000])
@pytest.mark.parametrize(
    "path",
    [
        "/relations/{relation}/relink/?to={value}",
        "/relations/picker/?q=a&exclude={value}",
        "/contacts/picker/?q=a&exclude={value}",
        "/contacts/new/?relation={value}",
        "/contacts/duplicates/?relation={value}&last_name=Jansen",
        "/tasks/{task}/links/search/?q=a&exclude={value}",
        "/tasks/support/?page={value}",
        "/tasks/?page={value}",
        "/relations/?page={value}",
    ],
)
def test_every_id_and_page_parameter_of_finding_6_answers_without_a_server_error(supplier_staff_client, path, value):
    """Issue 14 finding 6: seven endpoints answered 500 on a digit int() refuses or an overflow."""
    relation = RelationFactory()
    task = TaskFactory()

    response = supplier_staff_client.get(path.format(relation=relation.pk, task=task.pk, value=value))

    assert response.status_code in {200, 302, 404}
