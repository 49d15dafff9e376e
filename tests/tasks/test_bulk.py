"""Bulk actions on any selection of tasks (issue 16, deliverable 7): assign, status, priority,
link, unlink, close with a public reply; a large selection runs on the worker with a progress
page; every task keeps one timeline entry per bulk action."""

from __future__ import annotations

import re

import pytest
from django.contrib.auth import get_user_model
from django.template.loader import render_to_string
from django.test import RequestFactory

from staff.models import Team
from tasks import bulk
from tasks.models import BulkJob, BulkJobItem, Task, TaskLink, TaskMessage
from tasks.selectors import task_page
from tasks.timeline import task_timeline
from tests.conftest import ALPHA, SUPPLIER, logged_in_staff
from tests.factories import RelationFactory, TaskFactory
from tests.portal.conftest import page

REPLY = "We hebben de storing opgelost; deze melding sluiten we."


@pytest.fixture
def colleague(in_supplier):
    return get_user_model().objects.create_user(
        "cor@brightsoft.test", "cor@brightsoft.test", first_name="Cor", last_name="Collega", is_staff=True
    )


@pytest.fixture
def post_bulk(staff_en, django_capture_on_commit_callbacks):
    """Post the bulk form as the list offers it; what it queues after commit runs (eager worker)."""

    def post(tasks=(), *, next_url="/tasks/", **fields):
        data = {"next": next_url, "task_ids": [str(task.pk) for task in tasks], **fields}
        with django_capture_on_commit_callbacks(execute=True):
            return staff_en.post("/tasks/bulk/", data, follow=True)

    return post


def messages_of(response) -> list[str]:
    return [re.sub(r"<[^>]+>", "", str(message)).strip() for message in response.context["messages"]]


def fresh(task: Task) -> Task:
    return Task.objects.get(pk=task.pk)


# --- Each action, through the services ----------------------------------------------------


def test_bulk_assign_assigns_the_selected_tasks_and_tells_the_new_assignee(post_bulk, colleague, mailoutbox):
    first, second, left_alone = TaskFactory(), TaskFactory(), TaskFactory()

    response = post_bulk([first, second], action="assign", assignee=str(colleague.pk))

    assert response.redirect_chain[-1][0] == "/tasks/"
    assert messages_of(response) == ["2 tasks assigned. See the result per task"]
    assert fresh(first).assignee == colleague and fresh(second).assignee == colleague
    assert fresh(left_alone).assignee is None
    assert sorted(mail.subject for mail in mailoutbox) == sorted(
        f"[#{task.pk}] {task.subject}" for task in (first, second)
    )
    assert all(mail.to == ["cor@brightsoft.test"] for mail in mailoutbox)


def test_bulk_assign_to_a_team_and_to_nobody(post_bulk, supplier_user):
    team = Team.objects.create(name="Salaris")
    task = TaskFactory(assignee=supplier_user)

    post_bulk([task], action="assign", assignee="nobody", team=str(team.pk))

    assert (fresh(task).assignee, fresh(task).team) == (None, team)
    [folded] = [entry for entry in task_timeline(fresh(task)) if entry.kind == "bulk"]
    assert folded.lines == [
        "Bulk action by staff@brightsoft.test: assigned",
        "No longer assigned",
        "Team: Salaris",
    ]


def test_bulk_close_posts_one_public_reply_per_task_and_closes_it(
    post_bulk, accountant, bakkerij, supplier_user, mailoutbox
):
    tasks = [TaskFactory(relations=[bakkerij], reporter=accountant) for _ in range(3)]

    response = post_bulk(tasks, action="close", body=REPLY)

    assert messages_of(response) == ["3 tasks closed. See the result per task"]
    for task in tasks:
        task = fresh(task)
        assert task.status == Task.Status.CLOSED and task.closed_at is not None
        # Nobody had it: whoever answered it now owns it.
        assert task.assignee == supplier_user
        [message] = TaskMessage.objects.filter(task=task)
        assert (message.kind, message.body, message.author) == (TaskMessage.Kind.REPLY, REPLY, supplier_user)
    # The customer gets each reply by e-mail as any public reply, and no second status e-mail.
    assert len(mailoutbox) == 3
    assert all(mail.to == [accountant.email] and REPLY in mail.body for mail in mailoutbox)


