"""The supplier's staff side of the portal: the queue of organisation claims they decide.

Served by the portal app (it sits above staff) in the staff shell (staff/base.html)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from portal import services
from portal.access import get_claim_for_staff
from portal.forms import ClaimDecisionForm
from portal.selectors import pending_organisation_claims
from staff.access import staff_required
from staff.ui import error_text, paginate, query_without_page


@staff_required
def claim_queue(request):
    page = paginate(request, pending_organisation_claims())
    return render(request, "portal/staff/claims.html", {"page": page, "query_string": query_without_page(request)})


@staff_required
@require_POST
def claim_decide(request, pk):
    claim = get_claim_for_staff(request, pk)
    form = ClaimDecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or refuse."))
        return redirect("portal_staff:claims")
    approve = form.cleaned_data["decision"] == "approve"
    try:
        services.decide_organisation_claim(claim=claim, approve=approve, actor=request.user)
    except ValidationError as exc:
        messages.error(request, error_text(exc))
    else:
        params = {"name": claim.link.contact.full_name, "org": claim.link.relation.name}
        messages.success(
            request,
            (
                _("%(name)s is now the administrator of %(org)s, and gets an e-mail.")
                if approve
                else _("The request of %(name)s for %(org)s is refused; they get an e-mail.")
            )
            % params,
        )
    return redirect("portal_staff:claims")
