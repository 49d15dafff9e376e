"""Reads that contact pages share, with their joins already applied.

Searches here read at production size (issue 17: 250,000 contacts, 400,000 links) from
indexes: `column ILIKE '%text%'` (staff.lookups.contains) on the plain columns, which the
trigram GIN indexes of contacts/migrations/0004_list_indexes.py serve (and, for relation
names, search/migrations/0001_search_indexes.py), and the lists' ORDER BY (last name, first
name, id) from the btree index `contact_list_order`.
"""

from __future__ import annotations

import re

import phonenumbers
from django.contrib.postgres.expressions import ArraySubquery
from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet
from django.db.models.functions import Collate

from contacts.models import AttributeDefinition, Contact, ContactEmail, ContactLink, MergeRecord
from contacts.names import name_key, split_infix
from staff.lookups import AnyOf, contains, starting_first, starts_with
from staff.ui import search_text

# The most a picker offers: a name to choose from, never a list to scroll through.
PICKER_LIMIT = 20
LIST_ORDER = ("last_name", "first_name", "pk")
# The same order for the matches of a search, spelled so the index on LIST_ORDER cannot serve
# it (NULLS FIRST; the columns are never NULL, so nothing moves). Otherwise PostgreSQL walks
# that index hoping to meet the first matches early, while every "Jansen" sits together
# halfway down: 150,000 rows tested at production size. This way it reads the matches from
# the trigram indexes and sorts only them (issue 17, docs/decisions.md).
MATCH_ORDER = (
    F("last_name").asc(nulls_first=True),
    F("first_name").asc(nulls_first=True),
    F("pk").asc(nulls_first=True),
)

# The name key (contacts.names: prefix, case and accents off) in byte order, then the first
# name: the order of the index contact_name_key_order, so a search for the contacts whose last
# name starts with what was typed reads the first page of them and stops (issue 17).
NAME_KEY = Collate("name_key", "C")
NAME_KEY_ORDER = (NAME_KEY.asc(), F("first_name").asc(), F("pk").asc())


def name_key_starts(text: str) -> Q:
    """The contacts whose last name, case and accents aside, starts with `text`'s ("Vries" and
    "vriës" find "de Vries"), with the prefix typed if one was ("de vries": not "van der
    Vries"); none when fewer than two letters are left ("van d")."""
    infix, last_name = split_infix(text)
    key = name_key(last_name)
    if len(key) < 2:
        return Q(pk__in=[])
    starting = Q(starts_with(NAME_KEY, key))
    return starting & Q(infix__iexact=infix) if infix else starting


def _phone_forms(query: str) -> tuple[str, str]:
    """The query as a stored (E.164) phone number if it reads as one, and its digits without a
    leading zero or country code for a partial match ("" when too few to mean a phone number)."""
    e164 = ""
    try:
        number = phonenumbers.parse(query, "NL")
        if phonenumbers.is_possible_number(number):
            e164 = phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)
    except phonenumbers.NumberParseException:
        pass
    digits = re.sub(r"\D", "", query).lstrip("0")
    if digits.startswith("31") and query.lstrip().startswith(("+", "00")):
        digits = digits[2:]
    return e164, digits if len(digits) >= 4 else ""


def contact_matches(query: str) -> Q:
    """A contact whose name, e-mail address or phone number (typed in any usual form) contains
    the query: one condition per column, each served by that column's trigram index."""
    matches = Q(contains("first_name", query)) | Q(contains("last_name", query)) | Q(contains("email", query))
    # A last name typed with its prefix ("de Vries"): the prefix is in its own column now.
    infix, last_name = split_infix(query)
    if infix:
        matches |= Q(contains("last_name", last_name), infix__iexact=infix)
    # A merged contact's other address (few rows: a contact has one after a merge). As = ANY of
    # an array, not IN: IN (subquery) inside this OR made every search a sequential scan of all
    # contacts (107 ms for the picker at 250,000; issue 17).
    others = ContactEmail.objects.filter(contains("email", query)).values("contact_id")
    matches |= Q(AnyOf(F("pk"), ArraySubquery(others)))
    e164, digits = _phone_forms(query)
    if e164:
        matches |= Q(phone=e164)
    if digits:
        matches |= Q(contains("phone", digits))
    return matches


# A search reads its matches up to this many ("more than 100 contacts: narrow the filters"):
# past it nobody pages on, and every match is a row read (issue 17).
SEARCH_CAP = 100


def _with_links(contacts: QuerySet[Contact]) -> QuerySet[Contact]:
    return contacts.prefetch_related(
        Prefetch("links", queryset=ContactLink.objects.select_related("relation").order_by("relation__name", "pk"))
    )


