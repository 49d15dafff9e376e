"""The customer self-service portal: access helper → form → service → render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import authenticate, login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from audit.client_ip import client_ip
from audit.services import record_login_failed
from audit.updates import StaleVersionError
from contacts.models import AttributeDefinition
from contacts.services.contacts import normalize_email
from mfa import services as mfa_services
from mfa import views as mfa_views
from portal import services, throttles
from portal.access import (
    approved_memberships,
    get_member_link_for_portal_user,
    get_membership_for_portal_user,
    get_org_contact_for_portal_user,
    get_task_for_portal_user,
    may_edit_org_contact,
    may_notify_about_all_tickets,
    org_contacts_for_portal_user,
    portal_contact,
    portal_required,
    require_admin,
    require_support_access,
    visible_tasks,
)
from portal.forms import (
    AccessRequestForm,
    AddressForm,
    ContactInviteForm,
    DecisionForm,
    MemberAccessForm,
    MemberRemoveForm,
    MembershipRequestForm,
    NotificationForm,
    OrganisationContactForm,
    PortalCommentForm,
    PortalLoginForm,
    PortalTaskForm,
    TaskFilterForm,
)
from portal.invitations import invitation_token
from portal.selectors import (
    open_invitations,
    open_invitations_for,
    organisation_members,
    organisation_work,
    pending_requests_of,
)
from staff.forms import show_stale_version
from staff.ui import error_text, paginate, previous_visit, query_without_page, safe_next_url
from tasks.conversation import post_customer_reply
from tasks.models import TaskMessage
from tasks.services import task_create
from tasks.timeline import task_timeline


def _render(request, template, context, membership=None, status=200):
    context = {
        "membership": membership,
        "org": membership.relation if membership else None,
        "memberships": approved_memberships(request),
        # The navigation's count on "Members", for the organisation's administrators.
        "requests_waiting": (membership.requests_waiting or 0) if membership and membership.is_admin else 0,
        **context,
    }
    if request.htmx and status == 400:
        # htmx swaps only 2xx answers (and its debug handler replaces the whole page with a 400's
        # body): an invalid form posted through htmx answers 200 with the form and its errors.
        status = 200
    return render(request, template, context, status=status)


def portal_login(request):
    form = PortalLoginForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid():
        user = authenticate(
            request, username=form.cleaned_data["username"].strip().lower(), password=form.cleaned_data["password"]
        )
        if user is not None and portal_contact(user) is None:
            # A right password for an account without portal access sends no login-failed signal.
            record_login_failed(request=request, username=form.cleaned_data["username"])
        elif user is not None:
            next_url = safe_next_url(request, request.POST.get("next"), under="/portal/")
            if mfa_services.login_step(user, surface=mfa_services.PORTAL) == "code":
                mfa_services.login_pending_begin(request, user=user, next_url=next_url)
                return redirect("portal:login_code")
            login(request, user)
            if next_url:
                return redirect(next_url)
            return redirect("portal:home")
        error = _("E-mail address or password is incorrect, or this account has no portal access.")
    return render(request, "portal/login.html", {"form": form, "error": error, "next": request.GET.get("next", "")})


def portal_login_code(request):
    """The login's second step for a portal user who switched two-factor login on."""
    pending = mfa_services.login_pending(request)
    if pending is None or portal_contact(pending.user) is None:
        messages.info(request, _("Log in with your password first."))
        return redirect("portal:login")
    return mfa_views.login_code_page(
        request,
        pending=pending,
        surface=mfa_services.PORTAL,
        login_url_name="portal:login",
        done_url=pending.next_url or reverse("portal:home"),
        template="mfa/portal_login_code.html",
    )


@require_POST
def portal_logout(request):
    logout(request)
    return redirect("portal:login")


def access_request(request):
    """First access or a forgotten password: an e-mailed one-time link."""
    form = AccessRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if throttles.access_link_allowed(request, email=form.cleaned_data["email"]):
            services.request_access_link(email=form.cleaned_data["email"])
        messages.success(
            request,
            _("If this address belongs to a portal user, we have sent a link to set a password. It works once."),
        )
        return redirect("portal:login")
    return render(request, "portal/access_request.html", {"form": form})


class AccessConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "portal/access_confirm.html"
    success_url = reverse_lazy("portal:login")
    post_reset_login = False

    def form_valid(self, form):
        messages.success(self.request, _("Your password is set. You can log in now."))
        return super().form_valid(form)


@portal_required
def home(request):
    approved = approved_memberships(request)
    if not approved:
        return redirect("portal:add_organisation")
    return redirect("portal:organisation", org=approved[0].relation.code)


@portal_required
def switch_organisation(request):
    """The header's organisation switcher (works without JavaScript too)."""
    membership = get_membership_for_portal_user(request, request.GET.get("org", ""))
    return redirect("portal:organisation", org=membership.relation.code)


@portal_required
def organisation(request, org):
    membership = get_membership_for_portal_user(request, org)
    # A posted form changes its instance while validating: give it a copy of its own, so the
    # page around it keeps showing the saved organisation. Reading needs no second fetch.
    relation = membership.relation
    if request.method == "POST":
        relation = type(relation).objects.get(pk=relation.pk)
    form = AddressForm(request.POST or None, instance=relation)
    status = 200
    if request.method == "POST":
        require_admin(membership)
        if form.is_valid():
            try:
                services.update_organisation_address(
                    membership=membership,
                    data=form.cleaned_data,
                    actor=request.user,
                    version=form.cleaned_data["version"],
                )
            except StaleVersionError as exc:
                status = show_stale_version(form, exc)
            except ValidationError as exc:
                form.add_error(None, error_text(exc))
            else:
                messages.success(request, _("The postal address is saved."))
                if not request.htmx:
                    return redirect("portal:organisation", org=org)
                # htmx swaps only the address card: it shows the message and the saved values.
                form = AddressForm(instance=type(membership.relation).objects.get(pk=membership.relation_id))
    template = "portal/organisation.html#address" if request.htmx else "portal/organisation.html"
    if form.errors and status == 200:
        status = 400
    context = {"form": form}
    if not request.htmx:
        # "Answers since your last visit": the previous visit of this page in this session.
        context["work"] = organisation_work(membership, since=previous_visit(request, PORTAL_SEEN_KEY))
    return _render(request, template, context, membership, status=status)


# When this person last saw an organisation's start page, in this session.
PORTAL_SEEN_KEY = "portal_worklist_seen_at"


@portal_required
def contacts(request, org):
    membership = get_membership_for_portal_user(request, org)
    # An organisation can have hundreds of contacts: a page at a time, by name (contact_list_order).
    people = org_contacts_for_portal_user(membership).order_by("last_name", "first_name", "pk")
    invited = open_invitations(membership.relation) if membership.is_admin else []
    context = {"page": paginate(request, people), "invited": invited, "query_string": query_without_page(request)}
    return _render(request, "portal/contacts.html", context, membership)


@portal_required
def contact_add(request, org):
    membership = get_membership_for_portal_user(request, org)
    require_admin(membership)
    form = ContactInviteForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.add_organisation_contact(membership=membership, data=data, actor=request.user)
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            # One answer and one list entry, whoever the address belongs to (someone new, a known
            # person, someone out of service, a login name): it is invited.
            messages.success(
                request,
                _(
                    "%(email)s is invited: an e-mail with a link to accept is on its way. Until it is "
                    "accepted, the address is listed as invited."
                )
                % {"email": data["email"].strip()},
            )
            return redirect("portal:contacts", org=org)
    return _render(request, "portal/contact_add.html", {"form": form}, membership, status=400 if form.errors else 200)


def _attribute_rows(contact):
    values = {value.definition_id: value.value for value in contact.attribute_values.all()}
    return [
        {"definition": definition, "value": values.get(definition.pk, "")}
        for definition in AttributeDefinition.objects.filter(visible_in_portal=True).order_by("position", "name")
    ]


