"""One way to change some fields of a model instance and record who did it.

Used by the update services of relations, contacts, links, tasks and subscriptions: only the
fields whose value differs are set, the instance is validated, and only those fields are saved
(with `updated_at` where the model keeps one), with the acting user on the history row
django-simple-history writes. In audit for the same reason as bulk_history: it records who
changed what, and every domain app may import it (STYLE 16).

A model with a `version` field (relations, contacts, tasks) is edited optimistically: its edit
form carries the version it was loaded at, the update service locks the row (`lock_for_update`)
and refuses a save from a form older than the row (`StaleVersionError`), and `model_update`
raises the version with every change it saves.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import cast

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

VERSION = "version"


def changed_fields(instance: models.Model, fields: Iterable[str], data: dict) -> list[str]:
    """The names among `fields` that `data` gives a value different from the instance's."""
    return [name for name in fields if name in data and getattr(instance, name) != data[name]]


def _has_version(instance: models.Model) -> bool:
    return any(field.name == VERSION for field in instance._meta.concrete_fields)


def model_update(*, instance: models.Model, fields: Iterable[str], data: dict, actor) -> list[str]:
    """Set, validate and save the changed fields; return their names ([] and no query when
    nothing changed). The caller holds the transaction; a ValidationError saves nothing.
    A versioned model's version goes up by one: lock its row first (`lock_for_update`), so two
    saves cannot both count from the same number."""
    changed = changed_fields(instance, fields, data)
    if not changed:
        return changed
    for name in changed:
        setattr(instance, name, data[name])
    instance.full_clean()
    instance._history_user = actor  # type: ignore[attr-defined]  # read by django-simple-history
    update_fields = list(changed)
    if any(field.name == "updated_at" for field in instance._meta.concrete_fields):
        update_fields.append("updated_at")
    if _has_version(instance):
        setattr(instance, VERSION, getattr(instance, VERSION) + 1)
        update_fields.append(VERSION)
    instance.save(update_fields=update_fields)
    return changed


def _field(instance: models.Model, name: str) -> models.Field:
    # The names an update service passes are the model's own fields, never reverse relations.
    return cast(models.Field, instance._meta.get_field(name))


def _shown(instance: models.Model, name: str, value) -> str:
    """A value as a person reads it: a choice by its label, yes/no, a dash for nothing."""
    field = _field(instance, name)
    if field.choices:
        value = dict(field.flatchoices).get(value, value)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if value is None or value == "":
        return "—"
    return str(value)


class StaleVersionError(ValidationError):
    """Refused: the object was saved after the form was loaded, and the save would overwrite
    that. Nothing is saved. One message per field where what is saved now and what was sent
    differ (label, their value now, yours), after one that says what happened; `version` is the
    row's version now, for the form shown again (saving that form again keeps the user's values)."""

    def __init__(self, *, instance: models.Model, differences: list[str], data: dict):
        self.version: int = getattr(instance, VERSION)
        self.differences = [
            (
                str(capfirst(_field(instance, name).verbose_name)),
                _shown(instance, name, getattr(instance, name)),
                _shown(instance, name, data[name]),
            )
            for name in differences
        ]
        messages = [
            _(
                "Someone else saved changes after you opened this form, so yours were not saved. "
                "Check the differences below and save again to keep your values."
            ),
            *(
                _("%(field)s: now “%(now)s”, yours “%(yours)s”.") % {"field": label, "now": now, "yours": yours}
                for label, now, yours in self.differences
            ),
        ]
        super().__init__([ValidationError(message, code="stale") for message in messages])
        self.code = "stale"


def lock_for_update(instance: models.Model, *, version: int | None, fields: Iterable[str], data: dict) -> None:
    """Inside the caller's transaction: reload `instance` from its row, locked until commit
    (select_for_update), so what follows compares with and writes over what is saved now.

    `version` is the one the edit form was loaded at (None: the caller holds no form, as the
    portal's services and the workers). When the row has moved on and `data` differs from it
    in one of `fields`, the save would overwrite someone else's change: StaleVersionError. When
    it differs in none, saving changes nothing and goes ahead."""
    instance.refresh_from_db(from_queryset=type(instance)._default_manager.select_for_update())
    if version is None or getattr(instance, VERSION) == version:
        return
    differences = changed_fields(instance, fields, data)
    if differences:
        raise StaleVersionError(instance=instance, differences=differences, data=data)
