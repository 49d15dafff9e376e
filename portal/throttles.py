"""The one rule for how often the add-organisation form may be tried (django-ratelimit).

Customer numbers are sequential and KvK numbers public, so a limit per person alone is walked
around by making more people (any portal administrator can add contacts), and a limit per
address by using more addresses. Every attempt therefore counts three times: for the person,
for the client address and for the organisation it names; the first limit passed refuses it.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_ratelimit.core import get_usage

from audit.client_ip import client_ip
from audit.models import SecurityEvent
from audit.services import record_security_event
from contacts.models import Contact

# (what is counted, attempts per hour). An office behind one address has several people, and a
# busy organisation several colleagues asking in one hour: those limits are looser.
MEMBERSHIP_ATTEMPTS_PER_HOUR = 5
MEMBERSHIP_LIMITS = {
    "person": MEMBERSHIP_ATTEMPTS_PER_HOUR,
    "address": 20,
    "organisation": 10,
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
}


class MembershipThrottled(ValidationError):
    """Refused: too many attempts. The message names no limit, so it tells a guesser nothing."""

    def __init__(self, *, scope: str):
        self.scope = scope
        super().__init__(_("Too many attempts. Try again later."), code="throttled")


def normalize_customer_number(value: str) -> str:
    """A customer number as the lookup matches it (trimmed, case ignored)."""
    return (value or "").strip().upper()


def count_membership_attempt(request: HttpRequest, *, contact: Contact, customer_number: str) -> None:
    """Count one add-organisation attempt against each limit; raise MembershipThrottled when one
    is passed. Every attempt counts, right or wrong, refused or not. The attempt that first
    passes a limit is written to the security log (later ones in the same hour are not: an
    attacker must not be able to flood it)."""
    address = client_ip(request)
    number = normalize_customer_number(customer_number)
    values = {"person": str(contact.pk), "address": address or "unknown", "organisation": number}
    passed = []
    for scope, limit in MEMBERSHIP_LIMITS.items():
        usage = get_usage(
            request,
            group=f"{GROUP}.{scope}",
            key=lambda _group, _request, value=values[scope]: value,
            rate=f"{limit}/h",
            increment=True,
        )
        if usage is not None and usage["should_limit"]:
            passed.append((scope, usage["count"] == limit + 1))
    if not passed:
        return
    for scope, just_now in passed:
        if just_now:
            record_security_event(
                kind=SecurityEvent.Kind.MEMBERSHIP_THROTTLED,
                summary=THROTTLED_SUMMARIES[scope],
                summary_params={"name": contact.full_name, "number": number[:20]},
                actor=request.user,
                ip_address=address,
                object_label=contact.full_name,
                object_url=reverse("contacts:detail", args=[contact.pk]),
            )
    raise MembershipThrottled(scope=passed[0][0])


# The access-link form mails whoever owns an address: limited per address asked for (so nobody's
# mailbox is flooded) and per client address (so nobody probes many addresses).
ACCESS_LINK_LIMITS = {"email": 3, "address": 10}
ACCESS_LINK_GROUP = "portal.access_link"


def access_link_allowed(request: HttpRequest, *, email: str) -> bool:
    """Count one access-link request; False once a limit is passed. The page answers the same
    either way, so a throttled request tells an attacker nothing it could use."""
    values = {"email": email.strip().lower(), "address": client_ip(request) or "unknown"}
    allowed = True
    for scope, limit in ACCESS_LINK_LIMITS.items():
        usage = get_usage(
            request,
            group=f"{ACCESS_LINK_GROUP}.{scope}",
            key=lambda _group, _request, value=values[scope]: value,
            rate=f"{limit}/h",
            increment=True,
        )
        allowed = allowed and not (usage is not None and usage["should_limit"])
    return allowed
