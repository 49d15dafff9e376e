"""Teams of staff members (staff.models.Team): the one place they are written and read."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Count, QuerySet
from django.db.models.functions import Lower
from django.utils.translation import gettext as _

from staff.models import Team

User = get_user_model()


def teams() -> QuerySet[Team]:
    """Every team, by name, with its lead and the number of members (one query)."""
    return Team.objects.select_related("lead").annotate(member_count=Count("members")).order_by(Lower("name"))


def active_staff() -> QuerySet:
    """The active staff members of this contractant, by e-mail address: every staff picker,
    recipient list and team form reads them here."""
    return User.objects.filter(is_staff=True, is_active=True).order_by("email", "pk")


@transaction.atomic
def team_save(*, team: Team | None, name: str, lead, members, actor) -> Team:
    """Create (team None) or change a team. The lead is always one of its members; members are
    active staff of this contractant."""
    name = " ".join(name.split())
    if not name:
        raise ValidationError({"name": _("Give the team a name.")})
    members = set(members)
    if lead is not None:
        members.add(lead)
    if any(not (member.is_staff and member.is_active) for member in members):
        raise ValidationError({"members": _("Only active staff members can be in a team.")})
    team = team or Team()
    team.name, team.lead = name, lead
    team.full_clean(validate_unique=False, validate_constraints=False)
    team._history_user = actor  # type: ignore[attr-defined]  # read by django-simple-history
    try:
        with transaction.atomic():
            team.save()
    except IntegrityError as exc:
        raise ValidationError({"name": _("There is already a team named %(name)s.") % {"name": name}}) from exc
    team.members.set(members)
    return team


def team_delete(*, team: Team, actor) -> None:
    """Its tasks keep their assignee and lose the team (SET_NULL)."""
    team._history_user = actor  # type: ignore[attr-defined]
    team.delete()
