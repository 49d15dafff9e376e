"""The relink (seed 000, "omhangen"): the technical setup and every open task move from one
relation to another in one atomic, audited and undoable action.

Production size (issue 17): a relation can have 50,000 open tasks. The preview counts them and
shows the first PREVIEW_TASKS (the rest is the relation's Tasks tab, a click away); the relink
and its undo move them set-based (one array parameter, history rows written in the same
statement by audit.bulk_history), so neither grows in queries with the number of tasks.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from audit.bulk_history import execute_with_history
from audit.models import SecurityEvent
from audit.services import record_security_event
from outbox.services import event_record
from relations.models import Relation
from subscriptions.models import RelinkRecord, Subscription, TechnicalSetup
from subscriptions.selectors import linked_task_ids
from subscriptions.services import create_binding, delete_binding
from tasks.models import Task, TaskLink
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
    # How many tasks move, and the first of them (by number) for the preview.
    task_count: int = 0
    first_tasks: list[Task] = field(default_factory=list)

    @property
    def more_tasks(self) -> int:
        return self.task_count - len(self.first_tasks)

    @property
    def database(self) -> str:
        return self.setup.database


# The preview lists this many of the tasks that move; the rest is the relation's Tasks tab.
PREVIEW_TASKS = 25


@dataclass(frozen=True)
class RelinkResult:
    record: RelinkRecord
    moved_task_count: int


def relink_plan(
    *, from_relation: Relation, to_relation: Relation, lock: bool = False, preview: int = PREVIEW_TASKS
) -> RelinkPlan:
    """Check a relink and describe it (the number of open tasks that move and the first
    `preview` of them); raise ValidationError with the reason it cannot be done."""
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
    # One link per task and relation (task_link_unique): the join yields each task once, and
    # the count is one range of the open links (TaskLink.task_open, kept by the database).
    tasks = Task.objects.filter(links__relation=from_relation).exclude(status=Task.Status.CLOSED)
    open_links = TaskLink.objects.filter(relation=from_relation, task_open=True)
    return RelinkPlan(
        from_relation=from_relation,
        to_relation=to_relation,
        setup=setup,
        from_subscription=setup.subscription,
        to_subscription=to_subscription,
        contractant=setup.contractant,
        task_count=open_links.count() if preview else 0,
        first_tasks=list(tasks.order_by("pk").only("pk", "subject", "status")[:preview]) if preview else [],
    )


def relink(
    *,
    from_relation: Relation,
    to_relation: Relation,
    actor,
    _undo_of: RelinkRecord | None = None,
) -> RelinkResult:
    """Move the binding and every open task from one relation to another, in one transaction.

    Two staff relinking the same contractant at once: the registry row of the contractant is
    locked first, so the second waits, then finds the binding gone from its relation and is
    told who has it now. Nothing is changed when any check fails.

    An undo (`_undo_of`) moves back exactly what the relink changed, link by link: a task
    whose link was moved gets it moved back; a task that was already linked to the new
    relation (its old link was dropped, not moved) gets its old link back and keeps the new.
    """
    with transaction.atomic():
        current = (
            TechnicalSetup.objects.filter(subscription__relation=from_relation).values_list("contractant_id", flat=True)
        ).first()
        if current is not None:
            # Serialises relinks of this contractant across every session and schema.
            list(ContractantBinding.objects.select_for_update().filter(bound_contractant_id=current))
        try:
            plan = relink_plan(from_relation=from_relation, to_relation=to_relation, lock=True, preview=0)
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
        setup = create_binding(
            subscription=plan.to_subscription, contractant=plan.contractant, database=plan.database, actor=actor
        )
        if _undo_of is not None:
            _keep_bound_since(setup, undo_of=_undo_of)
        if _undo_of is None:
            task_ids = open_task_ids(from_relation)
            # Already linked to the new relation: their old link is dropped, not moved; the undo
            # gives it back (and leaves the new link, which was there before).
            kept_link_task_ids = linked_task_ids(relation_id=to_relation.pk, among=task_ids)
            moved = move_tasks(
                task_ids=task_ids, from_relation=from_relation, to_relation=to_relation, actor=actor, reason="relink"
            )
        else:
            kept = set(_undo_of.kept_link_task_ids)
            back = linked_task_ids(
                relation_id=from_relation.pk, among=[pk for pk in _undo_of.moved_task_ids if pk not in kept]
            )
            moved = move_tasks(
                task_ids=back, from_relation=from_relation, to_relation=to_relation, actor=actor, reason="relink"
            )
            relinked = restore_links(task_ids=sorted(kept), relation=to_relation, actor=actor)
            task_ids, kept_link_task_ids = sorted([*back, *relinked]), []
            moved += len(relinked)
        record = RelinkRecord.objects.create(
            contractant=plan.contractant,
            database=plan.database,
            from_relation=from_relation,
            to_relation=to_relation,
            from_subscription=plan.from_subscription,
            to_subscription=plan.to_subscription,
            moved_task_ids=task_ids,
            moved_task_count=len(task_ids),
            kept_link_task_ids=kept_link_task_ids,
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
        event_record(
            kind="relation.relinked",
            payload={
                "relink_id": record.pk,
                "contractant_id": plan.contractant.pk,
                "contractant_name": plan.contractant.name,
                "from_relation_id": from_relation.pk,
                "to_relation_id": to_relation.pk,
                "moved_task_count": moved,
                "undo": _undo_of is not None,
            },
        )
    return RelinkResult(record=record, moved_task_count=moved)


def relink_undo(*, record: RelinkRecord, actor) -> RelinkResult:
    """Reverse a relink: the binding goes back and exactly the tasks that moved move back."""
    if RelinkRecord.objects.filter(undo_of=record).exists():
        raise ValidationError(_("This relink has already been undone."))
    if record.undo_of_id is not None:
        raise ValidationError(_("This entry is itself an undo; relink again instead."))
    return relink(from_relation=record.to_relation, to_relation=record.from_relation, actor=actor, _undo_of=record)


def _keep_bound_since(setup: TechnicalSetup, *, undo_of: RelinkRecord) -> None:
    """An undo gives the binding back as it was: "Bound since" keeps the date it was first
    bound, read from the history row of the setup the relink removed. `bound_at` is set on
    insert (auto_now_add), so it is put back on the new row and on the history row that insert
    wrote, in the same transaction: the binding reads as restored, not as changed."""
    original = (
        TechnicalSetup.history.filter(
            subscription_id=undo_of.from_subscription_id, contractant_id=setup.contractant_id, history_type="-"
        )
        .order_by("-history_date")
        .values_list("bound_at", flat=True)
        .first()
    )
    if original is None:
        return
    TechnicalSetup.objects.filter(pk=setup.pk).update(bound_at=original)
    TechnicalSetup.history.filter(id=setup.pk, history_type="+").update(bound_at=original)
    setup.bound_at = original


def open_task_ids(relation: Relation) -> list[int]:
    """The open tasks linked to the relation, by number: what a relink moves. One range of the
    open links (TaskLink.task_open, kept by the database), not a join with every open task."""
    return list(
        TaskLink.objects.filter(relation=relation, task_open=True).order_by("task_id").values_list("task_id", flat=True)
    )


def restore_links(*, task_ids: list[int], relation: Relation, actor) -> list[int]:
    """Link the tasks to the relation again (an undo giving back a dropped link), in one
    statement with one array parameter and a history row per new link; tasks deleted since, or
    linked to it again meanwhile, are left alone. Returns the tasks that got their link back."""
    if not task_ids:
        return []
    table, tasks_table = TaskLink._meta.db_table, Task._meta.db_table
    return execute_with_history(
        TaskLink,
        dml=(
            f'INSERT INTO "{table}" (task_id, relation_id, created_at, task_created_at) '
            f"SELECT task.id, %s, statement_timestamp(), task.created_at "
            f'FROM "{tasks_table}" AS task WHERE task.id = ANY(%s::bigint[]) '
            "ON CONFLICT (task_id, relation_id) DO NOTHING"
        ),
        params=[relation.pk, task_ids],
        history_type="+",
        user_id=getattr(actor, "pk", None),
        # A batch reason like tasks.services.move_tasks: one entry on the relation's History tab.
        reason=f"relink {uuid.uuid4().hex}",
        returning="task_id",
    )
