"""The staff queue of e-mail from unknown senders: listed, read, made into a task or discarded."""

from __future__ import annotations

import pytest
from django.core.files.storage import default_storage

from mailin.models import InboundMail
from tasks.models import Task, TaskEmail
from tests.conftest import SUPPLIER, client_for, logged_in_staff
from tests.mailin.conftest import PDF, mail, receive, support


@pytest.fixture
def staff(in_supplier):
    client = logged_in_staff(SUPPLIER)
    client.post("/i18n/setlang/", {"language": "en"})
    return client


@pytest.fixture
def queued(in_supplier) -> InboundMail:
    raw = mail(
        to=support(),
        sender="Nieuwe Klant <info@nieuw.test>",
        subject="Loonstrook van mijn werknemer",
        body="Kunnen jullie naar deze strook kijken?\n\nMet vriendelijke groet,\nPiet",
        attachments=[("strook.pdf", PDF, "application/pdf")],
    )
    receive(raw, to=support(), mail_from="info@nieuw.test")
    return InboundMail.objects.get()


def page(response) -> str:
    return response.content.decode()


def test_staff_see_the_queue_and_its_entry_in_the_navigation(staff, queued, django_assert_max_num_queries):
    with django_assert_max_num_queries(10):
        html = page(staff.get("/unknown-senders/"))

    assert "Nieuwe Klant" in html and "info@nieuw.test" in html
    assert f'href="/unknown-senders/{queued.pk}/"' in html and "Loonstrook van mijn werknemer" in html
    assert "1 e-mail waiting" in html
    assert 'href="/unknown-senders/"' in page(staff.get("/"))


def test_the_queue_page_needs_a_staff_login(queued):
    response = client_for(SUPPLIER).get("/unknown-senders/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")


def test_a_queued_mail_shows_its_text_files_and_a_relation_search(
    staff, queued, in_supplier, django_assert_max_num_queries
):
    from tests.factories import RelationFactory

    RelationFactory(name="Bouwbedrijf Piet", customer_number="P300")

    with django_assert_max_num_queries(10):
        html = page(staff.get(f"/unknown-senders/{queued.pk}/?q=Piet"))

    assert "Kunnen jullie naar deze strook kijken?" in html and "Met vriendelijke groet" not in html
    assert "strook.pdf" in html
    assert "Bouwbedrijf Piet" in html and 'name="relation"' in html
    fragment = page(
        staff.get(f"/unknown-senders/{queued.pk}/?q=Piet", HTTP_HX_REQUEST="true", HTTP_HX_TARGET="relation-results")
    )
    assert "Bouwbedrijf Piet" in fragment and "<html" not in fragment


def test_staff_make_a_task_of_it_with_a_relation_and_its_files(
    staff, queued, in_supplier, django_capture_on_commit_callbacks
):
    from tests.factories import RelationFactory

    relation = RelationFactory(name="Bouwbedrijf Piet")
    raw_name = queued.raw.name
    assert default_storage.exists(raw_name)

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(
            f"/unknown-senders/{queued.pk}/task/", {"subject": "Strook werknemer Piet", "relation": relation.pk}
        )

    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/tasks/{task.pk}/"
    assert (task.subject, task.description, task.reporter) == (
        "Strook werknemer Piet",
        "Kunnen jullie naar deze strook kijken?",
        None,
    )
    assert [link.relation for link in task.links.all()] == [relation]
    assert [attachment.name for attachment in task.attachments.all()] == ["strook.pdf"]
    assert TaskEmail.objects.get(task=task).address == "info@nieuw.test"
    queued.refresh_from_db()
    assert (queued.triage, queued.task, queued.raw.name) == ("task_created", task, "")
    assert staff.get(f"/unknown-senders/{queued.pk}/").status_code == 404
    assert staff.post(f"/unknown-senders/{queued.pk}/task/", {"subject": "Nog eens"}).status_code == 404
    assert not default_storage.exists(raw_name)  # the files are the task's now


def test_a_search_sent_without_javascript_comes_back_on_the_mail_page(staff, queued):
    response = staff.post(f"/unknown-senders/{queued.pk}/task/", {"subject": "Onderwerp", "q": "Piet"})

    assert response.status_code == 302
    assert response["Location"].startswith(f"/unknown-senders/{queued.pk}/?q=Piet&subject=Onderwerp")
    assert not Task.objects.exists()


def test_a_task_needs_a_subject(staff, queued):
    response = staff.post(f"/unknown-senders/{queued.pk}/task/", {"subject": ""})

    assert response.status_code == 400 and not Task.objects.exists()


def test_staff_discard_it_and_its_text_goes(staff, queued, django_capture_on_commit_callbacks):
    raw_name = queued.raw.name

    with django_capture_on_commit_callbacks(execute=True):
        response = staff.post(f"/unknown-senders/{queued.pk}/discard/", follow=True)

    assert "The e-mail of info@nieuw.test is discarded." in page(response)
    queued.refresh_from_db()
    assert (queued.triage, queued.body, queued.raw.name) == ("discarded", "", "")
    assert not default_storage.exists(raw_name) and not Task.objects.exists()
    assert "No e-mails from unknown senders are waiting." in page(staff.get("/unknown-senders/"))
    # A second delivery of the discarded mail still adds nothing.
    again = mail(to=support(), sender="info@nieuw.test", message_id=queued.message_id)
    assert receive(again, to=support(), mail_from="info@nieuw.test").deliveries[0].result == "duplicate"