def test_status_and_priority_count_tasks_already_so_as_unchanged(post_bulk):
    open_task, waiting = TaskFactory(), TaskFactory(status=Task.Status.WAITING)

    response = post_bulk([open_task, waiting], action="status", status="waiting")

    assert messages_of(response) == ["1 task changed status, 1 already so. See the result per task"]
    assert fresh(open_task).status == Task.Status.WAITING
    job = BulkJob.objects.get()
    outcomes = dict(BulkJobItem.objects.filter(job=job).values_list("task_id", "outcome"))
    assert outcomes == {open_task.pk: "changed", waiting.pk: "unchanged"}

    post_bulk([open_task, waiting], action="priority", priority=str(Task.Priority.URGENT))

    assert {fresh(open_task).priority, fresh(waiting).priority} == {Task.Priority.URGENT}


def test_bulk_link_and_unlink_a_relation(post_bulk):
    jansen, other = RelationFactory(name="Jansen B.V."), RelationFactory(name="Ander")
    linked, plain = TaskFactory(relations=[jansen]), TaskFactory(relations=[other])

    response = post_bulk([linked, plain], action="link", relation=str(jansen.pk))

    assert messages_of(response) == ["1 task linked, 1 already so. See the result per task"]
    assert TaskLink.objects.filter(task=plain, relation=jansen).exists()

    post_bulk([linked, plain], action="unlink", relation=str(jansen.pk))

    assert not TaskLink.objects.filter(relation=jansen).exists()
    assert TaskLink.objects.filter(task=plain, relation=other).exists()


# --- Refusals, limits, bad input ----------------------------------------------------------


def test_a_refused_task_does_not_stop_the_others_and_its_result_says_why(post_bulk, staff_en):
    good, also_good, legacy = TaskFactory(), TaskFactory(), TaskFactory()
    # A subject from before the control-character rule: the edit service refuses to save it.
    Task.objects.filter(pk=legacy.pk).update(subject="Oud\tonderwerp")

    response = post_bulk([good, legacy, also_good], action="priority", priority=str(Task.Priority.HIGH))

    assert messages_of(response) == ["2 tasks changed priority, 1 refused. See the result per task"]
    assert fresh(good).priority == fresh(also_good).priority == Task.Priority.HIGH
    assert fresh(legacy).priority == Task.Priority.NORMAL
    job = BulkJob.objects.get()
    html = page(staff_en.get(f"/tasks/bulk/{job.code}/"))
    assert "Refused" in html and "control characters are not allowed" in html


def test_ids_that_do_not_exist_here_are_refused_with_a_message(post_bulk, staff_en):
    task = TaskFactory()

    response = post_bulk(action="status", status="waiting", task_ids=[str(task.pk), str(task.pk + 10_000)])

    assert messages_of(response) == ["1 task changed status, 1 refused. See the result per task"]
    job = BulkJob.objects.get()
    assert "1 selected task was not found" in page(staff_en.get(f"/tasks/bulk/{job.code}/"))


def test_more_than_the_limit_is_refused_with_a_clear_message_and_changes_nothing(post_bulk, monkeypatch):
    monkeypatch.setattr(bulk, "MAX_BULK_TASKS", 3)
    tasks = [TaskFactory() for _ in range(4)]

    response = post_bulk(tasks, action="status", status="closed")

    assert messages_of(response) == [
        "A bulk action takes at most 3 tasks at a time; narrow the selection or the filters."
    ]
    assert not BulkJob.objects.exists()
    assert not Task.objects.filter(status=Task.Status.CLOSED).exists()


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        ({}, "Choose what to do with the selected tasks."),
        ({"action": "dance"}, "Choose what to do with the selected tasks."),
        ({"action": "status", "status": "gone"}, "Unknown status."),
        ({"action": "status"}, "Choose the status to set."),
        ({"action": "close", "body": "   "}, "Write the public reply the customers receive with the closing."),
        ({"action": "assign"}, "Choose whom to assign the tasks to: a staff member, nobody, or a team."),
        ({"action": "link"}, "Choose the relation to link the tasks to."),
    ],
)
def test_bad_input_gives_a_clear_message_and_changes_nothing(post_bulk, fields, message):
    task = TaskFactory()

    response = post_bulk([task], **fields)

    assert response.redirect_chain[-1][0] == "/tasks/"
    assert messages_of(response) == [message]
    assert not BulkJob.objects.exists() and not TaskMessage.objects.exists()
    assert fresh(task).status == Task.Status.OPEN


def test_nothing_selected_is_refused(post_bulk):
    response = post_bulk([], action="status", status="waiting")

    assert messages_of(response) == ["Select at least one task, or choose all tasks matching the filters."]


