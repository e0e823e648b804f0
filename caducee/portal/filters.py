"""The one FilterSet of satisfaction ratings (the API today, the dashboards later)."""

from __future__ import annotations

import django_filters

from caducee.portal.models import Satisfaction


class SatisfactionFilterSet(django_filters.FilterSet):
    rated_after = django_filters.IsoDateTimeFilter(field_name="rated_at", lookup_expr="gte")
    rated_before = django_filters.IsoDateTimeFilter(field_name="rated_at", lookup_expr="lt")
    establishment = django_filters.NumberFilter(field_name="ticket__establishment")

    class Meta:
        model = Satisfaction
        fields = ["ticket", "score", "establishment", "rated_after", "rated_before"]
