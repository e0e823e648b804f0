"""The outbox: the notification e-mails and what became of them.

Rule (issue "Channels" point 1): a failed send is visible to
administrators. Failed mails come first, then those still waiting, being
sent, and sent; each shows its last error. An administrator sends a failed
mail again with Retry (``services.outbox.retry``, audited). Mails about the
tickets of establishments outside the viewer's scope are not listed.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin, PermissionRequiredMixin
from django.db.models import Case, IntegerField, Q, Value, When
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from caducee.core.services.errors import DomainError
from caducee.desk.views.queues import page_number, page_of
from caducee.notify.models import MailState, OutgoingMail
from caducee.notify.services.outbox import may_retry, retry

STATE_ORDER = [MailState.FAILED, MailState.PENDING, MailState.SENDING, MailState.SENT]


def visible_mail(user):
    queryset = OutgoingMail.objects.all()
    ids = user.establishment_ids()
    if ids is not None:
        queryset = queryset.filter(Q(ticket__establishment__in=ids))
    return queryset


class OutboxView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "notify.view_outgoingmail"
    template_name = "notify/outbox.html"

    def get(self, request):
        state = request.GET.get("state", "")
        rows = visible_mail(request.user).select_related("ticket")
        rows = rows.defer("body_text", "body_html", "references")
        if state in MailState.values:
            rows = rows.filter(state=state)
        else:
            state = ""
        rank = Case(
            *[When(state=value, then=Value(i)) for i, value in enumerate(STATE_ORDER)],
            output_field=IntegerField(),
        )
        rows = rows.annotate(rank=rank).order_by("rank", "-created_at", "-pk")
        page = page_of(rows, page_number(request.GET.get("page")))
        return render(
            request,
            self.template_name,
            {
                "page": page,
                "state": state,
                "states": MailState.choices,
                "can_retry": may_retry(request.user),
            },
        )


class RetryView(LoginRequiredMixin, PermissionRequiredMixin, View):
    permission_required = "notify.view_outgoingmail"

    def post(self, request, pk: int):
        mail = visible_mail(request.user).filter(pk=pk).first()
        if mail is None:
            raise Http404
        try:
            mail = retry(mail, actor=request.user)
        except DomainError as exc:
            messages.error(request, exc.message)
        else:
            messages.success(
                request,
                _("The e-mail to %(address)s is queued again.") % {"address": mail.to_address},
            )
        return redirect("notify:outbox")


urlpatterns = [
    path("outbox/", OutboxView.as_view(), name="outbox"),
    path("outbox/<int:pk>/retry/", RetryView.as_view(), name="outbox_retry"),
]
