"""Merging field by field, either way round; the other address stays and still logs in; what
would end is confirmed first; the message names who stayed; history, security log and undo."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.db import connection
from django.test import RequestFactory

from audit.models import SecurityEvent
from contacts.models import AttributeValue, Contact, ContactEmail, ContactLink, MergeRecord
from contacts.selectors import contact_search
from contacts.services.attributes import attribute_define, set_attribute_values
from contacts.services.contacts import DuplicateContactError, contact_with_email, create_contact, find_duplicates
from contacts.services.merge import merge_contacts, merge_preview, undo_merge
from portal.services import grant_portal_login
from tasks.models import Task
from tests.conftest import SUPPLIER, client_for
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory, TaskFactory

PASSWORD = "Portaal-wachtwoord-2026"


@pytest.fixture
def pair(supplier_user):
    """Jan de Vries twice: the older record jan@x.nl (no phone), the newer j.devries@y.nl."""
    older = create_contact(actor=supplier_user, first_name="Jan", last_name="de Vries", email="jan@x.nl")
    newer = create_contact(
        actor=supplier_user, first_name="J.", last_name="de Vries", email="j.devries@y.nl", phone="0612345678"
    )
    return older, newer


def form_data(survivor, other, **keep):
    data = {"other": other.pk, "survivor": survivor.pk}
    for name in ("name", "email", "phone"):
        data[f"keep_{name}"] = keep.get(name, survivor).pk
    return data


def login(username: str):
    return authenticate(RequestFactory().post("/portal/login/"), username=username, password=PASSWORD)


@pytest.mark.parametrize("newer_survives", [False, True])
def test_each_field_keeps_the_value_chosen_whichever_record_survives(pair, supplier_user, newer_survives):
    older, newer = pair
    survivor, absorbed = (newer, older) if newer_survives else (older, newer)

    merge_contacts(
        survivor=survivor,
        duplicate=absorbed,
        actor=supplier_user,
        keep={"name": older.pk, "email": absorbed.pk, "phone": newer.pk, "job_title": survivor.pk, "kind": survivor.pk},
    )

    kept = Contact.objects.get()
    assert kept.pk == survivor.pk
    assert (kept.full_name, kept.email, kept.username, str(kept.phone)) == (
        "Jan de Vries",
        absorbed.email,
        absorbed.email,
        "+31612345678",
    )
    assert list(kept.secondary_emails.values_list("email", flat=True)) == [survivor.email]


def checked(page: str, name: str) -> str:
    """The value of the checked radio button `name`."""
    return re.search(rf'<input type="radio" name="{name}" value="(\d+)"[^>]*checked', page).group(1)


def test_the_page_offers_both_values_defaulting_to_the_older_and_most_complete(client_en, pair):
    older, newer = pair

    page = client_en.get(f"/contacts/{newer.pk}/merge/?other={older.pk}").content.decode()

    assert "Jan de Vries" in page and "J. de Vries" in page and "+31612345678" in page
    assert checked(page, "survivor") == str(older.pk)
    assert checked(page, "keep_name") == checked(page, "keep_email") == str(older.pk)
    # The older record has no phone: the newer one's is the default.
    assert checked(page, "keep_phone") == str(newer.pk)


def test_the_merge_page_merges_with_the_choices_and_says_who_stayed(client_en, pair):
    older, newer = pair

    # Started from the older record, the newer one is chosen to stay.
    data = {**form_data(newer, older, name=older, email=newer, phone=newer), "other": newer.pk}
    response = client_en.post(f"/contacts/{older.pk}/merge/", data, follow=True)

    assert response.redirect_chain == [(f"/contacts/{newer.pk}/", 302)]
    page = response.content.decode()
    assert "J. de Vries (j.devries@y.nl) stays; Jan de Vries (jan@x.nl) has been merged into this contact." in page
    assert "jan@x.nl" in page  # shown as the second address
    kept = Contact.objects.get()
    assert (kept.pk, kept.full_name, kept.email) == (newer.pk, "Jan de Vries", "j.devries@y.nl")


def test_the_merge_message_is_dutch_in_dutch(supplier_staff_client, in_supplier, pair):
    older, newer = pair
    supplier_staff_client.post("/i18n/setlang/", {"language": "nl"})

    page = supplier_staff_client.post(f"/contacts/{older.pk}/merge/", form_data(older, newer), follow=True)

    assert (
        "Jan de Vries (jan@x.nl) blijft; J. de Vries (j.devries@y.nl) is opgegaan in dit contact."
        in page.content.decode()
    )


def test_the_other_address_still_finds_the_person(pair, supplier_user):
    older, newer = pair

    merge_contacts(survivor=older, duplicate=newer, actor=supplier_user)

    assert contact_with_email(" J.deVries@Y.nl ") == older
    assert find_duplicates(email="j.devries@y.nl") == [older]
    assert contact_search(query="devries@y") == [older]
    with pytest.raises(DuplicateContactError) as refused:
        create_contact(actor=supplier_user, last_name="Ander", email="j.devries@y.nl")
    assert refused.value.existing == older


def test_the_absorbed_login_still_logs_in_with_its_own_address(pair, supplier_user):
    older, newer = pair
    grant_portal_login(contact=newer, password=PASSWORD)

    merge_contacts(survivor=older, duplicate=newer, actor=supplier_user)

    older.refresh_from_db()
    assert login("j.devries@y.nl") == older.user
    assert login("jan@x.nl") == older.user
    assert login("jan@x.nl").contact == older


def test_the_portal_login_page_accepts_the_secondary_address(pair, supplier_user, client):
    older, newer = pair
    grant_portal_login(contact=newer, password=PASSWORD)
    merge_contacts(survivor=older, duplicate=newer, actor=supplier_user)
    ContactLinkFactory(contact=older, relation=RelationFactory(), support_access="all")
    portal = client_for(SUPPLIER)
    response = portal.post("/portal/login/", {"username": "J.DeVries@y.nl", "password": PASSWORD})

    assert response.status_code == 302


def test_a_merge_that_would_end_a_portal_login_asks_first(client_en, pair):
    older, newer = pair
    grant_portal_login(contact=older, password=PASSWORD)
    grant_portal_login(contact=newer, password="Ander-wachtwoord-2026")

    warning = client_en.post(f"/contacts/{older.pk}/merge/", form_data(older, newer))

    page = warning.content.decode()
    assert "The portal login of J. de Vries (j.devries@y.nl) is switched off." in page
    assert 'name="confirm" value="1"' in page
    assert Contact.objects.count() == 2 and not MergeRecord.objects.exists()

    response = client_en.post(f"/contacts/{older.pk}/merge/", {**form_data(older, newer), "confirm": "1"})

    assert response.status_code == 302
    assert not get_user_model().objects.get(pk=newer.user_id).is_active
    assert login("jan@x.nl") == Contact.objects.get().user


def test_a_merge_that_would_end_a_client_online_user_asks_first(pair, supplier_user):
    older, newer = pair
    relation = RelationFactory(sync_client_online=True)
    ContactLinkFactory(contact=newer, relation=relation, sync_client_online=True)

    plan = merge_preview(survivor=older, absorbed=newer)

    assert plan.endings == [
        "The Client Online user of J. de Vries (j.devries@y.nl) is removed; its clients go to the contact that stays."
    ]
    assert merge_preview(survivor=newer, absorbed=older).endings == []


def test_a_plain_merge_needs_no_confirmation(client_en, pair):
    older, newer = pair

    response = client_en.post(f"/contacts/{older.pk}/merge/", form_data(older, newer))

    assert response.status_code == 302 and Contact.objects.count() == 1


def test_the_merge_is_in_the_history_of_both_and_in_the_security_log(client_en, pair, supplier_user):
    older, newer = pair
    record = merge_contacts(survivor=older, duplicate=newer, actor=supplier_user)

    event = SecurityEvent.objects.get(kind=SecurityEvent.Kind.CONTACT_MERGED)
    assert event.summary == "J. de Vries (j.devries@y.nl) is opgegaan in Jan de Vries (jan@x.nl)."
    assert event.actor == supplier_user
    entry = "J. de Vries (j.devries@y.nl) merged into Jan de Vries (jan@x.nl)"
    assert entry in client_en.get(f"/contacts/{older.pk}/").content.decode()

    undo_merge(record=record, actor=supplier_user)

    assert SecurityEvent.objects.filter(kind=SecurityEvent.Kind.CONTACT_MERGE_UNDONE).count() == 1
    restored_page = client_en.get(f"/contacts/{newer.pk}/").content.decode()
    assert entry in restored_page and "merge undone" in restored_page


def _state(*contacts):
    """Everything a merge touches, of these contacts, as comparable values."""
    pks = [c.pk for c in contacts]
    return {
        "contacts": list(
            Contact.objects.filter(pk__in=pks)
            .order_by("pk")
            .values("pk", "code", "first_name", "infix", "last_name", "email", "username", "phone", "user_id")
        ),
        "links": sorted(
            ContactLink.objects.filter(contact__in=pks).values_list(
                "pk", "contact_id", "relation_id", "is_admin", "is_approver", "support_access", "status"
            )
        ),
        "values": sorted(AttributeValue.objects.filter(contact__in=pks).values_list("pk", "contact_id", "value")),
        "tasks": sorted(Task.objects.filter(reporter__in=pks).values_list("pk", "reporter_id")),
        "history": sorted(
            Contact.history.filter(id__in=pks)
            .exclude(history_change_reason__startswith="merge")
            .values_list("history_id", "id")
        ),
        "secondary": sorted(ContactEmail.objects.values_list("contact_id", "email")),
        "logins": sorted(get_user_model().objects.filter(is_staff=False).values_list("pk", "username", "is_active")),
    }


def test_undo_restores_exactly_what_was_there(pair, supplier_user):
    older, newer = pair
    both, only_newer = RelationFactory(name="Beide B.V."), RelationFactory(name="Nieuw B.V.")
    ContactLinkFactory(contact=older, relation=both, support_access="own")
    ContactLinkFactory(contact=newer, relation=both, is_admin=True, support_access="all")
    ContactLinkFactory(contact=newer, relation=only_newer)
    TaskFactory(reporter=newer, subject="Van de nieuwe")
    TaskFactory(reporter=older, subject="Van de oude")
    department = attribute_define(actor=supplier_user, name="Afdeling", type="text")
    set_attribute_values(contact=newer, values={department.pk: "Inkoop"}, actor=supplier_user)
    grant_portal_login(contact=newer, password=PASSWORD)
    newer.refresh_from_db()
    before = _state(older, newer)

    record = merge_contacts(
        survivor=older, duplicate=newer, actor=supplier_user, keep={"email": newer.pk, "phone": newer.pk}
    )
    assert _state(older, newer) != before
    undo_merge(record=record, actor=supplier_user)

    assert _state(older, newer) == before
    assert login("j.devries@y.nl").contact == Contact.objects.get(pk=newer.pk)
    record.refresh_from_db()
    assert record.undone_by == supplier_user


def test_undo_from_the_history_page(client_en, pair, supplier_user):
    older, newer = pair
    record = merge_contacts(survivor=older, duplicate=newer, actor=supplier_user)
    page = client_en.get(f"/contacts/{older.pk}/").content.decode()
    assert f'action="/contacts/merges/{record.pk}/undo/"' in page

    response = client_en.post(f"/contacts/merges/{record.pk}/undo/", follow=True)

    assert response.redirect_chain == [(f"/contacts/{newer.pk}/", 302)]
    assert "The merge was undone: J. de Vries (j.devries@y.nl) is a contact of its own again." in (
        response.content.decode()
    )
    again = client_en.post(f"/contacts/merges/{record.pk}/undo/", follow=True).content.decode()
    assert "This merge was undone already." in again
    assert Contact.objects.count() == 2


def test_merging_a_contact_with_itself_is_refused_on_the_page(client_en, pair):
    older, _newer = pair

    response = client_en.post(f"/contacts/{older.pk}/merge/", {"other": older.pk, "survivor": older.pk})

    assert response.status_code == 400
    assert "Choose two different contacts to merge." in response.content.decode()
    assert Contact.objects.count() == 2


def test_a_bad_choice_is_refused_and_nothing_is_merged(client_en, pair):
    older, newer = pair

    response = client_en.post(f"/contacts/{older.pk}/merge/", {**form_data(older, newer), "keep_email": "999999"})

    assert response.status_code == 400
    assert "Choose one of the two values." in response.content.decode()
    assert Contact.objects.count() == 2


def test_a_contact_of_another_contractant_cannot_be_merged(client_en, pair, alpha, supplier):
    older, _newer = pair
    connection.set_tenant(alpha)
    foreign = ContactFactory(email="ander@alpha.test")
    connection.set_tenant(supplier)
    while Contact.objects.filter(pk=foreign.pk).exists():
        connection.set_tenant(alpha)
        foreign = ContactFactory(email=f"ander{foreign.pk}@alpha.test")
        connection.set_tenant(supplier)

    assert client_en.get(f"/contacts/{older.pk}/merge/?other={foreign.pk}").status_code == 404
    assert client_en.post(f"/contacts/{older.pk}/merge/", form_data(older, foreign)).status_code == 404
    assert Contact.objects.count() == 2
