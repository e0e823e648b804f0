"""One ViewSet per org model: scoped querysets, audited services."""

from __future__ import annotations

from caducee.core.api.views import ScopedModelViewSet
from caducee.org import filters
from caducee.org.api import serializers
from caducee.org.models import (
    Building,
    CareUnit,
    Establishment,
    Floor,
    HospitalGroup,
    Job,
    Person,
    Pole,
    Room,
    Service,
    ShiftDefinition,
    Site,
    Team,
)
from caducee.org.services.structure import create_establishment


class HospitalGroupViewSet(ScopedModelViewSet):
    model = HospitalGroup
    serializer_class = serializers.HospitalGroupSerializer
    filterset_class = filters.HospitalGroupFilterSet


class EstablishmentViewSet(ScopedModelViewSet):
    model = Establishment
    serializer_class = serializers.EstablishmentSerializer
    filterset_class = filters.EstablishmentFilterSet
    create_service = staticmethod(create_establishment)


class SiteViewSet(ScopedModelViewSet):
    model = Site
    serializer_class = serializers.SiteSerializer
    filterset_class = filters.SiteFilterSet


class BuildingViewSet(ScopedModelViewSet):
    model = Building
    serializer_class = serializers.BuildingSerializer
    filterset_class = filters.BuildingFilterSet


class FloorViewSet(ScopedModelViewSet):
    model = Floor
    serializer_class = serializers.FloorSerializer
    filterset_class = filters.FloorFilterSet


class RoomViewSet(ScopedModelViewSet):
    model = Room
    serializer_class = serializers.RoomSerializer
    filterset_class = filters.RoomFilterSet


class PoleViewSet(ScopedModelViewSet):
    model = Pole
    serializer_class = serializers.PoleSerializer
    filterset_class = filters.PoleFilterSet


class ServiceViewSet(ScopedModelViewSet):
    model = Service
    serializer_class = serializers.ServiceSerializer
    filterset_class = filters.ServiceFilterSet


class CareUnitViewSet(ScopedModelViewSet):
    model = CareUnit
    serializer_class = serializers.CareUnitSerializer
    filterset_class = filters.CareUnitFilterSet


class ShiftDefinitionViewSet(ScopedModelViewSet):
    model = ShiftDefinition
    serializer_class = serializers.ShiftDefinitionSerializer
    filterset_class = filters.ShiftDefinitionFilterSet


class JobViewSet(ScopedModelViewSet):
    model = Job
    serializer_class = serializers.JobSerializer
    filterset_class = filters.JobFilterSet


class PersonViewSet(ScopedModelViewSet):
    model = Person
    serializer_class = serializers.PersonSerializer
    filterset_class = filters.PersonFilterSet

    def base_queryset(self):
        return Person.objects.prefetch_related("care_units")


class TeamViewSet(ScopedModelViewSet):
    model = Team
    serializer_class = serializers.TeamSerializer
    filterset_class = filters.TeamFilterSet

    def base_queryset(self):
        return Team.objects.prefetch_related("members")
