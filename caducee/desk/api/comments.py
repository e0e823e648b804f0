"""Comments and attachments of a ticket, in the API.

* ``tickets/{id}/comments/``: ``GET`` the comments the caller may read
  (requesters: public replies only), ``POST`` a reply or a note —
  ``body``, ``visibility`` (``public``/``internal``; left out: a note for
  those who work the ticket, a reply for a requester), ``time_spent``
  (minutes), ``files`` (multipart, several allowed), ``expected_version``.
  ``PATCH tickets/{id}/comments/{cid}/`` corrects one's own comment within
  15 minutes (``body``, ``time_spent``).
* ``tickets/{id}/attachments/``: ``GET`` the attachments the caller may
  read, ``POST`` one file (multipart ``file``, optional ``comment`` and
  ``public``); ``GET tickets/{id}/attachments/{aid}/download/`` the bytes,
  always as a download (see ``caducee.desk.views.attachments``).

A ticket the caller cannot see, or does not exist, is a 404; a ticket they
see but may not write on is a 403; bad input a field-level 400. Writes go
through ``caducee.desk.services.comments`` and ``.attachments``; the right
to write comes from the ticket (the services say who), so these views ask
only for an authenticated caller and leave the rest to the services.
"""

from __future__ import annotations

from typing import Any

from django.http import Http404
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, JSONParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from caducee.desk.models import Attachment, Comment, Ticket, Visibility
from caducee.desk.services import attachments as attachment_services
from caducee.desk.services import comments as comment_services
from caducee.desk.services.comments import MAX_TIME_SPENT
from caducee.desk.views.attachments import attachment_response

TICKET_ID = r"(?P<ticket_pk>[0-9]+)"