def test_next_must_be_a_path_on_this_site(post_bulk):
    response = post_bulk([TaskFactory()], action="status", status="waiting", next_url="https://evil.example/")

    assert response.redirect_chain[-1][0] == "/tasks/"


# --- Every task the filters match -----------------------------------------------------------


def test_all_tasks_matching_the_filters_are_acted_on_and_no_other(post_bulk):
    printers = [TaskFactory(subject=f"Printer {n} doet het niet") for n in range(3)]
    closed_printer = TaskFactory(subject="Printer oud", status=Task.Status.CLOSED)
    other = TaskFactory(subject="Loonstrook")

    response = post_bulk(scope="matching", filters="queue=open&q=Printer", action="priority", priority="4")

    assert messages_of(response) == ["3 tasks changed priority. See the result per task"]
    assert {fresh(task).priority for task in printers} == {Task.Priority.URGENT}
    assert fresh(closed_printer).priority == fresh(other).priority == Task.Priority.NORMAL


# --- Large selections: the worker and the progress page -------------------------------------


def test_a_selection_over_the_run_now_limit_is_queued_and_done_by_the_worker(post_bulk, staff_en, monkeypatch):
    monkeypatch.setattr(bulk, "RUN_NOW_LIMIT", 2)
    monkeypatch.setattr(bulk, "CHUNK_SIZE", 2)
    tasks = [TaskFactory() for _ in range(5)]

    response = post_bulk(tasks, action="status", status="waiting")

    job = BulkJob.objects.get()
    assert response.redirect_chain[-1][0] == f"/tasks/bulk/{job.code}/"
    assert (job.state, job.done, job.total) == (BulkJob.State.DONE, 5, 5)
    assert {fresh(task).status for task in tasks} == {Task.Status.WAITING}
    html = page(staff_en.get(f"/tasks/bulk/{job.code}/"))
    assert "5 of 5 tasks done" in html and 'hx-trigger="every 2s"' not in html


def test_the_progress_page_polls_while_the_job_waits_and_stops_when_done(
    staff_en, supplier_user, monkeypatch, django_assert_max_num_queries
):
    monkeypatch.setattr(bulk, "RUN_NOW_LIMIT", 2)
    tasks = [TaskFactory() for _ in range(30)]
    # Not committed: the worker has not started yet.
    job = bulk.start_bulk_action(
        actor=supplier_user, action="status", params={"status": "waiting"}, task_ids=[t.pk for t in tasks]
    )
    url = f"/tasks/bulk/{job.code}/"

    html = page(staff_en.get(url))
    assert "0 of 30 tasks done" in html and 'hx-trigger="every 2s"' in html
    assert '<progress class="bulk-progress" max="30" value="0">' in html

    bulk.run_bulk_job(job)
    # The job, its counts, the page of results with their tasks (and the session, the user).
    with django_assert_max_num_queries(10):
        polled = page(staff_en.get(url, headers={"HX-Request": "true"}))

    assert "30 of 30 tasks done" in polled and 'hx-trigger="every 2s"' not in polled
    assert "<html" not in polled and polled.count("<tr>") == 26  # a head row and a page of 25
    # The full page adds only what the staff shell reads; later pages cost the same.
    with django_assert_max_num_queries(16):
        staff_en.get(url + "?page=2")


def test_a_crash_mid_job_leaves_the_rest_pending_and_a_run_again_continues(supplier_user, monkeypatch, staff_en):
    monkeypatch.setattr(bulk, "CHUNK_SIZE", 1)
    tasks = [TaskFactory() for _ in range(3)]
    real_apply = bulk._apply
    calls = []

    def crash_on_the_second(job, task, targets):
        calls.append(task.pk)
        if len(calls) == 2:
            raise RuntimeError("database went away")
        real_apply(job, task, targets)

    monkeypatch.setattr(bulk, "_apply", crash_on_the_second)
    job = bulk.start_bulk_action(
        actor=supplier_user, action="status", params={"status": "waiting"}, task_ids=[t.pk for t in tasks]
    )

    assert (job.state, job.done) == (BulkJob.State.FAILED, 1)
    assert [fresh(task).status for task in tasks] == [Task.Status.WAITING, Task.Status.OPEN, Task.Status.OPEN]
    html = page(staff_en.get(f"/tasks/bulk/{job.code}/"))
    assert "stopped before the end" in html and html.count("Pending") >= 2

    monkeypatch.setattr(bulk, "_apply", real_apply)
    job = bulk.run_bulk_job(job)

    assert (job.state, job.done) == (BulkJob.State.DONE, 3)
    assert {fresh(task).status for task in tasks} == {Task.Status.WAITING}
    assert bulk.run_bulk_job(job).done == 3  # nothing left to do twice
    assert Task.history.filter(id=tasks[0].pk, status="waiting").count() == 1


