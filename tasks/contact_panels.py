"""The "Tasks reported" block on a contact's staff page (contacts.panels, staff.panels)."""

from __future__ import annotations

from staff.panels import Panel

TEMPLATE = "tasks/_reported_tasks_panel.html"
SHOWN = 20


def reported_tasks_panel(contact) -> Panel:
    """The newest tasks the contact reported; the template says so when there are none."""
    return Panel(TEMPLATE, {"tasks": contact.reported_tasks.order_by("-created_at")[:SHOWN]})