# --- Serializers ----------------------------------------------------------------------
class AttachmentSerializer(serializers.ModelSerializer):
    uploaded_by_name = serializers.SerializerMethodField()
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = Attachment
        fields = [
            "id",
            "ticket",
            "comment",
            "name",
            "content_type",
            "size",
            "sha256",
            "is_public",
            "uploaded_by",
            "uploaded_by_name",
            "created_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_uploaded_by_name(self, obj: Attachment) -> str:
        return str(obj.uploaded_by) if obj.uploaded_by else ""

    def get_download_url(self, obj: Attachment) -> str:
        path = reverse("ticket-attachment-download", args=[obj.ticket_id, obj.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(path) if request else path


class CommentSerializer(serializers.ModelSerializer):
    author_name = serializers.SerializerMethodField()
    attachments = serializers.SerializerMethodField()

    class Meta:
        model = Comment
        fields = [
            "id",
            "ticket",
            "author",
            "author_name",
            "visibility",
            "body",
            "time_spent",
            "mentions",
            "attachments",
            "created_at",
            "updated_at",
        ]
        read_only_fields = fields

    def get_author_name(self, obj: Comment) -> str:
        return str(obj.author) if obj.author else ""

    def get_attachments(self, obj: Comment) -> list[dict[str, Any]]:
        visible = self.context.get("attachments_by_comment", {}).get(obj.pk, [])
        return AttachmentSerializer(visible, many=True, context=self.context).data


class CommentWriteSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=True)
    visibility = serializers.ChoiceField(choices=Visibility.choices, required=False)
    time_spent = serializers.IntegerField(min_value=0, max_value=MAX_TIME_SPENT, required=False)
    files = serializers.ListField(child=serializers.FileField(), required=False)
    expected_version = serializers.IntegerField(min_value=1, required=False)


class CommentEditSerializer(serializers.Serializer):
    body = serializers.CharField(trim_whitespace=True, required=False)
    time_spent = serializers.IntegerField(min_value=0, max_value=MAX_TIME_SPENT, required=False)


class AttachmentWriteSerializer(serializers.Serializer):
    file = serializers.FileField()
    comment = serializers.IntegerField(required=False, allow_null=True)
    public = serializers.BooleanField(required=False, default=False)


# --- ViewSets -------------------------------------------------------------------------
class TicketScopedMixin:
    """Everything hangs off a ticket the caller sees (else 404)."""

    permission_classes = [IsAuthenticated]
    filter_backends: list = []
    parser_classes = [JSONParser, MultiPartParser, FormParser]

    def get_ticket(self) -> Ticket:
        cached = getattr(self, "_ticket", None)
        if cached is not None:
            return cached
        ticket = (
            Ticket.objects.restrict(self.request.user, "view")
            .filter(pk=self.kwargs.get("ticket_pk"))
            .first()
        )
        if ticket is None:
            raise Http404
        self._ticket = ticket
        return ticket


class TicketCommentViewSet(
    TicketScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = CommentSerializer
    http_method_names = ["get", "post", "patch", "head", "options"]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Comment.objects.none()
        ticket = self.get_ticket()
        return comment_services.visible_comments(ticket, user=self.request.user).prefetch_related(
            "mentions"
        )

    def get_serializer_context(self) -> dict[str, Any]:
        context = super().get_serializer_context()
        if getattr(self, "swagger_fake_view", False) or "ticket_pk" not in self.kwargs:
            return context
        grouped: dict[int, list[Attachment]] = {}
        visible = attachment_services.visible_attachments(self.get_ticket(), user=self.request.user)
        for attachment in visible.filter(comment__isnull=False):
            grouped.setdefault(attachment.comment_id, []).append(attachment)
        context["attachments_by_comment"] = grouped
        return context

    @extend_schema(request=CommentWriteSerializer, responses={201: CommentSerializer})
    def create(self, request, *args, **kwargs):
        ticket = self.get_ticket()
        data = CommentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        comment = comment_services.add_comment(
            ticket,
            actor=request.user,
            body=values["body"],
            visibility=values.get("visibility"),
            time_spent=values.get("time_spent", 0),
            files=values.get("files", ()),
            expected_version=values.get("expected_version"),
        )
        self.kwargs["pk"] = comment.pk
        body = self.get_serializer(comment).data
        return Response(body, status=status.HTTP_201_CREATED)

    @extend_schema(request=CommentEditSerializer, responses=CommentSerializer)
    def partial_update(self, request, *args, **kwargs):
        comment = self.get_object()
        data = CommentEditSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        if not values:
            raise serializers.ValidationError({"body": [_("Nothing to change.")]})
        comment = comment_services.edit_comment(
            comment,
            actor=request.user,
            body=values.get("body"),
            time_spent=values.get("time_spent"),
        )
        return Response(self.get_serializer(comment).data)


class TicketAttachmentViewSet(
    TicketScopedMixin,
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = AttachmentSerializer

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return Attachment.objects.none()
        return attachment_services.visible_attachments(self.get_ticket(), user=self.request.user)

    @extend_schema(request=AttachmentWriteSerializer, responses={201: AttachmentSerializer})
    def create(self, request, *args, **kwargs):
        ticket = self.get_ticket()
        data = AttachmentWriteSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        values = data.validated_data
        comment = None
        if values.get("comment") is not None:
            comment = (
                comment_services.visible_comments(ticket, user=request.user)
                .filter(pk=values["comment"])
                .first()
            )
            if comment is None:
                raise serializers.ValidationError({"comment": [_("Unknown comment.")]})
        attachment = attachment_services.add_attachment(
            ticket,
            actor=request.user,
            upload=values["file"],
            comment=comment,
            public=values.get("public", False),
        )
        return Response(self.get_serializer(attachment).data, status=status.HTTP_201_CREATED)

    @extend_schema(responses={(200, "application/octet-stream"): bytes})
    @action(detail=True, methods=["get"])
    def download(self, request, *args, **kwargs):
        return attachment_response(self.get_object())


def register(router) -> None:
    router.register(
        rf"tickets/{TICKET_ID}/comments", TicketCommentViewSet, basename="ticket-comment"
    )
    router.register(
        rf"tickets/{TICKET_ID}/attachments", TicketAttachmentViewSet, basename="ticket-attachment"
    )
