"""Everyone's notification preferences.

Rule (issue "Channels" point 1): every signed-in account chooses its own
notifications per event and channel; the page shows the current choice (or
the default) and saves through ``desk.services.notifications.set_preferences``
(the audited service). Bad input is shown beside its event, never a 500.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.shortcuts import redirect, render
from django.urls import path
from django.utils.translation import gettext as _
from django.views import View

from caducee.core.services.errors import DomainError
from caducee.desk.services.notifications import preferences, set_preferences
from caducee.notify.forms import NotificationPreferenceForm


class PreferencesView(LoginRequiredMixin, View):
    template_name = "notify/preferences.html"

    def get(self, request):
        form = NotificationPreferenceForm(current=preferences(request.user))
        return self._render(request, form)

    def post(self, request):
        form = NotificationPreferenceForm(request.POST, current=preferences(request.user))
        if form.is_valid():
            try:
                set_preferences(request.user, form.choices(), actor=request.user)
            except DomainError as exc:
                form.add_error(None, exc.message)
            else:
                messages.success(request, _("Your notification preferences are saved."))
                return redirect("notify:preferences")
        return self._render(request, form, status=400)

    def _render(self, request, form, status: int = 200):
        has_address = bool(request.user.email) or bool(
            getattr(getattr(request.user, "person", None), "email", "")
        )
        return render(
            request,
            self.template_name,
            {"form": form, "has_address": has_address},
            status=status,
        )


urlpatterns = [path("preferences/", PreferencesView.as_view(), name="preferences")]
