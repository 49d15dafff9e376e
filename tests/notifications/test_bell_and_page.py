"""The bell and the notifications page (issue 16, deliverable 5): the unread count in the top
bar, the list newest first, mark read one by one or all at once, and only ever one's own."""

from __future__ import annotations

import re

from django.db import connection
from django.test.utils import CaptureQueriesContext

from notifications.models import Notification
from tests.conftest import ALPHA, logged_in_staff
from tests.portal.conftest import page


def bell(html: str) -> str:
    """The bell's count as shown ("" when none is shown)."""
    [anchor] = re.findall(r'<a class="bell[^"]*" id="notification-bell".*?</a>', html, re.S)
    count = re.search(r'<span class="bell-count"[^>]*>([^<]+)</span>', anchor)
    return count.group(1) if count else ""


def items(html: str) -> list[tuple[str, bool]]:
    """(text, unread) of each notification on the page, top to bottom."""
    return [
        (text.strip(), "is-unread" in classes)
        for classes, text in re.findall(
            r'<li class="notification([^"]*)".*?<a class="notification-text" href="[^"]+">([^<]+)</a>', html, re.S
        )
    ]


def test_the_bell_shows_nothing_without_unread_notifications(staff_en):
    html = page(staff_en.get("/"))

    assert bell(html) == ""
    assert 'href="/notifications/"' in html
    assert "No unread notifications" in html


def test_the_bell_counts_unread_notifications_and_the_page_lists_them_newest_first(staff_en, supplier_user, tell):
    tell(supplier_user, member="Sanne Smit", relation="Garage Snel")
    tell(supplier_user, member="Piet Bakker", relation="Bakkerij Jansen")

    assert bell(page(staff_en.get("/"))) == "2"
    html = page(staff_en.get("/notifications/"))
    assert items(html) == [
        ("Piet Bakker asked to join Bakkerij Jansen, which has no portal administrator: waiting for staff.", True),
        ("Sanne Smit asked to join Garage Snel, which has no portal administrator: waiting for staff.", True),
    ]
    assert "Mark all read" in html


def test_the_bell_stops_counting_at_99_plus(staff_en, supplier_user):
    Notification.objects.bulk_create(
        Notification(recipient=supplier_user, kind="request_waiting", params={}, url="/") for _ in range(150)
    )

    with CaptureQueriesContext(connection) as queries:
        html = page(staff_en.get("/notifications/"))

    assert bell(html) == "99+"
    counts = [q["sql"] for q in queries if "notifications_notification" in q["sql"] and "COUNT" in q["sql"].upper()]
    # The bell's count reads at most 100 rows, however many there are.
    assert any("LIMIT 100" in sql for sql in counts)


def test_the_page_costs_the_same_queries_with_one_notification_or_many(
    staff_en, supplier_user, tell, django_assert_max_num_queries
):
    tell(supplier_user)
    staff_en.get("/notifications/")
    with CaptureQueriesContext(connection) as few:
        staff_en.get("/notifications/")
    for _ in range(40):
        tell(supplier_user)

    with django_assert_max_num_queries(len(few)):
        response = staff_en.get("/notifications/")
    assert len(items(page(response))) == 25  # one page of the project's pagination
    assert "Page 1 of 2" in page(response)


def test_an_empty_page_says_so(staff_en):
    html = page(staff_en.get("/notifications/"))

    assert "No notifications yet." in html
    assert "Mark all read" not in html


def test_mark_read_without_javascript_returns_to_the_page(staff_en, supplier_user, tell):
    notification = tell(supplier_user)

    response = staff_en.post(f"/notifications/{notification.pk}/read/", {"next": "/notifications/?page=1"})

    assert response.status_code == 302 and response["Location"] == "/notifications/?page=1"
    html = page(staff_en.get("/notifications/"))
    assert [unread for _text, unread in items(html)] == [False]
    assert bell(html) == ""


def test_mark_read_with_htmx_answers_the_row_and_a_new_bell(staff_en, supplier_user, tell):
    first, second = tell(supplier_user), tell(supplier_user)

    html = page(staff_en.post(f"/notifications/{first.pk}/read/", HTTP_HX_REQUEST="true"))

    assert html.lstrip().startswith(f'<li class="notification" id="notification-{first.pk}"')
    assert "Mark read" not in html
    assert 'hx-swap-oob="true"' in html and bell(html) == "1"
    assert Notification.objects.get(pk=second.pk).read_at is None


def test_mark_read_refuses_an_off_site_next(staff_en, supplier_user, tell):
    notification = tell(supplier_user)

    response = staff_en.post(f"/notifications/{notification.pk}/read/", {"next": "https://evil.example/"})

    assert response["Location"] == "/notifications/"


def test_mark_all_read(staff_en, supplier_user, karin, tell):
    for _ in range(3):
        tell(supplier_user)
    theirs = tell(karin)

    response = staff_en.post("/notifications/read/", follow=True)

    assert "3 notifications marked read." in page(response)
    assert not Notification.objects.filter(recipient=supplier_user, read_at__isnull=True).exists()
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_opening_a_notification_marks_it_read_and_goes_where_it_points(staff_en, supplier_user, tell):
    notification = tell(supplier_user, url="/portal-requests/")

    response = staff_en.get(f"/notifications/{notification.pk}/open/")

    assert response.status_code == 302 and response["Location"] == "/portal-requests/"
    assert Notification.objects.get(pk=notification.pk).read_at is not None


def test_another_staff_members_notification_answers_404_and_stays_unread(staff_en, karin, tell):
    theirs = tell(karin)

    assert staff_en.get(f"/notifications/{theirs.pk}/open/").status_code == 404
    assert staff_en.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    assert "Garage Snel" not in page(staff_en.get("/notifications/"))
    assert Notification.objects.get(pk=theirs.pk).read_at is None


def test_the_sentence_is_in_the_readers_language(staff_en, supplier_user, tell):
    tell(supplier_user, member="Sanne Smit", relation="Garage Snel")

    english = items(page(staff_en.get("/notifications/")))[0][0]
    staff_en.post("/i18n/setlang/", {"language": "nl"})
    dutch = items(page(staff_en.get("/notifications/")))[0][0]

    assert english.startswith("Sanne Smit asked to join Garage Snel")
    assert dutch == (
        "Sanne Smit vraagt toegang tot Garage Snel, dat geen portaalbeheerder heeft: wacht op een medewerker."
    )


def test_a_notification_in_one_contractant_is_not_seen_in_another(supplier_user, tell):
    notification = tell(supplier_user, member="Alleen Leverancier", relation="Garage Snel")
    alpha_staff = logged_in_staff(ALPHA)

    html = page(alpha_staff.get("/notifications/"))

    assert "Alleen Leverancier" not in html and bell(html) == ""
    assert alpha_staff.get(f"/notifications/{notification.pk}/open/").status_code == 404
    assert alpha_staff.post(f"/notifications/{notification.pk}/read/").status_code == 404
    connection.set_schema_to_public()


def test_anonymous_visitors_go_to_the_login_page(in_supplier):
    from tests.conftest import SUPPLIER, client_for

    response = client_for(SUPPLIER).get("/notifications/")

    assert response.status_code == 302 and response["Location"].startswith("/login/")
