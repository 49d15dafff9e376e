"""Merging a duplicate contact into the one that stays: links, tasks, attributes and history move."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.utils import timezone

from contacts.models import AttributeDefinition, Contact, ContactLink, MergeRecord
from contacts.services.attributes import attribute_define, set_attribute_values
from contacts.services.contacts import update_contact
from contacts.services.merge import merge_contacts
from contacts.services.out_of_service import mark_out_of_service
from relations.models import Relation
from tasks.models import Task
from tests.factories import ContactFactory, ContactLinkFactory, RelationFactory, TaskFactory


@dataclass
class MergeScenario:
    """Jan Jansen was entered twice: once as jan@..., once as j.jansen@... with other relations."""

    survivor: Contact
    duplicate: Contact
    only_duplicate: Relation
    both: Relation
    tasks: list[Task]
    department: AttributeDefinition
    newsletter: AttributeDefinition


@pytest.fixture
def scenario(supplier_user) -> MergeScenario:
    survivor = ContactFactory(first_name="Jan", last_name="Jansen", email="jan@bakkerij.test")
    duplicate = ContactFactory(first_name="J.", last_name="Jansen", email="j.jansen@bakkerij.test")
    update_contact(contact=duplicate, actor=supplier_user, data={"job_title": "Eigenaar"})
    only_duplicate = RelationFactory(name="Jansen Brood")
    both = RelationFactory(name="Bakkerij Jansen")
    ContactLinkFactory(contact=survivor, relation=both, support_access="own")
    ContactLinkFactory(contact=duplicate, relation=only_duplicate)
    ContactLinkFactory(contact=duplicate, relation=both, is_admin=True, is_approver=True, support_access="all")
    tasks = [
        TaskFactory(reporter=duplicate, subject="Loonstrook klopt niet"),
        TaskFactory(reporter=duplicate, subject="Oude vraag", status=Task.Status.CLOSED),
    ]
    department = attribute_define(actor=supplier_user, name="Afdeling", type="text")
    newsletter = attribute_define(actor=supplier_user, name="Nieuwsbrief", type="boolean")
    set_attribute_values(contact=survivor, values={department.pk: "Verkoop"}, actor=supplier_user)
    set_attribute_values(contact=duplicate, values={department.pk: "Inkoop", newsletter.pk: "ja"}, actor=supplier_user)
    return MergeScenario(survivor, duplicate, only_duplicate, both, tasks, department, newsletter)


def merge(scenario: MergeScenario, actor) -> MergeRecord:
    return merge_contacts(survivor=scenario.survivor, duplicate=scenario.duplicate, actor=actor)


def test_merge_moves_the_duplicates_links_to_the_survivor(scenario, supplier_user):
    merge(scenario, supplier_user)

    relations = set(ContactLink.objects.filter(contact=scenario.survivor).values_list("relation__name", flat=True))
    assert relations == {"Jansen Brood", "Bakkerij Jansen"}


def test_a_relation_both_are_linked_to_keeps_one_link_with_the_widest_roles(scenario, supplier_user):
    merge(scenario, supplier_user)

    link = ContactLink.objects.get(relation=scenario.both)
    assert link.contact == scenario.survivor
    assert (link.is_admin, link.is_approver, link.support_access) == (True, True, "all")


def test_merge_moves_the_reported_tasks(scenario, supplier_user):
    merge(scenario, supplier_user)

    assert {task.reporter for task in Task.objects.filter(pk__in=[task.pk for task in scenario.tasks])} == {
        scenario.survivor
    }


def test_merge_moves_attribute_values_and_the_survivors_own_value_wins(scenario, supplier_user):
    merge(scenario, supplier_user)

    values = dict(scenario.survivor.attribute_values.values_list("definition__name", "value"))
    assert values == {"Afdeling": "Verkoop", "Nieuwsbrief": "true"}


def test_the_duplicates_history_becomes_the_survivors(scenario, supplier_user):
    duplicate_rows = set(Contact.history.filter(id=scenario.duplicate.pk).values_list("history_id", flat=True))

    merge(scenario, supplier_user)

    survivor_history = Contact.history.filter(id=scenario.survivor.pk)
    assert duplicate_rows <= set(survivor_history.values_list("history_id", flat=True))
    assert survivor_history.filter(email="j.jansen@bakkerij.test", job_title="Eigenaar").exists()


def test_merge_is_recorded_with_the_actor_and_what_moved(scenario, supplier_user):
    duplicate_pk = scenario.duplicate.pk

    merge(scenario, supplier_user)

    record = MergeRecord.objects.get()
    assert (record.survivor, record.merged_contact_id, record.actor) == (scenario.survivor, duplicate_pk, supplier_user)
    assert record.merged_snapshot["email"] == "j.jansen@bakkerij.test"
    assert record.moved == {"links": 1, "combined_links": 1, "tasks": 2, "attributes": 1}


def test_the_duplicate_is_gone_after_the_merge(scenario, supplier_user):
    merge(scenario, supplier_user)

    assert list(Contact.objects.values_list("pk", flat=True)) == [scenario.survivor.pk]


def test_merging_a_contact_with_itself_is_refused(scenario, supplier_user):
    with pytest.raises(ValidationError) as refused:
        merge_contacts(survivor=scenario.survivor, duplicate=scenario.survivor, actor=supplier_user)

    assert refused.value.messages == ["Choose two different contacts to merge."]
    assert Contact.objects.count() == 2
    assert not MergeRecord.objects.exists()
    assert scenario.survivor.links.count() == 1


def test_merge_page_previews_then_merges(client_en, scenario):
    survivor, duplicate = scenario.survivor, scenario.duplicate

    preview = client_en.get(f"/contacts/{survivor.pk}/merge/?other={duplicate.pk}").content.decode()
    assert "j.jansen@bakkerij.test" in preview and "Jansen Brood" in preview
    assert Contact.objects.filter(pk=duplicate.pk).exists()

    response = client_en.post(
        f"/contacts/{survivor.pk}/merge/",
        {
            "other": duplicate.pk,
            "survivor": survivor.pk,
            "keep_name": survivor.pk,
            "keep_email": survivor.pk,
            "keep_job_title": duplicate.pk,
        },
        follow=True,
    )

    assert response.redirect_chain == [(f"/contacts/{survivor.pk}/", 302)]
    assert (
        "Jan Jansen (jan@bakkerij.test) stays; J. Jansen (j.jansen@bakkerij.test) has been merged into this contact."
        in response.content.decode()
    )
    assert MergeRecord.objects.get().actor.username == "staff@brightsoft.test"
    assert not Contact.objects.filter(pk=duplicate.pk).exists()


def test_merge_page_refuses_merging_a_contact_with_itself(client_en, scenario):
    survivor = scenario.survivor

    page = client_en.post(f"/contacts/{survivor.pk}/merge/", {"other": survivor.pk}).content.decode()

    assert "Choose two different contacts to merge." in page
    assert Contact.objects.count() == 2


def test_the_moved_tasks_history_records_the_merge_and_its_actor(scenario, supplier_user):
    merge(scenario, supplier_user)

    for task in scenario.tasks:
        latest = Task.history.filter(id=task.pk).latest()
        assert (latest.reporter_id, latest.history_user) == (scenario.survivor.pk, supplier_user)


def test_merging_into_the_contact_it_was_to_hand_over_to_is_refused_cleanly(scenario, supplier_user):
    survivor, duplicate = scenario.survivor, scenario.duplicate
    leaving_on = timezone.localdate() + datetime.timedelta(days=14)
    mark_out_of_service(contact=survivor, successor=duplicate, effective_date=leaving_on, actor=supplier_user)

    with pytest.raises(ValidationError):
        merge(scenario, supplier_user)

    assert Contact.objects.count() == 2
    assert not MergeRecord.objects.exists()
    survivor.refresh_from_db()
    assert survivor.successor == duplicate


def test_the_survivor_logs_in_with_its_own_email_after_taking_over_the_duplicates_login(scenario, supplier_user):
    user = get_user_model().objects.create_user(
        username="j.jansen@bakkerij.test", email="j.jansen@bakkerij.test", password="Portaal-wachtwoord-2026"
    )
    Contact.objects.filter(pk=scenario.duplicate.pk).update(user=user)

    merge(scenario, supplier_user)

    request = RequestFactory().post("/portal/login/")
    logged_in = authenticate(request, username="jan@bakkerij.test", password="Portaal-wachtwoord-2026")
    assert logged_in is not None and logged_in.contact == scenario.survivor
