"""One way to change some fields of a model instance and record who did it.

Used by the update services of relations, contacts, links, tasks and subscriptions: only the
fields whose value differs are set, the instance is validated, and only those fields are saved
(with `updated_at` where the model keeps one), with the acting user on the history row
django-simple-history writes. In audit for the same reason as bulk_history: it records who
changed what, and every domain app may import it (STYLE 16).
"""

from __future__ import annotations

from collections.abc import Iterable

from django.db import models


def changed_fields(instance: models.Model, fields: Iterable[str], data: dict) -> list[str]:
    """The names among `fields` that `data` gives a value different from the instance's."""
    return [name for name in fields if name in data and getattr(instance, name) != data[name]]


def model_update(*, instance: models.Model, fields: Iterable[str], data: dict, actor) -> list[str]:
    """Set, validate and save the changed fields; return their names ([] and no query when
    nothing changed). The caller holds the transaction; a ValidationError saves nothing."""
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
    instance.save(update_fields=update_fields)
    return changed
