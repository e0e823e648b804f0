"""Satisfaction ratings in the API, under ``/api/portal/satisfaction/``.

* ``GET``: the ratings of the tickets the caller sees (scoped as tickets are,
  ``Satisfaction.restrict_queryset``), newest first, filterable by ticket,
  score, establishment and period — what the dashboards will count.
* ``POST {ticket, score, comment}``: the requester rates their closed ticket
  through ``caducee.portal.services.satisfaction.rate``; the service decides
  who may (no role permission does), its refusals are 400/403/409 with the
  field at fault; a ticket the caller does not see is "does not exist".
"""

from __future__ import annotations

from rest_framework import mixins, serializers, status, viewsets
from rest_framework.permissions import IsAuthenticated
from rest_framework.response import Response

from caducee.core.api.permissions import ModelPermissions
from caducee.desk.models import Ticket
from caducee.portal.filters import SatisfactionFilterSet
from caducee.portal.models import SCORE_MAX, SCORE_MIN, Satisfaction
from caducee.portal.models.satisfaction import COMMENT_LENGTH
from caducee.portal.services.satisfaction import rate


class SatisfactionSerializer(serializers.ModelSerializer):
    ticket_number = serializers.CharField(source="ticket.number", read_only=True)
    establishment = serializers.IntegerField(source="ticket.establishment_id", read_only=True)

    class Meta:
        model = Satisfaction
        fields = [
            "id",
            "ticket",
            "ticket_number",
            "establishment",
            "score",
            "comment",
            "rated_by",
            "rated_at",
        ]
        read_only_fields = fields


class RateSerializer(serializers.Serializer):
    ticket = serializers.PrimaryKeyRelatedField(queryset=Ticket.objects.none())
    score = serializers.IntegerField(min_value=SCORE_MIN, max_value=SCORE_MAX)
    comment = serializers.CharField(required=False, allow_blank=True, max_length=COMMENT_LENGTH)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        request = self.context.get("request")
        if request is not None:
            self.fields["ticket"].queryset = Ticket.objects.restrict(request.user, "view")


class SatisfactionViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    viewsets.GenericViewSet,
):
    serializer_class = SatisfactionSerializer
    filterset_class = SatisfactionFilterSet
    ordering_fields = ["rated_at", "score"]
    ordering = ["-rated_at", "-pk"]

    def get_queryset(self):
        return (
            Satisfaction.objects.restrict(self.request.user, "view")
            .select_related("ticket")
            .order_by("-rated_at", "-pk")
        )

    def get_permissions(self):
        if self.action == "create":
            return [IsAuthenticated()]
        return [ModelPermissions()]

    def get_serializer_class(self):
        return RateSerializer if self.action == "create" else SatisfactionSerializer

    def create(self, request, *args, **kwargs):
        incoming = RateSerializer(data=request.data, context={"request": request})
        incoming.is_valid(raise_exception=True)
        data = incoming.validated_data
        satisfaction = rate(
            data["ticket"], score=data["score"], comment=data.get("comment", ""), actor=request.user
        )
        return Response(SatisfactionSerializer(satisfaction).data, status=status.HTTP_201_CREATED)


ROUTES = [("satisfaction", SatisfactionViewSet, "satisfaction")]
