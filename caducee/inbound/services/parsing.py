"""Reading an e-mail: who sent it, about what, its words and its files.

Rules (issue "Channels" point 2):

* The sender is the ``From`` address (``Reply-To`` is ignored: it is not
  who wrote), lower-cased; a message without one cannot be attributed and
  is malformed (kept, marked failed).
* The words are the first ``text/plain`` part that is not an attachment;
  without one, the first ``text/html`` part turned into safe text
  (``html_text``). An unknown charset is read as UTF-8 with replacements,
  never refused.
* The files are the parts with a file name (attachments, and inline images
  that have one); their limits are the desk's, checked by the caller.
* A title is the subject without its ``Re:``/``Fwd:``/``TR:``… prefixes
  (French and English clients, repeated) and without our ticket tag.
* In a reply, what the client quoted is not the requester's new words:
  lines starting with ">" go, and so does everything from the
  "Le … a écrit :" / "On … wrote:" line, an Outlook "-----Original
  Message-----" or a "De : … Envoyé : …" header block on.
"""

from __future__ import annotations

import email
import re
from dataclasses import dataclass, field
from email import policy
from email.message import EmailMessage
from email.utils import getaddresses, parsedate_to_datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from caducee.desk.services.reply_tokens import TAG_PATTERN
from caducee.inbound.services.html_text import html_to_text

SUBJECT_PREFIX = re.compile(
    r"^\s*((re|fwd?|tr|réf|ref|rép|rep|aw|wg|sv|antw)\s*(\[\d+\])?\s*:\s*)+", re.IGNORECASE
)
QUOTE_HEADERS = (
    re.compile(r"^\s*(le|on)\b.{0,300}?\b(a écrit|wrote)\s*:\s*$", re.IGNORECASE | re.DOTALL),
    re.compile(
        r"^\s*-{2,}\s*(original message|message d.origine|forwarded message|"
        r"message transféré)\s*-{2,}\s*$",
        re.IGNORECASE,
    ),
    re.compile(r"^\s*_{10,}\s*$"),
)
OUTLOOK_BLOCK = re.compile(r"^\s*\**(de|from)\s*\**\s*:.*$", re.IGNORECASE)
OUTLOOK_NEXT = re.compile(r"^\s*\**(envoyé|sent|date|à|to)\s*\**\s*:", re.IGNORECASE)
MAX_TEXT = 100_000


class MalformedMessage(ValueError):
    """The message cannot be read as a mail from someone."""


@dataclass
class FilePart:
    name: str
    content: bytes
    content_type: str


@dataclass
class ParsedMessage:
    message: EmailMessage
    sender: str
    sender_name: str
    subject: str
    message_id: str
    in_reply_to: str
    references: list[str]
    date: object
    text: str
    files: list[FilePart] = field(default_factory=list)

    def header(self, name: str) -> str:
        return _header(self.message, name)

    @property
    def reply_ids(self) -> list[str]:
        """``In-Reply-To`` then ``References``, as the reply's ticket is sought."""
        return [v for v in [self.in_reply_to, *self.references] if v]


def _header(message: EmailMessage, name: str) -> str:
    try:
        value = message.get(name)
    except Exception:  # a header the parser chokes on reads as absent
        return ""
    return str(value).strip() if value is not None else ""


def _decode(part: EmailMessage) -> str:
    try:
        content = part.get_content()
        if isinstance(content, str):
            return content
    except (LookupError, UnicodeError, KeyError, AssertionError):
        pass
    payload = part.get_payload(decode=True) or b""
    return payload.decode("utf-8", errors="replace")


def _body(message: EmailMessage) -> str:
    plain = html = None
    for part in message.walk():
        if part.is_multipart() or part.get_filename():
            continue
        if part.get_content_disposition() == "attachment":
            continue
        kind = part.get_content_type()
        if kind == "text/plain" and plain is None:
            plain = _decode(part)
        elif kind == "text/html" and html is None:
            html = _decode(part)
    if plain is not None and plain.strip():
        text = plain
    elif html is not None:
        text = html_to_text(html)
    else:
        text = plain or ""
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text.strip()[:MAX_TEXT]


def _files(message: EmailMessage) -> list[FilePart]:
    files = []
    for part in message.walk():
        if part.is_multipart():
            continue
        name = part.get_filename()
        if not name:
            continue
        content = part.get_payload(decode=True) or b""
        files.append(FilePart(str(name), content, part.get_content_type()))
    return files


def _message_ids(value: str) -> list[str]:
    return re.findall(r"<[^<>\s]+>", value or "")


def parse(raw: bytes) -> ParsedMessage:
    """Read ``raw``; ``MalformedMessage`` when it is no mail from anyone."""
    if not raw or not raw.strip():
        raise MalformedMessage(_("empty message"))
    try:
        message = email.message_from_bytes(raw, policy=policy.default)
    except Exception as exc:
        raise MalformedMessage(_("unreadable message: %(error)s") % {"error": exc}) from exc
    if not message.keys():
        raise MalformedMessage(_("no header"))
    try:
        raw_from = str(message.get("From", ""))
    except Exception as exc:
        raise MalformedMessage(_("unreadable From header: %(error)s") % {"error": exc}) from exc
    addresses = [(name, addr) for name, addr in getaddresses([raw_from]) if "@" in addr]
    if not addresses:
        raise MalformedMessage(_("no sender address"))
    name, address = addresses[0]
    try:
        date = parsedate_to_datetime(_header(message, "Date"))
        if date is not None and timezone.is_naive(date):
            date = timezone.make_aware(date, timezone.utc)
    except (TypeError, ValueError, IndexError):
        date = None
    try:
        text = _body(message)
        files = _files(message)
    except Exception as exc:
        raise MalformedMessage(_("unreadable body: %(error)s") % {"error": exc}) from exc
    return ParsedMessage(
        message=message,
        sender=address.strip().lower(),
        sender_name=name.strip()[:200],
        subject=re.sub(r"\s+", " ", _header(message, "Subject")),
        message_id=_header(message, "Message-ID")[:255],
        in_reply_to=" ".join(_message_ids(_header(message, "In-Reply-To"))),
        references=_message_ids(_header(message, "References"))[::-1],
        date=date,
        text=text,
        files=files,
    )


def clean_subject(subject: str) -> str:
    """The subject as a ticket title: no reply/forward prefixes, no tag."""
    text = TAG_PATTERN.sub("", subject or "")
    previous = None
    while previous != text:
        previous = text
        text = SUBJECT_PREFIX.sub("", text).strip()
    return re.sub(r"\s+", " ", text).strip()


def strip_quoted(text: str) -> str:
    """The new words of a reply (see the module docstring)."""
    lines = (text or "").split("\n")
    kept: list[str] = []
    for index, line in enumerate(lines):
        two = line + " " + lines[index + 1] if index + 1 < len(lines) else line
        if any(p.match(line) for p in QUOTE_HEADERS) or (
            QUOTE_HEADERS[0].match(two) and not QUOTE_HEADERS[0].match(lines[index + 1])
        ):
            break
        if OUTLOOK_BLOCK.match(line) and any(
            OUTLOOK_NEXT.match(nxt) for nxt in lines[index + 1 : index + 4]
        ):
            break
        if line.lstrip().startswith(">"):
            continue
        kept.append(line)
    return "\n".join(kept).strip()
