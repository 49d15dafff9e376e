"""Reads about a user's second factor and the contractant's policy (django-otp devices)."""

from __future__ import annotations

import segno
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from mfa.models import TwoFactorPolicy

# The names the devices get; the recovery codes are one static device per user.
TOTP_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def staff_two_factor_required() -> bool:
    return TwoFactorPolicy.objects.filter(pk=TwoFactorPolicy.SINGLETON_PK, staff_required=True).exists()


def confirmed_totp(user) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def pending_totp(user) -> TOTPDevice | None:
    """The authenticator being set up: created, not yet confirmed with a code."""
    return TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()


def has_two_factor(user) -> bool:
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def recovery_device(user) -> StaticDevice | None:
    return StaticDevice.objects.filter(user=user, name=RECOVERY_NAME).first()


def recovery_codes_left(user) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device else 0


def secret_text(device: TOTPDevice) -> str:
    """The key as an authenticator app asks for it when typed in: base32, in groups of four."""
    from base64 import b32encode

    text = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_data_uri(device: TOTPDevice) -> str:
    """The otpauth:// URL as a QR code, an SVG data URI for an <img> (segno draws it)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)
