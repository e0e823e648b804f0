"""Reading a mailbox: one poller at a time, each message exactly once.

Rules (issue "Channels" point 2):

* One poller per mailbox: a lease on the mailbox row (a token and an
  expiry, taken with one conditional UPDATE) keeps a second worker off it;
  a poller that dies leaves a lease that expires (``LEASE``), renewed after
  each message so a long run keeps it.
* The server is reached over TLS only — implicit TLS or STARTTLS — with its
  certificate and host name verified (``ssl.create_default_context``, with
  the mailbox's CA file for a private CA). Messages are fetched with
  ``BODY.PEEK[]``, which leaves them unread on the server.
* For each unread UID: one not yet recorded is processed and recorded in
  one transaction (``processing.receive``); only after its commit is it
  flagged ``\\Seen``. A UID already recorded (a poller killed between the
  commit and the flag) is only flagged. So a killed poller neither loses
  nor doubles a message. Called outside any transaction.
* A message larger than ``CADUCEE_INBOUND_MAX_BYTES`` is not downloaded:
  its header is kept and it is recorded failed.
* Errors of the server or the network are written on the mailbox (last
  error) and logged, never raised: the worker's loop goes on, and so do
  the other mailboxes. At most ``BATCH`` messages are read per run; the
  next run (a minute later) goes on.
"""

from __future__ import annotations

import contextlib
import imaplib
import logging
import re
import secrets
import ssl
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from caducee.core import context
from caducee.desk.services.channel_replies import channel_actor
from caducee.inbound.models import InboundMessage, Mailbox, Security
from caducee.inbound.services.processing import max_bytes, receive

logger = logging.getLogger(__name__)

LEASE = timezone.timedelta(minutes=10)
BATCH = 200


class ImapError(Exception):
    pass


@dataclass
class PollResult:
    busy: bool = False
    processed: list[InboundMessage] = field(default_factory=list)
    flagged_only: int = 0
    error: str = ""


# --- the lease ---------------------------------------------------------------------------
def acquire(mailbox: Mailbox) -> str | None:
    token = secrets.token_hex(16)
    now = timezone.now()
    taken = (
        Mailbox.objects.filter(pk=mailbox.pk)
        .filter(Q(lease_until__isnull=True) | Q(lease_until__lt=now))
        .update(lease_until=now + LEASE, lease_token=token)
    )
    return token if taken else None


def renew(mailbox: Mailbox, token: str) -> None:
    Mailbox.objects.filter(pk=mailbox.pk, lease_token=token).update(
        lease_until=timezone.now() + LEASE
    )


def release(mailbox: Mailbox, token: str) -> None:
    Mailbox.objects.filter(pk=mailbox.pk, lease_token=token).update(
        lease_until=None, lease_token=""
    )


# --- the server ------------------------------------------------------------------------
def _check(answer: tuple[str, Any], what: str) -> Any:
    status, data = answer
    if status != "OK":
        detail = b" ".join(d for d in data if isinstance(d, bytes)).decode(errors="replace")
        raise ImapError(f"{what}: {status} {detail}".strip())
    return data


