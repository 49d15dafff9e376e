"""The reads every portal page makes, through the ORM: the login's contact and its approved
memberships, one statement each, with nothing read twice."""

from __future__ import annotations

from django.contrib.auth import get_user_model

from contacts.models import ContactLink
from portal.selectors import contact_of, memberships
from tests.factories import ContactLinkFactory, RelationFactory


def test_memberships_come_with_their_relation_and_a_login_finds_its_contact(in_supplier, django_assert_num_queries):
    link = ContactLinkFactory(status=ContactLink.PortalStatus.APPROVED, relation=RelationFactory(name="Zuivel B.V."))
    contact = link.contact
    ContactLinkFactory(contact=contact, status=ContactLink.PortalStatus.REQUESTED)
    ContactLinkFactory(contact=contact, relation=RelationFactory(is_active=False))
    contact.user = get_user_model().objects.create_user(username=contact.username)
    contact.save(update_fields=["user"])
    user = get_user_model().objects.get(pk=contact.user_id)  # as a request reads it: nothing cached
    nobody = get_user_model().objects.create_user(username="geen-contact")

    with django_assert_num_queries(4):  # one statement each, after its SET search_path
        (found,) = memberships(contact)  # approved, of an active organisation
        found_contact = contact_of(user)
    with django_assert_num_queries(0):
        assert found.relation.name == "Zuivel B.V."
        assert found_contact.user is user and user.contact is found_contact
    assert found_contact == contact
    assert contact_of(nobody) is None
