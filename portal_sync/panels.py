"""The Client Online card on a relation's and a contact's staff page (staff.panels)."""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from contacts.panels import contact_aside_panels
from portal_sync.selectors import contact_remote_view, relation_remote_view
from relations.panels import relation_panels
from staff.panels import Panel

TEMPLATE = "portal_sync/_remote_view.html"


def relation_panel(relation) -> Panel:
    return Panel(
        TEMPLATE,
        {
            "remote": relation_remote_view(relation),
            "label": _("Client (cliënt)"),
            "card_url": reverse("portal_sync:relation_card", args=[relation.pk]),
            "is_client": True,
        },
    )


def contact_panel(contact) -> Panel:
    return Panel(
        TEMPLATE,
        {
            "remote": contact_remote_view(contact),
            "label": _("User (cliënt-gebruiker)"),
            "card_url": reverse("portal_sync:contact_card", args=[contact.pk]),
            "is_client": False,
        },
    )


def register() -> None:
    relation_panels.register(relation_panel)
    contact_aside_panels.register(contact_panel)
