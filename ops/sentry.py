"""Errors to Sentry, only when settings.SENTRY_DSN is set (called from config/settings.py)."""

from __future__ import annotations


def init_sentry(*, dsn: str, environment: str, release: str | None, traces_sample_rate: float) -> None:
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release,
        # No user names, e-mail addresses, cookies or client addresses: the back office holds
        # personal data of the contractants' customers (AVG).
        send_default_pii=False,
        traces_sample_rate=traces_sample_rate,
        integrations=[DjangoIntegration(), CeleryIntegration()],
    )