def test_another_contractants_bulk_job_is_not_found(supplier_user):
    job = bulk.start_bulk_action(
        actor=supplier_user, action="status", params={"status": "waiting"}, task_ids=[TaskFactory().pk]
    )

    assert logged_in_staff(ALPHA).get(f"/tasks/bulk/{job.code}/").status_code == 404
    assert logged_in_staff(SUPPLIER).get(f"/tasks/bulk/{job.code}/").status_code == 200


# --- One timeline entry per bulk action -------------------------------------------------------


def test_the_timeline_shows_the_bulk_close_as_one_entry_beside_the_reply(post_bulk, staff_en, accountant, bakkerij):
    task = TaskFactory(relations=[bakkerij], reporter=accountant)

    post_bulk([task], action="close", body=REPLY)

    job = BulkJob.objects.get()
    entries = task_timeline(fresh(task))
    [folded] = [entry for entry in entries if entry.kind == "bulk"]
    assert folded.lines[0] == "Bulk action by staff@brightsoft.test: closed with a reply"
    assert "Status: Open → Closed" in folded.lines and any(line.startswith("Assigned to") for line in folded.lines)
    # The status change and the assignment are in the folded entry, not entries of their own.
    assert [entry.kind for entry in entries if entry.kind == "change"] == []
    assert [entry.message.body for entry in entries if entry.kind == "reply"] == [REPLY]
    html = page(staff_en.get(f"/tasks/{task.pk}/"))
    assert f'href="/tasks/bulk/{job.code}/"' in html
    assert html.count("Bulk action by") == 1


def test_the_customer_sees_the_reply_and_the_status_but_no_bulk_entry(post_bulk, accountant, bakkerij):
    task = TaskFactory(relations=[bakkerij], reporter=accountant)

    post_bulk([task], action="close", body=REPLY)

    entries = task_timeline(fresh(task), for_customer=True)
    assert {entry.kind for entry in entries} == {"created", "reply", "change"}
    assert not any("Bulk action" in line for entry in entries for line in entry.lines)


# --- The form's markup ------------------------------------------------------------------------


def test_the_bulk_form_offers_every_action_and_the_matching_scope(supplier_user, colleague):
    TaskFactory(subject="Printer")
    request = RequestFactory().get("/tasks/?q=Printer")
    request.user = supplier_user
    html = render_to_string(
        "tasks/_bulk_form.html",
        {"page": task_page(number=1, query="Printer"), "query_string": "q=Printer"},
        request=request,
    )

    assert 'id="bulk-form"' in html and 'action="/tasks/bulk/"' in html and "csrfmiddlewaretoken" in html
    assert 'name="filters" value="q=Printer"' in html and 'name="next" value="/tasks/?q=Printer"' in html
    assert "the 1 task matching these filters" in html
    for action in BulkJob.Action.values:
        assert f'value="{action}"' in html
    assert 'value="nobody"' in html and f'value="{colleague.pk}"' in html
    assert "/relations/picker/?field=relation" in html and 'name="body"' in html


def test_the_task_list_offers_the_bulk_form_with_a_checkbox_per_task(staff_en):
    task = TaskFactory(subject="Printer")

    html = page(staff_en.get("/tasks/?q=Printer"))

    assert 'id="bulk-form"' in html
    assert f'name="task_ids" value="{task.pk}" form="bulk-form"' in html
    assert 'name="filters" value="q=Printer"' in html


def test_a_relations_history_names_a_bulk_link_as_one_bulk_action(post_bulk, staff_en):
    jansen = RelationFactory(name="Jansen B.V.")

    post_bulk([TaskFactory(), TaskFactory()], action="link", relation=str(jansen.pk))

    html = page(staff_en.get(f"/relations/{jansen.pk}/history/"))
    assert "Bulk action: 2 tasks" in html and "Tasks moved" not in html


def test_the_job_page_of_a_staff_member_who_left_still_shows(staff_en, colleague):
    tasks = [TaskFactory() for _ in range(2)]
    job = bulk.start_bulk_action(
        actor=colleague, action="status", params={"status": "waiting"}, task_ids=[t.pk for t in tasks]
    )
    colleague.delete()  # the job keeps its results; its actor becomes empty

    response = staff_en.get(f"/tasks/bulk/{job.code}/")

    assert response.status_code == 200
    assert "by someone no longer on the staff" in page(response)
