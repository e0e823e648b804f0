"""Request-wide context: the request id, the acting user for the audit
trail, and request counters for /metrics."""

from __future__ import annotations

import re
import time

from caducee.core import context
from caducee.core.clientip import client_ip
from caducee.core.metrics import observe_request

_SAFE_REQUEST_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")


class RequestIdMiddleware:
    """Take X-Request-ID from the proxy when it is sane, else make one; echo it back."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _SAFE_REQUEST_ID.match(incoming) else context.new_request_id()
        request.request_id = request_id
        with context.change_context(
            request_id=request_id,
            client_ip=client_ip(request),
            source="api" if request.path.startswith("/api/") else "web",
            actor=None,
            actor_label="",
        ):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class AuditContextMiddleware:
    """Make the signed-in user the actor of whatever the request changes."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            with context.acting_as(user):
                return self.get_response(request)
        return self.get_response(request)


class MetricsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        start = time.perf_counter()
        response = self.get_response(request)
        match = getattr(request, "resolver_match", None)
        route = match.view_name if match and match.view_name else "unmatched"
        observe_request(request.method, route, response.status_code, time.perf_counter() - start)
        return response


class LanguageMiddleware:
    """French first: the language chosen with the switch (cookie), else the
    account's language, else French — never the browser's Accept-Language,
    which on shared ward computers says nothing about the person using it."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        from django.conf import settings
        from django.utils import translation

        supported = {code for code, _name in settings.LANGUAGES}
        chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if chosen not in supported:
            user = getattr(request, "user", None)
            chosen = getattr(user, "language", None) if user and user.is_authenticated else None
        if chosen not in supported:
            chosen = settings.LANGUAGE_CODE
        translation.activate(chosen)
        request.LANGUAGE_CODE = chosen
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", chosen)
        return response
