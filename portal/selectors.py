from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Case, Count, OuterRef, Q, QuerySet, Subquery, Value, When
from django.db.models.functions import Lower
from django.utils import timezone

from contacts.models import Contact, ContactLink
from portal.models import ContactInvitation, OrganisationClaim
from tasks.models import Task, TaskMessage


def memberships(contact: Contact) -> QuerySet[ContactLink]:
    """Approved memberships of active organisations, by name, each with its relation: the
    organisation switcher's entries (one statement)."""
    return (
        ContactLink.objects.filter(contact=contact, status=ContactLink.PortalStatus.APPROVED, relation__is_active=True)
        .select_related("relation")
        # The navigation's count of waiting membership requests, in the same statement.
        .annotate(
            requests_waiting=Subquery(
                ContactLink.objects.filter(
                    relation_id=OuterRef("relation_id"), status=ContactLink.PortalStatus.REQUESTED
                )
                .values("relation_id")
                .annotate(n=Count("pk"))
                .values("n")[:1]
            )
        )
        .order_by("relation__name", "pk")
    )


def contact_of(user) -> Contact | None:
    """The contact behind a login (Contact.user), or None. Django's reverse accessor reads it
    in one statement and lets both sides know each other (no second read either way)."""
    try:
        return user.contact
    except Contact.DoesNotExist:
        return None


def pending_requests_of(contact: Contact) -> QuerySet[ContactLink]:
    return ContactLink.objects.filter(contact=contact, status=ContactLink.PortalStatus.REQUESTED).select_related(
        "relation"
    )


def organisation_members(relation) -> QuerySet[ContactLink]:
    """The organisation's memberships of every status: requests waiting for a decision first,
    then members, then rejected requests, each by name (one statement a page: the members page
    paginates it)."""
    waiting_first = Case(
        When(status=ContactLink.PortalStatus.REQUESTED, then=Value(0)),
        When(status=ContactLink.PortalStatus.APPROVED, then=Value(1)),
        default=Value(2),
    )
    return relation.contact_links.select_related("contact").order_by(
        waiting_first, "contact__last_name", "contact__first_name", "pk"
    )


def requests_waiting(relation) -> int:
    """How many membership requests wait for the organisation's administrators (one statement)."""
    return relation.contact_links.filter(status=ContactLink.PortalStatus.REQUESTED).count()


def open_invitations(relation) -> QuerySet[ContactInvitation]:
    """Invitations of the organisation nobody has accepted yet (waiting, declined or expired),
    for its administrators' contact list: only what they typed themselves (name, address), the
    same for every address, never anything of whom the address belongs to."""
    return ContactInvitation.objects.filter(relation=relation, accepted_at__isnull=True).order_by(
        "last_name", "first_name", "pk"
    )


def open_invitations_for(contact: Contact) -> QuerySet[ContactInvitation]:
    """Invitations to this person's address still waiting for an answer, newest first, each with
    its organisation and who invited them (one statement, on the index of the invitations'
    lower-case address)."""
    return (
        ContactInvitation.objects.alias(address=Lower("email"))
        .filter(
            address=contact.username,
            accepted_at__isnull=True,
            declined_at__isnull=True,
            expires_at__gt=timezone.now(),
            relation__is_active=True,
        )
        .select_related("relation", "invited_by")
        .order_by("-created_at", "-pk")
    )


def pending_organisation_claims() -> QuerySet[OrganisationClaim]:
    """Requests to join an organisation without portal administrator, waiting for staff, oldest
    first, each with its requester and organisation (one statement; `.count()` for the number).
    A request decided elsewhere in the meantime (its link no longer `requested`) is not listed."""
    return (
        OrganisationClaim.objects.filter(
            status=OrganisationClaim.Status.PENDING,
            link__status=ContactLink.PortalStatus.REQUESTED,
            link__relation__is_active=True,
        )
        .select_related("link__contact", "link__relation")
        .order_by("requested_at", "pk")
    )


@dataclass(frozen=True)
class OrganisationWork:
    """What waits for a member on their organisation's start page (issue 16)."""

    open_tickets: int
    waiting_for_you: int
    answers_since: int
    requests_waiting: int | None  # None: not an administrator, so not theirs to decide


def organisation_work(membership: ContactLink, *, since) -> OrganisationWork:
    """Counts over the tickets this member may see (portal.access.visible_tasks), in two
    statements, plus the membership requests for an administrator."""
    from portal.access import visible_tasks

    tasks = visible_tasks(membership)
    counts = tasks.aggregate(
        open=Count("pk", filter=~Q(status=Task.Status.CLOSED), distinct=True),
        waiting=Count("pk", filter=Q(status=Task.Status.WAITING), distinct=True),
    )
    answers = TaskMessage.objects.filter(
        task__in=tasks.values("pk"), kind=TaskMessage.Kind.REPLY, held_for_review=False, channel="staff"
    )
    if since is not None:
        answers = answers.filter(created_at__gt=since)
    requests = None
    if membership.is_admin:
        requests = requests_waiting(membership.relation)
    return OrganisationWork(
        open_tickets=counts["open"],
        waiting_for_you=counts["waiting"],
        answers_since=answers.count(),
        requests_waiting=requests,
    )
