"""Reads that relation pages share, with their joins already applied."""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Expression, Q, QuerySet
from django.db.models.functions import Collate, Lower

from relations.models import Relation
from staff.lookups import contains, starting_first, starts_with
from staff.ui import search_text

# Figures that apps above add to every row of the relation list (tasks: open_task_count),
# registered in their AppConfig.ready; this app does not import them (STYLE 16).
_list_annotations: dict[str, Callable[[], Expression]] = {}


def register_list_annotation(name: str, expression: Callable[[], Expression]) -> None:
    _list_annotations[name] = expression


def relation_list(*, query: str = "", kind: str = "", active: str = "") -> QuerySet[Relation]:
    """The relations the list's filters match, by name (the relation_name_order index). The
    figures apps add (register_list_annotation) are not here: with_list_figures adds them to
    the page's rows only."""
    relations = Relation.objects.all()
    if query:
        relations = relations.filter(
            Q(contains("name", query))
            | Q(contains("customer_number", query))
            | Q(contains("coc_number", query))
            | Q(contains("city", query))
        )
    if kind in Relation.Kind.values:
        relations = relations.filter(kind=kind)
    if active == "yes":
        relations = relations.filter(is_active=True)
    elif active == "no":
        relations = relations.filter(is_active=False)
    return relations.order_by("name", "pk")


def with_list_figures(relations: list[Relation]) -> list[Relation]:
    """The page's relations with the figures apps add (open tasks...), read in one query for
    the page's rows only, never over every relation before the LIMIT."""
    if not _list_annotations or not relations:
        return relations
    figures = {
        row["pk"]: row
        for row in Relation.objects.filter(pk__in=[relation.pk for relation in relations])
        .annotate(**{name: expression() for name, expression in _list_annotations.items()})
        .values("pk", *_list_annotations)
    }
    for relation in relations:
        for name in _list_annotations:
            setattr(relation, name, figures.get(relation.pk, {}).get(name))
    return relations


# A name as the index relation_active_name_prefix holds it: lower case, in byte order.
ACTIVE_NAME_PREFIX = Collate(Lower("name"), "C")


def active_name_starts(query: str) -> Q:
    """The active relations whose name starts with `query`, any case: a range of the index
    relation_active_name_prefix, read in the order ACTIVE_NAME_PREFIX, "pk"."""
    return Q(starts_with(ACTIVE_NAME_PREFIX, query.lower()), is_active=True)


def relation_search(*, query: str, exclude_pk: int | None = None, limit: int = 10) -> list[Relation]:
    """Live search for pickers: by name, customer number or KvK number. First the active
    relations whose name starts with the query, by name, read from the index in that order
    (one query when they fill the picker, as "jansen" among 100,000 relations does); then the
    other matches, active first, by name."""
    query = search_text(query)
    if len(query) < 2:
        return []
    relations = Relation.objects.all()
    if exclude_pk is not None:
        relations = relations.exclude(pk=exclude_pk)
    starting = active_name_starts(query)
    matches = Q(contains("name", query)) | Q(contains("customer_number", query)) | Q(contains("coc_number", query))
    return starting_first(
        relations.filter(starting).order_by(ACTIVE_NAME_PREFIX, "pk"),
        relations.filter(matches).exclude(starting).order_by("-is_active", "name", "pk"),
        limit,
    )
