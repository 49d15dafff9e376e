"""tenants.rows: plain statements that give the same model instances as the ORM."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.forms.models import model_to_dict

from contacts.models import ContactLink
from portal.selectors import contact_of, memberships
from relations.models import Relation
from tenants.rows import columns, fetch_instances
from tests.factories import ContactLinkFactory, RelationFactory


def test_instances_carry_every_column_as_the_orm_reads_it(in_supplier):
    relation = RelationFactory(name="Bakkerij Kolom", coc_number="12345678", sync_client_online=True)
    link = ContactLinkFactory(relation=relation, status=ContactLink.PortalStatus.APPROVED, is_admin=True)

    ((read_link, read_relation),) = fetch_instances(
        f"SELECT {columns(ContactLink, 'l')}, {columns(Relation, 'r')} FROM contacts_contactlink l"
        " JOIN relations_relation r ON r.id = l.relation_id WHERE l.id = %s",
        [link.pk],
        ContactLink,
        Relation,
    )

    assert model_to_dict(read_link) == model_to_dict(ContactLink.objects.get(pk=link.pk))
    assert model_to_dict(read_relation) == model_to_dict(Relation.objects.get(pk=relation.pk))
    assert read_link.created_at == ContactLink.objects.get(pk=link.pk).created_at  # not editable, not in the dict
    assert not read_link._state.adding  # saved rows, as the ORM gives them


def test_memberships_come_with_their_relation_and_a_login_finds_its_contact(in_supplier, django_assert_num_queries):
    link = ContactLinkFactory(status=ContactLink.PortalStatus.APPROVED, relation=RelationFactory(name="Zuivel B.V."))
    contact = link.contact
    contact.user = get_user_model().objects.create_user(username=contact.username)
    contact.save(update_fields=["user"])
    nobody = get_user_model().objects.create_user(username="geen-contact")

    with django_assert_num_queries(4):  # one statement each, after its SET search_path
        (found,) = memberships(contact)
        found_contact = contact_of(contact.user)
    with django_assert_num_queries(0):
        assert found.relation.name == "Zuivel B.V."
        assert contact.user.contact == found_contact == contact
    assert contact_of(nobody) is None