def _filters(status: str, kind: str) -> Q:
    filters = Q()
    if status in Contact.Status.values:
        filters &= Q(status=status)
    if kind in Contact.Kind.values:
        filters &= Q(kind=kind)
    return filters


def contact_list(*, status: str = "", kind: str = "") -> QuerySet[Contact]:
    """The staff contact list unsearched, by name (the index contact_list_order), each with its
    relations; paginate it with a capped count."""
    return _with_links(Contact.objects.filter(_filters(status, kind))).order_by(*LIST_ORDER)


def contact_search_ids(*, query: str, status: str = "", kind: str = "") -> list[int]:
    """The ids of the contacts whose name, e-mail address or phone number contains `query`, or
    that are linked to a relation whose name does, by name: the first SEARCH_CAP + 1 (more
    than SEARCH_CAP means "more than 100, narrow the filters"). One statement.

    No DISTINCT over contacts ⋈ links ⋈ relations: a UNION of two branches, the contacts' own
    columns and the relations' names, each read from its trigram indexes (MATCH_ORDER) and cut
    at the cap, so a contact found by both is one id and the cost follows the matches read,
    not the size of the tables. Its page is `contacts_by_ids`."""
    query = search_text(query)
    if not query:
        return []
    filters, window = _filters(status, kind), SEARCH_CAP + 1
    columns = ("pk", "last_name", "first_name")
    by_contact = (
        Contact.objects.filter(filters, contact_matches(query)).order_by(*MATCH_ORDER).values(*columns)[:window]
    )
    # EXISTS, not a join: a contact linked to two matching relations is still one row.
    in_relation = ContactLink.objects.filter(contains("relation__name", query), contact=OuterRef("pk"))
    by_relation = Contact.objects.filter(filters, Exists(in_relation)).order_by(*MATCH_ORDER).values(*columns)[:window]
    rows = by_contact.union(by_relation).order_by("last_name", "first_name", "pk")[:window]
    return [row["pk"] for row in rows]


def contacts_by_ids(ids) -> list[Contact]:
    """The contacts of a page of ids (contact_search_ids), in that order, each with its relations."""
    ids = list(ids)
    contacts = {contact.pk: contact for contact in _with_links(Contact.objects.filter(pk__in=ids))}
    return [contacts[pk] for pk in ids if pk in contacts]


def contact_search(
    *, query: str, exclude_pk: int | None = None, only_active: bool = True, limit: int = PICKER_LIMIT
) -> list[Contact]:
    """The picker's contacts (at most `limit`, never more than PICKER_LIMIT): first those whose
    last name starts with the query, by name, read from the index in that order (one query when
    they fill the picker, as "jansen" among 250,000 contacts does); then the other matches
    (first name, e-mail address, phone, a name inside the last name), by name."""
    query = search_text(query)
    limit = min(limit, PICKER_LIMIT)
    if len(query) < 2:
        return []
    contacts = Contact.objects.all()
    if only_active:
        contacts = contacts.filter(status=Contact.Status.ACTIVE, out_of_service_on__isnull=True)
    if exclude_pk:
        contacts = contacts.exclude(pk=exclude_pk)
    starting = name_key_starts(query)
    return starting_first(
        contacts.filter(starting).order_by(*NAME_KEY_ORDER),
        contacts.filter(contact_matches(query)).exclude(starting).order_by(*MATCH_ORDER),
        limit,
    )


def contact_detail(*, pk: int) -> Contact:
    return (
        Contact.objects.select_related("successor", "user", "person_relation")
        .prefetch_related(
            Prefetch("links", queryset=ContactLink.objects.select_related("relation").order_by("relation__name")),
            "attribute_values",
            "secondary_emails",
        )
        .get(pk=pk)
    )


def relation_contact_links(relation) -> QuerySet[ContactLink]:
    """A relation's contact links by the contact's name, for its (paginated) contacts tab."""
    return relation.contact_links.select_related("contact").order_by(
        "contact__last_name", "contact__first_name", "contact_id"
    )


def attribute_definitions() -> list[AttributeDefinition]:
    return list(AttributeDefinition.objects.order_by("position", "name"))


def contact_merges(contact: Contact) -> list[MergeRecord]:
    """The merges this contact took part in: as the one that stayed, or as the one absorbed
    (after an undo it exists again and its page shows what happened)."""
    return list(
        MergeRecord.objects.filter(Q(survivor=contact) | Q(merged_contact_id=contact.pk))
        .select_related("actor", "undone_by", "survivor")
        .order_by("-created_at", "-pk")
    )
