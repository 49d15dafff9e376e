"""Reads of the privacy app: everything a contractant holds about one person, counted or listed.

One place names what "the data of a person" is, so the export, the erase confirmation and the
erase itself cannot drift apart: `person_sources` lists each kind with its queryset.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db.models import Q, QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from contacts.models import AttributeValue, Contact, ContactEmail, ContactLink, MergeRecord
from portal.models import ContactInvitation, OrganisationClaim
from portal_sync.desired import external_id
from portal_sync.models import RemoteMembership, RemoteUser
from privacy.models import Erasure, PrivacySettings
from relations.models import Relation
from tasks.models import Task, TaskAttachment, TaskEmail, TaskMessage

# What the archive holds of each kind: explicit fields, so an internal token (a task's reply
# token, a password hash) can never slip into an export.
CONTACT_FIELDS = [
    "code",
    "first_name",
    "infix",
    "last_name",
    "job_title",
    "email",
    "username",
    "phone",
    "kind",
    "status",
    "notify_scope",
    "notify_trigger",
    "out_of_service_on",
    "created_at",
    "updated_at",
]
LINK_FIELDS = [
    "relation__code",
    "relation__name",
    "job_title",
    "is_admin",
    "is_approver",
    "status",
    "support_access",
    "sync_client_online",
    "from_date",
    "decided_at",
    "created_at",
]
TASK_FIELDS = ["code", "subject", "description", "status", "priority", "created_at", "updated_at", "closed_at"]
MESSAGE_FIELDS = ["code", "task__code", "kind", "channel", "author_label", "body", "created_at"]
EMAIL_FIELDS = ["task__code", "direction", "address", "subject", "created_at"]
ATTACHMENT_FIELDS = ["code", "task__code", "name", "content_type", "size", "created_at"]
RELATION_FIELDS = ["code", "name", "kind", "customer_number", "street", "house_number", "postcode", "city", "country"]
CLAIM_FIELDS = ["link__relation__name", "status", "requested_at", "decided_at"]
INVITATION_FIELDS = ["relation__name", "email", "first_name", "last_name", "created_at", "accepted_at", "declined_at"]
LOGIN_FIELDS = ["username", "is_active", "date_joined", "last_login"]
HISTORY_META = ["history_id", "history_date", "history_type", "history_change_reason"]


def privacy_settings() -> PrivacySettings:
    """This contractant's privacy settings; the defaults (retention off) until someone saves them."""
    return PrivacySettings.objects.order_by("pk").first() or PrivacySettings()


def contact_erasure(contact: Contact) -> Erasure | None:
    return Erasure.objects.filter(contact=contact).select_related("actor").first()


def person_addresses(contact: Contact) -> list[str]:
    """The person's e-mail addresses, lower case: the contact's own and its secondary ones."""
    addresses = {contact.email.strip().lower()}
    addresses.update(
        email.strip().lower() for email in ContactEmail.objects.filter(contact=contact).values_list("email", flat=True)
    )
    return sorted(address for address in addresses if address)


def _address_q(field: str, addresses: list[str]) -> Q:
    query = Q(pk__in=[])
    for address in addresses:
        query |= Q(**{f"{field}__iexact": address})
    return query


def written_messages(contact: Contact) -> QuerySet[TaskMessage]:
    """Messages the person wrote: as the contact, or through its portal login."""
    query = Q(author_contact=contact)
    if contact.user_id is not None:
        query |= Q(author_id=contact.user_id)
    return TaskMessage.objects.filter(query)


def person_emails(contact: Contact, addresses: list[str]) -> QuerySet[TaskEmail]:
    """E-mails about tasks sent to or received from the person."""
    return TaskEmail.objects.filter(Q(contact=contact) | _address_q("address", addresses))


def person_tasks(contact: Contact) -> QuerySet[Task]:
    """Tasks the person is part of: reported, wrote in, or was e-mailed about."""
    addresses = person_addresses(contact)
    return Task.objects.filter(
        Q(reporter=contact)
        | Q(pk__in=written_messages(contact).values("task_id"))
        | Q(pk__in=person_emails(contact, addresses).values("task_id"))
    )


def person_invitations(contact: Contact, addresses: list[str]) -> QuerySet[ContactInvitation]:
    return ContactInvitation.objects.filter(Q(contact=contact) | _address_q("email", addresses))


def client_online_user(contact: Contact) -> RemoteUser | None:
    return RemoteUser.objects.filter(external_id=external_id(contact)).first()


@dataclass(frozen=True)
class Source:
    """One kind of data about the person: its archive file, its label and its rows."""

    name: str
    label: str | Promise
    queryset: QuerySet
    fields: list[str]


