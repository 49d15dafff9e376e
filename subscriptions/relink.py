"""The relink (seed 000, "omhangen"): the technical setup and every open task move from one
relation to another in one atomic, audited and undoable action."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.models import SecurityEvent
from audit.services import record_security_event
from relations.models import Relation
from subscriptions.models import RelinkRecord, Subscription, TechnicalSetup
from subscriptions.services import create_binding, delete_binding
from tasks.models import Task
from tasks.services import move_tasks
from tenants.models import Contractant, ContractantBinding, current_contractant


@dataclass
class RelinkPlan:
    """What a relink will do, shown to the user before they confirm."""

    from_relation: Relation
    to_relation: Relation
    setup: TechnicalSetup
    from_subscription: Subscription
    to_subscription: Subscription
    contractant: Contractant
    tasks: list[Task] = field(default_factory=list)

    @property
    def database(self) -> str:
        return self.setup.database


@dataclass(frozen=True)
class RelinkResult:
    record: RelinkRecord
    moved_task_count: int


def relink_plan(
    *, from_relation: Relation, to_relation: Relation, lock: bool = False, task_ids: list[int] | None = None
) -> RelinkPlan:
    """Check a relink and describe it; raise ValidationError with the reason it cannot be done."""
    if not current_contractant().is_supplier:
        raise ValidationError(_("Only a supplier environment can bind contractants to its relations."))
    if from_relation.pk == to_relation.pk:
        raise ValidationError(_("Choose another relation: a relation cannot be relinked to itself."))
    setups = TechnicalSetup.objects.select_related("subscription", "contractant").filter(
        subscription__relation=from_relation
    )
    if lock:
        setups = setups.select_for_update(of=("self",))
    setup = setups.order_by("-subscription__start_date").first()
    if setup is None:
        raise ValidationError(
            _("%(relation)s has no technical setup, so there is nothing to relink.") % {"relation": from_relation.name}
        )
    if not to_relation.is_active:
        raise ValidationError(_("%(relation)s is not active.") % {"relation": to_relation.name})
    other = TechnicalSetup.objects.select_related("contractant").filter(subscription__relation=to_relation).first()
    if other is not None:
        raise ValidationError(
            _("%(relation)s already binds the contractant %(contractant)s.")
            % {"relation": to_relation.name, "contractant": other.contractant.name}
        )
    to_subscription = (
        Subscription.objects.filter(relation=to_relation, is_active=True)
        .select_related("relation")
        .order_by("-start_date", "-pk")
        .first()
    )
    if to_subscription is None:
        raise ValidationError(
            _("%(relation)s has no active subscription to carry the technical setup.") % {"relation": to_relation.name}
        )
    tasks = Task.objects.filter(links__relation=from_relation)
    tasks = tasks.filter(pk__in=task_ids) if task_ids is not None else tasks.exclude(status=Task.Status.CLOSED)
    return RelinkPlan(
        from_relation=from_relation,
        to_relation=to_relation,
        setup=setup,
        from_subscription=setup.subscription,
        to_subscription=to_subscription,
        contractant=setup.contractant,
        tasks=list(tasks.order_by("pk").only("pk", "subject", "status", "priority", "created_at")),
    )


def relink(
    *,
    from_relation: Relation,
    to_relation: Relation,
    actor,
    _task_ids: list[int] | None = None,
    _undo_of: RelinkRecord | None = None,
) -> RelinkResult:
    """Move the binding and every open task from one relation to another, in one transaction.

    Two staff relinking the same contractant at once: the registry row of the contractant is
    locked first, so the second waits, then finds the binding gone from its relation and is
    told who has it now. Nothing is changed when any check fails.
    """
    with transaction.atomic():
        current = (
            TechnicalSetup.objects.filter(subscription__relation=from_relation).values_list("contractant_id", flat=True)
        ).first()
        if current is not None:
            # Serialises relinks of this contractant across every session and schema.
            list(ContractantBinding.objects.select_for_update().filter(bound_contractant_id=current))
        try:
            plan = relink_plan(from_relation=from_relation, to_relation=to_relation, lock=True, task_ids=_task_ids)
        except ValidationError:
            if current is not None and not TechnicalSetup.objects.filter(subscription__relation=from_relation).exists():
                holder = (
                    TechnicalSetup.objects.filter(contractant_id=current)
                    .select_related("subscription__relation")
                    .first()
                )
                raise ValidationError(
                    _("Someone else relinked this contractant a moment ago; it is now bound to %(relation)s.")
                    % {"relation": holder.subscription.relation.name if holder else _("no relation")}
                ) from None
            raise
        delete_binding(setup=plan.setup, actor=actor, keep_registry=True)
        create_binding(
            subscription=plan.to_subscription, contractant=plan.contractant, database=plan.database, actor=actor
        )
        task_ids = [task.pk for task in plan.tasks]
        moved = move_tasks(
            task_ids=task_ids, from_relation=from_relation, to_relation=to_relation, actor=actor, reason="relink"
        )
        record = RelinkRecord.objects.create(
            contractant=plan.contractant,
            database=plan.database,
            from_relation=from_relation,
            to_relation=to_relation,
            from_subscription=plan.from_subscription,
            to_subscription=plan.to_subscription,
            moved_task_ids=task_ids,
            actor=actor,
            undo_of=_undo_of,
        )
        record_security_event(
            kind=SecurityEvent.Kind.RELINK_UNDONE if _undo_of else SecurityEvent.Kind.RELINK,
            summary=(
                gettext_noop(
                    "Relink undone: contractant %(contractant)s back from %(from_relation)s to %(to_relation)s "
                    "(open tasks moved: %(count)s)."
                )
                if _undo_of
                else gettext_noop(
                    "Contractant %(contractant)s relinked from %(from_relation)s to %(to_relation)s "
                    "(open tasks moved: %(count)s)."
                )
            ),
            summary_params={
                "contractant": plan.contractant.name,
                "from_relation": from_relation.name,
                "to_relation": to_relation.name,
                "count": moved,
            },
            actor=actor,
            object_label=to_relation.name,
            object_url=reverse("relations:history", args=[to_relation.pk]),
        )
    return RelinkResult(record=record, moved_task_count=moved)


def relink_undo(*, record: RelinkRecord, actor) -> RelinkResult:
    """Reverse a relink: the binding goes back and exactly the tasks that moved move back."""
    if RelinkRecord.objects.filter(undo_of=record).exists():
        raise ValidationError(_("This relink has already been undone."))
    if record.undo_of_id is not None:
        raise ValidationError(_("This entry is itself an undo; relink again instead."))
    return relink(
        from_relation=record.to_relation,
        to_relation=record.from_relation,
        actor=actor,
        _task_ids=record.moved_task_ids,
        _undo_of=record,
    )
