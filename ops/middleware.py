"""The request id: taken from a well-formed incoming X-Request-ID (a proxy or load balancer in
front sets one), otherwise made here; on every log line of the request and echoed back."""

from __future__ import annotations

import re
import uuid

import sentry_sdk

from ops.log_context import request_id_var

HEADER = "X-Request-ID"
# Letters, digits and - _ . : (what nginx's $request_id, UUIDs and most proxies produce), up to
# 128 characters: anything else (spaces, control characters, log-injection attempts) is replaced.
WELL_FORMED = re.compile(r"[A-Za-z0-9][A-Za-z0-9._:-]{0,127}")


def request_id_for(incoming: str | None) -> str:
    if incoming and WELL_FORMED.fullmatch(incoming):
        return incoming
    return uuid.uuid4().hex


class RequestIdMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = request_id_for(request.headers.get(HEADER))
        # Not reset when the response leaves this middleware: Django logs 4xx/5xx answers
        # ("Not Found: ...") after the middleware chain returns, and those lines need the id too.
        # The next request on this thread sets it again.
        request_id_var.set(request_id)
        request.request_id = request_id
        sentry_sdk.set_tag("request_id", request_id)
        response = self.get_response(request)
        response[HEADER] = request_id
        return response
