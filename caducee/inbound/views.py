"""Pages of incoming e-mail, for administrators.

Mailboxes are the generic CRUD pages (their form keeps the password
write-only). A mailbox's page lists its latest messages; each message's
page shows what became of it and, for a held one, a button to release it
as a new ticket, for a failed one a button to retry it — the services of
``caducee.inbound.services.processing``, audited under the administrator.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.shortcuts import render
from django.urls import path, reverse
from django.utils.translation import gettext as _
from django.views import View

from caducee.core.services.errors import DomainError
from caducee.core.services.scoping import can, may_write
from caducee.core.views.generic import (
    ObjectDeleteView,
    ObjectDetailView,
    ObjectEditView,
    ObjectHistoryView,
    ObjectListView,
    ObjectViewMixin,
    redirect_to,
)
from caducee.inbound import filters, forms, tables
from caducee.inbound.models import InboundMessage, Mailbox
from caducee.inbound.services import processing

RECENT = 50
#: How much of a raw message its page shows.
RAW_SHOWN = 200_000


class MailboxListView(ObjectListView):
    model = Mailbox
    filterset_class = filters.MailboxFilterSet
    table_class = tables.MailboxTable

    def base_queryset(self):
        return Mailbox.objects.select_related("establishment")


class MailboxDetailView(ObjectDetailView):
    model = Mailbox
    detail_fields = [
        "name",
        "address",
        "establishment",
        "host",
        "port",
        "security",
        "ca_file",
        "username",
        "password_env",
        "folder",
        "unknown_senders",
        "is_active",
        "last_polled_at",
        "last_error",
        "last_error_at",
    ]

    def get_related(self, obj):
        rows = (
            InboundMessage.objects.filter(mailbox=obj)
            .select_related("mailbox", "ticket")
            .defer("raw")[:RECENT]
        )
        return [
            {
                "title": _("Latest messages"),
                "table": tables.InboundMessageTable(rows, request=self.request, orderable=False),
                "count": None,
                "more_url": reverse("inbound:inboundmessage_list") + f"?mailbox={obj.pk}",
            }
        ]


class MailboxEditView(ObjectEditView):
    model = Mailbox
    form_class = forms.MailboxForm


class MailboxDeleteView(ObjectDeleteView):
    model = Mailbox


class InboundMessageListView(ObjectListView):
    model = InboundMessage
    filterset_class = filters.InboundMessageFilterSet
    table_class = tables.InboundMessageTable

    def base_queryset(self):
        return InboundMessage.objects.select_related("mailbox", "ticket").defer("raw")


class InboundMessageDetailView(ObjectViewMixin, View):
    model = InboundMessage
    template_name = "inbound/inboundmessage_detail.html"

    def get(self, request, pk):
        return self.render_detail(self.get_object(pk))

    def render_detail(self, obj, status=200):
        user = self.request.user
        writable = can(user, InboundMessage, "change") and may_write(user, obj.mailbox, "change")
        raw = bytes(obj.raw)
        context = {
            **self.common_context(),
            "object": obj,
            "can_act": writable,
            "raw_text": raw[:RAW_SHOWN].decode("utf-8", errors="replace"),
            "raw_truncated": len(raw) > RAW_SHOWN,
        }
        return render(self.request, self.template_name, context, status=status)


class InboundMessageActionView(InboundMessageDetailView):
    model = InboundMessage
    action = "change"
    http_method_names = ["post"]
    service = None

    def post(self, request, pk):
        obj = self.get_object(pk)
        if not can(request.user, InboundMessage, "change"):
            raise DjangoPermissionDenied
        try:
            row = type(self).service(obj, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
            return self.render_detail(obj, status=exc.status_code)
        if row.outcome == "failed":
            messages.error(request, _("Still failing: %(reason)s") % {"reason": row.reason})
        else:
            messages.success(request, row.get_outcome_display())
        return redirect_to(request, row.get_absolute_url())


class InboundMessageReleaseView(InboundMessageActionView):
    service = staticmethod(processing.release)


class InboundMessageRetryView(InboundMessageActionView):
    service = staticmethod(processing.retry)


def _history(model):
    return type(f"{model.__name__}HistoryView", (ObjectHistoryView,), {"model": model})


urlpatterns = [
    path("mailboxes/", MailboxListView.as_view(), name="mailbox_list"),
    path("mailboxes/add/", MailboxEditView.as_view(), name="mailbox_add"),
    path("mailboxes/<int:pk>/", MailboxDetailView.as_view(), name="mailbox_detail"),
    path("mailboxes/<int:pk>/edit/", MailboxEditView.as_view(), name="mailbox_edit"),
    path("mailboxes/<int:pk>/delete/", MailboxDeleteView.as_view(), name="mailbox_delete"),
    path("mailboxes/<int:pk>/history/", _history(Mailbox).as_view(), name="mailbox_history"),
    path("messages/", InboundMessageListView.as_view(), name="inboundmessage_list"),
    path("messages/<int:pk>/", InboundMessageDetailView.as_view(), name="inboundmessage_detail"),
    path(
        "messages/<int:pk>/release/",
        InboundMessageReleaseView.as_view(),
        name="inboundmessage_release",
    ),
    path(
        "messages/<int:pk>/retry/", InboundMessageRetryView.as_view(), name="inboundmessage_retry"
    ),
]
