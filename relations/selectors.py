"""Reads that relation pages share, with their joins already applied."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Expression, Q, QuerySet

from relations.models import Relation
from staff.ui import search_text

# Figures that apps above add to every row of the relation list (tasks: open_task_count),
# registered in their AppConfig.ready; this app does not import them (STYLE 16).
_list_annotations: dict[str, Callable[[], Expression]] = {}


def register_list_annotation(name: str, expression: Callable[[], Expression]) -> None:
    _list_annotations[name] = expression


def relation_list(*, query: str = "", kind: str = "", active: str = "") -> QuerySet[Relation]:
    relations = Relation.objects.annotate(**{name: expression() for name, expression in _list_annotations.items()})
    if query:
        relations = relations.filter(
            Q(name__icontains=query)
            | Q(customer_number__icontains=query)
            | Q(coc_number__icontains=query)
            | Q(city__icontains=query)
        )
    if kind in Relation.Kind.values:
        relations = relations.filter(kind=kind)
    if active == "yes":
        relations = relations.filter(is_active=True)
    elif active == "no":
        relations = relations.filter(is_active=False)
    return relations.order_by("name", "pk")


def relation_search(*, query: str, exclude_pk: int | None = None, limit: int = 10) -> list[Relation]:
    """Live search for pickers: by name, customer number or KvK number."""
    query = search_text(query)
    if len(query) < 2:
        return []
    relations = Relation.objects.filter(
        Q(name__icontains=query) | Q(customer_number__icontains=query) | Q(coc_number__icontains=query)
    ).order_by("-is_active", "name")
    if exclude_pk is not None:
        relations = relations.exclude(pk=exclude_pk)
    return list(relations[:limit])
