"""{% relation_tabs relation tab as tabs %}: the tabs of a relation's page (relations.tabs)."""

from __future__ import annotations

from django import template

from relations.tabs import relation_tabs as tabs_of

register = template.Library()


@register.simple_tag
def relation_tabs(relation, current: str) -> list[dict]:
    return tabs_of(relation, current)
