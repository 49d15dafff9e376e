"""Writes on subscriptions and their technical setup (binding to a contractant)."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.models import SecurityEvent
from audit.services import record_security_event
from audit.updates import changed_fields, model_update
from relations.models import Relation
from staff.ui import parse_id
from subscriptions.models import Subscription, TechnicalSetup
from tenants.models import Contractant, ContractantBinding, current_contractant


def _not_a_supplier() -> str:
    return _("Only a supplier environment can bind contractants to its relations.")


def subscription_create(
    *,
    relation: Relation,
    product: str,
    start_date: datetime.date,
    end_date: datetime.date | None = None,
    is_active: bool = True,
    actor,
) -> Subscription:
    with transaction.atomic():
        subscription = Subscription(
            relation=relation, product=product, start_date=start_date, end_date=end_date, is_active=is_active
        )
        subscription.full_clean()
        subscription._history_user = actor
        subscription.save()
    return subscription


def subscription_update(*, subscription: Subscription, actor, data: dict) -> Subscription:
    allowed = {"product", "start_date", "end_date", "is_active"}
    changed = changed_fields(subscription, allowed, data)
    if "is_active" in changed and not data["is_active"] and hasattr(subscription, "technical_setup"):
        raise ValidationError(_("This subscription carries a technical setup. Clear or relink it before deactivating."))
    with transaction.atomic():
        model_update(instance=subscription, fields=allowed, data=data, actor=actor)
    return subscription


def binding_refusal(
    *, subscription: Subscription, contractant: Contractant, database: str, holder: Contractant | None = None
) -> str | None:
    """Why this binding cannot be made, as a message for the user; None when it can.
    `holder` is this environment's contractant (default: the connection's); bind_technical_setup
    passes both rows as it locked them, so the roles checked are the roles saved now."""
    current = holder or current_contractant()
    # Roles first: a customer environment never learns more about the platform than "no".
    if not current.is_supplier:
        return _not_a_supplier()
    if contractant.pk == current.pk:
        return _("%(contractant)s is this environment itself and cannot be bound to a relation.") % {
            "contractant": contractant.name
        }
    if contractant.is_supplier:
        return _("%(contractant)s is a supplier environment; only customer contractants can be bound.") % {
            "contractant": contractant.name
        }
    if not subscription.is_active:
        return _("The subscription '%(product)s' is not active; only an active subscription can be bound.") % {
            "product": subscription.product
        }
    if TechnicalSetup.objects.filter(subscription=subscription).exists():
        return _("The subscription '%(product)s' already has a technical setup.") % {"product": subscription.product}
    if contractant.database != database:
        return _("%(contractant)s lives in database '%(actual)s', not in '%(chosen)s'.") % {
            "contractant": contractant.name,
            "actual": contractant.database,
            "chosen": database,
        }
    binding = ContractantBinding.objects.filter(bound_contractant=contractant).select_related("holder").first()
    if binding is not None:
        if binding.holder_id == current.pk:
            return _(
                "%(contractant)s is already bound to the relation %(relation)s. A contractant can be bound "
                "by one relation at a time; use 'Relink' on that relation to move it."
            ) % {"contractant": contractant.name, "relation": binding.relation_name}
        # Another supplier's customer relation is not ours to show.
        return _("%(contractant)s is already bound by another supplier environment.") % {
            "contractant": contractant.name
        }
    return None


def create_binding(*, subscription: Subscription, contractant: Contractant, database: str, actor) -> TechnicalSetup:
    """Create the setup and its public registry row; the caller holds the transaction
    (bind_technical_setup, relink)."""
    setup = TechnicalSetup(subscription=subscription, contractant=contractant, database=database, bound_by=actor)
    setup._history_user = actor
    setup.save()
    values = {
        "holder": current_contractant(),
        "relation_id": subscription.relation_id,
        "relation_name": subscription.relation.name,
        "subscription_id": subscription.pk,
    }
    # A relink keeps (and has locked) the registry row; a new binding creates it, and its
    # unique key refuses a contractant that another schema bound a moment ago.
    if not ContractantBinding.objects.filter(bound_contractant=contractant).update(**values):
        ContractantBinding.objects.create(bound_contractant=contractant, **values)
    return setup


def delete_binding(*, setup: TechnicalSetup, actor, keep_registry: bool = False) -> None:
    """Remove the setup, and its public registry row unless a relink keeps (and has locked) it;
    the caller holds the transaction."""
    setup._history_user = actor
    setup.delete()
    if not keep_registry:
        ContractantBinding.objects.filter(
            bound_contractant_id=setup.contractant_id, holder=current_contractant()
        ).delete()


def bind_technical_setup(
    *, subscription: Subscription, contractant: Contractant, database: str, actor
) -> TechnicalSetup:
    """Bind an active subscription to (database, contractant): one relation per contractant.

    Both contractants' rows are locked (in key order, so two bindings cannot deadlock) and their
    roles read under that lock: a role the platform admin changes meanwhile
    (tenants.services.set_contractant_role, which locks the same row) either waits for this
    binding or is seen by it."""
    try:
        with transaction.atomic():
            subscription = Subscription.objects.select_for_update().select_related("relation").get(pk=subscription.pk)
            holder_pk = current_contractant().pk
            locked = {
                row.pk: row
                for row in Contractant.objects.select_for_update()
                .filter(pk__in=[holder_pk, contractant.pk])
                .order_by("pk")
            }
            if contractant.pk not in locked:
                raise ValidationError(_("%(contractant)s no longer exists.") % {"contractant": contractant.name})
            contractant = locked[contractant.pk]
            refusal = binding_refusal(
                subscription=subscription, contractant=contractant, database=database, holder=locked[holder_pk]
            )
            if refusal:
                raise ValidationError(refusal)
            return create_binding(subscription=subscription, contractant=contractant, database=database, actor=actor)
    except IntegrityError:
        # Lost a race against another binding of the same contractant: the database said no.
        refusal = binding_refusal(subscription=subscription, contractant=contractant, database=database) or _(
            "%(contractant)s was bound by someone else a moment ago."
        ) % {"contractant": contractant.name}
    except ValidationError as exc:
        refusal = " ".join(exc.messages)
    # After the rolled-back attempt, so the entry stays: refusals are what an administrator
    # reviewing the log wants to see (a customer environment probing for others, a race).
    record_binding_refusal(subscription=subscription, contractant_label=contractant.name, reason=refusal, actor=actor)
    raise ValidationError(refusal)


def record_binding_refusal(*, subscription: Subscription, contractant_label: str, reason: str, actor) -> None:
    """The security log's entry for a refused binding: by the service above, and by the setup
    page for a post no form offered (a customer environment has no picker:
    subscriptions.views.setup_bind)."""
    record_security_event(
        kind=SecurityEvent.Kind.BINDING_REFUSED,
        summary=gettext_noop("Binding of %(contractant)s to %(relation)s refused: %(reason)s"),
        summary_params={"contractant": contractant_label, "relation": subscription.relation.name, "reason": reason},
        actor=actor,
        object_label=subscription.relation.name,
    )


def refuse_binding_outside_supplier(*, subscription: Subscription, posted_contractant: str | None, actor) -> None:
    """A binding posted in an environment that is no supplier (only a crafted post can): logged
    with the contractant it named (its name when the key is one, else what was posted)."""
    pk = parse_id(posted_contractant)
    name = Contractant.objects.filter(pk=pk).values_list("name", flat=True).first() if pk is not None else None
    record_binding_refusal(
        subscription=subscription,
        contractant_label=name or (posted_contractant or "")[:100],
        reason=_not_a_supplier(),
        actor=actor,
    )


def unbind_technical_setup(*, subscription: Subscription, actor) -> None:
    with transaction.atomic():
        setup = TechnicalSetup.objects.select_for_update().filter(subscription=subscription).first()
        if setup is None:
            raise ValidationError(_("This subscription has no technical setup."))
        delete_binding(setup=setup, actor=actor)
