"""The endpoint inventory agents post to: ``POST /cmdb/inventory/``.

Protocols (REFERENCE.md "Inventory agents"; the FusionInventory agent 2.6
source, ``FusionInventory::Agent::HTTP::Client::OCS``; the GLPI Agent JSON
protocol, glpi-project/json-protocol):

- FusionInventory 2.6 (and GLPI Agent talking the old protocol): a zlib,
  gzip or plain XML ``PROLOG`` is answered ``<REPLY><RESPONSE>SEND</RESPONSE>
  <PROLOG_FREQ>24</PROLOG_FREQ></REPLY>`` (without ``SEND`` the agent keeps
  its inventory), then the ``INVENTORY`` is answered ``<REPLY></REPLY>``.
  The agent reads the reply's compression from its magic bytes, so the reply
  is compressed as the request was.
- GLPI Agent JSON (``GLPI-Agent-ID`` header): ``contact`` is answered with the
  inventory task enabled and the agent's other tasks disabled (this server
  runs no deploy or collect jobs), ``inventory`` with ``{"status": "ok",
  "expiration": 24}``. The agent id and request id headers are echoed back.

Authentication, without a session or CSRF token: an API token of a user
allowed to add and change configuration items, given as the password of HTTP
Basic (what ``fusioninventory-agent --user … --password <token>`` sends after
a ``401`` with a ``Basic`` challenge; the user name is not checked, the token
says who it is), or as ``Authorization: Token …``/``Bearer …``. Changes are
the token user's, with source "inventory" in the audit trail.

Errors: 400 malformed payload, unknown query, missing device id or content;
401 no or bad credentials (with the challenge); 403 no permission or out of
scope; 405 other methods; 413 over ``CADUCEE_INVENTORY_MAX_BYTES`` (10 MB by
default) compressed or inflated. Replies to XML requests are XML
(``<REPLY><ERROR>…</ERROR></REPLY>``), to JSON ones JSON (``{"status":
"error", "message": …}``). Never a 500 for anything an agent can send.
"""

from __future__ import annotations

import base64
import binascii
import json
import logging
import re
import time
from xml.sax.saxutils import escape

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.urls import path
from django.utils.decorators import method_decorator
from django.utils.translation import gettext as _
from django.views import View
from django.views.decorators.csrf import csrf_exempt

from caducee.cmdb.inventory import (
    AgentMessage,
    Compression,
    MessageFormat,
    MessageKind,
    PayloadError,
    PayloadTooLarge,
    compress,
    decompress,
    parse_message,
)
from caducee.cmdb.models import ConfigurationItem
from caducee.cmdb.services.inventory import apply_inventory, resolve_establishment
from caducee.core.clientip import client_ip
from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can
from caducee.core.services.tokens import authenticate_key

logger = logging.getLogger(__name__)

DEFAULT_MAX_BYTES = 10 * 1024 * 1024
#: Hours before the agent's next contact (PROLOG_FREQ / expiration).
FREQUENCY_HOURS = 24
REALM = "caducee-inventory"
#: Agent and request ids are echoed back only when they look like ids.
_SAFE_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


class AgentError(Exception):
    def __init__(self, status: int, message: str):
        super().__init__(message)
        self.status = status
        self.message = message


def safe_id(value: str) -> str:
    return value if _SAFE_ID.match(value) else ""


def max_bytes() -> int:
    return int(getattr(settings, "CADUCEE_INVENTORY_MAX_BYTES", DEFAULT_MAX_BYTES))


def token_from_header(header: str) -> str | None:
    """The API token in an Authorization header (Basic password, Token, Bearer)."""
    scheme, _sep, credentials = header.strip().partition(" ")
    scheme, credentials = scheme.lower(), credentials.strip()
    if scheme in ("token", "bearer"):
        return credentials or None
    if scheme == "basic":
        try:
            decoded = base64.b64decode(credentials, validate=True).decode("utf-8")
        except (binascii.Error, UnicodeDecodeError):
            return None
        _user, _colon, password = decoded.partition(":")
        return password or None
    return None


def authenticate(request: HttpRequest):
    key = token_from_header(request.headers.get("Authorization", ""))
    token = authenticate_key(key) if key else None
    if token is None:
        message = (
            _("Invalid, expired or revoked token.")
            if key
            else _("Authentication required: give an API token as the password.")
        )
        raise AgentError(401, message)
    user = token.user
    if not (can(user, ConfigurationItem, "add") and can(user, ConfigurationItem, "change")):
        raise AgentError(403, _("This token's user may not add and change configuration items."))
    return user


def read_body(request: HttpRequest) -> bytes:
    limit = max_bytes()
    try:
        announced = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        announced = 0
    if announced > limit:
        raise PayloadTooLarge(_("The payload is larger than %(limit)s bytes.") % {"limit": limit})
    body = request.read(limit + 1)
    if len(body) > limit:
        raise PayloadTooLarge(_("The payload is larger than %(limit)s bytes.") % {"limit": limit})
    if not body:
        raise PayloadError(_("The request has no body."))
    return body


