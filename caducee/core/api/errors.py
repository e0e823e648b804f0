"""One error format for the whole API.

Every error answers ``{"error": {"status", "code", "message", "fields"}}``;
``fields`` maps a field name to its messages (400 on bad input). Domain
errors and model validation errors map to 400/403/409, never 500.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_handler

from caducee.core.services.errors import DomainError


def _flatten(detail) -> list[str]:
    if isinstance(detail, list):
        out: list[str] = []
        for item in detail:
            out.extend(_flatten(item))
        return out
    if isinstance(detail, dict):
        out = []
        for value in detail.values():
            out.extend(_flatten(value))
        return out
    return [str(detail)]


def _fields(detail) -> dict:
    if isinstance(detail, dict):
        result = {}
        for key, value in detail.items():
            if key in ("non_field_errors", "__all__"):
                result["non_field_errors"] = _flatten(value)
            elif isinstance(value, dict):
                result[key] = _fields(value)
            else:
                result[key] = _flatten(value)
        return result
    return {"non_field_errors": _flatten(detail)}


def error_body(status_code: int, code: str, message: str, fields: dict | None = None) -> dict:
    return {
        "error": {"status": status_code, "code": code, "message": message, "fields": fields or {}}
    }


def exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail)
    if isinstance(exc, DomainError):
        fields = {exc.field: [exc.message]} if exc.field else {}
        return Response(
            error_body(exc.status_code, exc.code, exc.message, fields), status=exc.status_code
        )
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    response = drf_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        response.data = error_body(
            status.HTTP_400_BAD_REQUEST,
            "invalid",
            _("The request contains invalid data."),
            _fields(exc.detail),
        )
        return response
    detail = getattr(exc, "detail", "")
    code = getattr(detail, "code", None) or getattr(exc, "default_code", "error")
    response.data = error_body(response.status_code, str(code), " ".join(_flatten(detail)))
    return response