@portal_required
def contact_detail(request, org, contact):
    membership = get_membership_for_portal_user(request, org)
    person = get_org_contact_for_portal_user(request, membership, contact)
    section = request.POST.get("section") if request.method == "POST" else None
    details = OrganisationContactForm(
        request.POST if section == "details" else None,
        initial={
            "first_name": person.first_name,
            # One field here for "de Vries"; contacts.services.contacts splits the prefix off again.
            "last_name": " ".join(filter(None, [person.infix, person.last_name])),
            "email": person.email,
            "phone": person.phone,
            "version": person.version,
        },
    )
    notify = NotificationForm(
        request.POST if section == "notify" else None,
        initial={"notify_scope": person.notify_scope, "notify_trigger": person.notify_trigger},
        may_notify_about_all=may_notify_about_all_tickets(membership, person),
    )
    attribute_error, status, saved = None, 200, _("Saved.")
    if request.method == "POST":
        try:
            if section == "details" and details.is_valid():
                data = {**details.cleaned_data, "phone": details.cleaned_data["phone"] or ""}
                if normalize_email(data["email"]) != person.username:
                    # The same words whether the address is free or taken (portal.email_change).
                    saved = _(
                        "Saved. The e-mail address changes once it is confirmed: we have sent a link to %(email)s."
                    ) % {"email": data["email"].strip()}
                services.update_organisation_contact(
                    membership=membership, contact=person, data=data, actor=request.user, version=data["version"]
                )
            elif section == "notify" and notify.is_valid():
                services.set_notification_preference(
                    membership=membership,
                    contact=person,
                    scope=notify.cleaned_data["notify_scope"],
                    trigger=notify.cleaned_data["notify_trigger"],
                    actor=request.user,
                )
            elif section == "attributes":
                posted = {
                    key.removeprefix("attr_"): value for key, value in request.POST.items() if key.startswith("attr_")
                }
                # The service refuses hidden and read-only attributes, whatever the form showed.
                if not all(key.isdecimal() and key.isascii() for key in posted):
                    raise ValidationError(_("Unknown attribute."))
                services.set_organisation_contact_attributes(
                    membership=membership,
                    contact=person,
                    values={int(k): v for k, v in posted.items()},
                    actor=request.user,
                )
            else:
                raise ValidationError(_("Check the fields marked below."))
        except StaleVersionError as exc:
            status = show_stale_version(details, exc)
        except ValidationError as exc:
            if section == "attributes":
                attribute_error = error_text(exc)
            elif section == "notify":
                notify.add_error(None, error_text(exc))
            else:
                details.add_error(None, error_text(exc))
        else:
            messages.success(request, saved)
            return redirect("portal:contact", org=org, contact=person.code)
    if status == 200 and (details.errors or notify.errors or attribute_error):
        status = 400
    return _render(
        request,
        "portal/contact_detail.html",
        {
            "person": person,
            "editable": may_edit_org_contact(membership, person),
            "details": details,
            "notify": notify,
            "attributes": _attribute_rows(person),
            "attribute_error": attribute_error,
        },
        membership,
        status=status,
    )