@method_decorator(csrf_exempt, name="dispatch")
class InventoryView(View):
    http_method_names = ["post"]

    def post(self, request: HttpRequest) -> HttpResponse:
        started = time.perf_counter()
        agent_id = safe_id(request.headers.get("GLPI-Agent-ID", ""))
        json_agent = bool(agent_id) or "json" in request.content_type
        fmt = MessageFormat.JSON if json_agent else MessageFormat.XML
        compression = Compression.NONE
        kind = None
        try:
            user = authenticate(request)
            raw = read_body(request)
            body, compression = decompress(raw, limit=max_bytes())
            message = parse_message(body)
            kind = message.kind
            fmt = MessageFormat.JSON if agent_id else message.format
            response = self.answer(request, message, user=user, fmt=fmt, compression=compression)
        except PayloadError as exc:
            response = error_response(exc.status_code, exc.message, fmt)
        except AgentError as exc:
            response = error_response(exc.status, exc.message, fmt)
        except DomainError as exc:
            response = error_response(exc.status_code, exc.message, fmt)
        except ValidationError as exc:
            response = error_response(400, validation_message(exc), fmt)
        if agent_id:
            response["GLPI-Agent-ID"] = agent_id
        if request_id := safe_id(request.headers.get("GLPI-Request-ID", "")):
            response["GLPI-Request-ID"] = request_id
        routine = response.status_code == 200 and kind is not MessageKind.INVENTORY
        logger.log(
            logging.DEBUG if routine else logging.INFO,
            "inventory endpoint: %s %s from %s answered %s in %.0f ms",
            kind or "request",
            request.headers.get("Content-Type", ""),
            client_ip(request),
            response.status_code,
            (time.perf_counter() - started) * 1000,
        )
        return response

    def answer(
        self,
        request: HttpRequest,
        message: AgentMessage,
        *,
        user,
        fmt: MessageFormat,
        compression: Compression,
    ) -> HttpResponse:
        if message.kind in (MessageKind.PROLOG, MessageKind.CONTACT):
            if fmt is MessageFormat.JSON:
                return reply_json(contact_reply(message), compression)
            return reply_xml(
                f"<RESPONSE>SEND</RESPONSE><PROLOG_FREQ>{FREQUENCY_HOURS}</PROLOG_FREQ>",
                compression,
            )
        inventory = message.inventory
        establishment = resolve_establishment(
            user, requested=request.GET.get("establishment", ""), tag=message.tag
        )
        item, created = apply_inventory(inventory, actor=user, establishment=establishment)
        logger.info(
            "inventory of %s (%s) %s item %s: %d software, %d interfaces",
            inventory.hostname,
            message.deviceid,
            "created" if created else "updated",
            item.pk,
            len(inventory.software),
            len(inventory.interfaces),
        )
        if fmt is MessageFormat.JSON:
            return reply_json({"status": "ok", "expiration": FREQUENCY_HOURS}, compression)
        return reply_xml("", compression)


def contact_reply(message: AgentMessage) -> dict:
    others = sorted({task for task in message.tasks if task != "inventory"})
    reply: dict = {
        "status": "ok",
        "expiration": FREQUENCY_HOURS,
        "tasks": {"inventory": {"server": "caducee", "version": "1"}},
    }
    if others:
        reply["disabled"] = others
    return reply


def reply_xml(inner: str, compression: Compression) -> HttpResponse:
    document = f'<?xml version="1.0" encoding="UTF-8" ?>\n<REPLY>{inner}</REPLY>\n'
    return HttpResponse(
        compress(document.encode(), compression),
        content_type=compression.content_type or "application/xml",
    )


def reply_json(data: dict, compression: Compression) -> HttpResponse:
    return HttpResponse(
        compress(json.dumps(data).encode(), compression),
        content_type=compression.content_type or "application/json",
    )


def error_response(status: int, message: str, fmt: MessageFormat) -> HttpResponse:
    """An uncompressed error (agents log the status line and ignore the body)."""
    if fmt is MessageFormat.JSON:
        body = json.dumps({"status": "error", "message": message, "expiration": FREQUENCY_HOURS})
        response = HttpResponse(body, status=status, content_type="application/json")
    else:
        document = (
            f'<?xml version="1.0" encoding="UTF-8" ?>\n<REPLY><ERROR>{escape(message)}'
            "</ERROR></REPLY>\n"
        )
        response = HttpResponse(document, status=status, content_type="application/xml")
    if status == 401:
        response["WWW-Authenticate"] = f'Basic realm="{REALM}"'
    return response


def validation_message(exc: ValidationError) -> str:
    if hasattr(exc, "error_dict"):
        return "; ".join(
            f"{field}: {' '.join(messages)}" for field, messages in exc.message_dict.items()
        )
    return " ".join(exc.messages)


urlpatterns = [
    path("inventory/", InventoryView.as_view(), name="inventory"),
    # Agents are configured by hand: without the slash, a POST would meet
    # CommonMiddleware's redirect, which agents do not follow for a POST.
    path("inventory", InventoryView.as_view()),
]
