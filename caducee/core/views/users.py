"""Account administration: list, detail, create and edit users with their
roles and establishments (through caducee.core.services.users)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from caducee.core.filters import UserFilterSet
from caducee.core.forms import UserForm
from caducee.core.models import User
from caducee.core.roles import role_label
from caducee.core.services import users as user_services
from caducee.core.services.errors import DomainError
from caducee.core.tables import UserTable
from caducee.core.views.generic import (
    ObjectDetailView,
    ObjectEditView,
    ObjectListView,
    apply_validation_error,
    redirect_to,
)


class UserListView(ObjectListView):
    model = User
    filterset_class = UserFilterSet
    table_class = UserTable

    def base_queryset(self):
        return User.objects.prefetch_related("groups", "establishments")


class UserDetailView(ObjectDetailView):
    model = User
    detail_fields = [
        "username",
        "first_name",
        "last_name",
        "email",
        "is_active",
        "language",
        "all_establishments",
        "establishments",
        "last_login",
        "date_joined",
    ]

    def attributes(self, obj):
        rows = super().attributes(obj)
        roles = [role_label(g.name) for g in obj.groups.all()]
        rows.insert(1, {"label": _("Roles"), "value": ", ".join(roles), "name": "roles"})
        return rows


class UserEditView(ObjectEditView):
    model = User
    form_class = UserForm

    def post(self, request, pk=None):
        obj = self.load(pk)
        form = self.get_form(obj, request.POST)
        if not form.is_valid():
            return self.render_form(obj, form, status=400)
        data = form.cleaned_data
        try:
            if pk is None:
                fields = {
                    k: data[k]
                    for k in (
                        "first_name",
                        "last_name",
                        "email",
                        "is_active",
                        "language",
                        "all_establishments",
                    )
                }
                user = user_services.create_user(
                    actor=request.user,
                    username=data["username"],
                    password=data["password1"],
                    roles=data["roles"],
                    establishments=data["establishments"],
                    **fields,
                )
            else:
                user = form.save(commit=False)
                user_services.update_user(
                    user,
                    actor=request.user,
                    roles=data["roles"],
                    establishments=data["establishments"],
                )
                if data.get("password1"):
                    user_services.set_password(user, actor=request.user, password=data["password1"])
        except ValidationError as exc:
            apply_validation_error(form, exc)
            return self.render_form(obj, form, status=400)
        except DomainError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
            return self.render_form(obj, form, status=400)
        messages.success(request, _("%(name)s saved.") % {"name": user})
        return redirect_to(request, user.get_absolute_url())
