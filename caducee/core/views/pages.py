"""Shell pages: home, sign-in, the audit trail search, personal API tokens."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required, permission_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from caducee.core.filters import AuditEventFilterSet
from caducee.core.forms import ApiTokenForm
from caducee.core.models import ApiToken, AuditEvent
from caducee.core.roles import role_label
from caducee.core.services import tokens as token_services
from caducee.core.services.errors import DomainError


class LoginView(auth_views.LoginView):
    template_name = "core/login.html"
    redirect_authenticated_user = True

    def get_default_redirect_url(self):
        """Without a ``next``, an app may choose where the account lands
        (``core.navigation.landing_for``: the portal for requesters)."""
        from django.urls import reverse

        from caducee.core.navigation import landing_for

        landing = landing_for(self.request.user)
        return reverse(landing) if landing else super().get_default_redirect_url()


@login_required
def home(request):
    user = request.user
    roles = [role_label(name) for name in user.groups.values_list("name", flat=True)]
    ids = user.establishment_ids()
    from caducee.org.models import Establishment

    establishments = (
        Establishment.objects.restrict(user, "view")
        if ids is None
        else (Establishment.objects.filter(pk__in=ids))
    )
    return render(
        request,
        "core/home.html",
        {"roles": roles, "establishments": establishments, "whole_ght": ids is None},
    )


@login_required
@permission_required("core.view_auditevent", raise_exception=True)
def audit_search(request):
    queryset = AuditEvent.objects.restrict(request.user, "view")
    filterset = AuditEventFilterSet(request.GET or None, queryset=queryset, request=request)
    events = (
        filterset.qs
        if filterset.is_bound and filterset.is_valid()
        else (queryset.none() if filterset.is_bound else queryset)
    )
    page = Paginator(events.order_by("-seq"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    template = "core/audit_search.html"
    if request.htmx and request.htmx.target == "results":
        template += "#results"
    return render(
        request, template, {"filterset": filterset, "page": page, "querystring": query.urlencode()}
    )


@login_required
def token_list(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    if request.method == "POST" and form.is_valid():
        try:
            _token, new_key = token_services.create_token(
                actor=request.user,
                name=form.cleaned_data["name"],
                expires_at=form.cleaned_data.get("expires_at"),
            )
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, _("Token created. Copy it now: it will not be shown again."))
            form = ApiTokenForm()
    tokens = ApiToken.objects.filter(user=request.user)
    status = 400 if form.errors else 200
    return render(
        request,
        "core/tokens.html",
        {"form": form, "tokens": tokens, "new_key": new_key},
        status=status,
    )


@login_required
@require_POST
def token_revoke(request, pk):
    token = ApiToken.objects.filter(user=request.user, pk=pk).first()
    if token is None:
        raise Http404
    token_services.revoke_token(token, actor=request.user)
    messages.success(request, _("Token revoked."))
    return redirect("core:token_list")
