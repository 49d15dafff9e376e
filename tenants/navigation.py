"""The staff navigation. Entries appear once the page they point to exists."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str


STAFF_NAVIGATION = [
    NavItem(_("Relations"), "relations:list"),
    NavItem(_("Contacts"), "contacts:list"),
    NavItem(_("Tasks"), "tasks:list"),
    NavItem(_("Support tasks"), "tasks:support"),
    NavItem(_("Sync status"), "portal_sync:status"),
]


def staff_navigation(current_path: str) -> list[dict]:
    items = []
    for item in STAFF_NAVIGATION:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        items.append({"label": item.label, "url": url, "active": False})
    # The longest matching prefix wins: /tasks/support/ is "Support tasks", not "Tasks".
    matches = [entry for entry in items if current_path.startswith(entry["url"])]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return items
