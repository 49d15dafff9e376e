"""Support tasks in the portal: what support access all / own / none shows, new tickets and comments."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest

from tasks.models import Task
from tasks.services import task_change_status
from tests.factories import TaskFactory
from tests.portal.conftest import org_url, page, portal_client


@dataclass
class Tickets:
    anneke_at_bakkerij: Task
    bert_at_bakkerij: Task
    anneke_at_bouwbedrijf: Task
    other_at_bouwbedrijf: Task
    at_cafe: Task


@pytest.fixture
def tickets(accountant, org_admin, bakkerij, bouwbedrijf, cafe) -> Tickets:
    return Tickets(
        anneke_at_bakkerij=TaskFactory(relations=[bakkerij], reporter=accountant, subject="Jaarafsluiting bakkerij"),
        bert_at_bakkerij=TaskFactory(relations=[bakkerij], reporter=org_admin, subject="Kassa start niet"),
        anneke_at_bouwbedrijf=TaskFactory(relations=[bouwbedrijf], reporter=accountant, subject="BTW-aangifte bouw"),
        other_at_bouwbedrijf=TaskFactory(relations=[bouwbedrijf], reporter=org_admin, subject="Urenregistratie bouw"),
        at_cafe=TaskFactory(relations=[cafe], subject="Tapinstallatie"),
    )


def listed_subjects(html: str) -> list[str]:
    return re.findall(r'<td><a href="/portal/o/[^"]+/tasks/[^"]+/">([^<]+)</a></td>', html)


def test_support_access_all_lists_every_task_of_the_organisation(accountant, bakkerij, tickets):
    html = page(portal_client(accountant).get(org_url(bakkerij, "tasks/")))

    assert sorted(listed_subjects(html)) == ["Jaarafsluiting bakkerij", "Kassa start niet"]
    assert "All tickets of this organisation." in html


def test_support_access_own_lists_only_the_tasks_the_contact_reported(accountant, bouwbedrijf, tickets):
    html = page(portal_client(accountant).get(org_url(bouwbedrijf, "tasks/")))

    assert listed_subjects(html) == ["BTW-aangifte bouw"]
    assert "The tickets you reported." in html


def test_support_access_own_cannot_open_someone_elses_task_of_that_organisation(accountant, bouwbedrijf, tickets):
    client = portal_client(accountant)

    assert client.get(org_url(bouwbedrijf, f"tasks/{tickets.anneke_at_bouwbedrijf.code}/")).status_code == 200
    assert client.get(org_url(bouwbedrijf, f"tasks/{tickets.other_at_bouwbedrijf.code}/")).status_code == 404


def test_support_access_none_has_no_task_pages(accountant, cafe, tickets):
    client = portal_client(accountant)

    assert client.get(org_url(cafe, "tasks/")).status_code == 404
    assert client.get(org_url(cafe, "tasks/new/")).status_code == 404
    assert client.post(org_url(cafe, "tasks/new/"), {"subject": "x", "description": "y"}).status_code == 404
    assert client.get(org_url(cafe, f"tasks/{tickets.at_cafe.code}/")).status_code == 404
    assert "Support tasks" not in page(client.get(org_url(cafe)))


def test_a_task_of_another_organisation_answers_404_by_its_code(accountant, bakkerij, tickets):
    client = portal_client(accountant)

    for task in [tickets.at_cafe, tickets.other_at_bouwbedrijf, tickets.anneke_at_bouwbedrijf]:
        assert client.get(org_url(bakkerij, f"tasks/{task.code}/")).status_code == 404
        assert client.post(org_url(bakkerij, f"tasks/{task.code}/"), {"body": "Hallo?"}).status_code == 404
    assert not tickets.at_cafe.messages.exists()


def test_task_list_filters_by_text_and_status(accountant, bakkerij, tickets, supplier_user):
    task_change_status(task=tickets.bert_at_bakkerij, status=Task.Status.CLOSED, actor=supplier_user)
    client = portal_client(accountant)

    by_text = page(client.get(org_url(bakkerij, "tasks/"), {"q": "kassa"}))
    by_status = page(client.get(org_url(bakkerij, "tasks/"), {"status": "open"}))

    assert listed_subjects(by_text) == ["Kassa start niet"]
    assert listed_subjects(by_status) == ["Jaarafsluiting bakkerij"]


def test_a_task_linked_to_two_organisations_shows_once(accountant, bakkerij, bouwbedrijf):
    TaskFactory(relations=[bakkerij, bouwbedrijf], reporter=accountant, subject="Gedeelde vraag")

    html = page(portal_client(accountant).get(org_url(bakkerij, "tasks/")))

    assert listed_subjects(html) == ["Gedeelde vraag"]


def test_a_new_ticket_has_the_contact_as_reporter_is_linked_and_shows_in_the_staff_task_list(
    accountant, bouwbedrijf, staff_en
):
    client = portal_client(accountant)

    response = client.post(
        org_url(bouwbedrijf, "tasks/new/"),
        {"subject": "Loonstrook klopt niet", "description": "Vakantiegeld ontbreekt."},
        follow=True,
    )

    task = Task.objects.get(subject="Loonstrook klopt niet")
    assert response.redirect_chain == [(org_url(bouwbedrijf, f"tasks/{task.code}/"), 302)]
    assert f"Your ticket is registered as #{task.pk}." in page(response)
    assert task.reporter == accountant
    assert list(task.links.values_list("relation", flat=True)) == [bouwbedrijf.pk]
    assert task.history.first().history_user == accountant.user
    assert "Loonstrook klopt niet" in listed_subjects(page(client.get(org_url(bouwbedrijf, "tasks/"))))
    staff_list = page(staff_en.get("/tasks/"))
    assert "Loonstrook klopt niet" in staff_list
    assert "Loonstrook klopt niet" in page(staff_en.get(f"/relations/{bouwbedrijf.pk}/tasks/"))


def test_a_ticket_needs_a_subject(accountant, bakkerij):
    response = portal_client(accountant).post(org_url(bakkerij, "tasks/new/"), {"description": "Zonder onderwerp"})

    assert "field has-error" in page(response)
    assert not Task.objects.exists()


def test_adding_a_comment_shows_it_on_the_task_with_the_author(accountant, bakkerij, tickets, staff_en):
    client = portal_client(accountant)
    url = org_url(bakkerij, f"tasks/{tickets.bert_at_bakkerij.code}/")

    response = client.post(url, {"body": "Het scherm blijft zwart."}, follow=True)

    assert response.redirect_chain == [(url, 302)]
    html = page(response)
    assert "Your reply is added." in html
    assert "Het scherm blijft zwart." in html and accountant.full_name in html
    comment = tickets.bert_at_bakkerij.messages.get()
    assert (comment.author, comment.author_contact, comment.channel) == (accountant.user, accountant, "portal")
    assert "Het scherm blijft zwart." in page(staff_en.get(f"/tasks/{tickets.bert_at_bakkerij.pk}/"))


def test_an_empty_comment_is_not_added(accountant, bakkerij, tickets):
    url = org_url(bakkerij, f"tasks/{tickets.bert_at_bakkerij.code}/")

    portal_client(accountant).post(url, {"body": "   "})

    assert not tickets.bert_at_bakkerij.messages.exists()
