"""Attachments of a ticket: size and type limits, checksum, storage.

Rules (issue "Service desk core" point 5; OWASP file upload guidance):

* Size: at most ``CADUCEE_ATTACHMENT_MAX_BYTES`` (20 MB unless set through
  ``CADUCEE_ATTACHMENT_MAX_MB``), counted on the bytes actually read.
* Type: the extension must be one of ``CADUCEE_ATTACHMENT_TYPES`` (images,
  PDF, text and logs, office documents, zip) AND the first bytes must be
  those of that kind of file (magic numbers, read here without a new
  dependency): a PNG starts ``\\x89PNG``, a PDF ``%PDF-``, the OOXML and
  OpenDocument formats are zip archives, the legacy Office ones OLE
  compound files; "text" is bytes without NUL (UTF-16 with its BOM
  allowed). Whatever the extension, a file that begins like an HTML or XML
  page (the WHATWG sniffing patterns: ``<html``, ``<script``, ``<svg``,
  ``<!--``, ``<?xml``…), an executable (PE ``MZ``, ELF, Mach-O) or a script
  (``#!``) is refused. What is not checked: the contents of a zip, and a
  text file whose words happen to be JavaScript (it is served as a
  download, never run). The stored content type is ours, from the
  extension, never the browser's.
* Checksum: SHA-256 computed while reading the upload in chunks (the size
  limit is enforced during the same pass, before anything is stored).
* Storage: Django's default storage, under the checksum
  (``desk/ab/abcd…``): the same screenshot attached twice is kept once. A
  file written before a transaction rolls back stays, unreferenced and
  harmless (content-addressed, served only through an attachment row).
* Name: the name as uploaded, without any folder part, control or
  formatting characters (a right-to-left override hides ``exe.pdf``), or
  leading dots; shortened to 255 characters keeping the extension.
* Visibility: an attachment of a comment is public if the comment is; one
  without a comment is internal unless someone who works the ticket says
  ``public=True``; a requester's is always public, on their own tickets
  only (the same rules as ``caducee.desk.services.comments``).
* Audited: the row is saved with its automatic audit, and a
  ``desk.attachment_added`` event on the ticket names it.
"""

from __future__ import annotations

import hashlib
import os
import unicodedata
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.translation import gettext as _

from caducee.core.services.errors import DomainError
from caducee.desk.models import Attachment, Comment, Ticket
from caducee.desk.models.comments import attachment_path
from caducee.desk.services.comments import lock_for, save_audited, sees_internal, writer_role
from caducee.desk.services.common import record_event

#: How many leading bytes are read to recognise a file.
SNIFF_BYTES = 8192
NAME_LENGTH = 255

