"""Downloading a ticket's attachment.

Rule (issue "Service desk core" point 5; OWASP file upload guidance): an
attachment is only ever a download. Whoever cannot see the ticket, or is a
requester asking for an internal attachment, gets a 404 (its existence does
not leak). The answer always carries ``Content-Disposition: attachment`` and
``X-Content-Type-Options: nosniff``, a sandboxing Content-Security-Policy,
and the content type of ``caducee.desk.services.attachments.served_type``:
images, PDF and plain text as themselves, everything else as
``application/octet-stream`` — an uploaded page never runs in our origin.
"""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.core.files.storage import default_storage
from django.http import FileResponse, Http404
from django.urls import path
from django.views import View

from caducee.desk.models import Attachment, Ticket
from caducee.desk.services.attachments import served_type
from caducee.desk.services.comments import sees_internal


def readable_attachment(user, pk: int) -> Attachment:
    """The attachment ``pk`` if ``user`` may read it, else 404."""
    attachment = Attachment.objects.filter(pk=pk).first()
    if attachment is None:
        raise Http404
    if not Ticket.objects.restrict(user, "view").filter(pk=attachment.ticket_id).exists():
        raise Http404
    if not attachment.is_public and not sees_internal(user):
        raise Http404
    return attachment


def attachment_response(attachment: Attachment) -> FileResponse:
    try:
        handle = default_storage.open(attachment.file.name, "rb")
    except (FileNotFoundError, OSError) as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.name,
        content_type=served_type(attachment),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "private, no-store"
    return response


class AttachmentDownloadView(View):
    def get(self, request, pk: int):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return attachment_response(readable_attachment(request.user, pk))


urlpatterns = [
    path(
        "attachments/<int:pk>/download/",
        AttachmentDownloadView.as_view(),
        name="attachment_download",
    ),
]
