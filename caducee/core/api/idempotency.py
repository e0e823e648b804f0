"""``Idempotency-Key`` on POST: a retried create does its work once.

Rule (issue "Service desk core" point 7; IETF draft "The Idempotency-Key
HTTP Header Field"; the model ``caducee.core.models.IdempotencyKey``): a
client that may retry a POST (a monitoring system, an integration behind a
flaky network) sends ``Idempotency-Key: <unique string>``. Keys belong to
the account and the endpoint (method and path) they were sent to.

1. The key row is inserted first, in its own transaction, with a SHA-256
   fingerprint of the method, the path and the canonical body (JSON with
   sorted keys; form fields and uploaded files by name, size and checksum).
   The unique constraint (user, endpoint, key) makes one request the owner.
2. The owner processes the request, and its response (status, body, and
   the ``Location``, ``ETag`` and ``Content-Location`` headers) is stored
   on the key row in the same transaction as the work: either both are
   committed or neither is.
3. Another request with the key finds the row:
   - a different fingerprint: **422**, code ``idempotency_key_reused``;
   - no response yet (the first is still being processed): **409**, code
     ``idempotency_key_in_flight``, with ``Retry-After``;
   - a stored response: that response again, with
     ``Idempotent-Replayed: true``; nothing is done a second time.
4. When processing fails — a 4xx (bad input, no permission: nothing was
   created) or an error — the key row is deleted, so the client may retry
   with the same key, corrected body included. Only successful answers are
   kept and replayed.

A row left without a response for ``ABANDONED_AFTER`` (its request died:
since the work and the stored response commit together, nothing was done)
is taken over by the next request with the key. Keys are forgotten after
``CADUCEE_IDEMPOTENCY_HOURS`` (24): an older row is treated as absent, and
``caducee.core.tasks.clear_expired_idempotency_keys`` deletes them hourly.
Keys are 1 to 255 visible ASCII characters; other values are a 400 on the
header. Requests without the header are not affected.

Use ``IdempotentCreateMixin`` on a viewset (its ``create``), or decorate
any POST handler of a view with ``@idempotent``.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import json
from typing import Any

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter
from rest_framework import status
from rest_framework.exceptions import APIException, ValidationError
from rest_framework.response import Response
from rest_framework.utils.encoders import JSONEncoder

from caducee.core.models import IdempotencyKey

HEADER = "Idempotency-Key"
REPLAYED_HEADER = "Idempotent-Replayed"
#: Response headers kept with the response and sent again on a replay.
KEPT_HEADERS = ("Location", "ETag", "Content-Location")
MAX_KEY_LENGTH = 255
#: A key still without a response after this long belongs to a dead request.
ABANDONED_AFTER = dt.timedelta(minutes=2)
_ENDPOINT_LENGTH = IdempotencyKey._meta.get_field("endpoint").max_length


#: The header as documented in the OpenAPI schema of a decorated endpoint.
SCHEMA_PARAMETER = OpenApiParameter(
    HEADER,
    str,
    location=OpenApiParameter.HEADER,
    required=False,
    description=(
        "A unique key (a UUID) for this request: a retry with the same key and body "
        "returns the first answer (header Idempotent-Replayed: true) and does nothing "
        "twice; the same key with another body is a 422, and a retry while the first "
        "is still processed a 409. Kept 24 hours."
    ),
)


class IdempotencyKeyReused(APIException):
    status_code = status.HTTP_422_UNPROCESSABLE_ENTITY
    default_code = "idempotency_key_reused"
    default_detail = gettext_lazy(
        "This Idempotency-Key was already used for a different request: "
        "use a new key for a new request."
    )


class IdempotencyKeyInFlight(APIException):
    status_code = status.HTTP_409_CONFLICT
    default_code = "idempotency_key_in_flight"
    default_detail = gettext_lazy(
        "A request with this Idempotency-Key is still being processed: "
        "retry in a moment to get its answer."
    )


def keep_hours() -> int:
    return int(getattr(settings, "CADUCEE_IDEMPOTENCY_HOURS", 24))


def expiry_cutoff() -> dt.datetime:
    """Keys created before this are forgotten."""
    return timezone.now() - dt.timedelta(hours=keep_hours())


def clean_key(raw: str | None) -> str | None:
    if raw is None:
        return None
    key = raw.strip()
    if not key or len(key) > MAX_KEY_LENGTH or not all(" " <= c <= "~" for c in key):
        raise ValidationError(
            {
                HEADER: [
                    _("Send a key of 1 to %(max)d visible ASCII characters (a UUID is best).")
                    % {"max": MAX_KEY_LENGTH}
                ]
            }
        )
    return key


def _canonical(value: Any) -> Any:
    if isinstance(value, UploadedFile):
        digest = hashlib.sha256()
        for chunk in value.chunks():
            digest.update(chunk)
        value.seek(0)
        return {"file": value.name, "size": value.size, "sha256": digest.hexdigest()}
    if hasattr(value, "lists"):  # QueryDict / MultiValueDict: form posts
        return {k: [_canonical(v) for v in vs] for k, vs in value.lists()}
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(v) for v in value]
    return value


def fingerprint(request: Any) -> str:
    """SHA-256 of the method, the path and the canonical body."""
    body = json.dumps(
        _canonical(request.data),
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        cls=JSONEncoder,
    )
    raw = "\n".join([request.method, request.path, body])
    return hashlib.sha256(raw.encode()).hexdigest()


def endpoint_of(request: Any) -> str:
    endpoint = f"{request.method} {request.path}"
    if len(endpoint) > _ENDPOINT_LENGTH:
        endpoint = f"{request.method} sha256:{hashlib.sha256(request.path.encode()).hexdigest()}"
    return endpoint


def _claim(user: Any, endpoint: str, key: str, digest: str) -> IdempotencyKey | Response:
    """The new row this request owns, or the answer for a retry."""
    for _attempt in range(2):
        try:
            with transaction.atomic():
                return IdempotencyKey.objects.create(
                    user=user, endpoint=endpoint, key=key, fingerprint=digest
                )
        except IntegrityError:
            pass
        row = IdempotencyKey.objects.filter(user=user, endpoint=endpoint, key=key).first()
        if row is None:  # deleted meanwhile (failed, expired): try again
            continue
        if row.created_at < expiry_cutoff():
            IdempotencyKey.objects.filter(pk=row.pk, created_at=row.created_at).delete()
            continue
        if row.fingerprint != digest:
            raise IdempotencyKeyReused()
        if row.status_code is None:
            now = timezone.now()
            taken = IdempotencyKey.objects.filter(
                pk=row.pk, status_code__isnull=True, created_at__lt=now - ABANDONED_AFTER
            ).update(created_at=now)
            if taken:
                row.created_at = now
                return row
            raise IdempotencyKeyInFlight()
        return _replay(row)
    raise IdempotencyKeyInFlight()


def _replay(row: IdempotencyKey) -> Response:
    response = Response(row.response, status=row.status_code)
    for name, value in (row.headers or {}).items():
        response[name] = value
    response[REPLAYED_HEADER] = "true"
    return response


def _store(row: IdempotencyKey, response: Response) -> None:
    body = json.loads(json.dumps(response.data, cls=JSONEncoder))
    headers = {name: response[name] for name in KEPT_HEADERS if response.has_header(name)}
    IdempotencyKey.objects.filter(pk=row.pk).update(
        status_code=response.status_code, response=body, headers=headers
    )


def idempotent(handler):
    """Decorate a view's POST handler ``(self, request, *args, **kwargs)``
    (see the module docstring). Authentication and permissions have run
    before a handler is called, so keys are always a known user's."""

    @functools.wraps(handler)
    def wrapper(self, request, *args, **kwargs):
        key = clean_key(request.headers.get(HEADER))
        user = request.user
        if key is None or not getattr(user, "is_authenticated", False):
            return handler(self, request, *args, **kwargs)
        claimed = _claim(user, endpoint_of(request), key, fingerprint(request))
        if isinstance(claimed, Response):
            return claimed
        try:
            with transaction.atomic():
                response = handler(self, request, *args, **kwargs)
                if status.is_success(response.status_code):
                    _store(claimed, response)
        except BaseException:
            IdempotencyKey.objects.filter(pk=claimed.pk, status_code__isnull=True).delete()
            raise
        if not status.is_success(response.status_code):
            IdempotencyKey.objects.filter(pk=claimed.pk, status_code__isnull=True).delete()
        return response

    return wrapper


class IdempotentCreateMixin:
    """A viewset whose ``create`` honours ``Idempotency-Key``."""

    @idempotent
    def create(self, request, *args, **kwargs):
        return super().create(request, *args, **kwargs)
