"""Writes for two-factor login: set-up, recovery codes, disable, the policy, and the login's
second step. Devices are django-otp's: a TOTP device (an authenticator app) and one static device
holding the recovery codes; django-otp throttles wrong codes per device (exponential back-off).

The login's second step keeps the user who gave the right password in the session ("pending")
without logging them in; `login_complete` logs in once a code checks out.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth.models import User
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from audit.models import SecurityEvent
from audit.services import record_security_event
from mfa import selectors
from mfa.models import TwoFactorPolicy

RECOVERY_CODE_COUNT = 10
PENDING_KEY = "mfa_pending_login"
# How long the second step waits after the password, and how many wrong codes it takes.
PENDING_SECONDS = 10 * 60
PENDING_ATTEMPTS = 5

STAFF = "staff"
PORTAL = "portal"
FAILED_KINDS = {STAFF: SecurityEvent.Kind.STAFF_LOGIN_FAILED, PORTAL: SecurityEvent.Kind.PORTAL_LOGIN_FAILED}


def _new_recovery_codes(user) -> list[str]:
    device, _created = StaticDevice.objects.get_or_create(
        user=user, name=selectors.RECOVERY_NAME, defaults={"confirmed": True}
    )
    device.token_set.all().delete()
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def totp_setup_start(*, user) -> TOTPDevice:
    """A fresh, unconfirmed authenticator for the user (any earlier unconfirmed one goes)."""
    with transaction.atomic():
        if selectors.has_two_factor(user):
            raise ValidationError(_("Two-factor login is already on for this account."), code="already_on")
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        return TOTPDevice.objects.create(user=user, name=selectors.TOTP_NAME, confirmed=False)


def _check(device: Device, code: str) -> tuple[bool, str]:
    """(verified, refusal message). In its own transaction, so a wrong code's throttle count
    (django-otp's) is saved even though the caller then raises."""
    with transaction.atomic():
        allowed, _extra = device.verify_is_allowed()
        if not allowed:
            return False, _("Too many wrong codes. Wait a minute and try again.")
        if device.verify_token(code):
            return True, ""
    return False, _("That code is not right. Check the time on your phone and try the current code.")


def totp_setup_confirm(*, user, code: str) -> tuple[TOTPDevice, list[str]]:
    """Switch the authenticator being set up on, once it produced a right code. Returns it and
    the new recovery codes (shown once: only the page right after this shows them)."""
    device = selectors.pending_totp(user)
    if device is None:
        raise ValidationError(_("Start the set-up again: there is no authenticator waiting."), code="no_device")
    verified, refusal = _check(device, normalize_code(code))
    if not verified:
        raise ValidationError(refusal, code="invalid_code")
    with transaction.atomic():
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        TOTPDevice.objects.filter(user=user).exclude(pk=device.pk).delete()
        codes = _new_recovery_codes(user)
        record_security_event(
            kind=SecurityEvent.Kind.TWO_FACTOR_ENABLED,
            summary=gettext_noop("Two-factor login switched on with an authenticator app."),
            actor=user,
        )
        return device, codes


def recovery_codes_regenerate(*, user) -> list[str]:
    """New recovery codes; the old ones stop working."""
    with transaction.atomic():
        if not selectors.has_two_factor(user):
            raise ValidationError(_("Two-factor login is not on for this account."), code="not_on")
        record_security_event(
            kind=SecurityEvent.Kind.RECOVERY_CODES_RENEWED,
            summary=gettext_noop("New recovery codes made; the old ones no longer work."),
            actor=user,
        )
        return _new_recovery_codes(user)


def two_factor_disable(*, user, password: str) -> None:
    """Remove the authenticator and the recovery codes, after the account's password."""
    if not user.check_password(password or ""):
        raise ValidationError(_("The password is not right."), code="wrong_password")
    if user.is_staff and selectors.staff_two_factor_required():
        raise ValidationError(
            _("Your organisation requires two-factor login for staff: it cannot be switched off."),
            code="required",
        )
    with transaction.atomic():
        TOTPDevice.objects.filter(user=user).delete()
        StaticDevice.objects.filter(user=user).delete()
        record_security_event(
            kind=SecurityEvent.Kind.TWO_FACTOR_DISABLED,
            summary=gettext_noop("Two-factor login switched off."),
            actor=user,
        )


def policy_set(*, staff_required: bool, actor) -> TwoFactorPolicy:
    """Require (or stop requiring) two-factor login for all staff of this contractant. Only an
    administrator who uses it already may switch it on, so nobody locks the door from outside."""
    if staff_required and not selectors.has_two_factor(actor):
        raise ValidationError(
            _("Set up two-factor login for your own account first, then require it for everyone."),
            code="actor_without_two_factor",
        )
    with transaction.atomic():
        policy, _created = TwoFactorPolicy.objects.update_or_create(
            pk=TwoFactorPolicy.SINGLETON_PK, defaults={"staff_required": staff_required, "changed_by": actor}
        )
        record_security_event(
            kind=SecurityEvent.Kind.TWO_FACTOR_POLICY,
            summary=gettext_noop("Two-factor login required for all staff.")
            if staff_required
            else gettext_noop("Two-factor login no longer required for staff."),
            actor=actor,
        )
        return policy


# --- The login's second step -----------------------------------------------------------------


def normalize_code(code: str | None) -> str:
    """What people type around a code: spaces, dashes, capitals."""
    return "".join(ch for ch in (code or "") if ch not in " -\t").lower()


@dataclass(frozen=True)
class PendingLogin:
    user: User
    backend: str
    next_url: str


def login_step(user, *, surface: str) -> str | None:
    """After the right password: "code" (the user has an authenticator), "setup" (staff of a
    contractant that requires one, without one yet), or None (log in now)."""
    if selectors.has_two_factor(user):
        return "code"
    if surface == STAFF and selectors.staff_two_factor_required():
        return "setup"
    return None


def login_pending_begin(request, *, user, next_url: str = "") -> None:
    """Remember who gave the right password; nobody is logged in yet."""
    request.session.cycle_key()
    request.session[PENDING_KEY] = {
        "user": user.pk,
        "backend": getattr(user, "backend", "") or "django.contrib.auth.backends.ModelBackend",
        "next": next_url,
        "until": time.time() + PENDING_SECONDS,
        "attempts": 0,
    }


def login_pending(request) -> PendingLogin | None:
    """The password step's user, while the second step may still be taken."""
    data = request.session.get(PENDING_KEY)
    if not isinstance(data, dict) or data.get("until", 0) < time.time():
        return None
    user_id = data.get("user")
    if not isinstance(user_id, int):
        return None
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None:
        return None
    return PendingLogin(user=user, backend=data["backend"], next_url=data.get("next", ""))


def login_pending_cancel(request) -> None:
    request.session.pop(PENDING_KEY, None)


def _refused(request, *, pending: PendingLogin, surface: str, message: str) -> ValidationError:
    data = request.session.get(PENDING_KEY) or {}
    data["attempts"] = data.get("attempts", 0) + 1
    request.session[PENDING_KEY] = data
    record_security_event(
        kind=FAILED_KINDS[surface],
        summary=gettext_noop("Two-factor code refused."),
        actor_label=pending.user.get_username(),
    )
    if data["attempts"] >= PENDING_ATTEMPTS:
        login_pending_cancel(request)
        return ValidationError(_("Too many wrong codes. Log in with your password again."), code="restart")
    return ValidationError(message, code="invalid_code")


def login_verify_code(request, *, pending: PendingLogin, code: str, surface: str) -> Device:
    """The device a code from the authenticator (six digits) or a recovery code belongs to.
    A wrong code is recorded in the security log; after a few the password step starts over."""
    code = normalize_code(code)
    if code.isdigit():
        device: Device | None = selectors.confirmed_totp(pending.user)
    else:
        device = selectors.recovery_device(pending.user)
    if device is None or not code:
        raise _refused(request, pending=pending, surface=surface, message=_("That code is not right."))
    verified, refusal = _check(device, code)
    if not verified:
        raise _refused(request, pending=pending, surface=surface, message=refusal)
    return device


def login_complete(request, *, pending: PendingLogin, device: Device) -> None:
    """Log in, with the device that verified it; the security log records a login with 2FA."""
    user = pending.user
    # django-otp keeps this device in the session when Django logs the user in (its
    # user_logged_in receiver); audit.services.record_login reads it for the log entry.
    user.otp_device = device  # type: ignore[attr-defined]
    login_pending_cancel(request)
    auth_login(request, user, backend=pending.backend)


def setup_confirm_and_login(request, *, pending: PendingLogin, code: str) -> list[str]:
    """The forced set-up of the login flow: confirm the new authenticator and log in with it."""
    try:
        device, codes = totp_setup_confirm(user=pending.user, code=code)
    except ValidationError as exc:
        if exc.code == "invalid_code":
            raise _refused(request, pending=pending, surface=STAFF, message=exc.messages[0]) from None
        raise
    login_complete(request, pending=pending, device=device)
    return codes
