"""The staff navigation. Entries appear once the page they point to exists."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from staff.access import is_staff_admin
from tenants.models import Contractant, ContractantBinding, current_contractant


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    # Shown to staff administrators only (staff.access.staff_admin_required pages).
    admin_only: bool = False
    # Shown only in a contractant that a supplier has bound to one of its relations (the
    # customer's view of what that supplier holds for it: always empty anywhere else).
    bound_only: bool = False


STAFF_NAVIGATION = [
    NavItem(_("Relations"), "relations:list"),
    NavItem(_("Contacts"), "contacts:list"),
    NavItem(_("Tasks"), "tasks:list"),
    NavItem(_("Support tasks"), "tasks:support", bound_only=True),
    NavItem(_("Sync status"), "portal_sync:status"),
    NavItem(_("Portal requests"), "portal_staff:claims"),
    NavItem(_("Unknown senders"), "mailin:queue"),
    NavItem(_("Security log"), "staff:security_log", admin_only=True),
    NavItem(_("Desk settings"), "tasks:settings", admin_only=True),
    NavItem(_("SLA policy"), "tasks:sla_policy", admin_only=True),
    NavItem(_("Teams"), "staff:teams", admin_only=True),
    NavItem(_("API tokens"), "api:tokens", admin_only=True),
    NavItem(_("Two-factor policy"), "staff:two_factor_policy", admin_only=True),
    NavItem(_("Privacy settings"), "privacy:settings", admin_only=True),
    NavItem(_("Webhooks"), "webhooks:list", admin_only=True),
]


def _entries() -> list[tuple[NavItem, str]]:
    """The navigation's (item, url) pairs in the current URL conf. An entry whose page this URL
    conf lacks is left out."""
    entries = []
    for item in STAFF_NAVIGATION:
        try:
            entries.append((item, reverse(item.url_name)))
        except NoReverseMatch:
            continue
    return entries


def _is_bound() -> bool:
    """Whether a supplier has bound this contractant. Only customers are bound (DESIGN rule 11):
    a supplier's pages ask nothing, a customer's one indexed read."""
    contractant = current_contractant()
    if contractant.role != Contractant.Role.CUSTOMER:
        return False
    return ContractantBinding.objects.filter(bound_contractant=contractant).exists()


def staff_navigation(current_path: str, user=None) -> list[dict]:
    show_admin_items = user is not None and is_staff_admin(user)
    entries = [(item, url) for item, url in _entries() if show_admin_items or not item.admin_only]
    if any(item.bound_only for item, _url in entries) and not _is_bound():
        entries = [(item, url) for item, url in entries if not item.bound_only]
    items: list[dict[str, Any]] = [{"label": item.label, "url": url, "active": False} for item, url in entries]
    # The longest matching prefix wins: /tasks/support/ is "Support tasks", not "Tasks".
    matches = [entry for entry in items if current_path.startswith(entry["url"])]
    if matches:
        max(matches, key=lambda entry: len(entry["url"]))["active"] = True
    return items
