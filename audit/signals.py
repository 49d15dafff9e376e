"""Login events into the security log. Receivers only hand over to audit.services."""

from __future__ import annotations

from axes.signals import user_locked_out
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.dispatch import receiver

from audit import services


@receiver(user_logged_in, dispatch_uid="audit_user_logged_in")
def on_user_logged_in(sender, request, user, **kwargs):
    services.record_login(request=request, user=user)


@receiver(user_login_failed, dispatch_uid="audit_user_login_failed")
def on_user_login_failed(sender, credentials, request=None, **kwargs):
    username = credentials.get(get_user_model().USERNAME_FIELD) or credentials.get("username")
    services.record_login_failed(request=request, username=username)


@receiver(user_locked_out, dispatch_uid="audit_user_locked_out")
def on_user_locked_out(sender, request=None, username=None, ip_address=None, **kwargs):
    services.record_lockout(request=request, username=username, ip_address=ip_address)
