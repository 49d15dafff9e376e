"""Custom attributes (per contractant) and the values contacts have for them."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from contacts.models import AttributeDefinition, AttributeValue, Contact
from staff.validators import reject_control_characters


def _check_choices(choices: list[str]) -> None:
    # Each choice is an option of a select, on one line.
    for choice in choices:
        try:
            reject_control_characters(choice)
        except ValidationError as exc:
            raise ValidationError({"choices": exc.messages}) from None


def attribute_define(
    *,
    actor,
    name: str,
    type: str,
    choices: list[str] | None = None,
    visible_in_portal: bool = False,
    editable_in_portal: bool = False,
    position: int = 0,
) -> AttributeDefinition:
    choices = [choice.strip() for choice in (choices or []) if choice.strip()]
    if type == AttributeDefinition.Type.CHOICE and not choices:
        raise ValidationError({"choices": _("A choice attribute needs at least one choice.")})
    _check_choices(choices)
    with transaction.atomic():
        definition = AttributeDefinition(
            name=name.strip(),
            type=type,
            choices=choices if type == AttributeDefinition.Type.CHOICE else [],
            visible_in_portal=visible_in_portal,
            editable_in_portal=editable_in_portal,
            position=position,
        )
        definition.full_clean()
        definition._history_user = actor
        definition.save()
    return definition


def attribute_update(*, definition: AttributeDefinition, actor, data: dict) -> AttributeDefinition:
    with transaction.atomic():
        for name in ["name", "type", "choices", "visible_in_portal", "editable_in_portal", "position"]:
            if name in data:
                setattr(definition, name, data[name])
        if definition.type == AttributeDefinition.Type.CHOICE and not definition.choices:
            raise ValidationError({"choices": _("A choice attribute needs at least one choice.")})
        _check_choices(definition.choices)
        definition.full_clean()
        definition._history_user = actor
        definition.save()
    return definition


def clean_attribute_value(definition: AttributeDefinition, raw) -> str:
    """Validate a value for its attribute type and return its canonical text."""
    Type = AttributeDefinition.Type
    if raw is None:
        return ""
    if definition.type == Type.BOOLEAN:
        if isinstance(raw, bool):
            return "true" if raw else "false"
        text = str(raw).strip().lower()
        if text in {"", "none"}:
            return ""
        if text in {"true", "1", "on", "yes", "ja"}:
            return "true"
        if text in {"false", "0", "off", "no", "nee"}:
            return "false"
        raise ValidationError(_("Choose yes or no."))
    text = raw.isoformat() if isinstance(raw, datetime.date) else str(raw).strip()
    if not text:
        return ""
    if definition.type == Type.DATE:
        try:
            return datetime.date.fromisoformat(text).isoformat()
        except ValueError:
            raise ValidationError(_("Enter a date like 2026-12-31.")) from None
    if definition.type == Type.CHOICE and text not in definition.choices:
        raise ValidationError(_("Choose one of: %(choices)s.") % {"choices": ", ".join(definition.choices)})
    if len(text) > 1000:
        raise ValidationError(_("Use at most 1000 characters."))
    # A value is shown on one line (the contact page, the portal): no line breaks in it.
    reject_control_characters(text)
    return text


def set_attribute_values(*, contact: Contact, values: dict[int, object], actor, via_portal: bool = False) -> None:
    """Set custom attribute values (definition id → raw value); all valid or nothing saved.

    From the portal, only attributes that are visible and editable there may be written:
    the server enforces the flags, not the template (DESIGN.md rule 7).
    """
    definitions = {d.pk: d for d in AttributeDefinition.objects.filter(pk__in=list(values))}
    errors = {}
    cleaned = {}
    for definition_id, raw in values.items():
        definition = definitions.get(int(definition_id))
        if definition is None:
            errors[str(definition_id)] = [_("Unknown attribute.")]
            continue
        if via_portal and not definition.visible_in_portal:
            # Staff-only attributes do not exist as far as the portal is concerned.
            errors[str(definition_id)] = [_("Unknown attribute.")]
            continue
        if via_portal and not definition.editable_in_portal:
            errors[str(definition_id)] = [_("%(name)s cannot be changed in the portal.") % {"name": definition.name}]
            continue
        try:
            cleaned[definition] = clean_attribute_value(definition, raw)
        except ValidationError as exc:
            errors[str(definition_id)] = exc.messages
    if errors:
        raise ValidationError(errors)
    with transaction.atomic():
        existing = {v.definition_id: v for v in AttributeValue.objects.filter(contact=contact, definition__in=cleaned)}
        for definition, text in cleaned.items():
            value = existing.get(definition.pk)
            if value is None:
                if text:
                    value = AttributeValue(contact=contact, definition=definition, value=text)
                    value._history_user = actor
                    value.save()
            elif not text:
                value._history_user = actor
                value.delete()
            elif value.value != text:
                value.value = text
                value._history_user = actor
                value.save(update_fields=["value"])
