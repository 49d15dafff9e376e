"""The e-mail preference per kind (issue 16, deliverable 5): in the app only, or in the app and
by e-mail; defaults until chosen; a choice that is not offered is refused and changes nothing."""

from __future__ import annotations

import re

from notifications.models import NotificationPreference
from notifications.selectors import email_choices
from tests.portal.conftest import page


def selected(html: str) -> dict[str, str]:
    return dict(re.findall(r'<select name="(\w+)".*?<option value="(\w+)"[^>]*selected', html, re.S))


def test_the_page_shows_the_defaults(staff_en):
    html = page(staff_en.get("/notifications/preferences/"))

    assert selected(html) == {
        "assigned": "email",
        "customer_reply": "email",
        "mention": "email",
        "request_waiting": "app",
        "sla_warning": "app",
        "webhook_paused": "email",
    }
    assert "A mention of me (@name) in an internal note" in html


def test_the_page_saves_a_choice_for_every_kind(staff_en, supplier_user):
    choice = {"assigned": "app", "customer_reply": "email", "mention": "app", "request_waiting": "email"}
    response = staff_en.post(
        "/notifications/preferences/", {**choice, "sla_warning": "email", "webhook_paused": "app"}, follow=True
    )

    assert "Your notification preferences are saved." in page(response)
    assert email_choices(user=supplier_user) == {
        "assigned": False,
        "customer_reply": True,
        "mention": False,
        "request_waiting": True,
        "sla_warning": True,
        "webhook_paused": False,
    }
    assert selected(page(staff_en.get("/notifications/preferences/")))["assigned"] == "app"


def test_an_invalid_choice_is_refused_with_a_clear_error_and_nothing_is_saved(staff_en, supplier_user):
    response = staff_en.post(
        "/notifications/preferences/",
        {"assigned": "app", "customer_reply": "sms", "mention": "app", "request_waiting": "app", "sla_warning": "app"},
    )

    assert response.status_code == 400
    html = page(response)
    assert "Choose “in the app only” or “in the app and by e-mail”." in html
    assert selected(html)["assigned"] == "app"  # what was typed stays on the form
    assert not NotificationPreference.objects.filter(user=supplier_user).exists()
