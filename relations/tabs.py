"""The tabs of a relation's page. Relations' own tabs are listed here; apps above add theirs
(subscriptions, tasks) in their AppConfig.ready, since their views serve them (STYLE 16)."""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class RelationTab:
    key: str
    label: str | Promise
    url_name: str  # a route that takes the relation's pk
    position: int


_tabs: dict[str, RelationTab] = {}


def register_tab(tab: RelationTab) -> None:
    _tabs[tab.key] = tab


def relation_tabs(relation, current: str) -> list[dict]:
    """(label, url, current) of every tab, in position order."""
    return [
        {"label": tab.label, "url": reverse(tab.url_name, args=[relation.pk]), "current": tab.key == current}
        for tab in sorted(_tabs.values(), key=lambda tab: tab.position)
    ]


register_tab(RelationTab("general", _("General"), "relations:detail", 10))
register_tab(RelationTab("contacts", _("Contacts"), "relations:contacts", 30))
register_tab(RelationTab("history", _("History"), "relations:history", 50))
