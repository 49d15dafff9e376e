"""The account pages of two-factor login, the same for staff and portal users. The URL confs of
staff/ and portal/ route to these with their own access decorator and `surface`."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from mfa import selectors, services
from mfa.forms import DisableForm, LoginCodeForm, PolicyForm, SetupCodeForm


@dataclass(frozen=True)
class Surface:
    name: str
    base_template: str

    def url(self, name: str) -> str:
        return reverse(f"{self.name}:{name}")


SURFACES = {
    services.STAFF: Surface(services.STAFF, "staff/base.html"),
    services.PORTAL: Surface(services.PORTAL, "portal/base.html"),
}


def _urls(surface: Surface) -> dict[str, str]:
    return {
        name: surface.url(f"two_factor{suffix}")
        for name, suffix in [
            ("manage", ""),
            ("start", "_start"),
            ("confirm", "_confirm"),
            ("recovery", "_recovery"),
            ("disable", "_disable"),
        ]
    }


def _manage_page(request, surface: Surface, *, setup_form=None, disable_form=None, status=200):
    user = request.user
    device = selectors.confirmed_totp(user)
    pending = None if device else selectors.pending_totp(user)
    context = {
        "base_template": surface.base_template,
        "surface": surface.name,
        "urls": _urls(surface),
        "device": device,
        "pending": pending,
        "codes_left": selectors.recovery_codes_left(user) if device else 0,
        "required": user.is_staff and selectors.staff_two_factor_required(),
        "setup_form": setup_form or SetupCodeForm(),
        "disable_form": disable_form or DisableForm(),
    }
    if pending is not None:
        context["qr"] = selectors.qr_data_uri(pending)
        context["secret"] = selectors.secret_text(pending)
    return render(request, "mfa/manage.html", context, status=status)


def manage(request, *, surface: str):
    return _manage_page(request, SURFACES[surface])


@require_POST
def start(request, *, surface: str):
    try:
        services.totp_setup_start(user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
    return redirect(SURFACES[surface].url("two_factor"))


def _codes_page(request, surface: Surface, codes: list[str], *, continue_url: str):
    return render(
        request,
        "mfa/recovery_codes.html",
        {"base_template": surface.base_template, "codes": codes, "continue_url": continue_url},
    )


@require_POST
def confirm(request, *, surface: str):
    chosen = SURFACES[surface]
    form = SetupCodeForm(request.POST)
    if form.is_valid():
        try:
            _device, codes = services.totp_setup_confirm(user=request.user, code=form.cleaned_data["code"])
        except ValidationError as exc:
            form.add_error("code", exc)
        else:
            messages.success(request, _("Two-factor login is on."))
            return _codes_page(request, chosen, codes, continue_url=chosen.url("two_factor"))
    return _manage_page(request, chosen, setup_form=form, status=400)


@require_POST
def recovery(request, *, surface: str):
    chosen = SURFACES[surface]
    try:
        codes = services.recovery_codes_regenerate(user=request.user)
    except ValidationError as exc:
        messages.error(request, exc.messages[0])
        return redirect(chosen.url("two_factor"))
    return _codes_page(request, chosen, codes, continue_url=chosen.url("two_factor"))


@require_POST
def disable(request, *, surface: str):
    chosen = SURFACES[surface]
    form = DisableForm(request.POST)
    if form.is_valid():
        try:
            services.two_factor_disable(user=request.user, password=form.cleaned_data["password"])
        except ValidationError as exc:
            form.add_error("password" if exc.code == "wrong_password" else None, exc)
        else:
            messages.success(request, _("Two-factor login is off."))
            return redirect(chosen.url("two_factor"))
    return _manage_page(request, chosen, disable_form=form, status=400)


def policy(request):
    """Staff administrators: require two-factor login for all staff of this contractant."""
    form = PolicyForm(request.POST or None, initial={"staff_required": selectors.staff_two_factor_required()})
    if request.method == "POST" and form.is_valid():
        try:
            services.policy_set(staff_required=form.cleaned_data["staff_required"], actor=request.user)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("Two-factor policy saved."))
            return redirect("staff:two_factor_policy")
    return render(request, "mfa/policy.html", {"form": form}, status=400 if form.errors else 200)


def login_code_page(request, *, pending, surface: str, login_url_name: str, done_url: str, template: str):
    """The login's second step, staff and portal alike: a code from the authenticator app or a
    recovery code completes the login; a code refused too often sends the user back to the
    password (`login_url_name`)."""
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = services.login_verify_code(
                request, pending=pending, code=form.cleaned_data["code"], surface=surface
            )
        except ValidationError as exc:
            if exc.code == "restart":
                messages.error(request, exc.messages[0])
                return redirect(login_url_name)
            form.add_error("code", exc)
        else:
            services.login_complete(request, pending=pending, device=device)
            return redirect(done_url)
    context = {"form": form, "username": pending.user.get_username(), "login_url": reverse(login_url_name)}
    return render(request, template, context, status=400 if form.errors else 200)
