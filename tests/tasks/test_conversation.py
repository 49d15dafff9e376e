"""The conversation on a task (issue 15): public replies and internal notes, the helpdesk
cycle, held e-mails, and every customer-facing surface reading only the public part."""

from __future__ import annotations

import datetime
import re

import pytest
from django.utils import timezone

from subscriptions.services import bind_technical_setup
from tasks.conversation import hold_message_for_review, post_customer_reply, post_staff_message
from tasks.models import Task, TaskMessage
from tasks.selectors import public_messages
from tests.conftest import ALPHA, client_for, logged_in_staff
from tests.factories import SubscriptionFactory, TaskFactory
from tests.portal.conftest import org_url, page, portal_client

INTERNAL = "INTERN: klant is lastig, niet doorsturen"
PUBLIC = "Wij hebben de loonstrook opnieuw aangemaakt."


@pytest.fixture
def task(accountant, bakkerij):
    return TaskFactory(relations=[bakkerij], reporter=accountant, subject="Loonstrook klopt niet")


def note_and_reply(task, user):
    post_staff_message(task=task, body=INTERNAL, kind=TaskMessage.Kind.NOTE, actor=user)
    post_staff_message(task=task, body=PUBLIC, kind=TaskMessage.Kind.REPLY, actor=user)


def test_staff_see_the_note_marked_as_internal_and_the_reply(staff_en, supplier_user, task):
    note_and_reply(task, supplier_user)

    html = page(staff_en.get(f"/tasks/{task.pk}/"))

    assert INTERNAL in html and PUBLIC in html
    assert html.index("Internal note") < html.index(INTERNAL)
    assert 'class="timeline-entry entry-note is-internal"' in html


def test_the_portal_shows_the_reply_and_never_the_note(accountant, bakkerij, supplier_user, task):
    note_and_reply(task, supplier_user)

    html = page(portal_client(accountant).get(org_url(bakkerij, f"tasks/{task.code}/")))

    assert PUBLIC in html
    assert INTERNAL not in html and "Internal note" not in html


def test_public_messages_leave_out_notes_and_held_emails(supplier_user, task):
    note_and_reply(task, supplier_user)
    hold_message_for_review(task=task, body="Vervalst antwoord", sender="vreemde@elders.test")

    assert [message.body for message in public_messages(task)] == [PUBLIC]


def test_support_tasks_of_the_customer_contractant_never_show_a_note(supplier_user, alpha, task, bakkerij):
    bind_technical_setup(
        subscription=SubscriptionFactory(relation=bakkerij), contractant=alpha, database="default", actor=supplier_user
    )
    note_and_reply(task, supplier_user)

    client = logged_in_staff(ALPHA)
    listing = client.get("/tasks/support/").content.decode()
    detail = client.get(f"/tasks/support/{task.code}/").content.decode()

    assert f"/tasks/support/{task.code}/" in listing
    assert PUBLIC in detail and INTERNAL not in detail


def test_support_task_detail_of_a_task_not_bound_to_us_answers_404(supplier_user, alpha, bakkerij, cafe):
    bind_technical_setup(
        subscription=SubscriptionFactory(relation=bakkerij), contractant=alpha, database="default", actor=supplier_user
    )
    elsewhere = TaskFactory(relations=[cafe])

    assert logged_in_staff(ALPHA).get(f"/tasks/support/{elsewhere.code}/").status_code == 404


def test_a_reply_that_waits_sets_the_status_and_a_customer_reply_reopens(accountant, bakkerij, supplier_user, task):
    post_staff_message(
        task=task, body="Kunt u de loonstrook sturen?", kind="reply", actor=supplier_user, set_status="waiting"
    )
    task.refresh_from_db()
    assert task.status == Task.Status.WAITING
    before = task.updated_at

    response = portal_client(accountant).post(
        org_url(bakkerij, f"tasks/{task.code}/"), {"body": "Hierbij."}, follow=True
    )

    task.refresh_from_db()
    assert task.status == Task.Status.OPEN and task.updated_at > before
    assert "Your reply is added." in page(response)
    reply = task.messages.get(body="Hierbij.")
    assert (reply.kind, reply.channel, reply.author_contact) == ("reply", "portal", accountant)


