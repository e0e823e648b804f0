"""FilterSets of core: the audit trail search for auditors."""

from __future__ import annotations

import django_filters
from django import forms
from django.utils.translation import gettext_lazy as _

from caducee.core.models import AuditEvent, User
from caducee.core.widgets import lighten


class AuditEventFilterSet(django_filters.FilterSet):
    actor = django_filters.CharFilter(
        field_name="actor_label", lookup_expr="icontains", label=_("Actor")
    )
    # Object types are stored lower case ("desk.ticket"): an exact match on the
    # lowered value lets the object-history index serve the search.
    object_type = django_filters.CharFilter(method="filter_object_type", label=_("Object type"))
    object_id = django_filters.CharFilter(label=_("Object id"))
    object_repr = django_filters.CharFilter(lookup_expr="icontains", label=_("Object"))
    event = django_filters.CharFilter(lookup_expr="icontains", label=_("Event"))
    action = django_filters.ChoiceFilter(choices=AuditEvent.Action.choices, label=_("Action"))
    since = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__gte",
        label=_("From"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    until = django_filters.DateFilter(
        field_name="timestamp",
        lookup_expr="date__lte",
        label=_("Until"),
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    request_id = django_filters.CharFilter(label=_("Request id"))

    class Meta:
        model = AuditEvent
        fields = ["actor", "object_type", "object_id", "action", "event", "since", "until"]

    def filter_object_type(self, queryset, name, value):
        return queryset.filter(object_type=value.strip().lower())


def scoped(model):
    """Choices of a filter limited to what the requesting user may see."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.restrict(request.user, "view")

    return queryset


class SearchFilterSet(django_filters.FilterSet):
    """FilterSet base with a free-text ``q`` over ``search_fields``.

    The same FilterSet serves the UI list, exports and the API.
    """

    search_fields: tuple[str, ...] = ()
    q = django_filters.CharFilter(
        method="search", label=_("Search"), widget=forms.TextInput(attrs={"type": "search"})
    )

    @property
    def form(self):
        # The drop-downs of a list's filters are on every page view.
        if not hasattr(self, "_form"):
            lighten(super().form)
        return super().form

    def search(self, queryset, name, value):
        value = (value or "").strip()
        if not value:
            return queryset
        from django.db.models import Q

        condition = Q()
        for word in value.split()[:6]:
            word_q = Q()
            for field in self.search_fields:
                word_q |= Q(**{f"{field}__icontains": word})
            condition &= word_q
        return queryset.filter(condition)


class UserFilterSet(SearchFilterSet):
    search_fields = ("username", "first_name", "last_name", "email")
    role = django_filters.CharFilter(field_name="groups__name", label=_("Role"))

    class Meta:
        model = User
        fields = ["q", "role", "is_active", "all_establishments"]
