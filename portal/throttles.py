"""How often the portal's guessable and mail-sending forms may be tried (django-ratelimit).

Customer numbers are sequential and KvK numbers public, so a limit per person alone is walked
around by making more people (any portal administrator can add contacts), a limit per address
by using more addresses, and a limit per typed customer number by trying K1001…K9999 against one
KvK number. Every add-organisation attempt therefore counts for the person, for the client
address (an IPv6 client by its /64: audit.client_ip.address_network), for the customer number
and for the KvK number it names, and, when both match an organisation, for that organisation;
the first limit passed refuses it. The services call these (portal.services.request_membership),
so no caller can skip them.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_ratelimit.core import get_usage

from audit.client_ip import address_network, client_network
from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.models import Contact
from contacts.services.contacts import normalize_email
from relations.models import Relation

# Attempts per hour. An office behind one address has several people, and a busy organisation
# several colleagues asking in one hour: those limits are looser.
MEMBERSHIP_ATTEMPTS_PER_HOUR = 5
MEMBERSHIP_LIMITS = {
    "person": MEMBERSHIP_ATTEMPTS_PER_HOUR,
    "address": 20,
    "organisation": 10,  # the customer number as typed (normalised)
    "coc": 10,  # the KvK number as typed (normalised)
    "relation": 10,  # the organisation both matched
}
GROUP = "portal.add_organisation"
THROTTLED_SUMMARIES = {
    "person": gettext_noop(
        "Adding an organisation refused for %(name)s: too many attempts by this person (last: %(number)s)."
    ),
    "address": gettext_noop(
        "Adding an organisation refused for %(name)s: too many attempts from this address (last: %(number)s)."
    ),
    "organisation": gettext_noop(
        "Adding an organisation refused for %(name)s: too many attempts for customer number %(number)s."
    ),
    "coc": gettext_noop("Adding an organisation refused for %(name)s: too many attempts for KvK number %(coc)s."),
    "relation": gettext_noop("Adding an organisation refused for %(name)s: too many attempts for %(relation)s."),
}


class MembershipThrottled(ValidationError):
    """Refused: too many attempts. The message names no limit, so it tells a guesser nothing."""

    def __init__(self, *, scope: str):
        self.scope = scope
        super().__init__(_("Too many attempts. Try again later."), code="throttled")


def normalize_customer_number(value: str) -> str:
    """A customer number as the lookup matches it (trimmed, case ignored)."""
    return (value or "").strip().upper()


def normalize_coc_number(value: str) -> str:
    """A KvK number as the lookup matches it (trimmed)."""
    return (value or "").strip()


def _count(*, group: str, counted: dict[str, tuple[str, int]]) -> list[tuple[str, bool]]:
    """Count one attempt under each scope (scope: (key, limit per hour)). Returns the scopes whose
    limit is passed, each with whether this attempt is the first past it in its window.

    The key is given, never read from a request (so a service can count too): django-ratelimit
    passes the request only to a key function, and this one ignores it."""
    passed = []
    for scope, (value, limit) in counted.items():
        usage = get_usage(
            None,
            group=f"{group}.{scope}",
            key=lambda _group, _request, value=value: value,
            rate=f"{limit}/h",
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            passed.append((scope, usage["count"] == limit + 1))
    return passed


def _refuse_if_passed(
    passed: list[tuple[str, bool]], *, contact: Contact, actor, client_address: str | None, params: dict
) -> None:
    """Write the attempt that first passes a limit to the security log (later ones in the same
    window are not: an attacker must not be able to flood it), and refuse."""
    if not passed:
        return
    for scope, just_now in passed:
        if just_now:
            record_security_event(
                kind=SecurityEvent.Kind.MEMBERSHIP_THROTTLED,
                summary=THROTTLED_SUMMARIES[scope],
                summary_params={"name": contact.full_name, **params},
                actor=actor,
                ip_address=client_address,
                object_label=contact.full_name,
                object_url=reverse("contacts:detail", args=[contact.pk]),
            )
    raise MembershipThrottled(scope=passed[0][0])


def count_membership_attempt(
    *, contact: Contact, actor, client_address: str | None, customer_number: str, coc_number: str
) -> None:
    """Count one add-organisation attempt, before the lookup, per person, client address,
    customer number and KvK number; raise MembershipThrottled when a limit is passed. Every
    attempt counts, right or wrong, refused or not."""
    number, coc = normalize_customer_number(customer_number), normalize_coc_number(coc_number)
    passed = _count(
        group=GROUP,
        counted={
            "person": (str(contact.pk), MEMBERSHIP_LIMITS["person"]),
            "address": (address_network(client_address) or "unknown", MEMBERSHIP_LIMITS["address"]),
            "organisation": (number, MEMBERSHIP_LIMITS["organisation"]),
            "coc": (coc, MEMBERSHIP_LIMITS["coc"]),
        },
    )
    params = {"number": number[:20], "coc": coc[:20], "relation": ""}
    _refuse_if_passed(passed, contact=contact, actor=actor, client_address=client_address, params=params)


def count_matched_attempt(*, contact: Contact, actor, client_address: str | None, relation: Relation) -> None:
    """Count an attempt whose numbers matched `relation`, per that organisation, however its
    numbers were typed; raise MembershipThrottled when its limit is passed. The refusal tells
    nothing the requester did not know: the success message names the organisation too."""
    passed = _count(group=GROUP, counted={"relation": (str(relation.pk), MEMBERSHIP_LIMITS["relation"])})
    params = {"number": relation.customer_number, "coc": relation.coc_number, "relation": relation.name}
    _refuse_if_passed(passed, contact=contact, actor=actor, client_address=client_address, params=params)


# The access-link form mails whoever owns an address: limited per address asked for (so nobody's
# mailbox is flooded) and per client address (so nobody probes many addresses).
ACCESS_LINK_LIMITS = {"email": 3, "address": 10}
ACCESS_LINK_GROUP = "portal.access_link"


def access_link_allowed(request: HttpRequest, *, email: str) -> bool:
    """Count one access-link request; False once a limit is passed. The page answers the same
    either way, so a throttled request tells an attacker nothing it could use."""
    counted = {
        "email": (normalize_email(email), ACCESS_LINK_LIMITS["email"]),
        "address": (client_network(request) or "unknown", ACCESS_LINK_LIMITS["address"]),
    }
    return not _count(group=ACCESS_LINK_GROUP, counted=counted)


# A change of e-mail address mails a confirmation link to the new address: limited per address
# (nobody's mailbox is flooded) and per person asking.
EMAIL_CHANGE_LIMITS = {"email": 3, "person": 10}
EMAIL_CHANGE_GROUP = "portal.email_change"


def email_change_allowed(*, requester: Contact, email: str) -> bool:
    """Count one confirmation mail for a new address; False once a limit is passed (the page
    answers the same either way)."""
    counted = {
        "email": (normalize_email(email), EMAIL_CHANGE_LIMITS["email"]),
        "person": (str(requester.pk), EMAIL_CHANGE_LIMITS["person"]),
    }
    return not _count(group=EMAIL_CHANGE_GROUP, counted=counted)