def test_a_customer_reply_soon_after_closing_reopens_the_task(accountant, task):
    Task.objects.filter(pk=task.pk).update(status="closed", closed_at=timezone.now() - datetime.timedelta(days=3))

    message = post_customer_reply(task=task, body="Toch nog een vraag", contact=accountant, channel="portal")

    task.refresh_from_db()
    assert message.task_id == task.pk and task.status == Task.Status.OPEN and task.closed_at is None


def test_a_customer_reply_long_after_closing_starts_a_linked_follow_up(accountant, bakkerij, task):
    Task.objects.filter(pk=task.pk).update(status="closed", closed_at=timezone.now() - datetime.timedelta(days=40))

    message = post_customer_reply(
        task=task, body="Nieuwe vraag over dezelfde strook", contact=accountant, channel="email"
    )

    task.refresh_from_db()
    follow_up = message.task
    assert task.status == Task.Status.CLOSED
    assert follow_up.pk != task.pk and follow_up.follow_up_of == task
    assert follow_up.subject == "Follow-up: Loonstrook klopt niet"
    assert list(follow_up.links.values_list("relation", flat=True)) == [bakkerij.pk]
    assert follow_up.reporter == accountant


def test_the_reopen_window_is_the_desks_setting(staff_en, accountant, task):
    staff_en.post(
        "/tasks/settings/",
        {"default_message_kind": "note", "reopen_window_days": "60", "support_address_local_part": "helpdesk"},
    )
    Task.objects.filter(pk=task.pk).update(status="closed", closed_at=timezone.now() - datetime.timedelta(days=40))

    message = post_customer_reply(task=task, body="Binnen 60 dagen", contact=accountant, channel="portal")

    assert message.task_id == task.pk
    composer = page(staff_en.get(f"/tasks/{task.pk}/"))
    assert re.search(r'value="note"[^>]* checked', composer)


def test_desk_settings_refuse_an_address_that_cannot_be_one(staff_en):
    response = staff_en.post(
        "/tasks/settings/",
        {"default_message_kind": "reply", "reopen_window_days": "14", "support_address_local_part": "reply+x y"},
    )

    assert "Use letters, digits, dots or hyphens" in page(response)


def test_a_held_email_changes_nothing_until_staff_publish_it(supplier_user, staff_en, accountant, bakkerij, task):
    Task.objects.filter(pk=task.pk).update(status="waiting")
    held = hold_message_for_review(task=task, body="Stuur het naar mij", sender="vreemde@elders.test")
    task.refresh_from_db()
    assert task.status == "waiting"
    portal_html = page(portal_client(accountant).get(org_url(bakkerij, f"tasks/{task.code}/")))
    assert "Stuur het naar mij" not in portal_html

    staff_en.post(f"/tasks/{task.pk}/messages/{held.code}/publish/")

    held.refresh_from_db()
    assert (held.kind, held.held_for_review, held.published_by) == ("reply", False, supplier_user)
    assert "Stuur het naar mij" in page(portal_client(accountant).get(org_url(bakkerij, f"tasks/{task.code}/")))


def test_an_empty_message_is_refused_and_nothing_is_saved(staff_en, task):
    response = staff_en.post(f"/tasks/{task.pk}/messages/", {"kind": "reply", "body": "  "}, follow=True)

    assert "Write a message first." in page(response)
    assert not task.messages.exists()


def test_a_message_without_an_explicit_kind_is_refused(staff_en, task):
    response = staff_en.post(f"/tasks/{task.pk}/messages/", {"body": "Welke soort?"}, follow=True)

    assert response.status_code == 200
    assert not task.messages.exists()


def test_staff_of_another_contractant_cannot_write_on_the_task(task):
    from tests.conftest import STAFF_PASSWORD

    client = client_for(ALPHA)
    client.post("/login/", {"username": ALPHA.staff_email, "password": STAFF_PASSWORD})
    response = client.post(f"/tasks/{task.pk}/messages/", {"kind": "reply", "body": "Van buiten"})

    assert response.status_code == 404
