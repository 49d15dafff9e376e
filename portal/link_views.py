"""Pages opened from an e-mailed link, with or without a portal login: the link's signed token
was mailed to an address, so whoever holds it controls that address (an invitation to become
an organisation's contact, a new e-mail address to confirm). Access helper → form → service →
render, as everywhere; no other portal page is reachable without logging in."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from portal.access import get_email_change_for_token, get_invitation_for_token, portal_contact
from portal.email_change import confirm_email_change
from portal.forms import InvitationDecisionForm
from portal.invitations import AddressUnusable, accept_invitation, decline_invitation
from staff.ui import error_text


def invitation(request, token):
    """The e-mailed invitation link. It asks no login: whoever holds it controls the invited
    address (portal.invitations). GET shows who invites them to which organisation; POST (CSRF
    as on every form) accepts or declines."""
    try:
        invitation = get_invitation_for_token(token)
    except Http404:
        return render(request, "portal/invitation_invalid.html", status=404)
    form = InvitationDecisionForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        actor = request.user if request.user.is_authenticated else None
        params = {"name": invitation.relation.name}
        try:
            if form.cleaned_data["decision"] == "decline":
                decline_invitation(invitation=invitation, actor=actor)
                messages.success(request, _("You declined the invitation of %(name)s. Nothing changes.") % params)
                return redirect("portal:login")
            link = accept_invitation(invitation=invitation, actor=actor)
        except AddressUnusable as exc:
            return render(request, "portal/address_unusable.html", {"message": error_text(exc)}, status=409)
        except ValidationError:
            return render(request, "portal/invitation_invalid.html", status=404)
        contact = portal_contact(request.user)
        if contact is not None and contact.pk == link.contact_id:
            messages.success(request, _("You are now a contact of %(name)s.") % params)
            return redirect("portal:organisation", org=invitation.relation.code)
        messages.success(
            request,
            _(
                "You are now a contact of %(name)s. Log in to the customer portal, or ask for a link to set "
                "your password if you have none yet."
            )
            % params,
        )
        return redirect("portal:login")
    return render(
        request, "portal/invitation.html", {"invitation": invitation, "form": form}, status=400 if form.errors else 200
    )


def email_change(request, token):
    """The link mailed to a new address (portal.email_change): whoever holds it controls that
    address, so it asks no login. GET shows the change; POST confirms it."""
    try:
        change = get_email_change_for_token(token)
    except Http404:
        return render(request, "portal/email_change_invalid.html", status=404)
    if request.method == "POST":
        try:
            # Recorded as the change of the member who asked for it; the link only confirms it.
            confirm_email_change(change=change, actor=change.membership.contact.user)
        except AddressUnusable as exc:
            return render(request, "portal/address_unusable.html", {"message": error_text(exc)}, status=409)
        messages.success(
            request,
            _("The e-mail address of %(name)s is now %(email)s.")
            % {"name": change.contact.full_name, "email": change.email},
        )
        return redirect("portal:home" if portal_contact(request.user) else "portal:login")
    return render(request, "portal/email_change.html", {"change": change})
