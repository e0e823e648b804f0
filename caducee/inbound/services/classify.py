"""What must never become a ticket: automatic replies, bounces, mail loops.

Rule (issue "Channels" point 2; RFC 3834 for automatic responses, RFC 3464
for delivery status notifications): a message recognised here creates no
ticket, no comment and no notification — answering an out-of-office with
an acknowledgement, which gets another out-of-office, is how helpdesks
flood a hospital's mail. Checked before anything else, in this order:

* loop — our own mail coming back: the ``X-Caducee-Ticket`` header our
  outgoing mail carries, or a ``Message-ID`` made by
  ``reply_tokens.message_id`` naming one of our tickets; a sender that is
  one of our mailboxes or our own sending address. (Too many messages from
  one address in a short time is the caller's check: it needs the history.)
* bounce — a DSN (``multipart/report; report-type=delivery-status``), an
  empty ``Return-Path`` (``<>``, the null sender of every bounce), or a
  ``mailer-daemon``/``postmaster`` sender.
* automatic reply — ``Auto-Submitted`` other than ``no``, ``X-Autoreply``,
  ``X-Autorespond``, ``Precedence: bulk/junk/list/auto_reply``,
  ``X-Auto-Response-Suppress``, a read receipt
  (``report-type=disposition-notification``), and as a last resort an
  out-of-office subject in French or English ("Réponse automatique",
  "Absence du bureau", "Out of office", "Automatic reply"…), matched at the
  start of the subject only, so that "Absence de réseau au bloc" is a ticket.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from email.utils import parseaddr

from django.utils.translation import gettext as _

from caducee.desk.services.reply_tokens import ticket_from_message_ids
from caducee.inbound.models import Outcome
from caducee.inbound.services.parsing import SUBJECT_PREFIX, ParsedMessage

OWN_HEADER = "X-Caducee-Ticket"
BULK_PRECEDENCE = frozenset({"bulk", "junk", "list", "auto_reply"})
DAEMONS = frozenset({"mailer-daemon", "postmaster", "mail-daemon", "maildaemon"})
OUT_OF_OFFICE = re.compile(
    r"^\s*(réponse automatique|reponse automatique|répondeur automatique|réponse d.absence|"
    r"message d.absence|absence du bureau|absent du bureau|je suis absente?|"
    r"out of (the )?office|automatic reply|auto[- ]?reply|autoreply|auto[- ]?response|"
    r"away from (the )?office|on vacation)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Verdict:
    outcome: str
    reason: str


def _loop(message: ParsedMessage, own_addresses: Iterable[str]) -> Verdict | None:
    if message.header(OWN_HEADER):
        return Verdict(
            Outcome.LOOP, _("%(header)s header: our own mail came back") % {"header": OWN_HEADER}
        )
    if message.message_id and ticket_from_message_ids([message.message_id]) is not None:
        return Verdict(Outcome.LOOP, _("our own Message-ID: our own mail came back"))
    if message.sender in {a.strip().lower() for a in own_addresses if a}:
        return Verdict(
            Outcome.LOOP, _("sent by our own address %(sender)s") % {"sender": message.sender}
        )
    return None


def _bounce(message: ParsedMessage) -> Verdict | None:
    content_type = message.message.get_content_type()
    report_type = (message.message.get_param("report-type") or "").lower()
    if content_type == "multipart/report" and report_type == "delivery-status":
        return Verdict(Outcome.BOUNCE, _("delivery status notification"))
    return_path = message.header("Return-Path")
    if "Return-Path" in message.message and parseaddr(return_path)[1] == "":
        return Verdict(Outcome.BOUNCE, _("empty Return-Path (null sender)"))
    if message.sender.split("@", 1)[0] in DAEMONS:
        return Verdict(Outcome.BOUNCE, _("sent by %(sender)s") % {"sender": message.sender})
    return None


def _auto_reply(message: ParsedMessage) -> Verdict | None:
    auto = message.header("Auto-Submitted").lower()
    if auto and auto.split(";", 1)[0].strip() != "no":
        return Verdict(Outcome.AUTO_REPLY, f"Auto-Submitted: {auto}")
    for name in ("X-Autoreply", "X-Autorespond", "X-Auto-Response-Suppress"):
        if name in message.message:
            return Verdict(Outcome.AUTO_REPLY, _("%(header)s header") % {"header": name})
    precedence = message.header("Precedence").lower()
    if precedence in BULK_PRECEDENCE:
        return Verdict(Outcome.AUTO_REPLY, f"Precedence: {precedence}")
    report_type = (message.message.get_param("report-type") or "").lower()
    if report_type == "disposition-notification":
        return Verdict(Outcome.AUTO_REPLY, _("read receipt"))
    subject = SUBJECT_PREFIX.sub("", message.subject or "")
    if OUT_OF_OFFICE.match(subject):
        return Verdict(Outcome.AUTO_REPLY, _("out-of-office subject"))
    return None


def classify(message: ParsedMessage, *, own_addresses: Iterable[str] = ()) -> Verdict | None:
    """Why ``message`` must be ignored, or ``None`` for a message to act on."""
    return _loop(message, own_addresses) or _bounce(message) or _auto_reply(message)