class MailboxClient:
    """An IMAP session on ``mailbox``'s folder (a context manager)."""

    def __init__(self, mailbox: Mailbox) -> None:
        self.mailbox = mailbox
        self.client: imaplib.IMAP4 | None = None
        self.uidvalidity = 0

    def __enter__(self) -> MailboxClient:
        mailbox = self.mailbox
        password = mailbox.password()
        tls = ssl.create_default_context(cafile=mailbox.ca_file or None)
        timeout = int(getattr(settings, "CADUCEE_INBOUND_TIMEOUT", 30))
        if mailbox.security == Security.TLS:
            client = imaplib.IMAP4_SSL(mailbox.host, mailbox.port, ssl_context=tls, timeout=timeout)
        else:
            client = imaplib.IMAP4(mailbox.host, mailbox.port, timeout=timeout)
            self.client = client
            client.starttls(ssl_context=tls)
        self.client = client
        _check(client.login(mailbox.username, password), "login")
        _check(client.select(_quote(mailbox.folder)), f"folder {mailbox.folder}")
        values = client.untagged_responses.get("UIDVALIDITY") or [b"0"]
        self.uidvalidity = int(values[-1])
        return self

    def __exit__(self, *exc: object) -> None:
        if self.client is not None:
            with contextlib.suppress(Exception):
                self.client.logout()

    def unseen(self) -> list[int]:
        data = _check(self.client.uid("SEARCH", None, "UNSEEN"), "search")
        return sorted(int(uid) for uid in b" ".join(d or b"" for d in data).split())

    def size(self, uid: int) -> int:
        data = _check(self.client.uid("FETCH", str(uid), "(RFC822.SIZE)"), "size")
        match = re.search(rb"RFC822\.SIZE (\d+)", b" ".join(_flat(data)))
        return int(match.group(1)) if match else 0

    def fetch(self, uid: int, *, header_only: bool = False) -> bytes:
        part = "BODY.PEEK[HEADER]" if header_only else "BODY.PEEK[]"
        data = _check(self.client.uid("FETCH", str(uid), f"({part})"), "fetch")
        for item in data:
            if isinstance(item, tuple) and len(item) == 2:
                return item[1]
        raise ImapError(f"fetch: no content for UID {uid}")

    def mark_seen(self, uid: int) -> None:
        _check(self.client.uid("STORE", str(uid), "+FLAGS.SILENT", r"(\Seen)"), "flag")


def _flat(data: list) -> list[bytes]:
    out = []
    for item in data:
        if isinstance(item, tuple):
            out.extend(i for i in item if isinstance(i, bytes))
        elif isinstance(item, bytes):
            out.append(item)
    return out


def _quote(folder: str) -> str:
    return '"' + folder.replace("\\", "\\\\").replace('"', '\\"') + '"'


# --- a poll ------------------------------------------------------------------------------
def _read(mailbox: Mailbox, token: str, result: PollResult) -> None:
    with MailboxClient(mailbox) as session:
        uids = session.unseen()[:BATCH]
        known = set(
            InboundMessage.objects.filter(
                mailbox=mailbox, uidvalidity=session.uidvalidity, uid__in=uids
            ).values_list("uid", flat=True)
        )
        for uid in uids:
            if uid not in known:
                too_large = session.size(uid) > max_bytes()
                raw = session.fetch(uid, header_only=too_large)
                row = receive(
                    mailbox,
                    uidvalidity=session.uidvalidity,
                    uid=uid,
                    raw=raw,
                    too_large=too_large,
                )
                if row is not None:
                    result.processed.append(row)
            else:
                result.flagged_only += 1
            session.mark_seen(uid)  # after the commit: see the module docstring
            renew(mailbox, token)


def poll(mailbox: Mailbox) -> PollResult:
    """Read ``mailbox``'s unread messages (see the module docstring)."""
    result = PollResult()
    token = acquire(mailbox)
    if token is None:
        result.busy = True
        return result
    try:
        with context.acting_as(channel_actor(), source="email"):
            _read(mailbox, token, result)
    except (imaplib.IMAP4.error, ImapError, OSError, ValueError) as exc:
        result.error = f"{type(exc).__name__}: {exc}"
    except Exception as exc:  # never into the worker's loop
        logger.exception("inbound: polling %s failed", mailbox)
        result.error = f"{type(exc).__name__}: {exc}"
    finally:
        release(mailbox, token)
    now = timezone.now()
    if result.error:
        logger.warning("inbound: %s: %s", mailbox, result.error)
        Mailbox.objects.filter(pk=mailbox.pk).update(
            last_error=result.error[:2000], last_error_at=now
        )
    else:
        Mailbox.objects.filter(pk=mailbox.pk).update(last_polled_at=now, last_error="")
    return result
