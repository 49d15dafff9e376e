"""Reads that contact pages share, with their joins already applied."""

from __future__ import annotations

from django.db.models import Prefetch, Q, QuerySet

from contacts.models import AttributeDefinition, Contact, ContactLink
from staff.ui import search_text


def contact_list(*, query: str = "", status: str = "", kind: str = "") -> QuerySet[Contact]:
    contacts = Contact.objects.prefetch_related(
        Prefetch("links", queryset=ContactLink.objects.select_related("relation").order_by("relation__name"))
    )
    if query:
        contacts = contacts.filter(
            Q(first_name__icontains=query)
            | Q(last_name__icontains=query)
            | Q(email__icontains=query)
            | Q(links__relation__name__icontains=query)
        ).distinct()
    if status in Contact.Status.values:
        contacts = contacts.filter(status=status)
    if kind in Contact.Kind.values:
        contacts = contacts.filter(kind=kind)
    return contacts.order_by("last_name", "first_name", "pk")


def contact_search(*, query: str, exclude_pk: int | None = None, only_active: bool = True, limit: int = 10):
    query = search_text(query)
    if len(query) < 2:
        return []
    contacts = Contact.objects.filter(
        Q(first_name__icontains=query) | Q(last_name__icontains=query) | Q(email__icontains=query)
    )
    if only_active:
        contacts = contacts.filter(status=Contact.Status.ACTIVE, out_of_service_on__isnull=True)
    if exclude_pk:
        contacts = contacts.exclude(pk=exclude_pk)
    return list(contacts.order_by("last_name", "first_name")[:limit])


def contact_detail(*, pk: int) -> Contact:
    return (
        Contact.objects.select_related("successor", "user", "person_relation")
        .prefetch_related(
            Prefetch("links", queryset=ContactLink.objects.select_related("relation").order_by("relation__name")),
            "attribute_values",
        )
        .get(pk=pk)
    )


def relation_contact_links(relation) -> QuerySet[ContactLink]:
    return relation.contact_links.select_related("contact").order_by("contact__last_name", "contact__first_name")


def attribute_definitions() -> list[AttributeDefinition]:
    return list(AttributeDefinition.objects.order_by("position", "name"))
