"""Saved task-list views: a filter combination a staff member keeps under a name, for
themselves or shared with every staff member of the contractant (issue 16, queues)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q, QuerySet
from django.http import QueryDict
from django.utils.translation import gettext as _

from staff.validators import reject_control_characters
from tasks.models import SavedView

# The task list's parameters a view keeps (tasks.listing.task_listing reads them); the page, the
# relation search text and anything else are left out.
VIEW_PARAMETERS = ("queue", "q", "relation", "status", "assignee", "team", "open", "sort")
MAX_VIEWS_PER_OWNER = 50


def saved_view_query(params: QueryDict) -> str:
    """The part of a task-list query string a saved view keeps, in a fixed order."""
    kept = QueryDict(mutable=True)
    for key in VIEW_PARAMETERS:
        value = params.get(key, "")
        if value:
            kept[key] = value[:200]
    return kept.urlencode()


def saved_views_for(user) -> QuerySet[SavedView]:
    """The views this person sees: their own and those colleagues shared, by name."""
    return (
        SavedView.objects.filter(Q(owner=user) | Q(shared=True))
        .select_related("owner")
        .only("pk", "name", "query", "shared", "owner__id", "owner__first_name", "owner__last_name", "owner__email")
        .order_by("name", "pk")
    )


@transaction.atomic
def save_view(*, owner, name: str, params: QueryDict, shared: bool) -> SavedView:
    """Save (or, under a name this person used before, replace) a view of the task list."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError(_("Give the view a name."))
    if len(name) > 60:
        raise ValidationError(_("A view's name has at most 60 characters."))
    reject_control_characters(name)
    query = saved_view_query(params)
    existing = SavedView.objects.select_for_update().filter(owner=owner, name=name).first()
    if existing is None and SavedView.objects.filter(owner=owner).count() >= MAX_VIEWS_PER_OWNER:
        raise ValidationError(
            _("You have %(count)d saved views, the most there can be; delete one first.")
            % {"count": MAX_VIEWS_PER_OWNER}
        )
    if existing is not None:
        existing.query, existing.shared = query, shared
        existing.save(update_fields=["query", "shared"])
        return existing
    try:
        with transaction.atomic():
            return SavedView.objects.create(owner=owner, name=name, query=query, shared=shared)
    except IntegrityError as exc:  # saved at the same moment in another tab
        raise ValidationError(_("You already have a view named %(name)s.") % {"name": name}) from exc


def delete_view(*, view: SavedView, actor) -> None:
    """Only its owner deletes a view; a shared view stays for the others until then."""
    if view.owner_id != actor.pk:
        raise PermissionDenied
    view.delete()
