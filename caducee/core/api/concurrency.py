"""Optimistic concurrency over HTTP: a record's ``version`` as its ETag.

Rule (issue "Service desk core" point 7; RFC 9110 §8.8.3 and §13.1): two
agents editing the same ticket never lose an edit silently. Every answer
about one versioned record carries ``ETag: W/"<version>"`` and the body
its ``version``. A write may say which version it was based on:

- the ``If-Match`` header with that ETag (``W/"7"``, ``"7"`` or a list of
  them; ``*`` means "whatever the version"), or, for clients that cannot
  set headers, ``version`` in the JSON body. The header wins when both
  are sent;
- when the record has moved on, the write is refused with **412
  Precondition Failed**, code ``stale``, a message saying so, and the
  current version (in the body, ``error.current_version``, and as the
  ``ETag`` header), and nothing is changed;
- without either, the write proceeds on the current row (last writer
  wins, field by field: the services apply only the fields sent).

The check is made twice: against the row the view read (fast answer), then
by the service under ``SELECT … FOR UPDATE`` (``expected_version``); a write
that slips in between makes the service raise ``Conflict(code="stale")``,
which ``ConcurrencyMixin`` answers with the same 412.

The tag is weak (``W/``): it names the state of the record, not the bytes
of one representation (labels follow the reader's language), and the
comparison is by version number only. ``GET`` with ``If-None-Match`` of
the current tag answers 304 Not Modified.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response

from caducee.core.api.errors import error_body
from caducee.core.services.errors import Conflict

#: One entity tag: optional weak prefix, a quoted value (RFC 9110 §8.8.3).
_TAG = re.compile(r'\s*(W/)?"([^"]*)"\s*(?:,|$)')
#: Largest version a client may send (a 64-bit column at most).
MAX_VERSION = 2**63 - 1
ANY = "*"


def etag_for(version: int) -> str:
    return f'W/"{int(version)}"'


def with_etag(response: Response, version: int | None) -> Response:
    if version is not None:
        response["ETag"] = etag_for(version)
    return response


def parse_tags(header: str) -> list[int] | str:
    """The versions named by an ``If-Match``/``If-None-Match`` value, or
    ``ANY`` for ``*``. Tags that are not our versions name no version we
    have (they never match); a value that is not a list of entity tags is a
    400 on the header."""
    header = (header or "").strip()
    if header == ANY:
        return ANY
    versions: list[int] = []
    position = 0
    while position < len(header):
        match = _TAG.match(header, position)
        if match is None or match.end() == position:
            raise ValidationError(
                {"If-Match": [_('Send the ETag as it was given, e.g. W/"3".')]},
                code="invalid",
            )
        value = match.group(2)
        if value.isdigit() and len(value) <= 19:
            versions.append(int(value))
        position = match.end()
    return versions


def _body_version(data: Any) -> int | None:
    if not isinstance(data, dict) or data.get("version") is None:
        return None
    value = data["version"]
    if isinstance(value, bool):
        value = None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        number = -1
    if not 0 <= number <= MAX_VERSION or (isinstance(value, float) and value != number):
        raise ValidationError(
            {"version": [_("Send the version you read, a whole number.")]}, code="invalid"
        )
    return number


class PreconditionFailed(APIException):
    status_code = status.HTTP_412_PRECONDITION_FAILED
    default_code = "stale"
    default_detail = gettext_lazy("This record was changed meanwhile: read it again.")

    def __init__(self, detail: str | None = None, *, current_version: int | None = None):
        super().__init__(detail)
        self.current_version = current_version


def precondition_failed_response(exc: PreconditionFailed) -> Response:
    body = error_body(exc.status_code, "stale", str(exc.detail))
    body["error"]["current_version"] = exc.current_version
    return with_etag(Response(body, status=exc.status_code), exc.current_version)


def expected_version(request: Any, current: int, *, label: str = "") -> int | None:
    """The version the client based its write on (``If-Match``, else the
    body's ``version``), checked against ``current``: ``None`` when the
    client stated none (or ``*``), else ``current``; stale → 412."""
    header = request.headers.get("If-Match")
    if header is not None:
        tags = parse_tags(header)
        if tags == ANY:
            return None
        if current in tags:
            return current
        stated = ", ".join(str(v) for v in tags) or "?"
    else:
        sent = _body_version(getattr(request, "data", None))
        if sent is None:
            return None
        if sent == current:
            return current
        stated = str(sent)
    raise PreconditionFailed(
        _(
            "%(label)s was changed by someone else meanwhile (version %(current)d, yours was "
            "%(stated)s): read it again, then redo your change."
        )
        % {"label": label or _("This record"), "current": current, "stated": stated},
        current_version=current,
    )


def not_modified(request: Any, current: int) -> bool:
    """Whether ``If-None-Match`` names the current version (GET → 304)."""
    header = request.headers.get("If-None-Match")
    if not header:
        return False
    try:
        tags = parse_tags(header)
    except ValidationError:
        return False
    return tags == ANY or current in tags


class ConcurrencyMixin:
    """For a viewset of a model with a ``version``: ETag on every answer
    about one record, 304 on ``If-None-Match``, and the service's
    ``Conflict(code="stale")`` (a write between the view's read and the
    service's lock) answered 412 like a stale ``If-Match``."""

    def finalize_response(self, request, response, *args, **kwargs):
        data = getattr(response, "data", None)
        if (
            isinstance(data, dict)
            and isinstance(data.get("version"), int)
            and "id" in data
            and response.status_code < 300
            and not response.has_header("ETag")
        ):
            with_etag(response, data["version"])
        return super().finalize_response(request, response, *args, **kwargs)

    def handle_exception(self, exc):
        if isinstance(exc, Conflict) and exc.code == "stale":
            exc = PreconditionFailed(exc.message, current_version=self._current_version())
        if isinstance(exc, PreconditionFailed):
            return precondition_failed_response(exc)
        return super().handle_exception(exc)

    def _current_version(self) -> int | None:
        lookup = self.kwargs.get(self.lookup_url_kwarg or self.lookup_field)
        model = self.get_queryset().model
        try:
            return (
                model._default_manager.filter(**{self.lookup_field: lookup})
                .values_list("version", flat=True)
                .first()
            )
        except (TypeError, ValueError):
            return None

    def retrieve_with_etag(self, request, instance) -> Response:
        """``retrieve`` for a versioned record: 304 when the client's copy is current."""
        if not_modified(request, instance.version):
            return with_etag(Response(status=status.HTTP_304_NOT_MODIFIED), instance.version)
        return with_etag(Response(self.get_serializer(instance).data), instance.version)