@portal_required
def add_organisation(request):
    form = MembershipRequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            link = services.request_membership(
                contact=request.contact,
                customer_number=form.cleaned_data["customer_number"],
                coc_number=form.cleaned_data["coc_number"],
                actor=request.user,
                client_address=client_ip(request),
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            # The same words whether its administrators or the supplier's staff decide.
            messages.success(
                request,
                _("Your request to join %(name)s is sent. You get an e-mail once it is decided.")
                % {"name": link.relation.name},
            )
            return redirect("portal:requests")
    return render(
        request,
        "portal/add_organisation.html",
        {"form": form, "memberships": approved_memberships(request), "membership": None},
        status=400 if form.errors else 200,
    )


@portal_required
def my_requests(request):
    """The user's membership requests, and the invitations waiting for them (the same page the
    e-mailed link opens, for whoever lost the e-mail)."""
    invitations = [
        {"invitation": invitation, "url": reverse("portal:invitation", kwargs={"token": invitation_token(invitation)})}
        for invitation in open_invitations_for(request.contact)
    ]
    return render(
        request,
        "portal/requests.html",
        {
            "requests": pending_requests_of(request.contact),
            "invitations": invitations,
            "memberships": approved_memberships(request),
        },
    )


@portal_required
def members(request, org):
    membership = get_membership_for_portal_user(request, org)
    require_admin(membership)
    context = {
        "page": paginate(request, organisation_members(membership.relation)),
        "query_string": query_without_page(request),
    }
    return _render(request, "portal/members.html", context, membership)


@portal_required
@require_POST
def member_decide(request, org, link_id):
    membership = get_membership_for_portal_user(request, org)
    link = get_member_link_for_portal_user(membership, link_id)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose approve or reject, and the support access."))
    else:
        try:
            services.decide_membership(
                link=link,
                approve=form.cleaned_data["decision"] == "approve",
                support_access=form.cleaned_data["support_access"],
                decided_by=request.contact,
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Decision saved; %(name)s gets an e-mail.") % {"name": link.contact.full_name})
    return redirect("portal:members", org=org)


@portal_required
@require_POST
def member_access(request, org, link_id):
    membership = get_membership_for_portal_user(request, org)
    link = get_member_link_for_portal_user(membership, link_id)
    form = MemberAccessForm(request.POST)
    if form.is_valid():
        try:
            services.set_member_access(
                link=link,
                support_access=form.cleaned_data["support_access"],
                is_admin=form.cleaned_data["is_admin"],
                actor=request.user,
            )
        except ValidationError as exc:
            messages.error(request, error_text(exc))
        else:
            messages.success(request, _("Access of %(name)s saved.") % {"name": link.contact.full_name})
    else:
        messages.error(request, _("Choose a valid support access."))
    return redirect("portal:members", org=org)


@portal_required
def member_remove(request, org, link_id):
    """Remove a member: the members page's button (or a GET) shows what it means and asks to
    confirm; the confirmation's post removes them."""
    membership = get_membership_for_portal_user(request, org)
    link = get_member_link_for_portal_user(membership, link_id)
    form = MemberRemoveForm(request.POST or None)
    error = None
    if request.method == "POST" and form.is_valid() and form.cleaned_data["confirm"]:
        try:
            services.remove_member(membership=membership, link=link, actor=request.user)
        except ValidationError as exc:
            error = error_text(exc)
        else:
            messages.success(
                request,
                _("%(name)s is no longer a member of %(org)s and gets an e-mail about it.")
                % {"name": link.contact.full_name, "org": membership.relation.name},
            )
            return redirect("portal:members", org=org)
    context = {"link": link, "error": error}
    return _render(request, "portal/member_remove.html", context, membership, status=400 if error else 200)


@portal_required
def task_list(request, org):
    membership = get_membership_for_portal_user(request, org)
    require_support_access(membership)
    form = TaskFilterForm(request.GET or None)
    tasks = visible_tasks(membership).select_related("reporter").order_by("-created_at")
    if form.is_valid():
        if form.cleaned_data["q"]:
            tasks = tasks.filter(Q(subject__icontains=form.cleaned_data["q"]))
        if form.cleaned_data["status"]:
            tasks = tasks.filter(status=form.cleaned_data["status"])
    page = paginate(request, tasks.distinct())
    return _render(
        request,
        "portal/tasks.html",
        {"page": page, "form": form, "query_string": query_without_page(request)},
        membership,
    )


@portal_required
def task_new(request, org):
    membership = get_membership_for_portal_user(request, org)
    require_support_access(membership)
    form = PortalTaskForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        task = task_create(
            actor=request.user,
            subject=form.cleaned_data["subject"],
            description=form.cleaned_data["description"],
            reporter=request.contact,
            relations=[membership.relation],
        )
        messages.success(request, _("Your ticket is registered as #%(number)s.") % {"number": task.pk})
        return redirect("portal:task", org=org, task=task.code)
    return _render(request, "portal/task_new.html", {"form": form}, membership)


@portal_required
def task_detail(request, org, task):
    membership = get_membership_for_portal_user(request, org)
    require_support_access(membership)
    task = get_task_for_portal_user(request, membership, task)
    form = PortalCommentForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            message = post_customer_reply(
                task=task,
                body=form.cleaned_data["body"],
                files=form.cleaned_data["files"],
                contact=request.contact,
                channel=TaskMessage.Channel.PORTAL,
                actor=request.user,
            )
        except ValidationError as exc:
            form.add_error(None, error_text(exc))
        else:
            if message.task_id != task.pk:
                messages.success(
                    request,
                    _("This ticket was closed some time ago, so your reply opened a new ticket, #%(number)s.")
                    % {"number": message.task_id},
                )
            else:
                messages.success(request, _("Your reply is added. We will get back to you."))
            return redirect("portal:task", org=org, task=message.task.code)
    return _render(
        request,
        "portal/task_detail.html",
        {"task": task, "form": form, "timeline": task_timeline(task, for_customer=True)},
        membership,
    )