#: Families of files: the magic numbers they start with.
MAGIC: dict[str, tuple[bytes, ...]] = {
    "png": (b"\x89PNG\r\n\x1a\n",),
    "jpeg": (b"\xff\xd8\xff",),
    "gif": (b"GIF87a", b"GIF89a"),
    "bmp": (b"BM",),
    "tiff": (b"II*\x00", b"MM\x00*"),
    "pdf": (b"%PDF-",),
    "zip": (b"PK\x03\x04", b"PK\x05\x06"),
    "ole": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1",),
}
#: Extension → (family, content type stored and served).
EXTENSIONS: dict[str, tuple[str, str]] = {
    "png": ("png", "image/png"),
    "jpg": ("jpeg", "image/jpeg"),
    "jpeg": ("jpeg", "image/jpeg"),
    "gif": ("gif", "image/gif"),
    "webp": ("webp", "image/webp"),
    "bmp": ("bmp", "image/bmp"),
    "tif": ("tiff", "image/tiff"),
    "tiff": ("tiff", "image/tiff"),
    "pdf": ("pdf", "application/pdf"),
    "txt": ("text", "text/plain"),
    "log": ("text", "text/plain"),
    "csv": ("text", "text/csv"),
    "json": ("text", "application/json"),
    "zip": ("zip", "application/zip"),
    "docx": (
        "zip",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ),
    "xlsx": ("zip", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
    "pptx": (
        "zip",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ),
    "odt": ("zip", "application/vnd.oasis.opendocument.text"),
    "ods": ("zip", "application/vnd.oasis.opendocument.spreadsheet"),
    "odp": ("zip", "application/vnd.oasis.opendocument.presentation"),
    "doc": ("ole", "application/msword"),
    "xls": ("ole", "application/vnd.ms-excel"),
    "ppt": ("ole", "application/vnd.ms-powerpoint"),
    "msg": ("ole", "application/vnd.ms-outlook"),
}
#: Content types a browser may be given as such (shown, never run); every
#: other file is served as ``application/octet-stream``.
SAFE_TYPES = frozenset(
    {
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/bmp",
        "image/tiff",
        "application/pdf",
        "text/plain",
        "text/csv",
    }
)
#: Beginnings refused whatever the extension (lower-cased, after blanks):
#: markup browsers would render as a page, executables and scripts.
MARKUP = (
    b"<!doctype html",
    b"<html",
    b"<head",
    b"<body",
    b"<script",
    b"<iframe",
    b"<h1",
    b"<div",
    b"<font",
    b"<table",
    b"<a",
    b"<style",
    b"<title",
    b"<b",
    b"<br",
    b"<p",
    b"<!--",
    b"<?xml",
    b"<svg",
    b"<object",
    b"<embed",
)
EXECUTABLES = (
    b"MZ",
    b"\x7fELF",
    b"\xfe\xed\xfa\xce",
    b"\xfe\xed\xfa\xcf",
    b"\xce\xfa\xed\xfe",
    b"\xcf\xfa\xed\xfe",
    b"\xca\xfe\xba\xbe",
    b"#!",
)
BOMS = (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff")


def max_bytes() -> int:
    return int(getattr(settings, "CADUCEE_ATTACHMENT_MAX_BYTES", 20 * 1024 * 1024))


def allowed_extensions() -> set[str]:
    configured = getattr(settings, "CADUCEE_ATTACHMENT_TYPES", EXTENSIONS.keys())
    return {e.lower().lstrip(".") for e in configured} & set(EXTENSIONS)


@dataclass
class Inspected:
    """An upload read once and found acceptable."""

    upload: Any
    name: str
    content_type: str
    size: int
    sha256: str


def clean_name(raw: Any) -> str:
    """The uploaded name without folders, control or formatting characters."""
    name = unicodedata.normalize("NFC", str(raw or ""))
    name = name.replace("\\", "/").rsplit("/", 1)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch) not in ("Cc", "Cf", "Zl", "Zp"))
    name = name.strip().lstrip(".").strip()
    if len(name) > NAME_LENGTH:
        stem, ext = os.path.splitext(name)
        name = stem[: NAME_LENGTH - len(ext)] + ext
    return name


def extension(name: str) -> str:
    return os.path.splitext(name)[1].lower().lstrip(".")


def _starts(head: bytes, patterns: tuple[bytes, ...]) -> bool:
    return any(head.startswith(p) for p in patterns)


def looks_dangerous(head: bytes) -> bool:
    """An executable, a script, or markup a browser would render."""
    if _starts(head, EXECUTABLES):
        return True
    text = head
    for bom in BOMS:
        if text.startswith(bom):
            text = text[len(bom) :]
            break
    if text[:2] in (b"<\x00", b"\x00<"):  # UTF-16 markup
        text = text.replace(b"\x00", b"")
    text = text.lstrip(b" \t\r\n\x0c").lower()
    for pattern in MARKUP:
        if text.startswith(pattern):
            after = text[len(pattern) : len(pattern) + 1]
            if pattern in (b"<!--", b"<?xml") or after in (b"", b" ", b">", b"\t", b"\n", b"\r"):
                return True
    return False


def matches_family(head: bytes, family: str) -> bool:
    if family == "webp":
        return head[:4] == b"RIFF" and head[8:12] == b"WEBP"
    if family == "text":
        if head.startswith((b"\xff\xfe", b"\xfe\xff")):
            return True  # UTF-16: NUL bytes are its nature
        return b"\x00" not in head
    return _starts(head, MAGIC[family])