def person_sources(contact: Contact) -> list[Source]:
    """Every kind of data about the person, in the archive's order (README lists the same)."""
    addresses = person_addresses(contact)
    login = [] if contact.user_id is None else [contact.user_id]
    return [
        Source("contact", _("Contact"), Contact.objects.filter(pk=contact.pk), CONTACT_FIELDS),
        Source(
            "email_addresses",
            _("Secondary e-mail addresses"),
            ContactEmail.objects.filter(contact=contact),
            ["email", "created_at"],
        ),
        Source(
            "person_relation",
            _("Private relation (person)"),
            Relation.objects.filter(person=contact),
            RELATION_FIELDS,
        ),
        Source("links", _("Links to relations"), ContactLink.objects.filter(contact=contact), LINK_FIELDS),
        Source(
            "attributes",
            _("Attribute values"),
            AttributeValue.objects.filter(contact=contact),
            ["definition__name", "value"],
        ),
        Source("tasks_reported", _("Tasks reported"), Task.objects.filter(reporter=contact), TASK_FIELDS),
        Source("messages_written", _("Messages written"), written_messages(contact), MESSAGE_FIELDS),
        Source("task_emails", _("Task e-mails to or from the person"), person_emails(contact, addresses), EMAIL_FIELDS),
        Source(
            "attachments_uploaded",
            _("Attachments uploaded"),
            TaskAttachment.objects.filter(uploaded_by_contact=contact),
            ATTACHMENT_FIELDS,
        ),
        Source("history_contact", _("History of the contact"), Contact.history.filter(id=contact.pk), []),
        Source(
            "history_links",
            _("History of the links"),
            ContactLink.history.filter(contact_id=contact.pk),
            [],
        ),
        Source(
            "history_attributes",
            _("History of the attribute values"),
            AttributeValue.history.filter(contact_id=contact.pk),
            [],
        ),
        Source(
            "portal_claims",
            _("Portal organisation claims"),
            OrganisationClaim.objects.filter(link__contact=contact),
            CLAIM_FIELDS,
        ),
        Source(
            "portal_invitations",
            _("Portal invitations"),
            person_invitations(contact, addresses),
            INVITATION_FIELDS,
        ),
        Source("portal_login", _("Portal login"), get_user_model().objects.filter(pk__in=login), LOGIN_FIELDS),
        Source(
            "merges",
            _("Merged duplicates"),
            MergeRecord.objects.filter(survivor=contact),
            ["merged_snapshot", "created_at"],
        ),
        Source(
            "client_online_user",
            _("Client Online user"),
            RemoteUser.objects.filter(external_id=external_id(contact)),
            ["external_id", "data"],
        ),
        Source(
            "client_online_memberships",
            _("Client Online memberships"),
            RemoteMembership.objects.filter(user_id=external_id(contact)),
            ["client_id"],
        ),
    ]


def history_fields(queryset: QuerySet) -> list[str]:
    """A history table's columns: the tracked fields (by column, ids for related rows) and the
    history's own, never the history user (a staff member, not the person)."""
    model = queryset.model
    tracked = [
        field.attname
        for field in model._meta.concrete_fields
        if field.name not in {"history_id", "history_date", "history_type", "history_change_reason", "history_user"}
    ]
    return [*HISTORY_META, *tracked]


def source_counts(contact: Contact) -> list[tuple[Source, int]]:
    """Each kind with how many rows the contractant holds of it: the person page's table."""
    return [(source, source.queryset.count()) for source in person_sources(contact)]


@dataclass(frozen=True)
class ErasePlan:
    """What an erasure changes, per kind: the confirmation page shows it, the log counts it."""

    contact: Contact
    history_rows: int
    links: int
    attribute_values: int
    secondary_addresses: int
    tasks: int
    messages: int
    emails: int
    claims: int
    invitations: int
    merges: int
    has_login: bool
    client_online_user: bool
    client_online_memberships: int
    person_relation: Relation | None

    def counts(self) -> dict[str, int]:
        return {
            "history_rows": self.history_rows,
            "links": self.links,
            "attribute_values": self.attribute_values,
            "secondary_addresses": self.secondary_addresses,
            "tasks": self.tasks,
            "messages": self.messages,
            "emails": self.emails,
            "claims": self.claims,
            "invitations": self.invitations,
            "merges": self.merges,
            "login": int(self.has_login),
            "client_online_user": int(self.client_online_user),
            "client_online_memberships": self.client_online_memberships,
        }


def erase_plan(contact: Contact) -> ErasePlan:
    addresses = person_addresses(contact)
    user_id = external_id(contact)
    return ErasePlan(
        contact=contact,
        history_rows=Contact.history.filter(id=contact.pk).count()
        + ContactLink.history.filter(contact_id=contact.pk).count()
        + AttributeValue.history.filter(contact_id=contact.pk).count(),
        links=ContactLink.objects.filter(contact=contact).count(),
        attribute_values=AttributeValue.objects.filter(contact=contact).count(),
        secondary_addresses=ContactEmail.objects.filter(contact=contact).count(),
        tasks=person_tasks(contact).count(),
        messages=written_messages(contact).count(),
        emails=person_emails(contact, addresses).count(),
        claims=OrganisationClaim.objects.filter(link__contact=contact).count(),
        invitations=person_invitations(contact, addresses).count(),
        merges=MergeRecord.objects.filter(survivor=contact).count(),
        has_login=contact.user_id is not None,
        client_online_user=RemoteUser.objects.filter(external_id=user_id).exists(),
        client_online_memberships=RemoteMembership.objects.filter(user_id=user_id).count(),
        person_relation=Relation.objects.filter(person=contact).first(),
    )
