"""The columns of the import files and of the relation and contact exports, with their headings.

A heading is the field's label in the active language (Dutch or English); the importer accepts
either language, and the field's code name, whatever the language of the page.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

# A cell a spreadsheet would read as a formula (or that starts one after a tab or line break):
# written with a leading apostrophe, so it shows as text (OWASP "CSV injection").
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


@dataclass(frozen=True)
class Column:
    name: str  # the model field (or, for contacts, "customer_numbers")
    label: Promise
    required: bool = False


RELATION_COLUMNS = [
    Column("customer_number", _("customer number"), required=True),
    Column("name", _("name"), required=True),
    Column("coc_number", _("KvK number")),
    Column("street", _("street")),
    Column("house_number", _("house number")),
    Column("postcode", _("postcode")),
    Column("city", _("city")),
    Column("country", _("country")),
]

CONTACT_COLUMNS = [
    Column("email", _("e-mail address"), required=True),
    Column("first_name", _("first name")),
    Column("last_name", _("last name"), required=True),
    Column("job_title", _("job title")),
    Column("phone", _("phone")),
    # The relations the contact is linked to, by customer number, separated by ";".
    Column("customer_numbers", _("customer numbers")),
]

SHEET_COLUMNS = {"relations": RELATION_COLUMNS, "contacts": CONTACT_COLUMNS}
# Sheet titles the importer recognises (either language); other titles are told apart by headings.
SHEET_TITLES = {
    "relations": {"relations", "relaties", "relatie", "relation"},
    "contacts": {"contacts", "contactpersonen", "contactpersoon", "contact"},
}
LANGUAGES = ("en", "nl")


def normalize_heading(text: object) -> str:
    """A heading as typed: case, surrounding spaces, underscores and a required-mark (*) ignored."""
    return re.sub(r"\s+", " ", str(text or "").replace("_", " ").replace("*", "")).strip().lower()


def heading_map(columns: list[Column]) -> dict[str, str]:
    """Every heading the importer accepts for these columns -> the column's name."""
    headings: dict[str, str] = {}
    for column in columns:
        headings[normalize_heading(column.name)] = column.name
        for language in LANGUAGES:
            with translation.override(language):
                headings[normalize_heading(str(column.label))] = column.name
    return headings


def headings(columns: list[Column]) -> list[str]:
    """The columns' headings in the active language, as the templates and exports write them."""
    return [str(column.label).capitalize() for column in columns]


def neutralize(value: object) -> object:
    """A cell as written to a file: text that a spreadsheet would run as a formula gets a
    leading apostrophe; numbers and dates stay as they are."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def unneutralize(value: str) -> str:
    """A cell as read from a file: the apostrophe an export put before a formula-like text goes."""
    if value.startswith("'") and value[1:].startswith(FORMULA_STARTS):
        return value[1:]
    return value