def inspect_upload(upload: Any, *, field: str = "file") -> Inspected:
    """Check ``upload``'s name, size and content; compute its SHA-256."""
    if upload is None:
        raise DomainError(_("Choose a file."), field=field, code="required")
    name = clean_name(getattr(upload, "name", ""))
    ext = extension(name)
    if not name or not ext or ext not in allowed_extensions():
        raise DomainError(
            _("This type of file is not accepted. Accepted: %(types)s.")
            % {"types": ", ".join(sorted(allowed_extensions()))},
            field=field,
            code="file_type",
        )
    limit = max_bytes()
    too_big = DomainError(
        _("The file is larger than %(mb)s MB.") % {"mb": _megabytes(limit)},
        field=field,
        code="file_size",
    )
    declared = getattr(upload, "size", None)
    if declared is not None and declared > limit:
        raise too_big
    digest = hashlib.sha256()
    size = 0
    head = b""
    if hasattr(upload, "seek"):
        upload.seek(0)
    for chunk in (
        upload.chunks() if hasattr(upload, "chunks") else iter(lambda: upload.read(65536), b"")
    ):
        size += len(chunk)
        if size > limit:
            raise too_big
        if len(head) < SNIFF_BYTES:
            head += chunk[: SNIFF_BYTES - len(head)]
        digest.update(chunk)
    if size == 0:
        raise DomainError(_("The file is empty."), field=field, code="file_empty")
    family, content_type = EXTENSIONS[ext]
    if looks_dangerous(head) or not matches_family(head, family):
        raise DomainError(
            _("The content of this file is not a .%(ext)s file, or is not accepted.")
            % {"ext": ext},
            field=field,
            code="file_content",
        )
    return Inspected(upload, name, content_type, size, digest.hexdigest())


def _megabytes(limit: int) -> str:
    value = limit / (1024 * 1024)
    return f"{value:g}" if value >= 1 else f"{value:.2f}"


def _store_file(attachment: Attachment, inspected: Inspected) -> None:
    path = attachment_path(attachment, inspected.name)
    if default_storage.exists(path):
        attachment.file.name = path  # the same bytes are already kept
        return
    upload = inspected.upload
    if hasattr(upload, "seek"):
        upload.seek(0)
    attachment.file.name = default_storage.save(path, upload)


def store_attachment(
    ticket: Ticket,
    inspected: Inspected,
    *,
    actor: Any,
    comment: Comment | None,
    public: bool,
) -> Attachment:
    """Keep an inspected upload on the (locked, checked) ``ticket``."""
    attachment = Attachment(
        ticket=ticket,
        comment=comment,
        uploaded_by=actor,
        name=inspected.name,
        content_type=inspected.content_type,
        size=inspected.size,
        sha256=inspected.sha256,
        is_public=public,
    )
    _store_file(attachment, inspected)
    attachment = save_audited(attachment, actor=actor)
    record_event(
        actor,
        "desk.attachment_added",
        ticket,
        {
            "attachment": attachment.pk,
            "name": attachment.name,
            "size": attachment.size,
            "sha256": attachment.sha256,
            "public": attachment.is_public,
            "comment": comment.pk if comment else None,
        },
    )
    return attachment


def add_attachment(
    ticket: Ticket,
    *,
    actor: Any,
    upload: Any,
    comment: Comment | None = None,
    public: bool = False,
    expected_version: int | None = None,
) -> Attachment:
    """Attach ``upload`` to ``ticket`` (and to one of its comments)."""
    role = writer_role(actor, ticket)
    if comment is not None:
        if comment.ticket_id != ticket.pk:
            raise DomainError(_("This comment is on another ticket."), field="comment")
        if comment.is_public is False and role != "agent":
            raise DomainError(_("Unknown comment."), field="comment")
        if public and not comment.is_public:
            raise DomainError(
                _("The attachments of an internal note stay internal."), field="public"
            )
        public = comment.is_public
    elif role == "requester":
        public = True
    inspected = inspect_upload(upload)
    with transaction.atomic():
        current = lock_for(actor, ticket, role, expected_version)
        return store_attachment(current, inspected, actor=actor, comment=comment, public=public)


def visible_attachments(ticket: Ticket, *, user: Any, internal: bool | None = None):
    """The attachments of ``ticket`` that ``user`` may read (ticket seen;
    ``internal``: ``sees_internal`` if the caller already knows it)."""
    queryset = Attachment.objects.filter(ticket=ticket).select_related("uploaded_by")
    if not (sees_internal(user) if internal is None else internal):
        queryset = queryset.filter(is_public=True)
    return queryset.order_by("created_at", "pk")


def served_type(attachment: Attachment) -> str:
    """The content type to send: ours if safe to show, else a plain download."""
    return (
        attachment.content_type
        if attachment.content_type in SAFE_TYPES
        else ("application/octet-stream")
    )
